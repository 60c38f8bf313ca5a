//! File → Share with the neighbour… and File → Receive from the
//! neighbour…: the `share` and `receive` commands as two windows. Sharing
//! shows the manifest (what goes, what is withheld and why) before anything
//! is signed; receiving says in plain words why a package is refused, and
//! reopens the scenario to show what came (the neighbour's posts hatched).
//! Unlocking a key takes a second or two (scrypt): the window waits.

use super::edit::{EditorRes, Request, Requests};
use crate::exchange::content::{self, Package, Withheld};
use crate::exchange::keys::{self, PublicKeys};
use crate::exchange::log;
use crate::exchange::{self as ex, receive, Layer};
use crate::ids::StateId;
use crate::model::Scenario;
use bevy::prelude::*;
use bevy_egui::egui;
use std::path::{Path, PathBuf};

/// Which exchange window is open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Which {
    Share,
    Receive,
}

/// The two windows' fields (kept between openings, but never the passphrase).
#[derive(Resource)]
pub struct ExchangeForm {
    pub open: Option<Which>,
    /// Index of the sending State in `[[states]]`.
    pub from: usize,
    pub include: [bool; 5],
    pub key_dir: String,
    pub recipient: String,
    pub out: String,
    pub package: String,
    pub trust: String,
    pub passphrase: String,
    /// The manifest shown before writing, and for whom it was made.
    pub preview: Option<(Package, Vec<Withheld>)>,
    /// What happened last, and whether it went wrong.
    pub status: Option<(String, bool)>,
}

impl Default for ExchangeForm {
    fn default() -> Self {
        ExchangeForm {
            open: None,
            from: 0,
            include: [true, true, true, false, false],
            key_dir: "keys".into(),
            recipient: String::new(),
            out: "out/package.bwx".into(),
            package: String::new(),
            trust: String::new(),
            passphrase: String::new(),
            preview: None,
            status: None,
        }
    }
}

/// The menu entries (in File).
pub fn menu(ui: &mut egui::Ui, form: &mut ExchangeForm, s: &Scenario) {
    if ui.button("Share with the neighbour…").clicked() {
        form.open = Some(Which::Share);
        // the State whose layers are its own, not received
        form.from = s
            .states
            .iter()
            .position(|st| !s.received.iter().any(|r| r.from == st.id))
            .unwrap_or(0);
        form.preview = None;
        form.status = None;
        ui.close();
    }
    if ui.button("Receive from the neighbour…").clicked() {
        form.open = Some(Which::Receive);
        form.status = None;
        ui.close();
    }
}

/// The open window, if any.
pub fn window(ctx: &egui::Context, ed: &EditorRes, form: &mut ExchangeForm, req: &mut Requests) {
    let Some(which) = form.open else { return };
    let title = match which {
        Which::Share => "Share with the neighbouring State",
        Which::Receive => "Receive from the neighbour",
    };
    let mut open = true;
    egui::Window::new(title)
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_TOP, egui::vec2(0.0, 60.0))
        .open(&mut open)
        .show(ctx, |ui| {
            let s = &ed.0.scenario;
            if ed.0.dirty() {
                ui.colored_label(
                    egui::Color32::from_rgb(170, 100, 0),
                    "Save first: packages are made from, and taken into, the saved scenario.",
                );
                return;
            }
            match which {
                Which::Share => share_form(ui, s, form),
                Which::Receive => receive_form(ui, s, form, req),
            }
            if let Some((text, bad)) = &form.status {
                let colour = if *bad {
                    egui::Color32::from_rgb(170, 30, 30)
                } else {
                    egui::Color32::from_rgb(20, 110, 40)
                };
                ui.colored_label(colour, text);
            }
        });
    if !open {
        form.open = None;
        form.passphrase.clear();
    }
}

fn path_row(ui: &mut egui::Ui, label: &str, text: &mut String) {
    ui.horizontal(|ui| {
        ui.label(label);
        ui.add(egui::TextEdit::singleline(text).desired_width(320.0));
    });
}

fn passphrase_row(ui: &mut egui::Ui, text: &mut String) {
    ui.horizontal(|ui| {
        ui.label("passphrase");
        ui.add(
            egui::TextEdit::singleline(text)
                .password(true)
                .desired_width(200.0),
        );
    });
}

fn share_form(ui: &mut egui::Ui, s: &Scenario, form: &mut ExchangeForm) {
    if s.states.len() < 2 {
        ui.label("This scenario has one State: there is no neighbour to share with.");
        return;
    }
    let from_i = form.from.min(s.states.len() - 1);
    let names: Vec<String> = s
        .states
        .iter()
        .map(|x| format!("{} ({})", x.name, x.id))
        .collect();
    ui.horizontal(|ui| {
        ui.label("From");
        egui::ComboBox::from_id_salt("share-from")
            .selected_text(&names[from_i])
            .show_ui(ui, |ui| {
                for (i, n) in names.iter().enumerate() {
                    ui.selectable_value(&mut form.from, i, n);
                }
            });
        let to = &s.states[if from_i == 0 { 1 } else { 0 }];
        ui.label(format!("to {} ({})", to.name, to.id));
    });
    ui.horizontal_wrapped(|ui| {
        for (i, l) in Layer::FEATURES.iter().enumerate() {
            let text = match l {
                Layer::Risk => "intelligence (as risk per km)",
                Layer::Incidents => "seizures (counts per km)",
                l => l.name(),
            };
            ui.checkbox(&mut form.include[i], text);
        }
    });
    path_row(ui, "your key folder", &mut form.key_dir);
    path_row(ui, "the neighbour's .pub", &mut form.recipient);
    path_row(ui, "write the package to", &mut form.out);
    let (from, to) = (
        s.states[from_i].id.clone(),
        s.states[if from_i == 0 { 1 } else { 0 }].id.clone(),
    );
    let include: Vec<Layer> = Layer::FEATURES
        .into_iter()
        .zip(form.include)
        .filter_map(|(l, on)| on.then_some(l))
        .collect();
    if ui.button("Show what goes").clicked() {
        form.preview = Some(preview(s, &from, &to, &include));
        form.status = None;
    }
    let Some((p, withheld)) = &form.preview else {
        return;
    };
    ui.separator();
    ui.label(p.manifest.text(withheld));
    ui.separator();
    passphrase_row(ui, &mut form.passphrase);
    if ui.button("Sign, encrypt and write").clicked() {
        let p = p.clone();
        let done = write(s, &p, form);
        form.passphrase.clear();
        form.status = Some(match done {
            Ok(t) => (t, false),
            Err(e) => (format!("Not written: {e}"), true),
        });
    }
}

fn preview(
    s: &Scenario,
    from: &StateId,
    to: &StateId,
    include: &[Layer],
) -> (Package, Vec<Withheld>) {
    let entries = log::read(&s.path).unwrap_or_default();
    let req = content::Share {
        from,
        to,
        include,
        request: None,
        plan: None,
        sequence: log::next_sequence(&entries, from, to),
        written_utc: ex::now_utc(),
    };
    content::select(s, &req)
}

/// The fields still empty, in words ("" when none).
fn missing(fields: &[(&str, &str)]) -> crate::error::Result<()> {
    let empty: Vec<&str> = fields
        .iter()
        .filter(|(_, v)| v.trim().is_empty())
        .map(|(what, _)| *what)
        .collect();
    if empty.is_empty() {
        Ok(())
    } else {
        Err(crate::error::Error::Usage(format!(
            "give {}",
            empty.join(", ")
        )))
    }
}

fn write(s: &Scenario, p: &Package, form: &ExchangeForm) -> crate::error::Result<String> {
    missing(&[
        ("your key folder", &form.key_dir),
        ("the neighbour's .pub file", &form.recipient),
        ("where to write the package", &form.out),
        ("the passphrase", &form.passphrase),
    ])?;
    let m = &p.manifest;
    let recipient = PublicKeys::read(Path::new(form.recipient.trim()))?;
    let mine = keys::unlock(Path::new(form.key_dir.trim()), &m.from, &form.passphrase)?;
    let out = PathBuf::from(form.out.trim());
    let n = ex::send(s, p, &mine, &recipient, &out)?;
    Ok(format!(
        "Wrote {} ({n} bytes), signed by {} and encrypted to {}.",
        out.display(),
        m.from,
        m.to
    ))
}

fn receive_form(ui: &mut egui::Ui, s: &Scenario, form: &mut ExchangeForm, req: &mut Requests) {
    path_row(ui, "the package", &mut form.package);
    path_row(ui, "your key folder", &mut form.key_dir);
    path_row(ui, "the sender's .pub", &mut form.trust);
    passphrase_row(ui, &mut form.passphrase);
    if ui.button("Check and receive").clicked() {
        let done = take_in(s, form);
        form.passphrase.clear();
        form.status = Some(match done {
            Ok(t) => {
                req.0.push(Request::Open(s.path.clone()));
                (t, false)
            }
            Err(e) => (format!("Refused, nothing changed: {e}"), true),
        });
    }
}

fn take_in(s: &Scenario, form: &ExchangeForm) -> crate::error::Result<String> {
    missing(&[
        ("the package", &form.package),
        ("your key folder", &form.key_dir),
        ("the sender's .pub file", &form.trust),
        ("the passphrase", &form.passphrase),
    ])?;
    let dir = Path::new(form.key_dir.trim());
    let me = keys::state_in(dir)?;
    let mine = keys::unlock(dir, &me, &form.passphrase)?;
    let trusted = PublicKeys::read(Path::new(form.trust.trim()))?;
    let got = receive::receive(Path::new(form.package.trim()), s, &mine, &trusted)?;
    let m = &got.package.manifest;
    let what: Vec<String> = m.included.iter().map(|(l, n)| format!("{n} {l}")).collect();
    let mut t = format!(
        "Accepted package {} from {} ({}): {}; kept apart from {}'s own files.",
        m.sequence,
        m.from,
        m.written_utc,
        what.join(", "),
        me
    );
    if got.package.posts.is_some() {
        t += " Its posts are drawn hatched on the map.";
    }
    if let Some(r) = &got.package.request {
        t += "\n\n";
        t += &r.text();
    }
    Ok(t)
}
