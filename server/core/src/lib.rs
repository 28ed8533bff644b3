//! Parley's pure core (the `parley-core` crate): no I/O, no clock. Scenario model and validation, scoring, the match state
//! machine, the survey, tactics and trust, coaching and tournaments. Time enters only as
//! millisecond timestamps in events.

pub mod authoring;
pub mod coach;
pub mod drills;
pub mod game;
pub mod observe;
pub mod scenario;
pub mod scoring;
pub mod stats;
pub mod survey;
pub mod tactics;
pub mod team;
pub mod text;
pub mod tournament;
pub mod translation;
pub mod treatment;
pub mod trust;
pub mod trust_model;
