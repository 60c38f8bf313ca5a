#!/usr/bin/env bash
# Compare borderwatch's viewshed with gdal_viewshed (Debian gdal-bin) on the
# same terrain grid, for every post of a scenario: cell agreement and time.
#
#   scripts/bench/viewshed-vs-gdal.sh [SCENARIO] [TARGET_HEIGHT_M] [CELL_M] [RANGE_M]
#
# Defaults: scenarios/andorra-spain.toml, 0 m, 60 m, each post's longest
# sensor range. Installs gdal-bin if
# missing (apt), builds borderwatch in release (core only, no viewer).
set -euo pipefail
cd "$(dirname "$0")/../.."
scenario=${1:-scenarios/andorra-spain.toml}
tz=${2:-0}
cell=${3:-60}
range_arg=()
[ -n "${4:-}" ] && range_arg=(--range-m "$4")
if ! command -v gdal_viewshed >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends gdal-bin >/dev/null
fi
cargo build --release --no-default-features --locked -q
bw=${CARGO_TARGET_DIR:-target}/release/borderwatch
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
posts=$(python3 -c "import json,sys; print(' '.join(f['properties']['id'] for f in json.load(open(sys.argv[1]))['features']))" \
  "$(dirname "$scenario")/$(sed -n 's/^maps = "\(.*\)"/\1/p' "$scenario")/posts.geojson")
echo "gdal: $(gdalinfo --version)"
printf '| post | cells compared | agreement | ours only | gdal only | ours (ms) | gdal_viewshed (ms) |\n|---|---:|---:|---:|---:|---:|---:|\n'
for p in $posts; do
  out="$work/$p"
  "$bw" viewshed "$scenario" --post "$p" --target-height-m "$tz" --cell-m "$cell" "${range_arg[@]}" --out "$out" --json > "$out.json"
  read -r ox oy oz md ours_ms < <(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(d['observer_x'], d['observer_y'], d['observer_height_m'], d['range_m'], d['viewshed_ms'])" "$out.json")
  # GeoTIFF input so gdal_viewshed's time is not spent parsing text.
  [ -f "$work/terrain.tif" ] || gdal_translate -q -of GTiff "$out/terrain.asc" "$work/terrain.tif"
  runs=()
  for i in 1 2 3 4 5; do
    t0=$(date +%s%N)
    gdal_viewshed -q -ox "$ox" -oy "$oy" -oz "$oz" -tz "$tz" -md "$md" -cc 0.85714 "$work/terrain.tif" "$out/gdal.tif"
    runs+=($(( ($(date +%s%N) - t0) / 1000 )))
  done
  gdal_ms=$(printf '%s\n' "${runs[@]}" | sort -n | sed -n 3p | awk '{printf "%.1f", $1/1000}')
  gdal_translate -q -of AAIGrid "$out/gdal.tif" "$out/gdal.asc"
  python3 scripts/bench/compare_grids.py "$out/viewshed-$p.asc" "$out/gdal.asc" > "$out.cmp"
  python3 - "$p" "$out.cmp" "$ours_ms" "$gdal_ms" <<'PY'
import json, sys
p, cmp, ours, gdal = sys.argv[1], json.load(open(sys.argv[2])), float(sys.argv[3]), sys.argv[4]
print(f"| {p} | {cmp['cells_compared']} | {cmp['agreement_pct']} % | {cmp['visible_only_in_ours']} | {cmp['visible_only_in_gdal']} | {ours:.2f} | {gdal} |")
PY
done
echo
echo "ours: median of 5 runs of the algorithm in process; gdal_viewshed: median of 5 whole-process runs (GeoTIFF in, GeoTIFF out)."
