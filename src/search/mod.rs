//! The search index: a stage after bodies. Every published page's title,
//! summary, body text, kind, school, district, year, tags and measures go
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

use crate::config::Urls;
use crate::model::Kind;
use crate::resolve::Resolved;

pub mod tokenize;

/// Where the index lives in the output.
pub const DIR: &str = "search/index/";
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
struct Entry {
    /// Term → weight byte.
    terms: BTreeMap<String, u8>,
    fragment: String,
    kind: usize,
    year: i32,
    district: usize,
}

/// Build the index of `site`'s pages; `body(i)` gives page i's HTML.
pub fn build(
    site: &Resolved,
    _urls: &Urls,
    body: &(dyn Fn(usize) -> std::sync::Arc<str> + Sync),
) -> Files {
    use rayon::prelude::*;
    let order: Vec<usize> = site.by_date.clone();
    let kinds: Vec<Kind> = Kind::ALL.to_vec();
    let mut districts: Vec<String> = order
        .iter()
        .filter_map(|&i| site.pages[i].district.clone())
        .collect();
    districts.sort();
    districts.dedup();
    let entries: Vec<Entry> = order
        .par_iter()
        .map(|&i| {
            let p = &site.pages[i];
            let h = &p.doc.header;
            let text = text_of(&body(i));
            let mut terms: BTreeMap<String, u8> = BTreeMap::new();
            let mut mark = |s: &str, bit: u8| {
                for t in tokenize::index_terms(s) {
                    let w = terms.entry(t.term).or_insert(0);
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
            mark(p.kind.label(), IN_LABELS);
            mark(p.summary(), 0);
            mark(&text, 0);
            let date = p.date.map(|d| crate::render::context::day(&d)).unwrap_or_default();
            let school = p.school.as_ref().map(|s| s.name.as_str()).unwrap_or("");
            let start: String = text.chars().take(FRAGMENT_CHARS).collect();
            let fragment = format!(
                "{{\"t\":{},\"u\":{},\"k\":{},\"s\":{},\"y\":{},\"d\":{},\"dt\":{},\"m\":{},\"x\":{}}}",
                js_string(p.title()),
                js_string(p.path.trim_start_matches('/')),
                js_string(if p.kind == Kind::Page { "" } else { p.kind.label() }),
                js_string(school),
                p.year.unwrap_or(0),
                js_string(p.district.as_deref().unwrap_or("")),
                js_string(&date),
                js_string(p.summary()),
                js_string(&start)
            );
            Entry {
                terms,
                fragment,
                kind: kinds.iter().position(|k| *k == p.kind).unwrap_or(0),
                year: p.year.unwrap_or(0),
                district: p
                    .district
                    .as_ref()
                    .and_then(|d| districts.binary_search(d).ok())
                    .map_or(0, |x| x + 1),
            }
        })
        .collect();
    // Postings, by term: (page number, weight), page numbers ascending.
    let mut postings: BTreeMap<&str, Vec<(u32, u8)>> = BTreeMap::new();
    for (n, e) in entries.iter().enumerate() {
        for (t, w) in &e.terms {
            postings.entry(t.as_str()).or_default().push((n as u32, *w));
        }
    }
    let encoded: Vec<(&str, String)> = postings
        .iter()
        .map(|(term, list)| {
            let mut bytes = Vec::with_capacity(list.len() * 2);
            let mut last = 0u32;
            for (k, (n, w)) in list.iter().enumerate() {
                push_varint(&mut bytes, if k == 0 { *n } else { n - last });
                bytes.push(*w);
                last = *n;
            }
            (*term, base64(&bytes))
        })
        .collect();
    let total: usize = encoded.iter().map(|(t, d)| t.len() + d.len() + 4).sum();
    let shards = shard_count(total);
    let mut shard_terms: Vec<Vec<(&str, String)>> = vec![Vec::new(); shards];
    for (term, data) in encoded {
        shard_terms[term_hash(term) as usize % shards].push((term, data));
    }
    let mut files = Files::new();
    for (s, terms) in shard_terms.iter().enumerate() {
        let mut js = format!("EXS.s({s},{{");
        for (k, (term, data)) in terms.iter().enumerate() {
            if k > 0 {
                js.push(',');
            }
            let _ = write!(js, "{}:\"{data}\"", js_string(term));
        }
        js.push_str("});\n");
        files.insert(format!("{DIR}s/{s}.js"), js.into_bytes());
    }
    for (n, e) in entries.iter().enumerate() {
        files.insert(
            format!("{DIR}f/{n}.js"),
            format!("EXS.f({n},{});\n", e.fragment).into_bytes(),
        );
    }
    let mut docs = String::from("EXS.d(\"");
    for (n, e) in entries.iter().enumerate() {
        if n > 0 {
            docs.push(';');
        }
        let _ = write!(docs, "{},{},{}", e.kind, e.year, e.district);
    }
    docs.push_str("\");\n");
    files.insert(format!("{DIR}docs.js"), docs.into_bytes());
    let mut schools: Vec<&str> = site
        .pages
        .iter()
        .filter_map(|p| p.school.as_ref().map(|s| s.name.as_str()))
        .collect();
    schools.sort_unstable();
    schools.dedup();
    let list = |v: &mut dyn Iterator<Item = String>| v.collect::<Vec<_>>().join(",");
    let mut years: Vec<i32> = entries.iter().map(|e| e.year).filter(|y| *y > 0).collect();
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();
    let meta = format!(
        "EXS.m({{\"v\":1,\"n\":{},\"shards\":{shards},\"kinds\":[{}],\"years\":[{}],\"districts\":[{}],\"schools\":[{}]}});\n",
        entries.len(),
        list(&mut kinds.iter().map(|k| format!("[{},{}]", js_string(k.name()), js_string(if *k == Kind::Page { "" } else { k.label() })))),
        list(&mut years.iter().map(i32::to_string)),
        list(&mut districts.iter().map(|d| js_string(d))),
        list(&mut schools.iter().map(|s| js_string(s))),
    );
    files.insert(format!("{DIR}meta.js"), meta.into_bytes());
    files
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
