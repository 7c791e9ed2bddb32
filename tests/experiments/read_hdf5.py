#!/usr/bin/python3
"""Opens an Agora trajectory file with h5py, validates it against docs/hdf5_schema.md
(schema version 1) and prints a short description.

Usage: read_hdf5.py FILE [--expect-complete | --expect-incomplete] [--expect-rows N]
Exit status 0 when the file is valid (and matches the expectations), 1 otherwise.
"""
import argparse
import json
import sys

import h5py
import numpy as np


def fail(message):
    print("invalid trajectory file: " + message, file=sys.stderr)
    sys.exit(1)


def check(condition, message):
    if not condition:
        fail(message)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("file")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--expect-complete", action="store_true")
    group.add_argument("--expect-incomplete", action="store_true")
    parser.add_argument("--expect-rows", type=int)
    args = parser.parse_args()

    with h5py.File(args.file, "r") as f:
        attrs = f.attrs
        for key in ("complete", "schema_version", "stride", "horizon", "steps_completed"):
            check(key in attrs, "missing root attribute " + key)
        check(int(attrs["schema_version"]) == 1, "schema_version is not 1")
        complete = bool(attrs["complete"])
        stride = int(attrs["stride"])
        horizon = int(attrs["horizon"])
        steps_completed = int(attrs["steps_completed"])
        if "config" in attrs:
            config = attrs["config"]
            check(isinstance(config, str), "config is not a string")
            json.loads(config)

        step = f["step"][...]
        check(step.dtype == np.int64 and step.ndim == 1, "/step is not int64 [rows]")
        rows = step.shape[0]
        check(np.all(np.diff(step) > 0), "/step is not increasing")
        check(np.all(step[:-1] % stride == 0), "/step is not at multiples of the stride")
        check(rows == 0 or step[-1] <= horizon, "/step goes past the horizon")
        if complete:
            check(rows > 0 and step[-1] == steps_completed, "complete but rows are missing")

        names = [str(n) for n in f["metrics"].attrs["names"]]
        check(sorted(names) == sorted(f["metrics"].keys()), "/metrics names do not match")
        for name in names:
            d = f["metrics"][name]
            check(d.dtype == np.float64 and d.shape == (rows,), "/metrics/%s shape" % name)

        roles = [str(r) for r in f["agents"].attrs["roles"]]
        check(sorted(roles) == sorted(f["agents"].keys()), "/agents roles do not match")
        for role in roles:
            g = f["agents"][role]
            reward = g["reward"]
            check(reward.dtype == np.float64 and reward.ndim == 2 and reward.shape[0] == rows,
                  "/agents/%s/reward shape" % role)
            pool = reward.shape[1]
            active = g["active"]
            check(active.dtype == np.uint8 and active.shape == (rows, pool),
                  "/agents/%s/active shape" % role)
            if "action" in g:
                action = g["action"]
                check(action.dtype == np.float64 and action.ndim == 3 and
                      action.shape[:2] == (rows, pool), "/agents/%s/action shape" % role)
                check(len(action.attrs["labels"]) == action.shape[2],
                      "/agents/%s/action labels" % role)
            check(g["reward"].chunks is not None, "/agents/%s/reward is not chunked" % role)

        if args.expect_complete:
            check(complete, "complete is false")
        if args.expect_incomplete:
            check(not complete, "complete is true")
        if args.expect_rows is not None:
            check(rows == args.expect_rows, "%d rows, expected %d" % (rows, args.expect_rows))

        print("%s: complete=%s steps_completed=%d horizon=%d stride=%d rows=%d" %
              (args.file, complete, steps_completed, horizon, stride, rows))
        print("  metrics: " + ", ".join(names))
        for role in roles:
            g = f["agents"][role]
            shape = g["action"].shape if "action" in g else g["reward"].shape
            print("  agents/%s: %s" % (role, "x".join(str(n) for n in shape)))


if __name__ == "__main__":
    main()
