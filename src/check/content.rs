//! Checks of a page body: links (empty, plain http, anchors) and the
//! accessibility basics a contributor controls — alt text, heading order, no
//! h1 in the body, table headers, meaningful link text.

use std::collections::{HashMap, HashSet};

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

use crate::check::{Finding, Findings};
use crate::diagnostics::Positions;
use crate::model::SourceDoc;
use crate::parse::markdown::options;
use crate::parse::slug::decode_path;
use crate::resolve::Resolved;

/// Link texts that tell a screen-reader user nothing.
const VAGUE: &[&str] = &[
    "点击这里",
    "点这里",
    "这里",
    "此处",
    "点击",
    "点击此处",
    "请点击",
    "更多",
    "链接",
    "click here",
    "here",
    "more",
    "link",
    "read more",
];

pub fn check_body(d: &SourceDoc, positions: &Positions, out: &mut Findings) {
    peer_syntax(d, positions, out);
    let f = &d.file;
    let pos = |at: usize| positions.at(d.body_start + at);
    let mut last_level: usize = 1; // the page title is the h1
    let mut link: Option<(usize, String, String)> = None; // start, dest, text
    let mut image: Option<(usize, String)> = None; // start, alt
    let mut table_head: Option<(usize, bool)> = None; // start, any header text
    let mut in_head = false;
    for (ev, range) in Parser::new_ext(d.body(), options()).into_offset_iter() {
        match ev {
            Event::Start(Tag::Heading { level, .. }) => {
                let n = level as usize;
                let (l, c) = pos(range.start);
                if level == HeadingLevel::H1 {
                    out.push(Finding::new(
                        "E042",
                        f,
                        l,
                        c,
                        "正文里有一级标题 `#` (h1 in content)：页面标题已经是唯一的一级标题",
                        "把 `# ` 改成 `## `",
                    ));
                } else if n > last_level + 1 {
                    out.push(Finding::new(
                        "W041",
                        f,
                        l,
                        c,
                        format!(
                            "标题层级跳级：从 {} 级直接到 {n} 级 (heading level skipped)",
                            last_level
                        ),
                        format!("用 {} 个 `#`，或补上中间一级标题", last_level + 1),
                    ));
                }
                last_level = n;
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                link = Some((range.start, dest_url.to_string(), String::new()))
            }
            Event::End(TagEnd::Link) => {
                if let Some((start, dest, text)) = link.take() {
                    let (l, c) = pos(start);
                    let t = text.trim();
                    if dest.trim().is_empty() {
                        out.push(Finding::new(
                            "E011",
                            f,
                            l,
                            c,
                            format!("链接「{t}」没有网址 (empty link)"),
                            "在 ( ) 里写上网址，或去掉链接只留文字",
                        ));
                    } else if t.is_empty() {
                        out.push(Finding::new(
                            "E011",
                            f,
                            l,
                            c,
                            format!("链接 {dest} 没有文字 (empty link text)"),
                            "在 [ ] 里写上说明链接去向的文字",
                        ));
                    } else if VAGUE.contains(&t.to_lowercase().as_str()) {
                        out.push(Finding::new(
                            "W044",
                            f,
                            l,
                            c,
                            format!("链接文字「{t}」说明不了去向 (vague link text)"),
                            "写明链接的目标，例如「阅读云江实验小学的品牌案例」",
                        ));
                    }
                    if dest.starts_with("http://") {
                        out.push(Finding::new(
                            "W012",
                            f,
                            l,
                            c,
                            format!("链接 {dest} 用的是 http:// (not https)"),
                            "能用 https:// 时请改为 https://，政府网站会拦截不安全的链接",
                        ));
                    }
                }
            }
            Event::Start(Tag::Image { .. }) => image = Some((range.start, String::new())),
            Event::End(TagEnd::Image) => {
                if let Some((start, alt)) = image.take() {
                    if alt.trim().is_empty() {
                        let (l, c) = pos(start);
                        out.push(Finding::new("E040", f, l, c, "图片没有替代文字 (image without alt text)", "在 ![ ] 的方括号里写出图片内容，例如 ![党员教师在社区辅导学生](photo.jpg)"));
                    }
                }
            }
            Event::Start(Tag::TableHead) => {
                in_head = true;
                table_head = Some((range.start, false));
            }
            Event::End(TagEnd::TableHead) => {
                in_head = false;
                if let Some((start, false)) = table_head.take() {
                    let (l, c) = pos(start);
                    out.push(Finding::new(
                        "W043",
                        f,
                        l,
                        c,
                        "表格没有表头 (table without header row)",
                        "表格第一行写上各列的名称",
                    ));
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, _, text)) = link.as_mut() {
                    text.push_str(&t);
                }
                if let Some((_, alt)) = image.as_mut() {
                    alt.push_str(&t);
                }
                if in_head && !t.trim().is_empty() {
                    if let Some((_, any)) = table_head.as_mut() {
                        *any = true;
                    }
                }
            }
            Event::Html(h) | Event::InlineHtml(h) => raw_html(d, pos(range.start), &h, out),
            _ => {}
        }
    }
}

/// The same checks for raw HTML written into Markdown.
fn raw_html(d: &SourceDoc, (l, c): (usize, usize), html: &str, out: &mut Findings) {
    let lower = html.to_lowercase();
    if lower.contains("<img") && !lower.contains("alt=") {
        out.push(Finding::new(
            "E040",
            &d.file,
            l,
            c,
            "HTML 图片没有 alt 属性 (image without alt text)",
            "给 <img> 加上 alt=\"图片内容\"",
        ));
    }
    if lower.contains("<h1") {
        out.push(Finding::new(
            "E042",
            &d.file,
            l,
            c,
            "正文里有 <h1> (h1 in content)",
            "改成 <h2>",
        ));
    }
    if lower.contains("<table") && !lower.contains("<th") {
        out.push(Finding::new(
            "W043",
            &d.file,
            l,
            c,
            "HTML 表格没有表头 <th> (table without header row)",
            "第一行的单元格用 <th>",
        ));
    }
}

/// Every `#anchor` of an internal link names a heading of its target page.
pub fn check_anchors(site: &Resolved, out: &mut Vec<Finding>) {
    let ids: HashMap<&str, HashSet<&str>> = site
        .pages
        .iter()
        .map(|p| {
            (
                p.path.as_str(),
                p.rendered.toc.iter().map(|t| t.id.as_str()).collect(),
            )
        })
        .collect();
    for p in &site.pages {
        let d = &p.doc;
        if !d.body().contains('#') {
            continue;
        }
        let positions = Positions::new(&d.text);
        let pos = |at: usize| positions.at(d.body_start + at);
        for (ev, range) in Parser::new_ext(d.body(), options()).into_offset_iter() {
            let Event::Start(Tag::Link { dest_url, .. }) = ev else {
                continue;
            };
            let Some((target, frag)) = dest_url.split_once('#') else {
                continue;
            };
            let frag = decode_path(frag);
            if frag.is_empty() {
                continue;
            }
            // The target page, resolved as the build resolves the link.
            let path = if target.is_empty() {
                Some(p.path.clone())
            } else {
                match site.links.locate(&d.rel, target, false) {
                    Ok(crate::resolve::links::Located::Site(path, _)) => Some(path),
                    _ => None,
                }
            };
            let Some(found) = path.as_deref().and_then(|p| ids.get(p)) else {
                continue;
            };
            if !found.contains(frag.as_str()) {
                let (l, c) = pos(range.start);
                let mut known: Vec<&&str> = found.iter().collect();
                known.sort();
                let hint = if known.is_empty() {
                    "目标页面没有小标题，去掉 # 及其后面的部分".to_string()
                } else {
                    format!(
                        "可用的锚点: {}",
                        known
                            .iter()
                            .map(|k| format!("#{k}"))
                            .collect::<Vec<_>>()
                            .join(" ")
                    )
                };
                out.push(Finding::new(
                    "E010",
                    &d.file,
                    l,
                    c,
                    format!("锚点 #{frag} 在目标页面上不存在 (broken anchor)"),
                    hint,
                ));
            }
        }
    }
}

/// Hexo tag plugins (`{% note %}`), Hugo shortcodes (`{{< figure >}}`,
/// `{{% ref %}}`) and container fences (`::: tip`) left in a body: exemplar
/// prints them as text, so each is said once per line (outside code).
fn peer_syntax(d: &SourceDoc, positions: &Positions, out: &mut Findings) {
    let mut fence: Option<&str> = None;
    let mut offset = 0;
    for line in d.body().split_inclusive('\n') {
        let at = offset;
        offset += line.len();
        let t = line.trim_start();
        // Fenced code is code: ``` or ~~~, closed by the same mark.
        if let Some(f) = fence {
            if t.starts_with(f) {
                fence = None;
            }
            continue;
        }
        if let Some(f) = ["```", "~~~"].into_iter().find(|f| t.starts_with(f)) {
            fence = Some(f);
            continue;
        }
        let found = [
            ("{%", "Hexo 标签插件"),
            ("{{<", "Hugo shortcode"),
            ("{{%", "Hugo shortcode"),
        ]
        .iter()
        .filter_map(|(m, what)| line.find(m).map(|i| (i, *what)))
        .min()
        .or_else(|| {
            t.starts_with(":::")
                .then(|| (line.len() - t.len(), "::: 容器语法"))
        });
        let Some((i, what)) = found else { continue };
        // Inside `inline code` it is shown as code, on purpose.
        if line[..i].matches('`').count() % 2 == 1 {
            continue;
        }
        let (l, c) = positions.at(d.body_start + at + i);
        let snippet: String = line[i..].trim_end().chars().take(40).collect();
        out.push(Finding::new(
            "W046",
            &d.file,
            l,
            c,
            format!("未转换的{what} `{snippet}` 会原样显示在页面上 (unrendered peer syntax)"),
            "改写成 Markdown：图片用 ![说明](图.jpg)，提示框用 > 引用，站内链接用 @/栏目/文件.md；exemplar import 可自动转换常见写法",
        ));
    }
}
