//! The plan's progress (issue 13): the dashboard, the home summary, school
//! tier charts, the measures grid and `exemplar report`, on a fixture
//! registry whose shares were computed by hand (tests/fixtures/progress):
//!
//! | year | counted | 引领型+ | 规范型+ | 提升型+ | samples |
//! |------|---------|---------|---------|---------|---------|
//! | 2022 | a–e (5) | 0 = 0%  | b = 20% | a,b = 40% | a = 20% |
//! | 2023 | a–e (5) | 0 = 0%  | d = 20% (b fell) | a,b,d = 60% | a,d = 40% |
//! | 2024 | a–f (6, f joined) | a = 17% | a,d,f = 50% | a,b,d,e,f = 83% | a,b,d = 50% |
//!
//! c is never rated; f counts from 2024 (`since`), so 北区 has no share
//! before; a's 2024 rating comes from its clean-school page only.

use crate::common::*;

fn site() -> Site {
    Site::new(&["progress"])
}

fn report_json(s: &Site, year: &str) -> serde_json::Value {
    let o = s.run(&["report", "-q", "--format", "json", "--year", year]);
    assert_ok(&o);
    serde_json::from_slice(&o.stdout).expect("report json")
}

/// (n, of, percent, target, short) of a share.
type Counted = (u64, u64, Option<u64>, Option<u64>, u64);

/// Each tier's share.
fn tiers(r: &serde_json::Value) -> Vec<Counted> {
    r["clean"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["n"].as_u64().unwrap(),
                c["of"].as_u64().unwrap(),
                c["percent"].as_u64(),
                c["target"].as_u64(),
                c["short"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn shares_match_the_hand_computed_figures_for_every_year() {
    let s = site();
    let r = report_json(&s, "2022");
    assert_eq!(
        tiers(&r),
        [
            (0, 5, Some(0), Some(10), 1),
            (1, 5, Some(20), Some(20), 0),
            (2, 5, Some(40), Some(50), 1)
        ]
    );
    let r = report_json(&s, "2023");
    // b's rating fell from 规范型 to 提升型: a rating holds until the next.
    assert_eq!(
        tiers(&r),
        [
            (0, 5, Some(0), Some(20), 1),
            (1, 5, Some(20), Some(40), 1),
            (3, 5, Some(60), Some(60), 0)
        ]
    );
    let r = report_json(&s, "2024");
    // f joins in 2024; 1/6 rounds to 17% and 5/6 to 83%; a's 引领型 is
    // recorded only by its clean-school page.
    assert_eq!(
        tiers(&r),
        [
            (1, 6, Some(17), Some(30), 1),
            (3, 6, Some(50), Some(50), 0),
            (5, 6, Some(83), Some(100), 1)
        ]
    );
    assert_eq!(r["schools"], 6);
    // Samples: published exemplars only (e's brand case waits for review,
    // c's is a draft).
    assert_eq!(
        (
            &r["samples"]["n"],
            &r["samples"]["of"],
            &r["samples"]["percent"]
        ),
        (
            &serde_json::json!(3),
            &serde_json::json!(6),
            &serde_json::json!(50)
        )
    );
    assert_eq!(r["brands"]["schools"], 2);
    assert_eq!(r["brands"]["target"], 4);
    // The schools below 引领型 that year, for the bureau.
    let below: Vec<&str> = r["clean"][0]["below"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["id"].as_str().unwrap())
        .collect();
    assert_eq!(below, ["b", "c", "d", "e", "f"]);
    let without: Vec<&str> = r["without_brand"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["id"].as_str().unwrap())
        .collect();
    assert_eq!(without, ["b", "c", "e", "f"]);
    let waiting: Vec<&str> = r["waiting"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["file"].as_str().unwrap())
        .collect();
    assert_eq!(waiting, ["content/brands/e.md"]);
    let measures: Vec<u64> = r["measures_without_pieces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_u64().unwrap())
        .collect();
    assert!(
        !measures.contains(&3) && !measures.contains(&10),
        "{measures:?}"
    );
    assert!(
        measures.contains(&5) && measures.contains(&7),
        "{measures:?}"
    );
}

/// A number drawn, and the length or position it was drawn at.
type Drawn = Vec<(u32, f64)>;

/// Every `<rect class="bar">` and target line of `html`, as (percent,
/// width) and (target, x).
fn bars(html: &str) -> (Drawn, Drawn) {
    let attr = |tag: &str, name: &str| -> Option<String> {
        let k = format!(" {name}=\"");
        let i = tag.find(&k)? + k.len();
        Some(tag[i..i + tag[i..].find('"')?].to_string())
    };
    let (mut b, mut t) = (vec![], vec![]);
    for tag in html
        .split('<')
        .filter(|x| x.starts_with("rect") || x.starts_with("line"))
    {
        if let Some(p) = attr(tag, "data-percent") {
            b.push((
                p.parse().unwrap(),
                attr(tag, "width").unwrap().parse().unwrap(),
            ));
        }
        if let Some(p) = attr(tag, "data-target") {
            t.push((
                p.parse().unwrap(),
                attr(tag, "x1").unwrap().parse().unwrap(),
            ));
        }
    }
    (b, t)
}

#[test]
fn every_bar_and_target_mark_is_as_long_as_its_number() {
    let s = site();
    assert_ok(&s.build(&[]));
    let html = s.read("public/progress/index.html");
    let (b, t) = bars(&html);
    // Nine tier-years and three sample years; the two zero shares draw
    // no bar.
    let want_bars = [17, 20, 20, 50, 40, 60, 83, 20, 40, 50];
    let mut got: Vec<u32> = b.iter().map(|x| x.0).collect();
    let mut want = want_bars.to_vec();
    got.sort();
    want.sort();
    assert_eq!(got, want, "{b:?}");
    for (p, w) in &b {
        assert_eq!(*w, *p as f64 * 3.0, "a {p}% bar is {w} long");
    }
    assert_eq!(t.len(), 10, "nine tier targets and one sample target");
    for (p, x) in &t {
        assert_eq!(*x, *p as f64 * 3.0, "a {p}% target at {x}");
    }
    // Achievement and goal, never a wall of 未达标; and the same figures
    // in an accessible table and in the chart's description.
    assert!(!html.contains("未达标"));
    assert!(
        html.contains("2024 年：已达 17%（1/6 所），目标 30%"),
        "desc"
    );
    assert!(html.contains("<title id=\"chart-1-title\">引领型及以上的学校占比</title>"));
    assert!(html.contains(
        "17%<span class=\"n\">（1/6 所）</span><br><span class=\"goal\">目标 30%</span>"
    ));
    // 北区's only school joined in 2024: no share before, not 0%.
    let y2022 = &html[html.find("<summary>2022 年</summary>").unwrap()..];
    let north = &y2022[y2022.find("<th scope=\"row\">北区</th>").unwrap()..];
    let north = &north[..north.find("</tr>").unwrap()];
    assert_eq!(north.matches("<td>—</td>").count(), 3, "{north}");
    // Brand coverage by district and stage.
    assert!(html.contains("已有 2 所学校发布党建品牌案例，目标 4 所"));
    assert!(html.contains("<th scope=\"row\">东区</th><td>1/3</td><td>33%</td>"));
    assert!(html.contains("<th scope=\"row\">小学</th><td>2/3</td><td>67%</td>"));
    // The schools behind the numbers, one click away.
    assert!(html.contains("href=\"/progress/schools/#y2024\""));
    let list = s.read("public/progress/schools/index.html");
    let y2024 = &list[list.find("id=\"y2024\"").unwrap()..];
    let lead = &y2024[y2024.find("<h3>引领型").unwrap()..y2024.find("<h3>规范型").unwrap()];
    assert!(
        lead.contains("甲小学") && !lead.contains("乙中学"),
        "{lead}"
    );
    let y2022 = &list[list.find("id=\"y2022\"").unwrap()..list.find("id=\"y2023\"").unwrap()];
    assert!(
        !y2022.contains("己高中"),
        "f is not counted before it joined"
    );
    // The navigation leads to the dashboard.
    assert!(s.read("public/index.html").contains("href=\"/progress/\""));
}

#[test]
fn the_home_page_sums_up_and_schools_chart_their_tier_history() {
    let s = site();
    assert_ok(&s.build(&[]));
    let home = s.read("public/index.html");
    assert!(
        home.contains("2024 年 · 引领型及以上"),
        "the last rated year"
    );
    assert!(home.contains("已达 17%，目标 30%"));
    assert!(home.contains("已达 50%，目标 50%"), "typical samples");
    let school = s.read("public/schools/a/index.html");
    // 2022 提升型 (level 1), 2023 holds it, 2024 引领型 (level 3).
    let levels: Vec<&str> = school
        .split("data-level=\"")
        .skip(1)
        .map(|x| &x[..1])
        .collect();
    assert_eq!(levels, ["1", "1", "3"]);
    assert!(school.contains("2022 年：提升型；2023 年：提升型；2024 年：引领型"));
    // f's chart starts the year it joined.
    let f = s.read("public/schools/f/index.html");
    assert!(
        f.contains("<desc id=\"tier-history-desc\">2024 年：规范型</desc>"),
        "{f}"
    );
    // c was never rated: no chart.
    assert!(!s
        .read("public/schools/c/index.html")
        .contains("tier-history"));
    // The measures grid hides zeros: a measure without a piece says so.
    let m = s.read("public/measures/index.html");
    assert!(
        m.contains("待展示") && !m.contains(">0 篇<"),
        "zeros hidden"
    );
}

#[test]
fn a_site_can_show_achievements_without_targets() {
    let s = site();
    let yaml = s.read("site.yaml") + "show_targets: false\n";
    s.write("site.yaml", yaml);
    assert_ok(&s.build(&[]));
    let html = s.read("public/progress/index.html");
    assert!(!html.contains("目标"), "no target wording");
    assert!(!html.contains("class=\"target\""), "no target marks");
    assert!(html.contains("已达 17%"));
    assert!(!s.read("public/index.html").contains("目标"));
}

#[test]
fn a_clean_page_that_contradicts_the_registry_names_both_places() {
    let s = site();
    s.write(
        "content/clean/b-2023.md",
        "---\ntitle: 乙中学清廉学校\ndate: 2023-06-01\nschool: b\ntier: 引领型\n---\n正文。\n",
    );
    let o = s.build(&[]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("content/clean/b-2023.md:5:7"), "{err}");
    assert!(err.contains("[E114]"), "{err}");
    assert!(
        err.contains("data/schools.yaml 第 9 行（id: b）") && err.contains("提升型"),
        "{err}"
    );
    assert!(!s.exists("public"), "nothing published");
}

#[test]
fn no_registry_no_dashboard() {
    let s = site();
    std::fs::remove_file(s.dir.join("data/schools.yaml")).unwrap();
    // Free-text schools without a registry.
    assert_ok(&s.build(&[]));
    assert!(!s.exists("public/progress/index.html"));
    assert!(!s.read("public/index.html").contains("/progress/"));
    let o = s.run(&["report", "-q"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("data/schools.yaml"), "{}", stderr(&o));
}

#[test]
fn report_writes_csv_for_excel_html_for_print_and_never_into_the_site() {
    let s = site();
    let o = s.run(&["report", "-q", "--format", "csv", "-o", "report.csv"]);
    assert_ok(&o);
    let csv = std::fs::read(s.dir.join("report.csv")).unwrap();
    assert!(
        csv.starts_with(b"\xEF\xBB\xBF"),
        "UTF-8 with a BOM for Excel and WPS"
    );
    let text = String::from_utf8(csv[3..].to_vec()).unwrap();
    assert!(text.ends_with("\r\n") && !text.replace("\r\n", "").contains('\n'));
    let rows: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(rows[0], "类别,学区,学校,事项,说明,文件,等待天数");
    assert!(
        rows.iter().any(|r| r
            .starts_with("待审核,西区,戊中学,戊中学品牌（待审核）,等待审核,content/brands/e.md,")),
        "{text}"
    );
    assert!(rows
        .iter()
        .any(|r| r.starts_with("党建品牌,东区,丙小学,没有已发布的品牌案例")));
    // Every row has the header's seven cells (no quoting needed here).
    for r in rows.iter().filter(|r| !r.is_empty()) {
        assert_eq!(r.split(',').count(), 7, "{r}");
    }
    let o = s.run(&["report", "-q", "-o", "report.html"]);
    assert_ok(&o);
    let html = s.read("report.html");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("内部工作用，不对外发布"));
    assert!(html.contains("<h3>东区"), "to-dos by district");
    assert!(
        !html.contains("http://") && !html.contains("https://") && !html.contains("src="),
        "no outside request"
    );
    // Not part of the published site: refused where a build would publish.
    for bad in ["public/r.html", "static/r.csv", "content/r.json"] {
        let o = s.run(&["report", "-q", "-o", bad]);
        assert_eq!(o.status.code(), Some(2), "{bad}");
        assert!(stderr(&o).contains("报告不能写进"), "{}", stderr(&o));
    }
    assert_ok(&s.build(&[]));
    assert!(!s.exists("public/report.html") && !s.exists("public/report.csv"));
    let o = s.run(&["report", "-q", "--year", "1999"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("2022、2023、2024"), "{}", stderr(&o));
}

#[test]
fn csv_cells_are_quoted_and_formulas_kept_as_text() {
    let s = site();
    // A title with a comma, a quote and a leading = reaches the CSV.
    s.write(
        "content/brands/e.md",
        "---\ntitle: \"=1+1, “戊”\\\"品牌\\\"\"\ndate: 2024-05-01\nschool: e\nbrand: 戊品牌\nstatus: review\n---\n正文。\n",
    );
    let o = s.run(&["report", "-q", "--format", "csv"]);
    assert_ok(&o);
    let text = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(text.contains(",\"'=1+1, “戊”\"\"品牌\"\"\","), "{text}");
}
