//! Scenario files: the on-disk model ([`file`]), the in-memory model
//! ([`model`]) and loading with validation ([`load`]: the TOML's
//! sections in `sections`, the map layers in `layers`).

pub mod edit;
pub mod file;
pub mod fingerprint;
mod layers;
pub mod load;
pub mod model;
pub mod received;
pub mod recovery;
pub mod rules;
mod sections;

pub use fingerprint::fingerprint;
pub use load::{load, load_ok, Loaded};
