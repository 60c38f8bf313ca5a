//! The map window as a workstation: editing posts, units and agreements
//! (validated by the core [`Editor`] with `check`'s own messages; undo and
//! redo), re-running the jobs after each change, opening, saving and
//! exporting in the background, and the map's own input (select, drag, add).
//! The menus and forms that queue the edits are [`super::forms`].
//!
//! The map and the panels only queue [`Request`]s;
//! [`super::requests::handle_requests`] carries them out. That system, like the job polls, needs no window, so
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
    /// Close the window (asks first when there are unsaved changes).
    Quit,
    /// Put back the unsaved changes kept by the autosave (true), or
    /// forget them (false).
    Recover(bool),
    /// The answer to the unsaved-changes prompt.
    Answer(Answer),
    /// Suggest `add` new post sites for a State (the `site` command).
    Site {
        state: StateId,
        add: usize,
    },
}

/// What waits for the unsaved-changes prompt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pending {
    Open(PathBuf),
    Quit,
}

/// The user's answer to the unsaved-changes prompt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    /// Save, then go on (not if the save fails).
    Save,
    /// Go on without saving: the changes are lost.
    Discard,
    /// Stay: nothing happens.
    Cancel,
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
    /// An open or close held back until the user saves or discards the
    /// changes (the prompt shows while it is set).
    pub unsaved: Option<Pending>,
    /// Unsaved changes the autosave kept from a window that closed
    /// without saving (offered while set).
    pub recover: Option<crate::scenario::recovery::Recovered>,
    pub path_text: String,
    pub export_what: Export,
    /// Export only what is releasable (`--releasable-only`).
    pub export_releasable: bool,
    /// The State and number of posts the siting form asks for.
    pub site_state: usize,
    pub site_add: usize,
    /// The recent scenarios (read at start and after each open or save,
    /// not every frame the menu shows them).
    pub recent: Vec<PathBuf>,
    /// The Open dialog's suggestions (read when it opens).
    pub(super) open_choices: Vec<PathBuf>,
    /// The property forms, refilled when the selection or revision changes.
    pub(super) forms: Forms,
}

impl EditState {
    /// The starting state, with the recent files read once.
    pub fn with_recent() -> Self {
        EditState {
            recent: crate::recent::list(),
            ..Self::default()
        }
    }
    /// Offer the unsaved changes kept for the scenario at `path`, if any.
    pub fn look_for_recovery(&mut self, path: &std::path::Path) {
        match crate::scenario::recovery::find(path) {
            Ok(r) => self.recover = r,
            Err(e) => {
                self.recover = None;
                self.status = "unsaved changes were kept but cannot be read back".into();
                self.problems = vec![e.to_string()];
            }
        }
    }
    /// Put `path` first in the recent files and re-read the list.
    pub(super) fn remember(&mut self, path: &std::path::Path) {
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
            unsaved: None,
            recover: None,
            path_text: String::new(),
            export_what: Export::Plan(PlanMode::Joint),
            export_releasable: false,
            site_state: 0,
            site_add: 2,
            recent: Vec::new(),
            open_choices: Vec::new(),
            forms: Forms::default(),
        }
    }
}

/// The property forms, refilled when the selection or revision changes.
#[derive(Default)]
pub(super) struct Forms {
    pub(super) key: Option<(u64, Option<PostId>)>,
    pub(super) post: Option<PostDraft>,
    pub(super) units: Vec<(UnitId, Unit)>,
    pub(super) new_unit_mode: Option<UnitMode>,
    pub(super) agreements: Option<crate::model::Agreements>,
}

/// Open and export run in the background too.
#[derive(Resource, Default)]
pub struct IoJobs {
    pub open: Slot<Scenario>,
    pub export: Slot<(PathBuf, Vec<PathBuf>)>,
    /// Suggested sites (drawn in the map; each can be added as a post).
    pub site: Slot<crate::assess::site::SiteResult>,
}

/// Everything [`super::requests::handle_requests`] touches.
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
    pub exit: MessageWriter<'w, AppExit>,
}

/// What the panels need to show the editor and queue requests.
#[derive(SystemParam)]
pub struct EditUi<'w> {
    pub editor: Res<'w, EditorRes>,
    pub state: ResMut<'w, EditState>,
    pub requests: ResMut<'w, Requests>,
    pub io: ResMut<'w, IoJobs>,
}

/// A refused edit's errors in the user's words (`check` gives the file,
/// feature and field).
pub(super) fn errors_of(p: &Problems) -> Vec<String> {
    p.0.iter()
        .filter(|x| x.severity == Severity::Error)
        .map(|x| x.plain())
        .collect()
}

/// Restart assessment and plans on the map's scenario (the simulation
/// follows when the plans land).
pub fn rerun(map: &MapData, assess: &mut AssessJob, plan: &mut PlanJob) {
    assess.restart(&map.scenario, map.rev);
    plan.restart(&map.scenario, map.rev);
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
    w.state.look_for_recovery(&s.path);
    w.editor.0 = Editor::new(s.clone());
    w.map.replace(s, 0);
    // every result belonged to the old scenario
    w.assess.0 = Slot::default();
    w.io.site = Slot::default();
    w.plan.slot = Slot::default();
    w.sim.slot = Slot::default();
    w.sim.plan_generation = 0;
    w.sim.game = super::game::GameJob {
        enabled: w.sim.game.enabled,
        ..Default::default()
    };
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
    camera: Single<(&Camera, &GlobalTransform, &Projection), With<super::cache::MapCamera>>,
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

/// Map input (select, drag, add posts) before the camera moves.
pub(super) struct InputPlugin;

impl Plugin for InputPlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(Update, map_input.in_set(super::FrameSet::Input));
    }
}
