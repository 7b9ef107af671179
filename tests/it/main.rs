//! Integration tests: run the real `exemplar` binary on fixture sites under
//! tests/fixtures and look at what a user would see — files in public/,
//! links, messages on stderr and exit codes. One test binary, one module
//! per area.
//!
//! Golden files under tests/golden are refreshed with
//! `UPDATE_GOLDEN=1 cargo test`.

mod archive;
mod build;
mod check;
mod common;
mod images;
mod import;
mod intake;
mod look;
mod progress;
mod random_edits;
mod search;
mod serve;
mod trust;
