//! Exchange between the two States (ISACS 05.60, 10.5.5 and 10.5.10):
//! releasable layers handed to the neighbour as one file, signed by the
//! sender and encrypted to the recipient, in standard formats a partner
//! can open without borderwatch.
//!
//! - [`keys`]: a State's age identity and minisign key pair;
//! - [`content`]: what may cross (releasability, aggregated intelligence)
//!   and the manifest;
//! - [`package`]: sealing (`package.json` signed with minisign, both in a
//!   tar, encrypted with age) and opening with every check;
//! - [`receive`]: a package accepted into a scenario's exchange folder, or
//!   refused with nothing changed;
//! - [`log`]: the exchange log, one line per share and receipt;
//! - [`request`]: a written request for assistance (10.5.5.2);
//! - [`plan`]: what the partner needs of a joint plan.
//!
//! With Debian's tools, a partner opens a package with
//! `age -d -i ESP.identity.age FILE | tar x` and checks it with
//! `minisign -V -m package.json -p AND.minisign.pub`.

pub mod content;
pub mod keys;
pub mod log;
pub mod package;
pub mod plan;
pub mod receive;
pub mod request;

use crate::ids::StateId;
use crate::model::Scenario;

/// A layer a package can carry (`--include`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layer {
    Posts,
    Units,
    Agreements,
    /// Intelligence as its weight per kilometre of border.
    Risk,
    /// Seizures as counts per kilometre of border.
    Incidents,
    /// What the partner needs of a joint plan ([`plan`]).
    Plan,
}

impl Layer {
    pub const ALL: [Layer; 6] = [
        Layer::Posts,
        Layer::Units,
        Layer::Agreements,
        Layer::Risk,
        Layer::Incidents,
        Layer::Plan,
    ];
    /// The layers taken from the scenario itself (a plan needs its file).
    pub const FEATURES: [Layer; 5] = [
        Layer::Posts,
        Layer::Units,
        Layer::Agreements,
        Layer::Risk,
        Layer::Incidents,
    ];
    pub fn name(self) -> &'static str {
        match self {
            Layer::Posts => "posts",
            Layer::Units => "units",
            Layer::Agreements => "agreements",
            Layer::Risk => "risk",
            Layer::Incidents => "incidents",
            Layer::Plan => "plan",
        }
    }
    pub fn parse(s: &str) -> Option<Layer> {
        Layer::ALL.into_iter().find(|l| l.name() == s.trim())
    }
}

/// A State's code as ISO 3166-1 alpha-3 (any case, alpha-2 accepted).
pub fn state_code(s: &str) -> Option<StateId> {
    crate::country::lookup(s.trim()).map(|c| StateId::new(c.alpha3))
}

/// A BLAKE3 hash of the border alone — the two States and each stretch's
/// line — so that both sides can check they plan on the same border
/// whatever else their scenarios hold (32 hex digits).
pub fn border_fingerprint(s: &Scenario) -> String {
    let mut h = blake3::Hasher::new();
    h.update(b"borderwatch border fingerprint 1");
    let mut states: Vec<&str> = s.states.iter().map(|x| x.id.as_str()).collect();
    states.sort();
    for st in states {
        h.update(&(st.len() as u64).to_le_bytes());
        h.update(st.as_bytes());
    }
    for b in &s.border {
        for st in [&b.left, &b.right] {
            h.update(st.as_str().as_bytes());
        }
        h.update(format!("{:?}", b.kind).as_bytes());
        h.update(&(b.lonlat.0.len() as u64).to_le_bytes());
        for c in &b.lonlat.0 {
            h.update(&c.x.to_le_bytes());
            h.update(&c.y.to_le_bytes());
        }
    }
    h.finalize().to_hex()[..32].to_string()
}

/// Now, UTC, RFC 3339 (whole seconds).
pub fn now_utc() -> String {
    let t = time::OffsetDateTime::now_utc();
    let t = t.replace_nanosecond(0).unwrap_or(t);
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Seal `p` (signed by `mine`, encrypted to `to`), write it to `out` in
/// one step and log the share in the scenario's exchange log. Returns the
/// package's size in bytes. `to` must hold the keys of the manifest's
/// recipient.
pub fn send(
    s: &Scenario,
    p: &content::Package,
    mine: &keys::SecretKeys,
    to: &keys::PublicKeys,
    out: &std::path::Path,
) -> crate::error::Result<usize> {
    let m = &p.manifest;
    if to.state != m.to {
        return Err(crate::error::Error::Usage(format!(
            "the recipient's public keys are {}'s, not {}'s",
            to.state, m.to
        )));
    }
    let (bytes, hash) = package::seal(p, mine, to)?;
    crate::io::write_atomic(out, &bytes)?;
    log::append(
        &s.path,
        &log::Entry {
            time_utc: m.written_utc.clone(),
            action: log::Action::Share,
            counterpart: m.to.clone(),
            state: m.from.clone(),
            sequence: m.sequence,
            package_blake3: hash,
            file: out.display().to_string(),
            outcome: "written".into(),
        },
    )?;
    Ok(bytes.len())
}
