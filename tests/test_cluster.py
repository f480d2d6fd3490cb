"""Validation on a real Dask cluster gives the local run's reports, in order, whatever fails.

Every test here starts or uses real servers on loopback: one ``LocalCluster`` (two worker
processes) for the session, a scheduler and two workers started as separate ``dask``
processes, an HTTP server answering byte ranges, and an S3 server (moto).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cluster_support import mixed_stream, range_server
from rs_stac_ext.cli import main
from rs_stac_ext.schemas.resolver import ResolverSettings
from rs_stac_ext.validator.partitions import RemotePart, count_line_feeds, read_part
from rs_stac_ext.validator.readers import ReaderSettings, read_inputs
from rs_stac_ext.validator.validation import ValidationOptions, validate

pytestmark = pytest.mark.dask

distributed = pytest.importorskip("distributed")


def options(cache: Path, **reader: Any) -> ValidationOptions:
    return ValidationOptions(
        resolver=ResolverSettings(cache_dir=cache, use_cache=False),
        reader=ReaderSettings(**reader),
    )


def dicts(reports: Any) -> list[dict[str, Any]]:
    return [report.to_dict() for report in reports]


@pytest.fixture
def client(dask_client: Any) -> Any:
    """The session's local cluster of two worker processes (see conftest)."""
    return dask_client


@pytest.fixture(scope="session")
def stream(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return mixed_stream(tmp_path_factory.mktemp("cluster") / "items.ndjson", 120)


def local_json(arguments: list[str], cwd: Path | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["validate", "--no-cache", *arguments])
    return result.exit_code, result.stdout


# ------------------------------------------------------------------ remote ranges, no cluster


def test_remote_partitions_read_every_line_once_with_its_number(tmp_path: Path) -> None:
    mixed_stream(tmp_path / "items.ndjson", 25)
    (tmp_path / "long.ndjson").write_bytes(b"\n\n" + b'{"a": "' + b"x" * 5000 + b'"}\n{}')
    with range_server(tmp_path) as base:
        reader = ReaderSettings(allow_hosts=(base,), max_bytes=3000)
        for name in ("items.ndjson", "long.ndjson"):
            local, url = tmp_path / name, f"{base}/{name}"
            size = local.stat().st_size
            expected = [
                (
                    r.line,
                    r.pointer,
                    r.document,
                    r.error and r.error.message.replace(str(local), url),
                )
                for r in read_inputs([str(local)], reader)
            ]
            for step in (1000, 2999, size) if size > 9000 else (5, 97, 2999, size):
                got: list[Any] = []
                before = 0
                for start in range(0, size, step):
                    part = RemotePart(url, start, min(start + step, size), size)
                    got.extend(read_part(part, reader, before))
                    before += count_line_feeds(part, reader)
                assert {r.source for r in got} == {url}
                seen = [(r.line, r.pointer, r.document, r.error and r.error.message) for r in got]
                assert seen == expected, (name, step)


# ------------------------------------------------------------------- the command on a cluster


def test_the_command_on_a_cluster_prints_the_local_run(client: Any, stream: Path) -> None:
    address = client.scheduler.address
    for output in ("json", "text"):
        local = local_json(["--format", output, str(stream)])
        remote = local_json(
            ["--format", output, "--cluster", address, "--partition-size", "3000", str(stream)]
        )
        assert remote == local
        assert local[0] in {1, 2}  # invalid Items, and malformed lines (read errors)
    lines = [
        json.loads(line)
        for line in local_json(["--format", "json", str(stream)])[1].split("\n")
        if line
    ]
    assert sum(not line["valid"] for line in lines) > 10
    assert sum(line["verdict"] != "invalid" for line in lines) > 50


def test_python_api_on_a_cluster(client: Any, stream: Path, tmp_path: Path) -> None:
    import rs_stac_ext

    settings = options(tmp_path)
    local = dicts(validate([stream], settings))
    assert dicts(rs_stac_ext.validate([stream], settings, cluster=client)) == local
    documents = [
        json.loads(line) for line in stream.read_text().splitlines()[:20] if line.startswith('{"')
    ]
    assert dicts(rs_stac_ext.validate(documents, settings, cluster=client)) == dicts(
        validate(documents, settings)
    )


def test_a_killed_worker_costs_a_retry_not_a_report(
    client: Any, stream: Path, tmp_path: Path
) -> None:
    from rs_stac_ext.validator.cluster import validate_on_cluster

    settings = options(tmp_path)
    local = dicts(validate([stream], settings))
    pids: dict[str, int] = client.run(os.getpid)
    killed: list[tuple[str, list[str]]] = []

    def kill_a_busy_worker(event: Any) -> None:
        if killed:
            return
        for address, keys in client.processing().items():
            ours = [key for key in keys if str(key).startswith("rs-stac-check-")]
            if ours:
                killed.append((address, ours))
                os.kill(pids[address], signal.SIGKILL)
                return

    results = list(
        validate_on_cluster(
            [stream],
            list,
            settings,
            cluster=client,
            partition_bytes=2000,
            on_partition=kill_a_busy_worker,
        )
    )
    assert killed, "no worker was busy with a partition when the first result came"
    assert [report for part in results for report in dicts(part)] == local
    client.wait_for_workers(2, timeout=60)


def test_a_partition_that_fails_for_good_is_reported_with_its_byte_range(
    client: Any, tmp_path: Path
) -> None:
    path = mixed_stream(tmp_path / "items.ndjson", 40)
    size = path.stat().st_size
    # Only the check of bytes 4000-6000 fails (it looks for its first line from byte 3999);
    # counting their line feeds works, so the partitions after it keep their line numbers.
    with range_server(tmp_path, failing={3999}) as base:
        url = f"{base}/items.ndjson"
        code, output = local_json(
            [
                "--format",
                "json",
                "--allow-host",
                base,
                "--cluster",
                client.scheduler.address,
                "--partition-size",
                "2000",
                url,
            ]
        )
    assert code == 2
    lines = [json.loads(line) for line in output.splitlines()]
    failed = [
        line
        for line in lines
        if line["errors"] and "could not be checked" in line["errors"][0]["message"]
    ]
    assert len(failed) == 1
    assert failed[0]["errors"][0]["message"].startswith(
        f"{url} bytes 4000-6000 could not be checked"
    )
    assert size > 6000
    data = path.read_bytes()
    starts = [0] + [at + 1 for at, byte in enumerate(data) if byte == ord("\n")]
    lost = {number for number, at in enumerate(starts, start=1) if 4000 <= at < 6000}
    local = [
        json.loads(line) for line in local_json(["--format", "json", str(path)])[1].splitlines()
    ]
    expected = [(r["line"], r["pointer"], r["valid"]) for r in local if r["line"] not in lost]
    kept = [(r["line"], r["pointer"], r["valid"]) for r in lines if r not in failed]
    assert lost
    assert kept == expected


def test_remote_ndjson_over_http_ranges_gives_the_local_reports(
    client: Any, stream: Path, tmp_path: Path
) -> None:
    from rs_stac_ext.validator.cluster import validate_on_cluster

    settings = options(tmp_path)
    local = dicts(validate([stream], settings))
    with range_server(stream.parent) as base:
        url = f"{base}/{stream.name}"
        allowed = ValidationOptions(
            resolver=settings.resolver, reader=ReaderSettings(allow_hosts=(base,))
        )
        reports = [
            r
            for part in validate_on_cluster(
                [url], list, allowed, cluster=client, partition_bytes=5000
            )
            for r in dicts(part)
        ]
        refused = [
            r
            for part in validate_on_cluster([url], list, settings, cluster=client)
            for r in dicts(part)
        ]
    for report in local:
        report["source"] = url
    for report in local:
        for error in report["errors"]:
            error["message"] = error["message"].replace(str(stream), url)
    assert reports == local
    assert len(refused) == 1
    assert "is not allowed" in refused[0]["errors"][0]["message"]


@pytest.fixture
def s3_items(client: Any, stream: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A moto S3 server on loopback holding the stream; the workers get its endpoint."""
    boto3 = pytest.importorskip("boto3")
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    environment = {
        "AWS_ACCESS_KEY_ID": "rs-stac-test",
        "AWS_SECRET_ACCESS_KEY": "rs-stac-test",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": f"http://{host}:{port}",
    }
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    # Lambdas travel by value (this module is not importable on the workers).
    client.run(lambda: os.environ.update(environment))
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket="rs-stac-items")
    s3.upload_file(str(stream), "rs-stac-items", "exports/items.ndjson")
    try:
        yield "s3://rs-stac-items/exports/items.ndjson"
    finally:
        client.run(lambda: [os.environ.pop(name, None) for name in environment])
        server.stop()


def test_ndjson_in_s3_gives_the_local_reports(
    client: Any, stream: Path, s3_items: str, tmp_path: Path
) -> None:
    from rs_stac_ext.validator.cluster import validate_on_cluster

    settings = options(tmp_path)
    local = dicts(validate([stream], settings))
    reports = [
        report
        for part in validate_on_cluster(
            [s3_items], list, settings, cluster=client, partition_bytes=20000
        )
        for report in dicts(part)
    ]
    for report in local:
        report["source"] = s3_items
        for error in report["errors"]:
            error["message"] = error["message"].replace(str(stream), s3_items)
    assert reports == local
    from rs_stac_ext.validator.cluster import validate_to_directory

    run = "s3://rs-stac-items/runs/42"
    summary = validate_to_directory(
        [s3_items], run, settings, cluster=client, partition_bytes=40000
    )
    import fsspec

    fs = fsspec.filesystem("s3")
    names = sorted(fs.ls(run.removeprefix("s3://")))
    written = b"".join(fs.cat(name) for name in names if name.endswith(".jsonl"))
    assert [json.loads(line) for line in written.splitlines()] == local
    assert summary.tally.documents == len(local)
    assert json.loads(fs.cat(f"{run}/summary.json"))["documents"] == len(local)
    missing = s3_items.replace("items.ndjson", "missing.ndjson")
    (refused,) = list(validate_on_cluster([missing], list, settings, cluster=client))
    assert refused[0].errors[0].message == f"{missing}: no such object"


def test_report_dir_holds_the_json_lines_and_a_summary(
    client: Any, stream: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "reports"
    local = local_json(["--format", "json", str(stream)])
    code, output = local_json(
        [
            "--format",
            "json",
            "--cluster",
            client.scheduler.address,
            "--partition-size",
            "4000",
            "--report-dir",
            str(folder),
            str(stream),
        ]
    )
    assert (code, output) == (local[0], "")
    files = sorted(folder.glob("part-*.jsonl"))
    assert len(files) > 5
    assert b"".join(path.read_bytes() for path in files).decode() == local[1]
    summary = json.loads((folder / "summary.json").read_text())
    assert summary["documents"] == len(local[1].splitlines())
    assert [entry["file"] for entry in summary["partitions"]] == [path.name for path in files]


def test_dask_bag_entry_points(client: Any, stream: Path, tmp_path: Path) -> None:
    import dask.bag

    from rs_stac_ext.validator.dask_bag import read_reports, report_record, validate_bag

    settings = options(tmp_path)
    local = dicts(validate([stream], settings))
    bag = read_reports([stream], settings, workers=2, partition_bytes=5000)
    assert bag.npartitions > 3
    assert dicts(client.compute(bag).result()) == local
    lines = dask.bag.read_text(str(stream), blocksize=4000)  # type: ignore[no-untyped-call]
    reports = validate_bag(lines, settings)
    checked = client.compute(reports.map(report_record)).result()  # type: ignore[no-untyped-call]
    assert [row["valid"] for row in checked] == [report["valid"] for report in local]


# --------------------------------------------------------------------------- faults, installs


def test_an_unreachable_scheduler_is_a_clear_error(stream: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = CliRunner().invoke(
        main,
        ["validate", "--cluster", f"tcp://127.0.0.1:{port}", "--cluster-timeout", "1", str(stream)],
    )
    assert result.exit_code == 2
    assert f"cannot reach the Dask scheduler at tcp://127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_without_dask_the_command_says_how_to_install_it(
    stream: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)
    result = CliRunner().invoke(main, ["validate", "--cluster", "local:1", str(stream)])
    assert result.exit_code == 2
    assert "pip install 'rs-stac-ext[dask]'" in result.stderr


# ----------------------------------------------- a scheduler and workers as separate processes


def _dask_command(*arguments: str) -> list[str]:
    return [sys.executable, "-m", "distributed.cli.dask_" + arguments[0], *arguments[1:]]


@pytest.fixture(scope="module")
def scheduler(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``dask scheduler`` and two ``dask worker`` processes on loopback, started elsewhere."""
    folder = tmp_path_factory.mktemp("dask-processes")
    scheduler_file = folder / "scheduler.json"
    processes = [
        subprocess.Popen(
            _dask_command(
                "scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--no-dashboard",
                "--scheduler-file",
                str(scheduler_file),
            ),
            cwd=folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    ]
    try:
        deadline = time.monotonic() + 60
        while not scheduler_file.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        address = json.loads(scheduler_file.read_text())["address"]
        for _ in range(2):
            processes.append(
                subprocess.Popen(
                    _dask_command(
                        "worker",
                        address,
                        "--nthreads",
                        "1",
                        "--no-dashboard",
                        "--host",
                        "127.0.0.1",
                    ),
                    cwd=folder,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        with distributed.Client(address, set_as_default=False, timeout=30) as probe:
            probe.wait_for_workers(2, timeout=60)
        yield address
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            process.wait(timeout=30)


UNPUBLISHED = "https://stac-extensions.github.io/raster/v9.1.0/schema.json"


def test_separate_scheduler_and_workers_give_the_local_reports(
    scheduler: str, stream: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "work"
    (copy / "mirror").mkdir(parents=True)
    (copy / "cache").mkdir()
    shutil.copy(stream, copy / "items.ndjson")
    # One Item needs a schema no one published, so its reasons name the folders looked in.
    needing = {
        "type": "Feature",
        "stac_version": "1.1.0",
        "stac_extensions": [UNPUBLISHED],
        "id": "needs-an-unpublished-schema",
        "geometry": None,
        "properties": {"datetime": "2024-01-01T00:00:00Z"},
        "links": [],
        "assets": {},
    }
    with (copy / "items.ndjson").open("a", encoding="utf-8") as items:
        items.write("\n" + json.dumps(needing) + "\n")  # the stream's last line has no newline
    # The mirror and cache are shipped to the workers; reports still name the client's folders.
    command = [sys.executable, "-m", "rs_stac_ext", "validate", "--format", "json"]
    command += ["--schema-dir", "mirror", "--cache-dir", "cache"]
    local = subprocess.run([*command, "items.ndjson"], cwd=copy, capture_output=True, check=False)
    remote = subprocess.run(
        [*command, "--cluster", scheduler, "--partition-size", "6000", "items.ndjson"],
        cwd=copy,
        capture_output=True,
        check=False,
    )
    assert remote.returncode == local.returncode != 0, remote.stderr
    assert remote.stdout == local.stdout
    assert len(local.stdout.splitlines()) > 100
    assert b"not in mirror mirror" in local.stdout


def test_progress_says_partitions_rate_and_time_left() -> None:
    import io

    from rs_stac_ext.validator.cluster import ClusterProgress, PartitionDone
    from rs_stac_ext.validator.partitions import FilePart

    stream = io.StringIO()
    meter = ClusterProgress(stream, enabled=True)
    part = FilePart("items.ndjson", "/data/items.ndjson", 0, 1000, 1)
    meter(PartitionDone(0, part, 500, None, 1, 4, 1000, 4000))
    assert meter.line(PartitionDone(0, part, 0, None, 1, 4, 1000, 4000), 10.0) == (
        "partitions 1/4 done, 500 document(s), 50/s, about 30 s left"
    )
    assert "partitions 1/4 done, 500 document(s)" in stream.getvalue()
    meter.close()
    assert stream.getvalue().endswith("\r\x1b[2K")
