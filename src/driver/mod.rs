//! The pipeline every front end runs: which files form a unit, and each unit from parsing
//! to findings. One driver per dialect (`terraform`, `arm`, `bicep`).

pub(crate) mod arm;
pub(crate) mod bicep;
pub(crate) mod terraform;
