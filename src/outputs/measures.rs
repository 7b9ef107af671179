//! The measures overview (`/measures/`) and one list per measure of the
//! plan with its pagers (`/measures/3/`).

use serde::Serialize;

use super::{base, page_n, pagers, paginate, Family, Sink};
use crate::config::Config;
use crate::render::context::Ctx;
use crate::resolve::plan::{pager_path, Key, Origin};
use crate::resolve::Resolved;

pub struct Measures;

impl Family for Measures {
    fn jobs(&self, _: &Resolved, _: &Config) -> Vec<Key> {
        vec![Key::ONE]
    }
    fn path(&self, _: &Resolved, _: Key) -> String {
        "/measures/".into()
    }
    fn origin(&self, _: &Resolved, _: Key) -> Origin {
        Origin::generated("举措列表 (measures)")
    }
    fn describe(&self, ctx: &Ctx, _: Key, out: &mut dyn Sink) {
        out.template("measures.html");
        base(ctx, out, "/measures/", &ctx.string("measures"));
        out.value("groups", &measure_groups(ctx));
    }
}

pub struct MeasurePages;

#[derive(Serialize)]
struct MeasureValue<'a> {
    id: u32,
    title: &'a str,
    summary: &'a str,
    group: &'a str,
    url: String,
    count: usize,
}

impl Family for MeasurePages {
    fn jobs(&self, site: &Resolved, cfg: &Config) -> Vec<Key> {
        site.measures
            .iter()
            .enumerate()
            .flat_map(|(i, m)| pagers(i, m.pages.len(), cfg.paginate_by))
            .collect()
    }
    fn path(&self, site: &Resolved, key: Key) -> String {
        pager_path(&site.measures[key.item].path, key.n)
    }
    fn origin(&self, site: &Resolved, key: Key) -> Origin {
        Origin {
            file: "data/measures.yaml".into(),
            line: 0,
            what: format!("举措页 {}{}", site.measures[key.item].slug, page_n(key.n)),
            text: None,
        }
    }
    fn describe(&self, ctx: &Ctx, key: Key, out: &mut dyn Sink) {
        let t = &ctx.site.measures[key.item];
        let m = ctx
            .registry
            .measures()
            .nth(key.item)
            .expect("measure terms follow the registry");
        let group = ctx
            .registry
            .groups
            .iter()
            .find(|g| g.id == m.group)
            .map(|g| g.title.as_str())
            .unwrap_or("");
        let path = pager_path(&t.path, key.n);
        out.template("measure.html");
        base(
            ctx,
            out,
            &path,
            &format!("{}{}：{}", ctx.string("measure"), m.id, m.title),
        );
        out.value(
            "measure",
            &MeasureValue {
                id: m.id,
                title: &m.title,
                summary: &m.summary,
                group,
                url: ctx.urls.href(&t.path),
                count: t.pages.len(),
            },
        );
        paginate(ctx, out, &t.path, &t.pages, ctx.cfg.paginate_by, key.n);
    }
}

#[derive(Serialize)]
pub(super) struct GroupValue {
    id: u32,
    title: String,
    pub(super) measures: Vec<MeasureValueOwned>,
}

#[derive(Serialize)]
pub(super) struct MeasureValueOwned {
    pub(super) id: u32,
    pub(super) title: String,
    summary: String,
    pub(super) url: String,
    pub(super) count: usize,
}

pub(super) fn measure_groups(ctx: &Ctx) -> Vec<GroupValue> {
    ctx.registry
        .groups
        .iter()
        .map(|g| GroupValue {
            id: g.id,
            title: g.title.clone(),
            measures: g
                .measures
                .iter()
                .map(|m| {
                    let t = ctx
                        .site
                        .measures
                        .iter()
                        .find(|t| t.slug == m.id.to_string());
                    MeasureValueOwned {
                        id: m.id,
                        title: m.title.clone(),
                        summary: m.summary.clone(),
                        url: ctx.urls.href(&format!("/measures/{}/", m.id)),
                        count: t.map(|t| t.pages.len()).unwrap_or(0),
                    }
                })
                .collect(),
        })
        .collect()
}
