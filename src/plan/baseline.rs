//! The partition baseline: each State's watch points split among its units
//! by chainage, each unit sweeping its own stretch.

use super::{leg_path, Plan, Planner, Track};
use std::collections::HashMap;

impl Planner<'_> {
    /// Partition baseline: each State's watch points split into contiguous
    /// stretches, one per unit; each unit sweeps its stretch back and forth.
    pub fn baseline(&self, units: &[usize], offsets: &[f64]) -> Plan {
        let mut tracks: Vec<Track> = vec![Track::default(); units.len()];
        // Per State, order of units by chainage and their stretches.
        let mut by_state: HashMap<usize, Vec<usize>> = HashMap::new();
        for (k, &uk) in units.iter().enumerate() {
            by_state.entry(self.units[uk].state).or_default().push(k);
        }
        let mut stretch: Vec<Vec<usize>> = vec![Vec::new(); units.len()];
        let mut states: Vec<usize> = by_state.keys().copied().collect();
        states.sort();
        for st in states {
            let mut ks = by_state[&st].clone();
            ks.sort_by(|&a, &b| {
                self.units[units[a]]
                    .home_km
                    .total_cmp(&self.units[units[b]].home_km)
                    .then(a.cmp(&b))
            });
            let mut pts: Vec<usize> = (0..self.points.len())
                .filter(|&p| ks.iter().any(|&k| self.units[units[k]].reach[p]))
                .collect();
            pts.sort_by(|&a, &b| self.points[a].from_km.total_cmp(&self.points[b].from_km));
            let n = ks.len();
            for (j, &k) in ks.iter().enumerate() {
                let lo = j * pts.len() / n;
                let hi = (j + 1) * pts.len() / n;
                stretch[k] = pts[lo..hi]
                    .iter()
                    .copied()
                    .filter(|&p| self.units[units[k]].reach[p])
                    .collect();
            }
        }
        for day in 0..self.days {
            let d0 = day as f64 * self.period_s;
            for (k, &uk) in units.iter().enumerate() {
                let u = &self.units[uk];
                let gc = &self.graphs[u.graph];
                let start = d0 + offsets[k];
                let end = start + u.shift_s;
                let tr = &mut tracks[k];
                tr.shifts.push((start, end));
                tr.points.push((u.home, start));
                let seq = &stretch[k];
                if seq.is_empty() {
                    continue;
                }
                let node = |p: usize| gc.visit[p].unwrap();
                // start at the nearer end
                let (mut i, mut dir): (usize, isize) = if u.from_home.time(node(seq[0]))
                    <= u.from_home.time(node(*seq.last().unwrap()))
                {
                    (0, 1)
                } else {
                    (seq.len() - 1, -1)
                };
                let (mut x, mut t) = (u.home, start);
                loop {
                    let v = node(seq[i]);
                    let ok = (|| {
                        let path = leg_path(u, gc, x, v)?;
                        let arrive = t + path.last()?.1;
                        let back = u.to_home.time(v)?;
                        (arrive + back <= end).then_some(path)
                    })();
                    let Some(path) = ok else { break };
                    for &(n, dt) in path.iter().skip(1) {
                        tr.points.push((n, t + dt));
                        if let Some(ps) = gc.at_node.get(&(n.index() as u32)) {
                            for &p in ps {
                                if u.reach[p] {
                                    tr.visits.push((p, t + dt));
                                }
                            }
                        }
                    }
                    if v != x {
                        t += path.last().unwrap().1;
                    }
                    x = v;
                    if seq.len() == 1 {
                        // a single point: stay and watch it, a visit
                        // every 10 min
                        t += 600.0;
                        if t + u.to_home.time(v).unwrap_or(f64::INFINITY) > end {
                            break;
                        }
                        tr.points.push((v, t));
                        tr.visits.push((seq[0], t));
                        continue;
                    }
                    let ni = i as isize + dir;
                    if ni < 0 || ni >= seq.len() as isize {
                        dir = -dir;
                    }
                    i = (i as isize + dir) as usize;
                }
                if x != u.home {
                    if let Some(path) = leg_path(u, gc, x, u.home) {
                        for &(n, dt) in path.iter().skip(1) {
                            tr.points.push((n, t + dt));
                        }
                    }
                }
            }
        }
        Plan {
            units: units.to_vec(),
            tracks,
            offsets: offsets.to_vec(),
        }
    }
}
