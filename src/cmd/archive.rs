//! `exemplar archive <year>`: build the site limited to the year's
//! exemplars (into a folder of the cache), freeze it (`archive::freeze`)
//! and write it once as `archive/<year>/`. `exemplar archive verify
//! [year]`: rehash every frozen file against its manifest.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::archive::{self, manifest};
use crate::cmd::build::{self, BuildOptions};
use crate::config::Config;
use crate::diagnostics::Failure;

pub struct ArchiveOptions {
    pub root: PathBuf,
    pub year: i32,
    /// Replace an existing archive of the year (kept beside it).
    pub replace: bool,
    /// The creation time to record (`2025-12-31` or RFC 3339), for
    /// reproducible archives; now when absent.
    pub date: Option<String>,
    pub quiet: bool,
}

pub struct ArchiveReport {
    pub dir: PathBuf,
    pub files: usize,
    pub bytes: u64,
    pub counts: BTreeMap<String, usize>,
    /// Where the archive it replaced was kept.
    pub kept: Option<PathBuf>,
    pub millis: u128,
}

/// The creation time: `--date` (a day or RFC 3339) in the site's zone, or now.
fn created(
    cfg: &Config,
    date: Option<&str>,
) -> Result<chrono::DateTime<chrono::FixedOffset>, Failure> {
    let offset = cfg.offset();
    let Some(d) = date else {
        return Ok(chrono::Utc::now().with_timezone(&offset));
    };
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(d) {
        return Ok(t);
    }
    chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
        .ok()
        .and_then(|day| day.and_hms_opt(0, 0, 0))
        .and_then(|t| t.and_local_timezone(offset).single())
        .ok_or_else(|| {
            Failure::Other(format!(
                "--date `{d}` 不是日期 (not a date)\n  修改建议: 写成 2025-12-31 或 2025-12-31T18:00:00+08:00"
            ))
        })
}

/// The site's git commit, and whether its files differ from it.
fn git_state(root: &Path) -> (Option<String>, bool) {
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .arg("-C")
            .arg(root)
            .args(args)
            .stderr(std::process::Stdio::null())
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    let commit = git(&["rev-parse", "HEAD"]).filter(|c| !c.is_empty());
    let modified = commit.is_some()
        && git(&[
            "status",
            "--porcelain",
            "--",
            "content",
            "data",
            "site.yaml",
            "static",
            "themes",
            "templates",
        ])
        .is_some_and(|s| !s.is_empty());
    (commit, modified)
}

pub fn run(o: &ArchiveOptions) -> Result<ArchiveReport, Failure> {
    let started = Instant::now();
    if !(1000..=9999).contains(&o.year) {
        return Err(Failure::Other(format!(
            "`{}` 不是四位数的年份 (not a year)\n  修改建议: 例如 exemplar archive 2025",
            o.year
        )));
    }
    // Refused before any work when the year is frozen already.
    archive::check_free(&o.root, o.year, o.replace)?;
    let cfg = Config::load(&o.root).map_err(Failure::Content)?;
    let created = created(&cfg, o.date.as_deref())?;
    let work = o.root.join(".exemplar-cache").join("archive-build");
    let built = work.join(o.year.to_string());
    let report = build::run(&BuildOptions {
        root: o.root.clone(),
        out: built.clone(),
        drafts: false,
        base_url: None,
        force: true,
        quiet: o.quiet,
        year: Some(o.year),
        json_feed: true,
    });
    let result = report.and_then(|r| {
        if r.exemplars == 0 {
            let years: Vec<String> = r.other_years.iter().map(i32::to_string).collect();
            return Err(Failure::Other(format!(
                "{} 年没有已发布的内容，无法存档 (no published content in {})\n  修改建议: {}",
                o.year,
                o.year,
                if years.is_empty() {
                    "先发布内容（status: published）再存档".to_string()
                } else {
                    format!("有内容的年份: {}", years.join("、"))
                }
            )));
        }
        let (commit, modified) = git_state(&o.root);
        let urls = crate::config::Urls::new(&cfg);
        let meta = archive::Meta {
            year: o.year,
            created: created.to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
            exemplar: env!("CARGO_PKG_VERSION").into(),
            source_commit: commit,
            source_modified: modified,
            base_url: cfg.base_url.clone(),
            publisher: if cfg.organisation.is_empty() {
                cfg.footer.sponsor.clone()
            } else {
                cfg.organisation.clone()
            },
        };
        archive::freeze(&built, &meta, &urls.base_path, &urls.origin)
    });
    let _ = std::fs::remove_dir_all(&work);
    let frozen = result?;
    let day = created.format("%Y%m%d").to_string();
    let kept = archive::write_once(&o.root, o.year, &frozen, o.replace, &day)?;
    Ok(ArchiveReport {
        dir: archive::year_dir(&o.root, o.year),
        files: frozen.files.len(),
        bytes: frozen.bytes(),
        counts: frozen.counts,
        kept,
        millis: started.elapsed().as_millis(),
    })
}

/// One archive's differences from its manifest, or why it cannot be checked.
pub struct Verified {
    pub year: i32,
    pub result: Result<manifest::Differences, String>,
}

/// Verify one frozen year, or all of them.
pub fn verify(root: &Path, year: Option<i32>) -> Result<Vec<Verified>, Failure> {
    let years = match year {
        Some(y) => {
            if !archive::year_dir(root, y).is_dir() {
                let have: Vec<String> = crate::load::frozen_years(root)
                    .iter()
                    .map(i32::to_string)
                    .collect();
                return Err(Failure::Other(format!(
                    "没有 {y} 年的存档 (no archive/{y}/)\n  修改建议: {}",
                    if have.is_empty() {
                        format!("先运行 exemplar archive {y}")
                    } else {
                        format!("已有存档: {}", have.join("、"))
                    }
                )));
            }
            vec![y]
        }
        None => crate::load::frozen_years(root),
    };
    if years.is_empty() {
        return Err(Failure::Other(
            "archive/ 里还没有年度存档 (no frozen archives)\n  修改建议: 先运行 exemplar archive <年份>".into(),
        ));
    }
    Ok(years
        .into_iter()
        .map(|year| Verified {
            year,
            result: manifest::verify(&archive::year_dir(root, year)),
        })
        .collect())
}
