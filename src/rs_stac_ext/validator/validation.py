"""Validate STAC documents: core schema, declared extensions, rules, all problems at once.

:func:`validate` is the Python API behind ``rs-stac validate``; both return the same
:class:`DocumentReport` records, in input order.

What a document is checked against, unless one schema is named explicitly:

* the STAC core schema of its ``type`` (Item, Catalog, Collection) and ``stac_version``;
* every schema listed in ``stac_extensions``;
* the rules of :mod:`rs_stac_ext.validator.rules` (what a schema cannot express), and lint warnings.

A schema that cannot be had (not packaged, not mirrored, not cached, host not allowed) is
listed in ``not_checked`` with the reason: it is never silently taken as passed.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeVar

from rs_stac_ext.schemas import FormatMode
from rs_stac_ext.schemas.resolver import ResolverSettings, SchemaResolver, SchemaUnavailableError
from rs_stac_ext.validator._bounded_regex import PatternTooSlow
from rs_stac_ext.validator._own_identifiers import own_identifier_problem
from rs_stac_ext.validator.engine import CompiledSchema, Engine, SchemaCompiler
from rs_stac_ext.validator.problems import Problem
from rs_stac_ext.validator.readers import (
    NDJSON_SUFFIXES,
    InputDocument,
    ReaderSettings,
    parse_deferred,
    read_inputs,
    read_ndjson_range,
    too_deep,
)
from rs_stac_ext.validator.rules import RuleSet

if TYPE_CHECKING:
    from concurrent.futures import Future

__all__ = [
    "DocumentReport",
    "NotChecked",
    "ValidationOptions",
    "Validator",
    "Verdict",
    "core_schema_uri",
    "declared_extensions",
    "validate",
    "validate_mapped",
]

T = TypeVar("T")

_CORE_KINDS = {"Feature": "item", "Catalog": "catalog", "Collection": "collection"}


def core_schema_uri(document_type: str, stac_version: str) -> str | None:
    """Return the STAC core schema of a document type and version.

    Args:
        document_type: ``Feature``, ``Catalog`` or ``Collection``.
        stac_version: Such as ``1.1.0``.

    Returns:
        The schema URI, or ``None`` for a type STAC does not define.
    """
    kind = _CORE_KINDS.get(document_type)
    if kind is None:
        return None
    return f"https://schemas.stacspec.org/v{stac_version}/{kind}-spec/json-schema/{kind}.json"


@dataclass(frozen=True, slots=True)
class NotChecked:
    """A schema a document names but that could not be had.

    Attributes:
        schema: The schema URI.
        reason: Why it could not be had, source by source.
    """

    schema: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        """Return a JSON-ready dict."""
        return {"schema": self.schema, "reason": self.reason}


class Verdict(StrEnum):
    """The outcome for one document.

    Attributes:
        VALID: Every schema the document needs was checked and passed, and no rule failed.
        INVALID: At least one error (an unreadable input included).
        INCOMPLETE: No error was found, but a schema the document needs could not be had or
            could not be used, so the document was not fully checked.
    """

    VALID = "valid"
    INVALID = "invalid"
    INCOMPLETE = "incomplete"


@dataclass(slots=True)
class DocumentReport:
    """The verdict on one document.

    ``verdict`` is decided from the rest when the report is made: any error makes the document
    invalid; otherwise a schema that could not be checked makes it incomplete, and ``valid`` is
    then ``False``: a document is never called valid for what was not checked.

    Attributes:
        source: File path, ``-`` or URL the document came from.
        line: Line number in an NDJSON source.
        pointer: Location of the document inside its file (``/features/2``), if not the root.
        id: The document's ``id`` when it has a string one.
        valid: ``True`` only for the verdict :attr:`Verdict.VALID`. Passing ``False`` with no
            error is kept as invalid.
        errors: Problems that make the document invalid.
        warnings: Problems worth knowing that do not.
        checked: Schemas the document was checked against.
        not_checked: Schemas the document needs that could not be checked.
        origins: Where each schema of ``checked`` came from (``packaged``, ``community``,
            ``readme``, ``mirror``...): a verdict resting on a ``readme`` schema rests on a
            schema written from a specification's README, for want of a published text.
        verdict: Valid, invalid or incomplete (computed; any value passed is replaced).
    """

    source: str
    line: int | None = None
    pointer: str = ""
    id: str | None = None
    valid: bool = True
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)
    not_checked: list[NotChecked] = field(default_factory=list)
    origins: dict[str, str] = field(default_factory=dict)
    verdict: Verdict = Verdict.VALID

    def __post_init__(self) -> None:
        if self.errors or not self.valid:
            self.verdict = Verdict.INVALID
        elif self.not_checked:
            self.verdict = Verdict.INCOMPLETE
        else:
            self.verdict = Verdict.VALID
        self.valid = self.verdict is Verdict.VALID

    @property
    def complete(self) -> bool:
        """Every schema the document needs was checked."""
        return not self.not_checked

    def to_dict(self) -> dict[str, Any]:
        """Return the stable JSON form used by ``--format json``."""
        return {
            "source": self.source,
            "line": self.line,
            "pointer": self.pointer,
            "id": self.id,
            "valid": self.valid,
            "errors": [problem.to_dict() for problem in self.errors],
            "warnings": [problem.to_dict() for problem in self.warnings],
            "checked": list(self.checked),
            "not_checked": [item.to_dict() for item in self.not_checked],
            "origins": dict(self.origins),
            "verdict": self.verdict.value,
        }


@dataclass(frozen=True)
class ValidationOptions:
    """Everything that decides how documents are validated (picklable, for ``jobs``).

    Attributes:
        schema: Check against this schema only (no core schema, no rules, no lint).
        formats: The format policy.
        engine: Which JSON Schema engine may answer.
        rules: Run the checks a schema cannot express.
        lint: Warn about prefixed fields of undeclared extensions.
        core: Check the STAC core schema.
        resolver: Where schemas come from.
        reader: Limits and permissions for reading inputs.
    """

    schema: str | None = None
    formats: FormatMode = FormatMode.DRAFT7
    engine: Engine = Engine.AUTO
    rules: bool = True
    lint: bool = True
    core: bool = True
    resolver: ResolverSettings = field(default_factory=ResolverSettings)
    reader: ReaderSettings = field(default_factory=ReaderSettings)


class _ResolverSource:
    """Adapts :class:`SchemaResolver` to the engine's ``SchemaSource`` protocol."""

    def __init__(self, resolver: SchemaResolver) -> None:
        self.resolver = resolver

    def resolve_contents(self, uri: str) -> Mapping[str, Any]:
        return self.resolver.resolve(uri).contents


class Validator:
    """Validates documents one at a time; schemas are resolved and compiled once.

    Args:
        options: How to validate.
        resolver: A resolver to share (default: one built from ``options.resolver``).
    """

    def __init__(
        self, options: ValidationOptions | None = None, resolver: SchemaResolver | None = None
    ) -> None:
        self.options = options or ValidationOptions()
        self.resolver = resolver or SchemaResolver(self.options.resolver)
        self.compiler = SchemaCompiler(
            _ResolverSource(self.resolver), self.options.formats, self.options.engine
        )
        self._unavailable: dict[str, str] = {}
        self._plans: dict[Any, _Plan] = {}

    def schemas_for(self, document: Any) -> tuple[list[str], list[Problem]]:
        """Return the schemas a document must satisfy, and problems found choosing them."""
        if self.options.schema is not None:
            return [self.options.schema.strip().removesuffix("#")], []
        if not isinstance(document, dict):
            return [], [_plain_problem("", "expected a JSON object (a STAC document)")]
        uris: list[str] = []
        problems: list[Problem] = []
        if self.options.core:
            core, problem = _core_for(document)
            if core is not None:
                uris.append(core)
            if problem is not None:
                problems.append(problem)
        listed = document.get("stac_extensions")
        for uri in declared_extensions(document):
            wrong = own_identifier_problem(uri)
            if wrong is not None:
                problems.append(_plain_problem(_declared_at(listed, uri), wrong, _OWN_IDENTIFIER))
            elif uri not in uris:
                uris.append(uri)
        return uris, problems

    def check(self, record: InputDocument) -> DocumentReport:
        """Validate one input record.

        Whatever a schema holds, a report comes back: a schema whose check fails (a reference
        cycle, a keyword an engine cannot evaluate) is reported as not checked.
        """
        try:
            return self._check(record)
        except RecursionError:
            if not too_deep(record.document, self.options.reader.max_depth):
                return self._failed(record, "the check recursed without end (a $ref cycle?)")
            # Only documents handed over already parsed get here: read ones are held to the
            # reader's depth limit, well below what Python's recursive checks can take.
            message = (
                "nested too deeply to be checked (the reader refuses more than "
                f"{self.options.reader.max_depth} levels)"
            )
            return _refused(record, message, "read/limit")
        except Exception as exc:
            return self._failed(record, f"the check failed: {type(exc).__name__}: {exc}")

    def _failed(self, record: InputDocument, reason: str) -> DocumentReport:
        """The report on a document whose schemas could not be checked: incomplete."""
        document = record.document
        plan = self._plan_for(document)
        identifier = document.get("id") if isinstance(document, dict) else None
        problems = list(plan.choice_problems)
        if plan.rules is not None:
            problems.extend(plan.rules.run(document))
        errors = [p for p in problems if p.severity == "error"]
        return DocumentReport(
            record.source,
            record.line,
            record.pointer,
            identifier if isinstance(identifier, str) else None,
            errors=errors,
            warnings=[p for p in problems if p.severity != "error"],
            not_checked=[*plan.not_checked, *(NotChecked(uri, reason) for uri in plan.checked)],
        )

    def _check(self, record: InputDocument) -> DocumentReport:
        if record.error is not None:
            if record.error.kind == "not-followed":
                return _not_read(record, record.error.message)
            return _refused(record, record.error.message, f"read/{record.error.kind}")
        document = record.document
        plan = self._plan_for(document)
        problems = list(plan.choice_problems)
        problems.extend(
            _plain_problem(repeated.path, repeated.message, REPEATED_KEY)
            for repeated in record.repeated_keys
        )
        checked = list(plan.checked)
        not_checked = list(plan.not_checked)
        origins = dict(plan.origins)
        if plan.compiled is not None:
            try:
                problems.extend(plan.compiled.problems(document))  # one native call when valid
            except PatternTooSlow:
                # Some schema's pattern ran out of time: check the schemas one by one, so
                # only the schema holding that pattern goes unchecked.
                found, checked, slow = self._schema_by_schema(plan.checked, document)
                problems.extend(found)
                not_checked.extend(slow)
                origins = {uri: origin for uri, origin in origins.items() if uri in checked}
        if plan.rules is not None:
            problems.extend(plan.rules.run(document))
        identifier = document.get("id") if isinstance(document, dict) else None
        if not problems:
            return DocumentReport(
                record.source,
                record.line,
                record.pointer,
                identifier if isinstance(identifier, str) else None,
                checked=checked,
                not_checked=not_checked,
                origins=origins,
            )
        errors = [p for p in problems if p.severity == "error"]
        return DocumentReport(
            record.source,
            record.line,
            record.pointer,
            identifier if isinstance(identifier, str) else None,
            valid=not errors,
            errors=errors,
            warnings=[p for p in problems if p.severity != "error"],
            checked=checked,
            not_checked=not_checked,
            origins=origins,
        )

    def _schema_by_schema(
        self, uris: Iterable[str], document: Any
    ) -> tuple[list[Problem], list[str], list[NotChecked]]:
        """Check a document against each schema alone; a pattern out of time skips its schema.

        Returns:
            The problems found, the schemas checked, and those not checked with the reason.
        """
        problems: list[Problem] = []
        checked: list[str] = []
        slow: list[NotChecked] = []
        for uri in uris:
            try:
                problems.extend(self.compiler.compile([uri]).problems(document))
            except PatternTooSlow as exc:
                slow.append(NotChecked(uri, str(exc)))
            else:
                checked.append(uri)
        return problems, checked, slow

    def _plan_for(self, document: Any) -> _Plan:
        """Return what a document is checked against, prepared once per kind of document.

        Documents that agree on ``type``, ``stac_version`` and ``stac_extensions`` are checked
        against the same schemas and rules, so those are chosen once and reused.
        """
        if self.options.schema is not None:
            key: Any = _ONE_SCHEMA
        elif isinstance(document, dict):
            kind = document.get("type", _ABSENT)
            version = document.get("stac_version", _ABSENT)
            listed = document.get("stac_extensions", _ABSENT)
            if not isinstance(kind, str | _Absent) or not isinstance(version, str | _Absent):
                return self._make_plan(document)  # equal but different values (1, 1.0, True)
            key = (kind, version, tuple(listed) if isinstance(listed, list) else listed)
        else:
            return self._make_plan(document)
        try:
            return self._plans[key]
        except KeyError:
            pass
        except TypeError:  # an unhashable value in stac_extensions
            return self._make_plan(document)
        plan = self._make_plan(document)
        if len(self._plans) < _MAX_PLANS:
            self._plans[key] = plan
        return plan

    def _make_plan(self, document: Any) -> _Plan:
        uris, problems = self.schemas_for(document)
        usable: list[str] = []
        not_checked: list[NotChecked] = []
        for uri in uris:
            reason = self._availability(uri)
            if reason is None:
                usable.append(uri)
            else:
                not_checked.append(NotChecked(uri, reason))
        rules: RuleSet | None = None
        if self.options.schema is None and (self.options.rules or self.options.lint):
            listed = declared_extensions(document) if isinstance(document, dict) else None
            rules = RuleSet.for_extensions(listed, rules=self.options.rules, lint=self.options.lint)
        return _Plan(
            compiled=self.compiler.compile(usable) if usable else None,
            checked=tuple(usable),
            not_checked=tuple(not_checked),
            origins=tuple((uri, self._origin(uri)) for uri in usable),
            choice_problems=tuple(problems),
            rules=rules,
        )

    def _origin(self, uri: str) -> str:
        try:
            return self.resolver.resolve(uri).origin
        except SchemaUnavailableError:  # only an engine-given schema (--schema) gets here
            return "unknown"

    def _availability(self, uri: str) -> str | None:
        if uri in self._unavailable:
            return self._unavailable[uri]
        try:
            self.compiler.vet(uri)
        except SchemaUnavailableError as exc:
            self._unavailable[uri] = "; ".join(exc.reasons)
            return self._unavailable[uri]
        except LookupError as exc:
            self._unavailable[uri] = str(exc)
            return self._unavailable[uri]
        except Exception as exc:  # any schema set, however broken, leaves the run going
            self._unavailable[uri] = f"the schema could not be used: {type(exc).__name__}: {exc}"
            return self._unavailable[uri]
        return None


class _Absent:
    """Marks a member a document does not have (distinct from ``null``)."""


_ABSENT = _Absent()
_ONE_SCHEMA = _Absent()
# Distinct kinds of document remembered per validator; past this, plans are made afresh.
_MAX_PLANS = 1024


@dataclass(frozen=True)
class _Plan:
    """The schemas and rules that documents of one kind are checked against."""

    compiled: CompiledSchema | None
    checked: tuple[str, ...]
    not_checked: tuple[NotChecked, ...]
    choice_problems: tuple[Problem, ...]
    rules: RuleSet | None
    origins: tuple[tuple[str, str], ...] = ()


_OWN_IDENTIFIER = "stac/unknown-identifier"


def _declared_at(listed: Any, uri: str) -> str:
    """The JSON pointer of the ``stac_extensions`` entry that declares ``uri``."""
    if isinstance(listed, list):
        for index, item in enumerate(listed):
            if isinstance(item, str) and item.strip().removesuffix("#") == uri:
                return f"/stac_extensions/{index}"
    return "/stac_extensions"


def _plain_problem(path: str, message: str, keyword: str = "stac/document") -> Problem:
    return Problem(schema="", path=path, message=message, keyword=keyword, schema_path="")


NOT_FOLLOWED = "read/not-followed"
"""The keyword of the warning on a linked document that was not read."""
REPEATED_KEY = "json/repeated-key"
"""The keyword of the error on a key that appears more than once in one object."""


def _not_read(record: InputDocument, message: str) -> DocumentReport:
    """The report on a document a catalog links to that was not read: incomplete, not valid.

    Its one ``not_checked`` entry has an empty ``schema``: nothing of the document was checked.
    """
    return DocumentReport(
        record.source,
        record.line,
        record.pointer,
        warnings=[
            Problem(
                schema="",
                path="",
                message=message,
                keyword=NOT_FOLLOWED,
                schema_path="",
                severity="warning",
            )
        ],
        not_checked=[NotChecked("", message)],
    )


def _refused(record: InputDocument, message: str, keyword: str) -> DocumentReport:
    """The report on an input that could not be checked at all."""
    return DocumentReport(
        record.source,
        record.line,
        record.pointer,
        valid=False,
        errors=[_plain_problem("", message, keyword)],
    )


def _core_for(document: dict[str, Any]) -> tuple[str | None, Problem | None]:
    kind = document.get("type", _ABSENT)
    version = document.get("stac_version")
    if kind is _ABSENT and isinstance(version, str):
        kind = _untyped_kind(document)  # before 1.0.0-rc.1, STAC objects had no "type"
    if not isinstance(kind, str) or kind not in _CORE_KINDS:
        shown = repr(kind) if kind is not _ABSENT else "no type"
        return None, _plain_problem(
            "/type" if "type" in document else "",
            f"expected a STAC Item, Catalog or Collection (type Feature, Catalog or Collection), "
            f"got {shown}",
        )
    if not isinstance(version, str):
        return None, _plain_problem(
            "/stac_version" if "stac_version" in document else "",
            "missing stac_version: the core schema to check against is unknown",
        )
    return core_schema_uri(kind, version.strip().removeprefix("v")), None


def _untyped_kind(document: dict[str, Any]) -> str:
    """Tell what a STAC document without ``type`` is, as stac-validator does.

    STAC before 1.0.0-rc.1 gave Catalogs and Collections no ``type``; a Collection is told by
    its ``extent`` or ``license``, an Item by its GeoJSON members, anything else is a Catalog.
    """
    if "extent" in document or "license" in document:
        return "Collection"
    if "geometry" in document or "properties" in document or "assets" in document:
        return "Feature"
    return "Catalog"


# Short extension names of STAC before 1.0.0 whose folder has another name.
_SHORT_NAME_FOLDERS = {
    "proj": "projection",
    "sci": "scientific",
    "cube": "datacube",
    "pc": "pointcloud",
}
_SHORT_NAME = re.compile(r"[a-z][a-z0-9-]*")


def declared_extensions(document: dict[str, Any]) -> list[str]:
    """Return the extension schemas a document declares, as URIs.

    Entries are stripped of a trailing ``#``; a short name of STAC before 1.0.0 (``"eo"``,
    ``"proj"``) becomes the schema STAC published for it beside that version's core schemas
    (``https://schemas.stacspec.org/<version>/extensions/<name>/json-schema/schema.json``).

    Args:
        document: The STAC document.

    Returns:
        The declared schema URIs, in order, without repeats.
    """
    listed = document.get("stac_extensions", [])
    if not isinstance(listed, list):
        return []
    version = document.get("stac_version")
    found: list[str] = []
    for item in listed:
        if not isinstance(item, str):
            continue
        uri = item.strip().removesuffix("#")
        if isinstance(version, str) and _SHORT_NAME.fullmatch(uri):
            folder = _SHORT_NAME_FOLDERS.get(uri, uri)
            uri = (
                f"https://schemas.stacspec.org/v{version.strip().removeprefix('v')}/extensions/"
                f"{folder}/json-schema/schema.json"
            )
        if uri and uri not in found:
            found.append(uri)
    return found


# ------------------------------------------------------------------------------------- running

_WORKER: Validator | None = None


def _init_worker(options: ValidationOptions) -> None:
    global _WORKER  # one validator per worker process, built once
    _WORKER = Validator(options)


def _check_batch(batch: list[InputDocument]) -> list[DocumentReport]:
    assert _WORKER is not None
    reader = _WORKER.options.reader
    return [_WORKER.check(parsed) for record in batch for parsed in parse_deferred(record, reader)]


@dataclass(frozen=True)
class _Chunk:
    """A run of whole lines of an NDJSON file, for a worker to read and check itself."""

    path: str
    start: int
    end: int
    first_line: int


def _ndjson_chunks(path: str, size: int) -> Iterator[_Chunk]:
    """Cut an NDJSON file into runs of whole lines of about ``size`` bytes.

    Only line feeds are counted here (workers parse); a line longer than a chunk is scanned
    piece by piece, so memory stays bounded whatever the input.
    """
    line = 1
    start = 0
    with Path(path).open("rb") as stream:
        while True:
            block = stream.read(size)
            if not block:
                return
            end = start + len(block)
            newlines = _count_lines(block)
            if len(block) == size and not block.endswith(b"\n"):
                while piece := stream.read(_SCAN_BYTES):
                    cut = piece.find(b"\n")
                    if cut >= 0:
                        end += cut + 1
                        newlines += 1
                        stream.seek(end)
                        break
                    end += len(piece)
            yield _Chunk(path, start, end, line)
            line += newlines
            start = end


_SCAN_BYTES = 2**16


def _count_lines(block: bytes) -> int:
    """Count the line feeds of a block.

    Jumping from one line feed to the next is about twice as fast as counting byte by byte
    when lines are long (STAC items are kilobytes); short lines are counted.
    """
    if block.count(b"\n", 0, 2**16) > 64:
        return block.count(b"\n")
    count = 0
    find = block.find
    at = find(b"\n")
    while at >= 0:
        count += 1
        at = find(b"\n", at + 1)
    return count


def _check_chunk(chunk: _Chunk) -> list[DocumentReport]:
    assert _WORKER is not None
    records = read_ndjson_range(
        chunk.path, chunk.start, chunk.end, chunk.first_line, _WORKER.options.reader
    )
    return [_WORKER.check(record) for record in records]


def _run_task(
    task: list[InputDocument] | _Chunk, transform: Callable[[list[DocumentReport]], T]
) -> T:
    reports = _check_chunk(task) if isinstance(task, _Chunk) else _check_batch(task)
    return transform(reports)


def _tasks(
    inputs: Iterable[Any],
    reader: ReaderSettings,
    stdin: IO[bytes] | None,
    batch_size: int,
    jobs: int,
) -> Iterator[list[InputDocument] | _Chunk]:
    """Split the work into chunks and batches.

    NDJSON files named directly become chunks that workers read themselves; everything else is
    read here and sent in batches.
    """
    pending: list[Any] = []
    for item in inputs:
        path = os.fspath(item) if isinstance(item, str | os.PathLike) else None
        if path is not None and path.lower().endswith(NDJSON_SUFFIXES) and Path(path).is_file():
            if pending:
                yield from _batches(_records(pending, reader, stdin), batch_size)
                pending = []
            yield from _ndjson_chunks(path, _chunk_size(Path(path).stat().st_size, jobs))
        else:
            pending.append(item)
    if pending:
        yield from _batches(_records(pending, reader, stdin), batch_size)


_CHUNK_BYTES = 4 * 2**20


def _chunk_size(file_size: int, jobs: int) -> int:
    """Return the chunk size for a file: at least eight chunks per worker, at most 4 MiB."""
    return min(_CHUNK_BYTES, max(64 * 2**10, file_size // (8 * jobs) + 1))


def _batches(records: Iterable[InputDocument], size: int) -> Iterator[list[InputDocument]]:
    batch: list[InputDocument] = []
    for record in records:
        batch.append(record)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _records(
    inputs: Iterable[Any], reader: ReaderSettings, stdin: IO[bytes] | None
) -> Iterator[InputDocument]:
    for index, item in enumerate(inputs):
        if isinstance(item, str | os.PathLike):
            yield from read_inputs([os.fspath(item)], reader, stdin=stdin)
        elif isinstance(item, InputDocument):
            yield item
        else:
            yield InputDocument(f"<input {index}>", document=item)


def validate(
    inputs: Iterable[Any],
    options: ValidationOptions | None = None,
    *,
    jobs: int = 1,
    stdin: IO[bytes] | None = None,
    batch_size: int = 256,
) -> Iterator[DocumentReport]:
    """Validate every document of the inputs and yield one report each, in input order.

    Args:
        inputs: Paths or folders (``str`` or ``PathLike``), ``-`` for stdin, http(s) URLs,
            :class:`~rs_stac_ext.validator.readers.InputDocument` records, or parsed documents
            (dicts), in any mix.
        options: How to validate.
        jobs: Worker processes (1 = in this process). Memory stays bounded: at most
            ``4 * jobs`` batches are in flight.
        stdin: Stream to read for ``-``.
        batch_size: Documents sent to a worker at a time.

    Yields:
        One report per document or unreadable input.
    """
    for reports in validate_mapped(
        inputs, list, options, jobs=jobs, stdin=stdin, batch_size=batch_size
    ):
        yield from reports


def validate_mapped(
    inputs: Iterable[Any],
    transform: Callable[[list[DocumentReport]], T],
    options: ValidationOptions | None = None,
    *,
    jobs: int = 1,
    stdin: IO[bytes] | None = None,
    batch_size: int = 256,
) -> Iterator[T]:
    """Validate like :func:`validate`, handing the reports to ``transform`` run by run.

    With ``jobs > 1`` the transform runs in the worker processes, next to the validation, so
    work such as writing the output text is shared out too and only its result travels back.
    In one process, each report is transformed on its own as soon as it is made (a live
    stream is reported as it arrives).

    Args:
        inputs: As for :func:`validate`.
        transform: Turns a list of reports, in input order, into anything. It must be picklable
            (a module-level function or an instance of a module-level class) when ``jobs > 1``.
        options: How to validate.
        jobs: Worker processes (1 = in this process).
        stdin: Stream to read for ``-``.
        batch_size: Documents sent to a worker at a time.

    Yields:
        The transform's results, in input order.
    """
    settings = options or ValidationOptions()
    reader = settings.reader
    if settings.schema is not None and reader.split_collections:
        # Checking against one named schema means checking each document exactly as given.
        reader = dataclasses.replace(reader, split_collections=False)
    if jobs <= 1:
        validator = Validator(dataclasses.replace(settings, reader=reader))
        for record in _records(inputs, reader, stdin):
            yield transform([validator.check(record)])
        return
    # Workers read NDJSON files named directly themselves, and parse every other NDJSON line:
    # sending a file offset, or bytes, is cheaper than sending documents.
    reader = dataclasses.replace(reader, defer_parsing=True)
    settings = dataclasses.replace(settings, reader=reader)
    tasks = _tasks(inputs, reader, stdin, batch_size, jobs)
    yield from _validate_parallel(tasks, settings, jobs, transform)


def _validate_parallel(
    tasks: Iterable[list[InputDocument] | _Chunk],
    options: ValidationOptions,
    jobs: int,
    transform: Callable[[list[DocumentReport]], T],
) -> Iterator[T]:
    from concurrent.futures import ProcessPoolExecutor

    window = 4 * jobs
    pending: deque[Future[T]] = deque()
    with ProcessPoolExecutor(
        max_workers=jobs, initializer=_init_worker, initargs=(options,)
    ) as pool:
        for task in tasks:
            pending.append(pool.submit(_run_task, task, transform))
            while len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def default_jobs() -> int:
    """Return the number of worker processes ``--jobs 0`` means (the usable CPUs)."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1)
