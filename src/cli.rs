//! Command-line interface (clap). Usage errors exit 2, content errors 1.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::model::Kind;

#[derive(Parser, Debug)]
#[command(
    name = "exemplar",
    version,
    about = "教育党建示范展示站点生成器 — a static-site generator for school Party-building publicity"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Build the site into public/ (构建站点)
    Build {
        /// Include pages with status draft or review
        #[arg(long)]
        drafts: bool,
        /// Override site.yaml base_url, e.g. https://example.gov.cn/jyj/ddjs/
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// Output folder (default: public/ in the site root)
        #[arg(short, long, value_name = "DIR")]
        output: Option<PathBuf>,
        /// Replace an output folder that is not empty and was not made by exemplar
        #[arg(long)]
        force: bool,
        /// No progress display (it shows only on a terminal, after about a second)
        #[arg(long, short)]
        quiet: bool,
        /// Site root (default: the current folder)
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
    },
    /// Preview the site while editing: build in memory, serve, live reload (预览)
    Serve {
        /// First port to try; the next free one is used when it is taken
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Address to listen on; anything but loopback makes the preview public
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Hide draft and review pages
        #[arg(long)]
        no_drafts: bool,
        /// No progress display for the first build
        #[arg(long, short)]
        quiet: bool,
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
    },
    /// The publishing gate: every build validation plus content checks (发布前检查)
    Check {
        /// Fail on warnings too
        #[arg(long)]
        strict: bool,
        /// Also check links to other sites over the network (cached)
        #[arg(long)]
        external: bool,
        /// Seconds to wait for each outside link with --external
        #[arg(long, default_value_t = 10, value_name = "SECS")]
        timeout: u64,
        /// text (grouped by file) or json (one object per line)
        #[arg(long, value_enum, default_value = "text")]
        format: FormatArg,
        /// No progress display (it shows only on a terminal, after about a second)
        #[arg(long, short)]
        quiet: bool,
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
    },
    /// The bureau's work report: gaps and to-dos, never published (工作报告)
    Report {
        /// The year (default: the last year with a clean-school rating)
        #[arg(long)]
        year: Option<i32>,
        /// html (printable), csv (Excel/WPS, UTF-8 with BOM) or json
        #[arg(long, value_enum, default_value = "html")]
        format: ReportFormatArg,
        /// Write to FILE instead of standard output (never inside public/, static/, content/)
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        #[arg(long, short)]
        quiet: bool,
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
    },
    /// Write a new page with a complete header (新建页面)
    New {
        /// brand | deed | clean | studio | branch | service | page
        #[arg(value_parser = parse_kind)]
        kind: Kind,
        /// The page title (标题)
        title: String,
        /// School id or name from data/schools.yaml
        #[arg(long)]
        school: Option<String>,
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
    },
    /// Bring in Word submissions or a Hexo/Hugo/Zola/Jekyll site (导入)
    Import {
        #[command(subcommand)]
        from: ImportFrom,
    },
    /// Create a new site in DIR with the default theme (新建站点)
    Init { dir: PathBuf },
    /// Freeze a year's exemplars into archive/<year>/, or verify archives (年度存档)
    #[command(args_conflicts_with_subcommands = true)]
    Archive {
        #[command(subcommand)]
        action: Option<ArchiveAction>,
        /// The year to freeze, e.g. 2025
        year: Option<i32>,
        /// Replace an existing archive of the year (the old one is kept beside it)
        #[arg(long)]
        replace: bool,
        /// Creation time to record, e.g. 2025-12-31 (default: now)
        #[arg(long, value_name = "DATE")]
        date: Option<String>,
        #[arg(long, short)]
        quiet: bool,
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
    },
    /// Write a deterministic zip of the site or of a frozen year for the portal (打包)
    Package {
        /// Pack the frozen archive of this year instead of the site
        #[arg(long)]
        year: Option<i32>,
        /// The zip file to write
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
        /// Also write the frozen year as a WARC 1.1 file beside the zip (<name>.warc.gz)
        #[arg(long, requires = "year")]
        warc: bool,
        #[arg(long, short)]
        quiet: bool,
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
    },
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum ReportFormatArg {
    Html,
    Csv,
    Json,
}

#[derive(Subcommand, Debug)]
pub enum ImportFrom {
    /// Word (.docx, also saved by WPS) → draft page bundles under content/ (导入 Word 稿件)
    Docx {
        /// One or more .docx files
        #[arg(required = true, value_name = "FILE.docx")]
        files: Vec<PathBuf>,
        /// brand | deed | clean | studio | branch | service | page (default: from --section, else guessed from the title)
        #[arg(long, value_parser = parse_kind)]
        kind: Option<Kind>,
        /// School id or name from data/schools.yaml (default: the 来源 line when it names one)
        #[arg(long)]
        school: Option<String>,
        /// Folder under content/ to put the pages in (default: the kind's section)
        #[arg(long, value_name = "DIR")]
        section: Option<String>,
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
    },
    /// A Hexo site (its folder, with _config.yml and source/) → a new exemplar site
    Hexo(PeerArgs),
    /// A Hugo site (hugo.toml or config.*, content/, static/) → a new exemplar site
    Hugo(PeerArgs),
    /// A Zola site (config.toml, content/, static/) → a new exemplar site
    Zola(PeerArgs),
    /// A Jekyll site (_config.yml, _posts/) → a new exemplar site
    Jekyll(PeerArgs),
}

#[derive(clap::Args, Debug)]
pub struct PeerArgs {
    /// The peer site's folder (only read, never changed)
    pub src: PathBuf,
    /// The new site's folder, new or empty (default: <SRC name>-exemplar in the current folder)
    #[arg(long, value_name = "DIR")]
    pub into: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
pub enum ArchiveAction {
    /// Rehash every file of the frozen archives against MANIFEST.sha256 (校验存档)
    Verify {
        /// Only this year (default: every frozen year)
        year: Option<i32>,
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum FormatArg {
    Text,
    Json,
}

/// A content kind by its name (the names `Kind` knows).
fn parse_kind(s: &str) -> Result<Kind, String> {
    Kind::parse(s).ok_or_else(|| {
        let names: Vec<&str> = Kind::ALL.iter().map(|k| k.name()).collect();
        format!(
            "未知的类型 (unknown kind) `{s}`; 可用: {}",
            names.join(", ")
        )
    })
}
