//! The plan of outputs: every file a build writes, as a render `Job` or a
//! copied file, with the path it lands on and where it comes from. Made
//! from the resolved structure before any body is rendered, so that links
//! resolve against exactly what will exist, and so that every path is
//! checked once: a path that would leave the output folder, two outputs on
//! one path, and a file standing where another output needs a folder are
//! errors naming their sources — in build, serve and check alike.
//!
//! Which render jobs exist is not decided here: the output families
//! (`crate::outputs`, a stage above this one) list them through the
//! `Outputs` trait, which the driver passes in with the input.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use crate::diagnostics::{codes, Diagnostic, Diagnostics};
use crate::load::theme::Bytes;
use crate::load::Asset;
use crate::model::paths::check_out_path;
use crate::resolve::{at_value, Page, Resolved};

/// One file rendered from a template: which output family makes it and
/// which of the family's files it is. Plain data; only the family knows
/// what `key` means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Job {
    /// Index of the family in the driver's list (`crate::outputs::FAMILIES`).
    pub family: u16,
    pub key: Key,
}

/// Which file of a family: an item (a page, a section, a taxonomy, ...),
/// a second index under it (a term of a taxonomy) and a pager number
/// (1 for the first or only page).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub item: usize,
    pub sub: usize,
    pub n: usize,
}

impl Key {
    /// The only file of a family (the home page, the sitemap).
    pub const ONE: Key = Key {
        item: 0,
        sub: 0,
        n: 1,
    };

    pub fn item(item: usize) -> Key {
        Key { item, ..Key::ONE }
    }

    pub fn pager(item: usize, n: usize) -> Key {
        Key { item, sub: 0, n }
    }
}

/// What resolve needs to know of the render outputs: every job, the file
/// it writes and where it comes from. Implemented by `crate::outputs`.
pub trait Outputs: Sync {
    /// Every render job of the site, in a fixed order.
    fn list(&self, site: &Resolved, cfg: &crate::config::Config) -> Vec<Job>;
    /// The file a job writes, relative to the output root.
    fn out_path(&self, site: &Resolved, job: Job) -> String;
    /// Where a job comes from, for messages about its path.
    fn origin(&self, site: &Resolved, job: Job) -> Origin;
}

/// A file copied as it is: a theme or site static file, or a page bundle's file.
#[derive(Debug, Clone)]
pub struct Copy {
    /// Output path, relative to the output root.
    pub out: String,
    pub src: Bytes,
    /// The source, relative to the site root, for messages.
    pub from: String,
    /// `src` already holds the published bytes, made by the image stage
    /// in its cache (a processed variant, or an original without its
    /// metadata): publish as is, by hard link where the disk allows.
    pub processed: bool,
    /// For a processed file: the cache file's (device, inode), when known.
    pub ident: Option<(u64, u64)>,
    /// A file of a frozen yearly archive: copied byte for byte, never
    /// processed or checked again.
    pub frozen: bool,
}

/// An old URL of a page that redirects to it.
#[derive(Debug, Clone, Hash)]
pub struct Alias {
    /// Site path of the alias (`/old/x/` or `/old/x.html`), unencoded.
    pub from: String,
    /// Site path of the page.
    pub to: String,
    /// Index of the page in `Resolved::pages`.
    pub page: usize,
}

pub fn pager_count(len: usize, per: usize) -> usize {
    len.div_ceil(per.max(1)).max(1)
}

/// Path of pager `n` (1-based) of a list at `base`.
pub fn pager_path(base: &str, n: usize) -> String {
    if n <= 1 {
        base.to_string()
    } else {
        format!("{base}page/{n}/")
    }
}

/// Output file for a site path: `/a/b/` → `a/b/index.html`.
pub fn out_file(path: &str) -> String {
    let p = path.trim_start_matches('/');
    if p.is_empty() {
        "index.html".into()
    } else if p.ends_with('/') {
        format!("{p}index.html")
    } else {
        p.to_string()
    }
}

/// The site path a file is reached at: `a/b/index.html` → `/a/b/`.
pub fn site_path(out: &str) -> String {
    match out.strip_suffix("index.html") {
        Some(dir) if dir.is_empty() || dir.ends_with('/') => format!("/{dir}"),
        _ => format!("/{out}"),
    }
}

/// Where an output comes from, for messages: a file (and line) a
/// contributor can change, or a page exemplar generates.
#[derive(Debug, Clone)]
pub struct Origin {
    /// Relative to the site root; empty for generated pages.
    pub file: String,
    pub line: usize,
    pub what: String,
    /// The source text, for an excerpt of the line.
    pub text: Option<std::sync::Arc<str>>,
}

impl Origin {
    /// A page exemplar generates (no file to point at).
    pub fn generated(what: impl Into<String>) -> Origin {
        Origin {
            file: String::new(),
            line: 0,
            what: what.into(),
            text: None,
        }
    }

    fn describe(&self) -> String {
        match (self.file.is_empty(), self.line) {
            (true, _) => self.what.clone(),
            (false, 0) => format!("{}（{}）", self.what, self.file),
            (false, l) => format!("{}（{}:{l}）", self.what, self.file),
        }
    }
}

/// Every output path with its origin: jobs first, then copied files.
pub fn planned(site: &Resolved, outputs: &dyn Outputs) -> Vec<(String, Origin)> {
    let mut out: Vec<(String, Origin)> = site
        .jobs
        .iter()
        .map(|&j| (outputs.out_path(site, j), outputs.origin(site, j)))
        .collect();
    out.extend(site.copies.iter().map(|c| {
        (
            c.out.clone(),
            Origin {
                file: c.from.clone(),
                line: 0,
                what: "复制的文件 (copied file)".into(),
                text: None,
            },
        )
    }));
    out
}

/// Folders of the output that stages after resolve fill (processed
/// photos, the search index): nothing the plan lists may stand in them.
pub const RESERVED: &[(&str, &str)] = &[
    (IMAGES_DIR, "处理后的图片 (processed images)"),
    (SEARCH_DIR, "搜索索引 (the search index)"),
];
/// Where processed photos are published (`images`).
pub const IMAGES_DIR: &str = "_img/";
/// Where the search index is published (`search`).
pub const SEARCH_DIR: &str = "search/index/";

/// The theme's search script: left out with `search: false` (no page
/// runs it), unless the site's own `static/` has a file there.
pub const SEARCH_SCRIPT: &str = "js/search.js";

/// Errors for outputs that leave the output folder, share a path, stand
/// where another output needs a folder, or in a reserved folder.
/// Deterministic: reported in the order of `plan`, which is fixed.
pub fn check(plan: &[(String, Origin)]) -> Vec<Diagnostic> {
    let mut errs = Vec::new();
    for (path, origin) in plan {
        if let Some((dir, what)) = RESERVED.iter().find(|(d, _)| path.starts_with(d)) {
            errs.push(
                at(origin, format!("`/{dir}` 文件夹留给{what}"))
                    .hint("给这个文件、栏目或页面换个名字或位置"),
            );
        }
    }
    let mut first: HashMap<&str, usize> = HashMap::with_capacity(plan.len());
    for (i, (path, origin)) in plan.iter().enumerate() {
        if let Err(why) = check_out_path(path) {
            errs.push(
                at(
                    origin,
                    format!("输出路径 `{path}` 不可用 (invalid output path): {why}"),
                )
                .code(codes::BAD_PATH)
                .hint("网址和文件名只用文字、数字、- 和 /，不要用 .. 或 \\"),
            );
            continue;
        }
        if let Some(&j) = first.get(path.as_str()) {
            errs.push(collision(
                &plan[j].1,
                origin,
                format!(
                    "网址 {} 被两处占用 (two outputs on one path: {path})",
                    site_path(path)
                ),
            ));
        } else {
            first.insert(path, i);
        }
    }
    for (path, origin) in plan {
        let mut end = 0;
        while let Some(k) = path[end..].find('/') {
            end += k;
            if let Some(&j) = first.get(&path[..end]) {
                errs.push(collision(&plan[j].1, origin, format!(
                    "`{}` 既要是文件又要是文件夹 (a file where another output needs a folder: {path})",
                    &path[..end]
                )));
                break;
            }
            end += 1;
        }
    }
    errs
}

/// A diagnostic at `o`, when it names a place in a file.
fn at(o: &Origin, msg: String) -> Diagnostic {
    let mut d = Diagnostic::new(codes::COLLISION, &o.file, o.line, 1, msg);
    if let Some(t) = &o.text {
        d = d.with_source(t);
    }
    d
}

/// Two origins on one path: the error goes where a contributor can fix it
/// (a content line rather than a generated page) and names both.
fn collision(a: &Origin, b: &Origin, what: String) -> Diagnostic {
    let (here, other) = if b.line > 0 || a.file.is_empty() {
        (b, a)
    } else {
        (a, b)
    };
    let file_label = if here.file.is_empty() {
        "(生成的页面 generated)".to_string()
    } else {
        here.file.clone()
    };
    let mut d = at(
        &Origin {
            file: file_label,
            ..here.clone()
        },
        format!("{what}：{} 与 {}", other.describe(), here.describe()),
    );
    d = d.hint("给其中一个换 slug:、aliases: 或文件名；栏目的第 N 页占用 栏目/page/N/，404.html、atom.xml、sitemap.xml、robots.txt 由 exemplar 生成");
    d
}

/// The pages' aliases, checked where they are made: each must be a path of
/// this site that stays inside the output folder.
pub fn aliases(pages: &[Page], errs: &mut Diagnostics) -> Vec<Alias> {
    let mut aliases = Vec::new();
    for (i, p) in pages.iter().enumerate() {
        for a in &p.doc.header.aliases {
            match alias_path(a) {
                Ok(from) => aliases.push(Alias {
                    from,
                    to: p.path.clone(),
                    page: i,
                }),
                Err(why) => errs.push(
                    at_value(
                        &p.doc.file,
                        &p.doc.header,
                        "aliases",
                        format!("别名 `{a}` 不能用 (invalid alias): {why}"),
                    )
                    .code(codes::BAD_PATH)
                    .hint("aliases 写本站的旧网址，例如 /old/path/ 或 /2019/news.html；不要用 .. 或完整网址")
                    .with_source(&p.doc.text),
                ),
            }
        }
    }
    aliases.sort_by(|a, b| (&a.from, a.page).cmp(&(&b.from, b.page)));
    aliases
}

/// The site path of an alias as written: `old/x`, `/old/x/`, `/x.html` or
/// percent-encoded; refused when it would leave the site or is not a path.
pub fn alias_path(a: &str) -> Result<String, String> {
    let a = a.trim();
    if a.contains("://") || a.starts_with("//") {
        return Err("写本站路径，不要写完整网址 (write a path, not a URL)".into());
    }
    if a.contains(['?', '#']) {
        return Err("别名不能带 ? 或 # (no query or fragment)".into());
    }
    let decoded = crate::parse::slug::decode_path(a);
    let mut p = if decoded.starts_with('/') {
        decoded
    } else {
        format!("/{decoded}")
    };
    if !p.ends_with('/') && !p.ends_with(".html") {
        p.push('/');
    }
    check_out_path(&out_file(&p))?;
    Ok(p)
}

/// Files copied as they are: statics (theme and site), then bundle files
/// beside their page and other files under content/ where they are.
/// `bundles` holds every bundle folder, published or not (the files of an
/// unpublished page's bundle are not copied).
pub fn copies<'s>(
    root: &Path,
    theme: &str,
    statics: impl Iterator<Item = (&'s String, &'s Bytes)>,
    assets: Vec<Asset>,
    pages: &[Page],
    page_bundles: &[(Option<String>, usize)],
    bundles: &BTreeSet<String>,
) -> Vec<Copy> {
    let mut copies: Vec<Copy> = statics
        .map(|(rel, src)| Copy {
            out: rel.clone(),
            from: match src {
                Bytes::Disk(p) => p
                    .strip_prefix(root)
                    .map(crate::load::rel_string)
                    .unwrap_or_else(|_| p.display().to_string()),
                Bytes::Embedded(_) => format!("themes/{theme}/static/{rel} (built in)"),
            },
            src: src.clone(),
            processed: false,
            ident: None,
            frozen: false,
        })
        .collect();
    let bundle_of: BTreeMap<String, usize> = page_bundles
        .iter()
        .filter_map(|(b, i)| b.clone().map(|b| (b, *i)))
        .collect();
    let inside = |dir: &str, b: &str| dir == b || dir.starts_with(&format!("{b}/"));
    for a in assets {
        let dir = a.rel.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
        let owner = bundle_of
            .iter()
            .filter(|(b, _)| inside(dir, b))
            .max_by_key(|(b, _)| b.len());
        let out = match owner {
            Some((b, &i)) => {
                let inner = &a.rel[b.len() + 1..];
                format!("{}{}", &pages[i].path[1..], inner)
            }
            None if bundles.iter().any(|b| inside(dir, b)) => continue,
            None => a.rel.clone(),
        };
        copies.push(Copy {
            out,
            from: format!("content/{}", a.rel),
            src: Bytes::Disk(a.src),
            processed: false,
            ident: None,
            frozen: false,
        });
    }
    copies
}

/// The frozen yearly archives (`archive/<year>/…`, relative to the
/// site's archive/ folder), published under `/archive/` byte for byte.
pub fn frozen_copies(files: Vec<Asset>) -> impl Iterator<Item = Copy> {
    files.into_iter().map(|a| Copy {
        out: format!("archive/{}", a.rel),
        from: format!("archive/{}", a.rel),
        src: Bytes::Disk(a.src),
        processed: false,
        ident: None,
        frozen: true,
    })
}

/// The years that have a frozen archive (its `index.html`), oldest first.
pub fn frozen_years(files: &[Asset]) -> Vec<i32> {
    let mut years: Vec<i32> = files
        .iter()
        .filter_map(|a| a.rel.strip_suffix("/index.html")?.parse().ok())
        .collect();
    years.sort_unstable();
    years.dedup();
    years
}

#[cfg(test)]
mod tests {
    use super::*;

    fn o(file: &str, line: usize) -> Origin {
        Origin {
            file: file.into(),
            line,
            what: file.into(),
            text: None,
        }
    }

    #[test]
    fn paths_round_trip() {
        for p in ["/", "/a/b/", "/atom.xml", "/a/x.html"] {
            assert_eq!(site_path(&out_file(p)), p);
        }
    }

    #[test]
    fn duplicates_and_file_folder_clashes_name_both_sources() {
        let plan = vec![
            ("404.html".to_string(), Origin::generated("404 页面")),
            (
                "deeds/page/2/index.html".to_string(),
                o("content/deeds/_index.md", 1),
            ),
            ("404.html/index.html".to_string(), o("content/a.md", 5)),
            (
                "deeds/page/2/index.html".to_string(),
                o("content/deeds/page/2.md", 2),
            ),
            ("../../x".to_string(), o("content/b.md", 3)),
        ];
        let errs = check(&plan);
        assert_eq!(errs.len(), 3, "{errs:#?}");
        assert!(errs.iter().any(|e| e.file == "content/deeds/page/2.md"
            && e.message.contains("content/deeds/_index.md")));
        assert!(errs
            .iter()
            .any(|e| e.file == "content/a.md" && e.message.contains("404")));
        assert!(errs
            .iter()
            .any(|e| e.file == "content/b.md" && e.code == codes::BAD_PATH));
    }
}
