//! Parley's wire format, shared by the server, its tools and its tests: what a client may send
//! ([`protocol::ClientMsg`]), what the server sends ([`wire::ServerMsg`] and its views, the
//! results reveal in [`results`]), and every error code ([`error::ErrorCode`]). Pure types and
//! their encoding: no I/O.

pub use parley_core as core;

pub mod error;
pub mod monitor;
pub mod protocol;
pub mod results;
pub mod wire;
pub mod wording;
