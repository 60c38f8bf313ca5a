#!/usr/bin/env python3
"""The shortest-path queries of `borderwatch graph` through networkx, on the
same graph (edges.csv) — a full single-source Dijkstra from each query's
source, as borderwatch does — for a side-by-side timing and an agreement
check. Usage: routing_networkx.py GRAPH_DIR BORDERWATCH_QUERY_SECONDS"""

import csv
import sys
import time
from pathlib import Path

import networkx as nx

d = Path(sys.argv[1])
ours = float(sys.argv[2])
G = nx.DiGraph()
with open(d / "edges.csv") as f:
    for r in csv.DictReader(f):
        G.add_edge(int(r["from"]), int(r["to"]), seconds=float(r["seconds"]))
with open(d / "nodes.csv") as f:
    for r in csv.DictReader(f):
        G.add_node(int(r["id"]))
with open(d / "queries.csv") as f:
    queries = [
        (int(r["source"]), int(r["target"]), float(r["seconds"]) if r["seconds"] else None)
        for r in csv.DictReader(f)
    ]
t0 = time.perf_counter()
answers = []
for s, t, _ in queries:
    dist = nx.single_source_dijkstra_path_length(G, s, weight="seconds")
    answers.append(dist.get(t))
took = time.perf_counter() - t0
bad = 0
for (s, t, want), got in zip(queries, answers):
    if (want is None) != (got is None) or (want is not None and abs(want - got) > 1e-3 + 1e-6 * want):
        bad += 1
print(f"networkx: {G.number_of_nodes()} nodes, {G.number_of_edges()} edges, {len(queries)} queries in {took:.3f} s ({took / max(1, len(queries)) * 1e3:.2f} ms each)")
print(f"borderwatch: {ours:.3f} s; networkx / borderwatch = {took / ours:.1f}x")
print(f"answers differing (> 1 ms): {bad} of {len(queries)}")
print(f"NETWORKX_SECONDS={took:.4f}")
print(f"AGREE={'yes' if bad == 0 else 'no'}")
