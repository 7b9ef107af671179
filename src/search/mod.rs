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
//!   start of its text, for the results and their snippets.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::model::Kind;
use crate::resolve::Resolved;

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

/// The index's files: output path (relative to the output root) → bytes.
pub type Files = BTreeMap<String, Vec<u8>>;

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

/// The text of sanitised HTML: tags dropped, entities decoded, block ends
/// as spaces.
pub fn text_of(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut rest = html;
    while let Some(i) = rest.find(['<', '&']) {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        if rest.starts_with('<') {
            let end = rest.find('>').map_or(rest.len(), |e| e + 1);
            out.push(' ');
            rest = &rest[end..];
        } else {
            let end = rest.as_bytes()[..rest.len().min(10)]
                .iter()
                .position(|&b| b == b';');
            let (ch, len) = match end.map(|e| &rest[..=e]) {
                Some("&amp;") => ("&", 5),
                Some("&lt;") => ("<", 4),
                Some("&gt;") => (">", 4),
                Some("&quot;") => ("\"", 6),
                Some("&#39;") | Some("&#x27;") => ("'", end.unwrap() + 1),
                Some("&nbsp;") => (" ", 6),
                _ => ("&", 1),
            };
            out.push_str(ch);
            rest = &rest[len..];
        }
    }
    out.push_str(rest);
    let mut squeezed = String::with_capacity(out.len());
    let mut space = true;
    for c in out.chars() {
        if c.is_whitespace() {
            if !space {
                squeezed.push(' ');
            }
            space = true;
        } else {
            squeezed.push(c);
            space = false;
        }
    }
    squeezed.trim_end().to_string()
}

fn js_string(s: &str) -> String {
    // JSON is a JavaScript literal; `</` is broken so no text ends a script.
    serde_json::to_string(s)
        .unwrap_or_default()
        .replace("</", "<\\/")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

fn push_varint(out: &mut Vec<u8>, mut n: u32) {
    while n >= 0x80 {
        out.push((n as u8 & 0x7F) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
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
    out
}

/// One page as the index sees it.
pub struct Entry {
    /// Term → weight byte, sorted by term.
    terms: Vec<(tokenize::Key, u8)>,
    /// The words among them, with their text.
    words: Vec<(tokenize::Key, String)>,
    fragment: String,
    kind: usize,
    year: i32,
    district: usize,
}

/// A term's postings as they are encoded: (page number delta, weight),
/// and the term's hash (which shard it goes to).
#[derive(Default)]
struct Postings {
    last: u32,
    bytes: Vec<u8>,
    hash: u32,
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
const VERSION: u32 = 1;

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
        let tmp = root.join(format!(".building-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&tmp);
        std::fs::create_dir_all(tmp.join("s"))?;
        std::fs::create_dir_all(tmp.join("f"))?;
        let made = build_into(site, body, &mut |path, bytes| {
            std::fs::write(tmp.join(path), bytes)
        })
        .and_then(|()| std::fs::write(tmp.join(COMPLETE), b""));
        if let Err(e) = made {
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(e);
        }
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::rename(&tmp, &dir)?;
        // Older indexes are not needed again.
        for e in std::fs::read_dir(&root)?.flatten() {
            if e.file_name() != std::ffi::OsStr::new(&key) {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
    let mut files = Vec::new();
    for e in walkdir::WalkDir::new(&dir).sort_by_file_name() {
        use std::os::unix::fs::MetadataExt;
        let e = e.map_err(std::io::Error::other)?;
        if !e.file_type().is_file() || e.file_name() == COMPLETE {
            continue;
        }
        let rel = crate::load::rel_string(e.path().strip_prefix(&dir).unwrap_or(e.path()));
        let ident = e.metadata().ok().map(|m| (m.dev(), m.ino()));
        files.push(Cached {
            out: format!("{DIR}{rel}"),
            path: e.into_path(),
            ident,
        });
    }
    Ok(files)
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
/// text of every page.
const CHUNK: usize = 2048;

/// Build the index, handing each file (path relative to the index's
/// folder, bytes) to `out` as soon as it is made.
pub fn build_into(
    site: &Resolved,
    body: &(dyn Fn(usize) -> std::sync::Arc<str> + Sync),
    out: &mut dyn FnMut(&str, Vec<u8>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    use rayon::prelude::*;
    let districts = districts(site);
    let mut asm = Assembler::default();
    for chunk in site.by_date.chunks(CHUNK) {
        let entries: Vec<Entry> = chunk
            .par_iter()
            .map(|&i| entry(site, i, &body(i), &districts))
            .collect();
        for e in &entries {
            asm.add(e, out)?;
        }
    }
    asm.finish(site, &districts, out)
}

/// The districts of the pages, sorted (the page table numbers them).
fn districts(site: &Resolved) -> Vec<String> {
    let mut d: Vec<String> = site
        .pages
        .iter()
        .filter_map(|p| p.district.clone())
        .collect();
    d.sort();
    d.dedup();
    d
}

/// The preview's index: each page's part is kept between edits and made
/// again only for a page whose text or joins changed; the files are then
/// put together from the parts (no page is read or cut again).
#[derive(Default)]
pub struct Incremental {
    parts: std::collections::HashMap<String, (u64, std::sync::Arc<Entry>)>,
}

impl Incremental {
    pub fn build(
        &mut self,
        site: &Resolved,
        body: &(dyn Fn(usize) -> std::sync::Arc<str> + Sync),
    ) -> Files {
        use rayon::prelude::*;
        let districts = districts(site);
        let keys: Vec<u64> = site
            .by_date
            .iter()
            .map(|&i| page_key(site, i, &districts))
            .collect();
        let missing: Vec<(usize, u64)> = site
            .by_date
            .iter()
            .zip(&keys)
            .filter(|(i, k)| {
                self.parts
                    .get(&site.pages[**i].path)
                    .is_none_or(|(old, _)| old != *k)
            })
            .map(|(i, k)| (*i, *k))
            .collect();
        let made: Vec<(String, u64, std::sync::Arc<Entry>)> = missing
            .par_iter()
            .map(|&(i, k)| {
                let e = entry(site, i, &body(i), &districts);
                (site.pages[i].path.clone(), k, std::sync::Arc::new(e))
            })
            .collect();
        for (path, k, e) in made {
            self.parts.insert(path, (k, e));
        }
        let live: std::collections::HashSet<&str> =
            site.pages.iter().map(|p| p.path.as_str()).collect();
        self.parts.retain(|p, _| live.contains(p.as_str()));
        let mut files = Files::new();
        let mut put = |path: &str, bytes: Vec<u8>| {
            files.insert(format!("{DIR}{path}"), bytes);
            Ok(())
        };
        let mut asm = Assembler::default();
        for &i in &site.by_date {
            let e = self.parts[&site.pages[i].path].1.clone();
            asm.add(&e, &mut put).expect("memory");
        }
        asm.finish(site, &districts, &mut put).expect("memory");
        files
    }
}

/// What page `i`'s part of the index depends on.
fn page_key(site: &Resolved, i: usize, districts: &[String]) -> u64 {
    use std::hash::Hasher;
    let p = &site.pages[i];
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    h.write_u64(p.rendered.fingerprint);
    h.write(p.path.as_bytes());
    h.write(p.kind.name().as_bytes());
    h.write_i32(p.year.unwrap_or(0));
    h.write(p.district.as_deref().unwrap_or("").as_bytes());
    h.write_usize(districts.len());
    h.write(p.school.as_ref().map_or("", |s| s.name.as_str()).as_bytes());
    for t in &site.measures {
        h.write(t.name.as_bytes());
    }
    h.digest()
}

/// Puts the index's files together from the pages' parts, in page order.
#[derive(Default)]
struct Assembler {
    /// Postings by term, pages newest first, with the term's hash.
    postings: std::collections::HashMap<tokenize::Key, Postings>,
    words: std::collections::HashMap<tokenize::Key, String>,
    docs: String,
    years: Vec<i32>,
    n: u32,
}

impl Assembler {
    fn add(
        &mut self,
        e: &Entry,
        out: &mut dyn FnMut(&str, Vec<u8>) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        let n = self.n;
        self.n += 1;
        for (key, w) in &e.words {
            self.words.entry(*key).or_insert_with(|| w.clone());
        }
        for &(key, w) in &e.terms {
            let words = &self.words;
            let p = self.postings.entry(key).or_insert_with(|| Postings {
                hash: tokenize::key_text(key)
                    .as_deref()
                    .or_else(|| words.get(&key).map(String::as_str))
                    .map_or(0, term_hash),
                ..Default::default()
            });
            let delta = if p.bytes.is_empty() { n } else { n - p.last };
            push_varint(&mut p.bytes, delta);
            p.bytes.push(w);
            p.last = n;
        }
        out(
            &format!("f/{n}.js"),
            format!("EXS.f({n},{});\n", e.fragment).into_bytes(),
        )?;
        if n > 0 {
            self.docs.push(';');
        }
        let _ = write!(self.docs, "{},{},{}", e.kind, e.year, e.district);
        if e.year > 0 {
            self.years.push(e.year);
        }
        Ok(())
    }

    fn finish(
        mut self,
        site: &Resolved,
        districts: &[String],
        out: &mut dyn FnMut(&str, Vec<u8>) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        use rayon::prelude::*;
        out(
            "docs.js",
            format!("EXS.d(\"{}\");\n", self.docs).into_bytes(),
        )?;
        let total: usize = self
            .postings
            .values()
            .map(|p| p.bytes.len() * 4 / 3 + 12)
            .sum();
        let shards = shard_count(total);
        let mut by_shard: Vec<Vec<tokenize::Key>> = vec![Vec::new(); shards];
        for (k, p) in &self.postings {
            by_shard[p.hash as usize % shards].push(*k);
        }
        let words = &self.words;
        let postings = &self.postings;
        let text_of_key = |k: tokenize::Key| {
            tokenize::key_text(k).unwrap_or_else(|| words.get(&k).cloned().unwrap_or_default())
        };
        for (start, group) in by_shard.chunks(256).enumerate() {
            let made: Vec<(usize, String)> = group
                .par_iter()
                .enumerate()
                .map(|(j, keys)| {
                    let mut terms: Vec<(String, &Postings)> = keys
                        .iter()
                        .map(|k| (text_of_key(*k), &postings[k]))
                        .collect();
                    terms.sort_by(|a, b| a.0.cmp(&b.0));
                    let s = start * 256 + j;
                    let mut js = format!("EXS.s({s},{{");
                    for (t, (term, p)) in terms.iter().enumerate() {
                        if t > 0 {
                            js.push(',');
                        }
                        let _ = write!(js, "{}:\"{}\"", js_string(term), base64(&p.bytes));
                    }
                    js.push_str("});\n");
                    (s, js)
                })
                .collect();
            for (s, js) in made {
                out(&format!("s/{s}.js"), js.into_bytes())?;
            }
        }
        let mut schools: Vec<&str> = site
            .pages
            .iter()
            .filter_map(|p| p.school.as_ref().map(|s| s.name.as_str()))
            .collect();
        schools.sort_unstable();
        schools.dedup();
        let list = |v: &mut dyn Iterator<Item = String>| v.collect::<Vec<_>>().join(",");
        self.years.sort_unstable_by(|a, b| b.cmp(a));
        self.years.dedup();
        let meta = format!(
            "EXS.m({{\"v\":1,\"n\":{},\"shards\":{shards},\"kinds\":[{}],\"years\":[{}],\"districts\":[{}],\"schools\":[{}]}});\n",
            self.n,
            list(&mut Kind::ALL.iter().map(|k| format!("[{},{}]", js_string(k.name()), js_string(if *k == Kind::Page { "" } else { k.label() })))),
            list(&mut self.years.iter().map(i32::to_string)),
            list(&mut districts.iter().map(|d| js_string(d))),
            list(&mut schools.iter().map(|s| js_string(s))),
        );
        out("meta.js", meta.into_bytes())
    }
}

/// Page `i` as the index sees it.
fn entry(site: &Resolved, i: usize, html: &str, districts: &[String]) -> Entry {
    let kinds = Kind::ALL;
    use std::collections::HashMap;
    let p = &site.pages[i];
    let h = &p.doc.header;
    let text = text_of(html);
    let mut weights: HashMap<tokenize::Key, u8> = HashMap::with_capacity(1024);
    let mut words: HashMap<tokenize::Key, String> = HashMap::new();
    let mut keys: Vec<tokenize::Key> = Vec::with_capacity(text.len() / 2);
    let mut mark = |s: &str, bit: u8| {
        keys.clear();
        tokenize::index_keys(s, &mut keys, &mut |k, w| {
            words.entry(k).or_insert_with(|| w.to_string());
        });
        for k in &keys {
            let w = weights.entry(*k).or_insert(0);
            if bit == 0 {
                if *w & TF_MASK < TF_MASK {
                    *w += 1;
                }
            } else {
                *w |= bit;
            }
        }
    };
    mark(p.title(), IN_TITLE);
    for s in [
        p.school.as_ref().map(|s| s.name.as_str()),
        h.brand.as_deref(),
        h.slogan.as_deref(),
        h.subject.as_deref(),
    ]
    .into_iter()
    .flatten()
    {
        mark(s, IN_NAME);
    }
    for s in h.tags.iter().chain(p.district.iter()) {
        mark(s, IN_LABELS);
    }
    for m in &h.measures {
        let id = m.to_string();
        if let Some(t) = site.measures.iter().find(|t| t.slug == id) {
            mark(&t.name, IN_LABELS);
        }
    }
    mark(p.kind.label(), IN_LABELS);
    mark(p.summary(), 0);
    mark(&text, 0);
    let mut terms: Vec<(tokenize::Key, u8)> = weights.into_iter().collect();
    terms.sort_unstable();
    let date = p
        .date
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default();
    let school = p.school.as_ref().map(|s| s.name.as_str()).unwrap_or("");
    let start: String = text.chars().take(FRAGMENT_CHARS).collect();
    let fragment = format!(
        "{{\"t\":{},\"u\":{},\"k\":{},\"s\":{},\"y\":{},\"d\":{},\"dt\":{},\"m\":{},\"x\":{}}}",
        js_string(p.title()),
        js_string(p.path.trim_start_matches('/')),
        js_string(if p.kind == Kind::Page {
            ""
        } else {
            p.kind.label()
        }),
        js_string(school),
        p.year.unwrap_or(0),
        js_string(p.district.as_deref().unwrap_or("")),
        js_string(&date),
        js_string(p.summary()),
        js_string(&start)
    );
    Entry {
        terms,
        words: words.into_iter().collect(),
        fragment,
        kind: kinds.iter().position(|k| *k == p.kind).unwrap_or(0),
        year: p.year.unwrap_or(0),
        district: p
            .district
            .as_ref()
            .and_then(|d| districts.binary_search(d).ok())
            .map_or(0, |x| x + 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_of_html_keeps_words_apart_and_decodes_entities() {
        assert_eq!(
            text_of("<h2 id=\"a\">标题</h2>\n<p>甲&amp;乙 &lt;丙&gt;<br>丁</p>"),
            "标题 甲&乙 <丙> 丁"
        );
    }

    #[test]
    fn hashes_and_encodings_match_what_the_browser_computes() {
        // FNV-1a of "党建" (UTF-8), as search.js computes it.
        assert_eq!(term_hash(""), 0x811c9dc5);
        assert_eq!(term_hash("a"), 0xe40c292c);
        assert_eq!(base64(b"Man"), "TWFu");
        assert_eq!(base64(b"Ma"), "TWE=");
        let mut v = Vec::new();
        push_varint(&mut v, 300);
        assert_eq!(v, [0xAC, 0x02]);
    }
}
