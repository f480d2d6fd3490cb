"""Read STAC documents from files, folders, NDJSON streams, stdin, static catalogs and STAC APIs.

Every reader yields :class:`InputDocument` records in input order and never stops at a bad
input: a file that cannot be read or parsed becomes a record carrying a :class:`ReadError`
(with line and column for malformed JSON), and reading goes on with the next input.

Safety limits: a file larger than ``max_bytes`` or nested deeper than ``max_depth`` is refused
with a clear error; catalog links are only followed inside the catalog's own folder; URLs are
only fetched from hosts the caller allowed.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import IO, Any, Literal
from urllib.parse import urljoin, urlsplit

import orjson

__all__ = [
    "InputDocument",
    "InputSurvey",
    "ReadError",
    "ReaderSettings",
    "SkippedFiles",
    "folder_files",
    "parse_deferred",
    "read_inputs",
    "read_ndjson_range",
    "read_ndjson_stream",
    "survey_inputs",
]

NDJSON_SUFFIXES = (".ndjson", ".jsonl", ".geojsonl", ".ndgeojson")
JSON_SUFFIXES = (".json", ".geojson")
ErrorKind = Literal["io", "json", "limit", "network", "usage"]


@dataclass(frozen=True, slots=True)
class ReadError:
    """Why an input could not be turned into a document.

    Attributes:
        kind: ``io`` (cannot read), ``json`` (malformed JSON), ``limit`` (too large or too deep),
            ``network`` (URL not allowed or failed), ``usage`` (an input that does not exist).
        message: A sentence naming the input and what went wrong.
        line: 1-based line of a JSON syntax error.
        column: 1-based column of a JSON syntax error.
    """

    kind: ErrorKind
    message: str
    line: int | None = None
    column: int | None = None


@dataclass(slots=True)
class InputDocument:
    """One document (or one failure to read one).

    Attributes:
        source: Where it came from: a path, ``-`` for stdin, or a URL.
        line: 1-based line number inside an NDJSON source.
        pointer: JSON pointer of the document inside its file (``/features/3``), if not the root.
        document: The parsed document, ``None`` when ``error`` is set.
        error: Why the input could not be read.
        raw: The unparsed bytes, when parsing was deferred (see :func:`parse_deferred`).
    """

    source: str
    line: int | None = None
    pointer: str = ""
    document: Any = None
    error: ReadError | None = None
    raw: bytes | None = None

    @property
    def location(self) -> str:
        """``source``, ``source:line`` or ``source#pointer``, for messages."""
        where = self.source
        if self.line is not None:
            where += f":{self.line}"
        if self.pointer:
            where += f"#{self.pointer}"
        return where


@dataclass(frozen=True)
class ReaderSettings:
    """Limits and permissions for reading inputs.

    Attributes:
        split_collections: Yield each Item of a FeatureCollection / ItemCollection separately.
        follow_links: For a Catalog or Collection file, also read the child and item documents it
            links to (inside its own folder only).
        max_bytes: Largest JSON file (or NDJSON line) accepted.
        max_depth: Deepest nesting of arrays and objects accepted.
        allow_hosts: Hosts whose URLs may be fetched (``host`` means https; ``http://host:port``
            allows plain http to that address).
        max_pages: Most ``next`` links followed for one STAC API URL.
        timeout: Seconds allowed for one HTTP request.
        defer_parsing: Yield NDJSON lines unparsed (``raw``), for :func:`parse_deferred` to
            parse elsewhere (in a worker process).
        ca_bundle: A PEM file of the only certificate authorities trusted over https
            (default: ``$RS_STAC_CA_BUNDLE``, else the system's trust store).
        collections: For a pgstac database input: read only these Collections.
        datetime: For a pgstac database input: read only Items whose time meets this
            RFC 3339 instant or interval (``A/B``, ``..`` for an open end).
    """

    split_collections: bool = True
    follow_links: bool = True
    max_bytes: int = 256 * 2**20
    max_depth: int = 128
    allow_hosts: tuple[str, ...] = ()
    max_pages: int = 1000
    timeout: float = 30.0
    defer_parsing: bool = False
    ca_bundle: Path | None = None
    collections: tuple[str, ...] = ()
    datetime: str | None = None


@dataclass
class _Reader:
    settings: ReaderSettings
    stdin: IO[bytes] | None = None
    visited: set[str] = field(default_factory=set)

    # ------------------------------------------------------------------------------ parsing

    def parse(self, data: bytes, source: str, line: int | None = None) -> InputDocument:
        if len(data) > self.settings.max_bytes:
            return InputDocument(
                source,
                line,
                error=ReadError(
                    "limit",
                    f"{source}: {len(data)} bytes is more than the limit of "
                    f"{self.settings.max_bytes} bytes",
                ),
            )
        try:
            document = orjson.loads(data)
        except orjson.JSONDecodeError:
            return self._parse_slowly(data, source, line)
        if self._may_be_too_deep(data) and too_deep(document, self.settings.max_depth):
            return InputDocument(
                source,
                line,
                error=ReadError(
                    "limit",
                    f"{source}: nested more than {self.settings.max_depth} levels deep",
                ),
            )
        return InputDocument(source, line, document=document)

    def _may_be_too_deep(self, data: bytes) -> bool:
        # Nesting can never exceed the number of opening brackets; counting them runs in C (one
        # pass that keeps only the brackets) and spares the depth check for most documents.
        return len(data.translate(None, _ALL_BUT_OPENING_BRACKETS)) > self.settings.max_depth

    def _parse_slowly(self, data: bytes, source: str, line: int | None) -> InputDocument:
        """Parse with the standard library.

        It accepts integers orjson cannot hold and reports the line and column of an error.
        """
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            return InputDocument(
                source, line, error=ReadError("json", f"{source}: not UTF-8 text ({exc.reason})")
            )
        try:
            document = json.loads(text, parse_constant=_reject_constant)
        except json.JSONDecodeError as exc:
            where = f"{source}:{line}" if line is not None else source
            return InputDocument(
                source,
                line,
                error=ReadError(
                    "json",
                    f"{where}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}",
                    exc.lineno,
                    exc.colno,
                ),
            )
        except (ValueError, RecursionError) as exc:
            return InputDocument(source, line, error=ReadError("json", f"{source}: {exc}"))
        if self._may_be_too_deep(data) and (too_deep(document, self.settings.max_depth)):
            return InputDocument(
                source,
                line,
                error=ReadError(
                    "limit", f"{source}: nested more than {self.settings.max_depth} levels deep"
                ),
            )
        return InputDocument(source, line, document=document)

    # ------------------------------------------------------------------------------ inputs

    def read(self, target: str) -> Iterator[InputDocument]:
        if target == "-":
            yield from self.read_stream(self.stdin or sys.stdin.buffer, "-")
            return
        if urlsplit(target).scheme in {"http", "https"}:
            yield from self.read_url(target)
            return
        if target.lower().startswith(("postgresql://", "postgres://")):
            from rs_stac_ext.validator.pgstac_source import read_database

            yield from read_database(target, self.settings)
            return
        path = Path(target)
        if path.is_dir():
            yield from self.read_folder(path)
        elif path.is_file():
            yield from self.read_file(path)
        elif path.exists():
            yield InputDocument(target, error=ReadError("io", f"{target}: not a regular file"))
        else:
            yield InputDocument(target, error=ReadError("usage", f"{target}: no such file"))

    def read_folder(self, folder: Path) -> Iterator[InputDocument]:
        files, _ = folder_files(folder)
        # A folder is read file by file; links found in catalogs are not followed again.
        for path in files:
            if str(path.resolve()) in self.visited:
                continue
            yield from self.read_file(path, follow=False)

    def read_file(self, path: Path, *, follow: bool | None = None) -> Iterator[InputDocument]:
        source = str(path)
        self.visited.add(str(path.resolve()))
        if path.suffix.lower() in NDJSON_SUFFIXES:
            try:
                with path.open("rb") as stream:
                    yield from self.read_ndjson(stream, source)
            except OSError as exc:
                yield InputDocument(source, error=ReadError("io", f"{source}: {exc.strerror}"))
            return
        try:
            size = path.stat().st_size
            if size > self.settings.max_bytes:
                yield InputDocument(
                    source,
                    error=ReadError(
                        "limit",
                        f"{source}: {size} bytes is more than the limit of "
                        f"{self.settings.max_bytes} bytes",
                    ),
                )
                return
            data = path.read_bytes()
        except OSError as exc:
            yield InputDocument(source, error=ReadError("io", f"{source}: {exc.strerror}"))
            return
        record = self.parse(data, source)
        yield from self.expand(record)
        should_follow = self.settings.follow_links if follow is None else follow
        if should_follow and record.error is None and _is_catalog_like(record.document):
            yield from self.follow_local_links(path, record.document)

    def read_stream(self, stream: IO[bytes], source: str) -> Iterator[InputDocument]:
        """Read a stream holding one JSON document, or one document per line (NDJSON)."""
        limit = self.settings.max_bytes + 1
        first = stream.readline(limit)
        while first and not first.strip():
            first = stream.readline(limit)
        second = stream.readline(limit)
        if not second:
            if first:
                yield from self.expand(self.parse(first, source))
            return
        head = self.parse(first, source, 1)
        if head.error is None and isinstance(head.document, dict):
            yield from self.expand(head)
            yield from self.read_lines(_chain_lines(second, stream, limit), source, start=2)
            return
        # The first line alone is not a document: most likely one document over several lines.
        buffered = first + second + stream.read(limit)
        whole = self.parse(buffered, source)
        if whole.error is None or len(buffered) > self.settings.max_bytes:
            yield from self.expand(whole)
            return
        yield from self.read_lines(iter(buffered.splitlines(keepends=True)), source, start=1)

    def read_ndjson(self, stream: IO[bytes], source: str) -> Iterator[InputDocument]:
        """Read a stream holding one document per line."""
        yield from self.read_lines(split_lines(stream, self.settings.max_bytes), source, start=1)

    def read_lines(
        self, lines: Iterable[bytes], source: str, *, start: int
    ) -> Iterator[InputDocument]:
        defer = self.settings.defer_parsing
        for number, line in enumerate(lines, start=start):
            if not line or line.isspace():
                continue
            if defer:
                yield InputDocument(source, number, raw=line)
                continue
            record = self.parse(line, source, number)
            if _is_collection(record.document):
                yield from self.expand(record)
            else:
                yield record

    def expand(self, record: InputDocument) -> Iterator[InputDocument]:
        document = record.document
        if (
            self.settings.split_collections
            and record.error is None
            and isinstance(document, dict)
            and document.get("type") == "FeatureCollection"
            and isinstance(document.get("features"), list)
        ):
            for index, feature in enumerate(document["features"]):
                yield InputDocument(
                    record.source, record.line, f"/features/{index}", document=feature
                )
            return
        yield record

    def follow_local_links(self, path: Path, document: dict[str, Any]) -> Iterator[InputDocument]:
        root = path.parent.resolve()
        for href in _child_hrefs(document):
            if urlsplit(href).scheme:
                continue
            target = (path.parent / href).resolve()
            if not target.is_relative_to(root):
                yield InputDocument(
                    f"{path}#{href}",
                    error=ReadError(
                        "io", f"{path}: link {href!r} leaves the catalog folder {root}; not read"
                    ),
                )
                continue
            if str(target) in self.visited:
                continue
            if not target.is_file():
                yield InputDocument(
                    str(target), error=ReadError("io", f"{path}: linked file {href!r} not found")
                )
                continue
            yield from self.read_file(target)

    # ------------------------------------------------------------------------------ network

    def read_url(self, url: str) -> Iterator[InputDocument]:
        from rs_stac_ext.schemas._http import AllowList, HttpRefusedError, download

        pages = 0
        next_url: str | None = url
        while next_url is not None and pages < self.settings.max_pages:
            if next_url in self.visited:
                return
            self.visited.add(next_url)
            pages += 1
            try:
                data, _ = download(
                    next_url,
                    AllowList(self.settings.allow_hosts),
                    max_bytes=self.settings.max_bytes,
                    timeout=self.settings.timeout,
                    accept="application/geo+json, application/json;q=0.9",
                    ca_bundle=self.settings.ca_bundle,
                )
            except (HttpRefusedError, ValueError) as exc:
                yield InputDocument(next_url, error=ReadError("network", str(exc)))
                return
            record = self.parse(data, next_url)
            yield from self.expand(record)
            document = record.document
            next_url = None
            if record.error is None and isinstance(document, dict):
                if document.get("type") == "FeatureCollection":
                    next_url = _next_link(document, record.source)
                elif _is_catalog_like(document) and self.settings.follow_links:
                    for href in _child_hrefs(document):
                        yield from self.read_url(urljoin(record.source, href))


def folder_files(folder: Path) -> tuple[list[Path], list[Path]]:
    """Return the files below a folder that are read, and those passed over, each sorted.

    A folder walk reads JSON (``.json``, ``.geojson``) and NDJSON (``.ndjson``, ``.jsonl``,
    ``.geojsonl``, ``.ndgeojson``) files, whatever the case of the suffix; every other file is
    passed over (a file named on its own is read whatever its name).
    """
    read: list[Path] = []
    skipped: list[Path] = []
    for path in _files_below(folder):
        wanted = path.suffix.lower() in (*JSON_SUFFIXES, *NDJSON_SUFFIXES)
        (read if wanted else skipped).append(path)
    return sorted(read), sorted(skipped)


def _files_below(folder: Path) -> Iterator[Path]:
    """Yield every file below a folder, as ``Path.rglob("*")`` with ``is_file()`` would.

    Symbolic links to files count, links to folders are not entered. ``os.scandir`` knows
    most entries' kind without a ``stat`` call each, which a walk of thousands of files feels.
    """
    pending = [folder]
    while pending:
        current = pending.pop()
        try:
            entries = list(os.scandir(current))
        except OSError:
            continue  # an unreadable folder below: as rglob, passed over
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    pending.append(current / entry.name)
                elif entry.is_file():
                    yield current / entry.name
            except OSError:
                continue


@dataclass(frozen=True)
class SkippedFiles:
    """Files a folder walk passed over because they are not JSON or NDJSON by name.

    Attributes:
        folder: The folder, as the input named it.
        files: The files passed over, relative to the folder, sorted.
    """

    folder: str
    files: tuple[str, ...]


@dataclass(frozen=True)
class InputSurvey:
    """What a look at the inputs finds before any is read.

    Attributes:
        missing: Inputs that name a local path where there is nothing (not documents: input
            errors).
        skipped: For each folder input, the files its walk will pass over (folders that pass
            over none are left out).
    """

    missing: tuple[str, ...] = ()
    skipped: tuple[SkippedFiles, ...] = ()


def _is_local_path(target: str) -> bool:
    scheme = urlsplit(target).scheme
    return target != "-" and (not scheme or len(scheme) == 1)  # C:\... is a path


def survey_inputs(targets: Iterable[str]) -> InputSurvey:
    """Find the inputs that name nothing, and the files each folder walk will pass over.

    Only local paths are looked at: ``-``, URLs and other ``scheme://`` inputs are left to
    their readers.

    Args:
        targets: The inputs as given (paths, folders, ``-``, URLs).

    Returns:
        The missing inputs, in the order given, and the skipped files per folder.
    """
    missing: list[str] = []
    skipped: list[SkippedFiles] = []
    for target in targets:
        if not _is_local_path(target):
            continue
        path = Path(target)
        if not path.exists():
            missing.append(target)
        elif path.is_dir():
            _, passed_over = folder_files(path)
            if passed_over:
                names = tuple(str(file.relative_to(path)) for file in passed_over)
                skipped.append(SkippedFiles(target, names))
    return InputSurvey(tuple(missing), tuple(skipped))


def _chain_lines(first: bytes, stream: IO[bytes], limit: int) -> Iterator[bytes]:
    yield first
    yield from split_lines(stream, limit - 1)


_BLOCK = 2**20


def split_lines(stream: IO[bytes], max_bytes: int, total: int | None = None) -> Iterator[bytes]:
    """Yield the lines of a binary stream, without their line feed, one per physical line.

    Reading goes by blocks (much faster than line by line) and returns as soon as data is
    there, so a live pipe is reported as it arrives. Memory stays bounded: a line longer than
    ``max_bytes`` is yielded cut to ``max_bytes + 1`` bytes (for the reader to refuse) and the
    rest of it is skipped.

    Args:
        stream: The stream.
        max_bytes: The longest line accepted.
        total: Read at most this many bytes (``None``: to the end).
    """
    read = getattr(stream, "read1", stream.read)
    pieces: list[bytes] = []  # the start of a line not ended yet
    held = 0
    skipping = False
    remaining = total
    while remaining is None or remaining > 0:
        block = read(_BLOCK if remaining is None else min(_BLOCK, remaining))
        if not block:
            break
        if remaining is not None:
            remaining -= len(block)
        lines = block.split(b"\n")
        for line in lines[:-1]:
            if skipping:
                skipping = False
                continue
            if pieces:
                pieces.append(line)
                line = b"".join(pieces)
                pieces = []
                held = 0
            yield line if len(line) <= max_bytes else line[: max_bytes + 1]
        rest = lines[-1]
        if skipping or not rest:
            continue
        pieces.append(rest)
        held += len(rest)
        if held > max_bytes:
            yield b"".join(pieces)[: max_bytes + 1]
            pieces = []
            held = 0
            skipping = True
    if pieces:
        yield b"".join(pieces)


_ALL_BUT_OPENING_BRACKETS = bytes(byte for byte in range(256) if byte not in b"[{")


def _is_collection(document: Any) -> bool:
    return isinstance(document, dict) and document.get("type") == "FeatureCollection"


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def too_deep(document: Any, limit: int) -> bool:
    """Tell whether a parsed document nests arrays and objects more than ``limit`` levels deep.

    The top-level array or object is level 1. jsonschema-rs walks the document (in native
    code, much faster than a Python walk over every value) when it is installed.
    """
    checker = _depth_checker(limit)
    if checker is not None:
        return not checker.is_valid(document)
    return _depth(document, limit) > limit


@cache
def _depth_checker(limit: int) -> Any:
    """Return a jsonschema-rs validator that fails any container nested deeper than ``limit``.

    Level ``k`` sends every array item and object member to level ``k + 1``; past ``limit``
    only scalars pass.
    """
    try:
        import jsonschema_rs
    except ImportError:  # pragma: no cover - jsonschema-rs is a dependency
        return None
    levels: dict[str, Any] = {
        f"level{k}": {
            "items": {"$ref": f"#/definitions/level{k + 1}"},
            "additionalProperties": {"$ref": f"#/definitions/level{k + 1}"},
        }
        for k in range(1, limit + 1)
    }
    levels[f"level{limit + 1}"] = {"type": ["string", "number", "boolean", "null"]}
    return jsonschema_rs.Draft7Validator({"definitions": levels, "$ref": "#/definitions/level1"})


def _depth(value: Any, limit: int) -> int:
    """Return the nesting depth of a parsed document, stopping once past ``limit``."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)] if isinstance(value, dict | list) else []
    while stack:
        current, level = stack.pop()
        deepest = max(deepest, level)
        if deepest > limit:
            return deepest
        children = current.values() if isinstance(current, dict) else current
        stack.extend((child, level + 1) for child in children if isinstance(child, dict | list))
    return deepest


def _is_catalog_like(document: Any) -> bool:
    return isinstance(document, dict) and document.get("type") in {"Catalog", "Collection"}


def _child_hrefs(document: dict[str, Any]) -> list[str]:
    links = document.get("links")
    if not isinstance(links, list):
        return []
    return [
        link["href"]
        for link in links
        if isinstance(link, dict)
        and link.get("rel") in {"child", "item"}
        and isinstance(link.get("href"), str)
    ]


def _next_link(document: dict[str, Any], base: str) -> str | None:
    links = document.get("links")
    if not isinstance(links, list):
        return None
    for link in links:
        if (
            isinstance(link, dict)
            and link.get("rel") == "next"
            and isinstance(link.get("href"), str)
            and str(link.get("method", "GET")).upper() == "GET"
        ):
            return urljoin(base, str(link["href"]))
    return None


def parse_deferred(record: InputDocument, settings: ReaderSettings) -> list[InputDocument]:
    """Parse a record whose parsing was deferred, and split it as :func:`read_inputs` would.

    Args:
        record: A record carrying ``raw`` bytes (others are returned as they are).
        settings: The settings of the reader that produced it.

    Returns:
        The parsed record, or the documents of a FeatureCollection.
    """
    if record.raw is None:
        return [record]
    reader = _Reader(settings)
    return list(reader.expand(reader.parse(record.raw, record.source, record.line)))


def read_ndjson_range(
    path: str, start: int, end: int, first_line: int, settings: ReaderSettings
) -> Iterator[InputDocument]:
    """Read the lines of an NDJSON file that start between two byte offsets.

    Worker processes use this to read their own share of a large file.

    Args:
        path: The NDJSON file.
        start: Byte offset of the first line to read (the start of a line).
        end: Byte offset past which no line starts.
        first_line: The 1-based number of the line at ``start``.
        settings: Limits; parsing is never deferred here.

    Yields:
        One record per document, in file order.
    """
    with Path(path).open("rb") as stream:
        stream.seek(start)
        yield from read_ndjson_stream(stream, path, first_line, settings, total=end - start)


def read_ndjson_stream(
    stream: IO[bytes],
    source: str,
    first_line: int,
    settings: ReaderSettings,
    *,
    total: int | None = None,
) -> Iterator[InputDocument]:
    """Read the lines of an NDJSON stream that starts at the start of a line.

    Cluster workers use this for their share of a file that lives elsewhere (a local path
    under another name, an HTTP range, an S3 object).

    Args:
        stream: The stream, positioned at the start of a line.
        source: The name the records carry (the input as the user gave it).
        first_line: The 1-based number of the first line of the stream.
        settings: Limits; parsing is never deferred here.
        total: Read at most this many bytes (``None``: to the end of the stream).

    Yields:
        One record per document, in stream order.
    """
    reader = _Reader(dataclasses.replace(settings, defer_parsing=False))
    lines = split_lines(stream, settings.max_bytes, total=total)
    yield from reader.read_lines(lines, source, start=first_line)


def read_inputs(
    targets: Iterable[str],
    settings: ReaderSettings | None = None,
    *,
    stdin: IO[bytes] | None = None,
    on_source: Callable[[str], None] | None = None,
) -> Iterator[InputDocument]:
    """Yield every document of every input, in order.

    Args:
        targets: Paths (files or folders), ``-`` for stdin, or http(s) URLs.
        settings: Limits and permissions (defaults are safe: no host allowed).
        stdin: The stream to read for ``-`` (default: the process's stdin).
        on_source: Called with each top-level target before it is read (for progress).

    Yields:
        One record per document, or per input that could not be read.
    """
    reader = _Reader(settings or ReaderSettings(), stdin)
    for target in targets:
        if on_source is not None:
            on_source(target)
        yield from reader.read(target)
