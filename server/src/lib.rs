//! Parley: a multiplayer negotiation game server.
//!
//! Layers, from the inside out:
//! - [`core`]: the `parley-core` crate (`server/core/`): pure scenario model, scoring, match state machine,
//!   survey, tactics, trust and tournaments (no I/O, no clock; it cannot name tokio, axum or rusqlite);
//! - [`store`]: the durable SQLite event log;
//! - [`protocol`]: the JSON messages on the WebSocket;
//! - [`report`]: debrief and exports, rebuilt from the stored log;
//! - [`runtime`]: sessions, pairing, one actor task per match, timers, connections;
//! - [`http`]: the axum router (WebSocket, static client, session API);
//! - [`bots`]: server-side negotiators that play over the same WebSocket interface as people;
//! - [`cli`]: the `parley` command line; [`bench`]: `parley bench`.

pub mod bench;
pub mod bots;
pub mod cli;
pub use parley_core as core;
pub mod csv_rows;
pub mod error;
pub mod eval;
pub mod http;
pub mod httpclient;
pub mod limits;
pub mod net;
pub mod protocol;
pub mod report;
pub mod runtime;
pub mod store;
pub mod tagger;
pub mod wire;
