//! The commands. Each is a thin driver over the pipeline stages.
pub mod build;
pub mod init;
pub mod new;
