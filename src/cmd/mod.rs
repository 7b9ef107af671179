//! The commands. Each is a thin driver over the pipeline stages.
pub mod archive;
pub mod build;
pub mod import;
pub mod init;
pub mod new;
pub mod package;
