//! serve: incremental rebuilds, live reload, HTTP.

use crate::common::*;

// ---------------------------------------------------------------- serve

/// Every file of a full `build --drafts` of the site, as bytes.
fn full_build(s: &Site, base_url: &str) -> BTreeMap<String, Vec<u8>> {
    let _ = std::fs::remove_dir_all(s.dir.join("full"));
    assert_ok(&s.build(&["--drafts", "--base-url", base_url, "-o", "full"]));
    let mut files = s.snapshot("full");
    // The output folder's marker is not a page of the site.
    files.remove(".exemplar-output");
    files
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
pub(crate) struct Served {
    pub(crate) child: std::process::Child,
    pub(crate) addr: String,
    pub(crate) base: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(s: &Site, extra: &[&str]) -> Served {
    serve_limited(s, extra, None)
}

/// `serve` with at most `nofile` open file descriptors, when given.
pub(crate) fn serve_limited(s: &Site, extra: &[&str], nofile: Option<u64>) -> Served {
    use std::io::BufRead;
    use std::os::unix::process::CommandExt;
    let port: &[&str] = if extra.contains(&"--port") {
        &[]
    } else {
        &["--port", "0"]
    };
    let mut cmd = Command::new(bin());
    cmd.arg("serve")
        .args(port)
        .args(extra)
        .current_dir(&s.dir)
        .stderr(std::process::Stdio::piped());
    if let Some(n) = nofile {
        // SAFETY: only setrlimit, async-signal-safe, between fork and exec.
        unsafe {
            cmd.pre_exec(move || {
                let lim = libc::rlimit {
                    rlim_cur: n,
                    rlim_max: n,
                };
                if libc::setrlimit(libc::RLIMIT_NOFILE, &lim) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
    }
    let mut child = cmd.spawn().unwrap();
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
pub(crate) fn http(addr: &str, req: &str) -> (u16, String, Vec<u8>) {
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

pub(crate) fn get(addr: &str, path: &str) -> (u16, String, Vec<u8>) {
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
