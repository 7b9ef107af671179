//! A page body in the peer's syntax → Markdown: tag plugins and
//! shortcodes with a Markdown equivalent converted, links in the peer's
//! forms turned into `@/` content links, the rest left as written and
//! listed (`Report::warn`, file and line).

use std::collections::{BTreeSet, HashMap};

use super::*;

pub(super) struct Links<'a> {
    pub(super) by_url: HashMap<String, String>,
    pub(super) by_src: HashMap<String, String>,
    /// Every copied file's place in the new site (`static/img/a.png`).
    pub(super) copied: BTreeSet<String>,
    pub(super) conf: &'a SiteConf,
}

impl Links<'_> {
    /// A link target on page `p` → `@/…` when it names an imported page.
    fn rewrite(&self, p: &Page, target: &str) -> Option<String> {
        let (path, frag) = match target.find(['#', '?']) {
            Some(i) => (&target[..i], &target[i..]),
            None => (target, ""),
        };
        let frag = if frag.starts_with('?') { "" } else { frag };
        if path.is_empty() || path.starts_with("@/") || path.starts_with("mailto:") {
            return None;
        }
        let local = match path.split_once("://") {
            Some((_, rest)) => {
                let base = self
                    .conf
                    .url
                    .as_deref()?
                    .split("://")
                    .nth(1)?
                    .split('/')
                    .next()?;
                let host = rest.split('/').next()?;
                if host != base {
                    return None;
                }
                rest[host.len()..].to_string()
            }
            None => path.to_string(),
        };
        let found = if is_markdown(&local) && !local.starts_with('/') {
            // A source file relative to this one.
            let dir = p.src.rfind('/').map(|i| &p.src[..i]).unwrap_or("");
            let joined = join(dir, &local)?;
            self.by_src.get(&joined).cloned()
        } else {
            let abs = if local.starts_with('/') {
                strip_root(&local, &self.conf.root)
            } else {
                let base = p.old_url.as_deref()?;
                let dir = base.rfind('/').map(|i| &base[..i]).unwrap_or("");
                let joined = join(dir.trim_start_matches('/'), &local)?;
                format!("/{joined}")
            };
            url_keys(&abs)
                .iter()
                .find_map(|k| self.by_url.get(k))
                .cloned()
        };
        if let Some(found) = found {
            // Heading ids as exemplar makes them (Hexo keeps `#Layout`).
            let frag = match slugify(
                &crate::parse::slug::decode_path(frag.trim_start_matches('#')),
                false,
            ) {
                f if f.is_empty() => frag.to_string(),
                f => format!("#{f}"),
            };
            return Some(format!("@/{found}{frag}"));
        }
        if !local.starts_with('/') && !is_markdown(&local) && local.contains('.') {
            // A file named relative to the page that is not beside it but
            // at the site's root (a Hexo habit): made root-relative.
            let page_dir = p.to.rsplit_once('/').map(|x| x.0).unwrap_or("");
            let beside = join(&format!("content/{page_dir}"), &local);
            let bundle = join(&format!("content/{}", md_stem(&p.to)), &local);
            let decoded = crate::parse::slug::decode_path(&local);
            let at_root = format!("static/{}", decoded.trim_start_matches("./"));
            let found = |f: &Option<String>| f.as_ref().is_some_and(|f| self.copied.contains(f));
            if !found(&beside) && !found(&bundle) && self.copied.contains(&at_root) {
                return Some(format!("/{}{frag}", local.trim_start_matches("./")));
            }
        }
        None
    }

    /// A content path as Hugo's `ref` or Zola's `@/` names it.
    fn by_ref(&self, p: &Page, r: &str) -> Option<String> {
        let (path, frag) = match r.find('#') {
            Some(i) => (&r[..i], &r[i..]),
            None => (r, ""),
        };
        let content = &self.conf.content;
        let cands: Vec<String> = if let Some(abs) = path.strip_prefix('/') {
            vec![format!("{content}/{abs}")]
        } else {
            let dir = p.src.rfind('/').map(|i| &p.src[..i]).unwrap_or("");
            vec![
                join(dir, path).unwrap_or_default(),
                format!("{content}/{path}"),
            ]
        };
        for c in cands {
            for form in [
                c.clone(),
                format!("{c}.md"),
                format!("{c}/index.md"),
                format!("{c}/_index.md"),
            ] {
                if let Some(to) = self.by_src.get(&form) {
                    return Some(format!("@/{to}{frag}"));
                }
            }
        }
        // Hugo also finds a page by its file name alone.
        let name = path.trim_start_matches('/');
        let name = name.strip_suffix(".md").unwrap_or(name);
        let mut hits = self
            .by_src
            .iter()
            .filter(|(s, _)| md_stem(s).ends_with(&format!("/{name}")));
        match (hits.next(), hits.next()) {
            (Some((_, to)), None) => Some(format!("@/{to}{frag}")),
            _ => None,
        }
    }
}

/// `dir` + a relative path, `..` applied; None when it climbs out.
pub(super) use crate::resolve::links::normalise as join;

fn fence_of(line: &str) -> Option<(char, usize)> {
    let t = line.trim_start();
    if line.len() - t.len() > 3 {
        return None;
    }
    let c = t.chars().next()?;
    if c != '`' && c != '~' {
        return None;
    }
    let n = t.chars().take_while(|&x| x == c).count();
    (n >= 3).then_some((c, n))
}

/// Arguments as Hexo splits them: by spaces, quotes keep spaces.
pub(super) fn hexo_args(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut had = false;
    for c in s.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => cur.push(c),
            None if c == '"' || c == '\'' => {
                quote = Some(c);
                had = true;
            }
            None if c.is_whitespace() => {
                if had || !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
                had = false;
            }
            None => {
                cur.push(c);
                had = true;
            }
        }
    }
    if had || !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Hugo shortcode arguments: positional and `name="value"`.
fn hugo_args(s: &str) -> (Vec<String>, HashMap<String, String>) {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(r#"(?:([\w-]+)\s*=\s*)?(?:"((?:[^"\\]|\\.)*)"|`([^`]*)`|(\S+))"#)
            .expect("valid")
    });
    let mut pos = Vec::new();
    let mut named = HashMap::new();
    for c in re.captures_iter(s) {
        let v = c
            .get(2)
            .or(c.get(3))
            .or(c.get(4))
            .map(|m| m.as_str().replace("\\\"", "\""))
            .unwrap_or_default();
        match c.get(1) {
            Some(k) => {
                named.insert(k.as_str().to_string(), v);
            }
            None => pos.push(v),
        }
    }
    (pos, named)
}

fn md_link_text(s: &str) -> String {
    s.replace('[', "\\[").replace(']', "\\]")
}

fn md_dest(s: &str) -> String {
    if s.contains([' ', '(', ')']) {
        format!("<{}>", s.replace('>', "%3E"))
    } else {
        s.to_string()
    }
}

/// A block tag or paired shortcode found on a line of its own.
struct Opened {
    /// `note`, `codeblock`, … (Hexo/Jekyll) or the shortcode's name (Hugo).
    name: String,
    args: String,
    hugo: bool,
}

/// The opener of a block tag or paired shortcode on a line of its own; the
/// caller looks for its close (`is_block_close`) and treats the line as
/// inline text when there is none.
fn block_open(peer: Peer, line: &str) -> Option<Opened> {
    static HEXO: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    static HUGO: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let t = line.trim();
    match peer {
        Peer::Hexo | Peer::Jekyll => {
            let re = HEXO.get_or_init(|| {
                regex::Regex::new(r"^\{%-?\s*(\w+)\s*(.*?)\s*-?%\}$").expect("valid")
            });
            let c = re.captures(t)?;
            let name = c[1].to_string();
            let paired = [
                "note",
                "codeblock",
                "code",
                "blockquote",
                "quote",
                "raw",
                "highlight",
                "pullquote",
            ];
            paired.contains(&name.as_str()).then(|| Opened {
                name,
                args: c[2].to_string(),
                hugo: false,
            })
        }
        Peer::Hugo => {
            let re = HUGO.get_or_init(|| {
                regex::Regex::new(r"^\{\{([<%])\s*([\w/-]+)\s*(.*?)\s*[>%]\}\}$").expect("valid")
            });
            let c = re.captures(t)?;
            let name = c[2].to_string();
            if name.starts_with('/') {
                return None;
            }
            Some(Opened {
                name,
                args: c[3].to_string(),
                hugo: true,
            })
        }
        Peer::Zola => None,
    }
}

fn is_block_close(o: &Opened, line: &str) -> bool {
    let t: String = line.trim().chars().filter(|c| !c.is_whitespace()).collect();
    if o.hugo {
        t == format!("{{{{</{}>}}}}", o.name) || t == format!("{{{{%/{}%}}}}", o.name)
    } else {
        t == format!("{{%end{}%}}", o.name) || t == format!("{{%-end{}-%}}", o.name)
    }
}

fn quote_lines(lines: &[String]) -> String {
    lines
        .iter()
        .map(|l| {
            if l.trim().is_empty() {
                ">".to_string()
            } else {
                format!("> {l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn convert_block(
    o: &Opened,
    inner: Vec<String>,
    links: &Links,
    p: &Page,
    report: &mut Report,
    line: usize,
) -> String {
    let lang_fence = |lang: &str, inner: &[String]| {
        let longest = inner
            .iter()
            .filter_map(|l| fence_of(l).map(|(_, n)| n))
            .max()
            .unwrap_or(0);
        let fence = "`".repeat(longest.max(2) + 1);
        format!("{fence}{lang}\n{}\n{fence}", inner.join("\n"))
    };
    match (o.hugo, o.name.as_str()) {
        (false, "codeblock" | "code") => {
            let args = hexo_args(&o.args);
            let lang = args
                .iter()
                .find_map(|a| a.strip_prefix("lang:"))
                .unwrap_or("")
                .to_string();
            lang_fence(&lang, &inner)
        }
        (false, "highlight") | (true, "highlight") => {
            let args = if o.hugo {
                hugo_args(&o.args).0
            } else {
                hexo_args(&o.args)
            };
            lang_fence(args.first().map(String::as_str).unwrap_or(""), &inner)
        }
        (false, "raw") => inner.join("\n"),
        (false, "note") => {
            let args = hexo_args(&o.args);
            // `{% note [class] [no-icon] [title] %}`: classes are words.
            let title: Vec<&str> = args
                .iter()
                .map(String::as_str)
                .filter(|a| {
                    !matches!(
                        *a,
                        "default"
                            | "primary"
                            | "success"
                            | "info"
                            | "warning"
                            | "danger"
                            | "no-icon"
                            | "flat"
                            | "simple"
                            | "modern"
                            | "disabled"
                    )
                })
                .collect();
            let mut lines = Vec::new();
            if !title.is_empty() {
                lines.push(format!("**{}**", title.join(" ")));
                lines.push(String::new());
            }
            lines.extend(inner);
            quote_lines(&lines)
        }
        (false, "blockquote" | "quote" | "pullquote") => {
            let args = hexo_args(&o.args);
            let mut lines = inner;
            let who: Vec<String> = args
                .iter()
                .filter(|a| !a.contains("://"))
                .cloned()
                .collect();
            if !who.is_empty() {
                lines.push(String::new());
                lines.push(format!("—— {}", who.join(" ")));
            }
            quote_lines(&lines)
        }
        (true, name) => {
            let label = match name {
                "note" => Some("注意"),
                "tip" => Some("提示"),
                "warning" | "caution" => Some("警告"),
                "important" => Some("重要"),
                _ => None,
            };
            let inner_md = convert_lines(Peer::Hugo, links, p, report, &inner, line + 1);
            match label {
                Some(l) => quote_lines(
                    &std::iter::once(format!("**{l}**"))
                        .chain(std::iter::once(String::new()))
                        .chain(inner_md.lines().map(str::to_string))
                        .collect::<Vec<_>>(),
                ),
                None => {
                    report.warn(&p.src, line, format!("shortcode {name}"), format!("短代码 {{{{< {name} >}}}} 已去掉，保留其中内容 (paired shortcode removed, content kept)"));
                    inner_md
                }
            }
        }
        (false, name) => {
            report.warn(
                &p.src,
                line,
                format!("tag {name}"),
                format!("{{% {name} %}} 未转换 (not converted)"),
            );
            inner.join("\n")
        }
    }
}

/// The body with tags and shortcodes converted and links rewritten.
pub(super) fn convert_body(peer: Peer, links: &Links, p: &Page, report: &mut Report) -> String {
    let lines: Vec<String> = p.body.lines().map(str::to_string).collect();
    let body = convert_lines(peer, links, p, report, &lines, p.body_line);
    demote_h1(&body, &p.src, report)
}

/// The page title is the only h1: when the body has level-1 headings of
/// its own, every heading moves one level down.
fn demote_h1(body: &str, src: &str, report: &mut Report) -> String {
    let mut fence: Option<(char, usize)> = None;
    let mut has_h1 = false;
    let mut headings = Vec::new();
    for (i, line) in body.lines().enumerate() {
        if let Some((c, n)) = fence {
            if fence_of(line).is_some_and(|(c2, n2)| c2 == c && n2 >= n) {
                fence = None;
            }
            continue;
        }
        if let Some(f) = fence_of(line) {
            fence = Some(f);
            continue;
        }
        let hashes = line.chars().take_while(|&c| c == '#').count();
        if (1..=6).contains(&hashes) && line[hashes..].starts_with([' ', '\t']) {
            has_h1 |= hashes == 1;
            headings.push(i);
        }
    }
    if !has_h1 {
        return body.to_string();
    }
    report.warn(src, 1, "headings-demoted", "正文里有一级标题，全部小标题降了一级（页面标题是唯一的一级标题）(headings moved one level down)");
    let mut out: Vec<String> = body.lines().map(str::to_string).collect();
    for i in headings {
        if !out[i].starts_with("######") {
            out[i].insert(0, '#');
        }
    }
    out.join("\n") + "\n"
}

fn convert_lines(
    peer: Peer,
    links: &Links,
    p: &Page,
    report: &mut Report,
    lines: &[String],
    first_line: usize,
) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut fence: Option<(char, usize)> = None;
    let mut i = 0;
    while i < lines.len() {
        let line = &lines[i];
        let n = first_line + i;
        if let Some((c, len)) = fence {
            if fence_of(line)
                .is_some_and(|(c2, l2)| c2 == c && l2 >= len && line.trim().chars().all(|x| x == c))
            {
                fence = None;
            }
            out.push(match peer {
                Peer::Hugo => unescape_hugo(line),
                // Liquid runs before Markdown: raw markers in code go.
                Peer::Jekyll => strip_raw(line),
                _ => line.clone(),
            });
            i += 1;
            continue;
        }
        if let Some(f) = fence_of(line) {
            fence = Some(f);
            out.push(line.clone());
            i += 1;
            continue;
        }
        if let Some(o) = block_open(peer, line) {
            let mut j = i + 1;
            while j < lines.len() && !is_block_close(&o, &lines[j]) {
                j += 1;
            }
            if j < lines.len() {
                let inner = lines[i + 1..j].to_vec();
                out.push(convert_block(&o, inner, links, p, report, n));
                report.converted += 1;
                i = j + 1;
                continue;
            }
        }
        out.push(convert_inline(peer, links, p, report, line, n));
        i += 1;
    }
    out.join("\n") + "\n"
}

/// Hugo's escaped shortcodes (`{{</* x */>}}`) are literal text.
fn unescape_hugo(line: &str) -> String {
    line.replace("{{</*", "{{<")
        .replace("*/>}}", ">}}")
        .replace("{{%/*", "{{%")
        .replace("*/%}}", "%}}")
}

fn convert_inline(
    peer: Peer,
    links: &Links,
    p: &Page,
    report: &mut Report,
    line: &str,
    n: usize,
) -> String {
    static HEXO: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    static HUGO: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    static LINK: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    static REFDEF: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let mut s = line.to_string();
    // Inline code stays as it is: cut it out and put it back after.
    let mut codes: Vec<String> = Vec::new();
    if matches!(peer, Peer::Hexo | Peer::Jekyll) {
        s = cut_raw(&s, &mut codes);
    }
    s = cut_code_spans(&s, &mut codes);
    match peer {
        Peer::Hexo | Peer::Jekyll => {
            let re = HEXO.get_or_init(|| {
                regex::Regex::new(r"\{%-?\s*(\w+)\s*(.*?)\s*-?%\}").expect("valid")
            });
            s = re
                .replace_all(&s, |c: &regex::Captures| {
                    let name = &c[1];
                    let args = hexo_args(&c[2]);
                    let arg = |i: usize| args.get(i).cloned().unwrap_or_default();
                    let done = match name {
                        "img" => {
                            // [class…] src [width [height]] ["title" ["alt"]]
                            let src_at = args.iter().position(|a| {
                                a.starts_with('/') || a.contains("://") || a.contains('.')
                            });
                            src_at.map(|k| {
                                // `'"title text" "alt text"'` is one argument holding both.
                                let rest: Vec<String> = args[k + 1..]
                                    .iter()
                                    .filter(|a| !a.chars().all(|c| c.is_ascii_digit()))
                                    .flat_map(|a| {
                                        if a.contains('"') {
                                            a.split('"')
                                                .map(|x| x.trim().to_string())
                                                .filter(|x| !x.is_empty())
                                                .collect()
                                        } else {
                                            vec![a.clone()]
                                        }
                                    })
                                    .collect();
                                let alt = rest
                                    .get(1)
                                    .or(rest.first())
                                    .map(|s| s.as_str())
                                    .unwrap_or("");
                                format!("![{}]({})", md_link_text(alt), md_dest(&args[k]))
                            })
                        }
                        "asset_img" => {
                            let src_at = args.iter().position(|a| a.contains('.'));
                            src_at.map(|k| {
                                let rest: Vec<&String> = args[k + 1..]
                                    .iter()
                                    .filter(|a| !a.chars().all(|c| c.is_ascii_digit()))
                                    .collect();
                                let text = rest
                                    .iter()
                                    .map(|s| s.as_str())
                                    .collect::<Vec<_>>()
                                    .join(" ");
                                let (title, alt) = match text.split_once('"') {
                                    Some((t, a)) => (
                                        t.trim().to_string(),
                                        a.trim_matches('"').trim().to_string(),
                                    ),
                                    None => (text.clone(), text.clone()),
                                };
                                let alt = if alt.is_empty() { title } else { alt };
                                format!("![{}]({})", md_link_text(&alt), md_dest(&args[k]))
                            })
                        }
                        "asset_path" => Some(arg(0)),
                        "asset_link" => Some(format!(
                            "[{}]({})",
                            md_link_text(&if args.len() > 1 {
                                args[1..].join(" ")
                            } else {
                                arg(0)
                            }),
                            md_dest(&arg(0))
                        )),
                        "link" if peer == Peer::Jekyll => {
                            let target = arg(0);
                            links.by_src.get(&target).map(|to| format!("@/{to}"))
                        }
                        "link" => {
                            let url_at = args
                                .iter()
                                .position(|a| a.contains("://") || a.starts_with('/'));
                            url_at.map(|k| {
                                format!(
                                    "[{}]({})",
                                    md_link_text(&args[..k].join(" ")),
                                    md_dest(&args[k])
                                )
                            })
                        }
                        "post_link" | "post_url" => {
                            let target = arg(0);
                            let key = if name == "post_url" {
                                jekyll_name(&format!("{target}.md"))
                            } else {
                                format!("{target}.md")
                            };
                            let found = links.by_src.iter().find(|(s, _)| {
                                (s.starts_with("source/_posts/") || s.starts_with("_posts/")) && {
                                    let inner = s.split_once("_posts/").map(|x| x.1).unwrap_or(s);
                                    let inner = if peer == Peer::Jekyll {
                                        jekyll_name(inner)
                                    } else {
                                        inner.to_string()
                                    };
                                    md_stem(&inner) == md_stem(&key)
                                }
                            });
                            found.map(|(_, to)| {
                                if name == "post_url" {
                                    format!("@/{to}")
                                } else {
                                    let text = if args.len() > 1 {
                                        args[1..].join(" ")
                                    } else {
                                        target.clone()
                                    };
                                    format!("[{}](@/{to})", md_link_text(&text))
                                }
                            })
                        }
                        "link_to" => None,
                        _ => None,
                    };
                    match done {
                        Some(md) => {
                            report.converted += 1;
                            md
                        }
                        None => {
                            report.warn(
                                &p.src,
                                n,
                                format!("tag {name}"),
                                format!("{{% {name} %}} 未转换，原样保留 (not converted)"),
                            );
                            c[0].to_string()
                        }
                    }
                })
                .into_owned();
            if peer == Peer::Jekyll {
                s = liquid_output(&s, links.conf);
                if s.contains("{{") {
                    report.warn(
                        &p.src,
                        n,
                        "liquid",
                        "Liquid 变量 {{ … }} 未转换 (Liquid output not converted)",
                    );
                }
            }
        }
        Peer::Hugo => {
            let re = HUGO.get_or_init(|| {
                regex::Regex::new(r"\{\{([<%])\s*(/?[\w-]+)\s*(.*?)\s*[>%]\}\}").expect("valid")
            });
            s = re
                .replace_all(&s, |c: &regex::Captures| {
                    let name = &c[2];
                    let (pos, named) = hugo_args(&c[3]);
                    let get = |k: &str, i: usize| named.get(k).cloned().or_else(|| pos.get(i).cloned());
                    let done = match name {
                        "figure" => get("src", 0).map(|src| {
                            let alt = named.get("alt").or(named.get("caption")).or(named.get("title")).cloned().unwrap_or_default();
                            let mut md = format!("![{}]({})", md_link_text(&alt), md_dest(&src));
                            if let Some(cap) = named.get("caption").filter(|c| Some(*c) != Some(&alt)) {
                                md.push_str(&format!("\n\n*{}*", cap));
                            }
                            md
                        }),
                        "ref" | "relref" => get("path", 0).and_then(|r| links.by_ref(p, &r)),
                        "param" => get("name", 0).and_then(|k| {
                            p.header
                                .get("extra")
                                .and_then(|e| e.get(k.as_str()))
                                .and_then(|v| v.as_str().map(str::to_string))
                                .or_else(|| s_of(links.conf.params.get(&k)))
                        }),
                        _ => None,
                    };
                    match done {
                        Some(md) => {
                            report.converted += 1;
                            md
                        }
                        None => {
                            report.warn(&p.src, n, format!("shortcode {}", name.trim_start_matches('/')), format!("短代码 {{{{< {name} >}}}} 未转换，原样保留 (shortcode not converted)"));
                            c[0].to_string()
                        }
                    }
                })
                .into_owned();
        }
        Peer::Zola => {
            if s.contains("{{") && s.contains("}}") || s.contains("{%") {
                report.warn(
                    &p.src,
                    n,
                    "shortcode",
                    "Zola 短代码未转换 (shortcode not converted)",
                );
            }
        }
    }
    // Links in the peer's forms → `@/` content links.
    let link = LINK.get_or_init(|| {
        regex::Regex::new(r#"(\]\()\s*<?([^)\s>]+)>?(\s+"[^"]*")?\s*\)"#).expect("valid")
    });
    s = link
        .replace_all(&s, |c: &regex::Captures| match links.rewrite(p, &c[2]) {
            Some(to) => {
                report.converted += 1;
                format!(
                    "{}{}{})",
                    &c[1],
                    to,
                    c.get(3).map(|m| m.as_str()).unwrap_or("")
                )
            }
            None => c[0].to_string(),
        })
        .into_owned();
    let refdef = REFDEF
        .get_or_init(|| regex::Regex::new(r"^(\s{0,3}\[[^\]]+\]:\s*)(\S+)(.*)$").expect("valid"));
    s = refdef
        .replace(&s, |c: &regex::Captures| match links.rewrite(p, &c[2]) {
            Some(to) => format!("{}{}{}", &c[1], to, &c[3]),
            None => c[0].to_string(),
        })
        .into_owned();
    restore_code_spans(&s, &codes)
}

/// Jekyll's Liquid output that has a plain value: `{{ site.baseurl }}`
/// (the root, dropped: links are site paths), `{{ site.x }}` from
/// _config.yml, `{{ '/x/' | relative_url }}` and `absolute_url`.
fn liquid_output(s: &str, conf: &SiteConf) -> String {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(r#"\{\{-?\s*(?:site\.(\w+)|'([^']*)'\s*\|\s*(?:relative_url|absolute_url)|"([^"]*)"\s*\|\s*(?:relative_url|absolute_url))\s*-?\}\}"#)
            .expect("valid")
    });
    re.replace_all(s, |c: &regex::Captures| {
        if let Some(key) = c.get(1) {
            return match key.as_str() {
                "baseurl" | "url" => String::new(),
                k => s_of(conf.params.get(k)).unwrap_or_else(|| c[0].to_string()),
            };
        }
        c.get(2)
            .or(c.get(3))
            .map(|m| m.as_str().to_string())
            .unwrap_or_default()
    })
    .into_owned()
}

fn raw_re() -> &'static regex::Regex {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        regex::Regex::new(r"\{%-?\s*raw\s*-?%\}(.*?)\{%-?\s*endraw\s*-?%\}").expect("valid")
    })
}

/// `{% raw %}…{% endraw %}` on one line: its text, literally (kept aside
/// like a code span so nothing inside is converted).
fn cut_raw(s: &str, codes: &mut Vec<String>) -> String {
    raw_re()
        .replace_all(s, |c: &regex::Captures| {
            codes.push(c[1].to_string());
            format!("\u{2}{}\u{3}", codes.len() - 1)
        })
        .into_owned()
}

fn strip_raw(line: &str) -> String {
    let t = line.trim();
    if matches!(
        t,
        "{% raw %}" | "{% endraw %}" | "{%- raw -%}" | "{%- endraw -%}"
    ) {
        return String::new();
    }
    raw_re().replace_all(line, "$1").into_owned()
}

/// Inline code spans replaced by placeholders (`\u{2}N\u{3}`).
fn cut_code_spans(s: &str, codes: &mut Vec<String>) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(start) = rest.find('`') {
        let ticks = rest[start..].chars().take_while(|&c| c == '`').count();
        let after = &rest[start + ticks..];
        let close = "`".repeat(ticks);
        match after.find(&close) {
            Some(end) => {
                out.push_str(&rest[..start]);
                out.push_str(&format!("\u{2}{}\u{3}", codes.len()));
                codes.push(rest[start..start + ticks + end + ticks].to_string());
                rest = &after[end + ticks..];
            }
            None => break,
        }
    }
    out.push_str(rest);
    out
}

fn restore_code_spans(s: &str, codes: &[String]) -> String {
    let mut out = s.to_string();
    for (i, c) in codes.iter().enumerate().rev() {
        out = out.replace(&format!("\u{2}{i}\u{3}"), &unescape_hugo(c));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hexo_arguments_keep_quoted_spaces() {
        assert_eq!(
            hexo_args(r#"a.png 300 "标题 一" 'alt text'"#),
            vec!["a.png", "300", "标题 一", "alt text"]
        );
    }

    #[test]
    fn joins_stay_inside() {
        assert_eq!(join("a/b", "../c.md").as_deref(), Some("a/c.md"));
        assert_eq!(join("", "../x"), None);
    }
}
