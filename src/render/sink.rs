//! Where an output family describes what a file shows. A family says it
//! once, through a `Sink`; the build renders from that description
//! (`Context`: a Tera context) and the preview signs it (`Signature`: a
//! hash of the very same values). What is rendered and what decides a
//! re-render therefore cannot drift apart.
//!
//! Every value goes through one of the methods below. Most are hashed as
//! they are (their JSON form); the big ones shared by many files — page
//! cards, a page's full value, a rendered body — are hashed through a hash
//! computed with the value itself (`Ctx::card_hashes`, `Ctx::page_hash`,
//! `Rendered::fingerprint`).

use std::hash::{Hash, Hasher};

use tera::Value;

use crate::parse::markdown::Rendered;
use crate::render::context::{page_value, Ctx};
use crate::render::signature::{Hash64, HashWrite, Signer};

/// What one output shows: its template and the values of its context.
pub trait Sink {
    /// The template that renders the file (with what it extends or includes).
    fn template(&mut self, name: &str);
    /// A value of the context (anything serialisable).
    fn value(&mut self, key: &'static str, v: &dyn erased_serde::Serialize);
    /// The cards of these pages, in this order (`Resolved::pages` indexes).
    fn cards(&mut self, key: &'static str, pages: &[usize]);
    /// The full value of page `i` (`render::context::page_value`).
    fn page(&mut self, key: &'static str, i: usize);
    /// Page `i`'s rendered body, as safe HTML.
    fn body(&mut self, key: &'static str, i: usize);
    /// Other safe HTML (a section's text).
    fn html(&mut self, key: &'static str, html: &str);
    /// Pages shown whole, many on one file (a yearly collection, the JSON
    /// Feed): a list of `{page, content}`, each page's full value and its
    /// body, written as `bodies` says.
    fn entries(&mut self, key: &'static str, pages: &[usize], bodies: Bodies);
}

/// How `Sink::entries` writes the bodies.
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
pub enum Bodies {
    /// On one page of the site (a yearly collection): the n-th body's ids
    /// (from 1) get the prefix `e<n>-`, so that they stay unique.
    Anchored,
    /// Read away from the site (a feed a portal imports): every link
    /// absolute, resolved against the page's own URL.
    Absolute,
}

/// Builds the Tera context of an output.
pub struct Context<'c, 'a> {
    ctx: &'c Ctx<'a>,
    pub template: String,
    pub context: tera::Context,
}

impl<'c, 'a> Context<'c, 'a> {
    pub fn new(ctx: &'c Ctx<'a>) -> Self {
        Context {
            ctx,
            template: String::new(),
            context: tera::Context::new(),
        }
    }
}

impl Sink for Context<'_, '_> {
    fn template(&mut self, name: &str) {
        self.template = name.to_string();
    }
    fn value(&mut self, key: &'static str, v: &dyn erased_serde::Serialize) {
        self.context.insert(key, v);
    }
    fn cards(&mut self, key: &'static str, pages: &[usize]) {
        self.context.insert_value(key, self.ctx.cards_of(pages));
    }
    fn page(&mut self, key: &'static str, i: usize) {
        self.context.insert_value(key, page_value(self.ctx, i));
    }
    fn body(&mut self, key: &'static str, i: usize) {
        let html = self.ctx.body(i);
        self.context.insert_value(key, Value::safe_string(&html));
    }
    fn html(&mut self, key: &'static str, html: &str) {
        self.context.insert_value(key, Value::safe_string(html));
    }
    fn entries(&mut self, key: &'static str, pages: &[usize], bodies: Bodies) {
        use crate::render::attrs;
        let list: Vec<Value> = pages
            .iter()
            .enumerate()
            .map(|(n, &i)| {
                let body = self.ctx.body(i);
                let body = match bodies {
                    Bodies::Anchored => attrs::prefix_ids(&body, &format!("e{}-", n + 1)),
                    Bodies::Absolute => attrs::absolute_links(
                        &body,
                        &self.ctx.urls.permalink(&self.ctx.site.pages[i].path),
                    ),
                };
                let mut m = std::collections::BTreeMap::new();
                m.insert("page", page_value(self.ctx, i));
                m.insert("content", Value::safe_string(&body));
                Value::from(m)
            })
            .collect();
        self.context.insert_value(key, Value::from(list));
    }
}

/// Hashes an output's description: its signature. Two descriptions with
/// the same signature render to the same bytes (the global inputs — site
/// settings, registry, UI strings, navigation — are in `Signer`).
pub struct Signature<'c, 'a> {
    ctx: &'c Ctx<'a>,
    signer: &'c Signer,
    h: Hash64,
}

impl<'c, 'a> Signature<'c, 'a> {
    pub fn new(ctx: &'c Ctx<'a>, signer: &'c Signer) -> Self {
        let mut h = Hash64::new();
        signer.global().hash(&mut h);
        Signature { ctx, signer, h }
    }

    pub fn finish(&self) -> u64 {
        self.h.finish()
    }
}

impl Sink for Signature<'_, '_> {
    fn template(&mut self, name: &str) {
        ("template", name, self.signer.template(name)).hash(&mut self.h);
    }
    fn value(&mut self, key: &'static str, v: &dyn erased_serde::Serialize) {
        ("value", key).hash(&mut self.h);
        // Writing into a hasher cannot fail; a value that cannot be
        // serialised fails the render the same way.
        let _ = serde_json::to_writer(HashWrite(&mut self.h), v);
    }
    fn cards(&mut self, key: &'static str, pages: &[usize]) {
        ("cards", key, pages.len()).hash(&mut self.h);
        for &i in pages {
            self.ctx.card_hashes[i].hash(&mut self.h);
        }
    }
    fn page(&mut self, key: &'static str, i: usize) {
        ("page", key, self.ctx.page_hash(i)).hash(&mut self.h);
    }
    fn body(&mut self, key: &'static str, i: usize) {
        let r: &Rendered = &self.ctx.site.pages[i].rendered;
        ("body", key, r.fingerprint).hash(&mut self.h);
    }
    fn html(&mut self, key: &'static str, html: &str) {
        ("html", key, html).hash(&mut self.h);
    }
    fn entries(&mut self, key: &'static str, pages: &[usize], bodies: Bodies) {
        ("entries", key, bodies, pages.len()).hash(&mut self.h);
        for &i in pages {
            let r: &Rendered = &self.ctx.site.pages[i].rendered;
            (self.ctx.page_hash(i), r.fingerprint).hash(&mut self.h);
        }
    }
}
