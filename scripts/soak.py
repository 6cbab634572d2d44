#!/usr/bin/env python3
"""Kill-and-resume soak test of `descent train --checkpoint/--resume` (Python 3 standard library only).

For every trial: run a configuration with `--checkpoint ck.json --output m.json`, SIGKILL it at a
random moment, resume it with the same command plus `--resume ck.json` (from scratch when no
checkpoint exists yet; sometimes killed again) until it completes, and byte-compare m.json with the
model file of an uninterrupted run (computed once per configuration). For a sample of trials, one
or a few random bits of a genuine checkpoint (a copy taken right after a kill) are flipped and the
resume must refuse it (exit status 1, one `error:` line naming the file, no model file) or, if it
accepts it, produce the reference model. Temporary files of the atomic writer
(`.<name>.tmp-XXXXXX`) left after the final successful write are reported as stale temporaries
(reported, not failed).

    python3 scripts/soak.py --binary .build/release/descent --trials 210 --seed 1

Output: one line per trial, per-configuration totals, then `N passed, M failed`; exit status 0
iff nothing failed. The files of failed trials (with the commands run, their exit statuses and
the data) are kept in --keep DIR (default: a new descent-soak-failures-* folder in the temp dir).
"""

import argparse
import array
import os
import random
import re
import shlex
import shutil
import struct
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# The atomic writer's temporaries (Sources/DataFiles/AtomicFile.swift): `.<name>.tmp-` and the 6
# characters mkstemp fills in, beside the destination.
TEMPORARY = re.compile(r"^\.(?P<name>.+)\.tmp-[A-Za-z0-9]{6}$")

# ---------------------------------------------------------------------------------------------
# Data, generated into the work directory from a fixed seed (the same for every --seed, so that
# the references do not depend on it).

def write_npy(path, rows, cols, values, dtype):
    """A C-order 2-D .npy array (format 1.0) of float64 ('<f8') or float32 ('<f4')."""
    header = "{'descr': '%s', 'fortran_order': False, 'shape': (%d, %d), }" % (dtype, rows, cols)
    header += " " * (63 - (10 + len(header)) % 64) + "\n"      # the data starts at a multiple of 64
    packed = array.array("d" if dtype == "<f8" else "f", values)
    if sys.byteorder == "big":
        packed.byteswap()
    packed = packed.tobytes()
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode("latin1") + packed)


def generate_data(folder):
    rng = random.Random(20240917)
    # Linear regression, 40 000 × 16, σ = 0.1: x.npy/y.npy in float64, x32.npy/y32.npy in float32.
    n, d = 40000, 16
    for suffix, dtype in (("", "<f8"), ("32", "<f4")):
        w = [rng.gauss(0, 1) for _ in range(d)]
        xs, ys = [], []
        for _ in range(n):
            row = [rng.gauss(0, 1) for _ in range(d)]
            xs.extend(row)
            ys.append(sum(a * b for a, b in zip(row, w)) + 0.5 + 0.1 * rng.gauss(0, 1))
        write_npy(os.path.join(folder, "x%s.npy" % suffix), n, d, xs, dtype)
        write_npy(os.path.join(folder, "y%s.npy" % suffix), n, 1, ys, dtype)
    # An unstandardised (ill-conditioned) linear problem with a header, 30 000 rows: slow enough
    # under a small rate that the plateau schedule cuts the rate and early stopping ends the run.
    with open(os.path.join(folder, "lin.csv"), "w") as f:
        f.write("a,b,c,d,e,price\n")
        for _ in range(30000):
            r = [rng.uniform(0, 10) for _ in range(5)]
            y = 3 * r[0] - 2 * r[1] + 0.5 * r[2] + 0.1 * r[3] + 7 + 0.3 * rng.gauss(0, 1)
            f.write(",".join("%.4f" % v for v in r) + ",%.4f\n" % y)
    # A nonlinear problem for the MLP, 6 000 × 6.
    with open(os.path.join(folder, "nl.csv"), "w") as f:
        f.write(",".join("f%d" % j for j in range(6)) + ",y\n")
        for _ in range(6000):
            r = [rng.uniform(-2, 2) for _ in range(6)]
            y = (r[0] - r[0] ** 3 / 6) + r[1] * r[2] - 0.5 * abs(r[3]) + 0.1 * rng.gauss(0, 1)
            f.write(",".join("%.6f" % v for v in r) + ",%.6f\n" % y)


# ---------------------------------------------------------------------------------------------
# Configurations: `descent train` arguments ({data} is the data folder). Each takes about 0.5–1.5 s
# uninterrupted on the 2-core test machine, mostly training (batches of 1–8 samples) plus the
# checkpoint writes (every epoch unless --checkpoint-every-steps).

CONFIGS = [
    ("float", ["--data", "{data}/x32.npy", "--targets", "{data}/y32.npy", "--dtype", "float",
               "--lr", "0.01", "--momentum", "0.9", "--batch-size", "2", "--epochs", "12", "--threads", "2"]),
    ("steps", ["--data", "{data}/x.npy", "--targets", "{data}/y.npy", "--lr", "0.01", "--momentum", "0.5",
               "--batch-size", "8", "--epochs", "8", "--checkpoint-every-steps", "2000", "--threads", "1"]),
    ("mlp", ["--data", "{data}/nl.csv", "--target", "y", "--model", "mlp", "--hidden", "16",
             "--standardize", "all", "--initial", "random", "--seed", "3", "--lr", "0.01", "--momentum", "0.9",
             "--batch-size", "4", "--epochs", "25", "--threads", "1"]),
    ("validation", ["--data", "{data}/lin.csv", "--target", "price", "--validation-split", "0.2",
                    "--early-stopping", "3", "--min-delta", "1e-4", "--schedule", "plateau:patience=1,factor=0.5",
                    "--lr", "1e-4", "--batch-size", "1", "--epochs", "60", "--threads", "1"]),
    ("nesterov", ["--data", "{data}/x.npy", "--targets", "{data}/y.npy",
                  "--optimizer", "sgd:momentum=0.9,nesterov,weight_decay=1e-4", "--lr", "0.005",
                  "--batch-size", "2", "--epochs", "12", "--threads", "1"]),
    ("onecycle-avg", ["--data", "{data}/x.npy", "--targets", "{data}/y.npy", "--lr", "0.05",
                      "--schedule", "onecycle:max=0.05,steps=100000", "--average-from", "50000",
                      "--batch-size", "4", "--epochs", "10", "--threads", "1"]),
    ("dog", ["--data", "{data}/x.npy", "--targets", "{data}/y.npy", "--optimizer", "dog",
             "--batch-size", "2", "--epochs", "10", "--threads", "1"]),
]

# ---------------------------------------------------------------------------------------------

class Runner:
    """Starts `descent train` with its output in files of a folder and records every command."""

    def __init__(self, binary, env, empty_stdin):
        self.binary, self.env, self.empty_stdin = binary, env, empty_stdin

    def start(self, args, folder, tag, log):
        out = open(os.path.join(folder, tag + ".stdout"), "wb")
        err = open(os.path.join(folder, tag + ".stderr"), "wb")
        with open(self.empty_stdin, "rb") as stdin:
            p = subprocess.Popen([self.binary, "train"] + args, stdin=stdin, stdout=out, stderr=err,
                                 env=self.env, cwd=folder)
        out.close()
        err.close()
        log.append("# %s\n%s" % (tag, " ".join(shlex.quote(a) for a in [self.binary, "train"] + args)))
        return p, time.monotonic()

    def run(self, args, folder, tag, log, kill_after=None, timeout=None):
        """(status, seconds, killed): killed when SIGKILLed after `kill_after` seconds; status is
        None then. A run still going after `timeout` seconds is killed and reported as 'hung'."""
        p, t0 = self.start(args, folder, tag, log)
        killed = False
        try:
            p.wait(timeout=kill_after if kill_after is not None else timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
            killed = True
        seconds = time.monotonic() - t0
        if killed:
            log.append("# -> SIGKILL after %.3f s%s" % (seconds, "" if kill_after is not None else " (hung)"))
            return ("hung" if kill_after is None else None), seconds, True
        log.append("# -> exit status %d after %.3f s" % (p.returncode, seconds))
        return p.returncode, seconds, False


def read(path, mode="rb"):
    with open(path, mode) as f:
        return f.read()


def stderr_text(folder, tag):
    return read(os.path.join(folder, tag + ".stderr")).decode("utf-8", "replace")


def temporaries(folder):
    return sorted(n for n in os.listdir(folder) if TEMPORARY.match(n))


def names_file(line, path, cwd):
    """Whether an error line names `path`: as given, or relative to the working directory (the
    CLI shows paths under it relative)."""
    if path in line:
        return True
    relative = os.path.relpath(path, cwd)
    return re.search(r"(^|[\s\"'`(])%s([:\s\"'`)]|$)" % re.escape(relative), line[len("error:"):]) is not None


def refusal_reason(line):
    """The kind of an `error: <file>: <reason>` line, numbers and quoted parts blanked."""
    reason = line.split(": ", 2)[-1]
    reason = re.sub(r"\(stored crc32c:[0-9a-f]+, the file's is crc32c:[0-9a-f]+\)", "(…)", reason)
    reason = re.sub(r"\d+", "N", reason)
    return reason[:110]


def flip_bits(data, rng):
    """`data` with 1 (70%) or 2–4 random bits flipped, and the (byte, bit) positions."""
    buf = bytearray(data)
    count = 1 if rng.random() < 0.7 else rng.randint(2, 4)
    positions = []
    while len(positions) < count:
        pos = (rng.randrange(len(buf)), rng.randrange(8))
        if pos not in positions:
            positions.append(pos)
            buf[pos[0]] ^= 1 << pos[1]
    return bytes(buf), positions


class Totals:
    KEYS = ["trials", "passed", "failed", "finished_before_kill", "kill_before_ck", "kill_after_ck",
            "resumes", "rekills", "kill_mid_write", "bitflips", "refused", "accepted_identical",
            "accepted_different", "stale"]

    def __init__(self):
        self.__dict__.update({k: 0 for k in self.KEYS})
        self.reasons = {}       # refusal reason -> count

    def add(self, other):
        for k in self.KEYS:
            setattr(self, k, getattr(self, k) + getattr(other, k))
        for k, v in other.reasons.items():
            self.reasons[k] = self.reasons.get(k, 0) + v


def trial(index, name, base, ref_bytes, duration, runner, work, rng, opts):
    """Runs one trial in work/trials/<index>-<name>; returns (line, Totals, failures, folder)."""
    folder = os.path.join(work, "trials", "%04d-%s" % (index, name))
    os.makedirs(folder)
    ck, model = os.path.join(folder, "ck.json"), os.path.join(folder, "m.json")
    command = base + ["--checkpoint", ck, "--output", model]
    timeout = max(60.0, 20 * duration)
    log, failures, t = [], [], Totals()
    t.trials = 1
    genuine = []            # copies of ck.json taken right after a kill
    seen = set()            # temporaries already there after an earlier kill

    def after_kill(number):
        now = set(temporaries(folder))
        if now - seen:
            t.kill_mid_write += 1
        seen.update(now)
        if os.path.exists(ck):
            copy = os.path.join(folder, "ck-after-kill-%d.json" % number)
            shutil.copyfile(ck, copy)
            genuine.append(copy)

    # The first run, killed at a random moment of an uninterrupted run's duration.
    kill_at = rng.uniform(0, duration)
    status, _, killed = runner.run(command, folder, "run-0", log, kill_after=kill_at)
    kills = 0
    if not killed:
        t.finished_before_kill = 1
        kind = "finished before kill"
        if status != 0:
            failures.append("the first run exited with status %s: %s" % (status, stderr_text(folder, "run-0").strip()))
    else:
        kills = 1
        kind = "kill after first checkpoint" if os.path.exists(ck) else "kill before first checkpoint"
        if os.path.exists(ck):
            t.kill_after_ck = 1
        else:
            t.kill_before_ck = 1
        after_kill(kills)

    # Resume (or start again) until a run completes; sometimes kill a resume too.
    attempt, fresh = 0, 0
    while killed and not failures:
        attempt += 1
        if os.path.exists(model):
            os.remove(model)            # the completing run must write it itself
        resuming = os.path.exists(ck)
        args = command + (["--resume", ck] if resuming else [])
        if resuming:
            t.resumes += 1
        else:
            fresh += 1
        kill_again = kills <= opts.max_rekills and rng.random() < opts.rekill_probability
        status, _, killed = runner.run(args, folder, "run-%d" % attempt, log,
                                       kill_after=rng.uniform(0, duration) if kill_again else None,
                                       timeout=None if kill_again else timeout)
        if killed and status == "hung":
            failures.append("run-%d hung (killed after %.0f s)" % (attempt, timeout))
        elif killed:
            kills += 1
            t.rekills += 1
            after_kill(kills)
        elif status != 0:
            failures.append("run-%d (%s) exited with status %s: %s" % (
                attempt, "resume" if resuming else "fresh start", status, stderr_text(folder, "run-%d" % attempt).strip()))

    result = "?"
    if not failures:
        if not os.path.exists(model):
            failures.append("the completing run wrote no model file")
        elif read(model) != ref_bytes:
            failures.append("m.json differs from the uninterrupted run's model file")
    stale = temporaries(folder) if not failures else []
    t.stale = len(stale)

    # Bit flips in a genuine checkpoint.
    flip_note = ""
    if genuine and rng.random() < opts.bitflip_fraction:
        t.bitflips = 1
        source = rng.choice(genuine)
        bf = os.path.join(folder, "bitflip")
        os.makedirs(bf)
        bck, bmodel = os.path.join(bf, "ck.json"), os.path.join(bf, "m.json")
        flipped, positions = flip_bits(read(source), rng)
        with open(bck, "wb") as f:
            f.write(flipped)
        where = ",".join("%d.%d" % p for p in positions)
        log.append("# bit flip: %s with byte.bit %s flipped -> %s" % (os.path.basename(source), where, bck))
        status, _, hung = runner.run(base + ["--checkpoint", bck, "--output", bmodel, "--resume", bck],
                                     bf, "resume-flipped", log, timeout=timeout)
        lines = stderr_text(bf, "resume-flipped").splitlines()
        if hung:
            failures.append("the resume from the flipped checkpoint hung")
            flip_note = "bitflip(%s) hung" % where
        elif status == 1:
            problems = []
            if len(lines) != 1 or not lines[0].startswith("error: "):
                problems.append("stderr is not exactly one `error: ` line: %r" % lines)
            elif not names_file(lines[0], bck, bf):
                problems.append("the error line does not name %s: %r" % (bck, lines[0]))
            if os.path.exists(bmodel):
                problems.append("a model file was written")
            if read(bck) != flipped:
                problems.append("the refused checkpoint file was changed")
            if problems:
                failures.append("flipped checkpoint (byte.bit %s) refused badly: %s" % (where, "; ".join(problems)))
                flip_note = "bitflip(%s) refused BADLY" % where
            else:
                t.refused = 1
                t.reasons[refusal_reason(lines[0])] = t.reasons.get(refusal_reason(lines[0]), 0) + 1
                flip_note = "bitflip(%s) refused" % where
        elif status == 0:
            if os.path.exists(bmodel) and read(bmodel) == ref_bytes:
                t.accepted_identical = 1
                flip_note = "bitflip(%s) accepted, identical" % where
            else:
                t.accepted_different = 1
                failures.append("flipped checkpoint (byte.bit %s) accepted and the model differs from the reference" % where)
                flip_note = "bitflip(%s) ACCEPTED, DIFFERENT" % where
        else:
            failures.append("the resume from the flipped checkpoint (byte.bit %s) exited with status %s: %r" % (where, status, lines))
            flip_note = "bitflip(%s) exit %s" % (where, status)

    with open(os.path.join(folder, "commands.txt"), "w") as f:
        f.write("\n".join(log) + "\n")
    if failures:
        t.failed, result = 1, "FAIL: " + " | ".join(failures)
    else:
        t.passed, result = 1, "pass"
    parts = ["%-12s" % name, "kill@%6.3fs" % kill_at, "%-28s" % kind,
             "resumes %d" % t.resumes + (" (+%d fresh)" % fresh if fresh else "") + (", re-kills %d" % t.rekills if t.rekills else "")]
    if flip_note:
        parts.append(flip_note)
    if stale:
        parts.append("stale temporaries: " + " ".join(stale))
    parts.append(result)
    return "  ".join(parts), t, failures, folder


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--trials", type=int, default=210, help="number of trials, spread over the configurations (default 210)")
    ap.add_argument("--seed", type=int, default=None, help="seed of the kill times, resumes and bit flips (default: random, printed)")
    ap.add_argument("--binary", help="the descent binary (default: build with `swift build -c release --product descent` "
                                     "and use .build/release/descent of the repository)")
    ap.add_argument("--keep", metavar="DIR", help="where the files of failed trials are kept "
                                                  "(default: a new descent-soak-failures-* folder in the temp dir)")
    ap.add_argument("--configs", help="comma-separated configuration names (default: all: %s)" % ",".join(n for n, _ in CONFIGS))
    ap.add_argument("--bitflip-fraction", type=float, default=0.5, help="share of trials that also resume a bit-flipped checkpoint (default 0.5)")
    ap.add_argument("--rekill-probability", type=float, default=0.3, help="chance that a resume is killed too (default 0.3)")
    ap.add_argument("--max-rekills", type=int, default=4, help="at most this many extra kills per trial (default 4)")
    opts = ap.parse_args()

    seed = opts.seed if opts.seed is not None else random.SystemRandom().randrange(1 << 31)
    configs = CONFIGS
    if opts.configs:
        wanted = opts.configs.split(",")
        unknown = [w for w in wanted if w not in dict(CONFIGS)]
        if unknown:
            ap.error("unknown configuration(s) %s; known: %s" % (",".join(unknown), ",".join(n for n, _ in CONFIGS)))
        configs = [c for c in CONFIGS if c[0] in wanted]

    binary = opts.binary
    if binary is None:
        print("building: swift build -c release --product descent", flush=True)
        subprocess.run(["swift", "build", "-c", "release", "--product", "descent"], cwd=REPO, check=True)
        binary = os.path.join(REPO, ".build", "release", "descent")
    binary = os.path.abspath(binary)
    if not os.access(binary, os.X_OK):
        sys.exit("soak: %s is not an executable" % binary)

    env = dict(os.environ)
    if "OPENBLAS_CORETYPE" not in env:
        # Debian 12's OpenBLAS misdetects this AVX-512 machine; SkylakeX is its fast kernel set.
        try:
            flags = set(read("/proc/cpuinfo", "r").split())
        except OSError:
            flags = set()
        if {"avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd"} <= flags:
            env["OPENBLAS_CORETYPE"] = "SkylakeX"

    started = time.monotonic()
    work = tempfile.mkdtemp(prefix="descent-soak-")
    data = os.path.join(work, "data")
    os.makedirs(data)
    empty = os.path.join(work, "empty-stdin")
    open(empty, "w").close()
    runner = Runner(binary, env, empty)
    print("soak: binary %s, seed %d, %d trials, work folder %s" % (binary, seed, opts.trials, work), flush=True)
    generate_data(data)

    # The uninterrupted runs, once per configuration: `ref` without a checkpoint (the model every
    # trial must reproduce) and `timing` with one (its duration bounds the kill times; its model
    # must equal the reference too).
    refs, durations, setup_failures = {}, {}, []
    for name, template in configs:
        base = [a.replace("{data}", data) for a in template] + ["--quiet"]
        folder = os.path.join(work, "refs", name)
        os.makedirs(folder)
        log = []
        status, secs_ref, _ = runner.run(base + ["--output", os.path.join(folder, "ref.json")], folder, "ref", log, timeout=300)
        if status != 0:
            sys.exit("soak: the reference run of %s failed (status %s): %s" % (name, status, stderr_text(folder, "ref").strip()))
        status, secs, _ = runner.run(base + ["--checkpoint", os.path.join(folder, "ck.json"),
                                             "--output", os.path.join(folder, "m.json")], folder, "timing", log, timeout=300)
        if status != 0:
            sys.exit("soak: the checkpointed run of %s failed (status %s): %s" % (name, status, stderr_text(folder, "timing").strip()))
        with open(os.path.join(folder, "commands.txt"), "w") as f:
            f.write("\n".join(log) + "\n")
        refs[name] = read(os.path.join(folder, "ref.json"))
        durations[name] = secs
        same = read(os.path.join(folder, "m.json")) == refs[name]
        if not same:
            setup_failures.append(name)
        print("reference %-12s %.3f s without, %.3f s with checkpoints%s" % (
            name, secs_ref, secs, "" if same else "  (the checkpointed run's model DIFFERS from the reference)"), flush=True)

    per_config = {name: Totals() for name, _ in configs}
    total = Totals()
    failed = []
    width = len(str(opts.trials))
    for i in range(opts.trials):
        name, template = configs[i % len(configs)]
        base = [a.replace("{data}", data) for a in template] + ["--quiet"]
        rng = random.Random("%d:%d" % (seed, i))
        line, t, failures, folder = trial(i + 1, name, base, refs[name], durations[name], runner, work, rng, opts)
        per_config[name].add(t)
        total.add(t)
        print("[%*d/%d] %s" % (width, i + 1, opts.trials, line), flush=True)
        if failures:
            failed.append((i + 1, name, folder))
        else:
            shutil.rmtree(folder)

    keep = None
    if failed or setup_failures:
        keep = os.path.abspath(opts.keep) if opts.keep else tempfile.mkdtemp(prefix="descent-soak-failures-")
        os.makedirs(keep, exist_ok=True)
        for sub in ("data", "refs"):
            if not os.path.exists(os.path.join(keep, sub)):
                shutil.copytree(os.path.join(work, sub), os.path.join(keep, sub))
        for _, _, folder in failed:
            dest = os.path.join(keep, os.path.basename(folder))
            if os.path.exists(dest):
                shutil.rmtree(dest)
            shutil.copytree(folder, dest)
        # Commands naming the kept copies instead of the work folder, which is removed.
        for root, _, files in os.walk(keep):
            if "commands.txt" in files:
                p = os.path.join(root, "commands.txt")
                text = read(p, "r").replace(work, keep)
                with open(p, "w") as f:
                    f.write(text)
    shutil.rmtree(work)

    print()
    print("%-12s %6s %6s %6s %8s %8s %8s %7s %7s %8s %8s %8s %8s %8s %6s" % (
        "config", "trials", "passed", "failed", "finished", "kill<ck", "kill>ck", "resumes", "rekills",
        "midwrite", "bitflips", "refused", "acc=ref", "acc!=ref", "stale"))
    for name, _ in configs + [("total", None)]:
        t = total if name == "total" else per_config[name]
        print("%-12s %6d %6d %6d %8d %8d %8d %7d %7d %8d %8d %8d %8d %8d %6d" % (
            name, t.trials, t.passed, t.failed, t.finished_before_kill, t.kill_before_ck, t.kill_after_ck,
            t.resumes, t.rekills, t.kill_mid_write, t.bitflips, t.refused, t.accepted_identical,
            t.accepted_different, t.stale))
    print("(finished: completed before the kill; kill<ck / kill>ck: first kill before / after the first "
          "checkpoint; midwrite: kills that left a temporary file; stale: temporaries left after the final write)")
    if total.reasons:
        print("bit flips refused, by message:")
        for reason, count in sorted(total.reasons.items(), key=lambda kv: -kv[1]):
            print("  %4d  %s" % (count, reason))
    print("seed %d, %.0f s" % (seed, time.monotonic() - started))
    if setup_failures:
        print("the uninterrupted checkpointed run differs from the reference for: %s" % ", ".join(setup_failures))
    if keep:
        print("files of failures kept in %s" % keep)
        for index, name, folder in failed:
            print("  trial %d (%s): %s  (commands: %s)" % (
                index, name, os.path.join(keep, os.path.basename(folder)),
                os.path.join(keep, os.path.basename(folder), "commands.txt")))
    m = total.failed + len(setup_failures)
    print("%d passed, %d failed" % (total.passed, m))
    return 0 if m == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
