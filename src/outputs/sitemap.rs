//! `sitemap.xml`: every HTML page of the site, for search engines and the
//! government portal's crawler.

use serde::Serialize;

use super::{Family, Sink};
use crate::config::Config;
use crate::render::context::{day, Ctx};
use crate::resolve::plan::{Key, Origin};
use crate::resolve::Resolved;

pub struct Sitemap;

#[derive(Serialize)]
struct Entry {
    loc: String,
    lastmod: Option<String>,
}

impl Family for Sitemap {
    fn jobs(&self, _: &Resolved, _: &Config) -> Vec<Key> {
        vec![Key::ONE]
    }
    fn path(&self, _: &Resolved, _: Key) -> String {
        "/sitemap.xml".into()
    }
    fn origin(&self, _: &Resolved, _: Key) -> Origin {
        Origin::generated("sitemap.xml")
    }
    fn describe(&self, ctx: &Ctx, _: Key, out: &mut dyn Sink) {
        let site = ctx.site;
        let mut entries: Vec<Entry> = Vec::new();
        let mut add = |path: &str, lastmod: Option<String>| {
            entries.push(Entry {
                loc: ctx.urls.permalink(path),
                lastmod,
            })
        };
        add(
            "/",
            site.by_date
                .first()
                .and_then(|&i| site.pages[i].date.as_ref().map(day)),
        );
        for s in site.sections.values().filter(|s| !s.key.is_empty()) {
            add(&s.path, None);
        }
        for p in &site.pages {
            add(&p.path, p.date.as_ref().map(day));
        }
        for t in &site.taxonomies {
            add(&t.path, None);
            for term in &t.terms {
                add(&term.path, None);
            }
        }
        if !site.schools.is_empty() {
            add("/schools/", None);
        }
        for t in &site.schools {
            add(&t.path, None);
        }
        add("/measures/", None);
        for t in &site.measures {
            add(&t.path, None);
        }
        entries.sort_by(|a, b| a.loc.cmp(&b.loc));
        out.template("sitemap.xml");
        out.value("entries", &entries);
    }
}
