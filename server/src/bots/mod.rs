//! Bots: negotiators that play through the same WebSocket interface as people. [`brain`]
//! decides from the frames a player receives; [`client`] connects and runs a brain.

pub mod brain;
pub mod client;
