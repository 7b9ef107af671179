//! Headers as Chinese contributors type them, and drafts that never break
//! the published site (issue 14, items 4 and 5).

use crate::common::*;

fn page(s: &Site, rel: &str, header: &str) {
    s.write(rel, format!("---\n{header}---\n正文。\n"));
}

#[test]
fn dates_are_read_as_contributors_and_hexo_write_them() {
    let s = Site::new(&["base"]);
    for (i, d) in [
        "2024/5/12",
        "2024.5.12",
        "2024年5月12日",
        "2024年5月12日 9:30",
        "2013/7/13 20:46:25",
    ]
    .iter()
    .enumerate()
    {
        page(
            &s,
            &format!("content/deeds/d{i}.md"),
            &format!("title: 日期{i}\ndate: {d}\n"),
        );
    }
    assert_ok(&s.build(&[]));
    for i in 0..4 {
        let html = s.read(&format!("public/deeds/d{i}/index.html"));
        assert!(html.contains("datetime=\"2024-05-12"), "d{i}");
    }
    assert!(s
        .read("public/deeds/d4/index.html")
        .contains("datetime=\"2013-07-13T20:46:25"));
    page(
        &s,
        "content/deeds/bad.md",
        "title: 坏日期\ndate: 2024年2月30日\n",
    );
    let o = s.build(&[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("无法识别的日期 `2024年2月30日`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_chinese_comma_splits_a_list_and_check_says_so() {
    let s = Site::new(&["base"]);
    page(
        &s,
        "content/deeds/t.md",
        "title: 标签\ndate: 2024-05-12\ntags: [党建品牌，志愿服务、师德师风]\n",
    );
    assert_ok(&s.build(&[]));
    let html = s.read("public/deeds/t/index.html");
    for t in ["党建品牌", "志愿服务", "师德师风"] {
        assert!(html.contains(&format!(">{t}</a>")), "tag {t}");
    }
    let (_, findings) = check_json(&s, &[]);
    let w: Vec<_> = findings.iter().filter(|f| f["code"] == "W026").collect();
    assert_eq!(w.len(), 1, "{findings:?}");
    assert_eq!(
        (w[0]["line"].as_u64(), w[0]["col"].as_u64()),
        (Some(4), Some(12))
    );
    assert!(w[0]["message"]
        .as_str()
        .unwrap()
        .contains("党建品牌 | 志愿服务 | 师德师风"));
}

#[test]
fn a_full_width_colon_or_space_is_reported_at_its_own_line() {
    let s = Site::new(&["base"]);
    page(
        &s,
        "content/deeds/c.md",
        "title: 冒号\ndate：2024-05-12\nsummary: 好\n",
    );
    let o = s.build(&[]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("content/deeds/c.md:3:5"), "{err}");
    assert!(err.contains("全角冒号"), "{err}");
    assert!(err.contains("date: 2024-05-12"), "the fixed line: {err}");
    page(
        &s,
        "content/deeds/c.md",
        "title: 空格\ntags:\n\u{3000}- 党建\n",
    );
    let err = stderr(&s.build(&[]));
    assert!(
        err.contains("content/deeds/c.md:4:1") && err.contains("全角空格"),
        "{err}"
    );
}

#[test]
fn status_and_kind_take_their_chinese_names() {
    let s = Site::new(&["base"]);
    page(
        &s,
        "content/a.md",
        "title: 品牌\nkind: 品牌案例\nbrand: 红烛\nstatus: 发布\ndate: 2024-05-12\n",
    );
    page(&s, "content/b.md", "title: 草稿页\nstatus: 草稿\n");
    page(&s, "content/c.md", "title: 待审\nstatus: 待审核\n");
    assert_ok(&s.build(&[]));
    assert!(s.read("public/a/index.html").contains("品牌案例"));
    assert!(!s.exists("public/b/index.html") && !s.exists("public/c/index.html"));
    let o = s.run(&["new", "品牌", "新的品牌案例"]);
    assert_ok(&o);
    assert!(s
        .read("content/brands/新的品牌案例.md")
        .contains("kind: brand"));
}

#[test]
fn a_hint_names_a_key_only_when_it_is_really_close() {
    let s = Site::new(&["base"]);
    let hint = |key: &str| -> String {
        page(&s, "content/k.md", &format!("title: 键\n{key}: x\n"));
        stderr(&s.build(&[]))
    };
    let e = hint("reward");
    assert!(!e.contains("did you mean"), "reward is not year: {e}");
    let e = hint("series");
    assert!(!e.contains("did you mean"), "series is not measures: {e}");
    let e = hint("titel");
    assert!(e.contains("did you mean `title`"), "{e}");
    let e = hint("categories");
    assert!(
        e.contains("tags") && !e.contains("`category`"),
        "a peer's key: {e}"
    );
    let e = hint("permalink");
    assert!(e.contains("slug") && e.contains("aliases"), "{e}");
}

#[test]
fn a_draft_with_a_broken_header_never_breaks_the_published_site() {
    let s = Site::new(&["base"]);
    page(&s, "content/ok.md", "title: 正常\ndate: 2024-05-12\n");
    // Broken twice over: a bad date and an unknown key; still a draft.
    page(
        &s,
        "content/draft.md",
        "title: 草稿\nstatus: 草稿\ndate: 2024-13-45\nreward: x\n",
    );
    let o = s.build(&[]);
    assert_ok(&o);
    let err = stderr(&o);
    assert!(
        err.contains("content/draft.md") && err.contains("drafts skipped"),
        "{err}"
    );
    assert!(s.exists("public/ok/index.html") && !s.exists("public/draft/index.html"));
    // Where drafts count, the errors are errors.
    let o = s.build(&["--drafts"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let (code, findings) = check_json(&s, &[]);
    assert_eq!(code, Some(1));
    assert!(findings
        .iter()
        .any(|f| f["file"] == "content/draft.md" && f["severity"] == "error"));
    // A published page's broken header still fails the build.
    page(
        &s,
        "content/draft.md",
        "title: 已发布\nstatus: published\ndate: 2024-13-45\n",
    );
    assert_eq!(s.build(&[]).status.code(), Some(1));
}

#[test]
fn a_link_in_a_peers_form_is_pointed_at_its_page() {
    let s = Site::new(&["base"]);
    page(
        &s,
        "content/deeds/hugo-mod.md",
        "title: 目标\ndate: 2024-05-12\n",
    );
    page(&s, "content/brands/x.md", "title: 品牌\ndate: 2024-05-12\n");
    s.write(
        "content/deeds/from.md",
        "---\ntitle: 来源\ndate: 2024-05-12\n---\n相对路径的 [Markdown 文件](../brands/x.md) 能找到。\n",
    );
    assert_ok(&s.build(&[]));
    assert!(s
        .read("public/deeds/from/index.html")
        .contains("href=\"/jyj/ddjs/brands/x/\""));
    for (i, link) in [
        "/deeds/hugo_mod/",
        "/deeds/hugo-mod.html",
        "/Deeds/Hugo-Mod/index.html",
    ]
    .iter()
    .enumerate()
    {
        s.write(
            &format!("content/deeds/l{i}.md"),
            format!("---\ntitle: 链接{i}\ndate: 2024-05-12\n---\n见[这里]({link})。\n"),
        );
        let err = stderr(&s.build(&[]));
        assert!(
            err.contains("[E130]") && err.contains("did you mean `/deeds/hugo-mod/`"),
            "{link}: {err}"
        );
        std::fs::remove_file(s.dir.join(format!("content/deeds/l{i}.md"))).unwrap();
    }
}

#[test]
fn unrendered_peer_syntax_is_a_check_warning_outside_code() {
    let s = Site::new(&["base"]);
    s.write(
        "content/deeds/p.md",
        "---\ntitle: 同行语法\ndate: 2024-05-12\n---\n{% note info %}\n提示\n{% endnote %}\n\n{{< figure src=\"a.jpg\" >}}\n\n::: tip\n内容\n:::\n\n```\n{% raw %}在代码里不算{% endraw %}\n```\n行内代码 `{% note %}` 不算。\n",
    );
    let (_, findings) = check_json(&s, &[]);
    let lines: Vec<u64> = findings
        .iter()
        .filter(|f| f["code"] == "W046")
        .map(|f| f["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [5, 7, 9, 11, 13], "{findings:?}");
}
