r"""Compare two versions of rs-stac-ext on the same data, in one run: start-up and Items/s.

Each side is a source folder put first on ``PYTHONPATH`` (``git worktree add /tmp/rs-before
COMMIT`` gives ``/tmp/rs-before/src``) and run with this interpreter's ``rs-stac`` command, so
everything but the package itself is the same. The sides alternate (before, after, after,
before, ...) so that a change in the machine's load falls on both. Measured, offline (proxy at
a closed port, empty cache), every run a fresh process:

* ``start-up``: ``rs-stac validate`` of one Item (wall clock and CPU seconds);
* ``registry()``: the first call of ``SchemaResolver.registry()`` (seconds inside the process);
* each data set: ``rs-stac validate --format json -j 1`` of the whole NDJSON file (Items per
  second and per CPU-second, peak RSS). Both sides must give the same verdict for every Item,
  or the script exits 1.

Usage::

    python benchmarks/before_after.py --before /tmp/rs-before/src --after src \
        [--data benchmarks/data/full] [--sets core,core-dates] [--repeat 5] [--results DIR]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import Bench, ProcessStats, ensure_data, machine, run_measured  # noqa: E402

SIDES = ("before", "after")
_REGISTRY_PROBE = (
    "import time; t = time.perf_counter(); "
    "from rs_stac_ext.schemas.resolver import ResolverSettings, SchemaResolver; "
    "r = SchemaResolver(ResolverSettings(cache_dir=None, use_cache=False)); "
    "started = time.perf_counter(); r.registry(); "
    "print(time.perf_counter() - started)"
)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _order(round_number: int) -> tuple[str, ...]:
    return SIDES if round_number % 2 == 0 else SIDES[::-1]


def _verdicts(stdout: Path) -> dict[str, str]:
    found: dict[str, str] = {}
    with stdout.open(encoding="utf-8") as lines:
        for line in lines:
            report = json.loads(line)
            found[str(report.get("id"))] = str(report.get("verdict"))
    return found


def _summary(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", type=Path, required=True, help="source folder, before")
    parser.add_argument("--after", type=Path, required=True, help="source folder, after")
    parser.add_argument("--data", type=Path, default=HERE / "data" / "full")
    parser.add_argument(
        "--sets",
        default="core,core-dates",
        type=lambda text: [part for part in text.split(",") if part],
    )
    parser.add_argument("--repeat", type=int, default=5, help="rounds (each side once a round)")
    parser.add_argument(
        "--startups",
        type=int,
        default=3,
        help="start-up runs (and registry() probes) per side a round",
    )
    parser.add_argument("--results", type=Path, default=HERE)
    args = parser.parse_args(argv)
    sources = {"before": args.before.resolve(), "after": args.after.resolve()}
    data = args.data.resolve()
    manifest = ensure_data(data, dict.fromkeys(args.sets, 50_000), regenerate=False)
    missing = [name for name in args.sets if name not in manifest["sets"]]
    if missing:
        parser.error(f"{data} holds no {', '.join(missing)} set (generate it first)")
    bench = Bench(
        argparse.Namespace(
            data=data, repeat=1, schema_dir=None, no_peers=True, quick=False, sets=args.sets
        ),
        manifest,
    )
    work = data / "derived-before-after"
    work.mkdir(parents=True, exist_ok=True)
    (work / "empty-cache").mkdir(exist_ok=True)
    env_base = dict(bench.env, RS_STAC_CACHE=str(work / "empty-cache"))
    envs = {side: dict(env_base, PYTHONPATH=str(src)) for side, src in sources.items()}
    for src in sources.values():
        subprocess.run(
            [sys.executable, "-m", "compileall", "-q", str(src / "rs_stac_ext")],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    rs = bench.rs_command()
    one = work / "one.ndjson"
    with bench.source(args.sets[0]).open("rb") as stream:
        one.write_bytes(next(stream))
    options = ["--format", "json", "--no-cache", "--no-progress"]
    startup: dict[str, list[ProcessStats]] = {side: [] for side in SIDES}
    registry: dict[str, list[float]] = {side: [] for side in SIDES}
    sets: dict[str, dict[str, list[ProcessStats]]] = {
        name: {side: [] for side in SIDES} for name in args.sets
    }
    verdicts: dict[str, dict[str, dict[str, str]]] = {name: {} for name in args.sets}
    for round_number in range(args.repeat):
        for side in _order(round_number):
            for _ in range(args.startups):
                stats = run_measured([*rs, "validate", *options, one], work / "one.out",
                                     envs[side], work)  # fmt: skip
                startup[side].append(stats)
                probe = subprocess.run(
                    [sys.executable, "-c", _REGISTRY_PROBE],
                    capture_output=True, text=True, env=envs[side], check=True,
                )  # fmt: skip
                registry[side].append(float(probe.stdout.strip()))
            for name in args.sets:
                stdout = work / f"{name}-{side}.out"
                stats = run_measured(
                    [*rs, "validate", *options, "-j", "1", bench.source(name)],
                    stdout, envs[side], work,
                )  # fmt: skip
                sets[name][side].append(stats)
                verdicts[name][side] = _verdicts(stdout)
                log(
                    f"round {round_number + 1}/{args.repeat} {side:6} {name}: "
                    f"{stats.wall:.2f} s, {stats.cpu:.2f} CPU-s, {stats.peak_mib:.0f} MiB; "
                    f"start-up {startup[side][-1].wall * 1000:.0f} ms, "
                    f"registry() {registry[side][-1] * 1000:.0f} ms"
                )
    differing = {
        name: sum(
            1
            for item, verdict in verdicts[name]["before"].items()
            if verdicts[name]["after"].get(item) != verdict
        )
        for name in args.sets
    }
    raw: dict[str, Any] = {
        "command": "python benchmarks/before_after.py "
        + " ".join(argv if argv is not None else sys.argv[1:]),
        "machine": machine(),
        "sources": {side: str(src) for side, src in sources.items()},
        "startup_seconds": {s: _summary([r.wall for r in startup[s]]) for s in SIDES},
        "startup_cpu_seconds": {s: _summary([r.cpu for r in startup[s]]) for s in SIDES},
        "registry_seconds": {s: _summary(registry[s]) for s in SIDES},
        "sets": {},
        "differing_verdicts": differing,
    }
    lines = [
        "| measure | before | after | after / before |",
        "|---|---:|---:|---:|",
    ]
    for label, key, scale, unit in (
        ("start-up, one Item (wall)", "startup_seconds", 1000, "ms"),
        ("start-up, one Item (CPU)", "startup_cpu_seconds", 1000, "ms"),
        ("SchemaResolver.registry(), first call", "registry_seconds", 1000, "ms"),
    ):
        before, after = raw[key]["before"], raw[key]["after"]
        lines.append(
            f"| {label} | {before['median'] * scale:,.0f} {unit} "
            f"({before['min'] * scale:,.0f}-{before['max'] * scale:,.0f}) "
            f"| {after['median'] * scale:,.0f} {unit} "
            f"({after['min'] * scale:,.0f}-{after['max'] * scale:,.0f}) "
            f"| {after['median'] / before['median']:.2f} |"
        )
    for name in args.sets:
        count = int(manifest["sets"][name]["count"])
        entry: dict[str, Any] = {"items": count}
        for side in SIDES:
            runs = sets[name][side]
            entry[side] = {
                "wall": [r.wall for r in runs],
                "cpu": [r.cpu for r in runs],
                "peak_mib": max(r.peak_mib for r in runs),
                "items_per_second": count / statistics.median(r.wall for r in runs),
                "items_per_cpu_second": count / statistics.median(r.cpu for r in runs),
            }
        raw["sets"][name] = entry
        for label, key, seconds in (
            ("Items/s", "items_per_second", "wall"),
            ("Items/CPU-s", "items_per_cpu_second", "cpu"),
        ):
            before, after = entry["before"][key], entry["after"][key]
            ranges = {
                side: f"{count / max(entry[side][seconds]):,.0f}-"
                f"{count / min(entry[side][seconds]):,.0f}"
                for side in SIDES
            }
            lines.append(
                f"| {name} ({count:,} Items), {label}, -j 1 | {before:,.0f} ({ranges['before']}) "
                f"| {after:,.0f} ({ranges['after']}) | {after / before:.2f} |"
            )
        lines.append(
            f"| {name}, peak RSS | {entry['before']['peak_mib']:.0f} MiB "
            f"| {entry['after']['peak_mib']:.0f} MiB "
            f"| {entry['after']['peak_mib'] / entry['before']['peak_mib']:.2f} |"
        )
    report = "\n\n".join(
        [
            "# Before and after, same data, one run",
            f"Command: `{raw['command'].strip()}`; {machine()}; {args.repeat} rounds alternating "
            f"the sides ({args.startups} start-ups and registry() calls per side a round); "
            f"medians, with the range of the runs in brackets.\n\n"
            f"before: `{sources['before']}`; after: `{sources['after']}`.",
            "\n".join(lines),
            "Items whose verdict differs between the sides: "
            + ", ".join(f"{name} {count}" for name, count in differing.items())
            + ".",
        ]
    )
    print(report)
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "before-after.md").write_text(report + "\n", encoding="utf-8")
    (args.results / "before-after.json").write_text(
        json.dumps(raw, indent=1) + "\n", encoding="utf-8"
    )
    return 1 if any(differing.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
