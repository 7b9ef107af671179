//! `exemplar import`: Word submissions and peer sites (issue 14, items 1,
//! 2 and 7). The Word document is generated here, part by part, the way
//! Word and WPS write them (WPS's numeric style ids included), so every
//! rule has its input in this file.

use std::io::Write;

use crate::common::*;

const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape""#;

fn p(style: &str, runs: &str) -> String {
    let ppr = if style.is_empty() {
        String::new()
    } else {
        format!(r#"<w:pPr><w:pStyle w:val="{style}"/></w:pPr>"#)
    };
    format!("<w:p>{ppr}{runs}</w:p>")
}

fn r(text: &str) -> String {
    format!(r#"<w:r><w:t xml:space="preserve">{text}</w:t></w:r>"#)
}

fn r_fmt(props: &str, text: &str) -> String {
    format!(r#"<w:r><w:rPr>{props}</w:rPr><w:t xml:space="preserve">{text}</w:t></w:r>"#)
}

fn item(num: u32, level: u32, text: &str) -> String {
    format!(
        r#"<w:p><w:pPr><w:pStyle w:val="ListParagraph"/><w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{num}"/></w:numPr></w:pPr>{}</w:p>"#,
        r(text)
    )
}

fn picture(rel: &str, descr: &str) -> String {
    format!(
        r#"<w:r><w:drawing><wp:inline><wp:extent cx="100" cy="100"/><wp:docPr id="1" name="图片 1" descr="{descr}"/><a:graphic><a:graphicData><pic:pic><pic:blipFill><a:blip r:embed="{rel}"/></pic:blipFill></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"#
    )
}

fn cell(text: &str) -> String {
    format!("<w:tc>{}</w:tc>", p("", &r(text)))
}

fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_pixel(w, h, image::Rgb([179, 18, 26]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// A submission as a school sends it: title, byline, headings, emphasis,
/// a footnote, a link, lists, a table with a repeated header row, two
/// pictures (one described), tracked changes, a comment and a text box.
fn submission() -> Vec<u8> {
    let body = [
        p("a3", &r("云江小学“红烛先锋”党建品牌建设纪实")),
        p("", &r("来源：甲小学党支部　作者：李明")),
        p("", &r("通讯员：王芳")),
        p(
            "",
            &[
                r("　　近年来，学校党支部以"),
                r_fmt("<w:b/>", "红烛先锋"),
                r("为品牌，"),
                r_fmt("<w:b/>", "“双减”"),
                r("落地见效，"),
                r_fmt("<w:i/>", "润物无声"),
                r("。"),
                r#"<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteReference w:id="1"/></w:r>"#.into(),
            ]
            .concat(),
        ),
        p("2", &r("一、品牌内涵")),
        p(
            "",
            &[
                r("详见"),
                r#"<w:hyperlink r:id="rId2"><w:r><w:t>县教育局网站</w:t></w:r></w:hyperlink>"#.into(),
                r("。价格 5*3 [注] 不是强调。见"),
                r#"<w:hyperlink r:id="rId4"><w:r><w:t>附件一</w:t></w:r></w:hyperlink>"#.into(),
                r("。"),
            ]
            .concat(),
        ),
        item(1, 0, "党员示范岗"),
        item(1, 1, "师德师风承诺"),
        item(1, 0, "志愿服务队"),
        p("", &r("具体分三步：")),
        item(2, 0, "调研"),
        item(2, 0, "实施"),
        p("Heading2", &r("（一）主要做法")),
        format!(
            r#"<w:tbl><w:tr>{}{}</w:tr><w:tr><w:trPr><w:tblHeader/></w:trPr>{}{}</w:tr><w:tr>{}{}</w:tr></w:tbl>"#,
            cell("志愿服务"),
            cell("12"),
            cell("项目"),
            cell("次数"),
            cell("家访 | 谈心"),
            cell("30"),
        ),
        p("", &picture("rId1", "党员教师在课后服务中辅导学生")),
        p("", &picture("rId3", "")),
        p(
            "",
            &[
                r("修订后的"),
                r#"<w:ins w:id="9" w:author="审核人"><w:r><w:t>新增文字</w:t></w:r></w:ins>"#.into(),
                r#"<w:del w:id="10" w:author="审核人"><w:r><w:delText>删掉的文字</w:delText></w:r></w:del>"#.into(),
                r("保留。"),
                r#"<w:r><w:commentReference w:id="0"/></w:r>"#.into(),
            ]
            .concat(),
        ),
        p(
            "",
            r#"<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor><wp:docPr id="5" name="文本框 5"/><a:graphic><a:graphicData><wps:wsp><wps:txbx><w:txbxContent><w:p><w:r><w:t>边栏里的宣传语</w:t></w:r></w:p></w:txbxContent></wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict/></mc:Fallback></mc:AlternateContent></w:r>"#,
        ),
        p("", &r("1. 这一段以数字开头，不是列表")),
        p("", &r("联系人手机 13812345678。")),
    ]
    .concat();
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {W}><w:body>{body}<w:sectPr/></w:body></w:document>"#
    );
    let styles = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><w:styles {W}><w:style w:type="paragraph" w:styleId="a3"><w:name w:val="Title"/></w:style><w:style w:type="paragraph" w:styleId="2"><w:name w:val="heading 1"/></w:style><w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/></w:style><w:style w:type="paragraph" w:styleId="ListParagraph"><w:name w:val="List Paragraph"/></w:style></w:styles>"#
    );
    let numbering = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><w:numbering {W}><w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/></w:lvl><w:lvl w:ilvl="1"><w:numFmt w:val="bullet"/></w:lvl></w:abstractNum><w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:numFmt w:val="decimal"/></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num><w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num></w:numbering>"#
    );
    let footnotes = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><w:footnotes {W}><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote><w:footnote w:type="continuationSeparator" w:id="0"><w:p/></w:footnote><w:footnote w:id="1"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> 数据来自学校2024年工作总结。</w:t></w:r></w:p></w:footnote></w:footnotes>"#
    );
    let rels = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/image1.png"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="https://example.gov.cn/" TargetMode="External"/><Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="附件一.xlsx" TargetMode="External"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/image2.png"/></Relationships>"#;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    for (name, bytes) in [
        ("[Content_Types].xml", b"<Types/>".to_vec()),
        ("word/document.xml", document.into_bytes()),
        ("word/styles.xml", styles.into_bytes()),
        ("word/numbering.xml", numbering.into_bytes()),
        ("word/footnotes.xml", footnotes.into_bytes()),
        ("word/_rels/document.xml.rels", rels.as_bytes().to_vec()),
        ("word/media/image1.png", png(640, 480)),
        ("word/media/image2.png", png(320, 240)),
    ] {
        zip.start_file(name, opts).unwrap();
        zip.write_all(&bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// The round trip: the generated document becomes exactly the Markdown in
/// tests/golden/import-docx.md, with both pictures beside it; the byline
/// fills the header (the source names a registered school, so `school`
/// too); what was dropped is reported; the draft builds with --drafts and
/// `check` lists the picture without a description.
#[test]
fn a_word_submission_becomes_a_draft_bundle() {
    let s = Site::new(&["base"]);
    s.write("稿件.docx", submission());
    let o = s.run(&["import", "docx", "稿件.docx", "--kind", "brand"]);
    assert_ok(&o);
    let err = stderr(&o);
    let page = String::from_utf8_lossy(&o.stdout).trim().to_string();
    assert_eq!(
        page,
        "content/brands/云江小学红烛先锋党建品牌建设纪实/index.md"
    );
    let text = s.read(&page);
    let (head, body) = text.split_once("\n---\n").unwrap();
    golden("import-docx.md", body);
    for line in [
        "title: \"云江小学“红烛先锋”党建品牌建设纪实\"",
        "kind: brand",
        "school: \"alpha\"",
        "author: \"李明、王芳\"",
        "source: \"甲小学党支部\"",
        "status: draft",
        "brand: \"\"",
    ] {
        assert!(head.lines().any(|l| l.starts_with(line)), "{line}\n{head}");
    }
    let dir = page.trim_end_matches("index.md");
    assert!(s.exists(&format!("{dir}image1.png")) && s.exists(&format!("{dir}image2.png")));
    for note in [
        "图片 image2.png 没有替代文字",
        "文本框未导入 (text box dropped): “边栏里的宣传语",
        "批注 1 条未导入",
        "接受了 1 处插入，去掉了 1 处删除",
        // regression: a link to a file on the sender's disk broke the build
        "链接指向发稿人电脑上的文件 附件一.xlsx，已改为文字",
    ] {
        assert!(err.contains(note), "{note}\n{err}");
    }
    // A draft: the published build leaves it out, --drafts shows it.
    assert_ok(&s.build(&[]));
    assert!(!s.exists("public/brands/云江小学红烛先锋党建品牌建设纪实/index.html"));
    assert_ok(&s.build(&["--drafts"]));
    let html = s.read("public/brands/云江小学红烛先锋党建品牌建设纪实/index.html");
    assert!(html.contains("<strong>“双减”</strong>"), "{html}");
    assert!(html.contains("<th>项目</th>"));
    assert!(html.contains("alt=\"党员教师在课后服务中辅导学生\""));
    let (_, findings) = check_json(&s, &[]);
    // The header as `new` writes it: its comments' Chinese commas are no
    // list separators (W026 said so before).
    assert!(
        !findings.iter().any(|f| f["code"] == "W026"),
        "{findings:#?}"
    );
    assert!(
        findings.iter().any(
            |f| f["file"].as_str().is_some_and(|f| f.ends_with("index.md")) && f["code"] == "E040"
        ),
        "{findings:#?}"
    );
    // …and the personal data the document carried.
    assert!(
        findings
            .iter()
            .any(|f| f["code"] == "E051"
                && f["file"].as_str().is_some_and(|f| f.ends_with("index.md"))),
        "{findings:#?}"
    );
    // The same document again is refused, not overwritten.
    let again = s.run(&["import", "docx", "稿件.docx", "--kind", "brand"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("已存在，不会覆盖"));
}

#[test]
fn a_legacy_doc_is_told_to_save_as_docx() {
    let s = Site::new(&["base"]);
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.extend_from_slice(&[0; 504]);
    s.write("旧稿.doc", &ole);
    let o = s.run(&["import", "docx", "旧稿.doc"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("另存为” .docx"), "{}", stderr(&o));
    assert!(!s.exists("content/deeds"));
}

#[test]
fn import_shows_each_site_yaml_error_at_its_line_and_writes_nothing() {
    let s = Site::new(&["base"]);
    let yaml = s
        .read("site.yaml")
        .replace("paginate_by: 2", "paginate_by: 两页");
    let line = yaml
        .lines()
        .position(|l| l.starts_with("paginate_by"))
        .unwrap()
        + 1;
    s.write("site.yaml", yaml.as_bytes());
    s.write("稿件.docx", submission());
    let before = walk(&s.dir.join("content"));
    let o = s.run(&["import", "docx", "稿件.docx"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("先修正站点配置"), "{err}");
    assert!(err.contains(&format!("site.yaml:{line}:")), "{err}");
    assert!(
        err.contains(&format!("{line} | paginate_by: 两页")),
        "the line itself is shown: {err}"
    );
    assert_eq!(walk(&s.dir.join("content")), before, "nothing is written");
}

#[test]
fn import_refuses_an_unknown_school_and_a_section_outside_content() {
    let s = Site::new(&["base"]);
    s.write("稿件.docx", submission());
    let o = s.run(&["import", "docx", "稿件.docx", "--school", "乙中"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("did you mean: 乙中学"),
        "{}",
        stderr(&o)
    );
    let o = s.run(&["import", "docx", "稿件.docx", "--section", "../outside"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(!s.exists("outside"));
    let o = s.run(&["import", "docx", "稿件.docx", "--section", "deeds/2024"]);
    assert_ok(&o);
    let page = String::from_utf8_lossy(&o.stdout).trim().to_string();
    assert!(page.starts_with("content/deeds/2024/"), "{page}");
    assert!(s.read(&page).contains("kind: deed"));
}

/// Import `fixture` (a folder under tests/fixtures/import, or one written
/// by the test) with `peer` into a new folder; the source must be left
/// exactly as it was. Returns the new site and the import's stderr.
fn import_peer(peer: &str, src: &Path) -> (Site, String) {
    let before = snapshot_of(src);
    // An empty folder to import into.
    let s = Site::new(&[]);
    let o = Command::new(bin())
        .args(["import", peer])
        .arg(src)
        .arg("--into")
        .arg(&s.dir)
        .output()
        .unwrap();
    assert_ok(&o);
    assert_eq!(snapshot_of(src), before, "the source folder changed");
    (s, stderr(&o))
}

fn snapshot_of(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walk(dir)
        .into_iter()
        .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
        .collect()
}

/// Build and check the imported site: no error at all.
fn builds_clean(s: &Site) {
    assert_ok(&s.build(&[]));
    let (code, findings) = check_json(s, &[]);
    let errors: Vec<_> = findings
        .iter()
        .filter(|f| f["severity"] == "error")
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(code, Some(0));
}

#[test]
fn a_hexo_site_imports_and_builds_without_errors() {
    let (s, err) = import_peer("hexo", &fixtures().join("import/hexo"));
    // Not converted: listed by kind and by file and line.
    assert!(err.contains("tag youtube: 1"), "{err}");
    assert!(
        s.read("import-report.txt")
            .contains("source/_posts/hello-world.md:27: [tag youtube]"),
        "{}",
        s.read("import-report.txt")
    );
    let post = s.read("content/posts/hello-world.md");
    for want in [
        "date: 2013-07-13 20:46:25",  // Hexo's date form
        "- 党建\n- 活动\n- 志愿服务", // categories → tags
        "  toc: true",                // unknown key → extra
        "- /2013/07/13/hello-world/", // the old permalink → alias
    ] {
        assert!(post.contains(want), "{want}\n{post}");
    }
    // A draft stays a draft; a header without `---` (Hexo allows it) and
    // without a title takes the first heading.
    assert!(s.read("content/posts/未完成.md").contains("status: draft"));
    // A draft with a published post's name is kept beside it, not lost.
    assert!(s
        .read("content/posts/hello-world.md")
        .contains("党员志愿服务队"));
    assert!(s
        .read("content/posts/hello-world-2.md")
        .contains("同名的草稿"));
    assert!(err.contains("same-place: 1"), "{err}");
    assert!(s
        .read("content/posts/第二篇/index.md")
        .contains("title: 青年教师师德演讲比赛"));
    // docs/index.md sits beside docs/setup.md: a section; a relative link
    // to the old `index.html` finds it (regression: a relative target with
    // a dot was only looked for among copied files).
    assert!(s.exists("content/docs/_index.md"));
    assert!(s
        .read("content/docs/setup.md")
        .contains("[文档首页](@/docs/_index.md)"));
    builds_clean(&s);
    let html = s.read("public/posts/hello-world/index.html");
    for want in [
        "<blockquote>\n<p><strong>活动须知</strong></p>", // {% note %}
        "class=\"language-yaml\"",                        // {% codeblock lang:yaml %}
        "alt=\"云江小学校徽\"",                           // {% img %}
        "—— 陶行知",                                      // {% blockquote 陶行知 %}
        "href=\"https://example.gov.cn/\"",               // {% link %}
        "href=\"/posts/%E7%AC%AC%E4%BA%8C%E7%AF%87/\"",   // {% post_link %}
        "<code>{% note %}</code>",                        // inline code untouched
    ] {
        assert!(html.contains(want), "{want}");
    }
    // {% asset_img %}: the post became a bundle with its picture.
    let second = s.read("public/posts/第二篇/index.html");
    assert!(second.contains("alt=\"演讲现场\""));
    assert!(
        second.contains("href=\"/posts/hello-world/\""),
        "old URL link rewritten"
    );
    // Old URLs still work.
    assert!(s
        .read("public/2013/07/13/hello-world/index.html")
        .contains("/posts/hello-world/"));
    assert!(s.read("public/docs/setup.html").contains("/docs/setup/"));
    assert!(!s.exists("public/posts/未完成/index.html"));
    // A picture named relative to the page that only exists at the site's
    // root (a Hexo habit) is made root-relative.
    assert!(s
        .read("content/about/index.md")
        .contains("![校徽](/images/logo.png)"));
}

#[test]
fn import_never_writes_into_its_source_or_over_a_folder_with_files() {
    let src = Site::new(&[]);
    copy_tree(&fixtures().join("import/hexo"), &src.dir);
    let before = snapshot_of(&src.dir);
    let inside = src.run(&["import", "hexo", ".", "--into", "new-site"]);
    assert_eq!(inside.status.code(), Some(1));
    assert!(
        stderr(&inside).contains("folders overlap"),
        "{}",
        stderr(&inside)
    );
    let full = Site::new(&[]);
    full.write("keep.txt", "mine");
    let o = Command::new(bin())
        .args(["import", "hexo"])
        .arg(&src.dir)
        .arg("--into")
        .arg(&full.dir)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("不会覆盖"));
    assert_eq!(full.read("keep.txt"), "mine");
    assert!(!full.exists("site.yaml"));
    assert_eq!(snapshot_of(&src.dir), before);
    // A folder that is not a site of that kind: said, nothing written.
    let empty = Site::new(&[]);
    empty.write("notes.txt", "x");
    let o = empty.run(&["import", "hugo", ".", "--into", "../never-made"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("no pages found"), "{}", stderr(&o));
    assert!(!empty.dir.join("../never-made").exists());
}

#[test]
fn a_page_whose_front_matter_does_not_parse_is_listed_and_the_rest_imported() {
    let src = Site::new(&[]);
    src.write(
        "config.toml",
        "base_url = \"https://z.example.cn\"\ntitle = \"站\"\n",
    );
    src.write("content/ok.md", "+++\ntitle = \"好\"\n+++\n正文。\n");
    src.write("content/bad.md", "+++\ntitle = \"坏\n+++\n正文。\n");
    // GBK for 正文: refused with its line, never garbled.
    src.write(
        "content/gbk.md",
        b"+++\ntitle = \"x\"\n+++\n\xd5\xfd\xce\xc4\n",
    );
    let (s, err) = import_peer("zola", &src.dir);
    assert!(err.contains("front-matter-error: 1"), "{err}");
    assert!(s
        .read("import-report.txt")
        .contains("content/bad.md:1: [front-matter-error]"));
    assert!(s.exists("content/ok.md") && !s.exists("content/bad.md"));
    assert!(s
        .read("import-report.txt")
        .contains("content/gbk.md:4: [not-utf8]"));
    assert!(!s.exists("content/gbk.md"));
    builds_clean(&s);
}

#[test]
fn a_hugo_site_imports_and_builds_without_errors() {
    let (s, err) = import_peer("hugo", &fixtures().join("import/hugo"));
    assert!(err.contains("shortcode youtube: 1"), "{err}");
    assert!(s
        .read("import-report.txt")
        .contains("content/commands/hugo_new.md:28: [shortcode youtube]"));
    let new = s.read("content/commands/hugo_new.md");
    assert!(new.contains("[同一页](@/commands/hugo_mod.md)"), "{new}");
    assert!(new.contains("  owner: 信息中心"), "[extra] kept");
    builds_clean(&s);
    // `hugo_mod.md` is /commands/hugo-mod/ now; Hugo's URL redirects.
    let page = s.read("public/commands/hugo-new/index.html");
    for want in [
        "href=\"/commands/hugo-mod/\"",         // a Hugo-style link
        "href=\"/commands/hugo-mod/#install\"", // relref with an anchor
        "当前版本 1.2",                         // {{< param >}}
        "alt=\"校徽\"",                         // {{< figure >}}
        "<em>云江小学校徽</em>",                // its caption
        "class=\"language-bash\"",              // {{< highlight >}}
        "<strong>注意</strong>",                // {{< note >}}…{{< /note >}}
        "{{&lt; youtube abc &gt;}}",            // {{</* */>}} is literal
    ] {
        assert!(page.contains(want), "{want}");
    }
    assert!(s
        .read("public/commands/hugo_mod/index.html")
        .contains("/commands/hugo-mod/"));
    assert!(
        s.exists("public/old/mod/index.html"),
        "the page's own alias"
    );
    // A leaf bundle keeps its picture; JSON front matter is read.
    assert!(s
        .read("public/news/2024-launch/index.html")
        .contains("alt=\"上线仪式\""));
    assert!(s.read("public/about/index.html").contains("关于本站。"));
}

#[test]
fn zola_and_jekyll_sites_import_and_build_without_errors() {
    let src = Site::new(&[]);
    src.write(
        "zola/config.toml",
        "base_url = \"https://z.example.cn\"\ntitle = \"Zola 站\"\n",
    );
    src.write(
        "zola/content/blog/_index.md",
        "+++\ntitle = \"博客\"\nsort_by = \"date\"\n+++\n",
    );
    src.write(
        "zola/content/blog/2024-01-02-first.md",
        "+++\ntitle = \"第一篇\"\n[taxonomies]\ntags = [\"读书\"]\n[extra]\nmood = \"好\"\n+++\n见 [第二篇](@/blog/second.md)。\n\n{{ youtube(id=\"x\") }}\n",
    );
    src.write(
        "zola/content/blog/second.md",
        "+++\ntitle = \"第二篇\"\ndate = 2024-01-03\n+++\n正文。\n",
    );
    let (z, err) = import_peer("zola", &src.dir.join("zola"));
    assert!(err.contains("shortcode: 1"), "{err}");
    let first = z.read("content/blog/2024-01-02-first.md");
    assert!(
        first.contains("date: 2024-01-02") && first.contains("- 读书"),
        "{first}"
    );
    assert!(
        first.contains("- /blog/first/"),
        "Zola dropped the date from the URL"
    );
    builds_clean(&z);

    src.write(
        "jekyll/_config.yml",
        "title: Jekyll 站\nurl: https://j.example.cn\nbaseurl: /blog\npermalink: pretty\n",
    );
    src.write(
        "jekyll/_posts/2024-01-02-hello.md",
        "---\ntitle: 你好\ncategories: news\n---\n下一篇：[第二篇]({% post_url 2024-01-03-second %})。\n\n{% highlight ruby %}\nputs 1\n{% endhighlight %}\n\n![图]({{ site.baseurl }}/assets/a.png)\n",
    );
    src.write(
        "jekyll/_posts/2024-01-03-second.md",
        "---\ntitle: 第二篇\n---\n正文。\n",
    );
    // A collection, and a page beside a folder of pages: the section's page.
    src.write(
        "jekyll/_config.yml",
        "title: Jekyll 站\nurl: https://j.example.cn\nbaseurl: /blog\npermalink: pretty\ncollections:\n  docs:\n    permalink: /:collection/:path/\n    output: true\n  notes:\n    output: true\n",
    );
    src.write(
        "jekyll/_docs/guide.md",
        "---\ntitle: 指南\n---\n指南总览。\n",
    );
    // A file named like a collection's folder (this panicked once).
    src.write("jekyll/_notes", "not a folder");
    src.write(
        "jekyll/_docs/guide/step.md",
        "---\ntitle: 第一步\n---\n回到[总览]({{ '/docs/guide/' | relative_url }})。\n",
    );
    src.write(
        "jekyll/about.md",
        "---\ntitle: 关于\npermalink: /about-us/\n---\n关于。\n",
    );
    src.write("jekyll/README.md", "# 仓库说明\n");
    src.write("jekyll/_layouts/default.html", "{{ content }}");
    std::fs::copy(
        fixtures().join("import/hexo/source/images/logo.png"),
        src.dir.join("jekyll/assets/a.png"),
    )
    .unwrap_or_else(|_| {
        std::fs::create_dir_all(src.dir.join("jekyll/assets")).unwrap();
        std::fs::copy(
            fixtures().join("import/hexo/source/images/logo.png"),
            src.dir.join("jekyll/assets/a.png"),
        )
        .unwrap()
    });
    let (j, _) = import_peer("jekyll", &src.dir.join("jekyll"));
    let hello = j.read("content/posts/hello.md");
    assert!(hello.contains("date: 2024-01-02"), "{hello}");
    assert!(hello.contains("- /news/2024/01/02/hello/"), "{hello}");
    assert!(hello.contains("(@/posts/second.md)"), "{hello}");
    assert!(hello.contains("```ruby"), "{hello}");
    assert!(hello.contains("![图](/assets/a.png)"), "{hello}");
    assert!(!j.exists("static/README.md") && !j.exists("content/README.md"));
    builds_clean(&j);
    assert!(j.exists("public/about-us/index.html"));
    assert!(j.read("content/docs/guide/_index.md").contains("指南总览"));
    assert!(j
        .read("content/docs/guide/step.md")
        .contains("[总览](@/docs/guide/_index.md)"));
    assert!(j.read("public/docs/guide/index.html").contains("指南总览"));
    assert!(j.exists("public/assets/a.png"));
}
