//! Taking a package into a scenario: opened and verified ([`super::package`]),
//! then checked against the scenario — from the trusted sender, for this
//! State, on the same border, newer than the last one accepted from that
//! sender — and stored as the neighbour's layers in
//! `NAME.exchange/received/SENDER/`. A refused package changes nothing
//! but the exchange log, which records the refusal.

use super::content::Package;
use super::keys::{PublicKeys, SecretKeys};
use super::log::{self, Action, Entry};
use super::package::{self, Opened};
use crate::error::{Error, Result};
use crate::ids::UnitId;
use crate::model::*;
use crate::scenario::received::{received_dir, LayerReceipt, Receipt};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// What an accepted package brought.
pub struct Accepted {
    pub package: Package,
    pub dir: PathBuf,
    pub files: Vec<PathBuf>,
}

/// Open, check and store `file` into scenario `s` (its files, not its
/// memory: load it again to plan with what came).
pub fn receive(
    file: &Path,
    s: &Scenario,
    keys: &SecretKeys,
    trusted: &PublicKeys,
) -> Result<Accepted> {
    let opened = package::open(file, keys, trusted);
    let (res, seq, hash) = match opened {
        Ok(o) => {
            let seq = o.package.manifest.sequence;
            let hash = o.blake3.clone();
            (check_and_store(file, s, keys, trusted, o), seq, hash)
        }
        Err(e) => (Err(e), 0, String::new()),
    };
    let outcome = match &res {
        Ok(_) => "accepted".to_string(),
        Err(e) => format!("refused: {e}"),
    };
    log::append(
        &s.path,
        &Entry {
            time_utc: super::now_utc(),
            action: Action::Receive,
            counterpart: trusted.state.clone(),
            state: keys.public.state.clone(),
            sequence: seq,
            package_blake3: hash,
            file: file.display().to_string(),
            outcome,
        },
    )?;
    res
}

fn check_and_store(
    file: &Path,
    s: &Scenario,
    keys: &SecretKeys,
    trusted: &PublicKeys,
    o: Opened,
) -> Result<Accepted> {
    let refuse = |m: String| Err(Error::data(file, m));
    let m = &o.package.manifest;
    if m.from != trusted.state {
        return refuse(format!(
            "says it comes from {} but is signed with {}'s key",
            m.from, trusted.state
        ));
    }
    if m.to != keys.public.state {
        return refuse(format!(
            "is addressed to {}, not to {}",
            m.to, keys.public.state
        ));
    }
    for st in [&m.from, &m.to] {
        if s.state(st).is_none() {
            return refuse(format!("{st} is not a State of scenario {}", s.name));
        }
    }
    let here = super::border_fingerprint(s);
    if m.border_fingerprint != here {
        return refuse(format!(
            "is for another border (fingerprint {}; scenario {}'s border is {here})",
            m.border_fingerprint, s.name
        ));
    }
    let entries = log::read(&s.path)?;
    let dir = received_dir(&s.path, &m.from);
    let last = log::last_accepted(&entries, &m.from).max(previous(&dir)?.map(|r| r.sequence));
    if let Some(last) = last.filter(|l| m.sequence <= *l) {
        return refuse(format!(
            "is number {} from {}, not newer than number {last} already accepted: a replay or an old copy",
            m.sequence, m.from
        ));
    }
    check_content(file, s, &o.package)?;
    let files = store(&dir, keys, &o)?;
    Ok(Accepted {
        package: o.package,
        dir,
        files,
    })
}

fn previous(dir: &Path) -> Result<Option<Receipt>> {
    let p = dir.join("receipt.json");
    if !p.exists() {
        return Ok(None);
    }
    let text = crate::io::read_bounded(&p, 1 << 20)?;
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| Error::data(&p, format!("not a receipt ({e})")))
}

/// The package's features belong to the sender and take no id of this
/// State's own.
fn check_content(file: &Path, s: &Scenario, p: &Package) -> Result<()> {
    let from = &p.manifest.from;
    let mut problems = Vec::new();
    let own_posts: HashSet<&str> = s
        .posts
        .iter()
        .filter(|x| {
            !s.received
                .iter()
                .any(|r| &r.from == from && r.posts.contains(&x.id))
        })
        .map(|x| x.id.as_str())
        .collect();
    let mut posts = HashSet::new();
    for f in p
        .posts
        .iter()
        .filter_map(|v| v["features"].as_array())
        .flatten()
    {
        let id = f["properties"]["id"].as_str().unwrap_or("");
        let st = f["properties"]["state"].as_str().unwrap_or("");
        if st != from.as_str() {
            problems.push(format!(
                "post {id:?} is of {st:?}, not of the sender {from}"
            ));
        }
        if own_posts.contains(id) {
            problems.push(format!(
                "post {id:?} has the id of one of this scenario's own posts"
            ));
        }
        posts.insert(id.to_string());
    }
    for u in p.units.iter().flatten() {
        if &u.state != from {
            problems.push(format!(
                "unit {} is of {}, not of the sender {from}",
                u.id, u.state
            ));
        }
        if s.units
            .iter()
            .any(|x| x.id == u.id && !s.is_received_unit(&x.id))
        {
            problems.push(format!(
                "unit {} has the id of one of this scenario's own units",
                u.id
            ));
        }
        let known = posts.contains(u.home_post.as_str())
            || (p.posts.is_none() && s.is_received_post(&u.home_post));
        if !known {
            problems.push(format!(
                "unit {}'s home post {} is not in the package",
                u.id, u.home_post
            ));
        }
    }
    // new posts without new units: the units kept from earlier packages
    // must still have their home posts
    if p.posts.is_some() && p.units.is_none() {
        let kept: HashSet<&UnitId> = s
            .received
            .iter()
            .filter(|r| &r.from == from)
            .flat_map(|r| &r.units)
            .collect();
        for u in s.units.iter().filter(|u| kept.contains(&u.id)) {
            if !posts.contains(u.home_post.as_str()) {
                problems.push(format!(
                    "it drops post {}, home of {}'s unit {} received earlier: ask for units too",
                    u.home_post, from, u.id
                ));
            }
        }
    }
    for x in &p.sensors {
        let mine = s.sensors.iter().find(|y| y.id == x.id);
        if let Some(y) = mine {
            if serde_json::to_value(y).ok() != serde_json::to_value(x).ok() {
                problems.push(format!(
                    "sensor {:?} differs from this scenario's of that id; rename one of them",
                    x.id.as_str()
                ));
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::data(file, problems.join("; ")))
    }
}

/// Write the package's layers and the receipt in one atomic save; layers
/// it does not carry keep what an earlier package brought.
fn store(dir: &Path, keys: &SecretKeys, o: &Opened) -> Result<Vec<PathBuf>> {
    let p = &o.package;
    let enc = |e: serde_json::Error| Error::encode("received layer", e.to_string());
    let mut out: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    let mut layers = previous(dir)?.map(|r| r.layers).unwrap_or_default();
    let this = LayerReceipt {
        sequence: p.manifest.sequence,
        written_utc: p.manifest.written_utc.clone(),
    };
    if let Some(posts) = &p.posts {
        out.push((
            dir.join("posts.geojson"),
            serde_json::to_vec_pretty(posts).map_err(enc)?,
        ));
        out.push((
            dir.join("sensors.json"),
            serde_json::to_vec_pretty(&p.sensors).map_err(enc)?,
        ));
        layers.insert("posts".into(), this.clone());
    }
    let mut put = |name: &str, v: serde_json::Result<Vec<u8>>| -> Result<()> {
        out.push((dir.join(format!("{name}.json")), v.map_err(enc)?));
        layers.insert(name.into(), this.clone());
        Ok(())
    };
    if let Some(u) = &p.units {
        put("units", serde_json::to_vec_pretty(u))?;
    }
    if let Some(a) = &p.agreements {
        put("agreements", serde_json::to_vec_pretty(a))?;
    }
    if let Some(r) = &p.risk {
        put("risk", serde_json::to_vec_pretty(r))?;
    }
    if let Some(r) = &p.incidents {
        put("incidents", serde_json::to_vec_pretty(r))?;
    }
    if let Some(plan) = &p.plan {
        put("plan", serde_json::to_vec_pretty(plan))?;
    }
    if let Some(r) = &p.request {
        let name = format!("requests/{}", p.manifest.sequence);
        put(&name, serde_json::to_vec_pretty(r))?;
    }
    let receipt = Receipt {
        from: p.manifest.from.clone(),
        to: keys.public.state.clone(),
        written_utc: p.manifest.written_utc.clone(),
        received_utc: super::now_utc(),
        sequence: p.manifest.sequence,
        package_blake3: o.blake3.clone(),
        layers,
    };
    out.push((
        dir.join("receipt.json"),
        serde_json::to_vec_pretty(&receipt).map_err(enc)?,
    ));
    let refs: Vec<(&Path, &[u8])> = out
        .iter()
        .map(|(p, b)| (p.as_path(), b.as_slice()))
        .collect();
    crate::io::write_atomic_all(&refs)?;
    Ok(out.into_iter().map(|(p, _)| p).collect())
}
