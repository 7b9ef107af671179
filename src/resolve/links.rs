//! Internal links: `@/brands/x.md` (a content file) and root-relative URLs
//! (`/brands/x/`) become final URLs under base_url; a link to something the
//! site does not have is an error with file and line.

use std::collections::{BTreeMap, BTreeSet};

use crate::parse::markdown::LinkResolver;
use crate::parse::slug::{decode_path, encode_path};

#[derive(Debug, Clone)]
pub struct Resolver {
    /// base_url's path, `/` or `/jyj/ddjs/`.
    pub base_path: String,
    /// Every URL path the site will have (pages, lists, static files).
    pub known: BTreeSet<String>,
    /// Content file (relative to content/) → URL path.
    pub files: BTreeMap<String, String>,
    fingerprint: u64,
}

impl Resolver {
    pub fn new(
        base_path: String,
        known: BTreeSet<String>,
        files: BTreeMap<String, String>,
    ) -> Resolver {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (&base_path, &known, &files).hash(&mut h);
        Resolver {
            base_path,
            known,
            files,
            fingerprint: h.finish(),
        }
    }

    /// Changes whenever any link could resolve differently.
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }
}

impl Resolver {
    /// Final href for a site path (unencoded, starting with `/`).
    pub fn href(&self, path: &str) -> String {
        format!(
            "{}{}",
            self.base_path,
            encode_path(path.trim_start_matches('/'))
        )
    }
}

fn split_fragment(dest: &str) -> (&str, &str) {
    match dest.find(['#', '?']) {
        Some(i) => (&dest[..i], &dest[i..]),
        None => (dest, ""),
    }
}

impl LinkResolver for Resolver {
    fn resolve(&self, _from: &str, dest: &str) -> Result<Option<String>, (String, String)> {
        if let Some(target) = dest.strip_prefix("@/") {
            let (file, frag) = split_fragment(target);
            let file = decode_path(file);
            return match self.files.get(&file) {
                Some(path) => Ok(Some(format!("{}{frag}", self.href(path)))),
                None => Err((
                    format!("内部链接 `{dest}` 指向的文件不存在或未发布 (linked file not found)"),
                    "@/ 后面写 content/ 下的文件路径，例如 @/brands/yunjiang.md；若目标是草稿，先发布它".to_string(),
                )),
            };
        }
        if !dest.starts_with('/') || dest.starts_with("//") {
            return Ok(None);
        }
        let (path, frag) = split_fragment(dest);
        let decoded = decode_path(path);
        let candidates = [
            decoded.clone(),
            format!("{decoded}/"),
            decoded.trim_end_matches("index.html").to_string(),
        ];
        match candidates.iter().find(|c| self.known.contains(c.as_str())) {
            Some(found) => Ok(Some(format!("{}{frag}", self.href(found)))),
            None => Err((
                format!("链接 `{dest}` 指向的页面不存在 (broken internal link)"),
                "检查网址拼写；站内页面可写成 @/栏目/文件名.md，静态文件放在 static/ 下；若目标是草稿，先发布它".to_string(),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r() -> Resolver {
        Resolver::new(
            "/jyj/ddjs/".into(),
            ["/brands/云江/".to_string(), "/css/site.css".to_string()]
                .into_iter()
                .collect(),
            [("brands/云江.md".to_string(), "/brands/云江/".to_string())]
                .into_iter()
                .collect(),
        )
    }

    #[test]
    fn at_links_and_root_links_get_the_sub_path() {
        let r = r();
        assert_eq!(
            r.resolve("", "@/brands/云江.md#做法").unwrap().unwrap(),
            "/jyj/ddjs/brands/%E4%BA%91%E6%B1%9F/#做法"
        );
        assert_eq!(
            r.resolve("", "/brands/云江").unwrap().unwrap(),
            "/jyj/ddjs/brands/%E4%BA%91%E6%B1%9F/"
        );
        assert_eq!(
            r.resolve("", "/css/site.css").unwrap().unwrap(),
            "/jyj/ddjs/css/site.css"
        );
        assert_eq!(r.resolve("", "https://example.org/").unwrap(), None);
        assert!(r.resolve("", "/nope/").is_err());
        assert!(r.resolve("", "@/nope.md").is_err());
    }
}
