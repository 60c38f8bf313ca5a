#!/usr/bin/env python3
"""Compare two ESRI ASCII grids cell by cell where both have data.

usage: compare_grids.py OURS.asc GDAL.asc
Cells are matched by their centre coordinates (the grids may cover
different windows). Prints agreement as JSON. No third-party modules.
"""
import json
import sys


def read(path):
    head = {}
    with open(path) as f:
        lines = f.read().split("\n")
    i = 0
    while i < len(lines) and lines[i].split() and lines[i].split()[0].lower() in (
        "ncols", "nrows", "xllcorner", "yllcorner", "xllcenter", "yllcenter", "cellsize", "nodata_value", "dx", "dy",
    ):
        k, v = lines[i].split()[:2]
        head[k.lower()] = float(v)
        i += 1
    ncols, nrows = int(head["ncols"]), int(head["nrows"])
    cell = head.get("cellsize", head.get("dx"))
    x0 = head["xllcorner"] if "xllcorner" in head else head["xllcenter"] - cell / 2
    y0 = head["yllcorner"] if "yllcorner" in head else head["yllcenter"] - cell / 2
    nodata = head.get("nodata_value")
    vals = []
    for line in lines[i:]:
        vals.extend(float(v) for v in line.split())
    assert len(vals) == ncols * nrows, (path, len(vals), ncols * nrows)
    return dict(ncols=ncols, nrows=nrows, cell=cell, x0=x0, ytop=y0 + nrows * cell, nodata=nodata, vals=vals)


def main():
    a, b = read(sys.argv[1]), read(sys.argv[2])
    assert abs(a["cell"] - b["cell"]) < 1e-6, "different cell sizes"
    cell = a["cell"]
    same = diff = a_only = b_only = 0
    for r in range(b["nrows"]):
        for c in range(b["ncols"]):
            vb = b["vals"][r * b["ncols"] + c]
            if b["nodata"] is not None and vb == b["nodata"]:
                continue
            x = b["x0"] + (c + 0.5) * cell
            y = b["ytop"] - (r + 0.5) * cell
            ca = int((x - a["x0"]) / cell)
            ra = int((a["ytop"] - y) / cell)
            if not (0 <= ca < a["ncols"] and 0 <= ra < a["nrows"]):
                continue
            va = a["vals"][ra * a["ncols"] + ca]
            vis_a, vis_b = va > 127, vb > 127
            if vis_a == vis_b:
                same += 1
            else:
                diff += 1
                if vis_a:
                    a_only += 1
                else:
                    b_only += 1
    total = same + diff
    print(json.dumps({
        "cells_compared": total,
        "agree": same,
        "agreement_pct": round(100.0 * same / total, 3) if total else None,
        "visible_only_in_ours": a_only,
        "visible_only_in_gdal": b_only,
    }))


if __name__ == "__main__":
    main()
