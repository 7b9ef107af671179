//! The showcase's look as a visitor meets it (issue 10): what the home
//! page leads with, where a visitor can go from every page, what lists
//! and indexes say.

use crate::common::*;

/// The text between the first `start` and the next `end` after it.
fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let a = text
        .find(start)
        .unwrap_or_else(|| panic!("no {start:?} in\n{text}"));
    let b = text[a..].find(end).map(|b| a + b).unwrap_or(text.len());
    &text[a..b]
}

#[test]
fn home_leads_with_the_newest_article_with_a_cover_and_shows_it_once() {
    let s = Site::new(&["good"]);
    s.write(
        "content/deeds/lead.md",
        "---\ntitle: 头条里的事迹\ndate: 2025-06-01\nschool: alpha\ncover: /images/logo.svg\ncover_alt: 学校标志\nsubject: 某老师\ncategory: 教书育人\n---\n正文。\n",
    );
    // Newer, but without a cover: not the lead.
    s.write(
        "content/deeds/newer.md",
        "---\ntitle: 没有封面的新事迹\ndate: 2025-09-01\nsubject: 某老师\ncategory: 教书育人\n---\n正文。\n",
    );
    assert_ok(&s.build(&[]));
    let home = s.read("public/index.html");
    let lead = between(&home, r#"<article class="lead-story""#, "</article>");
    assert!(lead.contains("头条里的事迹"), "{lead}");
    assert!(lead.contains(r#"alt="学校标志""#), "{lead}");
    assert_eq!(
        home.matches("头条里的事迹").count(),
        1,
        "shown once:\n{home}"
    );
    assert!(
        home.contains("没有封面的新事迹"),
        "the other deed is listed"
    );
}

#[test]
fn every_page_reaches_the_standalone_pages_and_the_site_map() {
    let s = good();
    for page in [
        "public/index.html",
        "public/brands/a/index.html",
        "public/brands/index.html",
        "public/tags/index.html",
        "public/404.html",
    ] {
        let footer = between(&s.read(page), r#"<ul class="footer-links">"#, "</ul>").to_string();
        assert!(
            footer.contains(r#"<a href="/jyj/ddjs/about/">关于</a>"#)
                && footer.contains(r#"<a href="/jyj/ddjs/sitemap/">网站地图</a>"#),
            "{page}: {footer}"
        );
    }
    let map = s.read("public/sitemap/index.html");
    assert!(map.contains("<h1>网站地图</h1>"));
    for link in [
        r#"<a href="/jyj/ddjs/brands/">品牌案例</a>"#,
        r#"<a href="/jyj/ddjs/brands/sub/">子栏目</a>"#,
        r#"<a href="/jyj/ddjs/measures/">十五项举措</a>"#,
        r#"<a href="/jyj/ddjs/schools/alpha/">甲小学</a>"#,
        r#"<a href="/jyj/ddjs/years/2024/">2024 年</a>"#,
        r#"<a href="/jyj/ddjs/about/">关于</a>"#,
    ] {
        assert!(map.contains(link), "site map lacks {link}:\n{map}");
    }
}

#[test]
fn a_section_named_sitemap_collides_with_the_site_map_page() {
    let s = Site::new(&["good"]);
    s.write("content/sitemap/_index.md", "---\ntitle: 地图\n---\n");
    s.write("content/sitemap/x.md", "---\ntitle: 页\n---\n正文。\n");
    let o = s.build(&[]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(e.contains("E121") && e.contains("网站地图"), "{e}");
}

#[test]
fn standalone_pages_are_not_the_years_articles() {
    let s = Site::new(&["good"]);
    s.write(
        "content/about.md",
        "---\ntitle: 关于\nkind: page\ndate: 2025-01-06\n---\n关于本站。\n",
    );
    assert_ok(&s.build(&[]));
    let year = s.read("public/years/2025/index.html");
    let list = between(&year, r#"<div class="year-groups">"#, "</main>");
    assert!(list.contains("甲小学清廉学校建设"));
    assert!(!list.contains("关于"), "{list}");
    assert!(year.contains("共 1 篇"), "{year}");
}

#[test]
fn reading_time_is_off_unless_the_site_turns_it_on() {
    let s = good();
    assert!(!s.read("public/brands/a/index.html").contains("阅读约"));
    let s = Site::new(&["good"]);
    let cfg = s.read("site.yaml");
    s.write("site.yaml", format!("{cfg}reading_time: true\n"));
    assert_ok(&s.build(&[]));
    assert!(s
        .read("public/brands/a/index.html")
        .contains("<dt>阅读约</dt><dd>1 分钟</dd>"));
}

#[test]
fn breadcrumbs_start_at_home_on_articles_sections_and_indexes() {
    let s = good();
    for (page, trail) in [
        (
            "public/brands/a/index.html",
            "首页 › 品牌案例 › 甲小学“红烛”品牌",
        ),
        ("public/brands/sub/index.html", "首页 › 品牌案例 › 子栏目"),
        ("public/brands/index.html", "首页 › 品牌案例"),
        ("public/years/index.html", "首页 › 年度汇编"),
        ("public/schools/index.html", "首页 › 学校"),
        ("public/measures/index.html", "首页 › 十五项举措"),
    ] {
        let html = s.read(page);
        let nav = between(&html, r#"<nav class="breadcrumb""#, "</nav>");
        let words: Vec<String> = nav
            .split("<li>")
            .skip(1)
            .map(|li| {
                let mut t = String::new();
                let mut tag = false;
                for c in li.chars() {
                    match c {
                        '<' => tag = true,
                        '>' => tag = false,
                        c if !tag => t.push(c),
                        _ => {}
                    }
                }
                t.trim().to_string()
            })
            .collect();
        assert_eq!(words.join(" › "), trail, "{page}");
    }
}

#[test]
fn lists_say_what_they_count_and_cards_do_not_repeat_their_section() {
    let s = good();
    let brands = s.read("public/brands/index.html");
    assert!(brands.contains("共 3 篇"), "{brands}");
    assert!(brands.contains("第 1 页，共 2 页"), "{brands}");
    let cards = between(&brands, r#"<ul class="cards">"#, "</ul>");
    assert!(
        !cards.contains("品牌案例"),
        "section label repeated: {cards}"
    );
    // A year's index groups its exemplars by kind.
    let year = s.read("public/years/2025/index.html");
    assert!(
        year.contains(r#"<h2 id="kind-clean">清廉学校 <span class="n">1 篇</span></h2>"#),
        "{year}"
    );
    let years = s.read("public/years/index.html");
    assert!(years.contains("共 "), "{years}");
    assert!(
        years.contains(r#"<span class="term-name">2025 年</span><span class="n">1 篇</span>"#),
        "{years}"
    );
    let school = s.read("public/schools/alpha/index.html");
    assert!(
        school.contains("2 篇（品牌案例 1、清廉学校 1）"),
        "{school}"
    );
}
