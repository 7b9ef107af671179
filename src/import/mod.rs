//! Intake: a Word submission becomes a draft page bundle (`docx.rs`), a
//! peer generator's site becomes an exemplar site folder (`peer.rs`).
//! Importers read their sources and never change them; what they write
//! appears in one step (a hidden folder renamed into place), so a failed
//! import leaves nothing half-written.

pub mod docx;
pub mod peer;
mod xml;

use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::model::draft::{header, Fill};
use crate::model::Kind;
use crate::parse::header::parse_date;
use crate::parse::registry;
use crate::parse::slug::slugify;

/// Largest Word file read (pictures included).
const MAX_DOCX: u64 = 512 << 20;

pub struct DocxOptions<'a> {
    pub kind: Option<Kind>,
    pub school: Option<&'a str>,
    /// A folder under content/ (default: the kind's section).
    pub section: Option<&'a str>,
    /// `YYYY-MM-DD`, the date a page gets when the document names none.
    pub today: &'a str,
}

/// One document imported.
#[derive(Debug)]
pub struct Imported {
    /// The page, relative to the site root (`content/deeds/x/index.md`).
    pub page: String,
    pub kind: Kind,
    pub pictures: usize,
    /// What still needs a human.
    pub notes: Vec<String>,
}

/// A guess at the kind from the title, for when neither `--kind` nor
/// `--section` says it.
fn guess_kind(title: &str) -> Kind {
    if title.contains("清廉") {
        Kind::Clean
    } else if title.contains("品牌") {
        Kind::Brand
    } else if title.contains("工作室") {
        Kind::Studio
    } else {
        Kind::Deed
    }
}

/// The site's own errors (site.yaml, data/), each rendered as `build`
/// shows it (file:line:col, the line, the hint): an import needs them
/// mended first.
fn site_errors(ds: &[crate::diagnostics::Diagnostic]) -> String {
    let each: Vec<String> = crate::diagnostics::for_display(ds)
        .iter()
        .map(crate::diagnostics::Diagnostic::render)
        .collect();
    format!("先修正站点配置 (fix the site first):\n{}", each.join("\n"))
}

/// A relative folder under content/ without `..`, hidden or absolute parts.
fn section_dir(s: &str) -> Result<String, String> {
    let s = s.trim_matches('/').trim_start_matches("content/");
    let ok = !s.is_empty()
        && s.split('/').all(|seg| {
            !seg.is_empty()
                && !seg.starts_with('.')
                && !seg.starts_with('_')
                && !seg.contains(['\\', ':'])
        });
    if ok {
        Ok(s.to_string())
    } else {
        Err(format!(
            "--section `{s}` 不是 content/ 下的文件夹 (must be a folder under content/, e.g. deeds/2024)"
        ))
    }
}

/// Import one Word document into `root`'s content/ as a draft bundle.
pub fn docx(root: &Path, file: &Path, opts: &DocxOptions) -> Result<Imported, String> {
    let shown = file.display().to_string();
    let meta = std::fs::metadata(file).map_err(|e| format!("{shown}: {e}"))?;
    if meta.len() > MAX_DOCX {
        return Err(format!("{shown}: 超过 512 MiB (file too large)"));
    }
    let bytes = std::fs::read(file).map_err(|e| format!("{shown}: {e}"))?;
    let conv = docx::convert(&bytes).map_err(|e| format!("{shown}: {e}"))?;
    let cfg = Config::load(root).map_err(|ds| site_errors(&ds))?;
    let reg = registry::load(root).map_err(|ds| site_errors(&ds))?;
    let mut notes = conv.notes;
    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let title = conv
        .title
        .clone()
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| {
            notes.push(
                "文档没有标题样式或一级标题，标题取自文件名 (title from the file name)".into(),
            );
            stem.clone()
        });
    let section = opts.section.map(section_dir).transpose()?;
    let kind = opts
        .kind
        .or_else(|| section.as_deref().map(Kind::from_section))
        .unwrap_or_else(|| guess_kind(&title));
    let section = section.unwrap_or_else(|| kind.section().to_string());

    // The school: as given, else the source line when it names one.
    let school = match opts.school {
        Some(s) => {
            if reg.schools.is_some() && reg.school(s).is_none() {
                let sugg = reg.school_suggestions(s);
                return Err(format!(
                    "--school `{s}` 没有在 data/schools.yaml 登记 (unknown school){}",
                    if sugg.is_empty() {
                        String::new()
                    } else {
                        format!("；did you mean: {}", sugg.join("、"))
                    }
                ));
            }
            Some(
                reg.school(s)
                    .map(|x| x.id.clone())
                    .unwrap_or_else(|| s.to_string()),
            )
        }
        None => conv
            .source
            .as_deref()
            .and_then(|src| school_in(&reg, src.trim())),
    };
    let date = match conv.date.as_deref() {
        Some(d) => match parse_date(d, cfg.offset()) {
            Some(dt) => dt.format("%Y-%m-%d").to_string(),
            None => {
                notes.push(format!(
                    "日期“{d}”无法识别，已用今天 (date not understood, today used)"
                ));
                opts.today.to_string()
            }
        },
        None => opts.today.to_string(),
    };
    let slug = slugify(&title, cfg.pinyin_slugs);
    let slug = if slug.is_empty() {
        slugify(&stem, cfg.pinyin_slugs)
    } else {
        slug
    };
    if slug.is_empty() {
        return Err(format!(
            "{shown}: 标题里没有可用作文件夹名的文字 (title gives an empty name)"
        ));
    }
    let rel_dir = if section.is_empty() {
        format!("content/{slug}")
    } else {
        format!("content/{section}/{slug}")
    };
    let final_dir = root.join(&rel_dir);
    if final_dir.exists() || root.join(format!("{rel_dir}.md")).exists() {
        return Err(format!(
            "{shown}: {rel_dir} 已存在，不会覆盖 (already exists, not overwritten)；换个标题或先移走旧页面"
        ));
    }
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let comment = format!("由 {name} 导入；核对正文和图片说明后，把 status 改为 review 送审");
    let fill = Fill {
        title: &title,
        date: &date,
        school: school.as_deref(),
        author: conv.author.as_deref(),
        source: conv.source.as_deref(),
        editor: conv.editor.as_deref(),
        comment: Some(&comment),
    };
    let head = header(kind, &fill);
    let mut files: Vec<(String, Content)> = vec![(
        "index.md".into(),
        Content::Bytes(format!("{head}\n{}", conv.markdown).into_bytes()),
    )];
    let pictures = conv.media.len();
    for m in conv.media {
        files.push((m.name, Content::Bytes(m.bytes)));
    }
    if conv.markdown.trim().is_empty() {
        notes.push("正文是空的 (empty body)".into());
    }
    write_folder(&final_dir, &files).map_err(|e| format!("{rel_dir}: {e}"))?;
    Ok(Imported {
        page: format!("{rel_dir}/index.md"),
        kind,
        pictures,
        notes,
    })
}

/// Write `files` (relative names, `/`-separated, checked here) into a
/// hidden sibling of `dir`, then rename it to `dir`: the folder appears
/// whole or not at all. `dir` must not exist or be empty.
/// What one file of an import holds: bytes made here, or a source file
/// copied as it is (never read whole into memory).
pub enum Content {
    Bytes(Vec<u8>),
    Copy(PathBuf),
}

pub fn write_folder(dir: &Path, files: &[(String, Content)]) -> Result<(), String> {
    let parent = dir.parent().ok_or("no parent folder")?;
    let name = dir
        .file_name()
        .ok_or("no folder name")?
        .to_string_lossy()
        .into_owned();
    std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
    let tmp: PathBuf = parent.join(format!(".{name}.importing"));
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp).map_err(|e| e.to_string())?;
    }
    let result = (|| -> Result<(), String> {
        for (rel, content) in files {
            if !safe_relative(rel) {
                return Err(format!("`{rel}` 不是安全的相对路径 (unsafe path)"));
            }
            let path = tmp.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).map_err(|e| format!("{rel}: {e}"))?;
            match content {
                Content::Bytes(b) => std::fs::write(&path, b).map(|_| ()),
                Content::Copy(from) => std::fs::copy(from, &path).map(|_| ()),
            }
            .map_err(|e| format!("{rel}: {e}"))?;
        }
        // An empty folder may be taken over (remove_dir refuses any other).
        if dir.exists() && std::fs::remove_dir(dir).is_err() {
            return Err("已存在，不会覆盖 (already exists)".into());
        }
        std::fs::rename(&tmp, dir).map_err(|e| e.to_string())
    })();
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    result
}

/// A relative path of plain segments: no `..`, no root, no drive, no
/// backslash, no empty or NUL-bearing segment.
pub fn safe_relative(rel: &str) -> bool {
    !rel.is_empty()
        && rel.split('/').all(|seg| {
            !seg.is_empty() && seg != "." && seg != ".." && !seg.contains(['\\', '\0', ':'])
        })
}

/// The registered school a source line names: its full or short name at
/// the start (`甲小学党支部` → 甲小学), the longest name winning.
fn school_in(reg: &crate::model::Registry, source: &str) -> Option<String> {
    reg.schools
        .as_ref()?
        .iter()
        .flat_map(|s| [(&s.name, &s.id), (&s.short, &s.id)])
        .filter(|(name, _)| !name.is_empty() && source.starts_with(name.as_str()))
        .max_by_key(|(name, _)| name.len())
        .map(|(_, id)| id.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_names_are_refused_at_the_write() {
        for bad in ["../x", "/etc/x", "a/../../b", "c:x", "a\\b", "", "a//b"] {
            assert!(!safe_relative(bad), "{bad}");
        }
        assert!(safe_relative("posts/a b/图.png"));
    }

    #[test]
    fn sections_stay_under_content() {
        assert!(section_dir("../x").is_err());
        assert!(section_dir("/etc").is_ok_and(|s| s == "etc"));
        assert_eq!(section_dir("content/deeds/2024/").unwrap(), "deeds/2024");
        assert!(section_dir("deeds/.hidden").is_err());
    }
}
