//! What every output's signature starts from: the global inputs (Tera's
//! global context) and each template with what it extends or includes.
//! The rest of a signature is the output's own description, hashed as it
//! is given (`render::sink::Signature`), so there is nothing here to keep
//! in step with what a family renders.

use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};

use crate::load::theme::Theme;

/// xxh3: fast on the many small writes a value's JSON makes, and 64 bits
/// of a well-mixed hash (a collision would keep a stale page in the
/// preview, never in a build).
pub type Hash64 = xxhash_rust::xxh3::Xxh3;

/// `io::Write` into a hasher, to hash a value's JSON without building it.
pub struct HashWrite<'h>(pub &'h mut Hash64);

impl std::io::Write for HashWrite<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Hash of a value's JSON form (for per-page hashes computed with the value).
pub fn hash_value(v: &tera::Value) -> u64 {
    let mut h = Hash64::new();
    let _ = serde_json::to_writer(HashWrite(&mut h), v);
    h.finish()
}

/// Signs jobs for one set of templates and one global input hash.
pub struct Signer {
    global: u64,
    templates: HashMap<String, u64>,
}

/// Templates named by `extends`, `include` or `import` in `text`.
fn template_deps(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for word in ["extends", "include", "import"] {
        let mut rest = text;
        while let Some(i) = rest.find(word) {
            rest = &rest[i + word.len()..];
            let t = rest.trim_start();
            if let Some(q) = t.strip_prefix('"') {
                if let Some(end) = q.find('"') {
                    out.push(q[..end].to_string());
                }
            }
        }
    }
    out
}

impl Signer {
    /// `global` covers site.yaml, the registry, UI strings and navigation.
    pub fn new(global: u64, theme: &Theme) -> Signer {
        let texts: BTreeMap<&str, &str> = theme
            .templates
            .iter()
            .map(|t| (t.name.as_str(), t.text.as_str()))
            .collect();
        fn closure(
            name: &str,
            texts: &BTreeMap<&str, &str>,
            memo: &mut HashMap<String, u64>,
            stack: &mut Vec<String>,
        ) -> u64 {
            if let Some(h) = memo.get(name) {
                return *h;
            }
            let mut h = Hash64::new();
            name.hash(&mut h);
            if let Some(text) = texts.get(name) {
                text.hash(&mut h);
                if !stack.iter().any(|s| s == name) {
                    stack.push(name.to_string());
                    for d in template_deps(text) {
                        closure(&d, texts, memo, stack).hash(&mut h);
                    }
                    stack.pop();
                }
            }
            let v = h.finish();
            memo.insert(name.to_string(), v);
            v
        }
        let mut memo = HashMap::new();
        for name in texts.keys() {
            closure(name, &texts, &mut memo, &mut Vec::new());
        }
        Signer {
            global,
            templates: memo,
        }
    }

    /// The hash of what every output may read (site.yaml, registry, UI
    /// strings, navigation): Tera's global context.
    pub fn global(&self) -> u64 {
        self.global
    }

    /// Hash of a template and of every template it extends, includes or
    /// imports (None for a template the theme does not have).
    pub fn template(&self, name: &str) -> Option<u64> {
        self.templates.get(name).copied()
    }
}

/// Hash of the inputs every page may read: site.yaml, the registry, UI
/// strings, navigation and whether drafts are shown.
pub fn global_hash(parts: &[&dyn erased_serde::Serialize]) -> u64 {
    let mut h = Hash64::new();
    for p in parts {
        let _ = serde_json::to_writer(HashWrite(&mut h), p);
    }
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_template_dependencies() {
        let deps = template_deps(
            r#"{% extends "base.html" %}{% include "partials/list.html" %} {% include  "partials/pager.html" %}"#,
        );
        assert_eq!(
            deps,
            ["base.html", "partials/list.html", "partials/pager.html"]
        );
    }
}
