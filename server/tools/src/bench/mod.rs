//! `parley bench`: measurements whose numbers go into `docs/benchmarks.md`.

pub mod chaos;
pub mod frontier;
pub mod history;
pub mod load;
pub mod relay;
