//! File → New from an OpenStreetMap extract…: the `import osm` command as
//! a form. The import runs in the background; the new scenario opens when
//! it is done, through File → Open's way (the unsaved-changes prompt
//! first).

use super::edit::{Request, Requests};
use super::jobs::Slot;
use crate::import::{self, osm::OsmOptions, StateCode};
use bevy::prelude::*;
use bevy_egui::egui;
use std::path::PathBuf;

/// The form and its import job.
#[derive(Resource)]
pub struct NewForm {
    pub open: bool,
    /// The extract (`.osm.pbf`).
    pub pbf: String,
    /// The two States, e.g. `AD,ES`.
    pub states: String,
    /// An SRTM tile (`.hgt` or `.hgt.zip`), or empty.
    pub dem: String,
    pub name: String,
    /// Writes `OUT/maps/NAME/` and `OUT/scenarios/NAME.toml`.
    pub out: String,
    /// Exercise observation posts to invent per State (0 = none).
    pub posts: usize,
    /// Every problem with the form, at once.
    pub problems: Vec<String>,
    /// The import: the new scenario's file.
    pub job: Slot<PathBuf>,
}

impl Default for NewForm {
    fn default() -> Self {
        NewForm {
            open: false,
            pbf: String::new(),
            states: String::new(),
            dem: String::new(),
            name: String::new(),
            out: ".".into(),
            posts: 3,
            problems: Vec::new(),
            job: Slot::default(),
        }
    }
}

/// The import's options from the form, or every problem with it.
pub fn options(f: &NewForm) -> Result<OsmOptions, Vec<String>> {
    let mut bad = Vec::new();
    let pbf = PathBuf::from(f.pbf.trim());
    if f.pbf.trim().is_empty() {
        bad.push("the extract: give the path of an .osm.pbf file".to_string());
    } else if !pbf.is_file() {
        bad.push(format!("the extract: no file at {}", pbf.display()));
    }
    let states = StateCode::parse_pair(f.states.trim());
    if states.is_err() {
        bad.push(format!(
            "the two States: two ISO 3166-1 codes separated by a comma, e.g. AD,ES (not {:?})",
            f.states.trim()
        ));
    }
    let dem = (!f.dem.trim().is_empty()).then(|| PathBuf::from(f.dem.trim()));
    if let Some(d) = dem.as_ref().filter(|d| !d.is_file()) {
        bad.push(format!("the elevation tile: no file at {}", d.display()));
    }
    let name = f.name.trim().to_string();
    let name_ok = import::valid_name(&name);
    if !name_ok {
        bad.push("the name: letters, digits, '-' and '_' only (it names files)".to_string());
    }
    let out = PathBuf::from(f.out.trim());
    if f.out.trim().is_empty() {
        bad.push("the folder: give where to write the scenario".to_string());
    } else if name_ok {
        // never over a scenario already there
        if let Err(e) = import::check_target(&out, &name, false) {
            bad.push(e.to_string());
        }
    }
    if f.posts > 50 {
        bad.push(format!(
            "exercise posts: at most 50 per State, not {}",
            f.posts
        ));
    }
    match states {
        Ok(states) if bad.is_empty() => Ok(OsmOptions {
            pbf,
            states,
            dem,
            name,
            out,
            exercise_posts: f.posts,
            network_km: import::osm::DEFAULT_NETWORK_KM,
            blue_tolerance_m: import::osm::DEFAULT_BLUE_TOLERANCE_M,
            seed: import::osm::DEFAULT_SEED,
        }),
        _ => Err(bad),
    }
}

/// Start the import (or list what is wrong with the form).
pub fn start(f: &mut NewForm) {
    match options(f) {
        Ok(o) => {
            f.problems.clear();
            f.job
                .start(0, move |_| import::osm::import(&o).map(|r| r.scenario));
        }
        Err(bad) => f.problems = bad,
    }
}

/// The menu item.
pub fn menu(ui: &mut egui::Ui, f: &mut NewForm) {
    if ui.button("New from an OpenStreetMap extract…").clicked() {
        f.open = true;
        f.problems.clear();
        ui.close();
    }
}

/// The form's window.
pub fn window(ctx: &egui::Context, f: &mut NewForm) {
    let mut open = f.open;
    egui::Window::new("New scenario from an OpenStreetMap extract")
        .open(&mut open)
        .collapsible(false)
        .default_width(440.0)
        .show(ctx, |ui| {
            ui.label(
                "Reads the border between two States from the extract, with its \
                 crossings, informal routes, each State's patrol network, places, \
                 roads and water; writes the scenario and opens it.",
            );
            egui::Grid::new("new-osm").num_columns(2).show(ui, |ui| {
                for (label, text, hint) in [
                    ("extract (.osm.pbf)", &mut f.pbf, "andorra-latest.osm.pbf"),
                    ("the two States", &mut f.states, "AD,ES"),
                    ("elevation (SRTM, optional)", &mut f.dem, "N42E001.hgt.zip"),
                    ("scenario name", &mut f.name, "andorra-spain"),
                    ("folder", &mut f.out, "."),
                ] {
                    ui.label(label);
                    ui.add(egui::TextEdit::singleline(text).hint_text(hint));
                    ui.end_row();
                }
                ui.label("exercise posts per State");
                ui.add(egui::DragValue::new(&mut f.posts).range(0..=50));
                ui.end_row();
            });
            for p in &f.problems {
                ui.colored_label(egui::Color32::from_rgb(200, 40, 40), p);
            }
            if let Some(e) = &f.job.error {
                ui.colored_label(egui::Color32::from_rgb(200, 40, 40), e);
            }
            ui.horizontal(|ui| {
                // (no cancel: the importer does not stop half way, and a
                // dropped job would still write the files)
                if f.job.running() {
                    ui.spinner();
                    ui.label("importing…");
                } else if ui.button("Import and open").clicked() {
                    start(f);
                }
            });
        });
    f.open = open && f.open;
}

/// A finished import opens its scenario (File → Open's way).
pub fn poll_new(mut f: ResMut<NewForm>, mut requests: ResMut<Requests>) {
    if f.job.poll() {
        if let Some(path) = f.job.result.take() {
            requests.0.push(Request::Open(path));
            f.open = false;
        }
    }
}
