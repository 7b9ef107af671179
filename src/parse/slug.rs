//! Slugs for URLs and heading ids. Chinese stays Chinese (UTF-8 path
//! segments, as Hugo does); pinyin only when site.yaml opts in, because
//! per-character pinyin misreads many words (重庆 → zhong-qing).

/// Letters and digits of any script are kept, ASCII lower-cased; spaces,
/// `_` and `-` become one `-`; other punctuation is dropped.
pub fn slugify(s: &str, pinyin: bool) -> String {
    let mut out = String::with_capacity(s.len());
    let mut dash = false;
    for c in s.chars() {
        if c.is_alphanumeric() {
            if pinyin && is_han(c) {
                if let Some(p) = pinyin_of(c) {
                    if !out.is_empty() && !out.ends_with('-') {
                        out.push('-');
                    }
                    out.push_str(p);
                    dash = true;
                    continue;
                }
            }
            if dash && !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
            dash = false;
            out.extend(c.to_lowercase());
        } else if c.is_whitespace() || c == '-' || c == '_' || c == '\u{3000}' {
            dash = true;
        }
    }
    out.trim_matches('-').to_string()
}

fn is_han(c: char) -> bool {
    matches!(c as u32, 0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0xF900..=0xFAFF)
}

fn pinyin_of(c: char) -> Option<&'static str> {
    use pinyin::ToPinyin;
    c.to_pinyin().map(|p| p.plain())
}

pub use crate::model::paths::{decode_path, encode_path};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_is_kept_and_punctuation_dropped() {
        assert_eq!(
            slugify("云江小学：“红烛先锋” 品牌", false),
            "云江小学红烛先锋-品牌"
        );
        assert_eq!(slugify("Hello World_2024", false), "hello-world-2024");
        // The README's examples (how a file name becomes a URL).
        assert_eq!(slugify("Hugo_Mod", false), "hugo-mod");
        assert_eq!(slugify("2024.05 总结", false), "202405-总结");
        assert_eq!(slugify("　-（）-", false), "");
    }

    #[test]
    fn pinyin_is_opt_in() {
        assert_eq!(slugify("红烛 先锋", true), "hong-zhu-xian-feng");
    }

    #[test]
    fn encoding_keeps_slashes() {
        assert_eq!(encode_path("/tags/党建/"), "/tags/%E5%85%9A%E5%BB%BA/");
        assert_eq!(decode_path("/tags/%E5%85%9A%E5%BB%BA/"), "/tags/党建/");
    }
}
