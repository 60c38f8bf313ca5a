//! Autosave for recovery: unsaved changes kept in the configuration
//! directory come back (as one undoable change) after the window died
//! before saving; saving or discarding clears them.

mod common;

use borderwatch::ids::PostId;
use borderwatch::scenario::edit::{Edit, Editor};
use borderwatch::scenario::{load, recovery};
use std::path::PathBuf;

/// One private configuration directory for every test of this binary
/// (the only ones that read the variable), never the user's.
fn config() -> PathBuf {
    static CONFIG: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    let cfg = CONFIG.get_or_init(|| tempfile::tempdir().unwrap());
    std::env::set_var("BORDERWATCH_CONFIG_DIR", cfg.path());
    cfg.path().to_path_buf()
}

#[test]
fn unsaved_changes_survive_a_lost_window_and_come_back_on_request() {
    let (_d, p) = common::shipped("andorra-spain");
    config();
    let mut ed = Editor::new(load::load_ok(&p).unwrap().0);
    assert!(recovery::find(&p).unwrap().is_none(), "nothing kept yet");
    let op2 = ed.scenario.post(&PostId::new("AD-OP2")).unwrap().lonlat;
    let to = geo::Coord {
        x: op2.x + 0.004,
        y: op2.y + 0.001,
    };
    ed.apply(Edit::MovePost {
        id: PostId::new("AD-OP2"),
        lonlat: to,
    })
    .unwrap();
    let mut a = ed.scenario.agreements.clone();
    a.liaison_delay_min = 7.0;
    ed.apply(Edit::SetAgreements(a.clone())).unwrap();
    recovery::write(&ed).unwrap();
    let on_disk = std::fs::read_to_string(&p).unwrap();
    drop(ed); // the window dies before saving

    // the next start: the file is as it was, the changes are offered
    let mut ed = Editor::new(load::load_ok(&p).unwrap().0);
    assert_eq!(std::fs::read_to_string(&p).unwrap(), on_disk);
    assert!(!ed.dirty());
    let r = recovery::find(&p).unwrap().expect("the kept changes");
    assert_eq!(r.changes, vec!["move post AD-OP2", "change agreements"]);
    assert!(r.written_unix_s > 0);
    let label = ed.apply(r.edit()).unwrap();
    assert_eq!(label, "recover 2 unsaved change(s)");
    assert!(ed.dirty(), "recovered changes are unsaved until saved");
    assert_eq!(ed.scenario.agreements.liaison_delay_min, 7.0);
    let moved = ed.scenario.post(&PostId::new("AD-OP2")).unwrap();
    assert!((moved.lonlat.x - to.x).abs() < 1e-7 && (moved.lonlat.y - to.y).abs() < 1e-7);
    let xy = ed.scenario.projection.forward(to);
    assert!(
        (moved.xy.x - xy.x).abs() < 1e-3,
        "projected as the original"
    );
    // one undo takes the whole recovery back
    ed.undo().unwrap();
    assert!(!ed.dirty());
    assert_ne!(ed.scenario.agreements.liaison_delay_min, 7.0);
    // cleared (after a save or a discard): nothing is offered again
    recovery::clear(&p);
    assert!(recovery::find(&p).unwrap().is_none());
}

#[test]
fn a_damaged_recovery_record_is_an_error_naming_it() {
    let (d, p) = common::shipped("andorra-spain");
    let cfg = config();
    let ed = Editor::new(load::load_ok(&p).unwrap().0);
    recovery::write(&ed).unwrap();
    let slot = std::fs::read_dir(cfg.join("recovery"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|s| {
            s.join("origin.json").is_file() && {
                let t = std::fs::read_to_string(s.join("origin.json")).unwrap();
                t.contains(&*p.file_name().unwrap().to_string_lossy())
                    && t.contains(&*d.path().to_string_lossy())
            }
        })
        .unwrap();
    std::fs::write(slot.join("origin.json"), "{ not json").unwrap();
    let err = recovery::find(&p).unwrap_err().to_string();
    assert!(
        err.contains("origin.json") && err.contains("not a recovery record"),
        "{err}"
    );
}
