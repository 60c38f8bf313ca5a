#!/usr/bin/env bash
# Rebuild the shipped continental scenario (maps/usa-mexico, scenarios/usa-mexico.toml)
# from the shared public data. The border, green/blue split and crossings are real
# public data; posts, units and informal routes are invented EXERCISE DATA (seeded).
#   scripts/make-usa-mexico.sh [DATA_DIR]     (default: ../shared/data)
set -euo pipefail
cd "$(dirname "$0")/.."
D="${1:-${BORDERWATCH_DATA:-../shared/data}}"
cargo run --release --no-default-features -q -- import naturalearth \
  "$D/naturalearth/ne_10m_admin_0_boundary_lines_land.json" \
  --states US,MX --name usa-mexico --out . \
  --crossings "$D/crossings/tx-mx-border-crossings.csv" \
  --rivers "$D/naturalearth/ne_10m_rivers_north_america.json" \
  --blue-between=-106.528,31.784:-97.146,25.956 \
  --countries "$D/naturalearth/ne_10m_admin_0_countries.json" \
  --places "$D/places/geonames-cities5000.csv" \
  --exercise-posts 150 --exercise-routes 400 --seed 1 --force
