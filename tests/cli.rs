//! Integration tests: run the real `exemplar` binary on fixture sites under
//! tests/fixtures and look at what a user would see — files in public/,
//! links, messages on stderr and exit codes.
//!
//! Golden files under tests/golden are refreshed with
//! `UPDATE_GOLDEN=1 cargo test`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

const BIN: &str = env!("CARGO_BIN_EXE_exemplar");

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in walk(from) {
        let rel = entry.strip_prefix(from).unwrap();
        let dest = to.join(rel);
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::copy(&entry, &dest).unwrap();
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// A fresh copy of one or more fixture folders (later ones overlay).
struct Site {
    dir: PathBuf,
}

impl Site {
    fn new(layers: &[&str]) -> Site {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "exemplar-it-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        for l in layers {
            copy_tree(&fixtures().join(l), &dir);
        }
        Site { dir }
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(BIN)
            .args(args)
            .current_dir(&self.dir)
            .output()
            .expect("run exemplar")
    }

    fn build(&self, args: &[&str]) -> Output {
        let mut all = vec!["build"];
        all.extend_from_slice(args);
        self.run(&all)
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.dir.join(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
    }

    fn exists(&self, rel: &str) -> bool {
        self.dir.join(rel).exists()
    }

    /// Every file under `rel` with its bytes.
    fn snapshot(&self, rel: &str) -> BTreeMap<String, Vec<u8>> {
        let root = self.dir.join(rel);
        if !root.exists() {
            return BTreeMap::new();
        }
        walk(&root)
            .into_iter()
            .map(|p| {
                (
                    p.strip_prefix(&root)
                        .unwrap()
                        .to_string_lossy()
                        .into_owned(),
                    std::fs::read(&p).unwrap(),
                )
            })
            .collect()
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn assert_ok(o: &Output) {
    assert!(
        o.status.success(),
        "exit {:?}\n{}",
        o.status.code(),
        stderr(o)
    );
}

fn good() -> Site {
    let s = Site::new(&["good"]);
    assert_ok(&s.build(&[]));
    s
}

#[test]
fn good_site_links_carry_the_base_url_sub_path() {
    let s = good();
    let a = s.read("public/brands/a/index.html");
    assert!(
        a.contains(r#"href="/jyj/ddjs/css/site.css""#),
        "stylesheet under the sub-path"
    );
    assert!(a.contains(r#"href="/jyj/ddjs/deeds/%E4%B8%AD%E6%96%87%E5%90%8D/#%E4%B8%BB%E8%A6%81%E4%BA%8B%E8%BF%B9""#), "@/ link with fragment resolved and encoded:\n{a}");
    assert!(
        a.contains(r#"href="/jyj/ddjs/clean/x/""#),
        "root-relative link prefixed"
    );
    assert!(
        a.contains(r#"href="/jyj/ddjs/images/logo.svg""#),
        "static file link prefixed"
    );
    assert!(
        a.contains(r#"<link rel="canonical" href="https://example.gov.cn/jyj/ddjs/brands/a/">"#)
    );
    assert!(
        !a.contains("__exemplar"),
        "the live-reload script is never part of a build"
    );
    // No link leaves the sub-path.
    for href in a
        .split("href=\"")
        .skip(1)
        .map(|r| &r[..r.find('"').unwrap()])
    {
        assert!(
            href.starts_with("/jyj/ddjs/")
                || href.starts_with('#')
                || href.starts_with("https://example.gov.cn/jyj/ddjs/"),
            "link outside the sub-path: {href}"
        );
    }
}

#[test]
fn base_url_flag_overrides_site_yaml() {
    let s = Site::new(&["good"]);
    assert_ok(&s.build(&["--base-url", "http://127.0.0.1:8080/"]));
    let a = s.read("public/brands/a/index.html");
    assert!(a.contains(r#"href="/css/site.css""#));
    assert!(a.contains(r#"href="http://127.0.0.1:8080/brands/a/""#));
}

#[test]
fn article_page_shows_meta_block_gov_tags_and_footer() {
    let s = good();
    let a = s.read("public/brands/a/index.html");
    for needle in [
        "<h1>甲小学“红烛”品牌</h1>",
        "<dt>发布日期</dt>",
        "<dd>甲小学党支部</dd>",
        "<dd>作者甲</dd>",
        "<dd>编辑甲</dd>",
        r#"<meta name="SiteName" content="测试站点">"#,
        r#"<meta name="SiteDomain" content="example.gov.cn">"#,
        r#"<meta name="SiteIDCode" content="1234567890">"#,
        r#"<meta name="ColumnName" content="品牌案例">"#,
        r#"<meta name="PubDate" content="2024-05-12 00:00">"#,
        r#"<meta name="ContentSource" content="甲小学党支部">"#,
        r#"<meta name="Keywords" content="党建品牌,师德师风">"#,
        r#"<meta name="Author" content="作者甲">"#,
        "主办单位：测试教育局",
        "网站标识码：1234567890",
        "ICP备案号：测ICP备1号",
        "「红烛」",
    ] {
        assert!(a.contains(needle), "missing {needle}");
    }
    assert!(
        !a.contains("公安机关备案号"),
        "empty footer fields are omitted"
    );
    assert_eq!(a.matches("<h1").count(), 1, "one h1 per page");
}

#[test]
fn heading_ids_keep_chinese_and_are_unique() {
    let s = good();
    let a = s.read("public/brands/a/index.html");
    assert!(a.contains(r#"<h2 id="主要做法">"#));
    assert!(a.contains(r#"<h2 id="主要做法-1">"#));
    assert!(a.contains(r#"<h3 id="results-2024">"#));
    assert!(
        a.contains(r##"href="#主要做法-1""##),
        "table of contents links the headings"
    );
}

#[test]
fn summary_stops_at_more_marker_in_lists() {
    let s = good();
    let list = s.read("public/brands/index.html");
    assert!(
        list.contains(r#"<p class="card-summary">第一段文字。</p>"#),
        "{list}"
    );
}

#[test]
fn sections_paginate_and_nest() {
    let s = good();
    // brands: a, b, bundle (sub/c lives in the nested section) → 2 per page.
    assert!(s.exists("public/brands/page/2/index.html"));
    let p2 = s.read("public/brands/page/2/index.html");
    assert!(p2.contains("丙学校品牌（图文）"), "oldest brand on page 2");
    assert!(p2.contains(r#"rel="prev""#));
    assert!(s.exists("public/brands/sub/index.html"));
    assert!(s.exists("public/brands/sub/c/index.html"));
    let first = s.read("public/brands/index.html");
    assert!(
        first.contains(r#"href="/jyj/ddjs/brands/sub/""#),
        "subsection listed"
    );
}

#[test]
fn chinese_file_names_stay_chinese_in_urls() {
    let s = good();
    assert!(s.exists("public/deeds/中文名/index.html"));
}

#[test]
fn taxonomies_have_index_and_term_pages() {
    let s = good();
    let tag = s.read("public/tags/党建品牌/index.html");
    assert!(tag.contains("甲小学“红烛”品牌") && tag.contains("乙中学品牌"));
    assert!(
        s.exists("public/tags/党建品牌/page/2/index.html"),
        "3 pages tagged, 2 per pager"
    );
    assert!(s
        .read("public/tags/index.html")
        .contains(r#"href="/jyj/ddjs/tags/%E5%B8%88%E5%BE%B7%E5%B8%88%E9%A3%8E/""#));
    assert!(
        s.read("public/districts/安阳学区/index.html")
            .contains("甲小学清廉学校建设"),
        "district comes from the registry"
    );
    assert!(s
        .read("public/years/2024/index.html")
        .contains("扎根乡村的老师"));
    assert!(s
        .read("public/measures/5/index.html")
        .contains("乙中学品牌"));
    assert!(s
        .read("public/measures/index.html")
        .contains("深化党建品牌内涵"));
    assert!(
        !s.exists("public/tags/草稿标签/index.html"),
        "a draft's tag makes no term page"
    );
}

#[test]
fn every_registered_school_has_a_profile() {
    let s = good();
    let alpha = s.read("public/schools/alpha/index.html");
    assert!(alpha.contains("<h1>甲小学</h1>"));
    assert!(alpha.contains("甲小学清廉学校建设") && alpha.contains("甲小学“红烛”品牌"));
    assert!(alpha.contains("2023：规范型"));
    assert!(
        s.read("public/schools/beta/index.html")
            .contains("扎根乡村的老师"),
        "school named by full name"
    );
    assert!(s.exists("public/schools/gamma/index.html"));
    assert!(s.read("public/schools/index.html").contains("玉海学区"));
}

#[test]
fn feeds_sitemap_robots_and_404() {
    let s = good();
    let feed = s.read("public/atom.xml");
    assert!(feed.contains(r#"<link rel="self" type="application/atom+xml" href="https://example.gov.cn/jyj/ddjs/atom.xml"/>"#));
    assert!(feed.contains("<id>https://example.gov.cn/jyj/ddjs/clean/x/</id>"));
    assert!(s.read("public/brands/atom.xml").contains("乙中学品牌"));
    let sitemap = s.read("public/sitemap.xml");
    assert!(sitemap
        .contains("<loc>https://example.gov.cn/jyj/ddjs/deeds/%E4%B8%AD%E6%96%87%E5%90%8D/</loc>"));
    assert!(sitemap.contains("<loc>https://example.gov.cn/jyj/ddjs/schools/alpha/</loc>"));
    assert!(!sitemap.contains("draft"));
    assert!(s
        .read("public/robots.txt")
        .contains("Sitemap: https://example.gov.cn/jyj/ddjs/sitemap.xml"));
    let nf = s.read("public/404.html");
    assert!(
        nf.contains(r#"href="/jyj/ddjs/css/site.css""#),
        "404 uses absolute paths so it works at any depth"
    );
}

#[test]
fn bundle_files_are_copied_beside_their_page() {
    let s = good();
    assert!(s.exists("public/brands/bundle/photo.svg"));
    let page = s.read("public/brands/bundle/index.html");
    assert!(
        page.contains(r#"src="/jyj/ddjs/brands/bundle/photo.svg""#),
        "cover resolved"
    );
    assert!(page.contains(r#"<img src="photo.svg" alt="示意图""#));
}

#[test]
fn aliases_redirect_to_the_page() {
    let s = good();
    let alias = s.read("public/old/red-candle/index.html");
    assert!(alias.contains(r#"content="0; url=/jyj/ddjs/brands/a/""#));
}

#[test]
fn drafts_are_built_only_when_asked() {
    let s = good();
    assert!(!s.exists("public/deeds/draft/index.html"));
    assert_ok(&s.build(&["--drafts"]));
    let d = s.read("public/deeds/draft/index.html");
    assert!(d.contains("草稿 · 未发布"), "drafts carry a visible banner");
}

#[test]
fn two_builds_are_byte_identical() {
    let s = Site::new(&["good"]);
    assert_ok(&s.build(&["-o", "out1"]));
    assert_ok(&s.build(&["-o", "out2"]));
    let (a, b) = (s.snapshot("out1"), s.snapshot("out2"));
    assert!(a.len() > 40);
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (k, v) in &a {
        assert!(v == &b[k], "{k} differs between builds");
    }
    // A rebuild over an existing output gives the same tree too.
    assert_ok(&s.build(&["-o", "out1"]));
    assert_eq!(s.snapshot("out1"), b);
}

#[test]
fn rebuild_removes_files_of_deleted_pages() {
    let s = good();
    assert!(s.exists("public/brands/b/index.html"));
    std::fs::remove_file(s.dir.join("content/brands/b.md")).unwrap();
    assert_ok(&s.build(&[]));
    assert!(!s.exists("public/brands/b/index.html"));
    assert_ok(&s.build(&[]));
    assert!(
        !s.exists("public/brands/b/index.html"),
        "not resurrected from the recycled staging folder"
    );
}

#[test]
fn golden_article_page() {
    let s = good();
    let got = s.read("public/brands/a/index.html");
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/good-brand-a.html");
    if std::env::var_os("UPDATE_GOLDEN").is_some() || !path.exists() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &got).unwrap();
    }
    let want = std::fs::read_to_string(&path).unwrap();
    assert!(got == want, "public/brands/a/index.html differs from tests/golden/good-brand-a.html; if the change is intended run UPDATE_GOLDEN=1 cargo test");
}

/// One bad-input fixture: exit 1, message names file:line:col, and an
/// existing public/ is left byte-identical.
fn bad(case: &str, location: &str, words: &[&str]) -> String {
    let s = Site::new(&["base", &format!("bad/{case}")]);
    std::fs::create_dir_all(s.dir.join("public/old")).unwrap();
    std::fs::write(s.dir.join("public/old/index.html"), "previous build").unwrap();
    let before = s.snapshot("public");
    let out = s.build(&[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{case}: exit code\n{err}");
    assert!(
        err.contains(location),
        "{case}: expected `{location}` in\n{err}"
    );
    for w in words {
        assert!(err.contains(w), "{case}: expected `{w}` in\n{err}");
    }
    assert!(!err.contains("panicked"), "{case}: panic\n{err}");
    assert_eq!(s.snapshot("public"), before, "{case}: public/ changed");
    err
}

#[test]
fn bad_non_utf8_file() {
    bad("non-utf8", "content/brands/a.md:4:3", &["UTF-8"]);
}

#[test]
fn bad_empty_file() {
    bad(
        "empty-file",
        "content/brands/empty.md",
        &["空", "empty file"],
    );
}

#[test]
fn bad_unclosed_header() {
    bad(
        "unclosed-header",
        "content/brands/a.md:1:1",
        &["header not closed", "---"],
    );
}

#[test]
fn bad_tab_in_yaml() {
    bad("tab-in-yaml", "content/brands/a.md:4:1", &["Tab"]);
}

#[test]
fn bad_date() {
    bad(
        "bad-date",
        "content/brands/a.md:3:7",
        &["2024-13-45", "invalid date", "2024-05-12"],
    );
}

#[test]
fn bad_unknown_kind() {
    bad(
        "unknown-kind",
        "content/brands/a.md:3:7",
        &["brnad", "did you mean `brand`"],
    );
}

#[test]
fn bad_unknown_template() {
    bad(
        "unknown-template",
        "content/brands/a.md:3:11",
        &["pgae.html", "did you mean `page.html`"],
    );
}

#[test]
fn bad_unknown_key_gets_did_you_mean() {
    bad(
        "unknown-key",
        "content/brands/a.md:3:1",
        &["titel", "did you mean `title`", "extra"],
    );
}

#[test]
fn bad_unknown_school_lists_closest_matches() {
    bad(
        "unknown-school",
        "content/brands/a.md:4:9",
        &["alpah", "alpha"],
    );
}

#[test]
fn bad_measure_out_of_range() {
    bad("bad-measure", "content/brands/a.md:3:11", &["16", "1–15"]);
}

#[test]
fn bad_two_pages_on_one_url_names_both_files() {
    bad(
        "duplicate-url",
        "content/brands/y.md",
        &["/brands/x/", "content/brands/x.md"],
    );
}

#[test]
fn bad_link_to_missing_page() {
    bad(
        "broken-link",
        "content/brands/a.md:6:2",
        &["/nope/", "broken internal link"],
    );
}

#[test]
fn bad_yaml_syntax_maps_to_file_line() {
    bad("yaml-syntax", "content/brands/a.md:4:", &["YAML"]);
}

#[test]
fn bad_key_of_another_kind() {
    bad(
        "wrong-kind-key",
        "content/deeds/a.md:3:1",
        &["tier", "clean"],
    );
}

#[test]
fn all_content_errors_are_reported_together() {
    let err = bad(
        "several-errors",
        "content/brands/a.md:3:1",
        &["content/deeds/b.md:3:7", "昨天", "2 error(s)"],
    );
    assert!(
        err.find("content/brands/a.md").unwrap() < err.find("content/deeds/b.md").unwrap(),
        "sorted by file"
    );
}

#[test]
fn usage_errors_exit_2() {
    let s = Site::new(&["base"]);
    assert_eq!(s.run(&["bulid"]).status.code(), Some(2));
    assert_eq!(s.run(&["new", "brnad", "标题"]).status.code(), Some(2));
    assert_eq!(s.run(&["build", "--nope"]).status.code(), Some(2));
}

#[test]
fn missing_site_yaml_is_a_clear_error() {
    let s = Site::new(&[]);
    let out = s.build(&[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("site.yaml"), "{}", stderr(&out));
}

#[test]
fn new_writes_a_complete_draft_that_builds() {
    let s = Site::new(&["good"]);
    let out = s.run(&["new", "clean", "丙学校清廉学校建设", "--school", "gamma"]);
    assert_ok(&out);
    let rel = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert_eq!(rel, "content/clean/丙学校清廉学校建设.md");
    let text = s.read(&rel);
    for key in [
        "title:",
        "date:",
        "tags:",
        "measures:",
        "school: \"gamma\"",
        "source:",
        "editor:",
        "status: draft",
        "tier:",
    ] {
        assert!(text.contains(key), "missing {key} in\n{text}");
    }
    assert_ok(&s.build(&[]));
    assert!(
        !s.exists("public/clean/丙学校清廉学校建设/index.html"),
        "a new page is a draft"
    );
    assert_ok(&s.build(&["--drafts"]));
    assert!(s.exists("public/clean/丙学校清廉学校建设/index.html"));
    let again = s.run(&["new", "clean", "丙学校清廉学校建设"]);
    assert_eq!(again.status.code(), Some(1), "never overwrites");
    // Without --school the empty fields of the template mean "absent".
    assert_ok(&s.run(&["new", "deed", "无名的先进事迹"]));
    assert_ok(&s.build(&["--drafts"]));
    let page = s.read("public/deeds/无名的先进事迹/index.html");
    assert!(
        !page.contains("<figure class=\"cover\">") && !page.contains("school-card"),
        "no empty cover or school"
    );
    let unknown = s.run(&["new", "brand", "x", "--school", "gama"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(stderr(&unknown).contains("gamma"), "{}", stderr(&unknown));
}

#[test]
fn init_makes_a_site_that_builds() {
    let s = Site::new(&[]);
    assert_ok(&s.run(&["init", "mysite"]));
    for f in [
        "site.yaml",
        "data/schools.yaml",
        "data/measures.yaml",
        "themes/default/templates/page.html",
        "content/brands/example.md",
    ] {
        assert!(s.exists(&format!("mysite/{f}")), "{f}");
    }
    assert_ok(&s.run(&["build", "--root", "mysite"]));
    assert!(s.exists("mysite/public/brands/example/index.html"));
    assert_eq!(
        s.run(&["init", "mysite"]).status.code(),
        Some(1),
        "refuses a non-empty folder"
    );
}

#[test]
fn site_templates_override_the_theme_file_by_file() {
    let s = Site::new(&["good"]);
    std::fs::create_dir_all(s.dir.join("templates")).unwrap();
    std::fs::write(
        s.dir.join("templates/404.html"),
        "custom 404 {{ site.title }}",
    )
    .unwrap();
    assert_ok(&s.build(&[]));
    assert_eq!(s.read("public/404.html"), "custom 404 测试站点");
    assert!(
        s.read("public/index.html").contains("<!DOCTYPE html>"),
        "other templates still from the theme"
    );
}

#[test]
fn english_ui_strings_are_selectable() {
    let s = Site::new(&["good"]);
    let cfg = s
        .read("site.yaml")
        .replace("title: 测试站点", "title: 测试站点\nlanguage: en");
    std::fs::write(s.dir.join("site.yaml"), cfg).unwrap();
    assert_ok(&s.build(&[]));
    let a = s.read("public/brands/a/index.html");
    assert!(a.contains("Skip to content") && a.contains(r#"<html lang="en">"#));
}

#[test]
fn the_sample_site_builds_with_the_content_the_readme_promises() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = std::env::temp_dir().join(format!("exemplar-sample-{}", std::process::id()));
    let o = Command::new(BIN)
        .args(["build", "-o"])
        .arg(&out)
        .current_dir(root)
        .output()
        .unwrap();
    assert_ok(&o);
    let count = |dir: &str| {
        std::fs::read_dir(out.join(dir))
            .unwrap()
            .filter(|e| {
                e.as_ref().unwrap().path().join("index.html").exists()
                    && !e.as_ref().unwrap().file_name().eq("page")
            })
            .count()
    };
    assert!(count("brands") >= 8, "brands");
    assert!(count("deeds") >= 10, "deeds");
    assert!(count("clean") >= 6, "clean");
    assert!(count("schools") >= 20, "school profiles");
    let clean: String = ["引领型", "规范型", "提升型"]
        .iter()
        .map(|t| t.to_string())
        .collect();
    let list = std::fs::read_to_string(out.join("clean/index.html")).unwrap()
        + &std::fs::read_to_string(out.join("clean/page/2/index.html")).unwrap_or_default();
    for t in ["引领型", "规范型", "提升型"] {
        assert!(list.contains(t), "clean-school tier {t} shown ({clean})");
    }
    assert!(
        std::fs::read_to_string(out.join("index.html"))
            .unwrap()
            .contains("示例数据"),
        "marked as sample data"
    );
    let _ = std::fs::remove_dir_all(&out);
}

// ---------------------------------------------------------------- serve

/// Every file of a full `build --drafts` of the site, as bytes.
fn full_build(s: &Site, base_url: &str) -> BTreeMap<String, Vec<u8>> {
    let _ = std::fs::remove_dir_all(s.dir.join("full"));
    assert_ok(&s.build(&["--drafts", "--base-url", base_url, "-o", "full"]));
    s.snapshot("full")
}

fn engine_files(e: &exemplar::serve::engine::Engine) -> BTreeMap<String, Vec<u8>> {
    e.store()
        .iter()
        .map(|(k, o)| (k.clone(), o.bytes.to_vec()))
        .collect()
}

fn assert_same(step: &str, served: &BTreeMap<String, Vec<u8>>, full: &BTreeMap<String, Vec<u8>>) {
    let a: Vec<&String> = served.keys().collect();
    let b: Vec<&String> = full.keys().collect();
    assert_eq!(a, b, "{step}: served files differ from a full build");
    for (k, v) in served {
        assert!(
            v == &full[k],
            "{step}: {k} differs from a full build:\n--- served\n{}\n--- full\n{}",
            String::from_utf8_lossy(v),
            String::from_utf8_lossy(&full[k])
        );
    }
}

/// One edit of a sequence: changes files, returns the paths it changed.
type Step<'a> = Box<dyn Fn() -> Vec<&'static str> + 'a>;

#[test]
fn serve_incremental_rebuilds_equal_a_full_build() {
    use exemplar::serve::engine::{Engine, Options};
    let s = Site::new(&["good"]);
    let url = "http://127.0.0.1:4000/jyj/ddjs/";
    let mut e = Engine::start(Options {
        root: s.dir.clone(),
        drafts: true,
        base_url: url.into(),
        inject: String::new(),
    })
    .unwrap();
    assert!(e.errors.is_empty(), "{:?}", e.errors);
    assert_same("start", &engine_files(&e), &full_build(&s, url));
    let write = |rel: &str, text: &str| {
        let p = s.dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    let edit = |rel: &str, from: &str, to: &str| {
        let text = s.read(rel);
        assert!(text.contains(from), "{rel} lacks {from}");
        write(rel, &text.replacen(from, to, 1));
    };
    let steps: Vec<(&str, Step)> = vec![
        (
            "body edit",
            Box::new(|| {
                edit("content/brands/a.md", "内容。", "内容改了，而且更长一些。");
                vec!["content/brands/a.md"]
            }),
        ),
        (
            "body edit changes the summary",
            Box::new(|| {
                edit(
                    "content/brands/b.md",
                    "正文。",
                    "新的正文，列表里的摘要也会变。",
                );
                vec!["content/brands/b.md"]
            }),
        ),
        (
            "title edit",
            Box::new(|| {
                edit(
                    "content/brands/b.md",
                    "title: 乙中学品牌",
                    "title: 乙中学品牌（修订）",
                );
                vec!["content/brands/b.md"]
            }),
        ),
        (
            "date edit reorders lists",
            Box::new(|| {
                edit(
                    "content/deeds/中文名.md",
                    "date: 2024-09-01",
                    "date: 2020-01-01",
                );
                vec!["content/deeds/中文名.md"]
            }),
        ),
        (
            "new tag term",
            Box::new(|| {
                edit(
                    "content/brands/b.md",
                    "tags: [党建品牌]",
                    "tags: [党建品牌, 新标签]",
                );
                vec!["content/brands/b.md"]
            }),
        ),
        (
            "tag term disappears",
            Box::new(|| {
                edit(
                    "content/brands/a.md",
                    "tags: [党建品牌, 师德师风]",
                    "tags: [党建品牌]",
                );
                vec!["content/brands/a.md"]
            }),
        ),
        (
            "school changes",
            Box::new(|| {
                edit("content/brands/b.md", "school: 乙中学", "school: gamma");
                vec!["content/brands/b.md"]
            }),
        ),
        (
            "page added",
            Box::new(|| {
                write("content/brands/new.md", "---\ntitle: 新页面\ndate: 2025-06-01\ntags: [新标签]\nschool: beta\n---\n新页面正文。\n");
                vec!["content/brands/new.md"]
            }),
        ),
        (
            "page deleted",
            Box::new(|| {
                std::fs::remove_file(s.dir.join("content/brands/sub/c.md")).unwrap();
                vec!["content/brands/sub/c.md"]
            }),
        ),
        (
            "section added",
            Box::new(|| {
                write(
                    "content/brands/sub2/_index.md",
                    "---\ntitle: 第二个子栏目\n---\n",
                );
                write(
                    "content/brands/sub2/p.md",
                    "---\ntitle: 子栏目二的页面\ndate: 2023-01-01\n---\n正文\n",
                );
                vec!["content/brands/sub2/_index.md", "content/brands/sub2/p.md"]
            }),
        ),
        (
            "draft published",
            Box::new(|| {
                edit("content/deeds/draft.md", "draft: true", "draft: false");
                vec!["content/deeds/draft.md"]
            }),
        ),
        (
            "template override",
            Box::new(|| {
                write("templates/partials/pager.html", "{% if paginator.total > 1 %}<nav class=\"pager\" aria-label=\"分页\"><a href=\"{{ paginator.first }}\">首页</a></nav>{% endif %}");
                vec!["templates/partials/pager.html"]
            }),
        ),
        (
            "static file added",
            Box::new(|| {
                write(
                    "static/images/new.svg",
                    "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
                );
                vec!["static/images/new.svg"]
            }),
        ),
        (
            "registry edit",
            Box::new(|| {
                edit("data/schools.yaml", "name: 丙学校", "name: 丙学校（更名）");
                vec!["data/schools.yaml"]
            }),
        ),
        (
            "site.yaml edit",
            Box::new(|| {
                edit("site.yaml", "paginate_by: 2", "paginate_by: 1");
                vec!["site.yaml"]
            }),
        ),
    ];
    for (step, change) in steps {
        let paths: Vec<PathBuf> = change().into_iter().map(PathBuf::from).collect();
        e.update(&paths);
        assert!(e.errors.is_empty(), "{step}: {:?}", e.errors);
        assert_same(step, &engine_files(&e), &full_build(&s, url));
    }
    // A rename breaks a link: the last good build stays, with the error.
    let before = engine_files(&e);
    std::fs::rename(
        s.dir.join("content/deeds/中文名.md"),
        s.dir.join("content/deeds/renamed.md"),
    )
    .unwrap();
    e.update(&[
        PathBuf::from("content/deeds/中文名.md"),
        PathBuf::from("content/deeds/renamed.md"),
    ]);
    assert!(
        e.errors
            .iter()
            .any(|d| d.file == "content/brands/a.md" && d.message.contains("中文名")),
        "{:?}",
        e.errors
    );
    assert_eq!(
        engine_files(&e),
        before,
        "the last good build is still served"
    );
    edit(
        "content/brands/a.md",
        "@/deeds/中文名.md",
        "@/deeds/renamed.md",
    );
    e.update(&[PathBuf::from("content/brands/a.md")]);
    assert!(e.errors.is_empty(), "{:?}", e.errors);
    assert_same("rename fixed", &engine_files(&e), &full_build(&s, url));
}

/// A `serve` process on a free port, killed when dropped.
struct Served {
    child: std::process::Child,
    addr: String,
    base: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(s: &Site, extra: &[&str]) -> Served {
    use std::io::BufRead;
    let port: &[&str] = if extra.contains(&"--port") {
        &[]
    } else {
        &["--port", "0"]
    };
    let mut child = Command::new(BIN)
        .arg("serve")
        .args(port)
        .args(extra)
        .current_dir(&s.dir)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stderr.take().unwrap()).lines();
    let url = loop {
        let line = lines.next().expect("serve printed its URL").unwrap();
        if let Some(u) = line.split("预览地址 (open): ").nth(1) {
            break u.trim().to_string();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    let rest = url.strip_prefix("http://").unwrap();
    let (addr, path) = rest.split_at(rest.find('/').unwrap());
    Served {
        child,
        addr: addr.to_string(),
        base: path.to_string(),
    }
}

/// A raw HTTP/1.1 request; (status, head, body).
fn http(addr: &str, req: &str) -> (u16, String, Vec<u8>) {
    use std::io::{Read, Write};
    let mut c = std::net::TcpStream::connect(addr).unwrap();
    c.set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    c.write_all(req.as_bytes()).unwrap();
    let mut buf = Vec::new();
    c.read_to_end(&mut buf).unwrap();
    let split = buf.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&buf[..split]).into_owned();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, head, buf[split + 4..].to_vec())
}

fn get(addr: &str, path: &str) -> (u16, String, Vec<u8>) {
    http(
        addr,
        &format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
    )
}

/// Subscribe to live-reload events; `next()` waits for the next event name.
struct Events(std::io::BufReader<std::net::TcpStream>);

impl Events {
    fn open(sv: &Served) -> Events {
        use std::io::{BufRead, Write};
        let mut c = std::net::TcpStream::connect(&sv.addr).unwrap();
        c.set_read_timeout(Some(std::time::Duration::from_secs(20)))
            .unwrap();
        write!(
            c,
            "GET {}__exemplar/events HTTP/1.1\r\nHost: x\r\n\r\n",
            sv.base
        )
        .unwrap();
        let mut r = std::io::BufReader::new(c);
        let mut line = String::new();
        while r.read_line(&mut line).unwrap() > 0 && !line.starts_with(": exemplar") {
            line.clear();
        }
        let mut events = Events(r);
        assert_eq!(
            events.next(),
            "hello",
            "the stream opens with the current build generation"
        );
        events
    }
    /// Wait for `name`, skipping others (a save seen half-written may
    /// first report an error, then the finished file).
    fn until(&mut self, name: &str) {
        let start = std::time::Instant::now();
        let mut seen = Vec::new();
        loop {
            let ev = self.next();
            if ev == name {
                return;
            }
            seen.push(ev);
            assert!(
                start.elapsed().as_secs() < 20,
                "no `{name}` event within 20 s; saw {seen:?}"
            );
        }
    }

    fn next(&mut self) -> String {
        use std::io::BufRead;
        let mut line = String::new();
        loop {
            line.clear();
            assert!(
                self.0.read_line(&mut line).unwrap() > 0,
                "event stream closed"
            );
            if line.starts_with(": ping") {
                return "ping".into();
            }
            if let Some(ev) = line.strip_prefix("event: ") {
                return ev.trim().to_string();
            }
        }
    }
}

#[test]
fn serve_reloads_after_an_edit_and_shows_errors_until_fixed() {
    let s = Site::new(&["good"]);
    let sv = serve(&s, &[]);
    assert_eq!(
        sv.base, "/jyj/ddjs/",
        "served under the base_url's sub-path"
    );
    let page = format!("{}brands/a/", sv.base);
    let (status, head, body) = get(&sv.addr, &page);
    assert_eq!(status, 200);
    assert!(head.contains("text/html; charset=utf-8"));
    let body = String::from_utf8(body).unwrap();
    assert!(
        body.contains("/jyj/ddjs/__exemplar/livereload.js"),
        "live reload script injected"
    );
    assert!(!s.exists("public"), "serve never writes public/");
    let mut events = Events::open(&sv);

    let text = s
        .read("content/brands/a.md")
        .replace("内容。", "刚刚改过的内容。");
    std::fs::write(s.dir.join("content/brands/a.md"), text).unwrap();
    events.until("reload");
    assert!(String::from_utf8(get(&sv.addr, &page).2)
        .unwrap()
        .contains("刚刚改过的内容。"));

    // An error: the last good page stays, the error is reported.
    std::fs::write(
        s.dir.join("content/brands/broken.md"),
        "---\ntitle: 坏\ndate: 2024-02-30\n---\n",
    )
    .unwrap();
    events.until("errors");
    let errors =
        String::from_utf8(get(&sv.addr, &format!("{}__exemplar/errors", sv.base)).2).unwrap();
    assert!(
        errors.contains("content/brands/broken.md") && errors.contains("\"line\":3"),
        "{errors}"
    );
    assert!(String::from_utf8(get(&sv.addr, &page).2)
        .unwrap()
        .contains("刚刚改过的内容。"));
    std::fs::write(
        s.dir.join("content/brands/broken.md"),
        "---\ntitle: 好了\ndate: 2024-02-28\n---\n",
    )
    .unwrap();
    events.until("reload");
    assert_eq!(
        get(&sv.addr, &format!("{}__exemplar/errors", sv.base)).2,
        b"[]"
    );
    assert_eq!(get(&sv.addr, &format!("{}brands/broken/", sv.base)).0, 200);

    // A stylesheet change swaps CSS without a reload.
    std::fs::create_dir_all(s.dir.join("static/css")).unwrap();
    std::fs::write(s.dir.join("static/css/site.css"), "body { color: #000 }").unwrap();
    events.until("css");
    assert_eq!(
        get(&sv.addr, &format!("{}css/site.css", sv.base)).2,
        b"body { color: #000 }"
    );

    // An editor that saves through a temp file and a rename.
    let text = s
        .read("content/brands/a.md")
        .replace("刚刚改过的内容。", "通过改名保存的内容。");
    std::fs::write(s.dir.join("content/brands/.a.md.swp-tmp"), text).unwrap();
    std::fs::rename(
        s.dir.join("content/brands/.a.md.swp-tmp"),
        s.dir.join("content/brands/a.md"),
    )
    .unwrap();
    events.until("reload");
    assert!(String::from_utf8(get(&sv.addr, &page).2)
        .unwrap()
        .contains("通过改名保存的内容。"));

    // Drafts are shown with a banner.
    let draft = String::from_utf8(get(&sv.addr, &format!("{}deeds/draft/", sv.base)).2).unwrap();
    assert!(draft.contains("草稿 · 未发布"));
    assert!(!s.exists("public"), "serve never writes public/");
}

#[test]
fn serve_hides_drafts_with_no_drafts() {
    let s = Site::new(&["good"]);
    let sv = serve(&s, &["--no-drafts"]);
    assert_eq!(get(&sv.addr, &format!("{}deeds/draft/", sv.base)).0, 404);
}

#[test]
fn serve_never_reads_outside_the_build() {
    let s = Site::new(&["good"]);
    std::fs::create_dir_all(s.dir.join("static")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink("/etc/passwd", s.dir.join("static/passwd.txt")).unwrap();
    std::fs::write(s.dir.join("secret.txt"), "secret").unwrap();
    let sv = serve(&s, &[]);
    let b = &sv.base;
    for path in [
        format!("{b}../secret.txt"),
        format!("{b}../../../../etc/passwd"),
        format!("{b}%2e%2e/secret.txt"),
        format!("{b}%2E%2E/%2E%2E/etc/passwd"),
        format!("{b}..%2fsecret.txt"),
        format!("{b}..%2F..%2Fetc%2Fpasswd"),
        format!("{b}..%5csecret.txt"),
        "/etc/passwd".to_string(),
        "//etc/passwd".to_string(),
        format!("{b}/etc/passwd"),
        format!("{b}passwd.txt"),
        format!("{b}secret.txt"),
        format!("{b}site.yaml"),
        format!("{b}content/brands/a.md"),
    ] {
        let (status, _, body) = get(&sv.addr, &path);
        assert!(status == 400 || status == 404, "{path}: {status}");
        let body = String::from_utf8_lossy(&body);
        assert!(
            !body.contains("root:") && !body.contains("secret"),
            "{path} leaked"
        );
    }
    // No directory listing: a folder without index.html is a 404.
    assert_eq!(get(&sv.addr, &format!("{b}images/")).0, 404);
    // A folder with an index redirects to the slash form.
    let (status, head, _) = get(&sv.addr, &format!("{b}brands"));
    assert_eq!(status, 301);
    assert!(head.contains(&format!("Location: {b}brands/")));
}

#[test]
fn serve_answers_head_and_conditional_get_with_mime_types() {
    let s = Site::new(&["good"]);
    let sv = serve(&s, &[]);
    let b = &sv.base;
    let (status, head, body) = http(
        &sv.addr,
        &format!("HEAD {b} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
    );
    assert_eq!(status, 200);
    assert!(body.is_empty(), "HEAD has no body");
    let etag = head
        .lines()
        .find_map(|l| l.strip_prefix("ETag: "))
        .expect("ETag")
        .to_string();
    let (status, _, body) = http(
        &sv.addr,
        &format!(
            "GET {b} HTTP/1.1\r\nHost: x\r\nIf-None-Match: {etag}\r\nConnection: close\r\n\r\n"
        ),
    );
    assert_eq!(status, 304);
    assert!(body.is_empty());
    for (path, mime) in [
        ("css/site.css", "text/css; charset=utf-8"),
        ("js/site.js", "text/javascript; charset=utf-8"),
        ("atom.xml", "application/atom+xml; charset=utf-8"),
        ("robots.txt", "text/plain; charset=utf-8"),
        ("brands/bundle/photo.svg", "image/svg+xml"),
    ] {
        let (status, head, _) = get(&sv.addr, &format!("{b}{path}"));
        assert_eq!(status, 200, "{path}");
        assert!(
            head.contains(&format!("Content-Type: {mime}")),
            "{path}: {head}"
        );
    }
    let (status, _, body) = get(&sv.addr, &format!("{b}no/such/page/"));
    assert_eq!(status, 404);
    assert!(String::from_utf8_lossy(&body).contains("页面不存在"));
}

#[test]
fn serve_moves_to_the_next_port_when_taken() {
    let s = Site::new(&["good"]);
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let sv = serve(&s, &["--port", &port]);
    assert_ne!(sv.addr, format!("127.0.0.1:{port}"));
    assert_eq!(get(&sv.addr, &sv.base).0, 200);
}

// ---------------------------------------------------------------- check

fn check_json(s: &Site, extra: &[&str]) -> (Option<i32>, Vec<serde_json::Value>) {
    let mut args = vec!["check", "--format", "json"];
    args.extend_from_slice(extra);
    let out = s.run(&args);
    let lines = String::from_utf8(out.stdout).unwrap();
    let findings = lines
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}")))
        .collect();
    (out.status.code(), findings)
}

#[test]
fn check_reports_each_finding_with_code_file_line_and_column() {
    let s = Site::new(&["check"]);
    let (code, findings) = check_json(&s, &[]);
    assert_eq!(code, Some(1), "errors make check fail");
    let got: Vec<(String, String, u64, u64)> = findings
        .iter()
        .map(|f| {
            for key in ["message", "hint", "severity"] {
                assert!(
                    f[key].as_str().is_some_and(|v| !v.is_empty()),
                    "{key} in {f}"
                );
            }
            let sev = f["severity"].as_str().unwrap();
            let code = f["code"].as_str().unwrap();
            assert_eq!(
                sev,
                match &code[..1] {
                    "E" => "error",
                    "W" => "warning",
                    _ => "info",
                },
                "{f}"
            );
            (
                code.to_string(),
                f["file"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["col"].as_u64().unwrap(),
            )
        })
        .collect();
    let want: Vec<(&str, &str, u64, u64)> = vec![
        ("E020", "content/brands/missing-cover.md", 1, 1), // required cover
        ("E020", "content/brands/missing-cover.md", 1, 1), // required summary
        ("E031", "content/clean/tier.md", 5, 7),           // tier vs registry
        ("E040", "content/deeds/alt.md", 8, 1),            // image without alt
        ("E010", "content/deeds/anchor.md", 8, 2),         // broken anchor
        ("E001", "content/deeds/bad-date.md", 3, 7),       // a build error
        ("W023", "content/deeds/dup-b.md", 2, 8),          // duplicate title
        ("E052", "content/deeds/email.md", 8, 4),          // e-mail address
        ("E011", "content/deeds/empty-link.md", 8, 3),     // empty link
        ("W024", "content/deeds/future.md", 3, 7),         // future date
        ("E042", "content/deeds/h1.md", 8, 1),             // h1 in content
        ("W012", "content/deeds/http.md", 8, 2),           // http link
        ("E050", "content/deeds/id.md", 8, 5),             // resident ID (not the order number)
        ("W022", "content/deeds/long-title.md", 2, 8),     // long title
        ("E051", "content/deeds/mobile.md", 9, 6),         // mobile (not the allowed one)
        ("E021", "content/deeds/no-meta.md", 1, 1),        // editor
        ("E021", "content/deeds/no-meta.md", 1, 1),        // source
        ("I061", "content/deeds/review.md", 7, 9),         // waiting for review
        ("W041", "content/deeds/skip.md", 10, 1),          // heading skipped
        ("W043", "content/deeds/table.md", 8, 1),          // table without header
        ("W044", "content/deeds/vague.md", 8, 3),          // vague link text
        ("E025", "content/deeds/year.md", 4, 7),           // year vs date
        ("I030", "data/schools.yaml", 15, 3),              // school without content
        ("E053", "static/images/gps.jpg", 0, 0),           // GPS in image
    ];
    let want: Vec<(String, String, u64, u64)> = want
        .into_iter()
        .map(|(a, b, c, d)| (a.to_string(), b.to_string(), c, d))
        .collect();
    assert_eq!(got, want);
    assert!(!s.exists("public"), "check never writes public/");
}

#[test]
fn check_text_groups_by_file_and_strict_fails_on_warnings() {
    let s = Site::new(&["good"]);
    assert_ok(&s.run(&["check"]));
    std::fs::write(
        s.dir.join("content/about.md"),
        "---\ntitle: 关于\nkind: page\n---\n见[旧站](http://example.org/)。\n",
    )
    .unwrap();
    let out = s.run(&["check"]);
    assert_eq!(out.status.code(), Some(0), "warnings alone pass");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("content/about.md\n  5:2      W012"), "{text}");
    assert!(text.contains("修改建议"), "{text}");
    assert_eq!(
        s.run(&["check", "--strict"]).status.code(),
        Some(1),
        "--strict fails on warnings"
    );
}

#[test]
fn review_gate_blocks_build_and_check() {
    let s = Site::new(&["good"]);
    let cfg = s.read("site.yaml") + "check:\n  require_review: true\n";
    std::fs::write(s.dir.join("site.yaml"), cfg).unwrap();
    let out = s.build(&[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("content/brands/a.md") && stderr(&out).contains("reviewed_by"),
        "{}",
        stderr(&out)
    );
    let (_, findings) = check_json(&s, &[]);
    assert!(findings
        .iter()
        .any(|f| f["code"] == "E060" && f["file"] == "content/brands/b.md"));
    // Reviewed pages pass the gate.
    for f in walk(&s.dir.join("content")) {
        let text = std::fs::read_to_string(&f).unwrap();
        if f.file_name().unwrap() != "_index.md" {
            std::fs::write(
                &f,
                text.replacen(
                    "---\n",
                    "---\nreviewed_by: 审核人\nreview_date: 2025-01-01\n",
                    1,
                ),
            )
            .unwrap();
        }
    }
    assert_ok(&s.build(&[]));
}

#[test]
fn raw_html_is_sanitised_unless_trusted() {
    let s = Site::new(&["good"]);
    std::fs::write(s.dir.join("content/deeds/md.md"), "---\ntitle: 脚本链接\n---\n[链](javascript:alert(1)) [链2]( JaVaScRiPt:alert(1)) ![图](data:text/html,x)\n").unwrap();
    let page = "---\ntitle: 含 HTML\n---\n<p onclick=\"alert(1)\">段落</p><script>window.__xss=1</script><a href=\"javascript:alert(1)\">链</a><details><summary>摘要</summary>内容</details>\n";
    std::fs::write(s.dir.join("content/deeds/html.md"), page).unwrap();
    assert_ok(&s.build(&[]));
    let out = s.read("public/deeds/html/index.html");
    let body = &out[out.find("<div class=\"content\">").unwrap()..];
    assert!(
        !body.contains("<script>window.__xss")
            && !body.contains("onclick")
            && !body.contains("javascript:"),
        "{body}"
    );
    assert!(body.contains("<details><summary>摘要</summary>"), "{body}");
    let md = s.read("public/deeds/md/index.html");
    let md = &md[md.find("<div class=\"content\">").unwrap()..];
    assert!(
        !md.to_lowercase().contains("javascript:") && !md.contains("data:text"),
        "script URLs in Markdown links are removed: {md}"
    );
    let cfg = s.read("site.yaml") + "trust_html: true\n";
    std::fs::write(s.dir.join("site.yaml"), cfg).unwrap();
    assert_ok(&s.build(&[]));
    assert!(
        s.read("public/deeds/html/index.html")
            .contains("<script>window.__xss=1</script>"),
        "trust_html keeps raw HTML"
    );
}

#[test]
fn bad_check_settings_name_the_key() {
    let s = Site::new(&["good"]);
    let cfg = s.read("site.yaml") + "check:\n  required: {brnad: [cover], deed: [covr]}\n";
    std::fs::write(s.dir.join("site.yaml"), cfg).unwrap();
    let err = stderr(&s.build(&[]));
    assert!(
        err.contains("site.yaml:") && err.contains("brnad") && err.contains("covr"),
        "{err}"
    );
}

/// A loopback HTTP server: `/ok` answers 200, anything else 404. Counts
/// requests per path.
fn link_server() -> (
    String,
    std::sync::Arc<std::sync::Mutex<BTreeMap<String, usize>>>,
) {
    use std::io::{BufRead, Write};
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap().to_string();
    let hits = std::sync::Arc::new(std::sync::Mutex::new(BTreeMap::new()));
    let h = hits.clone();
    std::thread::spawn(move || {
        for c in l.incoming().flatten() {
            let mut r = std::io::BufReader::new(c.try_clone().unwrap());
            let mut first = String::new();
            let _ = r.read_line(&mut first);
            let mut line = String::new();
            while r.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let path = first.split(' ').nth(1).unwrap_or("").to_string();
            *h.lock().unwrap().entry(path.clone()).or_insert(0) += 1;
            let status = if path == "/ok" {
                "200 OK"
            } else {
                "404 Not Found"
            };
            let mut c = c;
            let _ = write!(
                c,
                "HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
        }
    });
    (addr, hits)
}

#[test]
fn check_external_links_with_a_cache() {
    let (addr, hits) = link_server();
    let s = Site::new(&["good"]);
    let body = format!("见[好](http://{addr}/ok)和[坏](http://{addr}/gone)。");
    let col = body[..body.find("[坏]").unwrap()].chars().count() as u64 + 1;
    std::fs::write(
        s.dir.join("content/deeds/links.md"),
        format!("---\ntitle: 外部链接\n---\n{body}\n"),
    )
    .unwrap();
    let (_, findings) = check_json(&s, &[]);
    assert!(
        !findings.iter().any(|f| f["code"] == "E013"),
        "no network without --external"
    );
    assert!(hits.lock().unwrap().is_empty());
    let (code, findings) = check_json(&s, &["--external", "--timeout", "5"]);
    assert_eq!(code, Some(1));
    let broken: Vec<_> = findings.iter().filter(|f| f["code"] == "E013").collect();
    assert_eq!(broken.len(), 1, "{findings:?}");
    assert_eq!(
        (
            broken[0]["file"].as_str(),
            broken[0]["line"].as_u64(),
            broken[0]["col"].as_u64()
        ),
        (Some("content/deeds/links.md"), Some(4), Some(col))
    );
    assert!(
        broken[0]["message"].as_str().unwrap().contains("/gone")
            && broken[0]["message"].as_str().unwrap().contains("404")
    );
    assert!(s.exists(".exemplar/link-cache.json"));
    check_json(&s, &["--external"]);
    let hits = hits.lock().unwrap();
    assert_eq!(hits.get("/ok"), Some(&1), "a working link is cached");
    assert_eq!(hits.get("/gone"), Some(&2), "a broken link is asked again");
}
