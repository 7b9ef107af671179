//! A Word submission (.docx, also as WPS saves it) → Markdown and the
//! pictures it holds. Reads the package with `zip` and its XML parts with
//! quick-xml (`xml.rs`); never writes. `import::write_docx` places the
//! result as a page bundle.
//!
//! What maps to what:
//! - the Title style (标题) or, failing that, the first level-1 heading or
//!   a short centred first paragraph → the page title;
//! - Heading 1–3 / 标题 1–3 (by style name, so WPS's numeric style ids
//!   work, or by outline level) → `##`–`####` (the page title is the h1);
//! - bold, italic, strike-through; bulleted and numbered lists (nested);
//!   tables (header row: the one marked to repeat, else the first);
//!   footnotes and endnotes → `[^n]`; hyperlinks; pictures → files beside
//!   the page with their description as alt text;
//! - 作者：/来源：/通讯员：/责任编辑：/日期： lines at the start → header
//!   fields, removed from the body;
//! - tracked changes: insertions accepted, deletions dropped; comments,
//!   text boxes, equations and charts dropped. Everything dropped is
//!   counted in `Converted::notes`.

use std::collections::HashMap;
use std::io::Read;

use super::xml::{self, El, Node};

/// Bytes read from one part of the package at most (a zip bomb stops here).
const MAX_PART: u64 = 64 << 20;
/// Bytes of all pictures of one document at most.
const MAX_MEDIA: u64 = 256 << 20;

/// A picture extracted from the document.
#[derive(Debug)]
pub struct Media {
    /// File name beside the page (`image1.png`).
    pub name: String,
    pub bytes: Vec<u8>,
}

/// What the converter found, for the header and the import report.
#[derive(Debug, Default)]
pub struct Converted {
    pub title: Option<String>,
    pub author: Option<String>,
    pub source: Option<String>,
    pub editor: Option<String>,
    /// As written in the document (`2024年5月12日`); checked by the caller.
    pub date: Option<String>,
    /// The body, Markdown.
    pub markdown: String,
    pub media: Vec<Media>,
    /// What needs a human: dropped content and pictures without a
    /// description, in document order (`第 3 段: …`).
    pub notes: Vec<String>,
}

/// Why a file could not be read as a Word document.
pub fn refuse(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Some(
            "这是旧版 Word 97-2003 (.doc) 文件或加密的文档：请在 Word 或 WPS 中“另存为” .docx（Word 文档）后再导入 (legacy .doc or encrypted: save as .docx)",
        );
    }
    if !bytes.starts_with(b"PK") {
        return Some(
            "不是 .docx 文件（.docx 是 zip 压缩包）；请在 Word 或 WPS 中另存为 .docx (not a .docx)",
        );
    }
    None
}

type Zip<'a> = zip::ZipArchive<std::io::Cursor<&'a [u8]>>;

fn part(zip: &mut Zip, name: &str) -> Result<Option<Vec<u8>>, String> {
    let f = match zip.by_name(name) {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(format!("{name}: {e}")),
    };
    let mut buf = Vec::new();
    f.take(MAX_PART + 1)
        .read_to_end(&mut buf)
        .map_err(|e| format!("{name}: {e}"))?;
    if buf.len() as u64 > MAX_PART {
        return Err(format!("{name} 超过 64 MiB (part too large)"));
    }
    Ok(Some(buf))
}

fn xml_part(zip: &mut Zip, name: &str) -> Result<Option<El>, String> {
    let Some(bytes) = part(zip, name)? else {
        return Ok(None);
    };
    let text = String::from_utf8(bytes).map_err(|_| format!("{name}: 不是 UTF-8 (not UTF-8)"))?;
    xml::parse(&text)
        .map(Some)
        .map_err(|e| format!("{name}: {e}"))
}

/// A relationship target (`media/image1.png`, `https://…`).
struct Rel {
    target: String,
    external: bool,
}

struct Ctx {
    /// style id → lower-case style name (`2` → `heading 1` in WPS files).
    styles: HashMap<String, String>,
    rels: HashMap<String, Rel>,
    /// (numId, level) → numbered (true) or bulleted.
    numbering: HashMap<(String, String), bool>,
    footnotes: HashMap<String, El>,
    endnotes: HashMap<String, El>,
}

/// State while converting: footnotes in the order they are referenced,
/// pictures by package path, notes.
#[derive(Default)]
struct Out {
    notes_order: Vec<(bool, String)>,
    media: Vec<(String, Media)>,
    media_bytes: u64,
    notes: Vec<String>,
    /// 1-based paragraph number, for notes.
    para: usize,
    dropped_comments: usize,
    insertions: usize,
    deletions: usize,
}

impl Out {
    fn note(&mut self, what: String) {
        self.notes
            .push(format!("第 {} 段: {what}", self.para.max(1)));
    }
}

/// A block of the body.
#[derive(Debug, PartialEq)]
enum Block {
    Heading(u8, String),
    Title(String),
    Para {
        md: String,
        plain: String,
        centred: bool,
    },
    Item {
        ordered: bool,
        level: usize,
        md: String,
    },
    Table(Vec<Vec<String>>),
}

pub fn convert(bytes: &[u8]) -> Result<Converted, String> {
    if let Some(why) = refuse(bytes) {
        return Err(why.into());
    }
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| format!("无法打开 .docx 压缩包 (broken zip): {e}"))?;
    let doc = xml_part(&mut zip, "word/document.xml")?
        .ok_or("缺少 word/document.xml，不是 Word 文档 (not a Word document)")?;
    let ctx = Ctx {
        styles: styles(xml_part(&mut zip, "word/styles.xml")?),
        rels: rels(xml_part(&mut zip, "word/_rels/document.xml.rels")?),
        numbering: numbering(xml_part(&mut zip, "word/numbering.xml")?),
        footnotes: notes(xml_part(&mut zip, "word/footnotes.xml")?, "footnote"),
        endnotes: notes(xml_part(&mut zip, "word/endnotes.xml")?, "endnote"),
    };
    let body = doc.child("body").ok_or("word/document.xml 没有 body")?;
    let mut out = Out::default();
    let mut blocks = Vec::new();
    walk_blocks(&ctx, body, &mut out, &mut blocks, &mut zip)?;

    let mut conv = Converted::default();
    take_title(&mut blocks, &mut conv);
    take_byline(&mut blocks, &mut conv);
    let mut md = render_blocks(&blocks);
    let mut n = 0;
    let mut defs = String::new();
    for (end, id) in out.notes_order.clone() {
        n += 1;
        let el = if end {
            ctx.endnotes.get(&id)
        } else {
            ctx.footnotes.get(&id)
        };
        let text = el
            .map(|el| {
                let mut parts = Vec::new();
                for p in el.elements().filter(|e| e.name == "p") {
                    let s = inline(&ctx, p, &mut out, &mut zip).trim().to_string();
                    if !s.is_empty() {
                        parts.push(s);
                    }
                }
                parts.join(" ")
            })
            .unwrap_or_default();
        defs.push_str(&format!("[^{n}]: {text}\n"));
    }
    // Footnote markers were written with their package ids; number them.
    for (i, (end, id)) in out.notes_order.iter().enumerate() {
        let marker = format!("[^{}{id}\u{1}]", if *end { "e" } else { "f" });
        md = md.replacen(&marker, &format!("[^{}]", i + 1), usize::MAX);
    }
    if !defs.is_empty() {
        md.push('\n');
        md.push_str(&defs);
    }
    if out.dropped_comments > 0 {
        out.notes.push(format!(
            "批注 {} 条未导入 (comments dropped)",
            out.dropped_comments
        ));
    }
    if out.insertions + out.deletions > 0 {
        out.notes.push(format!(
            "修订：接受了 {} 处插入，去掉了 {} 处删除 (tracked changes accepted)；请核对正文",
            out.insertions, out.deletions
        ));
    }
    conv.markdown = md;
    conv.media = out.media.into_iter().map(|(_, m)| m).collect();
    conv.notes = out.notes;
    Ok(conv)
}

fn styles(root: Option<El>) -> HashMap<String, String> {
    let mut m = HashMap::new();
    if let Some(root) = root {
        for s in root.elements().filter(|e| e.name == "style") {
            if let (Some(id), Some(name)) = (s.attr("styleId"), s.child("name")) {
                if let Some(n) = name.attr("val") {
                    m.insert(id.to_string(), n.to_lowercase());
                }
            }
        }
    }
    m
}

fn rels(root: Option<El>) -> HashMap<String, Rel> {
    let mut m = HashMap::new();
    if let Some(root) = root {
        for r in root.elements() {
            if let (Some(id), Some(t)) = (r.attr("Id"), r.attr("Target")) {
                m.insert(
                    id.to_string(),
                    Rel {
                        target: t.to_string(),
                        external: r.attr("TargetMode") == Some("External"),
                    },
                );
            }
        }
    }
    m
}

fn numbering(root: Option<El>) -> HashMap<(String, String), bool> {
    let mut m = HashMap::new();
    let Some(root) = root else { return m };
    let mut abstracts: HashMap<&str, Vec<(&str, bool)>> = HashMap::new();
    for a in root.elements().filter(|e| e.name == "abstractNum") {
        let levels = a
            .elements()
            .filter(|l| l.name == "lvl")
            .map(|l| {
                let fmt = l.child("numFmt").and_then(|f| f.attr("val"));
                (
                    l.attr("ilvl").unwrap_or("0"),
                    !matches!(fmt, Some("bullet" | "none") | None),
                )
            })
            .collect();
        abstracts.insert(a.attr("abstractNumId").unwrap_or(""), levels);
    }
    for n in root.elements().filter(|e| e.name == "num") {
        let (Some(id), Some(abs)) = (
            n.attr("numId"),
            n.child("abstractNumId").and_then(|a| a.attr("val")),
        ) else {
            continue;
        };
        for (lvl, ordered) in abstracts.get(abs).into_iter().flatten() {
            m.insert((id.to_string(), lvl.to_string()), *ordered);
        }
    }
    m
}

fn notes(root: Option<El>, name: &str) -> HashMap<String, El> {
    let mut m = HashMap::new();
    if let Some(root) = root {
        for n in root.children {
            if let Node::El(e) = n {
                // Separators (ids -1 and 0) carry a type; real notes none.
                if e.name == name && e.attr("type").is_none() {
                    if let Some(id) = e.attr("id") {
                        m.insert(id.to_string(), e);
                    }
                }
            }
        }
    }
    m
}

/// Body-level elements → blocks.
fn walk_blocks(
    ctx: &Ctx,
    parent: &El,
    out: &mut Out,
    blocks: &mut Vec<Block>,
    zip: &mut Zip,
) -> Result<(), String> {
    for e in parent.elements() {
        match e.name.as_str() {
            "p" => {
                out.para += 1;
                if let Some(b) = paragraph(ctx, e, out, zip) {
                    blocks.push(b);
                }
            }
            "tbl" => {
                out.para += 1;
                let rows = table(ctx, e, out, zip);
                // A table with nothing in it (a layout grid) is no content.
                if rows.iter().flatten().any(|c| !c.trim().is_empty()) {
                    blocks.push(Block::Table(rows));
                }
            }
            "sdt" => {
                if let Some(c) = e.child("sdtContent") {
                    walk_blocks(ctx, c, out, blocks, zip)?;
                }
            }
            "customXml" | "ins" | "moveTo" => walk_blocks(ctx, e, out, blocks, zip)?,
            "del" | "moveFrom" => out.deletions += 1,
            _ => {}
        }
    }
    Ok(())
}

/// What a style name says a paragraph is.
enum Role {
    Title,
    Heading(u8),
    List(bool, usize),
    Plain,
}

fn role(ctx: &Ctx, p: &El) -> Role {
    let ppr = p.child("pPr");
    let style_id = ppr
        .and_then(|pr| pr.child("pStyle"))
        .and_then(|s| s.attr("val"))
        .unwrap_or("");
    let name = ctx
        .styles
        .get(style_id)
        .cloned()
        .unwrap_or_else(|| style_id.to_lowercase());
    let compact: String = name.chars().filter(|c| !c.is_whitespace()).collect();
    if compact == "title" || compact == "标题" {
        return Role::Title;
    }
    for prefix in ["heading", "标题"] {
        if let Some(n) = compact
            .strip_prefix(prefix)
            .and_then(|n| n.parse::<u8>().ok())
        {
            if (1..=9).contains(&n) {
                return Role::Heading(n);
            }
        }
    }
    if let Some(num) = ppr.and_then(|pr| pr.child("numPr")) {
        let id = num
            .child("numId")
            .and_then(|n| n.attr("val"))
            .unwrap_or("0");
        let lvl = num.child("ilvl").and_then(|n| n.attr("val")).unwrap_or("0");
        if id != "0" {
            let ordered = ctx
                .numbering
                .get(&(id.to_string(), lvl.to_string()))
                .copied()
                .unwrap_or(false);
            return Role::List(ordered, lvl.parse().unwrap_or(0).min(8));
        }
    }
    for (prefix, ordered) in [("listbullet", false), ("listnumber", true)] {
        if let Some(rest) = compact.strip_prefix(prefix) {
            let level = rest
                .parse::<usize>()
                .map(|n| n.saturating_sub(1))
                .unwrap_or(0);
            return Role::List(ordered, level.min(8));
        }
    }
    if let Some(l) = ppr
        .and_then(|pr| pr.child("outlineLvl"))
        .and_then(|o| o.attr("val"))
        .and_then(|v| v.parse::<u8>().ok())
    {
        if l < 3 {
            return Role::Heading(l + 1);
        }
    }
    Role::Plain
}

fn paragraph(ctx: &Ctx, p: &El, out: &mut Out, zip: &mut Zip) -> Option<Block> {
    let role = role(ctx, p);
    let md = inline(ctx, p, out, zip);
    let md = trim_indent(&md);
    if md.is_empty() {
        return None;
    }
    let plain = trim_indent(&p.text()).to_string();
    Some(match role {
        Role::Title => Block::Title(plain),
        Role::Heading(n) => Block::Heading(n, heading_text(md)),
        Role::List(ordered, level) => Block::Item {
            ordered,
            level,
            md: md.to_string(),
        },
        Role::Plain => Block::Para {
            md: md.to_string(),
            plain,
            centred: p
                .child("pPr")
                .and_then(|pr| pr.child("jc"))
                .and_then(|j| j.attr("val"))
                == Some("center"),
        },
    })
}

/// Leading and trailing spaces, including the full-width ones Chinese
/// documents indent paragraphs with (four ASCII spaces would start a
/// code block in Markdown).
fn trim_indent(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}')
}

/// A heading is one line; emphasis inside it is dropped (the heading is
/// bold already).
fn heading_text(md: &str) -> String {
    md.replace("\\\n", " ").replace("**", "")
}

/// A run of text with its formatting, before markers are placed.
#[derive(Clone, Copy, PartialEq, Default)]
struct Fmt {
    bold: bool,
    italic: bool,
    strike: bool,
}

enum Piece {
    Text(String, Fmt),
    /// Markdown already formed (a picture, a footnote marker, a link, a
    /// line break).
    Raw(String),
}

fn inline(ctx: &Ctx, p: &El, out: &mut Out, zip: &mut Zip) -> String {
    let mut pieces = Vec::new();
    runs(ctx, p, Fmt::default(), out, zip, &mut pieces);
    assemble(&pieces)
}

fn runs(ctx: &Ctx, parent: &El, fmt: Fmt, out: &mut Out, zip: &mut Zip, pieces: &mut Vec<Piece>) {
    for e in parent.elements() {
        match e.name.as_str() {
            "r" => run(ctx, e, fmt, out, zip, pieces),
            "hyperlink" => {
                let mut inner = Vec::new();
                runs(ctx, e, fmt, out, zip, &mut inner);
                let text = assemble(&inner);
                let url = e
                    .attr("id")
                    .and_then(|id| ctx.rels.get(id))
                    .filter(|r| r.external)
                    .map(|r| r.target.clone());
                // A web or mail address stays a link; a file beside the
                // document on the sender's disk (`report.xlsx`) cannot.
                let web = |u: &str| {
                    let l = u.to_ascii_lowercase();
                    l.starts_with("http://")
                        || l.starts_with("https://")
                        || l.starts_with("mailto:")
                };
                match url {
                    Some(u) if web(&u) && !text.trim().is_empty() => pieces.push(Piece::Raw(
                        format!("[{}](<{}>)", text.trim(), u.replace('>', "%3E")),
                    )),
                    Some(u) => {
                        out.note(format!(
                            "链接指向发稿人电脑上的文件 {u}，已改为文字 (link to a local file kept as text)"
                        ));
                        pieces.push(Piece::Raw(text));
                    }
                    None => pieces.push(Piece::Raw(text)),
                }
            }
            "ins" | "moveTo" => {
                out.insertions += 1;
                runs(ctx, e, fmt, out, zip, pieces);
            }
            "del" | "moveFrom" => out.deletions += 1,
            "smartTag" | "customXml" | "fldSimple" | "sdtContent" => {
                runs(ctx, e, fmt, out, zip, pieces)
            }
            "sdt" => {
                if let Some(c) = e.child("sdtContent") {
                    runs(ctx, c, fmt, out, zip, pieces);
                }
            }
            "oMath" | "oMathPara" => out.note("公式未导入 (equation dropped)".into()),
            _ => {}
        }
    }
}

fn run(ctx: &Ctx, r: &El, fmt: Fmt, out: &mut Out, zip: &mut Zip, pieces: &mut Vec<Piece>) {
    let fmt = match r.child("rPr") {
        Some(pr) => Fmt {
            bold: fmt.bold || pr.on("b"),
            italic: fmt.italic || pr.on("i"),
            strike: fmt.strike || pr.on("strike") || pr.on("dstrike"),
        },
        None => fmt,
    };
    for e in r.elements() {
        match e.name.as_str() {
            "t" => {
                let t: String = e
                    .children
                    .iter()
                    .filter_map(|n| match n {
                        Node::Text(t) => Some(t.as_str()),
                        Node::El(_) => None,
                    })
                    .collect();
                pieces.push(Piece::Text(t, fmt));
            }
            "tab" => pieces.push(Piece::Text(" ".into(), fmt)),
            "br" | "cr" if e.attr("type") != Some("page") => pieces.push(Piece::Raw("\\\n".into())),
            "noBreakHyphen" => pieces.push(Piece::Text("-".into(), fmt)),
            "drawing" => drawing(ctx, e, out, zip, pieces),
            "pict" | "object" => {
                if has_text_box(e) {
                    text_box(e, out);
                } else if let Some(id) = e.find("imagedata").and_then(|i| i.attr("id")) {
                    let alt = e
                        .find("shape")
                        .and_then(|s| s.attr("alt"))
                        .unwrap_or("")
                        .to_string();
                    picture(ctx, id, alt, out, zip, pieces);
                } else {
                    out.note("嵌入对象未导入 (embedded object dropped)".into());
                }
            }
            "AlternateContent" => {
                // The choice is what Word shows; the fallback repeats it.
                if let Some(c) = e.child("Choice") {
                    if has_text_box(c) {
                        text_box(c, out);
                    } else {
                        for d in c.elements().filter(|d| d.name == "drawing") {
                            drawing(ctx, d, out, zip, pieces);
                        }
                    }
                }
            }
            "footnoteReference" | "endnoteReference" => {
                if let Some(id) = e.attr("id") {
                    let end = e.name == "endnoteReference";
                    let key = (end, id.to_string());
                    if !out.notes_order.contains(&key) {
                        out.notes_order.push(key);
                    }
                    pieces.push(Piece::Raw(format!(
                        "[^{}{id}\u{1}]",
                        if end { "e" } else { "f" }
                    )));
                }
            }
            "commentReference" => out.dropped_comments += 1,
            _ => {}
        }
    }
}

fn has_text_box(e: &El) -> bool {
    e.find("txbxContent").is_some()
}

fn text_box(e: &El, out: &mut Out) {
    let text: String = e
        .find("txbxContent")
        .map(|t| t.text())
        .unwrap_or_default()
        .chars()
        .take(20)
        .collect();
    out.note(format!(
        "文本框未导入 (text box dropped): “{}…”",
        text.trim()
    ));
}

fn drawing(ctx: &Ctx, d: &El, out: &mut Out, zip: &mut Zip, pieces: &mut Vec<Piece>) {
    if has_text_box(d) {
        return text_box(d, out);
    }
    let Some(id) = d.find("blip").and_then(|b| b.attr("embed")) else {
        let what = if d.find("chart").is_some() {
            "图表未导入 (chart dropped)"
        } else {
            "图形未导入 (shape dropped)"
        };
        return out.note(what.into());
    };
    let pr = d.find("docPr");
    let descr = pr.and_then(|p| p.attr("descr")).unwrap_or("").trim();
    let title = pr.and_then(|p| p.attr("title")).unwrap_or("").trim();
    let alt = if descr.is_empty() { title } else { descr };
    picture(ctx, id, alt.to_string(), out, zip, pieces);
}

/// Word's own stand-ins for a missing description.
fn generated_alt(alt: &str) -> bool {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(r"(?i)^(图片|picture|image|图像|图示|img)\s*\d*$").expect("valid")
    });
    re.is_match(alt.trim())
        || alt.contains("描述已自动生成")
        || alt.contains("automatically generated")
}

fn picture(
    ctx: &Ctx,
    id: &str,
    alt: String,
    out: &mut Out,
    zip: &mut Zip,
    pieces: &mut Vec<Piece>,
) {
    let Some(rel) = ctx.rels.get(id).filter(|r| !r.external) else {
        out.note("链接到外部的图片未导入 (linked picture dropped)".into());
        return;
    };
    let path = normalise(&format!("word/{}", rel.target));
    let base = path.rsplit('/').next().unwrap_or("");
    let ext = base.rsplit('.').next().unwrap_or("").to_lowercase();
    // The page's file name: the package's when it is plain, else numbered;
    // never one another picture already has.
    let plain = !base.is_empty()
        && base
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        && !base.starts_with('.');
    let taken = |n: &str| out.media.iter().any(|(p, m)| m.name == n && *p != path);
    let mut name = base.to_string();
    if !plain || taken(&name) {
        let mut k = out.media.len() + 1;
        while taken(&format!("image{k}.{ext}")) {
            k += 1;
        }
        name = format!("image{k}.{ext}");
    }
    if let Some((_, m)) = out.media.iter().find(|(p, _)| *p == path) {
        name = m.name.clone();
    }
    if !matches!(ext.as_str(), "png" | "jpg" | "jpeg" | "gif" | "webp") {
        out.note(format!(
            "图片 {name} 是 {} 格式，网页无法显示，未导入：请把原图另存为 PNG 或 JPEG 后放入页面文件夹 (unsupported picture format)",
            ext.to_uppercase()
        ));
        return;
    }
    if !out.media.iter().any(|(p, _)| *p == path) {
        let bytes = match part(zip, &path) {
            Ok(Some(b)) => b,
            Ok(None) => {
                out.note(format!("图片 {name} 在文档里找不到 (missing picture)"));
                return;
            }
            Err(e) => {
                out.note(format!("图片读取失败 (picture unreadable): {e}"));
                return;
            }
        };
        out.media_bytes += bytes.len() as u64;
        if out.media_bytes > MAX_MEDIA {
            out.note(format!(
                "图片 {name} 未导入：图片总量超过 256 MiB (too many pictures)"
            ));
            return;
        }
        out.media.push((
            path.clone(),
            Media {
                name: name.clone(),
                bytes,
            },
        ));
    }
    let alt = alt.replace(['\n', '\r'], " ");
    if alt.trim().is_empty() {
        out.note(format!(
            "图片 {name} 没有替代文字 (no alt text)：请在 ![]() 的方括号里写上图片内容"
        ));
    } else if generated_alt(&alt) {
        out.note(format!(
            "图片 {name} 的说明“{alt}”是自动生成的，请改写成图片的实际内容 (generated alt text)"
        ));
    }
    pieces.push(Piece::Raw(format!("![{}]({name})", escape(alt.trim()))));
}

/// `word/../media/x.png` → `media/x.png`; absolute targets (`/word/media/x`)
/// are package paths.
fn normalise(path: &str) -> String {
    let path = path.strip_prefix("word//").unwrap_or(path);
    crate::resolve::links::normalise("", path).unwrap_or_default()
}

/// Markdown's special characters escaped in text from the document.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '*' | '_' | '[' | ']' | '<' | '>' | '`' | '~' | '|' | '&' | '$'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Pieces → Markdown: adjacent text of one format joined, then wrapped in
/// markers. A marker that Markdown would not see as one (next to
/// punctuation inside and a letter outside, common in Chinese) is written
/// as HTML instead.
fn assemble(pieces: &[Piece]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < pieces.len() {
        match &pieces[i] {
            Piece::Raw(s) => {
                out.push_str(s);
                i += 1;
            }
            Piece::Text(_, fmt) => {
                let mut text = String::new();
                while let Some(Piece::Text(t, f)) = pieces.get(i) {
                    if f != fmt {
                        break;
                    }
                    text.push_str(t);
                    i += 1;
                }
                out.push_str(&format_text(&text, *fmt));
            }
        }
    }
    out
}

fn format_text(text: &str, fmt: Fmt) -> String {
    let core = text.trim_matches(|c: char| c.is_whitespace());
    if core.is_empty() || (!fmt.bold && !fmt.italic && !fmt.strike) {
        return escape(text);
    }
    let lead = &text[..text.len() - text.trim_start().len()];
    let trail = &text[text.trim_end().len()..];
    let punct_edge = |c: Option<char>| c.is_some_and(|c| !c.is_alphanumeric());
    let html = punct_edge(core.chars().next()) || punct_edge(core.chars().last());
    let mut s = escape(core);
    let wrap = |s: String, md: &str, tag: &str| {
        if html {
            format!("<{tag}>{s}</{tag}>")
        } else {
            format!("{md}{s}{md}")
        }
    };
    if fmt.strike {
        s = wrap(s, "~~", "del");
    }
    if fmt.italic {
        s = wrap(s, "*", "em");
    }
    if fmt.bold {
        s = wrap(s, "**", "strong");
    }
    format!("{}{s}{}", escape(lead), escape(trail))
}

fn table(ctx: &Ctx, t: &El, out: &mut Out, zip: &mut Zip) -> Vec<Vec<String>> {
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut header_at = None;
    let mut merged = false;
    for (i, tr) in t.elements().filter(|e| e.name == "tr").enumerate() {
        if header_at.is_none()
            && tr
                .child("trPr")
                .is_some_and(|pr| pr.child("tblHeader").is_some())
        {
            header_at = Some(i);
        }
        let mut row = Vec::new();
        for tc in tr.elements().filter(|e| e.name == "tc") {
            let pr = tc.child("tcPr");
            let span: usize = pr
                .and_then(|p| p.child("gridSpan"))
                .and_then(|g| g.attr("val"))
                .and_then(|v| v.parse().ok())
                .unwrap_or(1);
            let continued = pr
                .and_then(|p| p.child("vMerge"))
                .is_some_and(|v| v.attr("val") != Some("restart"));
            let mut parts = Vec::new();
            for e in tc.elements() {
                match e.name.as_str() {
                    "p" => {
                        let s = inline(ctx, e, out, zip);
                        let s = trim_indent(&s).replace("\\\n", "<br>");
                        if !s.is_empty() {
                            parts.push(s);
                        }
                    }
                    "tbl" => {
                        out.note("表格里的表格已展平为文字 (nested table flattened)".into());
                        parts.push(escape(trim_indent(&e.text())));
                    }
                    _ => {}
                }
            }
            let cell = if continued {
                merged = true;
                String::new()
            } else {
                parts.join("<br>").replace('\n', " ")
            };
            row.push(cell);
            if span > 1 {
                merged = true;
                row.extend(std::iter::repeat_n(String::new(), span.min(64) - 1));
            }
        }
        rows.push(row);
    }
    if merged {
        out.note("表格的合并单元格已拆开，请核对 (merged cells split)".into());
    }
    // The repeated header row goes first; Markdown tables need one.
    if let Some(h) = header_at.filter(|&h| h > 0) {
        let row = rows.remove(h);
        rows.insert(0, row);
    }
    rows
}

/// The title: the Title style, else the first level-1 heading, else a
/// short centred paragraph before any heading.
fn take_title(blocks: &mut Vec<Block>, conv: &mut Converted) {
    let at = blocks
        .iter()
        .position(|b| matches!(b, Block::Title(_)))
        .or_else(|| {
            blocks
                .iter()
                .position(|b| matches!(b, Block::Heading(1, _)))
                .filter(|&i| {
                    !blocks[..i]
                        .iter()
                        .any(|b| matches!(b, Block::Heading(..) | Block::Table(_)))
                })
        })
        .or_else(|| match blocks.first() {
            Some(Block::Para {
                plain,
                centred: true,
                ..
            }) if plain.chars().count() <= 60 => Some(0),
            _ => None,
        });
    if let Some(i) = at {
        let title = match blocks.remove(i) {
            Block::Title(t) | Block::Para { plain: t, .. } => t,
            Block::Heading(_, md) => md,
            _ => unreachable!("a title position holds a title, heading or paragraph"),
        };
        conv.title = Some(title.replace("\\\n", " ").trim().to_string());
    }
    // A second Title-styled paragraph is a subtitle in practice.
    for b in blocks.iter_mut() {
        if let Block::Title(t) = b {
            *b = Block::Para {
                md: format!("**{}**", escape(t)),
                plain: t.clone(),
                centred: true,
            };
        }
    }
    // The page title is the h1: level 1 becomes ##, 2 ###, 3 and below ####.
    let top = blocks
        .iter()
        .filter_map(|b| match b {
            Block::Heading(n, _) => Some(*n),
            _ => None,
        })
        .min()
        .unwrap_or(1);
    for b in blocks.iter_mut() {
        if let Block::Heading(n, _) = b {
            *n = (*n - top + 2).min(4);
        }
    }
}

/// `作者：张三　来源：某某学校` lines before the first heading → header
/// fields; they leave the body.
fn take_byline(blocks: &mut Vec<Block>, conv: &mut Converted) {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(
            r"(作\s*者|撰\s*稿|文|记\s*者|通\s*讯\s*员|来\s*源|责任编辑|编\s*辑|日\s*期|时\s*间|发布时间|发布日期)\s*[：:]",
        )
        .expect("valid")
    });
    let mut i = 0;
    let mut seen = 0;
    while i < blocks.len() && seen < 6 {
        let Block::Para { plain, .. } = &blocks[i] else {
            break;
        };
        seen += 1;
        let text = plain.trim().trim_matches(['(', ')', '（', '）']);
        let keys: Vec<regex::Match> = re.find_iter(text).collect();
        if keys.first().is_none_or(|m| m.start() != 0) {
            i += 1;
            continue;
        }
        for (k, m) in keys.iter().enumerate() {
            let end = keys.get(k + 1).map(|n| n.start()).unwrap_or(text.len());
            let value = trim_indent(&text[m.end()..end]).to_string();
            if value.is_empty() {
                continue;
            }
            let key: String = m.as_str().chars().filter(|c| !c.is_whitespace()).collect();
            let key = key.trim_end_matches([':', '：']);
            let slot = match key {
                "作者" | "撰稿" | "文" | "记者" | "通讯员" => &mut conv.author,
                "来源" => &mut conv.source,
                "责任编辑" | "编辑" => &mut conv.editor,
                _ => &mut conv.date,
            };
            match slot {
                Some(prev) if key != "日期" && key != "时间" => {
                    prev.push('、');
                    prev.push_str(&value);
                }
                _ => *slot = Some(value),
            }
        }
        blocks.remove(i);
    }
}

fn render_blocks(blocks: &[Block]) -> String {
    let mut out = String::new();
    let mut prev_item = false;
    let mut counters = [0usize; 9];
    // The current list: its top items' kind and the deepest level open.
    let mut top_ordered = false;
    let mut depth = 0usize;
    for b in blocks {
        let item = matches!(b, Block::Item { .. });
        // A bulleted list right after a numbered one (or the reverse) is
        // a new list.
        let new_list = match b {
            Block::Item { ordered, level, .. } => {
                !prev_item || (*level == 0 && *ordered != top_ordered)
            }
            _ => false,
        };
        if !(out.is_empty() || item && prev_item && !new_list) {
            out.push('\n');
        }
        match b {
            Block::Heading(n, md) => {
                out.push_str(&"#".repeat(*n as usize));
                out.push(' ');
                out.push_str(md);
                out.push('\n');
            }
            Block::Title(t) => {
                out.push_str(&escape(t));
                out.push('\n');
            }
            Block::Para { md, .. } => {
                out.push_str(&guard_line_start(md));
                out.push('\n');
            }
            Block::Item { ordered, level, md } => {
                if new_list {
                    counters = [0; 9];
                    top_ordered = *ordered;
                    depth = 0;
                }
                // Never deeper than one below the item before: a deeper
                // indent would read as a code block.
                let level = &(*level).min(depth);
                depth = level + 1;
                counters[*level] += 1;
                for c in counters.iter_mut().skip(level + 1) {
                    *c = 0;
                }
                let indent = "   ".repeat(*level);
                let marker = if *ordered {
                    format!("{}.", counters[*level])
                } else {
                    "-".into()
                };
                out.push_str(&format!(
                    "{indent}{marker} {}\n",
                    md.replace("\\\n", "<br>")
                ));
            }
            Block::Table(rows) => {
                let width = rows.iter().map(Vec::len).max().unwrap_or(0);
                if width == 0 {
                    continue;
                }
                for (i, row) in rows.iter().enumerate() {
                    out.push('|');
                    for c in 0..width {
                        out.push(' ');
                        out.push_str(row.get(c).map(String::as_str).unwrap_or(""));
                        out.push_str(" |");
                    }
                    out.push('\n');
                    if i == 0 {
                        out.push('|');
                        out.push_str(&" --- |".repeat(width));
                        out.push('\n');
                    }
                }
            }
        }
        prev_item = item;
    }
    out
}

/// A paragraph that starts like a heading, list, quote or rule in
/// Markdown gets its first character escaped.
fn guard_line_start(md: &str) -> String {
    let first = md.chars().next();
    let digits = md.chars().take_while(char::is_ascii_digit).count();
    let after = md[digits..].chars().next();
    if matches!(first, Some('#' | '-' | '+' | '=' | '>'))
        || (digits > 0 && matches!(after, Some('.' | ')')))
    {
        if digits > 0 {
            return format!("{}\\{}", &md[..digits], &md[digits..]);
        }
        return format!("\\{md}");
    }
    md.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_next_to_chinese_punctuation_become_html() {
        let bold = Fmt {
            bold: true,
            ..Fmt::default()
        };
        assert_eq!(format_text("重点", bold), "**重点**");
        assert_eq!(format_text("“双减”", bold), "<strong>“双减”</strong>");
        assert_eq!(format_text(" a*b ", bold), " **a\\*b** ");
    }

    #[test]
    fn numbered_looking_paragraphs_stay_paragraphs() {
        assert_eq!(guard_line_start("2024. 年"), "2024\\. 年");
        assert_eq!(guard_line_start("# x"), "\\# x");
        assert_eq!(guard_line_start("2024年"), "2024年");
    }

    #[test]
    fn legacy_doc_gets_save_as_advice() {
        let ole = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0];
        assert!(refuse(&ole).unwrap().contains("另存为"));
        assert!(convert(b"hello").unwrap_err().contains(".docx"));
    }

    #[test]
    fn package_paths_are_normalised() {
        assert_eq!(normalise("word/media/a.png"), "word/media/a.png");
        assert_eq!(normalise("word/../media/a.png"), "media/a.png");
        assert_eq!(normalise("word//word/media/a.png"), "word/media/a.png");
    }
}
