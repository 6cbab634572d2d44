#!/usr/bin/env python3
"""The report of Benchmarks/run-distributed.sh: reads its JSON lines, prints Markdown.

Per configuration and global batch: the median over rounds of the samples/s of the counted epochs
(each epoch's own figure from `descent train --json`, the first epoch dropped: page faults), the
ratio to one process on one thread, and for the MPI runs the share of the training time spent in
collectives (`communicationSeconds` of process 0 over the epochs' training seconds). Then the
collectives alone, and the batch per process at which they stay under 10 % of a step:
T_step = b × t_sample ≥ 9 × T_collectives, with t_sample from one process on one thread at the
largest batch (the step cost per sample without communication).
"""
import json
import statistics
import sys

rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
runs = [r for r in rows if "config" in r]
latency = {r["allreduce"]: r["microseconds"] for r in rows if "allreduce" in r}
names = {"one-t1": "1 process, 1 thread", "one-t2": "1 process, 2 threads",
         "two-shm": "2 processes × 1 thread, shared memory", "two-tcp": "2 processes × 1 thread, TCP (loopback)",
         "two-tcp-local": "2 processes, TCP, local SGD (average every 16)"}


def counted(r):
    h = r["history"][1:] or r["history"]
    sps = statistics.median(e["samplesPerSecond"] for e in h)
    train_seconds = sum(e["samples"] / e["samplesPerSecond"] for e in r["history"] if e["samplesPerSecond"] > 0)
    share = r["communicationSeconds"] / train_seconds if r.get("communicationSeconds") is not None else None
    return sps, share


batches = sorted({r["batch"] for r in runs})
table = {}
for r in runs:
    table.setdefault((r["config"], r["batch"]), []).append(counted(r))

print("| global batch | configuration | samples/s (median) | vs 1 process, 1 thread | time in collectives |")
print("| ---: | --- | ---: | ---: | ---: |")
for b in batches:
    base = statistics.median(s for s, _ in table.get(("one-t1", b), [(float("nan"), None)]))
    for c in ["one-t1", "one-t2", "two-shm", "two-tcp", "two-tcp-local"]:
        if (c, b) not in table:
            continue
        vals = table[(c, b)]
        sps = statistics.median(s for s, _ in vals)
        shares = [x for _, x in vals if x is not None]
        share = f"{100 * statistics.median(shares):.1f} %" if shares else "—"
        print(f"| {b} | {names[c]} | {sps / 1e6:.2f} M | {sps / base:.2f}× | {share} |")
print()
largest = max(batches)
t_sample = 1 / statistics.median(s for s, _ in table[("one-t1", largest)])
print(f"One step's collectives alone (allreduce of 257 floats, then of 1 double; 2 processes, median of 20 000):")
print()
print("| transport | collectives per step | batch per process for < 10 % of a step |")
print("| --- | ---: | ---: |")
for btl, label in [("vader", "shared memory"), ("tcp", "TCP (loopback)")]:
    if btl in latency:
        t = latency[btl] * 1e-6
        print(f"| {label} | {latency[btl]:.1f} µs | {9 * t / t_sample:.0f} |")
print()
print(f"(t_sample = {t_sample * 1e9:.1f} ns: one process, one thread, batch {largest}; the threshold is 9 × collectives / t_sample.)")
