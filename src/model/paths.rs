//! Output paths. Everything exemplar writes is named by a path relative to
//! the output folder; content decides many of them (slugs, aliases, bundle
//! and static file names), so each is checked where it is made and again
//! where it is written (`write`). A path passes only if it is a plain
//! relative path that cannot leave the output folder.

/// Written into every output folder exemplar makes, so a later build
/// knows the folder is its own to replace. No output may use this name.
pub const MARKER: &str = ".exemplar-output";

/// Longest file or folder name most file systems accept, in bytes.
const MAX_NAME: usize = 255;

/// Why `rel` is not a plain path inside the output folder, if it is not:
/// non-empty `/`-separated names, none empty, `.` or `..`, no backslash,
/// NUL or control character, no drive letter, not the marker file.
pub fn check_out_path(rel: &str) -> Result<(), String> {
    if rel.is_empty() {
        return Err("路径是空的 (empty path)".into());
    }
    if rel.starts_with('/') {
        return Err("路径必须是相对路径 (absolute path)".into());
    }
    for (i, seg) in rel.split('/').enumerate() {
        match seg {
            "" => return Err("路径里有空的一段 `//` 或以 / 结尾 (empty segment)".into()),
            "." | ".." => {
                return Err(format!("路径里有 `{seg}`，会跑出输出目录 (dot segment)"));
            }
            _ => {}
        }
        if let Some(c) = seg.chars().find(|c| *c == '\\' || c.is_control()) {
            return Err(format!(
                "路径里有不允许的字符 {:?} (backslash or control character)",
                c
            ));
        }
        if i == 0 && seg.len() == 2 && seg.ends_with(':') {
            return Err(format!("路径以盘符 `{seg}` 开头 (drive letter)"));
        }
        if seg.len() > MAX_NAME {
            return Err(format!(
                "路径中的一段长达 {} 字节，超过 {MAX_NAME} (name too long)",
                seg.len()
            ));
        }
    }
    if rel == MARKER {
        return Err(format!(
            "`{MARKER}` 是 exemplar 保留的文件名 (reserved name)"
        ));
    }
    Ok(())
}

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};

/// Characters that must be percent-encoded in a URL path (non-ASCII is
/// always encoded by `utf8_percent_encode`).
const PATH: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'%')
    .add(b'\'');

/// Percent-encode a URL path, keeping `/`.
pub fn encode_path(path: &str) -> String {
    utf8_percent_encode(path, PATH).to_string()
}

/// Decode a percent-encoded path (links written by hand may be encoded).
pub fn decode_path(path: &str) -> String {
    percent_encoding::percent_decode_str(path)
        .decode_utf8_lossy()
        .into_owned()
}

/// The media type a file is served with, by its extension.
pub fn mime(path: &str) -> &'static str {
    let ext = path.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json; charset=utf-8",
        "xml" if path.ends_with("atom.xml") => "application/atom+xml; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff2" => "font/woff2",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "vtt" => "text/vtt; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_relative_paths_pass() {
        for ok in [
            "index.html",
            "brands/云江/index.html",
            "css/site.css",
            "a b/c",
        ] {
            assert!(check_out_path(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "a/../../x",
            "a/./b",
            "a//b",
            "a/",
            "a\\..\\b",
            "a\u{0}b",
            "a\nb",
            "C:/x",
            MARKER,
        ] {
            assert!(check_out_path(bad).is_err(), "{bad:?}");
        }
        assert!(check_out_path(&"长".repeat(100)).is_err());
    }
}
