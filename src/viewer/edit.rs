//! The map window as a workstation: editing posts, units and agreements
//! (validated by the core [`Editor`] with `check`'s own messages; undo and
//! redo), re-running the jobs after each change, and the File menu (open,
//! save, save as, export, recent files).
//!
//! The map and the panels only queue [`Request`]s; [`handle_requests`]
//! carries them out. That system, like the job polls, needs no window, so
//! the headless tests drive the same code with `MinimalPlugins`.

use super::assess::AssessJob;
use super::basemap::{BasemapJob, BasemapSprite};
use super::jobs::Slot;
use super::plan::PlanJob;
use super::sim::SimJob;
use super::MapData;
use crate::error::{Problems, Severity};
use crate::export::Export;
use crate::ids::*;
use crate::model::{Scenario, Unit, UnitMode};
use crate::plan::PlanMode;
use crate::scenario::edit::{Edit, Editor, PostDraft};
use bevy::ecs::system::SystemParam;
use bevy::prelude::*;
use bevy_egui::egui;
use geo::Coord;
use std::path::PathBuf;

/// The scenario being edited and its history.
#[derive(Resource)]
pub struct EditorRes(pub Editor);

/// What a click in the map does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Tool {
    /// Click a post to select it; drag it to move it.
    #[default]
    Select,
    /// Click to add a post of the State on that side of the border.
    AddPost,
}

/// Something the user asked for.
#[derive(Clone, Debug)]
pub enum Request {
    Edit(Edit),
    Undo,
    Redo,
    Save,
    SaveAs(PathBuf),
    Open(PathBuf),
    /// Re-run assessment and plans (the simulation follows the plans).
    Rerun,
    /// Cancel every job in flight.
    Cancel,
    Export(Export, PathBuf),
    /// Suggest `add` new post sites for a State (the `site` command).
    Site {
        state: StateId,
        add: usize,
    },
}

/// The queue of requests, carried out once per frame.
#[derive(Resource, Default)]
pub struct Requests(pub Vec<Request>);

/// Which path dialog is open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialog {
    Open,
    SaveAs,
    Export,
}

/// The editing state of the window.
#[derive(Resource)]
pub struct EditState {
    pub tool: Tool,
    pub selected: Option<PostId>,
    /// The problems of the last refused edit (as `check` words them).
    pub problems: Vec<String>,
    /// What happened last ("move post AD-OP2", "saved …").
    pub status: String,
    /// Re-run assessment, plans and simulation after each change.
    pub auto_rerun: bool,
    /// A post being dragged: its id and where it is now (local metres).
    pub drag: Option<(PostId, Coord, bool)>,
    pub dialog: Option<Dialog>,
    pub path_text: String,
    pub export_what: Export,
    /// The State and number of posts the siting form asks for.
    pub site_state: usize,
    pub site_add: usize,
    /// The recent scenarios (read at start and after each open or save,
    /// not every frame the menu shows them).
    pub recent: Vec<PathBuf>,
    /// The Open dialog's suggestions (read when it opens).
    open_choices: Vec<PathBuf>,
    /// The property forms, refilled when the selection or revision changes.
    forms: Forms,
}

impl EditState {
    /// The starting state, with the recent files read once.
    pub fn with_recent() -> Self {
        EditState {
            recent: crate::recent::list(),
            ..Self::default()
        }
    }
    /// Put `path` first in the recent files and re-read the list.
    fn remember(&mut self, path: &std::path::Path) {
        let _ = crate::recent::remember(path);
        self.recent = crate::recent::list();
    }
}

impl Default for EditState {
    fn default() -> Self {
        EditState {
            tool: Tool::Select,
            selected: None,
            problems: Vec::new(),
            status: String::new(),
            auto_rerun: true,
            drag: None,
            dialog: None,
            path_text: String::new(),
            export_what: Export::Plan(PlanMode::Joint),
            site_state: 0,
            site_add: 2,
            recent: Vec::new(),
            open_choices: Vec::new(),
            forms: Forms::default(),
        }
    }
}

#[derive(Default)]
struct Forms {
    key: Option<(u64, Option<PostId>)>,
    post: Option<PostDraft>,
    units: Vec<(UnitId, Unit)>,
    new_unit_mode: Option<UnitMode>,
    agreements: Option<crate::model::Agreements>,
}

/// Open and export run in the background too.
#[derive(Resource, Default)]
pub struct IoJobs {
    pub open: Slot<Scenario>,
    pub export: Slot<(PathBuf, Vec<PathBuf>)>,
    /// Suggested sites (drawn in the map; each can be added as a post).
    pub site: Slot<crate::assess::site::SiteResult>,
}

/// Everything [`handle_requests`] touches.
#[derive(SystemParam)]
pub struct Workstation<'w> {
    pub requests: ResMut<'w, Requests>,
    pub editor: ResMut<'w, EditorRes>,
    pub state: ResMut<'w, EditState>,
    pub map: ResMut<'w, MapData>,
    pub assess: ResMut<'w, AssessJob>,
    pub plan: ResMut<'w, PlanJob>,
    pub sim: ResMut<'w, SimJob>,
    pub io: ResMut<'w, IoJobs>,
}

/// What the panels need to show the editor and queue requests.
#[derive(SystemParam)]
pub struct EditUi<'w> {
    pub editor: Res<'w, EditorRes>,
    pub state: ResMut<'w, EditState>,
    pub requests: ResMut<'w, Requests>,
    pub io: ResMut<'w, IoJobs>,
}

fn errors_of(p: &Problems) -> Vec<String> {
    p.0.iter()
        .filter(|x| x.severity == Severity::Error)
        .map(|x| x.to_string())
        .collect()
}

/// Restart assessment and plans on the map's scenario (the simulation
/// follows when the plans land).
pub fn rerun(map: &MapData, assess: &mut AssessJob, plan: &mut PlanJob) {
    assess.restart(&map.scenario, map.rev);
    plan.restart(&map.scenario, map.rev);
}

/// Carry out the queued requests; keep the map's copy of the scenario in
/// step with the editor and re-run the jobs after a change.
pub fn handle_requests(mut w: Workstation) {
    let reqs: Vec<Request> = w.requests.0.drain(..).collect();
    for r in reqs {
        match r {
            Request::Edit(e) => match w.editor.0.apply(e) {
                Ok(label) => {
                    w.state.status = label;
                    w.state.problems.clear();
                }
                Err(p) => {
                    w.state.status = "edit refused: the scenario would not pass check".into();
                    w.state.problems = errors_of(&p);
                }
            },
            Request::Undo => {
                w.state.status = match w.editor.0.undo() {
                    Some(l) => format!("undone: {l}"),
                    None => "nothing to undo".into(),
                };
                w.state.problems.clear();
            }
            Request::Redo => {
                w.state.status = match w.editor.0.redo() {
                    Some(l) => format!("redone: {l}"),
                    None => "nothing to redo".into(),
                };
                w.state.problems.clear();
            }
            Request::Save | Request::SaveAs(_) => {
                let res = match &r {
                    Request::SaveAs(p) => w.editor.0.save_as(p),
                    _ => w.editor.0.save(),
                };
                match res {
                    Ok(files) => {
                        let path = w.editor.0.scenario.path.clone();
                        w.state.remember(&path);
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
                    }
                    Err(e) => {
                        w.state.status = "not saved".into();
                        w.state.problems = vec![e.to_string()];
                    }
                }
            }
            Request::Open(p) => {
                w.state.status = format!("opening {}…", p.display());
                w.io.open.start(0, move |_| {
                    crate::scenario::load::load_ok(&p)
                        .map(|(s, _)| s)
                        .map_err(|e| e.to_string())
                });
            }
            Request::Rerun => {
                let Workstation {
                    map, assess, plan, ..
                } = &mut w;
                rerun(map, assess, plan);
            }
            Request::Cancel => {
                w.assess.cancel();
                w.plan.cancel();
                w.sim.cancel();
                w.io.export.cancel();
                w.io.open.cancel();
                w.io.site.cancel();
            }
            Request::Site { state, add } => {
                let s = w.map.scenario.clone();
                w.state.status = format!("looking for {add} new post sites for {state}…");
                w.io.site.start(w.map.rev, move |progress| {
                    let ao = crate::assess::AssessOptions {
                        progress,
                        ..Default::default()
                    };
                    let o = crate::assess::site::SiteOptions::new(state, add);
                    crate::assess::site::site(&s, &ao, &o, &[]).map_err(|e| e.to_string())
                });
            }
            Request::Export(what, dir) => {
                let s = w.map.scenario.clone();
                w.state.status = format!("exporting the {} to {}…", what.label(), dir.display());
                w.io.export.start(w.map.rev, move |p| {
                    crate::export::export(&s, what, &dir, &p)
                        .map(|f| (dir, f))
                        .map_err(|e| e.to_string())
                });
            }
        }
    }
    let rev = w.editor.0.revision();
    if rev != w.map.rev {
        let s = w.editor.0.scenario.clone();
        w.map.replace(s, rev);
        if w.state
            .selected
            .as_ref()
            .is_some_and(|id| w.map.scenario.post(id).is_none())
        {
            w.state.selected = None;
        }
        if w.state.auto_rerun {
            let Workstation {
                map, assess, plan, ..
            } = &mut w;
            rerun(map, assess, plan);
        }
    }
}

/// The sprites drawn from the scenario's results (replaced on open).
type OldOverlays = Or<(With<BasemapSprite>, With<super::assess::ViewshedOverlay>)>;

/// Land an opened scenario (everything restarts on it) or a finished export.
#[allow(clippy::too_many_arguments)] // a Bevy system: one parameter per resource
pub fn poll_io(
    mut commands: Commands,
    mut w: Workstation,
    mut basemap: ResMut<BasemapJob>,
    old: Query<Entity, OldOverlays>,
    mut windows: Query<&mut Window, With<bevy::window::PrimaryWindow>>,
    mut zoom: Option<ResMut<super::ZoomTo>>,
) {
    if w.io.site.poll() {
        if let Some(r) = &w.io.site.result {
            w.state.status = format!(
                "{} sites suggested for {}: 24 h coverage {:.1} % to {:.1} %",
                r.chosen.len(),
                r.state,
                r.covered_pct_before,
                r.chosen
                    .last()
                    .map(|c| c.covered_pct_after)
                    .unwrap_or(r.covered_pct_before)
            );
        }
    } else if let Some(e) = w.io.site.error.take() {
        w.state.status = "no sites suggested".into();
        w.state.problems = vec![e];
    }
    if w.io.export.poll() {
        if let Some((dir, files)) = &w.io.export.result {
            w.state.status = format!("exported {} files to {}", files.len(), dir.display());
        }
    } else if let Some(e) = w.io.export.error.take() {
        w.state.status = "export failed".into();
        w.state.problems = vec![e];
    }
    if !w.io.open.poll() {
        if let Some(e) = w.io.open.error.take() {
            w.state.status = "not opened".into();
            w.state.problems = vec![e];
        }
        return;
    }
    let Some(s) = w.io.open.result.take() else {
        return;
    };
    w.state.remember(&s.path);
    w.state.status = format!("opened {}", s.path.display());
    w.state.problems.clear();
    w.state.selected = None;
    for mut win in &mut windows {
        win.title = format!("borderwatch — {}", s.title);
    }
    w.editor.0 = Editor::new(s.clone());
    w.map.replace(s, 0);
    // every result belonged to the old scenario
    w.assess.0 = Slot::default();
    w.io.site = Slot::default();
    w.plan.slot = Slot::default();
    w.sim.slot = Slot::default();
    w.sim.plan_generation = 0;
    for e in &old {
        commands.entity(e).despawn();
    }
    *basemap = BasemapJob::default();
    basemap.start(&w.map.scenario);
    let Workstation {
        map, assess, plan, ..
    } = &mut w;
    rerun(map, assess, plan);
    if let Some(z) = zoom.as_mut() {
        z.0 = crate::view::frame_bbox(&w.map.scenario);
    }
}

/// A new post at `xy` (local metres) for the State on that side of the
/// border: the next free id, the sensors and height of its State's first
/// post (else every sensor, 3 m).
pub fn new_post_at(ed: &Editor, xy: Coord) -> Option<PostDraft> {
    let s = &ed.scenario;
    let state = crate::model::side_of_border(&s.border, xy)?;
    let like = s.posts.iter().find(|p| p.state == state);
    Some(PostDraft {
        id: ed.new_post_id(&state),
        name: String::new(),
        lonlat: s.projection.inverse(xy),
        height_m: like.map(|p| p.height_m).unwrap_or(3.0),
        sensors: like
            .map(|p| p.sensors.clone())
            .unwrap_or_else(|| s.sensors.iter().map(|x| x.id.clone()).collect()),
        state,
    })
}

/// Clicks and keys in the map: select, drag, add and delete posts; Ctrl+Z,
/// Ctrl+Y (Ctrl+Shift+Z), Ctrl+S.
#[allow(clippy::too_many_arguments)] // a Bevy system: one parameter per resource
pub fn map_input(
    mut contexts: bevy_egui::EguiContexts,
    buttons: Res<ButtonInput<MouseButton>>,
    keys: Res<ButtonInput<KeyCode>>,
    window: Single<&Window, With<bevy::window::PrimaryWindow>>,
    camera: Single<(&Camera, &GlobalTransform, &Projection)>,
    editor: Res<EditorRes>,
    mut state: ResMut<EditState>,
    mut requests: ResMut<Requests>,
) {
    let (egui_pointer, egui_keys) = contexts
        .ctx_mut()
        .map(|c| {
            (
                c.egui_wants_pointer_input() || c.is_pointer_over_egui(),
                // keys go to a text field being typed in; a clicked
                // button keeps egui's focus but not the keys
                c.text_edit_focused(),
            )
        })
        .unwrap_or((false, false));
    if !egui_keys {
        let ctrl = keys.pressed(KeyCode::ControlLeft) || keys.pressed(KeyCode::ControlRight);
        let shift = keys.pressed(KeyCode::ShiftLeft) || keys.pressed(KeyCode::ShiftRight);
        if ctrl && keys.just_pressed(KeyCode::KeyZ) {
            requests
                .0
                .push(if shift { Request::Redo } else { Request::Undo });
        }
        if ctrl && keys.just_pressed(KeyCode::KeyY) {
            requests.0.push(Request::Redo);
        }
        if ctrl && keys.just_pressed(KeyCode::KeyS) {
            requests.0.push(Request::Save);
        }
        if keys.just_pressed(KeyCode::Delete) {
            if let Some(id) = state.selected.clone() {
                requests.0.push(Request::Edit(Edit::DeletePost(id)));
            }
        }
        if keys.just_pressed(KeyCode::Escape) {
            state.tool = Tool::Select;
            state.selected = None;
        }
    }
    let (cam, gt, proj) = *camera;
    let scale = match proj {
        Projection::Orthographic(o) => o.scale as f64,
        _ => 1.0,
    };
    let world = window
        .cursor_position()
        .and_then(|c| cam.viewport_to_world_2d(gt, c).ok())
        .map(|w| Coord {
            x: w.x as f64,
            y: w.y as f64,
        });
    if let Some((id, _, moved)) = state.drag.clone() {
        if let Some(p) = world {
            let start = editor.0.scenario.post(&id).map(|x| x.xy).unwrap_or(p);
            let far = (p - start).x.hypot((p - start).y) > 3.0 * scale;
            state.drag = Some((id.clone(), p, moved || far));
        }
        if buttons.just_released(MouseButton::Left) {
            if let Some((id, p, true)) = state.drag.take() {
                let lonlat = editor.0.scenario.projection.inverse(p);
                requests
                    .0
                    .push(Request::Edit(Edit::MovePost { id, lonlat }));
            }
            state.drag = None;
        }
        return;
    }
    if egui_pointer || !buttons.just_pressed(MouseButton::Left) {
        return;
    }
    let Some(p) = world else { return };
    match state.tool {
        Tool::AddPost => {
            match new_post_at(&editor.0, p) {
                Some(d) => requests.0.push(Request::Edit(Edit::AddPost(d))),
                None => state.status = "no border here to place a post by".into(),
            }
            state.tool = Tool::Select;
        }
        Tool::Select => {
            let pick = 12.0 * scale;
            let near = editor
                .0
                .scenario
                .posts
                .iter()
                .map(|x| (x, (x.xy - p).x.hypot((x.xy - p).y)))
                .filter(|(_, d)| *d <= pick)
                .min_by(|a, b| a.1.total_cmp(&b.1));
            match near {
                Some((post, _)) => {
                    state.selected = Some(post.id.clone());
                    state.drag = Some((post.id.clone(), post.xy, false));
                }
                None => state.selected = None,
            }
        }
    }
}

/// The File and Edit menus (top of the side panel) and the status line.
pub fn menu_bar(ui: &mut egui::Ui, ed: &EditorRes, st: &mut EditState, req: &mut Requests) {
    egui::MenuBar::new().ui(ui, |ui| {
        ui.menu_button("File", |ui| {
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
            ui.colored_label(egui::Color32::from_rgb(170, 100, 0), "● unsaved");
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
                "{}. {:.5} N {:.5} E · +{:.2} risk-km · {:.1} %",
                c.order, c.candidate.lonlat[1], c.candidate.lonlat[0], c.gain, c.covered_pct_after
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

/// Map input (select, drag, add posts) before the camera moves.
pub(super) struct InputPlugin;

impl Plugin for InputPlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(Update, map_input.in_set(super::FrameSet::Input));
    }
}
