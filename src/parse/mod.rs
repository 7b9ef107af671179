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
}

/// Parse loaded content files in parallel: documents and the errors.
pub fn parse_files(files: Vec<TextFile>, offset: chrono::FixedOffset) -> (Parsed, Vec<Diagnostic>) {
    let parsed: Vec<_> = files
        .into_par_iter()
        .map(|f| parse_file(f, offset))
        .collect();
    collect(parsed)
}

/// Parse one content file: its document, or its relative path and errors.
pub fn parse_file(
    f: TextFile,
    offset: chrono::FixedOffset,
) -> Result<SourceDoc, (String, Vec<Diagnostic>)> {
    let is_section = f.rel == "_index.md" || f.rel.ends_with("/_index.md");
    header::parse_doc(&f.file, &f.rel, f.text, offset, is_section).map_err(|e| (f.rel, e))
}

/// Documents that parsed, in order, and the files that did not.
pub fn collect(
    parsed: Vec<Result<SourceDoc, (String, Vec<Diagnostic>)>>,
) -> (Parsed, Vec<Diagnostic>) {
    let mut out = Parsed {
        docs: Vec::with_capacity(parsed.len()),
        failed: Vec::new(),
    };
    let mut errs = Vec::new();
    for p in parsed {
        match p {
            Ok(d) => out.docs.push(d),
            Err((rel, e)) => {
                out.failed.push(rel);
                errs.extend(e);
            }
        }
    }
    (out, errs)
}
