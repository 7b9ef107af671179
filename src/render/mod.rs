//! Render: Tera 2 templates over light, precomputed values. List and pager
//! contexts get only the slice they show, built from per-page summaries
//! computed once (tera values share arrays and maps by `Arc`), so the cost
//! grows with pages + pagers, not pages × pagers as in Zola.

use std::collections::BTreeMap;

use serde::Serialize;
use tera::{Context, Tera, Value};

use crate::config::Config;
use crate::diagnostics::{codes, Diagnostic};
use crate::load::theme::Theme;

pub mod attrs;
pub mod context;
pub mod signature;
pub mod sink;

pub use crate::config::Urls;

/// Where the 网站地图 page is (`outputs::site_map` makes it; every
/// footer links it).
pub const SITE_MAP_PATH: &str = "/sitemap/";

/// What every page links to besides itself: the main navigation and the
/// footer's links, each (title, site path). Pages show both, so the
/// preview re-renders everything when either changes.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct Navigation {
    pub main: Vec<(String, String)>,
    pub footer: Vec<(String, String)>,
    /// The year of an archive being made: every page says it is frozen.
    pub frozen_year: Option<i32>,
}

#[derive(Serialize)]
struct NavItem {
    title: String,
    url: String,
    path: String,
}

#[derive(Serialize)]
struct SiteValue<'a> {
    title: &'a str,
    description: &'a str,
    organisation: &'a str,
    language: &'a str,
    base_url: &'a str,
    base_path: String,
    home: String,
    domain: String,
    sample_data: bool,
    footer: &'a crate::config::Footer,
    extra: &'a BTreeMap<String, serde_json::Value>,
    nav: Vec<NavItem>,
    /// Links in the footer: standalone pages and the site map.
    footer_links: Vec<NavItem>,
    /// Set on every page of a yearly archive.
    archive_year: Option<i32>,
    /// Show 阅读约 N 分钟 on articles (site.yaml `reading_time`).
    reading_time: bool,
    css: String,
    js: String,
    favicon: String,
    feed: String,
    search_tags: String,
    /// The search page (the header's search box goes there); empty when
    /// the site has none.
    search: String,
}

/// Compile the theme's templates and set the global context (site, UI
/// strings, navigation). Template errors name the template file.
pub fn setup(cfg: &Config, theme: &Theme, nav: &Navigation) -> Result<Tera, Vec<Diagnostic>> {
    let mut tera = Tera::new();
    tera.autoescape_on([".html", ".xml"]);
    tera.register_filter("json", json_filter);
    let mut errs = Vec::new();
    // Add one by one first so a syntax error names its file.
    for t in &theme.templates {
        let mut probe = Tera::new();
        probe.register_filter("json", json_filter);
        if let Err(e) = probe.add_raw_template(&t.name, &t.text) {
            if !matches!(
                e.kind(),
                tera::ErrorKind::MissingParent { .. } | tera::ErrorKind::TemplateNotFound(_)
            ) && !e.to_string().contains("not found")
            {
                errs.push(
                    Diagnostic::file(
                        codes::TEMPLATE,
                        &t.file,
                        format!("模板语法错误 (template error): {e}"),
                    )
                    .hint("检查 {{ }} 与 {% %} 是否成对；见 Tera 2 文档"),
                );
            }
        }
    }
    if !errs.is_empty() {
        return Err(errs);
    }
    if let Err(e) = tera.add_raw_templates(
        theme
            .templates
            .iter()
            .map(|t| (t.name.as_str(), t.text.as_str())),
    ) {
        return Err(vec![Diagnostic::file(
            codes::TEMPLATE,
            "templates/",
            format!("模板错误 (template error): {e}"),
        )
        .hint("检查 extends / include 的模板名是否存在")]);
    }
    let urls = Urls::new(cfg);
    let items = |list: &[(String, String)]| -> Vec<NavItem> {
        list.iter()
            .map(|(title, path)| NavItem {
                title: title.clone(),
                url: urls.href(path),
                path: path.clone(),
            })
            .collect()
    };
    let site = SiteValue {
        title: &cfg.title,
        description: &cfg.description,
        organisation: &cfg.organisation,
        language: &cfg.language,
        base_url: &cfg.base_url,
        base_path: urls.base_path.clone(),
        home: urls.href("/"),
        domain: cfg.domain(),
        sample_data: cfg.sample_data,
        footer: &cfg.footer,
        extra: &cfg.extra,
        nav: items(&nav.main),
        footer_links: items(&nav.footer),
        archive_year: nav.frozen_year,
        reading_time: cfg.reading_time,
        css: urls.href("/css/site.css"),
        js: urls.href("/js/site.js"),
        favicon: urls.href("/favicon.svg"),
        feed: urls.href("/atom.xml"),
        search_tags: urls.href("/tags/"),
        // Empty when the site has no search: the header leaves its box out.
        search: if cfg.search {
            urls.href("/search/")
        } else {
            String::new()
        },
    };
    tera.global_context().insert("site", &site);
    tera.global_context().insert("t", &theme.strings);
    tera.global_context()
        .insert("lang", if cfg.language == "en" { "en" } else { "zh-CN" });
    Ok(tera)
}

/// Render `template` with `ctx`; errors name the template and the output.
/// Rendered as bytes: Tera writes UTF-8 already, and checking 250 MB of
/// output again at 10,000 pages cost a tenth of a rebuild's CPU.
pub fn render(
    tera: &Tera,
    template: &str,
    ctx: &Context,
    out: &str,
) -> Result<Vec<u8>, Diagnostic> {
    let mut bytes = Vec::with_capacity(32 * 1024);
    tera.render_to(template, ctx, &mut bytes)
        .map(|()| bytes)
        .map_err(|e| {
            let mut msg = e.to_string();
            let mut src = std::error::Error::source(&e);
            while let Some(s) = src {
                msg.push_str(&format!(": {s}"));
                src = s.source();
            }
            Diagnostic::file(
                codes::TEMPLATE,
                format!("templates/{template}"),
                format!("渲染 {out} 时模板出错 (render error): {msg}"),
            )
            .hint("检查模板里用到的变量是否存在；可用 {% if x %} 先判断")
        })
}

/// `{{ x | json }}`: the value as JSON text (for `.json` templates).
fn json_filter(v: Value, _: tera::Kwargs, _: &tera::State) -> tera::TeraResult<Value> {
    serde_json::to_string(&v)
        .map(|s| Value::safe_string(&s))
        .map_err(|e| tera::Error::message(e.to_string()))
}

/// A tera value from anything serialisable.
pub fn value<T: Serialize + ?Sized>(v: &T) -> Value {
    Value::from_serializable(v)
}
