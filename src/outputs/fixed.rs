//! Files every site has: the 404 page and robots.txt.

use super::{base, Family, Sink};
use crate::config::Config;
use crate::render::context::Ctx;
use crate::resolve::plan::{Key, Origin};
use crate::resolve::Resolved;

pub struct NotFound;

impl Family for NotFound {
    fn jobs(&self, _: &Resolved, _: &Config) -> Vec<Key> {
        vec![Key::ONE]
    }
    fn path(&self, _: &Resolved, _: Key) -> String {
        "/404.html".into()
    }
    fn origin(&self, _: &Resolved, _: Key) -> Origin {
        Origin::generated("404 页面")
    }
    fn describe(&self, ctx: &Ctx, _: Key, out: &mut dyn Sink) {
        out.template("404.html");
        base(ctx, out, "/404.html", "404");
    }
}

pub struct Robots;

impl Family for Robots {
    fn jobs(&self, _: &Resolved, _: &Config) -> Vec<Key> {
        vec![Key::ONE]
    }
    fn path(&self, _: &Resolved, _: Key) -> String {
        "/robots.txt".into()
    }
    fn origin(&self, _: &Resolved, _: Key) -> Origin {
        Origin::generated("robots.txt")
    }
    fn describe(&self, ctx: &Ctx, _: Key, out: &mut dyn Sink) {
        out.template("robots.txt");
        out.value("sitemap", &ctx.urls.permalink("/sitemap.xml"));
    }
}
