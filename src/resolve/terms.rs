//! Sub-stage of resolve: the lists pages are gathered in besides sections —
//! taxonomies (tags, districts, years), the school profiles and the
//! measure pages — each newest first.

use std::collections::BTreeMap;

use crate::config::Config;
use crate::model::Registry;
use crate::parse::slug::slugify;
use crate::resolve::{newest_first, taxonomy_path, Page, Taxonomy, Term};

/// Indexes of all pages, newest first.
pub fn by_date(pages: &[Page]) -> Vec<usize> {
    let mut by_date: Vec<usize> = (0..pages.len()).collect();
    by_date.sort_by(|&a, &b| newest_first(&pages[a], &pages[b]));
    by_date
}

/// The enabled taxonomies except school and measures.
pub fn taxonomies(cfg: &Config, pages: &[Page], by_date: &[usize]) -> Vec<Taxonomy> {
    let term_of = |name: &str| slugify(name, cfg.pinyin_slugs);
    let mut taxonomies = Vec::new();
    for tax in ["tags", "district", "year"] {
        if !cfg.has_taxonomy(tax) {
            continue;
        }
        let mut terms: BTreeMap<String, Term> = BTreeMap::new();
        for &i in by_date {
            let p = &pages[i];
            let names: Vec<String> = match tax {
                "tags" => p.doc.header.tags.clone(),
                "district" => p.district.iter().cloned().collect(),
                // 关于本站 and 联系我们 are not the year's articles.
                _ if p.kind == crate::model::Kind::Page => vec![],
                _ => p.year.iter().map(|y| y.to_string()).collect(),
            };
            for n in names {
                let slug = term_of(&n);
                if slug.is_empty() {
                    continue;
                }
                let t = terms.entry(slug.clone()).or_insert_with(|| Term {
                    name: n.clone(),
                    path: format!("{}{}/", taxonomy_path(tax), slug),
                    slug,
                    pages: vec![],
                });
                if t.pages.last() != Some(&i) {
                    t.pages.push(i);
                }
            }
        }
        let mut terms: Vec<Term> = terms.into_values().collect();
        if tax == "year" {
            terms.reverse();
        }
        taxonomies.push(Taxonomy {
            name: tax.to_string(),
            path: taxonomy_path(tax).to_string(),
            terms,
        });
    }
    taxonomies
}

/// One profile per registered school (or per school named, without a
/// registry but with the school taxonomy), by id.
pub fn schools(cfg: &Config, registry: &Registry, pages: &[Page], by_date: &[usize]) -> Vec<Term> {
    let mut schools: BTreeMap<String, Term> = BTreeMap::new();
    if let Some(list) = &registry.schools {
        for s in list {
            schools.insert(
                s.id.clone(),
                Term {
                    name: s.name.clone(),
                    slug: s.id.clone(),
                    path: format!("/schools/{}/", s.id),
                    pages: vec![],
                },
            );
        }
    }
    if registry.schools.is_some() || cfg.has_taxonomy("school") {
        for &i in by_date {
            if let Some(s) = &pages[i].school {
                if s.key.is_empty() {
                    continue;
                }
                schools
                    .entry(s.key.clone())
                    .or_insert_with(|| Term {
                        name: s.name.clone(),
                        slug: s.key.clone(),
                        path: format!("/schools/{}/", s.key),
                        pages: vec![],
                    })
                    .pages
                    .push(i);
            }
        }
    }
    schools.into_values().collect()
}

/// One page per measure of the registry.
pub fn measures(registry: &Registry, pages: &[Page], by_date: &[usize]) -> Vec<Term> {
    let mut measures: Vec<Term> = registry
        .measures()
        .map(|m| Term {
            name: m.title.clone(),
            slug: m.id.to_string(),
            path: format!("/measures/{}/", m.id),
            pages: vec![],
        })
        .collect();
    let index: BTreeMap<u32, usize> = registry
        .measures()
        .enumerate()
        .map(|(k, m)| (m.id, k))
        .collect();
    for &i in by_date {
        for m in &pages[i].doc.header.measures {
            if let Some(&k) = index.get(m) {
                measures[k].pages.push(i);
            }
        }
    }
    measures
}
