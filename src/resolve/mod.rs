//! Resolve: from parsed documents to the site's structure — sections,
//! pages with their final URLs, registry joins, taxonomies, school and
//! measure pages — then render every body with internal links resolved.
//! Everything here is a function of read-only inputs returning data.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use chrono::{DateTime, FixedOffset};
use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostics::{closest, codes, Diagnostic, Diagnostics};
use crate::load::theme::Bytes;
use crate::load::Asset;
use crate::model::{Kind, Registry, SourceDoc, Status};
use crate::parse::markdown::{self, Rendered};
use crate::parse::slug::slugify;

pub mod links;
pub mod outputs;
pub mod place;

use place::{parent_key, Kinds};

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
    pub aliases: Vec<outputs::Alias>,
    /// Every file rendered from a template, in a fixed order.
    pub jobs: Vec<outputs::Job>,
    /// Every file copied as it is (statics, bundle files).
    pub copies: Vec<outputs::Copy>,
    /// How links in bodies were resolved; reused to re-render one body.
    pub links: links::Resolver,
}

impl Resolved {
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
    /// Markdown → HTML for one document (a cache may stand in front of it).
    pub markdown: &'a MarkdownFn<'a>,
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
        markdown: &'a MarkdownFn<'a>,
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
            markdown,
        }
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

/// The site's structure, outputs and rendered bodies, and every content
/// error found on the way. The structure is complete even with errors, so
/// `check` can go on looking for more.
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
        markdown: render_md,
    } = input;
    let mut errs = Diagnostics::default();
    let pinyin = cfg.pinyin_slugs;

    // 1. Sections: every `_index.md`, plus implicit ones for folders with pages.
    let (section_docs, page_docs): (Vec<SourceDoc>, Vec<SourceDoc>) =
        docs.into_iter().partition(|d| d.is_section);
    let mut sections: BTreeMap<String, Section> = BTreeMap::new();
    let new_section = |key: &str, doc: Option<SourceDoc>| Section {
        key: key.to_string(),
        path: section_path(key, pinyin),
        title: doc
            .as_ref()
            .map(|d| d.header.title.clone())
            .unwrap_or_else(|| key.rsplit('/').next().unwrap_or("").to_string()),
        description: doc
            .as_ref()
            .and_then(|d| d.header.description.clone())
            .unwrap_or_default(),
        kind: Kind::Page,
        paginate_by: doc
            .as_ref()
            .and_then(|d| d.header.paginate_by)
            .unwrap_or(cfg.paginate_by),
        weight: doc.as_ref().and_then(|d| d.header.weight).unwrap_or(0),
        template: doc.as_ref().and_then(|d| d.header.template.clone()),
        doc,
        html: "".into(),
        pages: vec![],
        subsections: vec![],
        parent: None,
    };
    let kinds = Kinds::new(&section_docs, drafts);
    for d in section_docs {
        let key = place::section_key(&d.rel);
        if d.header.status == Some(Status::Draft) && !drafts {
            continue;
        }
        sections.insert(key.clone(), new_section(&key, Some(d)));
    }
    sections
        .entry(String::new())
        .or_insert_with(|| new_section("", None));

    // 2. Pages: section, slug, path, kind, status, registry joins.
    struct Placed {
        doc: SourceDoc,
        place: place::Place,
    }
    let placed: Vec<Placed> = page_docs
        .into_iter()
        .map(|doc| Placed {
            place: place::place(&doc.rel),
            doc,
        })
        .collect();
    for p in &placed {
        let mut key = p.place.section.clone();
        while !sections.contains_key(&key) {
            sections.insert(key.clone(), new_section(&key, None));
            match parent_key(&key) {
                Some(k) => key = k,
                None => break,
            }
        }
    }
    // Implicit ancestors of explicit sections too.
    let keys: Vec<String> = sections.keys().cloned().collect();
    for k in keys {
        let mut key = k;
        while let Some(parent) = parent_key(&key) {
            sections
                .entry(parent.clone())
                .or_insert_with(|| new_section(&parent, None));
            key = parent;
        }
    }
    // Section kinds, parents and children (BTreeMap order: parents first).
    let keys: Vec<String> = sections.keys().cloned().collect();
    for k in &keys {
        let parent = parent_key(k);
        let s = sections.get_mut(k).unwrap();
        s.kind = kinds.section(k);
        s.parent = parent.clone();
        if let Some(p) = parent {
            sections.get_mut(&p).unwrap().subsections.push(k.clone());
        }
    }
    for s in sections.values() {
        if let (Some(t), Some(d)) = (&s.template, &s.doc) {
            check_template(&mut errs, d, t, &templates);
        }
    }

    let all_bundles: BTreeSet<String> = placed
        .iter()
        .filter_map(|p| p.place.bundle.clone())
        .collect();
    let mut pages: Vec<Page> = Vec::new();
    let mut page_assets: Vec<(Option<String>, usize)> = Vec::new(); // bundle dir, page index
    for p in placed {
        let Placed {
            doc,
            place:
                place::Place {
                    section,
                    slug_src,
                    bundle,
                },
        } = p;
        let h = &doc.header;
        let status = h.status.unwrap_or(Status::Published);
        if status != Status::Published && !drafts {
            continue;
        }
        if let Some(d) = review_gate(cfg, &doc, status) {
            errs.push(d);
        }
        let sec = &sections[&section];
        let kind = kinds.page(&doc);
        for (key, line, _) in &h.key_lines {
            if let Some(owner) = Kind::ALL
                .iter()
                .find(|k| k.own_keys().contains(&key.as_str()))
            {
                if *owner != kind {
                    errs.push(
                        Diagnostic::new(
                            codes::OTHER_KIND_KEY,
                            &doc.file,
                            *line,
                            1,
                            format!(
                                "字段 `{key}` 只用于 {} ({}) 类页面，这一页是 {} ({})",
                                owner.name(),
                                owner.label(),
                                kind.name(),
                                kind.label()
                            ),
                        )
                        .hint(format!(
                            "删掉这一行，或把 kind 改为 {}；自定义数据请放在 extra: 下",
                            owner.name()
                        ))
                        .with_source(&doc.text),
                    );
                }
            }
        }
        if let Some(t) = &h.template {
            check_template(&mut errs, &doc, t, &templates);
        }
        let slug = slugify(
            h.slug.as_deref().unwrap_or(&slug_src),
            pinyin && h.slug.is_none(),
        );
        if slug.is_empty() {
            errs.push(
                Diagnostic::new(
                    codes::BAD_PATH,
                    &doc.file,
                    h.line_of("slug"),
                    1,
                    "无法从文件名或 slug 生成网址 (empty slug)",
                )
                .hint("在头部写 slug: 一个由文字、数字和 - 组成的名字")
                .with_source(&doc.text),
            );
            continue;
        }
        let path = format!("{}{}/", sec.path, slug);
        let year = h
            .year
            .or_else(|| h.date.map(|d| chrono::Datelike::year(&d)));
        let mut district = h.district.clone();
        let school = match &h.school {
            None => None,
            Some(name) => match (&registry.schools, registry.school(name)) {
                (_, Some(s)) => {
                    if district.is_none() {
                        district = Some(s.district.clone());
                    }
                    Some(SchoolRef {
                        key: s.id.clone(),
                        name: s.name.clone(),
                        registered: true,
                    })
                }
                (Some(_), None) => {
                    let sugg = registry.school_suggestions(name);
                    let hint = if sugg.is_empty() {
                        "school 写 data/schools.yaml 里登记的 id 或全称；新学校请先在 data/schools.yaml 登记".to_string()
                    } else {
                        format!(
                            "did you mean: {}？school 写 data/schools.yaml 里登记的 id 或全称",
                            sugg.join("、")
                        )
                    };
                    errs.push(
                        at_value(
                            &doc.file,
                            h,
                            "school",
                            format!("学校 `{name}` 没有在 data/schools.yaml 登记 (unknown school)"),
                        )
                        .code(codes::UNKNOWN_SCHOOL)
                        .hint(hint)
                        .with_source(&doc.text),
                    );
                    None
                }
                (None, None) => Some(SchoolRef {
                    key: slugify(name, pinyin),
                    name: name.clone(),
                    registered: false,
                }),
            },
        };
        for m in &h.measures {
            if registry.measure(*m).is_none() {
                errs.push(
                    at_value(
                        &doc.file,
                        h,
                        "measures",
                        format!("举措 {m} 不在 data/measures.yaml 中"),
                    )
                    .code(codes::UNKNOWN_MEASURE)
                    .hint("measures 写 data/measures.yaml 里的编号")
                    .with_source(&doc.text),
                );
            }
        }
        page_assets.push((bundle, pages.len()));
        pages.push(Page {
            date: h.date,
            doc,
            kind,
            status,
            section,
            path,
            year,
            school,
            district,
            cover: None,
            order: 0,
            rendered: Rendered::default(),
        });
    }

    // 3. Taxonomies, schools, measures.
    let mut by_date: Vec<usize> = (0..pages.len()).collect();
    by_date.sort_by(|&a, &b| newest_first(&pages[a], &pages[b]));
    let term_of = |name: &str| slugify(name, pinyin);
    let mut taxonomies = Vec::new();
    for tax in ["tags", "district", "year"] {
        if !cfg.has_taxonomy(tax) {
            continue;
        }
        let mut terms: BTreeMap<String, Term> = BTreeMap::new();
        for &i in &by_date {
            let p = &pages[i];
            let names: Vec<String> = match tax {
                "tags" => p.doc.header.tags.clone(),
                "district" => p.district.iter().cloned().collect(),
                _ => p.year.iter().map(|y| y.to_string()).collect(),
            };
            for n in names {
                let slug = term_of(&n);
                if slug.is_empty() {
                    continue;
                }
                let t = terms.entry(slug.clone()).or_insert_with(|| Term {
                    name: n.clone(),
                    path: format!("{}{}/", taxonomy_path(tax), slug),
                    slug,
                    pages: vec![],
                });
                if t.pages.last() != Some(&i) {
                    t.pages.push(i);
                }
            }
        }
        let mut terms: Vec<Term> = terms.into_values().collect();
        if tax == "year" {
            terms.reverse();
        }
        taxonomies.push(Taxonomy {
            name: tax.to_string(),
            path: taxonomy_path(tax).to_string(),
            terms,
        });
    }
    let mut schools: BTreeMap<String, Term> = BTreeMap::new();
    if let Some(list) = &registry.schools {
        for s in list {
            schools.insert(
                s.id.clone(),
                Term {
                    name: s.name.clone(),
                    slug: s.id.clone(),
                    path: format!("/schools/{}/", s.id),
                    pages: vec![],
                },
            );
        }
    }
    let school_pages = registry.schools.is_some() || cfg.has_taxonomy("school");
    if school_pages {
        for &i in &by_date {
            if let Some(s) = &pages[i].school {
                if s.key.is_empty() {
                    continue;
                }
                schools
                    .entry(s.key.clone())
                    .or_insert_with(|| Term {
                        name: s.name.clone(),
                        slug: s.key.clone(),
                        path: format!("/schools/{}/", s.key),
                        pages: vec![],
                    })
                    .pages
                    .push(i);
            }
        }
    }
    let mut measures: Vec<Term> = registry
        .measures()
        .map(|m| Term {
            name: m.title.clone(),
            slug: m.id.to_string(),
            path: format!("/measures/{}/", m.id),
            pages: vec![],
        })
        .collect();
    for &i in &by_date {
        for m in &pages[i].doc.header.measures {
            if let Some(t) = measures.iter_mut().find(|t| t.slug == m.to_string()) {
                t.pages.push(i);
            }
        }
    }

    // 4. Section page lists in section order.
    for (i, p) in pages.iter().enumerate() {
        sections.get_mut(&p.section).unwrap().pages.push(i);
    }
    for s in sections.values_mut() {
        let sort = s
            .doc
            .as_ref()
            .and_then(|d| d.header.sort_by.clone())
            .unwrap_or_else(|| "date".into());
        s.pages.sort_by(|&a, &b| {
            let (pa, pb) = (&pages[a], &pages[b]);
            match sort.as_str() {
                "weight" => pa
                    .doc
                    .header
                    .weight
                    .unwrap_or(0)
                    .cmp(&pb.doc.header.weight.unwrap_or(0))
                    .then_with(|| newest_first(pa, pb)),
                "title" => pa
                    .title()
                    .cmp(pb.title())
                    .then_with(|| pa.path.cmp(&pb.path)),
                _ => newest_first(pa, pb),
            }
        });
    }
    for s in sections.values() {
        for (k, &i) in s.pages.iter().enumerate() {
            pages[i].order = k;
        }
    }
    let subs: Vec<(String, Vec<String>)> = sections
        .iter()
        .map(|(k, s)| (k.clone(), s.subsections.clone()))
        .collect();
    for (k, mut list) in subs {
        list.sort_by(|a, b| sections[a].weight.cmp(&sections[b].weight).then(a.cmp(b)));
        sections.get_mut(&k).unwrap().subsections = list;
    }

    // 5. Aliases: old URLs of a page, checked where they are made.
    let mut aliases = Vec::new();
    for (i, p) in pages.iter().enumerate() {
        for a in &p.doc.header.aliases {
            match alias_path(a) {
                Ok(from) => aliases.push(outputs::Alias {
                    from,
                    to: p.path.clone(),
                    page: i,
                }),
                Err(why) => errs.push(
                    at_value(
                        &p.doc.file,
                        &p.doc.header,
                        "aliases",
                        format!("别名 `{a}` 不能用 (invalid alias): {why}"),
                    )
                    .code(codes::BAD_PATH)
                    .hint("aliases 写本站的旧网址，例如 /old/path/ 或 /2019/news.html；不要用 .. 或完整网址")
                    .with_source(&p.doc.text),
                ),
            }
        }
    }
    aliases.sort_by(|a, b| (&a.from, a.page).cmp(&(&b.from, b.page)));

    // 6. Copied files: statics, then bundle files beside their page and
    // other files under content/ where they are.
    let mut copies: Vec<outputs::Copy> = statics
        .iter()
        .map(|(rel, src)| outputs::Copy {
            out: rel.clone(),
            from: match src {
                Bytes::Disk(p) => p
                    .strip_prefix(root)
                    .map(crate::load::rel_string)
                    .unwrap_or_else(|_| p.display().to_string()),
                Bytes::Embedded(_) => format!("themes/{}/static/{rel} (built in)", cfg.theme),
            },
            src: src.clone(),
        })
        .collect();
    let bundle_of: BTreeMap<String, usize> = page_assets
        .iter()
        .filter_map(|(b, i)| b.clone().map(|b| (b, *i)))
        .collect();
    for a in assets {
        let dir = a.rel.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
        let owner = bundle_of
            .iter()
            .filter(|(b, _)| dir == b.as_str() || dir.starts_with(&format!("{b}/")))
            .max_by_key(|(b, _)| b.len());
        let out = match owner {
            Some((b, &i)) => {
                let inner = &a.rel[b.len() + 1..];
                format!("{}{}", &pages[i].path[1..], inner)
            }
            None if all_bundles
                .iter()
                .any(|b| dir == b || dir.starts_with(&format!("{b}/"))) =>
            {
                continue; // bundle of an unpublished page
            }
            None => a.rel.clone(),
        };
        copies.push(outputs::Copy {
            out,
            from: format!("content/{}", a.rel),
            src: Bytes::Disk(a.src),
        });
    }

    // 7. The plan of outputs: every path checked, once, for all of them.
    let school_list: Vec<Term> = schools.into_values().collect();
    let mut site = Resolved {
        pages,
        sections,
        by_date,
        taxonomies,
        schools: school_list,
        measures,
        aliases,
        jobs: vec![],
        copies,
        links: links::Resolver::default(),
    };
    site.jobs = outputs::list(&site, cfg.paginate_by);
    let plan = outputs::planned(&site);
    errs.extend(outputs::check(&plan));

    // 8. Links resolve against exactly what the plan writes. Pages whose
    // header failed to parse are not in it; links to them are not
    // reported again (their header error is the cause).
    let known: BTreeSet<String> = plan.iter().map(|(p, _)| outputs::site_path(p)).collect();
    let mut files: BTreeMap<String, String> = BTreeMap::new();
    for p in &site.pages {
        files.insert(p.doc.rel.clone(), p.path.clone());
    }
    for s in site.sections.values() {
        if let Some(d) = &s.doc {
            files.insert(d.rel.clone(), s.path.clone());
        }
    }
    let shadow = failed.iter().map(|rel| default_path(rel, pinyin)).collect();
    site.links = links::Resolver::new(cfg.base_path(), known, files)
        .with_unparsed(failed.into_iter().collect(), shadow);

    // 9. Covers name files the site has.
    for p in &mut site.pages {
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

    // 10. Render bodies with links resolved (parallel); every body is
    // sanitised unless the site trusts its HTML.
    let rendered: Vec<Rendered> = site
        .pages
        .par_iter()
        .map(|p| clean(render_md(&p.doc, &site.links), cfg.trust_html))
        .collect();
    for (p, r) in site.pages.iter_mut().zip(rendered) {
        errs.extend(r.errors.iter().cloned());
        p.rendered = r;
    }
    let section_html: Vec<(String, Rendered)> = site
        .sections
        .values()
        .filter_map(|s| {
            s.doc.as_ref().map(|d| {
                (
                    s.key.clone(),
                    clean(render_md(d, &site.links), cfg.trust_html),
                )
            })
        })
        .collect();
    for (k, r) in section_html {
        errs.extend(r.errors.iter().cloned());
        site.sections.get_mut(&k).expect("section exists").html = r.html;
    }
    (site, errs)
}

/// The site path of an alias as written: `old/x`, `/old/x/`, `/x.html` or
/// percent-encoded; refused when it would leave the site or is not a path.
pub fn alias_path(a: &str) -> Result<String, String> {
    let a = a.trim();
    if a.contains("://") || a.starts_with("//") {
        return Err("写本站路径，不要写完整网址 (write a path, not a URL)".into());
    }
    if a.contains(['?', '#']) {
        return Err("别名不能带 ? 或 # (no query or fragment)".into());
    }
    let decoded = crate::parse::slug::decode_path(a);
    let mut p = if decoded.starts_with('/') {
        decoded
    } else {
        format!("/{decoded}")
    };
    if !p.ends_with('/') && !p.ends_with(".html") {
        p.push('/');
    }
    crate::model::paths::check_out_path(&outputs::out_file(&p))?;
    Ok(p)
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
