//! The registry in data/: schools, the plan's measures and its targets —
//! plain data; reading and checking the files is `parse::registry`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::diagnostics::closest;

pub const STAGES: &[&str] = &[
    "小学",
    "初中",
    "高中",
    "九年一贯制",
    "十二年一贯制",
    "完全中学",
    "特殊教育",
    "职业学校",
    "幼儿园",
];
pub const OWNERSHIP: &[&str] = &["公办", "民办"];
pub const PARTY_ORGS: &[&str] = &["党委", "党总支", "党支部"];

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct School {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub short: String,
    pub district: String,
    pub stage: String,
    /// 公办 | 民办
    pub ownership: String,
    /// 党委 | 党总支 | 党支部
    pub party_org: String,
    #[serde(default)]
    pub intro: String,
    /// Clean-school tier reached per year (`2023: 规范型`); a rating
    /// holds until the next one. A clean-school page with `tier` and
    /// `year` adds a year not listed here, and may not contradict one.
    #[serde(default)]
    pub clean_tiers: BTreeMap<i32, String>,
    /// The first year the school counts in the plan's shares (a school
    /// that joined the registry later); counted from the start when absent.
    #[serde(default)]
    pub since: Option<i32>,
    /// The line of its entry in data/schools.yaml (filled when read).
    #[serde(skip)]
    pub line: usize,
}

impl School {
    /// Counted in year `y`'s shares.
    pub fn counts_in(&self, y: i32) -> bool {
        self.since.is_none_or(|s| s <= y)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Measure {
    pub id: u32,
    pub title: String,
    #[serde(default)]
    pub summary: String,
    /// Filled from the enclosing group.
    #[serde(default, skip_deserializing)]
    pub group: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeasureGroup {
    pub id: u32,
    pub title: String,
    pub measures: Vec<Measure>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeasuresFile {
    pub groups: Vec<MeasureGroup>,
}

/// The plan's clean-school targets for one year: the share (%) of
/// registered schools that should have reached at least each tier by the
/// end of that year, highest tier first (as `TIERS`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierTargets {
    pub year: i32,
    pub percent: [u32; 3],
}

/// A yearly share target (%), such as the typical samples'.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareTarget {
    pub year: i32,
    pub percent: u32,
}

#[derive(Debug, Clone, Default)]
pub struct Registry {
    /// None when data/schools.yaml does not exist: `school:` is free text.
    pub schools: Option<Vec<School>>,
    pub groups: Vec<MeasureGroup>,
    /// From data/targets.yaml (the plan's figures when absent), by year.
    pub targets: Vec<TierTargets>,
    /// Schools with a published brand case the plan asks for (100).
    pub brand_schools: Option<u32>,
    /// Share (%) of Party organisations with a published exemplar, by year.
    pub typical_samples: Vec<ShareTarget>,
}

impl Registry {
    pub fn measures(&self) -> impl Iterator<Item = &Measure> {
        self.groups.iter().flat_map(|g| g.measures.iter())
    }

    pub fn measure(&self, id: u32) -> Option<&Measure> {
        self.measures().find(|m| m.id == id)
    }

    /// Find a registered school by id, full name or short name.
    pub fn school(&self, key: &str) -> Option<&School> {
        self.schools
            .as_ref()?
            .iter()
            .find(|s| s.id == key || s.name == key || (!s.short.is_empty() && s.short == key))
    }

    /// Up to three registered ids/names closest to `key`.
    pub fn school_suggestions(&self, key: &str) -> Vec<String> {
        let Some(list) = &self.schools else {
            return vec![];
        };
        let cands: Vec<&str> = list
            .iter()
            .flat_map(|s| [s.id.as_str(), s.name.as_str()])
            .collect();
        closest(key, cands, 3)
            .into_iter()
            .map(|c| c.to_string())
            .collect()
    }
}
