//! `exemplar package [--year Y] -o site.zip [--warc]`: a deterministic zip
//! for the portal — of the site, built now with a JSON Feed of every
//! article (`feed.json`), or of a frozen year, checked against its
//! manifest first — and, with `--warc`, the frozen year as a WARC file.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::archive::{self, manifest};
use crate::cmd::build::{self, BuildOptions};
use crate::diagnostics::Failure;
use crate::package;

pub struct PackageOptions {
    pub root: PathBuf,
    pub year: Option<i32>,
    pub out: PathBuf,
    /// Also write the frozen year as `<out>.warc.gz` (needs `year`).
    pub warc: bool,
    pub quiet: bool,
}

pub struct PackageReport {
    pub zip: PathBuf,
    pub zip_bytes: u64,
    pub files: usize,
    /// The WARC file, its size and number of records.
    pub warc: Option<(PathBuf, u64, usize)>,
}

/// What the WARC needs from `archive.yaml`.
#[derive(Deserialize)]
struct ArchiveMeta {
    year: i32,
    created: String,
    base_url: String,
}

/// `site.zip` → `site.warc.gz`.
pub fn warc_path(zip: &Path) -> PathBuf {
    let name = zip
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("site.zip");
    let stem = name.strip_suffix(".zip").unwrap_or(name);
    zip.with_file_name(format!("{stem}.warc.gz"))
}

/// The package may not be written into what it packs.
fn check_out(out: &Path, packed: &Path) -> Result<(), Failure> {
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let (Ok(parent), Ok(packed)) = (parent.canonicalize(), packed.canonicalize()) else {
        return Ok(());
    };
    if parent.starts_with(&packed) {
        return Err(Failure::Other(format!(
            "不能把包写进要打包的文件夹 {} (the package would pack itself)\n  修改建议: -o 指向站点外或站点根目录，例如 -o site.zip",
            packed.display()
        )));
    }
    Ok(())
}

pub fn run(o: &PackageOptions) -> Result<PackageReport, Failure> {
    let dir = match o.year {
        None => {
            let public = o.root.join("public");
            check_out(&o.out, &public)?;
            build::run(&BuildOptions {
                root: o.root.clone(),
                out: public.clone(),
                drafts: false,
                base_url: None,
                force: false,
                quiet: o.quiet,
                year: None,
                json_feed: true,
            })?;
            public
        }
        Some(y) => {
            let checked = crate::cmd::archive::verify(&o.root, Some(y))?;
            let dir = archive::year_dir(&o.root, y);
            check_out(&o.out, &dir)?;
            match &checked[0].result {
                Ok(d) if d.is_empty() => {}
                Ok(d) => {
                    return Err(Failure::Other(format!(
                        "archive/{y}/ 与 MANIFEST.sha256 不符，不能打包 (the archive was changed: {} changed, {} missing, {} extra)\n  修改建议: 运行 exemplar archive verify {y} 查看；从版本库恢复存档，或用 exemplar archive {y} --replace 重新生成",
                        d.changed.len(),
                        d.missing.len(),
                        d.extra.len()
                    )))
                }
                Err(e) => {
                    return Err(Failure::Other(format!(
                        "archive/{y}/ 已损坏 (damaged archive): {e}\n  修改建议: 从版本库恢复存档，或用 exemplar archive {y} --replace 重新生成"
                    )))
                }
            }
            dir
        }
    };
    let files = package::files(&dir)?;
    let zip_bytes = package::zip(&files, &o.out)?;
    let warc = match (o.warc, o.year) {
        (true, Some(_)) => Some(write_warc(&o.root, &dir, &files, &o.out)?),
        _ => None,
    };
    Ok(PackageReport {
        zip: o.out.clone(),
        zip_bytes,
        files: files.len(),
        warc,
    })
}

fn write_warc(
    root: &Path,
    dir: &Path,
    files: &[(String, PathBuf)],
    zip: &Path,
) -> Result<(PathBuf, u64, usize), Failure> {
    let meta_file = dir.join(archive::META);
    let meta: ArchiveMeta = std::fs::read_to_string(&meta_file)
        .map_err(|e| e.to_string())
        .and_then(|t| serde_norway::from_str(&t).map_err(|e| e.to_string()))
        .map_err(|e| Failure::Other(format!("{}: {e}", meta_file.display())))?;
    let cfg_title = crate::config::Config::load(root)
        .map(|c| (c.title, c.organisation))
        .unwrap_or_default();
    let mut bodies = Vec::new();
    for (rel, src) in files {
        if rel == manifest::FILE || rel == archive::META {
            continue;
        }
        let bytes = std::fs::read(src).map_err(|e| Failure::io(src.display(), e))?;
        bodies.push((rel.clone(), bytes));
    }
    let out = warc_path(zip);
    let title = format!("{} {} 年度存档", cfg_title.0, meta.year);
    let records = package::warc::write(
        &out,
        &bodies,
        &package::warc::Info {
            base_url: &meta.base_url,
            created: &meta.created,
            title: title.trim(),
            publisher: &cfg_title.1,
        },
    )?;
    let size = std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0);
    Ok((out, size, records))
}
