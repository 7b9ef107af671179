//! One HTML file per published page.

use super::{base, Family, Sink};
use crate::config::Config;
use crate::render::context::{related, Ctx};
use crate::resolve::plan::{Key, Origin};
use crate::resolve::Resolved;

pub struct Articles;

impl Family for Articles {
    fn jobs(&self, site: &Resolved, _: &Config) -> Vec<Key> {
        (0..site.pages.len()).map(Key::item).collect()
    }

    fn path(&self, site: &Resolved, key: Key) -> String {
        site.pages[key.item].path.clone()
    }

    fn origin(&self, site: &Resolved, key: Key) -> Origin {
        let d = &site.pages[key.item].doc;
        Origin {
            file: d.file.clone(),
            line: d.header.line_of("slug"),
            what: "页面 (page)".into(),
            text: Some(d.text.clone()),
        }
    }

    fn describe(&self, ctx: &Ctx, key: Key, out: &mut dyn Sink) {
        let i = key.item;
        let p = &ctx.site.pages[i];
        out.template(p.doc.header.template.as_deref().unwrap_or("page.html"));
        base(ctx, out, &p.path, p.title());
        out.page("page", i);
        out.body("content", i);
        out.cards("related", &related(ctx, i, 5));
    }
}
