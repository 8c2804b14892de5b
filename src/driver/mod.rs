//! The pipeline every front end runs: which files form a unit, and each unit from parsing
//! to findings. One driver per dialect (`terraform`, `arm`, `bicep`); the CLI, `lint_text`,
//! the fuzz targets and the language server all run them (see ARCHITECTURE.md, "Drivers and
//! sources").

pub(crate) mod arm;
pub(crate) mod bicep;
pub(crate) mod terraform;
