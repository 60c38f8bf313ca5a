//! The side panel (the scenario's figures, layers, assessment, plan,
//! jobs), the timeline, the legend and the crossings window; the editor
//! window and dialogs.

use super::assess::{AssessJob, BorderColouring};
use super::exchange::ExchangeForm;
use super::plan::PlanJob;
use super::sim::SimJob;
use super::{
    camera::CursorReadout, camera::ZoomTo, edit, legend, plan, sim, LayerToggles, MapData,
};
use crate::view::{self, PANEL_WIDTH_PX};
use bevy::prelude::*;
use bevy_egui::{egui, EguiContexts};

#[allow(clippy::too_many_arguments)] // a Bevy system: one parameter per resource
pub(super) fn side_panel(
    mut contexts: EguiContexts,
    map: Res<MapData>,
    mut job: ResMut<AssessJob>,
    mut ui_edit: edit::EditUi,
    mut zoom_to: ResMut<ZoomTo>,
    mut layers: ResMut<LayerToggles>,
    cursor: Res<CursorReadout>,
    mut plan_job: ResMut<PlanJob>,
    mut sim_job: ResMut<SimJob>,
    mut exchange: ResMut<ExchangeForm>,
    mut new_form: ResMut<super::new::NewForm>,
    crowd: Res<legend::Crowd>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let s = &map.scenario;
    let info = &map.info;
    let mut root = egui::Ui::new(
        ctx.clone(),
        "map-root".into(),
        egui::UiBuilder::new()
            .layer_id(egui::LayerId::background())
            .max_rect(ctx.viewport_rect()),
    );
    egui::Panel::left("side")
        .exact_size(PANEL_WIDTH_PX as f32)
        .resizable(false)
        .show(&mut root, |ui| {
            super::forms::menu_bar(
                ui,
                &ui_edit.editor,
                &mut ui_edit.state,
                &mut ui_edit.requests,
                &mut exchange,
                &mut new_form,
            );
            egui::ScrollArea::vertical().show(ui, |ui| {
                scenario_summary(ui, s, info);
                ui.separator();
                layers_panel(ui, s, &mut layers, &job, &mut plan_job, &mut sim_job);
                ui.separator();
                assessment_panel(ui, &mut layers, &job, &mut zoom_to);
                ui.separator();
                let mut by_idleness = layers.colouring == BorderColouring::Idleness;
                plan::plan_panel(ui, &mut plan_job, &mut by_idleness);
                if by_idleness {
                    layers.colouring = BorderColouring::Idleness;
                } else if layers.colouring == BorderColouring::Idleness {
                    layers.colouring = BorderColouring::Kind;
                }
                ui.separator();
                super::forms::jobs_panel(
                    ui,
                    map.rev,
                    &mut ui_edit.state,
                    &mut job,
                    &mut plan_job,
                    &mut sim_job,
                    &mut ui_edit.io,
                    &mut ui_edit.requests,
                );
                ui.separator();
                ui.small("Drag to pan · wheel or +/- to zoom · F to fit");
                if let Some(c) = &cursor.0 {
                    ui.monospace(c);
                }
            });
        });
    plan::timeline_bar(ctx, &mut plan_job, PANEL_WIDTH_PX as f32);
    if layers.legend {
        let bottom = ctx.viewport_rect().bottom()
            - if plan_job.show && plan_job.result.is_some() {
                view::TIMELINE_PX as f32
            } else {
                0.0
            };
        legend::legend(
            ctx,
            &legend::LegendInput {
                layers: &layers,
                states: &s.states,
                routes_by_p: sim_job.colour_routes && sim_job.current().is_some(),
                best_response: super::game::best_response_route(&sim_job.game, sim_job.step, s)
                    .is_some(),
                plan_shown: plan_job.show && plan_job.result.is_some(),
                crossings_shown: sim_job.replay && sim_job.current().is_some() && plan_job.show,
                sites_shown: ui_edit.io.site.result.is_some(),
                received: &s.received,
                basemap: &s.basemap,
                clustered: crowd.clustered,
                viewsheds: job
                    .result
                    .as_ref()
                    .filter(|_| layers.viewsheds)
                    .map(|a| a.line_of_sight),
                has_blue: s
                    .border
                    .iter()
                    .any(|b| b.kind == crate::model::BorderKind::Blue),
            },
            PANEL_WIDTH_PX as f32,
            bottom - ctx.viewport_rect().bottom(),
            &crowd.points,
        );
    }
    sim::sim_window(ctx, &mut sim_job, &mut plan_job, &s.states);
    Ok(())
}

/// The scenario at a glance: title, border lengths, crossings, routes,
/// posts and units per State.
fn scenario_summary(ui: &mut egui::Ui, s: &crate::model::Scenario, info: &crate::info::Info) {
    ui.heading(&s.title);
    if s.exercise {
        ui.colored_label(
            egui::Color32::from_rgb(200, 60, 0),
            "EXERCISE DATA — posts and units are invented",
        );
    }
    ui.separator();
    for p in &info.pairs {
        ui.label(format!(
            "Border {}–{}: {:.1} km",
            p.states[0], p.states[1], p.length_km
        ));
        ui.label(format!(
            "  green {:.1} km · blue {:.1} km · {} stretches",
            p.green_km, p.blue_km, p.stretches
        ));
    }
    ui.label(format!("Official crossings: {}", info.crossings));
    ui.label(format!(
        "Informal routes: {} ({} crossings)",
        info.routes, info.route_border_crossings
    ));
    ui.label(format!("Posts: {} · Units: {}", info.posts, info.units));
    for st in &info.states {
        ui.label(format!(
            "  {} {}: {} posts, {} units, {:.0} km network",
            st.code, st.name, st.posts, st.units, st.network_km
        ));
    }
}

/// The layer switches (with their colours) and line widths.
fn layers_panel(
    ui: &mut egui::Ui,
    s: &crate::model::Scenario,
    layers: &mut LayerToggles,
    job: &AssessJob,
    plan_job: &mut PlanJob,
    sim_job: &mut SimJob,
) {
    ui.strong("Layers");
    let swatch = |ui: &mut egui::Ui, c: [u8; 3]| {
        let (r, p) = ui.allocate_painter(egui::vec2(14.0, 14.0), egui::Sense::hover());
        p.rect_filled(
            r.rect.shrink(2.0),
            2.0,
            egui::Color32::from_rgb(c[0], c[1], c[2]),
        );
    };
    ui.horizontal(|ui| {
        swatch(ui, view::GREEN_BORDER);
        swatch(ui, view::BLUE_BORDER);
        ui.checkbox(&mut layers.border, "Border (green / blue)");
    });
    ui.checkbox(&mut layers.basemap, "Basemap (hillshade, territories)");
    ui.checkbox(&mut layers.sides, "Sides of the border");
    for (i, st) in s.states.iter().enumerate() {
        if let Some(on) = layers.network.get_mut(i) {
            ui.horizontal(|ui| {
                swatch(ui, st.colour);
                ui.checkbox(on, format!("{} patrol network", st.name));
            });
        }
    }
    ui.horizontal(|ui| {
        swatch(ui, view::ROUTE);
        ui.checkbox(&mut layers.routes, "Informal routes");
    });
    ui.horizontal(|ui| {
        swatch(ui, view::CROSSING);
        ui.checkbox(&mut layers.crossings, "Official crossings");
    });
    ui.checkbox(&mut layers.posts, "Observation posts");
    ui.checkbox(&mut layers.labels, "Labels");
    ui.checkbox(&mut layers.legend, "Legend");
    if let Some(a) = job.result.as_ref() {
        let text = if a.line_of_sight {
            "Posts' viewsheds"
        } else {
            "Posts' sensor ranges (no DEM)"
        };
        ui.checkbox(&mut layers.viewsheds, text);
    }
    if plan_job.result.is_some() {
        ui.checkbox(&mut plan_job.show, "Patrol routes and units");
    }
    if sim_job.slot.result.is_some() {
        ui.checkbox(&mut sim_job.colour_routes, "Routes by P(intercept)");
        ui.checkbox(&mut sim_job.replay, "Simulated crossings");
    }
    egui::CollapsingHeader::new("Line widths").show(ui, |ui| {
        ui.add(egui::Slider::new(&mut layers.border_px, 1.0..=10.0).text("border"));
        ui.add(egui::Slider::new(&mut layers.route_px, 0.5..=8.0).text("routes"));
        ui.add(egui::Slider::new(&mut layers.network_px, 0.5..=5.0).text("networks"));
    });
}

/// The editor window and the path dialogs.
pub(super) fn edit_panels(
    mut contexts: EguiContexts,
    mut ui_edit: edit::EditUi,
    plan_job: Res<PlanJob>,
    mut exchange: ResMut<ExchangeForm>,
    mut new_form: ResMut<super::new::NewForm>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let edit::EditUi {
        editor,
        state,
        requests,
        io,
    } = &mut ui_edit;
    super::forms::editor_window(ctx, editor, state, requests, io, plan_job.show);
    super::forms::dialogs(ctx, state, requests);
    super::session::unsaved_prompt(ctx, editor, state, requests);
    super::session::recover_prompt(ctx, editor, state, requests);
    super::exchange::window(ctx, editor, &mut exchange, requests);
    super::new::window(ctx, &mut new_form);
    Ok(())
}

/// The assessment part of the side panel: colouring, view, figures, gaps.
fn assessment_panel(
    ui: &mut egui::Ui,
    layers: &mut LayerToggles,
    job: &AssessJob,
    zoom_to: &mut ZoomTo,
) {
    ui.strong("Assessment");
    if let Some((stage, _)) = job.progress() {
        // (no spinner: it would keep the window redrawing)
        ui.label(format!("assessing: {stage}…"));
        if job.result.is_none() {
            return;
        }
    }
    if let Some(e) = &job.error {
        ui.colored_label(
            egui::Color32::from_rgb(200, 40, 40),
            format!("assessment failed: {e}"),
        );
        return;
    }
    let Some(a) = &job.result else { return };
    ui.horizontal(|ui| {
        ui.label("Border:");
        ui.radio_value(&mut layers.colouring, BorderColouring::Kind, "green/blue");
        ui.radio_value(&mut layers.colouring, BorderColouring::Coverage, "coverage");
        ui.radio_value(&mut layers.colouring, BorderColouring::Risk, "risk");
    });
    let name = |i: usize| -> String {
        a.views
            .get(i)
            .map(|v| {
                if v.is_joint() {
                    "both States".to_string()
                } else {
                    format!("{} alone", v.view)
                }
            })
            .unwrap_or_default()
    };
    egui::ComboBox::from_label("posts counted")
        .selected_text(name(layers.view))
        .show_ui(ui, |ui| {
            for i in 0..a.views.len() {
                ui.selectable_value(&mut layers.view, i, name(i));
            }
        });
    let sw = |ui: &mut egui::Ui, c: [u8; 3], text: &str| {
        let (r, p) = ui.allocate_painter(egui::vec2(14.0, 14.0), egui::Sense::hover());
        p.rect_filled(
            r.rect.shrink(2.0),
            2.0,
            egui::Color32::from_rgb(c[0], c[1], c[2]),
        );
        ui.small(text);
    };
    match layers.colouring {
        BorderColouring::Coverage => {
            ui.horizontal(|ui| {
                sw(ui, view::COVERED, "watched day and night");
                sw(ui, view::GAP, "gap (no post)");
            });
        }
        BorderColouring::Risk => {
            ui.horizontal(|ui| {
                sw(ui, view::risk_colour(0.0), "low");
                sw(ui, view::risk_colour(0.5), "");
                sw(ui, view::risk_colour(1.0), "high risk");
            });
        }
        BorderColouring::Idleness => {
            ui.horizontal(|ui| {
                sw(ui, view::idleness_colour(0.0), "visited often");
                sw(ui, view::idleness_colour(1.0), "once a day");
            });
            ui.horizontal(|ui| {
                sw(ui, view::COVERED, "posts watch");
                sw(ui, view::UNPATROLLED, "out of reach");
            });
        }
        BorderColouring::Kind => {}
    }
    let Some(v) = a.views.get(layers.view.min(a.views.len() - 1)) else {
        return;
    };
    ui.label(format!(
        "Watched 24 h: {:.1} % (day {:.1} %, night {:.1} %)",
        v.covered_pct.total, v.covered_pct_day.total, v.covered_pct_night.total
    ));
    ui.label(format!(
        "Risk covered: {:.1} % · unwatched crossings: {} of {}",
        v.risk_covered_pct, v.uncovered_route_crossings, v.route_crossings
    ));
    if !a.line_of_sight {
        ui.small("No DEM: line of sight not modelled.");
    }
    ui.label(format!(
        "Gaps ({}), largest risk × km first — click to zoom:",
        v.gaps.len()
    ));
    egui::ScrollArea::vertical()
        .max_height(170.0)
        .show(ui, |ui| {
            for g in v.gaps.iter().take(40) {
                let text = format!(
                    "{}. km {:.2}–{:.2} · {:.2} km · risk {:.2}",
                    g.rank, g.from_km, g.to_km, g.length_km, g.risk
                );
                if ui.link(text).clicked() {
                    let pts = a
                        .segments
                        .iter()
                        .filter(|r| g.segments.contains(&r.segment.id))
                        .flat_map(|r| r.segment.xy.iter().copied());
                    zoom_to.0 = crate::model::bbox(pts);
                }
            }
        });
}

/// Windows and menus without drop shadows: a shadow is a wide blurred
/// band blended over the map every frame (a software renderer pays for
/// each pixel of it); the windows keep their outline. On a software
/// renderer the shapes' edges are not feathered either (the feather doubles
/// each symbol's triangles: 44-47 → 38-40 ms a frame on usa-mexico);
/// `BORDERWATCH_EGUI_AA=on|off` overrides.
fn flat_windows(
    mut contexts: EguiContexts,
    info: Option<Res<bevy::render::renderer::RenderAdapterInfo>>,
    mut done: Local<bool>,
) -> Result {
    if *done {
        return Ok(());
    }
    let Some(aa_off) = super::draw::aa_off("BORDERWATCH_EGUI_AA", info.as_deref()) else {
        return Ok(()); // no adapter yet
    };
    let ctx = contexts.ctx_mut()?;
    ctx.all_styles_mut(|s| {
        s.visuals.window_shadow = egui::Shadow::NONE;
        s.visuals.popup_shadow = egui::Shadow::NONE;
    });
    ctx.tessellation_options_mut(|o| o.feathering = !aa_off);
    *done = true;
    Ok(())
}

/// The egui pass: the side panel, the symbols over the map, the editor
/// window and dialogs, in that order.
pub(super) struct PanelPlugin;

impl Plugin for PanelPlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(
            bevy_egui::EguiPrimaryContextPass,
            (
                flat_windows,
                side_panel,
                super::symbols::paint_symbols,
                edit_panels,
            )
                .chain(),
        );
    }
}
