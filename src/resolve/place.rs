//! Where a content file belongs and what kind its pages are: one answer
//! for build, serve and check, so the publishing gate judges a page by the
//! kind it is published as.

use std::collections::BTreeMap;

use crate::model::{Kind, SourceDoc, Status};

/// A page file's place: its section's key, the name its slug defaults to,
/// and its bundle folder when it is `<bundle>/index.md`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub section: String,
    pub slug_src: String,
    pub bundle: Option<String>,
}

/// The place of page file `rel` (relative to content/).
pub fn place(rel: &str) -> Place {
    let (dir, name) = rel.rsplit_once('/').unwrap_or(("", rel));
    if name == "index.md" && !dir.is_empty() {
        let (section, bundle) = dir.rsplit_once('/').unwrap_or(("", dir));
        Place {
            section: section.to_string(),
            slug_src: bundle.to_string(),
            bundle: Some(dir.to_string()),
        }
    } else {
        Place {
            section: dir.to_string(),
            slug_src: name.strip_suffix(".md").unwrap_or(name).to_string(),
            bundle: None,
        }
    }
}

/// The key of the section whose `_index.md` is `rel`.
pub fn section_key(rel: &str) -> String {
    rel.strip_suffix("_index.md")
        .unwrap_or("")
        .trim_end_matches('/')
        .to_string()
}

/// The section holding section `key` ("" for the home page's).
pub fn parent_key(key: &str) -> Option<String> {
    if key.is_empty() {
        None
    } else {
        Some(
            key.rsplit_once('/')
                .map(|(p, _)| p.to_string())
                .unwrap_or_default(),
        )
    }
}

/// Kinds set by sections' `_index.md` (`kind: deed`).
#[derive(Debug, Default, Clone)]
pub struct Kinds(BTreeMap<String, Kind>);

impl Kinds {
    /// From the section files of the build (draft sections only with `drafts`).
    pub fn new<'a>(docs: impl IntoIterator<Item = &'a SourceDoc>, drafts: bool) -> Kinds {
        Kinds(
            docs.into_iter()
                .filter(|d| d.is_section)
                .filter(|d| drafts || d.header.status != Some(Status::Draft))
                .filter_map(|d| d.header.kind.map(|k| (section_key(&d.rel), k)))
                .collect(),
        )
    }

    /// The kind of section `key`: its own `kind:`, else the nearest
    /// enclosing section's (the home page's does not count), else the
    /// default of its top folder (brands/ → brand …).
    pub fn section(&self, key: &str) -> Kind {
        let mut k = Some(key.to_string());
        while let Some(cur) = k.filter(|c| !c.is_empty()) {
            if let Some(kind) = self.0.get(&cur) {
                return *kind;
            }
            k = parent_key(&cur);
        }
        Kind::from_section(key)
    }

    /// The kind of a page: its header's `kind:`, else its section's.
    pub fn page(&self, d: &SourceDoc) -> Kind {
        d.header
            .kind
            .unwrap_or_else(|| self.section(&place(&d.rel).section))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_of_files_and_bundles() {
        assert_eq!(place("brands/x.md").section, "brands");
        assert_eq!(
            place("brands/x/index.md").bundle.as_deref(),
            Some("brands/x")
        );
        assert_eq!(place("brands/x/index.md").slug_src, "x");
        assert_eq!(place("about.md").section, "");
        assert_eq!(section_key("brands/sub/_index.md"), "brands/sub");
        assert_eq!(section_key("_index.md"), "");
    }
}
