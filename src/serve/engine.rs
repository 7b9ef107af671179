//! The preview engine: the build pipeline kept in memory between edits.
//!
//! It caches parsed documents (by file stamp) and rendered Markdown (by
//! document identity and link fingerprint), re-resolves the site after a
//! change, signs every render job (`outputs::sign`: the job's description,
//! hashed) and renders only the jobs whose signature changed. A body-only edit of one page skips
//! re-resolving altogether. Outputs live in memory; `public/` is never
//! touched. After any sequence of edits the outputs equal a full build of
//! the same files (tested in `tests/it/serve.rs` and below).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use rayon::prelude::*;
use tera::Tera;

use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::load::{self, theme::Theme};
use crate::model::{Registry, SourceDoc};
use crate::outputs;
use crate::parse::header::{parse_doc, split};
use crate::parse::markdown::{self, Rendered};
use crate::parse::parse_files;
use crate::pipeline::{inputs, navigation, Inputs};
use crate::render::context::{Ctx, PerPage};
use crate::render::signature::{global_hash, Signer};
use crate::resolve::bodies::Sources;
use crate::resolve::{self, links, Input, Resolved};

/// One output file as served.
#[derive(Clone, Debug)]
pub struct Output {
    pub bytes: Arc<[u8]>,
    pub etag: Arc<str>,
    sig: Option<u64>,
}

/// Files by path relative to the site root (`brands/x/index.html`).
///
/// Keyed with FxHash (rustc-hash): every edit builds the map again (tens
/// of thousands of inserts and lookups at 10k pages), and its keys are
/// our own output paths on a loopback preview, so SipHash's defence
/// against chosen keys buys nothing here and costs milliseconds.
pub type Files = HashMap<String, Output, rustc_hash::FxBuildHasher>;

/// Every output of the current build: rendered pages and copied files,
/// made again on every update, and the search index beside them, shared
/// with the previous store when an update does not touch it (an edit
/// changes a few of its ten thousand files at most).
#[derive(Clone, Default)]
pub struct Store {
    files: Files,
    index: Arc<Files>,
}

impl Store {
    pub fn get(&self, path: &str) -> Option<&Output> {
        self.files.get(path).or_else(|| self.index.get(path))
    }
    pub fn contains_key(&self, path: &str) -> bool {
        self.get(path).is_some()
    }
    pub fn len(&self) -> usize {
        self.files.len() + self.index.len()
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Output)> {
        self.files.iter().chain(self.index.iter())
    }
}

/// What an update did, for the live-reload message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Nothing any page shows changed.
    None,
    /// Only stylesheets changed: swap them without reloading.
    Css,
    /// Reload open pages.
    Reload,
}

pub struct Options {
    pub root: PathBuf,
    pub drafts: bool,
    /// The preview's base URL (`http://127.0.0.1:1111/jyj/ddjs/`).
    pub base_url: String,
    /// Inserted before `</body>` of every HTML page (live reload); empty for none.
    pub inject: String,
}

type Stamp = (Option<SystemTime>, u64);

fn stamp(path: &Path) -> Stamp {
    std::fs::metadata(path)
        .map(|m| (m.modified().ok(), m.len()))
        .unwrap_or((None, u64::MAX))
}

struct MdEntry {
    text: Arc<str>,
    links: u64,
    rendered: Rendered,
}

pub struct Engine {
    opts: Options,
    cfg: Config,
    registry: Registry,
    theme: Theme,
    tera: Tera,
    /// The navigation `tera` was set up with.
    nav: crate::render::Navigation,
    signer: Signer,
    /// content/-relative path → (stamp, parsed document or its errors)
    docs: BTreeMap<String, (Stamp, Result<SourceDoc, Vec<Diagnostic>>)>,
    md: Mutex<HashMap<String, MdEntry>>,
    site: Option<Resolved>,
    /// Cards and value hashes of the pages, kept between edits.
    values: PerPage,
    store: Arc<Store>,
    /// Which outputs are copied files (statics, bundle assets).
    static_keys: BTreeSet<String>,
    /// Errors of the last update; empty when the last update built.
    pub errors: Vec<Diagnostic>,
    /// Each page's part of the search index, kept between edits.
    search: crate::search::Incremental,
}

impl Engine {
    /// Load and build everything. Content errors do not fail this: the
    /// engine starts empty and reports them, like any later update.
    pub fn start(opts: Options) -> Result<Engine, Vec<Diagnostic>> {
        let Inputs {
            cfg,
            registry,
            theme,
        } = inputs(&opts.root, Some(&opts.base_url))?;
        let mut e = Engine {
            signer: Signer::new(0, &theme),
            tera: Tera::new(),
            nav: Default::default(),
            opts,
            cfg,
            registry,
            theme,
            docs: BTreeMap::new(),
            md: Mutex::new(HashMap::new()),
            site: None,
            values: PerPage::default(),
            store: Arc::new(Store::default()),
            static_keys: BTreeSet::new(),
            errors: vec![],
            search: Default::default(),
        };
        e.update(&[PathBuf::from("site.yaml")]);
        Ok(e)
    }

    pub fn store(&self) -> Arc<Store> {
        self.store.clone()
    }

    pub fn base_path(&self) -> String {
        self.cfg.base_path()
    }

    /// Apply changed paths (absolute or relative to the root) and rebuild
    /// what they affect. On errors the previous outputs stay.
    pub fn update(&mut self, changed: &[PathBuf]) -> Change {
        let rel: Vec<String> = changed
            .iter()
            .map(|p| {
                let p = p.strip_prefix(&self.opts.root).unwrap_or(p);
                p.components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/")
            })
            .collect();
        let is_static = |r: &str| {
            r.starts_with("static/")
                || (r.starts_with("themes/") && r.split('/').nth(2) == Some("static"))
        };
        let full = rel.iter().any(|r| {
            r == "site.yaml"
                || r.starts_with("data/")
                || r.starts_with("templates/")
                || (r.starts_with("themes/") && !is_static(r))
        });
        let content: Vec<&String> = rel.iter().filter(|r| r.starts_with("content/")).collect();
        let statics_only = !full && content.is_empty();
        if statics_only {
            let root = &self.opts.root;
            let css = rel
                .iter()
                .filter(|r| !root.join(r).is_dir())
                .all(|r| r.ends_with(".css"));
            return match self.refresh_statics() {
                Some(true) if css => Change::Css,
                Some(true) => Change::Reload,
                Some(false) => Change::None,
                // A static file came or went: the plan of outputs changed.
                None => self.rebuild(false),
            };
        }
        if !full && content.len() == 1 {
            if let Some(change) = self.body_only(content[0]) {
                return change;
            }
        }
        self.rebuild(full)
    }

    /// The fast path: one page's body changed and its header did not.
    fn body_only(&mut self, file: &str) -> Option<Change> {
        let rel = file.strip_prefix("content/")?;
        let path = self.opts.root.join(file);
        let site = self.site.as_mut()?;
        let i = site.pages.iter().position(|p| p.doc.file == file)?;
        let text = load::read_text(&path, file).ok()?;
        let old = &site.pages[i].doc;
        let new_header = split(file, &text).ok()?.header;
        let old_header = split(file, &old.text).ok()?.header;
        if new_header != old_header || rel.ends_with("_index.md") || !self.errors.is_empty() {
            return None;
        }
        let doc = parse_doc(file, rel, text, self.cfg.offset(), false).ok()?;
        let raw = markdown::render(&doc, &site.links);
        if !raw.errors.is_empty() {
            self.errors = raw.errors;
            return Some(Change::Reload);
        }
        // The cache holds Markdown's own output, as `rebuild` expects.
        let rendered = resolve::clean(raw.clone(), self.cfg.trust_html);
        self.md.lock().unwrap().insert(
            file.to_string(),
            MdEntry {
                text: doc.text.clone(),
                links: site.links.fingerprint(),
                rendered: raw,
            },
        );
        self.docs
            .insert(rel.to_string(), (stamp(&path), Ok(doc.clone())));
        site.pages[i].doc = doc;
        site.pages[i].rendered = rendered;
        Some(self.render_changed(Scope::Page(i)))
    }

    /// Re-read what changed on disk, re-resolve and re-render changed jobs.
    fn rebuild(&mut self, full: bool) -> Change {
        if full {
            match inputs(&self.opts.root, Some(&self.opts.base_url)) {
                Ok(Inputs {
                    cfg,
                    registry,
                    theme,
                }) => {
                    self.cfg = cfg;
                    self.registry = registry;
                    self.theme = theme;
                }
                Err(e) => {
                    self.errors = e;
                    return Change::Reload;
                }
            }
        }
        let mut errors = Vec::new();
        self.rescan_content();
        let mut parsed = crate::parse::Parsed::default();
        for (rel, (_, d)) in &self.docs {
            match d {
                Ok(d) => parsed.docs.push(d.clone()),
                Err(e) => {
                    parsed.failed.push(rel.clone());
                    errors.extend(e.iter().cloned());
                }
            }
        }
        let assets = load::walk_files(&self.opts.root.join("content"))
            .into_iter()
            .filter(|(_, rel)| !rel.ends_with(".md"))
            .map(|(src, rel)| load::Asset { src, rel })
            .collect();
        let cache = &self.md;
        let md = |doc: &SourceDoc, links: &links::Resolver| cached_markdown(cache, doc, links);
        let (mut site, mut resolve_errors) = resolve::resolve(Input::new(
            &self.opts.root,
            &self.cfg,
            &self.registry,
            &self.theme,
            parsed,
            assets,
            self.opts.drafts,
            outputs::ALL,
        ));
        let (pictures, image_copies, image_errors, _) =
            crate::images::process(&site, &crate::images::cache_dir(&self.opts.root), &|| {});
        resolve_errors.extend(image_errors);
        crate::images::attach(&mut site, pictures, image_copies);
        resolve_errors.extend(
            resolve::bodies::render(&mut site, self.cfg.trust_html, &md, Sources::Keep)
                .errors
                .0,
        );
        errors.extend(resolve_errors.0);
        if !errors.is_empty() {
            errors.sort();
            self.errors = errors;
            return Change::Reload;
        }
        // Every page shows the navigation, which follows the sections: a
        // content edit can change it as much as site.yaml can.
        let nav = navigation(
            &site,
            &self.cfg,
            &self.theme.strings,
            self.registry.schools.is_some(),
        );
        if full || self.site.is_none() || nav != self.nav {
            match crate::render::setup(&self.cfg, &self.theme, &nav) {
                Ok(t) => self.tera = t,
                Err(e) => {
                    self.errors = e;
                    return Change::Reload;
                }
            }
            let global = global_hash(&[
                &self.cfg,
                &self.registry.schools,
                &self.registry.groups,
                &self.registry.targets,
                &self.registry.brand_schools,
                &self.registry.typical_samples,
                &self.theme.strings,
                &nav,
                &self.opts.drafts,
            ]);
            self.signer = Signer::new(global, &self.theme);
            self.nav = nav;
        }
        self.site = Some(site);
        self.render_changed(Scope::All)
    }

    /// Re-read content files that are new or whose stamp changed; forget
    /// deleted ones. Parsed documents keep their identity when unchanged.
    fn rescan_content(&mut self) {
        let dir = self.opts.root.join("content");
        let files: Vec<(PathBuf, String)> = load::walk_files(&dir)
            .into_iter()
            .filter(|(_, r)| r.ends_with(".md"))
            .collect();
        let present: BTreeSet<&String> = files.iter().map(|(_, r)| r).collect();
        self.docs.retain(|k, _| present.contains(k));
        let stale: Vec<(PathBuf, String, Stamp)> = files
            .iter()
            .map(|(p, r)| (p.clone(), r.clone(), stamp(p)))
            .filter(|(_, r, st)| self.docs.get(r).is_none_or(|(old, _)| old != st))
            .collect();
        let offset = self.cfg.offset();
        let parsed: Vec<(String, Stamp, Result<SourceDoc, Vec<Diagnostic>>)> = stale
            .into_par_iter()
            .map(|(p, rel, st)| {
                let file = format!("content/{rel}");
                let doc = match load::read_text(&p, &file) {
                    Ok(text) => {
                        let (mut d, e) = parse_files(
                            vec![load::TextFile {
                                file,
                                rel: rel.clone(),
                                text,
                            }],
                            offset,
                        );
                        if e.is_empty() {
                            Ok(d.docs.remove(0))
                        } else {
                            Err(e)
                        }
                    }
                    Err(e) => Err(vec![e]),
                };
                (rel, st, doc)
            })
            .collect();
        for (rel, st, doc) in parsed {
            self.docs.insert(rel, (st, doc));
        }
    }

    /// Re-read static files and bundle assets into the store. Some(true)
    /// when any output changed; None when the set of static files changed
    /// (or there is no build yet), which takes a rebuild.
    fn refresh_statics(&mut self) -> Option<bool> {
        let theme = load::theme::load(&self.opts.root, &self.cfg.theme, &self.cfg.language).ok()?;
        let same = theme.statics.keys().eq(self.theme.statics.keys());
        self.theme.statics = theme.statics;
        let site = self.site.as_mut().filter(|_| same)?;
        // Same files, perhaps from elsewhere (a site file now overrides
        // the theme's): the plan is unchanged, only its sources.
        for c in &mut site.copies {
            if let Some(src) = self.theme.statics.get(&c.out) {
                if *src != c.src {
                    // Also an original the image stage had published from
                    // its cache: read (and strip) the file itself again.
                    c.src = src.clone();
                    c.processed = false;
                }
            }
        }
        let site = self.site.as_ref()?;
        let mut store = (*self.store).clone();
        store.files.retain(|k, _| !self.static_keys.contains(k));
        let (changed, keys) = copy_files(&mut store.files, site, &self.store);
        // A changed photo changes its processed versions and the pages
        // showing them: that takes the image stage, in a rebuild.
        let photo_changed = keys
            .iter()
            .filter(|k| crate::images::is_raster(k) && !k.starts_with(crate::images::OUT_DIR))
            .any(|k| store.get(k).map(|o| &o.bytes) != self.store.get(k).map(|o| &o.bytes));
        if photo_changed {
            return None;
        }
        let changed = changed || keys != self.static_keys;
        self.static_keys = keys;
        self.store = Arc::new(store);
        Some(changed)
    }

    /// Sign every job, render those whose signature changed, and swap in
    /// the new store. `Scope::All` also re-reads copied files; `Jobs` keeps them.
    fn render_changed(&mut self, scope: Scope) -> Change {
        let Some(site) = self.site.as_ref() else {
            return Change::None;
        };
        let t0 = std::time::Instant::now();
        let ctx = match scope {
            Scope::All => {
                let mut ctx = Ctx::new(&self.cfg, site, &self.registry, &self.theme.strings);
                ctx.hash_pages();
                ctx
            }
            Scope::Page(i) => {
                let values = std::mem::take(&mut self.values);
                let mut ctx =
                    Ctx::with_values(&self.cfg, site, &self.registry, &self.theme.strings, values);
                ctx.refresh(i);
                ctx
            }
        };
        let list = &site.jobs;
        let old = &self.store;
        let results: Vec<Result<(String, Output, bool), Diagnostic>> = list
            .par_iter()
            .map(|&job| {
                let sig = Some(outputs::sign(&self.signer, &ctx, job));
                let out = outputs::out_path(site, job);
                if let Some(o) = old.get(&out) {
                    if o.sig == sig {
                        return Ok((out, o.clone(), false));
                    }
                }
                let (out, text) = outputs::render(&ctx, &self.tera, job)?;
                let bytes = if out.ends_with(".html") && !self.opts.inject.is_empty() {
                    inject(text, &self.opts.inject)
                } else {
                    text
                };
                let changed = old.get(&out).is_none_or(|o| *o.bytes != *bytes);
                Ok((
                    out,
                    Output {
                        etag: etag(&bytes),
                        bytes: bytes.into(),
                        sig,
                    },
                    changed,
                ))
            })
            .collect();
        if std::env::var_os("EXEMPLAR_TIMINGS").is_some() {
            let n = results
                .iter()
                .filter(|r| r.as_ref().is_ok_and(|(_, _, c)| *c))
                .count();
            eprintln!(
                "[timing] sign+render {} jobs ({n} changed): {:?}",
                list.len(),
                t0.elapsed()
            );
        }
        self.values = ctx.into_values();
        let mut store = Files::with_capacity_and_hasher(
            self.store.files.len().max(results.len()),
            Default::default(),
        );
        if let Scope::Page(_) = scope {
            // Copied files stay as they are; every job is in `results`.
            for k in &self.static_keys {
                if let Some(o) = self.store.files.get(k) {
                    store.insert(k.clone(), o.clone());
                }
            }
        }
        let mut errors = Vec::new();
        let mut changed = false;
        for r in results {
            match r {
                Ok((out, o, c)) => {
                    changed |= c;
                    store.insert(out, o);
                }
                Err(d) => errors.push(d),
            }
        }
        if !errors.is_empty() {
            errors.sort();
            self.errors = errors;
            return Change::Reload;
        }
        // The search index: only changed pages are read and cut again,
        // and only the files they touch are put in a new store.
        let t1 = std::time::Instant::now();
        let update = if self.cfg.search {
            self.search
                .update(site, &|i| site.pages[i].rendered.html.clone())
        } else {
            self.search = Default::default();
            crate::search::Update::none()
        };
        let old = &self.store;
        let index = match update.touched {
            Some([]) => old.index.clone(),
            Some(touched) => {
                let mut index = (*old.index).clone();
                for k in touched {
                    changed |= put_shared(&mut index, old, k, &update.files[k]);
                }
                Arc::new(index)
            }
            None => {
                let mut index =
                    Files::with_capacity_and_hasher(update.files.len(), Default::default());
                for (k, bytes) in update.files {
                    changed |= put_shared(&mut index, old, k, bytes);
                }
                changed |= index.len() != old.index.len()
                    || index.keys().any(|k| !old.index.contains_key(k));
                Arc::new(index)
            }
        };
        if std::env::var_os("EXEMPLAR_TIMINGS").is_some() {
            eprintln!("[timing] search index: {:?}", t1.elapsed());
        }
        if let Scope::All = scope {
            let (c, keys) = copy_files(&mut store, site, &self.store);
            changed |= c || keys != self.static_keys;
            self.static_keys = keys;
        }
        let old = &self.store.files;
        changed |= store.len() != old.len() || store.keys().any(|k| !old.contains_key(k));
        let store = Store {
            files: store,
            index,
        };
        self.store = Arc::new(store);
        let had_errors = !self.errors.is_empty();
        self.errors.clear();
        if changed || had_errors {
            Change::Reload
        } else {
            Change::None
        }
    }
}

/// What an update renews. Every job is signed either way, and rendered
/// again only when its signature changed: whether a page must be rendered
/// again follows from what it shows, never from a list kept by hand.
enum Scope {
    /// Every job, and copied files re-read from disk; every page's values
    /// computed again.
    All,
    /// Every job; page `i`'s body changed, so its values are computed
    /// again and copied files are kept (a body edit cannot change them).
    Page(usize),
}

/// Copy theme/site statics and bundle assets into `store`, reading each
/// file: whether any bytes differ from `old`, and the keys copied.
fn copy_files(store: &mut Files, site: &Resolved, old: &Store) -> (bool, BTreeSet<String>) {
    let read: Vec<(String, Vec<u8>)> = site
        .copies
        .par_iter()
        .filter_map(|c| {
            crate::images::copy_bytes(c)
                .ok()
                .map(|bytes| (c.out.clone(), bytes.into_owned()))
        })
        .collect();
    let mut changed = false;
    let mut keys = BTreeSet::new();
    for (k, bytes) in read {
        keys.insert(k.clone());
        changed |= put_file(store, old, k, bytes);
    }
    (changed, keys)
}

/// Put a file that is not rendered (a copy, the search index) into
/// `store`, keeping `old`'s output when the bytes are the same; whether
/// they changed.
fn put_file(store: &mut Files, old: &Store, k: String, bytes: Vec<u8>) -> bool {
    match old.get(&k) {
        Some(o) if *o.bytes == *bytes => {
            store.insert(k, o.clone());
            false
        }
        _ => {
            store.insert(
                k,
                Output {
                    etag: etag(&bytes),
                    bytes: bytes.into(),
                    sig: None,
                },
            );
            true
        }
    }
}

/// Put a file of the search index into `store`: `old`'s output when it
/// holds these bytes (the same allocation when the index kept the file),
/// else a new one; whether it changed.
fn put_shared(store: &mut Files, old: &Store, k: &str, bytes: &Arc<[u8]>) -> bool {
    match old.get(k) {
        Some(o) if Arc::ptr_eq(&o.bytes, bytes) || o.bytes == *bytes => {
            store.insert(k.to_string(), o.clone());
            false
        }
        _ => {
            store.insert(
                k.to_string(),
                Output {
                    etag: etag(bytes),
                    bytes: bytes.clone(),
                    sig: None,
                },
            );
            true
        }
    }
}

/// Markdown through the cache: same document text and same link
/// fingerprint → the same HTML.
fn cached_markdown(
    cache: &Mutex<HashMap<String, MdEntry>>,
    doc: &SourceDoc,
    links: &links::Resolver,
) -> Rendered {
    let fp = links.fingerprint();
    if let Some(e) = cache.lock().unwrap().get(&doc.file) {
        if e.links == fp && Arc::ptr_eq(&e.text, &doc.text) {
            return e.rendered.clone();
        }
    }
    let r = markdown::render(doc, links);
    cache.lock().unwrap().insert(
        doc.file.clone(),
        MdEntry {
            text: doc.text.clone(),
            links: fp,
            rendered: r.clone(),
        },
    );
    r
}

fn inject(html: Vec<u8>, snippet: &str) -> Vec<u8> {
    match html.windows(7).rposition(|w| w == b"</body>") {
        Some(i) => {
            let mut s = Vec::with_capacity(html.len() + snippet.len());
            s.extend_from_slice(&html[..i]);
            s.extend_from_slice(snippet.as_bytes());
            s.extend_from_slice(&html[i..]);
            s
        }
        None => html,
    }
}

fn etag(bytes: &[u8]) -> Arc<str> {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    format!("\"{:016x}\"", h.finish()).into()
}
