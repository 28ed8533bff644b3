//! Parley's tools, outside the production library: `parley bench` (the frontier and the load
//! generator with its bare relay), `parley eval` (replaying human negotiations through a real
//! server, fitting the trust model), `parley tagger` (training and checking the tactic tagger),
//! and the small HTTP client they and the tests use. The `parley` binary links them; the server
//! library (`parley`) cannot reach them.

pub use parley_core as core;

pub mod bench;
pub mod eval;
pub mod httpclient;
pub mod tagger;
