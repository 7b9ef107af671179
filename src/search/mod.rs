//! The search index: a stage after bodies. Every published page's title,
//! summary, body text, kind, school, district, year, tags and measures
//! (their titles) go
//! through one tokenizer (`tokenize.rs`, mirrored in the theme's
//! `search.js`) into files under `/search/index/` that a browser loads as
//! scripts (so the search works from `file://` too, in a frozen archive)
//! and only as a query needs them:
//!
//! - `meta.js`: shard count, the kinds, years, districts and school names;
//! - `docs.js`: per page its kind, year and district (filters), pages
//!   numbered newest first (a tie goes to the newer page);
//! - `s/<n>.js`: the terms whose hash falls in shard n, each with its
//!   postings (page number delta and a weight byte, base64);
//! - `f/<n>.js`: one per page: title, URL, kind, school, year, date and the
//!   start of its text, for the results and their snippets (the number is
//!   only in the file name, so a page's bytes stay when it moves).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::model::Kind;
use crate::resolve::Resolved;

mod parts;
pub mod tokenize;

/// Where the index lives in the output (reserved, checked with the plan).
pub const DIR: &str = crate::resolve::plan::SEARCH_DIR;
/// How much of a page's text its fragment keeps (for snippets and the
/// phrase check of the first results).
const FRAGMENT_CHARS: usize = 1500;

/// Weight bits of a posting.
const IN_TITLE: u8 = 0x80;
const IN_NAME: u8 = 0x40; // school, brand, slogan, subject
const IN_LABELS: u8 = 0x20; // tags, district, measures, kind
const TF_MASK: u8 = 0x1F;

/// FNV-1a (32 bit) of a term's UTF-8 bytes; `search.js` computes the same.
pub fn term_hash(term: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in term.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// Shards for an index of this many bytes: about 6 KB a shard (a query
/// term costs one), a power of two between 8 and 16384.
fn shard_count(bytes: usize) -> usize {
    (bytes / 6000).next_power_of_two().clamp(8, 16384)
}

/// The text of sanitised HTML, appended to `out` (a buffer kept between
/// pages): tags dropped, entities decoded, block ends as spaces; every run
/// of white space one space, none at either end. Only a page whose text
/// needs normalising takes this; the others' text comes from their cut
/// (`tokenize::html_keys`).
fn text_into(html: &str, out: &mut String) {
    out.reserve(html.len() / 2);
    // A space is owed before the next character, if one follows.
    let mut space = false;
    let mut rest = html;
    while let Some(i) = memchr::memchr2(b'<', b'&', rest.as_bytes()) {
        push_squeezed(out, &mut space, &rest[..i]);
        rest = &rest[i..];
        if rest.starts_with('<') {
            let end = memchr::memchr(b'>', rest.as_bytes()).map_or(rest.len(), |e| e + 1);
            space = true;
            rest = &rest[end..];
        } else {
            let (ch, len) = tokenize::entity(rest);
            push_squeezed(out, &mut space, ch);
            rest = &rest[len..];
        }
    }
    push_squeezed(out, &mut space, rest);
}

/// `s` onto `out` with each run of white space (Unicode's, as
/// `char::is_whitespace`) one space, owed in `space` until a character
/// follows. Byte by byte: only a few lead bytes can start white space.
fn push_squeezed(out: &mut String, space: &mut bool, s: &str) {
    let b = s.as_bytes();
    let (mut i, mut from) = (0, 0);
    while i < b.len() {
        let len = match b[i] {
            b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r' => 1,
            // Most Han characters: no white space starts with these.
            0xE4..=0xE9 => {
                i += 3;
                continue;
            }
            // U+0085, U+00A0
            0xC2 if matches!(b.get(i + 1), Some(0x85 | 0xA0)) => 2,
            // U+1680
            0xE1 if b[i..].starts_with(&[0xE1, 0x9A, 0x80]) => 3,
            // U+2000..=U+200A, U+2028, U+2029, U+202F, U+205F
            0xE2 => match (b.get(i + 1), b.get(i + 2)) {
                (Some(0x80), Some(0x80..=0x8A | 0xA8 | 0xA9 | 0xAF)) | (Some(0x81), Some(0x9F)) => {
                    3
                }
                _ => 0,
            },
            // U+3000
            0xE3 if b[i..].starts_with(&[0xE3, 0x80, 0x80]) => 3,
            _ => 0,
        };
        if len == 0 {
            i += 1;
            continue;
        }
        if from < i {
            if *space && !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&s[from..i]);
        }
        *space = true;
        i += len;
        from = i;
    }
    if from < s.len() {
        if *space && !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&s[from..]);
        *space = false;
    }
}

fn js_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    push_js_string(&mut out, s);
    out
}

/// `s` as a JavaScript string literal: JSON's escapes as serde_json
/// writes them, `</` broken so that no text ends a script, and the two
/// line separators (which older JavaScript did not allow in a literal)
/// escaped. One pass: every page's text goes through it.
fn push_js_string(out: &mut String, s: &str) {
    // The bytes that may need an escape.
    const SPECIAL: [bool; 256] = {
        let mut t = [false; 256];
        let mut b = 0;
        while b < 0x20 {
            t[b] = true;
            b += 1;
        }
        t[b'"' as usize] = true;
        t[b'\\' as usize] = true;
        t[b'/' as usize] = true;
        t[0xE2] = true;
        t
    };
    // Whether any of eight bytes may need one (bit tricks: a byte below
    // 0x20, or equal to one of the four others).
    fn any_special(x: u64) -> bool {
        const ONES: u64 = 0x0101_0101_0101_0101;
        const HIGH: u64 = 0x8080_8080_8080_8080;
        let zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
        let is = |b: u8| zero(x ^ (ONES * u64::from(b)));
        (x.wrapping_sub(ONES * 0x20) & !x & HIGH) | is(b'"') | is(b'\\') | is(b'/') | is(0xE2) != 0
    }
    let bytes = s.as_bytes();
    out.reserve(s.len() + 2);
    out.push('"');
    let mut from = 0;
    let mut i = 0;
    while i < bytes.len() {
        if let Some(eight) = bytes.get(i..i + 8) {
            if !any_special(u64::from_le_bytes(eight.try_into().expect("eight bytes"))) {
                i += 8;
                continue;
            }
        }
        let b = bytes[i];
        i += 1;
        if !SPECIAL[b as usize] {
            continue;
        }
        let i = i - 1;
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0C => "\\f",
            0..=0x1F => "",
            b'/' if i > 0 && bytes[i - 1] == b'<' => "\\/",
            // U+2028 and U+2029 are E2 80 A8 and E2 80 A9.
            0xE2 if bytes.get(i + 1) == Some(&0x80) => match bytes.get(i + 2) {
                Some(0xA8) => "\\u2028",
                Some(0xA9) => "\\u2029",
                _ => continue,
            },
            _ => continue,
        };
        out.push_str(&s[from..i]);
        if escape.is_empty() {
            let _ = write!(out, "\\u{b:04x}");
        } else {
            out.push_str(escape);
        }
        from = i + if b == 0xE2 { 3 } else { 1 };
    }
    out.push_str(&s[from..]);
    out.push('"');
}

fn push_varint(out: &mut Vec<u8>, n: impl Into<u64>) {
    let mut n: u64 = n.into();
    while n >= 0x80 {
        out.push((n as u8 & 0x7F) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// The next of a test's pseudo-random numbers (xorshift).
#[cfg(test)]
fn next_random(seed: &mut u64) -> u64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed
}

#[cfg(test)]
fn base64(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    push_base64(&mut out, bytes);
    out
}

fn push_base64(out: &mut String, bytes: &[u8]) {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for c in bytes.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for k in 0..4 {
            if k <= c.len() {
                out.push(A[((n >> (18 - 6 * k)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
}

/// A file's bytes, shared between the preview's store and its index.
pub type Bytes = std::sync::Arc<[u8]>;

/// Where the index's files go as they are made: (path relative to the
/// index's folder, bytes).
type Out<'a> = &'a mut dyn FnMut(&str, Bytes) -> std::io::Result<()>;

/// One page as the index sees it.
pub struct Entry {
    /// Its terms, in the order the page first has them, and the weight
    /// byte of each (two slices, not a slice of pairs: 9 bytes a term
    /// instead of 16, for every page the preview keeps).
    keys: Box<[tokenize::Key]>,
    weights: Box<[u8]>,
    /// The words among them, with their text.
    words: Vec<(tokenize::Key, String)>,
    /// The page's fragment file, `EXS.f({...});`: it holds no page number
    /// (the script takes it from its file name), so a page that moves in
    /// the order keeps its bytes.
    fragment: Bytes,
    kind: usize,
    year: i32,
    district: Option<String>,
}

/// A term's postings as they are encoded: (page number delta, weight),
/// and the term's hash (which shard it goes to).
#[derive(Default)]
struct Postings {
    last: u32,
    bytes: Vec<u8>,
    hash: u32,
}

impl Postings {
    fn push(&mut self, n: u32, w: u8) {
        let delta = if self.bytes.is_empty() {
            n
        } else {
            n - self.last
        };
        push_varint(&mut self.bytes, delta);
        self.bytes.push(w);
        self.last = n;
    }

    fn decode(&self) -> Vec<(u32, u8)> {
        let mut out = Vec::with_capacity(self.bytes.len() / 2);
        let (mut i, mut doc) = (0, 0u32);
        while i < self.bytes.len() {
            let (mut n, mut shift) = (0u32, 0);
            loop {
                let b = self.bytes[i];
                i += 1;
                n |= u32::from(b & 0x7F) << shift;
                shift += 7;
                if b & 0x80 == 0 {
                    break;
                }
            }
            doc = if out.is_empty() { n } else { doc + n };
            out.push((doc, self.bytes[i]));
            i += 1;
        }
        out
    }

    /// Page `n`'s weight set (`Some`) or removed (`None`).
    fn set(&mut self, n: u32, w: Option<u8>) {
        let mut list = self.decode();
        match (list.binary_search_by_key(&n, |p| p.0), w) {
            (Ok(at), Some(w)) => list[at].1 = w,
            (Ok(at), None) => {
                list.remove(at);
            }
            (Err(at), Some(w)) => list.insert(at, (n, w)),
            (Err(_), None) => return,
        }
        self.bytes.clear();
        for (n, w) in list {
            self.push(n, w);
        }
    }

    /// What it adds to the index's size (which sets the shard count).
    fn size(&self) -> usize {
        self.bytes.len() * 4 / 3 + 12
    }
}

/// What decides the index: every page's place in it, its text (header
/// and body, through the body's fingerprint), its registry joins, and the
/// program.
fn inputs_key(site: &Resolved) -> String {
    use std::hash::Hasher;
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    h.write(format!("{VERSION}:{}:", env!("CARGO_PKG_VERSION")).as_bytes());
    h.write(crate::resolve::body_cache::program_stamp().as_bytes());
    for t in &site.measures {
        h.write(t.name.as_bytes());
    }
    for &i in &site.by_date {
        let p = &site.pages[i];
        h.write(p.path.as_bytes());
        h.write_u64(p.rendered.fingerprint);
        h.write(p.kind.name().as_bytes());
        h.write_i32(p.year.unwrap_or(0));
        h.write(p.district.as_deref().unwrap_or("").as_bytes());
        h.write(p.school.as_ref().map_or("", |s| s.name.as_str()).as_bytes());
        h.write_u8(0);
    }
    format!("{:032x}", h.digest128())
}

/// Bump when the index's files change for the same input.
const VERSION: u32 = 2;

/// The index of a build, from the cache under `cache_dir` when nothing it
/// depends on changed, else built (into a hidden folder, renamed when
/// complete; the previous index is removed). Every file as (output path,
/// cache file): the build publishes them by hard link, like processed
/// photos, so a rebuild that changed nothing neither builds nor copies.
pub fn cached(
    site: &Resolved,
    cache_dir: &Path,
    body: &(dyn Fn(usize) -> std::sync::Arc<str> + Sync),
) -> std::io::Result<Vec<Cached>> {
    let key = inputs_key(site);
    // A year's archive keeps its own, so that the site's stays.
    let root = match site.archive_year {
        Some(y) => cache_dir.join(format!("search-{y}")),
        None => cache_dir.join("search"),
    };
    let dir = root.join(&key);
    if !dir.join(COMPLETE).is_file() {
        std::fs::create_dir_all(&root)?;
        let program = crate::resolve::body_cache::program_stamp();
        if !patched(site, body, &root, &dir, &program) {
            build_whole(site, body, &root, &dir, &program)?;
        }
        // Older indexes are not needed again.
        for e in std::fs::read_dir(&root)?.flatten() {
            if e.file_name() != std::ffi::OsStr::new(&key) {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
    let mut files = Vec::new();
    // Every file is on the folder's disk: one stat, and the walk's inodes.
    let dev = std::fs::metadata(&dir)
        .ok()
        .and_then(|m| crate::load::platform::file_id(&m))
        .map(|(dev, _)| dev);
    let walk = walkdir::WalkDir::new(&dir).sort_by_file_name().into_iter();
    // The pages' parts are the cache's own, not the site's.
    for e in walk.filter_entry(|e| e.depth() != 1 || e.file_name() != parts::DIR) {
        let e = e.map_err(std::io::Error::other)?;
        if !e.file_type().is_file() || e.file_name() == COMPLETE {
            continue;
        }
        let rel = crate::load::rel_string(e.path().strip_prefix(&dir).unwrap_or(e.path()));
        let ident = dev.map(|dev| (dev, crate::load::platform::entry_ino(&e)));
        files.push(Cached {
            out: format!("{DIR}{rel}"),
            path: e.into_path(),
            ident,
        });
    }
    Ok(files)
}

/// After an edit that kept the pages' order: the previous index in
/// `root` patched in place (renamed aside while it is, so a crash leaves
/// no index that claims to be complete), then named `dir`. False when
/// there is none or it cannot be patched.
fn patched(
    site: &Resolved,
    body: &(dyn Fn(usize) -> std::sync::Arc<str> + Sync),
    root: &Path,
    dir: &Path,
    program: &str,
) -> bool {
    let Some(prev) = std::fs::read_dir(root).ok().and_then(|d| {
        d.flatten()
            .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
            .map(|e| e.path())
            .find(|p| p != dir && p.join(COMPLETE).is_file())
    }) else {
        return false;
    };
    let Some(patch) = parts::patch(site, body, &prev, program) else {
        return false;
    };
    let tmp = root.join(format!(".updating-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let done = std::fs::rename(&prev, &tmp)
        .and_then(|()| std::fs::remove_file(tmp.join(COMPLETE)))
        .and_then(|()| parts::apply(&tmp, &patch))
        .and_then(|()| std::fs::write(tmp.join(COMPLETE), b""))
        .and_then(|()| std::fs::rename(&tmp, dir));
    if done.is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    done.is_ok()
}

/// Build the whole index into a hidden folder of `root`, renamed `dir`
/// when complete. Files are written by a thread of their own, beside the
/// cutting; the pages' parts go into one file as they come.
fn build_whole(
    site: &Resolved,
    body: &(dyn Fn(usize) -> std::sync::Arc<str> + Sync),
    root: &Path,
    dir: &Path,
    program: &str,
) -> std::io::Result<()> {
    enum Msg {
        File(String, Bytes),
        Part(Vec<u8>),
    }
    let tmp = root.join(format!(".building-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    for d in ["s", "f", parts::DIR] {
        std::fs::create_dir_all(tmp.join(d))?;
    }
    let made = std::thread::scope(|scope| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Msg>(4096);
        let tmp = &tmp;
        let writer = scope.spawn(move || -> std::io::Result<()> {
            use std::io::Write;
            let file = std::fs::File::create(tmp.join(parts::PAGES))?;
            let mut pages = std::io::BufWriter::new(file);
            for m in rx {
                match m {
                    Msg::File(path, bytes) => std::fs::write(tmp.join(path), &bytes)?,
                    Msg::Part(bytes) => pages.write_all(&bytes)?,
                }
            }
            pages.flush()
        });
        let stopped = || std::io::Error::other("the index writer stopped");
        let made = build_into(
            site,
            body,
            program,
            &mut |path, bytes| {
                tx.send(Msg::File(path.to_string(), bytes))
                    .map_err(|_| stopped())
            },
            &mut |record| tx.send(Msg::Part(record)).map_err(|_| stopped()),
        );
        drop(tx);
        let written = writer
            .join()
            .unwrap_or_else(|_| Err(std::io::Error::other("the index writer failed")));
        // The writer's own error says more than "stopped".
        written.and(made)
    })
    .and_then(|()| std::fs::write(tmp.join(COMPLETE), b""));
    if let Err(e) = made {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e);
    }
    let _ = std::fs::remove_dir_all(dir);
    std::fs::rename(&tmp, dir)
}

/// A file of the index in the cache.
pub struct Cached {
    /// Path in the output.
    pub out: String,
    pub path: PathBuf,
    /// (device, inode), for publishing by hard link.
    pub ident: Option<(u64, u64)>,
}

/// The file that says a cached index is complete.
const COMPLETE: &str = ".complete";

/// Pages indexed at a time: their terms are merged and dropped before
/// the next ones are read, so memory grows with the index, not with the
/// text of every page (two chunks are held: one cut, one added).
const CHUNK: usize = 1024;

/// Build the index, handing each file (path relative to the index's
/// folder, bytes) to `out` as soon as it is made, and each page's part
/// (`parts.rs`) to `part`; the parts' state file last.
fn build_into(
    site: &Resolved,
    body: &(dyn Fn(usize) -> std::sync::Arc<str> + Sync),
    program: &str,
    out: Out,
    part: &mut dyn FnMut(Vec<u8>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    use rayon::prelude::*;
    let measures = measures_key(site);
    let mut asm = Assembler::default();
    let cut = |chunk: &[usize]| -> Vec<(Entry, Vec<u8>)> {
        chunk
            .par_iter()
            .map_init(Scratch::default, |scratch, &i| {
                let e = entry_with(site, i, &body(i), scratch);
                let key = page_key(site, i, measures);
                let record = parts::page_record(&site.pages[i].path, key, &e);
                (e, record)
            })
            .collect()
    };
    // The pool cuts a chunk while this thread adds the one before (adding
    // is one thread's work; it would leave the other cores idle).
    let mut ready: Option<Vec<(Entry, Vec<u8>)>> = None;
    for chunk in site.by_date.chunks(CHUNK).map(Some).chain([None]) {
        let mut next = None;
        rayon::in_place_scope(|s| -> std::io::Result<()> {
            if let Some(chunk) = chunk {
                let (cut, next) = (&cut, &mut next);
                s.spawn(move |_| *next = Some(cut(chunk)));
            }
            for (e, record) in ready.take().into_iter().flatten() {
                asm.add(&e, out)?;
                part(record)?;
            }
            Ok(())
        })?;
        ready = next;
    }
    let districts = districts(site);
    let shards = asm.shards();
    asm.write_shards(&asm.by_shard(shards), None, out)?;
    out("docs.js", asm.docs_js(&districts))?;
    out("meta.js", asm.meta_js(site, &districts, shards))?;
    let size = asm.size();
    let state = parts::state(program, shards, size, &asm.words);
    out(parts::STATE, state.into())
}

/// The districts of the pages, sorted (the page table numbers them).
fn districts(site: &Resolved) -> Vec<String> {
    let d: std::collections::BTreeSet<&str> = site
        .pages
        .iter()
        .filter_map(|p| p.district.as_deref())
        .collect();
    d.into_iter().map(str::to_string).collect()
}

/// The preview's index. Each page's part is kept between edits and made
/// again only for a page whose text or joins changed. When the pages keep
/// their order (an edit to a body, a title, tags), only the postings of
/// the terms whose weight changed are rewritten, and only their shards
/// encoded again; otherwise the files are put together from the parts
/// (no page is read or cut again). The random-edit test holds either way
/// to the bytes of a full build.
#[derive(Default)]
pub struct Incremental {
    parts: std::collections::HashMap<String, (u64, std::sync::Arc<Entry>)>,
    last: Option<Assembled>,
    files: BTreeMap<String, Bytes>,
    /// The files the last update replaced; `None` when it may have
    /// replaced any (put together again).
    touched: Option<Vec<String>>,
}

/// The index after an update.
pub struct Update<'a> {
    /// Every file, by output path.
    pub files: &'a BTreeMap<String, Bytes>,
    /// The files that may differ from the previous update's (`None`: any,
    /// and the set of files too).
    pub touched: Option<&'a [String]>,
}

impl Update<'static> {
    /// No index: the site turned search off.
    pub fn none() -> Self {
        static NONE: BTreeMap<String, Bytes> = BTreeMap::new();
        Update {
            files: &NONE,
            touched: None,
        }
    }
}

/// The index as last put together, kept for the next edit.
struct Assembled {
    /// Page paths by page number.
    order: Vec<String>,
    asm: Assembler,
    shards: usize,
    by_shard: Vec<Vec<tokenize::Key>>,
    /// The sum of the postings' sizes (which sets the shard count).
    size: usize,
    /// The districts `docs.js` numbers.
    districts: Vec<String>,
}

impl Incremental {
    /// Bring the index up to date with `site`.
    pub fn update(
        &mut self,
        site: &Resolved,
        body: &(dyn Fn(usize) -> std::sync::Arc<str> + Sync),
    ) -> Update<'_> {
        use rayon::prelude::*;
        self.touched = Some(Vec::new());
        type Made = (String, u64, std::sync::Arc<Entry>);
        let measures = measures_key(site);
        let parts = &self.parts;
        let missing: Vec<(usize, u64)> = site
            .by_date
            .par_iter()
            .map(|&i| (i, page_key(site, i, measures)))
            .filter(|(i, k)| {
                parts
                    .get(&site.pages[*i].path)
                    .is_none_or(|(old, _)| old != k)
            })
            .collect();
        let made: Vec<Made> = missing
            .par_iter()
            .map_init(Scratch::default, |scratch, &(i, k)| {
                let e = entry_with(site, i, &body(i), scratch);
                (site.pages[i].path.clone(), k, std::sync::Arc::new(e))
            })
            .collect();
        let mut changed = Vec::with_capacity(made.len());
        for (path, k, e) in made {
            let old = self.parts.insert(path.clone(), (k, e.clone()));
            changed.push((path, old.map(|(_, e)| e), e));
        }
        // Every page has its part now; any more are of pages gone.
        if self.parts.len() > site.by_date.len() {
            let live: std::collections::HashSet<&str> = site
                .by_date
                .iter()
                .map(|&i| site.pages[i].path.as_str())
                .collect();
            self.parts.retain(|p, _| live.contains(p.as_str()));
        }
        let districts = districts(site);
        let order: Vec<&str> = site
            .by_date
            .iter()
            .map(|&i| site.pages[i].path.as_str())
            .collect();
        let same_order = self
            .last
            .as_ref()
            .is_some_and(|l| l.order.iter().map(String::as_str).eq(order.iter().copied()));
        let rows_changed = !changed.is_empty() || !same_order;
        if !same_order || !self.patch(&changed, &order) {
            self.assemble(&order);
        }
        let last = self.last.as_ref().expect("assembled");
        let (files, touched) = (&mut self.files, &mut self.touched);
        let mut put = |path: &str, bytes: Bytes| {
            let path = format!("{DIR}{path}");
            if files.get(&path) != Some(&bytes) {
                if let Some(t) = touched.as_mut() {
                    t.push(path.clone());
                }
                files.insert(path, bytes);
            }
        };
        if rows_changed || last.districts != districts {
            put("docs.js", last.asm.docs_js(&districts));
        }
        put("meta.js", last.asm.meta_js(site, &districts, last.shards));
        if let Some(last) = self.last.as_mut() {
            last.districts = districts;
        }
        Update {
            files: &self.files,
            touched: self.touched.as_deref(),
        }
    }

    /// Put every file together from the parts.
    fn assemble(&mut self, order: &[&str]) {
        let mut asm = Assembler::default();
        let mut files = BTreeMap::new();
        let mut out = |path: &str, bytes: Bytes| {
            files.insert(format!("{DIR}{path}"), bytes);
            Ok(())
        };
        for path in order {
            asm.add(&self.parts[*path].1, &mut out).expect("memory");
        }
        let shards = asm.shards();
        let by_shard = asm.by_shard(shards);
        asm.write_shards(&by_shard, None, &mut out).expect("memory");
        self.files = files;
        self.touched = None;
        self.last = Some(Assembled {
            order: order.iter().map(|p| p.to_string()).collect(),
            size: asm.size(),
            asm,
            shards,
            by_shard,
            districts: Vec::new(),
        });
    }

    /// Rewrite what `changed` pages (same order as before) touch: their
    /// terms' postings, their shards, their fragments. False when the
    /// shard count would change (then everything is put together again).
    fn patch(&mut self, changed: &[Changed], order: &[&str]) -> bool {
        let Some(last) = self.last.as_mut() else {
            return false;
        };
        if changed.is_empty() {
            return true;
        }
        let number: std::collections::HashMap<&str, u32> = order
            .iter()
            .enumerate()
            .map(|(n, p)| (*p, n as u32))
            .collect();
        let mut touched = std::collections::BTreeSet::new();
        for (path, old, new) in changed {
            let Some(old) = old else {
                return false; // a new page moves the order
            };
            let n = number[path.as_str()];
            let asm = &mut last.asm;
            for (k, w) in &new.words {
                asm.words.entry(*k).or_insert_with(|| w.clone());
            }
            asm.docs_rows[n as usize] = (new.kind, new.year, new.district.clone());
            for (key, w) in weight_changes(&old.keys, &old.weights, &new.keys, &new.weights) {
                let words = &asm.words;
                let p = asm.postings.entry(key).or_insert_with(|| Postings {
                    hash: key_hash(key, words),
                    ..Default::default()
                });
                let (before, fresh) = (p.size(), p.bytes.is_empty());
                p.set(n, w);
                let shard = p.hash as usize % last.shards;
                touched.insert(shard);
                if p.bytes.is_empty() {
                    last.size -= before;
                    asm.postings.remove(&key);
                    last.by_shard[shard].retain(|k| *k != key);
                } else {
                    last.size = last.size + p.size() - if fresh { 0 } else { before };
                    if fresh {
                        last.by_shard[shard].push(key);
                    }
                }
            }
            let path = format!("{DIR}f/{n}.js");
            if let Some(t) = self.touched.as_mut() {
                t.push(path.clone());
            }
            self.files.insert(path, new.fragment.clone());
        }
        if shard_count(last.size) != last.shards {
            return false;
        }
        let (files, report) = (&mut self.files, &mut self.touched);
        last.asm
            .write_shards(&last.by_shard, Some(&touched), &mut |path, bytes| {
                let path = format!("{DIR}{path}");
                if let Some(t) = report.as_mut() {
                    t.push(path.clone());
                }
                files.insert(path, bytes);
                Ok(())
            })
            .expect("memory");
        true
    }
}

/// The measures' names (a page's labels), which every page's part reads.
fn measures_key(site: &Resolved) -> u64 {
    use std::hash::Hasher;
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    for t in &site.measures {
        h.write(t.slug.as_bytes());
        h.write_u8(0);
        h.write(t.name.as_bytes());
        h.write_u8(0);
    }
    h.digest()
}

/// The terms whose weight differs between a page's old and new terms
/// (each in any order): each with its new weight, `None` where it is
/// gone; sorted by key.
fn weight_changes(
    old_keys: &[tokenize::Key],
    old_weights: &[u8],
    new_keys: &[tokenize::Key],
    new_weights: &[u8],
) -> Vec<(tokenize::Key, Option<u8>)> {
    let sorted = |keys: &[tokenize::Key], weights: &[u8]| {
        let mut v: Vec<(tokenize::Key, u8)> =
            keys.iter().copied().zip(weights.iter().copied()).collect();
        v.sort_unstable();
        v
    };
    let (old, new) = (sorted(old_keys, old_weights), sorted(new_keys, new_weights));
    let mut out = Vec::new();
    let (mut a, mut b) = (0, 0);
    loop {
        match (old.get(a), new.get(b)) {
            (Some(x), Some(y)) if x.0 == y.0 => {
                if x.1 != y.1 {
                    out.push((y.0, Some(y.1)));
                }
                a += 1;
                b += 1;
            }
            (Some(x), y) if y.is_none_or(|y| x.0 < y.0) => {
                out.push((x.0, None));
                a += 1;
            }
            (_, Some(y)) => {
                out.push((y.0, Some(y.1)));
                b += 1;
            }
            (_, None) => return out,
        }
    }
}

/// A page whose part was made again: its path, the old part (`None`
/// for a new page) and the new.
type Changed = (String, Option<std::sync::Arc<Entry>>, std::sync::Arc<Entry>);

/// What page `i`'s part of the index depends on (`measures`: their key).
fn page_key(site: &Resolved, i: usize, measures: u64) -> u64 {
    use std::hash::Hasher;
    let p = &site.pages[i];
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    h.write_u64(p.rendered.fingerprint);
    h.write(p.path.as_bytes());
    h.write(p.kind.name().as_bytes());
    h.write_i32(p.year.unwrap_or(0));
    h.write(p.district.as_deref().unwrap_or("").as_bytes());
    h.write(p.school.as_ref().map_or("", |s| s.name.as_str()).as_bytes());
    h.write_u64(measures);
    h.digest()
}

/// The hash of a term (which shard it goes to), its text from the key or
/// from the words seen.
fn key_hash(key: tokenize::Key, words: &rustc_hash::FxHashMap<tokenize::Key, String>) -> u32 {
    match tokenize::cjk_text(key) {
        Some(t) => term_hash(t.as_str()),
        None => words.get(&key).map_or(0, |w| term_hash(w)),
    }
}

/// Puts the index's files together from the pages' parts, in page order.
#[derive(Default)]
struct Assembler {
    /// Postings by term, pages newest first, with the term's hash.
    postings: rustc_hash::FxHashMap<tokenize::Key, Postings>,
    words: rustc_hash::FxHashMap<tokenize::Key, String>,
    /// Per page: kind, year, district.
    docs_rows: Vec<(usize, i32, Option<String>)>,
}

impl Assembler {
    /// The next page: its postings, and its fragment file to `out`.
    fn add(&mut self, e: &Entry, out: Out) -> std::io::Result<()> {
        let n = self.docs_rows.len() as u32;
        for (key, w) in &e.words {
            self.words.entry(*key).or_insert_with(|| w.clone());
        }
        for (&key, &w) in e.keys.iter().zip(e.weights.iter()) {
            let words = &self.words;
            self.postings
                .entry(key)
                .or_insert_with(|| Postings {
                    hash: key_hash(key, words),
                    ..Default::default()
                })
                .push(n, w);
        }
        self.docs_rows.push((e.kind, e.year, e.district.clone()));
        out(&format!("f/{n}.js"), e.fragment.clone())
    }

    /// What the postings add to the index's size.
    fn size(&self) -> usize {
        self.postings.values().map(Postings::size).sum()
    }

    /// The shard count for the postings so far.
    fn shards(&self) -> usize {
        shard_count(self.size())
    }

    /// The terms of each shard.
    fn by_shard(&self, shards: usize) -> Vec<Vec<tokenize::Key>> {
        let mut by_shard = vec![Vec::new(); shards];
        for (k, p) in &self.postings {
            by_shard[p.hash as usize % shards].push(*k);
        }
        by_shard
    }

    /// Encode the shards (those in `only`, or all) to `out`.
    fn write_shards(
        &self,
        by_shard: &[Vec<tokenize::Key>],
        only: Option<&std::collections::BTreeSet<usize>>,
        out: Out,
    ) -> std::io::Result<()> {
        use rayon::prelude::*;
        let wanted: Vec<usize> = match only {
            Some(set) => set.iter().copied().collect(),
            None => (0..by_shard.len()).collect(),
        };
        for group in wanted.chunks(256) {
            let made: Vec<(usize, String)> = group
                .par_iter()
                .map(|&s| (s, self.shard_js(s, &by_shard[s])))
                .collect();
            for (s, js) in made {
                out(&format!("s/{s}.js"), js.into_bytes().into())?;
            }
        }
        Ok(())
    }

    fn shard_js(&self, s: usize, keys: &[tokenize::Key]) -> String {
        // A CJK term's text inline, a word's borrowed: no string made for
        // each of a million terms.
        enum Text<'a> {
            Cjk(tokenize::CjkText),
            Word(&'a str),
        }
        impl AsRef<str> for Text<'_> {
            fn as_ref(&self) -> &str {
                match self {
                    Text::Cjk(t) => t.as_str(),
                    Text::Word(w) => w,
                }
            }
        }
        let text_of_key = |k: tokenize::Key| match tokenize::cjk_text(k) {
            Some(t) => Text::Cjk(t),
            None => Text::Word(self.words.get(&k).map_or("", String::as_str)),
        };
        shard_file(
            s,
            keys.iter()
                .map(|k| (text_of_key(*k), self.postings[k].bytes.as_slice()))
                .collect(),
        )
    }

    /// `docs.js`: per page its kind, year and district number.
    fn docs_js(&self, districts: &[String]) -> Bytes {
        let mut docs = String::with_capacity(self.docs_rows.len() * 10);
        for (n, (kind, year, district)) in self.docs_rows.iter().enumerate() {
            let d = district
                .as_ref()
                .and_then(|d| districts.binary_search(d).ok())
                .map_or(0, |x| x + 1);
            if n > 0 {
                docs.push(';');
            }
            let _ = write!(docs, "{kind},{year},{d}");
        }
        format!("EXS.d(\"{docs}\");\n").into_bytes().into()
    }

    /// `meta.js`: shard count, kinds, years, districts, school names.
    fn meta_js(&self, site: &Resolved, districts: &[String], shards: usize) -> Bytes {
        let mut schools: Vec<&str> = site
            .pages
            .iter()
            .filter_map(|p| p.school.as_ref().map(|s| s.name.as_str()))
            .collect();
        schools.sort_unstable();
        schools.dedup();
        let mut years: Vec<i32> = self
            .docs_rows
            .iter()
            .map(|r| r.1)
            .filter(|y| *y > 0)
            .collect();
        years.sort_unstable_by(|a, b| b.cmp(a));
        years.dedup();
        let list = |v: &mut dyn Iterator<Item = String>| v.collect::<Vec<_>>().join(",");
        format!(
            "EXS.m({{\"v\":{VERSION},\"n\":{},\"shards\":{shards},\"kinds\":[{}],\"years\":[{}],\"districts\":[{}],\"schools\":[{}]}});\n",
            self.docs_rows.len(),
            list(&mut Kind::ALL.iter().map(|k| format!("[{},{}]", js_string(k.name()), js_string(if *k == Kind::Page { "" } else { k.label() })))),
            list(&mut years.iter().map(i32::to_string)),
            list(&mut districts.iter().map(|d| js_string(d))),
            list(&mut schools.iter().map(|s| js_string(s))),
        )
        .into_bytes()
        .into()
    }
}

/// A shard's file: its terms sorted, each with its postings.
fn shard_file<T: AsRef<str>>(s: usize, mut terms: Vec<(T, &[u8])>) -> String {
    terms.sort_unstable_by(|a, b| a.0.as_ref().cmp(b.0.as_ref()));
    let size: usize = terms
        .iter()
        .map(|(t, b)| t.as_ref().len() + b.len() * 4 / 3 + 8)
        .sum();
    let mut js = String::with_capacity(size + 16);
    let _ = write!(js, "EXS.s({s},{{");
    for (t, (term, bytes)) in terms.iter().enumerate() {
        if t > 0 {
            js.push(',');
        }
        push_js_string(&mut js, term.as_ref());
        js.push_str(":\"");
        push_base64(&mut js, bytes);
        js.push('"');
    }
    js.push_str("});\n");
    js
}

/// The first `n` characters of `s`, found by counting the bytes that
/// start one (decoding each character cost a tenth of a page's cutting).
fn char_prefix(s: &str, n: usize) -> &str {
    if s.len() <= n {
        return s;
    }
    // Continuation bytes are 0b10xx_xxxx; whole blocks are counted at once.
    let starts_in = |b: &[u8]| b.iter().filter(|&&b| (b as i8) >= -0x40).count();
    let mut starts = 0;
    for (k, block) in s.as_bytes().chunks(64).enumerate() {
        let here = starts_in(block);
        if starts + here <= n {
            starts += here;
            continue;
        }
        for (i, &b) in block.iter().enumerate() {
            if (b as i8) >= -0x40 {
                if starts == n {
                    return &s[..64 * k + i];
                }
                starts += 1;
            }
        }
    }
    s
}

/// Page `i`'s row of the page table: kind, year, district.
fn row(site: &Resolved, i: usize) -> (usize, i32, Option<String>) {
    let p = &site.pages[i];
    (
        Kind::ALL.iter().position(|k| *k == p.kind).unwrap_or(0),
        p.year.unwrap_or(0),
        p.district.clone(),
    )
}

/// Buffers `entry` fills and empties for every page, kept by a worker
/// between pages (fresh memory for each page cost a tenth of the index).
#[derive(Default)]
struct Scratch {
    text: String,
    word: String,
    keys: Vec<tokenize::Key>,
    tally: Tally,
}

/// A page's terms counted as they are cut, in an open-addressing table
/// kept between pages (a list of every occurrence, sorted and merged,
/// cost twice as much).
#[derive(Default)]
struct Tally {
    /// By slot: the key (0: free; no key is 0, its top bits give its
    /// kind) with its weight in the byte no key uses
    /// (`tokenize::WEIGHT_SHIFT`): one load and one store a term. Every
    /// slot not taken is zero.
    slots: Vec<u64>,
    /// The slots in use for this page (a power of two; the rest is kept
    /// for larger pages).
    size: usize,
    /// The slots taken, in the order their terms were first seen.
    at: Vec<u32>,
}

/// A slot's key without its weight.
const KEY_BITS: u64 = !(0xFF << tokenize::WEIGHT_SHIFT);

impl Tally {
    /// Empty, for a page of about `terms` terms: as many slots as it
    /// needs (a table sized for the largest page so far would be mostly
    /// cache misses for the rest), only those taken freed.
    fn clear(&mut self, terms: usize) {
        self.free();
        self.resize((2 * terms).next_power_of_two().clamp(256, 1 << 16));
    }

    /// Every slot taken made free again.
    fn free(&mut self) {
        for &s in &self.at {
            self.slots[s as usize] = 0;
        }
        self.at.clear();
    }

    fn resize(&mut self, size: usize) {
        self.size = size;
        if self.slots.len() < size {
            self.slots.resize(size, 0);
        }
    }

    /// The slot of term `k`, and whether it is new to the page.
    #[inline(always)]
    fn find(&mut self, k: tokenize::Key) -> (usize, bool) {
        let i = self.probe(k);
        if self.slots[i] != 0 {
            return (i, false);
        }
        self.slots[i] = k;
        self.at.push(i as u32);
        // At most half full: probes stay short.
        if 2 * self.at.len() > self.size {
            self.grow();
            return (self.probe(k), true);
        }
        (i, true)
    }

    /// The slot that holds `k`, or the free one where it would go.
    #[inline(always)]
    fn probe(&self, k: tokenize::Key) -> usize {
        let slots = &self.slots[..self.size];
        let mask = slots.len() - 1;
        let mut i =
            (k.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - self.size.trailing_zeros())) as usize;
        loop {
            let s = slots[i & mask];
            if s & KEY_BITS == k || s == 0 {
                return i & mask;
            }
            i += 1;
        }
    }

    /// Twice the slots, every term placed again in its order.
    #[cold]
    #[inline(never)]
    fn grow(&mut self) {
        let taken: Vec<u64> = self.at.iter().map(|&s| self.slots[s as usize]).collect();
        self.free();
        self.resize(2 * self.size);
        for slot in taken {
            let i = self.probe(slot & KEY_BITS);
            self.slots[i] = slot;
            self.at.push(i as u32);
        }
    }

    /// One more occurrence of `k` (counted up to `TF_MASK`); true when it
    /// is the first.
    #[inline(always)]
    fn count(&mut self, k: tokenize::Key) -> bool {
        let (i, new) = self.find(k);
        let s = self.slots[i];
        let tf = (s >> tokenize::WEIGHT_SHIFT) as u8 & TF_MASK;
        self.slots[i] = s + (u64::from(tf < TF_MASK) << tokenize::WEIGHT_SHIFT);
        new
    }

    /// `k` in a title, a name or a label (`bit`).
    fn mark(&mut self, k: tokenize::Key, bit: u8) -> bool {
        let (i, new) = self.find(k);
        self.slots[i] |= u64::from(bit) << tokenize::WEIGHT_SHIFT;
        new
    }

    /// The terms in the order first seen, with their weights.
    fn terms(&self) -> impl Iterator<Item = (tokenize::Key, u8)> + '_ {
        self.at.iter().map(|&s| {
            let s = self.slots[s as usize];
            (s & KEY_BITS, (s >> tokenize::WEIGHT_SHIFT) as u8)
        })
    }
}

/// The tally as a cut's sink: each term counted, a word's text kept
/// the first time (a method, so that it is inlined into the cut: it runs
/// for every term of every page).
struct Counting<'a> {
    tally: &'a mut Tally,
    words: &'a mut rustc_hash::FxHashMap<tokenize::Key, String>,
}

impl tokenize::Sink for Counting<'_> {
    #[inline(always)]
    fn term(&mut self, key: tokenize::Key, word: Option<&str>) {
        if self.tally.count(key) {
            if let Some(w) = word {
                self.words.insert(key, w.to_string());
            }
        }
    }
}

/// Page `i` as the index sees it.
fn entry(site: &Resolved, i: usize, html: &str) -> Entry {
    entry_with(site, i, html, &mut Scratch::default())
}

/// `entry`, with buffers kept between pages.
fn entry_with(site: &Resolved, i: usize, html: &str, scratch: &mut Scratch) -> Entry {
    let row = row(site, i);
    let p = &site.pages[i];
    let h = &p.doc.header;
    let Scratch {
        text,
        word,
        keys,
        tally,
    } = scratch;
    // A page has a distinct term for every 6 to 10 bytes of its HTML (on
    // the 10k corpus); more, and the table grows.
    let guess = html.len() / 6;
    tally.clear(guess);
    text.clear();
    let mut words: rustc_hash::FxHashMap<tokenize::Key, String> = Default::default();
    // The body first, cut as it is read (with the start of its text, for
    // the fragment): when it needs normalising, what the one pass counted
    // is all there is to drop.
    let fast = tokenize::html_keys(
        html,
        word,
        text,
        FRAGMENT_CHARS,
        &mut Counting {
            tally,
            words: &mut words,
        },
    );
    let keep = |words: &mut rustc_hash::FxHashMap<tokenize::Key, String>, k, w: &str| {
        words.entry(k).or_insert_with(|| w.to_string());
    };
    if !fast {
        // Drop what the one pass found before it stopped.
        tally.clear(guess);
        words.clear();
        text.clear();
        text_into(html, text);
        keys.clear();
        tokenize::index_keys(text, keys, &mut |k, w| keep(&mut words, k, w));
        keys.iter().for_each(|&k| _ = tally.count(k));
    }
    let mut word = |k: tokenize::Key, w: &str| keep(&mut words, k, w);
    let text: &str = text;
    keys.clear();
    tokenize::index_keys(p.summary(), keys, &mut word);
    keys.iter().for_each(|&k| _ = tally.count(k));
    // The terms of the title, names and labels with their bit.
    let mut mark = |s: &str, bit: u8, word: &mut dyn FnMut(tokenize::Key, &str)| {
        keys.clear();
        tokenize::index_keys(s, keys, word);
        keys.iter().for_each(|&k| _ = tally.mark(k, bit));
    };
    mark(p.title(), IN_TITLE, &mut word);
    for s in [
        p.school.as_ref().map(|s| s.name.as_str()),
        h.brand.as_deref(),
        h.slogan.as_deref(),
        h.subject.as_deref(),
    ]
    .into_iter()
    .flatten()
    {
        mark(s, IN_NAME, &mut word);
    }
    for s in h.tags.iter().chain(p.district.iter()) {
        mark(s, IN_LABELS, &mut word);
    }
    for m in &h.measures {
        let id = m.to_string();
        if let Some(t) = site.measures.iter().find(|t| t.slug == id) {
            mark(&t.name, IN_LABELS, &mut word);
        }
    }
    mark(p.kind.label(), IN_LABELS, &mut word);
    let school = p.school.as_ref().map(|s| s.name.as_str()).unwrap_or("");
    let start = char_prefix(text, FRAGMENT_CHARS);
    let mut fragment = String::with_capacity(start.len() + 512);
    let kind = if p.kind == Kind::Page {
        ""
    } else {
        p.kind.label()
    };
    let date = p.date.map(|d| d.format("%Y-%m-%d").to_string());
    for (name, value) in [
        ("EXS.f({\"t\":", p.title()),
        (",\"u\":", p.path.trim_start_matches('/')),
        (",\"k\":", kind),
        (",\"s\":", school),
    ] {
        fragment.push_str(name);
        push_js_string(&mut fragment, value);
    }
    let _ = write!(fragment, ",\"y\":{}", p.year.unwrap_or(0));
    for (name, value) in [
        (",\"d\":", p.district.as_deref().unwrap_or("")),
        (",\"dt\":", date.as_deref().unwrap_or("")),
        (",\"m\":", p.summary()),
        (",\"x\":", start),
    ] {
        fragment.push_str(name);
        push_js_string(&mut fragment, value);
    }
    fragment.push_str("});\n");
    let (mut keys, mut weights) = (
        Vec::with_capacity(tally.at.len()),
        Vec::with_capacity(tally.at.len()),
    );
    for (k, w) in tally.terms() {
        keys.push(k);
        weights.push(w);
    }
    Entry {
        keys: keys.into(),
        weights: weights.into(),
        words: words.into_iter().collect(),
        fragment: fragment.into_bytes().into(),
        kind: row.0,
        year: row.1,
        district: row.2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(html: &str) -> String {
        let mut out = String::new();
        text_into(html, &mut out);
        out
    }

    #[test]
    fn text_of_html_keeps_words_apart_and_decodes_entities() {
        assert_eq!(
            text_of("<h2 id=\"a\">标题</h2>\n<p>甲&amp;乙 &lt;丙&gt;<br>丁</p>"),
            "标题 甲&乙 <丙> 丁"
        );
    }

    #[test]
    fn every_kind_of_white_space_is_one_space() {
        let spaces: String = (0..=0x3000u32)
            .filter_map(char::from_u32)
            .filter(|c| c.is_whitespace())
            .collect();
        let text = format!("{spaces}甲{spaces}乙&nbsp;丙 <b>丁</b>{spaces}x{spaces}");
        assert_eq!(text_of(&text), "甲 乙 丙 丁 x");
        // Lead bytes of white space followed by other characters.
        assert_eq!(
            text_of("\u{2010}\u{2030}\u{2060}\u{3001}\u{1681}\u{00A1}"),
            "\u{2010}\u{2030}\u{2060}\u{3001}\u{1681}\u{00A1}"
        );
    }

    #[test]
    fn text_of_is_the_text_with_white_space_squeezed() {
        // The text as the index had it before `text_of` took one pass:
        // tags and entities first, then white space squeezed.
        fn reference(html: &str) -> String {
            let mut out = String::new();
            let mut rest = html;
            while let Some(i) = rest.find(['<', '&']) {
                out.push_str(&rest[..i]);
                rest = &rest[i..];
                if rest.starts_with('<') {
                    out.push(' ');
                    rest = &rest[rest.find('>').map_or(rest.len(), |e| e + 1)..];
                } else {
                    let (ch, len) = [
                        ("&amp;", "&"),
                        ("&lt;", "<"),
                        ("&nbsp;", " "),
                        ("&#39;", "'"),
                    ]
                    .iter()
                    .find(|(e, _)| rest.starts_with(e))
                    .map_or(("&", 1), |(e, c)| (*c, e.len()));
                    out.push_str(ch);
                    rest = &rest[len..];
                }
            }
            out.push_str(rest);
            out.split_whitespace().collect::<Vec<_>>().join(" ")
        }
        let pool = [
            "甲", "乙丙", " ", "\n", "\u{3000}", "\u{a0}", "\u{2003}", "\u{2028}", "“", "—", "<p>",
            "</b>", "<br>", "&amp;", "&lt;", "&nbsp;", "&#39;", "&x", "a", "é", "\u{2010}",
            "\u{3001}",
        ];
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..5000 {
            let mut html = String::new();
            for _ in 0..8 {
                next_random(&mut seed);
                html.push_str(pool[(seed % pool.len() as u64) as usize]);
            }
            assert_eq!(text_of(&html), reference(&html), "{html:?}");
        }
    }

    #[test]
    fn a_char_prefix_is_what_char_indices_gives() {
        for s in ["", "abc", "党建品牌", "a党b建c", "€x😀y", "é\u{301}中"] {
            for n in 0..8 {
                let want = s.char_indices().nth(n).map_or(s, |(end, _)| &s[..end]);
                assert_eq!(char_prefix(s, n), want, "{s:?} {n}");
            }
        }
    }

    #[test]
    fn the_html_is_cut_as_its_text_is() {
        /// Keys, each with a word's text.
        type Cut = Vec<(u64, Option<String>)>;
        // Keys and words of the one pass over the HTML, when it takes it,
        // against the text taken out and cut.
        fn both(html: &str) -> (Option<Cut>, Cut) {
            let mut fast = Vec::new();
            let mut text = String::new();
            let took = tokenize::html_keys(
                html,
                &mut String::new(),
                &mut text,
                usize::MAX,
                &mut |k, w: Option<&str>| fast.push((k, w.map(str::to_string))),
            );
            if took {
                assert_eq!(text, text_of(html), "{html:?}");
                // Cut short: the start of the text, at least as long as asked.
                for limit in [0, 1, 2, 3, 5, 8] {
                    let mut start = String::new();
                    tokenize::html_keys(
                        html,
                        &mut String::new(),
                        &mut start,
                        limit,
                        &mut |_, _: Option<&str>| {},
                    );
                    assert!(text.starts_with(&start), "{html:?} {limit}");
                    assert!(
                        start.chars().count() >= limit.min(text.chars().count()),
                        "{html:?} {limit}"
                    );
                }
            }
            let (mut keys, mut words) = (Vec::new(), std::collections::HashMap::new());
            tokenize::index_keys(&text_of(html), &mut keys, &mut |k, w| {
                words.insert(k, w.to_string());
            });
            let slow = keys
                .into_iter()
                .map(|k| (k, words.get(&k).cloned()))
                .collect();
            (took.then_some(fast), slow)
        }
        let page = "<h2 id=\"t\">党建<em>引领</em></h2>\n<p>“双减”落地&amp;ＧｉｔＨｕｂ&nbsp;Pages\u{3000}部署，\u{a0}志愿服务&lt;2023年&gt;</p><img alt=\"图\" src=\"a.png\">";
        let (fast, slow) = both(page);
        assert_eq!(fast.as_ref(), Some(&slow), "{page}");
        let pool = [
            "<p>",
            "</p>",
            "<a href=\"x&amp;y\">",
            "<br>",
            "&amp;",
            "&lt;",
            "&gt;",
            "&quot;",
            "&#39;",
            "&#x27;",
            "&nbsp;",
            "&foo;",
            "&",
            ";",
            "<",
            ">",
            "党",
            "建",
            "双减",
            "Ab",
            "9",
            "-",
            " ",
            "\n",
            "\u{a0}",
            "\u{3000}",
            "\u{2003}",
            "\u{2028}",
            "ＧＨ",
            "，",
            "。",
            "「",
            "é",
            "É",
            "e\u{301}",
            "か",
            "한",
            "①",
            "豈",
            "𠀀",
            "\u{4dc0}",
            "ß",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut declined = 0;
        for _ in 0..20_000 {
            next_random(&mut seed);
            let html: String = (0..(seed % 10) as usize)
                .map(|k| pool[((seed >> (5 * k + 6)) % pool.len() as u64) as usize])
                .collect();
            match both(&html) {
                (Some(fast), slow) => assert_eq!(fast, slow, "{html:?}"),
                (None, _) => declined += 1,
            }
        }
        assert!((500..15_000).contains(&declined), "{declined}");
    }

    #[test]
    fn the_tally_weighs_terms_as_sorting_every_occurrence_does() {
        // The definition: sort every occurrence, count each run (at most
        // TF_MASK), OR in the bits of the marked ones.
        fn reference(counted: &[u64], marked: &[(u64, u8)]) -> (Vec<u64>, Vec<u8>) {
            let mut all: BTreeMap<u64, u8> = BTreeMap::new();
            for &k in counted {
                let w = all.entry(k).or_default();
                *w = (*w + 1).min(TF_MASK);
            }
            for &(k, bit) in marked {
                *all.entry(k).or_default() |= bit;
            }
            all.into_iter().unzip()
        }
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || next_random(&mut seed);
        let mut tally = Tally::default();
        for round in 0..2000 {
            // Few distinct keys (long runs, the cap) or many (collisions
            // in a full table), of every kind, big and small pages.
            let distinct = 1 + next() % [3, 40, 5000][round % 3];
            // Keys as wide as a word's (54 bits below the kind).
            let key = |r: u64| {
                ((1 + r % 3) << 62) | ((r % distinct).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 10)
            };
            let counted: Vec<u64> = (0..next() % 3000).map(|_| key(next())).collect();
            let marked: Vec<(u64, u8)> = (0..next() % 40)
                .map(|_| {
                    (
                        key(next()),
                        [IN_TITLE, IN_NAME, IN_LABELS][(next() % 3) as usize],
                    )
                })
                .collect();
            tally.clear([0, 100, 10_000][round % 3]);
            let mut new = Vec::new();
            for &k in &counted {
                if tally.count(k) {
                    new.push(k);
                }
            }
            for &(k, bit) in &marked {
                if tally.mark(k, bit) {
                    new.push(k);
                }
            }
            // Each term once, in the order first seen, each said new once.
            let mut seen = std::collections::HashSet::new();
            let first_seen: Vec<u64> = counted
                .iter()
                .chain(marked.iter().map(|m| &m.0))
                .copied()
                .filter(|k| seen.insert(*k))
                .collect();
            let mut got: Vec<(u64, u8)> = tally.terms().collect();
            assert_eq!(
                got.iter().map(|t| t.0).collect::<Vec<_>>(),
                first_seen,
                "round {round}"
            );
            assert_eq!(new, first_seen, "round {round}");
            got.sort_unstable();
            let (keys, weights) = reference(&counted, &marked);
            assert_eq!(
                got,
                keys.into_iter().zip(weights).collect::<Vec<_>>(),
                "round {round}"
            );
        }
    }

    #[test]
    fn js_strings_are_json_with_script_ends_broken() {
        // Long mixes too: eight bytes at a time are passed over when none
        // needs an escape.
        let pool = [
            "甲",
            "a",
            "\"",
            "\\",
            "\n",
            "\u{1f}",
            "\u{7f}",
            "/",
            "<",
            "</",
            "\u{2028}",
            "\u{2029}",
            "“",
            "”",
            " ",
            "党建引领",
        ];
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mixes: Vec<String> = (0..3000)
            .map(|_| {
                next_random(&mut seed);
                (0..(seed % 24) as usize)
                    .map(|k| pool[((seed >> (2 * k + 8)) % pool.len() as u64) as usize])
                    .collect()
            })
            .collect();
        for s in [
            "",
            "甲\"乙\\丙\n\r\t\u{8}\u{c}\u{1}\u{1f}\u{7f}",
            "</script><!-- </",
            "a\u{2028}b\u{2029}c\u{2027}\u{202a}“”",
        ]
        .into_iter()
        .chain(mixes.iter().map(String::as_str))
        {
            let json = serde_json::to_string(s)
                .unwrap()
                .replace("</", "<\\/")
                .replace('\u{2028}', "\\u2028")
                .replace('\u{2029}', "\\u2029");
            assert_eq!(js_string(s), json, "{s:?}");
        }
    }

    #[test]
    fn hashes_and_encodings_match_what_the_browser_computes() {
        // FNV-1a of "党建" (UTF-8), as search.js computes it.
        assert_eq!(term_hash(""), 0x811c9dc5);
        assert_eq!(term_hash("a"), 0xe40c292c);
        assert_eq!(base64(b"Man"), "TWFu");
        assert_eq!(base64(b"Ma"), "TWE=");
        let mut v = Vec::new();
        push_varint(&mut v, 300u32);
        assert_eq!(v, [0xAC, 0x02]);
    }
}
