//! Packages for the county portal, which takes an uploaded file rather
//! than a live folder: a deterministic zip of a built site or of a frozen
//! year (the same files give the same bytes: sorted entries, a fixed
//! timestamp and mode), with `MANIFEST.sha256` inside; and a frozen year
//! as a WARC 1.1 file (`warc.rs`) for archive bureaus and libraries.

use std::io::Write;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::archive::manifest;
use crate::diagnostics::Failure;

pub mod warc;

/// Every file under `dir`, sorted by path (relative, `/`-separated),
/// except the build's marker file.
pub fn files(dir: &Path) -> Result<Vec<(String, PathBuf)>, Failure> {
    let mut out = Vec::new();
    for e in WalkDir::new(dir).sort_by_file_name() {
        let e = e.map_err(|e| Failure::io(dir.display(), e))?;
        if !e.file_type().is_file() {
            continue;
        }
        let rel = crate::load::rel_string(e.path().strip_prefix(dir).unwrap_or(e.path()));
        if rel != crate::model::paths::MARKER {
            out.push((rel, e.path().to_path_buf()));
        }
    }
    out.sort();
    Ok(out)
}

/// Write `files` as a zip at `out` (through a temporary file beside it,
/// renamed when complete), adding `MANIFEST.sha256` when they have none.
/// Returns the zip's size in bytes.
pub fn zip(files: &[(String, PathBuf)], out: &Path) -> Result<u64, Failure> {
    let tmp = out.with_file_name(format!(
        ".{}.writing",
        out.file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("package")
    ));
    let written = write_zip(files, &tmp);
    let done = written.and_then(|()| std::fs::rename(&tmp, out));
    if let Err(e) = done {
        let _ = std::fs::remove_file(&tmp);
        return Err(Failure::Other(format!(
            "写入 {} 失败 (cannot write the package): {e}\n  修改建议: 检查磁盘空间和文件夹权限后重试",
            out.display()
        )));
    }
    Ok(std::fs::metadata(out).map(|m| m.len()).unwrap_or(0))
}

fn write_zip(files: &[(String, PathBuf)], path: &Path) -> std::io::Result<()> {
    use zip::write::SimpleFileOptions;
    let file = std::fs::File::create(path)?;
    let mut z = zip::ZipWriter::new(std::io::BufWriter::new(file));
    let opts = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    let has_manifest = files.iter().any(|(r, _)| r == manifest::FILE);
    let mut lines = String::new();
    for (rel, src) in files {
        let bytes = std::fs::read(src)?;
        if !has_manifest {
            lines.push_str(&format!("{}  {rel}\n", manifest::sha256_hex(&bytes)));
        }
        z.start_file(rel.as_str(), opts)
            .map_err(std::io::Error::other)?;
        z.write_all(&bytes)?;
    }
    if !has_manifest {
        z.start_file(manifest::FILE, opts)
            .map_err(std::io::Error::other)?;
        z.write_all(lines.as_bytes())?;
    }
    let mut w = z.finish().map_err(std::io::Error::other)?;
    w.flush()?;
    w.get_ref().sync_all()
}
