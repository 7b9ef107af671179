//! Personal data: resident ID numbers (with a valid check digit, so order
//! numbers do not trip it), mainland mobile numbers and e-mail addresses in
//! titles, headers and bodies — unless the header lists them under
//! `allow_contact:` — and GPS positions in published images.

use std::sync::LazyLock;

use regex::Regex;

use crate::check::Finding;
use crate::diagnostics::Positions;
use crate::load::theme::Bytes;
use crate::model::SourceDoc;
use crate::resolve::Resolved;

static ID: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[1-9][0-9]{16}[0-9Xx]").unwrap());
static MOBILE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"1[3-9][0-9](?:[- ]?[0-9]{4}){2}").unwrap());
static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}").unwrap()
});

/// GB 11643 check digit and a plausible birth date.
pub fn is_resident_id(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 18 || !b[..17].iter().all(u8::is_ascii_digit) {
        return false;
    }
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = b[..17]
        .iter()
        .zip(W)
        .map(|(d, w)| (d - b'0') as u32 * w)
        .sum();
    let check = b"10X98765432"[(sum % 11) as usize];
    let year: u32 = s[6..10].parse().unwrap_or(0);
    let month: u32 = s[10..12].parse().unwrap_or(0);
    let day: u32 = s[12..14].parse().unwrap_or(0);
    b[17].to_ascii_uppercase() == check
        && (1900..=2099).contains(&year)
        && (1..=12).contains(&month)
        && (1..=31).contains(&day)
}

fn digits(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '@' || *c == '.')
        .collect::<String>()
        .to_lowercase()
}

/// A match not glued to more digits on either side.
fn standalone(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    !before.is_some_and(|c| c.is_ascii_digit()) && !after.is_some_and(|c| c.is_ascii_digit())
}

pub fn scan_text(d: &SourceDoc, positions: &Positions, out: &mut Vec<Finding>) {
    let text: &str = &d.text;
    let allowed: Vec<String> = d.header.allow_contact.iter().map(|a| digits(a)).collect();
    let ok = |m: &str| allowed.contains(&digits(m));
    let mut push = |code, start: usize, what: &str, hint: &str| {
        let (l, c) = positions.at(start);
        out.push(Finding::new(
            code,
            &d.file,
            l,
            c,
            what.to_string(),
            hint.to_string(),
        ));
    };
    let contact_hint = "删除个人联系方式；官方联系电话或邮箱请在头部 allow_contact: 中列出";
    for m in ID.find_iter(text) {
        if standalone(text, m.start(), m.end()) && is_resident_id(m.as_str()) && !ok(m.as_str()) {
            push(
                "E050",
                m.start(),
                "疑似居民身份证号码 (resident ID number)",
                "删除身份证号码：公开页面不能出现个人证件号",
            );
        }
    }
    for m in MOBILE.find_iter(text) {
        if standalone(text, m.start(), m.end()) && !ok(m.as_str()) {
            push(
                "E051",
                m.start(),
                &format!("手机号码 {} (mobile number)", m.as_str()),
                contact_hint,
            );
        }
    }
    for m in EMAIL.find_iter(text) {
        if !ok(m.as_str()) {
            push(
                "E052",
                m.start(),
                &format!("电子邮箱 {} (e-mail address)", m.as_str()),
                contact_hint,
            );
        }
    }
}

fn has_gps(bytes: &[u8]) -> bool {
    let Ok(exif) = exif::Reader::new().read_from_container(&mut std::io::Cursor::new(bytes)) else {
        return false;
    };
    let found = exif
        .fields()
        .any(|f| matches!(f.tag, exif::Tag::GPSLatitude | exif::Tag::GPSLongitude));
    found
}

const IMAGE_EXT: &[&str] = &["jpg", "jpeg", "png", "webp", "tif", "tiff", "heic", "heif"];

/// Images copied verbatim from static/ or a page bundle must not carry GPS.
pub fn scan_images(site: &Resolved, root: &std::path::Path, out: &mut Vec<Finding>) {
    let is_image = |p: &std::path::Path| {
        p.extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| IMAGE_EXT.contains(&e.to_lowercase().as_str()))
    };
    let files: Vec<std::path::PathBuf> = site
        .copies
        .iter()
        .filter_map(|c| match &c.src {
            Bytes::Disk(p) => Some(p.clone()),
            Bytes::Embedded(_) => None,
        })
        .filter(|p| is_image(p))
        .collect();
    for p in files {
        if std::fs::read(&p).is_ok_and(|b| has_gps(&b)) {
            let rel = p
                .strip_prefix(root)
                .unwrap_or(&p)
                .to_string_lossy()
                .replace('\\', "/");
            out.push(Finding::new(
                "E053",
                &rel,
                0,
                0,
                "图片带有 GPS 位置信息 (GPS tags in image)",
                "用图片工具去掉 EXIF/GPS 信息后再放入站点（例如 exiftool -gps:all= 文件名）",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resident_id_check_digit() {
        assert!(is_resident_id("11010519491231002X"));
        assert!(!is_resident_id("110105194912310021"), "wrong check digit");
        assert!(!is_resident_id("123456789012345678"), "order number");
    }
}
