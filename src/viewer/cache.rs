//! The map's drawn layers kept in an image: the basemap's raster, the
//! viewsheds and every line (roads, rivers, networks, bands, routes, plan
//! paths, the border) are drawn by a second camera into an image of the
//! window's size, only when something they show changes — the view, the
//! window's size, the layers, the scenario or a job's result. Each other
//! frame (the timeline playing, the panel redrawn) shows that image as one
//! sprite under the symbols and the panels, so the lines are not re-sent
//! and re-drawn every frame.
//!
//! `BORDERWATCH_MAP_CACHE=off` draws the layers every frame instead (the
//! benchmark's comparison); a headless app (tests) has no images and
//! always draws.

use super::{plan::PlanJob, sim::SimJob, AssessJob, LayerToggles, MapData};
use bevy::asset::RenderAssetUsages;
use bevy::camera::visibility::RenderLayers;
use bevy::camera::RenderTarget;
use bevy::image::ImageSampler;
use bevy::prelude::*;
use bevy::render::render_resource::{Extent3d, TextureDimension, TextureFormat, TextureUsages};
use bevy::window::PrimaryWindow;

/// The render layer of everything the cache holds.
pub(super) const LAYER: usize = 1;

/// The window's map camera (the symbols, labels and panels are drawn over
/// what it shows).
#[derive(Component)]
pub struct MapCamera;

/// A map layer drawn into the cache (the basemap's and the viewsheds'
/// sprites); the gizmo groups are put on the same render layer.
#[derive(Component, Default)]
#[require(RenderLayers = RenderLayers::layer(LAYER))]
pub struct Cached;

#[derive(Component)]
struct CacheCamera;

#[derive(Component)]
struct CacheSprite;

/// Everything the cached layers are drawn from; a new value redraws them.
#[derive(Clone, PartialEq)]
struct Key {
    centre: [f32; 2],
    scale: f32,
    size: [u32; 2],
    layers: LayerToggles,
    map_rev: u64,
    assess: u64,
    plan: (u64, bool, bool),
    sim: (u64, usize, bool, u64),
}

/// Whether the layers are drawn this frame (`redraw`), and what the cache
/// last showed.
#[derive(Resource)]
pub(super) struct MapCache {
    /// Draw the lines this frame (always without a cache).
    pub(super) redraw: bool,
    image: Option<Handle<Image>>,
    key: Option<Key>,
    /// Frames left to render after a change: two, so a sprite whose image
    /// reaches the renderer a frame after the sprite is in the cache too.
    left: u8,
}

impl Default for MapCache {
    fn default() -> Self {
        MapCache {
            redraw: true,
            image: None,
            key: None,
            left: 0,
        }
    }
}

/// Off when `BORDERWATCH_MAP_CACHE=off`.
fn wanted() -> bool {
    std::env::var("BORDERWATCH_MAP_CACHE").as_deref() != Ok("off")
}

fn target_image(w: u32, h: u32) -> Image {
    let mut image = Image::new_fill(
        Extent3d {
            width: w.max(1),
            height: h.max(1),
            depth_or_array_layers: 1,
        },
        TextureDimension::D2,
        &[0, 0, 0, 0],
        TextureFormat::Rgba8UnormSrgb,
        // kept in the main world too: the camera reads its size from there
        // (with the render world's copy alone, a camera made active again
        // finds no target and draws nothing), and a resize replaces it
        RenderAssetUsages::default(),
    );
    image.texture_descriptor.usage =
        TextureUsages::TEXTURE_BINDING | TextureUsages::COPY_DST | TextureUsages::RENDER_ATTACHMENT;
    // one texel to a pixel: no filtering
    image.sampler = ImageSampler::nearest();
    image
}

/// The cache camera, its image and the sprite that shows it; without
/// images (a headless app) or when turned off, the map camera draws the
/// cached layers itself every frame.
fn setup_cache(
    mut commands: Commands,
    images: Option<ResMut<Assets<Image>>>,
    window: Option<Single<&Window, With<PrimaryWindow>>>,
    map_camera: Single<Entity, With<MapCamera>>,
    mut cache: ResMut<MapCache>,
) {
    let (Some(mut images), Some(window), true) = (images, window, wanted()) else {
        commands
            .entity(*map_camera)
            .insert(RenderLayers::from_layers(&[0, LAYER]));
        return;
    };
    let image = images.add(target_image(
        window.physical_width(),
        window.physical_height(),
    ));
    commands.spawn((
        Camera2d,
        Camera {
            // before the map camera, which shows its image
            order: -1,
            is_active: false,
            clear_color: ClearColorConfig::Custom(super::rgb(crate::view::BACKGROUND)),
            ..default()
        },
        RenderTarget::Image(image.clone().into()),
        Projection::Orthographic(OrthographicProjection::default_2d()),
        RenderLayers::layer(LAYER),
        CacheCamera,
    ));
    commands.spawn((
        Sprite::from_image(image.clone()),
        // under everything the map camera draws
        Transform::from_xyz(0.0, 0.0, -100.0),
        CacheSprite,
    ));
    cache.image = Some(image);
}

// (disjoint queries: the cameras' and the sprite's transforms)
type MapOnly = (With<MapCamera>, Without<CacheCamera>);
type CacheOnly = (With<CacheCamera>, Without<MapCamera>, Without<CacheSprite>);
type SpriteOnly = (With<CacheSprite>, Without<CacheCamera>, Without<MapCamera>);
/// A cached sprite added, moved, shown, hidden or given a new image.
type ChangedCached = (
    With<Cached>,
    Or<(
        Added<Cached>,
        Changed<Visibility>,
        Changed<Transform>,
        Changed<Sprite>,
    )>,
    Without<CacheCamera>,
    Without<CacheSprite>,
);

/// Decide whether the layers are drawn this frame: when what they show
/// changed, the cache camera renders them (this frame and the next) from
/// the map camera's place into the image, and the sprite moves there.
#[allow(clippy::too_many_arguments)] // a Bevy system: one parameter per resource
fn update_cache(
    mut cache: ResMut<MapCache>,
    map: Res<MapData>,
    layers: Res<LayerToggles>,
    assess: Res<AssessJob>,
    plan: Res<PlanJob>,
    sim: Res<SimJob>,
    window: Option<Single<&Window, With<PrimaryWindow>>>,
    map_camera: Single<(&Transform, &Projection), MapOnly>,
    mut cache_camera: Query<(&mut Camera, &mut Transform, &mut Projection), CacheOnly>,
    mut sprite: Query<&mut Transform, SpriteOnly>,
    changed: Query<(), ChangedCached>,
    mut removed: RemovedComponents<Cached>,
    mut images: Option<ResMut<Assets<Image>>>,
) {
    let (Some(image), Some(window), Ok((mut camera, mut ctf, mut cproj))) =
        (cache.image.clone(), window, cache_camera.single_mut())
    else {
        cache.redraw = true;
        return;
    };
    let (tf, proj) = *map_camera;
    let scale = match proj {
        Projection::Orthographic(o) => o.scale,
        _ => 1.0,
    };
    let size = [window.physical_width(), window.physical_height()];
    let key = Key {
        centre: [tf.translation.x, tf.translation.y],
        scale,
        size,
        layers: layers.clone(),
        map_rev: map.rev,
        assess: assess.generation,
        plan: (
            plan.generation,
            plan.show,
            plan.mode == crate::plan::PlanMode::Joint,
        ),
        sim: (
            sim.generation,
            sim.step,
            sim.colour_routes,
            sim.game.slot.generation,
        ),
    };
    let other = map.is_changed() || !changed.is_empty() || removed.read().count() > 0;
    if other || cache.key.as_ref() != Some(&key) {
        cache.left = 2;
        if cache.key.as_ref().map(|k| k.size) != Some(size) {
            if let Some(mut img) = images.as_mut().and_then(|i| i.get_mut(&image)) {
                *img = target_image(size[0], size[1]);
            }
        }
        cache.key = Some(key);
    }
    cache.redraw = cache.left > 0;
    camera.is_active = cache.redraw;
    if !cache.redraw {
        return;
    }
    cache.left -= 1;
    *ctf = *tf;
    *cproj = proj.clone();
    if let Ok(mut s) = sprite.single_mut() {
        // the image covers the window one texel to a pixel
        *s = Transform {
            translation: Vec3::new(tf.translation.x, tf.translation.y, -100.0),
            scale: Vec3::new(scale, scale, 1.0),
            ..default()
        };
    }
}

/// Draw the map's lines only when the cache asks for them.
pub(super) fn redraw(cache: Res<MapCache>) -> bool {
    cache.redraw
}

/// The cache: set up after the map camera, decided before the lines are
/// drawn.
pub(super) struct CachePlugin;

impl Plugin for CachePlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<MapCache>()
            .add_systems(PostStartup, setup_cache)
            .add_systems(
                Update,
                update_cache
                    .in_set(super::FrameSet::Draw)
                    .before(super::draw::draw_map),
            );
    }
}
