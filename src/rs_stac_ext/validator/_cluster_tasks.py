"""What runs on the Dask workers: one validator per worker thread, shipped schemas, partitions.

Every task is pure: it reads its partition, checks it and returns the transformed reports (or
writes them to its own file, replaced whole), so a task run twice after a worker died gives
the same result once, never a doubled report.
"""

from __future__ import annotations

import dataclasses
import io
import os
import threading
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from rs_stac_ext.validator.partitions import Part, RemotePart, count_line_feeds, read_part
from rs_stac_ext.validator.validation import DocumentReport, ValidationOptions, Validator

__all__ = [
    "WorkerSetup",
    "add",
    "count_part",
    "pack_folders",
    "part_file_name",
    "run_part",
    "unpack_folders",
    "write_part_file",
]

T = TypeVar("T")


@dataclass(frozen=True)
class WorkerSetup:
    """What a worker needs to check partitions exactly as the client would.

    Attributes:
        options: How to validate.
        token: Names these options (and the schemas shipped with them).
        shipped: The client's schema folders were shipped to the workers (unpacked by the
            worker plugin named ``rs-stac-schemas-<token>``) and replace the folders named in
            ``options``.
        report_dir: Write each partition's JSON lines to its own file in this folder.
    """

    options: ValidationOptions
    token: str
    shipped: bool = False
    report_dir: str | None = None


_LOCAL = threading.local()
_UNPACKED: dict[str, Path] = {}


def validator_for(setup: WorkerSetup) -> Validator:
    """Return this thread's validator for a setup, built (schemas compiled) on first use."""
    validators: dict[str, Validator] = _LOCAL.__dict__.setdefault("validators", {})
    validator = validators.get(setup.token)
    if validator is None:
        validator = Validator(_worker_options(setup))
        validators.clear()  # one run at a time: do not hoard validators of finished runs
        validators[setup.token] = validator
    return validator


def _worker_options(setup: WorkerSetup) -> ValidationOptions:
    options = setup.options
    if not setup.shipped:
        return options
    folder = _UNPACKED.get(setup.token)
    if folder is None:
        raise RuntimeError(f"the schemas of run {setup.token} were not shipped to this worker")
    resolver = options.resolver
    return dataclasses.replace(
        options,
        resolver=dataclasses.replace(
            resolver,
            schema_dirs=tuple(folder / f"mirror-{i}" for i in range(len(resolver.schema_dirs))),
            cache_dir=folder / "cache" if resolver.cache_dir is not None else None,
        ),
    )


def pack_folders(options: ValidationOptions, limit: int) -> bytes:
    """Zip the schema folders of the client (mirrors and cache) for the workers.

    Raises:
        ValueError: They hold more than ``limit`` bytes.
    """
    resolver = options.resolver
    roots: list[tuple[str, Path]] = [
        (f"mirror-{i}", Path(folder)) for i, folder in enumerate(resolver.schema_dirs)
    ]
    if resolver.cache_dir is not None and resolver.use_cache:
        roots.append(("cache", Path(resolver.cache_dir)))
    buffer = io.BytesIO()
    total = 0
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, root in roots:
            archive.writestr(f"{name}/", b"")
            if not root.is_dir():
                continue
            for path in sorted(root.rglob("*")):
                if not path.is_file():
                    continue
                total += path.stat().st_size
                if total > limit:
                    raise ValueError(
                        f"the schema folders to ship to the workers hold more than {limit} "
                        f"bytes ({root}); give the workers their own copy instead"
                    )
                archive.write(path, f"{name}/{path.relative_to(root).as_posix()}")
    return buffer.getvalue()


def unpack_folders(token: str, archive: bytes, into: Path) -> Path:
    """Unpack shipped schema folders on a worker and remember them for the run ``token``."""
    folder = into / f"rs-stac-schemas-{token}"
    with zipfile.ZipFile(io.BytesIO(archive)) as zipped:
        zipped.extractall(folder)
    _UNPACKED[token] = folder
    return folder


def add(before: int, count: int) -> int:
    """Add two counts (the line feeds before the next remote partition)."""
    return before + count


def count_part(part: RemotePart, setup: WorkerSetup) -> int:
    """Count the line feeds of a remote partition."""
    return count_line_feeds(part, setup.options.reader)


def run_part(
    part: Part,
    line_feeds_before: int | None,
    setup: WorkerSetup,
    transform: Callable[[list[DocumentReport]], T],
    index: int,
) -> T:
    """Check a partition and return its transformed reports.

    Args:
        part: The partition.
        line_feeds_before: For a remote partition, the object's line feeds before it.
        setup: How to validate.
        transform: Turns the reports, in order, into what travels back.
        index: The partition's place in the run (names its file in ``report_dir``).
    """
    validator = validator_for(setup)
    reader = validator.options.reader
    reports = [validator.check(record) for record in read_part(part, reader, line_feeds_before)]
    if setup.shipped:
        reports = _as_on_client(reports, setup.options, validator.options)
    if setup.report_dir is not None:
        write_part_file(setup.report_dir, index, reports)
    return transform(reports)


def _as_on_client(
    reports: list[DocumentReport], client: ValidationOptions, worker: ValidationOptions
) -> list[DocumentReport]:
    """Name the client's folders, not their shipped copies, in why a schema was not checked.

    A report must read the same wherever it was made.
    """
    pairs = [
        (str(shipped), str(original))
        for shipped, original in zip(
            (*worker.resolver.schema_dirs, worker.resolver.cache_dir),
            (*client.resolver.schema_dirs, client.resolver.cache_dir),
            strict=True,
        )
        if shipped is not None and original is not None
    ]
    for report in reports:
        if not report.not_checked:
            continue
        renamed = []
        for item in report.not_checked:
            reason = item.reason
            for shipped, original in pairs:
                reason = reason.replace(shipped, original)
            renamed.append(dataclasses.replace(item, reason=reason))
        report.not_checked = renamed
    return reports


def part_file_name(index: int) -> str:
    """The file of a partition's JSON lines (names sort in input order)."""
    return f"part-{index:06d}.jsonl"


def write_part_file(folder: str, index: int, reports: list[DocumentReport]) -> None:
    """Write a partition's reports as JSON lines, replacing the whole file at once."""
    from rs_stac_ext.validator.report import Renderer

    data = Renderer("json")(reports).data
    target = f"{folder.rstrip('/')}/{part_file_name(index)}"
    if "://" in folder:
        import fsspec

        with fsspec.open(target, "wb") as stream:  # an object appears whole when closed
            stream.write(data)
        return
    temporary = Path(f"{target}.{os.getpid()}.{threading.get_ident()}.tmp")
    temporary.write_bytes(data)
    temporary.replace(target)


def plugin_class() -> type[Any]:
    """Return the worker plugin that unpacks shipped schema folders (distributed is imported)."""
    from distributed import WorkerPlugin

    class SchemaShipment(WorkerPlugin):
        """Unpacks the client's schema folders on every worker, new ones included."""

        def __init__(self, token: str, archive: bytes) -> None:
            self.name = f"rs-stac-schemas-{token}"
            self.token = token
            self.archive = archive

        def setup(self, worker: Any) -> None:
            unpack_folders(self.token, self.archive, Path(worker.local_directory))

    return SchemaShipment
