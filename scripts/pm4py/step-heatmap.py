#!/usr/bin/env python3
"""Independent step heat map of an event log with complete-only timestamps (PM4Py + pandas).

Usage:
    /tmp/pm4pyvenv/bin/python scripts/pm4py/step-heatmap.py <file.xes> [hour|weekday]

Reads the log with pm4py.read_xes, orders each case by timestamp (as PM4Py's DFG does),
and takes each event's "flow time into the activity": its timestamp minus the previous
event's timestamp in the case (PM4Py's performance-DFG edge value; the first event of a
case has none). The bucket is the previous event's timestamp (when work entered the
step), UTC hour 0-23 or weekday 0-6 (Monday = 0). Prints JSON
{activity: {bucket: {count, median_s, p95_s}}} with numpy's linear percentiles.
Used once to produce collector/test/instance/fixtures/pm4py-receipt-heatmap-*.json.
"""
import json
import logging
import sys
import warnings

warnings.filterwarnings("ignore")
logging.disable(logging.WARNING)

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pm4py  # noqa: E402

path = sys.argv[1]
dimension = sys.argv[2] if len(sys.argv) > 2 else "hour"
df = pm4py.read_xes(path)
df["time:timestamp"] = pd.to_datetime(df["time:timestamp"], utc=True)
df = df.sort_values(["case:concept:name", "time:timestamp"], kind="stable")
df["prev"] = df.groupby("case:concept:name")["time:timestamp"].shift(1)
df = df.dropna(subset=["prev"])
df["duration_s"] = (df["time:timestamp"] - df["prev"]).dt.total_seconds()
df["bucket"] = df["prev"].dt.hour if dimension == "hour" else df["prev"].dt.weekday
out = {}
for (activity, bucket), group in df.groupby(["concept:name", "bucket"]):
    values = group["duration_s"].to_numpy()
    out.setdefault(activity, {})[str(int(bucket))] = {
        "count": int(len(values)),
        "median_s": float(np.percentile(values, 50)),
        "p95_s": float(np.percentile(values, 95)),
    }
json.dump(out, sys.stdout, indent=1, sort_keys=True)
print()
