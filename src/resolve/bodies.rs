//! The body stage, after resolve: every page's and section's Markdown to
//! HTML with links resolved against the site's outputs, in parallel, and
//! sanitised unless the site trusts its HTML. A stage of its own, so that
//! a driver can put a cache (serve) or a progress count (build) in front of
//! the Markdown function.

use rayon::prelude::*;

use crate::diagnostics::Diagnostics;
use crate::parse::markdown::Rendered;
use crate::resolve::{clean, MarkdownFn, Resolved};

/// Render every body of `site`; the errors of its links and images.
pub fn render(site: &mut Resolved, trust_html: bool, markdown: &MarkdownFn) -> Diagnostics {
    let mut errs = Diagnostics::default();
    let links = &site.links;
    let rendered: Vec<Rendered> = site
        .pages
        .par_iter()
        .map(|p| clean(markdown(&p.doc, links), trust_html))
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
    for (p, r) in site.pages.iter_mut().zip(rendered) {
        errs.extend(r.errors.iter().cloned());
        p.rendered = r;
    }
    for (k, r) in sections {
        errs.extend(r.errors.iter().cloned());
        site.sections.get_mut(&k).expect("section exists").html = r.html;
    }
    errs
}
