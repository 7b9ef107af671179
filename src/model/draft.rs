//! The header of a new draft page: every field of its kind, filled in or
//! left empty with a hint. `exemplar new` and `exemplar import docx`
//! write it.

use super::Kind;

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
    /// A YAML comment line after the opening `---` (where the page came from).
    pub comment: Option<&'a str>,
}

/// A complete header (between `---` lines) for a draft of `kind`: every
/// field of the kind, filled from `fill` or left empty with a hint.
pub fn header(kind: Kind, fill: &Fill) -> String {
    let or_empty = |v: Option<&str>| v.map(q).unwrap_or_else(|| "\"\"".into());
    let mut h = vec!["---".to_string()];
    if let Some(c) = fill.comment {
        h.push(format!("# {}", c.replace(['\n', '\r'], " ")));
    }
    h.extend([
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
    ]);
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
