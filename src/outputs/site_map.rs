//! The 网站地图 page (`/sitemap/`): every column (栏目) with its
//! sub-columns and counts, the generated views and the standalone pages,
//! as government sites link it from every footer. (The XML sitemap for
//! search engines is `sitemap.rs`.)

use serde::Serialize;

use super::measures::measure_groups;
use super::taxonomies::{term_value, TermValue};
use super::{base, Family, Sink};
use crate::config::Config;
use crate::render::context::{Ctx, Link};
use crate::resolve::plan::{Key, Origin};
use crate::resolve::{Resolved, Section};

use crate::render::SITE_MAP_PATH as PATH;

pub struct SiteMap;

#[derive(Serialize)]
struct Column {
    title: String,
    url: String,
    count: usize,
    children: Vec<Column>,
}

#[derive(Serialize)]
struct View {
    title: String,
    url: String,
    /// Its entries: measures, schools, districts, years, tags.
    terms: Vec<TermValue>,
    /// Short entries shown side by side (all but the measures).
    inline: bool,
    year: bool,
}

fn column(ctx: &Ctx, s: &Section) -> Column {
    let site = ctx.site;
    Column {
        title: s.title.clone(),
        url: ctx.urls.href(&s.path),
        count: s.pages.len(),
        children: s
            .subsections
            .iter()
            .map(|k| column(ctx, &site.sections[k]))
            .collect(),
    }
}

impl Family for SiteMap {
    fn jobs(&self, _: &Resolved, _: &Config) -> Vec<Key> {
        vec![Key::ONE]
    }
    fn path(&self, _: &Resolved, _: Key) -> String {
        PATH.into()
    }
    fn origin(&self, _: &Resolved, _: Key) -> Origin {
        Origin::generated("网站地图 (site map)")
    }
    fn describe(&self, ctx: &Ctx, _: Key, out: &mut dyn Sink) {
        let site = ctx.site;
        out.template("site-map.html");
        base(ctx, out, PATH, &ctx.string("site_map"));
        let columns: Vec<Column> = site
            .top_sections()
            .into_iter()
            .filter(|s| s.kind != crate::model::Kind::Page)
            .map(|s| column(ctx, s))
            .collect();
        out.value("columns", &columns);
        let mut views = vec![View {
            title: ctx.string("measures"),
            url: ctx.urls.href("/measures/"),
            terms: measure_groups(ctx)
                .into_iter()
                .flat_map(|g| g.measures)
                .map(|m| TermValue {
                    name: format!("{} {}", m.id, m.title),
                    url: m.url,
                    count: m.count,
                })
                .collect(),
            inline: false,
            year: false,
        }];
        if !site.schools.is_empty() {
            views.push(View {
                title: ctx.string("schools"),
                url: ctx.urls.href("/schools/"),
                terms: site.schools.iter().map(|x| term_value(ctx, x)).collect(),
                inline: true,
                year: false,
            });
        }
        for t in &site.taxonomies {
            views.push(View {
                title: ctx.string(&format!("taxonomy_{}", t.name)),
                url: ctx.urls.href(&t.path),
                terms: t.terms.iter().map(|x| term_value(ctx, x)).collect(),
                inline: true,
                year: t.name == "year",
            });
        }
        out.value("views", &views);
        let pages: Vec<Link> = site
            .standalone_pages()
            .map(|p| ctx.link(p.title(), &p.path))
            .collect();
        out.value("pages", &pages);
    }
}
