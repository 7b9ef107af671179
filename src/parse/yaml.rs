//! YAML helpers shared by site.yaml, data/ and page headers: syntax errors
//! mapped to file lines, tab detection, unknown keys with "did you mean".

use crate::diagnostics::{closest, Diagnostic};

/// A YAML document cut out of a file: `text` starts at file line `first_line`.
pub struct YamlDoc<'a> {
    pub file: &'a str,
    pub text: &'a str,
    pub first_line: usize,
    /// The whole file, for source snippets.
    pub whole: &'a str,
}

impl<'a> YamlDoc<'a> {
    pub fn error(&self, line_in_doc: usize, col: usize, msg: impl Into<String>) -> Diagnostic {
        Diagnostic::new(
            self.file,
            self.first_line + line_in_doc.max(1) - 1,
            col.max(1),
            msg,
        )
        .with_source(self.whole)
    }

    /// Tabs are not allowed in YAML indentation; serde's message for them is
    /// obscure, so find them first.
    pub fn check_tabs(&self) -> Option<Diagnostic> {
        for (i, line) in self.text.lines().enumerate() {
            let indent: String = line.chars().take_while(|c| c.is_whitespace()).collect();
            if let Some(pos) = indent.chars().position(|c| c == '\t') {
                return Some(
                    self.error(
                        i + 1,
                        pos + 1,
                        "YAML 头部用了 Tab 缩进 (tab in YAML indentation)",
                    )
                    .hint("YAML 只允许空格缩进：把这一行开头的 Tab 换成两个空格"),
                );
            }
        }
        None
    }

    /// Convert a serde_norway error into a diagnostic at the right file line.
    pub fn convert_error(&self, e: &serde_norway::Error, hint: &str) -> Diagnostic {
        let msg = e.to_string();
        // serde appends " at line X column Y"; keep the message itself.
        let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
        let (line, col) = e
            .location()
            .map(|l| (l.line(), l.column()))
            .unwrap_or((1, 1));
        self.error(line, col, format!("YAML 格式错误 (YAML error): {msg}"))
            .hint(hint)
    }

    /// Line (1-based, in the document) and column of top-level `key:`.
    pub fn key_line(&self, key: &str) -> usize {
        for (i, line) in self.text.lines().enumerate() {
            let l = line.trim_start_matches('\u{feff}');
            if let Some(rest) = l.strip_prefix(key) {
                let rest = rest.trim_start_matches(['"', '\'']);
                if rest.trim_start().starts_with(':') {
                    return i + 1;
                }
            }
        }
        1
    }

    /// Column (1-based, chars) and length of the value of top-level `key`.
    pub fn value_span(&self, key: &str) -> (usize, usize) {
        let line = self.text.lines().nth(self.key_line(key) - 1).unwrap_or("");
        value_span(line)
    }

    /// An error positioned at the value of top-level `key`.
    pub fn at_value(&self, key: &str, msg: impl Into<String>) -> Diagnostic {
        let (col, len) = self.value_span(key);
        self.error(self.key_line(key), col, msg).span(len)
    }

    /// An error positioned at top-level `key`.
    pub fn at_key(&self, key: &str, msg: impl Into<String>) -> Diagnostic {
        let line = self.key_line(key);
        self.error(line, 1, msg)
    }

    /// Unknown top-level keys of `map`, each an error with a hint.
    pub fn unknown_keys(
        &self,
        map: &serde_norway::Mapping,
        allowed: &[&str],
        what: &str,
    ) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for k in map.keys() {
            let Some(k) = k.as_str() else {
                out.push(self.error(
                    1,
                    1,
                    format!("{what} 的字段名必须是文字 (keys must be strings)"),
                ));
                continue;
            };
            if !allowed.contains(&k) {
                let hint = match closest(k, allowed.iter().copied(), 1).first() {
                    Some(s) => {
                        format!("did you mean `{s}`? 是否想写 `{s}`？自定义数据请放在 `extra:` 下")
                    }
                    None => format!(
                        "{what} 可用的字段 (allowed keys): {}；自定义数据请放在 `extra:` 下",
                        allowed.join(", ")
                    ),
                };
                out.push(
                    self.at_key(k, format!("未知字段 `{k}` (unknown key) in {what}"))
                        .hint(hint),
                );
            }
        }
        out
    }
}

/// Column and length (chars) of the value in a `key: value  # comment` line.
pub fn value_span(line: &str) -> (usize, usize) {
    let Some(colon) = line.find(':') else {
        return (1, 1);
    };
    let rest = &line[colon + 1..];
    let value = rest.trim_start();
    let start = colon + 1 + (rest.len() - value.len());
    let value = match value.find(" #") {
        Some(i) => &value[..i],
        None => value,
    }
    .trim_end();
    (
        line[..start].chars().count() + 1,
        value.chars().count().max(1),
    )
}
