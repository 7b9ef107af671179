//! The body stage, after resolve: every page's and section's Markdown to
//! HTML with links resolved against the site's outputs, in parallel, and
//! sanitised unless the site trusts its HTML. A stage of its own, so that
//! a driver can put a cache (serve) or a progress count (build) in front of
//! the Markdown function.

use rayon::prelude::*;

use crate::diagnostics::{codes, Diagnostic, Diagnostics};
use crate::model::Packed;
use crate::parse::markdown::Rendered;
use crate::resolve::{clean, MarkdownFn, Resolved};

/// What happens to a page's Markdown once it is rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sources<'a> {
    /// Kept (the preview caches by it; check reads it again).
    Keep,
    /// For a build: pages loaded with their header only (`keep_header`)
    /// are read again from under `root`, one at a time; every page's source
    /// is dropped once its body is rendered, and its HTML packed until its
    /// page is written. A 100,000-page site then never holds all its
    /// Markdown, nor all its HTML unpacked.
    Reread(&'a std::path::Path),
}

/// What the body stage gives back besides the pages it fills in.
#[derive(Default)]
pub struct Bodies {
    /// Errors of links and images in bodies.
    pub errors: Diagnostics,
    /// With `Sources::Reread`: each page's HTML, packed, by page index
    /// (the pages' own `rendered.html` is then empty). Else empty.
    pub packed: Vec<Packed>,
    /// Each page's key in the body cache when its body may be kept
    /// (rendered without a finding; None without a cache), by page index.
    pub keys: Vec<Option<u128>>,
}

/// Render every body of `site`.
pub fn render(
    site: &mut Resolved,
    trust_html: bool,
    markdown: &MarkdownFn,
    sources: Sources<'_>,
) -> Bodies {
    render_with(site, trust_html, markdown, sources, None)
}

/// Render every body of `site`; with `Sources::Reread`, a page found in
/// `cache` (`body_cache`) is taken from it instead.
pub fn render_with(
    site: &mut Resolved,
    trust_html: bool,
    markdown: &MarkdownFn,
    sources: Sources<'_>,
    cache: Option<&super::body_cache::BodyCache>,
) -> Bodies {
    let mut errs = Diagnostics::default();
    let links = &site.links;
    type One = (Vec<Diagnostic>, Packed, Option<u128>);
    let results: Vec<One> = site
        .pages
        .par_iter_mut()
        .map(|p| -> One {
            let Sources::Reread(root) = sources else {
                let mut r = clean(markdown(&p.doc, links), trust_html);
                let e = std::mem::take(&mut r.errors);
                p.rendered = r;
                return (e, Packed::default(), None);
            };
            let key = cache.and_then(|c| c.key(&p.doc));
            if let Some((c, k)) = cache.zip(key) {
                if let Some((r, packed)) = c.get(k) {
                    p.doc.release_source();
                    p.rendered = r;
                    return (Vec::new(), packed, key);
                }
            }
            if let Err(d) = reread(&mut p.doc, root) {
                return (vec![d], Packed::default(), None);
            }
            let mut r = clean(markdown(&p.doc, links), trust_html);
            p.doc.release_source();
            let packed = Packed::new(&std::mem::take(&mut r.html));
            let e = std::mem::take(&mut r.errors);
            p.rendered = r;
            let key = key.filter(|_| e.is_empty());
            (e, packed, key)
        })
        .collect();
    let mut page_errs = Vec::with_capacity(results.len());
    let mut packed = Vec::with_capacity(results.len());
    let mut keys = Vec::with_capacity(results.len());
    for (e, p, k) in results {
        page_errs.push(e);
        packed.push(p);
        keys.push(k);
    }
    let sections: Vec<(String, Rendered)> = site
        .sections
        .values()
        .filter_map(|s| {
            s.doc
                .as_ref()
                .map(|d| (s.key.clone(), clean(markdown(d, links), trust_html)))
        })
        .collect();
    for e in page_errs {
        errs.extend(e);
    }
    for (k, r) in sections {
        errs.extend(r.errors.iter().cloned());
        site.sections.get_mut(&k).expect("section exists").html = r.html;
    }
    Bodies {
        errors: errs,
        packed: if matches!(sources, Sources::Reread(_)) {
            packed
        } else {
            Vec::new()
        },
        keys,
    }
}

/// Read a header-only document's file again for its body. The header must
/// be the one parsed: a file saved in between is an error, not a page made
/// of two versions.
fn reread(doc: &mut crate::model::SourceDoc, root: &std::path::Path) -> Result<(), Diagnostic> {
    if !doc.header_only {
        return Ok(());
    }
    let text = crate::load::read_text(&root.join(&doc.file), &doc.file)?;
    if !text.starts_with(&*doc.text) {
        return Err(Diagnostic::file(
            codes::CHANGED_DURING_BUILD,
            &doc.file,
            "文件在构建过程中被修改 (changed during the build)；请再构建一次".to_string(),
        ));
    }
    doc.text = text.into();
    doc.header_only = false;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site_with(name: &str, file_text: &str) -> (std::path::PathBuf, crate::model::SourceDoc) {
        let root = std::env::temp_dir().join(format!("exemplar-{name}-{}", std::process::id()));
        std::fs::create_dir_all(root.join("content")).unwrap();
        std::fs::write(root.join("content/a.md"), file_text).unwrap();
        let mut doc = crate::parse::header::parse_doc(
            "content/a.md",
            "a.md",
            file_text.to_string(),
            chrono::FixedOffset::east_opt(8 * 3600).unwrap(),
            false,
        )
        .unwrap();
        doc.keep_header();
        (root, doc)
    }

    #[test]
    fn a_header_only_page_gets_its_body_back_from_disk() {
        let (root, mut doc) = site_with("reread-ok", "---\ntitle: 甲\n---\n正文第一段。\n");
        assert_eq!(doc.body(), "");
        reread(&mut doc, &root).unwrap();
        assert_eq!(doc.body(), "正文第一段。\n");
        assert!(!doc.header_only);
        std::fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn a_header_saved_during_the_build_is_an_error_not_a_mixed_page() {
        let (root, mut doc) = site_with("reread-changed", "---\ntitle: 乙\n---\n正文。\n");
        std::fs::write(root.join("content/a.md"), "---\ntitle: 丙\n---\n正文。\n").unwrap();
        let d = reread(&mut doc, &root).unwrap_err();
        assert_eq!(d.code, codes::CHANGED_DURING_BUILD);
        assert_eq!(d.file, "content/a.md");
        assert!(d.message.contains("再构建一次"), "{}", d.message);
        std::fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn packed_bodies_unpack_to_the_same_html() {
        let html = "<h2 id=\"做法\">做法</h2><p>云江小学「红烛」品牌。</p>".repeat(50);
        let p = Packed::new(&html);
        assert_eq!(&*p.unpack(), html.as_str());
        assert!(std::mem::size_of_val(&*p.0) < html.len() / 3);
    }
}
