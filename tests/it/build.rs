//! build: pages, lists, URLs, bad input, new and init.

use crate::common::*;

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
    // A relative image in the body resolves like a link: under the sub-path,
    // checked to exist.
    assert!(
        page.contains(r#"<img src="/jyj/ddjs/brands/bundle/photo.svg" alt="示意图""#),
        "{page}"
    );
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
    golden("good-brand-a.html", &s.read("public/brands/a/index.html"));
}

/// Lists, pagers, terms, profiles, feeds and the sitemap: reviewed once,
/// failing on any change.
#[test]
fn golden_lists_feeds_and_sitemap() {
    let s = good();
    for (out, name) in [
        ("public/brands/index.html", "good-brands-list.html"),
        ("public/brands/page/2/index.html", "good-brands-page-2.html"),
        ("public/tags/党建品牌/index.html", "good-tag-term.html"),
        ("public/schools/alpha/index.html", "good-school-alpha.html"),
        ("public/atom.xml", "good-atom.xml"),
        ("public/brands/atom.xml", "good-brands-atom.xml"),
        ("public/sitemap.xml", "good-sitemap.xml"),
        ("public/sitemap/index.html", "good-site-map.html"),
    ] {
        golden(name, &s.read(out));
    }
}

/// One bad-input fixture: exit 1, message names file:line:col, and an
/// existing public/ is left byte-identical.
fn bad(case: &str, location: &str, words: &[&str]) -> String {
    let s = Site::new(&["base", &format!("bad/{case}")]);
    std::fs::create_dir_all(s.dir.join("public/old")).unwrap();
    std::fs::write(s.dir.join("public/old/index.html"), "previous build").unwrap();
    std::fs::write(s.dir.join("public/.exemplar-output"), "a previous build").unwrap();
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
    bad(
        "bad-measure",
        "content/brands/a.md:3:11",
        &["16", "data/measures.yaml"],
    );
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
    let o = Command::new(bin())
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

/// The plan's numbers come from data/ (built in when absent): another
/// county sets its own measures and targets.
#[test]
fn measures_and_targets_come_from_data_files() {
    let s = good();
    let home = s.read("public/index.html");
    assert!(
        home.contains("目标 80%"),
        "the plan's 2025 规范型 target, built in"
    );
    s.write(
        "data/targets.yaml",
        "clean_schools:\n  - {year: 2030, 引领型: 11, 规范型: 22, 提升型: 33}\n",
    );
    let mut measures = exemplar::parse::registry::DEFAULT_MEASURES.to_string();
    measures.push_str("  - id: 6\n    title: 本县特色\n    measures:\n      - id: 16\n        title: 第十六项举措\n");
    s.write("data/measures.yaml", measures);
    s.write(
        "content/deeds/extra.md",
        "---\ntitle: 第十六项\ndate: 2024-01-02\nmeasures: [16]\n---\n正文\n",
    );
    assert_ok(&s.build(&[]));
    let dashboard = s.read("public/progress/index.html");
    assert!(
        dashboard.contains("2030 年：") && dashboard.contains("目标 22%"),
        "own targets"
    );
    assert!(
        !dashboard.contains("目标 80%"),
        "the built-in ones are replaced"
    );
    assert!(s.exists("public/measures/16/index.html"), "a 16th measure");
    for (bad, words) in [
        (
            "  - {year: 2030, 引领型: 50, 规范型: 20, 提升型: 90}\n",
            "逐级不减",
        ),
        (
            "  - {year: 2030, 引领型: 10, 规范型: 20, 提升型: 120}\n",
            "0–100",
        ),
        (
            "  - {year: 2030, 引领型: 10, 规范型: 20, 优秀型: 90}\n",
            "优秀型",
        ),
    ] {
        s.write(
            "data/targets.yaml",
            format!("# 目标\nclean_schools:\n{bad}"),
        );
        let out = s.build(&[]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{bad}: {err}");
        assert!(
            err.contains("data/targets.yaml:3:") && err.contains("E141") && err.contains(words),
            "{bad}: {err}"
        );
    }
}

/// Long work shows its stage and count on a terminal, and nothing when the
/// output is not a terminal or with --quiet; the summary line stays.
#[test]
fn progress_shows_on_a_terminal_only() {
    let s = Site::new(&["base"]);
    for i in 0..500 {
        s.write(
            &format!("content/deeds/d{i}.md"),
            format!(
                "---\ntitle: 事迹{i}\ndate: 2024-01-01\n---\n{}\n",
                "正文。".repeat(40)
            ),
        );
    }
    let on_tty = |extra: &str| {
        // Shown from the start here; a second is the default.
        let out = Command::new("script")
            .args(["-qec", &format!("{} build {extra}", bin()), "/dev/null"])
            .env("EXEMPLAR_PROGRESS_DELAY_MS", "0")
            .current_dir(&s.dir)
            .output()
            .expect("script(1) from util-linux");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let shown = on_tty("");
    assert!(shown.contains("已构建 500 个页面"), "summary: {shown}");
    assert!(
        shown.contains("生成 render") && shown.contains("ETA"),
        "stage and count on a terminal: {shown}"
    );
    let quiet = on_tty("--quiet");
    assert!(quiet.contains("已构建 500 个页面"), "{quiet}");
    assert!(!quiet.contains("生成 render"), "--quiet: {quiet}");
    let piped = Command::new(bin())
        .arg("build")
        .env("EXEMPLAR_PROGRESS_DELAY_MS", "0")
        .current_dir(&s.dir)
        .output()
        .unwrap();
    assert_ok(&piped);
    let err = stderr(&piped);
    assert!(
        !err.contains("生成 render") && err.contains("已构建"),
        "{err}"
    );
}

#[test]
fn a_broken_ui_strings_file_names_the_file_and_line() {
    let s = Site::new(&[]);
    assert_ok(&s.run(&["init", "mysite"]));
    s.write(
        "mysite/themes/default/i18n/zh-CN.yaml",
        "home: 首页\nschools: [未闭合\n",
    );
    let o = s.run(&["build", "--root", "mysite"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("themes/default/i18n/zh-CN.yaml:2:10") && err.contains("E142"),
        "{err}"
    );
    assert!(!s.exists("mysite/public/index.html"));
}

/// The body cache (`.exemplar-cache/bodies/`): a rebuild takes unchanged
/// bodies from it, and never an outdated one.
#[test]
fn body_cache_serves_unchanged_pages_and_never_an_outdated_one() {
    let s = Site::new(&["good"]);
    let page = "public/brands/a/index.html";
    assert_ok(&s.build(&[]));
    assert!(s.exists(".exemplar-cache/bodies/index.json"));
    let first = s.snapshot("public");
    // Nothing changed: the same site, byte for byte.
    assert_ok(&s.build(&[]));
    assert_eq!(s.snapshot("public"), first);
    // A body edit shows.
    let a = s.read("content/brands/a.md");
    s.write(
        "content/brands/a.md",
        a.replace("第一段文字。", "改过的第一段。"),
    );
    assert_ok(&s.build(&[]));
    assert!(s.read(page).contains("改过的第一段。"));
    // Where a link leads is part of the key: a link to a page that is
    // gone is reported, not served from the cache.
    s.write(
        "content/brands/a.md",
        s.read("content/brands/a.md")
            .replace("改过的第一段。", "见[乙](@/brands/b.md)。"),
    );
    assert_ok(&s.build(&[]));
    assert!(s.read(page).contains(r#"href="/jyj/ddjs/brands/b/""#));
    let b = s.read("content/brands/b.md");
    std::fs::remove_file(s.dir.join("content/brands/b.md")).unwrap();
    let o = s.build(&[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("content/brands/a.md"), "{}", stderr(&o));
    s.write("content/brands/b.md", b);
    // A damaged cache is a miss, never a damaged page.
    assert_ok(&s.build(&[]));
    let good = s.snapshot("public");
    let bin = s.dir.join(".exemplar-cache/bodies/bodies.bin");
    let mut bytes = std::fs::read(&bin).unwrap();
    for b in bytes.iter_mut() {
        *b ^= 0x5a;
    }
    std::fs::write(&bin, bytes).unwrap();
    assert_ok(&s.build(&[]));
    assert_eq!(s.snapshot("public"), good);
    // Trusting raw HTML changes what a body becomes.
    s.write(
        "content/brands/a.md",
        s.read("content/brands/a.md") + "\n<div class=\"raw\" onclick=\"x()\">原样</div>\n",
    );
    assert_ok(&s.build(&[]));
    assert!(!s.read(page).contains("onclick"));
    let cfg = s.read("site.yaml");
    s.write("site.yaml", format!("{cfg}trust_html: true\n"));
    assert_ok(&s.build(&[]));
    assert!(
        s.read(page).contains("onclick"),
        "trust_html must reach the cached body"
    );
}

/// `<name@host>` in a body is an e-mail link, not a page of the site
/// (it was reported as a broken link).
#[test]
fn an_email_autolink_is_a_mailto_link_not_a_broken_page() {
    let s = Site::new(&["good"]);
    s.write(
        "content/contact.md",
        "---\ntitle: 联系\nkind: page\n---\n来信请寄 <office@example.org>。\n",
    );
    assert_ok(&s.build(&[]));
    assert!(s
        .read("public/contact/index.html")
        .contains(r#"<a href="mailto:office@example.org">office@example.org</a>"#));
}
