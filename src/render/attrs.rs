//! Attribute values of HTML the build wrote itself, rewritten: element ids
//! made unique when many bodies share one page (a yearly collection), and
//! links made relative (an archive that opens from a disk).
//!
//! Only our own output goes through here: Tera templates and the
//! sanitiser's serialiser (html5ever) quote every value with `"`, escape
//! `"` and `&` inside it, and write `<` in text as `&lt;`, so a `<`
//! followed by a letter always starts a tag. Comments and the raw text of
//! `<script>` and `<style>` are passed over unchanged.

/// `html` with attribute values replaced where `f(tag, attribute, value)`
/// returns a new value (written as given: it must already be escaped for
/// a double-quoted attribute). Names are passed lower-cased.
pub fn rewrite(html: &str, mut f: impl FnMut(&str, &str, &str) -> Option<String>) -> String {
    let b = html.as_bytes();
    let mut out = String::with_capacity(html.len() + html.len() / 16);
    let mut done = 0; // bytes of `html` already copied to `out`
    let mut i = 0;
    while let Some(off) = html[i..].find('<') {
        let start = i + off;
        i = start + 1;
        if html[start..].starts_with("<!--") {
            i = html[start..].find("-->").map_or(b.len(), |e| start + e + 3);
            continue;
        }
        if !b.get(i).is_some_and(u8::is_ascii_alphabetic) {
            continue;
        }
        let name_end = html[i..]
            .find(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/')
            .map_or(b.len(), |e| i + e);
        let tag = html[i..name_end].to_ascii_lowercase();
        i = name_end;
        // Attributes, up to the end of the tag.
        loop {
            while b
                .get(i)
                .is_some_and(|c| c.is_ascii_whitespace() || *c == b'/')
            {
                i += 1;
            }
            if i >= b.len() || b[i] == b'>' {
                i += 1;
                break;
            }
            let attr_start = i;
            while i < b.len() && !matches!(b[i], b'=' | b'>' | b'/') && !b[i].is_ascii_whitespace()
            {
                i += 1;
            }
            let attr = html[attr_start..i].to_ascii_lowercase();
            if b.get(i) != Some(&b'=') {
                continue;
            }
            i += 1;
            let (v_start, v_end, next) = match b.get(i) {
                Some(&q @ (b'"' | b'\'')) => {
                    let end = html[i + 1..].find(q as char).map_or(b.len(), |e| i + 1 + e);
                    (i + 1, end, (end + 1).min(b.len()))
                }
                _ => {
                    let end = html[i..]
                        .find(|c: char| c.is_ascii_whitespace() || c == '>')
                        .map_or(b.len(), |e| i + e);
                    (i, end, end)
                }
            };
            if let Some(new) = f(&tag, &attr, &html[v_start..v_end]) {
                out.push_str(&html[done..v_start]);
                out.push_str(&new);
                done = v_end;
            }
            i = next;
        }
        if tag == "script" || tag == "style" {
            let close = format!("</{tag}");
            i = find_ascii_ci(html, i.min(b.len()), &close).unwrap_or(b.len());
        }
    }
    out.push_str(&html[done..]);
    out
}

/// Position of `needle` (ASCII) in `hay` from `from`, ignoring ASCII case.
fn find_ascii_ci(hay: &str, from: usize, needle: &str) -> Option<usize> {
    let h = hay.as_bytes();
    let n = needle.as_bytes();
    (from..h.len().saturating_sub(n.len() - 1)).find(|&k| h[k..k + n.len()].eq_ignore_ascii_case(n))
}

/// `html` with each URL it links replaced where `f(tag, url)` returns a
/// new one: `href`, `src`, `poster`, `action` and every `srcset`
/// candidate (the new URL must be escaped for a double-quoted attribute,
/// as the old one was). Other attributes go to `other(tag, attribute,
/// value)`, as in `rewrite`.
pub fn rewrite_links(
    html: &str,
    f: impl Fn(&str) -> Option<String>,
    mut other: impl FnMut(&str, &str, &str) -> Option<String>,
) -> String {
    rewrite(html, |tag, attr, v| match attr {
        "href" | "src" | "poster" | "action" => f(v),
        "srcset" => {
            let mut changed = false;
            let list: Vec<String> = v
                .split(',')
                .map(|cand| {
                    let cand = cand.trim();
                    let (u, w) = cand.split_once(' ').unwrap_or((cand, ""));
                    match f(u) {
                        Some(n) => {
                            changed = true;
                            if w.is_empty() {
                                n
                            } else {
                                format!("{n} {w}")
                            }
                        }
                        None => cand.to_string(),
                    }
                })
                .collect();
            changed.then(|| list.join(", "))
        }
        _ => other(tag, attr, v),
    })
}

/// `html`, a page's body, with every link a reader elsewhere can follow
/// (a feed): each relative URL resolved against `page`, the page's
/// absolute URL. `#anchors` in the body, other sites and `mailto:` stay as
/// they are; so does everything when `page` has no host (a base_url
/// without one).
pub fn absolute_links(html: &str, page: &str) -> String {
    let Ok(base) = url::Url::parse(page) else {
        return html.to_string();
    };
    rewrite_links(
        html,
        |u| {
            if u.is_empty() || u.starts_with('#') || url::Url::parse(u).is_ok() {
                return None;
            }
            // The value is escaped for its attribute (`&amp;` is `&`).
            let joined = base
                .join(&crate::parse::markdown::decode_entities(u))
                .ok()?;
            Some(joined.as_str().replace('&', "&amp;").replace('"', "&quot;"))
        },
        |_, _, _| None,
    )
}

/// Every `id` in `html` and every link to one (`href="#…"`) prefixed
/// with `prefix`, so that many bodies can share one page.
pub fn prefix_ids(html: &str, prefix: &str) -> String {
    rewrite(html, |_, attr, v| match attr {
        "id" => Some(format!("{prefix}{v}")),
        "href" => v.strip_prefix('#').map(|f| format!("#{prefix}{f}")),
        "aria-labelledby" | "aria-describedby" | "for" => Some(
            v.split_ascii_whitespace()
                .map(|x| format!("{prefix}{x}"))
                .collect::<Vec<_>>()
                .join(" "),
        ),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrites_values_of_tags_only() {
        let html = r##"<p class="a">href="/x" &lt;a href="/y"&gt;</p><a href="/z" title='t'>z</a><!-- <a href="/c"> --><script>var s = '<a href="/s">';</script><img src=/i.png alt="">"##;
        let out = rewrite(html, |tag, attr, v| {
            (attr == "href" || attr == "src").then(|| format!("{tag}:{v}"))
        });
        assert_eq!(
            out,
            r##"<p class="a">href="/x" &lt;a href="/y"&gt;</p><a href="a:/z" title='t'>z</a><!-- <a href="/c"> --><script>var s = '<a href="/s">';</script><img src=img:/i.png alt="">"##
        );
    }

    #[test]
    fn links_become_absolute_against_the_page() {
        let page = "https://example.gov.cn/jyj/ddjs/deeds/a/";
        let html = r##"<a href="/jyj/ddjs/brands/%E4%BA%91/">b</a><a href="../b/?x=1&amp;y=2&amp;t=&quot;a&quot;">r</a><a href="#h">h</a><a href="https://other.example/">o</a><a href="mailto:x@example.cn">m</a><img src="/jyj/ddjs/_img/1.jpg" srcset="/jyj/ddjs/_img/1.jpg 480w, x.jpg 960w" alt="">"##;
        assert_eq!(
            absolute_links(html, page),
            r##"<a href="https://example.gov.cn/jyj/ddjs/brands/%E4%BA%91/">b</a><a href="https://example.gov.cn/jyj/ddjs/deeds/b/?x=1&amp;y=2&amp;t=%22a%22">r</a><a href="#h">h</a><a href="https://other.example/">o</a><a href="mailto:x@example.cn">m</a><img src="https://example.gov.cn/jyj/ddjs/_img/1.jpg" srcset="https://example.gov.cn/jyj/ddjs/_img/1.jpg 480w, https://example.gov.cn/jyj/ddjs/deeds/a/x.jpg 960w" alt="">"##
        );
        // No host to resolve against: the body as it is.
        assert_eq!(absolute_links(html, "/jyj/ddjs/deeds/a/"), html);
    }

    #[test]
    fn ids_and_their_links_get_the_prefix() {
        let html =
            r##"<h2 id="一、背景">一</h2><a href="#一、背景">up</a><a href="/x/#y">out</a>"##;
        assert_eq!(
            prefix_ids(html, "e3-"),
            r##"<h2 id="e3-一、背景">一</h2><a href="#e3-一、背景">up</a><a href="/x/#y">out</a>"##
        );
    }
}
