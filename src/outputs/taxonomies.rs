//! Taxonomy indexes (`/tags/`) and term lists with their pagers
//! (`/tags/师德/`, `/tags/师德/page/2/`).

use serde::Serialize;

use super::{base, page_n, pagers, paginate, Family, Sink};
use crate::config::Config;
use crate::render::context::Ctx;
use crate::resolve::plan::{pager_path, Key, Origin};
use crate::resolve::{Resolved, Taxonomy, Term};

#[derive(Serialize)]
struct TaxValue<'a> {
    name: &'a str,
    url: String,
}

#[derive(Serialize)]
pub(super) struct TermValue {
    pub(super) name: String,
    pub(super) url: String,
    pub(super) count: usize,
}

pub(super) fn term_value(ctx: &Ctx, t: &Term) -> TermValue {
    TermValue {
        name: t.name.clone(),
        url: ctx.urls.href(&t.path),
        count: t.pages.len(),
    }
}

fn taxonomy(ctx: &Ctx, out: &mut dyn Sink, t: &Taxonomy) {
    out.value(
        "taxonomy",
        &TaxValue {
            name: &t.name,
            url: ctx.urls.href(&t.path),
        },
    );
}

pub struct Taxonomies;

impl Family for Taxonomies {
    fn jobs(&self, site: &Resolved, _: &Config) -> Vec<Key> {
        (0..site.taxonomies.len()).map(Key::item).collect()
    }

    fn path(&self, site: &Resolved, key: Key) -> String {
        site.taxonomies[key.item].path.clone()
    }

    fn origin(&self, site: &Resolved, key: Key) -> Origin {
        Origin::generated(format!("分类索引 {}", site.taxonomies[key.item].name))
    }

    fn describe(&self, ctx: &Ctx, key: Key, out: &mut dyn Sink) {
        let t = &ctx.site.taxonomies[key.item];
        out.template("taxonomy.html");
        base(
            ctx,
            out,
            &t.path,
            &ctx.string(&format!("taxonomy_{}", t.name)),
        );
        taxonomy(ctx, out, t);
        let terms: Vec<TermValue> = t.terms.iter().map(|x| term_value(ctx, x)).collect();
        out.value("terms", &terms);
        if t.name == "year" {
            let frozen: Vec<Frozen> = ctx
                .site
                .frozen_years
                .iter()
                .rev()
                .map(|&y| frozen(ctx, y))
                .collect();
            out.value("frozen", &frozen);
        }
    }
}

/// A year's frozen archive: its home page and its collection.
#[derive(Serialize)]
struct Frozen {
    year: i32,
    home: String,
    collection: String,
}

fn frozen(ctx: &Ctx, year: i32) -> Frozen {
    Frozen {
        year,
        home: ctx.urls.href(&format!("/archive/{year}/index.html")),
        collection: ctx.urls.href(&format!("/archive/{year}/collection.html")),
    }
}

/// A year's list is the year index: one page, every exemplar of the year
/// by kind then school.
fn per_page(t: &Taxonomy, cfg: &Config) -> usize {
    if t.name == "year" {
        usize::MAX
    } else {
        cfg.paginate_by
    }
}

pub struct Terms;

impl Family for Terms {
    fn jobs(&self, site: &Resolved, cfg: &Config) -> Vec<Key> {
        let mut keys = Vec::new();
        for (ti, t) in site.taxonomies.iter().enumerate() {
            for (i, term) in t.terms.iter().enumerate() {
                keys.extend(
                    pagers(ti, term.pages.len(), per_page(t, cfg)).map(|k| Key { sub: i, ..k }),
                );
            }
        }
        keys
    }

    fn path(&self, site: &Resolved, key: Key) -> String {
        pager_path(&site.taxonomies[key.item].terms[key.sub].path, key.n)
    }

    fn origin(&self, site: &Resolved, key: Key) -> Origin {
        let t = &site.taxonomies[key.item];
        Origin::generated(format!(
            "分类页 {} «{}»{}",
            t.name,
            t.terms[key.sub].name,
            page_n(key.n)
        ))
    }

    fn describe(&self, ctx: &Ctx, key: Key, out: &mut dyn Sink) {
        let t = &ctx.site.taxonomies[key.item];
        let term = &t.terms[key.sub];
        let path = pager_path(&term.path, key.n);
        if t.name == "year" {
            out.template("year.html");
            base(ctx, out, &path, &term.name);
            taxonomy(ctx, out, t);
            out.value("term", &term_value(ctx, term));
            let (groups, order) = super::collection::by_kind_then_school(ctx, &term.pages);
            out.value("groups", &groups);
            out.value("exemplars", &order.len());
            let year: Option<i32> = term.name.parse().ok();
            let archived = year.filter(|y| ctx.site.frozen_years.contains(y));
            out.value("frozen", &archived.map(|y| frozen(ctx, y)));
            return;
        }
        out.template("term.html");
        base(ctx, out, &path, &term.name);
        taxonomy(ctx, out, t);
        out.value("term", &term_value(ctx, term));
        paginate(
            ctx,
            out,
            &term.path,
            &term.pages,
            ctx.cfg.paginate_by,
            key.n,
        );
    }
}
