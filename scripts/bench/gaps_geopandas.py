#!/usr/bin/env python3
"""The per-segment coverage of `borderwatch assess`, written the way a GIS
analyst would in geopandas/shapely (vectorised where geopandas allows), for
a side-by-side timing and an agreement check.

Same model as borderwatch without a DEM (no line of sight):
- every border stretch cut into n = ceil(L / 250 m) equal segments by
  geodesic length, each sampled at ns = max(3, ceil(len / 50 m)) points at
  (j + 0.5) / ns of its length;
- a sensor detects with p at d <= range/2, falling linearly to 0 at range;
  a post's day (night) p at a sample is its best day (night) sensor's;
- a post's p for a segment is the mean over the segment's samples (0 where
  out of range); posts combine as 1 - prod(1 - p);
- a segment is covered in a view (each State's posts alone, or both) when
  min(day, night) >= 0.5.

Usage: gaps_geopandas.py SCENARIO.toml SEGMENTS_CSV_FROM_BORDERWATCH
Prints the timing and how far the answers are from borderwatch's.
"""

import sys
import time
import tomllib
from pathlib import Path

t_start = time.perf_counter()
import geopandas as gpd  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import shapely  # noqa: E402
from pyproj import CRS, Geod  # noqa: E402

t_import = time.perf_counter() - t_start

SEGMENT_M = 250.0
SAMPLE_M = 50.0
THRESHOLD = 0.5


def main():
    scen_path = Path(sys.argv[1])
    bw_csv = sys.argv[2]
    t0 = time.perf_counter()
    scen = tomllib.loads(scen_path.read_text())
    maps = (scen_path.parent / scen["maps"]).resolve()
    border = gpd.read_file(maps / "border.geojson")
    posts = gpd.read_file(maps / "posts.geojson")
    sensors = {s["id"]: s for s in scen.get("sensors", [])}
    minx, miny, maxx, maxy = border.total_bounds
    crs = CRS.from_proj4(
        f"+proj=etmerc +lat_0={(miny + maxy) / 2} +lon_0={(minx + maxx) / 2} "
        "+k=1 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs"
    )
    geod = Geod(ellps="WGS84")

    # Segments and their samples, stretch by stretch (geodesic chainage).
    rows = []  # (segment index, sample lon, sample lat)
    seg_len = []
    for geom in border.geometry:
        lines = list(geom.geoms) if geom.geom_type == "MultiLineString" else [geom]
        for line in lines:
            lon, lat = np.asarray(line.xy)
            _, _, d = geod.inv(lon[:-1], lat[:-1], lon[1:], lat[1:])
            cum = np.concatenate([[0.0], np.cumsum(d)])
            total = cum[-1]
            n = max(1, int(np.ceil(total / SEGMENT_M)))
            step = total / n
            for i in range(n):
                m0, m1 = i * step, min((i + 1) * step, total)
                ns = max(3, int(np.ceil((m1 - m0) / SAMPLE_M)))
                m = m0 + (m1 - m0) * (np.arange(ns) + 0.5) / ns
                seg = len(seg_len)
                seg_len.append(m1 - m0)
                rows.append(
                    pd.DataFrame(
                        {"seg": seg, "lon": np.interp(m, cum, lon), "lat": np.interp(m, cum, lat)}
                    )
                )
    samples = pd.concat(rows, ignore_index=True)
    samples = gpd.GeoDataFrame(
        samples, geometry=gpd.points_from_xy(samples.lon, samples.lat), crs="EPSG:4326"
    ).to_crs(crs)
    per_seg = samples.groupby("seg").size().to_numpy()
    posts = posts.to_crs(crs)

    # Post x sample pairs within the post's longest range (spatial index).
    def post_sensors(ids):
        s = [sensors[i] for i in ids if i in sensors]
        return s or [{"range_m": 1500.0, "day": True, "night": False, "p_detect": 0.5}]

    posts["sens"] = posts["sensors"].apply(post_sensors)
    posts["range"] = posts["sens"].apply(lambda s: max(x["range_m"] for x in s))
    idx_p, idx_s = samples.sindex.query(
        # a 32-gon drawn round the range circle (never inside it)
        posts.geometry.buffer(posts["range"].to_numpy() / np.cos(np.pi / 32), quad_segs=8),
        predicate="intersects",
    )
    d = shapely.distance(posts.geometry.values[idx_p], samples.geometry.values[idx_s])
    pday = np.zeros(len(d))
    pnight = np.zeros(len(d))
    # vectorised per distinct sensor set
    for key, group in posts.groupby(posts["sens"].apply(lambda s: tuple(x["id"] if "id" in x else "eyes" for x in s))):
        sens = group["sens"].iloc[0]
        mask = np.isin(idx_p, group.index.to_numpy())
        for s in sens:
            r = s["range_m"]
            p = np.where(d[mask] <= r / 2, s["p_detect"], np.where(d[mask] <= r, s["p_detect"] * (r - d[mask]) / (r / 2), 0.0))
            if s.get("day", True):
                pday[mask] = np.maximum(pday[mask], p)
            if s.get("night", False):
                pnight[mask] = np.maximum(pnight[mask], p)
    pairs = pd.DataFrame(
        {
            "post": idx_p,
            "seg": samples["seg"].to_numpy()[idx_s],
            "pday": pday,
            "pnight": pnight,
        }
    )
    per_post = pairs.groupby(["seg", "post"], as_index=False)[["pday", "pnight"]].sum()
    per_post["pday"] /= per_seg[per_post["seg"]]
    per_post["pnight"] /= per_seg[per_post["seg"]]
    per_post["state"] = posts["state"].to_numpy()[per_post["post"]]
    nseg = len(seg_len)
    out = {}
    for view in list(posts["state"].unique()) + ["joint"]:
        v = per_post if view == "joint" else per_post[per_post["state"] == view]
        miss_day = np.ones(nseg)
        miss_night = np.ones(nseg)
        np.multiply.at(miss_day, v["seg"].to_numpy(), 1.0 - v["pday"].to_numpy())
        np.multiply.at(miss_night, v["seg"].to_numpy(), 1.0 - v["pnight"].to_numpy())
        out[view] = (1.0 - miss_day, 1.0 - miss_night)
    elapsed = time.perf_counter() - t0

    # Agreement with borderwatch's segments.csv.
    bw = pd.read_csv(bw_csv)
    print(f"geopandas: {nseg} segments, {len(samples)} samples, {len(d)} post-sample pairs")
    print(f"geopandas time: {elapsed:.3f} s (plus {t_import:.2f} s importing geopandas)")
    if len(bw) != nseg:
        print(f"DISAGREE: borderwatch has {len(bw)} segments, geopandas {nseg}")
        sys.exit(1)
    worst = 0.0
    flips = 0
    for view, (day, night) in out.items():
        bd = bw[f"p_day_{view}"].to_numpy()
        bn = bw[f"p_night_{view}"].to_numpy()
        worst = max(worst, np.abs(bd - day).max(), np.abs(bn - night).max())
        cov_gp = np.minimum(day, night) >= THRESHOLD
        cov_bw = bw[f"covered_{view}"].astype(str).str.lower().eq("true").to_numpy()
        flips += int((cov_gp != cov_bw).sum())
        km_gp = np.asarray(seg_len)[cov_gp].sum() / 1000
        km_bw = bw["length_km"].to_numpy()[cov_bw].sum()
        print(f"  view {view}: covered {km_gp:.2f} km (geopandas) vs {km_bw:.2f} km (borderwatch)")
    print(f"largest per-segment difference in p: {worst:.4f}; covered/uncovered disagreements: {flips}")
    print(f"GEOPANDAS_SECONDS={elapsed:.4f}")
    print(f"AGREE={'yes' if worst < 0.01 and flips <= nseg * 0.001 else 'no'}")


if __name__ == "__main__":
    main()
