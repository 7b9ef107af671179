//! Atom feeds: the site's newest articles (`/atom.xml`) and each
//! section's (`/deeds/atom.xml`).

use serde::Serialize;

use super::{section_at, Family, Sink};
use crate::config::Config;
use crate::model::Kind;
use crate::render::context::Ctx;
use crate::resolve::plan::{Key, Origin};
use crate::resolve::{Resolved, Section};

/// Item 0 is the site's feed, item `k + 1` the feed of section `k`.
pub struct Feeds;

fn section(site: &Resolved, key: Key) -> Option<&Section> {
    key.item.checked_sub(1).map(|i| section_at(site, i))
}

#[derive(Serialize)]
struct FeedEntry<'a> {
    title: &'a str,
    url: String,
    updated: String,
    summary: &'a str,
    author: &'a str,
}

#[derive(Serialize)]
struct FeedValue<'a> {
    title: String,
    url: String,
    self_url: String,
    updated: String,
    entries: Vec<FeedEntry<'a>>,
}

const EPOCH: &str = "1970-01-01T00:00:00+00:00";

impl Family for Feeds {
    fn jobs(&self, site: &Resolved, _: &Config) -> Vec<Key> {
        let sections = site
            .sections
            .values()
            .enumerate()
            .filter(|(_, s)| !s.key.is_empty() && !s.pages.is_empty())
            .map(|(i, _)| Key::item(i + 1));
        std::iter::once(Key::item(0)).chain(sections).collect()
    }

    fn path(&self, site: &Resolved, key: Key) -> String {
        match section(site, key) {
            None => "/atom.xml".into(),
            Some(s) => format!("{}atom.xml", s.path),
        }
    }

    fn origin(&self, site: &Resolved, key: Key) -> Origin {
        match section(site, key) {
            None => Origin::generated("全站 Atom 订阅 (feed)"),
            Some(s) => Origin::generated(format!("栏目 {} 的 Atom 订阅 (feed)", s.key)),
        }
    }

    fn describe(&self, ctx: &Ctx, key: Key, out: &mut dyn Sink) {
        let site = ctx.site;
        let s = section(site, key);
        let (title, path) = match s {
            None => (ctx.cfg.title.clone(), "/".to_string()),
            Some(s) => (format!("{} - {}", s.title, ctx.cfg.title), s.path.clone()),
        };
        let entries: Vec<FeedEntry> = entries(ctx, s)
            .into_iter()
            .map(|i| {
                let p = &site.pages[i];
                FeedEntry {
                    title: p.title(),
                    url: ctx.urls.permalink(&p.path),
                    updated: p
                        .date
                        .map(|d| d.to_rfc3339())
                        .unwrap_or_else(|| EPOCH.into()),
                    summary: p.summary(),
                    author: p
                        .doc
                        .header
                        .author
                        .as_deref()
                        .or(p.school.as_ref().map(|s| s.name.as_str()))
                        .unwrap_or(&ctx.cfg.title),
                }
            })
            .collect();
        let updated = entries
            .first()
            .map(|e| e.updated.clone())
            .unwrap_or_else(|| EPOCH.into());
        out.template("atom.xml");
        out.value(
            "feed",
            &FeedValue {
                title,
                url: ctx.urls.permalink(&path),
                self_url: ctx.urls.permalink(&format!("{path}atom.xml")),
                updated,
                entries,
            },
        );
    }
}

/// The newest entries of the site feed (`None`) or a section's feed.
fn entries(ctx: &Ctx, section: Option<&Section>) -> Vec<usize> {
    let site = ctx.site;
    let mut idx: Vec<usize> = match section {
        None => site
            .by_date
            .iter()
            .copied()
            .filter(|&i| site.pages[i].kind != Kind::Page)
            .take(ctx.cfg.feed_limit)
            .collect(),
        Some(s) => s.pages.clone(),
    };
    idx.sort_by(|&a, &b| crate::resolve::newest_first(&site.pages[a], &site.pages[b]));
    idx.truncate(ctx.cfg.feed_limit);
    idx
}
