//! The preview's HTTP side: a small HTTP/1.1 server on std's sockets, with
//! requests parsed by `httparse` (hyper's parser). It answers GET and HEAD
//! from the outputs in memory, never from disk, so no request can read a
//! file outside the build; paths with `..`, encoded slashes or backslashes
//! are refused. Live reload uses Server-Sent Events on
//! `<base>__exemplar/events`.
//!
//! Why not tiny_http (used before): its accept loop ends for good at the
//! first `accept` error, so running out of file descriptors (a browser, a
//! crawler, or 250 idle connections) left a process that served nothing;
//! and it gave no bound on connections or time. A maintained async server
//! (hyper on tokio) would need a runtime for a preview that serves a few
//! clients. This server is one thread per connection, bounded:
//! - at most `MAX_CONNECTIONS` at once; more get `503` and are closed;
//! - a request head must arrive within `HEAD_TIMEOUT` (slow or idle
//!   clients are dropped), and a response be taken within `WRITE_TIMEOUT`;
//! - one request per connection (`Connection: close`), so nothing idles;
//! - at most `MAX_EVENT_CLIENTS` live-reload streams; a stream whose page
//!   is gone is noticed within a second; one over the bound is told to
//!   retry later;
//! - when `accept` fails for want of descriptors, a descriptor kept in
//!   reserve is let go to take the waiting connection and answer `503` at
//!   once; the server goes on and recovers by itself as connections end.

use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use crate::diagnostics::Diagnostic;
use crate::serve::engine::Store;

const LIVERELOAD: &str = include_str!("livereload.js");

pub const MAX_CONNECTIONS: usize = 128;
pub const MAX_EVENT_CLIENTS: usize = 32;
const HEAD_TIMEOUT: Duration = Duration::from_secs(5);
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
const MAX_HEAD: usize = 16 * 1024;
const PING_EVERY: Duration = Duration::from_secs(15);

/// What the HTTP threads read and the rebuild loop writes.
pub struct Shared {
    /// The outputs and their generation, which goes up with every rebuild
    /// that open pages must see.
    pub store: RwLock<(Arc<Store>, u64)>,
    pub errors: RwLock<Vec<Diagnostic>>,
    /// Open live-reload streams, by id.
    clients: Mutex<Vec<(u64, Sender<String>)>>,
    next_client: AtomicUsize,
    pub base_path: String,
    /// Connections being served now.
    active: AtomicUsize,
}

impl Shared {
    pub fn new(store: Arc<Store>, errors: Vec<Diagnostic>, base_path: String) -> Shared {
        Shared {
            store: RwLock::new((store, 1)),
            errors: RwLock::new(errors),
            clients: Mutex::new(Vec::new()),
            next_client: AtomicUsize::new(0),
            base_path,
            active: AtomicUsize::new(0),
        }
    }

    /// Publish a new build; `bump` when open pages must update.
    pub fn publish(&self, store: Arc<Store>, bump: bool) {
        let mut s = self.store.write().unwrap_or_else(|e| e.into_inner());
        s.0 = store;
        if bump {
            s.1 += 1;
        }
    }

    fn generation(&self) -> u64 {
        self.store.read().unwrap_or_else(|e| e.into_inner()).1
    }

    /// Send an event (`reload`, `css`, `errors`) to every open page.
    pub fn broadcast(&self, event: &str) {
        let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        clients.retain(|(_, c)| c.send(event.to_string()).is_ok());
    }
}

/// Stands in the snippet for the build generation a page is served from.
const GEN: &str = "__EXEMPLAR_GENERATION__";

/// The `<script>` put before `</body>` of every served HTML page.
pub fn snippet(base_path: &str) -> String {
    format!(
        r#"<script src="{base_path}__exemplar/livereload.js" data-base="{base_path}" data-gen="{GEN}"></script>"#
    )
}

/// HTML as served: stamped with the generation it is served from, so the
/// page knows whether a rebuild happened since (every HTML response, the
/// 404 page included: a page without it would reload forever).
fn stamped(bytes: &[u8], generation: u64) -> Vec<u8> {
    String::from_utf8_lossy(bytes)
        .replace(GEN, &generation.to_string())
        .into_bytes()
}

/// Accept connections for as long as the process runs.
pub fn run(listener: TcpListener, shared: Arc<Shared>) {
    let mut starved_since: Option<Instant> = None;
    // One descriptor held in reserve: when none are left, it is let go to
    // accept the waiting connection and refuse it at once (instead of
    // leaving clients hanging in the queue), then taken back.
    let mut spare = std::fs::File::open("/dev/null").ok();
    loop {
        match listener.accept() {
            Ok((stream, _)) => {
                if let Some(t) = starved_since.take() {
                    eprintln!(
                        "预览服务器恢复接受连接，停顿了 {} ms (accepting again)",
                        t.elapsed().as_millis()
                    );
                }
                if shared.active.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
                    shared.active.fetch_sub(1, Ordering::SeqCst);
                    busy(stream);
                    continue;
                }
                let s = shared.clone();
                let spawned = std::thread::Builder::new()
                    .name("serve-conn".into())
                    .stack_size(256 * 1024)
                    .spawn(move || {
                        handle(stream, &s);
                        s.active.fetch_sub(1, Ordering::SeqCst);
                    });
                if spawned.is_err() {
                    shared.active.fetch_sub(1, Ordering::SeqCst);
                }
            }
            Err(e) => {
                let starved = crate::load::platform::starved(&e);
                if starved {
                    if starved_since.is_none() {
                        starved_since = Some(Instant::now());
                        eprintln!(
                            "警告 (warning)：文件描述符用完了，新连接先回 503 (out of file descriptors: {e})"
                        );
                    }
                    match spare.take() {
                        Some(f) => {
                            drop(f);
                            if let Ok((stream, _)) = listener.accept() {
                                busy(stream);
                            }
                            spare = std::fs::File::open("/dev/null").ok();
                        }
                        None => {
                            std::thread::sleep(Duration::from_millis(50));
                            spare = std::fs::File::open("/dev/null").ok();
                        }
                    }
                } else {
                    std::thread::sleep(Duration::from_millis(1));
                }
            }
        }
    }
}

/// Too many connections: a short 503, without a thread.
fn busy(mut stream: TcpStream) {
    let _ = stream.set_write_timeout(Some(Duration::from_millis(200)));
    let _ = stream.write_all(
        b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    );
}

/// A response about to be written.
struct Response {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
}

impl Response {
    fn new(status: u16, body: impl Into<Vec<u8>>) -> Response {
        Response {
            status,
            headers: Vec::new(),
            body: body.into(),
        }
    }
    fn header(mut self, k: &'static str, v: impl Into<String>) -> Response {
        self.headers.push((k, v.into()));
        self
    }
    fn send(self, stream: &mut TcpStream, head_only: bool) {
        let reason = match self.status {
            200 => "OK",
            301 => "Moved Permanently",
            302 => "Found",
            304 => "Not Modified",
            400 => "Bad Request",
            404 => "Not Found",
            405 => "Method Not Allowed",
            431 => "Request Header Fields Too Large",
            500 => "Internal Server Error",
            _ => "Service Unavailable",
        };
        let mut head = format!("HTTP/1.1 {} {reason}\r\n", self.status);
        for (k, v) in &self.headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str(&format!(
            "Content-Length: {}\r\nConnection: close\r\n\r\n",
            self.body.len()
        ));
        let _ = stream.write_all(head.as_bytes());
        if !head_only && self.status != 304 {
            let _ = stream.write_all(&self.body);
        }
        let _ = stream.flush();
    }
}

/// The request line and the headers a preview needs.
struct Request {
    method: String,
    path: String,
    if_none_match: Option<String>,
}

/// Read one request head within `HEAD_TIMEOUT`; Err(status) to answer
/// with, or Ok(None) when the client went away or stalled.
fn read_request(stream: &mut TcpStream) -> Result<Option<Request>, u16> {
    let deadline = Instant::now() + HEAD_TIMEOUT;
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 2048];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return Ok(None);
        }
        match stream.read(&mut chunk) {
            Ok(0) => return Ok(None),
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(_) => return Ok(None),
        }
        let mut headers = [httparse::EMPTY_HEADER; 64];
        let mut req = httparse::Request::new(&mut headers);
        match req.parse(&buf) {
            Ok(httparse::Status::Complete(_)) => {
                let if_none_match = req
                    .headers
                    .iter()
                    .find(|h| h.name.eq_ignore_ascii_case("If-None-Match"))
                    .map(|h| String::from_utf8_lossy(h.value).into_owned());
                return Ok(Some(Request {
                    method: req.method.unwrap_or("").to_string(),
                    path: req.path.unwrap_or("").to_string(),
                    if_none_match,
                }));
            }
            Ok(httparse::Status::Partial) if buf.len() > MAX_HEAD => return Err(431),
            Ok(httparse::Status::Partial) => {}
            Err(_) => return Err(400),
        }
    }
}

/// Why a request path is refused, or the output path it names (relative to
/// the site root, `""` for the root).
pub fn clean_path(raw: &str, base_path: &str) -> Result<Option<String>, &'static str> {
    let path = raw.split(['?', '#']).next().unwrap_or("");
    let lower = path.to_ascii_lowercase();
    if lower.contains("%2f")
        || lower.contains("%5c")
        || path.contains('\\')
        || lower.contains("%00")
    {
        return Err("encoded slash, backslash or NUL in path");
    }
    let decoded = percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .map_err(|_| "path is not UTF-8")?;
    if decoded.split('/').any(|seg| seg == ".." || seg == ".") {
        return Err("dot segment in path");
    }
    if !decoded.starts_with('/') {
        return Err("path must start with /");
    }
    let Some(rest) = decoded
        .strip_prefix(base_path)
        .or_else(|| (decoded.as_ref() == base_path.trim_end_matches('/')).then_some(""))
    else {
        return Ok(None);
    };
    Ok(Some(rest.to_string()))
}

fn handle(mut stream: TcpStream, shared: &Shared) {
    let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
    let req = match read_request(&mut stream) {
        Ok(Some(r)) => r,
        Ok(None) => return,
        Err(status) => {
            Response::new(status, format!("{status}")).send(&mut stream, false);
            return;
        }
    };
    let head_only = req.method == "HEAD";
    if req.method != "GET" && !head_only {
        Response::new(405, "method not allowed")
            .header("Allow", "GET, HEAD")
            .send(&mut stream, false);
        return;
    }
    let base = shared.base_path.clone();
    let rel = match clean_path(&req.path, &base) {
        Err(why) => {
            Response::new(400, format!("400 bad request: {why}")).send(&mut stream, head_only);
            return;
        }
        Ok(None) if req.path == "/" => {
            Response::new(302, "")
                .header("Location", base)
                .send(&mut stream, head_only);
            return;
        }
        Ok(None) => {
            not_found(shared).send(&mut stream, head_only);
            return;
        }
        Ok(Some(rel)) => rel,
    };
    match rel.as_str() {
        "__exemplar/events" => return events(stream, shared),
        "__exemplar/livereload.js" => {
            Response::new(200, LIVERELOAD)
                .header("Content-Type", crate::model::paths::mime("x.js"))
                .header("Cache-Control", "no-cache")
                .send(&mut stream, head_only);
            return;
        }
        "__exemplar/errors" => {
            let list: Vec<serde_json::Value> = shared
                .errors
                .read()
                .unwrap_or_else(|e| e.into_inner())
                .iter()
                .map(|d| serde_json::json!({"file": d.file, "line": d.line, "col": d.col, "message": d.message, "hint": d.hint}))
                .collect();
            let body = serde_json::to_string(&list).unwrap_or_else(|_| "[]".into());
            Response::new(200, body)
                .header("Content-Type", crate::model::paths::mime("x.json"))
                .header("Cache-Control", "no-store")
                .send(&mut stream, head_only);
            return;
        }
        _ => {}
    }
    let (store, generation) = shared
        .store
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    let key = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.clone()
    };
    if let Some(out) = store.get(&key) {
        // HTML carries the generation it was served from, so its ETag does.
        let html = key.ends_with(".html");
        let etag = if html {
            format!("{}-{generation}\"", out.etag.trim_end_matches('"'))
        } else {
            out.etag.to_string()
        };
        let fresh = req
            .if_none_match
            .as_deref()
            .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
        let (status, body) = match (fresh, html) {
            (true, _) => (304, Vec::new()),
            (false, true) => (200, stamped(&out.bytes, generation)),
            (false, false) => (200, out.bytes.to_vec()),
        };
        Response::new(status, body)
            .header("Content-Type", crate::model::paths::mime(&key))
            .header("ETag", etag)
            .header("Cache-Control", "no-cache")
            .header("X-Content-Type-Options", "nosniff")
            .send(&mut stream, head_only);
        return;
    }
    if store.contains_key(&format!("{key}/index.html")) {
        let target = format!("{}{}/", base, crate::parse::slug::encode_path(&rel));
        Response::new(301, "")
            .header("Location", target)
            .send(&mut stream, head_only);
        return;
    }
    if store.is_empty() {
        // No good build yet: a page that shows the errors and reloads.
        let page = format!("<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>构建失败</title></head><body><h1>exemplar serve：还没有成功的构建</h1>{}</body></html>", snippet(&base));
        Response::new(500, stamped(page.as_bytes(), generation))
            .header("Content-Type", crate::model::paths::mime("x.html"))
            .send(&mut stream, head_only);
        return;
    }
    not_found(shared).send(&mut stream, head_only);
}

/// The site's 404 page (stamped like every page), status 404.
fn not_found(shared: &Shared) -> Response {
    let (store, generation) = shared
        .store
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    let body = store
        .get("404.html")
        .map(|o| stamped(&o.bytes, generation))
        .unwrap_or_else(|| b"404 not found".to_vec());
    Response::new(404, body).header("Content-Type", crate::model::paths::mime("x.html"))
}

/// Server-Sent Events: one line per rebuild; a comment every 15 s keeps
/// the connection open through proxies. The socket is looked at every
/// second, so a closed page frees its place at once.
fn events(mut stream: TcpStream, shared: &Shared) {
    let (tx, rx): (Sender<String>, Receiver<String>) = mpsc::channel();
    let id = shared.next_client.fetch_add(1, Ordering::SeqCst) as u64;
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\nCache-Control: no-store\r\nX-Accel-Buffering: no\r\n\r\n";
    {
        let mut clients = shared.clients.lock().unwrap_or_else(|e| e.into_inner());
        if clients.len() >= MAX_EVENT_CLIENTS {
            drop(clients);
            // Over the bound: the browser reconnects after `retry`.
            let _ = stream.write_all(format!("{head}retry: 5000\n\n").as_bytes());
            return;
        }
        // Register before greeting: once the page sees the greeting, no
        // later rebuild can be missed; `hello` tells it which build is current.
        clients.push((id, tx));
    }
    // However the stream ends, its place is freed.
    struct Leave<'a>(&'a Shared, u64);
    impl Drop for Leave<'_> {
        fn drop(&mut self) {
            let mut clients = self.0.clients.lock().unwrap_or_else(|e| e.into_inner());
            clients.retain(|(i, _)| *i != self.1);
        }
    }
    let _leave = Leave(shared, id);
    let greeting = format!(
        "{head}: exemplar live reload\n\nevent: hello\ndata: {}\n\n",
        shared.generation()
    );
    if stream
        .write_all(greeting.as_bytes())
        .and_then(|_| stream.flush())
        .is_err()
    {
        return;
    }
    let mut last_write = Instant::now();
    loop {
        let msg = match rx.recv_timeout(Duration::from_secs(1)) {
            Ok(event) => Some(format!("event: {event}\ndata: {event}\n\n")),
            Err(mpsc::RecvTimeoutError::Timeout) if last_write.elapsed() >= PING_EVERY => {
                Some(": ping\n\n".to_string())
            }
            Err(mpsc::RecvTimeoutError::Timeout) => None,
            Err(mpsc::RecvTimeoutError::Disconnected) => return,
        };
        if let Some(m) = msg {
            if stream
                .write_all(m.as_bytes())
                .and_then(|_| stream.flush())
                .is_err()
            {
                return;
            }
            last_write = Instant::now();
        }
        if gone(&stream) {
            return;
        }
    }
}

/// Whether the peer closed its side (a page that was closed or reloaded).
fn gone(stream: &TcpStream) -> bool {
    if stream.set_nonblocking(true).is_err() {
        return true;
    }
    let mut b = [0u8; 1];
    let r = stream.peek(&mut b);
    let _ = stream.set_nonblocking(false);
    match r {
        Ok(0) => true,
        Ok(_) => false,
        Err(e) => e.kind() != ErrorKind::WouldBlock,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traversal_is_refused() {
        let b = "/jyj/ddjs/";
        assert_eq!(
            clean_path("/jyj/ddjs/brands/x/", b),
            Ok(Some("brands/x/".into()))
        );
        assert_eq!(clean_path("/jyj/ddjs", b), Ok(Some("".into())));
        assert_eq!(clean_path("/other/", b), Ok(None));
        assert!(clean_path("/jyj/ddjs/../../etc/passwd", b).is_err());
        assert!(clean_path("/jyj/ddjs/%2e%2e/%2e%2e/etc/passwd", b).is_err());
        assert!(clean_path("/jyj/ddjs/..%2f..%2fetc%2fpasswd", b).is_err());
        assert!(clean_path("/jyj/ddjs/..\\..\\etc", b).is_err());
        assert_eq!(
            clean_path("/jyj/ddjs/%E4%B8%AD/", b),
            Ok(Some("中/".into()))
        );
    }

    #[test]
    fn every_html_response_is_stamped_with_its_generation() {
        let page = format!("<body>{}</body>", snippet("/"));
        let out = String::from_utf8(stamped(page.as_bytes(), 7)).unwrap();
        assert!(
            out.contains("data-gen=\"7\"") && !out.contains(GEN),
            "{out}"
        );
    }
}
