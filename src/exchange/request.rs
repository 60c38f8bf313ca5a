//! A written request for assistance (ISACS 05.60, 10.5.5.2): who asks,
//! for what measure, its object and reason, the legal provisions, the
//! persons targeted, and the facts — sent as a package of the same kind
//! as the layers (signed by the requesting State, encrypted to the
//! requested one), e.g. to ask for cross-border observation on a route
//! (10.5.7), which the neighbour may authorise only on such a request.

use crate::error::{Error, Problem, Problems, Result};
use crate::model::Scenario;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The measures a request may ask for (ISACS 05.60, 10.5.3–10.5.9).
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// Information that helps deter, detect, intercept, prosecute (10.5.5.3).
    Information,
    /// Enquiries carried out by the requested authority (10.5.5.3).
    Enquiries,
    /// Observation continued on the neighbour's territory (10.5.7).
    CrossBorderObservation,
    /// Pursuit across the border (10.5.6).
    HotPursuit,
    /// A delivery allowed to go on under watch (10.5.8).
    ControlledDelivery,
    /// A joint investigation team (10.5.9).
    JointInvestigation,
}

impl Measure {
    pub fn label(self) -> &'static str {
        match self {
            Measure::Information => "information",
            Measure::Enquiries => "enquiries",
            Measure::CrossBorderObservation => "cross-border observation",
            Measure::HotPursuit => "hot pursuit",
            Measure::ControlledDelivery => "controlled delivery",
            Measure::JointInvestigation => "joint investigation team",
        }
    }
}

/// The request as written in its TOML file and carried in a package.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AssistanceRequest {
    /// a) The authority making the request.
    pub authority: String,
    /// b) The measure requested.
    pub measure: Measure,
    /// c) The object of the request …
    pub object: String,
    /// … and the reason for it.
    pub reason: String,
    /// d) The laws, rules and other legal provisions involved.
    pub legal_basis: Vec<String>,
    /// e) The natural or legal persons targeted, as exactly as possible.
    pub targets: Vec<String>,
    /// f) A summary of the relevant facts.
    pub facts: String,
    /// Informal routes of the scenario the request concerns (ids).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub routes: Vec<String>,
    /// The period asked for (UTC, RFC 3339), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_utc: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until_utc: Option<String>,
}

const MAX_REQUEST: u64 = 1024 * 1024;

/// Read a request's TOML and check it against the scenario: every
/// problem at once, each by its field.
pub fn read(path: &Path, s: &Scenario) -> Result<AssistanceRequest> {
    let text = crate::io::read_bounded(path, MAX_REQUEST)?;
    let r: AssistanceRequest = toml::from_str(&text).map_err(|e| {
        let mut p = Problems::default();
        let field = e.span().map(|sp| at(&text, sp.start)).unwrap_or_default();
        p.push(Problem::error(path, e.message().to_string()).field(field));
        Error::Invalid(p)
    })?;
    let mut p = Problems::default();
    let texts = [
        ("authority", &r.authority),
        ("object", &r.object),
        ("reason", &r.reason),
        ("facts", &r.facts),
    ];
    for (f, v) in texts {
        if v.trim().is_empty() {
            p.push(Problem::error(path, "must not be empty (ISACS 05.60, 10.5.5.2)").field(f));
        }
    }
    for (f, v) in [("legal_basis", &r.legal_basis), ("targets", &r.targets)] {
        if v.iter().all(|x| x.trim().is_empty()) {
            p.push(Problem::error(path, "name at least one (ISACS 05.60, 10.5.5.2)").field(f));
        }
    }
    for (i, id) in r.routes.iter().enumerate() {
        if !s.routes.iter().any(|x| x.id.as_str() == id) {
            let msg = format!("no informal route {id:?} in scenario {}", s.name);
            p.push(Problem::error(path, msg).field(format!("routes[{i}]")));
        }
    }
    let time = |f: &str, v: &Option<String>, p: &mut Problems| {
        let v = v.as_deref()?;
        let fmt = &time::format_description::well_known::Rfc3339;
        match time::OffsetDateTime::parse(v, fmt) {
            Ok(t) => Some(t),
            Err(_) => {
                let msg = format!("expected a UTC time like 2026-12-08T06:00:00Z, found {v:?}");
                p.push(Problem::error(path, msg).field(f));
                None
            }
        }
    };
    let from = time("from_utc", &r.from_utc, &mut p);
    let until = time("until_utc", &r.until_utc, &mut p);
    if let (Some(a), Some(b)) = (from, until) {
        if b <= a {
            p.push(Problem::error(path, "must be after from_utc").field("until_utc"));
        }
    }
    if p.has_errors() {
        return Err(Error::Invalid(p));
    }
    Ok(r)
}

fn at(text: &str, offset: usize) -> String {
    let line = text[..offset.min(text.len())].matches('\n').count() + 1;
    format!("line {line}")
}

impl AssistanceRequest {
    /// The request as the requested authority reads it.
    pub fn text(&self) -> String {
        let list = |v: &[String]| v.iter().map(|x| format!("  - {x}\n")).collect::<String>();
        let mut t = format!(
            "Request for assistance (ISACS 05.60, 10.5.5.2)\n\
             a) requesting authority: {}\n\
             b) measure requested: {}\n\
             c) object: {}\n   reason: {}\n\
             d) legal provisions:\n{}\
             e) targets:\n{}\
             f) facts: {}\n",
            self.authority,
            self.measure.label(),
            self.object,
            self.reason,
            list(&self.legal_basis),
            list(&self.targets),
            self.facts
        );
        if !self.routes.is_empty() {
            t += &format!("routes concerned: {}\n", self.routes.join(", "));
        }
        if self.from_utc.is_some() || self.until_utc.is_some() {
            t += &format!(
                "period: {} to {}\n",
                self.from_utc.as_deref().unwrap_or("now"),
                self.until_utc.as_deref().unwrap_or("further notice")
            );
        }
        t
    }
}
