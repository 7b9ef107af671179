//! Fuzz the path every content file takes (see `page_check.rs`, which
//! CI's smoke run in `tests/it/trust.rs` shares). Nothing may panic, and
//! memory stays bounded (run with -rss_limit_mb).
#![no_main]

mod page_check;

libfuzzer_sys::fuzz_target!(|data: &[u8]| page_check::check(data));
