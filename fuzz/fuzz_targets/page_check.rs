//! The check every fuzz input gets, shared by the libFuzzer target
//! (`page.rs`, `bash fuzz/run.sh`) and CI's smoke run
//! (`tests/it/trust.rs`, which includes this file): the path every content
//! file takes — header split, YAML (with its size and alias guard), header
//! validation, Markdown with link and image resolution (Markdown and raw
//! HTML), sanitising, and the diagnostics of whatever is wrong (positions,
//! excerpts, rendering). Nothing may panic, and no script may survive.

use exemplar::diagnostics::Diagnostic;
use exemplar::parse::header::parse_doc;
use exemplar::parse::markdown;
use exemplar::resolve::links::Resolver;

fn resolver() -> Resolver {
    Resolver::new(
        "/jyj/ddjs/".into(),
        [
            "/",
            "/brands/",
            "/brands/a/",
            "/brands/a/photo.jpg",
            "/deeds/b/",
            "/css/site.css",
        ]
        .into_iter()
        .map(String::from)
        .collect(),
        [
            ("brands/a.md".to_string(), "/brands/a/".to_string()),
            ("deeds/b.md".to_string(), "/deeds/b/".to_string()),
            ("brands/_index.md".to_string(), "/brands/".to_string()),
        ]
        .into_iter()
        .collect(),
    )
}

fn show(ds: &[Diagnostic]) {
    for d in ds.iter().take(50) {
        let _ = d.render();
    }
}

/// One input, as a page and as a section's `_index.md`.
pub fn check(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let offset = chrono::FixedOffset::east_opt(8 * 3600).unwrap();
    let links = resolver();
    for (rel, section) in [("brands/a.md", false), ("brands/_index.md", true)] {
        match parse_doc(
            &format!("content/{rel}"),
            rel,
            text.to_string(),
            offset,
            section,
        ) {
            Ok(doc) => {
                let r = markdown::render(&doc, &links);
                show(&r.errors);
                let clean = exemplar::resolve::clean(r, false);
                assert!(
                    !clean.html.contains("<script"),
                    "script survived sanitising"
                );
            }
            Err(errs) => show(&errs),
        }
    }
}
