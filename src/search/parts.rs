//! The pages' parts of a cached index, kept beside it (`parts/`, never
//! published), so that the next build after an edit patches the index
//! instead of cutting every page again: the preview's patch, done on the
//! files.
//!
//! - `parts/pages.bin`: per page, in page order, its path, what its part
//!   depends on (`page_key`) and its terms (keys, weights);
//! - `parts/newer.bin`: the records of pages patched since, with their
//!   numbers (folded into `pages.bin` when it grows past an eighth of it,
//!   so an edit does not rewrite every page's record);
//! - `parts/state.bin`: the program that made it, the shard count, the
//!   index's size, and the text of every word term (a word's key is a
//!   hash; its shard needs the text).
//!
//! A patch is tried only when the pages keep their order (an edit to a
//! body, a title, tags: page numbers stay) and the shard count stays;
//! anything else, or anything unreadable, is a full build.

use std::io;
use std::path::Path;

use rustc_hash::FxHashMap;

use super::tokenize::{self, Key};
use super::{push_varint, Entry, Postings};
use crate::resolve::Resolved;

pub const DIR: &str = "parts";
pub const PAGES: &str = "parts/pages.bin";
pub const STATE: &str = "parts/state.bin";
const NEWER: &str = "parts/newer.bin";
const MAGIC: &[u8] = b"exemplar search parts 3\n";

/// A reader over our own bytes; any inconsistency is `None`.
struct Cursor<'a>(&'a [u8]);

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        Some(a)
    }
    fn varint(&mut self) -> Option<u64> {
        let (mut n, mut shift) = (0u64, 0);
        loop {
            let b = *self.take(1)?.first()?;
            if shift > 63 {
                return None;
            }
            n |= u64::from(b & 0x7F) << shift;
            shift += 7;
            if b & 0x80 == 0 {
                return Some(n);
            }
        }
    }
    fn bytes(&mut self) -> Option<&'a [u8]> {
        let n = usize::try_from(self.varint()?).ok()?;
        self.take(n)
    }
    fn str(&mut self) -> Option<&'a str> {
        std::str::from_utf8(self.bytes()?).ok()
    }
}

fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    push_varint(out, b.len() as u64);
    out.extend_from_slice(b);
}

// Keys are recorded as the page has them, unsorted (`tokenize::put_key`:
// four bytes for most): sorting every page's terms and packing them as
// deltas cost a tenth of the index, and only a patch (a few pages) needs
// them sorted.

/// One page's record of `pages.bin`.
pub fn page_record(path: &str, page_key: u64, e: &Entry) -> Vec<u8> {
    let n = e.keys.len();
    let mut terms = Vec::with_capacity(n * 9 + 10);
    push_varint(&mut terms, n as u64);
    for &k in e.keys.iter() {
        tokenize::put_key(k, &mut terms);
    }
    terms.extend_from_slice(&e.weights);
    let mut out = Vec::with_capacity(terms.len() + path.len() + 28);
    put_bytes(&mut out, path.as_bytes());
    out.extend_from_slice(&page_key.to_le_bytes());
    put_bytes(&mut out, &terms);
    out
}

/// `state.bin`: written when the index is complete.
pub fn state(program: &str, shards: usize, size: usize, words: &FxHashMap<Key, String>) -> Vec<u8> {
    let mut out = MAGIC.to_vec();
    put_bytes(&mut out, program.as_bytes());
    push_varint(&mut out, shards as u64);
    push_varint(&mut out, size as u64);
    let mut sorted: Vec<(&Key, &String)> = words.iter().collect();
    sorted.sort();
    push_varint(&mut out, sorted.len() as u64);
    for (k, w) in sorted {
        out.extend_from_slice(&k.to_le_bytes());
        put_bytes(&mut out, w.as_bytes());
    }
    out
}

/// A page as `pages.bin` has it: its record's bytes, parsed on demand.
#[derive(Clone, Copy)]
struct OldPage<'a> {
    path: &'a str,
    key: u64,
    /// Its terms as recorded (count, keys, weights).
    terms: &'a [u8],
}

impl OldPage<'_> {
    fn terms(&self) -> Option<(Vec<Key>, &[u8])> {
        let mut c = Cursor(self.terms);
        let n = usize::try_from(c.varint()?).ok()?;
        // A key takes at least four bytes: a count the bytes cannot hold
        // reserves no more than they can.
        let mut keys = Vec::with_capacity(n.min(c.0.len() / 4));
        for _ in 0..n {
            let (k, len) = tokenize::get_key(c.0)?;
            keys.push(k);
            c.take(len)?;
        }
        Some((keys, c.take(n)?))
    }
}

fn record<'a>(c: &mut Cursor<'a>) -> Option<OldPage<'a>> {
    Some(OldPage {
        path: c.str()?,
        key: u64::from_le_bytes(c.take(8)?.try_into().ok()?),
        terms: c.bytes()?,
    })
}

fn pages(bytes: &[u8]) -> Option<Vec<OldPage<'_>>> {
    let mut c = Cursor(bytes);
    let mut out = Vec::new();
    while !c.0.is_empty() {
        out.push(record(&mut c)?);
    }
    Some(out)
}

/// `newer.bin`: page number → its latest record.
fn newer(bytes: &[u8]) -> Option<std::collections::BTreeMap<u32, OldPage<'_>>> {
    let mut c = Cursor(bytes);
    let mut out = std::collections::BTreeMap::new();
    while !c.0.is_empty() {
        let n = u32::try_from(c.varint()?).ok()?;
        out.insert(n, record(&mut c)?);
    }
    Some(out)
}

fn put_record(out: &mut Vec<u8>, p: &OldPage) {
    put_bytes(out, p.path.as_bytes());
    out.extend_from_slice(&p.key.to_le_bytes());
    put_bytes(out, p.terms);
}

/// The files a patch writes, relative to the index folder (the parts too).
pub type Patch = Vec<(String, Vec<u8>)>;

/// Patch the index in `prev` for `site`: `None` when it cannot be (then
/// the index is built whole). Reads only: the caller applies the files.
pub fn patch(
    site: &Resolved,
    body: &(dyn Fn(usize) -> std::sync::Arc<str> + Sync),
    prev: &Path,
    program: &str,
) -> Option<Patch> {
    use rayon::prelude::*;
    let state = std::fs::read(prev.join(STATE)).ok()?;
    let mut c = Cursor(state.strip_prefix(MAGIC)?);
    if c.str()? != program {
        return None;
    }
    let shards = usize::try_from(c.varint()?).ok()?;
    let mut size = usize::try_from(c.varint()?).ok()?;
    let mut words: FxHashMap<Key, String> = FxHashMap::default();
    for _ in 0..c.varint()? {
        let k = u64::from_le_bytes(c.take(8)?.try_into().ok()?);
        words.insert(k, c.str()?.to_string());
    }
    let pages_bin = std::fs::read(prev.join(PAGES)).ok()?;
    let newer_bin = match std::fs::read(prev.join(NEWER)) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => Vec::new(),
        Err(_) => return None,
    };
    let mut old = pages(&pages_bin)?;
    let overlay = newer(&newer_bin)?;
    for (&n, p) in &overlay {
        *old.get_mut(n as usize)? = *p;
    }
    // Same pages, same order: page numbers stay.
    if old.len() != site.by_date.len()
        || old
            .iter()
            .zip(&site.by_date)
            .any(|(o, &i)| o.path != site.pages[i].path)
    {
        return None;
    }
    let measures = super::measures_key(site);
    let changed: Vec<(u32, usize, u64)> = site
        .by_date
        .par_iter()
        .enumerate()
        .filter_map(|(n, &i)| {
            let k = super::page_key(site, i, measures);
            (k != old[n].key).then_some((n as u32, i, k))
        })
        .collect();
    // A patch pays per changed page; past a quarter, cutting all is as quick.
    if changed.len() > old.len() / 4 + 1 {
        return None;
    }
    let made: Vec<Entry> = changed
        .par_iter()
        .map(|&(_, i, _)| super::entry(site, i, &body(i)))
        .collect();
    // Every term whose weight changed, by shard: (key, page, new weight).
    let mut by_shard: std::collections::BTreeMap<usize, Vec<(Key, u32, Option<u8>)>> =
        Default::default();
    for (&(n, _, _), new) in changed.iter().zip(&made) {
        for (k, w) in &new.words {
            words.entry(*k).or_insert_with(|| w.clone());
        }
        let (old_keys, old_weights) = old[n as usize].terms()?;
        for (key, w) in super::weight_changes(&old_keys, old_weights, &new.keys, &new.weights) {
            let shard = super::key_hash(key, &words) as usize % shards;
            by_shard.entry(shard).or_default().push((key, n, w));
        }
    }
    let mut files = Vec::new();
    for (shard, sets) in &by_shard {
        let name = format!("s/{shard}.js");
        let mut postings = read_shard(&prev.join(&name))?;
        for &(key, n, w) in sets {
            let text = tokenize::key_text(key).or_else(|| words.get(&key).cloned())?;
            let p = postings.entry(text).or_default();
            let before = if p.bytes.is_empty() { 0 } else { p.size() };
            p.set(n, w);
            size = size + if p.bytes.is_empty() { 0 } else { p.size() } - before;
        }
        postings.retain(|_, p| !p.bytes.is_empty());
        let terms = postings
            .iter()
            .map(|(t, p)| (t.clone(), p.bytes.as_slice()))
            .collect();
        files.push((name, super::shard_file(*shard, terms).into_bytes()));
    }
    if super::shard_count(size) != shards {
        return None;
    }
    // Fragments of the changed pages; the page table and meta from the site.
    for (&(n, _, _), e) in changed.iter().zip(&made) {
        files.push((format!("f/{n}.js"), e.fragment.to_vec()));
    }
    let asm = super::Assembler {
        docs_rows: site.by_date.iter().map(|&i| super::row(site, i)).collect(),
        ..Default::default()
    };
    let districts = super::districts(site);
    files.push(("docs.js".into(), asm.docs_js(&districts).to_vec()));
    files.push((
        "meta.js".into(),
        asm.meta_js(site, &districts, shards).to_vec(),
    ));
    // The parts: the changed pages' records in `newer.bin`, or all folded
    // into `pages.bin` when those have grown past an eighth of it.
    let mut records: std::collections::BTreeMap<u32, Vec<u8>> = overlay
        .iter()
        .map(|(n, p)| {
            let mut r = Vec::new();
            put_record(&mut r, p);
            (*n, r)
        })
        .collect();
    for (&(n, i, k), e) in changed.iter().zip(&made) {
        records.insert(n, page_record(&site.pages[i].path, k, e));
    }
    let newer_len: usize = records.values().map(Vec::len).sum();
    if newer_len > pages_bin.len() / 8 {
        let mut all = Vec::with_capacity(pages_bin.len() + newer_len);
        for (n, p) in old.iter().enumerate() {
            match records.get(&(n as u32)) {
                Some(r) => all.extend_from_slice(r),
                None => put_record(&mut all, p),
            }
        }
        files.push((PAGES.into(), all));
        files.push((NEWER.into(), Vec::new()));
    } else {
        let mut out = Vec::with_capacity(newer_len + records.len() * 4);
        for (n, r) in &records {
            push_varint(&mut out, u64::from(*n));
            out.extend_from_slice(r);
        }
        files.push((NEWER.into(), out));
    }
    files.push((STATE.into(), self::state(program, shards, size, &words)));
    Some(files)
}

/// A shard file's terms and postings.
fn read_shard(path: &Path) -> Option<std::collections::BTreeMap<String, Postings>> {
    let text = std::fs::read_to_string(path).ok()?;
    let body = text.strip_prefix("EXS.s(")?;
    let body = &body[body.find(',')? + 1..];
    let body = body.strip_suffix(");\n")?;
    let map: std::collections::BTreeMap<String, String> = serde_json::from_str(body).ok()?;
    let mut out = std::collections::BTreeMap::new();
    for (term, b64) in map {
        // Only `set` changes it, and `set` encodes the list again whole.
        let p = Postings {
            bytes: unbase64(&b64)?,
            ..Default::default()
        };
        out.insert(term, p);
    }
    Some(out)
}

fn unbase64(s: &str) -> Option<Vec<u8>> {
    let val = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let b = s.as_bytes();
    if !b.len().is_multiple_of(4) {
        return None;
    }
    let mut out = Vec::with_capacity(b.len() / 4 * 3);
    for q in b.chunks(4) {
        let pad = q.iter().rev().take_while(|&&c| c == b'=').count();
        let mut n = 0u32;
        for &c in &q[..4 - pad] {
            n = n << 6 | val(c)?;
        }
        n <<= 6 * pad as u32;
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..3 - pad]);
    }
    Some(out)
}

/// Apply a patch to the index folder `dir` in place: every file written
/// beside its old one and renamed over it (a new inode: outputs that link
/// the old file keep their bytes).
pub fn apply(dir: &Path, patch: &Patch) -> io::Result<()> {
    for (name, bytes) in patch {
        let to = dir.join(name);
        let tmp = dir.join(format!("{name}.new"));
        std::fs::write(&tmp, bytes)?;
        std::fs::rename(&tmp, &to)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_claiming_more_terms_than_it_holds_is_unreadable() {
        for claimed in [3u64, 1 << 40, 1 << 60, u64::MAX >> 1] {
            let mut terms = Vec::new();
            push_varint(&mut terms, claimed);
            tokenize::put_key(tokenize::key_of("党建"), &mut terms);
            terms.push(1);
            let page = OldPage {
                path: "/a/",
                key: 0,
                terms: &terms,
            };
            assert!(page.terms().is_none(), "{claimed}");
        }
    }

    #[test]
    fn base64_round_trips() {
        for n in 0..10 {
            let bytes: Vec<u8> = (0..n).map(|i| (i * 37 + 5) as u8).collect();
            assert_eq!(unbase64(&super::super::base64(&bytes)).unwrap(), bytes);
        }
    }
}
