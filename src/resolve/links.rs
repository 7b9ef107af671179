//! Links and images written in content, resolved against the plan of
//! outputs: `@/brands/x.md` and relative `./x.md` (a content file),
//! root-relative URLs (`/brands/x/`) and relative ones (`photo.jpg`,
//! `../other/`) become final URLs under base_url; a target the site does
//! not have is an error with file and line. Links to other sites, `mailto:`
//! and `#anchor` links are kept as written.

use std::collections::{BTreeMap, BTreeSet};

use crate::config::Urls;
use crate::diagnostics::codes;
use crate::parse::markdown::{LinkError, LinkResolver, PictureUrls};
use crate::parse::slug::decode_path;

#[derive(Debug, Clone, Default)]
pub struct Resolver {
    /// Links under base_url's path (`/` or `/jyj/ddjs/`).
    pub urls: Urls,
    /// Every site path the build writes (pages, lists, feeds, copied files).
    pub known: BTreeSet<String>,
    /// Content file (relative to content/) → site path.
    pub files: BTreeMap<String, String>,
    /// Content files whose header failed, and the paths they would have had:
    /// links to them are not reported again.
    unparsed: BTreeSet<String>,
    shadow: BTreeSet<String>,
    /// Processed images by site path (after the image stage).
    pictures: std::sync::Arc<BTreeMap<String, crate::model::Picture>>,
    fingerprint: u64,
}

/// Where a destination written in content points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Located {
    /// A site path the build writes, and the `#fragment`/`?query` after it.
    Site(String, String),
    /// Another site, `mailto:`, `tel:` and the like, or only `#fragment`.
    Elsewhere,
    /// A page whose header could not be read (already reported).
    Unparsed,
}

impl Resolver {
    pub fn new(
        base_path: String,
        known: BTreeSet<String>,
        files: BTreeMap<String, String>,
    ) -> Resolver {
        Resolver {
            urls: Urls {
                base_path,
                origin: String::new(),
            },
            known,
            files,
            ..Default::default()
        }
        .with_unparsed(BTreeSet::new(), BTreeSet::new())
    }

    pub fn with_unparsed(mut self, files: BTreeSet<String>, paths: BTreeSet<String>) -> Resolver {
        use std::hash::{Hash, Hasher};
        self.unparsed = files;
        self.shadow = paths;
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (
            &self.urls,
            &self.known,
            &self.files,
            &self.unparsed,
            &self.shadow,
        )
            .hash(&mut h);
        self.fingerprint = h.finish();
        self
    }

    /// Images in bodies become `<picture>`s of these processed versions.
    pub fn with_pictures(
        mut self,
        pictures: std::sync::Arc<BTreeMap<String, crate::model::Picture>>,
    ) -> Resolver {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (self.fingerprint, &*pictures).hash(&mut h);
        self.fingerprint = h.finish();
        self.pictures = pictures;
        self
    }

    /// Changes whenever any link could resolve differently.
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    /// Final href for a site path (unencoded, starting with `/`).
    pub fn href(&self, path: &str) -> String {
        self.urls.href(path)
    }

    /// Where `dest`, written in content file `from` (relative to content/),
    /// points. `image` only changes the wording of errors.
    pub fn locate(&self, from: &str, dest: &str, image: bool) -> Result<Located, LinkError> {
        let dest = dest.trim();
        if dest.is_empty() || dest.starts_with('#') || has_scheme(dest) || dest.starts_with("//") {
            return Ok(Located::Elsewhere);
        }
        let (target, frag) = split_fragment(dest);
        let target = decode_path(target);
        // A content file: `@/brands/x.md`, or relative `./x.md`, `../y/index.md`.
        let file = match target.strip_prefix("@/") {
            Some(f) => Some(f.to_string()),
            None if target.ends_with(".md") && !target.starts_with('/') => {
                let dir = from.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
                Some(normalise(dir, &target).ok_or_else(|| outside(dest))?)
            }
            None => None,
        };
        if let Some(file) = file {
            return match self.files.get(&file) {
                Some(path) => Ok(Located::Site(path.clone(), frag.to_string())),
                None if self.unparsed.contains(&file) => Ok(Located::Unparsed),
                None => Err(LinkError {
                    code: codes::BROKEN_LINK,
                    message: format!(
                        "链接 `{dest}` 指向的文件 content/{file} 不存在或未发布 (linked file not found)"
                    ),
                    hint: "@/ 后面写 content/ 下的文件路径，例如 @/brands/yunjiang.md；./x.md 相对于本文件所在文件夹；若目标是草稿，先发布它".into(),
                }),
            };
        }
        // A site path: root-relative, or relative to the page's URL.
        let path = if target.starts_with('/') {
            target.clone()
        } else {
            let base = self.files.get(from).map(String::as_str).unwrap_or("/");
            let base = base.trim_start_matches('/');
            let base = base.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
            let joined = normalise(base, &target).ok_or_else(|| outside(dest))?;
            let slash = if target.ends_with('/') && !joined.is_empty() {
                "/"
            } else {
                ""
            };
            format!("/{joined}{slash}")
        };
        let candidates = [
            path.clone(),
            format!("{path}/"),
            path.strip_suffix("index.html").unwrap_or(&path).to_string(),
        ];
        if let Some(found) = candidates.iter().find(|c| self.known.contains(c.as_str())) {
            return Ok(Located::Site(found.clone(), frag.to_string()));
        }
        if candidates.iter().any(|c| self.shadow.contains(c.as_str())) {
            return Ok(Located::Unparsed);
        }
        Err(if image {
            LinkError {
                code: codes::MISSING_FILE,
                message: format!("图片 `{dest}` 不存在 (image not found: {path})"),
                hint: "图片放在页面文件夹（page bundle）里写文件名，或放进 static/ 写 /images/文件名；检查文件名的大小写和扩展名".into(),
            }
        } else {
            LinkError {
                code: codes::BROKEN_LINK,
                message: format!("链接 `{dest}` 指向的页面不存在 (broken internal link: {path})"),
                hint: match self.peer_form(&path) {
                    Some(p) => format!("did you mean `{p}`? 是否指 {p}（Hexo/Hugo 等的写法：.html、下划线或大小写不同）"),
                    None => "检查网址拼写；站内页面可写成 @/栏目/文件名.md，静态文件放在 static/ 下；若目标是草稿，先发布它".into(),
                },
            }
        })
    }
}

impl Resolver {
    /// The one page `path` names in a peer's form: `/x.html` or
    /// `/x/index.html` for `/x/`, `_` for `-` (Hugo's `/commands/hugo_mod/`
    /// for `/commands/hugo-mod/`), other letter case.
    fn peer_form(&self, path: &str) -> Option<String> {
        let key = |p: &str| {
            let p = p.trim_end_matches('/');
            let p = p
                .strip_suffix("/index.html")
                .or_else(|| p.strip_suffix(".html"))
                .unwrap_or(p);
            p.to_lowercase().replace('_', "-")
        };
        let want = key(path);
        let mut found = self
            .known
            .iter()
            .filter(|k| k.ends_with('/') && key(k) == want);
        let first = found.next()?;
        found.next().is_none().then(|| first.clone())
    }
}

fn outside(dest: &str) -> LinkError {
    LinkError {
        code: codes::BROKEN_LINK,
        message: format!("链接 `{dest}` 跑到了站点之外 (link leaves the site)"),
        hint: "../ 用得太多了；站内页面可写成 @/栏目/文件名.md".into(),
    }
}

/// `dir` joined with the relative path `rel`, `.` and `..` applied; None
/// when `..` climbs above the root.
pub fn normalise(dir: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// `http:`, `mailto:`, `javascript:` …: a URL scheme (RFC 3986).
fn has_scheme(dest: &str) -> bool {
    match dest.find(':') {
        Some(i) if i > 0 => {
            let scheme = &dest[..i];
            scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        _ => false,
    }
}

fn split_fragment(dest: &str) -> (&str, &str) {
    match dest.find(['#', '?']) {
        Some(i) => (&dest[..i], &dest[i..]),
        None => (dest, ""),
    }
}

impl LinkResolver for Resolver {
    fn resolve(&self, from: &str, dest: &str, image: bool) -> Result<Option<String>, LinkError> {
        match self.locate(from, dest, image)? {
            Located::Site(path, frag) => Ok(Some(format!("{}{frag}", self.href(&path)))),
            Located::Elsewhere | Located::Unparsed => Ok(None),
        }
    }

    fn site_path(&self, from: &str, dest: &str) -> Option<String> {
        match self.locate(from, dest, false) {
            Ok(Located::Site(path, _)) => Some(path),
            _ => None,
        }
    }

    fn picture(&self, from: &str, dest: &str) -> Option<PictureUrls> {
        match self.locate(from, dest, true) {
            Ok(Located::Site(path, _)) => self
                .pictures
                .get(&path)
                .map(|p| PictureUrls::new(p, false, &|s| self.href(s))),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r() -> Resolver {
        Resolver::new(
            "/jyj/ddjs/".into(),
            [
                "/brands/云江/".to_string(),
                "/brands/云江/photo.jpg".to_string(),
                "/css/site.css".to_string(),
                "/deeds/".to_string(),
            ]
            .into_iter()
            .collect(),
            [("brands/云江.md".to_string(), "/brands/云江/".to_string())]
                .into_iter()
                .collect(),
        )
    }

    fn ok(from: &str, dest: &str) -> String {
        r().resolve(from, dest, false).unwrap().unwrap()
    }

    #[test]
    fn content_files_and_site_paths_get_the_sub_path() {
        assert_eq!(
            ok("", "@/brands/云江.md#做法"),
            "/jyj/ddjs/brands/%E4%BA%91%E6%B1%9F/#做法"
        );
        assert_eq!(
            ok("", "/brands/云江"),
            "/jyj/ddjs/brands/%E4%BA%91%E6%B1%9F/"
        );
        assert_eq!(ok("", "/css/site.css"), "/jyj/ddjs/css/site.css");
        assert_eq!(
            r().resolve("", "https://example.org/", false).unwrap(),
            None
        );
        assert_eq!(r().resolve("", "mailto:a@b.cn", false).unwrap(), None);
        assert_eq!(r().resolve("", "#top", false).unwrap(), None);
        assert!(r().resolve("", "/nope/", false).is_err());
        assert!(r().resolve("", "@/nope.md", false).is_err());
    }

    #[test]
    fn relative_links_resolve_from_the_page() {
        assert_eq!(
            ok("brands/云江.md", "photo.jpg"),
            "/jyj/ddjs/brands/%E4%BA%91%E6%B1%9F/photo.jpg"
        );
        assert_eq!(ok("brands/云江.md", "../../deeds/"), "/jyj/ddjs/deeds/");
        assert_eq!(
            ok("brands/other.md", "./云江.md"),
            "/jyj/ddjs/brands/%E4%BA%91%E6%B1%9F/"
        );
        assert_eq!(
            ok("deeds/x.md", "../brands/云江.md"),
            "/jyj/ddjs/brands/%E4%BA%91%E6%B1%9F/"
        );
        let e = r()
            .resolve("brands/云江.md", "missing.png", true)
            .unwrap_err();
        assert_eq!(e.code, codes::MISSING_FILE);
        assert!(r().resolve("brands/云江.md", "other.html", false).is_err());
        assert!(r().resolve("a.md", "../../../x.md", false).is_err());
    }

    #[test]
    fn links_to_unparsed_pages_are_not_echoed() {
        let r = r().with_unparsed(
            ["deeds/bad.md".to_string()].into_iter().collect(),
            ["/deeds/bad/".to_string()].into_iter().collect(),
        );
        assert_eq!(r.resolve("a.md", "@/deeds/bad.md", false).unwrap(), None);
        assert_eq!(r.resolve("a.md", "/deeds/bad/", false).unwrap(), None);
        assert!(r.resolve("a.md", "/deeds/other/", false).is_err());
    }
}
