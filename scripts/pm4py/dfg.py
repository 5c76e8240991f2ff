#!/usr/bin/env python3
"""Independent directly-follows graph of an event log (PM4Py, the reference tool).

Usage:
    /tmp/pm4pyvenv/bin/python scripts/pm4py/dfg.py <file.xes>

Prints JSON with PM4Py's frequency DFG (pm4py.discover_dfg: edge counts, start and end
activities with counts) and performance DFG (pm4py.discover_performance_dfg: per edge
mean and median in seconds). For logs with only complete timestamps an edge a->b of the
performance DFG is complete(b) - complete(a) of consecutive events of a case.
Edges are keyed "a -> b". Used once to produce
collector/test/views/fixtures/pm4py-receipt-dfg.json; CI does not need PM4Py.
"""
import json
import logging
import sys
import warnings

warnings.filterwarnings("ignore")
logging.disable(logging.WARNING)

import pm4py  # noqa: E402

path = sys.argv[1]
log = pm4py.read_xes(path)
dfg, start, end = pm4py.discover_dfg(log)
perf, _, _ = pm4py.discover_performance_dfg(log)


def key(edge):
    return f"{edge[0]} -> {edge[1]}"


out = {
    "edges": {key(e): int(n) for e, n in dfg.items()},
    "start_activities": {a: int(n) for a, n in start.items()},
    "end_activities": {a: int(n) for a, n in end.items()},
    "performance": {
        key(e): {"mean_s": float(v["mean"]), "median_s": float(v["median"])}
        for e, v in perf.items()
    },
}
json.dump(out, sys.stdout, indent=1, sort_keys=True)
print()
