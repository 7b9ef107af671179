//! The search index (issue 12): written by every build, kept in the cache
//! while nothing it depends on changes, made again when a page changes,
//! and its folder reserved.

use crate::common::*;

/// Every term of the index with the shard file it is in.
fn shards(s: &Site) -> String {
    let mut all = String::new();
    for (name, bytes) in s.snapshot("public/search/index/s") {
        all.push_str(&format!("{name}: {}\n", String::from_utf8(bytes).unwrap()));
    }
    all
}

#[test]
fn the_index_holds_every_page_and_follows_an_edit() {
    let s = good();
    for f in [
        "public/search/index.html",
        "public/search/index/meta.js",
        "public/search/index/docs.js",
        "public/js/search.js",
    ] {
        assert!(s.exists(f), "{f}");
    }
    let meta = s.read("public/search/index/meta.js");
    assert!(meta.contains("\"n\":7"), "seven published pages: {meta}");
    let index = shards(&s);
    // Pairs of the brand's title, a word and a lone character at a run's edge.
    for term in ["\"红烛\"", "\"小学\"", "\"results\"", "\"2024\""] {
        assert!(index.contains(term), "{term} not indexed");
    }
    assert!(!index.contains("草稿"), "drafts are not indexed");
    let home = s.read("public/index.html");
    assert!(
        home.contains(r#"<form class="header-search" action="/jyj/ddjs/search/""#),
        "search box in the header"
    );
    // A second build with nothing changed keeps the same index.
    let before = s.snapshot("public/search/index");
    let cache = s.snapshot(".exemplar-cache/search");
    assert_ok(&s.build(&[]));
    assert_eq!(s.snapshot("public/search/index"), before);
    assert_eq!(s.snapshot(".exemplar-cache/search"), cache);
    // An edit to a body is in the next index.
    s.write(
        "content/deeds/中文名.md",
        s.read("content/deeds/中文名.md")
            .replace("事迹正文。", "事迹正文。送教上门十一年。"),
    );
    assert_ok(&s.build(&[]));
    assert!(shards(&s).contains("\"送教\""), "the edit is indexed");
    let dirs = std::fs::read_dir(s.dir.join(".exemplar-cache/search"))
        .unwrap()
        .count();
    assert_eq!(dirs, 1, "the old index is removed from the cache");
}

#[test]
fn the_index_folder_is_reserved() {
    let s = Site::new(&["good"]);
    s.write("static/search/index/x.js", "x");
    let out = s.build(&[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("留给搜索索引"), "{}", stderr(&out));
    // The same rule, with the file named, for the photos' folder, and in
    // the publishing gate too.
    s.write("static/_img/y.txt", "y");
    let out = s.build(&[]);
    let err = stderr(&out);
    assert!(
        err.contains("static/_img/y.txt") && err.contains("留给处理后的图片"),
        "{err}"
    );
    assert!(err.contains("static/search/index/x.js"), "{err}");
    let (code, findings) = check_json(&s, &[]);
    assert_eq!(code, Some(1));
    assert!(
        findings
            .iter()
            .any(|f| f["message"].as_str().unwrap_or("").contains("留给搜索索引")),
        "{findings:?}"
    );
}

/// The preview patches its index after a body edit (only the touched
/// terms and shards); a pasted long text that grows the index past a
/// shard-count boundary, and its removal, must still give a full build's
/// bytes.
#[test]
fn preview_index_equals_a_build_when_a_pasted_text_changes_the_shard_count() {
    use crate::random_edits::{engine, files};
    let s = good();
    let index = |e: &exemplar::serve::engine::Engine| {
        files(e)
            .into_iter()
            .filter(|(k, _)| k.starts_with("search/index/"))
            .collect::<std::collections::BTreeMap<_, _>>()
    };
    let shard_count = |files: &std::collections::BTreeMap<String, Vec<u8>>| {
        let meta = String::from_utf8(files["search/index/meta.js"].clone()).unwrap();
        let at = meta.find("\"shards\":").unwrap() + 9;
        meta[at..]
            .split(',')
            .next()
            .unwrap()
            .parse::<usize>()
            .unwrap()
    };
    let page = "content/deeds/中文名.md";
    let original = s.read(page);
    // Thousands of different CJK pairs, as from a pasted long report.
    let mut x: u32 = 12345;
    let pasted: String = (0..40_000)
        .map(|_| {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            char::from_u32(0x4E00 + (x >> 16) % 3000).unwrap()
        })
        .collect();
    let mut e = engine(&s.dir);
    let before = shard_count(&index(&e));
    let mut counts = vec![before];
    for text in [original.replace("事迹正文。", &pasted), original.clone()] {
        s.write(page, &text);
        e.update(&[s.dir.join(page)]);
        let (got, want) = (index(&e), index(&engine(&s.dir)));
        assert_eq!(
            got.keys().collect::<Vec<_>>(),
            want.keys().collect::<Vec<_>>()
        );
        for (k, v) in &got {
            assert!(*v == want[k], "{k} differs from a full build");
        }
        counts.push(shard_count(&got));
    }
    assert!(
        counts[1] > counts[0],
        "the paste grows the index: {counts:?}"
    );
    assert_eq!(
        counts[2], counts[0],
        "and its removal shrinks it: {counts:?}"
    );
}

/// A build after an edit patches the cached index when the pages keep
/// their order (only the edited page's fragment and the touched shards
/// are new files; the rest keep their inodes), and a build that changes
/// the order makes it whole; either way the index is byte for byte what a
/// build without any cache makes.
#[test]
fn a_build_after_an_edit_patches_the_index_and_equals_a_whole_build() {
    use std::os::unix::fs::MetadataExt;
    let s = good();
    // Enough pages that an edited page's record first goes to the parts'
    // overlay (`newer.bin`) and is folded into `pages.bin` later.
    for i in 0..16 {
        s.write(
            &format!("content/deeds/extra-{i}.md"),
            format!("---\ntitle: 第{i}位志愿者\ndate: 2023-05-{:02}\nschool: alpha\n---\n第{i}篇事迹：周末到社区开展志愿服务。\n", i + 1),
        );
    }
    assert_ok(&s.build(&[]));
    let inodes = || -> std::collections::BTreeMap<String, u64> {
        walk(&s.dir.join("public/search/index"))
            .into_iter()
            .map(|p| {
                (
                    p.to_string_lossy().into_owned(),
                    std::fs::metadata(&p).unwrap().ino(),
                )
            })
            .collect()
    };
    let page = "content/deeds/中文名.md";
    let original = s.read(page);
    let extra = |i: usize| format!("content/deeds/extra-{i}.md");
    let edits = [
        // body, title, tags: the order stays, so the index is patched.
        (
            page.to_string(),
            original.replace("事迹正文。", "事迹正文。送教上门十一年，风雨无阻。"),
            true,
        ),
        (
            extra(3),
            s.read(&extra(3)).replace("志愿服务", "送教上门"),
            true,
        ),
        (
            extra(5),
            s.read(&extra(5)).replace("title: 第5位", "title: 第五位"),
            true,
        ),
        (
            page.to_string(),
            original.replace("title: 扎根乡村的老师", "title: 扎根山村的好老师"),
            true,
        ),
        (
            page.to_string(),
            original.replace("tags: [模范教师]", "tags: [模范教师, 志愿服务]"),
            true,
        ),
        // A new date moves the page: the index is made whole.
        (
            page.to_string(),
            original.replace("date: 2024-09-01", "date: 2021-03-01"),
            false,
        ),
    ];
    let mut overlay_sizes = Vec::new();
    for (k, (file, text, kept_order)) in edits.into_iter().enumerate() {
        let before = inodes();
        s.write(&file, &text);
        assert_ok(&s.build(&[]));
        let after = inodes();
        // Fragments renewed: the edited page's alone when patched.
        let renewed = before
            .iter()
            .filter(|(f, ino)| f.contains("/f/") && after.get(*f) != Some(ino))
            .count();
        assert_eq!(
            renewed == 1,
            kept_order,
            "edit {k}: {renewed} fragments renewed"
        );
        let parts = walk(&s.dir.join(".exemplar-cache/search"))
            .into_iter()
            .filter(|p| p.ends_with("parts/newer.bin"))
            .map(|p| std::fs::metadata(p).unwrap().len())
            .collect::<Vec<_>>();
        overlay_sizes.push(parts.first().copied().unwrap_or(0));
        // The same site without a cache.
        let whole = format!("whole-{k}");
        let (cache, kept) = (s.dir.join(".exemplar-cache/search"), s.dir.join("kept"));
        std::fs::rename(&cache, &kept).unwrap();
        assert_ok(&s.build(&["-o", &whole]));
        std::fs::remove_dir_all(&cache).unwrap();
        std::fs::rename(&kept, &cache).unwrap();
        let (got, want) = (
            s.snapshot("public/search/index"),
            s.snapshot(&format!("{whole}/search/index")),
        );
        assert_eq!(
            got.keys().collect::<Vec<_>>(),
            want.keys().collect::<Vec<_>>(),
            "edit {k}"
        );
        for (f, bytes) in &got {
            assert!(
                *bytes == want[f],
                "edit {k}: {f} differs from a whole build"
            );
        }
    }
    // The overlay held the first edits' records, then was folded.
    assert!(overlay_sizes[0] > 0, "{overlay_sizes:?}");
    assert!(overlay_sizes[1..5].contains(&0), "{overlay_sizes:?}");
}

/// A build stopped in the middle of patching the index (power cut, kill)
/// leaves the cached index renamed aside, unmarked as complete and half
/// rewritten. The next build must not trust it: it makes the index again,
/// byte for byte a build without a cache, and clears the leftover away.
#[test]
fn an_index_patch_cut_off_midway_is_not_trusted_by_the_next_build() {
    let s = good();
    assert_ok(&s.build(&[]));
    let cache = s.dir.join(".exemplar-cache/search");
    let index = std::fs::read_dir(&cache)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| !p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .expect("a cached index");
    // What `patched` leaves when it stops after the rename.
    let left = cache.join(".updating-99999");
    std::fs::rename(&index, &left).unwrap();
    std::fs::remove_file(left.join(".complete")).unwrap();
    for shard in walk(&left.join("s")) {
        std::fs::write(&shard, "EXS.s(0,{\"半\":\"\"});\n").unwrap();
    }
    s.write(
        "content/deeds/中文名.md",
        s.read("content/deeds/中文名.md")
            .replace("事迹正文。", "事迹正文。送教上门十一年。"),
    );
    assert_ok(&s.build(&[]));
    assert!(!left.exists(), "the leftover is cleared away");
    assert!(shards(&s).contains("\"送教\""), "the edit is indexed");
    let kept = s.dir.join("kept");
    std::fs::rename(&cache, &kept).unwrap();
    assert_ok(&s.build(&["-o", "whole"]));
    let (got, want) = (
        s.snapshot("public/search/index"),
        s.snapshot("whole/search/index"),
    );
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        want.keys().collect::<Vec<_>>()
    );
    for (f, bytes) in &got {
        assert!(
            *bytes == want[f],
            "{f} differs from a build without a cache"
        );
    }
}

/// `search: false` in site.yaml leaves out the index, the search page and
/// the header's box, in a build and in the preview; turned on again, all
/// three are back.
#[test]
fn a_site_can_turn_search_off() {
    use crate::random_edits::{engine, files};
    let s = good();
    let on = s.read("site.yaml");
    s.write("site.yaml", format!("{on}\nsearch: false\n"));
    assert_ok(&s.build(&[]));
    assert!(!s.exists("public/search"), "no search page, no index");
    assert!(
        !s.exists("public/js/search.js"),
        "no script for a page not made"
    );
    let home = s.read("public/index.html");
    assert!(!home.contains("header-search"), "no box in the header");
    assert!(
        !home.contains("search/\""),
        "nothing links to the page not made: no 搜索 in the navigation"
    );
    assert!(s.exists("public/deeds/index.html"), "the rest is built");
    let mut e = engine(&s.dir);
    assert!(e.errors.is_empty(), "{:?}", e.errors);
    let served = files(&e);
    assert!(
        !served.keys().any(|k| k.starts_with("search/")),
        "the preview has no search either"
    );
    // On again: the preview and the build have the index back.
    s.write("site.yaml", &on);
    e.update(&[std::path::PathBuf::from("site.yaml")]);
    assert!(files(&e).contains_key("search/index/meta.js"));
    // Off again while the preview runs: its index and page are dropped.
    s.write("site.yaml", format!("{on}\nsearch: false\n"));
    e.update(&[std::path::PathBuf::from("site.yaml")]);
    assert!(
        !files(&e).keys().any(|k| k.starts_with("search/")),
        "turned off in a running preview"
    );
    assert!(
        !files(&e).contains_key("js/search.js"),
        "nor its script in a running preview"
    );
    let home = String::from_utf8_lossy(&files(&e)["index.html"]).into_owned();
    assert!(
        !home.contains("search/\""),
        "nor a 搜索 link in a running preview's navigation"
    );
    // A site's own file at that path is its own: kept.
    s.write("static/js/search.js", "// the site's own\n");
    assert_ok(&s.build(&[]));
    assert_eq!(s.read("public/js/search.js"), "// the site's own\n");
    std::fs::remove_file(s.dir.join("static/js/search.js")).unwrap();
    s.write("site.yaml", &on);
    assert_ok(&s.build(&[]));
    assert!(s.exists("public/search/index/meta.js"));
    assert!(s.exists("public/js/search.js"));
    assert!(s.read("public/index.html").contains("header-search"));
    assert!(
        s.read("public/index.html")
            .contains("<li><a href=\"/jyj/ddjs/search/\">搜索</a></li>"),
        "搜索 is in the navigation again"
    );
}

#[test]
fn a_body_that_needs_normalising_is_indexed_normalised() {
    // Upper-case accented letters and a ligature are not their own NFKC
    // lower case: the page's one-pass cut stops and its text is cut
    // normalised instead, the terms before the stop included once.
    let s = good();
    s.write(
        "content/deeds/中文名.md",
        s.read("content/deeds/中文名.md").replace(
            "事迹正文。",
            // Past the summary's 120 characters, which are cut apart.
            &format!(
                "事迹正文。{}\n\n送教上门 ÉCOLE ﬁle 结对帮扶。",
                "乡村教育。".repeat(40)
            ),
        ),
    );
    assert_ok(&s.build(&[]));
    let index = shards(&s);
    for term in ["\"送教\"", "\"école\"", "\"file\"", "\"帮扶\""] {
        assert!(index.contains(term), "{term} not indexed");
    }
    for raw in ["ÉCOLE", "ﬁle"] {
        assert!(!index.contains(raw), "{raw} indexed as written");
    }
    // The edit was patched into the index: the same as a whole build.
    let built = s.snapshot("public/search/index");
    std::fs::remove_dir_all(s.dir.join(".exemplar-cache")).unwrap();
    std::fs::remove_dir_all(s.dir.join("public")).unwrap();
    assert_ok(&s.build(&[]));
    assert_eq!(s.snapshot("public/search/index"), built);
}
