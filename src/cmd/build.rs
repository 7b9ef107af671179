//! `exemplar build`: load → parse → resolve → render → write, with every
//! content error of the build collected and reported together.

use std::path::PathBuf;
use std::time::Instant;

use rayon::prelude::*;

use crate::diagnostics::{codes, Diagnostic, Diagnostics, Failure};
use crate::images;
use crate::load;
use crate::outputs;
use crate::parse;
use crate::pipeline::{inputs, navigation, Inputs};
use crate::progress::Progress;
use crate::render::{self, context::Ctx};
use crate::resolve::bodies::Sources;
use crate::resolve::{self, Input};
use crate::search;
use crate::write::{self, Staging};

pub struct BuildOptions {
    pub root: PathBuf,
    pub out: PathBuf,
    pub drafts: bool,
    pub base_url: Option<String>,
    /// Replace a non-empty output folder exemplar did not make.
    pub force: bool,
    /// No progress display.
    pub quiet: bool,
    /// Only this year's exemplars (a yearly archive).
    pub year: Option<i32>,
    /// Also write `/feed.json` (a package).
    pub json_feed: bool,
}

pub struct Report {
    pub pages: usize,
    /// Pages that are exemplars (not plain pages such as 关于本站).
    pub exemplars: usize,
    /// With a year: the years of the pages left out.
    pub other_years: Vec<i32>,
    pub files: usize,
    pub millis: u128,
    pub images: images::Stats,
}

/// A thread the build waits for before it ends.
struct JoinOnDrop(Option<std::thread::JoinHandle<()>>);

impl Drop for JoinOnDrop {
    fn drop(&mut self) {
        if let Some(h) = self.0.take() {
            let _ = h.join();
        }
    }
}

/// The staging folder, being made in a thread of its own; abandoned (the
/// output untouched) when the build stops before using it.
struct Pending(Option<std::thread::JoinHandle<Result<Staging, Failure>>>);

impl Pending {
    fn start(target: &std::path::Path) -> Pending {
        let target = target.to_path_buf();
        Pending(Some(std::thread::spawn(move || Staging::new(&target))))
    }

    fn take(mut self) -> Result<Staging, Failure> {
        let h = self.0.take().expect("taken once");
        h.join().unwrap_or_else(|p| std::panic::resume_unwind(p))
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        if let Some(Ok(Ok(s))) = self.0.take().map(|h| h.join()) {
            s.abandon();
        }
    }
}

pub fn run(opts: &BuildOptions) -> Result<Report, Failure> {
    let started = Instant::now();
    let root = &opts.root;
    // Before any work: where the output goes must be safe to replace.
    let target = write::check_target(root, &opts.out, opts.force)?;
    // Taking the output's lock and walking the folder it recycles is
    // mostly waiting on the disk: done beside the content stages.
    let staging = Pending::start(&target);
    // So is checking the image cache's entries.
    let image_cache = images::Prefetch::start(images::cache_dir(root));
    let Inputs {
        cfg,
        registry,
        theme,
    } = inputs(root, opts.base_url.as_deref()).map_err(Failure::Content)?;
    let progress = Progress::new(opts.quiet);
    let mut errs = Diagnostics::default();
    // Load and parse in one pass, keeping each page's header only: the body
    // stage reads every file again (`Sources::Reread`).
    let stage = progress.stage("读取 load + 解析 parse", None);
    let offset = cfg.offset();
    let (docs, assets, load_errs) = load::content_each(root, |f| {
        Ok(parse::parse_file(f, offset).map(|mut d| {
            if !d.is_section {
                d.keep_header();
            }
            d
        }))
    });
    let (mut parsed, parse_errs) = parse::collect(docs);
    drop(stage);
    errs.extend(load_errs);
    errs.extend(parse_errs);
    // A draft never breaks the published site: its header errors are
    // errors only when drafts are built (and always in check and serve).
    let draft_errors = std::mem::take(&mut parsed.draft_errors);
    if opts.drafts {
        errs.extend(draft_errors);
    } else if !draft_errors.is_empty() {
        let mut files: Vec<&str> = draft_errors.iter().map(|d| d.file.as_str()).collect();
        files.dedup();
        for d in crate::diagnostics::for_display(&draft_errors) {
            eprintln!("{}\n", d.render().replacen("error", "warning", 1));
        }
        eprintln!(
            "警告 (warning)：{} 个草稿或待审核页面的头部有错误，本次构建跳过它们 (drafts skipped)：{}；exemplar check 或 build --drafts 会把它们当作错误",
            files.len(),
            files.join("、")
        );
    }
    let bodies = parsed.docs.len() as u64;
    let stage = progress.stage("结构 resolve", None);
    let mut input = Input::new(
        root,
        &cfg,
        &registry,
        &theme,
        parsed,
        assets,
        opts.drafts,
        outputs::ALL,
    );
    if let Some(y) = opts.year {
        input = input.limited_to(y);
    }
    if opts.json_feed {
        input = input.with_json_feed();
    }
    let (mut site, resolve_errs) = resolve::resolve(input);
    drop(stage);
    errs.extend(resolve_errs.0);
    let stage = progress.stage("图片 images", Some(images::count(&site) as u64));
    let (pictures, image_copies, image_errs, image_stats) = images::process_with(
        &site,
        &images::cache_dir(root),
        Some(image_cache),
        opts.year.is_none(),
        &|| stage.inc(),
    );
    drop(stage);
    errs.extend(image_errs);
    images::attach(&mut site, pictures, image_copies);
    let stage = progress.stage("正文 bodies", Some(bodies));
    let markdown = |doc: &crate::model::SourceDoc, links: &resolve::links::Resolver| {
        let r = resolve::plain_markdown(doc, links);
        stage.inc();
        r
    };
    let cache = resolve::body_cache::BodyCache::open(
        &root.join(".exemplar-cache"),
        site.links.fingerprint(),
        cfg.trust_html,
    );
    let bodies = resolve::bodies::render_with(
        &mut site,
        cfg.trust_html,
        &markdown,
        Sources::Reread(root),
        Some(&cache),
    );
    drop(stage);
    errs.extend(bodies.errors.0);
    if !errs.is_empty() {
        return Err(errs.into());
    }
    // Kept for the next build while this one renders (joined when dropped,
    // also when the build stops early). A year's archive, a part of the
    // site, leaves the cache to the whole site's builds.
    let saving = JoinOnDrop(if opts.year.is_some() {
        None
    } else {
        cache.save(
            bodies
                .keys
                .iter()
                .zip(&site.pages)
                .zip(&bodies.packed)
                .filter_map(|((k, p), packed)| Some(((*k)?, &p.rendered, packed.clone())))
                .collect(),
        )
    });
    // Links are resolved; the resolver's sets of every path are not read again.
    site.links = Default::default();
    let stage = progress.stage("搜索索引 search", None);
    let index = if cfg.search {
        search::cached(&site, &root.join(".exemplar-cache"), &|i| {
            bodies.packed[i].unpack()
        })
        .map_err(|e| Failure::io(".exemplar-cache/search", e))?
    } else {
        vec![]
    };
    site.copies
        .extend(index.into_iter().map(|f| crate::resolve::plan::Copy {
            from: format!(".exemplar-cache/search ({})", f.out),
            out: f.out,
            src: crate::load::theme::Bytes::Disk(f.path),
            processed: true,
            ident: f.ident,
            frozen: false,
        }));
    drop(stage);
    let stage = progress.stage("准备 setup", None);
    let nav = navigation(&site, &cfg, &theme.strings, registry.schools.is_some());
    let tera = render::setup(&cfg, &theme, &nav).map_err(Failure::Content)?;
    let ctx = Ctx::new(&cfg, &site, &registry, &theme.strings).once(bodies.packed);
    drop(stage);
    let stage = progress.stage("输出目录 output", None);
    let mut staging = staging.take()?;
    let outs: Vec<String> = site
        .jobs
        .iter()
        .map(|&j| outputs::out_path(&site, j))
        .collect();
    staging
        .plan(
            outs.iter()
                .chain(site.copies.iter().map(|c| &c.out))
                .map(String::as_str),
        )
        .map_err(|e| Failure::io(staging.dir.display(), e))?;
    drop(outs);
    drop(stage);
    let stage = progress.stage(
        "生成 render",
        Some((site.jobs.len() + site.copies.len()) as u64),
    );
    // Pages and copies side by side: linking many files into one folder
    // is one thread's work at a time (the folder is locked for each), so
    // done after the pages it left the other cores idle.
    let render = || -> Vec<Diagnostic> {
        site.jobs
            .par_iter()
            .inspect(|_| stage.inc())
            .filter_map(|&job| match outputs::render(&ctx, &tera, job) {
                Ok((out, text)) => staging.write(&out, &text).err().map(|e| {
                    Diagnostic::file(codes::WRITE, out, format!("写入失败 (write failed): {e}"))
                }),
                Err(d) => Some(d),
            })
            .collect()
    };
    let copy = || -> Vec<Diagnostic> {
        site.copies
            .par_iter()
            .inspect(|_| stage.inc())
            .filter_map(|c| {
                let written = match (c.processed, &c.src) {
                    (true, crate::load::theme::Bytes::Disk(src)) => {
                        staging.link(&c.out, src, c.ident)
                    }
                    _ => match images::copy_bytes(c) {
                        Ok(bytes) => staging.write(&c.out, &bytes),
                        Err(e) => return Some(Diagnostic::file(codes::IMAGE, &c.from, e)),
                    },
                };
                written.err().map(|e| {
                    Diagnostic::file(
                        codes::WRITE,
                        &c.from,
                        format!("复制失败 (copy failed): {e}"),
                    )
                })
            })
            .collect()
    };
    let (render_errors, copy_errors) = rayon::join(render, copy);
    let mut all: Vec<Diagnostic> = render_errors;
    all.extend(copy_errors);
    if !all.is_empty() {
        staging.abandon();
        let mut d = Diagnostics::default();
        d.extend(all);
        return Err(d.into());
    }
    drop(stage);
    let stage = progress.stage("替换 swap", None);
    staging.commit()?;
    drop(saving);
    drop(stage);
    let report = Report {
        pages: site.pages.len(),
        exemplars: site
            .pages
            .iter()
            .filter(|p| p.kind != crate::model::Kind::Page)
            .count(),
        other_years: site.other_years.iter().copied().collect(),
        files: site.jobs.len() + site.copies.len(),
        millis: started.elapsed().as_millis(),
        images: image_stats,
    };
    // The process ends next: freeing 100,000 pages one by one is wasted work.
    std::mem::forget(ctx);
    std::mem::forget((site, tera));
    Ok(report)
}
