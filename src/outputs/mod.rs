//! Output families: every kind of file the build renders, one module each,
//! registered in one list (`FAMILIES`). A family says which files it
//! makes, where each one lands and comes from, and what each one shows —
//! its template and context, described once through a `render::sink::Sink`.
//! The build renders that description; the preview hashes the same
//! description to decide what to render again, so the two cannot drift.
//!
//! To add a family: write a module with a unit struct implementing
//! `Family`, and add it to `FAMILIES`. Nothing else lists outputs.

use tera::Tera;

use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::render::context::Ctx;
use crate::render::render as render_template;
use crate::render::signature::Signer;
use crate::render::sink::{self, Sink};
use crate::resolve::plan::{self, out_file, pager_count, pager_path, Job, Key, Origin};
use crate::resolve::{Resolved, Section};

mod aliases;
mod articles;
mod collection;
mod feeds;
mod fixed;
mod home;
mod json_feed;
mod measures;
pub mod progress;
mod schools;
pub mod search;
mod sections;
mod site_map;
mod sitemap;
mod taxonomies;

/// One kind of output.
pub trait Family: Sync {
    /// Every file of the family, in a fixed order.
    fn jobs(&self, site: &Resolved, cfg: &Config) -> Vec<Key>;
    /// The site path a file is reached at (`/a/b/`, `/atom.xml`).
    fn path(&self, site: &Resolved, key: Key) -> String;
    /// Where a file comes from, for messages about its path.
    fn origin(&self, site: &Resolved, key: Key) -> Origin;
    /// What a file shows: its template and every value of its context.
    fn describe(&self, ctx: &Ctx, key: Key, out: &mut dyn Sink);
}

/// Every output family, in the order their files are listed.
pub const FAMILIES: &[&dyn Family] = &[
    &home::Home,
    &fixed::NotFound,
    &fixed::Robots,
    &articles::Articles,
    &sections::Sections,
    &feeds::Feeds,
    &taxonomies::Taxonomies,
    &taxonomies::Terms,
    &schools::Schools,
    &schools::Profiles,
    &measures::Measures,
    &measures::MeasurePages,
    &progress::Progress,
    &site_map::SiteMap,
    &search::Search,
    &collection::Collection,
    &json_feed::JsonFeed,
    &aliases::Aliases,
    // Last: its one big list is built after the articles freed their bodies.
    &sitemap::Sitemap,
];

fn family(job: Job) -> &'static dyn Family {
    FAMILIES[job.family as usize]
}

/// The families as resolve sees them: the list of jobs, their files and
/// origins (`resolve::plan::Outputs`).
pub struct All;

pub const ALL: &All = &All;

impl plan::Outputs for All {
    fn list(&self, site: &Resolved, cfg: &Config) -> Vec<Job> {
        let mut jobs = Vec::new();
        for (f, fam) in FAMILIES.iter().enumerate() {
            let family = u16::try_from(f).expect("fewer than 65536 families");
            jobs.extend(
                fam.jobs(site, cfg)
                    .into_iter()
                    .map(|key| Job { family, key }),
            );
        }
        jobs
    }

    fn out_path(&self, site: &Resolved, job: Job) -> String {
        out_file(&family(job).path(site, job.key))
    }

    fn origin(&self, site: &Resolved, job: Job) -> Origin {
        family(job).origin(site, job.key)
    }
}

/// The file a job writes, relative to the output root.
pub fn out_path(site: &Resolved, job: Job) -> String {
    plan::Outputs::out_path(ALL, site, job)
}

/// Render one job: (output file relative to the output root, bytes).
pub fn render(ctx: &Ctx, tera: &Tera, job: Job) -> Result<(String, Vec<u8>), Diagnostic> {
    let mut c = sink::Context::new(ctx);
    family(job).describe(ctx, job.key, &mut c);
    let out = out_path(ctx.site, job);
    render_template(tera, &c.template, &c.context, &out).map(|s| (out, s))
}

/// The job's signature: a hash of the same description `render` renders.
pub fn sign(signer: &Signer, ctx: &Ctx, job: Job) -> u64 {
    let mut s = sink::Signature::new(ctx, signer);
    family(job).describe(ctx, job.key, &mut s);
    s.finish()
}

// Helpers the families share.

/// The section at position `i` of `site.sections` (sections are few).
fn section_at(site: &Resolved, i: usize) -> &Section {
    site.sections
        .values()
        .nth(i)
        .expect("job of an existing section")
}

/// Pager jobs of one list: `1..=pager_count`.
fn pagers(item: usize, len: usize, per: usize) -> impl Iterator<Item = Key> {
    (1..=pager_count(len, per)).map(move |n| Key::pager(item, n))
}

/// " 第 n 页" for a pager after the first, for origins.
fn page_n(n: usize) -> String {
    if n > 1 {
        format!("第 {n} 页")
    } else {
        String::new()
    }
}

/// The values every HTML page has: its path, URLs and title.
fn base(ctx: &Ctx, out: &mut dyn Sink, path: &str, title: &str) {
    out.value("current_path", &path);
    out.value("current_url", &ctx.urls.href(path));
    out.value("canonical", &ctx.urls.permalink(path));
    out.value("page_title", &title);
}

#[derive(serde::Serialize)]
struct PagerLink {
    n: usize,
    url: String,
    current: bool,
}

#[derive(serde::Serialize)]
struct Paginator {
    current: usize,
    total: usize,
    items: usize,
    prev: Option<String>,
    next: Option<String>,
    first: String,
    last: String,
    /// A window of page numbers around the current one.
    links: Vec<PagerLink>,
}

/// The slice of `idx` for pager `n` as `pages`, and `paginator`.
fn paginate(ctx: &Ctx, out: &mut dyn Sink, base: &str, idx: &[usize], per: usize, n: usize) {
    let total = pager_count(idx.len(), per);
    let slice = &idx[((n - 1) * per).min(idx.len())..(n * per).min(idx.len())];
    out.cards("pages", slice);
    let url = |k: usize| ctx.urls.href(&pager_path(base, k));
    let lo = n.saturating_sub(2).max(1);
    let hi = (n + 2).min(total);
    let mut links: Vec<PagerLink> = (lo..=hi)
        .map(|k| PagerLink {
            n: k,
            url: url(k),
            current: k == n,
        })
        .collect();
    if lo > 1 {
        links.insert(
            0,
            PagerLink {
                n: 1,
                url: url(1),
                current: false,
            },
        );
    }
    if hi < total {
        links.push(PagerLink {
            n: total,
            url: url(total),
            current: false,
        });
    }
    out.value(
        "paginator",
        &Paginator {
            current: n,
            total,
            items: idx.len(),
            prev: (n > 1).then(|| url(n - 1)),
            next: (n < total).then(|| url(n + 1)),
            first: url(1),
            last: url(total),
            links,
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pagers_cover_every_item_and_one_for_none() {
        let ns = |len| pagers(3, len, 10).map(|k| k.n).collect::<Vec<_>>();
        assert_eq!(ns(0), [1]);
        assert_eq!(ns(10), [1]);
        assert_eq!(ns(11), [1, 2]);
        assert!(pagers(3, 25, 10).all(|k| k.item == 3));
    }
}
