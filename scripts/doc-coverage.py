#!/usr/bin/env python3
"""Doc-comment coverage of the public API of the `Descent` library product.

The product is the `Descent` module and the modules it re-exports (Sources/Descent/Exports.swift):
Collective, LinearAlgebra, Validation, Optimizers, Schedules, Training, DataFiles, and DescentMPI
when the symbol graphs were built with the MPI trait (without it that module is empty).

Reads the symbol graphs that `swift package dump-symbol-graph --skip-synthesized-members` writes
(`<Module>.symbols.json`, and `<Module>@<Other>.symbols.json` for its extensions of other
modules' types), counts the public and open symbols with and without a doc comment, prints both
counts, lists the undocumented ones with their file and line, and exits with status 1 if any is
undocumented. A symbol counts as documented when the symbol graph gives it a doc comment; for a
member that implements a requirement of a protocol from another module (Swift's `description`,
say) that can be the requirement's comment, and those are counted separately in the summary.

Usage: scripts/doc-coverage.py [SYMBOL_GRAPH_DIR]   (default: the one under .build/*/symbolgraph)
"""
import glob
import json
import os
import sys

MODULES = ["Descent", "Collective", "LinearAlgebra", "Validation", "Optimizers", "Schedules",
           "Training", "DataFiles", "DescentMPI"]


def main():
    if len(sys.argv) > 1:
        directory = sys.argv[1]
    else:
        found = sorted(glob.glob(os.path.join(".build", "*", "symbolgraph")))
        if not found:
            sys.exit("doc-coverage: no symbol graphs under .build/*/symbolgraph; run "
                     "`swift package dump-symbol-graph --skip-synthesized-members` first (`make doc-coverage` does)")
        directory = found[0]
    documented, inherited, missing, seen = 0, 0, [], set()
    counts = {}
    for module in MODULES:
        files = [os.path.join(directory, f"{module}.symbols.json")]
        files += sorted(glob.glob(os.path.join(directory, f"{module}@*.symbols.json")))
        files = [f for f in files if os.path.exists(f)]
        if module != "DescentMPI" and not files:
            sys.exit(f"doc-coverage: no symbol graph for {module} in {directory}")
        for path in files:
            with open(path, encoding="utf-8") as f:
                graph = json.load(f)
            for symbol in graph["symbols"]:
                if symbol.get("accessLevel") not in ("public", "open"):
                    continue
                precise = symbol["identifier"]["precise"]
                if precise in seen:
                    continue
                seen.add(precise)
                has, lacks = counts.get(module, (0, 0))
                doc = symbol.get("docComment")
                if doc and any(line.get("text", "").strip() for line in doc.get("lines", [])):
                    documented += 1
                    counts[module] = (has + 1, lacks)
                    if doc.get("module") and doc["module"] != module:
                        inherited += 1
                else:
                    counts[module] = (has, lacks + 1)
                    location = symbol.get("location", {})
                    uri = location.get("uri", "")
                    path_text = uri.replace("file://", "")
                    marker = os.sep + "Sources" + os.sep
                    if marker in path_text:
                        path_text = "Sources" + os.sep + path_text.split(marker, 1)[1]
                    line = location.get("position", {}).get("line", -1) + 1
                    name = ".".join(symbol["pathComponents"])
                    missing.append((path_text, line, symbol["kind"]["identifier"], f"{module}.{name}"))
    for path_text, line, kind, name in sorted(missing):
        print(f"undocumented: {path_text}:{line}: {kind} {name}")
    for module in MODULES:
        if module in counts:
            has, lacks = counts[module]
            print(f"  {module}: {has} documented, {lacks} undocumented")
    print(f"public symbols of the Descent product: {documented} documented "
          f"({inherited} of them by the comment of a requirement they implement from another module), "
          f"{len(missing)} undocumented")
    sys.exit(1 if missing else 0)


if __name__ == "__main__":
    main()
