//! The map window's workstation without a window (Bevy `MinimalPlugins`,
//! `app.update()`): edits, undo, jobs with cancel, save, open and export
//! go through the same systems the window runs.
#![cfg(feature = "viewer")]

mod common;

use bevy::prelude::*;
use borderwatch::export::Export;
use borderwatch::ids::PostId;
use borderwatch::plan::PlanMode;
use borderwatch::scenario::edit::Edit;
use borderwatch::viewer::assess::AssessJob;
use borderwatch::viewer::edit::{Answer, EditState, EditorRes, IoJobs, Pending, Request, Requests};
use borderwatch::viewer::plan::PlanJob;
use borderwatch::viewer::sim::SimJob;
use borderwatch::viewer::{add_workstation, MapData};
use std::path::Path;
use std::time::{Duration, Instant};

fn app(scenario: &Path) -> App {
    app_with(scenario, false)
}

/// The workstation, with or without the interception game's ladder (it
/// takes the CPU the other jobs' tests wait for).
fn app_with(scenario: &Path, game: bool) -> App {
    // recent files go to a private place, never the user's
    static CONFIG: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    let cfg = CONFIG.get_or_init(|| tempfile::tempdir().unwrap());
    std::env::set_var("BORDERWATCH_CONFIG_DIR", cfg.path());
    let s = borderwatch::scenario::load::load_ok(scenario).unwrap().0;
    let mut app = App::new();
    app.add_plugins(MinimalPlugins);
    let sim = SimJob {
        game: borderwatch::viewer::game::GameJob {
            enabled: game,
            ..Default::default()
        },
        ..Default::default()
    };
    add_workstation(&mut app, s, PlanJob::default(), sim);
    app
}

/// Update until `done` holds (fails after 10 minutes).
fn settle(app: &mut App, what: &str, done: impl Fn(&World) -> bool) {
    let t = Instant::now();
    loop {
        app.update();
        if done(app.world()) {
            return;
        }
        assert!(
            t.elapsed() < Duration::from_secs(600),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn idle(w: &World) -> bool {
    !w.resource::<AssessJob>().running()
        && !w.resource::<PlanJob>().running()
        && !w.resource::<SimJob>().running()
        && !w.resource::<IoJobs>().open.running()
        && !w.resource::<IoJobs>().export.running()
}

/// Every job done and its result for the map's current revision.
fn up_to_date(w: &World) -> bool {
    let rev = w.resource::<MapData>().rev;
    let sim = w.resource::<SimJob>();
    let plan = w.resource::<PlanJob>();
    idle(w)
        && w.resource::<AssessJob>().result.is_some()
        && w.resource::<AssessJob>().rev == rev
        && plan.result.is_some()
        && plan.rev == rev
        && sim.result.is_some()
        && sim.rev == rev
}

/// The agreements of the scenario the map shows.
fn agreements(app: &App) -> borderwatch::model::Agreements {
    app.world()
        .resource::<MapData>()
        .scenario
        .agreements
        .clone()
}

fn request(app: &mut App, r: Request) {
    app.world_mut().resource_mut::<Requests>().0.push(r);
}

fn post_xy(app: &App, id: &str) -> geo::Coord {
    app.world()
        .resource::<MapData>()
        .scenario
        .post(&PostId::new(id))
        .unwrap()
        .xy
}

fn sight_xy(app: &App, id: &str) -> geo::Coord {
    let a = app.world().resource::<AssessJob>();
    a.result
        .as_ref()
        .unwrap()
        .sights
        .iter()
        .find(|s| s.id == id)
        .unwrap()
        .xy
}

#[test]
fn move_a_post_replans_and_undo_restores_the_figures() {
    let (_d, p) = common::shipped("andorra-spain");
    let mut app = app(&p);
    settle(&mut app, "the first results", up_to_date);
    let covered0 = app
        .world()
        .resource::<AssessJob>()
        .result
        .as_ref()
        .unwrap()
        .views[2]
        .covered_pct
        .total;
    let worst0 = app
        .world()
        .resource::<PlanJob>()
        .current()
        .unwrap()
        .worst_idleness_min;
    let old = post_xy(&app, "AD-OP2");
    let lines0 = app.world().resource::<MapData>().lines.clone();
    let lonlat = app
        .world()
        .resource::<MapData>()
        .scenario
        .projection
        .inverse(old);
    // 2.5 km north, further into Andorra
    let to = geo::Coord {
        x: lonlat.x,
        y: lonlat.y + 0.0225,
    };
    request(
        &mut app,
        Request::Edit(Edit::MovePost {
            id: PostId::new("AD-OP2"),
            lonlat: to,
        }),
    );
    app.update();
    {
        let w = app.world();
        assert_eq!(w.resource::<MapData>().rev, 1);
        assert_eq!(w.resource::<EditState>().status, "move post AD-OP2");
        assert!(w.resource::<EditorRes>().0.dirty());
        // the jobs restarted; the old results stay until the new land
        assert!(w.resource::<AssessJob>().running() && w.resource::<PlanJob>().running());
        assert_eq!(w.resource::<AssessJob>().rev, 0);
        assert!(w.resource::<AssessJob>().result.is_some());
        // moving a post changes no line: their levels of detail carry over
        assert!(std::sync::Arc::ptr_eq(
            &w.resource::<MapData>().lines,
            &lines0
        ));
    }
    let new = post_xy(&app, "AD-OP2");
    assert!((new.y - old.y - 2500.0).abs() < 50.0, "{old:?} → {new:?}");
    settle(&mut app, "the results after the move", up_to_date);
    assert_eq!(sight_xy(&app, "AD-OP2"), new, "assessed from the new place");
    let covered1 = app
        .world()
        .resource::<AssessJob>()
        .result
        .as_ref()
        .unwrap()
        .views[2]
        .covered_pct
        .total;
    assert_ne!(covered0, covered1, "coverage changes with the post");
    // undo: the post goes back, and every figure with it
    request(&mut app, Request::Undo);
    app.update();
    assert_eq!(app.world().resource::<MapData>().rev, 2);
    assert_eq!(post_xy(&app, "AD-OP2"), old);
    assert_eq!(
        app.world().resource::<EditState>().status,
        "undone: move post AD-OP2"
    );
    settle(&mut app, "the results after undo", up_to_date);
    assert_eq!(sight_xy(&app, "AD-OP2"), old);
    let a = app.world().resource::<AssessJob>();
    assert_eq!(
        a.result.as_ref().unwrap().views[2].covered_pct.total,
        covered0
    );
    let plan = app.world().resource::<PlanJob>();
    assert_eq!(plan.current().unwrap().worst_idleness_min, worst0);
    // redo brings the move back
    request(&mut app, Request::Redo);
    app.update();
    assert_eq!(post_xy(&app, "AD-OP2"), new);
}

#[test]
fn a_refused_edit_changes_nothing_and_says_why() {
    let (_d, p) = common::shipped("andorra-spain");
    let mut app = app(&p);
    settle(&mut app, "the first results", up_to_date);
    let es = app
        .world()
        .resource::<MapData>()
        .scenario
        .post(&PostId::new("ES-OP1"))
        .unwrap()
        .lonlat;
    request(
        &mut app,
        Request::Edit(Edit::MovePost {
            id: PostId::new("AD-OP1"),
            lonlat: es,
        }),
    );
    app.update();
    let w = app.world();
    let st = w.resource::<EditState>();
    assert!(st.status.starts_with("edit refused"), "{}", st.status);
    assert_eq!(st.problems.len(), 1, "{:?}", st.problems);
    // in the user's words: the post by its id, no file, feature or field
    assert_eq!(
        st.problems[0], "post AD-OP1 lies on the ESP side of the border, not in its State AND",
        "{:?}",
        st.problems
    );
    assert_eq!(w.resource::<MapData>().rev, 0);
    assert!(!w.resource::<EditorRes>().0.dirty());
    assert!(!w.resource::<AssessJob>().running(), "no job restarted");
}

#[test]
fn cancel_keeps_the_old_results() {
    let (_d, p) = common::shipped("andorra-spain");
    let mut app = app(&p);
    settle(&mut app, "the first results", up_to_date);
    let gen = app.world().resource::<PlanJob>().generation;
    request(&mut app, Request::Rerun);
    app.update();
    assert!(app.world().resource::<AssessJob>().running());
    assert!(app.world().resource::<PlanJob>().running());
    request(&mut app, Request::Cancel);
    app.update();
    for _ in 0..20 {
        app.update();
    }
    let w = app.world();
    for (name, running, note, has) in [
        (
            "assess",
            w.resource::<AssessJob>().running(),
            w.resource::<AssessJob>().note.clone(),
            w.resource::<AssessJob>().result.is_some(),
        ),
        (
            "plan",
            w.resource::<PlanJob>().running(),
            w.resource::<PlanJob>().note.clone(),
            w.resource::<PlanJob>().result.is_some(),
        ),
    ] {
        assert!(!running, "{name} still running");
        assert_eq!(note.as_deref(), Some("cancelled"), "{name}");
        assert!(has, "{name} lost its result");
    }
    assert_eq!(
        w.resource::<PlanJob>().generation,
        gen,
        "no new plan landed"
    );
}

#[test]
fn cancelled_computations_stop_early() {
    // the flag the Cancel button sets makes the core return Cancelled
    let (_d, p) = common::shipped("usa-mexico");
    let s = borderwatch::scenario::load::load_ok(&p).unwrap().0;
    let progress = borderwatch::progress::Progress::new();
    let o = borderwatch::assess::AssessOptions {
        progress: progress.clone(),
        ..Default::default()
    };
    let t = std::thread::spawn(move || borderwatch::assess::assess(&s, &o));
    let started = Instant::now();
    while progress.fraction() == 0.0 && started.elapsed() < Duration::from_secs(120) {
        std::thread::sleep(Duration::from_millis(1));
    }
    progress.cancel();
    let r = t.join().unwrap();
    assert!(
        matches!(r, Err(borderwatch::error::Error::Cancelled)),
        "{:?}",
        r.map(|a| a.segments.len())
    );
}

#[test]
fn save_export_and_open_from_the_workstation() {
    let (d, p) = common::shipped("andorra-spain");
    let mut app = app(&p);
    settle(&mut app, "the first results", up_to_date);
    let before = std::fs::read_to_string(&p).unwrap();
    let mut a = agreements(&app);
    a.hot_pursuit = !a.hot_pursuit;
    request(&mut app, Request::Edit(Edit::SetAgreements(a.clone())));
    request(&mut app, Request::Save);
    app.update();
    let st = app.world().resource::<EditState>();
    assert!(st.status.starts_with("saved "), "{}", st.status);
    assert!(!app.world().resource::<EditorRes>().0.dirty());
    let after = std::fs::read_to_string(&p).unwrap();
    assert_ne!(before, after);
    let reread = borderwatch::scenario::load::load_ok(&p).unwrap().0;
    assert_eq!(reread.agreements, a);
    // export the joint plan's orders and GPX
    let out = d.path().join("out/plan");
    request(
        &mut app,
        Request::Export(Export::Plan(PlanMode::Joint), out.clone()),
    );
    settle(&mut app, "the export", |w| {
        !w.resource::<IoJobs>().export.running() && w.resource::<IoJobs>().export.generation > 0
    });
    let st = app.world().resource::<EditState>();
    assert!(
        st.status.starts_with("exported "),
        "{} {:?}",
        st.status,
        st.problems
    );
    let orders: Vec<_> = std::fs::read_dir(out.join("orders")).unwrap().collect();
    let units = app.world().resource::<MapData>().scenario.units.len();
    assert_eq!(orders.len(), units, "one order sheet per unit");
    assert!(out.join("plan.geojson").is_file() && out.join("gpx").is_dir());
    let sheet = |dir: &Path| std::fs::read_to_string(dir.join("orders/AD-F1.html")).unwrap();
    assert!(sheet(&out).contains("NOT FOR RELEASE"));
    // the same export, releasable only: marked for the neighbour
    app.world_mut()
        .resource_mut::<EditState>()
        .export_releasable = true;
    let rel = d.path().join("out/plan-releasable");
    let before = app.world().resource::<IoJobs>().export.generation;
    request(
        &mut app,
        Request::Export(Export::Plan(PlanMode::Joint), rel.clone()),
    );
    settle(&mut app, "the releasable export", |w| {
        !w.resource::<IoJobs>().export.running()
            && w.resource::<IoJobs>().export.generation > before
    });
    assert_eq!(
        sheet(&rel).matches("RELEASABLE TO AND, ESP").count(),
        2,
        "head and foot"
    );
    // open another scenario: everything restarts on it
    let li = common::repo().join("scenarios/liechtenstein-switzerland.toml");
    request(&mut app, Request::Open(li.clone()));
    settle(&mut app, "the opened scenario", |w| {
        w.resource::<MapData>().scenario.name == "liechtenstein-switzerland" && up_to_date(w)
    });
    let w = app.world();
    assert_eq!(
        w.resource::<EditorRes>().0.scenario.name,
        "liechtenstein-switzerland"
    );
    assert!(!w.resource::<EditorRes>().0.dirty());
    let a = w.resource::<AssessJob>().result.as_ref().unwrap();
    assert_eq!(a.scenario, "liechtenstein-switzerland");
    let recent = borderwatch::recent::list();
    assert_eq!(recent[0], std::fs::canonicalize(&li).unwrap());
    // a scenario that does not load: the problems, not a crash
    let bad = d.path().join("missing.toml");
    request(&mut app, Request::Open(bad));
    settle(&mut app, "the failed open", |w| {
        !w.resource::<IoJobs>().open.running() && !w.resource::<EditState>().problems.is_empty()
    });
    let w = app.world();
    assert!(w.resource::<EditState>().problems[0].contains("missing.toml"));
    assert_eq!(
        w.resource::<MapData>().scenario.name,
        "liechtenstein-switzerland"
    );
}

#[test]
fn suggested_sites_can_be_added_as_posts() {
    let (_d, p) = common::shipped("andorra-spain");
    let mut app = app(&p);
    settle(&mut app, "the first results", up_to_date);
    let and = borderwatch::ids::StateId::new("AND");
    request(
        &mut app,
        Request::Site {
            state: and.clone(),
            add: 2,
        },
    );
    settle(&mut app, "the sites", |w| {
        let s = &w.resource::<IoJobs>().site;
        !s.running() && (s.result.is_some() || s.error.is_some())
    });
    let r = app
        .world()
        .resource::<IoJobs>()
        .site
        .result
        .clone()
        .unwrap();
    assert_eq!(r.chosen.len(), 2);
    assert_eq!(r.state, "AND");
    // the same figures as `borderwatch site --state AND --add 2`
    let s = app.world().resource::<MapData>().scenario.clone();
    let cli = borderwatch::assess::site::site(
        &s,
        &Default::default(),
        &borderwatch::assess::site::SiteOptions::new(and.clone(), 2),
        &[],
    )
    .unwrap();
    assert_eq!(
        r.chosen
            .iter()
            .map(|c| c.candidate.id.clone())
            .collect::<Vec<_>>(),
        cli.chosen
            .iter()
            .map(|c| c.candidate.id.clone())
            .collect::<Vec<_>>()
    );
    // "Add as post" on the first: a new Andorran post there, jobs re-run
    let c = &r.chosen[0];
    let lonlat = geo::Coord {
        x: c.candidate.lonlat[0],
        y: c.candidate.lonlat[1],
    };
    let ed = &app.world().resource::<EditorRes>().0;
    let d = borderwatch::viewer::edit::new_post_at(ed, c.candidate.xy).unwrap();
    assert_eq!(d.state, and);
    let n = s.posts.len();
    request(
        &mut app,
        Request::Edit(Edit::AddPost(borderwatch::scenario::edit::PostDraft {
            lonlat,
            ..d
        })),
    );
    app.update();
    let w = app.world();
    assert_eq!(w.resource::<MapData>().scenario.posts.len(), n + 1);
    assert!(w
        .resource::<EditState>()
        .status
        .starts_with("add post AD-OP"));
    settle(&mut app, "the results with the new post", up_to_date);
    // (the siting counts both States' posts: the joint view)
    let a = app.world().resource::<AssessJob>();
    let v = &a.result.as_ref().unwrap().views[2];
    assert_eq!(v.view, "joint");
    let covered = v.covered_pct.total;
    assert!(
        (covered - c.covered_pct_after).abs() < 0.05,
        "coverage with the new post {covered} vs the siting's {}",
        c.covered_pct_after
    );
}

#[test]
fn unsaved_changes_are_never_discarded_without_asking() {
    let (_d, p) = common::shipped("andorra-spain");
    let mut app = app(&p);
    app.update();
    let mut a = agreements(&app);
    a.hot_pursuit = !a.hot_pursuit;
    request(&mut app, Request::Edit(Edit::SetAgreements(a.clone())));
    app.update();
    assert!(app.world().resource::<EditorRes>().0.dirty());
    // open another scenario: held for the prompt, nothing changes
    let li = common::repo().join("scenarios/liechtenstein-switzerland.toml");
    request(&mut app, Request::Open(li.clone()));
    app.update();
    let st = app.world().resource::<EditState>();
    assert_eq!(st.unsaved, Some(Pending::Open(li.clone())));
    assert!(st.status.contains("unsaved changes"), "{}", st.status);
    assert!(!app.world().resource::<IoJobs>().open.running());
    // cancel: still editing the same scenario, changes kept
    request(&mut app, Request::Answer(Answer::Cancel));
    app.update();
    assert!(app.world().resource::<EditState>().unsaved.is_none());
    assert!(app.world().resource::<EditorRes>().0.dirty());
    assert_eq!(app.world().resource::<EditorRes>().0.scenario.agreements, a);
    // closing the window asks too, and does not close
    request(&mut app, Request::Quit);
    app.update();
    assert_eq!(
        app.world().resource::<EditState>().unsaved,
        Some(Pending::Quit)
    );
    assert!(app.should_exit().is_none());
    request(&mut app, Request::Answer(Answer::Cancel));
    // undoing back to the saved content needs no prompt
    request(&mut app, Request::Undo);
    app.update();
    assert!(!app.world().resource::<EditorRes>().0.dirty());
    request(&mut app, Request::Edit(Edit::SetAgreements(a.clone())));
    // save, then open: the file on disk has the change
    request(&mut app, Request::Open(li.clone()));
    request(&mut app, Request::Answer(Answer::Save));
    settle(&mut app, "the opened scenario", |w| {
        w.resource::<MapData>().scenario.name == "liechtenstein-switzerland" && idle(w)
    });
    let reread = borderwatch::scenario::load::load_ok(&p).unwrap().0;
    assert_eq!(reread.agreements, a, "saved before opening");
    // discard: the change is gone, the other scenario opens
    let mut b = agreements(&app);
    b.liaison_delay_min += 5.0;
    request(&mut app, Request::Edit(Edit::SetAgreements(b)));
    request(&mut app, Request::Open(p.clone()));
    request(&mut app, Request::Answer(Answer::Discard));
    settle(&mut app, "the first scenario again", |w| {
        w.resource::<MapData>().scenario.name == "andorra-spain" && idle(w)
    });
    assert!(!app.world().resource::<EditorRes>().0.dirty());
    // with nothing unsaved, closing closes
    request(&mut app, Request::Quit);
    app.update();
    assert!(app.should_exit().is_some());
}

#[test]
fn changes_kept_by_the_autosave_are_offered_after_a_lost_window() {
    let (_d, p) = common::shipped("andorra-spain");
    let mut app1 = app(&p);
    app1.update();
    let mut a = agreements(&app1);
    a.liaison_delay_min = 9.0;
    request(&mut app1, Request::Edit(Edit::SetAgreements(a.clone())));
    app1.update();
    assert!(app1.world().resource::<EditorRes>().0.dirty());
    drop(app1); // the window dies before saving
                // the next start offers the changes, without applying them
    let mut app2 = app(&p);
    app2.update();
    let st = app2.world().resource::<EditState>();
    let kept = st.recover.as_ref().expect("the kept changes are offered");
    assert_eq!(kept.changes, vec!["change agreements"]);
    assert!(!app2.world().resource::<EditorRes>().0.dirty());
    assert_ne!(
        app2.world().resource::<MapData>().scenario.agreements,
        a,
        "never applied unasked"
    );
    request(&mut app2, Request::Recover(true));
    app2.update();
    assert!(app2.world().resource::<EditState>().recover.is_none());
    assert!(app2.world().resource::<EditorRes>().0.dirty());
    assert_eq!(app2.world().resource::<MapData>().scenario.agreements, a);
    // saving clears the kept copy: a third start offers nothing
    request(&mut app2, Request::Save);
    app2.update();
    assert!(!app2.world().resource::<EditorRes>().0.dirty());
    drop(app2);
    let mut app3 = app(&p);
    app3.update();
    assert!(app3.world().resource::<EditState>().recover.is_none());
    assert_eq!(app3.world().resource::<MapData>().scenario.agreements, a);
    // changed, then saved under a new name: the old file has nothing to
    // recover either (the changes are in the new one)
    let mut b = a.clone();
    b.liaison_delay_min = 11.0;
    request(&mut app3, Request::Edit(Edit::SetAgreements(b)));
    app3.update();
    assert!(borderwatch::scenario::recovery::find(&p).unwrap().is_some());
    let other = p.with_file_name("renamed.toml");
    request(&mut app3, Request::SaveAs(other.clone()));
    app3.update();
    assert!(other.is_file());
    assert!(borderwatch::scenario::recovery::find(&p).unwrap().is_none());
    assert!(borderwatch::scenario::recovery::find(&other)
        .unwrap()
        .is_none());
}

#[test]
fn the_ladder_is_planned_as_an_interception_game_in_the_background() {
    let (_d, p) = common::shipped("andorra-spain");
    let mut app = app_with(&p, true);
    settle(&mut app, "the game's ladder", |w| {
        let g = &w.resource::<SimJob>().game.slot;
        g.result.is_some() || g.error.is_some()
    });
    let sim = app.world().resource::<SimJob>();
    assert!(sim.game.slot.error.is_none(), "{:?}", sim.game.slot.error);
    let rows = sim.game.slot.result.as_ref().unwrap();
    assert_eq!(rows.len(), 4, "one row per rung");
    for pair in rows.windows(2) {
        assert!(
            pair[1].guaranteed_p_intercept >= pair[0].guaranteed_p_intercept - 1e-9,
            "a rung only adds options: {} {} then {} {}",
            pair[0].step,
            pair[0].guaranteed_p_intercept,
            pair[1].step,
            pair[1].guaranteed_p_intercept
        );
    }
    let top = rows.last().unwrap();
    assert!(top.guaranteed_p_intercept > 0.05, "{top:?}");
    assert!(top.upper_bound >= top.guaranteed_p_intercept);
    // the best response names a scenario route, which the map rings
    let s = &app.world().resource::<MapData>().scenario;
    let i = borderwatch::viewer::game::best_response_route(&sim.game, rows.len() - 1, s);
    assert!(
        i.is_some_and(|i| top.best_response.starts_with(s.routes[i].id.as_str())),
        "{}",
        top.best_response
    );
}

#[test]
fn the_neighbours_received_posts_are_shown_but_not_edited_here() {
    let two = common::Two::new();
    two.share("AND", "ESP", "posts,units,agreements", "p.bwx");
    common::ok(two.receive("p.bwx", "ESP", "AND"));
    let esp = two.p("esp/scenarios/andorra-spain.toml");
    let mut app = app(&esp);
    app.update();
    let s = &app.world().resource::<MapData>().scenario;
    assert_eq!(s.posts.len(), 6, "Spain's 3 and Andorra's 3");
    assert_eq!(s.received.len(), 1);
    assert!(s.is_received_post(&PostId::new("AD-OP2")));
    let at = post_xy(&app, "AD-OP2");
    let lonlat = app
        .world()
        .resource::<MapData>()
        .scenario
        .projection
        .inverse(at + geo::Coord { x: 50.0, y: 0.0 });
    request(
        &mut app,
        Request::Edit(Edit::MovePost {
            id: PostId::new("AD-OP2"),
            lonlat,
        }),
    );
    app.update();
    let w = app.world();
    let st = w.resource::<EditState>();
    assert!(st.status.starts_with("edit refused"), "{}", st.status);
    assert!(
        st.problems
            .iter()
            .any(|p| p.contains("post AD-OP2 is AND's, received in its package 1")),
        "{:?}",
        st.problems
    );
    assert!(!w.resource::<EditorRes>().0.dirty());
}

#[test]
fn file_new_imports_an_extract_and_opens_it_after_asking() {
    use borderwatch::viewer::new::{self, NewForm};
    let (_d, p) = common::shipped("andorra-spain");
    let out = tempfile::tempdir().unwrap();
    let mut app = app(&p);
    app.update();
    // an unsaved change waits in the editor
    let mut a = agreements(&app);
    a.hot_pursuit = !a.hot_pursuit;
    request(&mut app, Request::Edit(Edit::SetAgreements(a)));
    app.update();
    // a form with everything wrong says all of it at once, and starts nothing
    {
        let mut f = app.world_mut().resource_mut::<NewForm>();
        f.pbf = "nowhere.osm.pbf".into();
        f.states = "AD".into();
        f.name = "a b".into();
        new::start(&mut f);
        assert_eq!(f.problems.len(), 3, "{:?}", f.problems);
        assert!(
            f.problems[0].contains("nowhere.osm.pbf"),
            "{:?}",
            f.problems
        );
        assert!(!f.job.running());
    }
    // the real extract: imported in the background, then File → Open's way
    {
        let mut f = app.world_mut().resource_mut::<NewForm>();
        f.pbf = common::data()
            .join("osm/andorra-2013.osm.pbf")
            .to_string_lossy()
            .into();
        f.states = "AD,ES".into();
        f.name = "andorra-new".into();
        f.out = out.path().to_string_lossy().into();
        f.posts = 2;
        new::start(&mut f);
        assert!(f.problems.is_empty(), "{:?}", f.problems);
    }
    let toml = out.path().join("scenarios/andorra-new.toml");
    settle(&mut app, "the import and the prompt", |w| {
        w.resource::<EditState>().unsaved == Some(Pending::Open(toml.clone()))
    });
    assert!(toml.is_file(), "the scenario is written");
    // still the old scenario, with its change, until the user answers
    assert_eq!(
        app.world().resource::<MapData>().scenario.name,
        "andorra-spain"
    );
    assert!(app.world().resource::<EditorRes>().0.dirty());
    request(&mut app, Request::Answer(Answer::Discard));
    settle(&mut app, "the new scenario", |w| {
        w.resource::<MapData>().scenario.name == "andorra-new" && idle(w)
    });
    let s = &app.world().resource::<MapData>().scenario;
    assert!(!s.border.is_empty());
    assert_eq!(s.posts.len(), 4, "two exercise posts per State");
    // the same name again is refused: nothing is written over
    let mut f = app.world_mut().resource_mut::<NewForm>();
    new::start(&mut f);
    assert_eq!(f.problems.len(), 1, "{:?}", f.problems);
    assert!(f.problems[0].contains("andorra-new"), "{:?}", f.problems);
}
