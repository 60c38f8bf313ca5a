//! The workstation's forms: the File and Edit menus, the dialogs, the jobs
//! panel and the edit window (a post's properties, its units, the sites
//! `site` suggests, the agreements). They only queue [`Request`]s; the
//! edit room ([`super::edit`]) carries them out.

use super::assess::AssessJob;
use super::edit::{new_post_at, Dialog, EditState, EditorRes, IoJobs, Request, Requests, Tool};
use super::plan::PlanJob;
use super::sim::SimJob;

use crate::export::Export;
use crate::ids::*;
use crate::model::{Scenario, Unit, UnitMode};
use crate::plan::PlanMode;
use crate::scenario::edit::{Edit, PostDraft};
use bevy_egui::egui;
use std::path::PathBuf;

/// The File and Edit menus (top of the side panel) and the status line.
pub fn menu_bar(
    ui: &mut egui::Ui,
    ed: &EditorRes,
    st: &mut EditState,
    req: &mut Requests,
    exchange: &mut super::exchange::ExchangeForm,
    new: &mut super::new::NewForm,
) {
    egui::MenuBar::new().ui(ui, |ui| {
        ui.menu_button("File", |ui| {
            super::new::menu(ui, new);
            if ui.button("Open…").clicked() {
                st.dialog = Some(Dialog::Open);
                st.path_text.clear();
                let mut found: Vec<PathBuf> = std::fs::read_dir("scenarios")
                    .into_iter()
                    .flatten()
                    .flatten()
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|e| e == "toml"))
                    .collect();
                found.sort();
                st.open_choices = st.recent.iter().cloned().chain(found).take(12).collect();
                ui.close();
            }
            ui.menu_button("Open recent", |ui| {
                if st.recent.is_empty() {
                    ui.label("(none yet)");
                }
                for p in &st.recent {
                    if ui.button(p.display().to_string()).clicked() {
                        req.0.push(Request::Open(p.clone()));
                        ui.close();
                    }
                }
            });
            if ui
                .add(egui::Button::new("Save").shortcut_text("Ctrl+S"))
                .clicked()
            {
                req.0.push(Request::Save);
                ui.close();
            }
            if ui.button("Save as…").clicked() {
                st.dialog = Some(Dialog::SaveAs);
                st.path_text = ed.0.scenario.path.display().to_string();
                ui.close();
            }
            ui.separator();
            super::exchange::menu(ui, exchange, &ed.0.scenario);
            ui.separator();
            for what in [
                Export::Plan(PlanMode::Joint),
                Export::Plan(PlanMode::Independent),
                Export::Assessment,
                Export::Simulation,
            ] {
                if ui.button(format!("Export {}…", what.label())).clicked() {
                    st.dialog = Some(Dialog::Export);
                    st.export_what = what;
                    let sub = match what {
                        Export::Assessment => "assessment".to_string(),
                        Export::Plan(m) => format!("plan-{}", m.as_str()),
                        Export::Simulation => "simulation".to_string(),
                    };
                    st.path_text = format!("out/{}-{sub}", ed.0.scenario.name);
                    ui.close();
                }
            }
        });
        ui.menu_button("Edit", |ui| {
            let undo = ed.0.undo_label().map(|l| format!("Undo {l}"));
            if ui
                .add_enabled(
                    undo.is_some(),
                    egui::Button::new(undo.as_deref().unwrap_or("Undo")).shortcut_text("Ctrl+Z"),
                )
                .clicked()
            {
                req.0.push(Request::Undo);
                ui.close();
            }
            let redo = ed.0.redo_label().map(|l| format!("Redo {l}"));
            if ui
                .add_enabled(
                    redo.is_some(),
                    egui::Button::new(redo.as_deref().unwrap_or("Redo")).shortcut_text("Ctrl+Y"),
                )
                .clicked()
            {
                req.0.push(Request::Redo);
                ui.close();
            }
            ui.separator();
            if ui.button("Add a post (then click in the map)").clicked() {
                st.tool = Tool::AddPost;
                ui.close();
            }
        });
        if ed.0.dirty() {
            ui.colored_label(egui::Color32::from_rgb(170, 100, 0), "unsaved changes");
        }
    });
}

/// The path dialogs (open, save as, export).
pub fn dialogs(ctx: &egui::Context, st: &mut EditState, req: &mut Requests) {
    let Some(d) = st.dialog else { return };
    let (title, hint, ok) = match d {
        Dialog::Open => ("Open a scenario", "scenario file (.toml)", "Open"),
        Dialog::SaveAs => ("Save the scenario as", "new scenario file (.toml)", "Save"),
        Dialog::Export => ("Export", "folder to write into", "Export"),
    };
    let mut open = true;
    egui::Window::new(title)
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, egui::vec2(0.0, 0.0))
        .open(&mut open)
        .show(ctx, |ui| {
            if d == Dialog::Export {
                ui.label(st.export_what.label());
                ui.checkbox(
                    &mut st.export_releasable,
                    "only what is releasable (marked RELEASABLE TO …, not NOT FOR RELEASE)",
                );
            }
            ui.label(hint);
            ui.add(egui::TextEdit::singleline(&mut st.path_text).desired_width(420.0));
            if d == Dialog::Open {
                for p in &st.open_choices {
                    if ui.link(p.display().to_string()).clicked() {
                        st.path_text = p.display().to_string();
                    }
                }
            }
            ui.horizontal(|ui| {
                let path = PathBuf::from(st.path_text.trim());
                if ui.button(ok).clicked() && !st.path_text.trim().is_empty() {
                    req.0.push(match d {
                        Dialog::Open => Request::Open(path),
                        Dialog::SaveAs => Request::SaveAs(path),
                        Dialog::Export => Request::Export(st.export_what, path),
                    });
                    st.dialog = None;
                }
                if ui.button("Cancel").clicked() {
                    st.dialog = None;
                }
            });
        });
    if !open {
        st.dialog = None;
    }
}

/// The jobs section: each job's progress and Cancel, or its state; re-run.
#[allow(clippy::too_many_arguments)] // one per job and the panel's state
pub fn jobs_panel(
    ui: &mut egui::Ui,
    rev: u64,
    st: &mut EditState,
    assess: &mut AssessJob,
    plan: &mut PlanJob,
    sim: &mut SimJob,
    io: &mut IoJobs,
    req: &mut Requests,
) {
    ui.strong("Jobs");
    super::jobs::job_row(ui, "Assess", &mut assess.0, rev);
    super::jobs::job_row(ui, "Plan", &mut plan.slot, rev);
    if sim.enabled {
        super::jobs::job_row(ui, "Simulate", &mut sim.slot, rev);
        if sim.game.enabled {
            super::jobs::job_row(ui, "Game", &mut sim.game.slot, rev);
        }
    }
    if io.export.running() {
        super::jobs::job_row(ui, "Export", &mut io.export, rev);
    }
    if io.open.running() {
        super::jobs::job_row(ui, "Open", &mut io.open, rev);
    }
    if io.site.running() || io.site.result.is_some() {
        super::jobs::job_row(ui, "Sites", &mut io.site, rev);
    }
    ui.horizontal(|ui| {
        if ui.button("Re-run").clicked() {
            req.0.push(Request::Rerun);
        }
        ui.checkbox(&mut st.auto_rerun, "after each edit");
    });
}

/// The editor window: tool, the selected post and its units, agreements,
/// undo/redo, the problems of a refused edit.
pub fn editor_window(
    ctx: &egui::Context,
    ed: &EditorRes,
    st: &mut EditState,
    req: &mut Requests,
    io: &IoJobs,
    plan_shown: bool,
) {
    let s = &ed.0.scenario;
    let key = (ed.0.revision(), st.selected.clone());
    if st.forms.key.as_ref() != Some(&key) {
        st.forms.key = Some(key);
        st.forms.post = st
            .selected
            .as_ref()
            .and_then(|id| s.post(id))
            .map(PostDraft::of);
        st.forms.units = s
            .units
            .iter()
            .filter(|u| Some(&u.home_post) == st.selected.as_ref())
            .map(|u| (u.id.clone(), u.clone()))
            .collect();
        st.forms.agreements = Some(s.agreements.clone());
    }
    // above the timeline bar when a plan is shown
    let bottom = if plan_shown {
        -(crate::view::TIMELINE_PX as f32) - 8.0
    } else {
        -10.0
    };
    egui::Window::new("Edit")
        .anchor(egui::Align2::RIGHT_BOTTOM, egui::vec2(-10.0, bottom))
        .resizable(false)
        .collapsible(true)
        .default_width(330.0)
        // clear of the crossings window at the top right
        .max_height((ctx.viewport_rect().height() - 420.0).max(200.0))
        .show(ctx, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| {
                ui.horizontal(|ui| {
                    ui.selectable_value(&mut st.tool, Tool::Select, "Select / move");
                    ui.selectable_value(&mut st.tool, Tool::AddPost, "Add post");
                    let undo =
                        ui.add_enabled(ed.0.undo_label().is_some(), egui::Button::new("Undo"));
                    if undo.clicked() {
                        req.0.push(Request::Undo);
                    }
                    let redo =
                        ui.add_enabled(ed.0.redo_label().is_some(), egui::Button::new("Redo"));
                    if redo.clicked() {
                        req.0.push(Request::Redo);
                    }
                });
                match st.tool {
                    Tool::AddPost => {
                        ui.small("Click in the map: the post belongs to the State on that side.");
                    }
                    Tool::Select if st.selected.is_none() => {
                        ui.small("Click a post to edit it; drag it to move it; Delete removes it.");
                    }
                    _ => {}
                }
                if !st.status.is_empty() {
                    ui.small(&st.status);
                }
                for p in &st.problems {
                    ui.colored_label(egui::Color32::from_rgb(190, 20, 20), p);
                }
                if let Some(d) = st.forms.post.as_mut() {
                    ui.separator();
                    post_form(ui, s, d, &st.forms.units, req, st.selected.clone());
                    units_form(
                        ui,
                        ed,
                        &mut st.forms.units,
                        &mut st.forms.new_unit_mode,
                        d,
                        req,
                    );
                }
                if let Some(a) = st.forms.agreements.as_mut() {
                    ui.separator();
                    egui::CollapsingHeader::new("Agreements (ISACS 05.60, 10.5.6–7)")
                        .default_open(false)
                        .show(ui, |ui| agreements_form(ui, a, &s.agreements, req));
                }
                egui::CollapsingHeader::new("Where should new posts go?")
                    .default_open(false)
                    .show(ui, |ui| site_form(ui, ed, st, req, io));
            });
        });
}

fn post_form(
    ui: &mut egui::Ui,
    s: &Scenario,
    d: &mut PostDraft,
    units: &[(UnitId, Unit)],
    req: &mut Requests,
    selected: Option<PostId>,
) {
    let Some(id) = selected else { return };
    let state = s
        .state(&d.state)
        .map(|x| x.name.clone())
        .unwrap_or_default();
    ui.strong(format!("Post {id} ({state})"));
    egui::Grid::new("post-form").num_columns(2).show(ui, |ui| {
        ui.label("id");
        let mut text = d.id.clone();
        if ui.text_edit_singleline(&mut text).changed() {
            d.id = text;
        }
        ui.end_row();
        ui.label("name");
        ui.text_edit_singleline(&mut d.name);
        ui.end_row();
        ui.label("height above ground");
        ui.add(
            egui::DragValue::new(&mut d.height_m)
                .speed(0.5)
                .suffix(" m"),
        );
        ui.end_row();
        ui.label("lat / lon");
        ui.horizontal(|ui| {
            ui.add(
                egui::DragValue::new(&mut d.lonlat.y)
                    .speed(0.0005)
                    .max_decimals(5),
            );
            ui.add(
                egui::DragValue::new(&mut d.lonlat.x)
                    .speed(0.0005)
                    .max_decimals(5),
            );
        });
        ui.end_row();
        ui.label("sensors");
        ui.vertical(|ui| {
            for sensor in &s.sensors {
                let mut on = d.sensors.contains(&sensor.id);
                let kind = serde_json::to_value(sensor.kind)
                    .ok()
                    .and_then(|v| v.as_str().map(|k| k.replace('_', " ")))
                    .unwrap_or_default();
                let text = format!("{} ({kind}, {:.0} m)", sensor.id, sensor.range_m);
                if ui.checkbox(&mut on, text).changed() {
                    if on {
                        d.sensors.push(sensor.id.clone());
                    } else {
                        d.sensors.retain(|x| x != &sensor.id);
                    }
                }
            }
        });
        ui.end_row();
    });
    ui.horizontal(|ui| {
        if ui.button("Apply").clicked() {
            req.0.push(Request::Edit(Edit::SetPost {
                id: id.clone(),
                draft: d.clone(),
            }));
        }
        let del = if units.is_empty() {
            "Delete post".to_string()
        } else {
            format!("Delete post and its {} unit(s)", units.len())
        };
        if ui.button(del).clicked() {
            req.0.push(Request::Edit(Edit::DeletePost(id.clone())));
        }
    });
}

fn units_form(
    ui: &mut egui::Ui,
    ed: &EditorRes,
    units: &mut [(UnitId, Unit)],
    new_mode: &mut Option<UnitMode>,
    post: &PostDraft,
    req: &mut Requests,
) {
    let s = &ed.0.scenario;
    ui.strong("Units based here");
    for (id, u) in units.iter_mut() {
        ui.push_id(id.as_str(), |ui| {
            ui.horizontal(|ui| {
                ui.label(id.as_str());
                mode_box(ui, id.as_str(), &mut u.mode);
                ui.add(
                    egui::DragValue::new(&mut u.shift_hours)
                        .speed(0.5)
                        .suffix(" h shift"),
                );
                egui::ComboBox::from_id_salt("home")
                    .selected_text(u.home_post.as_str())
                    .show_ui(ui, |ui| {
                        for p in s.posts.iter().filter(|p| p.state == u.state) {
                            ui.selectable_value(&mut u.home_post, p.id.clone(), p.id.as_str());
                        }
                    });
            });
            ui.horizontal(|ui| {
                ui.add(egui::TextEdit::singleline(&mut u.name).desired_width(150.0));
                if ui.small_button("Apply").clicked() {
                    req.0.push(Request::Edit(Edit::SetUnit {
                        id: id.clone(),
                        unit: u.clone(),
                    }));
                }
                if ui.small_button("Delete").clicked() {
                    req.0.push(Request::Edit(Edit::DeleteUnit(id.clone())));
                }
            });
        });
    }
    ui.horizontal(|ui| {
        let mode = new_mode.get_or_insert(UnitMode::Foot);
        mode_box(ui, "new-unit", mode);
        if ui.button("Add unit here").clicked() {
            let uid = ed.0.new_unit_id(&post.state, *mode);
            req.0.push(Request::Edit(Edit::AddUnit(Unit {
                id: UnitId::new(&uid),
                state: post.state.clone(),
                mode: *mode,
                home_post: PostId::new(post.id.trim()),
                shift_hours: 8.0,
                name: String::new(),
                releasable: true,
            })));
        }
    });
}

/// A suggested site already added as a post (same place).
pub fn site_taken(s: &Scenario, c: &crate::assess::site::Chosen) -> bool {
    let [x, y] = c.candidate.lonlat;
    s.posts
        .iter()
        .any(|p| (p.lonlat.x - x).abs() < 1e-7 && (p.lonlat.y - y).abs() < 1e-7)
}

/// Suggest sites for new posts (the `site` command) and add them.
fn site_form(
    ui: &mut egui::Ui,
    ed: &EditorRes,
    st: &mut EditState,
    req: &mut Requests,
    io: &IoJobs,
) {
    let s = &ed.0.scenario;
    ui.horizontal(|ui| {
        egui::ComboBox::from_id_salt("site-state")
            .width(90.0)
            .selected_text(
                s.states
                    .get(st.site_state)
                    .map(|x| x.name.clone())
                    .unwrap_or_default(),
            )
            .show_ui(ui, |ui| {
                for (i, x) in s.states.iter().enumerate() {
                    ui.selectable_value(&mut st.site_state, i, &x.name);
                }
            });
        ui.add(
            egui::DragValue::new(&mut st.site_add)
                .range(1..=10)
                .suffix(" posts"),
        );
        let running = io.site.running();
        if ui
            .add_enabled(!running, egui::Button::new("Suggest"))
            .clicked()
        {
            if let Some(x) = s.states.get(st.site_state) {
                req.0.push(Request::Site {
                    state: x.id.clone(),
                    add: st.site_add,
                });
            }
        }
    });
    ui.small(
        "Greedy on the assessment: each site adds the most risk-weighted \
         coverage (day and night) to the posts already there.",
    );
    let Some(r) = &io.site.result else { return };
    for c in &r.chosen {
        ui.horizontal(|ui| {
            ui.label(format!(
                "{}. {} · +{:.2} risk-km · {:.1} %",
                c.order,
                crate::geom::lat_lon_text(
                    geo::Coord {
                        x: c.candidate.lonlat[0],
                        y: c.candidate.lonlat[1],
                    },
                    false
                ),
                c.gain,
                c.covered_pct_after
            ));
            let lonlat = geo::Coord {
                x: c.candidate.lonlat[0],
                y: c.candidate.lonlat[1],
            };
            if !site_taken(s, c) && ui.small_button("Add as post").clicked() {
                if let Some(d) = new_post_at(&ed.0, s.projection.forward(lonlat)) {
                    req.0
                        .push(Request::Edit(Edit::AddPost(PostDraft { lonlat, ..d })));
                }
            }
        });
    }
}

fn mode_box(ui: &mut egui::Ui, salt: &str, mode: &mut UnitMode) {
    egui::ComboBox::from_id_salt(("mode", salt))
        .width(70.0)
        .selected_text(mode.as_str())
        .show_ui(ui, |ui| {
            for m in [UnitMode::Foot, UnitMode::Vehicle, UnitMode::Boat] {
                ui.selectable_value(mode, m, m.as_str());
            }
        });
}

fn agreements_form(
    ui: &mut egui::Ui,
    a: &mut crate::model::Agreements,
    current: &crate::model::Agreements,
    req: &mut Requests,
) {
    ui.checkbox(&mut a.hot_pursuit, "Hot pursuit across the border");
    ui.horizontal(|ui| {
        ui.label("  up to");
        ui.add(
            egui::DragValue::new(&mut a.hot_pursuit_depth_km)
                .speed(0.5)
                .suffix(" km"),
        );
        ui.add(
            egui::DragValue::new(&mut a.hot_pursuit_time_min)
                .speed(1.0)
                .suffix(" min"),
        );
    });
    ui.checkbox(&mut a.cross_border_observation, "Cross-border observation");
    ui.horizontal(|ui| {
        ui.label("  liaison delay");
        ui.add(
            egui::DragValue::new(&mut a.liaison_delay_min)
                .speed(1.0)
                .suffix(" min"),
        );
    });
    ui.checkbox(&mut a.joint_patrols, "Joint patrol planning");
    if ui
        .add_enabled(a != current, egui::Button::new("Apply"))
        .clicked()
    {
        req.0.push(Request::Edit(Edit::SetAgreements(a.clone())));
    }
}
