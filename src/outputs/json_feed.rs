//! `/feed.json`: a JSON Feed 1.1 (<https://jsonfeed.org/version/1.1>) of
//! every article, newest first, with its full HTML and metadata, for a
//! portal's CMS to import. Written only for a package (`exemplar
//! package`) and in a yearly archive: every body in full is as large as
//! the site's pages again.

use super::{base, Family, Sink};
use crate::config::Config;
use crate::model::Kind;
use crate::render::context::Ctx;
use crate::resolve::plan::{Key, Origin};
use crate::resolve::Resolved;

pub struct JsonFeed;

pub const PATH: &str = "/feed.json";

impl Family for JsonFeed {
    fn jobs(&self, site: &Resolved, _: &Config) -> Vec<Key> {
        if site.json_feed || site.archive_year.is_some() {
            vec![Key::item(0)]
        } else {
            vec![]
        }
    }

    fn path(&self, _: &Resolved, _: Key) -> String {
        PATH.into()
    }

    fn origin(&self, _: &Resolved, _: Key) -> Origin {
        Origin::generated("JSON Feed (feed.json)")
    }

    fn describe(&self, ctx: &Ctx, _: Key, out: &mut dyn Sink) {
        out.template("feed.json");
        base(ctx, out, PATH, &ctx.cfg.title);
        out.value("home_url", &ctx.urls.permalink("/"));
        out.value("feed_url", &ctx.urls.permalink(PATH));
        let articles: Vec<usize> = ctx
            .site
            .by_date
            .iter()
            .copied()
            .filter(|&i| ctx.site.pages[i].kind != Kind::Page)
            .collect();
        out.entries("entries", &articles, crate::render::sink::Bodies::Absolute);
    }
}
