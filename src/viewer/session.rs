//! Keeping the user's work in the map window: saving, the unsaved-changes
//! prompt before File → Open, Open recent and closing the window (Save /
//! Discard changes / Cancel), and the autosave whose copy a window that
//! died before saving offers back on the next start
//! ([`crate::scenario::recovery`]). The requests come through
//! [`super::requests::handle_requests`]; the prompts only queue requests.

use super::edit::{
    errors_of, Answer, EditState, EditorRes, Pending, Request, Requests, Workstation,
};
use bevy::prelude::*;
use bevy_egui::egui;

/// The window's close button: a [`Request::Quit`] (asks first when there
/// are unsaved changes).
pub fn close_requested(
    mut closes: MessageReader<bevy::window::WindowCloseRequested>,
    mut req: ResMut<Requests>,
) {
    if closes.read().count() > 0 {
        req.0.push(Request::Quit);
    }
}

/// Save in place, or as `to`; whether it was saved (the status and
/// problems say what happened).
pub(super) fn save(w: &mut Workstation, to: Option<&std::path::Path>) -> bool {
    let before = w.editor.0.scenario.path.clone();
    let res = match to {
        Some(p) => w.editor.0.save_as(p),
        None => w.editor.0.save(),
    };
    match res {
        Ok(files) => {
            let path = w.editor.0.scenario.path.clone();
            w.state.remember(&path);
            // the changes are on disk (under the new name after Save as):
            // nothing to recover for either file
            crate::scenario::recovery::clear(&before);
            crate::scenario::recovery::clear(&path);
            w.state.status = format!(
                "saved {}",
                files
                    .iter()
                    .map(|f| f.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            w.state.problems.clear();
            // a new name or path shows in the title and panel
            w.map.scenario.path = w.editor.0.scenario.path.clone();
            w.map.scenario.posts_path = w.editor.0.scenario.posts_path.clone();
            w.map.scenario.name = w.editor.0.scenario.name.clone();
            true
        }
        Err(e) => {
            w.state.status = "not saved".into();
            w.state.problems = vec![e.to_string()];
            false
        }
    }
}

/// Put back (or forget) the unsaved changes the autosave kept.
pub(super) fn recover(w: &mut Workstation, yes: bool) {
    let Some(r) = w.state.recover.take() else {
        return;
    };
    if !yes {
        crate::scenario::recovery::clear(&w.editor.0.scenario.path);
        w.state.status = "the kept changes were discarded".into();
        return;
    }
    match w.editor.0.apply(r.edit()) {
        Ok(label) => {
            w.state.status = format!("{label}: not saved yet");
            w.state.problems.clear();
        }
        Err(p) => {
            w.state.status = "the kept changes no longer pass check".into();
            w.state.problems = errors_of(&p);
        }
    }
}

/// Keep the unsaved changes for recovery after every change; forget them
/// once the content is back to what is on disk.
pub(super) fn autosave(w: &mut Workstation) {
    let ed = &w.editor.0;
    if !ed.dirty() {
        crate::scenario::recovery::clear(&ed.scenario.path);
    } else if let Err(e) = crate::scenario::recovery::write(ed) {
        w.state.problems = vec![format!("the autosave failed: {e}")];
    }
}

/// Open or close now, or, with unsaved changes, hold it for the prompt.
pub(super) fn ask_or_go(w: &mut Workstation, p: Pending) {
    if w.editor.0.dirty() {
        w.state.status = format!(
            "{} has unsaved changes: save or discard them first",
            w.editor.0.scenario.name
        );
        w.state.unsaved = Some(p);
    } else {
        go(w, p);
    }
}

/// Open or close, whatever the changes.
pub(super) fn go(w: &mut Workstation, p: Pending) {
    match p {
        Pending::Open(p) => {
            w.state.status = format!("opening {}…", p.display());
            w.io.open.start(0, move |_| {
                crate::scenario::load::load_ok(&p).map(|(s, _)| s)
            });
        }
        Pending::Quit => {
            w.exit.write(AppExit::Success);
        }
    }
}

/// The unsaved-changes prompt, while an open or a close waits for it:
/// Save, Discard or Cancel (Escape or a click outside cancels).
pub fn unsaved_prompt(ctx: &egui::Context, ed: &EditorRes, st: &EditState, req: &mut Requests) {
    let Some(p) = &st.unsaved else { return };
    let then = match p {
        Pending::Open(path) => format!(
            "open {}",
            path.file_stem()
                .map(|s| s.to_string_lossy().to_string())
                .unwrap_or_else(|| path.display().to_string())
        ),
        Pending::Quit => "close the window".into(),
    };
    let mut answer = None;
    let shown = egui::Modal::new(egui::Id::new("unsaved-changes")).show(ctx, |ui| {
        ui.heading("Unsaved changes");
        ui.label(format!(
            "The changes to {} are not saved. Save them before you {then}?",
            ed.0.scenario.name
        ));
        if let Some(l) = ed.0.undo_label() {
            ui.weak(format!("last change: {l}"));
        }
        ui.add_space(6.0);
        ui.horizontal(|ui| {
            if ui.button("Save").clicked() {
                answer = Some(Answer::Save);
            }
            if ui.button("Discard changes").clicked() {
                answer = Some(Answer::Discard);
            }
            if ui.button("Cancel").clicked() {
                answer = Some(Answer::Cancel);
            }
        });
    });
    if answer.is_none() && shown.should_close() {
        answer = Some(Answer::Cancel);
    }
    if let Some(a) = answer {
        req.0.push(Request::Answer(a));
    }
}

/// The offer of unsaved changes kept from a window that closed without
/// saving: Recover them or Discard them (never applied unasked).
pub fn recover_prompt(ctx: &egui::Context, ed: &EditorRes, st: &EditState, req: &mut Requests) {
    let Some(r) = &st.recover else { return };
    if st.unsaved.is_some() {
        return;
    }
    let when = time::OffsetDateTime::from_unix_timestamp(r.written_unix_s as i64)
        .ok()
        .map(|t| {
            format!(
                "{}-{:02}-{:02} {:02}:{:02} UTC",
                t.year(),
                t.month() as u8,
                t.day(),
                t.hour(),
                t.minute()
            )
        })
        .unwrap_or_else(|| "an earlier session".into());
    let mut answer = None;
    egui::Modal::new(egui::Id::new("recover-changes")).show(ctx, |ui| {
        ui.heading("Unsaved changes were kept");
        ui.label(format!(
            "The window closed before {} was saved. {} change(s) from {when} were kept:",
            ed.0.scenario.name,
            r.changes.len()
        ));
        for c in r.changes.iter().take(8) {
            ui.label(format!("  {c}"));
        }
        if r.changes.len() > 8 {
            ui.weak(format!("  … and {} more", r.changes.len() - 8));
        }
        ui.add_space(6.0);
        ui.horizontal(|ui| {
            if ui.button("Recover them").clicked() {
                answer = Some(true);
            }
            if ui.button("Discard them").clicked() {
                answer = Some(false);
            }
        });
    });
    if let Some(a) = answer {
        req.0.push(Request::Recover(a));
    }
}
