"""Validate on a Dask cluster: the same validator and the same reports, in input order.

:func:`validate_on_cluster` is what ``rs-stac validate --cluster ADDRESS`` and
``rs_stac_ext.validate(..., cluster=...)`` run. Inputs are cut into partitions
(:mod:`rs_stac_ext.validator.partitions`); each worker builds one
:class:`~rs_stac_ext.validator.validation.Validator` (schemas compiled once per worker, the
client's mirror and cache folders shipped to it), checks whole partitions and sends back only
what the caller's transform makes of the reports (the command's rendered text or JSON lines and
a :class:`~rs_stac_ext.validator.report.Tally`). Results are taken in input order from a
bounded window of tasks, so memory on the client stays bounded however large the run.

Faults: a task whose worker dies is run again by Dask (tasks are pure, so a report is never
lost or doubled); a task that raises (a network error) is tried again ``retries`` times; a
partition that fails for good becomes a report naming its byte range, and the run goes on.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import pickle
import sys
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeVar

from rs_stac_ext.errors import RsStacExtError
from rs_stac_ext.validator.problems import Problem
from rs_stac_ext.validator.validation import DocumentReport, ValidationOptions, default_jobs

if TYPE_CHECKING:
    from distributed import Client, Future

    from rs_stac_ext.validator.partitions import Part
    from rs_stac_ext.validator.report import Rendered, Tally

__all__ = [
    "ClusterError",
    "ClusterProgress",
    "PartitionDone",
    "connect",
    "require_dask",
    "validate_on_cluster",
    "validate_to_directory",
]

T = TypeVar("T")

CONNECT_TIMEOUT = 10.0
SHIP_LIMIT = 256 * 2**20
INSTALL_HINT = "pip install 'rs-stac-ext[dask]'"


class ClusterError(RsStacExtError):
    """The cluster cannot be used: Dask is not installed, or the scheduler cannot be reached."""


def require_dask() -> None:
    """Make sure dask.distributed can be imported.

    Raises:
        ClusterError: It cannot, with the command that installs it.
    """
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise ClusterError(
            f"validating on a Dask cluster needs dask.distributed: {INSTALL_HINT}"
        ) from None


@dataclass(frozen=True)
class _Connection:
    client: Client
    local: bool


@contextmanager
def connect(cluster: str | Client, *, timeout: float = CONNECT_TIMEOUT) -> Iterator[_Connection]:
    """Connect to a cluster for the length of a ``with`` block.

    Args:
        cluster: A scheduler address (``tcp://host:port``), ``local`` (a local cluster of one
            worker process per CPU), ``local:N`` (``N`` worker processes), or a connected
            ``distributed.Client`` (left open afterwards).
        timeout: Seconds allowed to reach the scheduler.

    Raises:
        ClusterError: Dask is missing, the address is malformed, or the scheduler cannot be
            reached in time.
    """
    require_dask()
    from distributed import Client

    if isinstance(cluster, Client):
        yield _Connection(cluster, local=False)
        return
    text = cluster.strip()
    if text == "local" or text.startswith("local:"):
        with _local_cluster(text) as client:
            yield _Connection(client, local=True)
        return
    try:
        client = Client(text, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ClusterError(f"cannot reach the Dask scheduler at {text}: {_reason(exc)}") from None
    try:
        yield _Connection(client, local=False)
    finally:
        client.close()


@contextmanager
def _local_cluster(text: str) -> Iterator[Client]:
    import logging

    from distributed import Client, LocalCluster

    count = text.partition(":")[2]
    if count and not (count.isdigit() and int(count) > 0):
        raise ClusterError(f"invalid cluster {text!r}: expected local or local:N (N workers)")
    workers = int(count) if count else default_jobs()
    try:
        local = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            # A free port: the default 8787 may be taken by another cluster on this machine.
            dashboard_address="127.0.0.1:0",
            silence_logs=logging.CRITICAL,  # failures are reported, not logged
        )
    except Exception as exc:
        raise ClusterError(f"the local cluster did not start: {_reason(exc)}") from None
    with local, Client(local, set_as_default=False) as client:
        yield client


def _reason(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


# ----------------------------------------------------------------------------------- progress


@dataclass(frozen=True)
class PartitionDone:
    """One partition's result has arrived, in input order.

    Attributes:
        index: The partition's place in the run.
        part: The partition.
        documents: Reports it gave.
        failed: Why it failed for good (its reports then say so), or ``None``.
        done: Partitions done so far.
        expected: Partitions the run is expected to have, when known.
        bytes_done: Input bytes done so far (NDJSON inputs).
        bytes_total: Input bytes of the run, when known.
    """

    index: int
    part: Part
    documents: int
    failed: str | None
    done: int
    expected: int | None
    bytes_done: int
    bytes_total: int | None


class ClusterProgress:
    """A one-line progress report on stderr: partitions done, Items/s, the time left."""

    def __init__(self, stream: IO[str] | None = None, *, enabled: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.documents = 0
        self.started = time.perf_counter()
        self._drawn = 0.0
        self._last = ""

    def __call__(self, event: PartitionDone) -> None:
        """Count a partition and redraw at most five times a second."""
        self.documents += event.documents
        if not self.enabled:
            return
        now = time.perf_counter()
        finished = event.expected is not None and event.done >= event.expected
        if now - self._drawn < 0.2 and not finished:
            return
        self._drawn = now
        self._last = self.line(event, now - self.started)
        self.stream.write(f"\r\x1b[2K{self._last}")
        self.stream.flush()

    def line(self, event: PartitionDone, elapsed: float) -> str:
        """The progress line for an event, ``elapsed`` seconds into the run."""
        rate = self.documents / max(elapsed, 1e-9)
        expected = f"/{event.expected}" if event.expected is not None else ""
        text = f"partitions {event.done}{expected} done, {self.documents:,} document(s), "
        text += f"{rate:,.0f}/s"
        if event.bytes_total and event.bytes_done:
            left = elapsed * (event.bytes_total - event.bytes_done) / event.bytes_done
            text += f", about {_duration(left)} left"
        return text

    def close(self) -> None:
        """Clear the line."""
        if self.enabled and self._last:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()


def _duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


# ---------------------------------------------------------------------------------- the run


def _settings(options: ValidationOptions | None) -> ValidationOptions:
    settings = options or ValidationOptions()
    reader = settings.reader
    if settings.schema is not None and reader.split_collections:
        # Checking against one named schema means checking each document exactly as given.
        reader = dataclasses.replace(reader, split_collections=False)
    # NDJSON lines read by the client travel unparsed: bytes are cheaper to send than objects.
    return dataclasses.replace(settings, reader=dataclasses.replace(reader, defer_parsing=True))


def _token(options: ValidationOptions) -> str:
    return hashlib.sha256(pickle.dumps(options) + uuid.uuid4().bytes).hexdigest()[:16]


def validate_on_cluster(
    inputs: Iterable[Any],
    transform: Callable[[list[DocumentReport]], T],
    options: ValidationOptions | None = None,
    *,
    cluster: str | Client,
    connect_timeout: float = CONNECT_TIMEOUT,
    stdin: IO[bytes] | None = None,
    batch_size: int = 256,
    partition_bytes: int | None = None,
    partition_items: int | None = None,
    retries: int = 2,
    report_dir: str | None = None,
    on_partition: Callable[[PartitionDone], None] | None = None,
    on_failure: Callable[[Part, BaseException], Any] | None = None,
) -> Iterator[T]:
    """Validate on a Dask cluster, yielding the transformed reports of each partition in order.

    The reports are the ones :func:`rs_stac_ext.validator.validation.validate` gives for the
    same inputs, document for document and in the same order, except that a partition that
    fails for good gives one report naming its byte range (for documents read by the client,
    one report per document).

    Args:
        inputs: As for :func:`~rs_stac_ext.validator.validation.validate`, plus remote NDJSON
            (``https://host/items.ndjson`` on an allowed host, ``s3://bucket/items.ndjson``),
            read by the workers by byte ranges, and pgstac databases (``postgresql://...``),
            queried by the workers by ranges of Items. Local NDJSON files are read by the
            workers at the same absolute path (a shared file system).
        transform: Turns a partition's reports, in order, into what travels back (it runs on
            the workers; it must be picklable: a module-level function or the instance of a
            module-level class).
        options: How to validate.
        cluster: ``tcp://host:port``, ``local``, ``local:N`` or a ``distributed.Client``.
        connect_timeout: Seconds allowed to reach the scheduler.
        stdin: Stream to read for ``-``.
        batch_size: Documents per partition for inputs the client reads itself.
        partition_bytes: Partition size of an NDJSON file (default: eight partitions per
            worker thread, at most 4 MiB).
        partition_items: Items per partition of a pgstac database (default 2000).
        retries: Times a task that raised is tried again.
        report_dir: Each partition also writes its reports as JSON lines to its own file
            (``part-000000.jsonl``...) in this folder (a path the workers see, or an fsspec
            URL such as ``s3://bucket/run``).
        on_partition: Called with each partition's :class:`PartitionDone`, in order.
        on_failure: Called for each partition that failed for good (before its report).

    Yields:
        The transform's results, one per partition, in input order.

    Raises:
        ClusterError: Dask is missing, or the scheduler cannot be reached.
    """
    settings = _settings(options)
    with connect(cluster, timeout=connect_timeout) as connection:
        yield from _run(
            connection,
            inputs,
            transform,
            settings,
            stdin=stdin,
            batch_size=batch_size,
            partition_bytes=partition_bytes,
            partition_items=partition_items,
            retries=retries,
            report_dir=report_dir,
            on_partition=on_partition,
            on_failure=on_failure,
        )


def _run(
    connection: _Connection,
    inputs: Iterable[Any],
    transform: Callable[[list[DocumentReport]], T],
    settings: ValidationOptions,
    *,
    stdin: IO[bytes] | None,
    batch_size: int,
    partition_bytes: int | None,
    partition_items: int | None,
    retries: int,
    report_dir: str | None,
    on_partition: Callable[[PartitionDone], None] | None,
    on_failure: Callable[[Part, BaseException], Any] | None,
) -> Iterator[T]:
    from rs_stac_ext.validator import _cluster_tasks as tasks
    from rs_stac_ext.validator.partitions import RemotePart, part_bytes, plan

    client = connection.client
    token = _token(settings)
    setup = tasks.WorkerSetup(settings, token, report_dir=report_dir)
    plugin_name: str | None = None
    if not connection.local:
        # Workers elsewhere get the client's mirrors and cache, so they resolve what it would.
        try:
            archive = tasks.pack_folders(settings, SHIP_LIMIT)
        except ValueError as exc:
            raise ClusterError(str(exc)) from None
        plugin = tasks.plugin_class()(token, archive)
        plugin_name = plugin.name
        client.register_plugin(plugin)
        setup = dataclasses.replace(setup, shipped=True)
    threads = max(1, sum(client.nthreads().values()))
    window = 4 * threads
    listed = list(inputs) if isinstance(inputs, list | tuple) else None
    bytes_total, expected = (
        _extent(listed, threads, partition_bytes) if listed is not None else (None, None)
    )
    parts = plan(
        listed if listed is not None else inputs,
        settings.reader,
        workers=threads,
        stdin=stdin,
        batch_size=batch_size,
        part_bytes_limit=partition_bytes,
        **({} if partition_items is None else {"items_per_part": partition_items}),
    )
    pending: deque[tuple[int, Part, Future[Any]]] = deque()
    chain: dict[str, Any] = {}  # per remote object: the line feeds before its next partition
    done = 0
    bytes_done = 0

    def finish(index: int, part: Part, future: Future[Any]) -> T:
        nonlocal done, bytes_done
        failure: str | None = None
        try:
            value: T = future.result()
            documents = _documents(value)
        except Exception as exc:  # the task failed for good: report it, go on with the rest
            failure = _reason(exc)
            if on_failure is not None:
                on_failure(part, exc)
            reports = _failed_reports(part, failure)
            if report_dir is not None:
                tasks.write_part_file(report_dir, index, reports)
            value = transform(reports)
            documents = len(reports)
        done += 1
        bytes_done += part_bytes(part)
        if on_partition is not None:
            on_partition(
                PartitionDone(
                    index, part, documents, failure, done, expected, bytes_done, bytes_total
                )
            )
        return value

    try:
        for index, part in enumerate(parts):
            before: Any = None
            if isinstance(part, RemotePart):
                before = 0 if part.start == 0 else chain.pop(part.source)
                if part.end < part.size:
                    counted = client.submit(
                        tasks.count_part,
                        part,
                        setup,
                        key=f"rs-stac-count-{token}-{index}",
                        retries=retries,
                    )
                    chain[part.source] = client.submit(
                        tasks.add, before, counted, key=f"rs-stac-lines-{token}-{index}"
                    )
            future = client.submit(
                tasks.run_part,
                part,
                before,
                setup,
                transform,
                index,
                key=f"rs-stac-check-{token}-{index}",
                retries=retries,
            )
            pending.append((index, part, future))
            while len(pending) >= window:
                yield finish(*pending.popleft())
        while pending:
            yield finish(*pending.popleft())
    finally:
        for _, _, future in pending:
            future.cancel()
        if plugin_name is not None:
            _unregister(client, plugin_name)


def _unregister(client: Client, name: str) -> None:
    with suppress(Exception):
        client.unregister_worker_plugin(name)


def _extent(
    inputs: list[Any], threads: int, partition_bytes: int | None
) -> tuple[int | None, int | None]:
    """Input bytes and partitions of a run made only of local NDJSON files, else ``None``s."""
    import os

    from rs_stac_ext.validator.partitions import _is_local_ndjson, _size_for

    total = 0
    expected = 0
    for item in inputs:
        target = os.fspath(item) if isinstance(item, str | os.PathLike) else None
        if target is None or not _is_local_ndjson(target):
            return None, None
        size = Path(target).stat().st_size
        total += size
        step = _size_for(size, threads, partition_bytes)
        expected += -(-size // step)
    return total, expected


def _documents(value: Any) -> int:
    tally = getattr(value, "tally", None)
    if tally is not None:
        return int(tally.documents)
    return len(value) if isinstance(value, list) else 0


def _failed_reports(part: Part, reason: str) -> list[DocumentReport]:
    """The reports of a partition that failed for good: nothing is silently lost."""
    from rs_stac_ext.validator.partitions import BatchPart, FilePart

    message = f"{part.describe()} could not be checked on the cluster: {reason}"
    problem = Problem(schema="", path="", message=message, keyword="read/io", schema_path="")
    if isinstance(part, BatchPart):
        return [
            DocumentReport(
                record.source, record.line, record.pointer, valid=False, errors=[problem]
            )
            for record in part.records
        ]
    line = part.first_line if isinstance(part, FilePart) else None
    return [DocumentReport(part.source, line, valid=False, errors=[problem])]


# -------------------------------------------------------------------------- a report folder


@dataclass
class DirectorySummary:
    """What :func:`validate_to_directory` wrote.

    Attributes:
        tally: The counts over the whole run.
        partitions: One entry per partition file, in input order.
    """

    tally: Tally
    partitions: list[dict[str, Any]] = field(default_factory=list)


def validate_to_directory(
    inputs: Iterable[Any],
    report_dir: str,
    options: ValidationOptions | None = None,
    *,
    cluster: str | Client,
    connect_timeout: float = CONNECT_TIMEOUT,
    stdin: IO[bytes] | None = None,
    partition_bytes: int | None = None,
    partition_items: int | None = None,
    retries: int = 2,
    on_partition: Callable[[PartitionDone], None] | None = None,
) -> DirectorySummary:
    """Validate on a cluster, each partition writing its JSON lines to its own file.

    The files (``part-000000.jsonl``...), read in name order, hold the reports
    ``--format json`` prints, line for line; ``summary.json`` holds the counts and, per
    partition, its file, its place in the input and whether it failed. Only counts travel
    back to the client.

    Args:
        inputs: As for :func:`validate_on_cluster`.
        report_dir: The folder (created if missing; a path the workers see, or an fsspec URL).
        options: How to validate.
        cluster: As for :func:`validate_on_cluster`.
        connect_timeout: Seconds allowed to reach the scheduler.
        stdin: Stream to read for ``-``.
        partition_bytes: As for :func:`validate_on_cluster`.
        partition_items: As for :func:`validate_on_cluster`.
        retries: As for :func:`validate_on_cluster`.
        on_partition: Called with each partition's :class:`PartitionDone`, in order.

    Returns:
        The counts and the partitions.
    """
    from rs_stac_ext.validator._cluster_tasks import part_file_name
    from rs_stac_ext.validator.report import Tally

    _make_folder(report_dir)
    total = Tally()
    entries: list[dict[str, Any]] = []

    def record(event: PartitionDone) -> None:
        entries.append(
            {
                "file": part_file_name(event.index),
                "partition": event.part.describe(),
                "documents": event.documents,
                "failed": event.failed,
            }
        )
        if on_partition is not None:
            on_partition(event)

    for rendered in validate_on_cluster(
        inputs,
        count_reports,
        options,
        cluster=cluster,
        connect_timeout=connect_timeout,
        stdin=stdin,
        partition_bytes=partition_bytes,
        partition_items=partition_items,
        retries=retries,
        report_dir=report_dir,
        on_partition=record,
    ):
        total.merge(rendered.tally)
    summary = {
        **{
            name: getattr(total, name)
            for name in (
                "documents",
                "valid",
                "invalid",
                "incomplete",
                "io_errors",
                "warnings",
                "not_followed",
            )
        },
        "unchecked": total.unchecked,
        "reasons": total.reasons,
        "partitions": entries,
    }
    _write_text(f"{report_dir.rstrip('/')}/summary.json", json.dumps(summary, indent=2) + "\n")
    return DirectorySummary(total, entries)


def count_reports(reports: list[DocumentReport]) -> Rendered:
    """Count reports without rendering them (the transform of a report-folder run)."""
    from rs_stac_ext.validator.report import Rendered, Tally

    tally = Tally()
    for report in reports:
        tally.add(report)
    return Rendered(b"", tally)


def _make_folder(folder: str) -> None:
    if "://" in folder:
        import fsspec

        fs, path = fsspec.core.url_to_fs(folder)
        fs.makedirs(path, exist_ok=True)
    else:
        Path(folder).mkdir(parents=True, exist_ok=True)


def _write_text(target: str, text: str) -> None:
    if "://" in target:
        import fsspec

        with fsspec.open(target, "w", encoding="utf-8") as stream:
            stream.write(text)
    else:
        Path(target).write_text(text, encoding="utf-8")
