#!/usr/bin/env python3
"""Markdown tables from the JSON lines of sgd-epoch, peers.py and check_torch.py (one file, one run).

One table per (problem, dtype, threads): batch size, Descent samples/s and GB/s, each peer's samples/s,
and Descent/peer (> 1: Descent is faster), with the loss after the last epoch as a cross-check
(Descent's ½·mean‖r‖²; all runs take the same steps, so losses should be close, not equal:
the shuffles differ). Usage: make_tables.py results.jsonl (not tabulate.py: that name would shadow the tabulate package torch imports)
"""
import json
import sys
from collections import OrderedDict

PEERS = ["numpy", "torch", "sklearn"]


def order(label):
    return 10**12 if label == "full" else int(label)


def fmt(v):
    return f"{v:.3g}" if v >= 1e-3 else f"{v:.2e}"


def main():
    rows, checks = [], []
    for line in open(sys.argv[1]):
        line = line.strip()
        if line.startswith("{"):
            r = json.loads(line)
            (checks if "check" in r else rows).append(r)
    groups = OrderedDict()
    for r in rows:
        groups.setdefault((r["problem"], r["dtype"], r["threads"]), {}).setdefault(r["batch"], {})[r["impl"]] = r
    for (problem, dtype, threads), batches in groups.items():
        any_row = next(iter(next(iter(batches.values())).values()))
        peers = [p for p in PEERS if any(p in b for b in batches.values())]
        print(f"\n### {problem} ({any_row['n']}×{any_row['d']}, {any_row['k']} output{'s' if any_row['k'] > 1 else ''}), "
              f"{dtype}, {threads} thread{'s' if threads > 1 else ''}\n")
        head = ["batch", "Descent samples/s", "Descent GB/s"] + [f"{p} samples/s" for p in peers] + \
               [f"Descent/{p}" for p in peers] + ["loss Descent / " + " / ".join(peers)]
        print("| " + " | ".join(head) + " |")
        print("|" + "---|" * len(head))
        for label in sorted(batches, key=order):
            b = batches[label]
            dsc = b.get("descent")
            cells = [label, fmt(dsc["samples_per_s"]) if dsc else "—", f"{dsc['gbps']:.2f}" if dsc else "—"]
            cells += [fmt(b[p]["samples_per_s"]) if p in b else "—" for p in peers]
            cells += [f"**{dsc['samples_per_s'] / b[p]['samples_per_s']:.2f}**" if dsc and p in b else "—" for p in peers]
            cells.append(" / ".join(fmt(b[i]["loss"]) if i in b else "—" for i in ["descent"] + peers))
            print("| " + " | ".join(cells) + " |")
    if checks:
        print("\n### Identical math: Descent vs torch.optim.SGD, 1 epoch in file order from θ = 0\n")
        print("| problem | dtype | batch | steps | max abs diff | max abs θ | relative | tolerance | ok |")
        print("|---|---|---|---|---|---|---|---|---|")
        for c in checks:
            print(f"| {c['check']} | {c['dtype']} | {c['batch']} | {c['steps']} | {c['max_abs_diff']:.3e} | "
                  f"{c['max_abs_theta']:.3g} | {c['relative']:.2e} | {c['tolerance']:g} | {'yes' if c['ok'] else '**NO**'} |")


if __name__ == "__main__":
    main()
