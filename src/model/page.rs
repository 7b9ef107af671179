use chrono::{DateTime, FixedOffset};
use serde::Serialize;

/// The content kinds of the plan; `page` is a plain page (about, contact).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Brand,
    Deed,
    Clean,
    Studio,
    Branch,
    Service,
    Page,
}

impl Kind {
    pub const ALL: &'static [Kind] = &[
        Kind::Brand,
        Kind::Deed,
        Kind::Clean,
        Kind::Studio,
        Kind::Branch,
        Kind::Service,
        Kind::Page,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Brand => "brand",
            Kind::Deed => "deed",
            Kind::Clean => "clean",
            Kind::Studio => "studio",
            Kind::Branch => "branch",
            Kind::Service => "service",
            Kind::Page => "page",
        }
    }

    /// A kind by its name (`brand`), its Chinese label (`品牌案例`) or the
    /// label's short form a contributor types (`品牌`, `事迹`, `清廉`).
    pub fn parse(s: &str) -> Option<Kind> {
        let s = s.trim();
        Kind::ALL
            .iter()
            .copied()
            .find(|k| k.name() == s || k.label() == s || k.short_labels().contains(&s))
    }

    fn short_labels(self) -> &'static [&'static str] {
        match self {
            Kind::Brand => &["品牌", "党建品牌"],
            Kind::Deed => &["事迹", "典型事迹", "先进典型"],
            Kind::Clean => &["清廉", "清廉文化"],
            Kind::Studio => &["工作室", "名师工作室"],
            Kind::Branch => &["支部"],
            Kind::Service => &["进社区"],
            Kind::Page => &[],
        }
    }

    /// Chinese label used in the UI and messages.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Brand => "品牌案例",
            Kind::Deed => "先进事迹",
            Kind::Clean => "清廉学校",
            Kind::Studio => "党员工作室",
            Kind::Branch => "支部建设",
            Kind::Service => "党员进社区",
            Kind::Page => "页面",
        }
    }

    /// The section folder whose pages default to this kind.
    pub fn section(self) -> &'static str {
        match self {
            Kind::Brand => "brands",
            Kind::Deed => "deeds",
            Kind::Clean => "clean",
            Kind::Studio => "studios",
            Kind::Branch => "branches",
            Kind::Service => "service",
            Kind::Page => "",
        }
    }

    pub fn from_section(section: &str) -> Kind {
        let top = section.split('/').next().unwrap_or("");
        Kind::ALL
            .iter()
            .copied()
            .find(|k| k.section() == top && !top.is_empty())
            .unwrap_or(Kind::Page)
    }

    /// Header keys only this kind may use.
    pub fn own_keys(self) -> &'static [&'static str] {
        match self {
            Kind::Brand => &["brand", "slogan"],
            Kind::Deed => &["subject", "category"],
            Kind::Clean => &["tier"],
            _ => &[],
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Draft,
    Review,
    Published,
}

impl Status {
    /// A status by its name or its Chinese name (草稿, 待审核, 已发布).
    pub fn parse(s: &str) -> Option<Status> {
        match s.trim() {
            "draft" | "草稿" => Some(Status::Draft),
            "review" | "待审核" | "待审" | "审核中" => Some(Status::Review),
            "published" | "已发布" | "发布" => Some(Status::Published),
            _ => None,
        }
    }
}

/// Clean-school tiers, highest first.
pub const TIERS: &[&str] = &["引领型", "规范型", "提升型"];

/// Keys every page header may carry.
pub const COMMON_KEYS: &[&str] = &[
    "title",
    "kind",
    "date",
    "year",
    "summary",
    "description",
    "tags",
    "measures",
    "school",
    "district",
    "cover",
    "cover_alt",
    "cover_focus",
    "gallery",
    "video",
    "attachments",
    "author",
    "source",
    "editor",
    "status",
    "draft",
    "reviewed_by",
    "review_date",
    "slug",
    "aliases",
    "weight",
    "template",
    "extra",
    "allow_contact",
];

/// Keys of a section's `_index.md`.
pub const SECTION_KEYS: &[&str] = &[
    "title",
    "description",
    "kind",
    "paginate_by",
    "sort_by",
    "weight",
    "template",
    "extra",
    "draft",
];

/// A page header after validation.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Header {
    pub title: String,
    pub kind: Option<Kind>,
    pub date: Option<DateTime<FixedOffset>>,
    pub year: Option<i32>,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub tags: Vec<String>,
    pub measures: Vec<u32>,
    pub school: Option<String>,
    pub district: Option<String>,
    pub cover: Option<String>,
    pub cover_alt: Option<String>,
    pub cover_focus: Focus,
    /// Activity photos: (file, caption), as written.
    pub gallery: Vec<(String, String)>,
    /// A local video file (.mp4, .webm).
    pub video: Option<String>,
    /// Files to download: (file, title), as written.
    pub attachments: Vec<(String, String)>,
    pub author: Option<String>,
    pub source: Option<String>,
    pub editor: Option<String>,
    pub status: Option<Status>,
    pub reviewed_by: Option<String>,
    pub review_date: Option<String>,
    pub slug: Option<String>,
    pub aliases: Vec<String>,
    pub weight: Option<i64>,
    pub template: Option<String>,
    pub extra: serde_json::Value,
    pub brand: Option<String>,
    pub slogan: Option<String>,
    pub subject: Option<String>,
    pub category: Option<String>,
    pub tier: Option<String>,
    /// Official contact numbers and addresses the page may publish.
    pub allow_contact: Vec<String>,
    /// Section headers only.
    pub paginate_by: Option<usize>,
    pub sort_by: Option<String>,
    /// File line of each top-level key and (column, length) of its value,
    /// for diagnostics of later stages.
    pub key_lines: Vec<(String, usize, (usize, usize))>,
}

impl Header {
    pub fn line_of(&self, key: &str) -> usize {
        self.value_of(key).0
    }

    /// (line, column, length) of the value of `key`.
    pub fn value_of(&self, key: &str) -> (usize, usize, usize) {
        self.key_lines
            .iter()
            .find(|(k, ..)| k == key)
            .map(|(_, l, (c, n))| (*l, *c, *n))
            .unwrap_or((1, 1, 1))
    }
}

/// One Markdown file after its header was parsed.
#[derive(Debug, Clone)]
pub struct SourceDoc {
    /// Relative to the site root: `content/brands/x.md`.
    pub file: String,
    /// Relative to content/: `brands/x.md`.
    pub rel: String,
    /// The whole file; shared, so caches can hold documents cheaply.
    pub text: std::sync::Arc<str>,
    pub header: Header,
    /// Byte offset and 1-based line where the Markdown body starts.
    pub body_start: usize,
    pub body_line: usize,
    pub is_section: bool,
    /// `text` holds the header only (`keep_header`): the body stage reads
    /// the file again for the body.
    pub header_only: bool,
    /// With `header_only`: a hash of the whole file as it was parsed, by
    /// which a build may find the body already rendered (its body cache).
    pub text_hash: u128,
}

impl SourceDoc {
    pub fn body(&self) -> &str {
        &self.text[self.body_start.min(self.text.len())..]
    }

    /// Keep only the header's text, for a build: the body stage reads the
    /// file again (`resolve::bodies::Sources::Reread`), so a 100,000-page
    /// build never holds half a gigabyte of Markdown at once. Diagnostics
    /// of later stages about the header still show its lines.
    pub fn keep_header(&mut self) {
        let end = self.body_start.min(self.text.len());
        self.text_hash = xxhash_rust::xxh3::xxh3_128(self.text.as_bytes());
        self.text = self.text[..end].into();
        self.header_only = true;
    }

    /// Drop the source text and the header's key positions: for a build,
    /// once the body is rendered nothing reads them again (a 100,000-page
    /// site holds half a gigabyte of Markdown). `body()` is empty and
    /// header positions are line 1 afterwards.
    pub fn release_source(&mut self) {
        self.text = "".into();
        self.body_start = 0;
        self.header.key_lines = Vec::new();
    }
}

/// A heading in a page's table of contents.
#[derive(Debug, Clone, Serialize, serde::Deserialize, Hash, PartialEq)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
}

/// A page body's HTML packed with LZ4 while a build waits to write it:
/// HTML shrinks to about a third, and a 100,000-page build holds every
/// body between the body stage and its page's write. LZ4 because it costs
/// little: about a millisecond per megabyte each way.
#[derive(Debug, Default, Clone)]
pub struct Packed(pub(crate) std::sync::Arc<[u8]>);

impl Packed {
    pub fn new(html: &str) -> Packed {
        Packed(lz4_flex::compress_prepend_size(html.as_bytes()).into())
    }

    /// The HTML again. Only bytes made by `new` are ever unpacked, so a
    /// failure is a bug: it shows as replacement characters, not a panic.
    pub fn unpack(&self) -> std::sync::Arc<str> {
        match lz4_flex::decompress_size_prepended(&self.0) {
            // simdutf8: every body is unpacked twice a build (render and
            // search), and std's check was a twentieth of a cold build.
            Ok(bytes) => match simdutf8::basic::from_utf8(&bytes) {
                Ok(s) => s.into(),
                Err(_) => String::from_utf8_lossy(&bytes).into(),
            },
            Err(e) => format!("\u{fffd} (body lost in memory: {e})").into(),
        }
    }
}

/// File endings shown as attachments (附件), with their labels.
pub const ATTACHMENT_TYPES: &[(&str, &str)] = &[
    ("pdf", "PDF"),
    ("doc", "Word"),
    ("docx", "Word"),
    ("wps", "WPS 文字"),
    ("xls", "Excel"),
    ("xlsx", "Excel"),
    ("et", "WPS 表格"),
    ("ppt", "PowerPoint"),
    ("pptx", "PowerPoint"),
    ("zip", "ZIP"),
    ("rar", "RAR"),
    ("7z", "7z"),
];

/// The label of an attachment's type, when `path` is one.
pub fn attachment_type(path: &str) -> Option<&'static str> {
    let ext = path.rsplit_once('.')?.1.to_ascii_lowercase();
    ATTACHMENT_TYPES
        .iter()
        .find(|(e, _)| *e == ext)
        .map(|(_, label)| *label)
}

/// Where `cover_focus` puts a thumbnail's 4:3 crop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Focus {
    #[default]
    Center,
    Top,
    Bottom,
    Left,
    Right,
}

impl Focus {
    pub const NAMES: &'static str = "center、top、bottom、left、right（或 中、上、下、左、右）";

    pub fn parse(s: &str) -> Option<Focus> {
        Some(match s.trim() {
            "center" | "centre" | "中" | "居中" => Focus::Center,
            "top" | "上" => Focus::Top,
            "bottom" | "下" => Focus::Bottom,
            "left" | "左" => Focus::Left,
            "right" | "右" => Focus::Right,
            _ => return None,
        })
    }
}

/// A processed image: its size after the EXIF orientation and the files
/// made from it (site paths, unencoded), smallest first.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Picture {
    /// Content hash of the source (the cache key).
    #[serde(skip)]
    pub source_hash: String,
    pub width: u32,
    pub height: u32,
    /// MIME type of the fallback files (`image/jpeg` or `image/png`).
    pub fallback_type: String,
    pub variants: Vec<Variant>,
    /// 4:3 crops for cards (covers only).
    pub thumbs: Vec<Variant>,
}

impl Picture {
    /// The widest version no wider than `width` (else the narrowest).
    pub fn up_to(&self, width: u32) -> Option<&Variant> {
        self.variants
            .iter()
            .rev()
            .find(|v| v.width <= width)
            .or(self.variants.first())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Variant {
    pub width: u32,
    pub height: u32,
    pub webp: String,
    pub fallback: String,
}
