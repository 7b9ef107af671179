//! The yearly collection (年度典型案例汇编, `/collection.html`), written
//! only when a build is limited to one year (`exemplar archive`): a cover,
//! a table of contents by kind then school, and every exemplar in full,
//! numbered, made for print. Also the grouping the year index shows.

use serde::Serialize;

use super::{base, Family, Sink};
use crate::config::Config;
use crate::model::Kind;
use crate::render::context::{day, school_url, Ctx};
use crate::resolve::plan::{Key, Origin};
use crate::resolve::Resolved;

/// Site path of the collection inside an archive.
pub const PATH: &str = "/collection.html";

#[derive(Serialize)]
pub(super) struct KindGroup {
    kind: &'static str,
    label: &'static str,
    count: usize,
    schools: Vec<SchoolGroup>,
}

#[derive(Serialize)]
struct SchoolGroup {
    name: String,
    url: String,
    entries: Vec<Entry>,
}

#[derive(Serialize)]
struct Entry {
    /// Position in the collection's order, from 1.
    n: usize,
    title: String,
    url: String,
    date: String,
}

/// The exemplars among `pages` (plain pages such as 关于本站 are not),
/// grouped by kind in the kinds' order, then by school (by name; pages
/// without a school last), each group oldest first; and the pages in that
/// order, which numbers them from 1.
pub(super) fn by_kind_then_school(ctx: &Ctx, pages: &[usize]) -> (Vec<KindGroup>, Vec<usize>) {
    let site = ctx.site;
    let mut sorted: Vec<usize> = pages
        .iter()
        .copied()
        .filter(|&i| site.pages[i].kind != Kind::Page)
        .collect();
    let school = |i: usize| site.pages[i].school.as_ref().map(|s| s.name.as_str());
    sorted.sort_by(|&a, &b| {
        let (pa, pb) = (&site.pages[a], &site.pages[b]);
        pa.kind
            .cmp(&pb.kind)
            .then_with(|| match (school(a), school(b)) {
                (Some(x), Some(y)) => x.cmp(y),
                (x, y) => y.is_none().cmp(&x.is_none()).reverse(),
            })
            .then(pa.date.cmp(&pb.date))
            .then(pa.title().cmp(pb.title()))
            .then(pa.path.cmp(&pb.path))
    });
    let mut groups: Vec<KindGroup> = Vec::new();
    for (n, &i) in sorted.iter().enumerate() {
        let p = &site.pages[i];
        if groups.last().is_none_or(|g| g.kind != p.kind.name()) {
            groups.push(KindGroup {
                kind: p.kind.name(),
                label: p.kind.label(),
                count: 0,
                schools: Vec::new(),
            });
        }
        let g = groups.last_mut().expect("pushed above");
        g.count += 1;
        let name = p
            .school
            .as_ref()
            .map_or_else(|| ctx.string("no_school"), |s| s.name.clone());
        if g.schools.last().is_none_or(|s| s.name != name) {
            let url = p.school.as_ref().map_or(String::new(), |s| {
                school_url(&ctx.urls, &s.key, s.registered && !site.schools.is_empty())
            });
            g.schools.push(SchoolGroup {
                name,
                url,
                entries: Vec::new(),
            });
        }
        let s = g.schools.last_mut().expect("pushed above");
        s.entries.push(Entry {
            n: n + 1,
            title: p.title().to_string(),
            url: ctx.urls.href(&p.path),
            date: p.date.map(|d| day(&d)).unwrap_or_default(),
        });
    }
    (groups, sorted)
}

pub struct Collection;

impl Family for Collection {
    fn jobs(&self, site: &Resolved, _: &Config) -> Vec<Key> {
        match site.archive_year {
            Some(_) => vec![Key::item(0)],
            None => vec![],
        }
    }

    fn path(&self, _: &Resolved, _: Key) -> String {
        PATH.into()
    }

    fn origin(&self, _: &Resolved, _: Key) -> Origin {
        Origin::generated("年度汇编 (collection)")
    }

    fn describe(&self, ctx: &Ctx, _: Key, out: &mut dyn Sink) {
        let year = ctx.site.archive_year.unwrap_or_default();
        let title = ctx
            .string("collection_title")
            .replace("{year}", &year.to_string());
        out.template("collection.html");
        base(ctx, out, PATH, &title);
        out.value("year", &year);
        let all: Vec<usize> = (0..ctx.site.pages.len()).collect();
        let (groups, order) = by_kind_then_school(ctx, &all);
        out.value("groups", &groups);
        out.entries("entries", &order, crate::render::sink::Bodies::Anchored);
    }
}
