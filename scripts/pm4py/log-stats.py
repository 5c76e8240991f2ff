#!/usr/bin/env python3
"""Independent statistics of an event log, computed with PM4Py (the reference tool).

Usage:
    /tmp/pm4pyvenv/bin/python scripts/pm4py/log-stats.py <file.xes|file.csv> [--sep ;]

Prints JSON: cases, events, activities (distinct), per-activity event counts, variants,
median/mean case duration (seconds, pm4py.get_all_case_durations), and per-activity
median "flow time into the activity" (seconds) from PM4Py's performance DFG: for logs
with only complete timestamps the DFG edge a->b is complete(b) - complete(a), which is
the derived step duration Flowtrail's importer uses (docs/event-logs.md).

CSV: read with pandas, columns case:concept:name / concept:name / time:timestamp
(override with --case, --activity, --timestamp); timestamps without offset are naive
(no time zone), exactly as in the file.

Used once to produce collector/test/eventlog/fixtures/pm4py-*.json; CI does not need it.
"""
import argparse
import json
import logging
import os
import statistics
import sys
import warnings

warnings.filterwarnings("ignore")
logging.disable(logging.WARNING)


def load(path, args):
    import pandas as pd
    import pm4py

    if path.lower().endswith(".csv"):
        df = pd.read_csv(path, sep=args.sep, dtype={args.case: str})
        df = pm4py.format_dataframe(
            df,
            case_id=args.case,
            activity_key=args.activity,
            timestamp_key=args.timestamp,
        )
        return df
    return pm4py.read_xes(path)


def per_activity_flow_medians(df):
    from pm4py.algo.discovery.dfg.adapters.pandas import df_statistics

    perf = df_statistics.get_dfg_graph(
        df,
        measure="performance",
        perf_aggregation_key="raw_values",
        activity_key="concept:name",
        case_id_glue="case:concept:name",
        timestamp_key="time:timestamp",
    )
    incoming = {}
    for (_, target), values in perf.items():
        incoming.setdefault(target, []).extend(float(v) for v in values)
    return {a: statistics.median(v) for a, v in sorted(incoming.items())}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("file")
    parser.add_argument("--sep", default=",")
    parser.add_argument("--case", default="case:concept:name")
    parser.add_argument("--activity", default="concept:name")
    parser.add_argument("--timestamp", default="time:timestamp")
    args = parser.parse_args()

    import pm4py

    with open(os.devnull, "w") as devnull:
        stdout, sys.stdout = sys.stdout, devnull
        try:
            df = load(args.file, args)
            durations = pm4py.get_all_case_durations(df)
            variants = pm4py.get_variants(df)
            flow = per_activity_flow_medians(df)
        finally:
            sys.stdout = stdout

    counts = df["concept:name"].value_counts().to_dict()
    result = {
        "tool": f"pm4py {pm4py.__version__}",
        "file": os.path.basename(args.file),
        "cases": int(df["case:concept:name"].nunique()),
        "events": int(len(df)),
        "activities": int(df["concept:name"].nunique()),
        "variants": len(variants),
        "eventsPerActivity": {str(k): int(v) for k, v in sorted(counts.items())},
        "caseDurationSeconds": {
            "median": float(statistics.median(durations)),
            "mean": float(statistics.fmean(durations)),
            "max": float(max(durations)),
        },
        "medianFlowSecondsIntoActivity": flow,
    }
    json.dump(result, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
