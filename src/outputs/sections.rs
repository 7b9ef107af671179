//! Section lists and their pagers (`/deeds/`, `/deeds/page/2/`).

use serde::Serialize;

use super::{base, page_n, pagers, paginate, section_at, Family, Sink};
use crate::config::Config;
use crate::render::context::{Ctx, Link};
use crate::resolve::plan::{pager_path, Key, Origin};
use crate::resolve::Resolved;

pub struct Sections;

#[derive(Serialize)]
struct SectionValue<'a> {
    title: &'a str,
    description: &'a str,
    url: String,
    kind: &'static str,
    subsections: Vec<Link>,
    /// 首页 and the sections above this one.
    breadcrumbs: Vec<Link>,
    feed: String,
}

impl Family for Sections {
    fn jobs(&self, site: &Resolved, _: &Config) -> Vec<Key> {
        site.sections
            .values()
            .enumerate()
            .filter(|(_, s)| !s.key.is_empty())
            .flat_map(|(i, s)| pagers(i, s.pages.len(), s.paginate_by))
            .collect()
    }

    fn path(&self, site: &Resolved, key: Key) -> String {
        pager_path(&section_at(site, key.item).path, key.n)
    }

    fn origin(&self, site: &Resolved, key: Key) -> Origin {
        let s = section_at(site, key.item);
        let what = format!("栏目列表{} (section list)", page_n(key.n));
        match &s.doc {
            Some(d) => Origin {
                file: d.file.clone(),
                line: 1,
                what,
                text: Some(d.text.clone()),
            },
            None => Origin {
                file: format!("content/{}/", s.key),
                line: 0,
                what,
                text: None,
            },
        }
    }

    fn describe(&self, ctx: &Ctx, key: Key, out: &mut dyn Sink) {
        let site = ctx.site;
        let s = section_at(site, key.item);
        let n = key.n;
        let path = pager_path(&s.path, n);
        out.template(s.template.as_deref().unwrap_or("section.html"));
        base(ctx, out, &path, &s.title);
        let subsections = s
            .subsections
            .iter()
            .map(|k| ctx.link(&site.sections[k].title, &site.sections[k].path))
            .collect();
        out.value(
            "section",
            &SectionValue {
                title: &s.title,
                description: &s.description,
                url: ctx.urls.href(&s.path),
                kind: s.kind.name(),
                subsections,
                breadcrumbs: ctx.trail(s.parent.as_deref()),
                feed: ctx.urls.href(&format!("{}atom.xml", s.path)),
            },
        );
        out.html("content", if n == 1 { &s.html } else { "" });
        paginate(ctx, out, &s.path, &s.pages, s.paginate_by, n);
    }
}
