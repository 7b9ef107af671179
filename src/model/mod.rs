//! The data the pipeline passes between stages: page headers, pages,
//! sections and the registry. Plain data, no behaviour beyond small helpers.
pub mod draft;
pub mod page;
pub mod paths;
pub mod registry;

pub use page::*;
pub use registry::*;
