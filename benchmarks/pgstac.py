"""Benchmark validating a pgstac database: reading alone, one process, local Dask clusters.

The script makes a database of its own on a PostgreSQL server that has PostGIS (``--dsn``, a
role that may create databases; credentials from the environment), installs pgstac
(``pypgstac migrate``), loads the ``auxip`` and ``core-dates`` Items of ``generate.py``
without validating them (about 1 % are broken on purpose), then measures on the same Items:

* reading alone: the server-side cursor and pgstac's ``content_hydrate`` (Items/s);
* one process: ``rs-stac validate postgresql://...`` as the command runs it (JSON lines);
* ``LocalCluster`` s of 1 and 2 worker processes (``--cluster local:N``).

Every run must give the one-process JSON lines byte for byte; one that does not is reported
as wrong and the script exits 1. The database is dropped at the end.

Usage::

    python benchmarks/pgstac.py --dsn postgresql://postgres@127.0.0.1:5432/postgres
        [--auxip 2000] [--core-dates 3000] [--partition-items 2000] [--results DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
WORKER_COUNTS = (1, 2)


def log(message: str) -> None:
    print(f"[pgstac-bench] {message}", file=sys.stderr, flush=True)


def _collection(collection_id: str) -> dict[str, Any]:
    return {
        "type": "Collection",
        "stac_version": "1.1.0",
        "id": collection_id,
        "description": "benchmark Items",
        "license": "other",
        "extent": {
            "spatial": {"bbox": [[-180, -90, 180, 90]]},
            "temporal": {"interval": [["2000-01-01T00:00:00Z", None]]},
        },
        "links": [],
    }


def _storable(item: dict[str, Any]) -> bool:
    """Tell whether pgstac can store an Item (a few are broken in their times on purpose).

    It needs times that parse: a ``datetime``, or a ``start_datetime`` not after its
    ``end_datetime``.
    """
    from datetime import datetime

    properties = item.get("properties") or {}
    times: dict[str, datetime] = {}
    for key in ("datetime", "start_datetime", "end_datetime"):
        value = properties.get(key)
        if value is None:
            continue
        try:
            times[key] = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            return False
    if "start_datetime" in times and "end_datetime" in times:
        try:
            return times["start_datetime"] <= times["end_datetime"]
        except TypeError:  # one of them without an offset
            return False
    return "datetime" in times


def make_database(admin: str, counts: dict[str, int], folder: Path) -> str:
    """Create and fill a pgstac database; return its URL."""
    import psycopg

    sys.path.insert(0, str(HERE))
    from generate import generate

    from rs_stac_ext.server.pgstac_load import load_documents

    name = f"rs_stac_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = admin.rsplit("/", 1)[0] + f"/{name}"
    pypgstac = Path(sys.executable).with_name("pypgstac")
    subprocess.run([str(pypgstac), "migrate", "--dsn", url], check=True, capture_output=True)
    manifest = generate(folder, counts)
    inputs: list[str] = []
    collections: set[str] = set()
    for entry in manifest["sets"].values():
        path = folder / f"storable-{entry['ndjson']}"
        inputs.append(str(path))
        with (folder / entry["ndjson"]).open(encoding="utf-8") as lines:
            kept = [item for item in map(json.loads, lines) if _storable(item)]
        path.write_text("".join(json.dumps(item) + "\n" for item in kept), encoding="utf-8")
        collections.update(item["collection"] for item in kept)
    for collection_id in sorted(collections):
        path = folder / f"collection-{collection_id}.json"
        path.write_text(json.dumps(_collection(collection_id)), encoding="utf-8")
        inputs.insert(0, str(path))
    started = time.perf_counter()
    report = load_documents(url, inputs, validate=False)
    log(f"loaded {report.items:,} Items in {time.perf_counter() - started:.1f} s")
    for refusal in report.refused:  # broken beyond what pgstac stores: not in the benchmark
        log(str(refusal))
    return url


def drop_database(admin: str, url: str) -> None:
    import psycopg

    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


def measure_reading(url: str) -> dict[str, Any]:
    from rs_stac_ext.validator.pgstac_source import read_database
    from rs_stac_ext.validator.readers import ReaderSettings

    started = time.perf_counter()
    count = sum(1 for _ in read_database(url, ReaderSettings(defer_parsing=True)))
    seconds = time.perf_counter() - started
    return {"run": "read only (cursor + content_hydrate)", "items": count, "seconds": seconds}


def measure_stored(url: str) -> dict[str, Any]:
    """Read the stored (dehydrated) content through the same kind of cursor, for comparison."""
    import psycopg

    started = time.perf_counter()
    count = 0
    with psycopg.connect(url) as conn, conn.cursor(name="bench") as cursor:
        cursor.itersize = 500
        cursor.execute(
            'SELECT content::text FROM pgstac.items ORDER BY collection COLLATE "C", datetime, id'
        )
        for _ in cursor:
            count += 1
    seconds = time.perf_counter() - started
    return {"run": "read only, stored content (no hydration)", "items": count, "seconds": seconds}


def measure_command(url: str, cluster: str | None, partition_items: int) -> dict[str, Any]:
    command = [str(Path(sys.executable).with_name("rs-stac")), "validate", "--no-cache"]
    command += [url, "--format", "json"]
    if cluster is not None:
        command += ["--cluster", cluster, "--partition-items", str(partition_items)]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} exited {done.returncode}: {done.stderr[-800:]!r}")
    return {
        "run": f"cluster {cluster}" if cluster else "one process",
        "items": done.stdout.count(b"\n"),
        "seconds": seconds,
        "invalid": done.stdout.count(b'"verdict":"invalid"'),
        "output": done.stdout,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dsn", default=os.environ.get("RS_STAC_BENCH_DSN"), required=False)
    parser.add_argument("--auxip", type=int, default=2000)
    parser.add_argument("--core-dates", type=int, default=3000)
    parser.add_argument("--partition-items", type=int, default=2000)
    parser.add_argument("--results", type=Path, default=HERE)
    args = parser.parse_args(argv)
    if not args.dsn:
        parser.error("--dsn (or RS_STAC_BENCH_DSN) is required")
    counts = {"auxip": args.auxip, "core-dates": args.core_dates}
    with tempfile.TemporaryDirectory(prefix="rs-stac-pgstac-bench-") as folder:
        url = make_database(args.dsn, counts, Path(folder))
        try:
            rows = [
                measure_stored(url),
                measure_reading(url),
                measure_command(url, None, args.partition_items),
            ]
            reference = rows[2]["output"]
            for workers in WORKER_COUNTS:
                row = measure_command(url, f"local:{workers}", args.partition_items)
                row["same_as_one_process"] = row["output"] == reference
                rows.append(row)
        finally:
            drop_database(args.dsn, url)
    wrong = [row["run"] for row in rows if row.get("same_as_one_process") is False]
    lines = [
        "| run | Items | seconds | Items/s | invalid |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        row.pop("output", None)
        row["items_per_second"] = row["items"] / row["seconds"]
        lines.append(
            f"| {row['run']} | {row['items']:,} | {row['seconds']:.2f} | "
            f"{row['items_per_second']:,.0f} | {row.get('invalid', '')} |"
        )
    machine = f"{platform.machine()}, {os.cpu_count()} CPU(s), Python {platform.python_version()}"
    text = "\n".join(
        [
            f"{machine}; wall seconds of the whole command (start-up, connection, and for the",
            "clusters their start), Items read from a pgstac database on the same machine.",
            "",
            *lines,
            "",
        ]
    )
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "pgstac-results.json").write_text(
        json.dumps({"machine": machine, "counts": counts, "rows": rows}, indent=1) + "\n",
        encoding="utf-8",
    )
    (args.results / "pgstac-results.md").write_text(text, encoding="utf-8")
    print(text)
    if wrong:
        log(f"WRONG: {', '.join(wrong)} did not give the one-process reports")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
