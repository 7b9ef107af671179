//! The search page (`/search/`): a form that works without script (it
//! says so), and the results `search.js` finds in the index the search
//! stage wrote (`crate::search`), the query in the URL (`?q=`).

use super::{base, Family, Sink};
use crate::config::Config;
use crate::render::context::Ctx;
use crate::resolve::plan::{Key, Origin};
use crate::resolve::Resolved;

pub struct Search;

pub const PATH: &str = "/search/";

impl Family for Search {
    fn jobs(&self, _: &Resolved, cfg: &Config) -> Vec<Key> {
        if !cfg.search {
            return vec![];
        }
        vec![Key::item(0)]
    }

    fn path(&self, _: &Resolved, _: Key) -> String {
        PATH.into()
    }

    fn origin(&self, _: &Resolved, _: Key) -> Origin {
        Origin::generated("搜索页 (search)")
    }

    fn describe(&self, ctx: &Ctx, _: Key, out: &mut dyn Sink) {
        out.template("search.html");
        base(ctx, out, PATH, &ctx.string("search"));
        // The script finds the index beside itself (`../search/index/`),
        // also in an archive whose links were made relative.
        let script = format!("/{}", crate::resolve::plan::SEARCH_SCRIPT);
        out.value("script", &ctx.urls.href(&script));
    }
}
