"""Smoke test of the validator benchmark: generate a tiny data set and run ours on it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def _run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *(str(arg) for arg in args)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_quick_benchmark_reports_our_rows_and_finds_every_broken_item(tmp_path: Path) -> None:
    data = tmp_path / "data"
    generated = _run(
        BENCHMARKS / "generate.py", "--out", data, "--cadip", "20", "--auxip", "20",
        "--core", "20", "--core-dates", "20", "--s2l2a", "20",
        "--s2-earth-search", "20", "--stations", "20",
    )  # fmt: skip
    assert generated.returncode == 0, generated.stderr
    manifest = json.loads((data / "manifest.json").read_text(encoding="utf-8"))
    names = [
        "cadip",
        "auxip",
        "core",
        "core-dates",
        "s2l2a",
        "s2-earth-search",
        "stations",
    ]
    assert {
        name: len(entry["broken"]) for name, entry in manifest["sets"].items()
    } == dict.fromkeys(names, 1)

    results = tmp_path / "results"
    run = _run(BENCHMARKS / "run.py", "--data", data, "--quick", "--no-peers", "--results", results)
    assert run.returncode == 0, run.stderr[-3000:]
    table_rows = [line for line in run.stdout.splitlines() if line.startswith("| rs")]
    labels = {tuple(cell.strip() for cell in line.split("|")[1:3]) for line in table_rows}
    for name in names:
        for tool in (
            "rs-stac validate -j 1 (CLI)",
            "rs-stac validate -j 0 (CLI)",
            "rs_stac_ext.validate (API)",
            "rs_stac_ext.validate jobs=2 (API)",
        ):
            assert (tool, name) in labels

    raw = json.loads((results / "results.json").read_text(encoding="utf-8"))
    ours = [row for row in raw["rows"] if row["role"] == "ours"]
    assert len(ours) == 4 * len(names)
    for row in ours:
        entry = manifest["sets"][row["dataset"]]
        assert row["items"] == entry["count"] == 20
        assert row["wrong_verdicts"] == "0", row
        assert row["fully_checked"] == "yes", row
        assert row["raw"]["missed"] == []
        assert row["raw"]["false_alarms"] == []
        found, total = row["raw"]["defects_located"]
        assert found == total > 0
        assert row["items_per_second"] > 0
        if "(CLI)" in row["tool"]:
            assert row["items_per_cpu_second"] > 0
            assert len(row["raw"]["cpu_seconds"]) == 1
        assert row["peak_rss_mib"] > 0
    assert (results / "results.md").read_text(encoding="utf-8").startswith("# Validator benchmark")
