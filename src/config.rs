//! site.yaml: the site's identity, base URL, paging, taxonomies and footer.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diagnostics::{codes, decode_utf8, Diagnostic};
use crate::parse::yaml::{Limits, YamlDoc};

/// The taxonomies exemplar knows; site.yaml `taxonomies:` picks from these.
pub const TAXONOMIES: &[&str] = &["tags", "district", "school", "measures", "year"];

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// Full URL the site is published at, with a trailing slash; may hold a
    /// sub-path (`https://example.gov.cn/jyj/ddjs/`).
    #[serde(default = "default_base_url")]
    pub base_url: String,
    #[serde(default = "default_language")]
    pub language: String,
    #[serde(default = "default_theme")]
    pub theme: String,
    /// Marks the whole site as fictional sample data (shown in the footer).
    #[serde(default)]
    pub sample_data: bool,
    #[serde(default = "default_paginate")]
    pub paginate_by: usize,
    #[serde(default = "default_taxonomies")]
    pub taxonomies: Vec<String>,
    /// Opt-in: ASCII pinyin slugs for Chinese file names and terms.
    #[serde(default)]
    pub pinyin_slugs: bool,
    /// Entries in each Atom feed.
    #[serde(default = "default_feed_limit")]
    pub feed_limit: usize,
    /// UTC offset for dates written without one.
    #[serde(default = "default_timezone")]
    pub timezone: String,
    /// Organisation line above the site title in the header.
    #[serde(default)]
    pub organisation: String,
    /// Government-website identity shown in the footer.
    #[serde(default)]
    pub footer: Footer,
    /// Show 阅读约 N 分钟 on articles; off by default, as on most
    /// government sites.
    #[serde(default)]
    pub reading_time: bool,
    /// The public progress views compare what was achieved with the
    /// targets of data/targets.yaml; false shows achievements only.
    #[serde(default = "yes")]
    pub show_targets: bool,
    /// Build the search index, the search page and the header's search
    /// box; false leaves all three out (like Zola's `build_search_index`).
    #[serde(default = "yes")]
    pub search: bool,
    /// Raw HTML in Markdown is sanitised unless the site trusts it.
    #[serde(default)]
    pub trust_html: bool,
    /// Publishing rules for `exemplar check` (and the review gate of build).
    #[serde(default)]
    pub check: CheckConfig,
    /// Free-form data for templates.
    #[serde(default)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckConfig {
    /// Header fields each kind must have (`brand: [cover, summary]`).
    #[serde(default = "default_required")]
    pub required: BTreeMap<String, Vec<String>>,
    /// Published articles must name `source` (来源) and `editor` (责任编辑).
    #[serde(default)]
    pub require_meta: bool,
    /// Published pages must carry `reviewed_by` and `review_date`; build
    /// refuses to publish a page without them.
    #[serde(default)]
    pub require_review: bool,
    /// Titles longer than this many characters get a warning.
    #[serde(default = "default_max_title")]
    pub max_title: usize,
    /// Official phone numbers and addresses site.yaml and data/ may publish.
    #[serde(default)]
    pub allow_contact: Vec<String>,
}

impl Default for CheckConfig {
    fn default() -> Self {
        CheckConfig {
            required: default_required(),
            require_meta: false,
            require_review: false,
            max_title: default_max_title(),
            allow_contact: Vec::new(),
        }
    }
}

fn default_required() -> BTreeMap<String, Vec<String>> {
    BTreeMap::new()
}

fn default_max_title() -> usize {
    40
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Footer {
    /// 主办单位
    #[serde(default)]
    pub sponsor: String,
    /// 承办单位
    #[serde(default)]
    pub organiser: String,
    /// 网站标识码
    #[serde(default)]
    pub site_code: String,
    /// ICP备案号
    #[serde(default)]
    pub icp: String,
    /// 公安机关备案号
    #[serde(default)]
    pub police: String,
    /// 联系方式
    #[serde(default)]
    pub contact: String,
}

const KEYS: &[&str] = &[
    "title",
    "description",
    "base_url",
    "language",
    "theme",
    "sample_data",
    "paginate_by",
    "taxonomies",
    "pinyin_slugs",
    "feed_limit",
    "timezone",
    "organisation",
    "footer",
    "extra",
    "trust_html",
    "reading_time",
    "show_targets",
    "search",
    "check",
];

fn yes() -> bool {
    true
}

fn default_base_url() -> String {
    "/".into()
}
fn default_language() -> String {
    "zh-CN".into()
}
fn default_theme() -> String {
    "default".into()
}
fn default_paginate() -> usize {
    20
}
fn default_feed_limit() -> usize {
    20
}
fn default_timezone() -> String {
    "+08:00".into()
}
fn default_taxonomies() -> Vec<String> {
    TAXONOMIES.iter().map(|s| s.to_string()).collect()
}

impl Config {
    /// Read and validate `site.yaml` in `root`.
    pub fn load(root: &Path) -> Result<Config, Vec<Diagnostic>> {
        let file = "site.yaml";
        let text = match std::fs::read(root.join(file)) {
            Ok(b) => decode_utf8(file, b).map_err(|d| vec![d])?,
            Err(e) => {
                return Err(vec![Diagnostic::file(
                    codes::UNREADABLE,
                    file,
                    format!("读不到站点配置 (cannot read site.yaml): {e}"),
                )
                .hint(
                    "在站点根目录运行，或用 --root 指定站点目录；`exemplar init DIR` 可新建站点",
                )])
            }
        };
        Self::parse(file, &text)
    }

    pub fn parse(file: &str, text: &str) -> Result<Config, Vec<Diagnostic>> {
        let doc = YamlDoc::file(file, text, Limits::DATA)?;
        let map: serde_norway::Mapping = match serde_norway::from_str(text) {
            Ok(serde_norway::Value::Mapping(m)) => m,
            Ok(_) => {
                return Err(vec![doc.error(
                    codes::YAML_SYNTAX,
                    1,
                    1,
                    "site.yaml 必须是 `键: 值` 的映射 (must be a mapping)",
                )])
            }
            Err(e) => return Err(vec![doc.convert_error(&e, "检查缩进、冒号和引号")]),
        };
        let mut errs = doc.unknown_keys(&map, KEYS, "site.yaml");
        if !errs.is_empty() {
            return Err(errs);
        }
        let mut cfg: Config = match serde_norway::from_str(text) {
            Ok(c) => c,
            Err(e) => return Err(vec![doc.convert_error(&e, "检查该字段的类型")]),
        };
        for t in &cfg.taxonomies {
            if !TAXONOMIES.contains(&t.as_str()) {
                let mut d = doc.at_key(
                    codes::SITE_SETTING,
                    "taxonomies",
                    format!("未知分类 `{t}` (unknown taxonomy)"),
                );
                d = d.hint(match closest_tax(t) {
                    Some(s) => format!("did you mean `{s}`? 可用: {}", TAXONOMIES.join(", ")),
                    None => format!("可用 (available): {}", TAXONOMIES.join(", ")),
                });
                errs.push(d);
            }
        }
        for (kind, keys) in &cfg.check.required {
            if crate::model::Kind::parse(kind).is_none() {
                errs.push(
                    doc.at_key(
                        codes::SITE_SETTING,
                        "check",
                        format!("check.required 里的类型 `{kind}` 不存在 (unknown kind)"),
                    )
                    .hint("可用: brand, deed, clean, studio, branch, service, page"),
                );
            }
            for k in keys {
                let known = crate::model::COMMON_KEYS.contains(&k.as_str())
                    || crate::model::Kind::ALL
                        .iter()
                        .any(|x| x.own_keys().contains(&k.as_str()));
                if !known {
                    errs.push(doc.at_key(codes::SITE_SETTING, "check", format!("check.required 里的字段 `{k}` 不是页面头部字段 (unknown header key)")).hint("写页面头部的字段名，例如 cover、summary、source"));
                }
            }
        }
        if cfg.paginate_by == 0 {
            errs.push(
                doc.at_key(codes::SITE_SETTING, "paginate_by", "paginate_by 必须大于 0")
                    .hint("例如 paginate_by: 20"),
            );
        }
        if parse_offset(&cfg.timezone).is_none() {
            errs.push(
                doc.at_key(
                    codes::SITE_SETTING,
                    "timezone",
                    format!("无法识别的时区 `{}`", cfg.timezone),
                )
                .hint("写成 +08:00 的形式"),
            );
        }
        if !(cfg.language == "zh-CN" || cfg.language == "en") {
            errs.push(
                doc.at_key(
                    codes::SITE_SETTING,
                    "language",
                    format!("不支持的语言 `{}`", cfg.language),
                )
                .hint("可用: zh-CN, en"),
            );
        }
        if !cfg.base_url.ends_with('/') {
            cfg.base_url.push('/');
        }
        if !(cfg.base_url.starts_with("http://")
            || cfg.base_url.starts_with("https://")
            || cfg.base_url.starts_with('/'))
        {
            errs.push(
                doc.at_key(
                    codes::SITE_SETTING,
                    "base_url",
                    format!("base_url `{}` 不是网址 (not a URL)", cfg.base_url),
                )
                .hint("写成 https://example.gov.cn/jyj/ddjs/ 或 /"),
            );
        }
        if errs.is_empty() {
            Ok(cfg)
        } else {
            Err(errs)
        }
    }

    pub fn set_base_url(&mut self, url: &str) {
        self.base_url = url.to_string();
        if !self.base_url.ends_with('/') {
            self.base_url.push('/');
        }
    }

    /// The path part of base_url, always starting and ending with `/`.
    pub fn base_path(&self) -> String {
        let rest = match self.base_url.split_once("://") {
            Some((_, r)) => r.find('/').map(|i| &r[i..]).unwrap_or("/"),
            None => self.base_url.as_str(),
        };
        let mut p = rest.to_string();
        if !p.starts_with('/') {
            p.insert(0, '/');
        }
        if !p.ends_with('/') {
            p.push('/');
        }
        p
    }

    /// scheme://host of base_url, empty for a path-only base_url.
    pub fn origin(&self) -> String {
        match self.base_url.split_once("://") {
            Some((scheme, r)) => {
                let host = r.split('/').next().unwrap_or("");
                format!("{scheme}://{host}")
            }
            None => String::new(),
        }
    }

    pub fn domain(&self) -> String {
        self.origin()
            .split_once("://")
            .map(|(_, h)| h.to_string())
            .unwrap_or_default()
    }

    pub fn has_taxonomy(&self, name: &str) -> bool {
        self.taxonomies.iter().any(|t| t == name)
    }

    pub fn offset(&self) -> chrono::FixedOffset {
        parse_offset(&self.timezone)
            .unwrap_or_else(|| chrono::FixedOffset::east_opt(8 * 3600).unwrap())
    }
}

fn closest_tax(t: &str) -> Option<&'static str> {
    crate::diagnostics::closest(t, TAXONOMIES.iter().copied(), 1)
        .first()
        .copied()
}

pub fn parse_offset(s: &str) -> Option<chrono::FixedOffset> {
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    let (h, m) = rest.split_once(':')?;
    let secs = h.parse::<i32>().ok()? * 3600 + m.parse::<i32>().ok()? * 60;
    chrono::FixedOffset::east_opt(sign * secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_path_of_sub_path_url() {
        let mut c = Config::parse(
            "site.yaml",
            "title: t\nbase_url: https://example.gov.cn/jyj/ddjs\n",
        )
        .unwrap();
        assert_eq!(c.base_path(), "/jyj/ddjs/");
        assert_eq!(c.origin(), "https://example.gov.cn");
        c.set_base_url("/");
        assert_eq!(c.base_path(), "/");
    }

    #[test]
    fn unknown_key_has_hint() {
        let e = Config::parse("site.yaml", "title: t\npaginte_by: 3\n").unwrap_err();
        assert_eq!(e[0].line, 2);
        assert!(e[0].hint.as_deref().unwrap().contains("paginate_by"));
    }
}

/// URL building for one build: base path and origin from base_url. The one
/// place a site path becomes a link.
#[derive(Debug, Clone, Default, Hash)]
pub struct Urls {
    pub base_path: String,
    pub origin: String,
}

impl Urls {
    pub fn new(cfg: &Config) -> Self {
        Urls {
            base_path: cfg.base_path(),
            origin: cfg.origin(),
        }
    }
    /// Link target for a site path (`/brands/x/`): base path + encoded path.
    pub fn href(&self, path: &str) -> String {
        format!(
            "{}{}",
            self.base_path,
            crate::model::paths::encode_path(path.trim_start_matches('/'))
        )
    }
    /// Absolute URL (for feeds, sitemap, canonical); the href when base_url
    /// has no host.
    pub fn permalink(&self, path: &str) -> String {
        format!("{}{}", self.origin, self.href(path))
    }
}
