#!/usr/bin/env python3
"""The markdown report of `make throughput`, from the JSON lines run_rounds.py and check_torch.py wrote.

    make_tables.py Benchmarks/results/throughput.jsonl [--limits limits.json]   (or env LIMITS_JSON)

Every figure comes from the one results file. Per configuration (problem × batch × threads × dtype) each
process reports the median of its timed epochs; "median (min–max)" below is over the rounds. A ratio
Descent/peer is peer time / Descent time (> 1: Descent is faster), taken within each round, where the two
processes ran minutes apart at most; the table gives its median over the rounds and the range.

Targets (PASS when the median over rounds meets the bound; "k/N" = rounds that meet it on their own):
  P1, B = 32…8192, 1 thread: ≥ 2× the C loop and ≥ 3× NumPy; 2 threads: ≥ 2.5× / ≥ 3.5× (same threads)
  P3 per sample: ≥ 3× scikit-learn and ≥ 1× the C loop
  float64 time ≤ 2.2 × float32 time (Descent, every configuration)
  Descent's peak RSS ≤ bytes of X and Y in the run's dtype + 10 % + 64 MiB
  scaling: Descent's time per sample at n = 1M within 15 % of n = 262k (P1 vs P1s, same batch)
  identical math: float64 parameters after one epoch equal torch.optim.SGD's to ≤ 1e-12 relative

Machine limits (hook for `descent bench`, not written yet): with --limits or LIMITS_JSON pointing to
    {"stream_read_gbps": {"1": x, "2": y}, "shuffled_row_gbps": {...}, "sgemm_gflops": {...},
     "dgemm_gflops": {...}}   (a value may also be {"float32": ..., "float64": ...})
the report adds Descent's share of each limit: full-batch GB/s vs streaming read, P1 mini-batch GB/s vs
shuffled-row bandwidth, P2 GFLOP/s (4·n·d·k per epoch) vs sgemm (dgemm for float64).
"""
import argparse
import json
import os
import statistics
from collections import defaultdict

NAMES = {"descent": "Descent", "c-loop": "C loop", "numpy": "NumPy", "torch": "PyTorch", "sklearn": "scikit-learn"}
PEERS = ["c-loop", "numpy", "torch", "sklearn"]
MINIBATCHES = ["32", "256", "1024", "8192"]
MIB = 1 << 20


def batch_order(b):
    return 1 << 62 if b == "full" else int(b)


def g3(v):
    return "—" if v is None else (f"{v:.3g}" if abs(v) >= 1e-3 else f"{v:.2e}")


def spread(values, fmt=g3, unit=""):
    if not values:
        return "—"
    m = statistics.median(values)
    if len(values) == 1:
        return f"{fmt(m)}{unit}"
    return f"{fmt(m)}{unit} ({fmt(min(values))}–{fmt(max(values))})"


def table(head, rows):
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


class Results:
    def __init__(self, path):
        self.runs = defaultdict(dict)  # (problem, threads, dtype, batch, impl) -> {round: record}
        self.checks, self.failed, self.meta = [], [], {}
        for line in open(path):
            line = line.strip()
            if not line.startswith("{"):
                continue
            r = json.loads(line)
            if "meta" in r:
                self.meta[r["meta"]] = r
            elif "check" in r:
                self.checks.append(r)
            elif "failed" in r:
                self.failed.append(r)
            elif "median_s" in r:
                key = (r["problem"], r["threads"], r["dtype"], str(r["batch"]), r["impl"])
                self.runs[key].setdefault(r.get("round", 1), r)

    def keys(self, position):
        return sorted({k[position] for k in self.runs}, key=lambda v: (str(type(v)), v))

    def times(self, problem, threads, dtype, batch, impl):
        return [r["median_s"] for r in self.runs.get((problem, threads, dtype, batch, impl), {}).values()]

    def field(self, key, name):
        return [r[name] for r in self.runs.get(key, {}).values() if name in r]

    def paired(self, a, b, combine):
        """combine(record_a, record_b) for every round in which both ran."""
        ra, rb = self.runs.get(a, {}), self.runs.get(b, {})
        return [combine(ra[r], rb[r]) for r in sorted(ra) if r in rb]

    def speedups(self, problem, threads, dtype, batch, peer):
        """Descent's speed over the peer's, per round: peer time / Descent time."""
        d = (problem, threads, dtype, batch, "descent")
        return self.paired(d, d[:4] + (peer,), lambda x, y: y["median_s"] / x["median_s"])


def verdict(values, ok):
    """(cell text, status) for a list of per-round values and a predicate on one value."""
    if not values:
        return "no data", None
    m = statistics.median(values)
    return f"{spread(values, lambda v: f'{v:.2f}')}, {sum(map(ok, values))}/{len(values)} rounds", ok(m)


def status_word(s):
    return "no data" if s is None else ("PASS" if s else "**MISS**")


def targets(res, tally):
    lines = ["## Targets", ""]
    dtypes = res.keys(2)
    threads = [t for t in res.keys(1) if t in (1, 2)]

    def count(s):
        tally[status_word(s).strip("*")] += 1
        return status_word(s)

    for t in threads:
        need_c, need_np = (2.0, 3.0) if t == 1 else (2.5, 3.5)
        rows = []
        for dt in dtypes:
            for b in MINIBATCHES:
                if not res.times("P1", t, dt, b, "descent"):
                    continue
                row = [dt, b]
                for peer, need in (("c-loop", need_c), ("numpy", need_np)):
                    cell, s = verdict(res.speedups("P1", t, dt, b, peer), lambda v, n=need: v >= n)
                    row += [cell, count(s)]
                rows.append(row)
        if not rows:
            continue
        lines += [f"**P1 mini-batches, {t} thread{'s' if t > 1 else ''}: Descent ≥ {need_c}× the C loop and ≥ "
                  f"{need_np}× NumPy** (speed ratio, median (range over rounds), rounds meeting the bound)", "",
                  table(["dtype", "batch", f"vs C loop (≥ {need_c})", "status", f"vs NumPy (≥ {need_np})", "status"], rows), ""]
    rows = []
    for t in threads:
        for dt in dtypes:
            if not res.times("P3", t, dt, "1", "descent"):
                continue
            row = [t, dt]
            for peer, need in (("sklearn", 3.0), ("c-loop", 1.0)):
                cell, s = verdict(res.speedups("P3", t, dt, "1", peer), lambda v, n=need: v >= n)
                row += [cell, count(s)]
            rows.append(row)
    lines += ["**P3 per sample (batch 1): Descent ≥ 3× scikit-learn and ≥ 1× the C loop**", "",
              table(["threads", "dtype", "vs scikit-learn (≥ 3)", "status", "vs C loop (≥ 1)", "status"], rows)
              if rows else "no data", ""]
    rows = []
    if "float32" in dtypes and "float64" in dtypes:
        for (p, t, dt, b, impl) in sorted(res.runs, key=lambda k: (k[0], k[1], batch_order(k[3]))):
            if impl != "descent" or dt != "float32" or p == "P1s":
                continue
            ratios = res.paired((p, t, "float64", b, impl), (p, t, "float32", b, impl),
                                lambda x, y: x["median_s"] / y["median_s"])
            cell, s = verdict(ratios, lambda v: v <= 2.2)
            rows.append([p, b, t, cell, count(s)])
    lines += ["**float64 time ≤ 2.2 × float32 time (Descent)**", "",
              table(["problem", "batch", "threads", "float64 / float32 time", "status"], rows) if rows else "no data", ""]
    rows = []
    for p in res.keys(0):
        for dt in dtypes:
            worst, limit, where = None, None, ""
            for (pp, t, d, b, impl), rounds in res.runs.items():
                if (pp, d, impl) != (p, dt, "descent"):
                    continue
                for r in rounds.values():
                    if "peak_rss_bytes" in r and (worst is None or r["peak_rss_bytes"] > worst):
                        worst, limit, where = r["peak_rss_bytes"], 1.1 * r["data_bytes"] + 64 * MIB, f"b={b}, {t}t"
            if worst is not None:
                rows.append([p, dt, f"{limit / MIB:.0f}", f"{worst / MIB:.0f} ({where})",
                             f"{worst / limit * 100:.0f} %", count(worst <= limit)])
    lines += ["**Memory: Descent's peak RSS ≤ data + 10 % + 64 MiB** (largest over batches, threads and rounds)", "",
              table(["problem", "dtype", "limit MiB", "peak RSS MiB (where)", "of limit", "status"], rows) if rows else "no data", ""]
    rows = []
    for (p, t, dt, b, impl) in sorted(res.runs, key=lambda k: (k[1], k[2], batch_order(k[3]))):
        if p != "P1" or impl != "descent":
            continue
        ratios = res.paired((p, t, dt, b, impl), ("P1s", t, dt, b, impl),
                            lambda x, y: (x["median_s"] / x["n"]) / (y["median_s"] / y["n"]))
        if ratios:
            cell, s = verdict(ratios, lambda v: abs(v - 1) <= 0.15)
            per_sample = [f"{statistics.median(res.times(q, t, dt, b, impl)) / n * 1e9:.0f}"
                          for q, n in (("P1", 1 << 20), ("P1s", 1 << 18))]
            rows.append([t, dt, b] + per_sample + [cell, count(s)])
    lines += ["**Scaling: time per sample at n = 1048576 (P1) within 15 % of n = 262144 (P1s)** "
              "(ratio of times per sample, 1M / 262k, per round)", "",
              table(["threads", "dtype", "batch", "ns/sample 1M", "ns/sample 262k", "1M / 262k", "status"], rows)
              if rows else "no data", ""]
    rows = [[c["check"], c.get("threads", 1), c["dtype"], c["batch"], f"{c['relative']:.2e}", f"{c['tolerance']:g}",
             count(c["ok"])] for c in res.checks]
    lines += ["**Identical math: Descent vs torch.optim.SGD after one epoch in file order** (details below)", "",
              table(["problem", "Descent threads", "dtype", "batch", "relative difference", "tolerance", "status"], rows) if rows else
              "no data (torch missing or the check was not run)", ""]
    return lines


def problem_tables(res):
    lines = ["## Results", "",
             "Cells: s/epoch, median over rounds (min–max); samples/s and GB/s (n·d·sizeof / t, X read once) are "
             "Descent's at its median; Descent/peer = peer time / Descent time per round, median (min–max). "
             "Loss: ½·mean‖r‖² after the last epoch, a check that every implementation did the same work "
             "(different shuffles, so close, not equal; scikit-learn runs without momentum).", ""]
    for p in res.keys(0):
        for t in res.keys(1):
            for dt in res.keys(2):
                batches = sorted({k[3] for k in res.runs if k[:3] == (p, t, dt)}, key=batch_order)
                if not batches:
                    continue
                impls = [i for i in ["descent"] + PEERS if any((p, t, dt, b, i) in res.runs for b in batches)]
                peers = [i for i in impls if i != "descent"]
                any_rec = next(iter(next(r for k, r in res.runs.items() if k[:3] == (p, t, dt)).values()))
                head = ["batch"] + [f"{NAMES[i]} s/epoch" for i in impls] + ["Descent samples/s", "Descent GB/s"] + \
                       [f"Descent/{NAMES[i]}" for i in peers] + ["Descent peak RSS MiB", "loss " + " / ".join(NAMES[i] for i in impls)]
                rows = []
                for b in batches:
                    dk = (p, t, dt, b, "descent")
                    dtimes = res.times(*dk)
                    dm = statistics.median(dtimes) if dtimes else None
                    row = [b] + [spread(res.times(p, t, dt, b, i)) for i in impls]
                    row += [g3(any_rec["n"] / dm) if dm else "—",
                            f"{statistics.median(res.field(dk, 'gbps')):.2f}" if dtimes else "—"]
                    row += [f"**{spread(res.speedups(p, t, dt, b, i), lambda v: f'{v:.2f}')}**"
                            if res.speedups(p, t, dt, b, i) else "—" for i in peers]
                    rss = res.field(dk, "peak_rss_bytes")
                    row.append(f"{max(rss) / MIB:.0f}" if rss else "—")
                    row.append(" / ".join(g3(statistics.median(res.field((p, t, dt, b, i), "loss")))
                                          if res.field((p, t, dt, b, i), "loss") else "—" for i in impls))
                    rows.append(row)
                k = any_rec["k"]
                lines += [f"### {p} ({any_rec['n']}×{any_rec['d']}, {k} output{'s' if k > 1 else ''}), {dt}, "
                          f"{t} thread{'s' if t > 1 else ''}", "", table(head, rows), ""]
    return lines


def memory_table(res):
    rows = []
    for p in res.keys(0):
        for dt in res.keys(2):
            cells, data = [], None
            for i in ["descent"] + PEERS:
                rss = [r["peak_rss_bytes"] for k, rounds in res.runs.items() if (k[0], k[2], k[4]) == (p, dt, i)
                       for r in rounds.values() if "peak_rss_bytes" in r]
                data = data or next((r["data_bytes"] for k, rounds in res.runs.items() if (k[0], k[2]) == (p, dt)
                                     for r in rounds.values() if "data_bytes" in r), None)
                lo, hi = (f"{min(rss) / MIB:.0f}", f"{max(rss) / MIB:.0f}") if rss else ("—", "—")
                cells.append(lo if lo == hi else f"{lo}–{hi}")
            if data:
                rows.append([p, dt, f"{data / MIB:.0f}"] + cells)
    return ["## Peak RSS of every process (MiB, min–max over batches, threads and rounds)", "",
            "Python peers include the interpreter and the library (PyTorch alone is a few hundred MB).", "",
            table(["problem", "dtype", "X + Y MiB"] + [NAMES[i] for i in ["descent"] + PEERS], rows), ""]


def limit_value(limits, key, threads, dtype):
    v = limits.get(key)
    if isinstance(v, dict):
        v = v.get(str(threads))
    if isinstance(v, dict):
        v = v.get(dtype)
    return float(v) if isinstance(v, (int, float)) else None


def limits_section(res, path):
    lines = ["## Machine limits", ""]
    if not path:
        return lines + ["Not filled in: run with `LIMITS_JSON=limits.json` (from `descent bench`) to add Descent's share "
                        "of the streaming-read bandwidth (full batch), the shuffled-row bandwidth (P1 mini-batches) "
                        "and the sgemm/dgemm rate (P2).", ""]
    limits = json.load(open(path))
    rows = []
    for (p, t, dt, b, impl) in sorted(res.runs, key=lambda k: (k[0], k[1], k[2], batch_order(k[3]))):
        if impl != "descent":
            continue
        rec = next(iter(res.runs[(p, t, dt, b, impl)].values()))
        m = statistics.median(res.times(p, t, dt, b, impl))
        gbps = rec["n"] * rec["d"] * (8 if dt == "float64" else 4) / m / 1e9
        if b == "full":
            checks = [("stream_read_gbps", gbps, "GB/s")]
        elif p in ("P1", "P1s") and b in MINIBATCHES:
            checks = [("shuffled_row_gbps", gbps, "GB/s")]
        elif p == "P2":
            checks = [("sgemm_gflops" if dt == "float32" else "dgemm_gflops",
                       4 * rec["n"] * rec["d"] * rec["k"] / m / 1e9, "GFLOP/s")]
        else:
            checks = []
        for key, value, unit in checks:
            lim = limit_value(limits, key, t, dt)
            rows.append([p, b, t, dt, f"{value:.3g} {unit}", key, g3(lim),
                         f"{value / lim * 100:.0f} %" if lim else "no limit given"])
    return lines + [f"Limits from `{path}`.", "",
                    table(["problem", "batch", "threads", "dtype", "Descent", "limit", "value", "share"], rows), ""]


def header(res):
    start, end = res.meta.get("start", {}), res.meta.get("end", {})
    loads = [r["load1"] for rounds in res.runs.values() for r in rounds.values() if "load1" in r]
    cores = sorted({r.get("core", "") for k, rounds in res.runs.items() if k[4] == "descent" for r in rounds.values()} - {""})
    blas = sorted({r.get("blas", "") for k, rounds in res.runs.items() if k[4] in ("c-loop", "numpy")
                   for r in rounds.values()} - {""})
    lines = ["# SGD epoch throughput: Descent vs a C loop, NumPy, PyTorch and scikit-learn", ""]
    if start:
        minutes = f", {end['minutes']:.1f} min" if end.get("minutes") else ""
        lines.append(f"Run {start.get('time')} → {end.get('time', '(unfinished)')}{minutes}; {start.get('rounds')} "
                     f"rounds × (1 warm-up + {start.get('reps')} timed epochs) per process; threads {start.get('threads')}; "
                     f"CPU {start.get('cpu')} ({start.get('cpus')} CPUs), kernel {start.get('kernel')}.")
        if start.get("skip"):
            lines.append(f"Not run (impl:problem:batches:dtypes:threads): {', '.join(start['skip'])}.")
        if start.get("openblas_coretype"):
            lines.append(f"OPENBLAS_CORETYPE={start['openblas_coretype']} for every process (run-throughput.sh sets "
                         "it when the system OpenBLAS would fall back to its generic Prescott kernels).")
    if loads:
        lines.append(f"1-minute load average at process starts: {min(loads):.2f}–{max(loads):.2f}.")
    if cores:
        lines.append(f"Descent's OpenBLAS core: {', '.join(cores)}.")
    if blas:
        lines.append("Other BLAS: " + "; ".join(blas) + ".")
    if any("Prescott" in c for c in cores + blas):
        lines.append("**Warning:** the system OpenBLAS fell back to its generic Prescott kernels (it does not know this "
                     "CPU); Descent and the C loop run on them, NumPy and PyTorch on their own BLAS. "
                     "`OPENBLAS_CORETYPE=SkylakeX` (or a newer OpenBLAS) selects AVX-512 kernels.")
    lines.append("")
    return lines


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("results")
    ap.add_argument("--limits", default=os.environ.get("LIMITS_JSON", ""))
    a = ap.parse_args()
    res = Results(a.results)
    tally = defaultdict(int)
    body = targets(res, tally)
    summary = f"**Targets: {tally['PASS']} PASS, {tally['MISS']} MISS" + \
              (f", {tally['no data']} without data" if tally["no data"] else "") + ".**"
    out = header(res) + [summary, ""] + body + problem_tables(res) + memory_table(res) + limits_section(res, a.limits)
    if res.checks:
        out += ["## Identical math", "", "Same start (0), file order (no shuffle), one epoch, Descent's parameters "
                "against `nn.Linear` + `MSELoss` + `torch.optim.SGD`.", "",
                table(["problem", "dtype", "batch", "steps", "max abs diff", "max abs θ", "relative", "tolerance", "ok"],
                      [[c["check"], c["dtype"], c["batch"], c["steps"], f"{c['max_abs_diff']:.3e}",
                        g3(c["max_abs_theta"]), f"{c['relative']:.2e}", f"{c['tolerance']:g}",
                        "yes" if c["ok"] else "**NO**"] for c in res.checks]), ""]
    if res.failed:
        out += ["## Failed runs", "", table(["impl", "problem", "batch", "dtype", "threads", "round", "error"],
                                           [[f["failed"], f["problem"], f["batch"], f["dtype"], f["threads"], f["round"],
                                             f["error"].replace("|", "\\|")] for f in res.failed]), ""]
    print("\n".join(out))


if __name__ == "__main__":
    main()
