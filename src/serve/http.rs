//! The preview's HTTP side (tiny_http): outputs are looked up in memory,
//! never on disk, so no request can read a file outside the build. Paths
//! with `..`, encoded slashes or backslashes are refused. Live reload uses
//! Server-Sent Events on `<base>__exemplar/events`.

use std::io::Write;
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use tiny_http::{Header, Method, Request, Response, Server};

use crate::diagnostics::Diagnostic;
use crate::serve::engine::Store;

const LIVERELOAD: &str = include_str!("livereload.js");

/// What the HTTP threads read and the rebuild loop writes.
pub struct Shared {
    /// The outputs and their generation, which goes up with every rebuild
    /// that open pages must see.
    pub store: RwLock<(Arc<Store>, u64)>,
    pub errors: RwLock<Vec<Diagnostic>>,
    clients: Mutex<Vec<Sender<String>>>,
    pub base_path: String,
}

impl Shared {
    pub fn new(store: Arc<Store>, errors: Vec<Diagnostic>, base_path: String) -> Shared {
        Shared {
            store: RwLock::new((store, 1)),
            errors: RwLock::new(errors),
            clients: Mutex::new(Vec::new()),
            base_path,
        }
    }

    /// Publish a new build; `bump` when open pages must update.
    pub fn publish(&self, store: Arc<Store>, bump: bool) {
        let mut s = self.store.write().unwrap();
        s.0 = store;
        if bump {
            s.1 += 1;
        }
    }

    fn generation(&self) -> u64 {
        self.store.read().unwrap().1
    }

    /// Send an event (`reload`, `css`, `errors`) to every open page.
    pub fn broadcast(&self, event: &str) {
        let mut clients = self.clients.lock().unwrap();
        clients.retain(|c| c.send(event.to_string()).is_ok());
    }

    pub fn clients(&self) -> usize {
        self.clients.lock().unwrap().len()
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

/// Accept requests until the server is dropped; each on its own thread.
pub fn run(server: Server, shared: Arc<Shared>) {
    for req in server.incoming_requests() {
        let shared = shared.clone();
        std::thread::spawn(move || handle(req, &shared));
    }
}

fn header(k: &str, v: &str) -> Header {
    Header::from_bytes(k.as_bytes(), v.as_bytes()).expect("valid header")
}

fn mime(path: &str) -> &'static str {
    let ext = path.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json; charset=utf-8",
        "xml" if path.ends_with("atom.xml") => "application/atom+xml; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff2" => "font/woff2",
        "mp4" => "video/mp4",
        _ => "application/octet-stream",
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

fn handle(req: Request, shared: &Shared) {
    let base = shared.base_path.clone();
    if !matches!(req.method(), Method::Get | Method::Head) {
        let _ = req.respond(
            Response::from_string("method not allowed")
                .with_status_code(405)
                .with_header(header("Allow", "GET, HEAD")),
        );
        return;
    }
    let rel = match clean_path(req.url(), &base) {
        Err(why) => {
            let _ = req.respond(
                Response::from_string(format!("400 bad request: {why}")).with_status_code(400),
            );
            return;
        }
        Ok(None) => {
            if req.url() == "/" {
                let _ = req.respond(Response::empty(302).with_header(header("Location", &base)));
            } else {
                not_found(req, shared);
            }
            return;
        }
        Ok(Some(rel)) => rel,
    };
    match rel.as_str() {
        "__exemplar/livereload.js" => {
            let _ = req.respond(
                Response::from_string(LIVERELOAD)
                    .with_header(header("Content-Type", mime("x.js")))
                    .with_header(header("Cache-Control", "no-cache")),
            );
            return;
        }
        "__exemplar/errors" => {
            let list: Vec<serde_json::Value> = shared
                .errors
                .read()
                .unwrap()
                .iter()
                .map(|d| serde_json::json!({"file": d.file, "line": d.line, "col": d.col, "message": d.message, "hint": d.hint}))
                .collect();
            let body = serde_json::to_string(&list).unwrap_or_else(|_| "[]".into());
            let _ = req.respond(
                Response::from_string(body)
                    .with_header(header("Content-Type", mime("x.json")))
                    .with_header(header("Cache-Control", "no-store")),
            );
            return;
        }
        "__exemplar/events" => {
            events(req, shared);
            return;
        }
        _ => {}
    }
    let (store, generation) = shared.store.read().unwrap().clone();
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
            out.etag.clone()
        };
        let inm = req
            .headers()
            .iter()
            .find(|h| h.field.equiv("If-None-Match"))
            .map(|h| h.value.as_str().to_string());
        let common = |r: Response<std::io::Cursor<Vec<u8>>>| {
            r.with_header(header("ETag", &etag))
                .with_header(header("Cache-Control", "no-cache"))
                .with_header(header("X-Content-Type-Options", "nosniff"))
        };
        if inm
            .as_deref()
            .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"))
        {
            let _ = req.respond(common(Response::from_data(Vec::new())).with_status_code(304));
            return;
        }
        let body = if html {
            String::from_utf8_lossy(&out.bytes)
                .replace(GEN, &generation.to_string())
                .into_bytes()
        } else {
            out.bytes.to_vec()
        };
        let _ = req.respond(
            common(Response::from_data(body)).with_header(header("Content-Type", mime(&key))),
        );
        return;
    }
    if store.contains_key(&format!("{key}/index.html")) {
        let target = format!("{}{}/", base, crate::parse::slug::encode_path(&rel));
        let _ = req.respond(Response::empty(301).with_header(header("Location", &target)));
        return;
    }
    if store.is_empty() {
        // No good build yet: a page that shows the errors and reloads.
        let page = format!("<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>构建失败</title></head><body><h1>exemplar serve：还没有成功的构建</h1>{}</body></html>", snippet(&base).replace(GEN, &generation.to_string()));
        let _ = req.respond(
            Response::from_string(page)
                .with_status_code(500)
                .with_header(header("Content-Type", mime("x.html"))),
        );
        return;
    }
    not_found(req, shared);
}

fn not_found(req: Request, shared: &Shared) {
    let store = shared.store.read().unwrap().0.clone();
    let body = store
        .get("404.html")
        .map(|o| o.bytes.to_vec())
        .unwrap_or_else(|| b"404 not found".to_vec());
    let _ = req.respond(
        Response::from_data(body)
            .with_status_code(404)
            .with_header(header("Content-Type", mime("x.html"))),
    );
}

/// Server-Sent Events: one line per rebuild; a comment every 15 s keeps
/// the connection open through proxies.
fn events(req: Request, shared: &Shared) {
    let (tx, rx): (Sender<String>, Receiver<String>) = mpsc::channel();
    let mut w = req.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\nCache-Control: no-store\r\nConnection: keep-alive\r\nX-Accel-Buffering: no\r\n\r\n: exemplar live reload\n\n";
    // Register before greeting: once the page sees the greeting, no later
    // rebuild can be missed; `hello` tells it which build is current.
    shared.clients.lock().unwrap().push(tx);
    let head = format!("{head}event: hello\ndata: {}\n\n", shared.generation());
    if w.write_all(head.as_bytes())
        .and_then(|_| w.flush())
        .is_err()
    {
        return;
    }
    loop {
        let msg = match rx.recv_timeout(Duration::from_secs(15)) {
            Ok(event) => format!("event: {event}\ndata: {event}\n\n"),
            Err(mpsc::RecvTimeoutError::Timeout) => ": ping\n\n".to_string(),
            Err(mpsc::RecvTimeoutError::Disconnected) => return,
        };
        if w.write_all(msg.as_bytes()).and_then(|_| w.flush()).is_err() {
            return;
        }
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
}
