//! The registry in data/: schools and the plan's 15 measures.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::diagnostics::{closest, codes, Diagnostic};
use crate::parse::yaml::{Limits, YamlDoc};

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
    /// Clean-school tier reached per year (`2023: 规范型`).
    #[serde(default)]
    pub clean_tiers: BTreeMap<i32, String>,
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

/// The measures shipped with exemplar; `init` writes this file and a site
/// without data/measures.yaml uses it.
pub const DEFAULT_MEASURES: &str = include_str!("../../data/measures.yaml");

#[derive(Debug, Clone, Default)]
pub struct Registry {
    /// None when data/schools.yaml does not exist: `school:` is free text.
    pub schools: Option<Vec<School>>,
    pub groups: Vec<MeasureGroup>,
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

    pub fn parse_schools(file: &str, text: &str) -> Result<Vec<School>, Vec<Diagnostic>> {
        let doc = YamlDoc {
            file,
            text,
            first_line: 1,
            whole: text,
        };
        if let Some(d) = doc.check_tabs() {
            return Err(vec![d]);
        }
        doc.guard(Limits::DATA).map_err(|d| vec![d])?;
        let list: Vec<School> = serde_norway::from_str(text)
            .map_err(|e| vec![doc.convert_error(&e, "每所学校写成一项 `- id: ...`，字段: id, name, short, district, stage, ownership, party_org, intro, clean_tiers")])?;
        let mut errs = Vec::new();
        let mut seen = BTreeMap::new();
        for s in &list {
            let line = find_line(text, &format!("id: {}", s.id)).unwrap_or(1);
            let mut bad = |field: &str, value: &str, allowed: &[&str]| {
                if !allowed.contains(&value) {
                    let l = find_line_after(text, line, &format!("{field}:")).unwrap_or(line);
                    errs.push(
                        doc.error(
                            codes::REGISTRY,
                            l,
                            1,
                            format!("学校 `{}` 的 {field} 不能是 `{value}`", s.id),
                        )
                        .hint(format!("可用的值 (allowed): {}", allowed.join(", "))),
                    );
                }
            };
            bad("stage", &s.stage, STAGES);
            bad("ownership", &s.ownership, OWNERSHIP);
            bad("party_org", &s.party_org, PARTY_ORGS);
            for t in s.clean_tiers.values() {
                bad("clean_tiers", t, crate::model::TIERS);
            }
            if let Some(prev) = seen.insert(s.id.clone(), line) {
                errs.push(
                    doc.error(
                        codes::REGISTRY,
                        line,
                        1,
                        format!(
                            "学校 id `{}` 重复 (duplicate id), 第一次出现在第 {prev} 行",
                            s.id
                        ),
                    )
                    .hint("每所学校的 id 必须唯一"),
                );
            }
            if s.id.is_empty()
                || !s
                    .id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                errs.push(
                    doc.error(
                        codes::REGISTRY,
                        line,
                        1,
                        format!("学校 id `{}` 只能由小写字母、数字和 - 组成", s.id),
                    )
                    .hint("例如 id: yunjiang-shiyan"),
                );
            }
        }
        if errs.is_empty() {
            Ok(list)
        } else {
            Err(errs)
        }
    }

    pub fn parse_measures(file: &str, text: &str) -> Result<Vec<MeasureGroup>, Vec<Diagnostic>> {
        let doc = YamlDoc {
            file,
            text,
            first_line: 1,
            whole: text,
        };
        if let Some(d) = doc.check_tabs() {
            return Err(vec![d]);
        }
        doc.guard(Limits::DATA).map_err(|d| vec![d])?;
        let mf: MeasuresFile = serde_norway::from_str(text).map_err(|e| {
            vec![doc.convert_error(
                &e,
                "格式: groups: - id, title, measures: - id, title, summary",
            )]
        })?;
        let mut groups = mf.groups;
        let mut errs = Vec::new();
        let mut seen = Vec::new();
        for g in &mut groups {
            for m in &mut g.measures {
                m.group = g.id;
                let line = find_line(text, &format!("id: {}", m.id)).unwrap_or(1);
                if !(1..=15).contains(&m.id) || seen.contains(&m.id) {
                    errs.push(doc.error(
                        codes::REGISTRY,
                        line,
                        1,
                        format!(
                            "举措编号 {} 无效或重复 (measure ids are 1–15, once each)",
                            m.id
                        ),
                    ));
                }
                seen.push(m.id);
            }
        }
        if errs.is_empty() {
            Ok(groups)
        } else {
            Err(errs)
        }
    }
}

fn find_line(text: &str, needle: &str) -> Option<usize> {
    text.lines()
        .position(|l| l.trim_start_matches([' ', '-']).trim_end() == needle)
        .map(|i| i + 1)
}

fn find_line_after(text: &str, from: usize, needle: &str) -> Option<usize> {
    text.lines()
        .enumerate()
        .skip(from.saturating_sub(1))
        .find(|(_, l)| l.trim_start().starts_with(needle))
        .map(|(i, _)| i + 1)
}

/// Read data/schools.yaml (optional) and data/measures.yaml (optional, the
/// built-in copy otherwise).
pub fn load(root: &std::path::Path) -> Result<Registry, Vec<Diagnostic>> {
    let mut errs = Vec::new();
    let schools = match crate::load::optional_text(root, "data/schools.yaml") {
        Ok(Some(text)) => match Registry::parse_schools("data/schools.yaml", &text) {
            Ok(s) => Some(s),
            Err(e) => {
                errs.extend(e);
                None
            }
        },
        Ok(None) => None,
        Err(d) => {
            errs.push(d);
            None
        }
    };
    let (file, text) = match crate::load::optional_text(root, "data/measures.yaml") {
        Ok(Some(t)) => ("data/measures.yaml", t),
        Ok(None) => (
            "data/measures.yaml (built in)",
            DEFAULT_MEASURES.to_string(),
        ),
        Err(d) => {
            errs.push(d);
            (
                "data/measures.yaml (built in)",
                DEFAULT_MEASURES.to_string(),
            )
        }
    };
    let groups = Registry::parse_measures(file, &text).unwrap_or_else(|e| {
        errs.extend(e);
        vec![]
    });
    if errs.is_empty() {
        Ok(Registry { schools, groups })
    } else {
        Err(errs)
    }
}
