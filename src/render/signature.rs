//! Input signatures of render jobs, for incremental rebuilds in `serve`.
//!
//! A job's signature hashes everything its template context is made of —
//! cheaply, from per-page fingerprints and card hashes computed once — plus
//! the template and the templates it extends or includes. A job whose
//! signature did not change renders to the same bytes, so `serve` keeps the
//! old output. Keep a job's signature in step with what `jobs::run` reads:
//! `tests/it/serve.rs` checks after a sequence of edits that the served files
//! equal a full build.

use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};

use crate::load::theme::Theme;
use crate::render::context::{related, Ctx};
use crate::render::jobs::Job;

type Sip = std::collections::hash_map::DefaultHasher;

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
            let mut h = Sip::new();
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

    fn start(&self, template: &str, kind: &str) -> Sip {
        let mut h = Sip::new();
        self.global.hash(&mut h);
        self.templates.get(template).hash(&mut h);
        kind.hash(&mut h);
        h
    }

    /// The job's signature (None would mean "always render").
    pub fn sign(&self, ctx: &Ctx, job: &Job) -> Option<u64> {
        let site = ctx.site;
        let per = ctx.cfg.paginate_by;
        let slice = |h: &mut Sip, idx: &[usize], per: usize, n: usize| {
            idx.len().hash(h);
            for &i in &idx[((n - 1) * per).min(idx.len())..(n * per).min(idx.len())] {
                ctx.card_hashes[i].hash(h);
            }
        };
        match job {
            Job::Page(i) => {
                let p = &site.pages[*i];
                let mut h = self.start(
                    p.doc.header.template.as_deref().unwrap_or("page.html"),
                    "page",
                );
                p.path.hash(&mut h);
                p.rendered.fingerprint.hash(&mut h);
                ctx.card_hashes[*i].hash(&mut h);
                (&p.district, p.kind, p.status, p.year, p.date).hash(&mut h);
                p.school
                    .as_ref()
                    .map(|s| (&s.key, &s.name, s.registered))
                    .hash(&mut h);
                site.schools.is_empty().hash(&mut h);
                let sec = &site.sections[&p.section];
                for j in [p.order.checked_sub(1), Some(p.order + 1)]
                    .into_iter()
                    .flatten()
                {
                    sec.pages.get(j).map(|&k| ctx.card_hashes[k]).hash(&mut h);
                }
                let mut key = Some(p.section.clone());
                while let Some(k) = key.filter(|k| !k.is_empty()) {
                    let s = &site.sections[&k];
                    (&s.title, &s.path).hash(&mut h);
                    key = s.parent.clone();
                }
                for j in related(ctx, *i, 5) {
                    ctx.card_hashes[j].hash(&mut h);
                }
                Some(h.finish())
            }
            Job::Section { key, n } => {
                let s = &site.sections[key];
                let mut h = self.start(s.template.as_deref().unwrap_or("section.html"), "section");
                (
                    key,
                    n,
                    &s.path,
                    &s.title,
                    &s.description,
                    s.kind,
                    s.paginate_by,
                    &s.html,
                )
                    .hash(&mut h);
                for k in &s.subsections {
                    (&site.sections[k].title, &site.sections[k].path).hash(&mut h);
                }
                slice(&mut h, &s.pages, s.paginate_by, *n);
                Some(h.finish())
            }
            Job::Term { tax, term, n } => {
                let t = &site.taxonomies[*tax];
                let term = &t.terms[*term];
                let mut h = self.start("term.html", "term");
                (&t.name, &t.path, &term.name, &term.path, n).hash(&mut h);
                slice(&mut h, &term.pages, per, *n);
                Some(h.finish())
            }
            Job::School { idx, n } => {
                let t = &site.schools[*idx];
                let mut h = self.start("school.html", "school");
                (&t.slug, &t.name, &t.path, n).hash(&mut h);
                for &i in &t.pages {
                    site.pages[i].kind.hash(&mut h);
                }
                slice(&mut h, &t.pages, per, *n);
                Some(h.finish())
            }
            Job::Measure { idx, n } => {
                let t = &site.measures[*idx];
                let mut h = self.start("measure.html", "measure");
                (&t.slug, &t.name, &t.path, n).hash(&mut h);
                slice(&mut h, &t.pages, per, *n);
                Some(h.finish())
            }
            Job::Home => {
                let mut h = self.start("index.html", "home");
                for list in crate::render::jobs::home_picks(site) {
                    list.len().hash(&mut h);
                    for i in list {
                        ctx.card_hashes[i].hash(&mut h);
                    }
                }
                site.sections[""].html.hash(&mut h);
                (&site.sections[""].title, &site.sections[""].description).hash(&mut h);
                for s in site.top_sections() {
                    (&s.title, &s.path, s.pages.len(), s.kind).hash(&mut h);
                }
                for t in &site.measures {
                    t.pages.len().hash(&mut h);
                }
                // The clean-school progress table reads every clean page.
                for p in site
                    .pages
                    .iter()
                    .filter(|p| p.kind == crate::model::Kind::Clean)
                {
                    (
                        p.year,
                        &p.doc.header.tier,
                        p.school.as_ref().map(|s| &s.key),
                    )
                        .hash(&mut h);
                }
                Some(h.finish())
            }
            Job::Feed(key) => {
                let mut h = self.start("atom.xml", "feed");
                key.hash(&mut h);
                if let Some(k) = key {
                    (&site.sections[k].title, &site.sections[k].path).hash(&mut h);
                }
                for i in crate::render::jobs::feed_entries(ctx, key.as_deref()) {
                    ctx.card_hashes[i].hash(&mut h);
                    site.pages[i].doc.header.author.hash(&mut h);
                }
                Some(h.finish())
            }
            Job::Sitemap => {
                let mut h = self.start("sitemap.xml", "sitemap");
                site.by_date
                    .first()
                    .map(|&i| site.pages[i].date)
                    .hash(&mut h);
                for s in site.sections.values() {
                    s.path.hash(&mut h);
                }
                for p in &site.pages {
                    (&p.path, p.date).hash(&mut h);
                }
                for t in site
                    .taxonomies
                    .iter()
                    .flat_map(|t| t.terms.iter())
                    .chain(&site.schools)
                    .chain(&site.measures)
                {
                    t.path.hash(&mut h);
                }
                site.taxonomies
                    .iter()
                    .map(|t| &t.path)
                    .collect::<Vec<_>>()
                    .hash(&mut h);
                Some(h.finish())
            }
            Job::TaxonomyIndex(t) => {
                let t = &site.taxonomies[*t];
                let mut h = self.start("taxonomy.html", "taxonomy");
                (&t.name, &t.path).hash(&mut h);
                for term in &t.terms {
                    (&term.name, &term.path, term.pages.len()).hash(&mut h);
                }
                Some(h.finish())
            }
            Job::Schools => {
                let mut h = self.start("schools.html", "schools");
                for t in &site.schools {
                    (&t.slug, &t.name, &t.path, t.pages.len()).hash(&mut h);
                }
                Some(h.finish())
            }
            Job::Measures => {
                let mut h = self.start("measures.html", "measures");
                for t in &site.measures {
                    t.pages.len().hash(&mut h);
                }
                Some(h.finish())
            }
            Job::Alias(i) => {
                let mut h = self.start("alias.html", "alias");
                site.aliases[*i].hash(&mut h);
                Some(h.finish())
            }
            Job::Robots => Some(self.start("robots.txt", "robots").finish()),
            Job::NotFound => Some(self.start("404.html", "404").finish()),
        }
    }
}

/// Hash of the inputs every page may read: site.yaml, the registry, UI
/// strings, navigation and whether drafts are shown.
pub fn global_hash(parts: &[&dyn erased::Json]) -> u64 {
    let mut h = Sip::new();
    for p in parts {
        p.json().hash(&mut h);
    }
    h.finish()
}

pub mod erased {
    /// Anything serialisable, as JSON text (object-safe).
    pub trait Json {
        fn json(&self) -> String;
    }
    impl<T: serde::Serialize> Json for T {
        fn json(&self) -> String {
            serde_json::to_string(self).unwrap_or_default()
        }
    }
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
