//! Load: walk the site folder and read what the later stages need, in
//! parallel. Nothing here interprets content beyond "is it UTF-8".

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::diagnostics::{codes, decode_utf8, Diagnostic};

pub mod platform;
pub mod theme;

/// A text file read from the site, named relative to the site root.
#[derive(Debug, Clone)]
pub struct TextFile {
    pub file: String,
    /// Relative to its top folder (content/, data/, ...).
    pub rel: String,
    pub text: String,
}

/// A non-Markdown file under content/: copied beside its page or section.
#[derive(Debug, Clone)]
pub struct Asset {
    pub src: PathBuf,
    /// Relative to content/.
    pub rel: String,
}

#[derive(Debug, Default)]
pub struct Content {
    pub docs: Vec<TextFile>,
    pub assets: Vec<Asset>,
    pub errors: Vec<Diagnostic>,
}

/// Editors leave these behind; they are never content.
pub fn is_ignored(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".tmp")
        || name.starts_with('#')
}

pub fn rel_string(p: &Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Sorted list of files under `dir` (relative paths), skipping ignored names.
pub fn walk_files(dir: &Path) -> Vec<(PathBuf, String)> {
    if !dir.is_dir() {
        return vec![];
    }
    WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored(&e.file_name().to_string_lossy()))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = rel_string(e.path().strip_prefix(dir).unwrap_or(e.path()));
            (e.path().to_path_buf(), rel)
        })
        .collect()
}

/// The files of the frozen yearly archives: `archive/<year>/…` for every
/// folder named by a year (not the `<year>.replaced-<date>` copies an
/// archive `--replace` keeps, nor one being written), relative to
/// archive/, in path order. Never read here: they are copied as they are.
pub fn frozen(root: &Path) -> Vec<Asset> {
    let dir = root.join("archive");
    frozen_years(root)
        .into_iter()
        .flat_map(|y| {
            walk_files(&dir.join(y.to_string()))
                .into_iter()
                .map(move |(src, rel)| Asset {
                    src,
                    rel: format!("{y}/{rel}"),
                })
        })
        .collect()
}

/// The folders of archive/ named by a year (four digits), oldest first.
pub fn frozen_years(root: &Path) -> Vec<i32> {
    let Ok(entries) = std::fs::read_dir(root.join("archive")) else {
        return vec![];
    };
    let mut years: Vec<i32> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| {
            let n = e.file_name().to_str()?.to_string();
            let digits = n.len() == 4 && n.bytes().all(|b| b.is_ascii_digit());
            digits.then(|| n.parse().ok()).flatten()
        })
        .collect();
    years.sort_unstable();
    years
}

/// Read a file as UTF-8, or explain where it is not.
pub fn read_text(path: &Path, file: &str) -> Result<String, Diagnostic> {
    let bytes = std::fs::read(path).map_err(|e| {
        Diagnostic::file(
            codes::UNREADABLE,
            file,
            format!("读取失败 (cannot read): {e}"),
        )
    })?;
    decode_utf8(file, bytes)
}

/// Walk content/ and read every Markdown file in parallel.
pub fn content(root: &Path) -> Content {
    let (docs, assets, errors) = content_each(root, Ok);
    Content {
        docs,
        assets,
        errors,
    }
}

/// Walk content/ and hand every Markdown file to `each` as soon as it is
/// read, in parallel, so that a caller can keep less than the whole text
/// (a build keeps only headers until the body stage). Files in path order;
/// the non-Markdown files; the files that could not be read.
pub fn content_each<T: Send>(
    root: &Path,
    each: impl Fn(TextFile) -> Result<T, Vec<Diagnostic>> + Sync,
) -> (Vec<T>, Vec<Asset>, Vec<Diagnostic>) {
    let dir = root.join("content");
    let files = walk_files(&dir);
    let (md, other): (Vec<_>, Vec<_>) =
        files.into_iter().partition(|(_, rel)| rel.ends_with(".md"));
    let results: Vec<Result<T, Vec<Diagnostic>>> = md
        .par_iter()
        .map(|(path, rel)| {
            let file = format!("content/{rel}");
            match read_text(path, &file) {
                Ok(text) => each(TextFile {
                    file,
                    rel: rel.clone(),
                    text,
                }),
                Err(d) => Err(vec![d]),
            }
        })
        .collect();
    let mut docs = Vec::with_capacity(results.len());
    let mut errors = Vec::new();
    for r in results {
        match r {
            Ok(f) => docs.push(f),
            Err(d) => errors.extend(d),
        }
    }
    let assets = other
        .into_iter()
        .map(|(src, rel)| Asset { src, rel })
        .collect();
    (docs, assets, errors)
}

/// Read an optional file under the site root.
pub fn optional_text(root: &Path, file: &str) -> Result<Option<String>, Diagnostic> {
    let path = root.join(file);
    if !path.exists() {
        return Ok(None);
    }
    read_text(&path, file).map(Some)
}
