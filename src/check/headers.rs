//! Header checks: required fields, meta for the government site, title
//! length, duplicates, dates; registry consistency; review queue.

use std::collections::BTreeMap;

use crate::check::{Finding, Findings};
use crate::config::Config;
use crate::model::{Header, Kind, Registry, SourceDoc, Status};
use crate::resolve::place::Kinds;
use crate::resolve::Resolved;

/// Whether `key` has a non-empty value in the header.
fn present(h: &Header, key: &str) -> bool {
    let s = |v: &Option<String>| v.as_deref().is_some_and(|x| !x.trim().is_empty());
    match key {
        "title" => !h.title.is_empty(),
        "date" => h.date.is_some(),
        "year" => h.year.is_some() || h.date.is_some(),
        "summary" => s(&h.summary),
        "description" => s(&h.description),
        "tags" => !h.tags.is_empty(),
        "measures" => !h.measures.is_empty(),
        "school" => s(&h.school),
        "district" => s(&h.district),
        "cover" => s(&h.cover),
        "cover_alt" => s(&h.cover_alt),
        "author" => s(&h.author),
        "source" => s(&h.source),
        "editor" => s(&h.editor),
        "reviewed_by" => s(&h.reviewed_by),
        "review_date" => s(&h.review_date),
        "brand" => s(&h.brand),
        "slogan" => s(&h.slogan),
        "subject" => s(&h.subject),
        "category" => s(&h.category),
        "tier" => s(&h.tier),
        other => h.key_lines.iter().any(|(k, ..)| k == other),
    }
}

/// List values that a Chinese comma or 、 split (`tags: [党建品牌，志愿服务]`
/// is two tags): said, so the author sees what the build made of them.
fn split_lists(d: &SourceDoc, out: &mut Findings) {
    let h = &d.header;
    for (key, items) in [
        ("tags", h.tags.clone()),
        ("measures", h.measures.iter().map(u32::to_string).collect()),
        ("aliases", h.aliases.clone()),
    ] {
        if !h.key_lines.iter().any(|(k, ..)| k == key) {
            continue;
        }
        let (line, _, _) = h.value_of(key);
        // The key's line and a block list's `- item` lines after it.
        let lines = d
            .text
            .lines()
            .skip(line - 1)
            .enumerate()
            .take_while(|(i, l)| *i == 0 || l.starts_with(' ') || l.starts_with('-'));
        for (i, l) in lines {
            if let Some(col) = without_comment(l)
                .chars()
                .position(|c| crate::parse::header::LIST_SEPARATORS.contains(&c))
            {
                out.push(Finding::new(
                    "W026",
                    &d.file,
                    line + i,
                    col + 1,
                    format!(
                        "`{key}` 里的中文逗号或顿号已当作分隔符 (Chinese comma splits the list)：{}",
                        items.join(" | ")
                    ),
                    format!("确认拆分无误；建议改用半角逗号：{key}: [{}]", items.join(", ")),
                ));
                break;
            }
        }
    }
}

/// A header line without its YAML comment (` # …` outside quotes): a
/// comment's punctuation is nobody's list.
fn without_comment(line: &str) -> &str {
    let mut quote = None;
    let mut prev = ' ';
    for (i, c) in line.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '#' && prev.is_whitespace() => return &line[..i],
            None => {}
        }
        prev = c;
    }
    line
}

/// Header checks of one page, judged by the kind `build` gives it.
pub fn check(cfg: &Config, kinds: &Kinds, d: &SourceDoc, out: &mut Findings) {
    split_lists(d, out);
    let h = &d.header;
    let kind = kinds.page(d);
    let status = h.status.unwrap_or(Status::Published);
    let at = |key: &str| h.value_of(key);
    if let Some(keys) = cfg.check.required.get(kind.name()) {
        for k in keys {
            if !present(h, k) {
                out.push(Finding::new(
                    "E020",
                    &d.file,
                    1,
                    1,
                    format!(
                        "{} ({}) 页面必须有 `{k}` (required field missing)",
                        kind.label(),
                        kind.name()
                    ),
                    format!("在头部加上 {k}: …；必填字段在 site.yaml 的 check.required 里设置"),
                ));
            }
        }
    }
    if cfg.check.require_meta && status == Status::Published && kind != Kind::Page {
        for k in ["source", "editor"] {
            if !present(h, k) {
                out.push(Finding::new(
                    "E021",
                    &d.file,
                    1,
                    1,
                    format!(
                        "政府网站发布的文章必须写 `{k}`（{}）",
                        if k == "source" {
                            "来源"
                        } else {
                            "责任编辑"
                        }
                    ),
                    format!("在头部加上 {k}: …"),
                ));
            }
        }
    }
    let n = h.title.chars().count();
    if n > cfg.check.max_title {
        let (l, c, _) = at("title");
        out.push(Finding::new(
            "W022",
            &d.file,
            l,
            c,
            format!(
                "标题有 {n} 个字，超过 {} 个字 (title too long)",
                cfg.check.max_title
            ),
            "精简标题，副标题可以写进 summary",
        ));
    }
    if let Some(date) = h.date {
        if date > chrono::Utc::now() {
            let (l, c, _) = at("date");
            out.push(Finding::new(
                "W024",
                &d.file,
                l,
                c,
                format!(
                    "日期 {} 在未来 (date in the future)",
                    date.format("%Y-%m-%d")
                ),
                "检查年份是否写错；预定发布的稿件请保持 status: draft",
            ));
        }
        if let Some(y) = h.year {
            let dy = chrono::Datelike::year(&date);
            if y != dy {
                let (l, c, _) = at("year");
                out.push(Finding::new(
                    "E025",
                    &d.file,
                    l,
                    c,
                    format!("year: {y} 与 date 的年份 {dy} 不一致"),
                    "删掉 year（会从 date 取），或改成与 date 相同的年份",
                ));
            }
        }
    }
}

pub fn duplicate_titles(docs: &[SourceDoc], out: &mut Vec<Finding>) {
    let mut seen: BTreeMap<&str, &SourceDoc> = BTreeMap::new();
    let mut pages: Vec<&SourceDoc> = docs.iter().filter(|d| !d.is_section).collect();
    pages.sort_by(|a, b| a.file.cmp(&b.file));
    for d in pages {
        match seen.get(d.header.title.as_str()) {
            Some(first) => {
                let (l, c, _) = d.header.value_of("title");
                out.push(Finding::new(
                    "W023",
                    &d.file,
                    l,
                    c,
                    format!("标题与 {} 重复 (duplicate title)", first.file),
                    "给两篇文章不同的标题，便于读者和搜索区分",
                ));
            }
            None => {
                seen.insert(&d.header.title, d);
            }
        }
    }
}

pub fn waiting_for_review(docs: &[SourceDoc], out: &mut Vec<Finding>) {
    for d in docs
        .iter()
        .filter(|d| d.header.status == Some(Status::Review))
    {
        let (l, c, _) = d.header.value_of("status");
        out.push(Finding::new(
            "I061",
            &d.file,
            l,
            c,
            format!("待审核 (waiting for review)：{}", d.header.title),
            "审核通过后写 status: published、reviewed_by 和 review_date",
        ));
    }
}

/// Registry consistency: schools without any content (a to-do for the
/// editors). Tiers that disagree with the registry are build errors
/// (`resolve/pages.rs`).
pub fn registry(reg: &Registry, site: &Resolved, root: &std::path::Path, out: &mut Vec<Finding>) {
    let Some(schools) = &reg.schools else { return };
    let text = std::fs::read_to_string(root.join("data/schools.yaml")).unwrap_or_default();
    let line_of =
        |id: &str| crate::parse::yaml::entry_line(&text, &format!("id: {id}")).unwrap_or(1);
    for s in schools {
        if site
            .schools
            .iter()
            .any(|t| t.slug == s.id && t.pages.is_empty())
        {
            out.push(Finding::new(
                "I030",
                "data/schools.yaml",
                line_of(&s.id),
                3,
                format!("{}（{}）还没有任何展示内容", s.name, s.id),
                "约稿：品牌案例、先进事迹或清廉学校建设",
            ));
        }
    }
}
