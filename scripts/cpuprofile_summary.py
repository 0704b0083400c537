#!/usr/bin/env python3
"""Where a Node.js process spent its CPU: self and inclusive time per function, and self time per
package, summed over V8 `.cpuprofile` files (`node --cpu-prof`, e.g. the n8n processes of
`scripts/queue_stack.py` started with BELEGFLUSS_N8N_NODE_OPTIONS="--cpu-prof --cpu-prof-dir=DIR/{name}").

    python scripts/cpuprofile_summary.py [--top 40] [--from-us T0 --to-us T1] DIR_OR_FILE...

`--from-us/--to-us` keep only samples in that window of the profile clock (CLOCK_MONOTONIC in
microseconds, the clock of Python's `time.monotonic()`), to leave out start-up and shut-down.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path
from typing import Any


def function_of(frame: dict[str, Any]) -> str:
    url = frame.get("url", "")
    where = url.split("node_modules/")[-1] if "node_modules/" in url else url.rsplit("/", 2)[-1]
    return f"{frame.get('functionName') or '(anonymous)'} {where}:{frame.get('lineNumber', 0) + 1}"


def package_of(frame: dict[str, Any]) -> str:
    url = frame.get("url", "")
    if "node_modules/" in url:
        parts = url.split("node_modules/")[-1].split("/")
        return "/".join(parts[:2]) if parts[0].startswith("@") else parts[0]
    if not url:  # V8's own entries: (garbage collector), (program), native functions
        return frame.get("functionName") or "(native)"
    return url if url.startswith("node:") else "application"


def summarise(paths: list[Path], window: tuple[float, float] | None) -> tuple[float, Counter, Counter, Counter]:
    self_ms: Counter[str] = Counter()
    inclusive_ms: Counter[str] = Counter()
    package_ms: Counter[str] = Counter()
    total = 0.0
    for path in paths:
        profile = json.loads(path.read_text())
        nodes = {node["id"]: node for node in profile["nodes"]}
        parent = {child: node["id"] for node in profile["nodes"] for child in node.get("children", [])}
        per_node: Counter[int] = Counter()
        clock = profile["startTime"]
        for sample, delta in zip(profile["samples"], profile["timeDeltas"]):
            clock += delta
            if window is None or window[0] <= clock <= window[1]:
                per_node[sample] += delta / 1000
        for node_id, ms in per_node.items():
            frame = nodes[node_id]["callFrame"]
            if frame.get("functionName") == "(idle)":
                continue
            total += ms
            self_ms[function_of(frame)] += ms
            package_ms[package_of(frame)] += ms
            seen: set[str] = set()  # a recursive function counts once per sample
            current: int | None = node_id
            while current is not None:
                name = function_of(nodes[current]["callFrame"])
                if name not in seen:
                    seen.add(name)
                    inclusive_ms[name] += ms
                current = parent.get(current)
    return total, self_ms, inclusive_ms, package_ms


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--from-us", type=float)
    parser.add_argument("--to-us", type=float)
    args = parser.parse_args(argv)
    files = [file for path in args.paths for file in (sorted(path.glob("*.cpuprofile")) if path.is_dir() else [path])]
    window = (args.from_us or 0.0, args.to_us or float("inf")) if args.from_us or args.to_us else None
    total, self_ms, inclusive_ms, package_ms = summarise(files, window)
    print(f"{total:.0f} ms of CPU sampled in {len(files)} profiles")
    for title, counter, top in (("self time per package", package_ms, 25), ("self time", self_ms, args.top),
                                ("inclusive time", inclusive_ms, 2 * args.top)):
        print(f"\n== {title} ==")
        for name, ms in counter.most_common(top):
            print(f"{ms:9.0f} ms {ms / max(total, 1e-9):6.1%}  {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
