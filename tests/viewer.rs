//! Headless screenshot tests of the map window: render a frame under X
//! (the session's display, or Xvfb via `xvfb-run`) and check the pixels:
//! the border's colours appear where the border is, each State's colour on
//! its own side.
#![cfg(feature = "viewer")]

mod common;
use borderwatch::model::Scenario;
use borderwatch::view;
use common::*;
use geo::Coord;
use std::path::Path;
use std::process::Command;

const W: u32 = 1280;
const H: u32 = 800;

struct Image {
    w: u32,
    h: u32,
    rgba: Vec<u8>,
    /// The view the viewer reported for this picture (the world point at
    /// the window's centre, metres a pixel).
    view: view::ViewFit,
}

impl Image {
    /// Where the world point `p` is in the picture.
    fn px(&self, p: Coord) -> (f64, f64) {
        view::world_to_px(&self.view, p, self.w as f64, self.h as f64, 0.0, 0.0)
    }
    /// The world point at pixel (x, y).
    fn world(&self, x: f64, y: f64) -> Coord {
        let v = &self.view;
        Coord {
            x: v.centre.x + (x - self.w as f64 / 2.0) * v.metres_per_px,
            y: v.centre.y - (y - self.h as f64 / 2.0) * v.metres_per_px,
        }
    }
    fn at(&self, x: i64, y: i64) -> Option<[u8; 3]> {
        if x < 0 || y < 0 || x >= self.w as i64 || y >= self.h as i64 {
            return None;
        }
        let i = ((y as u32 * self.w + x as u32) * 4) as usize;
        Some([self.rgba[i], self.rgba[i + 1], self.rgba[i + 2]])
    }
    /// Is a pixel of about colour `c` within `r` pixels of (x, y)?
    fn near(&self, x: f64, y: f64, r: i64, c: [u8; 3], tol: i32) -> bool {
        let (x, y) = (x.round() as i64, y.round() as i64);
        (-r..=r)
            .any(|dy| (-r..=r).any(|dx| self.at(x + dx, y + dy).is_some_and(|p| close(p, c, tol))))
    }
}

/// Keep a screenshot in target/screenshots/ (for people to look at).
fn keep(png: &Path, name: &str) {
    let dir = repo().join("target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(png, dir.join(name)).unwrap();
}

fn close(a: [u8; 3], b: [u8; 3], tol: i32) -> bool {
    (0..3).all(|i| (a[i] as i32 - b[i] as i32).abs() <= tol)
}

fn read_png(p: &Path) -> Image {
    let dec = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(p).unwrap()));
    let mut r = dec.read_info().unwrap();
    let mut buf = vec![0; r.output_buffer_size().unwrap()];
    let info = r.next_frame(&mut buf).unwrap();
    let rgba = match info.color_type {
        png::ColorType::Rgba => buf[..info.buffer_size()].to_vec(),
        png::ColorType::Rgb => buf[..info.buffer_size()]
            .chunks(3)
            .flat_map(|c| [c[0], c[1], c[2], 255])
            .collect(),
        other => panic!("unexpected PNG colour type {other:?}"),
    };
    Image {
        w: info.width,
        h: info.height,
        rgba,
        view: view::ViewFit {
            centre: Coord::default(),
            metres_per_px: 1.0,
        },
    }
}

/// The view a `view --screenshot` run reports on its standard output.
fn reported_view(stdout: &str) -> view::ViewFit {
    let line = stdout
        .lines()
        .find_map(|l| l.strip_prefix("view: window centre at "))
        .unwrap_or_else(|| panic!("no view reported in {stdout:?}"));
    let n: Vec<f64> = line
        .split(|c: char| c == ' ' || c == ',')
        .filter_map(|w| w.parse().ok())
        .collect();
    view::ViewFit {
        centre: Coord { x: n[0], y: n[1] },
        metres_per_px: n[2],
    }
}

/// `borderwatch ARGS` on the session's display, or under xvfb-run when there
/// is none.
fn on_display(args: &[String]) -> Command {
    let mut cmd = if std::env::var_os("DISPLAY").is_some() {
        let mut c = Command::new(bin());
        c.args(args);
        c
    } else {
        let ok = Command::new("xvfb-run").arg("--help").output().is_ok();
        assert!(
            ok,
            "no DISPLAY and no xvfb-run: install xvfb (see .ci/run) to run the screenshot tests"
        );
        let mut c = Command::new("xvfb-run");
        c.args(["-a", "-s", &format!("-screen 0 {W}x{H}x24")])
            .arg(bin())
            .args(args);
        c
    };
    if std::env::var_os("XDG_RUNTIME_DIR").is_none() {
        let d = std::env::temp_dir().join("borderwatch-xdg");
        std::fs::create_dir_all(&d).unwrap();
        cmd.env("XDG_RUNTIME_DIR", d);
    }
    cmd
}

/// Render `scenario` to `out` and read the PNG back.
fn screenshot(scenario: &Path, out: &Path) -> Image {
    screenshot_with(scenario, out, &[])
}

fn screenshot_with(scenario: &Path, out: &Path, extra: &[&str]) -> Image {
    screenshot_env(scenario, out, extra, &[])
}

fn screenshot_env(scenario: &Path, out: &Path, extra: &[&str], env: &[(&str, &str)]) -> Image {
    let mut args = vec![
        "view".into(),
        scenario.to_string_lossy().to_string(),
        "--screenshot".into(),
        out.to_string_lossy().to_string(),
        "--size".into(),
        format!("{W}x{H}"),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    let o = on_display(&args)
        .envs(env.iter().copied())
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "viewer failed: {}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    let mut img = read_png(out);
    assert_eq!((img.w, img.h), (W, H));
    img.view = reported_view(&String::from_utf8_lossy(&o.stdout));
    img
}

fn load(name: &str) -> Scenario {
    borderwatch::scenario::load_ok(&repo().join(format!("scenarios/{name}.toml")))
        .unwrap()
        .0
}

/// Share of border vertices (away from the panel) with the kind's colour
/// drawn within 3 px.
fn border_hits(img: &Image, s: &Scenario, kind: borderwatch::model::BorderKind) -> (usize, usize) {
    let (mut hit, mut all) = (0, 0);
    for b in s.border.iter().filter(|b| b.kind == kind) {
        for c in &b.xy.0 {
            let (x, y) = img.px(*c);
            if x < view::PANEL_WIDTH_PX + 10.0 {
                continue;
            }
            all += 1;
            if img.near(x, y, 3, view::border_colour(kind), 40) {
                hit += 1;
            }
        }
    }
    (hit, all)
}

/// Share of border vertices with the State's band colour on its side.
fn side_hits(img: &Image, s: &Scenario) -> (usize, usize) {
    let (mut hit, mut all) = (0, 0);
    for b in &s.border {
        let pts = &b.xy.0;
        for i in 1..pts.len().saturating_sub(1) {
            let (a, c) = (pts[i - 1], pts[i + 1]);
            let t = c - a;
            let len = t.x.hypot(t.y);
            if len == 0.0 {
                continue;
            }
            let (x, y) = img.px(pts[i]);
            // left normal in pixel space (y down)
            let (nx, ny) = (-t.y / len, -t.x / len);
            for (state, sign) in [(&b.left, 1.0), (&b.right, -1.0)] {
                let colour = view::faded(s.state(state).unwrap().colour, 0.55);
                all += 1;
                if img.near(x + sign * nx * 11.0, y + sign * ny * 11.0, 2, colour, 30) {
                    hit += 1;
                }
            }
        }
    }
    (hit, all)
}

#[test]
fn andorra_map_shows_the_green_border_and_both_sides() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("andorra.png");
    let s = load("andorra-spain");
    let img = screenshot(&repo().join("scenarios/andorra-spain.toml"), &out);
    let (hit, all) = border_hits(&img, &s, borderwatch::model::BorderKind::Green);
    assert!(
        all > 50 && hit as f64 >= 0.9 * all as f64,
        "green border drawn at {hit} of {all} vertices"
    );
    let (hit, all) = side_hits(&img, &s);
    assert!(
        hit as f64 >= 0.6 * all as f64,
        "State colours on their sides at {hit} of {all} probes"
    );
    // Under the layers, the basemap: each State's territory tinted in its
    // colour and shaded by the DEM's hillshade. Probe the map away from the
    // border, the layers and the window's edges.
    let idx = borderwatch::index::SpatialIndex::build(&s);
    let (mut toward_own, mut probes) = (0, 0);
    let mut neutral = (0, 0);
    let mut lum: Vec<f64> = Vec::new();
    for y in (60..(H as i64 - 80)).step_by(23) {
        for x in ((view::PANEL_WIDTH_PX as i64 + 60)..(W as i64 - 20)).step_by(23) {
            let p = img.world(x as f64, y as f64);
            let Some(sn) = idx.border.snap(p) else {
                continue;
            };
            if sn.distance_m < 1500.0 {
                continue;
            }
            let Some(px) = img.at(x, y) else { continue };
            // skip the Edit window (its place: the bottom right)
            if x >= 930 && y >= 595 {
                continue;
            }
            // skip the layers drawn over it (networks, routes, labels)
            let grey = (px[0] as i32 - px[1] as i32)
                .abs()
                .max((px[1] as i32 - px[2] as i32).abs());
            if grey > 60 {
                continue;
            }
            // France, beyond both territories: no State's tint
            let Some(st) = s.basemap.state_at(p) else {
                let spread = px.iter().max().unwrap() - px.iter().min().unwrap();
                neutral.0 += (spread <= 14) as usize;
                neutral.1 += 1;
                continue;
            };
            let own = s.state(st).unwrap().colour;
            let other = s.states.iter().find(|x| &x.id != st).unwrap().colour;
            // nearer in hue to its own State's colour than the other's
            let dist = |c: [u8; 3]| {
                let n = |v: [u8; 3]| {
                    let m = v.iter().map(|x| *x as f64).sum::<f64>().max(1.0);
                    [v[0] as f64 / m, v[1] as f64 / m, v[2] as f64 / m]
                };
                let (a, b) = (n(px), n(c));
                (a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)
            };
            probes += 1;
            toward_own += (dist(own) < dist(other)) as usize;
            lum.push(px.iter().map(|x| *x as f64).sum::<f64>() / 3.0);
        }
    }
    assert!(probes > 200, "{probes} probes");
    assert!(
        toward_own as f64 >= 0.9 * probes as f64,
        "territory tint on its own territory at {toward_own} of {probes} probes"
    );
    assert!(
        neutral.1 >= 10 && neutral.0 as f64 >= 0.9 * neutral.1 as f64,
        "France untinted at {} of {} probes",
        neutral.0,
        neutral.1
    );
    // hillshade: the mountains show (light and shadow), not a flat fill
    let mean = lum.iter().sum::<f64>() / lum.len() as f64;
    let sd = (lum.iter().map(|l| (l - mean).powi(2)).sum::<f64>() / lum.len() as f64).sqrt();
    assert!(sd > 12.0, "basemap luminance sd {sd:.1}: no hillshade?");
    // The side panel is drawn (egui's dark or light theme, not the map background).
    let panel_bg = (10..290)
        .step_by(10)
        .filter(|&x| {
            img.at(x, 790)
                .is_some_and(|p| !close(p, view::BACKGROUND, 6))
        })
        .count();
    assert!(panel_bg > 20, "side panel");
    // Keep a copy for people to look at.
    let keep = repo().join("target/screenshots");
    std::fs::create_dir_all(&keep).unwrap();
    std::fs::copy(&out, keep.join("andorra-spain.png")).unwrap();
}

#[test]
fn usa_mexico_shows_land_and_places_and_leaves_the_sea_alone() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("usa-mexico.png");
    let s = load("usa-mexico");
    let img = screenshot(&repo().join("scenarios/usa-mexico.toml"), &out);
    keep(&out, "usa-mexico.png");
    let at = |lon: f64, lat: f64| {
        let (x, y) = img.px(s.projection.forward(Coord { x: lon, y: lat }));
        img.at(x.round() as i64, y.round() as i64).unwrap()
    };
    let tinted = |c: [u8; 3], st: &str| {
        let own = s
            .states
            .iter()
            .find(|x| x.id.as_str() == st)
            .unwrap()
            .colour;
        let faded = view::faded(own, 0.86);
        close(c, faded, 10)
    };
    // the Gulf of California and the Gulf of Mexico: the background
    for (lon, lat) in [(-112.0, 28.5), (-96.5, 26.5)] {
        assert!(
            close(at(lon, lat), view::BACKGROUND, 4),
            "sea at {lon},{lat}: {:?}",
            at(lon, lat)
        );
    }
    // inland Sonora and Texas: each State's tint
    assert!(tinted(at(-108.0, 29.0), "MEX"), "{:?}", at(-108.0, 29.0));
    assert!(tinted(at(-101.0, 33.0), "USA"), "{:?}", at(-101.0, 33.0));
    // the largest cities are named: a place dot at Monterrey and Phoenix
    for name in ["Monterrey", "Phoenix"] {
        let p = s.basemap.places.iter().find(|p| p.name == name).unwrap();
        let (x, y) = img.px(p.at);
        assert!(img.near(x, y, 2, view::PLACE, 30), "no place dot at {name}");
    }
}

#[test]
fn liechtenstein_map_shows_the_rhine_in_blue() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("li.png");
    let s = load("liechtenstein-switzerland");
    let img = screenshot(
        &repo().join("scenarios/liechtenstein-switzerland.toml"),
        &out,
    );
    // Units on patrol (discs drawn over the map) hide a few vertices.
    let (hit, all) = border_hits(&img, &s, borderwatch::model::BorderKind::Blue);
    assert!(
        all > 50 && hit as f64 >= 0.85 * all as f64,
        "blue border drawn at {hit} of {all} vertices"
    );
    let (hit, all) = border_hits(&img, &s, borderwatch::model::BorderKind::Green);
    assert!(
        all > 10 && hit as f64 >= 0.9 * all as f64,
        "green border drawn at {hit} of {all} vertices"
    );
    let keep = repo().join("target/screenshots");
    std::fs::create_dir_all(&keep).unwrap();
    std::fs::copy(&out, keep.join("liechtenstein-switzerland.png")).unwrap();
}

#[test]
fn viewer_without_display_says_so_and_points_to_the_cli() {
    let cfg = tempfile::tempdir().unwrap();
    let o = Command::new(bin())
        .args(["view"])
        .arg(repo().join("scenarios/andorra-spain.toml"))
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        // (the user's recent files are not the test's business)
        .env("BORDERWATCH_CONFIG_DIR", cfg.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(
        e.contains("no display") && e.contains("borderwatch check"),
        "{e}"
    );
}

#[test]
fn viewer_without_a_gpu_driver_says_so_and_points_to_the_cli() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("never.png");
    let args = [
        "view".to_string(),
        "--screenshot".into(),
        out.to_string_lossy().to_string(),
    ];
    // Point the Vulkan loader at no driver at all.
    let o = on_display(&args)
        .env("VK_ICD_FILENAMES", d.path().join("none.json"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(
        e.contains("could not start") && e.contains("borderwatch check"),
        "{e}"
    );
    assert!(!out.exists());
}

#[test]
fn viewsheds_stand_out_on_their_own_states_tint() {
    // A viewshed is outlined in its State's own colour (the band and the
    // tint beneath are that colour faded): with the layer on, each State
    // gains a hundred pixels or more in its full colour.
    let d = tempfile::tempdir().unwrap();
    let s = load("andorra-spain");
    let toml = repo().join("scenarios/andorra-spain.toml");
    let off = screenshot(&toml, &d.path().join("off.png"));
    let on = screenshot_with(&toml, &d.path().join("on.png"), &["--viewsheds"]);
    let full = |img: &Image, c: [u8; 3]| {
        let mut n = 0;
        for y in 0..H as i64 {
            for x in view::PANEL_WIDTH_PX as i64..W as i64 {
                n += img.at(x, y).is_some_and(|p| close(p, c, 30)) as usize;
            }
        }
        n
    };
    for st in &s.states {
        let (a, b) = (full(&off, st.colour), full(&on, st.colour));
        assert!(
            b > a + 150,
            "{}: {a} pixels in its colour without viewsheds, {b} with",
            st.id
        );
    }
    keep(&d.path().join("on.png"), "andorra-spain-viewsheds.png");
}

#[test]
fn coverage_view_colours_gaps_and_watched_stretches() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("coverage.png");
    let s = load("andorra-spain");
    let img = screenshot_with(
        &repo().join("scenarios/andorra-spain.toml"),
        &out,
        &["--colour", "coverage", "--viewsheds"],
    );
    let a = borderwatch::assess::assess(&s, &Default::default()).unwrap();
    let th = a.options.threshold;
    let (mut gap_hit, mut gap_all, mut cov_hit, mut cov_all) = (0, 0, 0, 0);
    for r in &a.segments {
        let covered = r.detect.last().unwrap().1.both() >= th;
        let c = r.segment.samples[r.segment.samples.len() / 2];
        let (x, y) = img.px(c);
        if x < view::PANEL_WIDTH_PX + 10.0 {
            continue;
        }
        let want = if covered { view::COVERED } else { view::GAP };
        let hit = img.near(x, y, 3, want, 45);
        if covered {
            cov_all += 1;
            cov_hit += hit as usize;
        } else {
            gap_all += 1;
            gap_hit += hit as usize;
        }
    }
    assert!(
        gap_all > 100 && gap_hit as f64 >= 0.85 * gap_all as f64,
        "gaps red at {gap_hit} of {gap_all}"
    );
    assert!(
        cov_all > 3 && cov_hit as f64 >= 0.75 * cov_all as f64,
        "watched teal at {cov_hit} of {cov_all}"
    );
    // The viewshed overlay tints terrain around a post in its State's colour
    // (alpha-blended over the background, so not the pure colour).
    let post = &s.posts[0];
    let (x, y) = img.px(post.xy);
    let tinted = (-40i64..=40)
        .flat_map(|dy| (-40i64..=40).map(move |dx| (dx, dy)))
        .filter(|&(dx, dy)| {
            img.at(x as i64 + dx, y as i64 + dy).is_some_and(|p| {
                let bg = view::BACKGROUND;
                // bluer than the background: Andorra's colour mixed in
                (p[2] as i32 - p[0] as i32) > (bg[2] as i32 - bg[0] as i32) + 20
            })
        })
        .count();
    assert!(
        tinted > 200,
        "viewshed tint around {}: {tinted} pixels",
        post.id
    );
    let keep = repo().join("target/screenshots");
    std::fs::create_dir_all(&keep).unwrap();
    std::fs::copy(&out, keep.join("andorra-spain-coverage.png")).unwrap();
}

#[test]
fn plan_view_moves_units_and_colours_idleness() {
    use borderwatch::plan::{PlanMode, PlanOptions, Planner};
    let d = tempfile::tempdir().unwrap();
    let s = load("andorra-spain");
    for (mode, name) in [
        (PlanMode::Joint, "joint"),
        (PlanMode::Independent, "independent"),
    ] {
        let out = d.path().join(format!("plan-{name}.png"));
        let img = screenshot_with(
            &repo().join("scenarios/andorra-spain.toml"),
            &out,
            &["--colour", "idleness", "--time", "10:30", "--plan", name],
        );
        // The same plan the viewer computes (same seed, same options).
        let pl = Planner::new(&s, PlanOptions::for_scenario(&s, mode)).unwrap();
        let layers = pl.layers(&pl.solve());
        // Border coloured per watch point: idleness shade, posts' teal, or the
        // dark grey of points out of every unit's reach.
        let (mut hit, mut all, mut grey) = (0, 0, 0);
        for w in &layers.points {
            let (x, y) = img.px(w.line[w.line.len() / 2]);
            if x < view::PANEL_WIDTH_PX + 10.0 {
                continue;
            }
            let want = if w.counted {
                view::idleness_colour((w.weighted_gap_s / layers.horizon_s).clamp(0.0, 1.0))
            } else if w.posts_cover {
                view::COVERED
            } else {
                grey += 1;
                view::UNPATROLLED
            };
            all += 1;
            hit += img.near(x, y, 3, want, 45) as usize;
        }
        assert!(grey > 5 && all > 100, "{grey} unreachable of {all}");
        assert!(
            hit as f64 >= 0.8 * all as f64,
            "idleness colours at {hit} of {all}"
        );
        // Each unit on patrol at 10:30 is drawn at its place: a disc in its
        // State's colour ringed in white.
        let t = 10.5 * 3600.0;
        let on = layers
            .units
            .iter()
            .filter_map(|u| Some((u, u.position_at(t)?)))
            .collect::<Vec<_>>();
        assert!(!on.is_empty(), "no unit on patrol at 10:30");
        for (u, xy) in &on {
            let (x, y) = img.px(*xy);
            let colour = s.states[u.state].colour;
            assert!(
                img.near(x, y, 2, colour, 40),
                "{} not drawn at ({x:.0}, {y:.0})",
                u.id
            );
            assert!(
                img.near(x, y, 9, [255, 255, 255], 20),
                "{} has no white ring",
                u.id
            );
        }
        // Each unit's path is drawn in its State's full colour (dashes),
        // apart from the light band and network beneath it.
        let idx = borderwatch::index::SpatialIndex::build(&s);
        let (mut on_path, mut probes) = (0, 0);
        for u in &layers.units {
            let colour = view::patrol_path(s.states[u.state].colour);
            for p in &u.xy {
                let (x, y) = img.px(*p);
                let clear = idx.border.snap(*p).is_some_and(|b| b.distance_m > 400.0);
                if x < view::PANEL_WIDTH_PX + 10.0 || !clear || x > W as f64 || y > 590.0 {
                    continue;
                }
                probes += 1;
                on_path += img.near(x, y, 5, colour, 45) as usize;
            }
        }
        assert!(
            probes > 20 && on_path as f64 >= 0.6 * probes as f64,
            "patrol paths drawn at {on_path} of {probes} path points"
        );
        let keep = repo().join("target/screenshots");
        std::fs::create_dir_all(&keep).unwrap();
        std::fs::copy(&out, keep.join(format!("andorra-spain-plan-{name}.png"))).unwrap();
    }
}

#[test]
fn replay_shows_crossings_interceptions_and_routes_by_p_intercept() {
    use borderwatch::plan::{PlanMode, PlanOptions, Planner};
    use borderwatch::sim::{ladder, SimOptions, World};
    use borderwatch::viewer::sim::{RUNS, TRACKS};
    let d = tempfile::tempdir().unwrap();
    let s = load("andorra-spain");
    let out = d.path().join("replay.png");
    let img = screenshot_with(
        &repo().join("scenarios/andorra-spain.toml"),
        &out,
        &["--replay", "hot-pursuit", "--time", "23:30"],
    );
    // The ladder the viewer simulates (same plans, seed, runs).
    let plan = |mode| {
        let pl = Planner::new(&s, PlanOptions::for_scenario(&s, mode)).unwrap();
        let l = pl.layers(&pl.solve());
        (l.units, l.horizon_s)
    };
    let (indep, joint) = (plan(PlanMode::Independent), plan(PlanMode::Joint));
    let o = SimOptions {
        runs: RUNS,
        seed: s.seed,
        ..SimOptions::default()
    };
    let mut w = World::new(&s, Vec::new(), indep.1, o).unwrap();
    let rows = ladder::run(&mut w, (&indep.0, indep.1), (&joint.0, joint.1), TRACKS);
    let r = rows.last().unwrap();
    // away from the panel, the timeline, the crossings window (top right),
    // the legend (bottom left) and the Edit window (bottom right)
    let visible = |(x, y): (f64, f64)| {
        x > view::PANEL_WIDTH_PX + 10.0
            && y < H as f64 - 70.0
            && !(x > W as f64 - 360.0 && y < 340.0)
            && !(x < view::PANEL_WIDTH_PX + 200.0 && y > 460.0)
            && !(x > W as f64 - 350.0 && y > 600.0)
    };
    // Each route in the colour of its P(intercept).
    let (mut hit, mut all) = (0, 0);
    for (i, route) in s.routes.iter().enumerate() {
        // at points along it (the border and markers draw over some)
        let n = route.xy.0.len();
        let pts: Vec<_> = (1..20)
            .map(|k| {
                let f = (n - 1) as f64 * k as f64 / 20.0;
                let (i, u) = (f.floor() as usize, f.fract());
                let (a, b) = (route.xy.0[i], route.xy.0[(i + 1).min(n - 1)]);
                img.px(a + (b - a) * u)
            })
            .filter(|p| visible(*p))
            .collect();
        // a route a few pixels long on screen (a mapped way that ends
        // metres past the line) lies under the border's casing, the
        // groups' diamonds and the crosses of the interceptions on it
        let span = pts
            .iter()
            .map(|p| ((p.0 - pts[0].0).powi(2) + (p.1 - pts[0].1).powi(2)).sqrt())
            .fold(0.0, f64::max);
        if span < 12.0 {
            continue;
        }
        all += 1;
        let want = view::intercept_colour(r.per_route[i].p_intercept);
        // (within 3 px: the border's dark casing covers a route's first
        // pixels beside the line)
        let ok = pts.iter().any(|p| img.near(p.0, p.1, 3, want, 40));
        hit += ok as usize;
    }
    assert!(
        // (the replay's diamonds and crosses sit on the routes the groups
        // move along and are intercepted on: they cover some routes whole)
        all >= 12 && hit as f64 >= 0.75 * all as f64,
        "routes by P(intercept): {hit} of {all}"
    );
    // Groups on the move at 23:30 where the simulation puts them, orange
    // once detected.
    let t = 23.5 * 3600.0;
    let (mut hit, mut all) = (0, 0);
    for tr in &r.tracks {
        let Some(q) = tr.position_at(t) else { continue };
        let p = img.px(q);
        if !visible(p) {
            continue;
        }
        all += 1;
        let want = if tr.tracked_at(t) {
            view::TRACKED
        } else {
            view::GROUP
        };
        hit += img.near(p.0, p.1, 2, want, 40) as usize;
    }
    assert!(
        all >= 10 && hit as f64 >= 0.8 * all as f64,
        "groups: {hit} of {all}"
    );
    // Interceptions of the last 24 h marked where they happened.
    let (mut hit, mut all) = (0, 0);
    for tr in &r.tracks {
        let Some((ti, at)) = tr.intercepted.filter(|x| x.0 <= t) else {
            continue;
        };
        let p = img.px(at);
        if t - ti >= 86_400.0 || !visible(p) {
            continue;
        }
        all += 1;
        hit += img.near(p.0, p.1, 6, view::INTERCEPT, 40) as usize;
    }
    assert!(
        all >= 5 && hit as f64 >= 0.8 * all as f64,
        "interceptions: {hit} of {all}"
    );
    let keep = repo().join("target/screenshots");
    std::fs::create_dir_all(&keep).unwrap();
    std::fs::copy(&out, keep.join("andorra-spain-replay.png")).unwrap();
}

#[test]
fn frame_benchmark_loads_everything_then_times_frames() {
    // Not a speed assertion: the mode loads every background job (basemap,
    // assessment, both plans, the cooperation ladder), plays the timeline
    // and reports what it measured.
    let args: Vec<String> = [
        "view",
        repo()
            .join("scenarios/liechtenstein-switzerland.toml")
            .to_str()
            .unwrap(),
        "--bench-frames",
        "30",
        "--size",
        &format!("{W}x{H}"),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let o = on_display(&args).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let line = String::from_utf8_lossy(&o.stdout)
        .lines()
        .find(|l| l.starts_with('{'))
        .expect("a JSON line")
        .to_string();
    let v: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(v["frames"], 20, "30 frames less the first 10: {v}");
    let load = v["load_s"].as_f64().unwrap();
    let (med, p95, max) = (
        v["median_frame_ms"].as_f64().unwrap(),
        v["p95_frame_ms"].as_f64().unwrap(),
        v["max_frame_ms"].as_f64().unwrap(),
    );
    assert!(load > 0.0 && med > 0.0, "{v}");
    assert!(med <= p95 && p95 <= max, "{v}");
    // then every job re-run with frames drawn meanwhile (the window keeps
    // drawing while they run)
    let r = &v["while_jobs_rerun"];
    assert!(r["frames"].as_u64().unwrap() >= 1, "{v}");
    assert!(r["median_frame_ms"].as_f64().unwrap() > 0.0, "{v}");
}

#[test]
fn the_cached_map_is_the_map_drawn_every_frame() {
    // The lines and rasters are drawn into an image only when the view or
    // what they show changes; the window shows that image. Zoomed to a
    // post (the camera moves after the first frames: the cache must follow)
    // with the viewsheds and the coverage colouring, the window with the
    // cache and the one drawing every layer every frame agree at every
    // pixel.
    let d = tempfile::tempdir().unwrap();
    let scenario = repo().join("scenarios/andorra-spain.toml");
    let extra = ["--select", "AD-OP2", "--viewsheds", "--colour", "coverage"];
    let shot = |name: &str, cache: &str| {
        let out = d.path().join(name);
        let img = screenshot_env(&scenario, &out, &extra, &[("BORDERWATCH_MAP_CACHE", cache)]);
        keep(&out, name);
        img
    };
    let cached = shot("andorra-cached.png", "on");
    let direct = shot("andorra-direct.png", "off");
    assert_eq!(cached.view.centre, direct.view.centre);
    assert_eq!(cached.view.metres_per_px, direct.view.metres_per_px);
    // (one level of rounding differs from run to run on a software
    // renderer, under the panels too)
    let differ = cached
        .rgba
        .chunks(4)
        .zip(direct.rgba.chunks(4))
        .filter(|(a, b)| !close([a[0], a[1], a[2]], [b[0], b[1], b[2]], 2))
        .count();
    assert_eq!(
        differ, 0,
        "{differ} pixels differ between the cached and the direct map"
    );
    // and the map is there: the border coloured by coverage, its watched
    // stretch and its gaps
    let count = |c: [u8; 3]| {
        cached
            .rgba
            .chunks(4)
            .filter(|p| close([p[0], p[1], p[2]], c, 6))
            .count()
    };
    assert!(
        count(view::COVERED) > 50,
        "no watched stretch in the cached map"
    );
    assert!(count(view::GAP) > 500, "no gap in the cached map");
}

#[test]
fn editor_shows_the_selected_post_its_form_and_the_legend() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("andorra-spain-edit.png");
    let s = load("andorra-spain");
    let img = screenshot_with(
        &repo().join("scenarios/andorra-spain.toml"),
        &out,
        &["--select", "AD-OP2"],
    );
    keep(&out, "andorra-spain-edit.png");
    // the post is framed, zoomed in: 2.5 km round it (and the 400 m every
    // zoom adds) fill the map beside the Edit window, which shows the
    // post's form
    let post = s.post(&borderwatch::ids::PostId::new("AD-OP2")).unwrap();
    let d = borderwatch::viewer::SELECT_FRAME_M + 400.0;
    let mpp = img.view.metres_per_px;
    assert!(
        2.0 * d / mpp > 450.0 && 2.0 * d / mpp < 800.0,
        "{:.0} m on {:.1} m a pixel",
        2.0 * d,
        mpp
    );
    // the selection ring (15 px radius) around the post's triangle, in
    // the map and clear of the Edit window (from x = 940 at this size)
    let (x, y) = img.px(post.xy);
    assert!(
        x > view::PANEL_WIDTH_PX + 2.0 * d / mpp / 2.0 - 40.0 && x + d / mpp < 950.0,
        "the post at x = {x:.0}"
    );
    // (each probe looks along its ray, 11..20 px: the map's fit and
    // egui's rounding differ by a pixel or two)
    let ringed = |x: f64, y: f64, a: f64| {
        (11..=20).any(|r| {
            let r = r as f64;
            img.at(
                (x + r * a.cos()).round() as i64,
                (y + r * a.sin()).round() as i64,
            )
            .is_some_and(|c| close(c, view::SELECTED, 60))
        })
    };
    let probes = 72;
    let ring = (0..probes)
        .filter(|k| {
            ringed(
                x,
                y - 1.0,
                *k as f64 / probes as f64 * std::f64::consts::TAU,
            )
        })
        .count();
    assert!(
        ring * 2 >= probes,
        "selection ring at {ring} of {probes} probes around ({x:.0}, {y:.0})"
    );
    // no other post is ringed
    for p in s.posts.iter().filter(|p| p.id.as_str() != "AD-OP2") {
        let (x, y) = img.px(p.xy);
        let hits = (0..36)
            .filter(|k| {
                let a = *k as f64 / 36.0 * std::f64::consts::TAU;
                img.at(
                    (x + 15.0 * a.cos()).round() as i64,
                    (y - 1.0 + 15.0 * a.sin()).round() as i64,
                )
                .is_some_and(|c| close(c, view::SELECTED, 60))
            })
            .count();
        assert!(hits < 6, "{} ringed too ({hits})", p.id);
    }
    // the Edit window (egui's dark frame) at the bottom right, over the map
    let dark = (1000..1270)
        .step_by(5)
        .flat_map(|x| (560..740).step_by(5).map(move |y| (x, y)))
        .filter(|&(x, y)| img.at(x, y).is_some_and(|c| c.iter().all(|&v| v < 60)))
        .count();
    assert!(
        dark > 400,
        "the Edit window is not there ({dark} dark probes)"
    );
    // the legend (light box) in a corner of the map that hides least of
    // it (bottom left, top left or top right), with the post symbols in
    // both States' colours at its left
    let light = |(x0, x1, y0, y1): (i64, i64, i64, i64)| {
        (x0..x1)
            .step_by(4)
            .flat_map(|x| (y0..y1).step_by(4).map(move |y| (x, y)))
            .filter(|&(x, y)| img.at(x, y).is_some_and(|c| close(c, [250, 250, 246], 12)))
            .count()
    };
    let corners = [
        (310, 470, 560, 690),
        (310, 470, 70, 200),
        (1112, 1272, 10, 140),
    ];
    let (n, box_) = corners
        .iter()
        .map(|c| (light(*c), *c))
        .max_by_key(|x| x.0)
        .unwrap();
    assert!(
        n > 300,
        "no legend box ({n} light probes in the best corner)"
    );
    for st in &s.states {
        let n = (box_.0..box_.0 + 20)
            .flat_map(|x| (box_.2..box_.3).map(move |y| (x, y)))
            .filter(|&(x, y)| img.at(x, y).is_some_and(|c| close(c, st.colour, 30)))
            .count();
        assert!(n > 10, "no {} post symbol in the legend ({n} px)", st.id);
    }
}

/// A private X server (never the user's desktop: the test moves the mouse).
struct Xvfb {
    child: std::process::Child,
    display: String,
}

impl Xvfb {
    fn start() -> Xvfb {
        for n in 91..140 {
            if Path::new(&format!("/tmp/.X11-unix/X{n}")).exists()
                || Path::new(&format!("/tmp/.X{n}-lock")).exists()
            {
                continue;
            }
            let display = format!(":{n}");
            let Ok(child) = Command::new("Xvfb")
                .args([display.as_str(), "-screen", "0", &format!("{W}x{H}x24")])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
            else {
                panic!("cannot start Xvfb: install xvfb (see .ci/run)");
            };
            let t = std::time::Instant::now();
            while !Path::new(&format!("/tmp/.X11-unix/X{n}")).exists() {
                assert!(t.elapsed().as_secs() < 20, "Xvfb {display} did not start");
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            return Xvfb { child, display };
        }
        panic!("no free X display number");
    }
    fn xdotool(&self, args: &[&str]) -> String {
        let o = Command::new("xdotool")
            .args(args)
            .env("DISPLAY", &self.display)
            .output()
            .expect("xdotool is needed to drive the window (apt-get install xdotool, see .ci/run)");
        assert!(
            o.status.success(),
            "xdotool {args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8_lossy(&o.stdout).trim().to_string()
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct KillOnDrop(std::process::Child);
impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn drag_a_post_in_the_window_then_ctrl_s_saves_it() {
    let (d, toml) = shipped("andorra-spain");
    let posts = d.path().join("maps/andorra-spain/posts.geojson");
    let s = borderwatch::scenario::load_ok(&toml).unwrap().0;
    let x = Xvfb::start();
    let xdg = d.path().join("xdg");
    std::fs::create_dir_all(&xdg).unwrap();
    // the window logs where it frames the map (beside its floating
    // windows, which the screenshot mode does not all show)
    let log = d.path().join("viewer.log");
    let viewer = KillOnDrop(
        Command::new(bin())
            .args([
                "view",
                &toml.to_string_lossy(),
                "--size",
                &format!("{W}x{H}"),
            ])
            .env("DISPLAY", &x.display)
            .env("XDG_RUNTIME_DIR", &xdg)
            .env("BORDERWATCH_CONFIG_DIR", d.path().join("config"))
            .stdout(std::process::Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap(),
    );
    let win = x.xdotool(&["search", "--sync", "--name", "borderwatch"]);
    let win = win.lines().next().unwrap().to_string();
    // no window manager: give the window the keyboard
    x.xdotool(&["windowfocus", "--sync", &win]);
    let post = s.post(&borderwatch::ids::PostId::new("AD-OP2")).unwrap();
    let framed = || {
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        let last = text.lines().rev().find(|l| l.contains("framed: "))?;
        let at = last.find("window centre at ")?;
        Some(reported_view(&format!("view: {}", &last[at..])))
    };
    let before = post.lonlat;
    let pause = |ms| std::thread::sleep(std::time::Duration::from_millis(ms));
    // The camera is placed on the first frame, which may come late on a
    // busy machine (the other screenshot tests run alongside): a drag
    // before it misses the post and pans the map, so each attempt first
    // presses F (fit: the view the pixel positions assume) and waits longer.
    let mut moved = None;
    let mut fit = None;
    for attempt in 1..=4u64 {
        pause(2000 * attempt);
        x.xdotool(&["key", "f"]);
        pause(500);
        let Some(f) = framed() else { continue };
        fit = Some(f);
        let (px0, py0) = view::world_to_px(&f, post.xy, W as f64, H as f64, 0.0, 0.0);
        let (px0, py0) = (px0.round() as i64, py0.round() as i64);
        x.xdotool(&["mousemove", &px0.to_string(), &py0.to_string()]);
        pause(300);
        x.xdotool(&["mousedown", "1"]);
        for dy in [5, 20, 40, 60, 80] {
            pause(100);
            x.xdotool(&["mousemove", &px0.to_string(), &(py0 - dy).to_string()]);
        }
        pause(300);
        x.xdotool(&["mouseup", "1"]);
        pause(500);
        x.xdotool(&["keydown", "ctrl"]);
        pause(200);
        x.xdotool(&["key", "s"]);
        pause(200);
        x.xdotool(&["keyup", "ctrl"]);
        // the save lands in posts.geojson
        let t = std::time::Instant::now();
        while t.elapsed().as_secs() < 15 && moved.is_none() {
            let again = borderwatch::scenario::load_ok(&toml).unwrap().0;
            let p = again
                .post(&borderwatch::ids::PostId::new("AD-OP2"))
                .unwrap()
                .clone();
            if p.lonlat != before {
                moved = Some(p);
            }
            pause(250);
        }
        if moved.is_some() {
            break;
        }
    }
    let moved = moved.expect("the drag and Ctrl+S were not saved (4 attempts)");
    drop(viewer);
    let fit = fit.unwrap();
    let north_m = moved.xy.y - post.xy.y;
    let want = 80.0 * fit.metres_per_px;
    assert!(
        (north_m - want).abs() < 3.0 * fit.metres_per_px
            && (moved.xy.x - post.xy.x).abs() < 3.0 * fit.metres_per_px,
        "moved {north_m:.0} m north, {:.0} m east; dragged {want:.0} m north",
        moved.xy.x - post.xy.x
    );
    // every other post as it was, and the file passes check
    let text = std::fs::read_to_string(&posts).unwrap();
    assert!(text.contains("\"id\":\"AD-OP1\""));
    let again = borderwatch::scenario::load_ok(&toml).unwrap().0;
    for p in s.posts.iter().filter(|p| p.id.as_str() != "AD-OP2") {
        assert_eq!(again.post(&p.id).unwrap().lonlat, p.lonlat, "{}", p.id);
    }
}

#[test]
fn a_screenshot_of_a_failed_plan_exits_non_zero_and_says_why() {
    let (d, toml) = common::shipped("andorra-spain");
    let t = std::fs::read_to_string(&toml).unwrap();
    let cut = t
        .find("\n[[units]]")
        .expect("the shipped scenario has units");
    std::fs::write(&toml, &t[..cut]).unwrap();
    let out = d.path().join("no-units.png");
    let args = [
        "view".to_string(),
        toml.to_string_lossy().to_string(),
        "--screenshot".into(),
        out.to_string_lossy().to_string(),
    ];
    let o = on_display(&args).output().unwrap();
    let e = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{e}");
    assert!(e.contains("the plan failed"), "{e}");
    assert!(out.exists(), "the picture is still written, to look at");
}
