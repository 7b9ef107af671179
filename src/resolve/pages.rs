//! Sub-stage of resolve: the pages — which are published, their URL
//! (section path + slug), kind, year and district, and their joins with the
//! registry (school, measures), each problem an error at its header line.

use std::collections::{BTreeMap, BTreeSet};

use crate::config::Config;
use crate::diagnostics::{codes, Diagnostic, Diagnostics};
use crate::model::{Kind, Registry, SourceDoc, Status};
use crate::parse::markdown::Rendered;
use crate::parse::slug::slugify;
use crate::resolve::place::{Kinds, Place};
use crate::resolve::{at_value, check_template, review_gate, Page, SchoolRef, Section};

/// A page's bundle folder, if it has one, and its index in the pages.
pub type PageBundle = (Option<String>, usize);

/// A page a year's archive leaves out: links to it lead to the live site.
pub struct LeftOut {
    /// Relative to content/.
    pub rel: String,
    pub path: String,
    pub year: Option<i32>,
}

/// The published pages (all of them with `drafts`; with a year, only that
/// year's exemplars and the plain pages), per page its bundle folder if it
/// has one, and the pages a year left out.
#[allow(clippy::too_many_arguments)]
pub fn build(
    cfg: &Config,
    registry: &Registry,
    placed: Vec<(SourceDoc, Place)>,
    sections: &BTreeMap<String, Section>,
    kinds: &Kinds,
    templates: &BTreeSet<String>,
    (drafts, only_year): (bool, Option<i32>),
    errs: &mut Diagnostics,
) -> (Vec<Page>, Vec<PageBundle>, Vec<LeftOut>) {
    let pinyin = cfg.pinyin_slugs;
    // Sized once: at 100,000 pages each doubling would copy ~100 MB.
    let mut pages: Vec<Page> = Vec::with_capacity(placed.len());
    let mut page_assets: Vec<PageBundle> = Vec::new();
    let mut left_out = Vec::new();
    for (doc, place) in placed {
        let Place {
            section,
            slug_src,
            bundle,
        } = place;
        let h = &doc.header;
        let status = h.status.unwrap_or(Status::Published);
        if status != Status::Published && !drafts {
            continue;
        }
        if let Some(d) = review_gate(cfg, &doc, status) {
            errs.push(d);
        }
        let sec = &sections[&section];
        let kind = kinds.page(&doc);
        for (key, line, _) in &h.key_lines {
            if let Some(owner) = Kind::ALL
                .iter()
                .find(|k| k.own_keys().contains(&key.as_str()))
            {
                if *owner != kind {
                    errs.push(
                        Diagnostic::new(
                            codes::OTHER_KIND_KEY,
                            &doc.file,
                            *line,
                            1,
                            format!(
                                "字段 `{key}` 只用于 {} ({}) 类页面，这一页是 {} ({})",
                                owner.name(),
                                owner.label(),
                                kind.name(),
                                kind.label()
                            ),
                        )
                        .hint(format!(
                            "删掉这一行，或把 kind 改为 {}；自定义数据请放在 extra: 下",
                            owner.name()
                        ))
                        .with_source(&doc.text),
                    );
                }
            }
        }
        if let Some(t) = &h.template {
            check_template(errs, &doc, t, templates);
        }
        let slug = slugify(
            h.slug.as_deref().unwrap_or(&slug_src),
            pinyin && h.slug.is_none(),
        );
        if slug.is_empty() {
            errs.push(
                Diagnostic::new(
                    codes::BAD_PATH,
                    &doc.file,
                    h.line_of("slug"),
                    1,
                    "无法从文件名或 slug 生成网址 (empty slug)",
                )
                .hint("在头部写 slug: 一个由文字、数字和 - 组成的名字")
                .with_source(&doc.text),
            );
            continue;
        }
        let path = format!("{}{}/", sec.path, slug);
        let year = h
            .year
            .or_else(|| h.date.map(|d| chrono::Datelike::year(&d)));
        if only_year.is_some_and(|y| kind != Kind::Page && year != Some(y)) {
            left_out.push(LeftOut {
                rel: doc.rel.clone(),
                path,
                year,
            });
            continue;
        }
        let mut district = h.district.clone();
        let school = match &h.school {
            None => None,
            Some(name) => match (&registry.schools, registry.school(name)) {
                (_, Some(s)) => {
                    if district.is_none() {
                        district = Some(s.district.clone());
                    }
                    if let (Kind::Clean, Some(tier), Some(y)) = (kind, &h.tier, year) {
                        if let Some(e) = tier_mismatch(s, tier, y) {
                            errs.push(
                                at_value(&doc.file, h, "tier", e.0)
                                    .code(codes::TIER_MISMATCH)
                                    .hint(e.1)
                                    .with_source(&doc.text),
                            );
                        }
                    }
                    Some(SchoolRef {
                        key: s.id.clone(),
                        name: s.name.clone(),
                        registered: true,
                    })
                }
                (Some(_), None) => {
                    let sugg = registry.school_suggestions(name);
                    let hint = if sugg.is_empty() {
                        "school 写 data/schools.yaml 里登记的 id 或全称；新学校请先在 data/schools.yaml 登记".to_string()
                    } else {
                        format!(
                            "did you mean: {}？school 写 data/schools.yaml 里登记的 id 或全称",
                            sugg.join("、")
                        )
                    };
                    errs.push(
                        at_value(
                            &doc.file,
                            h,
                            "school",
                            format!("学校 `{name}` 没有在 data/schools.yaml 登记 (unknown school)"),
                        )
                        .code(codes::UNKNOWN_SCHOOL)
                        .hint(hint)
                        .with_source(&doc.text),
                    );
                    None
                }
                (None, None) => Some(SchoolRef {
                    key: slugify(name, pinyin),
                    name: name.clone(),
                    registered: false,
                }),
            },
        };
        for m in &h.measures {
            if registry.measure(*m).is_none() {
                errs.push(
                    at_value(
                        &doc.file,
                        h,
                        "measures",
                        format!("举措 {m} 不在 data/measures.yaml 中"),
                    )
                    .code(codes::UNKNOWN_MEASURE)
                    .hint("measures 写 data/measures.yaml 里的编号")
                    .with_source(&doc.text),
                );
            }
        }
        page_assets.push((bundle, pages.len()));
        let cover_focus = h.cover_focus;
        pages.push(Page {
            date: h.date,
            doc,
            kind,
            status,
            section,
            path,
            year,
            school,
            district,
            cover: None,
            cover_focus,
            gallery: Vec::new(),
            video: None,
            attachments: Vec::new(),
            order: 0,
            rendered: Rendered::default(),
        });
    }

    (pages, page_assets, left_out)
}

/// A clean-school page's tier for year `y` against the registry's rating
/// of that year, when it has one: (message, hint).
fn tier_mismatch(
    s: &crate::model::registry::School,
    tier: &str,
    y: i32,
) -> Option<(String, String)> {
    match s.clean_tiers.get(&y) {
        Some(t) if t == tier => None,
        Some(t) => Some((
            format!(
                "{y} 年{}的清廉学校层级：本页写 {tier}，data/schools.yaml 第 {} 行（id: {}）的 clean_tiers 写 {t} (tier disagrees with the registry)",
                s.name, s.line, s.id
            ),
            "核对评定结果，改正本页的 tier 或名录 clean_tiers 中的一处".into(),
        )),
        // A year the registry has not recorded yet: the page supplies it.
        None => None,
    }
}
