//! Yearly archives (issue 11): `exemplar archive <year>` freezes a year's
//! exemplars into archive/<year>/ once, `archive verify` finds every
//! change, builds publish frozen years byte for byte, and `package` writes
//! deterministic zips and a WARC a real reader accepts.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::common::*;

const DATE: &str = "2025-12-31";

/// The good fixture with 2024 frozen (a brand linking a deed of the same
/// year by its Chinese path, and a clean-school page of 2025).
fn frozen_2024() -> Site {
    let s = Site::new(&["good"]);
    assert_ok(&s.run(&["archive", "2024", "--date", DATE]));
    s
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `href`, `src` and `srcset` values of an HTML text.
fn links(html: &str) -> Vec<String> {
    let re = regex::Regex::new(r#"\s(?:href|src|srcset)="([^"]*)""#).unwrap();
    re.captures_iter(html)
        .flat_map(|c| {
            c[1].split(',')
                .map(|x| x.split_whitespace().next().unwrap_or("").to_string())
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn an_archive_opens_from_a_disk_every_link_relative_and_found() {
    let s = frozen_2024();
    let files = s.snapshot("archive/2024");
    for want in [
        "index.html",
        "collection.html",
        "archive.yaml",
        "MANIFEST.sha256",
        "feed.json",
        "brands/a/index.html",
        "deeds/中文名/index.html",
        "css/site.css",
    ] {
        assert!(
            files.contains_key(want),
            "{want} missing: {:?}",
            files.keys()
        );
    }
    // Only 2024's published pages: not 2025's, not the draft.
    assert!(!files.contains_key("clean/x/index.html"));
    assert!(!files.keys().any(|k| k.contains("draft")));
    let mut checked = 0;
    for (rel, bytes) in &files {
        if !rel.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8(bytes.clone()).unwrap();
        let dir = Path::new(rel).parent().unwrap();
        for l in links(&html) {
            if l.is_empty() || l.starts_with('#') || l.starts_with("mailto:") {
                continue;
            }
            assert!(!l.starts_with('/'), "{rel}: root-relative link {l}");
            if l.starts_with("https://") {
                // Only the live site, for pages the year does not hold.
                assert!(
                    l.starts_with("https://example.gov.cn/jyj/ddjs/"),
                    "{rel}: {l}"
                );
                continue;
            }
            let path = l.split(['#', '?']).next().unwrap();
            let decoded = percent_encoding::percent_decode_str(path)
                .decode_utf8()
                .unwrap()
                .into_owned();
            let target = s.dir.join("archive/2024").join(dir).join(&decoded);
            assert!(
                target.is_file(),
                "{rel}: broken link {l} ({})",
                target.display()
            );
            checked += 1;
        }
    }
    assert!(checked > 200, "only {checked} links checked");
    let a = String::from_utf8(files["brands/a/index.html"].clone()).unwrap();
    assert!(
        a.contains(r#"href="../../deeds/%E4%B8%AD%E6%96%87%E5%90%8D/index.html#主要事迹""#)
            || a.contains("../../deeds/%E4%B8%AD%E6%96%87%E5%90%8D/index.html#"),
        "same-year link relative: {a}"
    );
    assert!(
        a.contains(r#"href="https://example.gov.cn/jyj/ddjs/clean/x/""#),
        "a link to 2025 goes to the live site: {a}"
    );
    assert!(a.contains("这是 2024 年度存档"), "frozen banner");
}

#[test]
fn an_archive_says_what_it_holds_and_lists_every_file_with_its_hash() {
    let s = frozen_2024();
    let files = s.snapshot("archive/2024");
    let meta: serde_json::Value =
        serde_norway::from_slice(&files["archive.yaml"]).expect("archive.yaml is YAML");
    assert_eq!(meta["year"], 2024);
    assert_eq!(meta["created"], "2025-12-31T00:00:00+08:00");
    assert_eq!(meta["exemplars"], 2);
    assert_eq!(meta["counts"]["brand"], 1);
    assert_eq!(meta["counts"]["deed"], 1);
    let pages = meta["pages"].as_array().unwrap();
    let a = pages
        .iter()
        .find(|p| p["title"] == "甲小学“红烛”品牌")
        .expect("the brand page");
    assert_eq!(a["url"], "https://example.gov.cn/jyj/ddjs/brands/a/");
    assert_eq!(a["publisher"], "测试教育局党委");
    assert_eq!(a["column"], "品牌案例");
    assert_eq!(a["file"], "brands/a/index.html");
    assert!(a["date"].as_str().unwrap().starts_with("2024-05-12"));
    // The manifest: every other file, with its SHA-256.
    let manifest = String::from_utf8(files["MANIFEST.sha256"].clone()).unwrap();
    let listed: BTreeMap<&str, &str> = manifest
        .lines()
        .map(|l| {
            let (h, p) = l.split_once("  ").unwrap();
            (p, h)
        })
        .collect();
    let expected: BTreeSet<&str> = files
        .keys()
        .map(String::as_str)
        .filter(|k| *k != "MANIFEST.sha256")
        .collect();
    assert_eq!(listed.keys().copied().collect::<BTreeSet<_>>(), expected);
    for (p, h) in listed {
        assert_eq!(sha256(&files[p]), h, "{p}");
    }
    // The collection: cover, contents by kind then school, each in full.
    let c = String::from_utf8(files["collection.html"].clone()).unwrap();
    assert!(c.contains("2024 年度典型案例汇编"), "{c}");
    let brand = c
        .find(r#"<h3>品牌案例</h3>"#)
        .expect("brands in the contents");
    let deed = c
        .find(r#"<h3>先进事迹</h3>"#)
        .expect("deeds in the contents");
    assert!(brand < deed, "kinds in order");
    assert!(c.contains(r##"<a href="#e1">甲小学“红烛”品牌</a>"##), "{c}");
    assert!(c.contains(r#"id="e2""#), "two numbered exemplars");
    assert!(
        c.contains(r#"id="e2-主要事迹""#),
        "ids in bodies made unique per exemplar: {c}"
    );
}

#[test]
fn an_archive_is_written_once_and_replacing_keeps_the_old_one() {
    let s = frozen_2024();
    let before = s.snapshot("archive/2024");
    s.write(
        "content/brands/a.md",
        s.read("content/brands/a.md")
            .replace("甲小学“红烛”品牌", "甲小学“红烛”品牌（修订）"),
    );
    let again = s.run(&["archive", "2024", "--date", DATE]);
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("已存在"), "{}", stderr(&again));
    assert!(stderr(&again).contains("--replace"), "{}", stderr(&again));
    assert_eq!(s.snapshot("archive/2024"), before, "left as it was");
    let replaced = s.run(&["archive", "2024", "--replace", "--date", DATE]);
    assert_ok(&replaced);
    assert!(stderr(&replaced).contains("2024.replaced-20251231"));
    assert_eq!(s.snapshot("archive/2024.replaced-20251231"), before);
    assert!(s
        .read("archive/2024/brands/a/index.html")
        .contains("（修订）"));
    // A second replacement on the same day keeps both older ones.
    assert_ok(&s.run(&["archive", "2024", "--replace", "--date", DATE]));
    assert!(s.exists("archive/2024.replaced-20251231-2/index.html"));
    // Nothing half-written is left beside them.
    let names: Vec<String> = std::fs::read_dir(s.dir.join("archive"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 3, "{names:?}");
}

#[test]
fn archiving_the_same_content_twice_gives_identical_files() {
    let s = frozen_2024();
    let first = s.snapshot("archive/2024");
    std::fs::remove_dir_all(s.dir.join("archive/2024")).unwrap();
    // A build between the two must not matter (caches are warm now).
    assert_ok(&s.build(&[]));
    assert_ok(&s.run(&["archive", "2024", "--date", DATE]));
    let second = s.snapshot("archive/2024");
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        second.keys().collect::<Vec<_>>()
    );
    for (k, v) in &first {
        assert!(second[k] == *v, "{k} differs");
    }
}

#[test]
fn verify_finds_a_changed_byte_a_missing_file_and_an_extra_file() {
    let s = frozen_2024();
    let ok = s.run(&["archive", "verify"]);
    assert_ok(&ok);
    assert!(
        stderr(&ok).contains("archive/2024/ 完好"),
        "{}",
        stderr(&ok)
    );
    let dir = s.dir.join("archive/2024");
    let original = std::fs::read(dir.join("brands/a/index.html")).unwrap();
    type Damage = fn(&Path);
    let cases: [(&str, Damage, &str); 3] = [
        (
            "brands/a/index.html",
            |d| {
                let p = d.join("brands/a/index.html");
                let mut b = std::fs::read(&p).unwrap();
                let i = b.len() / 2;
                b[i] ^= 1;
                std::fs::write(p, b).unwrap();
            },
            "内容被改动 (changed)",
        ),
        (
            "css/site.css",
            |d| std::fs::remove_file(d.join("css/site.css")).unwrap(),
            "文件缺失 (missing)",
        ),
        (
            "notes.txt",
            |d| std::fs::write(d.join("notes.txt"), "x").unwrap(),
            "清单外的文件 (extra)",
        ),
    ];
    let css = std::fs::read(dir.join("css/site.css")).unwrap();
    for (file, damage, says) in cases {
        damage(&dir);
        let out = s.run(&["archive", "verify", "2024"]);
        assert_eq!(out.status.code(), Some(1), "{file}");
        let err = stderr(&out);
        assert!(
            err.contains(&format!("archive/2024/{file}: {says}")),
            "{err}"
        );
        // Mend it again for the next case.
        std::fs::write(dir.join("brands/a/index.html"), &original).unwrap();
        std::fs::write(dir.join("css/site.css"), &css).unwrap();
        let _ = std::fs::remove_file(dir.join("notes.txt"));
        assert_ok(&s.run(&["archive", "verify", "2024"]));
    }
    // A manifest that is gone: a damaged archive, said so.
    std::fs::remove_file(dir.join("MANIFEST.sha256")).unwrap();
    let out = s.run(&["archive", "verify"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("已损坏 (damaged archive)"),
        "{}",
        stderr(&out)
    );
    // ... and the package refuses it.
    let out = s.run(&["package", "--year", "2024", "-o", "y.zip"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("已损坏"), "{}", stderr(&out));
    assert!(!s.exists("y.zip"));
}

#[test]
fn builds_publish_frozen_years_byte_for_byte_and_the_year_index_links_them() {
    let s = frozen_2024();
    // The live site moves on; the frozen year does not.
    s.write(
        "content/brands/a.md",
        s.read("content/brands/a.md")
            .replace("甲小学“红烛”品牌", "甲小学“红烛”品牌（新版）"),
    );
    assert_ok(&s.build(&[]));
    assert_eq!(
        s.snapshot("public/archive/2024"),
        s.snapshot("archive/2024")
    );
    assert!(s.read("public/brands/a/index.html").contains("（新版）"));
    assert!(!s
        .read("public/archive/2024/brands/a/index.html")
        .contains("（新版）"));
    let years = s.read("public/years/index.html");
    assert!(
        years.contains(r#"href="/jyj/ddjs/archive/2024/index.html""#),
        "{years}"
    );
    let y2024 = s.read("public/years/2024/index.html");
    assert!(
        y2024.contains(r#"href="/jyj/ddjs/archive/2024/collection.html""#),
        "{y2024}"
    );
    let y2025 = s.read("public/years/2025/index.html");
    assert!(!y2025.contains("archive/"), "no frozen 2025: {y2025}");
    // The year index: exemplars by kind, then school; no plain pages.
    assert!(y2024.contains(r#"<h2 id="kind-brand">品牌案例"#), "{y2024}");
    assert!(y2024.contains(r#"<h2 id="kind-deed">先进事迹"#), "{y2024}");
    assert!(y2024.find("kind-brand") < y2024.find("kind-deed"));
    // The check leaves frozen files alone (no findings about them).
    let (code, findings) = check_json(&s, &[]);
    assert_eq!(code, Some(0), "{findings:?}");
    assert!(
        findings
            .iter()
            .all(|f| !f["file"].as_str().unwrap_or("").starts_with("archive/")),
        "{findings:?}"
    );
}

#[test]
fn bad_years_are_refused_with_a_way_forward() {
    let s = Site::new(&["good"]);
    let out = s.run(&["archive", "2019"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("2019 年没有已发布的内容"), "{err}");
    assert!(
        err.contains("2022、2023、2024、2025"),
        "years with content: {err}"
    );
    assert!(!s.exists("archive/2019"));
    let out = s.run(&["archive", "99"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("不是四位数的年份"),
        "{}",
        stderr(&out)
    );
    let out = s.run(&["archive", "verify", "2030"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("没有 2030 年的存档"),
        "{}",
        stderr(&out)
    );
    let out = s.run(&["archive", "2024", "--date", "去年"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("不是日期"), "{}", stderr(&out));
    let out = s.run(&["package", "--warc", "-o", "x.zip"]);
    assert_eq!(out.status.code(), Some(2), "--warc needs --year");
    // archive/ is a file: a clear message, and nothing written.
    s.write("archive", "not a folder");
    let out = s.run(&["archive", "2024"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("archive"), "{}", stderr(&out));
    assert_eq!(s.read("archive"), "not a folder");
}

/// Entries of a zip: name → bytes.
fn unzip(path: &Path) -> Vec<(String, Vec<u8>)> {
    use std::io::Read;
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).unwrap();
            let mut b = Vec::new();
            f.read_to_end(&mut b).unwrap();
            (f.name().unwrap().to_string(), b)
        })
        .collect()
}

#[test]
fn a_package_is_the_same_zip_every_time_with_its_manifest_and_a_json_feed() {
    let s = Site::new(&["good"]);
    assert_ok(&s.run(&["package", "-o", "a.zip"]));
    std::thread::sleep(std::time::Duration::from_millis(1100));
    assert_ok(&s.run(&["package", "-o", "b.zip"]));
    let (a, b) = (
        std::fs::read(s.dir.join("a.zip")).unwrap(),
        std::fs::read(s.dir.join("b.zip")).unwrap(),
    );
    assert!(a == b, "two packages of the same site differ");
    let entries = unzip(&s.dir.join("a.zip"));
    let names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
    assert!(
        names.contains(&"index.html") && names.contains(&"feed.json"),
        "{names:?}"
    );
    let (_, manifest) = entries
        .iter()
        .find(|(n, _)| n == "MANIFEST.sha256")
        .unwrap();
    let manifest = String::from_utf8(manifest.clone()).unwrap();
    for (n, bytes) in entries.iter().filter(|(n, _)| n != "MANIFEST.sha256") {
        assert!(
            manifest.contains(&format!("{}  {n}\n", sha256(bytes))),
            "{n}"
        );
    }
    let (_, feed) = entries.iter().find(|(n, _)| n == "feed.json").unwrap();
    let feed: serde_json::Value = serde_json::from_slice(feed).expect("feed.json is JSON");
    assert_eq!(feed["version"], "https://jsonfeed.org/version/1.1");
    let items = feed["items"].as_array().unwrap();
    assert_eq!(
        items.len(),
        6,
        "every published article, no plain page: {items:?}"
    );
    let a = items
        .iter()
        .find(|i| i["url"] == "https://example.gov.cn/jyj/ddjs/brands/a/")
        .unwrap();
    assert!(a["content_html"].as_str().unwrap().contains("<p>"), "{a}");
    assert_eq!(a["_exemplar"]["kind"], "brand");
    assert_eq!(a["_exemplar"]["school"], "甲小学");
    // The year's package is the frozen folder, manifest included.
    assert_ok(&s.run(&["archive", "2024", "--date", DATE]));
    assert_ok(&s.run(&["package", "--year", "2024", "-o", "y.zip"]));
    let frozen = s.snapshot("archive/2024");
    let entries: BTreeMap<String, Vec<u8>> = unzip(&s.dir.join("y.zip")).into_iter().collect();
    assert_eq!(entries, frozen);
}

/// A portal's CMS shows a feed item's HTML on its own pages: a link or a
/// photo written root-relative (`/jyj/ddjs/…`) there pointed at the
/// portal's own paths. Every link and photo is absolute; in-page anchors
/// stay.
#[test]
fn a_json_feed_links_and_shows_photos_by_absolute_url() {
    let s = Site::new(&["good"]);
    assert_ok(&s.run(&["package", "-o", "a.zip"]));
    let entries = unzip(&s.dir.join("a.zip"));
    let (_, feed) = entries.iter().find(|(n, _)| n == "feed.json").unwrap();
    let feed: serde_json::Value = serde_json::from_slice(feed).expect("feed.json is JSON");
    let html = |url: &str| {
        feed["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["url"] == url)
            .unwrap_or_else(|| panic!("no item {url}"))["content_html"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let a = html("https://example.gov.cn/jyj/ddjs/brands/a/");
    for want in [
        "href=\"https://example.gov.cn/jyj/ddjs/deeds/%E4%B8%AD%E6%96%87%E5%90%8D/#",
        "href=\"https://example.gov.cn/jyj/ddjs/clean/x/\"",
        "href=\"https://example.gov.cn/jyj/ddjs/images/logo.svg\"",
    ] {
        assert!(a.contains(want), "{want} in {a}");
    }
    let bundle = html("https://example.gov.cn/jyj/ddjs/brands/bundle/");
    assert!(
        bundle.contains("src=\"https://example.gov.cn/jyj/ddjs/brands/bundle/photo.svg\""),
        "{bundle}"
    );
    for item in feed["items"].as_array().unwrap() {
        let h = item["content_html"].as_str().unwrap();
        for attr in ["href=\"/", "src=\"/", "srcset=\"/", ", /"] {
            assert!(!h.contains(attr), "root-relative {attr} in {h}");
        }
    }
}

#[test]
fn a_warc_of_a_frozen_year_is_read_back_by_warcio() {
    let s = frozen_2024();
    let out = s.run(&["package", "--year", "2024", "-o", "y.zip", "--warc"]);
    assert_ok(&out);
    assert!(s.exists("y.warc.gz"), "{}", stderr(&out));
    let first = std::fs::read(s.dir.join("y.warc.gz")).unwrap();
    assert_ok(&s.run(&["package", "--year", "2024", "-o", "y.zip", "--warc"]));
    assert!(
        first == std::fs::read(s.dir.join("y.warc.gz")).unwrap(),
        "deterministic"
    );
    let script = r#"
import sys, json
from warcio.archiveiterator import ArchiveIterator
out = []
with open(sys.argv[1], 'rb') as f:
    for r in ArchiveIterator(f, check_digests='raise'):
        body = r.content_stream().read()
        out.append({'type': r.rec_type, 'uri': r.rec_headers.get_header('WARC-Target-URI'),
                    'status': r.http_headers.get_statuscode() if r.http_headers else None,
                    'len': len(body), 'text': body.decode('utf-8', 'replace')[:20000] if r.rec_type == 'response' else ''})
print(json.dumps(out))
"#;
    let run = std::process::Command::new("python3")
        .args(["-c", script])
        .arg(s.dir.join("y.warc.gz"))
        .output()
        .expect("python3");
    let err = String::from_utf8_lossy(&run.stderr);
    if err.contains("No module named 'warcio'") && std::env::var("EXEMPLAR_REQUIRE_TOOLS").is_err()
    {
        eprintln!("SKIP: warcio is not installed (pip install warcio); .ci/run installs it");
        return;
    }
    assert!(run.status.success(), "warcio failed: {err}");
    let records: Vec<serde_json::Value> = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(records[0]["type"], "warcinfo");
    let responses: BTreeMap<String, &serde_json::Value> = records
        .iter()
        .filter(|r| r["type"] == "response")
        .map(|r| (r["uri"].as_str().unwrap().to_string(), r))
        .collect();
    // Every page of the year, at its live address, with its text.
    let meta: serde_json::Value =
        serde_norway::from_str(&s.read("archive/2024/archive.yaml")).unwrap();
    for p in meta["pages"].as_array().unwrap() {
        let url = p["url"].as_str().unwrap();
        let r = responses
            .get(url)
            .unwrap_or_else(|| panic!("{url} not in the WARC"));
        assert_eq!(r["status"], "200");
        assert!(r["text"]
            .as_str()
            .unwrap()
            .contains(p["title"].as_str().unwrap()));
    }
    assert!(responses.contains_key("https://example.gov.cn/jyj/ddjs/"));
    assert!(responses.contains_key("https://example.gov.cn/jyj/ddjs/collection.html"));
    // index.html names lead to the same page (the archive's links use them).
    assert!(records.iter().any(|r| r["type"] == "revisit"
        && r["uri"] == "https://example.gov.cn/jyj/ddjs/brands/a/index.html"));
    let files = s.snapshot("archive/2024").len();
    assert_eq!(
        responses.len(),
        files - 2,
        "every file but archive.yaml and the manifest"
    );
}

/// A small file system of its own, unmounted when dropped; `None` where
/// this machine does not allow mounting one (not root, no tmpfs).
struct Tmpfs(std::path::PathBuf);

impl Tmpfs {
    fn mount(dir: &Path, size: &str) -> Option<Tmpfs> {
        std::fs::create_dir_all(dir).ok()?;
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| Tmpfs(dir.to_path_buf()))
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_leaves_the_archives_as_they_were() {
    let s = frozen_2024();
    // archive/ moves to a small file system, then filled up.
    let small = s.dir.with_extension("small");
    let Some(_fs) = Tmpfs::mount(&small, "4m") else {
        eprintln!("SKIP: cannot mount a tmpfs here (needs root)");
        return;
    };
    let before = s.snapshot("archive/2024");
    copy_tree(&s.dir.join("archive"), &small);
    std::fs::remove_dir_all(s.dir.join("archive")).unwrap();
    std::os::unix::fs::symlink(&small, s.dir.join("archive")).unwrap();
    // Fill the disk, then free 120 KB: less than either archive needs.
    {
        use std::io::Write;
        let mut f = std::fs::File::create(small.join("fill")).unwrap();
        let block = vec![0u8; 16 * 1024];
        while f.write_all(&block).is_ok() {}
        let len = f.metadata().unwrap().len();
        f.set_len(len.saturating_sub(120 * 1024)).unwrap();
    }
    s.write(
        "content/brands/big.md",
        format!(
            "---\ntitle: 很长的一篇\ndate: 2023-05-01\n---\n{}\n",
            "长文。".repeat(200_000)
        ),
    );
    for args in [
        &["archive", "2023"][..],
        &["archive", "2024", "--replace"][..],
    ] {
        let out = s.run(args);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("No space left on device"),
            "{}",
            stderr(&out)
        );
        let mut names: Vec<String> = std::fs::read_dir(&small)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["2024", "fill"], "nothing half-written is left");
        assert_eq!(s.snapshot("archive/2024"), before, "{args:?}");
    }
}
