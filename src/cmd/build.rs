//! `exemplar build`: load → parse → resolve → render → write, with every
//! content error of the build collected and reported together.

use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics, Failure};
use crate::load;
use crate::model::registry;
use crate::parse::header::parse_doc;
use crate::render::{self, context::Ctx, jobs};
use crate::resolve::{self, Input};
use crate::write::{Sink, Staging};

pub struct BuildOptions {
    pub root: PathBuf,
    pub out: PathBuf,
    pub drafts: bool,
    pub base_url: Option<String>,
}

pub struct Report {
    pub pages: usize,
    pub files: usize,
    pub millis: u128,
}

/// What every build reads besides content: site.yaml (with an optional
/// base_url override), the registry and the theme.
pub struct Inputs {
    pub cfg: Config,
    pub registry: crate::model::Registry,
    pub theme: load::theme::Theme,
}

pub fn inputs(root: &Path, base_url: Option<&str>) -> Result<Inputs, Vec<Diagnostic>> {
    let mut cfg = Config::load(root)?;
    if let Some(url) = base_url {
        cfg.set_base_url(url);
    }
    let mut errs = Vec::new();
    let registry = registry::load(root).unwrap_or_else(|e| {
        errs.extend(e);
        Default::default()
    });
    let theme = load::theme::load(root, &cfg.theme, &cfg.language).unwrap_or_else(|e| {
        errs.extend(e);
        Default::default()
    });
    if errs.is_empty() {
        Ok(Inputs {
            cfg,
            registry,
            theme,
        })
    } else {
        Err(errs)
    }
}

/// Parse loaded content files in parallel: documents and the errors.
pub fn parse_files(
    files: Vec<load::TextFile>,
    offset: chrono::FixedOffset,
) -> (Vec<crate::model::SourceDoc>, Vec<Diagnostic>) {
    let parsed: Vec<_> = files
        .into_par_iter()
        .map(|f| {
            let is_section = f.rel == "_index.md" || f.rel.ends_with("/_index.md");
            parse_doc(&f.file, &f.rel, f.text, offset, is_section)
        })
        .collect();
    let (mut docs, mut errs) = (Vec::with_capacity(parsed.len()), Vec::new());
    for p in parsed {
        match p {
            Ok(d) => docs.push(d),
            Err(e) => errs.extend(e),
        }
    }
    (docs, errs)
}

pub fn run(opts: &BuildOptions) -> Result<Report, Failure> {
    let started = Instant::now();
    let root = &opts.root;
    let Inputs {
        cfg,
        registry,
        theme,
    } = inputs(root, opts.base_url.as_deref()).map_err(Failure::Content)?;
    let mut errs = Diagnostics::default();
    let content = load::content(root);
    errs.extend(content.errors);
    let (docs, parse_errs) = parse_files(content.docs, cfg.offset());
    errs.extend(parse_errs);
    let site = match resolve::resolve(Input::new(
        &cfg,
        &registry,
        &theme,
        docs,
        content.assets,
        opts.drafts,
        &resolve::plain_markdown,
    )) {
        Ok(site) => Some(site),
        Err(e) => {
            errs.extend(e.0);
            None
        }
    };
    let (Some(site), true) = (site, errs.is_empty()) else {
        return Err(errs.into());
    };
    let nav = navigation(&site, &cfg, &theme.strings, registry.schools.is_some());
    let tera = render::setup(&cfg, &theme, &nav).map_err(Failure::Content)?;
    let ctx = Ctx::new(&cfg, &site, &registry, &theme.strings);
    let job_list = jobs::list(&ctx);
    let staging = Staging::new(&opts.out)?;
    let render_errors: Vec<Diagnostic> = job_list
        .par_iter()
        .filter_map(|job| match jobs::run(&ctx, &tera, job) {
            Ok((out, text)) => staging
                .write(&out, text.as_bytes())
                .err()
                .map(|e| Diagnostic::file(out, format!("写入失败 (write failed): {e}"))),
            Err(d) => Some(d),
        })
        .collect();
    let copies: Vec<(String, load::theme::Bytes)> = theme
        .statics
        .iter()
        .map(|(rel, b)| (rel.clone(), b.clone()))
        .chain(
            site.assets
                .iter()
                .map(|(src, out)| (out.clone(), load::theme::Bytes::Disk(src.clone()))),
        )
        .collect();
    let copy_errors: Vec<Diagnostic> = copies
        .par_iter()
        .filter_map(|(rel, src)| {
            let r = match src {
                load::theme::Bytes::Disk(p) => staging.copy(rel, p),
                load::theme::Bytes::Embedded(b) => staging.write(rel, b),
            };
            r.err()
                .map(|e| Diagnostic::file(rel.clone(), format!("复制失败 (copy failed): {e}")))
        })
        .collect();
    let mut all: Vec<Diagnostic> = render_errors;
    all.extend(copy_errors);
    if !all.is_empty() {
        staging.abandon();
        let mut d = Diagnostics::default();
        d.extend(all);
        return Err(d.into());
    }
    staging.commit()?;
    Ok(Report {
        pages: site.pages.len(),
        files: job_list.len() + copies.len(),
        millis: started.elapsed().as_millis(),
    })
}

/// Main navigation: home, the top-level sections, then the generated
/// views (measures, schools, tags).
pub fn navigation(
    site: &resolve::Resolved,
    cfg: &Config,
    strings: &std::collections::BTreeMap<String, String>,
    has_registry: bool,
) -> Vec<(String, String)> {
    let s = |k: &str| strings.get(k).cloned().unwrap_or_else(|| k.to_string());
    let mut nav = vec![(s("home"), "/".to_string())];
    let tops = site
        .top_sections()
        .into_iter()
        .filter(|x| !x.pages.is_empty() && x.kind != crate::model::Kind::Page);
    nav.extend(tops.map(|x| (x.title.clone(), x.path.clone())));
    nav.push((s("measures"), "/measures/".into()));
    if has_registry || cfg.has_taxonomy("school") {
        nav.push((s("schools"), "/schools/".into()));
    }
    if cfg.has_taxonomy("year") {
        nav.push((s("taxonomy_year"), "/years/".into()));
    }
    if cfg.has_taxonomy("tags") {
        nav.push((s("taxonomy_tags"), "/tags/".into()));
    }
    nav
}

/// Root of the site: `--root`, else the current folder.
pub fn site_root(root: Option<&Path>) -> PathBuf {
    root.map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}
