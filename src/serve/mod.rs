//! `exemplar serve`: build in memory, serve over HTTP, watch the site,
//! rebuild what changed and tell open pages to reload. `public/` is never
//! touched: drafts and half-written pages cannot leak into what is published.
pub mod engine;
pub mod http;

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use notify::RecursiveMode;
use notify_debouncer_full::{new_debouncer, DebounceEventResult};

use crate::config::Config;
use crate::diagnostics::Failure;
use engine::{Change, Engine, Options};
use http::Shared;

pub struct ServeOptions {
    pub root: PathBuf,
    pub port: u16,
    pub bind: IpAddr,
    pub drafts: bool,
    /// No progress display for the first build.
    pub quiet: bool,
}

/// Folders and files whose changes matter, relative to the root.
const WATCHED: &[&str] = &["content", "data", "themes", "static", "templates"];

fn relevant(root: &Path, p: &Path) -> bool {
    let Ok(rel) = p.strip_prefix(root) else {
        return false;
    };
    let name = p
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if crate::load::is_ignored(&name) {
        return false;
    }
    let first = rel
        .components()
        .next()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .unwrap_or_default();
    first == "site.yaml" || WATCHED.contains(&first.as_str())
}

/// Bind the first free port from `port` on; say so when it moved.
fn bind(ip: IpAddr, port: u16) -> Result<(std::net::TcpListener, u16), Failure> {
    let mut last = String::new();
    for p in port..port.saturating_add(20) {
        match std::net::TcpListener::bind((ip, p)) {
            Ok(s) => {
                let p = s.local_addr().map(|a| a.port()).unwrap_or(p);
                if p != port && port != 0 {
                    eprintln!("端口 {port} 已被占用，改用 {p} (port {port} is taken, using {p})");
                }
                return Ok((s, p));
            }
            Err(e) => last = e.to_string(),
        }
    }
    Err(Failure::Other(format!(
        "无法监听 {ip}:{port}–{} (cannot listen): {last}",
        port.saturating_add(19)
    )))
}

pub fn run(opts: ServeOptions) -> Result<(), Failure> {
    let root = opts
        .root
        .canonicalize()
        .map_err(|e| Failure::io(opts.root.display(), e))?;
    let cfg = Config::load(&root).map_err(Failure::Content)?;
    let (server, port) = bind(opts.bind, opts.port)?;
    if !opts.bind.is_loopback() {
        eprintln!("警告 (warning)：预览绑定在 {}，局域网内的其他人也能访问，包括草稿。(the preview is reachable by others)", opts.bind);
    }
    let host = if opts.bind.is_unspecified() {
        "127.0.0.1".to_string()
    } else {
        opts.bind.to_string()
    };
    let host = if host.contains(':') {
        format!("[{host}]")
    } else {
        host
    };
    let base_path = cfg.base_path();
    let base_url = format!("http://{host}:{port}{base_path}");
    // Watch before the first build: a change made while it runs, or right
    // after the URL is printed, is never missed.
    let (tx, rx) = std::sync::mpsc::channel::<DebounceEventResult>();
    let mut debouncer = new_debouncer(Duration::from_millis(10), None, tx)
        .map_err(|e| Failure::Other(format!("无法监视文件 (watch failed): {e}")))?;
    debouncer
        .watch(&root, RecursiveMode::NonRecursive)
        .map_err(|e| Failure::Other(format!("watch {}: {e}", root.display())))?;
    for dir in WATCHED {
        let d = root.join(dir);
        if d.is_dir() {
            debouncer
                .watch(&d, RecursiveMode::Recursive)
                .map_err(|e| Failure::Other(format!("watch {}: {e}", d.display())))?;
        }
    }
    let started = Instant::now();
    let stage = crate::progress::Progress::new(opts.quiet).stage("首次构建 build", None);
    let mut engine = Engine::start(Options {
        root: root.clone(),
        drafts: opts.drafts,
        base_url: base_url.clone(),
        inject: http::snippet(&base_path),
    })
    .map_err(Failure::Content)?;
    drop(stage);
    report(&engine, started);
    let shared = Arc::new(Shared::new(
        engine.store(),
        engine.errors.clone(),
        base_path,
    ));
    {
        let shared = shared.clone();
        std::thread::spawn(move || http::run(server, shared));
    }
    eprintln!(
        "预览地址 (open): {base_url}\n{}；按 Ctrl+C 停止",
        if opts.drafts {
            "草稿和待审核页面会显示（--no-drafts 隐藏）"
        } else {
            "不显示草稿"
        }
    );

    while let Ok(first) = rx.recv() {
        let mut paths: Vec<PathBuf> = Vec::new();
        let mut collect = |r: DebounceEventResult| {
            if let Ok(events) = r {
                for ev in events {
                    // Reading files (ours included) raises access and
                    // metadata events; only content changes count.
                    // A write seen half-way is followed by its close event,
                    // so the finished file is always read again.
                    use notify::event::{AccessKind, AccessMode, EventKind, ModifyKind};
                    match ev.event.kind {
                        EventKind::Create(_) | EventKind::Remove(_) => {}
                        EventKind::Access(AccessKind::Close(AccessMode::Write)) => {}
                        EventKind::Modify(ModifyKind::Metadata(_)) => continue,
                        EventKind::Modify(_) => {}
                        _ => continue,
                    }
                    paths.extend(
                        ev.event
                            .paths
                            .iter()
                            .filter(|p| relevant(&root, p))
                            .cloned(),
                    );
                }
            }
        };
        collect(first);
        while let Ok(more) = rx.try_recv() {
            collect(more);
        }
        paths.sort();
        paths.dedup();
        // A watched folder created after start (static/, templates/ ...).
        for p in &paths {
            if p.parent() == Some(root.as_path()) && p.is_dir() {
                let _ = debouncer.watch(p, RecursiveMode::Recursive);
            }
        }
        if paths.is_empty() {
            continue;
        }
        let t = Instant::now();
        if std::env::var_os("EXEMPLAR_TIMINGS").is_some() {
            eprintln!("[timing] event received for {} path(s)", paths.len());
        }
        let change = engine.update(&paths);
        shared.publish(
            engine.store(),
            engine.errors.is_empty() && change != Change::None,
        );
        *shared.errors.write().unwrap() = engine.errors.clone();
        if !engine.errors.is_empty() {
            shared.broadcast("errors");
        } else {
            match change {
                Change::Css => shared.broadcast("css"),
                Change::Reload => shared.broadcast("reload"),
                Change::None => {}
            }
        }
        report(&engine, t);
    }
    Ok(())
}

fn report(engine: &Engine, t: Instant) {
    if engine.errors.is_empty() {
        eprintln!(
            "已更新 (rebuilt) {} 个文件，用时 {} ms",
            engine.store().len(),
            t.elapsed().as_millis()
        );
    } else {
        for d in &engine.errors {
            eprintln!("{}\n", d.render());
        }
        eprintln!(
            "构建失败：{} 处错误，继续显示上一次成功的构建 (serving the last good build)",
            engine.errors.len()
        );
    }
}
