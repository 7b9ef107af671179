//! Frozen yearly archives (年度存档): a built site limited to one year's
//! exemplars becomes `archive/<year>/` — links made relative so it opens
//! from a disk, `archive.yaml` (what it is, from where, and per page the
//! web-page archive metadata of GB/T 42147-2022 the site has), and
//! `MANIFEST.sha256`. Written once: to a hidden folder first, then renamed
//! into place; an existing year is only replaced on request, and kept
//! beside as `<year>.replaced-<date>/`.
//!
//! The build itself is the driver's (`cmd::archive`): this module takes
//! the folder a build wrote and never runs the pipeline.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use walkdir::WalkDir;

use crate::diagnostics::Failure;

pub mod manifest;
pub mod relative;

/// Where archives live, in the site folder.
pub const DIR: &str = "archive";
/// What an archive says about itself.
pub const META: &str = "archive.yaml";

/// What `archive.yaml` records besides the pages.
pub struct Meta {
    pub year: i32,
    /// RFC 3339, in the site's time zone.
    pub created: String,
    pub exemplar: String,
    /// The site's git commit, when it is a git checkout.
    pub source_commit: Option<String>,
    /// Content differs from that commit (uncommitted changes).
    pub source_modified: bool,
    pub base_url: String,
    /// 发布者: the site's organisation.
    pub publisher: String,
}

/// A frozen year, in memory: every file (relative path → bytes).
pub struct Frozen {
    pub files: BTreeMap<String, Vec<u8>>,
    /// Exemplars per kind.
    pub counts: BTreeMap<String, usize>,
}

impl Frozen {
    pub fn bytes(&self) -> u64 {
        self.files.values().map(|b| b.len() as u64).sum()
    }
}

#[derive(Serialize)]
struct MetaFile<'a> {
    /// 年度
    year: i32,
    created: &'a str,
    exemplar: &'a str,
    source_commit: Option<&'a str>,
    source_modified: bool,
    base_url: &'a str,
    exemplars: usize,
    counts: &'a BTreeMap<String, usize>,
    /// Per page, the core elements of GB/T 42147-2022 the site has.
    pages: Vec<PageMeta>,
}

/// One archived page: 题名, 发布者, 发布日期, 来源, 责任者, 网址, 栏目.
#[derive(Serialize)]
struct PageMeta {
    title: String,
    publisher: String,
    date: Option<String>,
    source: Option<String>,
    author: Option<String>,
    url: String,
    column: Option<String>,
    kind: String,
    school: Option<String>,
    /// The page in this archive.
    file: String,
}

/// The parts of the build's JSON Feed the metadata is drawn from.
#[derive(Deserialize)]
struct Feed {
    items: Vec<Item>,
}

#[derive(Deserialize)]
struct Item {
    url: String,
    title: String,
    date_published: Option<String>,
    #[serde(default)]
    authors: Vec<Author>,
    #[serde(rename = "_exemplar")]
    ex: ItemExtra,
}

#[derive(Deserialize)]
struct Author {
    name: String,
}

#[derive(Deserialize)]
struct ItemExtra {
    kind: String,
    school: Option<String>,
    source: Option<String>,
    column: Option<String>,
}

/// Turn the folder a year-limited build wrote into the archive's files:
/// links relative, `archive.yaml`, `MANIFEST.sha256`.
pub fn freeze(built: &Path, meta: &Meta, base_path: &str, origin: &str) -> Result<Frozen, Failure> {
    let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for e in WalkDir::new(built).sort_by_file_name() {
        let e = e.map_err(|e| Failure::io(built.display(), e))?;
        if !e.file_type().is_file() {
            continue;
        }
        let rel = crate::load::rel_string(e.path().strip_prefix(built).unwrap_or(e.path()));
        if rel == crate::model::paths::MARKER {
            continue;
        }
        let bytes = std::fs::read(e.path()).map_err(|err| Failure::io(e.path().display(), err))?;
        files.insert(rel, bytes);
    }
    let names: BTreeSet<String> = files.keys().cloned().collect();
    let site = relative::Site {
        base_path,
        origin,
        files: &names,
    };
    for (rel, bytes) in files.iter_mut() {
        let text = match std::str::from_utf8(bytes) {
            Ok(t) if rel.ends_with(".html") => site.html(rel, t),
            Ok(t) if rel.ends_with(".css") => site.css(rel, t),
            _ => continue,
        };
        *bytes = text.into_bytes();
    }
    // Photos no page of the year shows are left out (a site's static/
    // holds every year's pictures; each archive keeps its own).
    let shown = referenced(&files);
    files.retain(|rel, _| !is_picture(rel) || shown.contains(rel));
    let feed: Feed = files
        .get("feed.json")
        .ok_or_else(|| {
            Failure::Other("年度构建没有写出 feed.json (the build wrote no feed.json)".into())
        })
        .and_then(|b| {
            serde_json::from_slice(b)
                .map_err(|e| Failure::Other(format!("feed.json 无法解析 (cannot read): {e}")))
        })?;
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let site_url = format!("{origin}{base_path}");
    let pages: Vec<PageMeta> = feed
        .items
        .into_iter()
        .map(|i| {
            *counts.entry(i.ex.kind.clone()).or_default() += 1;
            let path = i.url.strip_prefix(&site_url).unwrap_or("");
            let path = crate::model::paths::decode_path(path);
            PageMeta {
                file: if path.is_empty() || path.ends_with('/') {
                    format!("{path}index.html")
                } else {
                    path
                },
                title: i.title,
                publisher: meta.publisher.clone(),
                date: i.date_published,
                source: i.ex.source,
                author: (!i.authors.is_empty()).then(|| {
                    i.authors
                        .into_iter()
                        .map(|a| a.name)
                        .collect::<Vec<_>>()
                        .join("、")
                }),
                url: i.url,
                column: i.ex.column,
                kind: i.ex.kind,
                school: i.ex.school,
            }
        })
        .collect();
    let yaml = serde_norway::to_string(&MetaFile {
        year: meta.year,
        created: &meta.created,
        exemplar: &meta.exemplar,
        source_commit: meta.source_commit.as_deref(),
        source_modified: meta.source_modified,
        base_url: &meta.base_url,
        exemplars: pages.len(),
        counts: &counts,
        pages,
    })
    .map_err(|e| Failure::Other(format!("archive.yaml: {e}")))?;
    let head = format!(
        "# exemplar 年度存档 {} (frozen yearly archive). 不要修改本文件夹：\n# `exemplar archive verify {}` 按 MANIFEST.sha256 检查每个文件。\n",
        meta.year, meta.year
    );
    files.insert(META.into(), format!("{head}{yaml}").into_bytes());
    let list = manifest::write(&files);
    files.insert(manifest::FILE.into(), list.into_bytes());
    Ok(Frozen { files, counts })
}

fn is_picture(rel: &str) -> bool {
    let ext = rel.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    matches!(
        ext.as_str(),
        "jpg" | "jpeg" | "png" | "webp" | "gif" | "svg" | "avif"
    )
}

/// Every file of the archive an HTML page or a stylesheet links to (its
/// links already relative), by its path in the archive.
fn referenced(files: &BTreeMap<String, Vec<u8>>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut add = |from: &str, url: &str| {
        if url.contains(':') || url.starts_with('#') || url.starts_with('/') {
            return;
        }
        let path = url.split(['#', '?']).next().unwrap_or("");
        let dir = from.rsplit_once('/').map_or("", |(d, _)| d);
        let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
        let decoded = crate::model::paths::decode_path(path);
        for seg in decoded.split('/') {
            match seg {
                ".." => {
                    parts.pop();
                }
                "." | "" => {}
                s => parts.push(s),
            }
        }
        out.insert(parts.join("/"));
    };
    let url_re = regex::Regex::new(r#"url\(\s*['"]?([^'")]+)"#).expect("valid");
    for (rel, bytes) in files {
        let Ok(text) = std::str::from_utf8(bytes) else {
            continue;
        };
        if rel.ends_with(".html") {
            crate::render::attrs::rewrite(text, |_, attr, v| {
                match attr {
                    "href" | "src" | "poster" => add(rel, v),
                    "srcset" => v
                        .split(',')
                        .filter_map(|c| c.split_whitespace().next())
                        .for_each(|u| add(rel, u)),
                    _ => {}
                }
                None
            });
        } else if rel.ends_with(".css") {
            for c in url_re.captures_iter(text) {
                add(rel, &c[1]);
            }
        }
    }
    out
}

/// `archive/<year>` of a site.
pub fn year_dir(root: &Path, year: i32) -> PathBuf {
    root.join(DIR).join(year.to_string())
}

/// Refuse to freeze a year that is already frozen, unless replacing.
pub fn check_free(root: &Path, year: i32, replace: bool) -> Result<(), Failure> {
    let dir = year_dir(root, year);
    if dir.exists() && !replace {
        return Err(Failure::Other(format!(
            "{DIR}/{year}/ 已存在，年度存档只写一次 (already frozen; archives are write-once)\n  修改建议: 确需重新生成时加 --replace，旧存档会保留为 {DIR}/{year}.replaced-<日期>/"
        )));
    }
    Ok(())
}

/// Write `frozen` as `archive/<year>/`: into a hidden folder beside it,
/// then renamed into place, so that an existing archive is never left
/// half-written. With `replace`, the existing one is first renamed to
/// `<year>.replaced-<day>[-n]` (returned). On failure nothing changed.
pub fn write_once(
    root: &Path,
    year: i32,
    frozen: &Frozen,
    replace: bool,
    day: &str,
) -> Result<Option<PathBuf>, Failure> {
    check_free(root, year, replace)?;
    let parent = root.join(DIR);
    std::fs::create_dir_all(&parent).map_err(|e| Failure::io(parent.display(), e))?;
    let tmp = parent.join(format!(".{year}.writing-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let written = write_all(&tmp, frozen);
    if let Err(e) = written {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(Failure::Other(format!(
            "写入存档失败，{DIR}/ 未改动 (writing the archive failed; nothing changed): {e}\n  修改建议: 检查磁盘空间和文件夹权限后重试"
        )));
    }
    let dir = year_dir(root, year);
    let mut kept = None;
    if dir.exists() {
        let mut n = 1;
        let mut to = parent.join(format!("{year}.replaced-{day}"));
        while to.exists() {
            n += 1;
            to = parent.join(format!("{year}.replaced-{day}-{n}"));
        }
        if let Err(e) = std::fs::rename(&dir, &to) {
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(Failure::io(dir.display(), e));
        }
        kept = Some(to);
    }
    if let Err(e) = std::fs::rename(&tmp, &dir) {
        if let Some(k) = &kept {
            let _ = std::fs::rename(k, &dir);
        }
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(Failure::io(dir.display(), e));
    }
    Ok(kept)
}

fn write_all(dir: &Path, frozen: &Frozen) -> std::io::Result<()> {
    use std::io::Write;
    for (rel, bytes) in &frozen.files {
        // Paths come from a build's output, checked there; checked again.
        if crate::model::paths::check_out_path(rel).is_err() {
            return Err(std::io::Error::other(format!("unsafe path {rel}")));
        }
        let path = dir.join(rel);
        if let Some(p) = path.parent() {
            std::fs::create_dir_all(p)?;
        }
        let mut f = std::fs::File::create(&path)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frozen(files: &[(&str, &str)]) -> Frozen {
        Frozen {
            files: files
                .iter()
                .map(|(p, b)| (p.to_string(), b.as_bytes().to_vec()))
                .collect(),
            counts: BTreeMap::new(),
        }
    }

    #[test]
    fn a_failed_write_leaves_the_existing_archive_and_nothing_else() {
        let root =
            std::env::temp_dir().join(format!("exemplar-archive-unit-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        write_once(
            &root,
            2024,
            &frozen(&[("index.html", "old")]),
            false,
            "20250101",
        )
        .unwrap();
        // A path that may not be written fails half-way through.
        let bad = frozen(&[
            ("a.html", "new"),
            ("../escape.html", "x"),
            ("z.html", "new"),
        ]);
        assert!(write_once(&root, 2024, &bad, true, "20250101").is_err());
        let names: Vec<String> = std::fs::read_dir(root.join(DIR))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["2024"], "no temporary folder, nothing replaced");
        assert_eq!(
            std::fs::read_to_string(root.join("archive/2024/index.html")).unwrap(),
            "old"
        );
        assert!(!root.join("escape.html").exists() && !root.join("archive/escape.html").exists());
        // Refused without --replace, before any writing.
        assert!(write_once(&root, 2024, &frozen(&[("b.html", "b")]), false, "20250101").is_err());
        std::fs::remove_dir_all(&root).unwrap();
    }
}
