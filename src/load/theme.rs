//! The theme: Tera templates, static files and UI strings. A site's own
//! templates/ and static/ override the theme's file by file. The default
//! theme is also compiled into the binary, so a site without a themes/
//! folder (the benchmark corpus, a site made elsewhere) still builds.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::diagnostics::{codes, Diagnostic};
use crate::load::{read_text, walk_files};

macro_rules! embed {
    ($($path:literal),* $(,)?) => {
        &[$(($path, include_bytes!(concat!("../../themes/default/", $path)) as &[u8])),*]
    };
}

/// The default theme's files, relative to themes/default/.
pub const DEFAULT_THEME: &[(&str, &[u8])] = embed!(
    "templates/base.html",
    "templates/index.html",
    "templates/page.html",
    "templates/section.html",
    "templates/taxonomy.html",
    "templates/term.html",
    "templates/school.html",
    "templates/schools.html",
    "templates/measure.html",
    "templates/measures.html",
    "templates/404.html",
    "templates/alias.html",
    "templates/atom.xml",
    "templates/sitemap.xml",
    "templates/robots.txt",
    "templates/partials/list.html",
    "templates/partials/pager.html",
    "templates/partials/count.html",
    "templates/site-map.html",
    "templates/collection.html",
    "templates/feed.json",
    "templates/partials/year-groups.html",
    "templates/year.html",
    "templates/search.html",
    "templates/progress.html",
    "templates/progress-schools.html",
    "templates/partials/bars.html",
    "static/css/site.css",
    "static/js/site.js",
    "static/js/search.js",
    "static/favicon.svg",
    "i18n/zh-CN.yaml",
    "i18n/en.yaml",
);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bytes {
    Disk(PathBuf),
    Embedded(&'static [u8]),
}

impl Bytes {
    pub fn read(&self) -> std::io::Result<std::borrow::Cow<'static, [u8]>> {
        match self {
            Bytes::Disk(p) => std::fs::read(p).map(std::borrow::Cow::Owned),
            Bytes::Embedded(b) => Ok(std::borrow::Cow::Borrowed(b)),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Template {
    pub name: String,
    /// Where it came from, for error messages.
    pub file: String,
    pub text: String,
}

#[derive(Debug, Default)]
pub struct Theme {
    pub templates: Vec<Template>,
    /// Output path relative to the site → source.
    pub statics: BTreeMap<String, Bytes>,
    /// UI strings of the chosen language (from `strings_file`, read by
    /// `parse::ui_strings`; the pipeline fills this in).
    pub strings: BTreeMap<String, String>,
    /// The UI strings file as loaded: (file for messages, text).
    pub strings_file: Option<(String, String)>,
}

/// Load theme `name` for language `lang`, then apply the site's overrides.
pub fn load(root: &Path, name: &str, lang: &str) -> Result<Theme, Vec<Diagnostic>> {
    let mut errs = Vec::new();
    let mut templates: BTreeMap<String, Template> = BTreeMap::new();
    let mut statics = BTreeMap::new();
    let mut i18n: BTreeMap<String, String> = BTreeMap::new();
    let dir = root.join("themes").join(name);
    let theme_prefix = format!("themes/{name}");
    if dir.is_dir() {
        read_templates(
            &dir.join("templates"),
            &format!("{theme_prefix}/templates"),
            &mut templates,
            &mut errs,
        );
        for (path, rel) in walk_files(&dir.join("static")) {
            statics.insert(rel, Bytes::Disk(path));
        }
        for (path, rel) in walk_files(&dir.join("i18n")) {
            let file = format!("{theme_prefix}/i18n/{rel}");
            match read_text(&path, &file) {
                Ok(text) => {
                    i18n.insert(rel, text);
                }
                Err(d) => errs.push(d),
            }
        }
    } else if name == "default" {
        for (rel, bytes) in DEFAULT_THEME {
            let file = format!("{theme_prefix}/{rel} (built in)");
            if let Some(t) = rel.strip_prefix("templates/") {
                let text = String::from_utf8_lossy(bytes).into_owned();
                templates.insert(
                    t.to_string(),
                    Template {
                        name: t.to_string(),
                        file,
                        text,
                    },
                );
            } else if let Some(s) = rel.strip_prefix("static/") {
                statics.insert(s.to_string(), Bytes::Embedded(bytes));
            } else if let Some(s) = rel.strip_prefix("i18n/") {
                i18n.insert(s.to_string(), String::from_utf8_lossy(bytes).into_owned());
            }
        }
    } else {
        return Err(vec![Diagnostic::file(
            codes::THEME,
            "site.yaml",
            format!("找不到主题 `{name}` (theme not found in themes/{name}/)"),
        )
        .hint("把主题放进 themes/ 目录，或在 site.yaml 写 theme: default")]);
    }
    read_templates(
        &root.join("templates"),
        "templates",
        &mut templates,
        &mut errs,
    );
    for (path, rel) in walk_files(&root.join("static")) {
        statics.insert(rel, Bytes::Disk(path));
    }
    let lang_file = format!("{lang}.yaml");
    let strings_file = match i18n.get(&lang_file) {
        Some(text) => Some((format!("{theme_prefix}/i18n/{lang_file}"), text.to_string())),
        None => {
            errs.push(
                Diagnostic::file(
                    codes::THEME,
                    "site.yaml",
                    format!("主题没有 `{lang}` 的界面文字 (no i18n/{lang_file})"),
                )
                .hint("language 可用: zh-CN, en"),
            );
            None
        }
    };
    if errs.is_empty() {
        Ok(Theme {
            templates: templates.into_values().collect(),
            statics,
            strings: BTreeMap::new(),
            strings_file,
        })
    } else {
        Err(errs)
    }
}

/// Read every template under `dir` into `into` (later calls override).
fn read_templates(
    dir: &Path,
    prefix: &str,
    into: &mut BTreeMap<String, Template>,
    errs: &mut Vec<Diagnostic>,
) {
    for (path, rel) in walk_files(dir) {
        let file = format!("{prefix}/{rel}");
        match read_text(&path, &file) {
            Ok(text) => {
                into.insert(
                    rel.clone(),
                    Template {
                        name: rel,
                        file,
                        text,
                    },
                );
            }
            Err(d) => errs.push(d),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file added to themes/default/ but not to `DEFAULT_THEME` builds
    /// at the repo root and fails everywhere else (it did: two templates).
    #[test]
    fn the_embedded_theme_lists_every_file_of_themes_default() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
        let on_disk: Vec<String> = walk_files(&dir).into_iter().map(|(_, r)| r).collect();
        let mut embedded: Vec<String> = DEFAULT_THEME.iter().map(|(p, _)| p.to_string()).collect();
        embedded.sort();
        let mut on_disk = on_disk;
        on_disk.sort();
        assert_eq!(embedded, on_disk);
    }
}
