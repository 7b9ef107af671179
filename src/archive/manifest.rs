//! `MANIFEST.sha256`: every file of a frozen archive with its SHA-256, in
//! the format of `sha256sum` (`<hex>  <path>`, sorted by path), so that
//! `sha256sum -c MANIFEST.sha256` inside the folder checks it too.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use sha2::{Digest, Sha256};
use walkdir::WalkDir;

/// The manifest's file name, at the archive's root.
pub const FILE: &str = "MANIFEST.sha256";

/// SHA-256 of `bytes`, in lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The manifest of `files` (path relative to the archive's root → bytes).
pub fn write<'a>(files: impl IntoIterator<Item = (&'a String, &'a Vec<u8>)>) -> String {
    let mut lines: Vec<(String, String)> = files
        .into_iter()
        .filter(|(p, _)| p.as_str() != FILE)
        .map(|(p, b)| (p.clone(), sha256_hex(b)))
        .collect();
    lines.sort();
    lines
        .into_iter()
        .map(|(p, h)| format!("{h}  {p}\n"))
        .collect()
}

/// A manifest's lines: path → hash. An error names the first bad line.
pub fn parse(text: &str) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let bad = || {
            format!(
                "{FILE} 第 {} 行格式不对 (line {}: expected `<sha256>  <path>`)",
                n + 1,
                n + 1
            )
        };
        let (hash, path) = line.split_once("  ").ok_or_else(bad)?;
        if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) || path.is_empty() {
            return Err(bad());
        }
        out.insert(path.to_string(), hash.to_ascii_lowercase());
    }
    Ok(out)
}

/// How a folder differs from its manifest.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Differences {
    /// Listed, present, with other bytes.
    pub changed: Vec<String>,
    /// Listed, not present.
    pub missing: Vec<String>,
    /// Present, not listed.
    pub extra: Vec<String>,
    /// Files checked.
    pub files: usize,
}

impl Differences {
    pub fn is_empty(&self) -> bool {
        self.changed.is_empty() && self.missing.is_empty() && self.extra.is_empty()
    }
}

/// Every file of `dir` (hidden ones too) rehashed against its manifest.
/// Err when the manifest itself cannot be read or parsed.
pub fn verify(dir: &Path) -> Result<Differences, String> {
    let text = std::fs::read_to_string(dir.join(FILE))
        .map_err(|e| format!("{FILE} 无法读取 (cannot read the manifest): {e}"))?;
    let listed = parse(&text)?;
    let mut present = BTreeSet::new();
    for e in WalkDir::new(dir).sort_by_file_name() {
        let e = e.map_err(|e| format!("无法读取文件夹 (cannot walk): {e}"))?;
        if e.file_type().is_dir() {
            continue;
        }
        let rel = crate::load::rel_string(e.path().strip_prefix(dir).unwrap_or(e.path()));
        if rel != FILE {
            present.insert(rel);
        }
    }
    let mut d = Differences::default();
    for (path, hash) in &listed {
        if !present.contains(path) {
            d.missing.push(path.clone());
            continue;
        }
        d.files += 1;
        match std::fs::read(dir.join(path)) {
            Ok(bytes) if sha256_hex(&bytes) == *hash => {}
            _ => d.changed.push(path.clone()),
        }
    }
    d.extra = present
        .into_iter()
        .filter(|p| !listed.contains_key(p))
        .collect();
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_a_bad_line_is_named() {
        let files: BTreeMap<String, Vec<u8>> = [
            ("b/index.html".to_string(), b"b".to_vec()),
            ("a b.txt".to_string(), b"".to_vec()),
        ]
        .into();
        let text = write(&files);
        assert!(text.starts_with(
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  a b.txt\n"
        ));
        let parsed = parse(&text).unwrap();
        assert_eq!(parsed.len(), 2);
        assert!(parse("abc  x\n").unwrap_err().contains("第 1 行"));
    }
}
