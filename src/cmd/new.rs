//! `exemplar new <kind> <title>`: a new page with every header field of its
//! kind filled in or left empty for the contributor, status draft.

use std::path::Path;

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Failure};
use crate::model::Kind;
use crate::parse::registry;
use crate::parse::slug::slugify;

fn q(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
}

/// What a new header is filled with; empty fields are left for the
/// contributor.
#[derive(Default)]
pub struct Fill<'a> {
    pub title: &'a str,
    pub date: &'a str,
    pub school: Option<&'a str>,
    pub author: Option<&'a str>,
    pub source: Option<&'a str>,
    pub editor: Option<&'a str>,
}

/// A complete header (between `---` lines) for a draft of `kind`: every
/// field of the kind, filled from `fill` or left empty with a hint.
pub fn header(kind: Kind, fill: &Fill) -> String {
    let or_empty = |v: Option<&str>| v.map(q).unwrap_or_else(|| "\"\"".into());
    let mut h = vec![
        "---".to_string(),
        format!("title: {}", q(fill.title)),
        format!("kind: {}", kind.name()),
        format!("date: {}", fill.date),
        "summary: \"\"          # 一两句话的摘要；不写则取正文开头".to_string(),
        "tags: []             # 例如 [党建品牌, 志愿服务]".to_string(),
        "measures: []         # 体现的举措编号，见 data/measures.yaml".to_string(),
        format!("school: {}", or_empty(fill.school)),
        "cover: \"\"            # 封面图片，例如 /images/cover.jpg".to_string(),
        "cover_alt: \"\"        # 封面图片的文字说明（无障碍需要）".to_string(),
        format!("author: {}", or_empty(fill.author)),
        format!("source: {}           # 来源", or_empty(fill.source)),
        format!("editor: {}           # 责任编辑", or_empty(fill.editor)),
        "status: draft        # draft 草稿 → review 待审核 → published 发布".to_string(),
        "reviewed_by: \"\"".to_string(),
        "review_date: \"\"".to_string(),
        "slug: \"\"             # 网址名；不写则用文件名".to_string(),
        "aliases: []          # 旧网址，自动跳转到本页".to_string(),
        "weight: 0".to_string(),
        "extra: {}            # 自定义数据".to_string(),
    ];
    match kind {
        Kind::Brand => {
            h.push("brand: \"\"            # 品牌名称".into());
            h.push("slogan: \"\"           # 品牌口号".into());
        }
        Kind::Deed => {
            h.push("subject: \"\"          # 事迹主人公（个人、团队或支部）".into());
            h.push("category: \"\"         # 例如 志愿服务、攻坚克难".into());
        }
        Kind::Clean => h.push("tier: 提升型          # 引领型 | 规范型 | 提升型".into()),
        _ => {}
    }
    h.push("---".into());
    h.join("\n") + "\n"
}

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
