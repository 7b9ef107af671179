//! The build's body cache (`.exemplar-cache/bodies/`): a page whose file,
//! links and settings are what they were at the last build gets the HTML
//! that build made, without Markdown, sanitising, or reading its file
//! again. Rendering and sanitising every body was most of a rebuild.
//!
//! A body is a function of its file's bytes, of where every link can lead
//! (`links::Resolver::fingerprint`, which the preview's cache relies on
//! too), of `trust_html` and of the program itself; the key hashes all of
//! them, so an entry can only be wrong if a hash collides. Only bodies
//! rendered without a finding are kept. Each entry's bytes carry their own
//! hash: a damaged file is a miss, never a damaged page.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::model::{Packed, SourceDoc, TocEntry};
use crate::parse::markdown::Rendered;

/// Bump when what an entry holds changes meaning.
const VERSION: u32 = 1;

/// What a page's body stage produced, besides its HTML.
#[derive(Serialize, Deserialize)]
struct Meta {
    toc: Vec<TocEntry>,
    summary: String,
    minutes: u32,
    attachments: Vec<String>,
    fingerprint: u64,
}

#[derive(Serialize, Deserialize)]
struct Entry {
    key: String,
    off: u64,
    len: u64,
    /// xxh3 of the packed bytes.
    sum: u64,
    meta: Meta,
}

#[derive(Serialize, Deserialize, Default)]
struct Index {
    version: u32,
    entries: Vec<Entry>,
}

pub struct BodyCache {
    dir: PathBuf,
    /// Hash of the program, the settings and the links.
    salt: u128,
    entries: HashMap<u128, Entry>,
    bin: Option<std::fs::File>,
}

/// The running program's size and modification time: a cache made by
/// another build of exemplar is not used.
pub fn program_stamp() -> String {
    std::env::current_exe()
        .ok()
        .and_then(|p| std::fs::metadata(p).ok())
        .map(|m| {
            let mtime = m
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            format!("{}:{mtime}", m.len())
        })
        .unwrap_or_default()
}

impl BodyCache {
    /// Open the cache of the site whose image and body caches live under
    /// `cache_dir`. A missing or unreadable cache is an empty one.
    pub fn open(cache_dir: &Path, links_fingerprint: u64, trust_html: bool) -> BodyCache {
        let dir = cache_dir.join("bodies");
        let mut salt_text = format!(
            "{VERSION}:{}:{links_fingerprint}:{trust_html}:",
            env!("CARGO_PKG_VERSION")
        );
        // The program itself: a new build of exemplar may render differently.
        salt_text.push_str(&program_stamp());
        let salt = xxhash_rust::xxh3::xxh3_128(salt_text.as_bytes());
        let index: Index = std::fs::read(dir.join("index.json"))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .filter(|i: &Index| i.version == VERSION)
            .unwrap_or_default();
        let entries = index
            .entries
            .into_iter()
            .filter_map(|e| Some((u128::from_str_radix(&e.key, 16).ok()?, e)))
            .collect();
        BodyCache {
            bin: std::fs::File::open(dir.join("bodies.bin")).ok(),
            dir,
            salt,
            entries,
        }
    }

    /// The key of a header-only document's body (None for any other).
    pub fn key(&self, doc: &SourceDoc) -> Option<u128> {
        if !doc.header_only {
            return None;
        }
        let mut bytes = Vec::with_capacity(doc.file.len() + 32);
        bytes.extend_from_slice(&self.salt.to_le_bytes());
        bytes.extend_from_slice(&doc.text_hash.to_le_bytes());
        bytes.extend_from_slice(doc.file.as_bytes());
        Some(xxhash_rust::xxh3::xxh3_128(&bytes))
    }

    /// The body kept under `key`, if it is there and intact.
    pub fn get(&self, key: u128) -> Option<(Rendered, Packed)> {
        let e = self.entries.get(&key)?;
        let mut buf = vec![0u8; usize::try_from(e.len).ok()?];
        crate::load::platform::read_exact_at(self.bin.as_ref()?, &mut buf, e.off).ok()?;
        if xxhash_rust::xxh3::xxh3_64(&buf) != e.sum {
            return None;
        }
        let r = Rendered {
            toc: e.meta.toc.clone(),
            auto_summary: e.meta.summary.clone(),
            reading_minutes: e.meta.minutes,
            attachments: e.meta.attachments.clone(),
            fingerprint: e.meta.fingerprint,
            ..Rendered::default()
        };
        Some((r, Packed(buf.into())))
    }

    /// Keep `bodies` (key, what the page got, its packed HTML) for the next
    /// build, in a thread of its own, unless they are exactly what the
    /// cache holds. Written through temporary files: a build stopped
    /// half-way leaves the old cache or none, never a mixed one.
    pub fn save(
        self,
        bodies: Vec<(u128, &Rendered, Packed)>,
    ) -> Option<std::thread::JoinHandle<()>> {
        let unchanged = bodies.len() == self.entries.len()
            && bodies.iter().all(|(k, _, _)| self.entries.contains_key(k));
        if unchanged {
            return None;
        }
        let list: Vec<(u128, Meta, Packed)> = bodies
            .into_iter()
            .map(|(k, r, p)| {
                (
                    k,
                    Meta {
                        toc: r.toc.clone(),
                        summary: r.auto_summary.clone(),
                        minutes: r.reading_minutes,
                        attachments: r.attachments.clone(),
                        fingerprint: r.fingerprint,
                    },
                    p,
                )
            })
            .collect();
        let dir = self.dir;
        Some(std::thread::spawn(move || {
            let _ = write(&dir, list);
        }))
    }
}

fn write(dir: &Path, list: Vec<(u128, Meta, Packed)>) -> std::io::Result<()> {
    use std::io::Write;
    std::fs::create_dir_all(dir)?;
    let n = std::process::id();
    let bin_tmp = dir.join(format!("bodies.bin.{n}.tmp"));
    let idx_tmp = dir.join(format!("index.json.{n}.tmp"));
    let mut out = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&bin_tmp)?);
    let mut index = Index {
        version: VERSION,
        entries: Vec::with_capacity(list.len()),
    };
    let mut off = 0u64;
    for (k, meta, p) in list {
        out.write_all(&p.0)?;
        index.entries.push(Entry {
            key: format!("{k:032x}"),
            off,
            len: p.0.len() as u64,
            sum: xxhash_rust::xxh3::xxh3_64(&p.0),
            meta,
        });
        off += p.0.len() as u64;
    }
    out.flush()?;
    drop(out);
    let mut w = std::io::BufWriter::new(std::fs::File::create(&idx_tmp)?);
    serde_json::to_writer(&mut w, &index).map_err(std::io::Error::other)?;
    w.flush()?;
    drop(w);
    // The index names offsets in the bin it was written with: replace the
    // index last, and drop it first if the bin cannot be replaced.
    if let Err(e) = std::fs::rename(&bin_tmp, dir.join("bodies.bin")) {
        let _ = std::fs::remove_file(dir.join("index.json"));
        return Err(e);
    }
    std::fs::rename(&idx_tmp, dir.join("index.json"))
}
