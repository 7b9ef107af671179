//! Content diagnostics: every problem a contributor can cause is a
//! `Diagnostic` naming the file (relative to the site root), the line and
//! column, what is wrong and how to fix it. Stages collect them instead of
//! stopping at the first one; the command layer prints them all together
//! with `annotate-snippets` (chosen over miette because it renders plain,
//! deterministic text that reads the same in a terminal, a CI log and a test).

use std::cell::Cell;
use std::fmt;

/// Stable codes of build errors. `check` reports them with its own codes
/// (E0xx, W0xx, I0xx), so every problem a contributor can cause has one.
pub mod codes {
    /// A file cannot be read or is not UTF-8.
    pub const UNREADABLE: &str = "E100";
    /// Empty file, no header, or a header without its closing `---`.
    pub const HEADER_SHAPE: &str = "E101";
    /// YAML syntax error or tab indentation.
    pub const YAML_SYNTAX: &str = "E102";
    /// YAML anchors/aliases in a header, or a header or YAML file too large.
    pub const YAML_LIMIT: &str = "E103";
    /// Unknown key in a header, site.yaml or data/.
    pub const UNKNOWN_KEY: &str = "E104";
    /// A value of the wrong type, form or range.
    pub const BAD_VALUE: &str = "E105";
    /// The header has no title.
    pub const NO_TITLE: &str = "E106";
    /// A key that belongs to another kind of page.
    pub const OTHER_KIND_KEY: &str = "E107";
    /// `school:` names no registered school.
    pub const UNKNOWN_SCHOOL: &str = "E110";
    /// `measures:` names no measure of data/measures.yaml.
    pub const UNKNOWN_MEASURE: &str = "E111";
    /// A clean-school page's tier disagrees with data/schools.yaml.
    pub const TIER_MISMATCH: &str = "E114";
    /// `template:` names no template.
    pub const UNKNOWN_TEMPLATE: &str = "E112";
    /// A template does not compile or fails to render.
    pub const TEMPLATE: &str = "E113";
    /// An output path (slug, alias, file name) that is empty or leaves the output.
    pub const BAD_PATH: &str = "E120";
    /// Two outputs on one path.
    pub const COLLISION: &str = "E121";
    /// A link to a page or file the site does not have.
    pub const BROKEN_LINK: &str = "E130";
    /// An image, cover or file that does not exist.
    pub const MISSING_FILE: &str = "E131";
    /// A setting in site.yaml.
    pub const SITE_SETTING: &str = "E140";
    /// An entry of data/schools.yaml or data/measures.yaml.
    pub const REGISTRY: &str = "E141";
    /// The theme or its UI strings.
    pub const THEME: &str = "E142";
    /// An image that cannot be processed (corrupt, too large, unsupported).
    pub const IMAGE: &str = "E132";
    /// Writing the output failed.
    pub const WRITE: &str = "E150";
    /// A content file was saved while a build was reading it.
    pub const CHANGED_DURING_BUILD: &str = "E151";
    /// Published without review (`check.require_review`).
    pub const REVIEW: &str = "E060";
    /// More findings of one code in one file than are listed.
    pub const MORE: &str = "I099";
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// Path relative to the site root, always with `/` separators.
    pub file: String,
    /// 1-based; 0 when the problem concerns the file as a whole.
    pub line: usize,
    /// 1-based, counted in characters.
    pub col: usize,
    /// How many characters the problem spans (at least 1).
    pub len: usize,
    pub message: String,
    pub hint: Option<String>,
    /// A bounded piece of the offending line, for the snippet.
    pub excerpt: Option<Excerpt>,
    /// Stable code (see `codes`).
    pub code: &'static str,
}

/// At most this many characters of a line are shown before and after the
/// problem, so a megabyte-long line costs no more than a short one.
const EXCERPT_BEFORE: usize = 40;
const EXCERPT_AFTER: usize = 80;

/// A piece of one source line around a problem.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Excerpt {
    pub text: String,
    /// 1-based column (characters) of the problem within `text`.
    pub col: usize,
}

impl Excerpt {
    /// Cut `line` around the 1-based character column `col`.
    pub fn of(line: &str, col: usize, len: usize) -> Excerpt {
        let col0 = col.saturating_sub(1);
        let from = col0.saturating_sub(EXCERPT_BEFORE);
        let to = col0 + len.clamp(1, EXCERPT_AFTER) + EXCERPT_AFTER;
        let mut text = String::new();
        let mut chars = line.char_indices().skip(from);
        if from > 0 {
            text.push('…');
        }
        let start = chars.next().map(|(i, _)| i).unwrap_or(line.len());
        let end = line[start..]
            .char_indices()
            .nth(to - from)
            .map(|(i, _)| start + i);
        text.push_str(&line[start..end.unwrap_or(line.len())]);
        if end.is_some() {
            text.push('…');
        }
        Excerpt {
            col: col0 - from + 1 + usize::from(from > 0),
            text,
        }
    }
}

impl Excerpt {
    /// Cut `line` around byte `at`, looking at no more of the line than
    /// the excerpt shows (so long lines cost what short ones do).
    pub fn around(line: &str, at: usize) -> Excerpt {
        let mut at = at.min(line.len());
        while !line.is_char_boundary(at) {
            at -= 1;
        }
        let start = line[..at]
            .char_indices()
            .rev()
            .nth(EXCERPT_BEFORE - 1)
            .map(|(i, _)| i)
            .unwrap_or(0);
        let end = line[at..]
            .char_indices()
            .nth(EXCERPT_AFTER + 1)
            .map(|(i, _)| at + i);
        let mut text = String::new();
        if start > 0 {
            text.push('…');
        }
        text.push_str(&line[start..end.unwrap_or(line.len())]);
        if end.is_some() {
            text.push('…');
        }
        Excerpt {
            col: line[start..at].chars().count() + 1 + usize::from(start > 0),
            text,
        }
    }
}

impl Diagnostic {
    pub fn new(
        code: &'static str,
        file: impl Into<String>,
        line: usize,
        col: usize,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            file: file.into(),
            line,
            col,
            len: 1,
            message: message.into(),
            hint: None,
            excerpt: None,
            code,
        }
    }

    /// A problem with the file as a whole (no position inside it).
    pub fn file(code: &'static str, file: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(code, file, 0, 0, message)
    }

    /// Underline `len` characters from the column.
    pub fn span(mut self, len: usize) -> Self {
        self.len = len.max(1);
        self
    }

    pub fn code(mut self, code: &'static str) -> Self {
        self.code = code;
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Attach an excerpt of line `self.line` of `text` (the whole file).
    /// Scans `text` up to that line: for diagnostics near the top of a file
    /// (headers); body diagnostics use `Positions`.
    pub fn with_source(mut self, text: &str) -> Self {
        if self.line > 0 {
            if let Some(line) = text.split('\n').nth(self.line - 1) {
                let line = line.strip_suffix('\r').unwrap_or(line);
                self.excerpt = Some(Excerpt::of(line, self.col, self.len));
            }
        }
        self
    }

    /// Render for a terminal or a log: a header with `file:line:col`, the
    /// source excerpt with a marker, and the hint.
    pub fn render(&self) -> String {
        use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
        let location = if self.line > 0 {
            format!("{}:{}:{}", self.file, self.line, self.col.max(1))
        } else {
            self.file.clone()
        };
        let title = format!("{location}: [{}] {}", self.code, self.message);
        let mut report: Vec<Group> = Vec::new();
        let head = Level::ERROR.primary_title(title.as_str());
        let group = match (&self.excerpt, self.line > 0) {
            (Some(e), true) => {
                let line_text = e.text.as_str();
                let start = byte_of_char(line_text, e.col.saturating_sub(1));
                let end = byte_of_char(line_text, e.col.saturating_sub(1) + self.len)
                    .max(next_char_end(line_text, start));
                head.element(
                    Snippet::source(line_text)
                        .line_start(self.line)
                        .path(self.file.as_str())
                        .annotation(AnnotationKind::Primary.span(start..end)),
                )
            }
            _ => Group::with_title(head),
        };
        report.push(group);
        if let Some(h) = &self.hint {
            report.push(Group::with_title(Level::HELP.secondary_title(h.as_str())));
        }
        Renderer::plain().render(&report).to_string()
    }
}

fn byte_of_char(s: &str, ch: usize) -> usize {
    s.char_indices().nth(ch).map(|(i, _)| i).unwrap_or(s.len())
}

fn next_char_end(s: &str, start: usize) -> usize {
    s[start..]
        .chars()
        .next()
        .map(|c| start + c.len_utf8())
        .unwrap_or(start)
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render())
    }
}

/// Line and column of byte offsets in one text, computed in one pass over
/// the text however many positions are asked for. Offsets asked in
/// increasing order (as a parser finds problems) cost only the distance
/// from the previous one, so even a megabyte-long line with thousands of
/// findings is linear.
pub struct Positions<'a> {
    text: &'a str,
    /// Byte offset where each line starts.
    starts: Vec<usize>,
    /// The last position asked: (offset, line index, column).
    last: Cell<(usize, usize, usize)>,
}

impl<'a> Positions<'a> {
    pub fn new(text: &'a str) -> Positions<'a> {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1),
        );
        Positions {
            text,
            starts,
            last: Cell::new((0, 0, 1)),
        }
    }

    /// 1-based line and column (in characters) of byte `offset`.
    pub fn at(&self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let (last_off, last_line, last_col) = self.last.get();
        let col = if last_line == line && last_off <= offset {
            last_col + self.text[last_off..offset].chars().count()
        } else {
            1 + self.text[self.starts[line]..offset].chars().count()
        };
        self.last.set((offset, line, col));
        (line + 1, col)
    }

    /// The text of 1-based line `line`, without its line break.
    pub fn line(&self, line: usize) -> &'a str {
        let Some(&start) = self.starts.get(line.wrapping_sub(1)) else {
            return "";
        };
        let end = self
            .starts
            .get(line)
            .map(|&e| e - 1)
            .unwrap_or(self.text.len());
        let l = &self.text[start..end.max(start)];
        l.strip_suffix('\r').unwrap_or(l)
    }

    /// A diagnostic at byte `offset`, with an excerpt of its line.
    pub fn diagnostic(
        &self,
        code: &'static str,
        file: &str,
        offset: usize,
        message: impl Into<String>,
    ) -> Diagnostic {
        let (line, col) = self.at(offset);
        let start = self.starts[line - 1];
        let mut d = Diagnostic::new(code, file, line, col, message);
        d.excerpt = Some(Excerpt::around(
            self.line(line),
            offset.saturating_sub(start),
        ));
        d
    }
}

/// At most this many findings of one code are listed per file; the rest
/// are counted in one line.
pub const MAX_PER_FILE: usize = 20;

/// Findings of one file as they are found: past `MAX_PER_FILE` of one
/// code only a count is kept, so a file with a hundred thousand problems
/// costs no more memory than one with twenty.
pub struct Capped<T> {
    items: Vec<T>,
    counts: std::collections::BTreeMap<&'static str, usize>,
}

impl<T> Default for Capped<T> {
    fn default() -> Self {
        Capped {
            items: Vec::new(),
            counts: Default::default(),
        }
    }
}

impl<T> Capped<T> {
    pub fn push(&mut self, code: &'static str, item: T) {
        self.push_with(code, || item)
    }

    /// Like `push`, making the item only when it is kept.
    pub fn push_with(&mut self, code: &'static str, item: impl FnOnce() -> T) {
        let n = self.counts.entry(code).or_default();
        *n += 1;
        if *n <= MAX_PER_FILE {
            self.items.push(item());
        }
    }

    /// The kept items, then one `more(code, dropped)` per code over the cap.
    pub fn finish(mut self, more: impl Fn(&'static str, usize) -> T) -> Vec<T> {
        for (code, n) in self.counts {
            if n > MAX_PER_FILE {
                self.items.push(more(code, n - MAX_PER_FILE));
            }
        }
        self.items
    }
}

/// The message of a count of findings left out.
pub fn more_message(code: &str, n: usize) -> String {
    format!("同类问题 [{code}] 还有 {n} 处未列出 (and {n} more of the same)")
}

/// Keep the first `MAX_PER_FILE` items of each (file, code) of a sorted
/// list and replace the rest by one item made by `more(first dropped, count)`.
pub fn cap<T>(
    items: Vec<T>,
    key: impl Fn(&T) -> (&str, &str),
    more: impl Fn(&T, usize) -> T,
) -> Vec<T> {
    let mut counts: std::collections::HashMap<(String, String), usize> = Default::default();
    for it in &items {
        let (f, c) = key(it);
        *counts.entry((f.to_string(), c.to_string())).or_default() += 1;
    }
    let mut seen: std::collections::HashMap<(String, String), usize> = Default::default();
    let mut out = Vec::with_capacity(items.len().min(4096));
    for it in items {
        let k = {
            let (f, c) = key(&it);
            (f.to_string(), c.to_string())
        };
        let n = seen.entry(k.clone()).or_default();
        *n += 1;
        if *n <= MAX_PER_FILE {
            out.push(it);
        } else if *n == MAX_PER_FILE + 1 {
            out.push(more(&it, counts[&k] - MAX_PER_FILE));
        }
    }
    out
}

/// The errors of one build, sorted by file and position so the report is
/// deterministic whatever order the parallel stages found them in.
#[derive(Debug, Default)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }
    pub fn extend(&mut self, ds: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(ds);
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn into_sorted(mut self) -> Vec<Diagnostic> {
        self.0.sort();
        self.0.dedup();
        self.0
    }
}

/// What a terminal shows of a sorted list: each (file, code) capped at
/// `MAX_PER_FILE`, with a count of the rest.
pub fn for_display(ds: &[Diagnostic]) -> Vec<Diagnostic> {
    cap(
        ds.to_vec(),
        |d| (d.file.as_str(), d.code),
        |d, n| {
            Diagnostic::file(
                codes::MORE,
                &d.file,
                format!(
                    "同类问题 [{}] 还有 {n} 处未列出 (and {n} more of the same)",
                    d.code
                ),
            )
            .hint("先改正上面列出的几处，再重新运行")
        },
    )
}

/// A failure of a whole command: content errors (exit 1), or an I/O or
/// setup problem (also exit 1, but not the contributor's fault).
#[derive(Debug)]
pub enum Failure {
    Content(Vec<Diagnostic>),
    Other(String),
}

impl From<Diagnostics> for Failure {
    fn from(d: Diagnostics) -> Self {
        Failure::Content(d.into_sorted())
    }
}

impl From<Diagnostic> for Failure {
    fn from(d: Diagnostic) -> Self {
        Failure::Content(vec![d])
    }
}

impl Failure {
    pub fn io(what: impl fmt::Display, err: impl fmt::Display) -> Self {
        Failure::Other(format!("{what}: {err}"))
    }
}

/// Bytes read from `file` as UTF-8, or an error at the first bad byte.
pub fn decode_utf8(file: &str, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    String::from_utf8(bytes).map_err(|e| {
        let good = e.utf8_error().valid_up_to();
        let bytes = e.into_bytes();
        let text = String::from_utf8_lossy(&bytes[..good]).into_owned();
        let (line, col) = line_col(&text, good);
        Diagnostic::new(
            codes::UNREADABLE,
            file,
            line,
            col,
            "文件不是 UTF-8 编码 (file is not UTF-8)",
        )
        .hint("用 UTF-8 编码另存该文件（记事本：另存为 → 编码选 UTF-8；WPS/Word 请导出为纯文本 UTF-8）")
    })
}

/// Line and column (1-based, column in characters) of byte `offset` in
/// `text`. Scans from the start: for one position; use `Positions` for many.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

/// Closest candidates to `word` for a "did you mean" hint, best first.
pub fn closest<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    max: usize,
) -> Vec<&'a str> {
    let w = word.to_lowercase();
    let mut scored: Vec<(f64, &str)> = candidates
        .into_iter()
        .filter_map(|c| {
            let lc = c.to_lowercase();
            let contained = w.chars().count() >= 2
                && lc.chars().count() >= 2
                && (lc.contains(&w) || w.contains(&lc));
            let s = strsim::jaro_winkler(&w, &lc);
            // Really close only: a letter or two typed wrong, not any word
            // that shares a few letters (`reward` is not `year`).
            let close = s >= 0.8 && strsim::normalized_levenshtein(&w, &lc) > 0.5;
            (contained || close).then_some((s + if contained { 0.3 } else { 0.0 }, c))
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(max).map(|(_, c)| c).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_chars() {
        let t = "ab\n中文x\n";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 3), (2, 1));
        assert_eq!(line_col(t, 9), (2, 3));
    }

    #[test]
    fn closest_finds_typos() {
        assert_eq!(
            closest("titel", ["title", "tags", "tier"], 1),
            vec!["title"]
        );
        assert!(closest("zzz", ["title"], 1).is_empty());
    }

    #[test]
    fn render_names_file_line_and_hint() {
        let d = Diagnostic::new(codes::UNKNOWN_KEY, "content/a.md", 3, 1, "未知字段 `titel`")
            .hint("did you mean `title`?")
            .with_source("---\ntitle: a\ntitel: x\n---\n");
        let out = d.render();
        assert!(out.contains("content/a.md:3:1"), "{out}");
        assert!(out.contains("titel: x"), "{out}");
        assert!(out.contains("did you mean"), "{out}");
    }

    #[test]
    fn positions_agree_with_line_col_in_any_order() {
        let t = "ab\n中文x\n\nlast 行";
        let p = Positions::new(t);
        let mut offsets: Vec<usize> = (0..=t.len()).filter(|&i| t.is_char_boundary(i)).collect();
        for o in &offsets {
            assert_eq!(p.at(*o), line_col(t, *o), "offset {o}");
        }
        offsets.reverse();
        for o in &offsets {
            assert_eq!(p.at(*o), line_col(t, *o), "offset {o} backwards");
        }
        assert_eq!(p.line(2), "中文x");
        assert_eq!(p.line(4), "last 行");
        assert_eq!(p.line(9), "");
    }

    #[test]
    fn excerpt_of_a_long_line_is_bounded_and_keeps_the_column() {
        let line = format!("{}[坏](/x/){}", "字".repeat(5000), "尾".repeat(5000));
        let e = Excerpt::of(&line, 5001, 3);
        assert!(e.text.chars().count() < 250, "{}", e.text.chars().count());
        assert_eq!(e.text.chars().nth(e.col - 1), Some('['));
        let byte = line.find('[').unwrap();
        assert_eq!(Excerpt::around(&line, byte), Excerpt::of(&line, 5001, 1));
        let short = Excerpt::of("title: x", 8, 1);
        assert_eq!((short.text.as_str(), short.col), ("title: x", 8));
    }

    #[test]
    fn repeated_findings_are_capped_per_file_and_code() {
        let mut d = Diagnostics::default();
        for i in 0..50 {
            d.push(Diagnostic::new(
                codes::BROKEN_LINK,
                "content/a.md",
                1,
                i + 1,
                "x",
            ));
        }
        d.push(Diagnostic::new(codes::BAD_VALUE, "content/a.md", 2, 1, "y"));
        let out = for_display(&d.into_sorted());
        assert_eq!(out.len(), MAX_PER_FILE + 2);
        let more = out.iter().find(|d| d.code == codes::MORE).unwrap();
        assert!(more.message.contains("30"), "{}", more.message);
    }
}
