//! `exemplar check`: the publishing gate. It runs every build validation
//! (without writing anything) and then the checks that keep the bureau from
//! publishing what it should not: broken links and anchors, missing or
//! inconsistent headers, registry mismatches, accessibility basics, personal
//! data and images with GPS tags, and pages waiting for review.
//!
//! Each finding has a stable code (E = error, W = warning, I = information),
//! a position and a fix; `--format json` prints one JSON object per line.

use std::path::PathBuf;

use rayon::prelude::*;
use serde::Serialize;

use crate::diagnostics::{Diagnostic, Failure};
use crate::load;
use crate::parse::parse_files;
use crate::pipeline::{inputs, Inputs};
use crate::resolve::{self, Input};

pub mod content;
pub mod external;
pub mod headers;
pub mod privacy;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    fn of(code: &str) -> Severity {
        match code.as_bytes().first() {
            Some(b'W') => Severity::Warning,
            Some(b'I') => Severity::Info,
            _ => Severity::Error,
        }
    }
    fn label(self) -> &'static str {
        match self {
            Severity::Error => "错误 error",
            Severity::Warning => "警告 warning",
            Severity::Info => "提示 info",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Finding {
    pub file: String,
    pub line: usize,
    pub col: usize,
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    pub hint: String,
}

impl Finding {
    pub fn new(
        code: &'static str,
        file: &str,
        line: usize,
        col: usize,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Finding {
        Finding {
            file: file.to_string(),
            line,
            col,
            code,
            severity: Severity::of(code),
            message: message.into(),
            hint: hint.into(),
        }
    }

    /// A build error as a finding, with its own code.
    pub fn from_diagnostic(d: &Diagnostic) -> Finding {
        Finding::new(
            d.code,
            &d.file,
            d.line,
            d.col,
            d.message.clone(),
            d.hint.clone().unwrap_or_default(),
        )
    }
}

/// The findings of one file: past `MAX_PER_FILE` of one code, only counted.
#[derive(Default)]
pub struct Findings(crate::diagnostics::Capped<Finding>);

impl Findings {
    pub fn push(&mut self, f: Finding) {
        let code = f.code;
        self.0.push(code, f);
    }

    pub fn finish(self, file: &str) -> Vec<Finding> {
        self.0.finish(|code, n| {
            Finding::new(
                crate::diagnostics::codes::MORE,
                file,
                0,
                0,
                crate::diagnostics::more_message(code, n),
                "先改正上面列出的几处，再重新运行 exemplar check",
            )
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

pub struct CheckOptions {
    pub root: PathBuf,
    pub strict: bool,
    pub format: Format,
    /// Check outside links over the network, with this timeout each.
    pub external: Option<std::time::Duration>,
    /// No progress display.
    pub quiet: bool,
}

/// Everything `check` finds, sorted by file and position.
pub fn findings(
    root: &std::path::Path,
    external: Option<std::time::Duration>,
    progress: &crate::progress::Progress,
) -> Result<Vec<Finding>, Failure> {
    let Inputs {
        cfg,
        registry,
        theme,
    } = match inputs(root, None) {
        Ok(i) => i,
        Err(e) => return Ok(e.iter().map(Finding::from_diagnostic).collect()),
    };
    let mut out: Vec<Finding> = Vec::new();
    let stage = progress.stage("读取 load", None);
    let content = load::content(root);
    drop(stage);
    out.extend(content.errors.iter().map(Finding::from_diagnostic));
    let (parsed, errs) = parse_files(content.docs, cfg.offset());
    out.extend(errs.iter().map(Finding::from_diagnostic));
    let docs = &parsed.docs;
    let kinds = resolve::place::Kinds::new(docs, false);

    // Checks of each file, whatever its status: catch it before review.
    let stage = progress.stage("检查 checks", Some(docs.len() as u64));
    let per_doc: Vec<Vec<Finding>> = docs
        .par_iter()
        .inspect(|_| stage.inc())
        .map(|d| {
            let mut f = Findings::default();
            let positions = crate::diagnostics::Positions::new(&d.text);
            privacy::scan(
                &d.file,
                &d.text,
                &d.header.allow_contact,
                &positions,
                &mut f,
            );
            if !d.is_section {
                headers::check(&cfg, &kinds, d, &mut f);
                content::check_body(d, &positions, &mut f);
            }
            f.finish(&d.file)
        })
        .collect();
    out.extend(per_doc.into_iter().flatten());
    // What else gets published: site.yaml (the footer) and data/ (school
    // intros); official contacts are listed in site.yaml check.allow_contact.
    let mut published = vec![("site.yaml".to_string(), root.join("site.yaml"))];
    published.extend(
        load::walk_files(&root.join("data"))
            .into_iter()
            .filter(|(_, rel)| rel.ends_with(".yaml") || rel.ends_with(".yml"))
            .map(|(p, rel)| (format!("data/{rel}"), p)),
    );
    for (file, path) in published {
        if let Ok(text) = load::read_text(&path, &file) {
            let positions = crate::diagnostics::Positions::new(&text);
            let mut f = Findings::default();
            privacy::scan(&file, &text, &cfg.check.allow_contact, &positions, &mut f);
            out.extend(f.finish(&file));
        }
    }
    headers::duplicate_titles(docs, &mut out);
    headers::waiting_for_review(docs, &mut out);

    // The build's own validation: what `build` would refuse.
    drop(stage);
    let stage = progress.stage("正文 bodies", Some(docs.len() as u64));
    let (mut site, mut errs) = resolve::resolve(Input::new(
        root,
        &cfg,
        &registry,
        &theme,
        parsed,
        content.assets,
        false,
        crate::outputs::ALL,
    ));
    // Images are processed (with the build's cache) so that a corrupt,
    // oversized or unsupported file is found before publishing.
    let (pictures, image_copies, image_errs, _) =
        crate::images::process(&site, &crate::images::cache_dir(root), &|| {});
    errs.extend(image_errs);
    // The files as they are in the site, before the image stage publishes
    // originals from its cache without their metadata.
    let sources = site.copies.clone();
    crate::images::attach(&mut site, pictures, image_copies);
    errs.extend(
        resolve::bodies::render(
            &mut site,
            cfg.trust_html,
            &|doc: &crate::model::SourceDoc, links: &resolve::links::Resolver| {
                let r = resolve::plain_markdown(doc, links);
                stage.inc();
                r
            },
            resolve::bodies::Sources::Keep,
        )
        .errors
        .0,
    );
    drop(stage);
    out.extend(errs.0.iter().map(Finding::from_diagnostic));
    content::check_anchors(&site, &mut out);
    headers::registry(&registry, &site, root, &mut out);
    privacy::scan_images(&sources, root, &mut out);
    if let Some(timeout) = external {
        external::check(&site, root, timeout, &mut out);
    }
    out.sort();
    out.dedup();
    Ok(crate::diagnostics::cap(
        out,
        |f| (f.file.as_str(), f.code),
        |f, n| {
            Finding::new(
                crate::diagnostics::codes::MORE,
                &f.file,
                0,
                0,
                format!(
                    "同类问题 [{}] 还有 {n} 处未列出 (and {n} more of the same)",
                    f.code
                ),
                "先改正上面列出的几处，再重新运行 exemplar check",
            )
        },
    ))
}

/// Run `check`; Ok(true) when the site may be published.
pub fn run(opts: &CheckOptions) -> Result<bool, Failure> {
    let all = findings(
        &opts.root,
        opts.external,
        &crate::progress::Progress::new(opts.quiet),
    )?;
    let count = |s: Severity| all.iter().filter(|f| f.severity == s).count();
    let (errors, warnings, infos) = (
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info),
    );
    match opts.format {
        Format::Json => {
            for f in &all {
                println!("{}", serde_json::to_string(f).expect("findings serialise"));
            }
        }
        Format::Text => {
            let mut last = "";
            for f in &all {
                if f.file != last {
                    println!("{}", f.file);
                    last = &f.file;
                }
                let pos = if f.line > 0 {
                    format!("{}:{}", f.line, f.col)
                } else {
                    "-".into()
                };
                println!(
                    "  {pos:<8} {} {:<13} {}",
                    f.code,
                    f.severity.label(),
                    f.message
                );
                if !f.hint.is_empty() {
                    println!("  {:<8}      {:<13} 修改建议: {}", "", "", f.hint);
                }
            }
            println!(
                "\n{errors} 个错误 (errors)，{warnings} 个警告 (warnings)，{infos} 条提示 (info)"
            );
        }
    }
    Ok(errors == 0 && (!opts.strict || warnings == 0))
}
