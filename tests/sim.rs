//! Crossing simulation: hand-made cases whose answer is known.

mod common;
use borderwatch::model::UnitMode;
use borderwatch::plan::UnitLayer;
use borderwatch::sim::{rates, Cooperation, Knowledge, SimOptions, World};
use common::*;
use geo::Coord;

/// A unit standing at `lonlat` all day.
fn standing(
    s: &borderwatch::model::Scenario,
    id: &str,
    state: usize,
    lonlat: (f64, f64),
) -> UnitLayer {
    let xy = s.projection.forward(Coord {
        x: lonlat.0,
        y: lonlat.1,
    });
    UnitLayer {
        id: id.into(),
        state,
        mode: UnitMode::Foot,
        xy: vec![xy, xy],
        times: vec![0.0, 86_400.0],
        shifts: vec![(0.0, 86_400.0)],
    }
}

/// The mini border with a post that sees route R1 with p = 1, day and night.
fn mini_p1() -> (tempfile::TempDir, borderwatch::model::Scenario) {
    let (d, toml) = mini();
    edit(
        &toml,
        "kind = \"day_optical\"\nrange_m = 4000.0",
        "kind = \"thermal\"\nrange_m = 20000.0\nnight = true\np_detect = 1.0",
    );
    let (s, _) = borderwatch::scenario::load_ok(&toml).unwrap();
    (d, s)
}

fn opts(runs: usize, coop: Cooperation) -> SimOptions {
    SimOptions {
        runs,
        seed: 5,
        coop,
        ..SimOptions::default()
    }
}

const NONE: Cooperation = Cooperation {
    shared_feeds: false,
    hot_pursuit: false,
};

#[test]
fn a_route_in_full_view_of_a_post_with_p1_is_always_detected() {
    let (_d, s) = mini_p1();
    let w = World::new(&s, vec![], 86_400.0, opts(2000, NONE)).unwrap();
    let r = rates(w.run().iter());
    assert_eq!(r.attempts, 2000);
    assert_eq!(r.p_detect, 1.0);
    // nobody to respond: never intercepted, every crossing succeeds
    assert_eq!(r.p_intercept, 0.0);
    assert_eq!(r.succeeded, 2000);
}

#[test]
fn a_route_no_one_can_reach_in_time_is_never_intercepted() {
    let (_d, s) = mini_p1();
    // 40 km south of the route, on foot
    let far = standing(&s, "FAR", 0, (10.03, 44.66));
    let w = World::new(&s, vec![far], 86_400.0, opts(2000, NONE)).unwrap();
    let r = rates(w.run().iter());
    assert_eq!(r.p_detect, 1.0);
    assert_eq!(r.p_intercept, 0.0);
    // the same unit standing on the route is there in time
    let near = standing(&s, "NEAR", 0, (10.045, 45.02));
    let w = World::new(&s, vec![near], 86_400.0, opts(2000, NONE)).unwrap();
    let r = rates(w.run().iter());
    assert!(r.p_intercept > 0.3, "{r:?}");
}

#[test]
fn hot_pursuit_never_lowers_interception() {
    let (_d, s) = mini_p1();
    // Andorra's unit near the line on its own side
    let unit = standing(&s, "AD-1", 0, (10.047, 45.02));
    let hp = Cooperation {
        shared_feeds: false,
        hot_pursuit: true,
    };
    let a = World::new(&s, vec![unit.clone()], 86_400.0, opts(3000, NONE))
        .unwrap()
        .run();
    let b = World::new(&s, vec![unit], 86_400.0, opts(3000, hp))
        .unwrap()
        .run();
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(
            (x.route, x.start_s, x.forward),
            (y.route, y.start_s, y.forward)
        );
        if x.intercepted_s.is_some() {
            assert!(
                y.intercepted_s.is_some(),
                "hot pursuit lost an interception"
            );
        }
    }
    let (ra, rb) = (rates(a.iter()), rates(b.iter()));
    assert!(rb.p_intercept >= ra.p_intercept, "{ra:?} vs {rb:?}");
    // pursuit across the line is used, and catches the group sooner
    assert!(rb.mean_time_to_intercept_min < ra.mean_time_to_intercept_min);
    assert!(b.iter().any(|o| o.pursuit));
    assert!(!a.iter().any(|o| o.pursuit));
}

#[test]
fn results_do_not_depend_on_the_thread_count() {
    let (_d, s) = mini_p1();
    let unit = standing(&s, "AD-1", 0, (10.047, 45.02));
    let run = |threads: usize| {
        let w = World::new(&s, vec![unit.clone()], 86_400.0, opts(3000, NONE)).unwrap();
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| format!("{:?}", w.run()))
    };
    assert_eq!(run(1), run(2));
}

#[test]
fn best_response_finds_the_weakest_route_of_a_plan() {
    let s =
        borderwatch::scenario::load_ok(&repo().join("scenarios/liechtenstein-switzerland.toml"))
            .unwrap()
            .0;
    let pl = borderwatch::plan::Planner::new(
        &s,
        borderwatch::plan::PlanOptions::for_scenario(&s, borderwatch::plan::PlanMode::Joint),
    )
    .unwrap();
    let layers = pl.layers(&pl.solve());
    let o = SimOptions {
        runs: 4000,
        seed: 3,
        knowledge: Knowledge::BestResponse,
        coop: Cooperation {
            shared_feeds: true,
            hot_pursuit: true,
        },
        ..SimOptions::default()
    };
    let w = World::new(&s, layers.units.clone(), layers.horizon_s, o.clone()).unwrap();
    let (route, _) = w.target.unwrap();
    let chosen = rates(w.run().iter());
    // every route tried by uninformed smugglers: the chosen one is among the
    // least intercepted
    let random = World::new(
        &s,
        layers.units.clone(),
        layers.horizon_s,
        SimOptions {
            knowledge: Knowledge::Random,
            runs: 20_000,
            ..o
        },
    )
    .unwrap()
    .run();
    let all = rates(random.iter());
    assert!(
        chosen.p_intercept <= all.p_intercept,
        "best response {:?} vs random {:?}",
        chosen,
        all
    );
    let per_route: Vec<f64> = (0..w.routes.len())
        .map(|r| rates(random.iter().filter(|x| x.route == r)).p_intercept)
        .collect();
    let mut sorted = per_route.clone();
    sorted.sort_by(|a, b| a.total_cmp(b));
    assert!(
        per_route[route] <= sorted[sorted.len() / 4],
        "route {} at {} not in the weakest quarter {sorted:?}",
        w.routes[route].id,
        per_route[route]
    );
}
