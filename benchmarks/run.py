"""Benchmark ``rs-stac validate`` against today's STAC validators, offline, on the same files.

For each data set of ``generate.py`` (CADIP sessions, AUXIP files, core-only Items) and each
tool, this measures Items per second (median of ``--repeat`` runs), the peak resident memory
of the process tree, and whether the tool finds exactly the broken Items of the manifest.
Every measurement is a fresh subprocess, so memory figures never mix, and every subprocess runs
with its HTTP(S) proxy pointed at a closed local port: nothing can be downloaded.

Tools:

* ``rs-stac validate --format json`` with ``-j 1`` and ``-j 0`` (every usable CPU), and the
  in-process API (``jobs=1`` and ``jobs=2``);
* the parse floor: orjson parsing the same NDJSON, nothing else;
* pystac ``validate_dict`` (core schema from its bundle, our extension schemas put in its cache);
* stac-valid fast mode (its own venv; its schema cache pre-filled from ``rs-stac schemas
  export``), in-process and as a command;
* the rustac command (its own venv; core schemas compiled in), core data set only.

Peers that are too slow for the whole set are timed on its first Items and judged separately on
every broken Item. The Markdown table goes to stdout and ``results.md``; raw numbers to
``results.json``.

Usage::

    python benchmarks/run.py [--data DIR] [--quick] [--no-peers] [--repeat N] [--results DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
GENERATE = HERE / "generate.py"
DRIVERS = HERE / "drivers.py"
FULL_SIZES = {
    "cadip": 10_000,
    "auxip": 10_000,
    "core": 50_000,
    "core-dates": 50_000,
    "s2l2a": 10_000,
    "s2-earth-search": 10_000,
    "stations": 10_000,
}
QUICK_SIZES = {
    "cadip": 200,
    "auxip": 200,
    "core": 1_000,
    "core-dates": 1_000,
    "s2l2a": 200,
    "s2-earth-search": 200,
    "stations": 200,
}
SET_ORDER = ("cadip", "auxip", "core", "core-dates", "s2l2a", "s2-earth-search", "stations")
# Sets whose Items declare external-ids (no published schema text: rs-stac's README-written one).
EXTERNAL_IDS_SETS = ("cadip", "stations")
EXTERNAL_IDS_URI = "https://stac-extensions.github.io/external-ids/v1.0.0/schema.json"
# Sets whose every schema is built in (issue 19): never given the mirror, and any Item rs-stac
# calls "incomplete" there stops the run.
BUILT_IN_SETS = ("s2-earth-search", "stations")
# Sets rustac can check offline (no extension declared: its compiled-in core schemas suffice).
RUSTAC_SETS = ("core", "core-dates")
# Sets pystac is timed on (it validates 10-50 Items/s and needs the network for STAC 1.0.0).
PYSTAC_SETS = ("cadip", "auxip", "core")
# stac-valid checks ~50 Sentinel-2 Items/s here (and takes ~10 s per 50,000 core-only Items on
# a quiet machine): it is timed and judged on the first Items of the new sets.
STAC_VALID_SAMPLE = {
    "s2l2a": 1_000,
    "core-dates": 10_000,
    "s2-earth-search": 1_000,
    "stations": 1_000,
}
PEER_PACKAGES = {"stac-valid": "stac-valid==4.6.1", "rustac": "rustac==0.9.18"}
# pystac validates ~10-50 Items/s here: it is timed on the first Items of a set only.
PYSTAC_SAMPLE = {"cadip": 100, "auxip": 400, "core": 400}
CLOSED_PORT_PROXY = "http://127.0.0.1:9"
TARGET_PEER_RATIO = 4.0
TARGET_PARSE_RATIO = 3.0
TARGET_RSS_MIB = 300.0
# Issue 15: on core-only Items with a time range, `rs-stac validate -j 0` against rustac.
TARGET_RUSTAC_WALL = 3.0
TARGET_RUSTAC_CPU = 1.5
# The published STAC schemas as a --schema-dir mirror, for schemas rs-stac does not carry.
UPSTREAM = Path(os.environ.get("RS_STAC_UPSTREAM", HERE.parent.parent / "shared" / "upstream"))
MIRROR = UPSTREAM / "stac-schemas"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------- measuring


@dataclass
class ProcessStats:
    """What one subprocess cost.

    Attributes:
        wall: Seconds from start to exit.
        max_rss_kib: ``ru_maxrss`` of the process (the largest single process of its tree).
        tree_peak_kib: Largest sum of the tree's resident sizes seen by sampling (/proc).
        returncode: Exit code.
        cpu: User plus system CPU seconds of the process and of every descendant it waited
            for (worker processes included), from ``os.wait4``.
    """

    wall: float
    max_rss_kib: int
    tree_peak_kib: int
    returncode: int
    cpu: float = 0.0

    @property
    def peak_mib(self) -> float:
        """The larger of both memory figures, in MiB."""
        return max(self.max_rss_kib, self.tree_peak_kib) / 1024


def _descendants(pid: int) -> list[int]:
    found = [pid]
    index = 0
    while index < len(found):
        current = found[index]
        index += 1
        task_dir = Path(f"/proc/{current}/task")
        try:
            tasks = list(task_dir.iterdir())
        except OSError:
            continue
        for task in tasks:
            try:
                children = (task / "children").read_text().split()
            except OSError:
                continue
            found.extend(int(child) for child in children)
    return found


def _tree_rss_kib(pid: int) -> int:
    total = 0
    for member in _descendants(pid):
        try:
            status = Path(f"/proc/{member}/status").read_text()
        except OSError:
            continue
        match = re.search(r"^VmRSS:\s+(\d+)\s+kB", status, re.MULTILINE)
        if match:
            total += int(match.group(1))
    return total


def run_measured(
    command: Sequence[str | Path], stdout: Path, env: dict[str, str], cwd: Path
) -> ProcessStats:
    """Run one command, its stdout to a file, and return what it cost."""
    peak = 0
    done = threading.Event()
    with stdout.open("wb") as out, stdout.with_suffix(".stderr").open("wb") as err:
        started = time.perf_counter()
        process = subprocess.Popen(
            [str(part) for part in command], stdout=out, stderr=err, env=env, cwd=cwd
        )

        def sample() -> None:
            nonlocal peak
            while not done.wait(0.05):
                peak = max(peak, _tree_rss_kib(process.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        done.set()
        sampler.join()
        process.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    return ProcessStats(wall, usage.ru_maxrss, peak, process.returncode, cpu)


# ------------------------------------------------------------------------------- verdicts


@dataclass
class Verdicts:
    """Which Items a tool judged, and which of them it found invalid.

    Attributes:
        judged: Ids of the Items the tool gave a verdict on.
        invalid: Ids it found invalid.
        aborted: The tool stopped without per-Item verdicts (the reason).
        incomplete: Ids it could not check in full (rs-stac's "incomplete" verdict).
    """

    judged: set[str] = field(default_factory=set)
    invalid: set[str] = field(default_factory=set)
    aborted: str | None = None
    incomplete: set[str] = field(default_factory=set)

    def merge(self, other: Verdicts) -> None:
        """Add another run's verdicts."""
        self.judged |= other.judged
        self.invalid |= other.invalid
        self.incomplete |= other.incomplete
        self.aborted = self.aborted or other.aborted


@dataclass
class Judgement:
    """Verdicts compared with the manifest.

    Attributes:
        missed: Broken Items judged valid (or never judged).
        false_alarms: Valid Items judged invalid.
        missed_format_only: Missed Items whose only schema-visible defect is a date-time format.
        judged_valid: Valid Items the tool judged.
    """

    missed: list[str]
    false_alarms: list[str]
    missed_format_only: int
    judged_valid: int

    @property
    def wrong(self) -> int:
        """Wrong verdicts."""
        return len(self.missed) + len(self.false_alarms)


def judge(verdicts: Verdicts, broken: dict[str, dict[str, Any]]) -> Judgement:
    """Compare a tool's verdicts with the manifest's broken Items."""
    missed = sorted(item for item in broken if item not in verdicts.invalid)
    false_alarms = sorted(item for item in verdicts.invalid if item not in broken)
    format_only = sum(
        1
        for item in missed
        if all(d["caught_by"] in {"format", "rule"} for d in broken[item]["defects"])
    )
    judged_valid = len(verdicts.judged - set(broken))
    return Judgement(missed, false_alarms, format_only, judged_valid)


def located(errors: dict[str, list[str]], broken: dict[str, dict[str, Any]]) -> tuple[int, int]:
    """Count the manifest's defects reported at (or under) their JSON pointer."""
    found = total = 0
    for item, entry in broken.items():
        paths = errors.get(item, [])
        for defect in entry["defects"]:
            total += 1
            wanted = defect["pointer"]
            if any(path == wanted or path.startswith(wanted + "/") for path in paths):
                found += 1
    return found, total


def read_rs_cli(stdout: Path) -> tuple[int, Verdicts, dict[str, list[str]]]:
    """Read ``rs-stac validate --format json`` output."""
    verdicts = Verdicts()
    errors: dict[str, list[str]] = {}
    count = 0
    with stdout.open(encoding="utf-8") as lines:
        for line in lines:
            report = json.loads(line)
            count += 1
            item = str(report.get("id"))
            verdicts.judged.add(item)
            verdict = report.get("verdict", "invalid" if not report["valid"] else "valid")
            if verdict == "invalid":
                verdicts.invalid.add(item)
                errors[item] = [problem["path"] for problem in report["errors"]]
            elif verdict == "incomplete":
                verdicts.incomplete.add(item)
    return count, verdicts, errors


def read_stac_valid_cli(stdout: Path) -> int:
    """Read the number of objects from ``stac-valid fast`` output."""
    text = stdout.read_text(encoding="utf-8", errors="replace")
    match = re.search(r"Total Objects Processed\s*:\s*(\d+)", text)
    return int(match.group(1)) if match else 0


_RUSTAC_ITEM = re.compile(r"^Item\[id=(.*?)\]: ", re.MULTILINE)


def read_rustac(stdout: Path, stats: ProcessStats, ids: list[str]) -> Verdicts:
    """Read ``rustac validate`` text output (errors go to stdout, one line per problem)."""
    text = stdout.read_text(encoding="utf-8", errors="replace")
    named = set(_RUSTAC_ITEM.findall(text))
    verdicts = Verdicts(judged=set(ids), invalid=named)
    if stats.returncode != 0 and not named:
        if len(ids) == 1:
            verdicts.invalid = set(ids)
        else:
            reason = stdout.with_suffix(".stderr").read_text(errors="replace").strip()
            verdicts.aborted = reason.splitlines()[-1] if reason else "failed"
            verdicts.judged = set()
    return verdicts


# ------------------------------------------------------------------------------- data


def read_manifest(data: Path) -> dict[str, Any]:
    """Load ``manifest.json`` from a data folder."""
    manifest: dict[str, Any] = json.loads((data / "manifest.json").read_text(encoding="utf-8"))
    return manifest


def ensure_data(data: Path, sizes: dict[str, int], regenerate: bool) -> dict[str, Any]:
    """Generate the data sets unless the folder already holds them."""
    if regenerate or not (data / "manifest.json").is_file():
        command = [sys.executable, str(GENERATE), "--out", str(data)]
        for name, count in sizes.items():
            command += [f"--{name}", str(count)]
        log(f"generating data in {data}")
        subprocess.run(command, check=True)
    else:
        log(f"using existing data in {data} (--regenerate to rebuild)")
    return read_manifest(data)


def _head(source: Path, target: Path, count: int) -> None:
    with source.open("rb") as lines, target.open("wb") as out:
        for number, line in enumerate(lines):
            if number >= count:
                break
            out.write(line)


def _select(source: Path, target: Path, keep: set[int]) -> None:
    """Copy the NDJSON lines whose 0-based index is in ``keep``."""
    with source.open("rb") as lines, target.open("wb") as out:
        for number, line in enumerate(lines):
            if number in keep:
                out.write(line)


def _features(source: Path, target: Path) -> None:
    with source.open("rb") as lines, target.open("wb") as out:
        out.write(b'{"type":"FeatureCollection","features":[\n')
        for number, line in enumerate(lines):
            out.write((b"," if number else b"") + line.rstrip(b"\n") + b"\n")
        out.write(b"]}\n")


# ------------------------------------------------------------------------------- tools


@dataclass
class Row:
    """One line of the result table.

    Attributes:
        tool: Tool and mode.
        dataset: Data set name.
        role: ``ours``, ``peer`` or ``floor``.
        items: Items per timed run.
        rate: Items per second (median run), ``None`` when not measured.
        cpu_rate: Items per CPU-second of the whole process tree (median run), commands only.
        spread: (slowest - fastest) / median of the runs' seconds.
        peak_mib: Largest peak memory over the runs.
        wrong: Wrong verdicts as shown.
        defects: Defects reported at their pointer (ours only).
        note: Why a value is missing, or what was special.
        checks: What the tool checked.
        raw: Raw measurements.
        sample: Only the set's first Items were checked (the broken ones among them judged).
        fully_checked: Ours only: ``yes`` when no Item was left "incomplete".
    """

    tool: str
    dataset: str
    role: str
    items: int | None = None
    rate: float | None = None
    cpu_rate: float | None = None
    spread: float | None = None
    peak_mib: float | None = None
    wrong: str = "-"
    defects: str = "-"
    note: str = ""
    checks: str = ""
    raw: dict[str, Any] = field(default_factory=dict)
    sample: int | None = None
    fully_checked: str = "-"


class Bench:
    """Runs every measurement of one benchmark run."""

    def __init__(self, args: argparse.Namespace, manifest: dict[str, Any]) -> None:
        self.args = args
        self.data: Path = args.data
        self.manifest = manifest
        self.work = self.data / "derived"
        self.repeat: int = args.repeat
        self.rows: list[Row] = []
        self.env = self._offline_env()
        self.schemas = self.work / "schemas"
        self.venvs: dict[str, Path | None] = {}
        self.venv_notes: dict[str, str] = {}
        self.versions: dict[str, str] = {}
        self.mirror: Path | None = args.schema_dir
        self.schema_dir_sets: set[str] = set()

    # -- setup

    def _offline_env(self) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if key.lower() not in {"no_proxy", "http_proxy", "https_proxy", "all_proxy"}
        }
        for key in ("http_proxy", "https_proxy", "all_proxy"):
            env[key] = env[key.upper()] = CLOSED_PORT_PROXY
        env["RS_STAC_CACHE"] = str(self.data / "derived" / "empty-cache")
        env["STAC_VALIDATOR_CACHE_DIR"] = str(self.data / "derived" / "stac-valid-cache")
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        return env

    def prepare(self) -> None:
        """Export schemas, fill stac-valid's cache, and make the peers' virtual environments."""
        if self.work.exists():
            shutil.rmtree(self.work)
        self.work.mkdir(parents=True)
        (self.work / "empty-cache").mkdir()
        subprocess.run(
            [*self.rs_command(), "schemas", "export", "--no-cache", str(self.schemas)],
            check=True,
            env=self.env,
            stdout=subprocess.DEVNULL,
        )
        cache = self.work / "stac-valid-cache"
        cache.mkdir()
        schema_map = json.loads((self.schemas / "schema-map.json").read_text(encoding="utf-8"))
        for uri, relative in schema_map.items():
            shutil.copyfile(self.schemas / relative, cache / _stac_valid_name(uri))
        if self.mirror is not None:
            # What rs-stac does not carry (STAC 1.0.0, third-party extensions) from the mirror,
            # whose files lie at <host>/<path> of their URL.
            for path in sorted(self.mirror.rglob("*.json")):
                uri = "https://" + path.relative_to(self.mirror).as_posix()
                target = cache / _stac_valid_name(uri)
                if uri not in schema_map and not target.exists():
                    shutil.copyfile(path, target)
        # A pip install leaves compiled bytecode next to the modules; an editable one run with
        # PYTHONDONTWRITEBYTECODE would compile every module again in every process.
        package = Path(str(__import__("rs_stac_ext").__file__)).parent
        subprocess.run(
            [sys.executable, "-m", "compileall", "-q", str(package)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        if not self.args.no_peers:
            for name in PEER_PACKAGES:
                self.venvs[name] = self.ensure_venv(name)
        self.versions = self.tool_versions()

    def ensure_venv(self, name: str) -> Path | None:
        """Return the peer's virtual environment, creating it unless ``--quick``."""
        venv = HERE / f".venv-{name}"
        executable = venv / "bin" / name
        if executable.exists():
            return venv
        if self.args.quick:
            self.venv_notes[name] = f"{venv.name} absent (--quick does not build it)"
            return None
        log(f"creating {venv} with {PEER_PACKAGES[name]} from PyPI")
        try:
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
            subprocess.run(
                [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
                 "--disable-pip-version-check", PEER_PACKAGES[name]],
                check=True,
            )  # fmt: skip
        except (subprocess.CalledProcessError, OSError) as exc:
            self.venv_notes[name] = f"could not install {PEER_PACKAGES[name]}: {exc}"
            return None
        return venv if executable.exists() else None

    def tool_versions(self) -> dict[str, str]:
        """Versions of every tool taking part."""
        from importlib.metadata import PackageNotFoundError, version

        versions: dict[str, str] = {"python": platform.python_version()}
        for package in ("rs-stac-ext", "jsonschema-rs", "jsonschema", "orjson", "pystac"):
            try:
                versions[package] = version(package)
            except PackageNotFoundError:
                versions[package] = "not installed"
        for name, venv in self.venvs.items():
            if venv is None:
                continue
            probe = subprocess.run(
                [str(venv / "bin" / "python"), "-c",
                 f"from importlib.metadata import version; print(version({name!r}))"],
                capture_output=True, text=True, check=False,
            )  # fmt: skip
            versions[name] = probe.stdout.strip() or "unknown"
        return versions

    def rs_command(self) -> list[str]:
        """The ``rs-stac`` command of this interpreter's environment."""
        script = Path(sys.executable).parent / "rs-stac"
        return [str(script)] if script.exists() else [sys.executable, "-m", "rs_stac_ext"]

    def schema_dir_options(self, name: str) -> list[str]:
        """``--schema-dir MIRROR`` when rs-stac does not carry every schema a set names.

        Probed on the set's first Item, so that the mirror stops being used as soon as the
        schemas are built in.
        """
        if self.mirror is None or name in BUILT_IN_SETS:
            return []
        probe = self.work / f"{name}.probe.ndjson"
        _head(self.source(name), probe, 1)
        found = subprocess.run(
            [*self.rs_command(), "validate", "--format", "json", "--no-cache", "--no-progress",
             probe],
            capture_output=True, text=True, env=self.env, check=False,
        )  # fmt: skip
        reports = [json.loads(line) for line in found.stdout.splitlines() if line.strip()]
        if reports and not any(report.get("not_checked") for report in reports):
            return []
        self.schema_dir_sets.add(name)
        return ["--schema-dir", str(self.mirror)]

    # -- helpers

    def broken(self, name: str) -> dict[str, dict[str, Any]]:
        """The manifest's broken Items of a set, by id."""
        return {entry["id"]: entry for entry in self.manifest["sets"][name]["broken"]}

    def source(self, name: str, kind: str = "ndjson") -> Path:
        """The generated file of a set."""
        return self.data / str(self.manifest["sets"][name][kind])

    def timed(self, label: str, command: Sequence[str | Path], stdout: Path) -> list[ProcessStats]:
        """Run a command ``repeat`` times; log each run."""
        runs = []
        for attempt in range(1, self.repeat + 1):
            stats = run_measured(command, stdout, self.env, self.work)
            runs.append(stats)
            log(
                f"  {label}: run {attempt}/{self.repeat} {stats.wall:.2f} s, "
                f"{stats.peak_mib:.0f} MiB, exit {stats.returncode}"
            )
        return runs

    def driver(
        self,
        python: Path | str,
        name: str,
        source: Path,
        tag: str,
        *,
        once: bool = False,
        extra: Sequence[str] = (),
    ) -> tuple[list[ProcessStats], list[dict[str, Any]]]:
        """Run an in-process driver ``repeat`` times (or once); return stats and results."""
        result_path = self.work / f"{tag}.result.json"
        command = [python, DRIVERS, name, source, result_path, "--schemas", self.schemas, *extra]
        runs: list[ProcessStats] = []
        results: list[dict[str, Any]] = []
        for attempt in range(1, (1 if once else self.repeat) + 1):
            result_path.unlink(missing_ok=True)
            stats = run_measured(command, self.work / f"{tag}.out", self.env, self.work)
            if stats.returncode != 0 or not result_path.exists():
                error = (self.work / f"{tag}.stderr").read_text(errors="replace")
                raise RuntimeError(f"driver {name} failed on {source}:\n{error[-2000:]}")
            result = json.loads(result_path.read_text(encoding="utf-8"))
            runs.append(stats)
            results.append(result)
            log(
                f"  {tag}: run {attempt} {result['seconds']:.2f} s inside "
                f"({stats.wall:.2f} s wall), {stats.peak_mib:.0f} MiB"
            )
        return runs, results

    def add(
        self,
        row: Row,
        runs: list[ProcessStats],
        seconds: list[float],
        verdicts: Verdicts | None = None,
        errors: dict[str, list[str]] | None = None,
    ) -> None:
        """Fill a row from its runs and verdicts, and keep it."""
        median = statistics.median(seconds)
        if row.items:
            row.rate = row.items / median if median > 0 else None
        if median > 0:
            row.spread = (max(seconds) - min(seconds)) / median
        cpu = [run.cpu for run in runs]
        if row.items and _kind(row.tool) == "cli" and statistics.median(cpu) > 0:
            row.cpu_rate = row.items / statistics.median(cpu)
        row.peak_mib = max(run.peak_mib for run in runs)
        row.raw.update(
            {
                "seconds": seconds,
                "cpu_seconds": cpu,
                "wall": [run.wall for run in runs],
                "max_rss_kib": [run.max_rss_kib for run in runs],
                "tree_peak_kib": [run.tree_peak_kib for run in runs],
                "exit": [run.returncode for run in runs],
            }
        )
        broken = self.broken(row.dataset)
        if row.sample is not None:
            broken = {k: v for k, v in broken.items() if v["index"] < row.sample}
        if verdicts is not None:
            if verdicts.aborted:
                row.wrong = "no verdicts"
                row.note = _join(row.note, f"aborted: {verdicts.aborted}")
            else:
                judgement = judge(verdicts, broken)
                row.wrong = str(judgement.wrong)
                detail = []
                if judgement.missed:
                    text = f"missed {len(judgement.missed)}/{len(broken)} broken"
                    if judgement.missed_format_only:
                        text += f" ({judgement.missed_format_only} with only a date-time defect)"
                    detail.append(text)
                if judgement.false_alarms:
                    detail.append(f"{len(judgement.false_alarms)} valid Items called invalid")
                row.note = _join(row.note, "; ".join(detail))
                row.raw["missed"] = judgement.missed
                row.raw["false_alarms"] = judgement.false_alarms
                row.raw["valid_items_judged"] = judgement.judged_valid
        if row.role == "ours" and verdicts is not None:
            row.fully_checked = "no" if verdicts.incomplete else "yes"
            row.raw["incomplete"] = sorted(verdicts.incomplete)
        if errors is not None:
            found, total = located(errors, broken)
            row.defects = f"{found}/{total}"
            row.raw["defects_located"] = [found, total]
        self.rows.append(row)

    # -- tools

    def run_ours(self, name: str) -> None:
        """rs-stac CLI with -j 1 and -j 0, and the in-process API."""
        source = self.source(name)
        checks = self.manifest["sets"][name]["checks"] + " + rules"
        extra = self.schema_dir_options(name)
        mirrored = f"with --schema-dir {self.mirror} (not built in yet)" if extra else ""
        for jobs in (1, 0):
            tag = f"{name}-rs-cli-j{jobs}"
            stdout = self.work / f"{tag}.out"
            command: list[str | Path] = [
                *self.rs_command(), "validate", "--format", "json", "-j", str(jobs),
                "--no-cache", "--no-progress", *extra, source,
            ]  # fmt: skip
            log(f"rs-stac validate -j {jobs} on {name}")
            runs = self.timed(tag, command, stdout)
            count, verdicts, errors = read_rs_cli(stdout)
            self.expect_all(name, count, stdout)
            self.expect_fully_checked(name, verdicts.incomplete, stdout)
            row = Row(f"rs-stac validate -j {jobs} (CLI)", name, "ours", count, checks=checks)
            row.note = mirrored
            self.add(row, runs, [run.wall for run in runs], verdicts, errors)
        for driver, label in (
            ("rs-api", "rs_stac_ext.validate (API)"),
            ("rs-api-j2", "rs_stac_ext.validate jobs=2 (API)"),
        ):
            log(f"rs-stac {driver} on {name}")
            runs, results = self.driver(
                sys.executable, driver, source, f"{name}-{driver}", extra=extra
            )
            last = results[-1]
            self.expect_all(name, last["items"], self.work / f"{name}-{driver}.out")
            verdicts = Verdicts(
                {str(i) for i in self.all_ids(name)},
                {str(i) for i in last["invalid"]},
                incomplete={str(i) for i in last["incomplete"]},
            )
            self.expect_fully_checked(name, verdicts.incomplete, None, last["not_checked"])
            row = Row(label, name, "ours", last["items"], checks=checks)
            row.note = mirrored
            if last["not_checked"]:
                row.note = _join(row.note, "not checked (not packaged): ") + ", ".join(
                    uri.split("/")[-3] for uri in last["not_checked"]
                )
            self.add(row, runs, [r["seconds"] for r in results], verdicts, last["errors"])

    def expect_all(self, name: str, count: int, stdout: Path) -> None:
        """Stop when our tool did not report every Item (it crashed: no number is meaningful)."""
        expected = int(self.manifest["sets"][name]["count"])
        if count != expected:
            error = stdout.with_suffix(".stderr").read_text(errors="replace")
            raise RuntimeError(
                f"rs-stac-ext reported {count} of {expected} {name} Items:\n{error[-2000:]}"
            )

    def expect_fully_checked(
        self,
        name: str,
        incomplete: set[str],
        stdout: Path | None,
        not_checked: Sequence[str] = (),
    ) -> None:
        """Stop when rs-stac left Items "incomplete": every set must be checked in full.

        Every schema the sets name is built in (issue 19), so an incomplete verdict is a
        defect of the package, and the speed of a run that skipped schemas means nothing.
        """
        if not incomplete:
            return
        schemas = set(not_checked)
        if stdout is not None:
            with stdout.open(encoding="utf-8") as lines:
                for line in lines:
                    report = json.loads(line)
                    schemas.update(entry["schema"] for entry in report.get("not_checked", []))
        raise RuntimeError(
            f"rs-stac-ext left {len(incomplete)} {name} Item(s) incomplete (first: "
            f"{sorted(incomplete)[0]}); not checked: {', '.join(sorted(schemas)) or '?'}"
        )

    def all_ids(self, name: str) -> list[str]:
        """Every Item id of a set, in file order."""
        ids = []
        with self.source(name).open("rb") as lines:
            for line in lines:
                match = re.search(rb'"id":"((?:[^"\\]|\\.)*)"', line)
                ids.append(match.group(1).decode() if match else "")
        return ids

    def run_orjson(self, name: str) -> None:
        """The parse floor."""
        log(f"orjson parse floor on {name}")
        runs, results = self.driver(sys.executable, "orjson", self.source(name), f"{name}-orjson")
        row = Row("orjson.loads per line (parse only)", name, "floor", results[-1]["items"])
        row.checks = "nothing (parsing only)"
        self.add(row, runs, [r["seconds"] for r in results])

    def run_pystac(self, name: str) -> None:
        """Run pystac validate_dict on a sample, and on every broken Item."""
        count = int(self.manifest["sets"][name]["count"])
        sample = min(count, PYSTAC_SAMPLE[name])
        source = self.source(name)
        speed_input = source
        if sample < count:
            speed_input = self.work / f"{name}.first{sample}.ndjson"
            _head(source, speed_input, sample)
        log(f"pystac on {name} ({sample:,} Items)")
        runs, results = self.driver(sys.executable, "pystac", speed_input, f"{name}-pystac")
        last = results[-1]
        ids = self.all_ids(name)
        verdicts = Verdicts(set(ids[:sample]), {str(i) for i in last["invalid"]})
        note = f"timed on the first {sample:,} Items" if sample < count else ""
        if sample < count:
            broken_input = self.work / f"{name}.broken.ndjson"
            indices = {entry["index"] for entry in self.manifest["sets"][name]["broken"]}
            _select(source, broken_input, indices)
            _, extra = self.driver(
                sys.executable, "pystac", broken_input, f"{name}-pystac-broken", once=True
            )
            verdicts.merge(Verdicts(set(self.broken(name)), {str(i) for i in extra[0]["invalid"]}))
            note = _join(note, "judged on every broken Item in a separate run")
        checks = "STAC 1.1.0 core (pystac's bundle)"
        if last["checked"]:
            checks += " + " + ", ".join(last["checked"])
        if last["not_checked"]:
            note = _join(note, "skipped (not available offline): " + ", ".join(last["not_checked"]))
        row = Row(f"pystac {self.versions.get('pystac', '')} validate_dict", name, "peer", sample)
        row.checks = checks + "; no format checks"
        row.note = note
        self.add(row, runs, [r["seconds"] for r in results], verdicts)

    def run_stac_valid(self, name: str) -> None:
        """stac-valid fast mode, in-process (for verdicts) and as a command."""
        venv = self.venvs.get("stac-valid")
        version = self.versions.get("stac-valid", "")
        if venv is None:
            self.rows.append(
                Row(
                    f"stac-valid {version}",
                    name,
                    "peer",
                    note=self.venv_notes.get("stac-valid", ""),
                )
            )
            return
        features = self.source(name, "features")
        count = int(self.manifest["sets"][name]["count"])
        sample = min(count, STAC_VALID_SAMPLE.get(name, count))
        if sample < count:
            head = self.work / f"{name}.first{sample}.ndjson"
            _head(self.source(name), head, sample)
            features = self.work / f"{name}.first{sample}.features.json"
            _features(head, features)
        log(f"stac-valid fast (API) on {name}")
        runs, results = self.driver(
            venv / "bin" / "python", "stac-valid", features, f"{name}-stac-valid"
        )
        last = results[-1]
        judged = set(self.all_ids(name)[:sample])
        verdicts = Verdicts(judged, {str(i) for i in last["invalid"]})
        checks = "core + declared extensions from its pre-filled cache (fastjsonschema)"
        row = Row(f"stac-valid {version} fast (API)", name, "peer", last["items"], checks=checks)
        row.note = "first error per schema only"
        if sample < count:
            row.sample = sample
            row.note = _join(row.note, f"timed and judged on the first {sample:,} Items")
        if name in EXTERNAL_IDS_SETS:
            cached = self.work / "stac-valid-cache" / _stac_valid_name(EXTERNAL_IDS_URI)
            row.note = _join(
                row.note,
                "external-ids from rs-stac's README-written schema (in its cache)"
                if cached.exists()
                else "external-ids skipped (cannot be fetched)",
            )
        self.add(row, runs, [r["seconds"] for r in results], verdicts)
        log(f"stac-valid fast -q (CLI) on {name}")
        stdout = self.work / f"{name}-stac-valid-cli.out"
        command: list[str | Path] = [venv / "bin" / "stac-valid", "fast", "-q", features]
        cli_runs = self.timed(f"{name}-stac-valid-cli", command, stdout)
        row = Row(f"stac-valid {version} fast -q (CLI)", name, "peer", read_stac_valid_cli(stdout))
        row.checks = checks
        row.note = "verdicts: as the API row (same engine)"
        if sample < count:
            row.note = _join(row.note, f"timed on the first {sample:,} Items")
        self.add(row, cli_runs, [run.wall for run in cli_runs])

    def run_rustac(self, name: str) -> None:
        """Run rustac validate on the valid Items of the core set, and on each broken Item alone."""
        venv = self.venvs.get("rustac")
        version = self.versions.get("rustac", "")
        label = f"rustac {version} validate (CLI)"
        if venv is None:
            self.rows.append(Row(label, name, "peer", note=self.venv_notes.get("rustac", "")))
            return
        if name not in RUSTAC_SETS:
            self.rows.append(
                Row(
                    label,
                    name,
                    "peer",
                    note="n/a: fetches extension schemas from the network; offline it answers "
                    "'one or more validation errors' for every Item",
                )
            )
            return
        binary = venv / "bin" / "rustac"
        source = self.source(name)
        ids = self.all_ids(name)
        broken = self.broken(name)
        indices = {entry["index"] for entry in broken.values()}
        valid_input = self.work / f"{name}.valid.ndjson"
        _select(source, valid_input, set(range(len(ids))) - indices)
        log(f"rustac on the {len(ids) - len(indices):,} valid Items of {name}")
        stdout = self.work / f"{name}-rustac.out"
        runs = self.timed(f"{name}-rustac", [binary, "validate", valid_input], stdout)
        valid_ids = [item for index, item in enumerate(ids) if index not in indices]
        verdicts = read_rustac(stdout, runs[-1], valid_ids)
        log(f"rustac on each of the {len(indices)} broken Items of {name}")
        single = self.work / "rustac-single.json"
        with source.open("rb") as lines:
            for index, line in enumerate(lines):
                if index in indices:
                    single.write_bytes(line)
                    stats = run_measured(
                        [binary, "validate", single], self.work / "rustac-single.out",
                        self.env, self.work,
                    )  # fmt: skip
                    verdicts.merge(
                        read_rustac(self.work / "rustac-single.out", stats, [ids[index]])
                    )
        row = Row(label, name, "peer", len(valid_ids), checks="STAC 1.1.0 core (compiled in)")
        row.note = (
            "timed on the valid Items only (one broken Item aborts a whole NDJSON file); "
            "judged on each broken Item alone"
        )
        self.add(row, runs, [run.wall for run in runs], verdicts)

    def run_all(self) -> None:
        """Every measurement, data set by data set."""
        for name in SET_ORDER:
            if name not in self.manifest["sets"] or name not in self.args.sets:
                continue
            self.run_ours(name)
            self.run_orjson(name)
            if not self.args.no_peers:
                if name in PYSTAC_SETS:
                    self.run_pystac(name)
                self.run_stac_valid(name)
                self.run_rustac(name)


def _stac_valid_name(uri: str) -> str:
    """The file name stac-valid's disk cache gives a URL (scheme dropped, slashes as ``_``)."""
    return uri.replace("https://", "").replace("http://", "").replace("/", "_")


def _join(first: str, second: str) -> str:
    return "; ".join(part for part in (first, second) if part)


# ------------------------------------------------------------------------------- report


def _rate(value: float | None) -> str:
    return f"{value:,.0f}" if value is not None else "n/a"


def _mib(value: float | None) -> str:
    return f"{value:,.0f}" if value is not None else "n/a"


def table(rows: Iterable[Row]) -> str:
    """The result table in Markdown."""
    lines = [
        "| tool | data set | items | items/s | items/CPU-s | spread | peak RSS MiB "
        "| wrong verdicts | defects reported | fully checked | notes |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for row in rows:
        items = f"{row.items:,}" if row.items else "-"
        cpu = _rate(row.cpu_rate) if row.cpu_rate else "-"
        spread = f"{row.spread:.0%}" if row.spread is not None and row.rate else "-"
        lines.append(
            f"| {row.tool} | {row.dataset} | {items} | {_rate(row.rate)} | {cpu} | {spread} "
            f"| {_mib(row.peak_mib)} | {row.wrong} | {row.defects} | {row.fully_checked} "
            f"| {row.note} |"
        )
    return "\n".join(lines)


def _kind(tool: str) -> str:
    """``cli`` for a command timed from outside, ``api`` for a call timed in its process."""
    return "cli" if "(CLI)" in tool else "api"


def _fastest(rows: Iterable[Row]) -> Row | None:
    return max((r for r in rows if r.rate), key=lambda r: r.rate or 0.0, default=None)


def ratios(rows: list[Row]) -> tuple[str, list[dict[str, Any]]]:
    """Ours against the fastest peer of the same kind, and against the parse floor.

    Commands (whole process, start-up included) are compared with commands, and in-process
    calls with in-process calls; ours is its faster row of each kind (-j 1 or -j 0).
    """
    lines = [
        "| data set | kind | ours, fastest row (items/s) | fastest peer (items/s) | ours / peer "
        "| ours time / orjson parse time | ours peak RSS MiB |",
        "|---|---|---|---|---:|---:|---:|",
    ]
    raw: list[dict[str, Any]] = []
    for name in SET_ORDER:
        mine = [row for row in rows if row.dataset == name and row.role == "ours"]
        if not mine:
            continue
        floor = next((r for r in rows if r.dataset == name and r.role == "floor"), None)
        peers = [r for r in rows if r.dataset == name and r.role == "peer"]
        entry: dict[str, Any] = {"dataset": name, "peak_mib": 0.0, "kinds": {}}
        for kind in ("cli", "api"):
            ours = _fastest(r for r in mine if _kind(r.tool) == kind)
            if ours is None or not ours.rate:
                continue
            peer = _fastest(r for r in peers if _kind(r.tool) == kind)
            result: dict[str, Any] = {"ours": {"tool": ours.tool, "rate": ours.rate}}
            peer_text = ratio_text = "-"
            if peer is not None and peer.rate:
                result["peer"] = {"tool": peer.tool, "rate": peer.rate}
                result["vs_peer"] = ours.rate / peer.rate
                peer_text = f"{peer.tool} ({peer.rate:,.0f})"
                ratio_text = f"{result['vs_peer']:.2f}x"
            parse_text = "-"
            if floor is not None and floor.rate:
                result["vs_parse_time"] = floor.rate / ours.rate
                parse_text = f"{result['vs_parse_time']:.1f}x"
            peak = max((r.peak_mib or 0.0) for r in mine if _kind(r.tool) == kind)
            entry["peak_mib"] = max(entry["peak_mib"], peak)
            entry["kinds"][kind] = result
            lines.append(
                f"| {name} | {kind} | {ours.tool} ({ours.rate:,.0f}) | {peer_text} | "
                f"{ratio_text} | {parse_text} | {peak:,.0f} |"
            )
        raw.append(entry)
    return "\n".join(lines), raw


def targets(entries: list[dict[str, Any]]) -> list[str]:
    """Sentences saying which targets are met and by how much the others are missed."""
    out = []
    for entry in entries:
        name = entry["dataset"]
        for kind, result in entry["kinds"].items():
            what = "command" if kind == "cli" else "in-process call"
            if "vs_peer" in result:
                ratio = result["vs_peer"]
                verdict = "met" if ratio >= TARGET_PEER_RATIO else "MISSED"
                out.append(
                    f"- {name}, {what}: {ratio:.2f}x the fastest peer "
                    f"(target >= {TARGET_PEER_RATIO:.0f}x): {verdict}"
                )
            if "vs_parse_time" in result:
                ratio = result["vs_parse_time"]
                verdict = "met" if ratio <= TARGET_PARSE_RATIO else "MISSED"
                out.append(
                    f"- {name}, {what}: {ratio:.1f}x the orjson parse time "
                    f"(target <= {TARGET_PARSE_RATIO:.0f}x): {verdict}"
                )
        verdict = "met" if entry["peak_mib"] < TARGET_RSS_MIB else "MISSED"
        out.append(
            f"- {name}: peak memory {entry['peak_mib']:.0f} MiB (target < "
            f"{TARGET_RSS_MIB:.0f} MB): {verdict}"
        )
    return out


def rustac_targets(rows: list[Row]) -> tuple[list[str], list[dict[str, Any]]]:
    """``rs-stac validate -j 0`` against rustac, in wall-clock time and in CPU time.

    Besides the ratio of the medians, the ratio of each tool's fastest and of each tool's
    slowest run shows how much the machine's noise moves it.
    """
    out: list[str] = []
    raw: list[dict[str, Any]] = []
    for name in RUSTAC_SETS:
        ours = next(
            (r for r in rows if r.dataset == name and r.tool.startswith("rs-stac validate -j 0")),
            None,
        )
        peer = next((r for r in rows if r.dataset == name and r.tool.startswith("rustac")), None)
        if ours is None or peer is None or not ours.rate or not peer.rate:
            continue
        entry: dict[str, Any] = {"dataset": name, "wall": ours.rate / peer.rate}
        ours_seconds = ours.raw["seconds"]
        peer_seconds = peer.raw["seconds"]
        per_item = (ours.items or 1) / (peer.items or 1)
        entry["wall_fastest_runs"] = min(peer_seconds) / min(ours_seconds) * per_item
        entry["wall_slowest_runs"] = max(peer_seconds) / max(ours_seconds) * per_item
        verdict = "met" if entry["wall"] >= TARGET_RUSTAC_WALL else "MISSED"
        out.append(
            f"- {name}: rs-stac -j 0 checks {entry['wall']:.2f}x as many Items per second as "
            f"rustac (target >= {TARGET_RUSTAC_WALL:.0f}x): {verdict}; "
            f"{entry['wall_fastest_runs']:.2f}x comparing the fastest runs, "
            f"{entry['wall_slowest_runs']:.2f}x the slowest"
        )
        if ours.cpu_rate and peer.cpu_rate:
            entry["cpu"] = ours.cpu_rate / peer.cpu_rate
            verdict = "met" if entry["cpu"] >= TARGET_RUSTAC_CPU else "MISSED"
            out.append(
                f"- {name}: rs-stac -j 0 checks {entry['cpu']:.2f}x as many Items per CPU-second "
                f"as rustac (target >= {TARGET_RUSTAC_CPU}x): {verdict} "
                f"({ours.cpu_rate:,.0f} against {peer.cpu_rate:,.0f})"
            )
        entry["peak_mib"] = ours.peak_mib
        verdict = "met" if (ours.peak_mib or 0.0) <= TARGET_RSS_MIB else "MISSED"
        out.append(
            f"- {name}: rs-stac -j 0 peak memory {ours.peak_mib or 0.0:.0f} MiB "
            f"(target <= {TARGET_RSS_MIB:.0f} MB; rustac {peer.peak_mib or 0.0:,.0f} MiB): "
            f"{verdict}"
        )
        raw.append(entry)
    return out, raw


def checks_section(rows: Iterable[Row]) -> str:
    """What each tool checked, once per tool and data set."""
    seen: dict[tuple[str, str], str] = {}
    for row in rows:
        if row.checks:
            seen.setdefault((row.tool, row.dataset), row.checks)
    return "\n".join(f"- {tool} on {name}: {text}" for (tool, name), text in seen.items())


def _mirror_sentence(bench: Bench) -> str:
    if not bench.schema_dir_sets:
        return ""
    sets = ", ".join(sorted(bench.schema_dir_sets))
    return (
        f"\n\nrs-stac was given `--schema-dir {bench.mirror}` on {sets}: it does not carry "
        "every schema those Items name yet (stac-valid's cache holds the same files)."
    )


def machine() -> str:
    """A line describing this machine."""
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} CPUs ({model}), {platform.system()} {platform.release()}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=None, help="data folder")
    parser.add_argument("--quick", action="store_true", help="200/200/1,000 Items, one run")
    parser.add_argument("--no-peers", action="store_true", help="measure rs-stac-ext only")
    parser.add_argument("--repeat", type=int, default=None, help="runs per measurement")
    parser.add_argument("--regenerate", action="store_true", help="rebuild the data")
    parser.add_argument("--results", type=Path, default=None, help="folder for results.*")
    parser.add_argument(
        "--schema-dir",
        type=Path,
        default=MIRROR if MIRROR.is_dir() else None,
        help="schema mirror for the sets naming schemas rs-stac does not carry "
        f"(default: {MIRROR} when present)",
    )
    parser.add_argument(
        "--sets",
        default=",".join(SET_ORDER),
        type=lambda text: [part for part in text.split(",") if part],
        help="data sets to measure, comma-separated (default: all)",
    )
    args = parser.parse_args(argv)
    default_data = HERE / "data" / ("quick" if args.quick else "full")
    args.data = (args.data or default_data).resolve()
    if args.repeat is None:
        args.repeat = 1 if args.quick else 3
    results_dir = args.results or (args.data if args.quick else HERE)
    started = time.perf_counter()
    manifest = ensure_data(args.data, QUICK_SIZES if args.quick else FULL_SIZES, args.regenerate)
    bench = Bench(args, manifest)
    bench.prepare()
    bench.run_all()
    elapsed = time.perf_counter() - started

    ratio_text, ratio_raw = ratios(bench.rows)
    rustac_text, rustac_raw = rustac_targets(bench.rows)
    command = "python benchmarks/run.py " + " ".join(argv if argv is not None else sys.argv[1:])
    versions = ", ".join(f"{k} {v}" for k, v in bench.versions.items())
    report = "\n\n".join(
        [
            "# Validator benchmark",
            f"Command: `{command.strip()}`; {machine()}; median of {args.repeat} run(s); "
            f"offline (proxy at a closed port); total {elapsed:.0f} s.\n\nVersions: {versions}."
            + _mirror_sentence(bench),
            table(bench.rows),
            "## Ours against the fastest peer and the parse floor",
            ratio_text,
            "\n".join(targets(ratio_raw)),
            "## rs-stac -j 0 against rustac (issue 15)",
            "\n".join(rustac_text) or "- not measured (no rustac row or no -j 0 row)",
            "## What each tool checked",
            checks_section(bench.rows),
        ]
    )
    print(report)
    results_dir.mkdir(parents=True, exist_ok=True)
    (results_dir / "results.md").write_text(report + "\n", encoding="utf-8")
    raw = {
        "command": command.strip(),
        "machine": machine(),
        "repeat": args.repeat,
        "elapsed_seconds": elapsed,
        "versions": bench.versions,
        "sets": {
            name: {k: v for k, v in entry.items() if k != "broken"}
            | {"broken": len(entry["broken"])}
            for name, entry in manifest["sets"].items()
        },
        "rows": [
            {
                "tool": row.tool,
                "dataset": row.dataset,
                "role": row.role,
                "items": row.items,
                "items_per_second": row.rate,
                "items_per_cpu_second": row.cpu_rate,
                "spread": row.spread,
                "peak_rss_mib": row.peak_mib,
                "wrong_verdicts": row.wrong,
                "defects_reported": row.defects,
                "fully_checked": row.fully_checked,
                "note": row.note,
                "checks": row.checks,
                "raw": row.raw,
            }
            for row in bench.rows
        ],
        "ratios": ratio_raw,
        "rustac_targets": rustac_raw,
        "schema_dir": str(bench.mirror) if bench.mirror else None,
        "schema_dir_sets": sorted(bench.schema_dir_sets),
    }
    (results_dir / "results.json").write_text(json.dumps(raw, indent=1) + "\n", encoding="utf-8")
    log(f"done in {elapsed:.0f} s; results in {results_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
