//! One tokenizer for the index and for queries (its JavaScript twin is in
//! `themes/default/static/js/search.js`; `tests` below and the browser
//! test keep the two in step).
//!
//! - Text is NFKC-normalised (full-width `ＧｉｔＨｕｂ２０２３` is
//!   `github2023`) and lower-cased.
//! - A run of letters and digits of other scripts is one word (`5g`,
//!   `v`, `model`, `github`).
//! - A run of CJK characters gives its overlapping character pairs
//!   (`志愿服务` → 志愿 愿服 服务): a two-character word is always one
//!   term, whatever a dictionary would say, and a query split by spaces
//!   (`志愿 服务`) still finds the phrase.
//! - The first and the last character of every CJK run are indexed alone
//!   too, so that a query's single character next to a word (`2023年`)
//!   or alone in a run finds it.
//!
//! Chosen over a dictionary segmenter (jieba) because the index and every
//! query must cut the same way in two languages, and a dictionary would
//! have to ship to the browser; pairs need none.

use unicode_normalization::UnicodeNormalization;

/// Han ideographs (with extensions and compatibility forms), kana and
/// Hangul: scripts written without spaces.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF
        | 0xF900..=0xFAFF | 0x20000..=0x3134F)
}

fn is_word(c: char) -> bool {
    // ASCII first, and CJK before the Unicode tables: most of the text.
    c.is_ascii_alphanumeric() || (!c.is_ascii() && !is_cjk(c) && c.is_alphanumeric())
}

/// Normalised text: NFKC, lower case.
pub fn normalise(text: &str) -> String {
    text.nfkc().flat_map(char::to_lowercase).collect()
}

/// `normalise`, faster for Chinese text: its full-width ASCII forms
/// (`，：（２０２４）`) and ideographic spaces are the usual reason it is
/// not NFKC already. They are mapped to what NFKC makes of them; when the
/// result passes NFKC's quick check it is NFKC of the text (NFKC depends
/// only on the full decomposition, which the mapping keeps), and ASCII
/// upper case is lowered in place. Anything else takes `normalise`.
fn normalise_fast(text: &str) -> std::borrow::Cow<'_, str> {
    use std::borrow::Cow;
    use unicode_normalization::{is_nfkc_quick, IsNormalized};
    let mapped: Cow<str> = if text.chars().any(|c| narrow_lower(c) != c) {
        Cow::Owned(text.chars().map(narrow_lower).collect())
    } else {
        Cow::Borrowed(text)
    };
    // Characters NFKC keeps, that never combine, and have no case: ASCII
    // (lowered above), the unified ideographs and common Chinese marks.
    let plain = |c: char| {
        c.is_ascii() || matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}') || is_mark(c)
    };
    let lower = |c: char| {
        let mut l = c.to_lowercase();
        l.next() == Some(c) && l.next().is_none()
    };
    if mapped.chars().all(plain)
        || (is_nfkc_quick(mapped.chars()) == IsNormalized::Yes
            && mapped.chars().all(|c| plain(c) || lower(c)))
    {
        // Upper-case full-width letters were lowered after mapping: the
        // same as NFKC first, lower case after.
        mapped
    } else {
        Cow::Owned(normalise(text))
    }
}

/// A full-width form or the ideographic space as NFKC maps it, ASCII
/// lowered; any other character as it is.
fn narrow_lower(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from((c as u32 - 0xFEE0) as u8),
        _ => c,
    }
    .to_ascii_lowercase()
}

/// A term as a number: a CJK pair or a lone CJK character is its
/// characters; a word is a hash of it (`Key::word` keeps the text).
pub type Key = u64;
const PAIR: u64 = 1 << 62;
const LONE: u64 = 2 << 62;
const WORD: u64 = 3 << 62;
/// Bits 54 to 61 of every key are clear (a word's hash has 54 bits):
/// room for a weight beside a key.
pub const WEIGHT_SHIFT: u32 = 54;

/// The term a CJK key stands for; `None` for a word's.
pub fn key_text(k: Key) -> Option<String> {
    cjk_text(k).map(|t| t.as_str().to_string())
}

/// The text of a CJK key, held inline (a build asks for a million).
pub struct CjkText {
    bytes: [u8; 8],
    len: usize,
}

impl CjkText {
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..self.len]).expect("encoded characters")
    }
}

/// `key_text` without a `String`.
pub fn cjk_text(k: Key) -> Option<CjkText> {
    let ch = |n: u64| char::from_u32((n & 0x1F_FFFF) as u32);
    let chars = match k & (3 << 62) {
        PAIR => [Some(ch(k >> 21)?), Some(ch(k)?)],
        LONE => [Some(ch(k)?), None],
        _ => return None,
    };
    let mut t = CjkText {
        bytes: [0; 8],
        len: 0,
    };
    for c in chars.into_iter().flatten() {
        t.len += c.encode_utf8(&mut t.bytes[t.len..]).len();
    }
    Some(t)
}

/// A pair of unified ideographs (most terms) in four bytes, the first
/// with its top two bits clear: no key's first byte (big-endian) has
/// them, so a reader tells the two apart. Other keys take eight.
#[inline]
pub fn put_key(k: Key, out: &mut Vec<u8>) {
    let (a, b) = (
        ((k >> 21) & 0x1F_FFFF).wrapping_sub(0x4E00),
        (k & 0x1F_FFFF).wrapping_sub(0x4E00),
    );
    let short = k & (3 << 62) == PAIR && a < 0x8000 && b < 0x8000;
    // Eight bytes written either way and the short key's last four taken
    // back: no branch a page's mix of keys would mispredict.
    let v = if short { (a << 15 | b) << 32 } else { k };
    out.extend_from_slice(&v.to_be_bytes());
    out.truncate(out.len() - if short { 4 } else { 0 });
}

/// A key `put_key` wrote at the start of `b`, and its length.
#[inline]
pub fn get_key(b: &[u8]) -> Option<(Key, usize)> {
    if b.first()? >> 6 == 0 {
        let x = u64::from(u32::from_be_bytes(b.get(..4)?.try_into().ok()?));
        Some((
            PAIR | ((x >> 15) + 0x4E00) << 21 | ((x & 0x7FFF) + 0x4E00),
            4,
        ))
    } else {
        Some((u64::from_be_bytes(b.get(..8)?.try_into().ok()?), 8))
    }
}

/// The key of a term's text, as `index_keys` makes it: a pair or a lone
/// CJK character by its characters, anything else a word.
pub fn key_of(term: &str) -> Key {
    let mut c = term.chars();
    match (c.next(), c.next(), c.next()) {
        (Some(a), None, _) if is_cjk(a) => LONE | a as u64,
        (Some(a), Some(b), None) if is_cjk(a) && is_cjk(b) => PAIR | (a as u64) << 21 | b as u64,
        _ => word_key(term),
    }
}

fn word_key(w: &str) -> Key {
    WORD | (xxhash_rust::xxh3::xxh3_64(w.as_bytes()) >> (64 - WEIGHT_SHIFT))
}

/// Every term of an indexed text, as keys in text order (with repeats),
/// calling `word` with each word's key and text. The same terms as
/// `index_terms`, without a string for each: a build indexes millions.
///
/// Most text takes one pass that normalises each character as it cuts
/// (`cut_fast`); a text with a character whose NFKC form depends on its
/// neighbours, or that has case, is cut after `normalise_fast`.
pub fn index_keys(text: &str, out: &mut Vec<Key>, word: &mut dyn FnMut(Key, &str)) {
    let start = out.len();
    let mut buf = String::new();
    let mut words = Vec::new();
    let fast = cut_fast::<false>(
        text,
        &mut buf,
        &mut Capture::new(&mut String::new(), 0),
        &mut |k, w: Option<&str>| {
            out.push(k);
            if let Some(w) = w {
                words.push((k, w.to_string()));
            }
        },
    );
    if fast {
        for (k, w) in words {
            word(k, &w);
        }
    } else {
        out.truncate(start);
        keys_normalised(text, out, word);
    }
}

/// The terms of a page's sanitised HTML, as `index_keys` cuts the text
/// `text_of` takes out of it (tags, entities and white space are where
/// terms end), each handed to `emit` with a word's text, and the start
/// of that text, at least `limit` characters of it, appended to `text`:
/// one pass over the bytes. False, with some terms handed over, when the
/// text needs normalising first (the caller then cuts the text with
/// `index_keys`).
pub fn html_keys(
    html: &str,
    word: &mut String,
    text: &mut String,
    limit: usize,
    emit: &mut impl Sink,
) -> bool {
    // A character is at most four bytes: that many bytes hold `limit`
    // characters (copying a few more costs less than counting them).
    let bytes = limit.saturating_mul(4);
    cut_fast::<true>(html, word, &mut Capture::new(text, bytes), emit)
}

/// The text of the HTML as the cut passes it: raw text from `from` on is
/// appended when a tag, an entity or white space ends it; each run of
/// those is one space, owed in `space` until text follows (as `text_of`
/// makes it). Stops once `left` bytes are in.
struct Capture<'t> {
    out: &'t mut String,
    left: usize,
    space: bool,
    from: usize,
}

impl<'t> Capture<'t> {
    fn new(out: &'t mut String, left: usize) -> Self {
        Capture {
            out,
            left,
            space: false,
            from: 0,
        }
    }

    /// The raw text up to `to`, and what follows it in `html[to..next]`:
    /// a gap that is a space in the text, or an entity's character.
    #[inline]
    fn gap(&mut self, html: &str, to: usize, next: usize, ch: Option<&str>) {
        if self.left == 0 {
            return;
        }
        self.push(&html[self.from..to]);
        match ch {
            Some(c) if c != " " => self.push(c),
            _ => self.space = true,
        }
        self.from = next;
    }

    /// The raw text after the last gap.
    fn end(&mut self, html: &str) {
        if self.left > 0 {
            self.push(&html[self.from..]);
        }
    }

    fn push(&mut self, s: &str) {
        if s.is_empty() {
            return;
        }
        if self.space && !self.out.is_empty() {
            self.out.push(' ');
        }
        self.space = false;
        self.out.push_str(s);
        self.left = self.left.saturating_sub(s.len());
    }
}

/// Where a cut hands its terms: each key, with a word's text.
pub trait Sink {
    fn term(&mut self, key: Key, word: Option<&str>);
}

impl<F: FnMut(Key, Option<&str>)> Sink for F {
    fn term(&mut self, key: Key, word: Option<&str>) {
        self(key, word)
    }
}

/// An entity at the start of `s` (which starts with `&`): the character
/// it stands for and its length; a lone `&` when it is none of these.
pub fn entity(s: &str) -> (&'static str, usize) {
    let end = s.as_bytes()[..s.len().min(10)]
        .iter()
        .position(|&b| b == b';');
    match end.map(|e| &s[..=e]) {
        Some("&amp;") => ("&", 5),
        Some("&lt;") => ("<", 4),
        Some("&gt;") => (">", 4),
        Some("&quot;") => ("\"", 6),
        Some("&#39;") => ("'", 5),
        Some("&#x27;") => ("'", 6),
        Some("&nbsp;") => (" ", 6),
        _ => ("&", 1),
    }
}

/// Common Chinese marks: NFKC keeps them, they have no case and they are
/// neither word nor CJK characters (they end a run).
fn is_mark(c: char) -> bool {
    matches!(
        c,
        '、' | '。'
            | '《'
            | '》'
            | '〈'
            | '〉'
            | '「'
            | '」'
            | '『'
            | '』'
            | '【'
            | '】'
            | '“'
            | '”'
            | '‘'
            | '’'
            | '—'
            | '·'
    )
}

/// What a character is to the cut.
enum Class {
    /// Part of a word: the character as the word has it.
    Word(char),
    Cjk(u32),
    /// Ends a word and a run.
    Gap,
    /// A gap that is white space.
    Space,
}

/// `index_keys` in one pass over the bytes, normalising each character
/// on its own: the full-width forms and the ideographic space as NFKC
/// maps them, ASCII lowered, white space a gap. False (with some terms
/// handed over) at a character for which that is not NFKC and lower case
/// of the text: one that has case, that combines, or whose NFKC form is
/// not itself. `HTML`: tags and entities are gaps (every entity stands
/// for a character that is one), and the text goes to `capture`.
fn cut_fast<const HTML: bool>(
    text: &str,
    word: &mut String,
    capture: &mut Capture,
    emit: &mut impl Sink,
) -> bool {
    let b = text.as_bytes();
    // The CJK run: its first character and the one before this.
    let (mut first, mut prev) = (0u32, 0u32);
    word.clear();
    let mut i = 0;
    while i < b.len() {
        let (x, at) = (b[i], i);
        let class = if x < 0x80 {
            i += 1;
            if x.is_ascii_alphanumeric() {
                Class::Word(char::from(x.to_ascii_lowercase()))
            } else if HTML && x == b'<' {
                let end = memchr::memchr(b'>', &b[i..]).map_or(b.len(), |e| i + e + 1);
                capture.gap(text, i - 1, end, None);
                i = end;
                Class::Gap
            } else if HTML && x == b'&' {
                let (ch, len) = entity(&text[i - 1..]);
                capture.gap(text, i - 1, i - 1 + len, Some(ch));
                i += len - 1;
                Class::Gap
            } else if matches!(x, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r') {
                Class::Space
            } else {
                Class::Gap
            }
        } else if (0xE0..=0xEF).contains(&x) {
            // Three bytes, U+0800 to U+FFFF: the unified ideographs are
            // most of the text, and Chinese punctuation most of the rest.
            let c = three_bytes(b, i);
            if ideograph(c) {
                i += 3;
                Class::Cjk(c)
            } else if let Some(class) = punctuation(c) {
                i += 3;
                class
            } else {
                match slow_class(text, &mut i) {
                    Some(c) => c,
                    None => return false,
                }
            }
        } else {
            match slow_class(text, &mut i) {
                Some(c) => c,
                None => return false,
            }
        };
        match class {
            Class::Word(c) => {
                if first != 0 {
                    end_run(first, prev, emit);
                    first = 0;
                }
                word.push(c);
            }
            Class::Cjk(c) => {
                if !word.is_empty() {
                    emit.term(word_key(word), Some(word));
                    word.clear();
                }
                if first == 0 {
                    first = c;
                } else {
                    emit.term(PAIR | u64::from(prev) << 21 | u64::from(c), None);
                }
                prev = c;
                // The rest of the run (most of a page's text) in a loop of
                // its own: one test a character, no class to dispatch on.
                while b.get(i).is_some_and(|x| (0xE3..=0xE9).contains(x)) {
                    let c = three_bytes(b, i);
                    if !ideograph(c) {
                        break;
                    }
                    emit.term(PAIR | u64::from(prev) << 21 | u64::from(c), None);
                    prev = c;
                    i += 3;
                }
            }
            Class::Gap | Class::Space => {
                if HTML && matches!(class, Class::Space) {
                    capture.gap(text, at, i, None);
                }
                if !word.is_empty() {
                    emit.term(word_key(word), Some(word));
                    word.clear();
                }
                if first != 0 {
                    end_run(first, prev, emit);
                    first = 0;
                }
            }
        }
    }
    if !word.is_empty() {
        emit.term(word_key(word), Some(word));
        word.clear();
    }
    if first != 0 {
        end_run(first, prev, emit);
    }
    if HTML {
        capture.end(text);
    }
    return true;

    /// A CJK run ends with its first character alone, and its last when
    /// another.
    fn end_run(first: u32, last: u32, emit: &mut impl Sink) {
        emit.term(LONE | u64::from(first), None);
        if first != last {
            emit.term(LONE | u64::from(last), None);
        }
    }

    /// The character whose three-byte form starts at `b[i]`.
    #[inline(always)]
    fn three_bytes(b: &[u8], i: usize) -> u32 {
        (u32::from(b[i]) & 0x0F) << 12
            | (u32::from(b[i + 1]) & 0x3F) << 6
            | (u32::from(b[i + 2]) & 0x3F)
    }

    /// A unified ideograph (extension A too): most of the text.
    #[inline(always)]
    fn ideograph(c: u32) -> bool {
        matches!(c, 0x3400..=0x4DBF | 0x4E00..=0x9FFF)
    }

    /// `slow_class` of the ideographic space, the full-width forms and
    /// the common marks, without the tables.
    #[inline]
    fn punctuation(c: u32) -> Option<Class> {
        match c {
            0x3000 => Some(Class::Space),
            0xFF01..=0xFF5E => {
                let a = (c - 0xFEE0) as u8;
                Some(if a.is_ascii_alphanumeric() {
                    Class::Word(char::from(a.to_ascii_lowercase()))
                } else {
                    Class::Gap
                })
            }
            _ => char::from_u32(c)
                .filter(|&m| is_mark(m))
                .map(|_| Class::Gap),
        }
    }

    /// The class of the character at `i` (moved past it), normalised on
    /// its own; `None` when that is not its NFKC form in lower case.
    fn slow_class(text: &str, i: &mut usize) -> Option<Class> {
        use unicode_normalization::{char::canonical_combining_class, is_nfkc_quick, IsNormalized};
        let c = text[*i..].chars().next().expect("a character");
        *i += c.len_utf8();
        if c.is_whitespace() {
            return Some(Class::Space);
        }
        let c = narrow_lower(c);
        Some(if c.is_ascii() {
            if c.is_ascii_alphanumeric() {
                Class::Word(c)
            } else {
                Class::Gap
            }
        } else if is_mark(c) {
            Class::Gap
        } else {
            let mut lower = c.to_lowercase();
            let plain = lower.next() == Some(c)
                && lower.next().is_none()
                && canonical_combining_class(c) == 0
                && is_nfkc_quick(std::iter::once(c)) == IsNormalized::Yes;
            if !plain {
                return None;
            }
            if is_word(c) {
                Class::Word(c)
            } else if is_cjk(c) {
                Class::Cjk(c as u32)
            } else {
                Class::Gap
            }
        })
    }
}

/// `index_keys` on the text normalised first.
fn keys_normalised(text: &str, out: &mut Vec<Key>, word: &mut dyn FnMut(Key, &str)) {
    let normal = normalise_fast(text);
    let text: &str = &normal;
    let mut run_start: Option<(usize, char)> = None; // CJK run: start, first char
    let mut prev: Option<char> = None; // previous CJK char of the run
    let mut word_start: Option<usize> = None;
    let end_run = |prev: Option<char>, start: Option<(usize, char)>, out: &mut Vec<Key>| {
        if let (Some((_, first)), Some(last)) = (start, prev) {
            out.push(LONE | first as u64);
            if first as u64 != last as u64 || out.last() != Some(&(LONE | last as u64)) {
                out.push(LONE | last as u64);
            }
        }
    };
    for (i, c) in text.char_indices() {
        if is_word(c) {
            if run_start.is_some() {
                end_run(prev, run_start, out);
                run_start = None;
                prev = None;
            }
            word_start.get_or_insert(i);
            continue;
        }
        if let Some(ws) = word_start.take() {
            let w = &text[ws..i];
            let k = word_key(w);
            word(k, w);
            out.push(k);
        }
        if is_cjk(c) {
            match prev {
                Some(p) => out.push(PAIR | (p as u64) << 21 | c as u64),
                None => run_start = Some((i, c)),
            }
            prev = Some(c);
        } else if run_start.is_some() {
            end_run(prev, run_start, out);
            run_start = None;
            prev = None;
        }
    }
    if let Some(ws) = word_start {
        let w = &text[ws..];
        let k = word_key(w);
        word(k, w);
        out.push(k);
    }
    end_run(prev, run_start, out);
}

/// What a query or a text is made of: terms in order, each with the
/// position of its first character (in chars of the normalised text) and
/// whether it stands alone (a single CJK character of a run).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub term: String,
    pub pos: usize,
}

/// The terms of an indexed text, in order (with repeats).
pub fn index_terms(text: &str) -> Vec<Token> {
    terms(&normalise(text), true)
}

/// The terms of a query, in order, without repeats.
pub fn query_terms(query: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in terms(&normalise(query), false) {
        if !out.contains(&t.term) {
            out.push(t.term);
        }
    }
    out
}

/// `edges`: also the first and last character of every CJK run (the
/// index); a query gives a single character only for a run of one.
fn terms(text: &str, edges: bool) -> Vec<Token> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if is_word(c) {
            let start = i;
            while i < chars.len() && is_word(chars[i]) {
                i += 1;
            }
            out.push(Token {
                term: chars[start..i].iter().collect(),
                pos: start,
            });
        } else if is_cjk(c) {
            let start = i;
            while i < chars.len() && is_cjk(chars[i]) {
                i += 1;
            }
            let run = &chars[start..i];
            if run.len() == 1 || edges {
                out.push(Token {
                    term: run[0].to_string(),
                    pos: start,
                });
            }
            for k in 0..run.len().saturating_sub(1) {
                out.push(Token {
                    term: run[k..k + 2].iter().collect(),
                    pos: start + k,
                });
            }
            if edges && run.len() > 1 {
                out.push(Token {
                    term: run[run.len() - 1].to_string(),
                    pos: i - 1,
                });
            }
        } else {
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Vec<String> {
        query_terms(s)
    }

    #[test]
    fn queries_cut_into_pairs_words_and_lone_characters() {
        assert_eq!(q("双减"), ["双减"]);
        assert_eq!(q("志愿服务 安阳"), ["志愿", "愿服", "服务", "安阳"]);
        assert_eq!(q("2023年"), ["2023", "年"]);
        assert_eq!(q("「四化」支部"), ["四化", "支部"]);
        assert_eq!(q("5G"), ["5g"]);
        assert_eq!(q("v-model 修饰符"), ["v", "model", "修饰", "饰符"]);
        assert_eq!(q("ＧｉｔＨｕｂ Pages 部署"), ["github", "pages", "部署"]);
        assert_eq!(q("党"), ["党"]);
    }

    #[test]
    fn keys_are_the_same_terms_as_strings() {
        let text = "2023年，学校推进“双减”落地；GitHub Pages 部署。党 v-model ＡＢ";
        let mut keys = Vec::new();
        let mut words = std::collections::HashMap::new();
        index_keys(text, &mut keys, &mut |k, w| {
            words.insert(k, w.to_string());
        });
        let mut from_keys: Vec<String> = keys
            .iter()
            .map(|k| key_text(*k).unwrap_or_else(|| words[k].clone()))
            .collect();
        let mut from_strings: Vec<String> = index_terms(text).into_iter().map(|t| t.term).collect();
        for (k, t) in keys.iter().zip(&from_keys) {
            assert_eq!(key_of(t), *k, "{t}");
        }
        from_keys.sort();
        from_strings.sort();
        assert_eq!(from_keys, from_strings);
    }

    /// A text's keys, and its words with their keys.
    type Cut = (Vec<Key>, Vec<(Key, String)>);

    /// A text cut by the one pass (`None` when it declines) and after
    /// normalising.
    fn both_cuts(text: &str) -> (Option<Cut>, Cut) {
        let (mut keys, mut found) = (Vec::new(), Vec::new());
        let fast = cut_fast::<false>(
            text,
            &mut String::new(),
            &mut Capture::new(&mut String::new(), 0),
            &mut |k, w: Option<&str>| {
                keys.push(k);
                if let Some(w) = w {
                    found.push((k, w.to_string()));
                }
            },
        )
        .then_some((keys, found));
        let (mut keys, mut found) = (Vec::new(), Vec::new());
        keys_normalised(text, &mut keys, &mut |k, w| found.push((k, w.to_string())));
        (fast, (keys, found))
    }

    #[test]
    fn no_key_uses_the_weight_bits() {
        // The tally keeps a term's weight in them.
        let mut seed = 0x1234_5678_9abc_def1u64;
        let mut terms = vec!["党建".to_string(), "党".to_string(), "𠀀𠀁".to_string()];
        for _ in 0..5000 {
            let n = crate::search::next_random(&mut seed);
            terms.push(format!("w{n:x}"));
            terms.push(
                char::from_u32((n % 0x10FFFF) as u32).map_or(String::new(), |c| c.to_string()),
            );
        }
        for t in terms {
            assert_eq!(key_of(&t) >> WEIGHT_SHIFT & 0xFF, 0, "{t:?}");
        }
    }

    #[test]
    fn keys_are_read_back_as_written() {
        let mut keys: Vec<Key> = [
            "党建",
            "一丁",
            "龥龥",
            "\u{cdff}\u{4e00}",
            "\u{ce00}党",
            "𠀀建",
            "a党",
            "党",
            "𠀀",
            "v",
            "model",
            "2023",
        ]
        .iter()
        .map(|t| key_of(t))
        .collect();
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..1000 {
            crate::search::next_random(&mut seed);
            let c = |n: u64| 0x3400 + n % 0xA000;
            keys.push(PAIR | c(seed) << 21 | c(seed >> 20));
            keys.push(WORD | seed >> 2);
        }
        let mut bytes = Vec::new();
        for &k in &keys {
            put_key(k, &mut bytes);
        }
        let mut at = 0;
        for &k in &keys {
            let (got, len) = get_key(&bytes[at..]).expect("a key");
            assert_eq!(got, k, "{:?}", key_text(k));
            at += len;
        }
        assert_eq!(at, bytes.len());
        // Pairs of common characters take four bytes.
        let mut one = Vec::new();
        put_key(key_of("党建"), &mut one);
        assert_eq!(one.len(), 4);
    }

    #[test]
    fn the_one_pass_cut_is_the_cut_of_the_normalised_text() {
        // Chinese text with full-width forms takes the one pass.
        let text = "２０２４年，学校（ＧｉｔＨｕｂ）推进　“双减”：ＡＢＣ ａｂｃ 党建·引领—「四化」支部 Ｖ－ｍｏｄｅｌ";
        let (fast, slow) = both_cuts(text);
        assert_eq!(fast.as_ref(), Some(&slow), "{text}");
        // Random mixes of what needs normalising and what does not: the
        // one pass either declines or cuts as the normalised text.
        let pool: Vec<char> =
            "党建双减ＡａＺ１，。　 Az9-—·「」éÉe\u{301}…ﬁか\u{3099}ゟ한ßİΣσ①㍿“\n豈𠀀xﾊﾟ５Ｇ"
                .chars()
                .collect();
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut declined = 0;
        for _ in 0..20_000 {
            crate::search::next_random(&mut seed);
            let len = (seed % 9) as usize;
            let text: String = (0..len)
                .map(|k| pool[((seed >> (6 * k + 8)) % pool.len() as u64) as usize])
                .collect();
            let (fast, slow) = both_cuts(&text);
            match fast {
                Some(fast) => assert_eq!(fast, slow, "{text:?}"),
                None => declined += 1,
            }
        }
        assert!((1000..19_000).contains(&declined), "{declined}");
        // Every character of the blocks the punctuation shortcut reads,
        // between words and ideographs.
        for c in (0x2000..=0x206F)
            .chain(0x3000..=0x303F)
            .chain(0xFF00..=0xFF65)
        {
            let c = char::from_u32(c).expect("no surrogates here");
            let text = format!("党{c}建 a{c}b {c}");
            let (fast, slow) = both_cuts(&text);
            if let Some(fast) = fast {
                assert_eq!(fast, slow, "{text:?}");
            }
        }
    }

    #[test]
    fn the_fast_normalisation_is_nfkc_and_lower_case() {
        for text in [
            "２０２４年，学校（ＧｉｔＨｕｂ）推进　“双减”：ＡＢＣ ａｂｃ",
            "Ａ\u{301} e\u{301} Ｅ\u{301}，",
            "ÀÉ ＡＢ Straße ΣΑΣ",
            "豈更 ㍿ ① ﬁ …",
            "か\u{3099} ゟ ヿ ﾊﾟ ǅ ᾈ İ",
            "党建引领，红烛先锋。",
            "mixed ASCII Text, 123",
            "",
        ] {
            assert_eq!(normalise_fast(text), normalise(text), "{text}");
        }
    }

    #[test]
    fn every_query_term_of_a_phrase_is_in_its_text() {
        let text: Vec<String> =
            index_terms("2023年，学校推进“双减”落地；GitHub Pages 部署；志愿服务进社区")
                .into_iter()
                .map(|t| t.term)
                .collect();
        for query in [
            "2023年",
            "双减",
            "github pages 部署",
            "志愿 服务",
            "服务",
            "年",
            "社区",
        ] {
            for t in q(query) {
                assert!(text.contains(&t), "{query}: {t} not in {text:?}");
            }
        }
    }
}
