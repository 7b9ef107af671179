//! Content diagnostics: every problem a contributor can cause is a
//! `Diagnostic` naming the file (relative to the site root), the line and
//! column, what is wrong and how to fix it. Stages collect them instead of
//! stopping at the first one; the command layer prints them all together
//! with `annotate-snippets` (chosen over miette because it renders plain,
//! deterministic text that reads the same in a terminal, a CI log and a test).

use std::fmt;

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
    /// The offending source line, for the snippet.
    pub source_line: Option<String>,
    /// Stable finding code (`E060`); build errors without one are `E001`.
    pub code: Option<&'static str>,
}

impl Diagnostic {
    pub fn new(
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
            source_line: None,
            code: None,
        }
    }

    /// A problem with the file as a whole (no position inside it).
    pub fn file(file: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(file, 0, 0, message)
    }

    /// Underline `len` characters from the column.
    pub fn span(mut self, len: usize) -> Self {
        self.len = len.max(1);
        self
    }

    pub fn code(mut self, code: &'static str) -> Self {
        self.code = Some(code);
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Attach the source line `self.line` taken from `text` (the whole file).
    pub fn with_source(mut self, text: &str) -> Self {
        if self.line > 0 {
            self.source_line = text.lines().nth(self.line - 1).map(str::to_owned);
        }
        self
    }

    /// Render for a terminal or a log: a header with `file:line:col`, the
    /// source line with a marker, and the hint.
    pub fn render(&self) -> String {
        use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
        let location = if self.line > 0 {
            format!("{}:{}:{}", self.file, self.line, self.col.max(1))
        } else {
            self.file.clone()
        };
        let title = format!("{location}: {}", self.message);
        let mut report: Vec<Group> = Vec::new();
        let head = Level::ERROR.primary_title(title.as_str());
        let line_text = self.source_line.clone().unwrap_or_default();
        let group = if self.source_line.is_some() && self.line > 0 {
            let start = byte_of_char(&line_text, self.col.saturating_sub(1));
            let end = byte_of_char(&line_text, self.col.saturating_sub(1) + self.len)
                .max(next_char_end(&line_text, start));
            head.element(
                Snippet::source(line_text.as_str())
                    .line_start(self.line)
                    .path(self.file.as_str())
                    .annotation(AnnotationKind::Primary.span(start..end)),
            )
        } else {
            Group::with_title(head)
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

/// Line and column (1-based, column in characters) of byte `offset` in `text`.
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
        .map(|c| {
            let lc = c.to_lowercase();
            let mut s = strsim::jaro_winkler(&w, &lc);
            if !w.is_empty() && (lc.contains(&w) || w.contains(&lc)) {
                s += 0.3;
            }
            (s, c)
        })
        .filter(|(s, _)| *s > 0.7)
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
        let d =
            Diagnostic::new("content/a.md", 3, 1, "未知字段 `titel`").hint("did you mean `title`?");
        let d = Diagnostic {
            source_line: Some("titel: x".into()),
            ..d
        };
        let out = d.render();
        assert!(out.contains("content/a.md:3:1"), "{out}");
        assert!(out.contains("did you mean"), "{out}");
    }
}
