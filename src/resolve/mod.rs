//! Resolve: from parsed documents to the site's structure — sections,
//! pages with their final URLs, registry joins, taxonomies, school and
//! measure pages — then render every body with internal links resolved.
//! Everything here is a function of read-only inputs returning data.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use chrono::{DateTime, FixedOffset};

use crate::config::Config;
use crate::diagnostics::{closest, codes, Diagnostic, Diagnostics};
use crate::load::theme::Bytes;
use crate::load::Asset;
use crate::model::{Kind, Registry, SourceDoc, Status};
use crate::parse::markdown::{self, Rendered};
use crate::parse::slug::slugify;

pub mod bodies;
pub mod body_cache;
pub mod links;
pub mod pages;
pub mod place;
pub mod plan;
pub mod sections;
pub mod terms;

use place::Kinds;

/// A school as shown on a page: registered (with id) or free text.
#[derive(Debug, Clone)]
pub struct SchoolRef {
    pub key: String,
    pub name: String,
    pub registered: bool,
}

#[derive(Debug)]
pub struct Page {
    pub doc: SourceDoc,
    pub kind: Kind,
    pub status: Status,
    /// Key of the section holding the page ("" = root).
    pub section: String,
    /// URL path relative to base_url, unencoded: `/brands/云江/`.
    pub path: String,
    pub date: Option<DateTime<FixedOffset>>,
    pub year: Option<i32>,
    pub school: Option<SchoolRef>,
    pub district: Option<String>,
    /// Site path of the cover image, checked to exist.
    pub cover: Option<String>,
    pub cover_focus: crate::model::Focus,
    /// `gallery:` photos: (site path, caption), checked to exist.
    pub gallery: Vec<(String, String)>,
    /// `video:`: site path of the video and of its captions (a `.vtt`
    /// file of the same name beside it), checked to exist.
    pub video: Option<(String, Option<String>)>,
    /// `attachments:`: (site path, title), checked to exist.
    pub attachments: Vec<(String, String)>,
    /// Position in its section's list (for previous/next).
    pub order: usize,
    pub rendered: Rendered,
}

impl Page {
    pub fn title(&self) -> &str {
        &self.doc.header.title
    }
    pub fn summary(&self) -> &str {
        self.doc
            .header
            .summary
            .as_deref()
            .unwrap_or(&self.rendered.auto_summary)
    }
}

#[derive(Debug)]
pub struct Section {
    pub key: String,
    pub path: String,
    pub title: String,
    pub description: String,
    pub kind: Kind,
    pub paginate_by: usize,
    pub weight: i64,
    pub template: Option<String>,
    pub doc: Option<SourceDoc>,
    pub html: std::sync::Arc<str>,
    /// Indexes into `Resolved::pages`, in the section's order.
    pub pages: Vec<usize>,
    pub subsections: Vec<String>,
    pub parent: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Term {
    pub name: String,
    pub slug: String,
    pub path: String,
    /// Newest first.
    pub pages: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct Taxonomy {
    pub name: String,
    pub path: String,
    pub terms: Vec<Term>,
}

#[derive(Debug)]
pub struct Resolved {
    pub pages: Vec<Page>,
    pub sections: BTreeMap<String, Section>,
    /// Indexes of all pages, newest first.
    pub by_date: Vec<usize>,
    /// Enabled taxonomies except school and measures (tags, district, year).
    pub taxonomies: Vec<Taxonomy>,
    /// One per registered school (or per school named, without a registry).
    pub schools: Vec<Term>,
    pub measures: Vec<Term>,
    pub aliases: Vec<plan::Alias>,
    /// Every file rendered from a template, in a fixed order.
    pub jobs: Vec<plan::Job>,
    /// Every file copied as it is (statics, bundle files).
    pub copies: Vec<plan::Copy>,
    /// Size in bytes of every file that can be an attachment, by site path.
    pub file_sizes: BTreeMap<String, u64>,
    /// Processed images by site path (filled by the image stage, which
    /// runs after resolve; empty until then).
    pub pictures: std::sync::Arc<BTreeMap<String, crate::model::Picture>>,
    /// How links in bodies were resolved; reused to re-render one body.
    pub links: links::Resolver,
    /// The one year this site is limited to (a yearly archive being made).
    pub archive_year: Option<i32>,
    /// `/feed.json` is written (a package for the portal).
    pub json_feed: bool,
    /// The site has a registry of schools (data/schools.yaml), so the
    /// plan's progress can be counted.
    pub has_registry: bool,
    /// Years with a frozen archive in `archive/<year>/`, oldest first.
    pub frozen_years: Vec<i32>,
    /// The years of the pages a year's archive left out.
    pub other_years: BTreeSet<i32>,
}

impl Resolved {
    /// The root section's pages of kind `page` (关于本站, 联系我们), by
    /// weight, then title.
    pub fn standalone_pages(&self) -> impl Iterator<Item = &Page> {
        let mut pages: Vec<&Page> = self
            .sections
            .get("")
            .map(|s| s.pages.iter().map(|&i| &self.pages[i]).collect())
            .unwrap_or_default();
        pages.retain(|p| p.kind == crate::model::Kind::Page);
        pages.sort_by(|a, b| {
            (a.doc.header.weight.unwrap_or(0), a.title())
                .cmp(&(b.doc.header.weight.unwrap_or(0), b.title()))
        });
        pages.into_iter()
    }

    /// The sections directly under the home page, in display order:
    /// weight, then kind (brands, deeds, clean, ...), then folder name.
    pub fn top_sections(&self) -> Vec<&Section> {
        let mut tops: Vec<&Section> = self
            .sections
            .values()
            .filter(|s| s.parent.as_deref() == Some(""))
            .collect();
        tops.sort_by(|a, b| {
            a.weight
                .cmp(&b.weight)
                .then(a.kind.cmp(&b.kind))
                .then(a.key.cmp(&b.key))
        });
        tops
    }
}

pub struct Input<'a> {
    pub root: &'a Path,
    pub cfg: &'a Config,
    pub registry: &'a Registry,
    pub docs: Vec<SourceDoc>,
    /// Content files (relative to content/) whose header could not be read.
    pub failed: Vec<String>,
    pub assets: Vec<Asset>,
    /// Output path → source of every static file (theme and site).
    pub statics: &'a BTreeMap<String, Bytes>,
    pub templates: BTreeSet<String>,
    pub drafts: bool,
    /// The output families, which list the render jobs of the plan.
    pub outputs: &'a dyn plan::Outputs,
    /// Only this year's exemplars (and the plain pages): a yearly archive.
    pub year: Option<i32>,
    /// Also write `/feed.json` with every article in full (a package).
    pub json_feed: bool,
    /// Files of the frozen yearly archives (`archive/<year>/…`), copied
    /// byte for byte.
    pub frozen: Vec<Asset>,
}

impl<'a> Input<'a> {
    /// The input for a site whose templates and static files come from
    /// `theme` (build, check and serve all resolve this way).
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        root: &'a Path,
        cfg: &'a Config,
        registry: &'a Registry,
        theme: &'a crate::load::theme::Theme,
        parsed: crate::parse::Parsed,
        assets: Vec<Asset>,
        drafts: bool,
        outputs: &'a dyn plan::Outputs,
    ) -> Input<'a> {
        let templates = theme.templates.iter().map(|t| t.name.clone()).collect();
        Input {
            root,
            cfg,
            registry,
            docs: parsed.docs,
            failed: parsed.failed,
            assets,
            statics: &theme.statics,
            templates,
            drafts,
            outputs,
            year: None,
            json_feed: false,
            frozen: crate::load::frozen(root),
        }
    }

    /// Limit the site to one year's exemplars (an archive): other pages
    /// are left out, links to them go to the live site, and the frozen
    /// archives are not copied into it.
    pub fn limited_to(mut self, year: i32) -> Self {
        self.year = Some(year);
        self.frozen.clear();
        self
    }

    /// Also write `/feed.json` (JSON Feed 1.1, every article in full).
    pub fn with_json_feed(mut self) -> Self {
        self.json_feed = true;
        self
    }
}

/// Renders one document's body with links resolved.
pub type MarkdownFn<'a> = dyn Fn(&SourceDoc, &links::Resolver) -> Rendered + Sync + 'a;

/// The plain, uncached Markdown stage.
pub fn plain_markdown(doc: &SourceDoc, links: &links::Resolver) -> Rendered {
    markdown::render(doc, links)
}

/// URL path of a taxonomy's index.
pub fn taxonomy_path(name: &str) -> &'static str {
    match name {
        "tags" => "/tags/",
        "district" => "/districts/",
        "school" => "/schools/",
        "measures" => "/measures/",
        _ => "/years/",
    }
}

fn section_path(key: &str, pinyin: bool) -> String {
    let mut p = String::from("/");
    for seg in key.split('/').filter(|s| !s.is_empty()) {
        p.push_str(&slugify(seg, pinyin));
        p.push('/');
    }
    p
}

/// The site's structure and its outputs, and every content error found on
/// the way; bodies are rendered by the stage after it (`bodies::render`).
/// The structure is complete even with errors, so `check` can go on
/// looking for more. Each sub-stage is a function of its own:
/// sections → pages (URLs, kinds, registry joins) → terms (taxonomies,
/// schools, measures) → section order → outputs (aliases, copies, the plan,
/// checked) → links → covers.
pub fn resolve(input: Input) -> (Resolved, Diagnostics) {
    let Input {
        root,
        cfg,
        registry,
        docs,
        failed,
        assets,
        statics,
        templates,
        drafts,
        outputs,
        year,
        json_feed,
        frozen,
    } = input;
    let mut errs = Diagnostics::default();
    let (section_docs, page_docs): (Vec<SourceDoc>, Vec<SourceDoc>) =
        docs.into_iter().partition(|d| d.is_section);
    let kinds = Kinds::new(&section_docs, drafts);
    let placed: Vec<(SourceDoc, place::Place)> = page_docs
        .into_iter()
        .map(|d| {
            let p = place::place(&d.rel);
            (d, p)
        })
        .collect();
    let bundles: BTreeSet<String> = placed
        .iter()
        .filter_map(|(_, p)| p.bundle.clone())
        .collect();

    let mut sections = sections::build(
        cfg,
        section_docs,
        &placed,
        &kinds,
        &templates,
        drafts,
        &mut errs,
    );
    let (mut pages, page_bundles, left_out) = pages::build(
        cfg,
        registry,
        placed,
        &sections,
        &kinds,
        &templates,
        (drafts, year),
        &mut errs,
    );
    let by_date = terms::by_date(&pages);
    let taxonomies = terms::taxonomies(cfg, &pages, &by_date);
    let schools = terms::schools(cfg, registry, &pages, &by_date);
    let measures = terms::measures(registry, &pages, &by_date);
    sections::order(&mut sections, &mut pages);

    // The plan of outputs: every path checked, once, for all of them.
    let aliases = plan::aliases(&pages, &mut errs);
    let frozen_years = plan::frozen_years(&frozen);
    let other_years = left_out.iter().filter_map(|p| p.year).collect();
    let site_static = root.join("static");
    let mut copies = plan::copies(
        root,
        &cfg.theme,
        statics.iter().filter(|(rel, src)| {
            cfg.search
                || rel.as_str() != plan::SEARCH_SCRIPT
                || matches!(src, Bytes::Disk(p) if p.starts_with(&site_static))
        }),
        assets,
        &pages,
        &page_bundles,
        &bundles,
    );
    copies.extend(plan::frozen_copies(frozen));
    let mut site = Resolved {
        pages,
        sections,
        by_date,
        taxonomies,
        schools,
        measures,
        aliases,
        jobs: vec![],
        copies,
        pictures: Default::default(),
        file_sizes: BTreeMap::new(),
        links: links::Resolver::default(),
        archive_year: year,
        json_feed,
        has_registry: registry.schools.is_some(),
        frozen_years,
        other_years,
    };
    site.jobs = outputs.list(&site, cfg);
    let plan = plan::planned(&site, outputs);
    errs.extend(plan::check(&plan));

    // Links resolve against exactly what the plan writes. Pages whose
    // header failed to parse are not in it; links to them are not
    // reported again (their header error is the cause).
    let mut known: BTreeSet<String> = plan.iter().map(|(p, _)| plan::site_path(p)).collect();
    let mut files: BTreeMap<String, String> = BTreeMap::new();
    // An archive's links to other years' pages lead to the live site.
    for p in left_out {
        known.insert(p.path.clone());
        files.insert(p.rel, p.path);
    }
    for p in &site.pages {
        files.insert(p.doc.rel.clone(), p.path.clone());
    }
    for s in site.sections.values() {
        if let Some(d) = &s.doc {
            files.insert(d.rel.clone(), s.path.clone());
        }
    }
    let shadow = failed
        .iter()
        .map(|rel| default_path(rel, cfg.pinyin_slugs))
        .collect();
    site.links = links::Resolver::new(cfg.base_path(), known, files)
        .with_unparsed(failed.into_iter().collect(), shadow);
    covers(&mut site, &mut errs);
    (site, errs)
}

/// The error of a header value (`key`, written `what`) that should name a
/// file of the site, if it does not.
fn file_error(
    doc: &crate::model::SourceDoc,
    key: &str,
    what: &str,
    located: Result<links::Located, crate::parse::markdown::LinkError>,
) -> Option<crate::diagnostics::Diagnostic> {
    let d = match located {
        Ok(links::Located::Site(..)) | Ok(links::Located::Unparsed) => return None,
        Ok(_) => at_value(
            &doc.file,
            &doc.header,
            key,
            format!("`{what}` 不是本站的文件 (must be a file of the site)"),
        )
        .code(codes::MISSING_FILE)
        .hint("把文件放在页面文件夹（page bundle）里写文件名，或放进 static/ 写 /路径"),
        Err(e) => at_value(&doc.file, &doc.header, key, e.message)
            .code(e.code)
            .hint(e.hint),
    };
    Some(d.with_source(&doc.text))
}

/// Covers, gallery photos, videos and attachments name files the site has.
fn covers(site: &mut Resolved, errs: &mut Diagnostics) {
    site.file_sizes = site
        .copies
        .iter()
        .filter(|c| crate::model::attachment_type(&c.out).is_some())
        .filter_map(|c| match &c.src {
            crate::load::theme::Bytes::Disk(p) => std::fs::metadata(p)
                .ok()
                .map(|m| (format!("/{}", c.out), m.len())),
            crate::load::theme::Bytes::Embedded(b) => Some((format!("/{}", c.out), b.len() as u64)),
        })
        .collect();
    for p in &mut site.pages {
        if let Some(v) = &p.doc.header.video {
            let r = site.links.locate(&p.doc.rel, v, false);
            if let Ok(links::Located::Site(path, _)) = &r {
                let lower = path.to_ascii_lowercase();
                if lower.ends_with(".mp4") || lower.ends_with(".webm") {
                    let vtt = format!("{}.vtt", &path[..path.rfind('.').unwrap_or(path.len())]);
                    let captions = site.links.known.contains(&vtt).then_some(vtt);
                    p.video = Some((path.clone(), captions));
                } else {
                    errs.push(
                        at_value(
                            &p.doc.file,
                            &p.doc.header,
                            "video",
                            format!(
                                "视频 `{v}` 不是 MP4 或 WebM 文件 (video must be .mp4 or .webm)"
                            ),
                        )
                        .code(codes::BAD_VALUE)
                        .hint("用视频软件导出为 MP4（H.264）")
                        .with_source(&p.doc.text),
                    );
                }
            }
            errs.extend(file_error(&p.doc, "video", v, r));
        }
        for (src, title) in &p.doc.header.attachments {
            let r = site.links.locate(&p.doc.rel, src, false);
            if let Ok(links::Located::Site(path, _)) = &r {
                p.attachments.push((path.clone(), title.clone()));
            }
            errs.extend(file_error(&p.doc, "attachments", src, r));
        }
        for (src, caption) in &p.doc.header.gallery {
            let r = site.links.locate(&p.doc.rel, src, true);
            if let Ok(links::Located::Site(path, _)) = &r {
                p.gallery.push((path.clone(), caption.clone()));
            }
            errs.extend(file_error(&p.doc, "gallery", src, r));
        }
        let Some(cover) = &p.doc.header.cover else {
            continue;
        };
        match site.links.locate(&p.doc.rel, cover, true) {
            Ok(links::Located::Site(path, _)) => p.cover = Some(path),
            Ok(links::Located::Unparsed) => {}
            Ok(_) => errs.push(
                at_value(
                    &p.doc.file,
                    &p.doc.header,
                    "cover",
                    format!("封面 `{cover}` 不是本站的图片文件 (cover must be a file of the site)"),
                )
                .code(codes::MISSING_FILE)
                .hint("把图片放在页面文件夹（page bundle）里写 cover: 文件名，或放进 static/ 写 cover: /images/文件名；不能引用外站图片")
                .with_source(&p.doc.text),
            ),
            Err(e) => errs.push(
                at_value(&p.doc.file, &p.doc.header, "cover", e.message)
                    .code(e.code)
                    .hint(e.hint)
                    .with_source(&p.doc.text),
            ),
        }
    }
}

/// The URL a content file would have with no `slug:` (for a file whose
/// header could not be read).
fn default_path(rel: &str, pinyin: bool) -> String {
    if rel.ends_with("_index.md") {
        return section_path(&place::section_key(rel), pinyin);
    }
    let p = place::place(rel);
    format!(
        "{}{}/",
        section_path(&p.section, pinyin),
        slugify(&p.slug_src, pinyin)
    )
}

/// Sanitise a body, unless the site trusts its HTML. Every body, whatever
/// it contains: Markdown alone can carry attributes and URLs.
pub fn clean(mut r: Rendered, trust_html: bool) -> Rendered {
    if !trust_html {
        r.html = crate::parse::sanitize::sanitize(&r.html).into();
    }
    r
}

/// With `check.require_review`, a published page needs `reviewed_by` and a
/// valid `review_date`: nothing unapproved reaches the public site.
pub fn review_gate(cfg: &Config, doc: &SourceDoc, status: Status) -> Option<Diagnostic> {
    let h = &doc.header;
    if !cfg.check.require_review || status != Status::Published || doc.is_section {
        return None;
    }
    let missing: Vec<&str> = [
        ("reviewed_by", h.reviewed_by.is_none()),
        (
            "review_date",
            h.review_date
                .as_deref()
                .is_none_or(|d| crate::parse::header::parse_date(d, cfg.offset()).is_none()),
        ),
    ]
    .into_iter()
    .filter(|(_, m)| *m)
    .map(|(k, _)| k)
    .collect();
    if missing.is_empty() {
        return None;
    }
    let line = if h.status.is_some() {
        h.line_of("status")
    } else {
        1
    };
    Some(
        Diagnostic::new(codes::REVIEW, &doc.file, line, 1, format!("已发布的页面缺少审核记录 {} (published without review)", missing.join("、")))
            .hint("审核通过后填写 reviewed_by: 审核人 和 review_date: 2024-05-12；未审核的稿件请写 status: review")
            .with_source(&doc.text),
    )
}

fn check_template(
    errs: &mut Diagnostics,
    doc: &SourceDoc,
    name: &str,
    templates: &BTreeSet<String>,
) {
    if !templates.contains(name) {
        let sugg = closest(name, templates.iter().map(|s| s.as_str()), 1);
        let hint = match sugg.first() {
            Some(s) => format!("did you mean `{s}`? 模板放在 templates/ 或主题的 templates/ 目录"),
            None => "模板放在 templates/ 或主题的 templates/ 目录；不需要时删掉 template: 这一行"
                .to_string(),
        };
        errs.push(
            at_value(
                &doc.file,
                &doc.header,
                "template",
                format!("找不到模板 `{name}` (unknown template)"),
            )
            .code(codes::UNKNOWN_TEMPLATE)
            .hint(hint)
            .with_source(&doc.text),
        );
    }
}

/// Newest first; undated pages last; ties by title then path (deterministic).
pub fn newest_first(a: &Page, b: &Page) -> std::cmp::Ordering {
    b.date
        .cmp(&a.date)
        .then_with(|| a.title().cmp(b.title()))
        .then_with(|| a.path.cmp(&b.path))
}

/// A diagnostic at the value of header `key`.
fn at_value(file: &str, h: &crate::model::Header, key: &str, msg: String) -> Diagnostic {
    let (line, col, len) = h.value_of(key);
    Diagnostic::new(codes::BAD_VALUE, file, line, col, msg).span(len)
}
