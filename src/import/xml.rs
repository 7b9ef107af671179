//! A small element tree over quick-xml for the parts of a .docx: the
//! converter walks paragraphs, runs and tables recursively, which a tree
//! makes plain. Names are local (`w:p` → `p`): Word and WPS both use the
//! `w:` prefix, but the converter only looks inside contexts where local
//! names are unambiguous.

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

/// Deeper nesting than this is refused (a hostile file would otherwise
/// exhaust the stack of the recursive walk).
const MAX_DEPTH: usize = 200;

#[derive(Debug, Default)]
pub struct El {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Node>,
}

#[derive(Debug)]
pub enum Node {
    El(El),
    Text(String),
}

impl El {
    pub fn attr(&self, key: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    pub fn elements(&self) -> impl Iterator<Item = &El> {
        self.children.iter().filter_map(|n| match n {
            Node::El(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    pub fn child(&self, name: &str) -> Option<&El> {
        self.elements().find(|e| e.name == name)
    }

    /// The first element named `name` anywhere below, depth first.
    pub fn find(&self, name: &str) -> Option<&El> {
        self.elements().find_map(|e| {
            if e.name == name {
                Some(e)
            } else {
                e.find(name)
            }
        })
    }

    /// The text of every `t` element below (what Word shows).
    pub fn text(&self) -> String {
        let mut s = String::new();
        self.collect_text(&mut s);
        s
    }

    fn collect_text(&self, out: &mut String) {
        for n in &self.children {
            match n {
                Node::Text(t) if self.name == "t" => out.push_str(t),
                Node::El(e) if e.name == "tab" => out.push(' '),
                Node::El(e) if matches!(e.name.as_str(), "del" | "moveFrom") => {}
                Node::El(e) => e.collect_text(out),
                Node::Text(_) => {}
            }
        }
    }

    /// A toggle property (`<w:b/>`, `<w:b w:val="0"/>`) of a run or
    /// paragraph property element.
    pub fn on(&self, name: &str) -> bool {
        self.child(name)
            .is_some_and(|e| !matches!(e.attr("val"), Some("0" | "false" | "off" | "none")))
    }
}

fn local(name: &[u8]) -> String {
    let n = match name.iter().position(|&b| b == b':') {
        Some(i) => &name[i + 1..],
        None => name,
    };
    String::from_utf8_lossy(n).into_owned()
}

fn element(e: &BytesStart) -> Result<El, String> {
    let mut attrs = Vec::new();
    for a in e.attributes() {
        let a = a.map_err(|e| e.to_string())?;
        let v = a.unescape_value().map_err(|e| e.to_string())?.into_owned();
        attrs.push((local(a.key.as_ref()), v));
    }
    Ok(El {
        name: local(e.name().as_ref()),
        attrs,
        children: Vec::new(),
    })
}

/// Parse a whole XML part into its root element.
pub fn parse(xml: &str) -> Result<El, String> {
    let mut reader = Reader::from_str(xml);
    reader.config_mut().trim_text(false);
    let mut stack: Vec<El> = vec![El::default()];
    loop {
        let ev = reader
            .read_event()
            .map_err(|e| format!("XML 第 {} 字节: {e}", reader.buffer_position()))?;
        match ev {
            Event::Start(e) => {
                if stack.len() > MAX_DEPTH {
                    return Err("XML 嵌套过深 (nesting too deep)".into());
                }
                stack.push(element(&e)?);
            }
            Event::Empty(e) => {
                let el = element(&e)?;
                stack.last_mut().unwrap().children.push(Node::El(el));
            }
            Event::End(_) => {
                let el = stack.pop().unwrap();
                match stack.last_mut() {
                    Some(parent) => parent.children.push(Node::El(el)),
                    None => return Err("XML 结束标记多余 (unbalanced end tag)".into()),
                }
            }
            Event::Text(t) => {
                let s = t.unescape().map_err(|e| e.to_string())?.into_owned();
                stack.last_mut().unwrap().children.push(Node::Text(s));
            }
            Event::CData(t) => {
                let s = String::from_utf8_lossy(&t).into_owned();
                stack.last_mut().unwrap().children.push(Node::Text(s));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if stack.len() != 1 {
        return Err("XML 没有结束 (unclosed element)".into());
    }
    let root = stack.pop().unwrap();
    root.children
        .into_iter()
        .find_map(|n| match n {
            Node::El(e) => Some(e),
            Node::Text(_) => None,
        })
        .ok_or_else(|| "XML 是空的 (empty part)".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_names_attributes_and_text() {
        let root = parse(
            r#"<?xml version="1.0"?><w:document xmlns:w="x"><w:body><w:p><w:r><w:b w:val="0"/><w:t xml:space="preserve"> a&amp;b </w:t></w:r></w:p></w:body></w:document>"#,
        )
        .unwrap();
        assert_eq!(root.name, "document");
        let r = root.find("r").unwrap();
        assert!(!r.on("b"));
        assert_eq!(root.text(), " a&b ");
    }

    #[test]
    fn deep_nesting_is_refused_not_a_stack_overflow() {
        let xml = "<a>".repeat(10_000);
        assert!(parse(&xml).is_err());
    }
}
