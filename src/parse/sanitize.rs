//! Raw HTML written into Markdown is untrusted: contributions come from many
//! schools. Every body is cleaned with ammonia, whatever it contains (scripts,
//! styles, iframes, event handlers, `javascript:` and `data:` URLs go;
//! heading ids, classes, tables, figures and details stay). site.yaml
//! `trust_html: true` turns this off.

use std::collections::HashSet;
use std::sync::LazyLock;

static CLEANER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.add_tags([
        "figure",
        "figcaption",
        "details",
        "summary",
        "input",
        "section",
        "mark",
        "abbr",
        "kbd",
        "sup",
        "sub",
        "picture",
        "source",
        "video",
        "track",
    ]);
    b.add_generic_attributes(["id", "class", "title", "lang"]);
    b.add_tag_attributes(
        "img",
        [
            "loading",
            "width",
            "height",
            "srcset",
            "sizes",
            "decoding",
            "fetchpriority",
        ],
    );
    b.add_tag_attributes("source", ["srcset", "sizes", "type", "src"]);
    b.add_tag_attributes(
        "video",
        ["controls", "preload", "poster", "width", "height"],
    );
    b.add_tag_attributes("track", ["kind", "src", "srclang", "label", "default"]);
    b.add_tag_attributes("input", ["type", "checked", "disabled"]);
    b.add_tag_attributes("th", ["style"]);
    b.add_tag_attributes("td", ["style"]);
    b.add_tag_attributes("ol", ["start"]);
    b.url_schemes(HashSet::from(["http", "https", "mailto", "tel"]));
    b.link_rel(None);
    b.attribute_filter(|element, attribute, value| match (element, attribute) {
        // Task-list boxes only; table alignment only.
        ("input", "type") => (value == "checkbox").then(|| value.into()),
        // ammonia checks `src` and `href` schemes but not `srcset`: every
        // candidate must be a path or http(s).
        (_, "srcset") => value
            .split(',')
            .all(|c| {
                let url = c.split_whitespace().next().unwrap_or("");
                let scheme = url.split_once(':').map(|(s, _)| s);
                scheme.is_none_or(|s| {
                    s.contains('/')
                        || s.eq_ignore_ascii_case("http")
                        || s.eq_ignore_ascii_case("https")
                })
            })
            .then(|| value.into()),
        ("source", "type") => {
            (value.starts_with("image/") || value.starts_with("video/")).then(|| value.into())
        }
        // ammonia checks `src` and `href`, not `poster`.
        (_, "poster") => {
            let scheme = value.split_once(':').map(|(s, _)| s);
            scheme
                .is_none_or(|s| {
                    s.contains('/')
                        || s.eq_ignore_ascii_case("http")
                        || s.eq_ignore_ascii_case("https")
                })
                .then(|| value.into())
        }
        // Never autoplay, whatever the Markdown says.
        ("video", "preload") => Some("none".into()),
        (_, "style") => matches!(
            value,
            "text-align: left" | "text-align: center" | "text-align: right"
        )
        .then(|| value.into()),
        _ => Some(value.into()),
    });
    b
});

pub fn sanitize(html: &str) -> String {
    CLEANER.clean(html).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_scripts_and_handlers_keeps_structure() {
        let out = sanitize(
            r#"<h2 id="做法">做法</h2><script>alert(1)</script><img src="x.png" alt="a" onerror="alert(1)"><a href="javascript:alert(1)">x</a><a href="data:text/html,x">d</a><table><tr><td style="text-align: right">1</td><td style="position:fixed">2</td></tr></table><details><summary>s</summary>t</details>"#,
        );
        assert!(out.contains(r#"<h2 id="做法">"#), "{out}");
        assert!(
            !out.contains("script")
                && !out.contains("onerror")
                && !out.contains("javascript:")
                && !out.contains("data:"),
            "{out}"
        );
        assert!(
            out.contains(r#"style="text-align: right""#) && !out.contains("position"),
            "{out}"
        );
        assert!(out.contains("<details>"), "{out}");
    }

    #[test]
    fn srcset_keeps_paths_and_drops_scripted_candidates() {
        let ok = sanitize(
            r#"<picture><source type="image/webp" srcset="/a-480.webp 480w, /a-960.webp 960w"><img src="/a.jpg" srcset="/a.jpg 480w" alt="x"></picture>"#,
        );
        assert!(
            ok.contains(r#"srcset="/a-480.webp 480w, /a-960.webp 960w""#),
            "{ok}"
        );
        let bad = sanitize(
            r#"<img src="/a.jpg" srcset="/a.jpg 1x, javascript:alert(1) 2x" alt="x"><source type="text/html" srcset="/b.jpg">"#,
        );
        assert!(
            !bad.contains("javascript") && !bad.contains("text/html"),
            "{bad}"
        );
    }
}
