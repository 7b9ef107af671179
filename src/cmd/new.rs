//! `exemplar new <kind> <title>`: a new page with every header field of its
//! kind filled in or left empty for the contributor, status draft.

use std::path::Path;

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Failure};
use crate::model::draft::{header, Fill};
use crate::model::Kind;
use crate::parse::registry;
use crate::parse::slug::slugify;

/// The header and a starter body for a new page of `kind`.
pub fn template(kind: Kind, title: &str, date: &str, school: Option<&str>) -> String {
    let fill = Fill {
        title,
        date,
        school,
        ..Fill::default()
    };
    let body = match kind {
        Kind::Brand => "\n## 品牌内涵\n\n\n## 主要做法\n\n\n## 工作成效\n\n",
        Kind::Deed => "\n## 基本情况\n\n\n## 主要事迹\n\n\n## 群众评价\n\n",
        Kind::Clean => "\n## 建设目标\n\n\n## 主要做法\n\n\n## 工作成效\n\n",
        _ => "\n正文。\n",
    };
    format!("{}{}", header(kind, &fill), body)
}

pub fn run(root: &Path, kind: Kind, title: &str, school: Option<&str>) -> Result<String, Failure> {
    let cfg = Config::load(root).map_err(Failure::Content)?;
    if let Some(s) = school {
        let reg = registry::load(root).map_err(Failure::Content)?;
        if reg.schools.is_some() && reg.school(s).is_none() {
            let sugg = reg.school_suggestions(s);
            let mut d = Diagnostic::file(
                crate::diagnostics::codes::UNKNOWN_SCHOOL,
                "data/schools.yaml",
                format!("学校 `{s}` 没有登记 (unknown school)"),
            );
            d = d.hint(if sugg.is_empty() {
                "先在 data/schools.yaml 登记这所学校".to_string()
            } else {
                format!("did you mean: {}", sugg.join("、"))
            });
            return Err(d.into());
        }
    }
    let slug = slugify(title, cfg.pinyin_slugs);
    if slug.is_empty() {
        return Err(Failure::Other(
            "标题里没有可用作文件名的文字 (title gives an empty file name)".into(),
        ));
    }
    let section = if kind == Kind::Page {
        String::new()
    } else {
        format!("{}/", kind.section())
    };
    let rel = format!("content/{section}{slug}.md");
    let path = root.join(&rel);
    if path.exists() {
        return Err(Failure::Other(format!(
            "{rel} 已存在，不会覆盖 (already exists, not overwritten)"
        )));
    }
    let today = chrono::Local::now().format("%Y-%m-%d").to_string();
    std::fs::create_dir_all(path.parent().unwrap()).map_err(|e| Failure::io(&rel, e))?;
    std::fs::write(&path, template(kind, title, &today, school))
        .map_err(|e| Failure::io(&rel, e))?;
    Ok(rel)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_header_parses_for_every_kind() {
        let off = chrono::FixedOffset::east_opt(8 * 3600).unwrap();
        for k in Kind::ALL {
            let text = template(*k, "标题: 含冒号", "2024-05-12", Some("x"));
            let d = crate::parse::header::parse_doc("c/a.md", "a.md", text, off, false)
                .unwrap_or_else(|e| panic!("{k:?}: {e:?}"));
            assert_eq!(d.header.title, "标题: 含冒号");
            assert_eq!(d.header.status, Some(crate::model::Status::Draft));
        }
    }

    #[test]
    fn empty_fields_of_a_new_page_mean_absent() {
        let off = chrono::FixedOffset::east_opt(8 * 3600).unwrap();
        let text = template(Kind::Brand, "t", "2024-05-12", None);
        let d = crate::parse::header::parse_doc("c/a.md", "a.md", text, off, false).unwrap();
        let h = d.header;
        assert_eq!(
            (h.school, h.cover, h.summary, h.slug),
            (None, None, None, None)
        );
        assert_eq!(h.kind, Some(Kind::Brand));
    }
}
