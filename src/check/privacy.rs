//! Personal data in everything that gets published — page headers and
//! bodies, data/*.yaml (school intros) and site.yaml (the footer):
//! resident ID numbers (18 digits with a valid check digit, and the old 15
//! digits; an 18-digit number with a real region and birth date but a wrong
//! check digit is a warning, since a mistyped ID still leaks a birth date),
//! mainland mobile numbers and e-mail addresses, in the forms people type:
//! full-width digits and `＠`, spaces, dashes or dots inside numbers,
//! `+86`/`0086` prefixes, Chinese domain names. Numbers and addresses a page
//! lists under `allow_contact:` (site.yaml `check.allow_contact` for data
//! and the footer) are official and pass. Also GPS positions in images.

use std::sync::LazyLock;

use regex::Regex;

use crate::check::{Finding, Findings};
use crate::diagnostics::Positions;
use crate::load::theme::Bytes;

/// Inside a number people put spaces, dashes or dots (after full-width
/// forms are folded to ASCII).
const SEP: &str = r"[ .\-]?";

static ID18: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"[1-9](?:{SEP}[0-9]){{16}}{SEP}[0-9Xx]")).expect("regex")
});
static ID15: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"[1-9](?:{SEP}[0-9]){{14}}")).expect("regex"));
static MOBILE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?:(?:\+|00) ?86[ \-]?|\(\+?86\) ?)?1{SEP}[3-9](?:{SEP}[0-9]){{9}}"
    ))
    .expect("regex")
});
static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"[A-Za-z0-9._%+\-\p{Han}]+ ?(?:@|\(at\)|\[at\]) ?[A-Za-z0-9\-\p{Han}]+(?:\.[A-Za-z0-9\-\p{Han}]+)*\.(?:[A-Za-z]{2,}|\p{Han}{2,})",
    )
    .expect("regex")
});

/// Province-level region codes (first two digits of an ID number).
fn region_ok(two: &str) -> bool {
    matches!(
        two.parse::<u32>().unwrap_or(0),
        11..=15 | 21..=23 | 31..=37 | 41..=46 | 50..=54 | 61..=65 | 71 | 81..=83
    )
}

fn birth_ok(yyyymmdd: &str) -> bool {
    let (Ok(y), Ok(m), Ok(d)) = (
        yyyymmdd[..4].parse::<i32>(),
        yyyymmdd[4..6].parse::<u32>(),
        yyyymmdd[6..8].parse::<u32>(),
    ) else {
        return false;
    };
    let this_year = chrono::Datelike::year(&chrono::Local::now());
    (1900..=this_year).contains(&y) && chrono::NaiveDate::from_ymd_opt(y, m, d).is_some()
}

/// What an 18- or 15-digit number (separators removed) is.
#[derive(Debug, PartialEq, Eq)]
pub enum IdForm {
    /// A resident ID number.
    Valid,
    /// Real region and birth date, wrong check digit: a mistyped ID.
    BadCheckDigit,
    NotAnId,
}

/// GB 11643: region, birth date and (for 18 digits) the check digit.
pub fn id_form(s: &str) -> IdForm {
    let b = s.as_bytes();
    match b.len() {
        18 if b[..17].iter().all(u8::is_ascii_digit) => {
            if !region_ok(&s[..2]) || !birth_ok(&s[6..14]) {
                return IdForm::NotAnId;
            }
            const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
            let sum: u32 = b[..17]
                .iter()
                .zip(W)
                .map(|(d, w)| (d - b'0') as u32 * w)
                .sum();
            if b[17].to_ascii_uppercase() == b"10X98765432"[(sum % 11) as usize] {
                IdForm::Valid
            } else {
                IdForm::BadCheckDigit
            }
        }
        15 if b.iter().all(u8::is_ascii_digit) => {
            if region_ok(&s[..2]) && birth_ok(&format!("19{}", &s[6..12])) {
                IdForm::Valid
            } else {
                IdForm::NotAnId
            }
        }
        _ => IdForm::NotAnId,
    }
}

pub fn is_resident_id(s: &str) -> bool {
    id_form(s) == IdForm::Valid
}

/// Text with full-width forms folded to ASCII, and for each byte of it
/// the byte offset in the original (so findings point at what was typed).
struct Folded {
    text: String,
    orig: Vec<u32>,
}

fn fold(text: &str) -> Folded {
    let mut out = String::with_capacity(text.len());
    let mut orig = Vec::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        let f = match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            c => c,
        };
        let start = out.len();
        out.push(f);
        orig.extend(std::iter::repeat_n(i as u32, out.len() - start));
    }
    orig.push(text.len() as u32);
    Folded { text: out, orig }
}

/// The comparable form of a number or address: digits, letters, `@`, `.`.
fn key(s: &str) -> String {
    let f = fold(s).text.to_lowercase();
    let f = f.replace("(at)", "@").replace("[at]", "@");
    let f = f
        .strip_prefix("+86")
        .or(f.strip_prefix("0086"))
        .unwrap_or(&f);
    f.chars()
        .filter(|c| c.is_alphanumeric() || *c == '@' || *c == '.')
        .collect()
}

/// A match not glued to more digits or letters on either side.
fn standalone(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    !before.is_some_and(|c| c.is_ascii_alphanumeric())
        && !after.is_some_and(|c| c.is_ascii_alphanumeric())
}

/// Scan one published text (`file` relative to the site root).
pub fn scan(file: &str, text: &str, allowed: &[String], positions: &Positions, out: &mut Findings) {
    let folded = fold(text);
    let t = folded.text.as_str();
    let allowed: Vec<String> = allowed.iter().map(|a| key(a)).collect();
    let ok = |m: &str| {
        let k = key(m);
        allowed
            .iter()
            .any(|a| *a == k || (a.len() >= 11 && k.ends_with(a.as_str())))
    };
    let mut push = |code, start: usize, what: String, hint: &str| {
        let (l, c) = positions.at(folded.orig[start] as usize);
        out.push(Finding::new(code, file, l, c, what, hint));
    };
    let contact_hint = "删除个人联系方式；官方联系电话或邮箱请在页面头部 allow_contact: 中列出（data/ 与 site.yaml 用 site.yaml 的 check.allow_contact）";
    let mut taken: Vec<(usize, usize)> = Vec::new();
    for re in [&*ID18, &*ID15] {
        for m in re.find_iter(t) {
            if !standalone(t, m.start(), m.end())
                || taken.iter().any(|&(a, b)| m.start() < b && a < m.end())
            {
                continue;
            }
            let plain: String = m
                .as_str()
                .chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .collect();
            if ok(m.as_str()) {
                continue;
            }
            match id_form(&plain) {
                IdForm::Valid => push(
                    "E050",
                    m.start(),
                    "疑似居民身份证号码 (resident ID number)".into(),
                    "删除身份证号码：公开页面不能出现个人证件号",
                ),
                IdForm::BadCheckDigit => push(
                    "W054",
                    m.start(),
                    "像是写错了一位的身份证号码，仍会泄露出生日期 (ID-like number with a wrong check digit)".into(),
                    "若是身份证号，删除它；若是其他编号，可忽略这条警告",
                ),
                IdForm::NotAnId => continue,
            }
            taken.push((m.start(), m.end()));
        }
    }
    for m in MOBILE.find_iter(t) {
        let overlaps = taken.iter().any(|&(a, b)| m.start() < b && a < m.end());
        if standalone(t, m.start(), m.end()) && !overlaps && !ok(m.as_str()) {
            push(
                "E051",
                m.start(),
                format!("手机号码 {} (mobile number)", m.as_str().trim()),
                contact_hint,
            );
        }
    }
    for m in EMAIL.find_iter(t) {
        if !ok(m.as_str()) {
            push(
                "E052",
                m.start(),
                format!("电子邮箱 {} (e-mail address)", m.as_str()),
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
/// Originals over this size are a warning: the site publishes them too.
const MAX_ORIGINAL: u64 = 20_000_000;

pub fn scan_images(
    copies: &[crate::resolve::plan::Copy],
    root: &std::path::Path,
    out: &mut Vec<Finding>,
) {
    let is_image = |p: &std::path::Path| {
        p.extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| IMAGE_EXT.contains(&e.to_lowercase().as_str()))
    };
    let files: Vec<std::path::PathBuf> = copies
        .iter()
        // The site's own files, not what the image stage made of them
        // (nor the frozen archives, checked when they were made).
        .filter(|c| !c.processed && !c.frozen)
        .filter_map(|c| match &c.src {
            Bytes::Disk(p) => Some(p.clone()),
            Bytes::Embedded(_) => None,
        })
        .filter(|p| is_image(p))
        .collect();
    for p in files {
        let rel = p
            .strip_prefix(root)
            .unwrap_or(&p)
            .to_string_lossy()
            .replace('\\', "/");
        let size = std::fs::metadata(&p).map(|m| m.len()).unwrap_or(0);
        if size > MAX_ORIGINAL {
            out.push(Finding::new(
                "W055",
                &rel,
                0,
                0,
                format!(
                    "原图 {:.1} MB，超过 {} MB (original image over the size limit)",
                    size as f64 / 1e6,
                    MAX_ORIGINAL / 1_000_000
                ),
                "网页只用缩小后的版本，但原图也会随站点发布和归档：先缩小到 4000 像素宽以内、几 MB 以内",
            ));
        }
        if std::fs::read(&p).is_ok_and(|b| has_gps(&b)) {
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
    fn resident_id_forms() {
        assert!(is_resident_id("11010519491231002X"));
        assert_eq!(id_form("110105194912310021"), IdForm::BadCheckDigit);
        assert_eq!(
            id_form("123456789012345678"),
            IdForm::NotAnId,
            "order number"
        );
        assert_eq!(id_form("110105491231002"), IdForm::Valid, "15 digits");
        assert_eq!(id_form("110105491331002"), IdForm::NotAnId, "month 13");
    }

    #[test]
    fn folding_keeps_original_offsets() {
        let f = fold("号码：１３８");
        assert_eq!(f.text, "号码:138");
        let at = f.text.find('1').unwrap();
        assert_eq!(&"号码：１３８"[f.orig[at] as usize..], "１３８");
    }
}
