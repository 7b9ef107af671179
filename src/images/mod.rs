//! Images, a stage after resolve and before bodies: every JPEG, PNG and
//! WebP the site publishes (bundle files, static/) becomes a few resized
//! variants — WebP (libwebp, lossy) and a JPEG or PNG fallback — with the
//! EXIF orientation applied and no metadata at all, plus a 4:3 thumbnail
//! for covers. Originals that are still copied lose their metadata at the
//! byte level (`strip`).
//!
//! Work is cached outside the output (`.exemplar-cache/images/` in the
//! site), keyed by the source's content hash and the parameters: a second
//! build decodes and encodes nothing, entries no longer used are pruned,
//! and an entry whose bytes do not match its recorded hash is redone.
//! Decoding is bounded (`LIMITS`), so a decompression bomb is an error,
//! not gigabytes.

pub mod strip;
pub mod svg;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use image::{DynamicImage, ImageDecoder, ImageReader};
use rayon::prelude::*;

use crate::diagnostics::{codes, Diagnostic};
use crate::load::theme::Bytes;
use crate::model::{Focus, Picture, Variant};
use crate::resolve::plan::Copy;
use crate::resolve::Resolved;

pub use strip::is_raster;

/// Widths made for a picture (never wider than the original).
pub const WIDTHS: [u32; 3] = [480, 960, 1600];
/// Widths of a card thumbnail, cropped to 4:3.
pub const THUMB_WIDTHS: [u32; 2] = [400, 800];
/// Larger than this, an image is refused before its pixels are decoded.
pub const MAX_SIDE: u32 = 12_000;
/// Bytes a decoder may allocate (a 12000×8000 RGB photo fits).
pub const MAX_ALLOC: u64 = 320 * 1024 * 1024;
/// Bump when the output of the same parameters changes (encoder settings).
const VERSION: u32 = 2;
const WEBP_QUALITY: f32 = 76.0;
const JPEG_QUALITY: u8 = 82;

/// What the stage did, for the build's summary line and tests.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    pub sources: usize,
    /// Sources decoded (cache misses).
    pub decoded: usize,
    /// Variant files encoded.
    pub encoded: usize,
}

/// One variant to make: size, crop, format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Spec {
    width: u32,
    height: u32,
    /// Crop to 4:3 around this focus first.
    crop: Option<Focus>,
    format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Format {
    Webp,
    Jpeg,
    Png,
}

impl Format {
    fn ext(self) -> &'static str {
        match self {
            Format::Webp => "webp",
            Format::Jpeg => "jpg",
            Format::Png => "png",
        }
    }
}

/// Source facts recorded in the cache so a hit needs no decoding.
#[derive(Debug, Clone, Copy)]
struct Meta {
    /// After the EXIF orientation.
    width: u32,
    height: u32,
    alpha: bool,
}

/// The cache folder and what it holds.
struct Cache {
    dir: PathBuf,
    /// source hash → facts
    meta: BTreeMap<String, Meta>,
    /// entry key → (length, modification time in ns) when written
    entries: BTreeMap<String, (u64, u64)>,
    /// source file → (length, modification time in ns, content hash): a
    /// warm build need not read the originals again.
    sources: BTreeMap<String, SourceStamp>,
    /// The index as read: a build that changes nothing does not write it
    /// again (nor look for files to prune).
    text: String,
    /// Checked ahead (`Prefetch`): each entry file found, by key, with its
    /// (device, inode) when it is as it was written.
    checked: Option<HashMap<String, Option<(u64, u64)>>>,
    /// Checked ahead: the sources the index names, with their stamps.
    source_stamps: Option<HashMap<String, Option<(u64, u64)>>>,
}

/// The image cache opened and checked in a thread of its own while the
/// build loads and parses: a warm build then finds every entry's state
/// known when the image stage starts.
pub struct Prefetch(std::thread::JoinHandle<Cache>);

impl Prefetch {
    pub fn start(dir: PathBuf) -> Prefetch {
        Prefetch(std::thread::spawn(move || {
            let mut c = Cache::open(&dir);
            let mut checked = HashMap::new();
            if let Ok(list) = std::fs::read_dir(&dir) {
                for e in list.flatten() {
                    let name = e.file_name().to_string_lossy().into_owned();
                    let Some((stem, _)) = name.split_once('.') else {
                        continue;
                    };
                    if name.ends_with(".tmp") {
                        continue;
                    }
                    if let Some(&stamp) = c.entries.get(stem) {
                        let ok = stat_of(&e.path())
                            .filter(|(st, _)| *st == stamp)
                            .map(|(_, id)| id);
                        checked.insert(stem.to_string(), ok);
                    }
                }
            }
            let sources = c
                .sources
                .keys()
                .map(|p| (p.clone(), stamp_of(Path::new(p))))
                .collect();
            c.checked = Some(checked);
            c.source_stamps = Some(sources);
            c
        }))
    }
}

/// A source file's length, modification time (ns) and content hash.
type SourceStamp = (u64, u64, String);

impl Cache {
    fn open(dir: &Path) -> Cache {
        let mut c = Cache {
            dir: dir.to_path_buf(),
            meta: BTreeMap::new(),
            entries: BTreeMap::new(),
            sources: BTreeMap::new(),
            text: String::new(),
            checked: None,
            source_stamps: None,
        };
        // A missing or damaged index only costs work: entries are redone.
        if let Ok(text) = std::fs::read_to_string(dir.join("index.tsv")) {
            c.text = text;
            for line in c.text.lines() {
                let f: Vec<&str> = line.split('\t').collect();
                match f.as_slice() {
                    ["m", k, w, h, a] => {
                        if let (Ok(width), Ok(height)) = (w.parse(), h.parse()) {
                            let alpha = *a == "1";
                            c.meta.insert(
                                k.to_string(),
                                Meta {
                                    width,
                                    height,
                                    alpha,
                                },
                            );
                        }
                    }
                    ["s", path, len, mtime, hash] => {
                        if let (Ok(len), Ok(mtime)) = (len.parse(), mtime.parse()) {
                            c.sources
                                .insert(path.to_string(), (len, mtime, hash.to_string()));
                        }
                    }
                    ["e", k, len, mtime] => {
                        if let (Ok(len), Ok(mtime)) = (len.parse(), mtime.parse()) {
                            c.entries.insert(k.to_string(), (len, mtime));
                        }
                    }
                    _ => {}
                }
            }
        }
        c
    }

    fn path(&self, key: &str, format: Format) -> PathBuf {
        self.dir.join(format!("{key}.{}", format.ext()))
    }

    /// Is the entry there as it was written (same length and modification
    /// time)? Its (device, inode) if so. Checked from the file's metadata:
    /// reading every entry back would cost a warm build more than the rest
    /// of its work.
    fn valid_at(&self, key: &str, path: &Path) -> Option<(u64, u64)> {
        if let Some(checked) = &self.checked {
            return checked.get(key).copied().flatten();
        }
        let &stamp = self.entries.get(key)?;
        stat_of(path)
            .filter(|(st, _)| *st == stamp)
            .map(|(_, id)| id)
    }

    /// Record an entry just written; its (device, inode).
    fn written(
        path: &Path,
        key: &str,
        new_entries: &Mutex<Vec<(String, (u64, u64))>>,
    ) -> Option<(u64, u64)> {
        let (stamp, id) = stat_of(path)?;
        new_entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((key.to_string(), stamp));
        Some(id)
    }
}

/// A file's length and modification time (nanoseconds).
fn stamp_of(path: &Path) -> Option<(u64, u64)> {
    stat_of(path).map(|(st, _)| st)
}

/// A file's (length, modification time in ns) and (device, inode).
fn stat_of(path: &Path) -> Option<((u64, u64), (u64, u64))> {
    let m = std::fs::metadata(path).ok()?;
    let t = m
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    let id = crate::load::platform::file_id(&m).unwrap_or((u64::MAX, u64::MAX));
    Some(((m.len(), t.as_nanos() as u64), id))
}

fn is_svg(name: &str) -> bool {
    name.to_ascii_lowercase().ends_with(".svg")
}

/// Every SVG the site publishes, checked for script (E132), so that
/// `check` and `serve` report it before a build does.
fn check_svgs(site: &Resolved) -> Vec<Diagnostic> {
    site.copies
        .par_iter()
        .filter(|c| is_svg(&c.out))
        .filter_map(|c| {
            let bytes = c.src.read().ok()?;
            svg::check(&bytes).err().map(|why| {
                Diagnostic::file(codes::IMAGE, &c.from, why)
                    .hint("用绘图软件重新导出为“纯 SVG”，不要脚本、事件和外部引用")
            })
        })
        .collect()
}

/// Where processed versions are published; reserved for them (checked
/// with the plan). A file's name is its cache key (source content, size,
/// format, encoder version), so one name always holds the same bytes.
pub const OUT_DIR: &str = crate::resolve::plan::IMAGES_DIR;

/// Where a site keeps its image cache (git-ignored; safe to delete).
pub fn cache_dir(root: &Path) -> PathBuf {
    root.join(".exemplar-cache").join("images")
}

/// How many files the stage will look at (for a progress count).
pub fn count(site: &Resolved) -> usize {
    site.copies
        .iter()
        .filter(|c| is_raster(&c.out) && !c.frozen)
        .count()
}

/// Hand the stage's results to the site: pictures for bodies and
/// templates, variant files to publish.
pub fn attach(site: &mut Resolved, pictures: BTreeMap<String, Picture>, copies: Vec<Copy>) {
    let pictures = std::sync::Arc::new(pictures);
    site.links = std::mem::take(&mut site.links).with_pictures(pictures.clone());
    site.pictures = pictures;
    // Originals are published from the cache (stripped there); their
    // processed versions are new files.
    let mut originals: BTreeMap<String, Copy> = BTreeMap::new();
    let mut variants = Vec::new();
    for c in copies {
        if c.out.starts_with(OUT_DIR) {
            variants.push(c);
        } else {
            originals.insert(c.out.clone(), c);
        }
    }
    for c in &mut site.copies {
        if let Some(o) = originals.remove(&c.out) {
            *c = o;
        }
    }
    site.copies.extend(variants);
}

/// One source image and who asked for a thumbnail of it.
struct Source<'a> {
    copy: &'a Copy,
    site_path: String,
    thumb: Option<Focus>,
}

/// Process every raster image of `site` (its copied files), using and
/// updating the cache under `cache_dir`. The pictures by site path, the
/// variant files to publish (as copies from the cache), the errors, and
/// what it cost. `tick` is called once per source (a progress count).
pub fn process(
    site: &Resolved,
    cache_dir: &Path,
    tick: &(dyn Fn() + Sync),
) -> (BTreeMap<String, Picture>, Vec<Copy>, Vec<Diagnostic>, Stats) {
    process_with(site, cache_dir, None, true, tick)
}

/// `process`, with the cache opened and checked ahead (`Prefetch`).
pub fn process_with(
    site: &Resolved,
    cache_dir: &Path,
    prefetched: Option<Prefetch>,
    prune: bool,
    tick: &(dyn Fn() + Sync),
) -> (BTreeMap<String, Picture>, Vec<Copy>, Vec<Diagnostic>, Stats) {
    let mut focus: BTreeMap<String, Focus> = BTreeMap::new();
    for p in &site.pages {
        if let Some(c) = &p.cover {
            focus.entry(c.clone()).or_insert(p.cover_focus);
        }
    }
    let sources: Vec<Source> = site
        .copies
        .iter()
        .filter(|c| is_raster(&c.out) && !c.frozen)
        .map(|c| {
            let site_path = format!("/{}", c.out);
            Source {
                thumb: focus.get(&site_path).copied(),
                site_path,
                copy: c,
            }
        })
        .collect();
    let mut stats = Stats {
        sources: sources.len(),
        ..Stats::default()
    };
    let svg_errors = check_svgs(site);
    if sources.is_empty() && !cache_dir.exists() {
        return (BTreeMap::new(), Vec::new(), svg_errors, stats);
    }
    if let Err(e) = std::fs::create_dir_all(cache_dir) {
        let d = Diagnostic::file(
            codes::WRITE,
            cache_dir.display().to_string(),
            format!("无法建立图片缓存文件夹 (cannot create the image cache): {e}"),
        );
        return (BTreeMap::new(), Vec::new(), vec![d], stats);
    }
    let cache = match prefetched {
        Some(p) => p.0.join().unwrap_or_else(|_| Cache::open(cache_dir)),
        None => Cache::open(cache_dir),
    };
    let new_meta: Mutex<Vec<(String, Meta)>> = Mutex::new(Vec::new());
    let new_sources: Mutex<Vec<(String, SourceStamp)>> = Mutex::new(Vec::new());
    let new_entries: Mutex<Vec<(String, (u64, u64))>> = Mutex::new(Vec::new());
    let results: Vec<Result<Made, Diagnostic>> = sources
        .par_iter()
        .map(|s| {
            let r = one(s, &cache, &new_meta, &new_entries, &new_sources);
            tick();
            r
        })
        .collect();
    let mut pictures = BTreeMap::new();
    let mut copies = Vec::new();
    let mut errors = svg_errors;
    for (s, r) in sources.iter().zip(results) {
        match r {
            Ok((pic, files, decoded, encoded)) => {
                stats.decoded += decoded as usize;
                stats.encoded += encoded;
                pictures.insert(s.site_path.clone(), pic);
                copies.extend(files);
            }
            Err(d) => errors.push(d),
        }
    }
    let new_meta = new_meta.into_inner().unwrap_or_else(|e| e.into_inner());
    let new_entries = new_entries.into_inner().unwrap_or_else(|e| e.into_inner());
    let new_sources: BTreeMap<String, SourceStamp> = new_sources
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .collect();
    // A warm build that found every entry, as many as the index holds, and
    // every source as it was: the index on disk says it all. (Were two
    // photos the same file, an unused entry may stay until the next change.)
    if errors.is_empty()
        && new_meta.is_empty()
        && new_entries.is_empty()
        && copies.len() == cache.entries.len()
        && pictures.len() == cache.meta.len()
        && new_sources == cache.sources
    {
        return (pictures, copies, errors, stats);
    }
    // The index keeps what this build used, nothing else; files not in it
    // are pruned. A build of part of the site (a year's archive) only adds.
    let mut meta = BTreeMap::new();
    let mut entries = BTreeMap::new();
    let used_meta: BTreeSet<String> = pictures.values().map(|p| p.source_hash.clone()).collect();
    for (k, m) in cache
        .meta
        .iter()
        .filter(|(k, _)| !prune || used_meta.contains(*k))
    {
        meta.insert(k.clone(), *m);
    }
    meta.extend(new_meta);
    let used: BTreeSet<String> = copies
        .iter()
        .filter_map(|c| match &c.src {
            Bytes::Disk(p) => p.file_stem().map(|s| s.to_string_lossy().into_owned()),
            Bytes::Embedded(_) => None,
        })
        .collect();
    for (k, v) in cache
        .entries
        .iter()
        .filter(|(k, _)| !prune || used.contains(*k))
    {
        entries.insert(k.clone(), *v);
    }
    entries.extend(new_entries);
    if errors.is_empty() {
        let mut sources = if prune {
            BTreeMap::new()
        } else {
            cache.sources.clone()
        };
        sources.extend(new_sources);
        let text = index_text(&meta, &entries, &sources);
        if text != cache.text {
            let tmp = cache_dir.join("index.tsv.tmp");
            if std::fs::write(&tmp, text).is_ok() {
                let _ = std::fs::rename(&tmp, cache_dir.join("index.tsv"));
            }
            if prune {
                self::prune(cache_dir, &entries);
            }
        }
    }
    (pictures, copies, errors, stats)
}

fn index_text(
    meta: &BTreeMap<String, Meta>,
    entries: &BTreeMap<String, (u64, u64)>,
    sources: &BTreeMap<String, SourceStamp>,
) -> String {
    let mut text = String::from("# exemplar image cache: safe to delete\n");
    for (path, (len, mtime, hash)) in sources {
        if !path.contains(['\t', '\n', '\r']) {
            text.push_str(&format!("s\t{path}\t{len}\t{mtime}\t{hash}\n"));
        }
    }
    for (k, m) in meta {
        text.push_str(&format!(
            "m\t{k}\t{}\t{}\t{}\n",
            m.width, m.height, m.alpha as u8
        ));
    }
    for (k, (len, mtime)) in entries {
        text.push_str(&format!("e\t{k}\t{len}\t{mtime}\n"));
    }
    text
}

fn prune(dir: &Path, entries: &BTreeMap<String, (u64, u64)>) {
    let Ok(list) = std::fs::read_dir(dir) else {
        return;
    };
    for e in list.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name == "index.tsv" {
            continue;
        }
        let stem = name.split('.').next().unwrap_or("");
        if !entries.contains_key(stem) || name.ends_with(".tmp") {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

fn hex128(h: u128) -> String {
    format!("{h:032x}")
}

/// The variants of a source with these facts.
fn specs(m: Meta, thumb: Option<Focus>) -> (Vec<Spec>, Vec<Spec>) {
    let fallback = if m.alpha { Format::Png } else { Format::Jpeg };
    let mut widths: Vec<u32> = WIDTHS.iter().copied().filter(|&w| w < m.width).collect();
    widths.push(m.width.min(*WIDTHS.last().unwrap_or(&1600)));
    widths.dedup();
    let scaled = |w: u32, aw: u32, ah: u32| {
        ((ah as u64 * w as u64 + aw as u64 / 2) / aw as u64).max(1) as u32
    };
    let mut full = Vec::new();
    for &w in &widths {
        let h = scaled(w, m.width, m.height);
        for format in [Format::Webp, fallback] {
            full.push(Spec {
                width: w,
                height: h,
                crop: None,
                format,
            });
        }
    }
    let mut thumbs = Vec::new();
    if let Some(f) = thumb {
        let (cw, _) = crop_size(m.width, m.height);
        let mut tw: Vec<u32> = THUMB_WIDTHS.iter().copied().filter(|&w| w < cw).collect();
        tw.push(cw.min(*THUMB_WIDTHS.last().unwrap_or(&800)));
        tw.dedup();
        for w in tw {
            let h = ((w as u64 * 3 + 2) / 4).max(1) as u32;
            for format in [Format::Webp, fallback] {
                thumbs.push(Spec {
                    width: w,
                    height: h,
                    crop: Some(f),
                    format,
                });
            }
        }
    }
    (full, thumbs)
}

/// The largest 4:3 box inside `w`×`h`.
fn crop_size(w: u32, h: u32) -> (u32, u32) {
    if (w as u64) * 3 > (h as u64) * 4 {
        ((h as u64 * 4 / 3).max(1) as u32, h)
    } else {
        (w, (w as u64 * 3 / 4).max(1) as u32)
    }
}

fn key(source: &str, s: &Spec) -> String {
    let text = format!(
        "{VERSION}:{source}:{}x{}:{:?}:{:?}",
        s.width, s.height, s.crop, s.format
    );
    hex128(xxhash_rust::xxh3::xxh3_128(text.as_bytes()))
}

type Made = (Picture, Vec<Copy>, bool, usize);

fn one(
    s: &Source,
    cache: &Cache,
    new_meta: &Mutex<Vec<(String, Meta)>>,
    new_entries: &Mutex<Vec<(String, (u64, u64))>>,
    new_sources: &Mutex<Vec<(String, SourceStamp)>>,
) -> Result<Made, Diagnostic> {
    let from = &s.copy.from;
    let read = || {
        s.copy.src.read().map_err(|e| {
            Diagnostic::file(
                codes::UNREADABLE,
                from,
                format!("读取失败 (cannot read): {e}"),
            )
        })
    };
    // The content hash: remembered by file length and modification time,
    // else read and hashed.
    let stamp = match &s.copy.src {
        Bytes::Disk(p) => {
            let name = p.to_string_lossy().into_owned();
            let st = match cache.source_stamps.as_ref().and_then(|m| m.get(&name)) {
                Some(checked) => *checked,
                None => stamp_of(p),
            };
            st.map(|st| (name, st))
        }
        Bytes::Embedded(_) => None,
    };
    let known = stamp.as_ref().and_then(|(p, st)| {
        cache
            .sources
            .get(p)
            .filter(|(len, mtime, _)| (*len, *mtime) == *st)
            .map(|(_, _, h)| h.clone())
    });
    let mut bytes = None;
    let source_hash = match known {
        Some(h) => h,
        None => {
            let b = read()?;
            let h = hex128(xxhash_rust::xxh3::xxh3_128(&b));
            bytes = Some(b);
            h
        }
    };
    if let Some((p, (len, mtime))) = stamp {
        new_sources
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((p, (len, mtime, source_hash.clone())));
    }
    let mut decoded: Option<DynamicImage> = None;
    let meta = match cache.meta.get(&source_hash) {
        Some(m) => *m,
        None => {
            let b = bytes.take().map_or_else(read, Ok)?;
            let img = decode(&b, from)?;
            let m = Meta {
                width: img.width(),
                height: img.height(),
                alpha: img.color().has_alpha(),
            };
            decoded = Some(img);
            new_meta
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push((source_hash.clone(), m));
            m
        }
    };
    let (full, thumbs) = specs(meta, s.thumb);
    let mut copies = Vec::new();
    let mut encoded = 0;
    let mut was_decoded = decoded.is_some();
    // (width, thumb, webp) → site path
    let mut outs: BTreeMap<(u32, bool, bool), String> = BTreeMap::new();
    // Largest first, per crop: each size is made from the one before it
    // (cheaper than from the original), and once for both formats.
    let mut order: Vec<&Spec> = full.iter().chain(&thumbs).collect();
    order.sort_by_key(|s| (s.crop, std::cmp::Reverse(s.width), s.format != Format::Webp));
    let mut last: Option<(Option<Focus>, DynamicImage)> = None;
    for spec in order {
        let k = key(&source_hash, spec);
        let path = cache.path(&k, spec.format);
        let mut ident = cache.valid_at(&k, &path);
        if ident.is_none() {
            if decoded.is_none() {
                let b = bytes.take().map_or_else(read, Ok)?;
                decoded = Some(decode(&b, from)?);
                was_decoded = true;
            }
            let img = decoded.as_ref().expect("decoded above");
            let reuse = last
                .as_ref()
                .filter(|(c, p)| *c == spec.crop && p.width() >= spec.width)
                .map(|(_, p)| p);
            let pixels = resized(img, reuse, spec);
            let data = encode(&pixels, spec.format).map_err(|e| {
                Diagnostic::file(
                    codes::IMAGE,
                    from,
                    format!("图片处理失败 (image processing failed): {e}"),
                )
            })?;
            write_entry(&path, &data, from)?;
            ident = Cache::written(&path, &k, new_entries);
            encoded += 1;
            last = Some((spec.crop, pixels));
        }
        let tag = if spec.crop.is_some() { "t" } else { "w" };
        let out = format!(
            "{OUT_DIR}{}-{tag}{}.{}",
            &k[..20],
            spec.width,
            spec.format.ext()
        );
        outs.insert(
            (spec.width, spec.crop.is_some(), spec.format == Format::Webp),
            format!("/{out}"),
        );
        copies.push(Copy {
            out,
            src: Bytes::Disk(path),
            from: from.clone(),
            processed: true,
            ident,
            frozen: false,
        });
    }
    // The original as published (metadata stripped, turned upright), kept
    // in the cache too: a warm build neither reads nor strips it again.
    let k = format!("orig{VERSION}-{source_hash}");
    let path = cache.dir.join(format!("{k}.orig"));
    let mut ident = cache.valid_at(&k, &path);
    if ident.is_none() {
        let b = bytes.take().map_or_else(read, Ok)?;
        let data =
            published_original(&b, from).map_err(|e| Diagnostic::file(codes::IMAGE, from, e))?;
        write_entry(&path, &data, from)?;
        ident = Cache::written(&path, &k, new_entries);
    }
    copies.push(Copy {
        out: s.copy.out.clone(),
        src: Bytes::Disk(path),
        from: from.clone(),
        processed: true,
        ident,
        frozen: false,
    });
    let variants = |list: &[Spec]| -> Vec<Variant> {
        let mut v: Vec<Variant> = Vec::new();
        for sp in list.iter().filter(|sp| sp.format != Format::Webp) {
            let thumb = sp.crop.is_some();
            v.push(Variant {
                width: sp.width,
                height: sp.height,
                webp: outs
                    .get(&(sp.width, thumb, true))
                    .cloned()
                    .unwrap_or_default(),
                fallback: outs
                    .get(&(sp.width, thumb, false))
                    .cloned()
                    .unwrap_or_default(),
            });
        }
        v
    };
    let pic = Picture {
        source_hash,
        width: meta.width,
        height: meta.height,
        fallback_type: if meta.alpha {
            "image/png"
        } else {
            "image/jpeg"
        }
        .into(),
        variants: variants(&full),
        thumbs: variants(&thumbs),
    };
    Ok((pic, copies, was_decoded, encoded))
}

/// Write a cache entry through a temporary file: two sources with the same
/// bytes make the same entry at the same time, and a published hard link
/// to the old entry must keep its bytes.
fn write_entry(path: &Path, data: &[u8], from: &str) -> Result<(), Diagnostic> {
    static TMP: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = TMP.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = path.with_extension(format!("{}.{n}.tmp", std::process::id()));
    std::fs::write(&tmp, data)
        .and_then(|_| std::fs::rename(&tmp, path))
        .map_err(|e| {
            Diagnostic::file(
                codes::WRITE,
                from,
                format!("写入图片缓存失败 (cannot write the image cache): {e}"),
            )
        })
}

/// Decode with bounds, then turn the pixels the way the camera said.
fn decode(bytes: &[u8], from: &str) -> Result<DynamicImage, Diagnostic> {
    let bad = |msg: String| Diagnostic::file(codes::IMAGE, from, msg);
    if bytes.starts_with(&[0xFF, 0xD8]) && !strip::jpeg_complete(bytes) {
        return Err(
            bad("图片文件不完整 (truncated JPEG: no end of image after its data)".into())
                .hint("重新导出或重新拷贝这张图片"),
        );
    }
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| bad(format!("无法读取图片 (cannot read image): {e}")))?;
    let supported = matches!(
        reader.format(),
        Some(image::ImageFormat::Jpeg | image::ImageFormat::Png | image::ImageFormat::WebP)
    );
    if !supported {
        return Err(bad(
            "不支持的图片格式 (unsupported image format)；支持 JPEG、PNG、WebP (supported: JPEG, PNG, WebP)"
                .into(),
        )
        .hint("用图片软件另存为 JPEG（照片）或 PNG（图表、截图）"));
    }
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|e| too_big_or(bad, e))?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img = DynamicImage::from_decoder(decoder).map_err(|e| too_big_or(bad, e))?;
    img.apply_orientation(orientation);
    Ok(img)
}

fn too_big_or(bad: impl Fn(String) -> Diagnostic, e: image::ImageError) -> Diagnostic {
    match e {
        image::ImageError::Limits(_) => bad(format!(
            "图片尺寸或解码所需内存超过上限 (image too large: over {MAX_SIDE}×{MAX_SIDE} pixels or {} MiB to decode)",
            MAX_ALLOC / 1024 / 1024
        ))
        .hint("把图片缩小到 4000 像素宽以内再放进网站"),
        other => bad(format!("图片文件损坏或不完整 (corrupt or truncated image): {other}"))
            .hint("重新导出或重新拷贝这张图片"),
    }
}

/// The pixels of one size: from `larger` (the previous, larger size of the
/// same crop) when there is one, else from the original.
fn resized(img: &DynamicImage, larger: Option<&DynamicImage>, s: &Spec) -> DynamicImage {
    // Triangle (bilinear over the whole footprint) is the cheapest filter
    // that does not alias when shrinking photos.
    let shrink = |src: &DynamicImage| {
        if src.width() == s.width && src.height() == s.height {
            src.clone()
        } else {
            src.resize_exact(s.width, s.height, image::imageops::FilterType::Triangle)
        }
    };
    if let Some(p) = larger {
        return shrink(p);
    }
    match s.crop {
        Some(focus) => {
            let (cw, ch) = crop_size(img.width(), img.height());
            let (x, y) = anchor(img.width() - cw, img.height() - ch, focus);
            shrink(&img.crop_imm(x, y, cw, ch))
        }
        None => shrink(img),
    }
}

/// Encode pixels. Encoders write pixels only: no EXIF, XMP or IPTC can
/// reach the output.
fn encode(resized: &DynamicImage, format: Format) -> Result<Vec<u8>, String> {
    match format {
        Format::Webp => {
            let mut config = webp::WebPConfig::new().map_err(|_| "WebP: no config".to_string())?;
            config.lossless = 0;
            config.quality = WEBP_QUALITY;
            // Effort 3 of 6: within a few per cent of the default's size,
            // markedly faster on photos.
            config.method = 3;
            let enc = if resized.color().has_alpha() {
                let rgba = resized.to_rgba8();
                webp::Encoder::from_rgba(rgba.as_raw(), rgba.width(), rgba.height())
                    .encode_advanced(&config)
                    .map(|m| m.to_vec())
            } else {
                let rgb = resized.to_rgb8();
                webp::Encoder::from_rgb(rgb.as_raw(), rgb.width(), rgb.height())
                    .encode_advanced(&config)
                    .map(|m| m.to_vec())
            };
            enc.map_err(|e| format!("WebP: {e:?}"))
        }
        Format::Jpeg => {
            let mut out = Vec::new();
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY)
                .encode_image(&resized.to_rgb8())
                .map_err(|e| e.to_string())?;
            Ok(out)
        }
        Format::Png => {
            let mut out = Vec::new();
            resized
                .to_rgba8()
                .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
                .map_err(|e| e.to_string())?;
            Ok(out)
        }
    }
}

fn anchor(dx: u32, dy: u32, f: Focus) -> (u32, u32) {
    match f {
        Focus::Center => (dx / 2, dy / 2),
        Focus::Top => (dx / 2, 0),
        Focus::Bottom => (dx / 2, dy),
        Focus::Left => (0, dy / 2),
        Focus::Right => (dx, dy / 2),
    }
}

/// The bytes a copied file is published with: what the image stage made
/// as it is, other raster images without their metadata, everything else
/// as it is.
pub fn copy_bytes(c: &Copy) -> Result<std::borrow::Cow<'static, [u8]>, String> {
    let bytes = c
        .src
        .read()
        .map_err(|e| format!("读取失败 (cannot read): {e}"))?;
    if c.processed || c.frozen {
        return Ok(bytes);
    }
    if is_svg(&c.out) {
        svg::check(&bytes)?;
        return Ok(bytes);
    }
    if !is_raster(&c.out) {
        return Ok(bytes);
    }
    published_original(&bytes, &c.from).map(std::borrow::Cow::Owned)
}

/// An original photo as published: every metadata block stripped, and a
/// photo that is only upright through its EXIF orientation (it would lie
/// on its side once the tag is gone) turned in its pixels instead.
fn published_original(bytes: &[u8], from: &str) -> Result<Vec<u8>, String> {
    if bytes.starts_with(&[0xFF, 0xD8]) {
        let turned = image::codecs::jpeg::JpegDecoder::new(Cursor::new(bytes))
            .ok()
            .and_then(|mut d| d.orientation().ok())
            .is_some_and(|o| o != image::metadata::Orientation::NoTransforms);
        if turned {
            let img = decode(bytes, from).map_err(|d| d.message)?;
            let mut out = Vec::new();
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
                .encode_image(&img.to_rgb8())
                .map_err(|e| e.to_string())?;
            return Ok(out);
        }
    }
    strip::strip(bytes)
}
