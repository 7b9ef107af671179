//! Parses the command line and hands over to `exemplar::cmd`.

use std::process::ExitCode;

// mimalloc: a build makes millions of small strings and values on every
// core; glibc's malloc spent a fifth of a build's CPU time on them.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::Parser;
use exemplar::cli::{Cli, Command};
use exemplar::cmd;
use exemplar::diagnostics::Failure;

fn report(f: Failure) -> ExitCode {
    match f {
        Failure::Content(ds) => {
            for d in exemplar::diagnostics::for_display(&ds) {
                eprintln!("{}\n", d.render());
            }
            eprintln!(
                "构建失败：{} 处错误 (build failed: {} error(s))；public/ 未改动",
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
    }
}
