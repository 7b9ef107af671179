//! Parse: turn loaded text into data — YAML headers into typed headers,
//! Markdown bodies into HTML with a table of contents, summary and links.
pub mod header;
pub mod markdown;
pub mod sanitize;
pub mod slug;
pub mod yaml;
