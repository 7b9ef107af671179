//! A frozen year as a WARC 1.1 file (ISO 28500:2017), the format archive
//! bureaus and national libraries ingest: one `warcinfo` record, then a
//! `response` record per file at its live address under the site's
//! base_url (a folder's `index.html` at the folder's URL, with a `revisit`
//! record for the `index.html` URL itself, which the archive's relative
//! links name). Each record is its own gzip member (`.warc.gz`), so a
//! reader can seek to any record. Deterministic: record ids come from the
//! record's URL and type, dates from the archive's creation time.

use std::io::Write;
use std::path::Path;

use flate2::write::GzEncoder;
use sha1::{Digest, Sha1};

use crate::diagnostics::Failure;

/// What the WARC describes besides its files.
pub struct Info<'a> {
    /// The live site's base_url, ending in `/`.
    pub base_url: &'a str,
    /// The archive's creation time (RFC 3339); every record is dated so.
    pub created: &'a str,
    /// `瑞安教育党建示范展示 2023 年度存档`.
    pub title: &'a str,
    pub publisher: &'a str,
}

/// `sha1:<base32>`, as WARC digests are written.
fn digest(bytes: &[u8]) -> String {
    format!("sha1:{}", base32(&Sha1::digest(bytes)))
}

/// RFC 4648 base32, upper case, padded.
fn base32(bytes: &[u8]) -> String {
    const A: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = String::new();
    for chunk in bytes.chunks(5) {
        let mut buf = [0u8; 5];
        buf[..chunk.len()].copy_from_slice(chunk);
        let n = u64::from_be_bytes([0, 0, 0, buf[0], buf[1], buf[2], buf[3], buf[4]]);
        let chars = (chunk.len() * 8).div_ceil(5);
        for k in 0..8 {
            if k < chars {
                out.push(A[((n >> (35 - 5 * k)) & 31) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A record id made from `seed`: the same record always gets the same id.
fn record_id(seed: &str) -> String {
    let h = sha2::Sha256::digest(seed.as_bytes());
    let x = crate::archive::manifest::hex(&h[..16]);
    format!(
        "<urn:uuid:{}-{}-5{}-a{}-{}>",
        &x[0..8],
        &x[8..12],
        &x[13..16],
        &x[17..20],
        &x[20..32]
    )
}

/// Percent-encode what a URI may not hold (non-ASCII, spaces).
fn uri(base_url: &str, path: &str) -> String {
    use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
    const SET: &AsciiSet = &CONTROLS
        .add(b' ')
        .add(b'"')
        .add(b'<')
        .add(b'>')
        .add(b'`')
        .add(b'#')
        .add(b'?')
        .add(b'{')
        .add(b'}')
        .add(b'%');
    format!("{base_url}{}", utf8_percent_encode(path, SET))
}

struct Writer<W: Write> {
    out: W,
    date: String,
    info_id: String,
    records: usize,
}

impl<W: Write> Writer<W> {
    fn record(&mut self, headers: &[(&str, String)], block: &[u8]) -> std::io::Result<()> {
        let mut head = String::from("WARC/1.1\r\n");
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str(&format!("WARC-Date: {}\r\n", self.date));
        if !self.info_id.is_empty() {
            head.push_str(&format!("WARC-Warcinfo-ID: {}\r\n", self.info_id));
        }
        head.push_str(&format!("WARC-Block-Digest: {}\r\n", digest(block)));
        head.push_str(&format!("Content-Length: {}\r\n\r\n", block.len()));
        let mut gz = GzEncoder::new(&mut self.out, flate2::Compression::default());
        gz.write_all(head.as_bytes())?;
        gz.write_all(block)?;
        gz.write_all(b"\r\n\r\n")?;
        gz.finish()?;
        self.records += 1;
        Ok(())
    }
}

/// Write `files` (path relative to the site root → bytes) as a `.warc.gz`
/// at `out`, through a temporary file renamed when complete. Returns the
/// number of records.
pub fn write(out: &Path, files: &[(String, Vec<u8>)], info: &Info) -> Result<usize, Failure> {
    let tmp = out.with_file_name(format!(
        ".{}.writing",
        out.file_name().and_then(|n| n.to_str()).unwrap_or("warc")
    ));
    let result = std::fs::File::create(&tmp)
        .and_then(|f| write_to(std::io::BufWriter::new(f), files, info))
        .and_then(|n| std::fs::rename(&tmp, out).map(|()| n));
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Failure::Other(format!(
            "写入 {} 失败 (cannot write the WARC file): {e}\n  修改建议: 检查磁盘空间和文件夹权限后重试",
            out.display()
        ))
    })
}

fn write_to<W: Write>(out: W, files: &[(String, Vec<u8>)], info: &Info) -> std::io::Result<usize> {
    let date = chrono::DateTime::parse_from_rfc3339(info.created)
        .map(|d| {
            d.with_timezone(&chrono::Utc)
                .format("%Y-%m-%dT%H:%M:%SZ")
                .to_string()
        })
        .map_err(|e| std::io::Error::other(format!("archive.yaml created: {e}")))?;
    let mut w = Writer {
        out,
        date,
        info_id: String::new(),
        records: 0,
    };
    let info_id = record_id(&format!("warcinfo {} {}", info.base_url, info.created));
    let fields = format!(
        "software: exemplar {}\r\nformat: WARC File Format 1.1\r\nconformsTo: https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\nisPartOf: {}\r\npublisher: {}\r\n",
        env!("CARGO_PKG_VERSION"),
        info.title,
        info.publisher
    );
    w.record(
        &[
            ("WARC-Type", "warcinfo".into()),
            ("WARC-Record-ID", info_id.clone()),
            ("WARC-Filename", "exemplar.warc.gz".into()),
            ("Content-Type", "application/warc-fields".into()),
        ],
        fields.as_bytes(),
    )?;
    w.info_id = info_id;
    for (rel, body) in files {
        let mime = crate::model::paths::mime(rel);
        let http_head = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: {mime}\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        let folder = rel
            .strip_suffix("index.html")
            .filter(|f| f.is_empty() || f.ends_with('/'));
        let target = uri(info.base_url, folder.unwrap_or(rel));
        let id = record_id(&format!("response {target}"));
        let payload = digest(body);
        let mut block = http_head.clone().into_bytes();
        block.extend_from_slice(body);
        w.record(
            &[
                ("WARC-Type", "response".into()),
                ("WARC-Record-ID", id.clone()),
                ("WARC-Target-URI", target.clone()),
                ("WARC-Payload-Digest", payload.clone()),
                ("Content-Type", "application/http;msgtype=response".into()),
            ],
            &block,
        )?;
        if folder.is_some() {
            let file_uri = uri(info.base_url, rel);
            w.record(
                &[
                    ("WARC-Type", "revisit".into()),
                    ("WARC-Record-ID", record_id(&format!("revisit {file_uri}"))),
                    ("WARC-Target-URI", file_uri),
                    (
                        "WARC-Profile",
                        "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest".into(),
                    ),
                    ("WARC-Refers-To-Target-URI", target),
                    ("WARC-Refers-To", id),
                    ("WARC-Payload-Digest", payload),
                    ("Content-Type", "application/http;msgtype=response".into()),
                ],
                http_head.as_bytes(),
            )?;
        }
    }
    let Writer {
        mut out, records, ..
    } = w;
    out.flush()?;
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_are_base32_sha1_as_warc_tools_write_them() {
        assert_eq!(
            digest(b"hello world"),
            "sha1:FKXGYNOJJ7H3IFO35FPUBC445EPOQRXN"
        );
        assert_eq!(base32(b"f"), "MY======");
        assert_eq!(base32(b"fooba"), "MZXW6YTB");
    }

    #[test]
    fn record_ids_are_stable_uuids() {
        let a = record_id("response https://x/");
        assert_eq!(a, record_id("response https://x/"));
        assert_ne!(a, record_id("response https://y/"));
        assert_eq!(a.len(), "<urn:uuid:>".len() + 36);
    }
}
