//! `exemplar import docx|hexo|hugo|zola|jekyll`: drives `crate::import`
//! and prints what it did and what still needs a human.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::cli::{ImportFrom, PeerArgs};
use crate::import::{self, peer::Peer, DocxOptions};

pub fn run(from: ImportFrom) -> ExitCode {
    match from {
        ImportFrom::Docx {
            files,
            kind,
            school,
            section,
            root,
        } => docx(&files, kind, school.as_deref(), section.as_deref(), root),
        ImportFrom::Hexo(a) => peer(Peer::Hexo, a),
        ImportFrom::Hugo(a) => peer(Peer::Hugo, a),
        ImportFrom::Zola(a) => peer(Peer::Zola, a),
        ImportFrom::Jekyll(a) => peer(Peer::Jekyll, a),
    }
}

fn docx(
    files: &[PathBuf],
    kind: Option<crate::model::Kind>,
    school: Option<&str>,
    section: Option<&str>,
    root: Option<PathBuf>,
) -> ExitCode {
    let root = crate::pipeline::site_root(root.as_deref());
    if !root.join("site.yaml").is_file() {
        eprintln!(
            "错误 (error): {} 里没有 site.yaml：请在站点文件夹里运行，或用 --root 指定 (not a site folder)",
            root.display()
        );
        return ExitCode::from(2);
    }
    let today = chrono::Local::now().format("%Y-%m-%d").to_string();
    let opts = DocxOptions {
        kind,
        school,
        section,
        today: &today,
    };
    let mut failed = 0;
    for f in files {
        match import::docx(&root, f, &opts) {
            Ok(done) => {
                println!("{}", done.page);
                eprintln!(
                    "已导入 {} → {}（{}，{} 张图片，status: draft）",
                    f.display(),
                    done.page,
                    done.kind.name(),
                    done.pictures
                );
                for n in &done.notes {
                    eprintln!("  需要人工处理 (to do): {n}");
                }
            }
            Err(e) => {
                failed += 1;
                eprintln!("错误 (error): {e}");
            }
        }
    }
    if failed > 0 {
        eprintln!("{failed} 个文件没有导入 (not imported)；其余已写入");
        return ExitCode::from(1);
    }
    eprintln!("下一步：exemplar check 会列出还要补的内容（图片说明、个人信息等）");
    ExitCode::SUCCESS
}

fn default_into(src: &Path) -> PathBuf {
    let name = src
        .canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "site".into());
    PathBuf::from(format!("{name}-exemplar"))
}

fn peer(peer: Peer, a: PeerArgs) -> ExitCode {
    let into = a.into.unwrap_or_else(|| default_into(&a.src));
    match import::peer::import(peer, &a.src, &into) {
        Ok(r) => {
            eprintln!(
                "已导入 {} 站点 → {}\n  文件 {}，页面 {}，复制 {}，跳过 {}，转换 {} 处",
                peer.name(),
                into.display(),
                r.files,
                r.pages,
                r.copied,
                r.skipped,
                r.converted
            );
            let kinds = r.by_kind();
            if !kinds.is_empty() {
                eprintln!("  提示按类别 (warnings by kind):");
                for (k, n) in kinds {
                    eprintln!("    {k}: {n}");
                }
                for i in r.items.iter().take(20) {
                    eprintln!("  {}:{}: {}", i.file, i.line, i.message);
                }
                if r.items.len() > 20 {
                    eprintln!("  …… 全部 {} 条见 import-report.txt", r.items.len());
                }
            }
            eprintln!("下一步：cd {} && exemplar check", into.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("错误 (error): {e}");
            ExitCode::from(1)
        }
    }
}
