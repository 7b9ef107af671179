//! Parse: turn loaded text into data — YAML headers into typed headers,
//! Markdown bodies into HTML with a table of contents, summary and links.
pub mod header;
pub mod markdown;
pub mod registry;
pub mod sanitize;
pub mod slug;
pub mod yaml;

use rayon::prelude::*;

use crate::diagnostics::Diagnostic;
use crate::load::TextFile;
use crate::model::SourceDoc;

/// A theme's UI strings file (`i18n/zh-CN.yaml`): `key: text` lines.
pub fn ui_strings(
    file: &str,
    text: &str,
) -> Result<std::collections::BTreeMap<String, String>, Vec<Diagnostic>> {
    let doc = yaml::YamlDoc::file(file, text, yaml::Limits::DATA)?;
    serde_norway::from_str(text)
        .map_err(|e| vec![doc.convert_error(&e, "界面文字文件写成 `键: 文字`")])
}

/// The documents whose header parsed, and the content files (relative to
/// content/) whose header did not.
#[derive(Debug, Default)]
pub struct Parsed {
    pub docs: Vec<SourceDoc>,
    pub failed: Vec<String>,
    /// The header errors of files whose header says they are drafts or
    /// wait for review (`status: draft` still readable in a broken
    /// header): a build of the published site skips them with a warning.
    pub draft_errors: Vec<Diagnostic>,
}

/// A content file whose header did not parse.
#[derive(Debug)]
pub struct Failed {
    pub rel: String,
    pub errors: Vec<Diagnostic>,
    /// Its header declares it unpublished (`header::declares_unpublished`).
    pub draft: bool,
}

/// Parse loaded content files in parallel: documents and every error,
/// drafts' included (check and the preview report them all).
pub fn parse_files(files: Vec<TextFile>, offset: chrono::FixedOffset) -> (Parsed, Vec<Diagnostic>) {
    let parsed: Vec<_> = files
        .into_par_iter()
        .map(|f| parse_file(f, offset))
        .collect();
    let (mut parsed, mut errs) = collect(parsed);
    errs.append(&mut parsed.draft_errors);
    (parsed, errs)
}

/// Parse one content file: its document, or why not.
pub fn parse_file(f: TextFile, offset: chrono::FixedOffset) -> Result<SourceDoc, Failed> {
    let is_section = f.rel == "_index.md" || f.rel.ends_with("/_index.md");
    header::parse_doc_or_draft(&f.file, &f.rel, f.text, offset, is_section).map_err(
        |(errors, draft)| Failed {
            rel: f.rel,
            errors,
            draft,
        },
    )
}

/// Documents that parsed, in order, and the files that did not; the
/// errors of published files, and apart those of drafts.
pub fn collect(parsed: Vec<Result<SourceDoc, Failed>>) -> (Parsed, Vec<Diagnostic>) {
    let mut out = Parsed {
        docs: Vec::with_capacity(parsed.len()),
        ..Parsed::default()
    };
    let mut errs = Vec::new();
    for p in parsed {
        match p {
            Ok(d) => out.docs.push(d),
            Err(f) => {
                out.failed.push(f.rel);
                if f.draft {
                    out.draft_errors.extend(f.errors);
                } else {
                    errs.extend(f.errors);
                }
            }
        }
    }
    (out, errs)
}
