//! images: photos are resized into WebP and JPEG/PNG versions with their
//! EXIF orientation applied, no output image carries metadata, work is
//! cached, and bad image files are errors that name them.

use crate::common::*;

/// A JPEG made here, `w`×`h` pixels as stored, with an EXIF block that
/// says "turn 90° clockwise" (orientation 6) and holds a GPS position.
fn phone_photo(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x * 255 / w) as u8, (y * 255 / h) as u8, 90])
    });
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 85)
        .encode_image(&img)
        .unwrap();
    // TIFF, little-endian: IFD0 {Orientation=6, GPSInfo→gps}, GPS IFD
    // {LatitudeRef "N", Latitude 30/1 15/1 20/1}.
    let mut t: Vec<u8> = b"II*\0".to_vec();
    t.extend(8u32.to_le_bytes());
    let ifd0 = |t: &mut Vec<u8>, gps_at: u32| {
        t.extend(2u16.to_le_bytes());
        t.extend([0x12, 0x01, 3, 0]); // Orientation, SHORT
        t.extend(1u32.to_le_bytes());
        t.extend([6, 0, 0, 0]);
        t.extend([0x25, 0x88, 4, 0]); // GPSInfo, LONG
        t.extend(1u32.to_le_bytes());
        t.extend(gps_at.to_le_bytes());
        t.extend(0u32.to_le_bytes());
    };
    let gps_at = 8 + 2 + 2 * 12 + 4;
    ifd0(&mut t, gps_at);
    let rationals_at = gps_at + 2 + 2 * 12 + 4;
    t.extend(2u16.to_le_bytes());
    t.extend([1, 0, 2, 0]); // GPSLatitudeRef, ASCII
    t.extend(2u32.to_le_bytes());
    t.extend([b'N', 0, 0, 0]);
    t.extend([2, 0, 5, 0]); // GPSLatitude, RATIONAL ×3
    t.extend(3u32.to_le_bytes());
    t.extend(rationals_at.to_le_bytes());
    t.extend(0u32.to_le_bytes());
    for v in [30u32, 15, 20] {
        t.extend(v.to_le_bytes());
        t.extend(1u32.to_le_bytes());
    }
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend(t);
    let mut out = jpeg[..2].to_vec();
    out.extend([0xFF, 0xE1]);
    out.extend(((app1.len() + 2) as u16).to_be_bytes());
    out.extend(app1);
    out.extend(&jpeg[2..]);
    out
}

fn with_photo_page(s: &Site, photo: &[u8]) {
    s.write("content/brands/photo/photo.jpg", photo);
    s.write(
        "content/brands/photo/index.md",
        "---\ntitle: 照片页\ndate: 2024-03-01\ncover: photo.jpg\ncover_alt: 操场上的升旗仪式\n---\n正文。\n\n![合影](photo.jpg)\n",
    );
}

fn has_metadata(bytes: &[u8]) -> bool {
    bytes.windows(4).any(|w| w == b"Exif" || w == b"GPS\0")
        || bytes.windows(9).any(|w| w == b"http://ns")
}

#[test]
fn no_output_image_carries_gps_or_exif_and_the_photo_stands_upright() {
    let s = Site::new(&["base"]);
    let photo = phone_photo(640, 480);
    assert!(has_metadata(&photo), "the test photo must carry EXIF");
    with_photo_page(&s, &photo);
    let o = s.build(&[]);
    assert_ok(&o);
    let out = s.snapshot("public");
    let images: Vec<(&String, &Vec<u8>)> = out
        .iter()
        .filter(|(k, _)| k.ends_with(".jpg") || k.ends_with(".webp") || k.ends_with(".png"))
        .collect();
    assert!(
        images.len() >= 5,
        "variants and the original: {:?}",
        out.keys()
    );
    for (name, bytes) in &images {
        assert!(!has_metadata(bytes), "{name} still carries metadata");
        let img = image::load_from_memory(bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        // Stored 640×480 with "turn 90°": upright it is portrait.
        assert!(
            img.height() > img.width() || name.contains("-t"),
            "{name} is on its side"
        );
    }
    let html = s.read("public/brands/photo/index.html");
    assert!(
        html.contains("<picture>") && html.contains(r#"type="image/webp""#),
        "{html}"
    );
    assert!(
        html.contains(r#"width="480" height="640""#),
        "body image size: {html}"
    );
    assert!(html.contains(r#"alt="合影""#) && html.contains(r#"loading="lazy""#));
    assert!(
        html.contains("og:image"),
        "share card uses the processed cover"
    );
    let list = s.read("public/brands/index.html");
    assert!(
        list.contains("-t400.webp 400w"),
        "cards use 4:3 thumbnails: {list}"
    );
}

#[test]
fn a_second_build_decodes_nothing_and_a_corrupt_cache_entry_is_redone() {
    let s = Site::new(&["base"]);
    with_photo_page(&s, &phone_photo(1200, 900));
    let first = s.build(&[]);
    assert_ok(&first);
    assert!(
        stderr(&first).contains("图片 1 张（新处理 1 张）"),
        "{}",
        stderr(&first)
    );
    let before = s.snapshot("public");
    let second = s.build(&[]);
    assert_ok(&second);
    assert!(
        stderr(&second).contains("图片 1 张（新处理 0 张）"),
        "{}",
        stderr(&second)
    );
    assert_eq!(
        before,
        s.snapshot("public"),
        "the cache gives the same bytes"
    );
    // Damage one cached file: it is found and made again.
    let cache = s.dir.join(".exemplar-cache/images");
    let victim = std::fs::read_dir(&cache)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "webp"))
        .unwrap();
    std::fs::write(&victim, b"not a webp").unwrap();
    let third = s.build(&[]);
    assert_ok(&third);
    assert!(stderr(&third).contains("新处理 1 张"), "{}", stderr(&third));
    assert_eq!(before, s.snapshot("public"));
    // A photo no page or folder holds any more: its cache entries go.
    std::fs::remove_file(s.dir.join("content/brands/photo/photo.jpg")).unwrap();
    s.write(
        "content/brands/photo/index.md",
        "---\ntitle: 照片页\ndate: 2024-03-01\n---\n正文。\n",
    );
    assert_ok(&s.build(&[]));
    let left: Vec<_> = std::fs::read_dir(&cache)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "index.tsv")
        .collect();
    assert!(left.is_empty(), "pruned: {left:?}");
}

#[test]
fn the_same_photo_in_many_folders_is_processed_without_a_clash() {
    let s = Site::new(&["base"]);
    let photo = phone_photo(300, 200);
    for i in 0..12 {
        s.write(&format!("content/brands/p{i}/x.jpg"), &photo);
        s.write(
            &format!("content/brands/p{i}/index.md"),
            format!("---\ntitle: 页{i}\ndate: 2024-03-01\ncover: x.jpg\n---\n正文。\n"),
        );
    }
    let o = s.build(&[]);
    assert_ok(&o);
    let tmp: Vec<_> = std::fs::read_dir(s.dir.join(".exemplar-cache/images"))
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(tmp.is_empty(), "temporary files left: {tmp:?}");
}

#[test]
fn a_truncated_photo_is_an_error_naming_the_file() {
    let s = Site::new(&["base"]);
    let photo = phone_photo(400, 300);
    with_photo_page(&s, &photo[..photo.len() / 2]);
    let o = s.build(&[]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("E132") && err.contains("content/brands/photo/photo.jpg"),
        "{err}"
    );
    assert!(!s.exists("public/index.html"), "nothing published");
}

#[test]
fn a_decompression_bomb_is_refused_without_using_gigabytes() {
    let s = Site::new(&["base"]);
    // A PNG header that claims 50000×50000 pixels (7.5 GB as RGB).
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend(50_000u32.to_be_bytes());
    ihdr.extend(50_000u32.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]);
    png.extend(13u32.to_be_bytes());
    png.extend(&ihdr);
    png.extend(crc32(&ihdr).to_be_bytes());
    png.extend(0u32.to_be_bytes());
    png.extend(b"IEND");
    png.extend(crc32(b"IEND").to_be_bytes());
    s.write("static/images/bomb.png", &png);
    let o = s.build(&[]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("static/images/bomb.png") && err.contains("image too large"),
        "{err}"
    );
}

#[test]
fn an_unsupported_format_names_the_supported_ones() {
    let s = Site::new(&["base"]);
    // A GIF saved with a .jpg name.
    s.write(
        "static/images/x.jpg",
        b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
    );
    let err = stderr(&s.build(&[]));
    assert!(
        err.contains("static/images/x.jpg") && err.contains("JPEG、PNG、WebP"),
        "{err}"
    );
}

fn crc32(data: &[u8]) -> u32 {
    let mut c = 0xFFFF_FFFFu32;
    for &b in data {
        c ^= b as u32;
        for _ in 0..8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
    }
    !c
}

#[test]
fn video_and_attachments_are_shown_never_autoplay_and_must_exist() {
    let s = Site::new(&["base"]);
    s.write(
        "content/deeds/v/clip.mp4",
        b"\0\0\0\x18ftypmp42 not really a video",
    );
    s.write(
        "content/deeds/v/clip.vtt",
        "WEBVTT\n\n00:00.000 --> 00:02.000\n升旗\n",
    );
    s.write("content/deeds/v/方案.pdf", vec![b'%'; 2500]);
    s.write("content/deeds/v/名单.xlsx", vec![b'P'; 1_300_000]);
    s.write(
        "content/deeds/v/index.md",
        "---\ntitle: 视频页\ndate: 2024-03-01\nvideo: clip.mp4\nattachments:\n  - src: 方案.pdf\n    title: 活动方案\n---\n正文见[名单](名单.xlsx)。\n\n```video\nclip.mp4 活动回顾\n```\n\n<video autoplay src=\"clip.mp4\"></video>\n",
    );
    let o = s.build(&[]);
    assert_ok(&o);
    let html = s.read("public/deeds/v/index.html");
    assert!(html.contains(r#"<video controls preload="none""#), "{html}");
    assert!(
        html.contains(r#"<track kind="captions""#) && html.contains("clip.vtt"),
        "captions"
    );
    assert!(!html.contains("autoplay"), "never autoplay: {html}");
    assert!(
        html.contains("活动方案") && html.contains("PDF · 3 KB"),
        "header attachment: {html}"
    );
    assert!(
        html.contains("名单.xlsx") && html.contains("Excel · 1.3 MB"),
        "linked attachment: {html}"
    );
    assert!(
        html.contains("<figcaption>活动回顾</figcaption>"),
        "fenced video caption"
    );
    // A missing attachment names the page and its line.
    s.write(
        "content/deeds/w.md",
        "---\ntitle: 缺附件\ndate: 2024-03-01\nattachments: [没有.pdf]\n---\n正文。\n",
    );
    let err = stderr(&s.build(&[]));
    assert!(
        err.contains("content/deeds/w.md:4") && err.contains("没有.pdf"),
        "{err}"
    );
}

#[test]
fn a_photo_replaced_under_the_same_name_is_processed_again() {
    let s = Site::new(&["base"]);
    with_photo_page(&s, &phone_photo(640, 480));
    assert_ok(&s.build(&[]));
    let before = s.snapshot("public/_img");
    std::thread::sleep(std::time::Duration::from_millis(20));
    with_photo_page(&s, &phone_photo(800, 600));
    let o = s.build(&[]);
    assert_ok(&o);
    assert!(stderr(&o).contains("新处理 1 张"), "{}", stderr(&o));
    let after = s.snapshot("public/_img");
    assert_ne!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>()
    );
    assert!(s
        .read("public/brands/photo/index.html")
        .contains(r#"height="800""#));
}

#[test]
fn a_bad_cover_focus_and_a_scripted_svg_are_errors_naming_where() {
    let s = Site::new(&["base"]);
    s.write(
        "static/images/logo.svg",
        r#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><circle r="2"/></svg>"#,
    );
    with_photo_page(&s, &phone_photo(400, 300));
    let page = s
        .read("content/brands/photo/index.md")
        .replace("cover_alt:", "cover_focus: 斜上\ncover_alt:");
    s.write("content/brands/photo/index.md", page);
    let o = s.build(&[]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("content/brands/photo/index.md:5") && err.contains("cover_focus"),
        "{err}"
    );
    assert!(
        err.contains("static/images/logo.svg") && err.contains("E132"),
        "{err}"
    );
}

#[test]
fn cover_focus_top_crops_the_card_thumbnail_from_the_top() {
    // A tall photo, white in its top quarter, black below.
    let img = image::RgbImage::from_fn(300, 800, |_, y| {
        if y < 200 {
            image::Rgb([255, 255, 255])
        } else {
            image::Rgb([0, 0, 0])
        }
    });
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90)
        .encode_image(&img)
        .unwrap();
    let thumb_top = |focus: &str| {
        let s = Site::new(&["base"]);
        s.write("content/brands/photo/photo.jpg", &jpeg);
        s.write(
            "content/brands/photo/index.md",
            format!("---\ntitle: 照片页\ndate: 2024-03-01\ncover: photo.jpg\ncover_focus: {focus}\ncover_alt: 照片\n---\n正文。\n"),
        );
        assert_ok(&s.build(&[]));
        let (_, bytes) = s
            .snapshot("public/_img")
            .into_iter()
            .find(|(k, _)| k.contains("-t") && k.ends_with(".jpg"))
            .expect("a thumbnail");
        let t = image::load_from_memory(&bytes).unwrap().to_luma8();
        t.get_pixel(t.width() / 2, 2)[0]
    };
    assert!(thumb_top("top") > 200, "top crop keeps the white top");
    assert!(thumb_top("center") < 50, "centre crop starts in the black");
}

/// A plain JPEG of one colour, with a GPS block.
fn plain_photo(rgb: [u8; 3]) -> Vec<u8> {
    let img = image::RgbImage::from_pixel(320, 240, image::Rgb(rgb));
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 85)
        .encode_image(&img)
        .unwrap();
    let gps = phone_photo(8, 8);
    // Carry the phone photo's EXIF (APP1) segment over.
    let len = u16::from_be_bytes([gps[4], gps[5]]) as usize;
    let mut out = jpeg[..2].to_vec();
    out.extend(&gps[2..4 + len]);
    out.extend(&jpeg[2..]);
    out
}

/// Originals and processed versions are published from the image cache
/// (hard links where the disk allows); the output folder a build recycles
/// is the one from two builds ago, so each build must still publish the
/// photo as it is now.
#[test]
fn each_build_publishes_the_photo_as_it_is_now_even_in_a_recycled_output() {
    let s = Site::new(&["base"]);
    let centre = |s: &Site| {
        let bytes = std::fs::read(s.dir.join("public/brands/photo/photo.jpg")).unwrap();
        assert!(!has_metadata(&bytes), "published original carries metadata");
        let img = image::load_from_memory(&bytes).unwrap().to_rgb8();
        img.get_pixel(160, 120).0
    };
    let red = [200, 30, 30];
    let blue = [30, 30, 200];
    with_photo_page(&s, &plain_photo(red));
    assert_ok(&s.build(&[]));
    assert!(centre(&s)[0] > 150);
    std::thread::sleep(std::time::Duration::from_millis(20));
    with_photo_page(&s, &plain_photo(blue));
    assert_ok(&s.build(&[]));
    assert!(centre(&s)[2] > 150, "second build: {:?}", centre(&s));
    let o = s.build(&[]);
    assert_ok(&o);
    assert!(stderr(&o).contains("新处理 0 张"), "{}", stderr(&o));
    assert!(centre(&s)[2] > 150, "third build: {:?}", centre(&s));
    // Every variant is there and readable after the three builds.
    for (name, bytes) in s.snapshot("public/_img") {
        assert!(image::load_from_memory(&bytes).is_ok(), "{name}");
    }
}

/// Processed files are published as hard links to the image cache; an
/// output on another file system cannot link and gets copies instead.
#[test]
fn an_output_on_another_disk_gets_copies_of_the_processed_photos() {
    use std::os::unix::fs::MetadataExt;
    let other = std::path::Path::new("/dev/shm");
    let s = Site::new(&["base"]);
    let dev = |p: &std::path::Path| std::fs::metadata(p).map(|m| m.dev()).ok();
    if dev(other).is_none() || dev(other) == dev(&s.dir) {
        eprintln!("skipped: no second file system at /dev/shm");
        return;
    }
    with_photo_page(&s, &phone_photo(640, 480));
    let out = other.join(format!("exemplar-it-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let out_s = out.to_string_lossy().into_owned();
    for _ in 0..2 {
        assert_ok(&s.build(&["-o", &out_s]));
        let original = std::fs::read(out.join("brands/photo/photo.jpg")).unwrap();
        assert!(!has_metadata(&original));
        let img = std::fs::read_dir(out.join("_img")).unwrap().count();
        assert!(img >= 4, "{img} processed files");
        for e in std::fs::read_dir(out.join("_img")).unwrap().flatten() {
            let m = e.metadata().unwrap();
            assert_eq!(m.nlink(), 1, "a copy, not a link: {:?}", e.path());
            assert!(image::load_from_memory(&std::fs::read(e.path()).unwrap()).is_ok());
        }
    }
    let name = format!("exemplar-it-{}", std::process::id());
    let _ = std::fs::remove_dir_all(&out);
    let _ = std::fs::remove_dir_all(other.join(format!(".{name}.prev")));
    let _ = std::fs::remove_file(other.join(format!(".{name}.lock")));
}
