//! Links of a built site made relative, so that the copy opens from a disk
//! or a USB stick (`file://`) with no server: every link to a file the
//! archive holds becomes a path from the linking file (`../../x/index.html`;
//! a folder's `index.html` is written out, because `file://` does not
//! open a folder's index); every link to a page the archive does not hold
//! (another year's) becomes the live site's absolute URL. Links to other
//! sites, `mailto:` and `#anchors` stay as they are.

use std::collections::BTreeSet;

use crate::model::paths::decode_path;
use crate::render::attrs;

/// The site whose links are rewritten.
pub struct Site<'a> {
    /// base_url's path: `/` or `/jyj/ddjs/`.
    pub base_path: &'a str,
    /// base_url's scheme and host: `https://example.gov.cn`.
    pub origin: &'a str,
    /// Every file of the archive, relative to its root, unencoded.
    pub files: &'a BTreeSet<String>,
}

impl Site<'_> {
    /// `url`, written in file `from` (relative to the archive's root), as
    /// the archive links it; `None` when it stays as it is.
    pub fn link(&self, from: &str, url: &str) -> Option<String> {
        if url.starts_with("//") {
            return None;
        }
        let rest = url.strip_prefix(self.base_path)?;
        let cut = rest.find(['?', '#']).unwrap_or(rest.len());
        let (path, tail) = rest.split_at(cut);
        let decoded = decode_path(path);
        let (target, written) = if decoded.is_empty() || decoded.ends_with('/') {
            (format!("{decoded}index.html"), format!("{path}index.html"))
        } else if self.files.contains(&decoded) {
            (decoded, path.to_string())
        } else {
            // `/x/y` naming a folder.
            (
                format!("{decoded}/index.html"),
                format!("{path}/index.html"),
            )
        };
        if self.files.contains(&target) {
            let up = "../".repeat(from.matches('/').count());
            Some(format!("{up}{written}{tail}"))
        } else {
            Some(format!("{}{url}", self.origin))
        }
    }

    /// An HTML file (`from`, relative to the archive's root) with its
    /// links rewritten: `href`, `src`, `poster`, `action`, every `srcset`
    /// candidate, and the target of a `<meta http-equiv="refresh">`.
    pub fn html(&self, from: &str, html: &str) -> String {
        attrs::rewrite_links(
            html,
            |u| self.link(from, u),
            |tag, attr, v| match attr {
                "content" if tag == "meta" => {
                    let (delay, u) = v.split_once(";")?;
                    let u = u.trim_start();
                    let u = u.strip_prefix("url=").or_else(|| u.strip_prefix("URL="))?;
                    self.link(from, u).map(|n| format!("{delay}; url={n}"))
                }
                _ => None,
            },
        )
    }

    /// A stylesheet with its `url(…)`s rewritten.
    pub fn css(&self, from: &str, css: &str) -> String {
        let re = regex::Regex::new(r#"url\(\s*(['"]?)([^'")]+)(['"]?)\s*\)"#).expect("valid");
        re.replace_all(css, |c: &regex::Captures| match self.link(from, &c[2]) {
            Some(n) => format!("url({}{n}{})", &c[1], &c[3]),
            None => c[0].to_string(),
        })
        .into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(files: &BTreeSet<String>) -> Site<'_> {
        Site {
            base_path: "/jyj/ddjs/",
            origin: "https://example.gov.cn",
            files,
        }
    }

    #[test]
    fn links_inside_are_relative_and_the_rest_go_to_the_live_site() {
        let files: BTreeSet<String> = [
            "index.html",
            "deeds/扎根/index.html",
            "brands/a/index.html",
            "_img/x-w480.webp",
            "css/site.css",
        ]
        .map(String::from)
        .into();
        let s = site(&files);
        let from = "brands/a/index.html";
        assert_eq!(
            s.link(from, "/jyj/ddjs/").as_deref(),
            Some("../../index.html")
        );
        assert_eq!(
            s.link(from, "/jyj/ddjs/deeds/%E6%89%8E%E6%A0%B9/#x")
                .as_deref(),
            Some("../../deeds/%E6%89%8E%E6%A0%B9/index.html#x")
        );
        assert_eq!(
            s.link(from, "/jyj/ddjs/deeds/old/").as_deref(),
            Some("https://example.gov.cn/jyj/ddjs/deeds/old/")
        );
        assert_eq!(
            s.link("index.html", "/jyj/ddjs/css/site.css").as_deref(),
            Some("css/site.css")
        );
        assert_eq!(s.link(from, "https://other.example/"), None);
        assert_eq!(s.link(from, "#top"), None);
        assert_eq!(s.link(from, "//cdn.example/x.js"), None);
        let html = r#"<img src="/jyj/ddjs/_img/x-w480.webp" srcset="/jyj/ddjs/_img/x-w480.webp 480w, https://o.example/y.jpg 960w"><meta http-equiv="refresh" content="0; url=/jyj/ddjs/"><meta property="og:url" content="https://example.gov.cn/jyj/ddjs/">"#;
        assert_eq!(
            s.html(from, html),
            r#"<img src="../../_img/x-w480.webp" srcset="../../_img/x-w480.webp 480w, https://o.example/y.jpg 960w"><meta http-equiv="refresh" content="0; url=../../index.html"><meta property="og:url" content="https://example.gov.cn/jyj/ddjs/">"#
        );
        assert_eq!(
            s.css(
                "css/site.css",
                "a{background:url('/jyj/ddjs/_img/x-w480.webp')}"
            ),
            "a{background:url('../_img/x-w480.webp')}"
        );
    }
}
