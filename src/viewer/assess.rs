//! The assessment in the viewer: computed off the frame in Bevy's async
//! compute pool at start, then the border can be coloured by coverage or
//! risk, viewsheds shown as an overlay, and gaps listed (click to zoom).

use super::jobs::Slot;
use super::{LayerToggles, MapData};
use crate::assess::{self, AssessOptions, Assessment};
use crate::model::Scenario;
use crate::terrain::viewshed::VISIBLE;
use crate::view;
use bevy::asset::RenderAssetUsages;
use bevy::prelude::*;
use bevy::render::render_resource::{Extent3d, TextureDimension, TextureFormat};

/// How the border is coloured.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum BorderColouring {
    /// Green / blue stretches.
    #[default]
    Kind,
    /// Covered (teal) or gap (red), for the chosen view.
    Coverage,
    /// Risk score, yellow to dark red.
    Risk,
    /// Risk-weighted idleness of the patrol plan shown.
    Idleness,
}

/// The assessment job and its result.
#[derive(Resource, Default)]
pub struct AssessJob(pub Slot<Assessment>);

super::jobs::deref_to_slot!(AssessJob, 0, Assessment);

impl AssessJob {
    /// Assess `s` (revision `rev`) in the background.
    pub fn restart(&mut self, s: &Scenario, rev: u64) {
        let s = s.clone();
        self.0.start(rev, move |progress| {
            let o = AssessOptions {
                progress,
                ..AssessOptions::default()
            };
            assess::assess(&s, &o)
        });
    }
}

/// Marks the viewshed overlay sprite.
#[derive(Component)]
pub struct ViewshedOverlay;

pub fn start_assessment(mut job: ResMut<AssessJob>, map: Res<MapData>) {
    job.restart(&map.scenario, map.rev);
}

/// A finished assessment replaces the old one (and its viewshed overlay).
pub fn poll_assessment(
    mut commands: Commands,
    mut job: ResMut<AssessJob>,
    map: Res<MapData>,
    images: Option<ResMut<Assets<Image>>>,
    old: Query<Entity, With<ViewshedOverlay>>,
) {
    if !job.poll() {
        return;
    }
    for e in &old {
        commands.entity(e).despawn();
    }
    // no image assets in a headless app (tests)
    if let (Some(mut images), Some(a)) = (images, job.result.as_ref()) {
        if let Some(sprite) = viewshed_sprite(&map, a, &mut images) {
            commands.spawn(sprite);
        }
    }
}

/// One image over the terrain grid: each post's visible cells shaded in a
/// dark tone of its State's colour and outlined in the colour itself, so a
/// viewshed stands out on its own State's tint.
fn viewshed_sprite(
    map: &MapData,
    a: &Assessment,
    images: &mut Assets<Image>,
) -> Option<(
    Sprite,
    Transform,
    Visibility,
    ViewshedOverlay,
    super::cache::Cached,
)> {
    let t = a.terrain.as_deref()?;
    let (w, h) = (t.cols as u32, t.rows as u32);
    let mut data = vec![0u8; (w * h * 4) as usize];
    for ps in a.sights.iter() {
        let Some(v) = &ps.viewshed else { continue };
        let colour = map
            .scenario
            .state(&ps.state)
            .map(|s| s.colour)
            .unwrap_or([128, 128, 128]);
        // (out of range outside the viewshed's window)
        let seen = |r: usize, c: usize| v.state(r, c) == VISIBLE;
        for r in v.r0..v.r0 + v.rows {
            for c in v.c0..v.c0 + v.cols {
                if !seen(r, c) {
                    continue;
                }
                let i = ((r as u32 * w + c as u32) * 4) as usize;
                let edge = r == 0
                    || c == 0
                    || !seen(r - 1, c)
                    || !seen(r + 1, c)
                    || !seen(r, c - 1)
                    || !seen(r, c + 1);
                if edge {
                    data[i..i + 3].copy_from_slice(&colour);
                    data[i + 3] = 235;
                } else if data[i + 3] < 235 {
                    data[i..i + 3].copy_from_slice(&view::shade(colour, 0.55));
                    data[i + 3] = 110;
                }
            }
        }
    }
    let image = Image::new(
        Extent3d {
            width: w,
            height: h,
            depth_or_array_layers: 1,
        },
        TextureDimension::D2,
        data,
        TextureFormat::Rgba8UnormSrgb,
        RenderAssetUsages::RENDER_WORLD,
    );
    let handle = images.add(image);
    let size = Vec2::new(
        (t.cols as f64 * t.cell) as f32,
        (t.rows as f64 * t.cell) as f32,
    );
    // centre of the grid: cells are centred on their grid points
    let cx = t.origin.x + (t.cols as f64 - 1.0) * t.cell / 2.0;
    let cy = t.origin.y - (t.rows as f64 - 1.0) * t.cell / 2.0;
    Some((
        Sprite {
            image: handle,
            custom_size: Some(size),
            ..default()
        },
        Transform::from_xyz(cx as f32, cy as f32, -1.0),
        Visibility::Hidden,
        ViewshedOverlay,
        super::cache::Cached,
    ))
}

pub fn overlay_visibility(
    layers: Res<LayerToggles>,
    mut q: Query<&mut Visibility, With<ViewshedOverlay>>,
) {
    super::show(&mut q, layers.viewsheds);
}
