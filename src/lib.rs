//! exemplar: a static-site generator for school Party-building publicity.
//!
//! The pipeline, one module per stage (see ARCHITECTURE.md):
//! load → parse → resolve → render → write, driven by `cmd`.
pub mod check;
pub mod cli;
pub mod cmd;
pub mod config;
pub mod diagnostics;
pub mod load;
pub mod model;
pub mod parse;
pub mod render;
pub mod resolve;
pub mod serve;
pub mod write;
