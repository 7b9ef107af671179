//! Metadata out of image files that are published as they are (originals
//! in bundles and static/): EXIF (GPS, camera, time), XMP and IPTC go,
//! pixels and colour stay. Byte-level, so nothing is re-encoded.
//!
//! JPEG: APP1 (EXIF, XMP), APP13 (IPTC/Photoshop) and COM segments are
//! dropped; APP0 (JFIF), APP2 (ICC profile) and APP14 (Adobe colour
//! transform) are kept. PNG: eXIf, tEXt, zTXt, iTXt and tIME chunks are
//! dropped. WebP: EXIF and XMP chunks are dropped and the VP8X flags say so.
//! Anything that does not parse is refused, never passed through.

/// Is this file name one the image stage handles (decodes, resizes)?
pub fn is_raster(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".jpg", ".jpeg", ".png", ".webp"]
        .iter()
        .any(|e| lower.ends_with(e))
}

/// `bytes` without metadata, or why the file is not a well-formed image.
pub fn strip(bytes: &[u8]) -> Result<Vec<u8>, String> {
    if bytes.starts_with(&[0xFF, 0xD8]) {
        jpeg(bytes)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        png(bytes)
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        webp(bytes)
    } else {
        Err("不是 JPEG、PNG 或 WebP 图片 (not a JPEG, PNG or WebP file)".into())
    }
}

fn truncated() -> String {
    "文件不完整 (truncated or corrupt image)".into()
}

fn jpeg(b: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(b.len());
    out.extend_from_slice(&b[..2]);
    let mut i = 2;
    loop {
        // Fill bytes (0xFF runs) may stand before a marker.
        while i < b.len() && b[i] == 0xFF && b.get(i + 1) == Some(&0xFF) {
            i += 1;
        }
        if i + 1 >= b.len() || b[i] != 0xFF {
            return Err(truncated());
        }
        let marker = b[i + 1];
        match marker {
            // Start of scan: the rest is entropy-coded data and later
            // markers (progressive scans, EOI); metadata never follows.
            0xDA => {
                out.extend_from_slice(&b[i..]);
                return Ok(out);
            }
            0xD9 => {
                out.extend_from_slice(&b[i..i + 2]);
                return Ok(out);
            }
            // Markers without a length.
            0x01 | 0xD0..=0xD7 => {
                out.extend_from_slice(&b[i..i + 2]);
                i += 2;
            }
            _ => {
                let len = b
                    .get(i + 2..i + 4)
                    .map(|l| u16::from_be_bytes([l[0], l[1]]) as usize)
                    .ok_or_else(truncated)?;
                let end = i + 2 + len;
                if len < 2 || end > b.len() {
                    return Err(truncated());
                }
                let drop = matches!(marker, 0xE1 | 0xED | 0xFE)
                    || (0xE3..=0xEC).contains(&marker)
                    || marker == 0xEF;
                if !drop {
                    out.extend_from_slice(&b[i..end]);
                }
                i = end;
            }
        }
    }
}

/// Does a JPEG's image data reach its end marker? Decoders fill a cut-off
/// photo with grey without a word; data after the marker (a motion
/// photo's video) is allowed.
pub fn jpeg_complete(b: &[u8]) -> bool {
    let mut i = 2;
    while i + 3 < b.len() && b[i] == 0xFF {
        let marker = b[i + 1];
        if marker == 0xFF {
            i += 1;
            continue;
        }
        if marker == 0xDA {
            return b[i..].windows(2).any(|w| w == [0xFF, 0xD9]);
        }
        if matches!(marker, 0x01 | 0xD0..=0xD7) {
            i += 2;
            continue;
        }
        let len = u16::from_be_bytes([b[i + 2], b[i + 3]]) as usize;
        i += 2 + len;
    }
    false
}

fn png(b: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(b.len());
    out.extend_from_slice(&b[..8]);
    let mut i = 8;
    while i < b.len() {
        let head = b.get(i..i + 8).ok_or_else(truncated)?;
        let len = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as usize;
        let kind = &head[4..8];
        let end = i
            .checked_add(12)
            .and_then(|x| x.checked_add(len))
            .filter(|&e| e <= b.len())
            .ok_or_else(truncated)?;
        if !matches!(kind, b"eXIf" | b"tEXt" | b"zTXt" | b"iTXt" | b"tIME") {
            out.extend_from_slice(&b[i..end]);
        }
        i = end;
        if kind == b"IEND" {
            return Ok(out);
        }
    }
    Err(truncated())
}

fn webp(b: &[u8]) -> Result<Vec<u8>, String> {
    let declared = u32::from_le_bytes([b[4], b[5], b[6], b[7]]) as usize;
    let body_end = 8usize
        .checked_add(declared)
        .filter(|&e| e <= b.len())
        .ok_or_else(truncated)?;
    let mut out = Vec::with_capacity(b.len());
    out.extend_from_slice(b"RIFF\0\0\0\0WEBP");
    let mut i = 12;
    while i < body_end {
        let head = b.get(i..i + 8).ok_or_else(truncated)?;
        let len = u32::from_le_bytes([head[4], head[5], head[6], head[7]]) as usize;
        let end = (i + 8)
            .checked_add(len + (len & 1))
            .filter(|&e| e <= body_end)
            .ok_or_else(truncated)?;
        match &head[..4] {
            b"EXIF" | b"XMP " => {}
            b"VP8X" => {
                let at = out.len();
                out.extend_from_slice(&b[i..end]);
                // Flags: bit 3 EXIF, bit 2 XMP — no longer present.
                if let Some(f) = out.get_mut(at + 8) {
                    *f &= !0b0000_1100;
                }
            }
            _ => out.extend_from_slice(&b[i..end]),
        }
        i = end;
    }
    let size = (out.len() - 8) as u32;
    out[4..8].copy_from_slice(&size.to_le_bytes());
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jpeg_loses_exif_and_comments_keeps_jfif_and_pixels() {
        let mut j = vec![0xFF, 0xD8];
        j.extend([0xFF, 0xE0, 0, 6, b'J', b'F', b'I', b'F']);
        j.extend([0xFF, 0xE1, 0, 10, b'E', b'x', b'i', b'f', 0, 0, b'G', b'P']);
        j.extend([0xFF, 0xFE, 0, 4, b'h', b'i']);
        j.extend([0xFF, 0xDA, 0, 2, 1, 2, 3, 0xFF, 0xD9]);
        let s = strip(&j).unwrap();
        assert!(!s.windows(4).any(|w| w == b"Exif"));
        assert!(s.windows(4).any(|w| w == b"JFIF"));
        assert!(s.ends_with(&[0xFF, 0xDA, 0, 2, 1, 2, 3, 0xFF, 0xD9]));
    }

    #[test]
    fn a_truncated_jpeg_is_refused_not_passed_through() {
        let j = [0xFF, 0xD8, 0xFF, 0xE1, 0x40, 0x00, b'E'];
        assert!(strip(&j).is_err());
        assert!(strip(b"GIF89a").is_err());
    }
}
