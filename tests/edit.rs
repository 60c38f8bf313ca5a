//! Editing a real scenario (Andorra–Spain) in the core editor: validation
//! with `check`'s own messages, undo/redo, saving in place and under a new
//! name (atomic, comments kept, original untouched), recent files.

mod common;

use borderwatch::ids::*;
use borderwatch::model::{Agreements, UnitMode};
use borderwatch::scenario::edit::{Edit, Editor, PostDraft};
use borderwatch::scenario::load;
use std::path::{Path, PathBuf};

fn andorra() -> (tempfile::TempDir, PathBuf) {
    common::shipped("andorra-spain")
}

fn editor(p: &Path) -> Editor {
    Editor::new(load::load_ok(p).unwrap().0)
}

#[test]
fn a_post_moved_across_the_border_is_refused_with_checks_message() {
    let (_d, p) = andorra();
    let mut ed = editor(&p);
    let es = ed.scenario.post(&PostId::new("ES-OP1")).unwrap().lonlat;
    let before = ed.scenario.post(&PostId::new("AD-OP1")).unwrap().lonlat;
    let err = ed
        .apply(Edit::MovePost {
            id: PostId::new("AD-OP1"),
            lonlat: es,
        })
        .unwrap_err();
    // nothing changed, nothing to undo
    assert_eq!(
        ed.scenario.post(&PostId::new("AD-OP1")).unwrap().lonlat,
        before
    );
    assert!(!ed.dirty() && ed.undo_label().is_none());
    // the same file written by hand: `check` reports the same problem
    common::edit(
        &p.parent()
            .unwrap()
            .join("../maps/andorra-spain/posts.geojson"),
        "\"coordinates\":[1.4433333,42.5916667]",
        &format!("\"coordinates\":[{},{}]", es.x, es.y),
    );
    let from_check = load::load(&p).problems;
    // message, feature index, field and id of each problem
    let msg = |pr: &borderwatch::error::Problems| -> Vec<String> {
        pr.0.iter()
            .map(|x| {
                format!(
                    "{} | {:?} | {:?} | {:?}",
                    x.message, x.feature, x.field, x.id
                )
            })
            .collect()
    };
    assert_eq!(
        msg(&err),
        msg(&from_check),
        "editor: {err}\ncheck: {from_check}"
    );
    assert!(err.0[0]
        .message
        .contains("post lies on the ESP side of the border, not in its State AND"));
}

#[test]
fn bad_values_are_refused_with_every_problem_listed() {
    let (_d, p) = andorra();
    let mut ed = editor(&p);
    let mut u = ed.scenario.units[0].clone();
    let id = u.id.clone();
    u.shift_hours = 30.0;
    u.home_post = PostId::new("ES-OP1"); // the neighbour's post
    let err = ed.apply(Edit::SetUnit { id, unit: u }).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("shift must be more than 0 and at most 24 hours, found 30"),
        "{text}"
    );
    assert!(
        text.contains("home post ES-OP1 belongs to ESP, but the unit to AND"),
        "{text}"
    );
    let a = Agreements {
        liaison_delay_min: -5.0,
        ..ed.scenario.agreements.clone()
    };
    let err = ed.apply(Edit::SetAgreements(a)).unwrap_err();
    assert!(
        err.to_string().contains("agreements.liaison_delay_min"),
        "{err}"
    );
    assert!(!ed.dirty());
}

#[test]
fn add_move_delete_undo_redo() {
    let (_d, p) = andorra();
    let mut ed = editor(&p);
    let n_posts = ed.scenario.posts.len();
    let n_units = ed.scenario.units.len();
    let and = StateId::new("AND");
    let id = ed.new_post_id(&and);
    assert_eq!(id, "AD-OP4");
    let at = ed.scenario.post(&PostId::new("AD-OP2")).unwrap().lonlat;
    let draft = PostDraft {
        id: id.clone(),
        name: "New OP".into(),
        state: and.clone(),
        lonlat: geo::Coord {
            x: at.x + 0.01,
            y: at.y,
        },
        height_m: 5.0,
        sensors: vec![SensorId::new("thermal")],
    };
    assert_eq!(ed.apply(Edit::AddPost(draft)).unwrap(), "add post AD-OP4");
    let uid = ed.new_unit_id(&and, UnitMode::Foot);
    assert_eq!(uid, "AD-F4");
    let unit = borderwatch::model::Unit {
        id: UnitId::new(&uid),
        state: and.clone(),
        mode: UnitMode::Foot,
        home_post: PostId::new(&id),
        shift_hours: 8.0,
        name: "Foot patrol 4".into(),
        releasable: true,
    };
    ed.apply(Edit::AddUnit(unit)).unwrap();
    assert_eq!(ed.scenario.posts.len(), n_posts + 1);
    assert_eq!(ed.scenario.units.len(), n_units + 1);
    // deleting the post takes its unit with it; undo brings both back
    let label = ed.apply(Edit::DeletePost(PostId::new(&id))).unwrap();
    assert_eq!(label, "delete post AD-OP4 and its units AD-F4");
    assert_eq!(ed.scenario.posts.len(), n_posts);
    assert_eq!(ed.scenario.units.len(), n_units);
    assert_eq!(
        ed.undo().as_deref(),
        Some("delete post AD-OP4 and its units AD-F4")
    );
    assert_eq!(ed.scenario.units.len(), n_units + 1);
    assert_eq!(ed.undo().as_deref(), Some("add unit AD-F4"));
    assert_eq!(ed.undo().as_deref(), Some("add post AD-OP4"));
    assert_eq!(ed.scenario.posts.len(), n_posts);
    assert!(ed.undo().is_none());
    assert_eq!(ed.redo().as_deref(), Some("add post AD-OP4"));
    assert_eq!(ed.scenario.posts.len(), n_posts + 1);
    assert!(ed.dirty());
    // a new edit clears the redo list
    ed.apply(Edit::MovePost {
        id: PostId::new(&id),
        lonlat: at,
    })
    .unwrap();
    assert!(ed.redo_label().is_none());
    let moved = ed.scenario.post(&PostId::new(&id)).unwrap();
    let xy = ed.scenario.projection.forward(at);
    assert!((moved.xy.x - xy.x).abs() < 1e-6 && (moved.xy.y - xy.y).abs() < 1e-6);
}

#[test]
fn undoing_back_to_the_saved_content_is_clean() {
    let (_d, p) = andorra();
    let mut ed = editor(&p);
    let op2 = ed.scenario.post(&PostId::new("AD-OP2")).unwrap().lonlat;
    let moved = |dx: f64| Edit::MovePost {
        id: PostId::new("AD-OP2"),
        lonlat: geo::Coord {
            x: op2.x + dx,
            y: op2.y,
        },
    };
    ed.apply(moved(0.002)).unwrap();
    assert!(ed.dirty());
    ed.undo().unwrap();
    assert!(!ed.dirty(), "back to the file's content");
    ed.redo().unwrap();
    assert!(ed.dirty());
    // saved after one edit: undo makes it differ from the disk, redo
    // brings it back
    ed.save().unwrap();
    assert!(!ed.dirty());
    ed.undo().unwrap();
    assert!(
        ed.dirty(),
        "the loaded content is no longer what is on disk"
    );
    ed.redo().unwrap();
    assert!(!ed.dirty());
    // a new edit after an undo is new content, even if the redo list held
    // the saved one
    ed.undo().unwrap();
    ed.apply(moved(0.004)).unwrap();
    assert!(ed.dirty());
    assert!(ed.redo_label().is_none());
    let revs = ed.revision();
    ed.undo().unwrap();
    assert!(
        ed.revision() > revs,
        "every change is a new revision for the views"
    );
}

#[test]
fn save_keeps_comments_and_reloads_the_same_scenario() {
    let (_d, p) = andorra();
    let mut ed = editor(&p);
    let op2 = ed.scenario.post(&PostId::new("AD-OP2")).unwrap().lonlat;
    let to = geo::Coord {
        x: op2.x + 0.005,
        y: op2.y + 0.002,
    };
    ed.apply(Edit::MovePost {
        id: PostId::new("AD-OP2"),
        lonlat: to,
    })
    .unwrap();
    let mut a = ed.scenario.agreements.clone();
    a.hot_pursuit_depth_km = 12.5;
    ed.apply(Edit::SetAgreements(a)).unwrap();
    let mut u = ed.scenario.units[1].clone();
    u.shift_hours = 6.0;
    ed.apply(Edit::SetUnit {
        id: u.id.clone(),
        unit: u,
    })
    .unwrap();
    let written = ed.save().unwrap();
    assert_eq!(written.len(), 2);
    assert!(!ed.dirty());
    let text = std::fs::read_to_string(&p).unwrap();
    assert!(text.starts_with("# borderwatch scenario, written by `borderwatch import`."));
    assert!(text.contains("EXERCISE DATA"));
    let (s, pr) = load::load_ok(&p).unwrap();
    assert!(!pr.has_errors());
    assert_eq!(s.agreements.hot_pursuit_depth_km, 12.5);
    assert_eq!(s.units[1].shift_hours, 6.0);
    let moved = s.post(&PostId::new("AD-OP2")).unwrap();
    assert!((moved.lonlat.x - to.x).abs() < 1e-7 && (moved.lonlat.y - to.y).abs() < 1e-7);
    // unmoved posts keep their other properties; the moved one loses its
    // (now wrong) elevation
    let posts = std::fs::read_to_string(
        p.parent()
            .unwrap()
            .join("../maps/andorra-spain/posts.geojson"),
    )
    .unwrap();
    let v: serde_json::Value = serde_json::from_str(&posts).unwrap();
    let f = |id: &str| {
        v["features"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["properties"]["id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(f("AD-OP1")["properties"]["elevation_m"], 2911.0);
    assert_eq!(f("AD-OP1")["properties"]["source"], "exercise");
    assert!(f("AD-OP2")["properties"].get("elevation_m").is_none());
    assert_eq!(s.posts.len(), ed.scenario.posts.len());
    // no temporary files left behind
    for dir in [
        p.parent().unwrap().to_path_buf(),
        p.parent().unwrap().join("../maps/andorra-spain"),
    ] {
        for e in std::fs::read_dir(dir).unwrap() {
            let n = e.unwrap().file_name().to_string_lossy().to_string();
            assert!(!n.contains(".tmp"), "left over: {n}");
        }
    }
}

#[test]
fn save_as_leaves_the_original_untouched() {
    let (d, p) = andorra();
    let posts = p
        .parent()
        .unwrap()
        .join("../maps/andorra-spain/posts.geojson");
    let (toml0, posts0) = (std::fs::read(&p).unwrap(), std::fs::read(&posts).unwrap());
    let mut ed = editor(&p);
    ed.apply(Edit::DeleteUnit(ed.scenario.units[0].id.clone()))
        .unwrap();
    let new = d.path().join("plans/week-48.toml");
    let written = ed.save_as(&new).unwrap();
    assert_eq!(written[1], d.path().join("plans/week-48.posts.geojson"));
    assert_eq!(std::fs::read(&p).unwrap(), toml0);
    assert_eq!(std::fs::read(&posts).unwrap(), posts0);
    let (s, _) = load::load_ok(&new).unwrap();
    assert_eq!(s.units.len(), ed.scenario.units.len());
    assert_eq!(s.posts_path, d.path().join("plans/week-48.posts.geojson"));
    assert_eq!(s.name, "week-48");
    assert!(s.dem.is_some(), "the DEM is found from the new place");
    let text = std::fs::read_to_string(&new).unwrap();
    assert!(text.contains("maps = \"../maps/andorra-spain\""), "{text}");
    assert!(text.contains("posts = \"week-48.posts.geojson\""), "{text}");
    // the editor now works on the new file
    assert_eq!(ed.scenario.path, new);
    assert!(ed.save_as(&d.path().join("x.json")).is_err());
}

#[test]
fn a_failed_save_leaves_the_old_files_and_no_temporaries() {
    let (d, p) = andorra();
    let mut ed = editor(&p);
    ed.apply(Edit::DeleteUnit(ed.scenario.units[0].id.clone()))
        .unwrap();
    // the posts' target is a directory with a file in it: the rename fails
    let new = d.path().join("blocked.toml");
    std::fs::create_dir_all(d.path().join("blocked.posts.geojson/keep")).unwrap();
    let err = ed.save_as(&new).unwrap_err().to_string();
    assert!(err.contains("blocked.posts.geojson"), "{err}");
    assert!(!new.exists(), "the TOML is not written when the posts fail");
    assert!(d.path().join("blocked.posts.geojson/keep").is_dir());
    let left: Vec<String> = std::fs::read_dir(d.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.contains(".tmp"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    assert!(ed.dirty(), "still unsaved");
}

#[test]
fn recent_files_newest_first() {
    let (d, p) = andorra();
    let cfg = d.path().join("config");
    // the only test in this binary that reads the variable
    std::env::set_var("BORDERWATCH_CONFIG_DIR", &cfg);
    let other = d.path().join("other.toml");
    std::fs::write(&other, "").unwrap();
    borderwatch::recent::remember(&p).unwrap();
    borderwatch::recent::remember(&other).unwrap();
    borderwatch::recent::remember(&p).unwrap();
    let l = borderwatch::recent::list();
    assert_eq!(l.len(), 2);
    assert_eq!(l[0], std::fs::canonicalize(&p).unwrap());
    std::fs::remove_file(&other).unwrap();
    assert_eq!(
        borderwatch::recent::list().len(),
        1,
        "vanished files drop out"
    );
}
