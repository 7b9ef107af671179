//! The plan's progress, shown (`/progress/`): clean-school shares per tier
//! and year beside the targets (SVG charts drawn by the template from the
//! numbers here, and the same numbers in tables), per district, brand
//! coverage by district and stage, typical samples, and the pieces
//! published per measure; `/progress/schools/` lists the schools behind
//! each number. Also the home page's summary. Numbers: `coverage`.

use serde::Serialize;

use super::{base, Family, Sink};
use crate::config::Config;
use crate::coverage::{Coverage, Share};
use crate::model::TIERS;
use crate::render::context::Ctx;
use crate::resolve::plan::{Key, Origin};
use crate::resolve::Resolved;

pub const PATH: &str = "/progress/";
const SCHOOLS_PATH: &str = "/progress/schools/";

pub struct Progress;

/// A share as the views show it.
#[derive(Serialize)]
struct Shown {
    year: i32,
    n: usize,
    of: usize,
    /// None: no school counted that year.
    percent: Option<u32>,
    /// None: no target that year, or the site shows no targets.
    target: Option<u32>,
    met: bool,
}

fn shown(year: i32, s: &Share, targets: bool) -> Shown {
    let target = s.target.filter(|_| targets);
    Shown {
        year,
        n: s.n,
        of: s.of,
        percent: s.percent,
        target,
        met: target.is_some() && s.met(),
    }
}

/// One chart: a tier's share per year.
#[derive(Serialize)]
struct TierChart {
    tier: &'static str,
    rows: Vec<Shown>,
}

#[derive(Serialize)]
struct DistrictRow {
    name: String,
    schools: usize,
    cells: Vec<Shown>,
}

#[derive(Serialize)]
struct DistrictYear {
    year: i32,
    rows: Vec<DistrictRow>,
}

#[derive(Serialize)]
struct GroupRow {
    name: String,
    n: usize,
    of: usize,
    percent: Option<u32>,
}

#[derive(Serialize)]
struct MeasureLine {
    id: u32,
    title: String,
    url: String,
    /// Per year of `measure_years`; 0 shown as blank.
    counts: Vec<usize>,
    total: usize,
}

#[derive(Serialize)]
struct Summary {
    year: i32,
    tiers: Vec<TierChart>,
    brands: usize,
    brand_target: Option<u32>,
    registered: usize,
    samples: Option<Shown>,
    url: String,
}

fn charts(c: &Coverage, targets: bool, years: std::ops::Range<usize>) -> Vec<TierChart> {
    TIERS
        .iter()
        .enumerate()
        .map(|(ti, tier)| TierChart {
            tier,
            rows: c.clean[years.clone()]
                .iter()
                .map(|y| shown(y.year, &y.tiers[ti].share, targets))
                .collect(),
        })
        .collect()
}

/// The home page's summary of the plan's progress; None without a
/// registry or a year.
pub fn summary(ctx: &Ctx) -> Option<impl Serialize> {
    let c = ctx.coverage()?;
    let (yi, year) = c.latest()?;
    let targets = ctx.cfg.show_targets;
    Some(Summary {
        year,
        tiers: charts(c, targets, yi..yi + 1),
        brands: c.brands.schools,
        brand_target: c.brands.target.filter(|_| targets),
        registered: c.brands.registered,
        samples: c.samples.get(yi).map(|(y, s)| shown(*y, s, targets)),
        url: ctx.urls.href(PATH),
    })
}

impl Family for Progress {
    fn jobs(&self, site: &Resolved, _: &Config) -> Vec<Key> {
        if site.has_registry && site.archive_year.is_none() {
            vec![Key::ONE, Key { sub: 1, ..Key::ONE }]
        } else {
            vec![]
        }
    }
    fn path(&self, _: &Resolved, key: Key) -> String {
        if key.sub == 0 { PATH } else { SCHOOLS_PATH }.into()
    }
    fn origin(&self, _: &Resolved, key: Key) -> Origin {
        Origin::generated(if key.sub == 0 {
            "工作进展 (progress)"
        } else {
            "工作进展 · 学校名单 (progress schools)"
        })
    }
    fn describe(&self, ctx: &Ctx, key: Key, out: &mut dyn Sink) {
        let Some(c) = ctx.coverage() else { return };
        let targets = ctx.cfg.show_targets;
        out.value("show_targets", &targets);
        out.value("years", &c.years);
        if key.sub == 1 {
            out.template("progress-schools.html");
            base(ctx, out, SCHOOLS_PATH, &ctx.string("progress_schools"));
            out.value("parent_url", &ctx.urls.href(PATH));
            out.value("by_year", &schools_by_year(ctx, c));
            return;
        }
        out.template("progress.html");
        base(ctx, out, PATH, &ctx.string("progress"));
        out.value("schools_url", &ctx.urls.href(SCHOOLS_PATH));
        out.value("charts", &charts(c, targets, 0..c.years.len()));
        // Per district, each year; the latest first (shown open).
        let districts: Vec<DistrictYear> = (0..c.years.len())
            .rev()
            .map(|yi| DistrictYear {
                year: c.years[yi],
                rows: c
                    .districts
                    .iter()
                    .map(|d| DistrictRow {
                        name: d.name.clone(),
                        schools: d.years[yi].tiers[0].share.of,
                        cells: d.years[yi]
                            .tiers
                            .iter()
                            .map(|t| shown(d.years[yi].year, &t.share, targets))
                            .collect(),
                    })
                    .collect(),
            })
            .collect();
        out.value("district_years", &districts);
        let group = |g: &crate::coverage::Group| GroupRow {
            name: g.name.clone(),
            n: g.share.n,
            of: g.share.of,
            percent: g.share.percent,
        };
        out.value("brands", &c.brands.schools);
        out.value("brand_target", &c.brands.target.filter(|_| targets));
        out.value("registered", &c.brands.registered);
        out.value(
            "brand_districts",
            &c.brands.by_district.iter().map(group).collect::<Vec<_>>(),
        );
        out.value(
            "brand_stages",
            &c.brands.by_stage.iter().map(group).collect::<Vec<_>>(),
        );
        let samples: Vec<Shown> = c
            .samples
            .iter()
            .map(|(y, s)| shown(*y, s, targets))
            .collect();
        out.value("samples", &samples);
        out.value("measure_years", &c.measure_years);
        let measures: Vec<MeasureLine> = c
            .measures
            .iter()
            .map(|m| MeasureLine {
                id: m.id,
                title: m.title.clone(),
                url: ctx.urls.href(&format!("/measures/{}/", m.id)),
                counts: m.counts.clone(),
                total: m.total,
            })
            .collect();
        out.value("measures", &measures);
    }
}

#[derive(Serialize)]
struct SchoolLink {
    name: String,
    url: String,
    district: String,
}

#[derive(Serialize)]
struct TierList {
    /// A tier, or "" for schools not rated that year.
    tier: &'static str,
    schools: Vec<SchoolLink>,
}

#[derive(Serialize)]
struct YearList {
    year: i32,
    counted: usize,
    tiers: Vec<TierList>,
}

/// Per year, the counted schools by their tier (highest first, then the
/// unrated), by district and name.
fn schools_by_year(ctx: &Ctx, c: &Coverage) -> Vec<YearList> {
    let url_of = |id: &str| {
        ctx.site
            .schools
            .iter()
            .find(|t| t.slug == id)
            .map(|t| ctx.urls.href(&t.path))
            .unwrap_or_default()
    };
    let mut order: Vec<&crate::coverage::SchoolRow> = c.schools.iter().collect();
    order.sort_by(|a, b| (&a.district, &a.name).cmp(&(&b.district, &b.name)));
    c.years
        .iter()
        .enumerate()
        .map(|(yi, &year)| {
            let counted: Vec<_> = order.iter().filter(|s| s.counts_in(year)).collect();
            let tiers = TIERS
                .iter()
                .copied()
                .chain([""])
                .map(|tier| TierList {
                    tier,
                    schools: counted
                        .iter()
                        .filter(|s| s.tiers[yi].unwrap_or("") == tier)
                        .map(|s| SchoolLink {
                            name: s.name.clone(),
                            url: url_of(&s.id),
                            district: s.district.clone(),
                        })
                        .collect(),
                })
                .collect();
            YearList {
                year,
                counted: counted.len(),
                tiers,
            }
        })
        .collect()
}
