#!/usr/bin/env bash
# borderwatch side by side with the tools users have today, in one run:
#   1. gap analysis: `borderwatch assess` vs the same per-segment coverage in
#      geopandas/shapely (scripts/bench/gaps_geopandas.py), on usa-mexico;
#   2. viewshed: ours vs gdal_viewshed on the same terrain grid, every post of
#      andorra-spain (scripts/bench/viewshed-vs-gdal.sh);
#   3. routing: the same shortest-path queries on Andorra's foot patrol graph,
#      ours vs networkx (scripts/bench/routing_networkx.py);
#   4. peak memory (/usr/bin/time -v) of assess, plan and simulate on usa-mexico.
# Installs what it needs: gdal-bin and python3-venv (apt), geopandas, networkx
# (PyPI, in target/bench-venv). Prints ratios and whether the answers agree.
#   scripts/bench/run-all.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
export DEBIAN_FRONTEND=noninteractive
need=()
command -v gdal_viewshed >/dev/null || need+=(gdal-bin)
command -v /usr/bin/time >/dev/null || need+=(time)
python3 -c "import venv, ensurepip" 2>/dev/null || need+=(python3-venv)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
venv=target/bench-venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q geopandas networkx pyproj shapely numpy pandas pyogrio
fi
py="$venv/bin/python"
cargo build --release --no-default-features --locked -q
bw=${CARGO_TARGET_DIR:-target}/release/borderwatch
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
secs() { python3 -c "import sys; print(f'{float(sys.argv[1]):.3f}')" "$1"; }
rss() { sed -n 's/.*Maximum resident set size (kbytes): //p' "$1"; }
wall() { sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$1" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }'; }

echo "## 1. Gap analysis (usa-mexico, 2,641 km, 300 posts, no DEM)"
/usr/bin/time -v "$bw" assess scenarios/usa-mexico.toml --out "$work/assess" > /dev/null 2> "$work/assess.time"
ours=$(wall "$work/assess.time")
"$py" scripts/bench/gaps_geopandas.py scenarios/usa-mexico.toml "$work/assess/segments.csv" 2>/dev/null | tee "$work/gaps.txt"
gp=$(sed -n 's/^GEOPANDAS_SECONDS=//p' "$work/gaps.txt")
gaps_agree=$(sed -n 's/^AGREE=//p' "$work/gaps.txt")
echo "borderwatch assess (whole command: load, coverage, risk, gaps, all reports): ${ours} s"
echo

echo "## 2. Viewshed (andorra-spain, every post, 30 m grid, 15 km)"
scripts/bench/viewshed-vs-gdal.sh scenarios/andorra-spain.toml 1.7 30 15000 | tee "$work/vs.txt"
echo

echo "## 3. Routing (Andorra's foot patrol graph, 200 queries)"
"$bw" graph scenarios/andorra-spain.toml --state AD --mode foot --out "$work/graph" --queries 200 --seed 7 --json > "$work/graph.json"
q=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['query_total_s'])" "$work/graph.json")
"$py" scripts/bench/routing_networkx.py "$work/graph" "$q" | tee "$work/route.txt"
nx=$(sed -n 's/^NETWORKX_SECONDS=//p' "$work/route.txt")
route_agree=$(sed -n 's/^AGREE=//p' "$work/route.txt")
echo

echo "## 4. Peak memory on usa-mexico"
/usr/bin/time -v "$bw" plan scenarios/usa-mexico.toml --objective idleness --out "$work/plan" --watch-m 1000 > /dev/null 2> "$work/plan.time"
/usr/bin/time -v "$bw" simulate scenarios/usa-mexico.toml --plan "$work/plan/plan.json" --runs 200000 --out "$work/sim" --json > /dev/null 2> "$work/sim.time"
printf '| command | wall s | peak RSS MB |\n|---|---:|---:|\n'
for c in assess plan sim; do
  printf '| %s | %s | %s |\n' "$c" "$(wall "$work/$c.time")" "$(( $(rss "$work/$c.time") / 1024 ))"
done
echo

echo "## Summary"
printf '| comparison | theirs s | ours s | theirs / ours | answers agree |\n|---|---:|---:|---:|---|\n'
printf '| gap analysis: geopandas coverage only vs borderwatch assess, whole command | %s | %s | %s | %s |\n' \
  "$(secs "$gp")" "$(secs "$ours")" "$(python3 -c "import sys; print(f'{float(sys.argv[1])/float(sys.argv[2]):.1f}x')" "$gp" "$ours")" "$gaps_agree"
printf '| routing: networkx vs borderwatch, 200 single-source Dijkstras | %s | %s | %s | %s |\n' \
  "$(secs "$nx")" "$(secs "$q")" "$(python3 -c "import sys; print(f'{float(sys.argv[1])/float(sys.argv[2]):.1f}x')" "$nx" "$q")" "$route_agree"
echo "(viewshed: see the table in section 2 — per post, agreement and both times)"
