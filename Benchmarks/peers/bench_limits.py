#!/usr/bin/env python3
"""Machine limits for the throughput report, measured by `descent bench` in the same session.

    bench_limits.py DESCENT_BINARY OUT.json

Runs `descent bench --json` with the full-size limit measurements (1 GiB arrays, best of several runs)
and a tiny epoch section, and writes the limits in the form peers/make_tables.py reads:
    {"stream_read_gbps": {"1": x, "2": y}, "shuffled_row_gbps": {"1": {"float32": …, "float64": …}, …},
     "sgemm_gflops": {"1": …}, "dgemm_gflops": {"1": …}}
The shuffled-row figure for float32 is the one for rows of 256 floats (1 KiB, P1's rows), for float64
rows of 256 doubles (2 KiB).
"""
import json
import subprocess
import sys


def main():
    binary, out = sys.argv[1], sys.argv[2]
    run = subprocess.run([binary, "bench", "--json", "--paths", "mini-batch,full-batch,multi-output", "--rows", "65536",
                          "--multi-output-rows", "4096",
                          "--features", "256", "--batch-sizes", "1024", "--epochs", "1"],
                         capture_output=True, text=True, check=True)
    limits = json.loads(run.stdout)["limits"]
    result = {"stream_read_gbps": {}, "shuffled_row_gbps": {}, "sgemm_gflops": {}, "dgemm_gflops": {}}
    for m in limits["streamingRead"]["measurements"]:
        result["stream_read_gbps"][str(m["threads"])] = m["value"]
    for entry in limits["shuffledRowRead"]:
        dtype = {1024: "float32", 2048: "float64"}.get(entry["rowBytes"])
        if dtype is None:
            continue
        for m in entry["measurements"]:
            result["shuffled_row_gbps"].setdefault(str(m["threads"]), {})[dtype] = m["value"]
    for entry in limits["gemm"]:
        key = "sgemm_gflops" if entry["scalar"] == "float" else "dgemm_gflops"
        for m in entry["measurements"]:
            result[key][str(m["threads"])] = m["value"]
    result["source"] = "descent bench (" + " ".join(run.args[1:]) + ")"
    with open(out, "w") as f:
        json.dump(result, f, indent=1)
    print(json.dumps(result), file=sys.stderr)


if __name__ == "__main__":
    main()
