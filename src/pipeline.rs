//! The pipeline every command drives: what a site's build reads besides
//! its content (site.yaml, the registry, the theme), and what the pages
//! share (the navigation). `build`, `check` and `serve` call these; no
//! stage calls a command.

use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::diagnostics::{codes, Diagnostic};
use crate::load;
use crate::parse::registry;
use crate::resolve;

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
    let mut theme = load::theme::load(root, &cfg.theme, &cfg.language).unwrap_or_else(|e| {
        errs.extend(e);
        Default::default()
    });
    if let Some((file, text)) = &theme.strings_file {
        match crate::parse::ui_strings(file, text) {
            Ok(strings) => theme.strings = strings,
            Err(e) => errs.extend(e.into_iter().map(|d| d.code(codes::THEME))),
        }
    }
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

use crate::render::Navigation;

/// What every page links to: the main navigation (home, the top-level
/// sections, then the generated views) and the footer's links (the
/// site's standalone pages such as 关于本站 and 联系我们, then the
/// 网站地图).
pub fn navigation(
    site: &resolve::Resolved,
    cfg: &Config,
    strings: &std::collections::BTreeMap<String, String>,
    has_registry: bool,
) -> Navigation {
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
    if site.has_registry && site.archive_year.is_none() {
        nav.push((s("progress"), crate::outputs::progress::PATH.into()));
    }
    if cfg.has_taxonomy("year") {
        nav.push((s("taxonomy_year"), "/years/".into()));
    }
    if cfg.has_taxonomy("tags") {
        nav.push((s("taxonomy_tags"), "/tags/".into()));
    }
    if cfg.search {
        nav.push((s("search"), crate::outputs::search::PATH.into()));
    }
    let mut footer: Vec<(String, String)> = site
        .standalone_pages()
        .map(|p| (p.title().to_string(), p.path.clone()))
        .collect();
    footer.push((s("site_map"), crate::render::SITE_MAP_PATH.into()));
    Navigation {
        main: nav,
        footer,
        frozen_year: site.archive_year,
    }
}

/// Root of the site: `--root`, else the current folder.
pub fn site_root(root: Option<&Path>) -> PathBuf {
    root.map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}
