//! `import`: a scenario built from real public data (OSM, Natural Earth)
//! or a synthetic border for scaling.

use borderwatch::error::Error;
use borderwatch::import::{self, ImportReport, StateCode};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub enum ImportCmd {
    /// A synthetic border of any length for scaling tests: a meandering
    /// line between the user-assigned States XA and XB, blue stretches,
    /// crossings, roads, invented posts, units and routes (nothing real).
    Synthetic {
        #[arg(long, default_value_t = 1000.0)]
        length_km: f64,
        #[arg(long)]
        name: String,
        #[arg(long)]
        out: PathBuf,
        /// Overwrite a scenario of this name (and its posts) already in OUT.
        #[arg(long)]
        force: bool,
        /// Observation posts per State per 100 km.
        #[arg(long, default_value_t = 8.0)]
        posts_per_100km: f64,
        /// Informal routes per 100 km.
        #[arg(long, default_value_t = 15.0)]
        routes_per_100km: f64,
        /// Share of the border on rivers.
        #[arg(long, default_value_t = 0.3)]
        blue_share: f64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// From an OpenStreetMap PBF extract: border (admin_level=2), green/blue,
    /// official crossings, informal routes, each State's patrol network.
    Osm {
        pbf: PathBuf,
        /// The two States, ISO 3166-1 alpha-2 or alpha-3: e.g. AD,ES.
        #[arg(long)]
        states: String,
        /// SRTM tile (.hgt or .hgt.zip), copied next to the layers.
        #[arg(long)]
        dem: Option<PathBuf>,
        #[arg(long)]
        name: String,
        /// Output root: writes OUT/maps/NAME/ and OUT/scenarios/NAME.toml.
        #[arg(long)]
        out: PathBuf,
        /// Overwrite a scenario of this name (and its posts) already in OUT.
        #[arg(long)]
        force: bool,
        /// Keep the patrol network within this distance of the border.
        #[arg(long, default_value_t = import::osm::DEFAULT_NETWORK_KM)]
        network_km: f64,
        /// Border within this distance of water is blue.
        #[arg(long, default_value_t = import::osm::DEFAULT_BLUE_TOLERANCE_M)]
        blue_tolerance_m: f64,
        /// Invent this many exercise observation posts per State (0 = none).
        #[arg(long, default_value_t = 0)]
        exercise_posts: usize,
        #[arg(long, default_value_t = import::osm::DEFAULT_SEED)]
        seed: u64,
    },
    /// From Natural Earth 10m admin_0_boundary_lines_land.
    Naturalearth {
        file: PathBuf,
        #[arg(long)]
        states: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        out: PathBuf,
        /// Overwrite a scenario of this name (and its posts) already in OUT.
        #[arg(long)]
        force: bool,
        /// Official crossings (CSV with lat/lon columns, or GeoJSON points).
        #[arg(long)]
        crossings: Option<PathBuf>,
        /// Snap crossings within this distance of the line (Natural Earth
        /// 10m can be a kilometre or more off the true border).
        #[arg(long, default_value_t = 3000.0)]
        snap_tolerance_m: f64,
        /// Natural Earth rivers: border along them is blue.
        #[arg(long)]
        rivers: Option<PathBuf>,
        #[arg(long, default_value_t = 1500.0)]
        blue_tolerance_m: f64,
        /// A stretch that follows a river the rivers file lacks, as
        /// LON,LAT:LON,LAT (the border between the two points is blue);
        /// repeatable. E.g. the Rio Grande from El Paso to the Gulf:
        /// -106.528,31.784:-97.146,25.956
        #[arg(long, allow_hyphen_values = true)]
        blue_between: Vec<String>,
        /// Invent this many exercise observation posts per State (0 = none).
        #[arg(long, default_value_t = 0)]
        exercise_posts: usize,
        /// Invent this many exercise informal routes across the border
        /// (Natural Earth has none; 0 = none).
        #[arg(long, default_value_t = 0)]
        exercise_routes: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Country polygons (Natural Earth `ne_10m_admin_0_countries.json`):
        /// each State's land in the basemap.
        #[arg(long)]
        countries: Option<PathBuf>,
        /// Populated places (GeoNames `cities5000` CSV: name, lat, lon,
        /// population) for the basemap's place names.
        #[arg(long)]
        places: Option<PathBuf>,
    },
}

/// "LON,LAT:LON,LAT" for `--blue-between`.
fn parse_blue_between(v: &[String]) -> Result<Vec<(geo::Coord, geo::Coord)>, Error> {
    let mut out = Vec::new();
    let mut bad = Vec::new();
    for (i, x) in v.iter().enumerate() {
        let pt = |t: &str| -> Option<geo::Coord> {
            let (lon, lat) = t.split_once(',')?;
            let (lon, lat) = (
                lon.trim().parse::<f64>().ok()?,
                lat.trim().parse::<f64>().ok()?,
            );
            ((-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat))
                .then_some(geo::Coord { x: lon, y: lat })
        };
        match x.split_once(':').and_then(|(a, b)| Some((pt(a)?, pt(b)?))) {
            Some(p) => out.push(p),
            None => bad.push(format!(
                "--blue-between #{} {x:?}: expected LON,LAT:LON,LAT in degrees, e.g. -106.528,31.784:-97.146,25.956",
                i + 1
            )),
        }
    }
    if bad.is_empty() {
        Ok(out)
    } else {
        Err(Error::Usage(bad.join("\n")))
    }
}

fn check_name(name: &str) -> Result<(), Error> {
    if !import::valid_name(name) {
        return Err(Error::Usage(format!(
            "--name {name:?}: use letters, digits, '-' and '_' only (it names files)"
        )));
    }
    Ok(())
}

pub fn run(cmd: ImportCmd) -> Result<ExitCode, Error> {
    let report = match cmd {
        ImportCmd::Synthetic {
            length_km,
            name,
            out,
            force,
            posts_per_100km,
            routes_per_100km,
            blue_share,
            seed,
        } => {
            check_name(&name)?;
            let o = import::generate::GenerateOptions {
                length_km,
                name,
                out,
                posts_per_100km,
                routes_per_100km,
                blue_share,
                seed,
            };
            // options first: a bad option is said whatever the folder holds
            import::generate::check_options(&o)?;
            import::check_target(&o.out, &o.name, force)?;
            import::generate::generate(&o)?
        }
        ImportCmd::Osm {
            pbf,
            states,
            dem,
            name,
            out,
            force,
            network_km,
            blue_tolerance_m,
            exercise_posts,
            seed,
        } => {
            check_name(&name)?;
            import::check_numbers(&[
                ("network_km", network_km, 0.0),
                ("blue_tolerance_m", blue_tolerance_m, 0.0),
            ])?;
            import::check_target(&out, &name, force)?;
            import::osm::import(&import::osm::OsmOptions {
                pbf,
                states: StateCode::parse_pair(&states)?,
                dem,
                name,
                out,
                network_km,
                blue_tolerance_m,
                exercise_posts,
                seed,
            })?
        }
        ImportCmd::Naturalearth {
            file,
            states,
            name,
            out,
            force,
            crossings,
            snap_tolerance_m,
            rivers,
            blue_tolerance_m,
            blue_between,
            exercise_posts,
            exercise_routes,
            seed,
            countries,
            places,
        } => {
            import::check_numbers(&[
                ("snap_tolerance_m", snap_tolerance_m, 0.0),
                ("blue_tolerance_m", blue_tolerance_m, 0.0),
            ])?;
            import::check_target(&out, &name, force)?;
            check_name(&name)?;
            import::naturalearth::import(&import::naturalearth::NaturalEarthOptions {
                file,
                states: StateCode::parse_pair(&states)?,
                name,
                out,
                crossings,
                snap_tolerance_m,
                rivers,
                blue_tolerance_m,
                blue_between: parse_blue_between(&blue_between)?,
                exercise_posts,
                exercise_routes,
                seed,
                countries,
                places,
            })?
        }
    };
    print!("{}", report_text(&report));
    if !report.unsnapped.is_empty() {
        eprintln!("{} input points were not used:", report.unsnapped.len());
        for u in &report.unsnapped {
            eprintln!("  {u}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// What an import wrote, as the terminal shows it.
fn report_text(r: &ImportReport) -> String {
    let mut t = format!("wrote {} and {}\n", r.scenario.display(), r.maps.display());
    t += &format!(
        "border {:.1} km ({:.1} green, {:.1} blue); {} official crossings, {} informal routes, {} network links, {} posts, {} units\n",
        r.border_km, r.green_km, r.blue_km, r.crossings, r.routes, r.network_links, r.posts, r.units
    );
    for n in &r.notes {
        t += &format!("note: {n}\n");
    }
    t
}
