//! Carrying out the queued [`Request`]s once per frame: edits, undo, redo
//! and site suggestions here; save, open and close through
//! [`super::session`] (which asks before losing work); then the map's copy
//! of the scenario is kept in step with the editor and the jobs re-run.
//! Like the job polls it needs no window, so the headless tests drive it
//! under `MinimalPlugins`.

use super::edit::{errors_of, rerun, Answer, Pending, Request, Workstation};
use super::session::{ask_or_go, autosave, go, recover, save};

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
                    w.state.status = "edit refused: it would leave the scenario unusable".into();
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
            Request::Save => {
                save(&mut w, None);
            }
            Request::SaveAs(p) => {
                save(&mut w, Some(&p));
            }
            Request::Open(p) => ask_or_go(&mut w, Pending::Open(p)),
            Request::Quit => ask_or_go(&mut w, Pending::Quit),
            Request::Recover(yes) => recover(&mut w, yes),
            Request::Answer(a) => {
                let Some(pending) = w.state.unsaved.take() else {
                    continue;
                };
                match a {
                    Answer::Cancel => w.state.status = "kept editing: nothing was lost".into(),
                    Answer::Discard => {
                        crate::scenario::recovery::clear(&w.editor.0.scenario.path);
                        go(&mut w, pending);
                    }
                    Answer::Save => {
                        if save(&mut w, None) {
                            go(&mut w, pending);
                        }
                    }
                }
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
                w.sim.game.slot.cancel();
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
                    crate::assess::site::site(&s, &ao, &o, &[])
                });
            }
            Request::Export(what, dir) => {
                let s = if w.state.export_releasable {
                    crate::exchange::content::releasable_only(&w.map.scenario).0
                } else {
                    w.map.scenario.clone()
                };
                w.state.status = format!("exporting the {} to {}…", what.label(), dir.display());
                w.io.export.start(w.map.rev, move |p| {
                    crate::export::export(&s, what, &dir, &p).map(|f| (dir, f))
                });
            }
        }
    }
    let rev = w.editor.0.revision();
    if rev != w.map.rev {
        autosave(&mut w);
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
