"""Read STAC documents from files, folders, NDJSON streams, stdin, static catalogs and STAC APIs.

Every reader yields :class:`InputDocument` records in input order and never stops at a bad
input: a file that cannot be read or parsed becomes a record carrying a :class:`ReadError`
(with line and column for malformed JSON), and reading goes on with the next input.

Safety limits: a file larger than ``max_bytes`` or nested deeper than ``max_depth`` is refused
with a clear error; catalog links are only followed inside the catalog's own folder; URLs are
only fetched from hosts the caller allowed. A link that is not followed is a record of its own
(``not-followed``), never passed over in silence. Catalogs are walked without recursion, so a
chain of any length is read; a loop of symbolic links is one record. Standard input is read as
the same bytes in a ``.json`` or ``.ndjson`` file would be. A key repeated in one object is
recorded on the document (:class:`RepeatedKey`).
"""

from __future__ import annotations

import dataclasses
import errno
import itertools
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import IO, Any, Literal, Protocol
from urllib.parse import urljoin, urlsplit
from urllib.request import url2pathname

import orjson

from rs_stac_ext.validator._duplicate_keys import may_repeat_keys, repeated_keys

__all__ = [
    "InputDocument",
    "InputSurvey",
    "ReadError",
    "ReaderSettings",
    "RepeatedKey",
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
ErrorKind = Literal["io", "json", "limit", "network", "usage", "not-followed"]


@dataclass(frozen=True, slots=True)
class ReadError:
    """Why an input could not be turned into a document.

    Attributes:
        kind: ``io`` (cannot read), ``json`` (malformed JSON), ``limit`` (too large or too deep),
            ``network`` (URL not allowed or failed), ``usage`` (an input that does not exist),
            ``not-followed`` (a catalog's link that was not followed: the document it names
            was not read, and the message says why and which option would read it).
        message: A sentence naming the input and what went wrong.
        line: 1-based line of a JSON syntax error.
        column: 1-based column of a JSON syntax error.
    """

    kind: ErrorKind
    message: str
    line: int | None = None
    column: int | None = None


@dataclass(frozen=True, slots=True)
class RepeatedKey:
    """A key that appears more than once in one JSON object (the document read the last value).

    Attributes:
        pointer: JSON pointer of the object in the document; with ``around``, in its file.
        key: The key.
        around: The object is not part of the document but of the FeatureCollection around it.
    """

    pointer: str
    key: str
    around: bool = False

    @property
    def path(self) -> str:
        """Where the problem is in the document: the object, or the root."""
        return "" if self.around else self.pointer

    @property
    def message(self) -> str:
        """The problem in words."""
        where = (
            f"the object at {self.pointer or '/'} of the FeatureCollection holding this document"
            if self.around
            else "this object"
        )
        return (
            f"the key {self.key!r} appears more than once in {where}; JSON readers disagree on "
            "which value counts (this check read the last one)"
        )


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
        repeated_keys: Keys that appear more than once in one object of the document's text.
    """

    source: str
    line: int | None = None
    pointer: str = ""
    document: Any = None
    error: ReadError | None = None
    raw: bytes | None = None
    repeated_keys: tuple[RepeatedKey, ...] = ()

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


@dataclass(frozen=True, slots=True)
class _FileWork:
    """Read a file; ``walk_root`` is the folder being walked when the walk found it."""

    path: Path
    walk_root: Path | None = None


@dataclass(frozen=True, slots=True)
class _LinkWork:
    """Follow one link of a catalog read from a file (or standard input).

    Attributes:
        catalog: The catalog's name, for messages.
        href: The link as written.
        base: The folder relative links are resolved against (``None``: standard input).
        root: The folder linked files must stay in.
        walked: The folder walk reads what lies inside ``root`` itself.
    """

    catalog: str
    href: str
    base: Path | None
    root: Path | None
    walked: bool = False


@dataclass(frozen=True, slots=True)
class _UrlWork:
    """Download a URL: a STAC API page, a catalog, or a linked document."""

    url: str
    pages: int = 1


_Work = _FileWork | _LinkWork | _UrlWork | InputDocument


@dataclass
class _Reader:
    settings: ReaderSettings
    stdin: IO[bytes] | None = None
    visited: set[str] = field(default_factory=set)

    # ------------------------------------------------------------------------------ parsing

    def parse(self, data: bytes, source: str, line: int | None = None) -> InputDocument:
        if len(data) > self.settings.max_bytes:
            # A line is cut just past the limit as it is read: its length is not known.
            size = (
                f"{len(data)} bytes is more than" if line is None else f"line {line} is longer than"
            )
            message = f"{source}: {size} the limit of {self.settings.max_bytes} bytes"
            return InputDocument(source, line, error=ReadError("limit", message))
        try:
            document = orjson.loads(data)
        except orjson.JSONDecodeError:
            return self._parse_slowly(data, source, line)
        # One pass in C keeps only the brackets and colons: nesting can never exceed the number
        # of opening brackets, and a repeated key shows in the number of colons.
        kept = data.translate(None, _ALL_BUT_BRACKETS_AND_COLONS)
        colons = kept.count(b":")
        if len(kept) - colons > self.settings.max_depth and too_deep(
            document, self.settings.max_depth
        ):
            return self._too_deep(source, line)
        if may_repeat_keys(data, document, colons):
            return InputDocument(source, line, document=document, repeated_keys=_repeated(data))
        return InputDocument(source, line, document=document)

    def _too_deep(self, source: str, line: int | None) -> InputDocument:
        message = f"{source}: nested more than {self.settings.max_depth} levels deep"
        return InputDocument(source, line, error=ReadError("limit", message))

    def _parse_slowly(self, data: bytes, source: str, line: int | None) -> InputDocument:
        """Parse with the standard library.

        It accepts integers orjson cannot hold and reports the line and column of an error.
        """
        where = f"{source}:{line}" if line is not None else source
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            return InputDocument(
                source, line, error=ReadError("json", f"{where}: not UTF-8 text ({exc.reason})")
            )
        try:
            document = json.loads(text, parse_constant=_reject_constant)
        except json.JSONDecodeError as exc:
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
        except RecursionError:
            # Deeper than Python's parser goes, which is deeper than any sane limit.
            if self.settings.max_depth < _PARSER_DEPTH:
                return self._too_deep(source, line)
            message = f"{where}: nested too deeply to be read (deeper than {_PARSER_DEPTH} levels)"
            return InputDocument(source, line, error=ReadError("limit", message))
        except ValueError as exc:
            return InputDocument(source, line, error=ReadError("json", f"{where}: {exc}"))
        if _opening_brackets(data) > self.settings.max_depth and too_deep(
            document, self.settings.max_depth
        ):
            return self._too_deep(source, line)
        return InputDocument(source, line, document=document, repeated_keys=_repeated(data))

    # ------------------------------------------------------------------------------ inputs

    def read(self, target: str) -> Iterator[InputDocument]:
        if target == "-":
            yield from self._walk(self.read_stream(self.stdin or sys.stdin.buffer, "-"))
            return
        if urlsplit(target).scheme in {"http", "https"}:
            yield from self._walk(_UrlWork(target))
            return
        if target.lower().startswith(("postgresql://", "postgres://")):
            from rs_stac_ext.validator.pgstac_source import read_database

            yield from read_database(target, self.settings)
            return
        path = Path(target)
        if path.is_dir():
            yield from self._walk(*self.read_folder(path))
        elif path.is_file():
            yield from self._walk(_FileWork(path))
        elif path.exists():
            yield InputDocument(target, error=ReadError("io", f"{target}: not a regular file"))
        elif is_link_loop(path):
            yield InputDocument(target, error=_loop_error(target))
        else:
            yield InputDocument(target, error=ReadError("usage", f"{target}: no such file"))

    def _walk(self, *start: _Work | Iterator[InputDocument | _Work]) -> Iterator[InputDocument]:
        """Do the work, depth first and in order, without recursion.

        Reading a file or a URL yields its documents, then the work its links call for; that
        work is done before the rest, as a recursive walk would, however long the chain of
        catalogs.
        """
        stack: list[_Work | Iterator[InputDocument | _Work]] = list(reversed(start))
        while stack:
            work = stack.pop()
            if isinstance(work, InputDocument):
                yield work
                continue
            if isinstance(work, _FileWork):
                work = self.read_file(work.path, work.walk_root)
            elif isinstance(work, _LinkWork):
                work = self.follow_link(work)
            elif isinstance(work, _UrlWork):
                work = self.read_url(work)
            later: list[_Work] = []
            for item in work:
                if isinstance(item, InputDocument) and not later:
                    yield item
                else:
                    later.append(item)
            stack.extend(reversed(later))

    def read_folder(self, folder: Path) -> list[_Work]:
        files, _ = folder_files(folder)
        root = Path(os.path.realpath(folder))
        # A folder is read file by file; the links its catalogs hold inside the folder are
        # read by the walk itself.
        return [_FileWork(path, root) for path in files]

    def read_file(
        self, path: Path, walk_root: Path | None = None
    ) -> Iterator[InputDocument | _Work]:
        source = str(path)
        real = os.path.realpath(path)
        if walk_root is not None and real in self.visited:
            return
        self.visited.add(real)
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
        if self.settings.follow_links and record.error is None:
            folder = Path(real).parent
            root = walk_root if walk_root is not None else folder
            yield from self.links_of(record, folder, root, walked=walk_root is not None)

    def links_of(
        self, record: InputDocument, base: Path | None, root: Path | None, *, walked: bool = False
    ) -> Iterator[_Work]:
        """The work the child and item links of a catalog read locally call for."""
        if not _is_catalog_like(record.document):
            return
        for href in _child_hrefs(record.document):
            yield _LinkWork(record.source, href, base, root, walked)

    def follow_link(self, link: _LinkWork) -> Iterator[InputDocument | _Work]:
        """Read what one link of a local catalog names, or say why it is not read."""
        parts = urlsplit(link.href)
        scheme = parts.scheme.lower()
        if scheme in {"http", "https"}:
            yield self._remote_link(link.catalog, link.href)
            return
        if scheme == "file":
            if parts.netloc not in {"", "localhost"}:
                yield self._not_followed(
                    link.catalog, link.href, link.href, "a file URL on another machine is not read"
                )
                return
            target = Path(url2pathname(parts.path))
        elif len(scheme) > 1:
            reason = f"{scheme} links are not read; check that document with a run of its own"
            yield self._not_followed(link.catalog, link.href, link.href, reason)
            return
        elif link.base is None:
            reason = (
                "a catalog read from standard input has no folder to find linked files in; "
                "name the catalog's file instead of -"
            )
            yield self._not_followed(link.catalog, link.href, link.href, reason)
            return
        else:
            target = link.base / link.href
        yield from self._local_link(link, target)

    def _local_link(self, link: _LinkWork, target: Path) -> Iterator[InputDocument | _Work]:
        real = Path(os.path.realpath(target))
        root = link.root
        if root is None or not real.is_relative_to(root):
            yield InputDocument(
                f"{link.catalog}#{link.href}",
                error=ReadError(
                    "io",
                    f"{link.catalog}: link {link.href!r} leaves the catalog folder {root}; "
                    "not read",
                ),
            )
            return
        if link.walked or str(real) in self.visited:
            return  # the folder walk reads it, or it was read already
        if is_link_loop(target):
            yield InputDocument(
                str(target), error=_loop_error(f"{link.catalog}: link {link.href!r}")
            )
            return
        if not real.is_file():
            yield InputDocument(
                str(real),
                error=ReadError("io", f"{link.catalog}: linked file {link.href!r} not found"),
            )
            return
        yield _FileWork(real)

    def _remote_link(self, catalog: str, url: str) -> _Work:
        """Download a linked document from an allowed host, or say which option would."""
        refusal = self._allowed_refusal(url)
        if refusal is None:
            return _UrlWork(url)
        return self._not_followed(catalog, url, url, refusal)

    def _allowed_refusal(self, url: str) -> str | None:
        """Why a linked URL may not be read, with the option that would allow it."""
        from rs_stac_ext.schemas._http import AllowList

        try:
            refusal = AllowList(self.settings.allow_hosts).refusal(url)
        except ValueError as exc:
            return str(exc)
        if refusal is None:
            return None
        parts = urlsplit(url)
        if parts.scheme == "https" and "not allowed" in refusal:
            return f"host {parts.netloc} is not allowed; add --allow-host {parts.netloc} to read it"
        if parts.scheme == "http" and "not allowed" in refusal:
            return f"plain http is not allowed; add --allow-host http://{parts.netloc} to read it"
        return refusal

    @staticmethod
    def _not_followed(catalog: str, href: str, target: str, reason: str) -> InputDocument:
        message = f"{catalog}: link {href!r} not followed: {reason}"
        return InputDocument(target, error=ReadError("not-followed", message))

    def read_stream(self, stream: IO[bytes], source: str) -> Iterator[InputDocument | _Work]:
        """Read a stream holding one JSON document, or one document per line (NDJSON).

        The stream is NDJSON when it is not one JSON document and one of its first two
        non-blank lines is a JSON value on its own line. Either way each document is reported
        exactly as it would be from a ``.json`` or ``.ndjson`` file holding the same bytes.
        Deciding holds the first ``max_bytes`` of the stream, and at most its first two
        non-blank lines.
        """
        limit = self.settings.max_bytes
        counted = _CountingReader(stream)
        head = counted.read_up_to(limit + 1)
        if len(head) <= limit:  # all of it
            if not head.strip():
                return
            whole = self.parse(head, source)
            if (
                whole.error is not None
                and whole.error.kind == "json"
                and self._is_ndjson(split_lines(_Prefixed(head), limit))
            ):
                yield from self.read_lines(split_lines(_Prefixed(head), limit), source, start=1)
                return
            yield from self.expand(whole)
            if self.settings.follow_links and whole.error is None:
                yield from self.links_of(whole, None, None)
            return
        # More than max_bytes: too large for one document, so NDJSON or refused whole.
        lines = split_lines(_Prefixed(head, counted), limit)
        del head
        blanks: list[int] = []  # blank lines before each of the first two non-blank ones
        first: list[bytes] = []
        count = 0
        for line in lines:
            if not line.strip():
                count += 1
                continue
            blanks.append(count)
            first.append(line)
            count = 0
            if len(first) == 2:
                break
        if self._is_ndjson(first):
            replayed = _replay(blanks, first, count)
            yield from self.read_lines(itertools.chain(replayed, lines), source, start=1)
            return
        first.clear()
        for _ in lines:
            pass  # count the bytes of the whole document, as a file's size would say
        yield InputDocument(
            source,
            error=ReadError(
                "limit", f"{source}: {counted.count} bytes is more than the limit of {limit} bytes"
            ),
        )

    def _is_ndjson(self, lines: Iterable[bytes]) -> bool:
        """Tell whether a stream's first lines are those of NDJSON.

        They are when one of the first two non-blank lines is a JSON value on its own, or when
        both are longer than the limit (no one document is spread over lines that long).
        """
        first = list(itertools.islice(_non_blank(lines), 2))
        fitting = [line for line in first if len(line) <= self.settings.max_bytes]
        if len(first) == 2 and not fitting:
            return True
        return any(_is_json_value(line) for line in fitting)

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
            yield from self.line_records(self.parse(line, source, number))

    def line_records(self, record: InputDocument) -> Iterator[InputDocument]:
        """The records of one parsed NDJSON line: its documents, and its links not followed."""
        if _is_collection(record.document):
            yield from self.expand(record)
            return
        yield record
        if self.settings.follow_links and record.error is None:
            # A catalog on a line has no file of its own: its links are said, never read.
            reason = "the links of a catalog on an NDJSON line are not read; check its children "
            reason += "by naming them, or the catalog's own file"
            for href in _child_hrefs(record.document) if _is_catalog_like(record.document) else ():
                yield self._not_followed(record.location, href, href, reason)

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
                pointer = f"/features/{index}"
                yield InputDocument(
                    record.source,
                    record.line,
                    pointer,
                    document=feature,
                    repeated_keys=_keys_inside(record.repeated_keys, pointer),
                )
            return
        yield record

    # ------------------------------------------------------------------------------ network

    def read_url(self, work: _UrlWork) -> Iterator[InputDocument | _Work]:
        from rs_stac_ext.schemas._http import AllowList, HttpRefusedError, download

        url = work.url
        if url in self.visited:
            return
        self.visited.add(url)
        try:
            data, _ = download(
                url,
                AllowList(self.settings.allow_hosts),
                max_bytes=self.settings.max_bytes,
                timeout=self.settings.timeout,
                accept="application/geo+json, application/json;q=0.9",
                ca_bundle=self.settings.ca_bundle,
            )
        except (HttpRefusedError, ValueError) as exc:
            yield InputDocument(url, error=ReadError("network", str(exc)))
            return
        record = self.parse(data, url)
        yield from self.expand(record)
        document = record.document
        if record.error is not None or not isinstance(document, dict):
            return
        if document.get("type") == "FeatureCollection":
            next_url = _next_link(document, record.source)
            if next_url is None or next_url in self.visited:
                return
            if work.pages < self.settings.max_pages:
                yield _UrlWork(next_url, work.pages + 1)
            else:
                reason = f"at most {self.settings.max_pages} page(s) of one URL are read"
                yield self._not_followed(url, next_url, next_url, reason)
        elif _is_catalog_like(document) and self.settings.follow_links:
            for href in _child_hrefs(document):
                target = urljoin(record.source, href)
                if urlsplit(target).scheme in {"http", "https"}:
                    yield self._remote_link(url, target)
                else:
                    reason = "only http(s) links of a catalog read from a URL are read"
                    yield self._not_followed(url, href, target, reason)


_PARSER_DEPTH = 900  # Python's parser gives up somewhat below the recursion limit (1000)


class _CountingReader:
    """A binary stream that counts the bytes read through it."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self._read = getattr(stream, "read1", stream.read)
        self.count = 0

    def read1(self, size: int = -1) -> bytes:
        """Read at most ``size`` bytes, returning as soon as some are there."""
        block: bytes = self._read(size)
        self.count += len(block)
        return block

    read = read1

    def read_up_to(self, size: int) -> bytes:
        """Read ``size`` bytes, or up to the end of the stream if it is shorter."""
        data = self._stream.read(size)
        while 0 < len(data) < size:  # a raw stream may give less than asked
            more = self._stream.read(size - len(data))
            if not more:
                break
            data += more
        self.count += len(data)
        return data


class _Prefixed:
    """The bytes already read from a stream, then the rest of it (``None``: nothing more)."""

    def __init__(self, head: bytes, rest: _ByteSource | None = None) -> None:
        self._head = memoryview(head)
        self._rest = rest

    def read(self, size: int = -1, /) -> bytes:
        """Read up to ``size`` bytes (the head is let go of once it has been read)."""
        if self._head:
            taken = self._head[: size if size >= 0 else None]
            self._head = self._head[len(taken) :]
            return taken.tobytes()
        return self._rest.read(size) if self._rest is not None else b""


def _replay(blanks: list[int], lines: list[bytes], trailing: int) -> Iterator[bytes]:
    """Give back lines held while deciding, blank lines included (for their numbers)."""
    for count, line in zip(blanks, lines, strict=True):
        yield from itertools.repeat(b"", count)
        yield line
    lines.clear()
    yield from itertools.repeat(b"", trailing)


def _non_blank(lines: Iterable[bytes]) -> Iterator[bytes]:
    return (line for line in lines if line.strip())


def _is_json_value(line: bytes) -> bool:
    try:
        orjson.loads(line)
    except orjson.JSONDecodeError:
        try:
            json.loads(line.decode("utf-8-sig"), parse_constant=_reject_constant)
        except (ValueError, RecursionError):
            return False
    return True


def _repeated(data: bytes) -> tuple[RepeatedKey, ...]:
    return tuple(RepeatedKey(pointer, key) for pointer, key in repeated_keys(data))


def _keys_inside(repeated: tuple[RepeatedKey, ...], pointer: str) -> tuple[RepeatedKey, ...]:
    """The repeated keys that concern the document at ``pointer`` of a FeatureCollection.

    Those inside it are rebased on it; those of the collection around it concern it too (a
    repeated ``features`` drops documents).
    """
    inside: list[RepeatedKey] = []
    for repeated_key in repeated:
        at = repeated_key.pointer
        if at == pointer or at.startswith(pointer + "/"):
            inside.append(RepeatedKey(at[len(pointer) :], repeated_key.key))
        elif not at.startswith("/features/"):
            inside.append(RepeatedKey(at, repeated_key.key, around=True))
    return tuple(inside)


def is_link_loop(path: Path) -> bool:
    """Tell whether a path ends in a loop of symbolic links (``stat`` says ``ELOOP``)."""
    try:
        path.stat()
    except OSError as exc:
        return exc.errno == errno.ELOOP
    return False


def _loop_error(what: str) -> ReadError:
    return ReadError("io", f"{what}: a loop of symbolic links; not read")


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
        if not path.exists() and not is_link_loop(path):  # a loop is read, and said
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


class _ByteSource(Protocol):
    """Anything binary to read from: a file, a pipe, a stream that counts what it gives."""

    def read(self, size: int = -1, /) -> bytes: ...


def split_lines(stream: _ByteSource, max_bytes: int, total: int | None = None) -> Iterator[bytes]:
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
_ALL_BUT_BRACKETS_AND_COLONS = bytes(byte for byte in range(256) if byte not in b"[{:")


def _opening_brackets(data: bytes) -> int:
    """How many ``[`` and ``{`` a text holds: no nesting can be deeper (counted in C)."""
    return len(data.translate(None, _ALL_BUT_OPENING_BRACKETS))


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
    return isinstance(document, dict) and document.get("type") in ("Catalog", "Collection")


def _child_hrefs(document: dict[str, Any]) -> list[str]:
    links = document.get("links")
    if not isinstance(links, list):
        return []
    return [
        link["href"]
        for link in links
        if isinstance(link, dict)
        and link.get("rel") in ("child", "item")
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
    return list(reader.line_records(reader.parse(record.raw, record.source, record.line)))


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
