//! SVG files are published as they are, so one with script in it would run
//! on the site's own origin when opened directly. Every SVG is read as XML
//! and refused when it can run anything: `<script>`, `<foreignObject>`
//! (HTML inside), event handlers (`onload=…`), links or animations to
//! `javascript:`/`data:` URLs, entity declarations. Refusing, not
//! rewriting: a drawing never needs any of these, and a refused file is
//! a message the contributor can act on.

use quick_xml::events::Event;
use quick_xml::Reader;

const FORBIDDEN_ELEMENTS: &[&str] = &[
    "script",
    "foreignobject",
    "iframe",
    "embed",
    "object",
    "handler",
    "listener",
    "use", // may pull in an outside document
];

/// Ok, or what makes this SVG unsafe to publish.
pub fn check(bytes: &[u8]) -> Result<(), String> {
    let mut reader = Reader::from_reader(bytes);
    let mut buf = Vec::new();
    let mut seen_root = false;
    loop {
        let ev = reader
            .read_event_into(&mut buf)
            .map_err(|e| format!("SVG 不是合法的 XML (not well-formed XML): {e}"))?;
        match ev {
            Event::DocType(d) => {
                let text = String::from_utf8_lossy(&d);
                if text.contains("ENTITY") || text.contains('[') {
                    return Err("SVG 含有实体声明 (entity declarations in DOCTYPE)".into());
                }
            }
            Event::Start(e) | Event::Empty(e) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).to_ascii_lowercase();
                seen_root |= name == "svg";
                if name == "use" {
                    // `<use href="#id">` inside the file is fine.
                    for a in e.attributes().flatten() {
                        let key = String::from_utf8_lossy(a.key.local_name().as_ref())
                            .to_ascii_lowercase();
                        let value = a.unescape_value().map_err(|e| e.to_string())?;
                        if key == "href" && !value.trim_start().starts_with('#') {
                            return Err(
                                "SVG 的 <use> 引用了文件外的内容 (<use> pointing outside the file)"
                                    .into(),
                            );
                        }
                    }
                } else if FORBIDDEN_ELEMENTS.contains(&name.as_str()) {
                    return Err(format!(
                        "SVG 含有 <{name}> 元素 (an element that can run script)"
                    ));
                }
                for a in e.attributes() {
                    let a = a.map_err(|e| format!("SVG 属性无法读取 (bad attribute): {e}"))?;
                    let key =
                        String::from_utf8_lossy(a.key.local_name().as_ref()).to_ascii_lowercase();
                    if key.starts_with("on") {
                        return Err(format!(
                            "SVG 含有事件属性 `{key}` (event handler attribute)"
                        ));
                    }
                    let value = a
                        .unescape_value()
                        .map_err(|e| format!("SVG 属性无法读取 (bad attribute): {e}"))?;
                    let squeezed: String = value
                        .chars()
                        .filter(|c| !c.is_whitespace() && !c.is_control())
                        .collect::<String>()
                        .to_ascii_lowercase();
                    let scripted = [
                        "javascript:",
                        "vbscript:",
                        "data:text/html",
                        "data:image/svg",
                    ]
                    .iter()
                    .any(|s| squeezed.contains(s));
                    if scripted {
                        return Err(format!("SVG 属性 `{key}` 指向脚本 (a script URL)"));
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if !seen_root {
        return Err("文件里没有 <svg> 元素 (no <svg> element)".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn drawings_pass_and_each_way_to_run_script_is_refused() {
        let ok = r##"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><defs><circle id="c" r="2"/></defs><use href="#c"/><a href="/brands/"><text>品牌</text></a></svg>"##;
        assert!(check(ok.as_bytes()).is_ok(), "{:?}", check(ok.as_bytes()));
        for bad in [
            r#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg"><a href="jav&#x61;script:alert(1)"><text>x</text></a></svg>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink"><a x:href=" javascript:alert(1)">x</a></svg>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><body xmlns="http://www.w3.org/1999/xhtml"><img src="x" onerror="alert(1)"/></body></foreignObject></svg>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg"><animate attributeName="href" to="javascript:alert(1)"/></svg>"#,
            r#"<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg"><use href="https://elsewhere.example/x.svg#a"/></svg>"#,
            r#"<svg><script"#,
        ] {
            assert!(check(bad.as_bytes()).is_err(), "passed: {bad}");
        }
    }
}
