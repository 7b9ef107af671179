//! trust: nothing a contributor writes can escape the output folder, run
//! script, take the machine down or destroy data. Each test is named after
//! what broke; each hostile input stands on a page of its own, so one
//! payload cannot hide another.

use crate::common::*;

/// A copy of the `base` fixture (site.yaml, registry, home page).
fn base() -> Site {
    Site::new(&["base"])
}

fn page(title: &str, extra_header: &str, body: &str) -> String {
    format!("---\ntitle: {title}\ndate: 2024-03-01\n{extra_header}---\n{body}\n")
}

/// Run the binary; exit code, stderr, and peak memory (KiB) of the child,
/// read from /proc while it runs (a process that explodes is seen doing
/// it; `wait4`'s figure would include this test process, which the child
/// is forked from).
fn measured(s: &Site, args: &[&str]) -> (i32, String, u64) {
    use std::io::Read;
    let mut child = Command::new(bin())
        .args(args)
        .current_dir(&s.dir)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak = 0u64;
    let code = loop {
        if let Ok(text) = std::fs::read_to_string(&status_file) {
            if let Some(kib) = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            {
                peak = peak.max(kib);
            }
        }
        if let Some(st) = child.try_wait().unwrap() {
            break st.code().unwrap_or(-1);
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    };
    (code, reader.join().unwrap(), peak)
}

// ------------------------------------------------------------ 1. escape

#[test]
fn alias_with_dot_dot_cannot_write_outside_the_output() {
    let s = base();
    let outside = s.dir.join("../outside-alias-target");
    let _ = std::fs::remove_dir_all(&outside);
    s.write(
        "content/deeds/a.md",
        page(
            "别名越界",
            "aliases: [\"../../../../outside-alias-target/x/index.html\"]\n",
            "正文",
        ),
    );
    let out = s.build(&[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("content/deeds/a.md:4:"), "{err}");
    assert!(err.contains("E120"), "{err}");
    assert!(
        err.contains("outside-alias-target"),
        "names the value: {err}"
    );
    assert!(!outside.exists(), "wrote outside the output");
    assert!(!s.exists("public"), "no partial public/");
    let (code, findings) = check_json(&s, &[]);
    assert_eq!(code, Some(1));
    assert!(
        findings.iter().any(|f| f["code"] == "E120"),
        "check reports it too: {findings:?}"
    );
}

#[test]
fn file_names_with_backslashes_or_dots_cannot_become_outputs() {
    for (i, name) in [
        "static/a\\..\\..\\x.css",
        "content/deeds/b/c\\..\\..\\x.png",
    ]
    .iter()
    .enumerate()
    {
        let s = base();
        if i == 1 {
            s.write("content/deeds/b/index.md", page("包", "", "正文"));
        }
        s.write(name, "x");
        let out = s.build(&[]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{name}: {err}");
        assert!(err.contains("E120") && err.contains('\\'), "{name}: {err}");
    }
}

// ------------------------------------------------------------ 2. collisions

#[test]
fn page_on_a_pager_path_collides_with_the_pager() {
    let s = base();
    for i in 0..3 {
        s.write(
            &format!("content/deeds/d{i}.md"),
            page(&format!("事迹{i}"), "", "正文"),
        );
    }
    s.write("content/deeds/page/2.md", page("冒名的第二页", "", "正文"));
    let out = s.build(&[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("E121"), "{err}");
    assert!(
        err.contains("content/deeds/page/2.md") && err.contains("栏目列表第 2 页"),
        "names both sources: {err}"
    );
}

#[test]
fn aliases_on_generated_files_collide_one_per_page() {
    // Each alias on a page of its own: each must be reported.
    let targets = [
        "/404.html",
        "/atom.xml/",
        "/sitemap.xml/",
        "/schools/alpha/",
        "/tags/党建/",
        "/deeds/",
    ];
    let s = base();
    for (i, t) in targets.iter().enumerate() {
        s.write(
            &format!("content/deeds/p{i}.md"),
            page(
                &format!("别名{i}"),
                &format!("tags: [党建]\nschool: alpha\naliases: [\"{t}\"]\n"),
                "正文",
            ),
        );
    }
    let out = s.build(&[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    for (i, t) in targets.iter().enumerate() {
        assert!(
            err.contains(&format!("content/deeds/p{i}.md:6:")),
            "alias {t} not reported:\n{err}"
        );
    }
    let (_, findings) = check_json(&s, &[]);
    let collisions = findings.iter().filter(|f| f["code"] == "E121").count();
    assert_eq!(collisions, targets.len(), "{findings:?}");
}

#[test]
fn static_file_on_a_page_path_collides() {
    let s = base();
    s.write("content/deeds/x.md", page("页面", "", "正文"));
    s.write("static/deeds/x/index.html", "<p>static</p>");
    let out = s.build(&[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("E121") && err.contains("static/deeds/x/index.html"),
        "{err}"
    );
}

#[test]
fn serve_reports_collisions_like_build() {
    use exemplar::serve::engine::{Engine, Options};
    let s = base();
    s.write(
        "content/deeds/a.md",
        page("别名", "aliases: [/404.html]\n", "正文"),
    );
    let e = Engine::start(Options {
        root: s.dir.clone(),
        drafts: true,
        base_url: "http://127.0.0.1:4000/".into(),
        inject: String::new(),
    })
    .unwrap();
    assert!(
        e.errors
            .iter()
            .any(|d| d.code == "E121" && d.file == "content/deeds/a.md"),
        "{:?}",
        e.errors
    );
}

// ------------------------------------------------------------ 3. script

/// Payloads that need no raw HTML, each on a page of its own.
const MARKDOWN_PAYLOADS: &[&str] = &[
    "## 标题 {onfocus=alert(1) tabindex=0 autofocus}",
    "## 标题 {#x onmouseover=alert(1)}",
    "### 小标题 {.c style=\"position:fixed;inset:0\" onclick=alert(1)}",
    "[链接](javascript:alert(1))",
    "![图](javascript:alert(1))",
    "[数据](data:text/html,<script>alert(1)</script>)",
];

#[test]
fn markdown_alone_cannot_carry_script_each_payload_alone() {
    for (i, payload) in MARKDOWN_PAYLOADS.iter().enumerate() {
        let s = base();
        s.write(
            &format!("content/deeds/p{i}.md"),
            page(&format!("载荷{i}"), "", payload),
        );
        let out = s.build(&[]);
        assert_ok(&out);
        let html = s.read(&format!("public/deeds/p{i}/index.html"));
        // The article's body: from the page title to the end of main.
        let main = &html[html.find("<h1").unwrap()..html.find("</main>").unwrap()];
        for bad in [
            "onfocus",
            "onmouseover",
            "onclick",
            "autofocus",
            "tabindex",
            "javascript:",
            "data:text",
            "position:fixed",
        ] {
            assert!(
                !main.contains(bad),
                "payload {payload:?} left {bad}:\n{main}"
            );
        }
    }
}

// ------------------------------------------------------------ 4. memory

/// `a0: &a0 [x × 9]`, then each level nine aliases of the one before: a
/// few kilobytes that expand to billions of nodes.
fn alias_bomb(levels: usize, indent: &str) -> String {
    let mut y = format!("{indent}a0: &a0 [{}]\n", ["x"; 9].join(", "));
    for i in 1..levels {
        let refs = vec![format!("*a{}", i - 1); 9].join(", ");
        y.push_str(&format!("{indent}a{i}: &a{i} [{refs}]\n"));
    }
    y
}

#[test]
fn yaml_alias_bomb_in_a_header_is_refused_at_the_alias_in_bounded_memory() {
    // Just under the header size limit: refused at the first alias.
    // The reported 80 KB one: refused for its size. Each on its own page.
    for (size, at, words) in [
        (60 * 1024, "content/deeds/bomb.md:4:", "*a0"),
        (80 * 1024, "content/deeds/bomb.md:2:", "64 KiB"),
    ] {
        let s = base();
        let mut header = alias_bomb(12, "");
        while header.len() < size {
            header.push_str("# padding to make the header as large as a reported one\n");
        }
        s.write(
            "content/deeds/bomb.md",
            format!("---\ntitle: 炸弹\n{header}---\n正文\n"),
        );
        let (code, err, peak_kib) = measured(&s, &["build"]);
        assert_eq!(code, 1, "{err}");
        assert!(
            err.contains(at) && err.contains("E103") && err.contains(words),
            "{err}"
        );
        assert!(peak_kib < 100 * 1024, "peak memory {peak_kib} KiB");
        let (code, _, peak_kib) = measured(&s, &["check"]);
        assert_eq!(code, 1);
        assert!(peak_kib < 100 * 1024, "check: peak memory {peak_kib} KiB");
    }
}

#[test]
fn yaml_alias_bomb_in_data_is_refused_in_bounded_memory() {
    let s = base();
    s.write(
        "data/measures.yaml",
        format!("{}groups: []\n", alias_bomb(12, "")),
    );
    let (code, err, peak_kib) = measured(&s, &["build"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("data/measures.yaml:") && err.contains("E103"),
        "{err}"
    );
    assert!(peak_kib < 100 * 1024, "peak memory {peak_kib} KiB");
}

#[test]
fn oversized_header_is_refused() {
    let s = base();
    let big = format!("summary: \"{}\"\n", "长".repeat(30_000));
    s.write("content/deeds/big.md", page("大头部", &big, "正文"));
    let out = s.build(&[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("E103") && err.contains("content/deeds/big.md"),
        "{err}"
    );
}

// ------------------------------------------------------------ 5. cost

#[test]
fn many_broken_links_on_one_long_line_are_reported_briefly_in_bounded_memory() {
    let s = base();
    let line: String = (0..2000)
        .map(|i| format!("文字{i}[断链](/missing/{i}/) "))
        .collect::<String>()
        .repeat(20);
    assert!(line.len() > 1_000_000);
    s.write("content/deeds/long.md", page("长行", "", &line));
    let (code, err, peak_kib) = measured(&s, &["build"]);
    assert_eq!(code, 1);
    assert!(err.len() < 64 * 1024, "stderr is {} bytes", err.len());
    assert!(
        err.contains("content/deeds/long.md:5:"),
        "{}",
        &err[..2000.min(err.len())]
    );
    assert!(err.contains("还有 39980 处"), "the rest are counted");
    assert!(peak_kib < 200 * 1024, "peak memory {peak_kib} KiB");
    let out = s.run(&["check", "--format", "json"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.lines().count() < 30,
        "check caps repeated findings too"
    );
    assert!(text.contains("39980"), "{text}");
}

// ------------------------------------------------------------ 6. output folder

#[test]
fn output_over_the_sources_or_the_site_is_refused() {
    let s = base();
    s.write("content/deeds/a.md", page("页面", "", "正文"));
    let before = s.snapshot("content");
    for (args, why) in [
        (vec!["build", "-o", "content"], "content/"),
        (vec!["build", "-o", "content/deeds"], "content/"),
        (vec!["build", "-o", "."], "站点目录"),
        (vec!["build", "-o", ".."], "包含站点目录"),
        (vec!["build", "-o", "data"], "data/"),
    ] {
        let out = s.run(&args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains(why), "{args:?}: {err}");
        assert_eq!(s.snapshot("content"), before, "{args:?} changed sources");
    }
    // --root site -o site, from outside.
    let parent = s.dir.parent().unwrap();
    let name = s.dir.file_name().unwrap().to_str().unwrap();
    let out = Command::new(bin())
        .args(["build", "--root", name, "-o", name])
        .current_dir(parent)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(!parent.join(format!(".{name}.prev")).exists());
    assert_eq!(s.snapshot("content"), before);
}

#[test]
fn a_folder_exemplar_did_not_make_is_not_emptied_without_force() {
    let s = base();
    s.write("content/deeds/a.md", page("页面", "", "正文"));
    s.write("mine/notes.txt", "my own file");
    let out = s.build(&["-o", "mine"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("--force"), "{}", stderr(&out));
    assert_eq!(s.read("mine/notes.txt"), "my own file");
    assert_ok(&s.build(&["-o", "mine", "--force"]));
    assert!(s.exists("mine/index.html"));
    // Now it is ours: later builds need no --force.
    assert_ok(&s.build(&["-o", "mine"]));
}

#[test]
fn an_output_that_is_a_file_or_read_only_is_named_before_any_work() {
    let s = base();
    s.write("public", "not a folder");
    let out = s.build(&[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(err.contains("是一个文件"), "{err}");
    assert_eq!(s.read("public"), "not a folder");
    std::fs::remove_file(s.dir.join("public")).unwrap();
    assert_ok(&s.build(&[]));
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(s.dir.join("public"), std::fs::Permissions::from_mode(0o555)).unwrap();
    let out = s.build(&[]);
    let err = stderr(&out);
    std::fs::set_permissions(s.dir.join("public"), std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("只读"), "{err}");
    assert_ok(&s.build(&[]));
}

#[test]
fn a_symlinked_output_is_updated_by_every_build() {
    let s = base();
    s.write("content/deeds/a.md", page("第一版", "", "正文"));
    std::fs::create_dir_all(s.dir.join("webroot/site")).unwrap();
    std::os::unix::fs::symlink(s.dir.join("webroot/site"), s.dir.join("public")).unwrap();
    for title in ["第一版", "第二版", "第三版"] {
        s.write("content/deeds/a.md", page(title, "", "正文"));
        assert_ok(&s.build(&[]));
        assert!(
            std::fs::symlink_metadata(s.dir.join("public"))
                .unwrap()
                .file_type()
                .is_symlink(),
            "public/ is still the link"
        );
        let html = s.read("webroot/site/deeds/a/index.html");
        assert!(html.contains(title), "{title} not in the web root");
    }
}

#[test]
fn two_builds_at_once_wait_for_each_other() {
    let s = base();
    for i in 0..50 {
        s.write(
            &format!("content/deeds/d{i}.md"),
            page(&format!("事迹{i}"), "", "正文"),
        );
    }
    assert_ok(&s.build(&[]));
    let runs: Vec<_> = (0..4)
        .map(|_| {
            Command::new(bin())
                .arg("build")
                .current_dir(&s.dir)
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for r in runs {
        let out = r.wait_with_output().unwrap();
        assert_ok(&out);
    }
    assert!(s.exists("public/deeds/d49/index.html"));
}

// ------------------------------------------------------------ 7. atomic swap

#[test]
fn public_index_is_never_missing_during_rebuilds() {
    let s = base();
    for i in 0..30 {
        s.write(
            &format!("content/deeds/d{i}.md"),
            page(&format!("事迹{i}"), "", "正文"),
        );
    }
    assert_ok(&s.build(&[]));
    let index = s.dir.join("public/index.html");
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let watcher = {
        let stop = stop.clone();
        let index = index.clone();
        std::thread::spawn(move || {
            let (mut looks, mut gaps) = (0u64, 0u64);
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                looks += 1;
                if std::fs::metadata(&index).is_err() {
                    gaps += 1;
                }
            }
            (looks, gaps)
        })
    };
    for i in 0..40 {
        // Change a page each time so every build swaps a new output in.
        s.write(
            "content/deeds/d0.md",
            page(&format!("事迹第{i}版"), "", "正文"),
        );
        assert_ok(&s.build(&[]));
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let (looks, gaps) = watcher.join().unwrap();
    assert!(looks > 1000, "the watcher looked {looks} times");
    assert_eq!(
        gaps, 0,
        "public/index.html was missing {gaps} times in {looks} looks"
    );
}

// ------------------------------------------------------------ 8. the gate

#[test]
fn check_judges_a_page_by_the_kind_its_section_gives_it() {
    let s = base();
    let mut cfg = s.read("site.yaml");
    cfg.push_str("check:\n  required: {deed: [subject]}\n");
    s.write("site.yaml", cfg);
    s.write(
        "content/news/_index.md",
        "---\ntitle: 新闻\nkind: deed\n---\n",
    );
    s.write(
        "content/news/x.md",
        page("放在别的栏目里的事迹", "", "正文"),
    );
    let (code, findings) = check_json(&s, &[]);
    assert_eq!(code, Some(1), "{findings:?}");
    assert!(
        findings
            .iter()
            .any(|f| f["code"] == "E020" && f["file"] == "content/news/x.md"),
        "{findings:?}"
    );
}

#[test]
fn covers_and_images_must_exist_each_on_its_own_page() {
    let cases = [
        ("cover: false\n", "", "content/deeds/p.md:4:"),
        ("cover: missing.jpg\n", "", "content/deeds/p.md:4:"),
        (
            "cover: https://example.org/x.jpg\n",
            "",
            "content/deeds/p.md:4:",
        ),
        ("", "![照片](nothere.png)", "content/deeds/p.md:5:"),
        (
            "",
            "<img src=\"/images/none.png\" alt=\"无\">",
            "content/deeds/p.md:5:",
        ),
        (
            "",
            "<p>见 <img alt=\"x\" src='gone.jpg'></p>",
            "content/deeds/p.md:5:",
        ),
    ];
    for (header, body, at) in cases {
        let s = base();
        s.write("content/deeds/p.md", page("图片", header, body));
        let out = s.build(&[]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{header}{body}: {err}");
        assert!(
            err.contains(at) && err.contains("E131"),
            "{header}{body}: {err}"
        );
    }
    // And an existing cover is used, under the sub-path.
    let s = base();
    s.write(
        "content/deeds/b/index.md",
        page("有封面", "cover: c.svg\ncover_alt: 封面\n", ""),
    );
    s.write(
        "content/deeds/b/c.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    assert_ok(&s.build(&[]));
    assert!(s
        .read("public/deeds/b/index.html")
        .contains("/jyj/ddjs/deeds/b/c.svg"));
}

#[test]
fn relative_and_raw_html_links_are_resolved_and_checked() {
    let s = base();
    s.write("content/deeds/target.md", page("目标", "", "## 小标题"));
    s.write(
        "content/brands/x/index.md",
        page("品牌", "", "![图](pic.svg)"),
    );
    s.write(
        "content/brands/x/pic.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    s.write(
        "content/deeds/from.md",
        page(
            "来源",
            "",
            "[同栏目](./target.md) [别的栏目](../brands/x/index.md) [相对网址](../target/#小标题)\n\n\
             <a href=\"/deeds/target/\">原始链接</a> <img src=\"/brands/x/pic.svg\" alt=\"图\">",
        ),
    );
    assert_ok(&s.build(&[]));
    let html = s.read("public/deeds/from/index.html");
    for want in [
        "href=\"/jyj/ddjs/deeds/target/\"",
        "href=\"/jyj/ddjs/brands/x/\"",
        "src=\"/jyj/ddjs/brands/x/pic.svg\"",
    ] {
        assert!(html.contains(want), "{want} not in\n{html}");
    }
    assert!(
        !html.contains("href=\"/deeds/"),
        "raw HTML link moved under base_url"
    );
    for (body, code) in [
        ("[丢失](./nothere.md)", "E130"),
        ("[丢失](other.html)", "E130"),
        ("<a href=\"/nowhere/\">丢失</a>", "E130"),
        ("[太远](../../../../x/)", "E130"),
    ] {
        let s = base();
        s.write("content/deeds/p.md", page("链接", "", body));
        let out = s.build(&[]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{body}: {err}");
        assert!(
            err.contains("content/deeds/p.md:5:") && err.contains(code),
            "{body}: {err}"
        );
    }
}

#[test]
fn one_bad_header_is_reported_once_not_as_broken_links_elsewhere() {
    let s = base();
    s.write(
        "content/deeds/bad.md",
        "---\ntitle: 坏\ndate: 2024-13-45\n---\n正文\n",
    );
    for (i, link) in ["@/deeds/bad.md", "/deeds/bad/", "./bad.md"]
        .iter()
        .enumerate()
    {
        s.write(
            &format!("content/deeds/l{i}.md"),
            page(&format!("链接{i}"), "", &format!("[坏页]({link})")),
        );
    }
    let out = s.build(&[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(err.contains("content/deeds/bad.md:3:"), "{err}");
    assert!(!err.contains("E130"), "echoes of the bad header: {err}");
    assert!(err.contains("1 处错误"), "{err}");
    let (_, findings) = check_json(&s, &[]);
    let errors: Vec<_> = findings
        .iter()
        .filter(|f| f["severity"] == "error")
        .collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
}

#[test]
fn every_build_error_has_its_own_stable_code() {
    let want = [
        ("bad-date", "E105"),
        ("bad-measure", "E111"),
        ("broken-link", "E130"),
        ("duplicate-url", "E121"),
        ("empty-file", "E101"),
        ("non-utf8", "E100"),
        ("tab-in-yaml", "E102"),
        ("unclosed-header", "E101"),
        ("unknown-key", "E104"),
        ("unknown-kind", "E105"),
        ("unknown-school", "E110"),
        ("unknown-template", "E112"),
        ("wrong-kind-key", "E107"),
        ("yaml-syntax", "E102"),
    ];
    for (case, code) in want {
        let s = Site::new(&["base", &format!("bad/{case}")]);
        let (_, findings) = check_json(&s, &[]);
        let codes: Vec<&str> = findings
            .iter()
            .filter(|f| f["severity"] == "error")
            .map(|f| f["code"].as_str().unwrap())
            .collect();
        assert!(codes.contains(&code), "{case}: {codes:?}");
        assert!(!codes.contains(&"E001"), "{case}: {codes:?}");
    }
}

// ------------------------------------------------------------ 10. preview server

fn good_served(nofile: Option<u64>) -> (Site, crate::serve::Served) {
    let s = Site::new(&["good"]);
    let sv = crate::serve::serve_limited(&s, &[], nofile);
    (s, sv)
}

#[test]
fn serve_survives_running_out_of_descriptors_and_recovers() {
    use std::net::TcpStream;
    let (_s, mut sv) = good_served(Some(64));
    let started = std::time::Instant::now();
    // Far more idle connections than descriptors: they send nothing.
    let idle: Vec<TcpStream> = (0..150)
        .filter_map(|_| TcpStream::connect(&sv.addr).ok())
        .collect();
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(sv.child.try_wait().unwrap().is_none(), "serve exited");
    // Starved: a request is refused at once (503), never left hanging;
    // the idle ones are dropped after the head timeout and the same request
    // is then answered, with the idle connections still open here.
    let mut refused = 0;
    let answered = loop {
        assert!(started.elapsed().as_secs() < 30, "not answered within 30 s");
        match try_get(&sv.addr, &sv.base) {
            Some(200) => break started.elapsed(),
            Some(503) | None => refused += 1,
            Some(other) => panic!("status {other}"),
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    eprintln!(
        "serve descriptor test: {} idle connections against 64 descriptors; {refused} request(s) refused quickly, answered after {} ms",
        idle.len(),
        answered.as_millis()
    );
    drop(idle);
    for _ in 0..20 {
        let (status, _, _) = crate::serve::get(&sv.addr, &sv.base);
        assert_eq!(status, 200);
    }
    assert!(sv.child.try_wait().unwrap().is_none(), "serve exited");
}

/// GET with a short timeout: the status, or None when refused or hung up.
fn try_get(addr: &str, path: &str) -> Option<u16> {
    use std::io::{Read, Write};
    let mut c = std::net::TcpStream::connect(addr).ok()?;
    c.set_read_timeout(Some(std::time::Duration::from_secs(2)))
        .ok()?;
    write!(c, "GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").ok()?;
    let mut buf = Vec::new();
    c.read_to_end(&mut buf).ok()?;
    let head = String::from_utf8_lossy(&buf);
    head.split(' ').nth(1)?.parse().ok()
}

#[test]
fn serve_drops_a_client_that_never_finishes_its_request() {
    use std::io::{Read, Write};
    let (_s, sv) = good_served(None);
    let mut c = std::net::TcpStream::connect(&sv.addr).unwrap();
    c.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").unwrap();
    c.set_read_timeout(Some(std::time::Duration::from_secs(15)))
        .unwrap();
    let t = std::time::Instant::now();
    let mut buf = Vec::new();
    let n = c.read_to_end(&mut buf).unwrap_or(0);
    assert_eq!(n, 0, "closed without an answer");
    assert!(t.elapsed().as_secs() < 10, "closed after {:?}", t.elapsed());
}

#[test]
fn serve_404_page_carries_its_generation_and_does_not_reload_itself() {
    let (_s, sv) = good_served(None);
    let (status, _, body) = crate::serve::get(&sv.addr, &format!("{}no/such/page/", sv.base));
    let body = String::from_utf8(body).unwrap();
    assert_eq!(status, 404);
    assert!(body.contains("data-gen=\"1\""), "{body}");
    assert!(!body.contains("__EXEMPLAR_GENERATION__"), "{body}");
}

#[test]
fn serve_bounds_live_reload_clients_and_frees_closed_ones() {
    use std::io::{BufRead, Write};
    let (_s, sv) = good_served(None);
    let open = |n: usize| -> Vec<(bool, std::net::TcpStream)> {
        (0..n)
            .map(|_| {
                let mut c = std::net::TcpStream::connect(&sv.addr).unwrap();
                c.set_read_timeout(Some(std::time::Duration::from_secs(10)))
                    .unwrap();
                write!(
                    c,
                    "GET {}__exemplar/events HTTP/1.1\r\nHost: x\r\n\r\n",
                    sv.base
                )
                .unwrap();
                let mut r = std::io::BufReader::new(c.try_clone().unwrap());
                let mut line = String::new();
                let mut hello = false;
                while r.read_line(&mut line).unwrap_or(0) > 0 {
                    if line.starts_with("event: hello") {
                        hello = true;
                        break;
                    }
                    if line.starts_with("retry:") {
                        break;
                    }
                    line.clear();
                }
                (hello, c)
            })
            .collect()
    };
    let first = open(40);
    let live = first.iter().filter(|(h, _)| *h).count();
    assert_eq!(live, 32, "live-reload clients are bounded");
    drop(first);
    std::thread::sleep(std::time::Duration::from_millis(2500));
    let again = open(32);
    assert!(
        again.iter().all(|(h, _)| *h),
        "closed pages freed their places"
    );
}

// ------------------------------------------------------------ 11. values

#[test]
fn out_of_range_years_and_dates_are_errors_not_wrapped_values() {
    for (header, words) in [
        ("year: 4294969296\n", "4294969296"),
        ("year: -5\n", "-5"),
        ("date: -0001-12-31\n", "-0001-12-31"),
        ("date: 99999-01-01\n", "99999"),
    ] {
        let s = base();
        s.write(
            "content/deeds/a.md",
            format!("---\ntitle: 年份\n{header}---\n正文\n"),
        );
        let out = s.build(&[]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{header}: {err}");
        assert!(
            err.contains("content/deeds/a.md:3:") && err.contains(words) && err.contains("E105"),
            "{header}: {err}"
        );
    }
}

#[test]
fn non_utf8_site_yaml_names_the_file_line_and_column() {
    let s = base();
    let mut text = std::fs::read(s.dir.join("site.yaml")).unwrap();
    text.extend_from_slice(b"footer_note: \xff\xfe\n");
    s.write("site.yaml", text);
    let out = s.build(&[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        err.contains("site.yaml:12:14") && err.contains("UTF-8"),
        "{err}"
    );
}

/// The fuzz target's own check (`fuzz/fuzz_targets/page_check.rs`).
#[path = "../../fuzz/fuzz_targets/page_check.rs"]
mod page_check;

/// CI's fuzz smoke run: the libFuzzer target's check on every seed page
/// `fuzz/run.sh` starts from (the sample site's and the fixtures'), then
/// on thousands of deterministic mutations of them — bytes flipped, cut,
/// doubled, spliced from another page, and tokens that start headers,
/// YAML, links, raw HTML and script inserted. (Building the libFuzzer
/// target needs every dependency compiled a third time, about 8 of CI's
/// minutes; the 10-minute coverage-guided run is `bash fuzz/run.sh`.) An
/// input that panics is kept in the temp folder and named.
#[test]
fn fuzz_check_survives_seed_pages_and_their_mutations() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut seeds: Vec<Vec<u8>> = [root.join("content"), root.join("tests/fixtures")]
        .iter()
        .flat_map(|d| walk(d))
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .map(|p| std::fs::read(p).unwrap())
        .collect();
    assert!(seeds.len() > 50, "seed pages not found: {}", seeds.len());
    seeds.sort();
    const TOKENS: &[&str] = &[
        "---\n",
        "\n---\n",
        "title: ",
        "kind: deed\n",
        "date: 2024-13-40\n",
        "tags: [",
        "*a",
        "&a ",
        "<<: *a\n",
        "\t",
        "\u{feff}",
        "\r\n",
        "```\n",
        "|---|---|\n",
        "# ",
        "> ",
        "- ",
        "1. ",
        "[x](",
        "](javascript:alert(1))",
        "![a](",
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<a href=\"jav&#x61;script:x\">",
        "<!--",
        "-->",
        "<svg onload=alert(1)>",
        "<style>",
        "&#x3c;script&#x3e;",
        "{{ x }}",
        "{% if %}",
        "\\",
        "\u{3000}",
        "ｔｉｔｌｅ：",
        "../../",
        "%2e%2e/",
        "\0",
        "🎓",
        "\u{202e}",
    ];
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    // Fewer in a debug build; `EXEMPLAR_FUZZ_RUNS` sets the count (CI's
    // release build keeps debug assertions and asks for the full run).
    let runs = std::env::var("EXEMPLAR_FUZZ_RUNS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(if cfg!(debug_assertions) {
            3_000
        } else {
            30_000
        });
    // Each input is checked as it is made (30,000 held at once would be
    // about 100 MB); the seeds themselves first.
    let mutations = (0..runs).map(|_| {
        let mut b = rng.pick(&seeds).clone();
        for _ in 0..1 + rng.below(4) {
            let at = rng.below(b.len() + 1);
            let len = rng.below(64).min(b.len() - at);
            match rng.below(6) {
                0 if !b.is_empty() => {
                    let i = at.min(b.len() - 1);
                    b[i] ^= 1 << rng.below(8);
                }
                1 => _ = b.drain(at..at + len),
                2 => {
                    let piece = b[at..at + len].to_vec();
                    b.splice(at..at, piece);
                }
                3 => {
                    let other = rng.pick(&seeds);
                    let from = rng.below(other.len() + 1);
                    let piece = other[from..(from + 200).min(other.len())].to_vec();
                    b.splice(at..at, piece);
                }
                _ => {
                    let t = rng.pick(TOKENS).as_bytes();
                    b.splice(at..at, t.iter().copied());
                }
            }
        }
        // The check skips what is not UTF-8: most mutations should reach it.
        if std::str::from_utf8(&b).is_err() {
            b = String::from_utf8_lossy(&b).into_owned().into_bytes();
        }
        b
    });
    for (n, input) in seeds.iter().cloned().chain(mutations).enumerate() {
        if std::panic::catch_unwind(|| page_check::check(&input)).is_err() {
            let kept = std::env::temp_dir().join(format!("exemplar-fuzz-smoke-{n}.md"));
            std::fs::write(&kept, input).unwrap();
            panic!(
                "input {n} panicked; kept in {} (replay: cargo fuzz run page --sanitizer none {})",
                kept.display(),
                kept.display()
            );
        }
    }
}
