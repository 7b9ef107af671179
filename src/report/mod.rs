//! `exemplar report`: the bureau's own view of gaps and to-dos, never
//! published — schools without a brand case, tiers short of their target
//! and the schools below them, measures with no published piece, pages
//! waiting for review and for how long, and `check`'s findings per school.
//! HTML (printable; a page per district when long), CSV (UTF-8 with a BOM,
//! so Excel and WPS read the Chinese) or JSON. Numbers: `coverage`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::check::{Finding, Severity};
use crate::coverage::{self, Share};
use crate::diagnostics::Failure;
use crate::model::{Status, TIERS};
use crate::pipeline::{inputs, Inputs};
use crate::resolve::{self, Input};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Html,
    Csv,
    Json,
}

pub struct ReportOptions {
    pub root: PathBuf,
    pub year: Option<i32>,
    pub format: Format,
    /// Where to write; stdout when None.
    pub output: Option<PathBuf>,
    pub quiet: bool,
}

pub enum Error {
    /// Exit 2: the command line asks for what cannot be.
    Usage(String),
    Failure(Failure),
}

impl From<Failure> for Error {
    fn from(f: Failure) -> Error {
        Error::Failure(f)
    }
}

#[derive(Serialize)]
pub struct Report {
    pub title: String,
    pub year: i32,
    /// The day the report was made (for the waiting times).
    pub today: String,
    pub schools: usize,
    pub clean: Vec<TierGap>,
    pub brands: Brands,
    pub samples: Share,
    pub without_brand: Vec<SchoolRef>,
    pub measures_without_pieces: Vec<MeasureRef>,
    pub waiting: Vec<Waiting>,
    pub findings: Vec<SchoolFindings>,
}

#[derive(Serialize)]
pub struct TierGap {
    pub tier: &'static str,
    #[serde(flatten)]
    pub share: Share,
    /// The schools counted that year below this tier (those that could
    /// close the gap), when the target is not met.
    pub below: Vec<SchoolRef>,
}

#[derive(Serialize)]
pub struct Brands {
    pub schools: usize,
    pub target: Option<u32>,
}

#[derive(Serialize, Clone)]
pub struct SchoolRef {
    pub id: String,
    pub name: String,
    pub district: String,
    pub stage: String,
    /// Its tier that year, "" when not rated.
    pub tier: &'static str,
}

#[derive(Serialize)]
pub struct MeasureRef {
    pub id: u32,
    pub title: String,
    /// Published pieces in all years.
    pub all_years: usize,
}

#[derive(Serialize)]
pub struct Waiting {
    pub file: String,
    pub title: String,
    pub school: String,
    pub district: String,
    /// Days since the file was last changed.
    pub days: u64,
}

#[derive(Serialize)]
pub struct SchoolFindings {
    /// "" for findings of no school's file (site.yaml, data/, pages
    /// without a school).
    pub school: String,
    pub district: String,
    pub errors: usize,
    pub warnings: usize,
    pub items: Vec<Finding>,
}

/// Make the report of `opts.year` (default: the last year with a
/// rating) and write it.
pub fn run(opts: &ReportOptions) -> Result<Report, Error> {
    let root = &opts.root;
    if let Some(out) = &opts.output {
        refuse_published(root, out)?;
    }
    let Inputs {
        cfg,
        registry,
        theme,
    } = inputs(root, None).map_err(Failure::Content)?;
    if registry.schools.is_none() {
        return Err(Error::Failure(Failure::Other(
            "报告需要学校名录 data/schools.yaml (no registry of schools)；先登记学校再运行 exemplar report".into(),
        )));
    }
    let progress = crate::progress::Progress::new(opts.quiet);
    // The check's findings; then the site with drafts and pages waiting
    // for review, which the counts leave out.
    let findings = crate::check::findings(root, None, &progress)?;
    let content = crate::load::content(root);
    let (parsed, _) = crate::parse::parse_files(content.docs, cfg.offset());
    let (site, _) = resolve::resolve(Input::new(
        root,
        &cfg,
        &registry,
        &theme,
        parsed,
        content.assets,
        true,
        crate::outputs::ALL,
    ));
    let cov = coverage::count(&registry, &site).expect("the registry was checked");
    let yi = match opts.year {
        None => cov.latest().map(|l| l.0),
        Some(y) => cov.years.iter().position(|x| *x == y),
    };
    let Some(yi) = yi else {
        let years: Vec<String> = cov.years.iter().map(i32::to_string).collect();
        return Err(Error::Usage(format!(
            "没有 {} 年的数据 (no such year)；可选的年份：{}（来自 data/targets.yaml 与 clean_tiers）",
            opts.year.map_or("任何".into(), |y| y.to_string()),
            if years.is_empty() { "无".into() } else { years.join("、") }
        )));
    };
    let year = cov.years[yi];
    let school_ref = |r: &coverage::SchoolRow| SchoolRef {
        id: r.id.clone(),
        name: r.name.clone(),
        district: r.district.clone(),
        stage: r.stage.clone(),
        tier: r.tiers[yi].unwrap_or(""),
    };
    let counted: Vec<&coverage::SchoolRow> =
        cov.schools.iter().filter(|s| s.counts_in(year)).collect();
    let clean = cov.clean[yi]
        .tiers
        .iter()
        .enumerate()
        .map(|(ti, t)| TierGap {
            tier: t.tier,
            share: t.share.clone(),
            below: if t.share.met() {
                vec![]
            } else {
                counted
                    .iter()
                    .filter(|s| {
                        s.tiers[yi]
                            .and_then(|x| TIERS.iter().position(|y| *y == x))
                            .is_none_or(|at| at > ti)
                    })
                    .map(|s| school_ref(s))
                    .collect()
            },
        })
        .collect();
    let today = chrono::Local::now().date_naive();
    let school_of = |p: &resolve::Page| -> (String, String) {
        match &p.school {
            Some(s) => (
                s.name.clone(),
                registry
                    .school(&s.key)
                    .map(|r| r.district.clone())
                    .unwrap_or_default(),
            ),
            None => (String::new(), p.district.clone().unwrap_or_default()),
        }
    };
    let mut waiting: Vec<Waiting> = site
        .pages
        .iter()
        .filter(|p| p.status == Status::Review)
        .map(|p| {
            let changed = std::fs::metadata(root.join(&p.doc.file))
                .and_then(|m| m.modified())
                .ok()
                .map(|t| chrono::DateTime::<chrono::Local>::from(t).date_naive());
            let (school, district) = school_of(p);
            Waiting {
                file: p.doc.file.clone(),
                title: p.title().to_string(),
                school,
                district,
                days: changed.map_or(0, |c| (today - c).num_days().max(0) as u64),
            }
        })
        .collect();
    waiting.sort_by(|a, b| b.days.cmp(&a.days).then(a.file.cmp(&b.file)));
    let by_file: BTreeMap<&str, (String, String)> = site
        .pages
        .iter()
        .map(|p| (p.doc.file.as_str(), school_of(p)))
        .collect();
    let mut grouped: BTreeMap<(String, String), Vec<Finding>> = BTreeMap::new();
    for f in findings {
        let (school, district) = by_file.get(f.file.as_str()).cloned().unwrap_or_default();
        grouped.entry((district, school)).or_default().push(f);
    }
    let findings = grouped
        .into_iter()
        .map(|((district, school), items)| SchoolFindings {
            errors: items
                .iter()
                .filter(|f| f.severity == Severity::Error)
                .count(),
            warnings: items
                .iter()
                .filter(|f| f.severity == Severity::Warning)
                .count(),
            school,
            district,
            items,
        })
        .collect();
    let report = Report {
        title: cfg.title.clone(),
        year,
        today: today.format("%Y-%m-%d").to_string(),
        schools: counted.len(),
        clean,
        brands: Brands {
            schools: cov.brands.schools,
            target: cov.brands.target,
        },
        samples: cov.samples[yi].1.clone(),
        without_brand: counted
            .iter()
            .filter(|s| s.brand_cases == 0)
            .map(|s| school_ref(s))
            .collect(),
        measures_without_pieces: {
            let my = cov.measure_years.iter().position(|y| *y == year);
            cov.measures
                .iter()
                .filter(|m| my.is_none_or(|i| m.counts[i] == 0))
                .map(|m| MeasureRef {
                    id: m.id,
                    title: m.title.clone(),
                    all_years: m.total,
                })
                .collect()
        },
        waiting,
        findings,
    };
    let bytes = match opts.format {
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&report).expect("the report serialises");
            s.push('\n');
            s.into_bytes()
        }
        Format::Csv => csv(&report),
        Format::Html => html(&report).into_bytes(),
    };
    match &opts.output {
        Some(out) => std::fs::write(out, bytes).map_err(|e| Failure::io(out.display(), e))?,
        None => {
            use std::io::Write;
            std::io::stdout()
                .write_all(&bytes)
                .map_err(|e| Failure::io("stdout", e))?;
        }
    }
    Ok(report)
}

/// The report is for the bureau's staff: never written where a build
/// would publish it.
fn refuse_published(root: &Path, out: &Path) -> Result<(), Error> {
    let abs = |p: &Path| {
        let p = if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir().unwrap_or_default().join(p)
        };
        // The folder may not exist yet: resolve what does.
        let parent = p.parent().map(Path::to_path_buf).unwrap_or_default();
        std::fs::canonicalize(&parent).unwrap_or(parent)
    };
    let dir = abs(out);
    let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    for published in ["public", "static", "content", "archive"] {
        if dir.starts_with(root.join(published)) {
            return Err(Error::Usage(format!(
                "报告不能写进 {published}/ ({} would be published)；请写到站点以外，例如 -o ../report.html",
                out.display()
            )));
        }
    }
    Ok(())
}

fn tier_name(t: &str) -> &str {
    if t.is_empty() {
        "未评定"
    } else {
        t
    }
}

fn percent(s: &Share) -> String {
    s.percent.map_or("—".into(), |p| format!("{p}%"))
}

/// One CSV table of every to-do, one per row: section, district, school,
/// item, detail, file, days waiting.
fn csv(r: &Report) -> Vec<u8> {
    let mut rows: Vec<[String; 7]> = vec![[
        "类别".into(),
        "学区".into(),
        "学校".into(),
        "事项".into(),
        "说明".into(),
        "文件".into(),
        "等待天数".into(),
    ]];
    let s = |x: &str| x.to_string();
    for g in &r.clean {
        let target = g.share.target.map_or("—".into(), |t| format!("{t}%"));
        rows.push([
            s("清廉学校层级"),
            s(""),
            s(""),
            format!("{}及以上", g.tier),
            format!(
                "{} 年已达 {}（{}/{} 所），目标 {target}，还差 {} 所",
                r.year,
                percent(&g.share),
                g.share.n,
                g.share.of,
                g.share.short
            ),
            s(""),
            s(""),
        ]);
        for b in &g.below {
            rows.push([
                s("清廉学校层级"),
                b.district.clone(),
                b.name.clone(),
                format!("未达{}", g.tier),
                format!("{} 年层级：{}", r.year, tier_name(b.tier)),
                s(""),
                s(""),
            ]);
        }
    }
    for b in &r.without_brand {
        rows.push([
            s("党建品牌"),
            b.district.clone(),
            b.name.clone(),
            s("没有已发布的品牌案例"),
            b.stage.clone(),
            s(""),
            s(""),
        ]);
    }
    for m in &r.measures_without_pieces {
        rows.push([
            s("十五项举措"),
            s(""),
            s(""),
            format!("举措 {}：{}", m.id, m.title),
            format!("{} 年没有已发布的内容（历年共 {} 篇）", r.year, m.all_years),
            s(""),
            s(""),
        ]);
    }
    for w in &r.waiting {
        rows.push([
            s("待审核"),
            w.district.clone(),
            w.school.clone(),
            w.title.clone(),
            s("等待审核"),
            w.file.clone(),
            w.days.to_string(),
        ]);
    }
    for g in &r.findings {
        for f in &g.items {
            rows.push([
                s("检查问题"),
                g.district.clone(),
                g.school.clone(),
                format!("[{}] {}", f.code, f.message),
                f.hint.clone(),
                if f.line > 0 {
                    format!("{}:{}:{}", f.file, f.line, f.col)
                } else {
                    f.file.clone()
                },
                s(""),
            ]);
        }
    }
    let mut out = String::from("\u{feff}");
    for row in rows {
        let cells: Vec<String> = row.iter().map(|c| csv_cell(c)).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out.into_bytes()
}

/// RFC 4180 quoting; a cell that starts like a formula is kept as text
/// (a leading ') so a spreadsheet never runs it.
fn csv_cell(c: &str) -> String {
    let c = if c.starts_with(['=', '+', '-', '@']) {
        format!("'{c}")
    } else {
        c.to_string()
    };
    if c.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", c.replace('"', "\"\""))
    } else {
        c
    }
}

fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    pulldown_cmark_escape::escape_html(&mut o, s).ok();
    o
}

/// Rows per district before the printed report starts each district on
/// a page of its own.
const LONG: usize = 40;

/// A standalone, printable HTML document (no outside request).
fn html(r: &Report) -> String {
    use std::fmt::Write;
    let mut h = String::new();
    let title = format!("{} {} 年工作报告（内部）", r.title, r.year);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"robots\" content=\"noindex\">\n<title>{}</title>\n<style>{}</style>\n</head>\n<body>\n<main>\n<h1>{}</h1>\n<p class=\"note\">内部工作用，不对外发布。生成日期 {}；统计 {} 年纳入名录的 {} 所学校，只计已发布内容。</p>\n",
        esc(&title),
        REPORT_CSS,
        esc(&title),
        esc(&r.today),
        r.year,
        r.schools
    );
    h.push_str("<section>\n<h2>总体情况</h2>\n<table>\n<thead><tr><th scope=\"col\">项目</th><th scope=\"col\">已达</th><th scope=\"col\">目标</th><th scope=\"col\">还差</th></tr></thead>\n<tbody>\n");
    for g in &r.clean {
        let _ = writeln!(
            h,
            "<tr><th scope=\"row\">清廉学校 {}及以上</th><td>{}（{}/{} 所）</td><td>{}</td><td>{}</td></tr>",
            g.tier,
            percent(&g.share),
            g.share.n,
            g.share.of,
            g.share.target.map_or("—".into(), |t| format!("{t}%")),
            if g.share.target.is_none() { "—".into() } else { format!("{} 所", g.share.short) }
        );
    }
    let _ = writeln!(
        h,
        "<tr><th scope=\"row\">有品牌案例的学校</th><td>{} 所</td><td>{}</td><td>{}</td></tr>",
        r.brands.schools,
        r.brands.target.map_or("—".into(), |t| format!("{t} 所")),
        r.brands.target.map_or("—".into(), |t| format!(
            "{} 所",
            (t as usize).saturating_sub(r.brands.schools)
        ))
    );
    let _ = writeln!(
        h,
        "<tr><th scope=\"row\">典型样本</th><td>{}（{}/{} 所）</td><td>{}</td><td>{}</td></tr>",
        percent(&r.samples),
        r.samples.n,
        r.samples.of,
        r.samples.target.map_or("—".into(), |t| format!("{t}%")),
        if r.samples.target.is_none() {
            "—".into()
        } else {
            format!("{} 所", r.samples.short)
        }
    );
    h.push_str("</tbody>\n</table>\n</section>\n");

    // Measures and review: the bureau's own lists.
    h.push_str("<section>\n<h2>没有已发布内容的举措</h2>\n");
    if r.measures_without_pieces.is_empty() {
        h.push_str("<p>每项举措当年都有已发布的内容。</p>\n");
    } else {
        h.push_str("<ul>\n");
        for m in &r.measures_without_pieces {
            let _ = writeln!(
                h,
                "<li>举措 {}：{}（历年共 {} 篇）</li>",
                m.id,
                esc(&m.title),
                m.all_years
            );
        }
        h.push_str("</ul>\n");
    }
    h.push_str("</section>\n<section>\n<h2>等待审核的页面</h2>\n");
    if r.waiting.is_empty() {
        h.push_str("<p>没有等待审核的页面。</p>\n");
    } else {
        h.push_str("<table>\n<thead><tr><th scope=\"col\">标题</th><th scope=\"col\">学校</th><th scope=\"col\">文件</th><th scope=\"col\">已等待</th></tr></thead>\n<tbody>\n");
        for w in &r.waiting {
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{}</td><td><code>{}</code></td><td>{} 天</td></tr>",
                esc(&w.title),
                esc(&w.school),
                esc(&w.file),
                w.days
            );
        }
        h.push_str("</tbody>\n</table>\n");
    }
    h.push_str("</section>\n");

    // Per district: the schools' to-dos.
    let mut districts: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for g in &r.clean {
        for b in &g.below {
            districts.entry(&b.district).or_default().push(format!(
                "<li><strong>{}</strong>：未达{}（{} 年层级：{}）</li>",
                esc(&b.name),
                g.tier,
                r.year,
                tier_name(b.tier)
            ));
        }
    }
    for b in &r.without_brand {
        districts.entry(&b.district).or_default().push(format!(
            "<li><strong>{}</strong>：没有已发布的品牌案例</li>",
            esc(&b.name)
        ));
    }
    for g in &r.findings {
        for f in &g.items {
            let pos = if f.line > 0 {
                format!("{}:{}:{}", f.file, f.line, f.col)
            } else {
                f.file.clone()
            };
            districts.entry(&g.district).or_default().push(format!(
                "<li><strong>{}</strong>：[{}] {} <code>{}</code></li>",
                esc(if g.school.is_empty() {
                    "（不属于某所学校）"
                } else {
                    &g.school
                }),
                f.code,
                esc(&f.message),
                esc(&pos)
            ));
        }
    }
    let total: usize = districts.values().map(Vec::len).sum();
    let class = if total > LONG {
        " class=\"district long\""
    } else {
        " class=\"district\""
    };
    h.push_str("<h2>各学区待办</h2>\n");
    for (d, items) in &districts {
        let _ = writeln!(
            h,
            "<section{class}>\n<h3>{}（{} 项）</h3>\n<ul>\n{}\n</ul>\n</section>",
            esc(if d.is_empty() { "未分学区" } else { d }),
            items.len(),
            items.join("\n")
        );
    }
    h.push_str("</main>\n</body>\n</html>\n");
    h
}

const REPORT_CSS: &str = "body{font-family:\"PingFang SC\",\"Microsoft YaHei\",\"Noto Sans CJK SC\",sans-serif;line-height:1.7;color:#1f1a17;margin:0;padding:1rem}main{max-width:60rem;margin:0 auto}h1{font-size:1.5rem}table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}th,td{border:1px solid #999;padding:.3rem .5rem;text-align:left;vertical-align:top}thead th{background:#eee}.note{color:#555}code{font-size:.85em;word-break:break-all}@media print{body{padding:0}.district.long{break-before:page}section{break-inside:auto}h2,h3{break-after:avoid}}";
