//! The registry files in data/: schools.yaml (optional), measures.yaml
//! (built in when absent) and targets.yaml (built in when absent), read and
//! checked into `model::Registry`. Every id and value is checked, with the
//! file and line of the entry.

use std::collections::BTreeMap;

use crate::diagnostics::{codes, Diagnostic};
use crate::model::registry::{
    MeasureGroup, MeasuresFile, Registry, School, ShareTarget, TierTargets, OWNERSHIP, PARTY_ORGS,
    STAGES,
};
use crate::model::TIERS;
use crate::parse::yaml::{entry_line, Limits, YamlDoc};

/// The measures shipped with exemplar; `init` writes this file and a site
/// without data/measures.yaml uses it.
pub const DEFAULT_MEASURES: &str = include_str!("../../data/measures.yaml");

/// The plan's clean-school targets; `init` writes this file and a site
/// without data/targets.yaml uses it.
pub const DEFAULT_TARGETS: &str = include_str!("../../data/targets.yaml");

pub fn parse_schools(file: &str, text: &str) -> Result<Vec<School>, Vec<Diagnostic>> {
    let doc = YamlDoc::file(file, text, Limits::DATA)?;
    let mut list: Vec<School> = serde_norway::from_str(text)
        .map_err(|e| vec![doc.convert_error(&e, "每所学校写成一项 `- id: ...`，字段: id, name, short, district, stage, ownership, party_org, intro, clean_tiers, since")])?;
    let mut errs = Vec::new();
    let mut seen = BTreeMap::new();
    for s in &mut list {
        s.line = entry_line(text, &format!("id: {}", s.id)).unwrap_or(1);
    }
    for s in &list {
        let line = s.line;
        if let Some(y) = s.since.filter(|y| !(1900..=2200).contains(y)) {
            let l = find_line_after(text, line, "since:").unwrap_or(line);
            errs.push(
                doc.error(
                    codes::REGISTRY,
                    l,
                    1,
                    format!("学校 `{}` 的 since 年份 `{y}` 不合理", s.id),
                )
                .hint("since 写学校加入名录、开始计入比例的年份，例如 since: 2024"),
            );
        }
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
    let doc = YamlDoc::file(file, text, Limits::DATA)?;
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
            let line = entry_line(text, &format!("id: {}", m.id)).unwrap_or(1);
            if m.id == 0 || seen.contains(&m.id) {
                errs.push(doc.error(
                    codes::REGISTRY,
                    line,
                    1,
                    format!(
                        "举措编号 {} 无效或重复 (measure ids are positive numbers, once each)",
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

/// data/targets.yaml: `clean_schools:` a list of `year:` and one share (%)
/// per tier; shares may not fall as the tier gets lower (a school at
/// 引领型 is also at 规范型).
/// `brand_schools:` the number of schools with a published brand case;
/// `typical_samples:` per year the share (%) of schools with a published
/// exemplar. Each part may be left out (no target is then shown).
pub fn parse_targets(file: &str, text: &str) -> Result<Targets, Vec<Diagnostic>> {
    let doc = YamlDoc::file(file, text, Limits::DATA)?;
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct File {
        #[serde(default)]
        clean_schools: Vec<BTreeMap<String, i64>>,
        #[serde(default)]
        brand_schools: Option<u32>,
        #[serde(default)]
        typical_samples: BTreeMap<i32, i64>,
    }
    let f: File = serde_norway::from_str(text).map_err(|e| {
        vec![doc.convert_error(
            &e,
            "格式: clean_schools: - {year: 2025, 引领型: 30, 规范型: 80, 提升型: 100}；brand_schools: 100；typical_samples: {2025: 50}",
        )]
    })?;
    let mut errs = Vec::new();
    let mut typical_samples = Vec::new();
    for (&year, &p) in &f.typical_samples {
        if !(1900..=2200).contains(&year) || !(0..=100).contains(&p) {
            let line = entry_line(text, &format!("{year}:")).unwrap_or(1);
            errs.push(
                doc.error(
                    codes::REGISTRY,
                    line,
                    1,
                    format!("典型样本目标 `{year}: {p}` 不合理：年份在 1900–2200，比例在 0–100"),
                )
                .hint("例如 typical_samples: {2025: 50}"),
            );
            continue;
        }
        typical_samples.push(ShareTarget {
            year,
            percent: p as u32,
        });
    }
    let mut out: Vec<TierTargets> = Vec::new();
    for entry in f.clean_schools {
        let year = entry.get("year").copied().unwrap_or(0);
        let line = entry_line(text, &format!("year: {year}")).unwrap_or(1);
        let mut bad = |msg: String| {
            errs.push(
                doc.error(codes::REGISTRY, line, 1, msg)
                    .hint("每年写 year 和三个层级的比例 (0–100)，例如 {year: 2025, 引领型: 30, 规范型: 80, 提升型: 100}"),
            )
        };
        if !(1900..=2200).contains(&year) {
            bad(format!("目标年份 `{year}` 不合理 (year out of range)"));
            continue;
        }
        for k in entry.keys() {
            if k != "year" && !TIERS.contains(&k.as_str()) {
                bad(format!("未知的层级 `{k}`，可用: {}", TIERS.join("、")));
            }
        }
        let mut percent = [0u32; 3];
        for (i, tier) in TIERS.iter().enumerate() {
            match entry.get(*tier) {
                Some(p @ 0..=100) => percent[i] = *p as u32,
                Some(p) => bad(format!("{year} 年 {tier} 的比例 {p} 不在 0–100 之间")),
                None => bad(format!("{year} 年缺少 {tier} 的比例")),
            }
        }
        if percent.windows(2).any(|w| w[0] > w[1]) {
            bad(format!(
                "{year} 年的比例应逐级不减（引领型 ≤ 规范型 ≤ 提升型），这里是 {percent:?}"
            ));
        }
        if out.iter().any(|t| t.year == year as i32) {
            bad(format!("{year} 年写了两次 (duplicate year)"));
        }
        out.push(TierTargets {
            year: year as i32,
            percent,
        });
    }
    out.sort_by_key(|t| t.year);
    if errs.is_empty() {
        Ok(Targets {
            clean: out,
            brand_schools: f.brand_schools,
            typical_samples,
        })
    } else {
        Err(errs)
    }
}

/// What data/targets.yaml sets.
#[derive(Debug, Default)]
pub struct Targets {
    pub clean: Vec<TierTargets>,
    pub brand_schools: Option<u32>,
    pub typical_samples: Vec<ShareTarget>,
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
        Ok(Some(text)) => match parse_schools("data/schools.yaml", &text) {
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
    let groups = parse_measures(file, &text).unwrap_or_else(|e| {
        errs.extend(e);
        vec![]
    });
    let (file, text) = match crate::load::optional_text(root, "data/targets.yaml") {
        Ok(Some(t)) => ("data/targets.yaml", t),
        Ok(None) => ("data/targets.yaml (built in)", DEFAULT_TARGETS.to_string()),
        Err(d) => {
            errs.push(d);
            ("data/targets.yaml (built in)", DEFAULT_TARGETS.to_string())
        }
    };
    let targets = parse_targets(file, &text).unwrap_or_else(|e| {
        errs.extend(e);
        Targets::default()
    });
    if errs.is_empty() {
        Ok(Registry {
            schools,
            groups,
            targets: targets.clean,
            brand_schools: targets.brand_schools,
            typical_samples: targets.typical_samples,
        })
    } else {
        Err(errs)
    }
}
