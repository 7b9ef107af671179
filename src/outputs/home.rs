//! The home page: newest brands, deeds and clean-school pages, the
//! sections, the plan's measures and the clean-school progress table.

use serde::Serialize;

use super::measures::measure_groups;
use super::{base, Family, Sink};
use crate::config::Config;
use crate::model::Kind;
use crate::render::context::Ctx;
use crate::resolve::plan::{Key, Origin};
use crate::resolve::Resolved;

pub struct Home;

#[derive(Serialize)]
struct HomeValue<'a> {
    title: &'a str,
    description: &'a str,
}

#[derive(Serialize)]
struct SectionCount {
    title: String,
    url: String,
    count: usize,
    kind: &'static str,
}

impl Family for Home {
    fn jobs(&self, _: &Resolved, _: &Config) -> Vec<Key> {
        vec![Key::ONE]
    }
    fn path(&self, _: &Resolved, _: Key) -> String {
        "/".into()
    }
    fn origin(&self, _: &Resolved, _: Key) -> Origin {
        Origin::generated("首页 (home)")
    }
    fn describe(&self, ctx: &Ctx, _: Key, out: &mut dyn Sink) {
        let site = ctx.site;
        let home = &site.sections[""];
        out.template("index.html");
        base(ctx, out, "/", &ctx.cfg.title);
        out.value(
            "home",
            &HomeValue {
                title: &home.title,
                description: &home.description,
            },
        );
        out.html("content", &home.html);
        let [lead, featured, deeds, clean, latest] = home_picks(site);
        out.cards("lead", &lead);
        out.cards("featured", &featured);
        out.cards("deeds", &deeds);
        out.cards("clean", &clean);
        out.cards("latest", &latest);
        let sections: Vec<SectionCount> = site
            .top_sections()
            .into_iter()
            .map(|s| SectionCount {
                title: s.title.clone(),
                url: ctx.urls.href(&s.path),
                count: s.pages.len(),
                kind: s.kind.name(),
            })
            .collect();
        out.value("sections", &sections);
        out.value("groups", &measure_groups(ctx));
        out.value("progress", &super::progress::summary(ctx));
    }
}

/// The pages the home page shows: a lead story (the newest article with a
/// cover that the brand grid does not show), the newest brands (eight: an
/// even grid of four, two or one across), deeds, clean-school pages, and
/// the newest articles not shown above (no page twice).
fn home_picks(site: &Resolved) -> [Vec<usize>; 5] {
    let lead: Vec<usize> = site
        .by_date
        .iter()
        .copied()
        .filter(|&i| {
            let p = &site.pages[i];
            !matches!(p.kind, Kind::Brand | Kind::Page) && p.cover.is_some()
        })
        .take(1)
        .collect();
    let of_kind = |k: Kind, n: usize| -> Vec<usize> {
        site.by_date
            .iter()
            .copied()
            .filter(|&i| site.pages[i].kind == k && !lead.contains(&i))
            .take(n)
            .collect()
    };
    let (brands, deeds, clean) = (
        of_kind(Kind::Brand, 8),
        of_kind(Kind::Deed, 8),
        of_kind(Kind::Clean, 4),
    );
    let shown: std::collections::HashSet<usize> = lead
        .iter()
        .chain(&brands)
        .chain(&deeds)
        .chain(&clean)
        .copied()
        .collect();
    let latest = site
        .by_date
        .iter()
        .copied()
        .filter(|&i| site.pages[i].kind != Kind::Page && !shown.contains(&i))
        .take(10)
        .collect();
    [lead, brands, deeds, clean, latest]
}
