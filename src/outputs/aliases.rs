//! Redirect pages at a page's old URLs (`aliases:` in its header).

use super::{base, Family, Sink};
use crate::config::Config;
use crate::render::context::Ctx;
use crate::resolve::plan::{Key, Origin};
use crate::resolve::Resolved;

pub struct Aliases;

impl Family for Aliases {
    fn jobs(&self, site: &Resolved, _: &Config) -> Vec<Key> {
        (0..site.aliases.len()).map(Key::item).collect()
    }

    fn path(&self, site: &Resolved, key: Key) -> String {
        site.aliases[key.item].from.clone()
    }

    fn origin(&self, site: &Resolved, key: Key) -> Origin {
        let a = &site.aliases[key.item];
        let d = &site.pages[a.page].doc;
        Origin {
            file: d.file.clone(),
            line: d.header.line_of("aliases"),
            what: format!("别名 (alias) {}", a.from),
            text: Some(d.text.clone()),
        }
    }

    fn describe(&self, ctx: &Ctx, key: Key, out: &mut dyn Sink) {
        let a = &ctx.site.aliases[key.item];
        out.template("alias.html");
        base(ctx, out, &a.to, "");
        out.value("target", &ctx.urls.href(&a.to));
    }
}
