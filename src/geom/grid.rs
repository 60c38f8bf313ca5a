//! Grid references a patrol reads off its map: UTM (zone, band, easting,
//! northing in metres) and MGRS (NGA's Military Grid Reference System),
//! both on WGS84 through `geoconvert` (a Rust translation of
//! GeographicLib's GeoConvert).

use geo::Coord;

/// A point's grid references, to the metre in UTM and to 10 m in MGRS.
#[derive(Clone, Debug, PartialEq)]
pub struct GridRef {
    /// "31T 375041 4706383".
    pub utm: String,
    /// "31T CH 7504 0638" (zone and band, 100 km square, 4 + 4 digits).
    pub mgrs: String,
}

/// The grid references of a lon/lat point; `None` outside the UTM/MGRS
/// grid's latitudes or for a position that is not one.
pub fn grid_ref(lonlat: Coord) -> Option<GridRef> {
    let ll = geoconvert::LatLon::create(lonlat.y, lonlat.x).ok()?;
    let u = ll.to_utmups();
    if u.zone() == 0 {
        return None; // UPS, the polar caps: no border planned there
    }
    let m = ll.to_mgrs(4).to_string();
    // "31TCH75040638": zone digits, band, square, digits halved
    let digits = m.trim_start_matches(|c: char| c.is_ascii_digit());
    let zone = &m[..m.len() - digits.len()];
    let (band, rest) = digits.split_at(1);
    let (square, nums) = rest.split_at(2.min(rest.len()));
    let (e, n) = nums.split_at(nums.len() / 2);
    Some(GridRef {
        utm: format!(
            "{}{} {:.0} {:.0}",
            u.zone(),
            band,
            u.easting().floor(),
            u.northing().floor()
        ),
        mgrs: format!("{zone}{band} {square} {e} {n}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_references_match_geographiclib() {
        // GeographicLib's own example point (GeoConvert's documentation):
        // 40°44'54"N 73°59'07"W, the Empire State Building
        let g = grid_ref(Coord {
            x: -73.985278,
            y: 40.748333,
        })
        .unwrap();
        assert_eq!(g.utm, "18T 585664 4511315");
        assert_eq!(g.mgrs, "18T WL 8566 1131");
        // Andorra la Vella, zone 31, band T
        let g = grid_ref(Coord {
            x: 1.5212467,
            y: 42.5069391,
        })
        .unwrap();
        assert!(g.utm.starts_with("31T "), "{g:?}");
        assert!(g.mgrs.starts_with("31T CH "), "{g:?}");
        assert!(grid_ref(Coord { x: 0.0, y: 89.0 }).is_none(), "a polar cap");
    }
}
