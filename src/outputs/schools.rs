//! The school list (`/schools/`, by district) and each school's profile
//! with the school's pages and their pagers (`/schools/<id>/`).

use serde::Serialize;

use super::{base, page_n, pagers, paginate, Family, Sink};
use crate::config::Config;
use crate::model::Kind;
use crate::render::context::Ctx;
use crate::resolve::plan::{pager_path, Key, Origin};
use crate::resolve::{Resolved, Term};

pub struct Schools;

impl Family for Schools {
    fn jobs(&self, site: &Resolved, _: &Config) -> Vec<Key> {
        if site.schools.is_empty() {
            vec![]
        } else {
            vec![Key::ONE]
        }
    }
    fn path(&self, _: &Resolved, _: Key) -> String {
        "/schools/".into()
    }
    fn origin(&self, _: &Resolved, _: Key) -> Origin {
        Origin::generated("学校列表 (schools)")
    }
    fn describe(&self, ctx: &Ctx, _: Key, out: &mut dyn Sink) {
        out.template("schools.html");
        base(ctx, out, "/schools/", &ctx.string("schools"));
        out.value("districts", &schools_by_district(ctx));
    }
}

pub struct Profiles;

impl Family for Profiles {
    fn jobs(&self, site: &Resolved, cfg: &Config) -> Vec<Key> {
        site.schools
            .iter()
            .enumerate()
            .flat_map(|(i, s)| pagers(i, s.pages.len(), cfg.paginate_by))
            .collect()
    }
    fn path(&self, site: &Resolved, key: Key) -> String {
        pager_path(&site.schools[key.item].path, key.n)
    }
    fn origin(&self, site: &Resolved, key: Key) -> Origin {
        Origin {
            file: "data/schools.yaml".into(),
            line: 0,
            what: format!("学校主页 {}{}", site.schools[key.item].name, page_n(key.n)),
            text: None,
        }
    }
    fn describe(&self, ctx: &Ctx, key: Key, out: &mut dyn Sink) {
        let t = &ctx.site.schools[key.item];
        let path = pager_path(&t.path, key.n);
        out.template("school.html");
        base(ctx, out, &path, &t.name);
        out.value("school", &school_value(ctx, t));
        paginate(ctx, out, &t.path, &t.pages, ctx.cfg.paginate_by, key.n);
    }
}

#[derive(Serialize)]
struct SchoolCard {
    name: String,
    url: String,
    stage: String,
    count: usize,
}

#[derive(Serialize)]
struct DistrictValue {
    name: String,
    schools: Vec<SchoolCard>,
}

fn schools_by_district(ctx: &Ctx) -> Vec<DistrictValue> {
    let mut map: std::collections::BTreeMap<String, Vec<SchoolCard>> = Default::default();
    for t in &ctx.site.schools {
        let reg = ctx.registry.school(&t.slug);
        let district = reg
            .map(|r| r.district.clone())
            .unwrap_or_else(|| "其他".into());
        map.entry(district).or_default().push(SchoolCard {
            name: t.name.clone(),
            url: ctx.urls.href(&t.path),
            stage: reg.map(|r| r.stage.clone()).unwrap_or_default(),
            count: t.pages.len(),
        });
    }
    map.into_iter()
        .map(|(name, schools)| DistrictValue { name, schools })
        .collect()
}

#[derive(Serialize)]
struct SchoolProfile<'a> {
    id: &'a str,
    name: &'a str,
    url: String,
    registered: bool,
    short: &'a str,
    district: &'a str,
    district_url: String,
    stage: &'a str,
    ownership: &'a str,
    party_org: &'a str,
    intro: &'a str,
    count: usize,
    counts: Vec<KindCount>,
    clean_tiers: Vec<YearTier>,
    /// Its tier in each of the plan's years since it counts (for the
    /// chart); empty when it was never rated.
    tier_history: Vec<TierPoint>,
}

#[derive(Serialize)]
struct TierPoint {
    year: i32,
    /// "" when not rated that year.
    tier: &'static str,
    /// The tier without 型, as the chart labels it.
    short: &'static str,
    /// 3 for 引领型 down to 1 for 提升型, 0 when not rated.
    level: usize,
}

#[derive(Serialize)]
struct KindCount {
    label: &'static str,
    count: usize,
}

#[derive(Serialize)]
struct YearTier {
    year: i32,
    tier: String,
}

fn school_value<'a>(ctx: &'a Ctx, t: &'a Term) -> SchoolProfile<'a> {
    let reg = ctx
        .registry
        .school(&t.slug)
        .filter(|_| ctx.registry.schools.is_some());
    let counts = Kind::ALL
        .iter()
        .map(|k| KindCount {
            label: k.label(),
            count: t
                .pages
                .iter()
                .filter(|&&i| ctx.site.pages[i].kind == *k)
                .count(),
        })
        .filter(|k| k.count > 0)
        .collect();
    let district = reg.map(|r| r.district.as_str()).unwrap_or("");
    let has_district = ctx.site.taxonomies.iter().any(|t| t.name == "district");
    SchoolProfile {
        id: &t.slug,
        name: &t.name,
        url: ctx.urls.href(&t.path),
        registered: reg.is_some(),
        short: reg.map(|r| r.short.as_str()).unwrap_or(""),
        district,
        district_url: if has_district && !district.is_empty() {
            ctx.urls.href(&format!(
                "/districts/{}/",
                crate::parse::slug::slugify(district, ctx.cfg.pinyin_slugs)
            ))
        } else {
            String::new()
        },
        stage: reg.map(|r| r.stage.as_str()).unwrap_or(""),
        ownership: reg.map(|r| r.ownership.as_str()).unwrap_or(""),
        party_org: reg.map(|r| r.party_org.as_str()).unwrap_or(""),
        intro: reg.map(|r| r.intro.as_str()).unwrap_or(""),
        count: t.pages.len(),
        counts,
        tier_history: tier_history(ctx, &t.slug),
        clean_tiers: reg
            .map(|r| {
                r.clean_tiers
                    .iter()
                    .map(|(y, t)| YearTier {
                        year: *y,
                        tier: t.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
    }
}

fn tier_history(ctx: &Ctx, id: &str) -> Vec<TierPoint> {
    let Some(c) = ctx.coverage() else {
        return vec![];
    };
    let Some(row) = c.schools.iter().find(|s| s.id == id) else {
        return vec![];
    };
    if row.tiers.iter().all(Option::is_none) {
        return vec![];
    }
    c.years
        .iter()
        .zip(&row.tiers)
        .filter(|(y, _)| row.counts_in(**y))
        .map(|(&year, t)| TierPoint {
            year,
            tier: t.unwrap_or(""),
            short: t.map_or("", |t| t.trim_end_matches('型')),
            level: t
                .and_then(|t| crate::model::TIERS.iter().position(|x| *x == t))
                .map_or(0, |i| crate::model::TIERS.len() - i),
        })
        .collect()
}
