//! # borderwatch
//!
//! An offline planner for border surveillance and patrol planning, after the UN
//! standard ISACS 05.60 *Border controls and law enforcement cooperation*.
//! This crate is the headless core (no Bevy type): scenario model, importers
//! of real public data, spatial index. The CLI (`src/main.rs`) and the Bevy
//! viewer (feature `viewer`) drive it.
//!
//! ## Glossary
//! - **State**: one side of the border, by ISO 3166-1 code (alpha-3 inside).
//! - **OP / post**: a static observation post.
//! - **BCP / crossing**: an official border crossing point.
//! - **route**: an informal crossing route (path, track, road, ford, landing).
//! - **green / blue border**: land border / river, lake or sea border.
//! - **chainage**: distance along the border in km (`from_km..to_km`),
//!   measured geodesically on WGS84.
//! - **unit**: a mobile patrol (foot, vehicle, boat) with a home post and shift.
//! - **idleness**: time between two patrol visits of a watch point.

pub mod assess;
pub mod basemap;
pub mod country;
pub mod dem;
pub mod error;
pub mod exchange;
pub mod export;
pub mod formats;
pub mod game;
pub mod geom;
pub mod ids;
pub mod import;
pub mod index;
pub mod info;
pub mod io;
pub mod limits;
pub mod pipeline;
pub mod plan;
pub mod progress;
pub mod recent;
pub mod report;
pub mod scenario;
pub mod seed;
pub mod sim;
pub mod terrain;
pub mod view;
#[cfg(feature = "viewer")]
pub mod viewer;

pub use scenario::model;
