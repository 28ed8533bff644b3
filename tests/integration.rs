//! Every integration test in one binary (one link instead of one per file): the real `parley`
//! binary as a server process on port 0, driven over real WebSockets and HTTP. One module per
//! area; `common` starts servers and speaks the protocol.

mod common;

mod author;
mod bots;
mod classroom;
mod cli;
mod cluster;
mod eval;
mod exports;
mod facilitator;
mod game;
mod languages;
mod limits;
mod observers;
mod postgres;
mod practice;
mod reading;
mod recovery;
mod teaching;
mod teams;
mod terms;
mod tournament;
mod treatments;
