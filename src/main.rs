//! Parses the command line and hands over to `exemplar::cmd`.

use std::process::ExitCode;

// mimalloc: a build makes millions of small strings and values on every
// core; glibc's malloc spent a fifth of a build's CPU time on them.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::Parser;
use exemplar::cli::{ArchiveAction, Cli, Command};
use exemplar::cmd;
use exemplar::diagnostics::Failure;

fn report(f: Failure) -> ExitCode {
    report_kept(f, "public/")
}

/// Report a failure; `kept` is what it left untouched.
fn report_kept(f: Failure, kept: &str) -> ExitCode {
    match f {
        Failure::Content(ds) => {
            for d in exemplar::diagnostics::for_display(&ds) {
                eprintln!("{}\n", d.render());
            }
            eprintln!(
                "构建失败：{} 处错误 (build failed: {} error(s))；{kept} 未改动",
                ds.len(),
                ds.len()
            );
        }
        Failure::Other(msg) => eprintln!("错误 (error): {msg}"),
    }
    ExitCode::from(1)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build {
            drafts,
            base_url,
            output,
            force,
            quiet,
            root,
        } => {
            let root = exemplar::pipeline::site_root(root.as_deref());
            let out = output.unwrap_or_else(|| root.join("public"));
            let opts = cmd::build::BuildOptions {
                root,
                out: out.clone(),
                drafts,
                base_url,
                force,
                quiet,
                year: None,
                json_feed: false,
            };
            match cmd::build::run(&opts) {
                Ok(r) => {
                    let images = if r.images.sources > 0 {
                        format!(
                            "，图片 {} 张（新处理 {} 张）",
                            r.images.sources, r.images.decoded
                        )
                    } else {
                        String::new()
                    };
                    eprintln!(
                        "已构建 {} 个页面、{} 个文件{images}，用时 {} ms → {} (built)",
                        r.pages,
                        r.files,
                        r.millis,
                        out.display()
                    );
                    ExitCode::SUCCESS
                }
                Err(f) => report(f),
            }
        }
        Command::Serve {
            port,
            bind,
            no_drafts,
            quiet,
            root,
        } => {
            let root = exemplar::pipeline::site_root(root.as_deref());
            match exemplar::serve::run(exemplar::serve::ServeOptions {
                root,
                port,
                bind,
                drafts: !no_drafts,
                quiet,
            }) {
                Ok(()) => ExitCode::SUCCESS,
                Err(f) => report(f),
            }
        }
        Command::Check {
            strict,
            external,
            timeout,
            format,
            quiet,
            root,
        } => {
            let root = exemplar::pipeline::site_root(root.as_deref());
            let format = match format {
                exemplar::cli::FormatArg::Text => exemplar::check::Format::Text,
                exemplar::cli::FormatArg::Json => exemplar::check::Format::Json,
            };
            match exemplar::check::run(&exemplar::check::CheckOptions {
                root,
                strict,
                format,
                external: external.then(|| std::time::Duration::from_secs(timeout)),
                quiet,
            }) {
                Ok(true) => ExitCode::SUCCESS,
                Ok(false) => ExitCode::from(1),
                Err(f) => report(f),
            }
        }
        Command::New {
            kind,
            title,
            school,
            root,
        } => {
            let root = exemplar::pipeline::site_root(root.as_deref());
            match cmd::new::run(&root, kind, &title, school.as_deref()) {
                Ok(rel) => {
                    println!("{rel}");
                    eprintln!("已新建 {rel}（status: draft，写完后改为 review 或 published）");
                    ExitCode::SUCCESS
                }
                Err(f) => report(f),
            }
        }
        Command::Report {
            year,
            format,
            output,
            quiet,
            root,
        } => {
            use exemplar::cli::ReportFormatArg as F;
            use exemplar::report::{self, Error, Format};
            let root = exemplar::pipeline::site_root(root.as_deref());
            let format = match format {
                F::Html => Format::Html,
                F::Csv => Format::Csv,
                F::Json => Format::Json,
            };
            let written = output.clone();
            match report::run(&report::ReportOptions {
                root,
                year,
                format,
                output,
                quiet,
            }) {
                Ok(r) => {
                    if let Some(out) = written {
                        eprintln!(
                            "已生成 {} 年工作报告 → {} (report written)：待审核 {} 篇，无品牌案例学校 {} 所",
                            r.year,
                            out.display(),
                            r.waiting.len(),
                            r.without_brand.len()
                        );
                    }
                    ExitCode::SUCCESS
                }
                Err(Error::Usage(msg)) => {
                    eprintln!("错误 (error): {msg}");
                    ExitCode::from(2)
                }
                Err(Error::Failure(f)) => report_kept(f, "public/"),
            }
        }
        Command::Import { from } => cmd::import::run(from),
        Command::Init { dir } => match cmd::init::run(&dir) {
            Ok(()) => {
                eprintln!(
                    "已新建站点 {} ；进入该目录运行 exemplar build (site created)",
                    dir.display()
                );
                ExitCode::SUCCESS
            }
            Err(f) => report(f),
        },
        Command::Archive {
            action: Some(ArchiveAction::Verify { year, root }),
            ..
        } => {
            let root = exemplar::pipeline::site_root(root.as_deref());
            match cmd::archive::verify(&root, year) {
                Ok(list) => {
                    let mut bad = false;
                    for v in list {
                        match v.result {
                            Ok(d) if d.is_empty() => {
                                eprintln!(
                                    "archive/{}/ 完好：{} 个文件与 MANIFEST.sha256 一致 (ok)",
                                    v.year, d.files
                                )
                            }
                            Ok(d) => {
                                bad = true;
                                for p in &d.changed {
                                    eprintln!("archive/{}/{p}: 内容被改动 (changed)", v.year);
                                }
                                for p in &d.missing {
                                    eprintln!("archive/{}/{p}: 文件缺失 (missing)", v.year);
                                }
                                for p in &d.extra {
                                    eprintln!("archive/{}/{p}: 清单外的文件 (extra)", v.year);
                                }
                                eprintln!(
                                    "archive/{}/ 与清单不符：改动 {}、缺失 {}、多出 {} (verify failed)\n  修改建议: 从版本库恢复这些文件（git checkout -- archive/{}），存档不应手工修改",
                                    v.year,
                                    d.changed.len(),
                                    d.missing.len(),
                                    d.extra.len(),
                                    v.year
                                );
                            }
                            Err(e) => {
                                bad = true;
                                eprintln!("archive/{}/ 已损坏 (damaged archive): {e}\n  修改建议: 从版本库恢复 archive/{}/，或用 exemplar archive {} --replace 重新生成", v.year, v.year, v.year);
                            }
                        }
                    }
                    if bad {
                        ExitCode::from(1)
                    } else {
                        ExitCode::SUCCESS
                    }
                }
                Err(f) => report_kept(f, "archive/"),
            }
        }
        Command::Archive {
            action: None,
            year,
            replace,
            date,
            quiet,
            root,
        } => {
            let Some(year) = year else {
                eprintln!("错误 (error): 请写出年份，例如 exemplar archive 2025；校验用 exemplar archive verify");
                return ExitCode::from(2);
            };
            let root = exemplar::pipeline::site_root(root.as_deref());
            match cmd::archive::run(&cmd::archive::ArchiveOptions {
                root,
                year,
                replace,
                date,
                quiet,
            }) {
                Ok(r) => {
                    let counts: Vec<String> = r
                        .counts
                        .iter()
                        .map(|(k, n)| {
                            format!(
                                "{} {n}",
                                exemplar::model::Kind::parse(k).map_or(k.as_str(), |k| k.label())
                            )
                        })
                        .collect();
                    eprintln!(
                        "已存档 {year} 年：{}，{} 个文件，{:.1} MB，用时 {} ms → {} (archived)",
                        counts.join("、"),
                        r.files,
                        r.bytes as f64 / 1e6,
                        r.millis,
                        r.dir.display()
                    );
                    if let Some(k) = r.kept {
                        eprintln!("原有存档保留在 {} (previous archive kept)", k.display());
                    }
                    ExitCode::SUCCESS
                }
                Err(f) => report_kept(f, "archive/"),
            }
        }
        Command::Package {
            year,
            output,
            warc,
            quiet,
            root,
        } => {
            let root = exemplar::pipeline::site_root(root.as_deref());
            match cmd::package::run(&cmd::package::PackageOptions {
                root,
                year,
                out: output,
                warc,
                quiet,
            }) {
                Ok(r) => {
                    eprintln!(
                        "已打包 {} 个文件，{:.1} MB → {} (packaged)",
                        r.files,
                        r.zip_bytes as f64 / 1e6,
                        r.zip.display()
                    );
                    if let Some((p, bytes, n)) = r.warc {
                        eprintln!(
                            "WARC：{n} 条记录，{:.1} MB → {}",
                            bytes as f64 / 1e6,
                            p.display()
                        );
                    }
                    ExitCode::SUCCESS
                }
                Err(f) => report(f),
            }
        }
    }
}
