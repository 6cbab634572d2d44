#!/usr/bin/env python3
"""The measurement loop of run-throughput.sh: every (round, threads, problem, batch, dtype, implementation)
is one process, run one at a time; within a configuration the order of the implementations is rotated
every round, so slow drift on a shared machine hits every implementation alike and each Descent/peer
ratio can be taken within one round, from runs minutes apart at most.

    run_rounds.py --data DIR --out results.jsonl --descent PATH/sgd-epoch [--c-loop PATH/c-loop-]
                  [--threads "1 2"] [--rounds 3] [--reps 2] [--dtypes "float32 float64"]
                  [--impls "descent c-loop numpy torch sklearn"] [--p1-batches 32,256,1024,8192,full]
                  [--skip "torch:P1:32 torch:P3"] [--problems "P1 P2 P3"] [--no-scaling] [--dry-run]

--skip takes rules impl:problem[:batches[:dtypes[:threads]]], each field a comma list or *; a missing
field matches everything. The default leaves PyTorch out where its epochs are long and tell nothing new
(its idiomatic loop costs ~0.2 ms a step: 10–20 s epochs at B = 32 and per sample) and runs it only in
float32 on the P1 mini-batches and only at 1 thread there; it still runs P1 full batch and P2 in both
dtypes at both thread counts. That keeps `make throughput` to about 15 minutes on 2 cores.

Each JSON line a benchmark prints is appended to --out with what the driver knows on top: round,
position in the round's order, peak RSS of the process (wait4 rusage), wall time, load average and the
bytes of X and Y in the run's dtype. A process that fails leaves a {"failed": ...} line. The first and
last lines are {"meta": ...} records (settings, machine, times).

Threads: every implementation gets T threads through its own control. The C loop and NumPy through
OPENBLAS_NUM_THREADS=T (and OMP/MKL_NUM_THREADS=T for PyTorch and scikit-learn); Descent through
`sgd-epoch --threads T`, with OPENBLAS_NUM_THREADS=1 in its environment so that OpenBLAS starts no
worker of its own at load time (OpenBLAS grows its pool when Descent asks for more threads; an idle
worker started from the environment would spin on the second core while Descent uses it).
"""
import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

# Hyperparameters, in PyTorch MSELoss units (Descent converts to its ½‖r‖² loss: η = 2·lr/k).
# P1/P2: lr 0.01, momentum 0.9 converges for every batch size (B = 32 … full; effective step
#   lr/(1−μ) = 0.1, far below the stability limit for standardised features).
# P3, per sample: lr 0.0005 with momentum 0.9 (effective 2·lr·‖x‖²/(1−μ) ≈ 1 for d = 100 < 2; 0.001
#   and 0.01 diverge with momentum at batch 1). scikit-learn has no momentum: eta0 = 2·lr = 0.001,
#   i.e. a 10× smaller effective step; it converges too, to a lower loss (less gradient noise).
HYPER = {"P1": (0.01, 0.9), "P1s": (0.01, 0.9), "P2": (0.01, 0.9), "P3": (0.0005, 0.9)}
TARGET = {"P1": "y", "P1s": "y", "P2": "Y", "P3": "y"}
BATCHES = {"P2": ["4096"], "P3": ["1"]}
PEERS = {"numpy", "torch", "sklearn"}
DEFAULT_SKIP = "torch:P1:32 torch:P3 torch:P1:256,1024,8192:float64 torch:P1:256,1024,8192:*:2"


def args():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--descent", required=True)
    p.add_argument("--c-loop", default="", help="prefix of the two C builds: PREFIX + float32 / float64")
    p.add_argument("--threads", default="1 2")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--reps", type=int, default=2)
    p.add_argument("--dtypes", default="float32 float64")
    p.add_argument("--impls", default="descent c-loop numpy torch sklearn")
    p.add_argument("--p1-batches", default="32,256,1024,8192,full")
    p.add_argument("--skip", default=DEFAULT_SKIP)
    p.add_argument("--problems", default="P1 P2 P3")
    p.add_argument("--no-scaling", action="store_true")
    p.add_argument("--timeout", type=float, default=900)
    p.add_argument("--dry-run", action="store_true", help="print the order of the processes and stop")
    return p.parse_args()


def importable(module):
    """None when `python3 -c 'import module'` works, else the reason."""
    try:
        p = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True, text=True, timeout=300)
    except subprocess.TimeoutExpired:
        return "import timed out"
    lines = p.stderr.strip().splitlines()
    return None if p.returncode == 0 else (lines[-1] if lines else f"exit {p.returncode}")


def available(a, wanted):
    """The implementations that can run here; a clear line on stderr for each that cannot."""
    ok = []
    for impl in wanted:
        why = None
        if impl == "descent":
            why = None if os.access(a.descent, os.X_OK) else f"no executable at {a.descent}"
        elif impl == "c-loop":
            missing = [a.c_loop + dt for dt in a.dtypes.split() if not os.access(a.c_loop + dt, os.X_OK)]
            why = f"not built ({', '.join(missing)})" if not a.c_loop or missing else None
        elif impl in PEERS:
            why = importable({"numpy": "numpy", "torch": "torch", "sklearn": "sklearn"}[impl])
            if why:
                why = f"`import {impl}` fails: {why} (pip install {'scikit-learn' if impl == 'sklearn' else impl})"
        else:
            why = "unknown implementation"
        if why:
            print(f"run_rounds: skipping {impl}: {why}", file=sys.stderr)
        else:
            ok.append(impl)
    return ok


def skipped(rules, impl, problem, batch, dtype, threads):
    fields = (impl, problem, batch, dtype, str(threads))
    for rule in rules:
        parts = rule.split(":")
        if all(p == "*" or f in p.split(",") for p, f in zip(parts, fields)):
            return True
    return False


def configurations(a, impls):
    """(problem, batch, dtype, members); a member is (impl, problem it runs on)."""
    out = []
    for problem in a.problems.split():
        batches = a.p1_batches.split(",") if problem == "P1" else BATCHES[problem]
        for batch in batches:
            for dtype in a.dtypes.split():
                members = []
                for impl in impls:
                    if impl == "sklearn" and batch != "1":
                        continue  # SGDRegressor: per-sample and single-output only
                    members.append((impl, problem))
                    if impl == "descent" and problem == "P1" and not a.no_scaling:
                        members.append(("descent", "P1s"))  # the scaling row, next to its full-size run
                out.append((problem, batch, dtype, members))
    return out


def command(a, impl, problem, batch, dtype, threads):
    lr, mu = HYPER[problem]
    files = ["--x", f"{a.data}/{problem}_X.npy", "--y", f"{a.data}/{problem}_{TARGET[problem]}.npy"]
    common = ["--problem", problem, "--batches", batch, "--reps", str(a.reps), "--lr", str(lr), "--momentum", str(mu)]
    if impl == "descent":
        return [a.descent] + files + common + ["--dtype", dtype, "--threads", str(threads)]
    if impl == "c-loop":
        return [a.c_loop + dtype] + files + common
    return [sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)), "peers.py"), "--peer", impl] + \
        files + common + ["--dtype", dtype, "--threads", str(threads)]


def run(cmd, env, timeout):
    """(exit status, stdout, stderr, peak RSS bytes, wall seconds) of one process."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env)
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - start > timeout:
                proc.kill()
                _, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.01)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, so Popen must not wait again
        out.seek(0)
        err.seek(0)
        return proc.returncode, out.read(), err.read(), usage.ru_maxrss * 1024, wall


def data_bytes(rec):
    return rec["n"] * (rec["d"] + rec["k"]) * (8 if rec["dtype"] == "float64" else 4)


def machine():
    model = ""
    try:
        with open("/proc/cpuinfo") as f:
            model = next((ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name")), "")
    except OSError:
        pass
    return {"cpu": model, "cpus": os.cpu_count(), "kernel": platform.release(), "python": platform.python_version()}


def main():
    a = args()
    impls = available(a, a.impls.split())
    if "descent" not in impls:
        sys.exit("run_rounds: the Descent binary is required")
    configs = configurations(a, impls)
    threads = [int(t) for t in a.threads.split()]
    rules = a.skip.split()

    def members_at(t, problem, batch, dtype, members):
        return [m for m in members if not skipped(rules, m[0], m[1], batch, dtype, t)]

    total = a.rounds * sum(len(members_at(t, *c)) for t in threads for c in configs)
    print(f"run_rounds: {total} processes ({a.rounds} rounds × threads {a.threads} × {len(configs)} configurations; "
          f"implementations: {' '.join(impls)}; skipped: {a.skip or 'none'})", file=sys.stderr)
    if a.dry_run:
        for r in range(a.rounds):
            for t in threads[r % len(threads):] + threads[:r % len(threads)]:
                for problem, batch, dtype, all_members in configs:
                    members = members_at(t, problem, batch, dtype, all_members)
                    order = members[r % len(members):] + members[:r % len(members)] if members else []
                    print(f"round {r + 1} {t}t {problem} b={batch} {dtype}: " + ", ".join(f"{i}@{p}" for i, p in order))
        return
    began = time.time()
    with open(a.out, "a") as results:
        def write(rec):
            results.write(json.dumps(rec) + "\n")
            results.flush()

        write({"meta": "start", "time": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(began)),
               "rounds": a.rounds, "reps": a.reps, "threads": threads, "dtypes": a.dtypes.split(), "impls": impls,
               "skip": a.skip.split(), "p1_batches": a.p1_batches.split(","), "hyper": HYPER,
               "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE"), "load": os.getloadavg(), **machine()})
        seq = failures = 0
        for r in range(a.rounds):
            for t in threads[r % len(threads):] + threads[:r % len(threads)]:
                env = dict(os.environ, OPENBLAS_NUM_THREADS=str(t), OMP_NUM_THREADS=str(t), MKL_NUM_THREADS=str(t))
                descent_env = dict(env, OPENBLAS_NUM_THREADS="1")
                for problem, batch, dtype, all_members in configs:
                    members = members_at(t, problem, batch, dtype, all_members)
                    if not members:
                        continue
                    order = members[r % len(members):] + members[:r % len(members)]
                    for position, (impl, runs_on) in enumerate(order):
                        seq += 1
                        load = os.getloadavg()[0]
                        status, out, err, rss, wall = run(command(a, impl, runs_on, batch, dtype, t),
                                                          descent_env if impl == "descent" else env, a.timeout)
                        lines = [json.loads(ln) for ln in out.splitlines() if ln.startswith("{")]
                        tag = f"[{seq:4d}/{total} {(time.time() - began) / 60:5.1f} min] round {r + 1} {t}t " \
                              f"{runs_on} {dtype} b={batch} {impl}"
                        if status != 0 or not lines:
                            failures += 1
                            reason = (err.strip().splitlines() or [f"exit {status}"])[-1][:300]
                            print(f"{tag}: FAILED ({reason})", file=sys.stderr, flush=True)
                            write({"failed": impl, "problem": runs_on, "batch": batch, "dtype": dtype, "threads": t,
                                   "round": r + 1, "status": status, "error": reason})
                            continue
                        for rec in lines:
                            rec["threads_reported"] = rec.get("threads")  # what the process itself saw
                            rec.update(problem=runs_on, threads=t, round=r + 1, position=position, seq=seq,
                                       peak_rss_bytes=rss, wall_s=wall, load1=load, data_bytes=data_bytes(rec))
                            write(rec)
                        rec = lines[0]
                        print(f"{tag}: {rec['median_s']:.4f} s/epoch, loss {rec['loss']:.4g}, "
                              f"peak RSS {rss / 1e6:.0f} MB, wall {wall:.1f} s", file=sys.stderr, flush=True)
        write({"meta": "end", "time": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
               "minutes": (time.time() - began) / 60, "processes": seq, "failures": failures, "load": os.getloadavg()})
    print(f"run_rounds: {seq} processes in {(time.time() - began) / 60:.1f} min, {failures} failed", file=sys.stderr)


if __name__ == "__main__":
    main()
