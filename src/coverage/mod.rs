//! The plan's progress, counted: clean-school tiers per year (overall and
//! per district), schools with a brand case, typical samples, and the
//! pieces published per measure and year. Plain data over the registry and
//! the resolved site's published pages; the public views (`outputs::
//! progress`, the home page, school profiles) and `exemplar report` show it.
//!
//! Rules, each tested in `tests/it/progress.rs`:
//! - a school counts in year Y unless its `since:` is later than Y;
//! - its tier in Y is its latest rating up to Y (a rating holds until the
//!   next one, which may be lower): `clean_tiers`, and the years only a
//!   published clean-school page records;
//! - the shares are cumulative: a school at 引领型 is also at 规范型 and
//!   提升型;
//! - a share is rounded to the nearest whole percent (half up), and is
//!   met when the exact share is at least the target;
//! - a district or year with no school counted has no share ("—").

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::model::registry::{Registry, School};
use crate::model::{Kind, Status, TIERS};
use crate::resolve::Resolved;

/// A share of schools, with its target when there is one.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Share {
    pub n: usize,
    pub of: usize,
    /// Rounded; None when no school is counted.
    pub percent: Option<u32>,
    pub target: Option<u32>,
    /// Schools still needed to meet the target (0 when met).
    pub short: usize,
}

impl Share {
    pub fn new(n: usize, of: usize, target: Option<u32>) -> Share {
        let percent = (of > 0).then(|| ((200 * n + of) / (2 * of)) as u32);
        // The fewest schools whose share reaches the target.
        let needed = target.map_or(0, |t| (t as usize * of).div_ceil(100));
        Share {
            n,
            of,
            percent,
            target,
            short: needed.saturating_sub(n),
        }
    }

    pub fn met(&self) -> bool {
        self.short == 0
    }
}

/// One year's clean-school shares, highest tier first (as `TIERS`).
#[derive(Debug, Clone, Serialize)]
pub struct TierYear {
    pub year: i32,
    pub tiers: Vec<TierShare>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TierShare {
    pub tier: &'static str,
    #[serde(flatten)]
    pub share: Share,
}

#[derive(Debug, Clone, Serialize)]
pub struct District {
    pub name: String,
    pub years: Vec<TierYear>,
}

/// Schools with a published brand case in a group (a district, a stage).
#[derive(Debug, Clone, Serialize)]
pub struct Group {
    pub name: String,
    #[serde(flatten)]
    pub share: Share,
}

#[derive(Debug, Clone, Serialize)]
pub struct Brands {
    /// Schools with a published brand case, against the target number.
    pub schools: usize,
    pub target: Option<u32>,
    pub registered: usize,
    pub by_district: Vec<Group>,
    pub by_stage: Vec<Group>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MeasureRow {
    pub id: u32,
    pub title: String,
    /// Published pieces per year of `Coverage::measure_years`.
    pub counts: Vec<usize>,
    pub total: usize,
}

/// One registered school's record.
#[derive(Debug, Clone, Serialize)]
pub struct SchoolRow {
    pub id: String,
    pub name: String,
    pub district: String,
    pub stage: String,
    pub since: Option<i32>,
    /// Its tier in each year of `Coverage::years` (None: not rated, or
    /// not yet counted).
    pub tiers: Vec<Option<&'static str>>,
    pub brand_cases: usize,
    /// Published exemplars (brand cases, deeds, clean-school pages) by
    /// year, for the typical samples.
    pub exemplar_years: Vec<i32>,
}

impl SchoolRow {
    /// Counted in year `y`'s shares (`since`).
    pub fn counts_in(&self, y: i32) -> bool {
        self.since.is_none_or(|s| s <= y)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    /// The plan's years: every year with a target or a rating, first to
    /// last.
    pub years: Vec<i32>,
    pub clean: Vec<TierYear>,
    pub districts: Vec<District>,
    pub brands: Brands,
    /// Per year of `years`: schools with a published exemplar up to then.
    pub samples: Vec<(i32, Share)>,
    pub measure_years: Vec<i32>,
    pub measures: Vec<MeasureRow>,
    pub schools: Vec<SchoolRow>,
}

impl Coverage {
    /// The last year with a rating (else the last of the plan's years),
    /// with its index in `years`: the year a summary shows.
    pub fn latest(&self) -> Option<(usize, i32)> {
        let rated = self
            .years
            .iter()
            .enumerate()
            .rev()
            .find(|(yi, _)| self.schools.iter().any(|s| s.tiers[*yi].is_some()));
        rated
            .or_else(|| self.years.iter().enumerate().next_back())
            .map(|(i, y)| (i, *y))
    }
}

/// Count the plan's progress from the registry and the site's published
/// pages (drafts and pages waiting for review never count). None when the
/// site has no registry of schools.
pub fn count(registry: &Registry, site: &Resolved) -> Option<Coverage> {
    let schools = registry.schools.as_ref()?;
    let published = || site.pages.iter().filter(|p| p.status == Status::Published);
    let page_years: BTreeSet<i32> = published()
        .filter(|p| p.kind == Kind::Clean && p.doc.header.tier.is_some())
        .filter(|p| p.school.as_ref().is_some_and(|r| r.registered))
        .filter_map(|p| p.year)
        .collect();
    let years = plan_years(registry, schools, &page_years);
    let mut by_school: BTreeMap<&str, Vec<&crate::resolve::Page>> = BTreeMap::new();
    for p in published() {
        if let Some(r) = p.school.as_ref().filter(|r| r.registered) {
            by_school.entry(r.key.as_str()).or_default().push(p);
        }
    }
    let rows: Vec<SchoolRow> = schools
        .iter()
        .map(|s| {
            let mine = || by_school.get(s.id.as_str()).into_iter().flatten();
            // The registry's ratings, and the years only a published
            // clean-school page records (a contradiction is a build error).
            let mut ratings: BTreeMap<i32, &str> = s
                .clean_tiers
                .iter()
                .map(|(y, t)| (*y, t.as_str()))
                .collect();
            for p in mine().filter(|p| p.kind == Kind::Clean) {
                if let (Some(y), Some(t)) = (p.year, p.doc.header.tier.as_deref()) {
                    ratings.entry(y).or_insert(t);
                }
            }
            let mut exemplar_years: Vec<i32> = mine()
                .filter(|p| p.kind != Kind::Page)
                .filter_map(|p| p.year)
                .collect();
            exemplar_years.sort_unstable();
            SchoolRow {
                id: s.id.clone(),
                name: s.name.clone(),
                district: s.district.clone(),
                stage: s.stage.clone(),
                since: s.since,
                tiers: years
                    .iter()
                    .map(|&y| {
                        let (_, t) = ratings.range(..=y).next_back()?;
                        let t = TIERS.iter().find(|x| *x == t)?;
                        s.counts_in(y).then_some(*t)
                    })
                    .collect(),
                brand_cases: mine().filter(|p| p.kind == Kind::Brand).count(),
                exemplar_years,
            }
        })
        .collect();
    let target_of = |y: i32, t: usize| {
        registry
            .targets
            .iter()
            .find(|x| x.year == y)
            .map(|x| x.percent[t])
    };
    let tier_years = |members: &[(&School, &SchoolRow)], targets: bool| -> Vec<TierYear> {
        years
            .iter()
            .enumerate()
            .map(|(yi, &y)| {
                let counted: Vec<&SchoolRow> = members
                    .iter()
                    .filter(|(s, _)| s.counts_in(y))
                    .map(|(_, r)| *r)
                    .collect();
                TierYear {
                    year: y,
                    tiers: TIERS
                        .iter()
                        .enumerate()
                        .map(|(ti, tier)| {
                            let n = counted
                                .iter()
                                .filter(|r| {
                                    r.tiers[yi]
                                        .and_then(|t| TIERS.iter().position(|x| *x == t))
                                        .is_some_and(|at| at <= ti)
                                })
                                .count();
                            let target = if targets { target_of(y, ti) } else { None };
                            TierShare {
                                tier,
                                share: Share::new(n, counted.len(), target),
                            }
                        })
                        .collect(),
                }
            })
            .collect()
    };
    let all: Vec<(&School, &SchoolRow)> = schools.iter().zip(&rows).collect();
    let clean = tier_years(&all, true);
    let mut by_district: BTreeMap<&str, Vec<(&School, &SchoolRow)>> = BTreeMap::new();
    for m in &all {
        by_district
            .entry(m.0.district.as_str())
            .or_default()
            .push(*m);
    }
    let districts = by_district
        .iter()
        .map(|(name, members)| District {
            name: name.to_string(),
            years: tier_years(members, true),
        })
        .collect();
    let brands = brands(registry, &all);
    let samples = years
        .iter()
        .map(|&y| {
            let counted: Vec<&SchoolRow> = all
                .iter()
                .filter(|(s, _)| s.counts_in(y))
                .map(|(_, r)| *r)
                .collect();
            let n = counted
                .iter()
                .filter(|r| r.exemplar_years.first().is_some_and(|&f| f <= y))
                .count();
            let target = registry
                .typical_samples
                .iter()
                .find(|t| t.year == y)
                .map(|t| t.percent);
            (y, Share::new(n, counted.len(), target))
        })
        .collect();
    let (measure_years, measures) = measures(registry, site);
    Some(Coverage {
        years,
        clean,
        districts,
        brands,
        samples,
        measure_years,
        measures,
        schools: rows,
    })
}

/// Every year from the first target or rating to the last.
fn plan_years(registry: &Registry, schools: &[School], rated: &BTreeSet<i32>) -> Vec<i32> {
    let mut ys: BTreeSet<i32> = registry.targets.iter().map(|t| t.year).collect();
    ys.extend(rated);
    ys.extend(registry.typical_samples.iter().map(|t| t.year));
    for s in schools {
        ys.extend(s.clean_tiers.keys());
    }
    match (ys.first(), ys.last()) {
        (Some(&a), Some(&b)) => (a..=b).collect(),
        _ => vec![],
    }
}

fn brands(registry: &Registry, all: &[(&School, &SchoolRow)]) -> Brands {
    let group = |key: &dyn Fn(&School) -> &str| -> Vec<Group> {
        let mut g: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
        for (s, r) in all {
            let e = g.entry(key(s)).or_default();
            e.1 += 1;
            if r.brand_cases > 0 {
                e.0 += 1;
            }
        }
        g.into_iter()
            .map(|(name, (n, of))| Group {
                name: name.to_string(),
                share: Share::new(n, of, None),
            })
            .collect()
    };
    let mut by_stage = group(&|s| s.stage.as_str());
    // Stages in the registry's order of schooling, not by name.
    let rank = |n: &str| {
        crate::model::registry::STAGES
            .iter()
            .position(|s| *s == n)
            .unwrap_or(usize::MAX)
    };
    by_stage.sort_by_key(|g| rank(&g.name));
    Brands {
        schools: all.iter().filter(|(_, r)| r.brand_cases > 0).count(),
        target: registry.brand_schools,
        registered: all.len(),
        by_district: group(&|s| s.district.as_str()),
        by_stage,
    }
}

/// Published pieces per measure and year (the years any published piece
/// with measures has).
fn measures(registry: &Registry, site: &Resolved) -> (Vec<i32>, Vec<MeasureRow>) {
    let pieces: Vec<(&u32, i32)> = site
        .pages
        .iter()
        .filter(|p| p.status == Status::Published && p.kind != Kind::Page)
        .filter_map(|p| Some((p.doc.header.measures.iter(), p.year?)))
        .flat_map(|(ms, y)| ms.map(move |m| (m, y)))
        .collect();
    let years: Vec<i32> = pieces
        .iter()
        .map(|(_, y)| *y)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let rows = registry
        .measures()
        .map(|m| {
            let counts: Vec<usize> = years
                .iter()
                .map(|&y| {
                    pieces
                        .iter()
                        .filter(|(id, py)| **id == m.id && *py == y)
                        .count()
                })
                .collect();
            MeasureRow {
                id: m.id,
                title: m.title.clone(),
                total: counts.iter().sum(),
                counts,
            }
        })
        .collect();
    (years, rows)
}

#[cfg(test)]
mod tests {
    use super::Share;

    #[test]
    fn shares_round_half_up_and_need_whole_schools() {
        // 2 of 3 is 66.7%: shown 67%, and a 70% target needs a third.
        let s = Share::new(2, 3, Some(70));
        assert_eq!((s.percent, s.short, s.met()), (Some(67), 1, false));
        // 1 of 8 is 12.5%: shown 13%.
        assert_eq!(Share::new(1, 8, None).percent, Some(13));
        // 2 of 3 meets 66% (66.7 ≥ 66) though 67 is shown.
        assert!(Share::new(2, 3, Some(66)).met());
        // Nobody counted: no share, nothing needed.
        let none = Share::new(0, 0, Some(50));
        assert_eq!((none.percent, none.short), (None, 0));
    }
}
