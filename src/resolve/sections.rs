//! Sub-stage of resolve: the sections — every `_index.md`, and an implicit
//! section for every folder that holds pages — with their URLs, kinds,
//! parents and children; then each section's pages in its order.

use std::collections::{BTreeMap, BTreeSet};

use crate::config::Config;
use crate::diagnostics::Diagnostics;
use crate::model::{Kind, SourceDoc, Status};
use crate::resolve::place::{self, parent_key, Kinds, Place};
use crate::resolve::{check_template, newest_first, section_path, Page, Section};

/// The sections of the site from its `_index.md` files and the places of
/// its pages (a folder with pages is a section even without `_index.md`).
pub fn build(
    cfg: &Config,
    section_docs: Vec<SourceDoc>,
    placed: &[(SourceDoc, Place)],
    kinds: &Kinds,
    templates: &BTreeSet<String>,
    drafts: bool,
    errs: &mut Diagnostics,
) -> BTreeMap<String, Section> {
    let pinyin = cfg.pinyin_slugs;
    let mut sections: BTreeMap<String, Section> = BTreeMap::new();
    let new_section = |key: &str, doc: Option<SourceDoc>| Section {
        key: key.to_string(),
        path: section_path(key, pinyin),
        title: doc
            .as_ref()
            .map(|d| d.header.title.clone())
            .unwrap_or_else(|| key.rsplit('/').next().unwrap_or("").to_string()),
        description: doc
            .as_ref()
            .and_then(|d| d.header.description.clone())
            .unwrap_or_default(),
        kind: Kind::Page,
        paginate_by: doc
            .as_ref()
            .and_then(|d| d.header.paginate_by)
            .unwrap_or(cfg.paginate_by),
        weight: doc.as_ref().and_then(|d| d.header.weight).unwrap_or(0),
        template: doc.as_ref().and_then(|d| d.header.template.clone()),
        doc,
        html: "".into(),
        pages: vec![],
        subsections: vec![],
        parent: None,
    };
    for d in section_docs {
        let key = place::section_key(&d.rel);
        if d.header.status == Some(Status::Draft) && !drafts {
            continue;
        }
        sections.insert(key.clone(), new_section(&key, Some(d)));
    }
    sections
        .entry(String::new())
        .or_insert_with(|| new_section("", None));
    for (_, p) in placed {
        let mut key = p.section.clone();
        while !sections.contains_key(&key) {
            sections.insert(key.clone(), new_section(&key, None));
            match parent_key(&key) {
                Some(k) => key = k,
                None => break,
            }
        }
    }
    // Implicit ancestors of explicit sections too.
    let keys: Vec<String> = sections.keys().cloned().collect();
    for k in keys {
        let mut key = k;
        while let Some(parent) = parent_key(&key) {
            sections
                .entry(parent.clone())
                .or_insert_with(|| new_section(&parent, None));
            key = parent;
        }
    }
    // Kinds, parents and children (BTreeMap order: parents first).
    let keys: Vec<String> = sections.keys().cloned().collect();
    for k in &keys {
        let parent = parent_key(k);
        let s = sections.get_mut(k).expect("listed section");
        s.kind = kinds.section(k);
        s.parent = parent.clone();
        if let Some(p) = parent {
            sections
                .get_mut(&p)
                .expect("ancestors exist")
                .subsections
                .push(k.clone());
        }
    }
    for s in sections.values() {
        if let (Some(t), Some(d)) = (&s.template, &s.doc) {
            check_template(errs, d, t, templates);
        }
    }
    sections
}

/// Each section's pages in its order (`sort_by`: date, weight or title),
/// each page's place in that list, and subsections by weight.
pub fn order(sections: &mut BTreeMap<String, Section>, pages: &mut [Page]) {
    for (i, p) in pages.iter().enumerate() {
        sections
            .get_mut(&p.section)
            .expect("a page's section exists")
            .pages
            .push(i);
    }
    for s in sections.values_mut() {
        let sort = s
            .doc
            .as_ref()
            .and_then(|d| d.header.sort_by.clone())
            .unwrap_or_else(|| "date".into());
        s.pages.sort_by(|&a, &b| {
            let (pa, pb) = (&pages[a], &pages[b]);
            match sort.as_str() {
                "weight" => pa
                    .doc
                    .header
                    .weight
                    .unwrap_or(0)
                    .cmp(&pb.doc.header.weight.unwrap_or(0))
                    .then_with(|| newest_first(pa, pb)),
                "title" => pa
                    .title()
                    .cmp(pb.title())
                    .then_with(|| pa.path.cmp(&pb.path)),
                _ => newest_first(pa, pb),
            }
        });
    }
    for s in sections.values() {
        for (k, &i) in s.pages.iter().enumerate() {
            pages[i].order = k;
        }
    }
    let subs: Vec<(String, Vec<String>)> = sections
        .iter()
        .map(|(k, s)| (k.clone(), s.subsections.clone()))
        .collect();
    for (k, mut list) in subs {
        list.sort_by(|a, b| sections[a].weight.cmp(&sections[b].weight).then(a.cmp(b)));
        sections.get_mut(&k).expect("listed section").subsections = list;
    }
}
