//! Parley: a multiplayer negotiation game server.
//!
//! Layers, from the inside out:
//! - [`core`]: the `parley-core` crate (`server/core/`): pure scenario model, scoring, match state machine,
//!   survey, tactics, trust and tournaments (no I/O, no clock; it cannot name tokio, axum or rusqlite);
//! - [`store`]: the durable SQLite event log;
//! - [`protocol`], [`wire`]: the JSON messages on the WebSocket, from the `parley-protocol` crate
//!   (`server/protocol/`), which the tools and tests decode too;
//! - [`report`]: debrief and exports, rebuilt from the stored log;
//! - [`runtime`]: sessions, pairing, one actor task per match, timers, connections;
//! - [`http`]: the axum router (WebSocket, static client, session API); [`author`]: the scenario
//!   editor's API;
//! - [`bots`]: server-side negotiators that play over the same WebSocket interface as people;
//!
//! The `parley` binary (`server/cli/`) and the tools it runs (`parley-tools`, `server/tools/`:
//! benchmarks, evaluation, tagger training) sit outside this library and cannot be reached from it.

pub mod author;
pub mod bots;
pub use parley_core as core;
pub mod csv_rows;
pub mod error;
pub mod http;
#[cfg(test)]
mod jsdoc;
pub mod limits;
pub mod memory;
pub use parley_protocol::monitor;
pub mod net;
pub mod peer_origins;
pub mod practice;
pub use parley_protocol::protocol;
pub mod report;
pub mod runtime;
pub mod store;
pub use parley_protocol::wire;
pub use parley_protocol::wording;
