//! Split a Markdown file into its YAML header and body, and turn the header
//! into a validated `Header`. Every problem becomes a diagnostic positioned
//! in the file (header lines are offset by the opening `---`).

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone};
use serde_norway::{Mapping, Value};

use crate::diagnostics::{codes, line_col, Diagnostic};
use crate::model::{Focus, Header, Kind, SourceDoc, Status, COMMON_KEYS, SECTION_KEYS, TIERS};
use crate::parse::yaml::{Limits, YamlDoc};

/// Where the header and the body are in a file's text.
pub struct Split<'a> {
    pub header: &'a str,
    /// 1-based file line of the header's first line.
    pub header_line: usize,
    pub body_start: usize,
    pub body_line: usize,
}

pub fn split<'a>(file: &str, text: &'a str) -> Result<Split<'a>, Diagnostic> {
    let t = text.strip_prefix('\u{feff}').unwrap_or(text);
    let bom = text.len() - t.len();
    if t.trim().is_empty() {
        return Err(
            Diagnostic::file(codes::HEADER_SHAPE, file, "文件是空的 (empty file)")
                .hint("至少写一个头部：\n---\ntitle: 标题\n---\n或删除这个文件"),
        );
    }
    let first_end = t.find('\n').unwrap_or(t.len());
    if t[..first_end].trim_end() != "---" {
        return Err(Diagnostic::new(
            codes::HEADER_SHAPE,
            file,
            1,
            1,
            "文件开头缺少 YAML 头部的 `---` (missing header)",
        )
        .with_source(text)
        .hint("在第一行写 `---`，接着写 title: 等字段，再用一行 `---` 结束头部"));
    }
    let mut offset = first_end + 1;
    let header_start = offset;
    while offset <= t.len() {
        let end = t[offset..]
            .find('\n')
            .map(|i| offset + i)
            .unwrap_or(t.len());
        let line = t[offset..end].trim_end();
        if line == "---" || line == "..." {
            let body_start = (end + 1).min(t.len());
            let (body_line, _) = line_col(t, body_start);
            let (header_line, _) = line_col(t, header_start);
            return Ok(Split {
                header: &text[bom + header_start..bom + offset],
                header_line,
                body_start: bom + body_start,
                body_line: if body_start == t.len() && !t.ends_with('\n') {
                    body_line + 1
                } else {
                    body_line
                },
            });
        }
        if end == t.len() {
            break;
        }
        offset = end + 1;
    }
    Err(Diagnostic::new(
        codes::HEADER_SHAPE,
        file,
        1,
        1,
        "YAML 头部没有结束的 `---` (header not closed)",
    )
    .with_source(text)
    .hint("在头部最后一个字段之后加一行 `---`，再写正文"))
}

/// Parse one content file. `is_section` for `_index.md`.
pub fn parse_doc(
    file: &str,
    rel: &str,
    text: String,
    offset: FixedOffset,
    is_section: bool,
) -> Result<SourceDoc, Vec<Diagnostic>> {
    parse_doc_or_draft(file, rel, text, offset, is_section).map_err(|(e, _)| e)
}

/// `parse_doc`; on failure also whether the file declares itself a draft
/// (`declares_unpublished`), read only then: the text of a file that
/// parses is not scanned twice.
pub fn parse_doc_or_draft(
    file: &str,
    rel: &str,
    text: String,
    offset: FixedOffset,
    is_section: bool,
) -> Result<SourceDoc, (Vec<Diagnostic>, bool)> {
    let draft = |e| (e, declares_unpublished(&text));
    let sp = split(file, &text).map_err(|d| draft(vec![d]))?;
    let doc = YamlDoc {
        file,
        text: sp.header,
        first_line: sp.header_line,
        whole: &text,
    };
    let header = parse_header(&doc, offset, is_section).map_err(draft)?;
    let (body_start, body_line) = (sp.body_start, sp.body_line);
    Ok(SourceDoc {
        file: file.to_string(),
        rel: rel.to_string(),
        text: text.into(),
        header,
        body_start,
        body_line,
        is_section,
        header_only: false,
        text_hash: 0,
    })
}

/// Years a page may carry: anything else is a typo (`20224`) or a value
/// that would silently wrap.
pub const YEARS: std::ops::RangeInclusive<i64> = 1900..=2200;

fn all_page_keys() -> Vec<&'static str> {
    let mut keys: Vec<&str> = COMMON_KEYS.to_vec();
    for k in Kind::ALL {
        keys.extend_from_slice(k.own_keys());
    }
    keys
}

pub fn parse_header(
    doc: &YamlDoc,
    offset: FixedOffset,
    is_section: bool,
) -> Result<Header, Vec<Diagnostic>> {
    doc.precheck(Limits::HEADER)?;
    let map: Mapping = if doc.text.trim().is_empty() {
        Mapping::new()
    } else {
        match serde_norway::from_str::<Value>(doc.text) {
            Ok(Value::Mapping(m)) => m,
            Ok(Value::Null) => Mapping::new(),
            Ok(_) => {
                return Err(vec![doc
                    .error(
                        codes::YAML_SYNTAX,
                        1,
                        1,
                        "头部必须是 `字段: 值` 的形式 (header must be a mapping)",
                    )
                    .hint("例如 title: 云江小学“红烛先锋”党建品牌")])
            }
            Err(e) => {
                return Err(vec![doc.convert_error(
                    &e,
                    "检查缩进、冒号后的空格和引号是否成对；含冒号的值请加引号",
                )])
            }
        }
    };
    let allowed: Vec<&str> = if is_section {
        SECTION_KEYS.to_vec()
    } else {
        all_page_keys()
    };
    let mut errs = doc.unknown_keys(
        &map,
        &allowed,
        if is_section {
            "栏目头部 (_index.md)"
        } else {
            "页面头部 (header)"
        },
    );
    let mut h = Header {
        extra: serde_json::Value::Null,
        ..Header::default()
    };
    let mut f = Fields {
        doc,
        map: &map,
        errs: &mut errs,
    };

    h.key_lines = map
        .keys()
        .filter_map(|k| k.as_str())
        .map(|k| {
            (
                k.to_string(),
                doc.first_line + doc.key_line(k) - 1,
                doc.value_span(k),
            )
        })
        .collect();
    match f.text("title") {
        Some(t) => h.title = t,
        _ => {
            let d = if map.contains_key("title") {
                doc.at_key(codes::NO_TITLE, "title", "title 不能为空")
            } else {
                doc.error(codes::NO_TITLE, 1, 1, "头部缺少 title (missing title)")
            };
            f.errs.push(d.hint("加一行 title: 你的标题"));
        }
    }
    if let Some(k) = f.text("kind") {
        match Kind::parse(&k) {
            Some(kind) => h.kind = Some(kind),
            None => {
                let names: Vec<String> = Kind::ALL
                    .iter()
                    .map(|k| format!("{}（{}）", k.name(), k.label()))
                    .collect();
                let plain: Vec<&str> = Kind::ALL.iter().map(|k| k.name()).collect();
                let sugg = crate::diagnostics::closest(&k, plain.iter().copied(), 1);
                let hint = match sugg.first() {
                    Some(s) => format!("did you mean `{s}`? 可用: {}", names.join(", ")),
                    None => format!("可用的 kind: {}", names.join(", ")),
                };
                f.errs.push(
                    doc.at_value(
                        codes::BAD_VALUE,
                        "kind",
                        format!("未知的内容类型 `{k}` (unknown kind)"),
                    )
                    .hint(hint),
                );
            }
        }
    }
    h.description = f.text("description");
    h.template = f.text("template");
    h.weight = f.int("weight");
    h.extra = f.json("extra");
    if is_section {
        if let Some(n) = f.int("paginate_by") {
            match usize::try_from(n) {
                Ok(n @ 1..=10_000) => h.paginate_by = Some(n),
                _ => f.errs.push(
                    doc.at_value(
                        codes::BAD_VALUE,
                        "paginate_by",
                        format!("paginate_by 必须在 1 到 10000 之间，这里是 {n}"),
                    )
                    .hint("例如 paginate_by: 10"),
                ),
            }
        }
        h.sort_by = f.text("sort_by");
        if let Some(s) = &h.sort_by {
            if !["date", "weight", "title"].contains(&s.as_str()) {
                f.errs.push(
                    doc.at_value(codes::BAD_VALUE, "sort_by", format!("sort_by 不能是 `{s}`"))
                        .hint("可用: date, weight, title"),
                );
            }
        }
        if f.bool("draft") == Some(true) {
            h.status = Some(Status::Draft);
        }
        return if errs.is_empty() { Ok(h) } else { Err(errs) };
    }
    if let Some(d) = f.text("date") {
        match parse_date(&d, offset) {
            Some(dt) if !YEARS.contains(&i64::from(chrono::Datelike::year(&dt))) => {
                f.errs.push(
                    doc.at_value(
                        codes::BAD_VALUE,
                        "date",
                        format!(
                            "日期 `{d}` 的年份超出范围 (year out of range {}–{})",
                            YEARS.start(),
                            YEARS.end()
                        ),
                    )
                    .hint("写成 2024-05-12 这样的四位年份日期"),
                )
            }
            Some(dt) => h.date = Some(dt),
            None => f.errs.push(doc.at_value(codes::BAD_VALUE, "date", format!("无法识别的日期 `{d}` (invalid date)")).hint(
                "日期写成 2024-05-12、2024/5/12、2024年5月12日（可加时间 09:30），并确认月份和日子存在",
            )),
        }
    }
    if let Some(y) = f.int("year") {
        if YEARS.contains(&y) {
            h.year = Some(y as i32);
        } else {
            f.errs.push(
                doc.at_value(
                    codes::BAD_VALUE,
                    "year",
                    format!(
                        "年份 {y} 超出范围 (year out of range {}–{})",
                        YEARS.start(),
                        YEARS.end()
                    ),
                )
                .hint("写四位年份，例如 year: 2024"),
            );
        }
    }
    h.summary = f.text("summary");
    h.tags = f.list("tags");
    for m in f.list("measures") {
        match m.parse::<u32>() {
            Ok(n) if n > 0 => {
                if !h.measures.contains(&n) {
                    h.measures.push(n)
                }
            }
            _ => f.errs.push(
                doc.at_value(
                    codes::BAD_VALUE,
                    "measures",
                    format!("举措编号 `{m}` 无效 (measures are ids of data/measures.yaml)"),
                )
                .hint("写 data/measures.yaml 里的编号，例如 measures: [5, 10]"),
            ),
        }
    }
    h.measures.sort_unstable();
    h.school = f.text("school");
    h.district = f.text("district");
    h.cover = f.text("cover");
    h.cover_alt = f.text("cover_alt");
    h.gallery = f.files("gallery", "caption");
    h.attachments = f.files("attachments", "title");
    h.video = f.text("video");
    if let Some(v) = f.text("cover_focus") {
        match Focus::parse(&v) {
            Some(focus) => h.cover_focus = focus,
            None => f.errs.push(
                doc.at_value(
                    codes::BAD_VALUE,
                    "cover_focus",
                    format!("封面裁切位置 `{v}` 无效 (unknown cover_focus)"),
                )
                .hint(format!("写 {}", Focus::NAMES)),
            ),
        }
    }
    h.author = f.text("author");
    h.source = f.text("source");
    h.editor = f.text("editor");
    h.reviewed_by = f.text("reviewed_by");
    h.review_date = f.text("review_date");
    h.slug = f.text("slug");
    h.aliases = f.list("aliases");
    h.allow_contact = f.list("allow_contact");
    h.brand = f.text("brand");
    h.slogan = f.text("slogan");
    h.subject = f.text("subject");
    h.category = f.text("category");
    if let Some(t) = f.text("tier") {
        if TIERS.contains(&t.as_str()) {
            h.tier = Some(t);
        } else {
            f.errs.push(
                doc.at_value(
                    codes::BAD_VALUE,
                    "tier",
                    format!("清廉学校层级不能是 `{t}`"),
                )
                .hint(format!("可用 (allowed): {}", TIERS.join("、"))),
            );
        }
    }
    if let Some(s) = f.text("status") {
        match Status::parse(&s) {
            Some(st) => h.status = Some(st),
            None => f.errs.push(
                doc.at_value(codes::BAD_VALUE, "status", format!("status 不能是 `{s}`"))
                    .hint("可用: draft 或 草稿、review 或 待审核、published 或 已发布"),
            ),
        }
    }
    if let Some(d) = f.bool("draft") {
        if d {
            h.status = Some(Status::Draft);
        } else if h.status.is_none() {
            h.status = Some(Status::Published);
        }
    }
    if errs.is_empty() {
        Ok(h)
    } else {
        Err(errs)
    }
}

/// Dates: `2024-05-12`, `2024-05-12 09:30[:00]`, `2024-05-12T09:30[:00]`,
/// RFC 3339, and as Chinese contributors and Hexo write them: `2024/5/12`,
/// `2024.5.12`, `2024年5月12日` (each with an optional time, `9:30` or
/// `9时30分`).
pub fn parse_date(s: &str, offset: FixedOffset) -> Option<DateTime<FixedOffset>> {
    let s = s.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return Some(dt);
    }
    let s = &local_form(s).unwrap_or_else(|| s.to_string());
    for fmt in [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(n) = NaiveDateTime::parse_from_str(s, fmt) {
            return offset.from_local_datetime(&n).single();
        }
    }
    let d = NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?;
    offset
        .from_local_datetime(&d.and_hms_opt(0, 0, 0)?)
        .single()
}

/// `2024/5/12`, `2024.5.12` or `2024年5月12日` (with an optional time) in
/// the ISO form `2024-05-12[ 09:30[:00]]`; None for anything else.
fn local_form(s: &str) -> Option<String> {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(
            r"^(\d{4})\s*(?:[/.]|年)\s*(\d{1,2})\s*(?:[/.]|月)\s*(\d{1,2})\s*日?(?:\s*(\d{1,2})\s*[:：时]\s*(\d{1,2})\s*分?(?:\s*[:：]?\s*(\d{1,2})\s*秒?)?)?$",
        )
        .expect("a valid pattern")
    });
    let c = re.captures(s)?;
    let n = |i: usize| c.get(i).map(|m| m.as_str().parse::<u32>().unwrap_or(99));
    let mut out = format!("{}-{:02}-{:02}", &c[1], n(2)?, n(3)?);
    if let (Some(h), Some(m)) = (n(4), n(5)) {
        out.push_str(&format!(" {h:02}:{m:02}:{:02}", n(6).unwrap_or(0)));
    }
    Some(out)
}

/// The header of `text` says the page is a draft or waits for review,
/// read line by line so that it still counts when the header as a whole
/// does not parse (`status: 草稿`, `status：draft`, `draft: true`).
pub fn declares_unpublished(text: &str) -> bool {
    let mut lines = text.lines();
    if lines.next().map(str::trim_end) != Some("---") {
        return false;
    }
    lines.take_while(|l| l.trim_end() != "---").any(|l| {
        let Some((key, value)) = l.split_once([':', '：']) else {
            return false;
        };
        let value = value.trim().trim_matches(['"', '\'']);
        match key.trim() {
            "status" => Status::parse(value).is_some_and(|s| s != Status::Published),
            "draft" => value == "true",
            _ => false,
        }
    })
}

/// What separates the items of a list value besides YAML's own commas.
pub const LIST_SEPARATORS: [char; 2] = ['，', '、'];

/// Typed access to header values; type errors land at the key's line.
struct Fields<'a, 'b> {
    doc: &'a YamlDoc<'a>,
    map: &'a Mapping,
    errs: &'b mut Vec<crate::diagnostics::Diagnostic>,
}

impl Fields<'_, '_> {
    fn get(&self, key: &str) -> Option<&Value> {
        match self.map.get(key) {
            None | Some(Value::Null) => None,
            Some(v) => Some(v),
        }
    }

    fn scalar(v: &Value) -> Option<String> {
        match v {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// A scalar as text; an empty string counts as absent, so a header
    /// written by `exemplar new` with `cover: ""` means "no cover".
    fn text(&mut self, key: &str) -> Option<String> {
        let v = self.get(key)?;
        match Self::scalar(v) {
            Some(s) if s.trim().is_empty() => None,
            Some(s) => Some(s),
            None => {
                self.errs.push(
                    self.doc
                        .at_value(
                            codes::BAD_VALUE,
                            key,
                            format!("`{key}` 应该是一段文字 (expected text)"),
                        )
                        .hint(format!("写成 {key}: 文字；列表和嵌套结构请放在 extra: 下")),
                );
                None
            }
        }
    }

    fn int(&mut self, key: &str) -> Option<i64> {
        let v = self.get(key)?;
        match v
            .as_i64()
            .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
        {
            Some(n) => Some(n),
            None => {
                self.errs.push(
                    self.doc
                        .at_value(
                            codes::BAD_VALUE,
                            key,
                            format!("`{key}` 应该是整数 (expected a whole number)"),
                        )
                        .hint(format!("例如 {key}: 10")),
                );
                None
            }
        }
    }

    fn bool(&mut self, key: &str) -> Option<bool> {
        let v = self.get(key)?;
        match v.as_bool() {
            Some(b) => Some(b),
            None => {
                self.errs.push(
                    self.doc
                        .at_value(
                            codes::BAD_VALUE,
                            key,
                            format!("`{key}` 应该是 true 或 false"),
                        )
                        .hint(format!("写成 {key}: true 或 {key}: false")),
                );
                None
            }
        }
    }

    fn list(&mut self, key: &str) -> Vec<String> {
        let Some(v) = self.get(key) else {
            return vec![];
        };
        // A Chinese comma or 、 separates items too (`[党建品牌，志愿服务]`
        // is two tags; `check` says so, W026), as does a comma in a single
        // value (`tags: 党建品牌, 志愿服务`).
        let items: Option<Vec<String>> = match v {
            Value::Sequence(seq) => seq.iter().map(Self::scalar).collect(),
            other => Self::scalar(other).map(|s| s.split(',').map(str::to_string).collect()),
        };
        match items {
            Some(items) => items
                .iter()
                .flat_map(|s| s.split(LIST_SEPARATORS))
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
            None => {
                self.errs.push(
                    self.doc
                        .at_value(
                            codes::BAD_VALUE,
                            key,
                            format!("`{key}` 应该是文字列表 (expected a list)"),
                        )
                        .hint(format!("写成 {key}: [甲, 乙]")),
                );
                vec![]
            }
        }
    }

    /// `gallery:`, `attachments:` — a list of file names, or of
    /// `{src, <label>}` (`caption`, `title`).
    fn files(&mut self, key: &str, label: &str) -> Vec<(String, String)> {
        let Some(v) = self.get(key) else {
            return vec![];
        };
        let item = |v: &Value| -> Option<(String, String)> {
            match v {
                Value::Mapping(m) => {
                    let src = m.get("src").and_then(Self::scalar)?;
                    let caption = m.get(label).and_then(Self::scalar).unwrap_or_default();
                    let known = m
                        .keys()
                        .all(|k| k.as_str() == Some("src") || k.as_str() == Some(label));
                    known.then(|| (src.trim().to_string(), caption.trim().to_string()))
                }
                other => Self::scalar(other).map(|s| (s.trim().to_string(), String::new())),
            }
        };
        let items: Option<Vec<(String, String)>> = match v {
            Value::Sequence(seq) => seq.iter().map(item).collect(),
            _ => None,
        };
        match items {
            Some(items) => items.into_iter().filter(|(s, _)| !s.is_empty()).collect(),
            None => {
                self.errs.push(
                    self.doc
                        .at_value(
                            codes::BAD_VALUE,
                            key,
                            format!("`{key}` 应该是文件列表 (expected a list of files)"),
                        )
                        .hint(format!(
                            "写成 {key}: [文件1, 文件2]，或每项写 - src: 文件 加 {label}: 说明"
                        )),
                );
                vec![]
            }
        }
    }

    fn json(&mut self, key: &str) -> serde_json::Value {
        let Some(v) = self.get(key) else {
            return serde_json::Value::Null;
        };
        match serde_json::to_value(v) {
            Ok(j) => j,
            Err(e) => {
                self.errs.push(
                    self.doc
                        .at_key(codes::BAD_VALUE, key, format!("`{key}` 无法读取: {e}"))
                        .hint("extra 下的键请用文字"),
                );
                serde_json::Value::Null
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn off() -> FixedOffset {
        FixedOffset::east_opt(8 * 3600).unwrap()
    }

    #[test]
    fn dates_in_three_forms() {
        assert_eq!(
            parse_date("2024-05-12", off()).unwrap().to_rfc3339(),
            "2024-05-12T00:00:00+08:00"
        );
        assert_eq!(
            parse_date("2024-05-12 09:30", off()).unwrap().to_rfc3339(),
            "2024-05-12T09:30:00+08:00"
        );
        assert_eq!(
            parse_date("2024-05-12T09:30:00Z", off())
                .unwrap()
                .to_rfc3339(),
            "2024-05-12T09:30:00+00:00"
        );
        assert!(parse_date("2024-02-30", off()).is_none());
        // As contributors and Hexo write them.
        for (typed, iso) in [
            ("2024/5/12", "2024-05-12T00:00:00+08:00"),
            ("2024.5.12", "2024-05-12T00:00:00+08:00"),
            ("2024年5月12日", "2024-05-12T00:00:00+08:00"),
            ("2024 年 5 月 12 日", "2024-05-12T00:00:00+08:00"),
            ("2013/7/13 20:46:25", "2013-07-13T20:46:25+08:00"),
            ("2024年5月12日 9:30", "2024-05-12T09:30:00+08:00"),
            ("2024年5月12日9时30分", "2024-05-12T09:30:00+08:00"),
        ] {
            assert_eq!(
                parse_date(typed, off()).map(|d| d.to_rfc3339()).as_deref(),
                Some(iso),
                "{typed}"
            );
        }
        for bad in [
            "2024/13/1",
            "2024年2月30日",
            "2024/5",
            "5/12/2024",
            "2024年5月12日 25:00",
        ] {
            assert!(parse_date(bad, off()).is_none(), "{bad}");
        }
    }

    #[test]
    fn header_lines_are_file_lines() {
        let text = "---\ntitle: a\ntitel: b\n---\nbody\n".to_string();
        let e = parse_doc("content/a.md", "a.md", text, off(), false).unwrap_err();
        assert_eq!((e[0].line, e[0].col), (3, 1));
        assert!(e[0].hint.as_deref().unwrap().contains("`title`"));
    }

    #[test]
    fn body_line_follows_header() {
        let d = parse_doc(
            "c/a.md",
            "a.md",
            "---\ntitle: a\n---\nbody\n".into(),
            off(),
            false,
        )
        .unwrap();
        assert_eq!(d.body_line, 4);
        assert_eq!(d.body(), "body\n");
    }
}
