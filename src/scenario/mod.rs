//! Scenario files: the on-disk model ([`file`]), the in-memory model
//! ([`model`]) and loading with validation ([`load`]).

pub mod edit;
pub mod file;
pub mod load;
pub mod model;
pub mod rules;

pub use load::{load, load_ok, Loaded};
