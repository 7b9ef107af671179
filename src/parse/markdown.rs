//! Markdown → HTML with pulldown-cmark (GFM tables, footnotes,
//! strikethrough, task lists), plus what templates need from a body: a table
//! of contents with unique heading ids that keep Chinese, a plain-text
//! summary, a reading time, and internal links rewritten to final URLs.

use std::collections::HashMap;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, Options, Parser, Tag, TagEnd};

use std::cell::OnceCell;
use std::sync::LazyLock;

use crate::diagnostics::{codes, more_message, Capped, Diagnostic, Positions};
use crate::model::{SourceDoc, TocEntry};
use crate::parse::slug::slugify;

/// Maps a link destination written in content to the URL to emit.
pub trait LinkResolver: Sync {
    /// `from` is the content file (relative to content/); `image` when the
    /// destination is an image. Ok(Some(url)): rewrite; Ok(None): keep.
    fn resolve(&self, from: &str, dest: &str, image: bool) -> Result<Option<String>, LinkError>;

    /// The site path a destination points at, when it is a file of the
    /// site (for the attachment list).
    fn site_path(&self, _from: &str, _dest: &str) -> Option<String> {
        None
    }

    /// The processed versions of an image destination, when it has any.
    fn picture(&self, _from: &str, _dest: &str) -> Option<PictureUrls> {
        None
    }
}

/// A processed image as a page shows it: URLs ready to write (encoded,
/// under base_url), smallest first.
#[derive(Debug, Clone, Default, Hash, serde::Serialize)]
pub struct PictureUrls {
    /// `url 480w, url 960w` of the WebP files and of the fallback files.
    pub webp_srcset: String,
    pub fallback_srcset: String,
    /// The middle fallback file, for browsers without `srcset`.
    pub src: String,
    /// The largest fallback file (what a gallery links to).
    pub large: String,
    pub fallback_type: String,
    pub width: u32,
    pub height: u32,
}

/// Widths a gallery photo is shown at: a grid cell.
pub const GALLERY_SIZES: &str = "(min-width: 52rem) 15rem, 50vw";

/// A gallery: a grid of photos, each a link to its largest version (what
/// a visitor without script gets) that the theme's lightbox opens in place.
/// Items: picture, caption, alt text.
pub fn gallery_html(items: &[(PictureUrls, String, String)]) -> String {
    let mut out = String::from(r#"<ul class="gallery">"#);
    for (pic, caption, alt) in items {
        let alt = if alt.is_empty() { caption } else { alt };
        out.push_str(&format!(
            r#"<li><figure><a href="{}">{}</a>"#,
            esc(&pic.large),
            pic.html(alt, None, GALLERY_SIZES, false)
        ));
        if !caption.is_empty() {
            out.push_str(&format!("<figcaption>{}</figcaption>", esc(caption)));
        }
        out.push_str("</figure></li>");
    }
    out.push_str("</ul>");
    out
}

/// Widths an image in a body is shown at: the text column, or the screen.
pub const BODY_SIZES: &str = "(min-width: 52rem) 46rem, 100vw";

impl PictureUrls {
    /// The URLs of `p`'s variants (`thumbs`: its 4:3 crops, when it has
    /// them); `href` turns a site path into a URL.
    pub fn new(p: &crate::model::Picture, thumbs: bool, href: &dyn Fn(&str) -> String) -> Self {
        let list = if thumbs && !p.thumbs.is_empty() {
            &p.thumbs
        } else {
            &p.variants
        };
        let set = |f: &dyn Fn(&crate::model::Variant) -> &str| {
            list.iter()
                .map(|v| format!("{} {}w", href(f(v)), v.width))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mid = list.get(list.len().saturating_sub(1).min(1));
        let last = list.last();
        PictureUrls {
            webp_srcset: set(&|v| &v.webp),
            fallback_srcset: set(&|v| &v.fallback),
            src: mid.map(|v| href(&v.fallback)).unwrap_or_default(),
            large: last.map(|v| href(&v.fallback)).unwrap_or_default(),
            fallback_type: p.fallback_type.clone(),
            width: last.map(|v| v.width).unwrap_or(p.width),
            height: last.map(|v| v.height).unwrap_or(p.height),
        }
    }

    /// `<picture>` markup; `eager` for the first image a visitor sees.
    pub fn html(&self, alt: &str, title: Option<&str>, sizes: &str, eager: bool) -> String {
        let loading = if eager {
            r#" fetchpriority="high""#
        } else {
            r#" loading="lazy" decoding="async""#
        };
        let title = title
            .filter(|t| !t.is_empty())
            .map(|t| format!(r#" title="{}""#, esc(t)))
            .unwrap_or_default();
        if self.webp_srcset.is_empty() {
            // Not processed (an SVG): the file itself.
            return format!(
                r#"<img src="{}" alt="{}"{title}{loading}>"#,
                esc(&self.src),
                esc(alt)
            );
        }
        format!(
            r#"<picture><source type="image/webp" srcset="{}" sizes="{sizes}"><img src="{}" srcset="{}" sizes="{sizes}" width="{}" height="{}" alt="{}"{title}{loading}></picture>"#,
            esc(&self.webp_srcset),
            esc(&self.src),
            esc(&self.fallback_srcset),
            self.width,
            self.height,
            esc(alt),
        )
    }
}

/// Why a destination does not resolve, and how to fix it.
#[derive(Debug, Clone)]
pub struct LinkError {
    pub code: &'static str,
    pub message: String,
    pub hint: String,
}

#[derive(Debug, Default, Clone)]
pub struct Rendered {
    /// Shared, so a cache can hand it out without copying.
    pub html: std::sync::Arc<str>,
    pub toc: Vec<TocEntry>,
    /// Plain text: text before `<!-- more -->`, else the first characters.
    pub auto_summary: String,
    pub reading_minutes: u32,
    pub errors: Vec<Diagnostic>,
    /// Site paths of documents the body links to (.pdf, .docx, ...), in
    /// order, once each: the page lists them as attachments.
    pub attachments: Vec<String>,
    /// Hash of the whole source file and the HTML made from it: what
    /// `serve` compares to decide whether a page changed.
    pub fingerprint: u64,
}

pub const SUMMARY_CHARS: usize = 120;
const MORE: &str = "<!-- more -->";

pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

pub fn render(doc: &SourceDoc, links: &dyn LinkResolver) -> Rendered {
    let body = doc.body();
    let mut out = Rendered::default();
    let mut events: Vec<Event> = Vec::with_capacity(256);
    let mut ids: HashMap<String, usize> = HashMap::new();
    let mut heading: Option<(Vec<Event>, String)> = None; // buffered events, text
    let has_more = body.contains(MORE);
    let mut summary_text = String::new();
    let mut more_at: Option<usize> = None;
    let mut skip_summary = 0usize; // depth inside headings, code, tables
    let mut all_text_han = 0usize;
    let mut all_words = 0usize;
    let mut in_word = false;

    // Positions are computed only when a body has a problem to report.
    let positions: OnceCell<Positions> = OnceCell::new();
    let mut fix = Fixer {
        doc,
        links,
        positions: &positions,
        errors: Capped::default(),
    };
    // An image with processed versions: its alt text, gathered until its end.
    let mut picture: Option<(PictureUrls, String, String, usize)> = None; // urls, title, alt, depth
                                                                          // A ```gallery or ```video block: its kind, text and where it starts.
    let mut block: Option<(Block, String, usize)> = None;
    for (ev, range) in Parser::new_ext(body, options()).into_offset_iter() {
        let at = doc.body_start + range.start;
        if let Some((_, _, alt, depth)) = picture.as_mut() {
            match &ev {
                Event::Start(Tag::Image { .. }) => *depth += 1,
                Event::End(TagEnd::Image) if *depth > 0 => *depth -= 1,
                Event::End(TagEnd::Image) => {}
                Event::Text(t) | Event::Code(t) => alt.push_str(t),
                _ => {}
            }
            if !matches!(ev, Event::End(TagEnd::Image)) || *depth > 0 {
                continue;
            }
        }
        if let Some((_, text, start)) = block.as_mut() {
            match ev {
                Event::Text(t) => {
                    if text.is_empty() {
                        *start = at;
                    }
                    text.push_str(&t);
                }
                Event::End(TagEnd::CodeBlock) => {
                    let (kind, text, start) = block.take().unwrap_or_default();
                    let html = match kind {
                        Block::Gallery => fix.gallery(&text, start),
                        Block::Video => fix.video(&text, start),
                    };
                    events_push(&mut heading, &mut events, Event::Html(CowStr::from(html)));
                }
                _ => {}
            }
            continue;
        }
        if let Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(lang))) = &ev {
            let kind = match lang.trim() {
                "gallery" => Some(Block::Gallery),
                "video" => Some(Block::Video),
                _ => None,
            };
            if let Some(kind) = kind {
                block = Some((kind, String::new(), at));
                continue;
            }
        }
        if let Some((urls, title, alt, _)) = picture.take() {
            let html = urls.html(&alt, Some(&title), BODY_SIZES, false);
            events_push(
                &mut heading,
                &mut events,
                Event::InlineHtml(CowStr::from(html)),
            );
            continue;
        }
        if let Event::Start(Tag::Image {
            dest_url, title, ..
        }) = &ev
        {
            if let Some(urls) = links.picture(&doc.rel, dest_url) {
                picture = Some((urls, title.to_string(), String::new(), 0));
                continue;
            }
        }
        let ev = match ev {
            // An e-mail autolink (`<a@b.cn>`): written as `mailto:` by the
            // HTML writer, never a path of the site.
            ev @ Event::Start(Tag::Link {
                link_type: pulldown_cmark::LinkType::Email,
                ..
            }) => ev,
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                if let Some(path) = links.site_path(&doc.rel, &dest_url) {
                    if crate::model::attachment_type(&path).is_some()
                        && !out.attachments.contains(&path)
                    {
                        out.attachments.push(path);
                    }
                }
                Event::Start(Tag::Link {
                    link_type,
                    dest_url: fix.url(at, dest_url, false),
                    title,
                    id,
                })
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => Event::Start(Tag::Image {
                link_type,
                dest_url: fix.url(at, dest_url, true),
                title,
                id,
            }),
            Event::Html(ref h) | Event::InlineHtml(ref h) if h.trim() == MORE => {
                if more_at.is_none() {
                    more_at = Some(summary_text.len());
                }
                continue;
            }
            Event::Html(h) => Event::Html(fix.raw_html(at, h)),
            Event::InlineHtml(h) => Event::InlineHtml(fix.raw_html(at, h)),
            other => other,
        };
        match &ev {
            Event::Start(Tag::Heading { .. })
            | Event::Start(Tag::CodeBlock(_))
            | Event::Start(Tag::Table(_)) => skip_summary += 1,
            Event::End(TagEnd::Heading(_))
            | Event::End(TagEnd::CodeBlock)
            | Event::End(TagEnd::Table) => skip_summary = skip_summary.saturating_sub(1),
            Event::Text(t) | Event::Code(t) => {
                for c in t.chars() {
                    if is_cjk(c) {
                        all_text_han += 1;
                        in_word = false;
                    } else if c.is_alphanumeric() {
                        if !in_word {
                            all_words += 1;
                        }
                        in_word = true;
                    } else {
                        in_word = false;
                    }
                }
                if let Some((_, text)) = heading.as_mut() {
                    text.push_str(t);
                }
                if skip_summary == 0
                    && more_at.is_none()
                    && (has_more || summary_text.len() < SUMMARY_CHARS * 4 + 8)
                {
                    summary_text.push_str(t);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                in_word = false;
            }
            Event::End(TagEnd::Paragraph) | Event::End(TagEnd::Item) => {
                in_word = false;
                if more_at.is_none() && !summary_text.is_empty() && !summary_text.ends_with(' ') {
                    summary_text.push(' ');
                }
            }
            _ => {}
        }
        match ev {
            Event::Start(Tag::Heading { .. }) => {
                events.push(ev);
                heading = Some((Vec::new(), String::new()));
            }
            Event::End(TagEnd::Heading(level)) => {
                if let Some((buffered, text)) = heading.take() {
                    let (lvl, explicit, classes, attrs) = match events.pop() {
                        Some(Event::Start(Tag::Heading {
                            level,
                            id,
                            classes,
                            attrs,
                        })) => (level, id, classes, attrs),
                        _ => (level, None, vec![], vec![]),
                    };
                    let base = explicit.as_ref().map(|s| s.to_string()).unwrap_or_else(|| {
                        let s = slugify(&text, false);
                        if s.is_empty() {
                            "section".to_string()
                        } else {
                            s
                        }
                    });
                    let id = unique_id(&mut ids, base);
                    out.toc.push(TocEntry {
                        level: lvl as u8,
                        id: id.clone(),
                        title: text.trim().to_string(),
                    });
                    // `{#id .class}` only: other attributes (`onfocus=…`,
                    // `autofocus`) are never written, trusted site or not.
                    let _ = attrs;
                    events.push(Event::Start(Tag::Heading {
                        level: lvl,
                        id: Some(CowStr::from(id)),
                        classes,
                        attrs: vec![],
                    }));
                    events.extend(buffered);
                    events.push(Event::End(TagEnd::Heading(level)));
                }
            }
            ev => events_push(&mut heading, &mut events, ev),
        }
    }
    let file = doc.file.clone();
    out.errors = fix.errors.finish(|code, n| {
        Diagnostic::file(codes::MORE, &file, more_message(code, n))
            .hint("先改正上面列出的几处，再重新运行")
    });
    let mut html = String::with_capacity(body.len() + body.len() / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    out.html = html.into();
    let text = match more_at {
        Some(at) => summary_text[..at].trim().to_string(),
        None => truncate_chars(summary_text.trim(), SUMMARY_CHARS),
    };
    out.auto_summary = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let minutes = (all_text_han as f64 / 400.0 + all_words as f64 / 200.0).ceil() as u32;
    out.reading_minutes = minutes.max(1);
    out.fingerprint = {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        doc.text.hash(&mut h);
        out.html.hash(&mut h);
        h.finish()
    };
    out
}

/// Fenced blocks that become markup instead of code.
#[derive(Debug, Default, Clone, Copy)]
enum Block {
    #[default]
    Gallery,
    Video,
}

/// Text escaped for HTML text and attribute values.
fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    pulldown_cmark_escape::escape_html(&mut o, s).ok();
    o
}

/// An event into the heading being gathered, else into the body.
fn events_push<'a>(
    heading: &mut Option<(Vec<Event<'a>>, String)>,
    events: &mut Vec<Event<'a>>,
    ev: Event<'a>,
) {
    match heading.as_mut() {
        Some((buffered, _)) => buffered.push(ev),
        None => events.push(ev),
    }
}

/// Rewrites link and image destinations (Markdown and raw HTML) through
/// the resolver and records what does not resolve.
struct Fixer<'d, 'p> {
    doc: &'d SourceDoc,
    links: &'d dyn LinkResolver,
    positions: &'p OnceCell<Positions<'d>>,
    errors: Capped<Diagnostic>,
}

/// `href`, `src` and `poster` attributes in raw HTML.
static URL_ATTR: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(r#"(?i)\b(href|src|poster)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))"#)
        .expect("valid regex")
});

impl<'d> Fixer<'d, '_> {
    /// The destination to write for `dest`, found at file offset `at`.
    fn url<'a>(&mut self, at: usize, dest: CowStr<'a>, image: bool) -> CowStr<'a> {
        match self.links.resolve(&self.doc.rel, &dest, image) {
            Ok(Some(url)) => CowStr::from(url),
            Ok(None) => dest,
            Err(e) => {
                self.report(at, e);
                dest
            }
        }
    }

    /// A ```gallery block: one photo per line, `file caption` (or
    /// `file | caption`); each file checked like a Markdown image.
    fn gallery(&mut self, text: &str, start: usize) -> String {
        let mut items = Vec::new();
        let mut offset = 0;
        for line in text.split_inclusive('\n') {
            let at = start + offset;
            offset += line.len();
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            let (src, caption) = match line.split_once('|') {
                Some((s, c)) => (s.trim(), c.trim()),
                None => match line.split_once(char::is_whitespace) {
                    Some((s, c)) => (s.trim(), c.trim()),
                    None => (line, ""),
                },
            };
            // Reports a missing file at its line; a photo the image stage
            // did not process (an SVG) is shown as a plain link.
            let href = self
                .url(at, CowStr::from(src.to_string()), true)
                .to_string();
            match self.links.picture(&self.doc.rel, src) {
                Some(p) => items.push((p, caption.to_string(), String::new())),
                None => items.push((
                    PictureUrls {
                        src: href.clone(),
                        large: href,
                        ..PictureUrls::default()
                    },
                    caption.to_string(),
                    String::new(),
                )),
            }
        }
        gallery_html(&items)
    }

    /// A ```video block: `file.mp4 caption` per line; a `.vtt` file of the
    /// same name beside the video becomes its captions. Never autoplays.
    fn video(&mut self, text: &str, start: usize) -> String {
        let mut out = String::new();
        let mut offset = 0;
        for line in text.split_inclusive('\n') {
            let at = start + offset;
            offset += line.len();
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            let (src, caption) = match line.split_once(char::is_whitespace) {
                Some((s, c)) => (s.trim(), c.trim().trim_start_matches('|').trim()),
                None => (line, ""),
            };
            let href = self
                .url(at, CowStr::from(src.to_string()), false)
                .to_string();
            let mime = if src.to_ascii_lowercase().ends_with(".webm") {
                "video/webm"
            } else {
                "video/mp4"
            };
            let vtt = format!("{}.vtt", &src[..src.rfind('.').unwrap_or(src.len())]);
            let track = match self.links.site_path(&self.doc.rel, &vtt) {
                Some(_) => {
                    let v = self.url(at, CowStr::from(vtt), false).to_string();
                    format!(
                        r#"<track kind="captions" src="{}" srclang="zh" label="字幕" default>"#,
                        esc(&v)
                    )
                }
                None => String::new(),
            };
            out.push_str(&format!(
                r#"<figure class="video"><video controls preload="none"><source src="{}" type="{mime}">{track}</video>"#,
                esc(&href)
            ));
            if !caption.is_empty() {
                out.push_str(&format!("<figcaption>{}</figcaption>", esc(caption)));
            }
            out.push_str("</figure>");
        }
        out
    }

    /// Raw HTML with the URLs of its `href`/`src` attributes resolved like
    /// Markdown links, so they too get the base_url's sub-path and are
    /// checked to exist.
    fn raw_html<'a>(&mut self, at: usize, html: CowStr<'a>) -> CowStr<'a> {
        if !URL_ATTR.is_match(&html) {
            return html;
        }
        let mut out = String::with_capacity(html.len() + 32);
        let mut last = 0;
        for c in URL_ATTR.captures_iter(&html) {
            let attr = c.get(1).expect("group 1");
            let Some(value) = c.get(2).or(c.get(3)).or(c.get(4)) else {
                continue;
            };
            let image = !attr.as_str().eq_ignore_ascii_case("href");
            let decoded = decode_entities(value.as_str());
            let url = match self.links.resolve(&self.doc.rel, &decoded, image) {
                Ok(Some(url)) => url,
                Ok(None) => continue,
                Err(e) => {
                    self.report(at + value.start(), e);
                    continue;
                }
            };
            out.push_str(&html[last..value.start()]);
            out.push_str(
                &url.replace('&', "&amp;")
                    .replace('"', "&quot;")
                    .replace('\'', "&#39;"),
            );
            last = value.end();
        }
        if last == 0 {
            return html;
        }
        out.push_str(&html[last..]);
        CowStr::from(out)
    }

    fn report(&mut self, at: usize, e: LinkError) {
        let (positions, doc) = (self.positions, self.doc);
        self.errors.push_with(e.code, || {
            positions
                .get_or_init(|| Positions::new(&doc.text))
                .diagnostic(e.code, &doc.file, at, e.message)
                .hint(e.hint)
        });
    }
}

/// The few character references a URL in an attribute may hold.
pub(crate) fn decode_entities(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains('&') {
        return s.into();
    }
    s.replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .into()
}

fn unique_id(ids: &mut HashMap<String, usize>, base: String) -> String {
    let Some(&last) = ids.get(&base) else {
        ids.insert(base.clone(), 0);
        return base;
    };
    let mut n = last;
    loop {
        n += 1;
        let candidate = format!("{base}-{n}");
        if !ids.contains_key(&candidate) {
            ids.insert(base, n);
            ids.insert(candidate.clone(), 0);
            return candidate;
        }
    }
}

/// First `n` characters, never cutting a character; `…` when cut.
pub fn truncate_chars(s: &str, n: usize) -> String {
    match s.char_indices().nth(n) {
        None => s.to_string(),
        Some((i, _)) => format!("{}…", s[..i].trim_end()),
    }
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0xF900..=0xFAFF | 0x20000..=0x2FFFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct NoLinks;
    impl LinkResolver for NoLinks {
        fn resolve(&self, _: &str, d: &str, _: bool) -> Result<Option<String>, LinkError> {
            match d {
                "/missing/" => Err(LinkError {
                    code: "E130",
                    message: "no such page".into(),
                    hint: "fix it".into(),
                }),
                "/ok/" => Ok(Some("/base/ok/".into())),
                _ => Ok(None),
            }
        }
    }

    fn doc(body: &str) -> SourceDoc {
        let text = format!("---\ntitle: t\n---\n{body}");
        crate::parse::header::parse_doc(
            "content/t.md",
            "t.md",
            text,
            chrono::FixedOffset::east_opt(0).unwrap(),
            false,
        )
        .unwrap()
    }

    #[test]
    fn heading_ids_keep_chinese_and_are_unique() {
        let r = render(&doc("## 主要做法\n\n## 主要做法\n\n### 成效 A\n"), &NoLinks);
        let ids: Vec<&str> = r.toc.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["主要做法", "主要做法-1", "成效-a"]);
        assert!(r.html.contains(r#"<h2 id="主要做法-1">"#), "{}", r.html);
    }

    #[test]
    fn summary_stops_at_more_marker() {
        let r = render(&doc("第一段。\n\n<!-- more -->\n\n第二段。\n"), &NoLinks);
        assert_eq!(r.auto_summary, "第一段。");
    }

    #[test]
    fn summary_counts_characters() {
        let long = "党".repeat(300);
        let r = render(&doc(&format!("**{long}**\n")), &NoLinks);
        assert_eq!(r.auto_summary.chars().count(), SUMMARY_CHARS + 1);
        assert!(r.auto_summary.ends_with('…'));
        assert_eq!(r.reading_minutes, 1);
    }

    #[test]
    fn reading_time_chinese_by_characters() {
        let r = render(&doc(&"字".repeat(1200)), &NoLinks);
        assert_eq!(r.reading_minutes, 3);
    }

    #[test]
    fn broken_link_reports_file_line() {
        let r = render(&doc("段落\n\n见[这里](/missing/)。\n"), &NoLinks);
        assert_eq!(r.errors.len(), 1);
        assert_eq!((r.errors[0].line, r.errors[0].col), (6, 2));
    }

    #[test]
    fn gfm_extensions() {
        let r = render(
            &doc("| a | b |\n|---|---|\n| 1 | 2 |\n\n~~x~~ 脚注[^1]\n\n- [x] 完成\n\n[^1]: 注\n"),
            &NoLinks,
        );
        assert!(r.html.contains("<table>"));
        assert!(r.html.contains("<del>x</del>"));
        assert!(r.html.contains("checkbox"));
        assert!(r.html.contains("footnote"));
    }
}
