//! `check --external`: are the outside links of the site still reachable?
//! One request at a time per host (politeness), several hosts in parallel,
//! a timeout per request, and a cache file (`.exemplar/link-cache.json`) so
//! links that worked are not asked again for a week.

use std::collections::{BTreeMap, VecDeque};
use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use pulldown_cmark::{Event, Parser, Tag};
use serde::{Deserialize, Serialize};

use crate::check::Finding;
use crate::diagnostics::line_col;
use crate::parse::markdown::options;
use crate::resolve::Resolved;

const CACHE: &str = ".exemplar/link-cache.json";
const FRESH: u64 = 7 * 24 * 3600;
const WORKERS: usize = 8;

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    ok: bool,
    status: u16,
    error: String,
    checked: u64,
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn host(url: &str) -> &str {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    rest.split(['/', '?', '#']).next().unwrap_or(rest)
}

fn probe(agent: &ureq::Agent, url: &str) -> Entry {
    let result = match agent.head(url).call() {
        Ok(r) if r.status().as_u16() == 405 || r.status().as_u16() == 501 => agent.get(url).call(),
        other => other,
    };
    match result {
        Ok(r) => {
            let status = r.status().as_u16();
            Entry {
                ok: status < 400,
                status,
                error: String::new(),
                checked: now(),
            }
        }
        Err(e) => Entry {
            ok: false,
            status: 0,
            error: e.to_string(),
            checked: now(),
        },
    }
}

pub fn check(site: &Resolved, root: &Path, timeout: Duration, out: &mut Vec<Finding>) {
    // Every outside link with where it is written.
    let mut uses: BTreeMap<String, Vec<(String, usize, usize)>> = BTreeMap::new();
    for p in &site.pages {
        let d = &p.doc;
        for (ev, range) in Parser::new_ext(d.body(), options()).into_offset_iter() {
            if let Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) = ev {
                if dest_url.starts_with("http://") || dest_url.starts_with("https://") {
                    let (l, c) = line_col(d.body(), range.start);
                    uses.entry(dest_url.split('#').next().unwrap_or(&dest_url).to_string())
                        .or_default()
                        .push((d.file.clone(), d.body_line + l - 1, c));
                }
            }
        }
    }
    let cache_path = root.join(CACHE);
    let mut cache: BTreeMap<String, Entry> = std::fs::read_to_string(&cache_path)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default();
    let t = now();
    let mut by_host: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for url in uses.keys() {
        if !cache
            .get(url)
            .is_some_and(|e| e.ok && t.saturating_sub(e.checked) < FRESH)
        {
            by_host
                .entry(host(url).to_string())
                .or_default()
                .push(url.clone());
        }
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .user_agent("exemplar-link-check")
        .build()
        .into();
    let queue = Mutex::new(by_host.into_values().collect::<VecDeque<Vec<String>>>());
    let results = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..WORKERS {
            s.spawn(|| loop {
                let Some(urls) = queue.lock().unwrap().pop_front() else {
                    break;
                };
                for url in urls {
                    let e = probe(&agent, &url);
                    results.lock().unwrap().push((url, e));
                }
            });
        }
    });
    for (url, e) in results.into_inner().unwrap() {
        cache.insert(url, e);
    }
    for (url, places) in &uses {
        let Some(e) = cache.get(url) else { continue };
        if e.ok {
            continue;
        }
        let why = if e.status > 0 {
            format!("HTTP {}", e.status)
        } else {
            format!("无法连接 ({})", e.error)
        };
        for (file, l, c) in places {
            out.push(Finding::new(
                "E013",
                file,
                *l,
                *c,
                format!("外部链接 {url} 无法访问 (external link broken): {why}"),
                "确认网址是否正确、网站是否已迁移；失效的链接请删除或换成新地址",
            ));
        }
    }
    if let Some(dir) = cache_path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    if let Ok(text) = serde_json::to_string_pretty(&cache) {
        let _ = std::fs::write(&cache_path, text);
    }
}
