"""Cut inputs into partitions that cluster workers read and check themselves, in input order.

Three kinds of partition:

* :class:`FilePart` -- a run of whole lines of a local NDJSON file, found by the same scan as
  ``rs-stac validate -j N`` (line numbers known in advance). Workers open the file by its
  absolute path, so they need the same file system (a shared mount); reports carry the name
  the user gave.
* :class:`RemotePart` -- a byte range of an NDJSON object over HTTP(S) or in S3. The client
  only asks for the object's size; which lines start in the range, and their numbers, is
  worked out by the workers (a first, cheap task counts the line feeds of each range).
* :class:`~rs_stac_ext.validator.pgstac_source.DatabasePart` -- a run of one Collection's
  Items in a pgstac database, between two ``(datetime, id)`` keys; workers query it with
  their own connection.
* :class:`BatchPart` -- documents the client read itself (JSON files, folders, catalogs, STAC
  API pages, stdin), sent to a worker as they are (NDJSON lines unparsed).

A partition owns exactly the lines that start inside it, so every document is checked once.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, cast

from rs_stac_ext.validator.pgstac_source import (
    ITEMS_PER_PART,
    DatabasePart,
    is_database_url,
    plan_database,
    read_database_part,
)
from rs_stac_ext.validator.readers import (
    NDJSON_SUFFIXES,
    InputDocument,
    ReadError,
    ReaderSettings,
    parse_deferred,
    read_ndjson_stream,
)
from rs_stac_ext.validator.remote import (
    RemoteReadError,
    is_remote_ndjson,
    open_remote,
    refusal,
    remote_size,
)
from rs_stac_ext.validator.validation import _batches, _chunk_size, _ndjson_chunks, _records

__all__ = [
    "BatchPart",
    "FilePart",
    "Part",
    "RemotePart",
    "count_line_feeds",
    "plan",
    "read_part",
]


@dataclass(frozen=True)
class FilePart:
    """A run of whole lines of a local NDJSON file.

    Attributes:
        source: The file as the user named it (what reports carry).
        path: Its absolute path (what workers open).
        start: Byte offset of the first line.
        end: Byte offset past the last line.
        first_line: The 1-based number of the first line.
    """

    source: str
    path: str
    start: int
    end: int
    first_line: int

    def describe(self) -> str:
        """Where the partition is, for messages."""
        return f"{self.source} bytes {self.start}-{self.end} (from line {self.first_line})"


@dataclass(frozen=True)
class RemotePart:
    """The lines of a remote NDJSON object that start inside a byte range.

    Attributes:
        source: The object's URL (``https://...`` or ``s3://...``).
        start: First byte of the range.
        end: Byte offset past the range.
        size: The object's size.
    """

    source: str
    start: int
    end: int
    size: int

    def describe(self) -> str:
        """Where the partition is, for messages."""
        return f"{self.source} bytes {self.start}-{self.end}"


@dataclass(frozen=True)
class BatchPart:
    """Documents read by the client.

    Attributes:
        records: The documents, in input order.
    """

    records: tuple[InputDocument, ...]

    def describe(self) -> str:
        """Where the partition is, for messages."""
        first, last = self.records[0], self.records[-1]
        return f"{first.location} to {last.location} ({len(self.records)} document(s))"


Part = FilePart | RemotePart | BatchPart | DatabasePart


def part_bytes(part: Part) -> int:
    """The bytes a partition covers (0 for a batch or a database range)."""
    return part.end - part.start if isinstance(part, FilePart | RemotePart) else 0


# ---------------------------------------------------------------------------------- planning


def plan(
    inputs: Iterable[Any],
    reader: ReaderSettings,
    *,
    workers: int,
    stdin: IO[bytes] | None = None,
    batch_size: int = 256,
    part_bytes_limit: int | None = None,
    items_per_part: int = ITEMS_PER_PART,
) -> Iterator[Part]:
    """Cut inputs into partitions, in input order (on the client).

    Args:
        inputs: As for :func:`rs_stac_ext.validator.validation.validate`, plus remote NDJSON
            (``https://.../items.ndjson``, ``s3://bucket/items.ndjson``).
        reader: Limits and permissions (batches carry NDJSON lines unparsed when
            ``defer_parsing`` is set).
        workers: Worker threads of the cluster (at least eight partitions each, when a file is
            big enough).
        stdin: Stream to read for ``-``.
        batch_size: Documents per batch.
        part_bytes_limit: Partition size of a file, in bytes (default: eight partitions per
            worker, at most 4 MiB).
        items_per_part: Items per partition of a pgstac database.

    Yields:
        The partitions.
    """
    pending: list[Any] = []

    def flush() -> Iterator[Part]:
        for batch in _batches(_records(pending, reader, stdin), batch_size):
            yield BatchPart(tuple(batch))
        pending.clear()

    for item in inputs:
        target = os.fspath(item) if isinstance(item, str | os.PathLike) else None
        if target is not None and _is_local_ndjson(target):
            yield from flush()
            size = _size_for(Path(target).stat().st_size, workers, part_bytes_limit)
            absolute = str(Path(target).resolve())
            for chunk in _ndjson_chunks(target, size):
                yield FilePart(target, absolute, chunk.start, chunk.end, chunk.first_line)
        elif target is not None and is_remote_ndjson(target):
            yield from flush()
            yield from _remote_parts(target, reader, workers, part_bytes_limit)
        elif target is not None and is_database_url(target):
            yield from flush()
            for planned in plan_database(target, reader, items_per_part):
                yield planned if isinstance(planned, DatabasePart) else BatchPart((planned,))
        else:
            pending.append(item)
    yield from flush()


def _is_local_ndjson(target: str) -> bool:
    return target.lower().endswith(NDJSON_SUFFIXES) and Path(target).is_file()


def _size_for(file_size: int, workers: int, limit: int | None) -> int:
    return _chunk_size(file_size, workers) if limit is None else max(1, limit)


def _remote_parts(
    url: str, reader: ReaderSettings, workers: int, limit: int | None
) -> Iterator[Part]:
    reason = refusal(url, reader)
    if reason is not None:
        yield BatchPart((InputDocument(url, error=ReadError("network", f"{url}: {reason}")),))
        return
    try:
        size = remote_size(url, reader)
    except RemoteReadError as exc:
        yield BatchPart((InputDocument(url, error=ReadError("network", str(exc))),))
        return
    step = _size_for(size, workers, limit)
    for start in range(0, size, step):
        yield RemotePart(url, start, min(start + step, size), size)


# ---------------------------------------------------------------------------------- reading


def count_line_feeds(part: RemotePart, reader: ReaderSettings) -> int:
    """Count the line feeds inside a remote partition's byte range (on a worker)."""
    count = 0
    remaining = part.end - part.start
    with open_remote(part.source, part.start, reader) as stream:
        while remaining > 0:
            block = stream.read(min(_BLOCK, remaining))
            if not block:
                raise RemoteReadError(part.source, f"ends before byte {part.end}")
            remaining -= len(block)
            count += block.count(b"\n")
    return count


_BLOCK = 2**20


def read_part(
    part: Part, reader: ReaderSettings, line_feeds_before: int | None = None
) -> Iterator[InputDocument]:
    """Yield the documents of a partition, in order (on a worker).

    Args:
        part: The partition.
        reader: Limits and permissions.
        line_feeds_before: For a :class:`RemotePart`, the line feeds of the object before
            ``part.start`` (the sum of :func:`count_line_feeds` of the partitions before it).

    Raises:
        RemoteReadError: A remote object could not be read (the task is tried again).
        OSError: A local file could not be read.
    """
    if isinstance(part, BatchPart):
        for record in part.records:
            yield from parse_deferred(record, reader)
    elif isinstance(part, DatabasePart):
        yield from read_database_part(part, reader)
    elif isinstance(part, FilePart):
        with Path(part.path).open("rb") as stream:
            stream.seek(part.start)
            yield from read_ndjson_stream(
                stream, part.source, part.first_line, reader, total=part.end - part.start
            )
    else:
        if line_feeds_before is None:
            raise ValueError("a remote partition needs the line feeds before it")
        yield from _read_remote(part, reader, line_feeds_before)


def _read_remote(
    part: RemotePart, reader: ReaderSettings, line_feeds_before: int
) -> Iterator[InputDocument]:
    first = _first_line_start(part, reader)
    if first is None:
        return  # one line runs across the whole range: it belongs to an earlier partition
    offset, extra = first
    with open_remote(part.source, offset, reader) as stream:
        lines = _LinesUntil(stream, offset, part.end)
        yield from read_ndjson_stream(
            cast(IO[bytes], lines), part.source, line_feeds_before + 1 + extra, reader
        )


def _first_line_start(part: RemotePart, reader: ReaderSettings) -> tuple[int, int] | None:
    """Return where the first line starting in the range starts, or ``None`` if none does.

    The second number is 1 when a line feed of the range comes before that line, else 0.
    """
    if part.start == 0:
        return 0, 0
    with open_remote(part.source, part.start - 1, reader) as stream:
        at = part.start - 1
        while at < part.end:
            block = stream.read(min(_BLOCK, part.end - at))
            if not block:
                return None
            cut = block.find(b"\n")
            if cut >= 0:
                start = at + cut + 1
                if start >= part.end:
                    return None
                return start, 0 if start == part.start else 1
            at += len(block)
    return None


class _LinesUntil:
    """A stream cut after the line that runs across ``end`` (or at ``end``, on a boundary)."""

    def __init__(self, stream: IO[bytes], position: int, end: int) -> None:
        self._stream = stream
        self._position = position
        self._end = end
        self._finished = position >= end
        self._last = b"\n"

    def read(self, size: int = -1) -> bytes:
        if self._finished:
            return b""
        want = _BLOCK if size is None or size < 0 else size
        if self._position < self._end:
            block = self._stream.read(min(want, self._end - self._position))
            if not block:
                self._finished = True
                return b""
            self._position += len(block)
            self._last = block[-1:]
            return block
        if self._last == b"\n":
            self._finished = True
            return b""
        block = self._stream.read(want)  # the rest of the line that runs across ``end``
        if not block:
            self._finished = True
            return b""
        cut = block.find(b"\n")
        if cut >= 0:
            self._finished = True
            return block[: cut + 1]
        self._position += len(block)
        return block

    read1 = read
