//! The body stage, after resolve: every page's and section's Markdown to
//! HTML with links resolved against the site's outputs, in parallel, and
//! sanitised unless the site trusts its HTML. A stage of its own, so that
//! a driver can put a cache (serve) or a progress count (build) in front of
//! the Markdown function.

use rayon::prelude::*;

use crate::diagnostics::Diagnostics;
use crate::parse::markdown::Rendered;
use crate::resolve::{clean, MarkdownFn, Resolved};

/// What happens to a page's Markdown once it is rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sources {
    /// Kept (the preview caches by it; check reads it again).
    Keep,
    /// Dropped at once, page by page (a build never reads it again): a
    /// 100,000-page site then never holds all its Markdown and all its
    /// HTML at the same time.
    Release,
}

/// Render every body of `site`; the errors of its links and images.
pub fn render(
    site: &mut Resolved,
    trust_html: bool,
    markdown: &MarkdownFn,
    sources: Sources,
) -> Diagnostics {
    let mut errs = Diagnostics::default();
    let links = &site.links;
    let page_errs: Vec<Vec<crate::diagnostics::Diagnostic>> = site
        .pages
        .par_iter_mut()
        .map(|p| {
            let mut r = clean(markdown(&p.doc, links), trust_html);
            if sources == Sources::Release {
                p.doc.release_source();
            }
            let e = std::mem::take(&mut r.errors);
            p.rendered = r;
            e
        })
        .collect();
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
    errs
}
