//! The basemap under the layers, computed off the frame at start: the
//! DEM's hillshade (where the scenario has one) on each State's territory
//! tinted in its colour (its real polygon from the scenario's basemap, or
//! its side of the border without one) and water bodies; and the map
//! furniture drawn over the map: scale bar, north arrow.

use super::{LayerToggles, MapData};
use crate::index::BorderIndex;
use crate::terrain::Terrain;
use bevy::asset::RenderAssetUsages;
use bevy::prelude::*;
use bevy::render::render_resource::{Extent3d, TextureDimension, TextureFormat};
use bevy::tasks::{AsyncComputeTaskPool, Task};
use geo::Coord;

/// Cells of the basemap grid at most (the cell grows to keep under it):
/// with a DEM (hillshade), and without (the territories' tint only).
const MAX_CELLS_DEM: f64 = 1.5e6;
const MAX_CELLS_TINT: f64 = 2.5e5;

/// The grid (shaded or not) and its pixels.
pub struct Basemap {
    pub grid: Terrain,
    pub rgba: Vec<u8>,
    pub shaded: bool,
}

#[derive(Resource, Default)]
pub struct BasemapJob {
    task: Option<Task<Option<Basemap>>>,
    pub done: bool,
    pub shaded: bool,
}

impl BasemapJob {
    pub fn running(&self) -> bool {
        self.task.is_some()
    }
}

#[derive(Component)]
pub struct BasemapSprite;

/// The basemap of a scenario: over the frame (border and posts, and a
/// margin), hillshade from the DEM if any.
pub fn compute(s: &crate::model::Scenario) -> Option<Basemap> {
    let (min, max) = crate::view::frame_bbox(s)?;
    // the frame the importers' basemap covers (10 km or a third of the
    // border's extent round it), so a window fitted beside a floating
    // window is shaded and tinted to its edges
    let (min, max) = crate::basemap::frame_around((min, max));
    let area = (max.x - min.x) * (max.y - min.y);
    let max_cells = if s.dem.is_some() {
        MAX_CELLS_DEM
    } else {
        MAX_CELLS_TINT
    };
    let cell = (area / max_cells).sqrt().max(30.0);
    let dem_grid = s
        .dem
        .as_ref()
        .map(|dem| Terrain::from_dem(dem, &s.projection, (min, max), cell));
    let shaded = dem_grid.is_some();
    let grid = dem_grid.unwrap_or_else(|| {
        let cols = (((max.x - min.x) / cell).ceil() as usize).max(1) + 1;
        let rows = (((max.y - min.y) / cell).ceil() as usize).max(1) + 1;
        Terrain {
            origin: Coord { x: min.x, y: max.y },
            cell,
            rows,
            cols,
            z: vec![f32::NAN; rows * cols],
        }
    });
    let shade = if shaded {
        crate::view::hillshade(&grid)
    } else {
        Vec::new()
    };
    let bi = BorderIndex::of_scenario(s);
    let state_of = |id: &crate::ids::StateId| s.states.iter().position(|st| &st.id == id);
    let colours: Vec<[u8; 3]> = s.states.iter().map(|st| st.colour).collect();
    // each State's real territory where the basemap has them, else the
    // side of the border each cell is on
    let b = &s.basemap;
    let territory: Vec<_> = b.territories.iter().map(|t| &t.area).collect();
    let inside = crate::view::fill_index(&grid, &territory);
    let water: Vec<bool> = {
        let w: Vec<_> = b.water.iter().map(|w| &w.area).collect();
        crate::view::fill_index(&grid, &w)
            .iter()
            .map(|k| *k > 0)
            .collect()
    };
    let rgba = crate::view::basemap_rgba(
        &grid,
        &shade,
        |i, p| match territory.is_empty() {
            true => bi.state_side(s, p).and_then(state_of),
            false => (inside[i] > 0)
                .then(|| &b.territories[inside[i] as usize - 1].state)
                .and_then(state_of),
        },
        &colours,
        &water,
    );
    Some(Basemap { grid, rgba, shaded })
}

impl BasemapJob {
    /// Compute the basemap of `s` in the background.
    pub fn start(&mut self, s: &crate::model::Scenario) {
        let s = s.clone();
        self.done = false;
        self.task = Some(AsyncComputeTaskPool::get().spawn(async move { compute(&s) }));
    }
}

pub fn start_basemap(mut job: ResMut<BasemapJob>, map: Res<MapData>) {
    job.start(&map.scenario);
}

pub fn poll_basemap(
    mut commands: Commands,
    mut job: ResMut<BasemapJob>,
    images: Option<ResMut<Assets<Image>>>,
) {
    let Some(done) = super::take_done(&mut job.task) else {
        return;
    };
    job.done = true;
    // no border to frame: no basemap; no image assets in a headless app
    let (Some(b), Some(mut images)) = (done, images) else {
        return;
    };
    job.shaded = b.shaded;
    let t = &b.grid;
    let image = Image::new(
        Extent3d {
            width: t.cols as u32,
            height: t.rows as u32,
            depth_or_array_layers: 1,
        },
        TextureDimension::D2,
        b.rgba,
        TextureFormat::Rgba8UnormSrgb,
        RenderAssetUsages::RENDER_WORLD,
    );
    let size = Vec2::new(
        (t.cols as f64 * t.cell) as f32,
        (t.rows as f64 * t.cell) as f32,
    );
    let cx = t.origin.x + (t.cols as f64 - 1.0) * t.cell / 2.0;
    let cy = t.origin.y - (t.rows as f64 - 1.0) * t.cell / 2.0;
    commands.spawn((
        Sprite {
            image: images.add(image),
            custom_size: Some(size),
            ..default()
        },
        Transform::from_xyz(cx as f32, cy as f32, -2.0),
        Visibility::Visible,
        BasemapSprite,
        super::cache::Cached,
    ));
}

pub fn basemap_visibility(
    layers: Res<LayerToggles>,
    mut q: Query<&mut Visibility, With<BasemapSprite>>,
) {
    super::show(&mut q, layers.basemap);
}

/// Scale bar (bottom left of the map, above the timeline) and north arrow
/// (top left of the map); the screen rectangles they take.
pub fn draw_furniture(
    painter: &bevy_egui::egui::Painter,
    metres_per_px: f64,
    map_left: f32,
    bottom: f32,
) -> [bevy_egui::egui::Rect; 2] {
    use bevy_egui::egui;
    let ink = egui::Color32::from_rgb(30, 30, 30);
    let halo = egui::Color32::from_rgba_unmultiplied(255, 255, 255, 200);
    let font = egui::FontId::proportional(12.0);
    // scale bar
    let (m, px) = crate::view::scale_bar(metres_per_px, 120.0);
    let x0 = map_left + 20.0;
    let y0 = bottom - 22.0;
    let bar = egui::Rect::from_min_size(egui::pos2(x0, y0 - 6.0), egui::vec2(px as f32, 6.0));
    painter.rect_filled(bar.expand(2.0), 2.0, halo);
    painter.rect_filled(
        egui::Rect::from_min_size(bar.min, egui::vec2(px as f32 / 2.0, 6.0)),
        0.0,
        ink,
    );
    painter.rect_stroke(
        bar,
        0.0,
        egui::Stroke::new(1.0, ink),
        egui::StrokeKind::Inside,
    );
    painter.text(
        egui::pos2(x0 + px as f32 + 8.0, y0 - 3.0),
        egui::Align2::LEFT_CENTER,
        crate::view::distance_label(m),
        font.clone(),
        ink,
    );
    // north arrow (the local projection's grid north is true north at its
    // centre meridian)
    let c = egui::pos2(map_left + 30.0, 40.0);
    painter.circle_filled(c, 17.0, halo);
    painter.add(egui::Shape::convex_polygon(
        vec![
            c + egui::vec2(0.0, -14.0),
            c + egui::vec2(7.0, 8.0),
            c + egui::vec2(0.0, 3.0),
        ],
        ink,
        egui::Stroke::NONE,
    ));
    painter.add(egui::Shape::convex_polygon(
        vec![
            c + egui::vec2(0.0, -14.0),
            c + egui::vec2(0.0, 3.0),
            c + egui::vec2(-7.0, 8.0),
        ],
        egui::Color32::WHITE,
        egui::Stroke::new(1.0, ink),
    ));
    painter.text(
        c + egui::vec2(0.0, -22.0),
        egui::Align2::CENTER_BOTTOM,
        "N",
        font.clone(),
        ink,
    );
    [
        egui::Rect::from_min_max(
            egui::pos2(x0 - 4.0, y0 - 12.0),
            egui::pos2(x0 + px as f32 + 60.0, y0 + 4.0),
        ),
        egui::Rect::from_center_size(c + egui::vec2(0.0, -6.0), egui::vec2(40.0, 50.0)),
    ]
}
