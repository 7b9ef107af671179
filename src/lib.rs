//! exemplar: a static-site generator for school Party-building publicity.
//!
//! The pipeline, one module per stage (see ARCHITECTURE.md):
//! load → parse → resolve → render → write, driven by `cmd`.
// Diagnostics are this crate's error type: a file, a position, a message,
// a hint and the source line. They are built only on the cold path of a
// bad input, so their size in `Result` does not matter.
#![allow(clippy::result_large_err)]

pub mod archive;
pub mod check;
pub mod cli;
pub mod cmd;
pub mod config;
pub mod coverage;
pub mod diagnostics;
pub mod images;
pub mod import;
pub mod load;
pub mod model;
pub mod outputs;
pub mod package;
pub mod parse;
pub mod pipeline;
pub mod progress;
pub mod render;
pub mod report;
pub mod resolve;
pub mod search;
pub mod serve;
pub mod write;
