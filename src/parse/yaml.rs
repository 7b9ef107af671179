//! YAML helpers shared by site.yaml, data/ and page headers: syntax errors
//! mapped to file lines, tab detection, unknown keys with "did you mean".

use crate::diagnostics::{closest, codes, Diagnostic};

/// A YAML document cut out of a file: `text` starts at file line `first_line`.
pub struct YamlDoc<'a> {
    pub file: &'a str,
    pub text: &'a str,
    pub first_line: usize,
    /// The whole file, for source snippets.
    pub whole: &'a str,
}

/// Header keys of Hexo, Hugo, Zola and Jekyll, and what exemplar calls
/// them: a hint that names the right key beats a near spelling
/// (`categories` is not `category`, a deed's own field).
const PEER_KEYS: &[(&str, &str)] = &[
    ("categories", "exemplar 没有 categories：分类写进 tags，例如 tags: [党建品牌]；exemplar import 会自动转换"),
    ("permalink", "固定链接写 slug（本页网址的最后一段）；旧网址写进 aliases，会自动跳转"),
    ("abbrlink", "旧网址写进 aliases（例如 aliases: [/p/1a2b3c/]），会自动跳转"),
    ("url", "本页网址由栏目和 slug 决定；旧网址写进 aliases"),
    ("updated", "更新时间请放在 extra: 下，例如 extra: {updated: 2024-05-12}"),
    ("lastmod", "更新时间请放在 extra: 下，例如 extra: {lastmod: 2024-05-12}"),
    ("excerpt", "摘要写 summary"),
    ("image", "封面图写 cover，并用 cover_alt 写图片说明"),
    ("thumbnail", "封面图写 cover，并用 cover_alt 写图片说明"),
    ("layout", "页面模板写 template"),
    ("author_name", "作者写 author"),
    ("keywords", "关键词写进 tags"),
];

impl<'a> YamlDoc<'a> {
    /// A whole file of YAML (site.yaml, data/, UI strings), checked before
    /// any deserialiser sees it: no tab indentation, within `limits`.
    pub fn file(file: &'a str, text: &'a str, limits: Limits) -> Result<Self, Vec<Diagnostic>> {
        let doc = YamlDoc {
            file,
            text,
            first_line: 1,
            whole: text,
        };
        doc.precheck(limits)?;
        Ok(doc)
    }

    /// Tab indentation, size and aliases, before parsing.
    pub fn precheck(&self, limits: Limits) -> Result<(), Vec<Diagnostic>> {
        if let Some(d) = self.check_tabs() {
            return Err(vec![d]);
        }
        let wide = self.check_full_width();
        if !wide.is_empty() {
            return Err(wide);
        }
        self.guard(limits).map_err(|d| vec![d])
    }

    /// A full-width colon after a key (`title：…`) or a full-width space
    /// in the indentation, as a Chinese input method types them: YAML
    /// reads neither, and its own error lands on another line. Each is
    /// reported at its own line and column, with the line fixed.
    pub fn check_full_width(&self) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for (i, line) in self.text.lines().enumerate() {
            let indent = line
                .chars()
                .take_while(|c| *c == ' ' || *c == '\u{3000}')
                .collect::<String>();
            if let Some(pos) = indent.chars().position(|c| c == '\u{3000}') {
                out.push(
                    self.error(
                        codes::YAML_SYNTAX,
                        i + 1,
                        pos + 1,
                        "缩进里有全角空格 `　` (full-width space in indentation)",
                    )
                    .hint(format!(
                        "缩进只能用半角空格，改成：{}",
                        line.replace('\u{3000}', "  ").trim_end()
                    )),
                );
                continue;
            }
            let rest = line.trim_start();
            let key_len = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                .count();
            let after = rest[key_len..].trim_start_matches(' ');
            if key_len > 0 && !rest.starts_with('-') && after.starts_with('：') {
                let key = &rest[..key_len];
                let col = line.chars().count() - after.chars().count() + 1;
                let value = after['：'.len_utf8()..].trim_start_matches([' ', '\u{3000}']);
                let indent = &line[..line.len() - rest.len()];
                out.push(
                    self.error(
                        codes::YAML_SYNTAX,
                        i + 1,
                        col,
                        format!(
                            "`{key}` 后面是全角冒号 `：`，YAML 只认半角冒号 `:` (full-width colon)"
                        ),
                    )
                    .hint(format!("改成半角冒号加空格：{indent}{key}: {value}")),
                );
            }
        }
        out
    }

    pub fn error(
        &self,
        code: &'static str,
        line_in_doc: usize,
        col: usize,
        msg: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic::new(
            code,
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
                        codes::YAML_SYNTAX,
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
        self.error(
            codes::YAML_SYNTAX,
            line,
            col,
            format!("YAML 格式错误 (YAML error): {msg}"),
        )
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
    pub fn at_value(&self, code: &'static str, key: &str, msg: impl Into<String>) -> Diagnostic {
        let (col, len) = self.value_span(key);
        self.error(code, self.key_line(key), col, msg).span(len)
    }

    /// An error positioned at top-level `key`.
    pub fn at_key(&self, code: &'static str, key: &str, msg: impl Into<String>) -> Diagnostic {
        let line = self.key_line(key);
        self.error(code, line, 1, msg)
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
                    codes::UNKNOWN_KEY,
                    1,
                    1,
                    format!("{what} 的字段名必须是文字 (keys must be strings)"),
                ));
                continue;
            };
            if !allowed.contains(&k) {
                let peer = PEER_KEYS.iter().find(|(p, _)| *p == k.to_lowercase());
                let near = closest(k, allowed.iter().copied(), 1);
                let hint = match (peer, near.first()) {
                    (Some((_, hint)), _) => hint.to_string(),
                    (None, Some(s)) => {
                        format!("did you mean `{s}`? 是否想写 `{s}`？自定义数据请放在 `extra:` 下")
                    }
                    (None, None) => format!(
                        "{what} 可用的字段 (allowed keys): {}；自定义数据请放在 `extra:` 下",
                        allowed.join(", ")
                    ),
                };
                out.push(
                    self.at_key(
                        codes::UNKNOWN_KEY,
                        k,
                        format!("未知字段 `{k}` (unknown key) in {what}"),
                    )
                    .hint(hint),
                );
            }
        }
        out
    }
}

/// 1-based line of the list entry holding `needle` (`id: alpha`,
/// `year: 2025`) in a data file, block (`- id: alpha`) or flow style
/// (`- {year: 2025, …}`).
pub fn entry_line(text: &str, needle: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            l.trim_start_matches([' ', '-', '{'])
                .strip_prefix(needle)
                .is_some_and(|rest| rest.trim_end().is_empty() || rest.starts_with([',', '}', ' ']))
        })
        .map(|i| i + 1)
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

/// How much YAML a document may make the parser build. A page header is a
/// handful of fields, so it may not use aliases at all; site.yaml and data/
/// may, within a bound on what they expand to. Without these bounds a few
/// kilobytes of nested aliases (`a1: &a1 [*a0, *a0, …]`) expand to
/// gigabytes before the parser gives up.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest text accepted, in bytes.
    pub max_bytes: usize,
    /// Whether `*alias` may appear at all.
    pub aliases: bool,
    /// Most nodes the document may expand to, aliases counted in full.
    pub max_nodes: usize,
}

impl Limits {
    pub const HEADER: Limits = Limits {
        max_bytes: 64 * 1024,
        aliases: false,
        max_nodes: 20_000,
    };
    pub const DATA: Limits = Limits {
        max_bytes: 8 * 1024 * 1024,
        aliases: true,
        max_nodes: 1_000_000,
    };
}

impl YamlDoc<'_> {
    /// Refuse a document that is too large or expands too far, before any
    /// deserialiser sees it. Uses libyaml's event parser — the same one
    /// serde_norway runs — so what passes here parses the same there.
    pub fn guard(&self, limits: Limits) -> Result<(), Diagnostic> {
        if self.text.len() > limits.max_bytes {
            return Err(self
                .error(
                    codes::YAML_LIMIT,
                    1,
                    1,
                    format!(
                        "YAML 太大 (too large): {} KiB，上限 {} KiB",
                        self.text.len() / 1024,
                        limits.max_bytes / 1024
                    ),
                )
                .hint("头部只写字段；长文字写进正文，大量数据拆成几个文件"));
        }
        // Anchors need `&` and aliases `*`: without either, nothing can
        // expand, and the size bound above is all a document needs.
        if !self.text.contains(['&', '*']) {
            return Ok(());
        }
        match events::scan(self.text, limits) {
            Ok(()) => Ok(()),
            Err(events::Refused::Alias { line, col, name }) => Err(self
                .error(
                    codes::YAML_LIMIT,
                    line,
                    col,
                    format!(
                        "页面头部不能使用 YAML 别名 `*{name}` (aliases are not allowed in headers)"
                    ),
                )
                .hint("把要重复的值直接写出来；头部不支持 & 锚点和 * 别名")),
            Err(events::Refused::Expansion { line, col, nodes }) => Err(self
                .error(
                    codes::YAML_LIMIT,
                    line,
                    col,
                    format!("YAML 别名展开得太大 (alias expansion too large): 超过 {nodes} 个节点"),
                )
                .hint("不要让 * 别名层层引用；把数据直接写出来")),
        }
    }
}

/// A minimal, safe wrapper over libyaml's event parser: only what `guard`
/// needs (event kinds, anchors, positions).
mod events {
    use std::collections::HashMap;
    use std::mem::MaybeUninit;

    use unsafe_libyaml_norway as unsafe_yaml;

    use super::Limits;

    pub enum Refused {
        Alias {
            line: usize,
            col: usize,
            name: String,
        },
        Expansion {
            line: usize,
            col: usize,
            nodes: usize,
        },
    }

    enum Event {
        /// A node begins: (is a collection, anchor).
        Start(bool, Option<Vec<u8>>),
        /// A collection ends.
        End,
        Alias(Vec<u8>),
        Other,
        Done,
    }

    struct Parser<'a> {
        // Boxed and never moved: libyaml keeps pointers into the struct.
        sys: Box<MaybeUninit<unsafe_yaml::yaml_parser_t>>,
        _input: &'a [u8],
        failed: bool,
    }

    impl<'a> Parser<'a> {
        fn new(input: &'a [u8]) -> Option<Parser<'a>> {
            let mut sys = Box::new(MaybeUninit::<unsafe_yaml::yaml_parser_t>::uninit());
            // SAFETY: initialize fills the struct in place; the input slice
            // outlives the parser (`_input` borrows it for 'a).
            unsafe {
                let p = sys.as_mut_ptr();
                if unsafe_yaml::yaml_parser_initialize(p).fail {
                    return None;
                }
                unsafe_yaml::yaml_parser_set_encoding(p, unsafe_yaml::YAML_UTF8_ENCODING);
                unsafe_yaml::yaml_parser_set_input_string(p, input.as_ptr(), input.len() as _);
            }
            Some(Parser {
                sys,
                _input: input,
                failed: false,
            })
        }

        /// The next event and its (line, column), both 0-based; `None` on a
        /// syntax error (serde_norway reports it, from the same parser).
        fn next(&mut self) -> Option<(Event, usize, usize)> {
            if self.failed {
                return None;
            }
            let mut ev = MaybeUninit::<unsafe_yaml::yaml_event_t>::uninit();
            // SAFETY: the parser was initialised in `new`; a successfully
            // parsed event is read, then freed with yaml_event_delete.
            unsafe {
                let p = self.sys.as_mut_ptr();
                if unsafe_yaml::yaml_parser_parse(p, ev.as_mut_ptr()).fail {
                    self.failed = true;
                    return None;
                }
                let e = &*ev.as_ptr();
                let anchor = |ptr: *const u8| {
                    (!ptr.is_null())
                        .then(|| std::ffi::CStr::from_ptr(ptr.cast()).to_bytes().to_vec())
                };
                let kind = match e.type_ {
                    unsafe_yaml::YAML_STREAM_END_EVENT => Event::Done,
                    unsafe_yaml::YAML_ALIAS_EVENT => {
                        Event::Alias(anchor(e.data.alias.anchor).unwrap_or_default())
                    }
                    unsafe_yaml::YAML_SCALAR_EVENT => {
                        Event::Start(false, anchor(e.data.scalar.anchor))
                    }
                    unsafe_yaml::YAML_SEQUENCE_START_EVENT => {
                        Event::Start(true, anchor(e.data.sequence_start.anchor))
                    }
                    unsafe_yaml::YAML_MAPPING_START_EVENT => {
                        Event::Start(true, anchor(e.data.mapping_start.anchor))
                    }
                    unsafe_yaml::YAML_SEQUENCE_END_EVENT | unsafe_yaml::YAML_MAPPING_END_EVENT => {
                        Event::End
                    }
                    _ => Event::Other,
                };
                let (line, col) = (e.start_mark.line as usize, e.start_mark.column as usize);
                unsafe_yaml::yaml_event_delete(ev.as_mut_ptr());
                Some((kind, line, col))
            }
        }
    }

    impl Drop for Parser<'_> {
        fn drop(&mut self) {
            // SAFETY: initialised in `new` (a failed init never builds a Parser).
            unsafe { unsafe_yaml::yaml_parser_delete(self.sys.as_mut_ptr()) }
        }
    }

    /// Walk the events counting nodes, each alias counted as the size of
    /// what it names; refuse at the first alias (when not allowed) or at
    /// the alias that takes the count over the limit.
    pub fn scan(text: &str, limits: Limits) -> Result<(), Refused> {
        let Some(mut p) = Parser::new(text.as_bytes()) else {
            return Ok(());
        };
        let mut nodes = 0usize;
        let mut sizes: HashMap<Vec<u8>, usize> = HashMap::new();
        // Open collections: (anchor, node count when they started).
        let mut open: Vec<(Option<Vec<u8>>, usize)> = Vec::new();
        while let Some((ev, line, col)) = p.next() {
            match ev {
                Event::Done => break,
                Event::Start(true, anchor) => {
                    open.push((anchor, nodes));
                    nodes += 1;
                }
                Event::Start(false, anchor) => {
                    nodes += 1;
                    if let Some(a) = anchor {
                        sizes.insert(a, 1);
                    }
                }
                Event::End => {
                    if let Some((Some(a), start)) = open.pop() {
                        sizes.insert(a, nodes - start);
                    }
                }
                Event::Alias(name) => {
                    if !limits.aliases {
                        return Err(Refused::Alias {
                            line: line + 1,
                            col: col + 1,
                            name: String::from_utf8_lossy(&name).into_owned(),
                        });
                    }
                    nodes = nodes.saturating_add(sizes.get(&name).copied().unwrap_or(1));
                }
                Event::Other => {}
            }
            if nodes > limits.max_nodes {
                return Err(Refused::Expansion {
                    line: line + 1,
                    col: col + 1,
                    nodes: limits.max_nodes,
                });
            }
        }
        Ok(())
    }
}
