"""Benchmark the download server under a flood of made-up API keys (issue 20, item 9).

The server runs as its own process (``python -m rs_stac_ext.server.cli``) with two API-key users.
``--processes`` times ``--threads`` clients send made-up keys (half shaped like generated keys, with
a key id no user has, half plain random text) for ``--seconds``, while an honest client on
another loopback address (127.0.0.2) downloads with its cached key every 50 ms and, half-way,
sends a second user's key for the first time. The report gives the flood's rate and statuses,
the honest client's latency, and the server's peak memory.

``--legacy`` stores the users' hashes without key ids (as version 0.1.0 wrote them), so each
made-up key is checked with scrypt until the per-client limit answers 429.

Usage::

    python benchmarks/key_flood.py [--legacy] [--seconds 10] [--processes 4] [--threads 10]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from rs_stac_ext.download import download_path
from rs_stac_ext.server.keys import generate_key, hash_key

PATH = download_path("c", "i", "a")


def _write_catalog(tmp: Path) -> Path:
    root = tmp / "catalog"
    item = root / "c" / "i"
    item.mkdir(parents=True)
    (item / "a.bin").write_bytes(b"x" * 1000)
    documents = {
        root / "catalog.json": {
            "type": "Catalog",
            "stac_version": "1.1.0",
            "id": "cat",
            "description": "key flood",
            "links": [{"rel": "child", "href": "./c/collection.json"}],
        },
        root / "c" / "collection.json": {
            "type": "Collection",
            "stac_version": "1.1.0",
            "id": "c",
            "owner": "alice",
            "description": "d",
            "license": "other",
            "extent": {},
            "links": [{"rel": "item", "href": "./i/i.json"}],
        },
        item / "i.json": {
            "type": "Feature",
            "stac_version": "1.1.0",
            "id": "i",
            "geometry": None,
            "properties": {"datetime": "2020-01-01T00:00:00Z", "owner": "alice"},
            "links": [],
            "assets": {"a": {"href": "a.bin"}},
        },
    }
    for path, document in documents.items():
        path.write_text(json.dumps(document), encoding="utf-8")
    return root


def _flooder(
    base: str, threads: int, seconds: float, results: multiprocessing.Queue[dict[int, int]]
) -> None:
    stop = time.monotonic() + seconds
    counts: dict[int, int] = {}
    lock = threading.Lock()

    def run() -> None:
        with httpx.Client(base_url=base, timeout=120) as client:
            while time.monotonic() < stop:
                key = generate_key() if secrets.randbits(1) else secrets.token_urlsafe(32)
                status = client.get(PATH, headers={"x-api-key": key}).status_code
                with lock:
                    counts[status] = counts.get(status, 0) + 1

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    results.put(counts)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _peak_rss_mb(pid: int) -> int:
    status = Path(f"/proc/{pid}/status")
    if not status.is_file():
        return -1
    return int(status.read_text().split("VmHWM:")[1].split()[0]) // 1024


def main() -> None:
    """Run the benchmark and print one line of results."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--legacy", action="store_true", help="hashes without key ids")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--threads", type=int, default=10)
    args = parser.parse_args()
    alice = "alice's hand-made key" if args.legacy else generate_key()
    bob = "bob's hand-made key" if args.legacy else generate_key()
    tmp = Path(tempfile.mkdtemp())
    root = _write_catalog(tmp)
    config = tmp / "server.yaml"
    users = {name: {"api_keys": [hash_key(key)]} for name, key in (("alice", alice), ("bob", bob))}
    config.write_text(json.dumps({"users": users}), encoding="utf-8")
    port = _free_port()
    command = [sys.executable, "-m", "rs_stac_ext.server.cli", str(root), "--port", str(port)]
    server = subprocess.Popen(
        [*command, "--config", str(config), "--log-level", "error"], stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                httpx.get(base + "/")
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        transport = httpx.HTTPTransport(local_address="127.0.0.2")
        with httpx.Client(base_url=base, timeout=120, transport=transport) as honest:
            assert honest.get(PATH, headers={"x-api-key": alice}).status_code == 200
            results: multiprocessing.Queue[dict[int, int]] = multiprocessing.Queue()
            floods = [
                multiprocessing.Process(
                    target=_flooder, args=(base, args.threads, args.seconds + 1, results)
                )
                for _ in range(args.processes)
            ]
            for flood in floods:
                flood.start()
            time.sleep(1)
            latencies: list[float] = []
            started = time.monotonic()
            first_use: tuple[int, float] | None = None
            while time.monotonic() - started < args.seconds - 1:
                before = time.monotonic()
                honest.get(PATH, headers={"x-api-key": alice}).raise_for_status()
                latencies.append(time.monotonic() - before)
                if first_use is None and time.monotonic() - started > args.seconds / 2 - 1:
                    before = time.monotonic()
                    status = honest.get(PATH, headers={"x-api-key": bob}).status_code
                    first_use = (status, time.monotonic() - before)
                time.sleep(0.05)
            counts: dict[int, int] = {}
            for _ in floods:
                for status, count in results.get().items():
                    counts[status] = counts.get(status, 0) + count
            for flood in floods:
                flood.join()
        rss = _peak_rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    total = sum(counts.values())
    kind = "hashes without key ids" if args.legacy else "key ids"
    first = f"{first_use[0]} in {first_use[1] * 1000:.0f} ms" if first_use else "not sent"
    print(
        f"{kind}: flood {dict(sorted(counts.items()))} = {total / (args.seconds + 1):.0f} req/s; "
        f"honest cached key: median {statistics.median(latencies) * 1000:.0f} ms, "
        f"max {max(latencies) * 1000:.0f} ms ({len(latencies)} requests); "
        f"another user's first request: {first}; server peak RSS {rss} MB"
    )


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
