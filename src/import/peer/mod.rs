//! A Hexo, Hugo, Zola or Jekyll site → an exemplar site folder. The source
//! is only read. Every Markdown page keeps its place (Hexo's and Jekyll's
//! `_posts` become `posts/`), its header is mapped to exemplar's keys
//! (anything else moves under `extra:`), its old URL becomes an alias when
//! the new one differs, links to other pages in any of the peer's forms
//! become `@/` content links, and the tag plugins and shortcodes with a
//! Markdown equivalent are converted. What is not converted is listed per
//! file and line (`Report`), and once more in `import-report.txt`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use serde_json::{Map, Value as J};

use super::Content;
use crate::parse::slug::slugify;

mod body;
use body::{convert_body, Links};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Peer {
    Hexo,
    Hugo,
    Zola,
    Jekyll,
}

impl Peer {
    pub fn parse(s: &str) -> Option<Peer> {
        Some(match s.to_lowercase().as_str() {
            "hexo" => Peer::Hexo,
            "hugo" => Peer::Hugo,
            "zola" => Peer::Zola,
            "jekyll" => Peer::Jekyll,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Peer::Hexo => "hexo",
            Peer::Hugo => "hugo",
            Peer::Zola => "zola",
            Peer::Jekyll => "jekyll",
        }
    }
}

/// One thing the import could not carry over as it was.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Item {
    /// Relative to the source folder.
    pub file: String,
    pub line: usize,
    /// A short stable name for the summary (`hexo-tag youtube`).
    pub kind: String,
    pub message: String,
}

#[derive(Debug, Default)]
pub struct Report {
    /// Files looked at in the source.
    pub files: usize,
    /// Markdown pages written.
    pub pages: usize,
    /// Other files copied (pictures, attachments, statics).
    pub copied: usize,
    /// Files left out on purpose (templates, themes, configuration).
    pub skipped: usize,
    /// Conversions done (tags, shortcodes, links rewritten).
    pub converted: usize,
    pub items: Vec<Item>,
}

impl Report {
    pub fn by_kind(&self) -> BTreeMap<&str, usize> {
        let mut m = BTreeMap::new();
        for i in &self.items {
            *m.entry(i.kind.as_str()).or_insert(0) += 1;
        }
        m
    }

    fn warn(
        &mut self,
        file: &str,
        line: usize,
        kind: impl Into<String>,
        message: impl Into<String>,
    ) {
        self.items.push(Item {
            file: file.to_string(),
            line,
            kind: kind.into(),
            message: message.into(),
        });
    }
}

/// What the peer's configuration says about the site.
#[derive(Debug, Default)]
struct SiteConf {
    title: Option<String>,
    description: Option<String>,
    url: Option<String>,
    /// Hexo `root`, Jekyll `baseurl`: the old site's path prefix.
    root: String,
    /// Post URL pattern (Hexo, Jekyll).
    permalink: Option<String>,
    /// Where content lives, relative to the source (`content`, `source`).
    content: String,
    statics: Vec<String>,
    params: Map<String, J>,
    /// Jekyll collections that are published: name and URL pattern.
    collections: Vec<(String, String)>,
}

/// A source file's fate.
#[derive(Debug, Clone)]
enum Dest {
    /// A page at this path under content/.
    Page { to: String, draft: bool },
    /// Copied to this path under the new site root.
    Copy(String),
}

/// A Markdown page read and mapped, before links are rewritten.
struct Page {
    src: String,
    to: String,
    header: serde_norway::Mapping,
    body: String,
    /// Line of the body's first line in the source file.
    body_line: usize,
    old_url: Option<String>,
}

/// Files every exemplar build writes itself; a peer's copy would collide.
const RESERVED: &[&str] = &[
    "robots.txt",
    "sitemap.xml",
    "atom.xml",
    "404.html",
    "index.html",
    "feed.json",
];

const SKIP_DIRS: &[&str] = &[
    ".git",
    ".github",
    "node_modules",
    "public",
    "_site",
    "resources",
    "vendor",
    ".jekyll-cache",
    ".sass-cache",
];

/// Convert the site at `src` into a new exemplar site at `into` (which
/// must not exist or be empty, and not overlap `src`).
pub fn import(peer: Peer, src: &Path, into: &Path) -> Result<Report, String> {
    if !src.is_dir() {
        return Err(format!("{} 不是文件夹 (not a folder)", src.display()));
    }
    if into.exists()
        && into
            .read_dir()
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        return Err(format!(
            "{} 已存在且不是空文件夹，不会覆盖 (--into must be new or empty)",
            into.display()
        ));
    }
    let src_abs = src
        .canonicalize()
        .map_err(|e| format!("{}: {e}", src.display()))?;
    let into_abs = absolute(into)?;
    if into_abs.starts_with(&src_abs) || src_abs.starts_with(&into_abs) {
        return Err("--into 不能在源站点里面，源站点也不能在 --into 里面 (folders overlap)".into());
    }
    let conf = site_conf(peer, src)?;
    let mut report = Report::default();

    // Every file and where it goes.
    let mut plan: BTreeMap<String, Dest> = BTreeMap::new();
    for entry in walkdir::WalkDir::new(src)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            let n = e.file_name().to_string_lossy();
            // Build output and dependencies at the top; hidden files anywhere.
            e.depth() == 0
                || !((e.depth() == 1 && SKIP_DIRS.contains(&n.as_ref()))
                    || (n.starts_with('.') && n != ".well-known"))
        })
    {
        let entry = entry.map_err(|e| e.to_string())?;
        if entry.file_type().is_dir() {
            continue;
        }
        let rel = crate::load::rel_string(entry.path().strip_prefix(src).unwrap_or(entry.path()));
        report.files += 1;
        if !super::safe_relative(&rel) {
            report.warn(
                &rel,
                0,
                "unsafe-name",
                "文件名含有 \\ 或 : 等字符，未导入 (file name not portable)",
            );
            report.skipped += 1;
            continue;
        }
        if entry.file_type().is_symlink() {
            report.warn(&rel, 0, "symlink", "符号链接未复制 (symlink skipped)");
            report.skipped += 1;
            continue;
        }
        match place(peer, &conf, &rel, entry.path()) {
            Some(Dest::Copy(to)) if RESERVED.iter().any(|r| to == format!("static/{r}")) => {
                report.warn(
                    &rel,
                    0,
                    "generated-by-exemplar",
                    format!(
                        "exemplar 自己生成 /{}，未复制 (exemplar writes this file itself)",
                        &to[7..]
                    ),
                );
                report.skipped += 1;
            }
            Some(d) => {
                plan.insert(rel, d);
            }
            None => report.skipped += 1,
        }
    }
    bundle_pages(&mut plan);
    section_indexes(&mut plan);
    unique_places(&mut plan, &mut report);

    if !plan.values().any(|d| matches!(d, Dest::Page { .. })) {
        let where_ = match peer {
            Peer::Hexo => "source/_posts/ 或 source/",
            Peer::Jekyll => "_posts/ 或站点根目录",
            Peer::Hugo | Peer::Zola => "content/",
        };
        return Err(format!(
            "{} 里没有找到 {} 站点的 Markdown 页面（应在 {where_} 下）；确认 SRC 是站点的根文件夹 (no pages found: is SRC the site's root?)",
            src.display(),
            peer.name()
        ));
    }
    if conf.title.is_none() && conf.url.is_none() {
        report.warn(
            "",
            0,
            "no-config",
            "没有读到站点配置（标题、网址），site.yaml 用了默认值，请修改 (no configuration read)",
        );
    }
    // Read and map the pages; copy lists for the rest.
    let mut pages = Vec::new();
    let mut copies: Vec<(String, String)> = Vec::new();
    for (rel, dest) in &plan {
        match dest {
            Dest::Copy(to) => copies.push((rel.clone(), to.clone())),
            Dest::Page { to, draft } => {
                let text = match std::fs::read(src.join(rel)).map(String::from_utf8) {
                    Ok(Ok(t)) => t,
                    Ok(Err(e)) => {
                        // GBK and the like: never guessed, never garbled.
                        let line = e.as_bytes()[..e.utf8_error().valid_up_to()]
                            .iter()
                            .filter(|&&b| b == b'\n')
                            .count()
                            + 1;
                        report.warn(
                            rel,
                            line,
                            "not-utf8",
                            "不是 UTF-8 编码，未导入：请用编辑器另存为 UTF-8 后再导入 (not UTF-8, page skipped)",
                        );
                        continue;
                    }
                    Err(e) => {
                        report.warn(rel, 0, "unreadable", format!("读取失败 (unreadable): {e}"));
                        continue;
                    }
                };
                if let Some(p) = read_page(peer, &conf, rel, to, *draft, &text, &mut report) {
                    pages.push(p);
                }
            }
        }
    }

    // Links: every page's old URL and source path → its new content path.
    let mut by_url: HashMap<String, String> = HashMap::new();
    let mut by_src: HashMap<String, String> = HashMap::new();
    for p in &pages {
        by_src.insert(p.src.clone(), p.to.clone());
        if let Some(u) = &p.old_url {
            for k in url_keys(u) {
                by_url.entry(k).or_insert_with(|| p.to.clone());
            }
        }
    }
    let links = Links {
        by_url,
        by_src,
        copied: copies.iter().map(|(_, to)| to.clone()).collect(),
        conf: &conf,
    };
    let mut files: Vec<(String, Content)> = Vec::new();
    // An alias may name neither a page nor another page's alias.
    let mut urls: BTreeSet<String> = pages
        .iter()
        .map(|p| key_of(&new_url(&p.to, &p.header)))
        .collect();
    // Every folder of pages is a section list at its own URL.
    for p in &pages {
        for d in folders_of(&p.to) {
            urls.insert(key_of(&new_url(
                &format!("{d}/_index.md"),
                &serde_norway::Mapping::new(),
            )));
        }
    }
    let mut taken: BTreeSet<String> = BTreeSet::new();
    for p in &mut pages {
        let body = convert_body(peer, &links, p, &mut report);
        let new_url = new_url(&p.to, &p.header);
        if let Some(serde_norway::Value::Sequence(list)) = p.header.get_mut("aliases") {
            list.retain(|a| {
                let a = a.as_str().unwrap_or("");
                let k = key_of(a);
                let keep = !urls.contains(&k) && taken.insert(k);
                if !keep {
                    report.warn(
                        &p.src,
                        1,
                        "alias-taken",
                        format!("别名 {a} 已被别的页面占用，已去掉 (alias taken)"),
                    );
                }
                keep
            });
            if list.is_empty() {
                p.header.remove("aliases");
            }
        }
        if let Some(old) = p.old_url.as_ref().filter(|_| !p.to.ends_with("_index.md")) {
            let old_site = strip_root(old, &conf.root);
            if !same_url(&old_site, &new_url)
                && alias_ok(&old_site)
                && !urls.contains(&key_of(&old_site))
                && taken.insert(key_of(&old_site))
            {
                let list = p
                    .header
                    .entry("aliases".into())
                    .or_insert_with(|| serde_norway::Value::Sequence(Vec::new()));
                if let serde_norway::Value::Sequence(s) = list {
                    if !s.iter().any(|v| v.as_str() == Some(old_site.as_str())) {
                        s.push(old_site.into());
                    }
                }
            }
        }
        let head = serde_norway::to_string(&p.header).map_err(|e| e.to_string())?;
        files.push((
            format!("content/{}", p.to),
            Content::Bytes(
                format!("---\n{head}---\n\n{}", body.trim_start_matches('\n')).into_bytes(),
            ),
        ));
        report.pages += 1;
    }
    for (rel, to) in &copies {
        files.push((to.clone(), Content::Copy(src.join(rel))));
        report.copied += 1;
    }
    // Two sources on one place (a post in _posts/ and in _drafts/): the
    // first is kept, the other listed.
    let mut seen = BTreeSet::new();
    let mut twice = Vec::new();
    files.retain(|(to, _)| {
        seen.insert(to.clone()) || {
            twice.push(to.clone());
            false
        }
    });
    for to in twice {
        report.warn(
            &to,
            0,
            "same-place",
            format!("两个源文件都要写到 {to}，只导入了第一个 (two sources, one place)"),
        );
    }
    if !seen.contains("content/_index.md") {
        let title = conf.title.clone().unwrap_or_else(|| "首页".into());
        files.push((
            "content/_index.md".into(),
            Content::Bytes(format!("---\ntitle: {}\n---\n", json_str(&title)).into_bytes()),
        ));
    }
    files.push((
        "site.yaml".into(),
        Content::Bytes(site_yaml(peer, &conf).into_bytes()),
    ));
    files.push((
        ".gitignore".into(),
        Content::Bytes(
            b"public/\n.public.prev/\n.public.staging/\n.public.lock\n.exemplar/\n.exemplar-cache/\n"
                .to_vec(),
        ),
    ));
    report.items.sort();
    files.push((
        "import-report.txt".into(),
        Content::Bytes(report_text(peer, &report).into_bytes()),
    ));
    super::write_folder(&into_abs, &files)?;
    Ok(report)
}

fn absolute(p: &Path) -> Result<std::path::PathBuf, String> {
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().map_err(|e| e.to_string())?.join(p)
    };
    // Canonicalise the part that exists (the folder itself may not yet).
    let mut existing = abs.clone();
    let mut tail = Vec::new();
    while !existing.exists() {
        match (existing.file_name(), existing.parent()) {
            (Some(n), Some(parent)) => {
                tail.push(n.to_os_string());
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut out = existing
        .canonicalize()
        .map_err(|e| format!("{}: {e}", existing.display()))?;
    for n in tail.into_iter().rev() {
        out.push(n);
    }
    Ok(out)
}

fn json_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

/// Read a YAML or TOML configuration file into JSON values.
fn read_conf(path: &Path) -> Result<Option<Map<String, J>>, String> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Ok(None);
    };
    let name = path.display();
    let v: J = if path.extension().is_some_and(|e| e == "toml") {
        toml_json(
            text.parse::<toml::Value>()
                .map_err(|e| format!("{name}: {e}"))?,
        )
    } else if path.extension().is_some_and(|e| e == "json") {
        serde_json::from_str(&text).map_err(|e| format!("{name}: {e}"))?
    } else {
        yaml_json(serde_norway::from_str(&text).map_err(|e| format!("{name}: {e}"))?)
    };
    Ok(match v {
        J::Object(m) => Some(m),
        _ => Some(Map::new()),
    })
}

fn toml_json(v: toml::Value) -> J {
    match v {
        toml::Value::String(s) => J::String(s),
        toml::Value::Integer(i) => J::from(i),
        toml::Value::Float(f) => J::from(f),
        toml::Value::Boolean(b) => J::Bool(b),
        toml::Value::Datetime(d) => J::String(d.to_string()),
        toml::Value::Array(a) => J::Array(a.into_iter().map(toml_json).collect()),
        toml::Value::Table(t) => J::Object(t.into_iter().map(|(k, v)| (k, toml_json(v))).collect()),
    }
}

fn yaml_json(v: serde_norway::Value) -> J {
    use serde_norway::Value as Y;
    match v {
        Y::Null => J::Null,
        Y::Bool(b) => J::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                J::from(i)
            } else if let Some(u) = n.as_u64() {
                J::from(u)
            } else {
                J::from(n.as_f64().unwrap_or(0.0))
            }
        }
        Y::String(s) => J::String(s),
        Y::Sequence(s) => J::Array(s.into_iter().map(yaml_json).collect()),
        Y::Mapping(m) => J::Object(
            m.into_iter()
                .map(|(k, v)| {
                    let k = match k {
                        Y::String(s) => s,
                        other => serde_norway::to_string(&other)
                            .unwrap_or_default()
                            .trim()
                            .to_string(),
                    };
                    (k, yaml_json(v))
                })
                .collect(),
        ),
        Y::Tagged(t) => yaml_json(t.value),
    }
}

fn s_of(v: Option<&J>) -> Option<String> {
    match v? {
        J::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        J::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn site_conf(peer: Peer, src: &Path) -> Result<SiteConf, String> {
    let candidates: &[&str] = match peer {
        Peer::Hexo | Peer::Jekyll => &["_config.yml", "_config.yaml"],
        Peer::Hugo => &[
            "hugo.toml",
            "hugo.yaml",
            "hugo.yml",
            "hugo.json",
            "config.toml",
            "config.yaml",
            "config.yml",
            "config/_default/hugo.toml",
            "config/_default/hugo.yaml",
            "config/_default/config.toml",
            "config/_default/config.yaml",
        ],
        Peer::Zola => &["config.toml", "zola.toml"],
    };
    let mut conf = None;
    for c in candidates {
        if let Some(m) = read_conf(&src.join(c))? {
            conf = Some(m);
            break;
        }
    }
    let m = conf.unwrap_or_default();
    let mut out = SiteConf {
        title: s_of(m.get("title")),
        description: s_of(m.get("description")).or_else(|| s_of(m.get("subtitle"))),
        ..SiteConf::default()
    };
    match peer {
        Peer::Hexo => {
            out.url = s_of(m.get("url"));
            out.root = s_of(m.get("root")).unwrap_or_default();
            out.permalink =
                Some(s_of(m.get("permalink")).unwrap_or(":year/:month/:day/:title/".into()));
            out.content = s_of(m.get("source_dir")).unwrap_or("source".into());
        }
        Peer::Jekyll => {
            out.params = m.clone();
            out.url = s_of(m.get("url"));
            out.root = s_of(m.get("baseurl")).unwrap_or_default();
            let p = s_of(m.get("permalink")).unwrap_or("date".into());
            out.permalink = Some(
                match p.as_str() {
                    "date" => "/:categories/:year/:month/:day/:title:output_ext",
                    "pretty" => "/:categories/:year/:month/:day/:title/",
                    "ordinal" => "/:categories/:year/:y_day/:title:output_ext",
                    "none" => "/:categories/:title:output_ext",
                    other => other,
                }
                .to_string(),
            );
            out.content = String::new();
            match m.get("collections") {
                Some(J::Object(cs)) => {
                    for (name, c) in cs {
                        let pattern = s_of(c.get("permalink"));
                        if name == "posts" {
                            if let Some(p) = pattern {
                                out.permalink = Some(p);
                            }
                        } else if c.get("output").and_then(J::as_bool) == Some(true) {
                            let p = pattern.unwrap_or("/:collection/:path:output_ext".into());
                            out.collections.push((name.clone(), p));
                        }
                    }
                }
                Some(J::Array(names)) => {
                    for n in names.iter().filter_map(J::as_str) {
                        out.collections
                            .push((n.to_string(), "/:collection/:path:output_ext".into()));
                    }
                }
                _ => {}
            }
        }
        Peer::Hugo => {
            out.url = s_of(m.get("baseURL")).or_else(|| s_of(m.get("baseurl")));
            let lang = s_of(m.get("defaultContentLanguage")).unwrap_or("en".into());
            let lang_dir = m
                .get("languages")
                .and_then(|l| l.get(&lang))
                .and_then(|l| s_of(l.get("contentDir")));
            out.content = lang_dir
                .or_else(|| s_of(m.get("contentDir")))
                .unwrap_or("content".into());
            out.statics = vec![s_of(m.get("staticDir")).unwrap_or("static".into())];
            // Module mounts: `source = 'content/en'`, `target = 'content'`.
            if let Some(J::Array(mounts)) = m.get("module").and_then(|x| x.get("mounts")) {
                for mount in mounts {
                    let (Some(source), Some(target)) =
                        (s_of(mount.get("source")), s_of(mount.get("target")))
                    else {
                        continue;
                    };
                    let langs = mount.get("lang").or_else(|| {
                        mount
                            .get("sites")
                            .and_then(|x| x.get("matrix"))
                            .and_then(|x| x.get("languages"))
                    });
                    let for_default = langs.is_none_or(|l| strings(l).contains(&lang));
                    match target.as_str() {
                        "content" if for_default => out.content = source,
                        "static" => out.statics.push(source),
                        _ => {}
                    }
                }
            }
            if let Some(J::Object(p)) = m.get("params") {
                out.params = p.clone();
            }
        }
        Peer::Zola => {
            out.url = s_of(m.get("base_url"));
            out.content = "content".into();
            out.statics = vec!["static".into()];
            if let Some(J::Object(p)) = m.get("extra") {
                out.params = p.clone();
            }
        }
    }
    if let Some(u) = &out.url {
        // The path of the old site's URL is its root too.
        if out.root.is_empty() {
            if let Some(rest) = u.split("://").nth(1) {
                out.root = rest
                    .find('/')
                    .map(|i| rest[i..].to_string())
                    .unwrap_or_default();
            }
        }
    }
    out.root = out.root.trim_end_matches('/').to_string();
    Ok(out)
}

fn is_markdown(rel: &str) -> bool {
    let l = rel.to_lowercase();
    l.ends_with(".md") || l.ends_with(".markdown") || l.ends_with(".mdown")
}

fn md_stem(rel: &str) -> &str {
    let dot = rel.rfind('.').unwrap_or(rel.len());
    &rel[..dot]
}

/// Where one source file goes, or None when it is left out.
fn place(peer: Peer, conf: &SiteConf, rel: &str, path: &Path) -> Option<Dest> {
    let page = |to: &str, draft: bool| Dest::Page {
        to: format!("{}.md", md_stem(to)),
        draft,
    };
    match peer {
        Peer::Hexo => {
            let inner = rel.strip_prefix(&format!("{}/", conf.content))?;
            if let Some(r) = inner.strip_prefix("_posts/") {
                return Some(if is_markdown(r) {
                    page(&format!("posts/{r}"), false)
                } else {
                    Dest::Copy(format!("content/posts/{r}"))
                });
            }
            if let Some(r) = inner.strip_prefix("_drafts/") {
                return Some(if is_markdown(r) {
                    page(&format!("posts/{r}"), true)
                } else {
                    Dest::Copy(format!("content/posts/{r}"))
                });
            }
            if inner.starts_with('_') || inner.contains("/_") {
                return None;
            }
            Some(if is_markdown(inner) {
                page(inner, false)
            } else {
                Dest::Copy(format!("static/{inner}"))
            })
        }
        Peer::Hugo | Peer::Zola => {
            if let Some(inner) = rel.strip_prefix(&format!("{}/", conf.content)) {
                // `_common/` and the like: headless content that shortcodes
                // include, never pages of their own.
                if inner
                    .split('/')
                    .any(|seg| seg.starts_with('_') && seg != "_index.md")
                {
                    return None;
                }
                return Some(if is_markdown(inner) {
                    page(inner, false)
                } else {
                    Dest::Copy(format!("content/{inner}"))
                });
            }
            for s in &conf.statics {
                if let Some(inner) = rel.strip_prefix(&format!("{s}/")) {
                    return Some(Dest::Copy(format!("static/{inner}")));
                }
            }
            None
        }
        Peer::Jekyll => {
            let top = rel.split('/').next().unwrap_or("");
            if let Some(r) = rel
                .strip_prefix("_posts/")
                .or_else(|| rel.strip_prefix("_drafts/"))
            {
                let draft = rel.starts_with("_drafts/");
                return Some(if is_markdown(r) {
                    page(&format!("posts/{}", jekyll_name(r)), draft)
                } else {
                    Dest::Copy(format!("content/posts/{r}"))
                });
            }
            // (A file named like a collection's folder is no collection.)
            if let (Some((name, _)), Some((_, r))) = (
                conf.collections
                    .iter()
                    .find(|(c, _)| top.strip_prefix('_') == Some(c.as_str())),
                rel.split_once('/'),
            ) {
                return Some(if is_markdown(r) {
                    page(&format!("{name}/{r}"), false)
                } else {
                    Dest::Copy(format!("content/{name}/{r}"))
                });
            }
            let lower = rel.to_lowercase();
            if (lower.ends_with(".html") || lower.ends_with(".htm")) && has_front_matter(path) {
                // An HTML page Liquid renders: nothing exemplar can read.
                return None;
            }
            if top.starts_with('_')
                || ["Gemfile", "Gemfile.lock", "Rakefile", "CNAME"].contains(&rel)
                || (!rel.contains('/') && rel.to_lowercase().ends_with(".gemspec"))
            {
                return None;
            }
            if is_markdown(rel) {
                // Jekyll renders only files with front matter.
                return Some(if has_front_matter(path) {
                    page(rel, false)
                } else {
                    Dest::Copy(format!("static/{rel}"))
                })
                .filter(|d| matches!(d, Dest::Page { .. }) || !is_readme(rel));
            }
            Some(Dest::Copy(format!("static/{rel}")))
        }
    }
}

/// The file starts with `---` (Jekyll renders only such files); reads
/// three bytes, not the file.
fn has_front_matter(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 3];
    std::fs::File::open(path).is_ok_and(|mut f| f.read_exact(&mut head).is_ok()) && &head == b"---"
}

fn is_readme(rel: &str) -> bool {
    let n = rel.rsplit('/').next().unwrap_or(rel).to_lowercase();
    n.starts_with("readme") || n.starts_with("license") || n.starts_with("changelog")
}

/// `2024-01-02-hello.md` → `hello.md` (the date goes to the header).
fn jekyll_name(r: &str) -> String {
    let (dir, name) = match r.rfind('/') {
        Some(i) => (&r[..=i], &r[i + 1..]),
        None => ("", r),
    };
    match date_prefix(name) {
        Some((_, rest)) => format!("{dir}{rest}"),
        None => r.to_string(),
    }
}

/// A `YYYY-MM-DD-` (or `_`) prefix of a file name, and the rest.
fn date_prefix(name: &str) -> Option<(&str, &str)> {
    let b = name.as_bytes();
    if b.len() > 11
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'-'
        && b[8..10].iter().all(u8::is_ascii_digit)
        && (b[10] == b'-' || b[10] == b'_')
    {
        Some((&name[..10], &name[11..]))
    } else {
        None
    }
}

/// Where the plan's pages go (under content/).
fn page_places(plan: &BTreeMap<String, Dest>) -> impl Iterator<Item = String> + '_ {
    plan.values().filter_map(|d| match d {
        Dest::Page { to, .. } => Some(to.clone()),
        Dest::Copy(_) => None,
    })
}

/// The folders a path lies in, innermost first (`a/b/c.md` → `a/b`, `a`).
fn folders_of(path: &str) -> impl Iterator<Item = &str> {
    std::iter::successors(path.rfind('/').map(|i| &path[..i]), |d| {
        d.rfind('/').map(|i| &d[..i])
    })
}

/// A page `x.md` with a folder `x/` of files beside it (Hexo's post asset
/// folder) becomes the bundle `x/index.md`.
fn bundle_pages(plan: &mut BTreeMap<String, Dest>) {
    let folders: BTreeSet<String> = plan
        .values()
        .filter_map(|d| match d {
            Dest::Copy(to) => to
                .strip_prefix("content/")
                .and_then(|t| t.rfind('/').map(|i| t[..i].to_string())),
            Dest::Page { .. } => None,
        })
        .collect();
    let pages: BTreeSet<String> = page_places(plan).collect();
    // Folders holding pages: `x.md` beside `x/` with pages is that
    // section's own page (Jekyll's `docs/upgrading.md` + `docs/upgrading/`).
    let sections: BTreeSet<String> = pages
        .iter()
        .flat_map(|p| folders_of(p))
        .map(str::to_string)
        .collect();
    for d in plan.values_mut() {
        if let Dest::Page { to, .. } = d {
            let stem = md_stem(to).to_string();
            let name = stem.rsplit('/').next().unwrap_or("");
            if name == "index" || name == "_index" {
                continue;
            }
            if sections.contains(&stem) {
                if !pages.contains(&format!("{stem}/_index.md"))
                    && !pages.contains(&format!("{stem}/index.md"))
                {
                    *to = format!("{stem}/_index.md");
                }
            } else if folders.contains(&stem) && !pages.contains(&format!("{stem}/index.md")) {
                *to = format!("{stem}/index.md");
            }
        }
    }
}

/// `dir/index.md` beside other pages or page folders is the section page
/// `dir/_index.md`; the site's own `index.md` is the home page.
fn section_indexes(plan: &mut BTreeMap<String, Dest>) {
    let pages: Vec<String> = page_places(plan).collect();
    let has_section_index: BTreeSet<String> = pages
        .iter()
        .filter_map(|p| p.strip_suffix("_index.md").map(str::to_string))
        .collect();
    for d in plan.values_mut() {
        let Dest::Page { to, .. } = d else { continue };
        let Some(dir) = to
            .strip_suffix("index.md")
            .filter(|d| d.is_empty() || d.ends_with('/'))
        else {
            continue;
        };
        let dir = dir.to_string();
        if has_section_index.contains(&dir) {
            continue;
        }
        let others = pages
            .iter()
            .any(|p| p != to && p.starts_with(&dir) && !p.ends_with("_index.md"));
        if dir.is_empty() || others {
            *to = format!("{dir}_index.md");
        }
    }
}

/// Two pages bound for one place (a post in `_posts/` and a draft of the
/// same name in `_drafts/`): the published one keeps it, the other gets
/// `-2`, `-3`… and is listed.
fn unique_places(plan: &mut BTreeMap<String, Dest>, report: &mut Report) {
    let mut order: Vec<(&String, &Dest)> = plan.iter().collect();
    order.sort_by_key(|(_, d)| matches!(d, Dest::Page { draft: true, .. }));
    let mut taken = BTreeSet::new();
    let mut moves = Vec::new();
    for (rel, d) in order {
        let Dest::Page { to, .. } = d else { continue };
        if taken.insert(to.clone()) {
            continue;
        }
        let stem = md_stem(to);
        let new = (2..)
            .map(|n| format!("{stem}-{n}.md"))
            .find(|c| !taken.contains(c))
            .unwrap_or_default();
        taken.insert(new.clone());
        moves.push((rel.clone(), new));
    }
    for (rel, new) in moves {
        if let Some(Dest::Page { to, .. }) = plan.get_mut(&rel) {
            report.warn(
                &rel,
                0,
                "same-place",
                format!("content/{to} 已被另一个源文件占用，本页改写到 content/{new} (two sources, one place)"),
            );
            *to = new;
        }
    }
}

/// Front matter: YAML between `---`, TOML between `+++`, a JSON object,
/// or Hexo's header without the opening `---`.
enum Front {
    Yaml(String),
    Toml(String),
    Json(String),
    None,
}

/// The front matter, the body, and the body's first line number.
fn split_front(text: &str, hexo: bool) -> (Front, &str, usize) {
    let text = text.trim_start_matches('\u{feff}');
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let first = lines.first().map(|l| l.trim_end()).unwrap_or("");
    let close = |delim: &str| {
        lines
            .iter()
            .skip(1)
            .position(|l| l.trim_end() == delim)
            .map(|i| i + 1)
    };
    let cut = |end: usize| {
        let head: String = lines[1..end].concat();
        let start: usize = lines[..=end].iter().map(|l| l.len()).sum();
        (head, &text[start..], end + 2)
    };
    if first == "---" {
        if let Some(end) = close("---").or_else(|| close("...")) {
            let (h, b, l) = cut(end);
            return (Front::Yaml(h), b, l);
        }
    }
    if first == "+++" {
        if let Some(end) = close("+++") {
            let (h, b, l) = cut(end);
            return (Front::Toml(h), b, l);
        }
    }
    if first.starts_with('{') {
        let mut de = serde_json::Deserializer::from_str(text).into_iter::<J>();
        if let Some(Ok(_)) = de.next() {
            let end = de.byte_offset();
            let line = text[..end].matches('\n').count() + 2;
            return (Front::Json(text[..end].to_string()), &text[end..], line);
        }
    }
    // Hexo: `title: x` lines, then `---` (elsewhere that is a paragraph
    // and a rule).
    if let Some(end) = lines
        .iter()
        .position(|l| l.trim_end() == "---")
        .filter(|_| hexo)
    {
        let head = &lines[..end];
        if end > 0
            && head.iter().all(|l| {
                l.trim().is_empty() || l.starts_with(' ') || l.starts_with('-') || l.contains(':')
            })
        {
            let start: usize = lines[..=end].iter().map(|l| l.len()).sum();
            return (Front::Yaml(head.concat()), &text[start..], end + 2);
        }
    }
    (Front::None, text, 1)
}

fn front_map(front: Front) -> Result<Map<String, J>, String> {
    let v = match front {
        Front::Yaml(h) if h.trim().is_empty() => return Ok(Map::new()),
        Front::Yaml(h) => yaml_json(serde_norway::from_str(&h).map_err(|e| e.to_string())?),
        Front::Toml(h) => toml_json(h.parse::<toml::Value>().map_err(|e| e.to_string())?),
        Front::Json(h) => serde_json::from_str(&h).map_err(|e| e.to_string())?,
        Front::None => return Ok(Map::new()),
    };
    match v {
        J::Object(m) => Ok(m),
        J::Null => Ok(Map::new()),
        _ => Err("不是键值对 (not a mapping)".into()),
    }
}

fn strings(v: &J) -> Vec<String> {
    match v {
        J::String(s) => s
            .split(',')
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect(),
        J::Number(n) => vec![n.to_string()],
        J::Array(a) => a.iter().flat_map(strings).collect(),
        _ => Vec::new(),
    }
}

/// A date in a form exemplar reads, from any of the peers' forms.
fn norm_date(s: &str) -> Option<String> {
    let off = chrono::FixedOffset::east_opt(8 * 3600)?;
    let s = s.trim();
    if let Some(d) = crate::parse::header::parse_date(s, off) {
        // ISO form; an offset only when the source wrote one.
        if chrono::DateTime::parse_from_rfc3339(s).is_ok() {
            return Some(s.to_string());
        }
        let has_time = s.contains(':') || s.contains('时');
        return Some(if has_time {
            d.format("%Y-%m-%d %H:%M:%S").to_string()
        } else {
            d.format("%Y-%m-%d").to_string()
        });
    }
    for fmt in [
        "%Y-%m-%d %H:%M:%S %z",
        "%Y-%m-%d %H:%M %z",
        "%Y-%m-%d %H:%M:%S%.f %z",
    ] {
        if let Ok(d) = chrono::DateTime::parse_from_str(s, fmt) {
            return Some(d.to_rfc3339());
        }
    }
    // A TOML local date-time has no offset; a fraction of a second is lost.
    let cut = s.split('.').next().unwrap_or(s);
    crate::parse::header::parse_date(cut, off).map(|_| cut.to_string())
}

/// Keys moved to exemplar keys; everything else goes under `extra`.
fn read_page(
    peer: Peer,
    conf: &SiteConf,
    src: &str,
    to: &str,
    draft: bool,
    text: &str,
    report: &mut Report,
) -> Option<Page> {
    use serde_norway::Value as Y;
    let (front, body, body_line) = split_front(text, peer == Peer::Hexo);
    let fm = match front_map(front) {
        Ok(m) => m,
        Err(e) => {
            report.warn(
                src,
                1,
                "front-matter-error",
                format!("头部无法解析，页面未导入 (front matter unreadable, page skipped): {e}"),
            );
            return None;
        }
    };
    let mut body = body.to_string();
    let mut h = serde_norway::Mapping::new();
    let mut extra = serde_norway::Mapping::new();
    let mut tags: Vec<String> = Vec::new();
    let mut aliases: Vec<String> = Vec::new();
    let mut draft = draft;
    let mut moved: Vec<String> = Vec::new();
    let file_name = src.rsplit('/').next().unwrap_or(src);

    let title = s_of(fm.get("title")).or_else(|| {
        // Title from the first H1 when the header has none.
        let (t, rest) = first_h1(&body)?;
        body = rest;
        Some(t)
    });
    let title = title.unwrap_or_else(|| {
        let stem = md_stem(file_name);
        let stem = if stem == "index" || stem == "_index" {
            md_stem(src).rsplit('/').nth(1).unwrap_or(stem)
        } else {
            stem
        };
        date_prefix(stem)
            .map(|(_, r)| r)
            .unwrap_or(stem)
            .replace(['-', '_'], " ")
    });
    h.insert("title".into(), Y::String(title));

    let mut date = s_of(fm.get("date"));
    if date.is_none() && matches!(peer, Peer::Jekyll | Peer::Zola) {
        date = date_prefix(file_name).map(|(d, _)| d.to_string());
    }
    if let Some(d) = &date {
        match norm_date(d) {
            Some(n) => {
                h.insert("date".into(), Y::String(n));
            }
            None => {
                report.warn(
                    src,
                    1,
                    "date",
                    format!("日期 `{d}` 无法识别，已放入 extra.date (date not understood)"),
                );
                extra.insert("date".into(), Y::String(d.clone()));
            }
        }
    }
    for (k, v) in &fm {
        match k.as_str() {
            "title" | "date" => {}
            "tags" | "categories" | "category" => tags.extend(strings(v)),
            "taxonomies" => {
                if let J::Object(t) = v {
                    for (tk, tv) in t {
                        if tk == "tags" || tk == "categories" {
                            tags.extend(strings(tv));
                        } else {
                            extra.insert(tk.clone().into(), json_yaml(tv));
                        }
                    }
                }
            }
            "description" | "summary" | "excerpt" if !h.contains_key("summary") => {
                if let Some(s) = s_of(Some(v)) {
                    h.insert("summary".into(), Y::String(s));
                }
            }
            "slug" => {
                if let Some(s) = s_of(Some(v)) {
                    h.insert("slug".into(), Y::String(s));
                }
            }
            "aliases" | "redirect_from" => aliases.extend(strings(v)),
            "draft" => draft |= v.as_bool().unwrap_or(false),
            "published" => draft |= v.as_bool() == Some(false),
            "weight" => {
                if let Some(w) = v.as_i64() {
                    h.insert("weight".into(), Y::Number(w.into()));
                }
            }
            "author" | "authors" => {
                let a = strings(v).join("、");
                if !a.is_empty() {
                    h.insert("author".into(), Y::String(a));
                }
            }
            "extra" | "params" => {
                if let J::Object(m) = v {
                    for (ek, ev) in m {
                        extra.insert(ek.clone().into(), json_yaml(ev));
                    }
                }
            }
            // The old URL is recorded as an alias below.
            "permalink" | "url" | "path" | "abbrlink" => {
                extra.insert(k.clone().into(), json_yaml(v));
            }
            _ => {
                moved.push(k.clone());
                extra.insert(k.clone().into(), json_yaml(v));
            }
        }
    }
    if !moved.is_empty() {
        report.warn(
            src,
            1,
            "key-to-extra",
            format!(
                "头部键 {} 已移到 extra: 下 (unknown keys moved under extra)",
                moved.join(", ")
            ),
        );
    }
    let mut seen = BTreeSet::new();
    tags.retain(|t| seen.insert(t.clone()));
    // A tag may not hold exemplar's list separators.
    let tags: Vec<String> = tags
        .into_iter()
        .flat_map(|t| {
            t.split(crate::parse::header::LIST_SEPARATORS)
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
        })
        .collect();
    if !tags.is_empty() {
        h.insert(
            "tags".into(),
            Y::Sequence(tags.into_iter().map(Y::String).collect()),
        );
    }
    let old_url = old_url(peer, conf, src, &fm);
    let mut kept = Vec::new();
    for a in aliases {
        match crate::resolve::plan::alias_path(&strip_root(&a, &conf.root)) {
            Ok(p) => kept.push(Y::String(p)),
            Err(why) => report.warn(
                src,
                1,
                "alias",
                format!("别名 `{a}` 不能用，已去掉 (alias dropped): {why}"),
            ),
        }
    }
    if !kept.is_empty() {
        h.insert("aliases".into(), Y::Sequence(kept));
    }
    let section = to.ends_with("_index.md");
    if section {
        // A section page's header has fewer keys; the rest is kept in extra.
        for (k, v) in std::mem::take(&mut h) {
            match k.as_str().unwrap_or("") {
                "title" | "weight" => {
                    h.insert(k, v);
                }
                "summary" => {
                    h.insert("description".into(), v);
                }
                _ => {
                    extra.insert(k, v);
                }
            }
        }
        if draft {
            h.insert("draft".into(), Y::Bool(true));
        }
    } else {
        h.insert(
            "status".into(),
            Y::String(if draft { "draft" } else { "published" }.into()),
        );
    }
    if !extra.is_empty() {
        h.insert("extra".into(), Y::Mapping(extra));
    }
    Some(Page {
        src: src.to_string(),
        to: to.to_string(),
        header: h,
        body,
        body_line,
        old_url,
    })
}

fn json_yaml(v: &J) -> serde_norway::Value {
    serde_norway::to_value(v).unwrap_or(serde_norway::Value::Null)
}

/// The first line of the body when it is an ATX level-1 heading, and the
/// body without it.
fn first_h1(body: &str) -> Option<(String, String)> {
    let mut offset = 0;
    for line in body.split_inclusive('\n') {
        let t = line.trim();
        if t.is_empty() {
            offset += line.len();
            continue;
        }
        let title = t.strip_prefix("# ")?.trim().trim_end_matches('#').trim();
        if title.is_empty() {
            return None;
        }
        return Some((title.to_string(), body[offset + line.len()..].to_string()));
    }
    None
}

/// The URL the page had on the peer's site (without the old root).
fn old_url(peer: Peer, conf: &SiteConf, src: &str, fm: &Map<String, J>) -> Option<String> {
    if let Some(u) = s_of(fm.get("url"))
        .or_else(|| s_of(fm.get("permalink")))
        .or_else(|| s_of(fm.get("path")))
    {
        if !u.contains("://") {
            let u = if u.starts_with('/') {
                u
            } else {
                format!("/{u}")
            };
            return Some(u);
        }
    }
    let rel = match peer {
        Peer::Hexo => src.strip_prefix(&format!("{}/", conf.content))?,
        Peer::Hugo | Peer::Zola => src.strip_prefix(&format!("{}/", conf.content))?,
        Peer::Jekyll => src,
    };
    let stem = md_stem(rel);
    let (dir, name) = match stem.rfind('/') {
        Some(i) => (&stem[..i], &stem[i + 1..]),
        None => ("", stem),
    };
    let post = rel.starts_with("_posts/") || rel.starts_with("_drafts/");
    match peer {
        Peer::Hugo | Peer::Zola => {
            let seg = |s: &str| {
                if peer == Peer::Hugo {
                    s.to_lowercase().replace(' ', "-")
                } else {
                    slugify(s, false)
                }
            };
            let mut path = String::from("/");
            for d in dir.split('/').filter(|d| !d.is_empty()) {
                path.push_str(&seg(d));
                path.push('/');
            }
            if name != "_index" && name != "index" {
                let slug = s_of(fm.get("slug")).unwrap_or_else(|| {
                    if peer == Peer::Zola {
                        date_prefix(name)
                            .map(|(_, r)| r)
                            .unwrap_or(name)
                            .to_string()
                    } else {
                        name.to_string()
                    }
                });
                path.push_str(&seg(&slug));
                path.push('/');
            }
            Some(path)
        }
        Peer::Hexo | Peer::Jekyll if post => {
            let inner = rel.split_once('/').map(|x| x.1).unwrap_or(rel);
            let title = md_stem(inner);
            let title = if peer == Peer::Jekyll {
                date_prefix(title).map(|(_, r)| r).unwrap_or(title)
            } else {
                title
            };
            let date = s_of(fm.get("date"))
                .or_else(|| date_prefix(name).map(|(d, _)| d.to_string()))
                .and_then(|d| norm_date(&d))
                .and_then(|d| {
                    crate::parse::header::parse_date(&d, chrono::FixedOffset::east_opt(8 * 3600)?)
                })?;
            let cats: Vec<String> = ["categories", "category"]
                .iter()
                .filter_map(|k| fm.get(*k))
                .flat_map(strings)
                .map(|c| c.to_lowercase().replace(' ', "-"))
                .collect();
            let mut p = conf.permalink.clone()?;
            use chrono::{Datelike, Timelike};
            let subs: Vec<(&str, String)> = vec![
                (":year", format!("{:04}", date.year())),
                (":i_month", date.month().to_string()),
                (":month", format!("{:02}", date.month())),
                (":i_day", date.day().to_string()),
                (":day", format!("{:02}", date.day())),
                (":hour", format!("{:02}", date.hour())),
                (":minute", format!("{:02}", date.minute())),
                (":second", format!("{:02}", date.second())),
                (":y_day", format!("{:03}", date.ordinal())),
                (":output_ext", ".html".into()),
                (":categories", cats.join("/")),
                (":category", cats.first().cloned().unwrap_or_default()),
                (":abbrlink", s_of(fm.get("abbrlink")).unwrap_or_default()),
                (":title", title.to_string()),
                (
                    ":name",
                    title.rsplit('/').next().unwrap_or(title).to_string(),
                ),
                (
                    ":slug",
                    s_of(fm.get("slug")).unwrap_or_else(|| title.to_string()),
                ),
            ];
            for (k, v) in subs {
                p = p.replace(k, &v);
            }
            if p.contains(':') {
                return None;
            }
            let mut p = p.replace("//", "/");
            if !p.starts_with('/') {
                p.insert(0, '/');
            }
            Some(p)
        }
        Peer::Jekyll
            if conf
                .collections
                .iter()
                .any(|(c, _)| rel.starts_with(&format!("_{c}/"))) =>
        {
            let (coll, rest) = rel[1..].split_once('/')?;
            let pattern = &conf.collections.iter().find(|(c, _)| c == coll)?.1;
            let path = md_stem(rest);
            let stem = path.rsplit('/').next().unwrap_or(path);
            let mut p = pattern
                .replace(":collection", coll)
                .replace(":path", path)
                .replace(":name", stem)
                .replace(":title", stem)
                .replace(":output_ext", ".html");
            if p.contains(':') {
                return None;
            }
            if !p.starts_with('/') {
                p.insert(0, '/');
            }
            Some(p)
        }
        Peer::Hexo | Peer::Jekyll => Some(if name == "index" {
            format!(
                "/{}",
                if dir.is_empty() {
                    String::new()
                } else {
                    format!("{dir}/")
                }
            )
        } else {
            format!("/{stem}.html")
        }),
    }
}

fn strip_root(url: &str, root: &str) -> String {
    let u = if !root.is_empty() {
        url.strip_prefix(root)
            .filter(|r| r.starts_with('/'))
            .unwrap_or(url)
    } else {
        url
    };
    if u.starts_with('/') {
        u.to_string()
    } else {
        format!("/{u}")
    }
}

/// The forms one URL is looked up by: decoded, lower-cased, with and
/// without `index.html` or `.html`.
fn url_keys(u: &str) -> Vec<String> {
    let u = crate::parse::slug::decode_path(u).to_lowercase();
    let u = u.strip_suffix("index.html").unwrap_or(&u).to_string();
    let mut keys = vec![u.clone()];
    if let Some(s) = u.strip_suffix(".html") {
        keys.push(format!("{s}/"));
    } else if !u.ends_with('/') {
        keys.push(format!("{u}/"));
    }
    keys
}

/// The output path a URL names, as `alias_path` makes it: `/x.html` and
/// `/x/` are two files, `/x` and `/x/index.html` are `/x/`.
fn key_of(u: &str) -> String {
    let mut k = url_keys(u).swap_remove(0);
    if !k.ends_with('/') && !k.ends_with(".html") {
        k.push('/');
    }
    k
}

fn same_url(a: &str, b: &str) -> bool {
    key_of(a) == key_of(b)
}

fn alias_ok(a: &str) -> bool {
    a != "/" && crate::resolve::plan::alias_path(a).is_ok()
}

/// The URL exemplar gives a page at `to` (under content/).
fn new_url(to: &str, header: &serde_norway::Mapping) -> String {
    let stem = md_stem(to);
    let (dir, name) = match stem.rfind('/') {
        Some(i) => (&stem[..i], &stem[i + 1..]),
        None => ("", stem),
    };
    let mut path = String::from("/");
    let dirs: Vec<&str> = dir.split('/').filter(|d| !d.is_empty()).collect();
    let (dirs, name) = if name == "index" {
        match dirs.split_last() {
            Some((last, rest)) => (rest.to_vec(), *last),
            None => (Vec::new(), ""),
        }
    } else {
        (dirs, name)
    };
    for d in dirs {
        path.push_str(&slugify(d, false));
        path.push('/');
    }
    if name != "_index" && !name.is_empty() {
        let slug = header
            .get("slug")
            .and_then(|s| s.as_str())
            .map(str::to_string)
            .unwrap_or_else(|| name.to_string());
        path.push_str(&slugify(&slug, false));
        path.push('/');
    }
    path
}

fn site_yaml(peer: Peer, conf: &SiteConf) -> String {
    let title = conf.title.clone().unwrap_or_else(|| "导入的站点".into());
    let base = conf
        .url
        .clone()
        .filter(|u| u.starts_with("http://") || u.starts_with("https://"))
        .map(|u| if u.ends_with('/') { u } else { format!("{u}/") })
        .unwrap_or_else(|| "https://example.gov.cn/".into());
    format!(
        "# 站点配置 (site configuration)，由 exemplar import {} 生成\ntitle: {}\ndescription: {}\nbase_url: {}\nlanguage: zh-CN\norganisation: \"\"\nsample_data: false\npaginate_by: 20\ntaxonomies: [tags, year]\n",
        peer.name(),
        json_str(&title),
        json_str(conf.description.as_deref().unwrap_or("")),
        json_str(&base),
    )
}

fn report_text(peer: Peer, r: &Report) -> String {
    let mut s = format!(
        "exemplar import {}\n文件 (files): {}\n页面 (pages): {}\n复制 (copied): {}\n跳过 (skipped: templates, themes, configuration): {}\n已转换 (converted tags, shortcodes, links): {}\n\n提示按类别 (warnings by kind):\n",
        peer.name(),
        r.files,
        r.pages,
        r.copied,
        r.skipped,
        r.converted
    );
    for (k, n) in r.by_kind() {
        s.push_str(&format!("  {k}: {n}\n"));
    }
    s.push_str("\n逐条 (each, file:line):\n");
    for i in &r.items {
        s.push_str(&format!(
            "{}:{}: [{}] {}\n",
            i.file, i.line, i.kind, i.message
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_forms() {
        let (f, body, line) = split_front("+++\ntitle = \"x\"\n+++\nbody\n", false);
        assert!(matches!(f, Front::Toml(_)));
        assert_eq!((body, line), ("body\n", 4));
        let (f, body, _) = split_front("title: 你好\ndate: 2013/7/13 20:46:25\n---\n正文\n", true);
        assert!(matches!(f, Front::Yaml(_)));
        assert_eq!(body, "正文\n");
        let (f, body, _) = split_front("{\"title\": \"x\"}\nbody\n", false);
        assert!(matches!(f, Front::Json(_)));
        assert_eq!(body.trim(), "body");
        assert!(matches!(split_front("just text\n", true).0, Front::None));
        // Outside Hexo a paragraph with a colon and a rule is body.
        assert!(matches!(
            split_front("Note: x\n---\n", false).0,
            Front::None
        ));
    }

    #[test]
    fn old_urls_from_abbrlink_and_url_keys() {
        let fm = |json: &str| match serde_json::from_str::<J>(json).unwrap() {
            J::Object(m) => m,
            _ => unreachable!(),
        };
        let hexo = SiteConf {
            permalink: Some("posts/:abbrlink/".into()),
            content: "source".into(),
            ..SiteConf::default()
        };
        let post = fm(r#"{"date": "2013/7/13 20:46:25", "abbrlink": "3a9f"}"#);
        assert_eq!(
            old_url(Peer::Hexo, &hexo, "source/_posts/a.md", &post).as_deref(),
            Some("/posts/3a9f/")
        );
        let hugo = SiteConf {
            content: "content".into(),
            ..SiteConf::default()
        };
        let page = fm(r#"{"url": "old/path.html"}"#);
        assert_eq!(
            old_url(Peer::Hugo, &hugo, "content/x/y.md", &page).as_deref(),
            Some("/old/path.html")
        );
        let plain = fm("{}");
        assert_eq!(
            old_url(Peer::Hugo, &hugo, "content/Cmds/hugo_mod.md", &plain).as_deref(),
            Some("/cmds/hugo_mod/")
        );
    }

    #[test]
    fn peer_dates_become_exemplar_dates() {
        assert_eq!(
            norm_date("2013/7/13 20:46:25").as_deref(),
            Some("2013-07-13 20:46:25")
        );
        assert_eq!(norm_date("2024年5月12日").as_deref(), Some("2024-05-12"));
        assert_eq!(
            norm_date("2014-01-01 12:00:00 +0800").as_deref(),
            Some("2014-01-01T12:00:00+08:00")
        );
        assert_eq!(
            norm_date("1979-05-27T07:32:00.999").as_deref(),
            Some("1979-05-27T07:32:00")
        );
        assert_eq!(norm_date("yesterday"), None);
    }
}
