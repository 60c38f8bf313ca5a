//! Typed identifiers. Each wraps the user's own string id (as written in the
//! scenario files) so a `PostId` can never be passed where a `UnitId` is meant.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            pub fn new(s: impl Into<String>) -> Self {
                Self(s.into())
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

string_id!(
    /// ISO 3166-1 alpha-3 code of a State, upper case (e.g. `AND`, `ESP`).
    StateId
);
string_id!(
    /// An observation post.
    PostId
);
string_id!(
    /// A mobile unit (patrol).
    UnitId
);
string_id!(
    /// An official border crossing point.
    CrossingId
);
string_id!(
    /// An informal crossing route.
    RouteId
);
string_id!(
    /// A stretch of border (a feature of `border.geojson`).
    StretchId
);
string_id!(
    /// A sensor type defined in the scenario.
    SensorId
);
