//! Bots: negotiators that play through the same WebSocket interface as people. [`brain`]
//! decides from the frames a player receives, in the style of one of the [`strategies`];
//! [`client`] connects and runs a brain.

pub mod brain;
pub mod client;
pub mod interests;
pub mod league;
pub mod ledger;
pub mod level;
pub mod lines;
pub mod speech;
pub mod strategies;
