//! Problems found in user input. Checks collect every problem they find into a
//! [`Problems`] list instead of stopping at the first; each names the file, the
//! feature (index and id when known) and the field, and says what was expected.

use std::fmt;
use std::path::{Path, PathBuf};

/// How bad a problem is: errors make `check` fail, warnings are reported only.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

/// One problem in one place of one file.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Problem {
    pub severity: Severity,
    pub file: PathBuf,
    /// Feature index (0-based) in a GeoJSON layer, when the problem is in a feature.
    pub feature: Option<usize>,
    /// The feature's or record's own id, when it has one.
    pub id: Option<String>,
    /// The field (property, TOML key, `geometry`...), when one is at fault.
    pub field: Option<String>,
    pub message: String,
}

impl Problem {
    pub fn error(file: impl AsRef<Path>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            file: file.as_ref().to_path_buf(),
            feature: None,
            id: None,
            field: None,
            message: message.into(),
        }
    }
    pub fn warning(file: impl AsRef<Path>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(file, message)
        }
    }
    pub fn feature(mut self, index: usize) -> Self {
        self.feature = Some(index);
        self
    }
    pub fn id(mut self, id: impl Into<String>) -> Self {
        let id = id.into();
        if !id.is_empty() {
            self.id = Some(id);
        }
        self
    }
    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }
}

impl Problem {
    /// The problem in the map window's words: what it is about (a post, a
    /// crossing … by its id) and why, without the file, the feature's index
    /// or the field's name, which the CLI's `check` gives.
    pub fn plain(&self) -> String {
        let name = self.file.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let thing = match name {
            "posts.geojson" => Some("post"),
            "crossings.geojson" => Some("crossing"),
            "routes.geojson" => Some("informal route"),
            "network.geojson" => Some("patrol way"),
            "border.geojson" => Some("border line"),
            "basemap.geojson" => Some("basemap feature"),
            _ => None,
        };
        let what = match (thing, &self.id, self.feature) {
            (Some(t), Some(id), _) => format!("{t} {id}"),
            (Some(t), None, Some(i)) => format!("{t} number {}", i + 1),
            (Some(t), None, None) => format!("the {t}s"),
            (None, Some(id), _) => id.clone(),
            (None, None, _) => "the scenario".into(),
        };
        let field = self.field.as_deref().map(|f| match f {
            "geometry" => "its place",
            "height_m" => "its height above ground",
            "home_post" => "its home post",
            "shift_h" => "its shift",
            "state" => "its State",
            other => other,
        });
        // "post lies on …" about post AD-OP1: "post AD-OP1 lies on …"
        let rest = thing
            .and_then(|t| self.message.strip_prefix(t))
            .and_then(|m| m.strip_prefix(' '));
        match (rest, field) {
            (Some(m), _) => format!("{what} {m}"),
            (None, Some(f)) => format!("{what}, {f}: {}", self.message),
            (None, None) => format!("{what}: {}", self.message),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{sev}: {}", self.file.display())?;
        if let Some(i) = self.feature {
            write!(f, ": feature {i}")?;
        }
        if let Some(id) = &self.id {
            write!(f, " (id {id:?})")?;
        }
        if let Some(field) = &self.field {
            write!(f, ": field `{field}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Every problem a check found.
#[derive(Clone, Debug, Default, serde::Serialize)]
#[serde(transparent)]
pub struct Problems(pub Vec<Problem>);

impl Problems {
    pub fn push(&mut self, p: Problem) {
        self.0.push(p);
    }
    pub fn extend(&mut self, other: Problems) {
        self.0.extend(other.0);
    }
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|p| p.severity == Severity::Error)
    }
    pub fn errors(&self) -> impl Iterator<Item = &Problem> {
        self.0.iter().filter(|p| p.severity == Severity::Error)
    }
    pub fn warnings(&self) -> impl Iterator<Item = &Problem> {
        self.0.iter().filter(|p| p.severity == Severity::Warning)
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for p in &self.0 {
            writeln!(f, "{p}")?;
        }
        Ok(())
    }
}

/// Errors of the core's operations (I/O, imports). Input validation uses
/// [`Problems`] so that all problems are listed at once.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}")]
    Invalid(Problems),
    #[error("{path}: {message}")]
    Data { path: PathBuf, message: String },
    /// Options out of range, before any work: each by its field name
    /// (`access_m`), so the command line names its flag (`--access-m`) and
    /// the map window its field.
    #[error("{}", options_text(.0))]
    Options(Vec<OptionProblem>),
    /// No answer exists for this input (no border to patrol, no route to
    /// cross, no DEM for line of sight): says what is missing.
    #[error("{0}")]
    Infeasible(String),
    /// An output could not be encoded (CSV, TOML, GPX): which, and why.
    #[error("{what}: {message}")]
    Encode { what: String, message: String },
    /// The LP solver failed.
    #[error("{0}")]
    Solver(String),
    /// A driver's own argument of the wrong form (a time, a size, a name);
    /// the core's options are [`Error::Options`].
    #[error("{0}")]
    Usage(String),
    /// The map window could not open, or closed early.
    #[error("{0}")]
    Window(String),
    /// A computation stopped because its caller cancelled it.
    #[error("cancelled")]
    Cancelled,
}

/// An option out of range: the options field and what is wrong with it
/// ("must be > 0, found -1").
#[derive(Clone, Debug, PartialEq)]
pub struct OptionProblem {
    pub field: &'static str,
    pub message: String,
}

impl OptionProblem {
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        OptionProblem {
            field,
            message: message.into(),
        }
    }
}

fn options_text(ps: &[OptionProblem]) -> String {
    let lines: Vec<String> = ps
        .iter()
        .map(|p| format!("`{}` {}", p.field, p.message))
        .collect();
    lines.join("\n")
}

impl Error {
    pub fn io(path: impl AsRef<Path>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.as_ref().to_path_buf(),
            source,
        }
    }
    pub fn data(path: impl AsRef<Path>, message: impl Into<String>) -> Self {
        Error::Data {
            path: path.as_ref().to_path_buf(),
            message: message.into(),
        }
    }
    /// An output that could not be encoded: `what` names it.
    pub fn encode(what: impl Into<String>, e: impl std::fmt::Display) -> Self {
        Error::Encode {
            what: what.into(),
            message: e.to_string(),
        }
    }
    /// One option out of range.
    pub fn option(field: &'static str, message: impl Into<String>) -> Self {
        Error::Options(vec![OptionProblem::new(field, message)])
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_in_plain_words_names_the_thing_not_the_file() {
        let mut p = Problem::error(
            "maps/x/posts.geojson",
            "post lies on the ESP side of the border, not in its State AND",
        );
        p.feature = Some(0);
        p.id = Some("AD-OP1".into());
        p.field = Some("geometry".into());
        assert_eq!(
            p.plain(),
            "post AD-OP1 lies on the ESP side of the border, not in its State AND"
        );
        p.message = "is outside the DEM".into();
        assert_eq!(p.plain(), "post AD-OP1, its place: is outside the DEM");
        p.id = None;
        p.field = None;
        assert_eq!(p.plain(), "post number 1: is outside the DEM");
        let toml = Problem::error("scenarios/x.toml", "unit AD-F1 has no home post");
        assert_eq!(toml.plain(), "the scenario: unit AD-F1 has no home post");
        // the CLI keeps file, feature and field
        assert!(p.to_string().contains("posts.geojson: feature 0"));
    }
}
