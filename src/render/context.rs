//! Template values: a light card per page (computed once, shared by every
//! list that shows the page) and the full value of an article page.

use rayon::prelude::*;
use serde::Serialize;
use tera::Value;

use crate::config::Config;
use crate::model::{Registry, Status};
use crate::render::signature::hash_value;
use crate::render::{value, Urls};
use crate::resolve::{Page, Resolved};

#[derive(Serialize, Clone)]
pub struct Link {
    pub title: String,
    pub url: String,
}

#[derive(Serialize, Hash)]
struct Card<'a> {
    title: &'a str,
    url: String,
    date: String,
    date_iso: String,
    year: Option<i32>,
    kind: &'static str,
    kind_label: &'static str,
    school: Option<&'a str>,
    school_url: Option<String>,
    summary: &'a str,
    cover: Option<String>,
    /// The cover's 4:3 thumbnails, when it is a processed photo.
    thumb: Option<crate::parse::markdown::PictureUrls>,
    cover_alt: &'a str,
    brand: Option<&'a str>,
    slogan: Option<&'a str>,
    tier: Option<&'a str>,
    subject: Option<&'a str>,
    status: Status,
}

/// What rendering reads: inputs of the build, never mutated.
pub struct Ctx<'a> {
    pub cfg: &'a Config,
    pub urls: Urls,
    pub site: &'a Resolved,
    pub registry: &'a Registry,
    /// One card per page, same index as `site.pages`.
    pub cards: Vec<Value>,
    /// A hash of each card, for signatures (`render::sink`).
    pub card_hashes: Vec<u64>,
    /// A hash of each page's full value (`page_value`), for signatures;
    /// empty when not computed (a build never signs).
    pub page_hashes: Vec<u64>,
    /// The theme's UI strings in the site's language.
    pub strings: &'a std::collections::BTreeMap<String, String>,
    /// Page bodies moved out of `site` by a build, each taken by the one
    /// job that shows it and freed once that job is written (`once`).
    bodies: Option<Vec<std::sync::Mutex<Option<crate::model::Packed>>>>,
    /// The plan's progress, counted once when a view first asks.
    coverage: std::sync::OnceLock<Option<crate::coverage::Coverage>>,
}

impl<'a> Ctx<'a> {
    pub fn new(
        cfg: &'a Config,
        site: &'a Resolved,
        registry: &'a Registry,
        strings: &'a std::collections::BTreeMap<String, String>,
    ) -> Self {
        let urls = Urls::new(cfg);
        let school_pages = !site.schools.is_empty();
        let (cards, card_hashes) = site
            .pages
            .par_iter()
            .map(|p| card(&urls, p, school_pages, &site.pictures))
            .unzip();
        Ctx {
            cfg,
            urls,
            site,
            registry,
            cards,
            card_hashes,
            page_hashes: Vec::new(),
            strings,
            bodies: None,
            coverage: Default::default(),
        }
    }

    /// A context with per-page values computed earlier (kept by `serve`
    /// between edits).
    pub fn with_values(
        cfg: &'a Config,
        site: &'a Resolved,
        registry: &'a Registry,
        strings: &'a std::collections::BTreeMap<String, String>,
        values: PerPage,
    ) -> Self {
        Ctx {
            cfg,
            urls: Urls::new(cfg),
            site,
            registry,
            cards: values.cards,
            card_hashes: values.card_hashes,
            page_hashes: values.page_hashes,
            strings,
            bodies: None,
            coverage: Default::default(),
        }
    }

    /// A build shows each page's body once: the bodies, moved out of the
    /// site, are handed out one at a time and freed as pages are written,
    /// so a 100,000-page build does not hold every page's HTML to the end.
    pub fn once(mut self, bodies: Vec<crate::model::Packed>) -> Self {
        self.bodies = Some(
            bodies
                .into_iter()
                .map(|b| std::sync::Mutex::new(Some(b)))
                .collect(),
        );
        self
    }

    /// The plan's progress (`coverage::count`); None without a registry.
    pub fn coverage(&self) -> Option<&crate::coverage::Coverage> {
        self.coverage
            .get_or_init(|| crate::coverage::count(self.registry, self.site))
            .as_ref()
    }

    /// Page `i`'s body: taken from the build's bodies, else the site's.
    pub fn body(&self, i: usize) -> std::sync::Arc<str> {
        match &self.bodies {
            Some(b) => {
                let mut slot = b[i].lock().unwrap_or_else(|e| e.into_inner());
                // Shown twice where a file shows many pages whole.
                let twice = self.site.archive_year.is_some() || self.site.json_feed;
                let packed = if twice { slot.clone() } else { slot.take() };
                packed.map(|p| p.unpack()).unwrap_or_default()
            }
            None => self.site.pages[i].rendered.html.clone(),
        }
    }

    /// The per-page values, to keep for the next edit.
    pub fn into_values(self) -> PerPage {
        PerPage {
            cards: self.cards,
            card_hashes: self.card_hashes,
            page_hashes: self.page_hashes,
        }
    }

    /// Hash every page's full value (for signing every page job).
    pub fn hash_pages(&mut self) {
        let hashes = (0..self.site.pages.len())
            .into_par_iter()
            .map(|i| hash_value(&page_value(self, i)))
            .collect();
        self.page_hashes = hashes;
    }

    /// Compute page `i`'s card and value hash again (its body changed).
    pub fn refresh(&mut self, i: usize) {
        let (c, h) = card(
            &self.urls,
            &self.site.pages[i],
            !self.site.schools.is_empty(),
            &self.site.pictures,
        );
        self.cards[i] = c;
        self.card_hashes[i] = h;
        if !self.page_hashes.is_empty() {
            self.page_hashes[i] = hash_value(&page_value(self, i));
        }
    }

    /// Hash of page `i`'s full value: kept, or computed now.
    pub fn page_hash(&self, i: usize) -> u64 {
        match self.page_hashes.get(i) {
            Some(h) => *h,
            None => hash_value(&page_value(self, i)),
        }
    }

    /// A UI string, or its key when the theme lacks it.
    pub fn string(&self, key: &str) -> String {
        self.strings
            .get(key)
            .cloned()
            .unwrap_or_else(|| key.to_string())
    }

    /// A breadcrumb trail: 首页, then the chain of sections down to
    /// `section` (none for the root).
    pub fn trail(&self, section: Option<&str>) -> Vec<Link> {
        let mut chain = Vec::new();
        let mut key = section.map(str::to_string);
        while let Some(k) = key {
            let Some(s) = self.site.sections.get(&k).filter(|_| !k.is_empty()) else {
                break;
            };
            chain.push(self.link(&s.title, &s.path));
            key = s.parent.clone();
        }
        chain.push(self.link(&self.string("home"), "/"));
        chain.reverse();
        chain
    }

    pub fn cards_of(&self, idx: &[usize]) -> Value {
        Value::from(
            idx.iter()
                .map(|&i| self.cards[i].clone())
                .collect::<Vec<Value>>(),
        )
    }

    pub fn link(&self, title: &str, path: &str) -> Link {
        Link {
            title: title.to_string(),
            url: self.urls.href(path),
        }
    }
}

/// Values of every page computed once per build: its card and the hashes
/// signatures use. `serve` keeps them between edits.
#[derive(Default)]
pub struct PerPage {
    pub cards: Vec<Value>,
    pub card_hashes: Vec<u64>,
    pub page_hashes: Vec<u64>,
}

/// A date as `2024-05-12`, formatted by hand: strftime parses its pattern
/// on every call, and lists, cards and the sitemap format every page's date.
pub fn day(d: &chrono::DateTime<chrono::FixedOffset>) -> String {
    use chrono::Datelike;
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

/// URL of a school's page, when the site has school pages.
pub fn school_url(urls: &Urls, key: &str, school_pages: bool) -> String {
    if school_pages {
        urls.href(&format!("/schools/{key}/"))
    } else {
        String::new()
    }
}

/// A page's card value and its hash.
pub fn card(
    urls: &Urls,
    p: &Page,
    school_pages: bool,
    pictures: &std::collections::BTreeMap<String, crate::model::Picture>,
) -> (Value, u64) {
    use std::hash::{Hash, Hasher};
    let h = &p.doc.header;
    let card = Card {
        title: &h.title,
        url: urls.href(&p.path),
        date: p.date.map(|d| day(&d)).unwrap_or_default(),
        date_iso: p.date.map(|d| d.to_rfc3339()).unwrap_or_default(),
        year: p.year,
        kind: p.kind.name(),
        kind_label: p.kind.label(),
        school: p.school.as_ref().map(|s| s.name.as_str()),
        school_url: p
            .school
            .as_ref()
            .map(|s| school_url(urls, &s.key, school_pages)),
        summary: p.summary(),
        cover: p.cover.as_deref().map(|c| urls.href(c)),
        thumb: p
            .cover
            .as_ref()
            .and_then(|c| pictures.get(c))
            .map(|pic| crate::parse::markdown::PictureUrls::new(pic, true, &|s| urls.href(s))),
        cover_alt: h.cover_alt.as_deref().unwrap_or(""),
        brand: h.brand.as_deref(),
        slogan: h.slogan.as_deref(),
        tier: h.tier.as_deref(),
        subject: h.subject.as_deref(),
        status: p.status,
    };
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    card.hash(&mut hasher);
    (value(&card), hasher.finish())
}

#[derive(Serialize)]
struct SchoolValue<'a> {
    id: &'a str,
    name: &'a str,
    url: String,
    registered: bool,
    short: &'a str,
    district: &'a str,
    stage: &'a str,
    ownership: &'a str,
    party_org: &'a str,
}

#[derive(Serialize)]
struct MeasureLink {
    id: u32,
    title: String,
    url: String,
}

#[derive(Serialize)]
struct PageValue<'a> {
    title: &'a str,
    url: String,
    permalink: String,
    kind: &'static str,
    kind_label: &'static str,
    status: Status,
    date: String,
    pubdate: String,
    date_iso: String,
    year: Option<i32>,
    summary: &'a str,
    description: &'a str,
    keywords: String,
    author: Option<&'a str>,
    source: Option<&'a str>,
    editor: Option<&'a str>,
    cover: Option<String>,
    /// The cover's processed versions, when it is a processed photo.
    cover_picture: Option<crate::parse::markdown::PictureUrls>,
    /// Absolute URL of the share image (Open Graph): the processed cover.
    share_image: Option<String>,
    /// The `gallery:` photos as a grid (safe HTML), when there are any.
    gallery_html: Option<String>,
    video: Option<VideoValue>,
    /// `attachments:` and documents the body links to (附件).
    attachments: Vec<AttachmentValue>,
    cover_alt: &'a str,
    brand: Option<&'a str>,
    slogan: Option<&'a str>,
    subject: Option<&'a str>,
    category: Option<&'a str>,
    tier: Option<&'a str>,
    reading_minutes: u32,
    toc: &'a [crate::model::TocEntry],
    tags: Vec<Link>,
    district: Option<Link>,
    measures: Vec<MeasureLink>,
    school: Option<SchoolValue<'a>>,
    section: Link,
    breadcrumbs: Vec<Link>,
    prev: Option<Link>,
    next: Option<Link>,
    extra: &'a serde_json::Value,
}

/// Full value of page `i` (its content goes in separately, as safe HTML).
#[derive(Serialize, Hash)]
struct VideoValue {
    src: String,
    /// `video/mp4` or `video/webm`.
    mime: &'static str,
    captions: Option<String>,
    /// The processed cover, shown before the video plays.
    poster: Option<String>,
}

#[derive(Serialize, Hash)]
struct AttachmentValue {
    url: String,
    title: String,
    /// PDF, Word, Excel, ...
    kind: &'static str,
    /// `1.2 MB`, `350 KB`.
    size: String,
}

fn human_size(n: u64) -> String {
    if n >= 1_000_000 {
        format!("{:.1} MB", n as f64 / 1e6)
    } else {
        format!("{} KB", n.div_ceil(1000).max(1))
    }
}

pub fn page_value(ctx: &Ctx, i: usize) -> Value {
    let site = ctx.site;
    let p = &site.pages[i];
    let h = &p.doc.header;
    let urls = &ctx.urls;
    let sec = &site.sections[&p.section];
    let neighbour = |j: Option<usize>| {
        j.and_then(|j| sec.pages.get(j))
            .map(|&k| ctx.link(site.pages[k].title(), &site.pages[k].path))
    };
    let prev = neighbour(p.order.checked_sub(1));
    let next = neighbour(Some(p.order + 1));
    let school = p.school.as_ref().map(|s| {
        let reg = if s.registered {
            ctx.registry.school(&s.key)
        } else {
            None
        };
        SchoolValue {
            id: &s.key,
            name: &s.name,
            url: school_url(urls, &s.key, !site.schools.is_empty()),
            registered: s.registered,
            short: reg.map(|r| r.short.as_str()).unwrap_or(""),
            district: reg.map(|r| r.district.as_str()).unwrap_or(""),
            stage: reg.map(|r| r.stage.as_str()).unwrap_or(""),
            ownership: reg.map(|r| r.ownership.as_str()).unwrap_or(""),
            party_org: reg.map(|r| r.party_org.as_str()).unwrap_or(""),
        }
    });
    let has_tax = |n: &str| site.taxonomies.iter().any(|t| t.name == n);
    let tags = h
        .tags
        .iter()
        .map(|t| Link {
            title: t.clone(),
            url: if has_tax("tags") {
                urls.href(&format!(
                    "/tags/{}/",
                    crate::parse::slug::slugify(t, ctx.cfg.pinyin_slugs)
                ))
            } else {
                String::new()
            },
        })
        .collect();
    let district = p.district.as_ref().map(|d| Link {
        title: d.clone(),
        url: if has_tax("district") {
            urls.href(&format!(
                "/districts/{}/",
                crate::parse::slug::slugify(d, ctx.cfg.pinyin_slugs)
            ))
        } else {
            String::new()
        },
    });
    let measures = h
        .measures
        .iter()
        .filter_map(|m| ctx.registry.measure(*m))
        .map(|m| MeasureLink {
            id: m.id,
            title: m.title.clone(),
            url: urls.href(&format!("/measures/{}/", m.id)),
        })
        .collect();
    let breadcrumbs = ctx.trail(Some(&p.section));
    value(&PageValue {
        title: &h.title,
        url: urls.href(&p.path),
        permalink: urls.permalink(&p.path),
        kind: p.kind.name(),
        kind_label: p.kind.label(),
        status: p.status,
        date: p.date.map(|d| day(&d)).unwrap_or_default(),
        pubdate: p
            .date
            .map(|d| d.format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default(),
        date_iso: p.date.map(|d| d.to_rfc3339()).unwrap_or_default(),
        year: p.year,
        summary: p.summary(),
        description: h.description.as_deref().unwrap_or(p.summary()),
        keywords: h.tags.join(","),
        author: h.author.as_deref(),
        source: h.source.as_deref(),
        editor: h.editor.as_deref(),
        cover: p.cover.as_deref().map(|c| urls.href(c)),
        cover_picture: p
            .cover
            .as_ref()
            .and_then(|c| site.pictures.get(c))
            .map(|pic| crate::parse::markdown::PictureUrls::new(pic, false, &|s| urls.href(s))),
        video: p.video.as_ref().map(|(src, captions)| VideoValue {
            mime: if src.to_ascii_lowercase().ends_with(".webm") {
                "video/webm"
            } else {
                "video/mp4"
            },
            src: urls.href(src),
            captions: captions.as_deref().map(|c| urls.href(c)),
            poster: p
                .cover
                .as_ref()
                .and_then(|c| site.pictures.get(c))
                .and_then(|pic| pic.up_to(960))
                .map(|v| urls.href(&v.fallback))
                .or_else(|| p.cover.as_deref().map(|c| urls.href(c))),
        }),
        attachments: {
            let mut list: Vec<(&str, &str)> = p
                .attachments
                .iter()
                .map(|(path, title)| (path.as_str(), title.as_str()))
                .collect();
            for path in &p.rendered.attachments {
                if !list.iter().any(|(q, _)| q == path) {
                    list.push((path.as_str(), ""));
                }
            }
            list.into_iter()
                .map(|(path, title)| AttachmentValue {
                    url: urls.href(path),
                    title: if title.is_empty() {
                        path.rsplit('/').next().unwrap_or(path).to_string()
                    } else {
                        title.to_string()
                    },
                    kind: crate::model::attachment_type(path).unwrap_or("文件"),
                    size: site
                        .file_sizes
                        .get(path)
                        .map(|&n| human_size(n))
                        .unwrap_or_default(),
                })
                .collect()
        },
        gallery_html: (!p.gallery.is_empty()).then(|| {
            let items: Vec<_> = p
                .gallery
                .iter()
                .map(|(path, caption)| {
                    let pic = match site.pictures.get(path) {
                        Some(pic) => {
                            crate::parse::markdown::PictureUrls::new(pic, false, &|s| urls.href(s))
                        }
                        None => crate::parse::markdown::PictureUrls {
                            src: urls.href(path),
                            large: urls.href(path),
                            ..Default::default()
                        },
                    };
                    (pic, caption.clone(), String::new())
                })
                .collect();
            crate::parse::markdown::gallery_html(&items)
        }),
        share_image: p
            .cover
            .as_ref()
            .and_then(|c| site.pictures.get(c))
            .and_then(|pic| pic.up_to(1200))
            .map(|v| urls.permalink(&v.fallback)),
        cover_alt: h.cover_alt.as_deref().unwrap_or(""),
        brand: h.brand.as_deref(),
        slogan: h.slogan.as_deref(),
        subject: h.subject.as_deref(),
        category: h.category.as_deref(),
        tier: h.tier.as_deref(),
        reading_minutes: p.rendered.reading_minutes,
        toc: &p.rendered.toc,
        tags,
        district,
        measures,
        school,
        section: ctx.link(&sec.title, &sec.path),
        breadcrumbs,
        prev,
        next,
        extra: &h.extra,
    })
}

/// Up to `n` other pages of the same school, then of the same measures.
pub fn related(ctx: &Ctx, i: usize, n: usize) -> Vec<usize> {
    let site = ctx.site;
    let p = &site.pages[i];
    let mut out = Vec::new();
    if let Some(s) = &p.school {
        if let Some(t) = site.schools.iter().find(|t| t.slug == s.key) {
            out.extend(t.pages.iter().copied().filter(|&j| j != i).take(n));
        }
    }
    for m in &p.doc.header.measures {
        if out.len() >= n {
            break;
        }
        if let Some(t) = site.measures.iter().find(|t| t.slug == m.to_string()) {
            for &j in &t.pages {
                if out.len() >= n {
                    break;
                }
                if j != i && !out.contains(&j) {
                    out.push(j);
                }
            }
        }
    }
    out
}
