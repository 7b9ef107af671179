//! check: the publishing gate.

use crate::common::*;

// ---------------------------------------------------------------- check

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
        ("E114", "content/clean/tier.md", 5, 7),           // tier vs registry
        ("E040", "content/deeds/alt.md", 8, 1),            // image without alt
        ("E010", "content/deeds/anchor.md", 8, 2),         // broken anchor
        ("E105", "content/deeds/bad-date.md", 3, 7),       // a build error: bad value
        ("W023", "content/deeds/dup-b.md", 2, 8),          // duplicate title
        ("E052", "content/deeds/email.md", 8, 4),          // e-mail address
        ("E011", "content/deeds/empty-link.md", 8, 3),     // empty link
        ("W024", "content/deeds/future.md", 3, 7),         // future date
        ("E042", "content/deeds/h1.md", 8, 1),             // h1 in content
        ("W012", "content/deeds/http.md", 8, 2),           // http link
        ("E050", "content/deeds/id.md", 8, 5),             // resident ID (not the order number)
        ("W022", "content/deeds/long-title.md", 2, 8),     // long title
        ("E131", "content/deeds/missing-image.md", 8, 8),  // image file missing
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

/// tests/fixtures/privacy/content/deeds/forms.md lists, one per line, the
/// forms people type ID numbers, mobile numbers and e-mail addresses in,
/// each line starting with the finding it must get (`--`: none).
#[test]
fn personal_data_is_caught_in_the_forms_people_type() {
    let s = Site::new(&["base", "privacy"]);
    let (code, findings) = check_json(&s, &[]);
    assert_eq!(code, Some(1));
    let text = s.read("content/deeds/forms.md");
    let mut want: Vec<(u64, String)> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if let Some(rest) = line.strip_prefix("- ") {
            let code = rest.split(' ').next().unwrap();
            if code != "--" {
                want.push((i as u64 + 1, code.to_string()));
            }
        }
    }
    assert!(want.len() >= 24, "the fixture lists the forms");
    let privacy = ["E050", "E051", "E052", "W054"];
    let got: Vec<(u64, String)> = findings
        .iter()
        .filter(|f| f["file"] == "content/deeds/forms.md")
        .filter(|f| privacy.contains(&f["code"].as_str().unwrap()))
        .map(|f| {
            (
                f["line"].as_u64().unwrap(),
                f["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let missed: Vec<_> = want.iter().filter(|w| !got.contains(w)).collect();
    let extra: Vec<_> = got.iter().filter(|g| !want.contains(g)).collect();
    assert!(
        missed.is_empty() && extra.is_empty(),
        "missed {missed:?}\nfalse alarms {extra:?}"
    );
    // What else is published: the footer in site.yaml (its allowed number
    // passes) and a school intro in data/.
    let elsewhere: Vec<(String, u64, String)> = findings
        .iter()
        .filter(|f| f["file"] != "content/deeds/forms.md")
        .filter(|f| privacy.contains(&f["code"].as_str().unwrap()))
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(elsewhere.len(), 2, "{elsewhere:?}");
    assert!(
        elsewhere[0].0 == "data/schools.yaml" && elsewhere[0].1 == 8,
        "{elsewhere:?}"
    );
    assert!(
        elsewhere[1].0 == "site.yaml" && elsewhere[1].1 == 12,
        "{elsewhere:?}"
    );
    assert!(elsewhere[1].2.contains("13700003333"), "{elsewhere:?}");
}
