//! `exemplar init DIR`: a new site with the default theme, the registry
//! files and one example page.

use std::path::Path;

use crate::diagnostics::Failure;
use crate::load::theme::DEFAULT_THEME;
use crate::parse::registry::{DEFAULT_MEASURES, DEFAULT_TARGETS};

const SITE: &str = r#"# 站点配置 (site configuration)
title: 教育党建示范展示
description: 学校党建品牌、先进事迹与清廉学校建设展示。
base_url: https://example.gov.cn/
language: zh-CN
organisation: 某某县教育局党委
sample_data: true
paginate_by: 20
taxonomies: [tags, district, school, measures, year]
footer:
  sponsor: 某某县教育局
  organiser: 某某县教育局党建办公室
  site_code: ""
  icp: ""
  police: ""
  contact: ""
"#;

const SCHOOLS: &str = r#"# 学校名录 (school registry)。页面的 school: 写这里的 id 或全称。
- id: example-school
  name: 示例实验小学
  short: 示例实小
  district: 示例学区
  stage: 小学
  ownership: 公办
  party_org: 党支部
  intro: 这是一所示例学校，请替换为真实的学校信息。
"#;

const HOME: &str = "---\ntitle: 教育党建示范展示\ndescription: 学校党建品牌、先进事迹与清廉学校建设展示。\n---\n\n欢迎使用 exemplar。\n";
const BRANDS: &str = "---\ntitle: 党建品牌\ndescription: 各校党建品牌创建案例。\n---\n";
const EXAMPLE: &str = r#"---
title: 示例实验小学“红烛先锋”党建品牌
date: 2024-05-12
summary: 一篇示例品牌案例，展示头部字段的写法。
tags: [党建品牌]
measures: [5]
school: example-school
source: 示例实验小学党支部
editor: 示例编辑
status: published
brand: 红烛先锋
slogan: 燃烧自己，照亮学生
---

## 品牌内涵

这里写品牌的由来和内涵。

## 主要做法

这里写具体做法。
"#;

pub fn run(dir: &Path) -> Result<(), Failure> {
    if dir.exists()
        && dir
            .read_dir()
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        return Err(Failure::Other(format!(
            "{} 不是空目录，不会覆盖 (directory not empty)",
            dir.display()
        )));
    }
    let mut files: Vec<(String, &[u8])> = vec![
        ("site.yaml".into(), SITE.as_bytes()),
        ("data/schools.yaml".into(), SCHOOLS.as_bytes()),
        ("data/measures.yaml".into(), DEFAULT_MEASURES.as_bytes()),
        ("data/targets.yaml".into(), DEFAULT_TARGETS.as_bytes()),
        ("content/_index.md".into(), HOME.as_bytes()),
        ("content/brands/_index.md".into(), BRANDS.as_bytes()),
        ("content/brands/example.md".into(), EXAMPLE.as_bytes()),
        ("static/.gitkeep".into(), b""),
        (
            ".gitignore".into(),
            b"public/\n.public.prev/\n.public.staging/\n.public.lock\n.exemplar/\n.exemplar-cache/\n",
        ),
    ];
    files.extend(
        DEFAULT_THEME
            .iter()
            .map(|(rel, b)| (format!("themes/default/{rel}"), *b)),
    );
    for (rel, bytes) in files {
        let path = dir.join(&rel);
        std::fs::create_dir_all(path.parent().unwrap())
            .map_err(|e| Failure::io(path.display(), e))?;
        std::fs::write(&path, bytes).map_err(|e| Failure::io(path.display(), e))?;
    }
    Ok(())
}
