//! Every file the build writes from a template is one `Job`; jobs are
//! independent, so the build renders them in parallel and writes each as
//! soon as it is done (no whole-site buffer).

use serde::Serialize;
use tera::{Context, Tera, Value};

use crate::diagnostics::Diagnostic;
use crate::model::{Kind, TIERS};
use crate::render::context::{page_value, related, Ctx, Link};
use crate::render::{render, value};
use crate::resolve::outputs::pager_count;
pub use crate::resolve::outputs::{out_file, pager_path, Job};
use crate::resolve::Term;

#[derive(Serialize)]
struct PagerLink {
    n: usize,
    url: String,
    current: bool,
}

#[derive(Serialize)]
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

/// Insert the slice of `idx` for pager `n` as `pages`, and `paginator`.
fn paginate(ctx: &Ctx, c: &mut Context, base: &str, idx: &[usize], per: usize, n: usize) {
    let total = pager_count(idx.len(), per);
    let slice = &idx[((n - 1) * per).min(idx.len())..(n * per).min(idx.len())];
    c.insert_value("pages", ctx.cards_of(slice));
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
    c.insert(
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

fn base_ctx(ctx: &Ctx, path: &str, title: &str) -> Context {
    let mut c = Context::new();
    c.insert("current_path", path);
    c.insert("current_url", &ctx.urls.href(path));
    c.insert("canonical", &ctx.urls.permalink(path));
    c.insert("page_title", title);
    c
}

fn taxonomy_label(ctx: &Ctx, name: &str) -> String {
    ctx.string(&format!("taxonomy_{name}"))
}

#[derive(Serialize)]
struct TermValue {
    name: String,
    url: String,
    count: usize,
}

fn term_value(ctx: &Ctx, t: &Term) -> TermValue {
    TermValue {
        name: t.name.clone(),
        url: ctx.urls.href(&t.path),
        count: t.pages.len(),
    }
}

/// The pages the home page shows: newest brands, deeds, clean-school
/// pages, and newest articles of any kind.
pub fn home_picks(site: &crate::resolve::Resolved) -> [Vec<usize>; 4] {
    let of_kind = |k: Kind, n: usize| -> Vec<usize> {
        site.by_date
            .iter()
            .copied()
            .filter(|&i| site.pages[i].kind == k)
            .take(n)
            .collect()
    };
    let latest = site
        .by_date
        .iter()
        .copied()
        .filter(|&i| site.pages[i].kind != Kind::Page)
        .take(10)
        .collect();
    [
        of_kind(Kind::Brand, 6),
        of_kind(Kind::Deed, 8),
        of_kind(Kind::Clean, 4),
        latest,
    ]
}

/// The newest entries of the site feed (`None`) or a section's feed.
pub fn feed_entries(ctx: &Ctx, section: Option<&str>) -> Vec<usize> {
    let site = ctx.site;
    let mut idx: Vec<usize> = match section {
        None => site
            .by_date
            .iter()
            .copied()
            .filter(|&i| site.pages[i].kind != Kind::Page)
            .take(ctx.cfg.feed_limit)
            .collect(),
        Some(k) => site.sections[k].pages.clone(),
    };
    idx.sort_by(|&a, &b| crate::resolve::newest_first(&site.pages[a], &site.pages[b]));
    idx.truncate(ctx.cfg.feed_limit);
    idx
}

/// Render one job: (output file relative to the output root, bytes).
pub fn run(ctx: &Ctx, tera: &Tera, job: &Job) -> Result<(String, String), Diagnostic> {
    let site = ctx.site;
    let per = ctx.cfg.paginate_by;
    let go = |tpl: &str, c: &Context, path: &str| -> Result<(String, String), Diagnostic> {
        let out = out_file(path);
        render(tera, tpl, c, &out).map(|s| (out, s))
    };
    match job {
        Job::Page(i) => {
            let p = &site.pages[*i];
            let mut c = base_ctx(ctx, &p.path, p.title());
            c.insert_value("page", page_value(ctx, *i));
            c.insert_value("content", Value::safe_string(&p.rendered.html));
            c.insert_value("related", ctx.cards_of(&related(ctx, *i, 5)));
            let tpl = p.doc.header.template.as_deref().unwrap_or("page.html");
            go(tpl, &c, &p.path)
        }
        Job::Section { key, n } => {
            let s = &site.sections[key];
            let path = pager_path(&s.path, *n);
            let mut c = base_ctx(ctx, &path, &s.title);
            let subs: Vec<Link> = s
                .subsections
                .iter()
                .map(|k| ctx.link(&site.sections[k].title, &site.sections[k].path))
                .collect();
            c.insert(
                "section",
                &SectionValue {
                    title: &s.title,
                    description: &s.description,
                    url: ctx.urls.href(&s.path),
                    kind: s.kind.name(),
                    subsections: subs,
                    feed: ctx.urls.href(&format!("{}atom.xml", s.path)),
                },
            );
            c.insert_value(
                "content",
                Value::safe_string(if *n == 1 { &s.html } else { "" }),
            );
            paginate(ctx, &mut c, &s.path, &s.pages, s.paginate_by, *n);
            go(s.template.as_deref().unwrap_or("section.html"), &c, &path)
        }
        Job::TaxonomyIndex(ti) => {
            let t = &site.taxonomies[*ti];
            let label = taxonomy_label(ctx, &t.name);
            let mut c = base_ctx(ctx, &t.path, &label);
            c.insert(
                "taxonomy",
                &TaxValue {
                    name: &t.name,
                    url: ctx.urls.href(&t.path),
                },
            );
            let terms: Vec<TermValue> = t.terms.iter().map(|x| term_value(ctx, x)).collect();
            c.insert("terms", &terms);
            go("taxonomy.html", &c, &t.path)
        }
        Job::Term { tax, term, n } => {
            let t = &site.taxonomies[*tax];
            let term = &t.terms[*term];
            let path = pager_path(&term.path, *n);
            let mut c = base_ctx(ctx, &path, &term.name);
            c.insert(
                "taxonomy",
                &TaxValue {
                    name: &t.name,
                    url: ctx.urls.href(&t.path),
                },
            );
            c.insert("term", &term_value(ctx, term));
            paginate(ctx, &mut c, &term.path, &term.pages, per, *n);
            go("term.html", &c, &path)
        }
        Job::Schools => {
            let mut c = base_ctx(ctx, "/schools/", &ctx.string("schools"));
            c.insert("districts", &schools_by_district(ctx));
            go("schools.html", &c, "/schools/")
        }
        Job::School { idx, n } => {
            let t = &site.schools[*idx];
            let path = pager_path(&t.path, *n);
            let mut c = base_ctx(ctx, &path, &t.name);
            c.insert_value("school", school_value(ctx, t));
            paginate(ctx, &mut c, &t.path, &t.pages, per, *n);
            go("school.html", &c, &path)
        }
        Job::Measures => {
            let mut c = base_ctx(ctx, "/measures/", &ctx.string("measures"));
            c.insert("groups", &measure_groups(ctx));
            go("measures.html", &c, "/measures/")
        }
        Job::Measure { idx, n } => {
            let t = &site.measures[*idx];
            let m = ctx
                .registry
                .measures()
                .nth(*idx)
                .expect("measure terms follow the registry");
            let group = ctx
                .registry
                .groups
                .iter()
                .find(|g| g.id == m.group)
                .map(|g| g.title.as_str())
                .unwrap_or("");
            let path = pager_path(&t.path, *n);
            let mut c = base_ctx(
                ctx,
                &path,
                &format!("{}{}：{}", ctx.string("measure"), m.id, m.title),
            );
            c.insert(
                "measure",
                &MeasureValue {
                    id: m.id,
                    title: &m.title,
                    summary: &m.summary,
                    group,
                    url: ctx.urls.href(&t.path),
                    count: t.pages.len(),
                },
            );
            paginate(ctx, &mut c, &t.path, &t.pages, per, *n);
            go("measure.html", &c, &path)
        }
        Job::Alias(i) => {
            let a = &site.aliases[*i];
            let mut c = base_ctx(ctx, &a.to, "");
            c.insert("target", &ctx.urls.href(&a.to));
            go("alias.html", &c, &a.from)
        }
        Job::Home => {
            let home = &site.sections[""];
            let mut c = base_ctx(ctx, "/", &ctx.cfg.title);
            c.insert(
                "home",
                &HomeValue {
                    title: &home.title,
                    description: &home.description,
                },
            );
            c.insert_value("content", Value::safe_string(&home.html));
            let picks = home_picks(site);
            c.insert_value("featured", ctx.cards_of(&picks[0]));
            c.insert_value("deeds", ctx.cards_of(&picks[1]));
            c.insert_value("clean", ctx.cards_of(&picks[2]));
            c.insert_value("latest", ctx.cards_of(&picks[3]));
            let tops = site.top_sections();
            let sections: Vec<SectionCount> = tops
                .into_iter()
                .map(|s| SectionCount {
                    title: s.title.clone(),
                    url: ctx.urls.href(&s.path),
                    count: s.pages.len(),
                    kind: s.kind.name(),
                })
                .collect();
            c.insert("sections", &sections);
            c.insert("groups", &measure_groups(ctx));
            c.insert("progress", &clean_progress(ctx));
            go("index.html", &c, "/")
        }
        Job::NotFound => {
            let c = base_ctx(ctx, "/404.html", "404");
            go("404.html", &c, "/404.html")
        }
        Job::Feed(key) => {
            let (title, path) = match key {
                None => (ctx.cfg.title.clone(), "/".to_string()),
                Some(k) => {
                    let s = &site.sections[k];
                    (format!("{} - {}", s.title, ctx.cfg.title), s.path.clone())
                }
            };
            let idx = &feed_entries(ctx, key.as_deref());
            let entries: Vec<FeedEntry> = idx
                .iter()
                .map(|&i| {
                    let p = &site.pages[i];
                    FeedEntry {
                        title: p.title(),
                        url: ctx.urls.permalink(&p.path),
                        updated: p
                            .date
                            .map(|d| d.to_rfc3339())
                            .unwrap_or_else(|| "1970-01-01T00:00:00+00:00".into()),
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
                .unwrap_or_else(|| "1970-01-01T00:00:00+00:00".into());
            let feed_path = format!("{path}atom.xml");
            let mut c = Context::new();
            c.insert(
                "feed",
                &FeedValue {
                    title,
                    url: ctx.urls.permalink(&path),
                    self_url: ctx.urls.permalink(&feed_path),
                    updated,
                    entries,
                },
            );
            go("atom.xml", &c, &feed_path)
        }
        Job::Sitemap => {
            let mut entries: Vec<SitemapEntry> = Vec::new();
            let mut add = |path: &str, lastmod: Option<String>| {
                entries.push(SitemapEntry {
                    loc: ctx.urls.permalink(path),
                    lastmod,
                })
            };
            add(
                "/",
                site.by_date
                    .first()
                    .and_then(|&i| site.pages[i].date)
                    .map(|d| d.format("%Y-%m-%d").to_string()),
            );
            for s in site.sections.values().filter(|s| !s.key.is_empty()) {
                add(&s.path, None);
            }
            for p in &site.pages {
                add(&p.path, p.date.map(|d| d.format("%Y-%m-%d").to_string()));
            }
            for t in &site.taxonomies {
                add(&t.path, None);
                for term in &t.terms {
                    add(&term.path, None);
                }
            }
            if !site.schools.is_empty() {
                add("/schools/", None);
            }
            for t in &site.schools {
                add(&t.path, None);
            }
            add("/measures/", None);
            for t in &site.measures {
                add(&t.path, None);
            }
            entries.sort_by(|a, b| a.loc.cmp(&b.loc));
            let mut c = Context::new();
            c.insert("entries", &entries);
            go("sitemap.xml", &c, "/sitemap.xml")
        }
        Job::Robots => {
            let mut c = Context::new();
            c.insert("sitemap", &ctx.urls.permalink("/sitemap.xml"));
            go("robots.txt", &c, "/robots.txt")
        }
    }
}

#[derive(Serialize)]
struct SectionValue<'a> {
    title: &'a str,
    description: &'a str,
    url: String,
    kind: &'static str,
    subsections: Vec<Link>,
    feed: String,
}

#[derive(Serialize)]
struct TaxValue<'a> {
    name: &'a str,
    url: String,
}

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

#[derive(Serialize)]
struct MeasureValue<'a> {
    id: u32,
    title: &'a str,
    summary: &'a str,
    group: &'a str,
    url: String,
    count: usize,
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

#[derive(Serialize)]
struct SitemapEntry {
    loc: String,
    lastmod: Option<String>,
}

#[derive(Serialize)]
struct GroupValue {
    id: u32,
    title: String,
    measures: Vec<MeasureValueOwned>,
}

#[derive(Serialize)]
struct MeasureValueOwned {
    id: u32,
    title: String,
    summary: String,
    url: String,
    count: usize,
}

fn measure_groups(ctx: &Ctx) -> Vec<GroupValue> {
    ctx.registry
        .groups
        .iter()
        .map(|g| GroupValue {
            id: g.id,
            title: g.title.clone(),
            measures: g
                .measures
                .iter()
                .map(|m| {
                    let t = ctx
                        .site
                        .measures
                        .iter()
                        .find(|t| t.slug == m.id.to_string());
                    MeasureValueOwned {
                        id: m.id,
                        title: m.title.clone(),
                        summary: m.summary.clone(),
                        url: ctx.urls.href(&format!("/measures/{}/", m.id)),
                        count: t.map(|t| t.pages.len()).unwrap_or(0),
                    }
                })
                .collect(),
        })
        .collect()
}

#[derive(Serialize)]
struct SchoolCard {
    name: String,
    url: String,
    stage: String,
    count: usize,
}

#[derive(Serialize)]
struct DistrictValue {
    name: String,
    schools: Vec<SchoolCard>,
}

fn schools_by_district(ctx: &Ctx) -> Vec<DistrictValue> {
    let mut map: std::collections::BTreeMap<String, Vec<SchoolCard>> = Default::default();
    for t in &ctx.site.schools {
        let reg = ctx.registry.school(&t.slug);
        let district = reg
            .map(|r| r.district.clone())
            .unwrap_or_else(|| "其他".into());
        map.entry(district).or_default().push(SchoolCard {
            name: t.name.clone(),
            url: ctx.urls.href(&t.path),
            stage: reg.map(|r| r.stage.clone()).unwrap_or_default(),
            count: t.pages.len(),
        });
    }
    map.into_iter()
        .map(|(name, schools)| DistrictValue { name, schools })
        .collect()
}

#[derive(Serialize)]
struct SchoolProfile<'a> {
    id: &'a str,
    name: &'a str,
    url: String,
    registered: bool,
    short: &'a str,
    district: &'a str,
    district_url: String,
    stage: &'a str,
    ownership: &'a str,
    party_org: &'a str,
    intro: &'a str,
    count: usize,
    counts: Vec<KindCount>,
    clean_tiers: Vec<YearTier>,
}

#[derive(Serialize)]
struct KindCount {
    label: &'static str,
    count: usize,
}

#[derive(Serialize)]
struct YearTier {
    year: i32,
    tier: String,
}

fn school_value(ctx: &Ctx, t: &Term) -> Value {
    let reg = ctx
        .registry
        .school(&t.slug)
        .filter(|_| ctx.registry.schools.is_some());
    let counts = Kind::ALL
        .iter()
        .map(|k| KindCount {
            label: k.label(),
            count: t
                .pages
                .iter()
                .filter(|&&i| ctx.site.pages[i].kind == *k)
                .count(),
        })
        .filter(|k| k.count > 0)
        .collect();
    let district = reg.map(|r| r.district.as_str()).unwrap_or("");
    let has_district = ctx.site.taxonomies.iter().any(|t| t.name == "district");
    value(&SchoolProfile {
        id: &t.slug,
        name: &t.name,
        url: ctx.urls.href(&t.path),
        registered: reg.is_some(),
        short: reg.map(|r| r.short.as_str()).unwrap_or(""),
        district,
        district_url: if has_district && !district.is_empty() {
            ctx.urls.href(&format!(
                "/districts/{}/",
                crate::parse::slug::slugify(district, ctx.cfg.pinyin_slugs)
            ))
        } else {
            String::new()
        },
        stage: reg.map(|r| r.stage.as_str()).unwrap_or(""),
        ownership: reg.map(|r| r.ownership.as_str()).unwrap_or(""),
        party_org: reg.map(|r| r.party_org.as_str()).unwrap_or(""),
        intro: reg.map(|r| r.intro.as_str()).unwrap_or(""),
        count: t.pages.len(),
        counts,
        clean_tiers: reg
            .map(|r| {
                r.clean_tiers
                    .iter()
                    .map(|(y, t)| YearTier {
                        year: *y,
                        tier: t.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
    })
}

#[derive(Serialize)]
struct ProgressCell {
    tier: &'static str,
    schools: usize,
    percent: u32,
    target: u32,
    met: bool,
}

#[derive(Serialize)]
struct ProgressRow {
    year: i32,
    cells: Vec<ProgressCell>,
}

/// Per target year, how many registered schools had reached each tier (by
/// data/schools.yaml `clean_tiers` and clean-school pages with a tier).
fn clean_progress(ctx: &Ctx) -> Vec<ProgressRow> {
    let Some(schools) = &ctx.registry.schools else {
        return vec![];
    };
    if schools.is_empty() {
        return vec![];
    }
    let rank = |t: &str| TIERS.iter().position(|x| *x == t);
    ctx.registry
        .targets
        .iter()
        .map(|t| {
            let (year, targets) = (&t.year, &t.percent);
            let best: Vec<Option<usize>> = schools
                .iter()
                .map(|s| {
                    let from_reg = s
                        .clean_tiers
                        .iter()
                        .filter(|(y, _)| *y <= year)
                        .filter_map(|(_, t)| rank(t));
                    let from_pages = ctx
                        .site
                        .pages
                        .iter()
                        .filter(|p| {
                            p.kind == Kind::Clean
                                && p.year.is_some_and(|y| y <= *year)
                                && p.school.as_ref().is_some_and(|r| r.key == s.id)
                        })
                        .filter_map(|p| p.doc.header.tier.as_deref().and_then(rank));
                    from_reg.chain(from_pages).min()
                })
                .collect();
            let cells = TIERS
                .iter()
                .enumerate()
                .map(|(ti, tier)| {
                    let n = best.iter().filter(|b| b.is_some_and(|r| r <= ti)).count();
                    let percent = (n * 100 / schools.len()) as u32;
                    ProgressCell {
                        tier,
                        schools: n,
                        percent,
                        target: targets[ti],
                        met: percent >= targets[ti],
                    }
                })
                .collect();
            ProgressRow { year: *year, cells }
        })
        .collect()
}
