"""Write validation reports for people (text) and programs (JSON lines), and show progress.

The JSON form is one object per document, in input order, as documented in
:meth:`rs_stac_ext.validator.validation.DocumentReport.to_dict`; a final summary goes to
stderr only.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any
from urllib.parse import urlsplit

import orjson

from rs_stac_ext.schemas import find_version, is_known
from rs_stac_ext.validator._printable import printable as _printable
from rs_stac_ext.validator.problems import cut_list
from rs_stac_ext.validator.readers import JSON_SUFFIXES, NDJSON_SUFFIXES, InputSurvey
from rs_stac_ext.validator.validation import DocumentReport, Verdict

__all__ = [
    "Progress",
    "Rendered",
    "Renderer",
    "Summary",
    "Tally",
    "TextWriter",
    "json_line",
    "survey_text",
    "text_block",
    "unchecked_text",
]


def _schema_label(uri: str) -> str:
    if not uri:
        return ""
    if is_known(uri):
        entry = find_version(uri)
        return f"{entry.extension.value} {entry.version}"
    return uri


def json_line(report: DocumentReport) -> str:
    """Return the JSON line of one report (without line feed)."""
    return _json_bytes(report).decode("utf-8")


def _json_bytes(report: DocumentReport) -> bytes:
    """Return the JSON line of one report, UTF-8 encoded, without line feed."""
    try:
        # orjson writes a dataclass field by field, in order: the same object as to_dict().
        return orjson.dumps(report)
    except TypeError:  # a value orjson cannot encode: an integer beyond 64 bits, a lone surrogate
        return json.dumps(report.to_dict()).encode("ascii")


# Inputs that could not be read: counted apart, they make the exit code 2. A limit refusal
# (too large, too deep) is one: the document was not checked, so it is not called invalid.
_IO_KINDS = frozenset({"read/io", "read/usage", "read/network", "read/json", "read/limit"})


@dataclass
class Tally:
    """Counts over some reports; tallies of separate runs of reports merge.

    Attributes:
        documents: Reports seen.
        valid: Documents without error.
        invalid: Documents with at least one error (unreadable inputs included).
        incomplete: Documents without error that were not fully checked (a schema they need
            could not be had).
        io_errors: Inputs that could not be read at all (missing file, permission, network,
            larger or deeper than the limits).
        not_followed: Linked documents not read because their link was not followed (counted
            among the incomplete).
        warnings: Warnings over all documents.
        unchecked: For each schema that could not be had, how many documents needed it.
        reasons: For each schema that could not be had, why.
    """

    documents: int = 0
    valid: int = 0
    invalid: int = 0
    incomplete: int = 0
    io_errors: int = 0
    warnings: int = 0
    not_followed: int = 0
    unchecked: dict[str, int] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)

    def add(self, report: DocumentReport) -> None:
        """Count one report."""
        self.documents += 1
        if report.verdict is Verdict.VALID:
            self.valid += 1
        elif report.verdict is Verdict.INCOMPLETE:
            self.incomplete += 1
        else:
            self.invalid += 1
            if any(p.keyword in _IO_KINDS for p in report.errors):
                self.io_errors += 1
        for item in report.not_checked:
            if not item.schema:  # a linked document that was not read
                self.not_followed += 1
                continue
            self.unchecked[item.schema] = self.unchecked.get(item.schema, 0) + 1
            self.reasons.setdefault(item.schema, item.reason)
        self.warnings += len(report.warnings)

    def merge(self, other: Tally) -> None:
        """Add the counts of another tally to this one."""
        self.documents += other.documents
        self.valid += other.valid
        self.invalid += other.invalid
        self.incomplete += other.incomplete
        self.io_errors += other.io_errors
        self.warnings += other.warnings
        self.not_followed += other.not_followed
        for schema, count in other.unchecked.items():
            self.unchecked[schema] = self.unchecked.get(schema, 0) + count
        for schema, reason in other.reasons.items():
            self.reasons.setdefault(schema, reason)


@dataclass
class Summary(Tally):
    """The counts over a whole run, and how long it took.

    Attributes:
        started: When the run started (``time.perf_counter``).
    """

    started: float = field(default_factory=time.perf_counter)
    missing_inputs: int = 0

    def line(self) -> str:
        """One line for people."""
        elapsed = max(time.perf_counter() - self.started, 1e-9)
        text = (
            f"{self.documents} document(s): {self.valid} valid, {self.invalid} invalid, "
            f"{self.incomplete} incomplete, {self.warnings} warning(s)"
        )
        if self.not_followed:
            text += f", {self.not_followed} link(s) not followed"
        if self.missing_inputs:
            text += f", {self.missing_inputs} input(s) not found"
        return text + f" in {elapsed:.2f} s ({self.documents / elapsed:,.0f}/s)"


_FOLDER_SUFFIXES = ", ".join((*JSON_SUFFIXES, *NDJSON_SUFFIXES)[:-1])
_FOLDER_SUFFIXES += f" and {(*JSON_SUFFIXES, *NDJSON_SUFFIXES)[-1]}"


def survey_text(survey: InputSurvey, output_format: str = "text") -> str:
    """Say, for stderr, which inputs name nothing and how many files each folder walk skips.

    Args:
        survey: What :func:`~rs_stac_ext.validator.readers.survey_inputs` found.
        output_format: ``text``: one line each for people; ``json``: one JSON object each
            (``"event"``: ``input-error`` or ``skipped-files``), for programs.
    """
    lines: list[str] = []
    for target in survey.missing:
        message = f"{target}: no such file or folder"
        if output_format == "json":
            error = {"event": "input-error", "source": target, "kind": "not-found"}
            lines.append(json.dumps({**error, "message": message}, ensure_ascii=False))
        else:
            lines.append(f"error: {_printable(message)}")
    for skipped in survey.skipped:
        count = len(skipped.files)
        message = (
            f"skipped {count} non-JSON file(s) in {skipped.folder}: "
            f"{cut_list(list(skipped.files))} (a folder walk reads only {_FOLDER_SUFFIXES} "
            "files; name a file on the command line to check it anyway)"
        )
        if output_format == "json":
            record: dict[str, Any] = {
                "event": "skipped-files",
                "source": skipped.folder,
                "count": count,
                "files": list(skipped.files),
                "message": message,
            }
            lines.append(json.dumps(record, ensure_ascii=False))
        else:
            lines.append(_printable(message))
    return "".join(line + "\n" for line in lines)


def _where(report: DocumentReport) -> str:
    where = report.source
    if report.line is not None:
        where += f":{report.line}"
    if report.pointer:
        where += f"#{report.pointer}"
    return _printable(where + (f" [{report.id}]" if report.id else ""))


def text_block(report: DocumentReport, *, quiet: bool = False, show_warnings: bool = True) -> str:
    """Return the text of one report: a verdict line, then one line per problem.

    Schemas that could not be checked are only announced here; :func:`unchecked_text` lists
    them once for the whole run.

    Args:
        report: The report.
        quiet: Write nothing for a valid document without warnings.
        show_warnings: Also write the warnings.
    """
    if report.valid and quiet and not report.warnings:
        return ""
    verdict = _VERDICT_WORDS[report.verdict]
    if README_ORIGIN in report.origins.values():
        verdict += f" ({README_ORIGIN})"
    schemas = [item.schema for item in report.not_checked if item.schema]
    if schemas:
        labels = ", ".join(_schema_label(schema) for schema in schemas)
        verdict += f" (not checked: {_printable(labels)})"
    elif report.not_checked:
        verdict += " (not read)"
    lines = [f"{_where(report)}: {verdict}\n"]
    for problem in report.errors:
        label = _schema_label(problem.schema)
        suffix = f"  ({_printable(label)})" if label else ""
        lines.append(
            f"  error   {_printable(problem.path or '/')}: {_printable(problem.message)}{suffix}\n"
        )
    if show_warnings:
        for problem in report.warnings:
            lines.append(
                f"  warning {_printable(problem.path or '/')}: {_printable(problem.message)}\n"
            )
    return "".join(lines)


README_ORIGIN = "readme"
"""The origin of schemas written from a specification's README; a verdict resting on one says so."""

_VERDICT_WORDS = {
    Verdict.VALID: "valid",
    Verdict.INVALID: "INVALID",
    Verdict.INCOMPLETE: "INCOMPLETE",
}


def unchecked_text(tally: Tally) -> str:
    """Say once per schema that could not be checked: for how many documents, why, and the fix.

    One short line each, for stderr; the full reason, source by source, is in the JSON report.
    """
    lines = [
        _printable(
            f"not checked: {schema} (needed by {count} document(s)): "
            f"{_short_reason(tally.reasons[schema])}{_fix(schema, tally.reasons[schema])}"
        )
        + "\n"
        for schema, count in sorted(tally.unchecked.items())
    ]
    if tally.not_followed:
        lines.append(
            f"not read: {tally.not_followed} linked document(s), their links not followed "
            "(each report says why and which option would read it)\n"
        )
    return "".join(lines)


def _short_reason(reason: str) -> str:
    for part in reason.split("; "):
        if part.startswith(_UNUSABLE_TEXT):
            return part
    if "not packaged" in reason and "not allowed" in reason:
        return "not available offline"
    first = reason.split("; ")[0]
    return first if len(first) <= 160 else first[:157] + "..."


def _fix(schema: str, reason: str) -> str:
    """The one command that would get a schema, when downloading it would."""
    wanted = [schema]
    referenced = re.search(r"references (https?://\S+?),? which", reason)
    if referenced:
        wanted = [referenced.group(1)]
    elif "not available offline" not in _short_reason(reason):
        return ""
    hosts = sorted({_allow_entry(uri) for uri in wanted if uri.startswith("http")})
    if not hosts or not all(hosts):
        return ""
    allow = " ".join(f"--allow-host {host}" for host in hosts)
    return f"; get it with: rs-stac schemas fetch {allow} {' '.join(wanted)}"


_UNUSABLE_TEXT = "the text published at this identifier is not"


def _allow_entry(uri: str) -> str:
    """The ``--allow-host`` value that lets the resolver fetch ``uri`` (plain http spelled out)."""
    parts = urlsplit(uri)
    host = parts.hostname or ""
    if parts.scheme == "http" and host:
        return f"http://{parts.netloc.rpartition('@')[2]}"
    if parts.port is not None and host:
        return f"{host}:{parts.port}"
    return host


@dataclass(frozen=True)
class Rendered:
    """The output of a run of reports, and their tally.

    Attributes:
        data: What to write to standard output, UTF-8 encoded.
        tally: The counts over these reports.
    """

    data: bytes
    tally: Tally


@dataclass(frozen=True)
class Renderer:
    """Turns runs of reports into output text and counts (picklable: workers render too).

    Attributes:
        output_format: ``text`` (for people) or ``json`` (one object per line).
        quiet: Text output: write nothing for valid documents without warnings.
        show_warnings: Text output: also write the warnings.
    """

    output_format: str = "text"
    quiet: bool = False
    show_warnings: bool = True

    def __call__(self, reports: list[DocumentReport]) -> Rendered:
        """Render reports, in order."""
        tally = Tally()
        for report in reports:
            tally.add(report)
        if self.output_format == "json":
            data = b"".join([_json_bytes(report) + b"\n" for report in reports])
        else:
            text = "".join(
                [text_block(r, quiet=self.quiet, show_warnings=self.show_warnings) for r in reports]
            )
            data = text.encode("utf-8", "backslashreplace")  # lone surrogates stay visible
        return Rendered(data, tally)


class TextWriter:
    """Writes reports for people, one at a time."""

    def __init__(self, stream: IO[str], *, quiet: bool = False, show_warnings: bool = True):
        self.stream = stream
        self.quiet = quiet
        self.show_warnings = show_warnings
        self.tally = Tally()

    def write(self, report: DocumentReport) -> None:
        """Write one report: a verdict line, then one line per problem.

        Schemas that could not be checked are only counted here; :meth:`finish` lists them.
        """
        self.tally.add(report)
        self.stream.write(text_block(report, quiet=self.quiet, show_warnings=self.show_warnings))

    def finish(self) -> None:
        """Say once which schemas could not be checked, and for how many documents."""
        self.stream.write(unchecked_text(self.tally))


class Progress:
    """A one-line counter on a terminal's stderr, redrawn at most five times a second."""

    def __init__(self, stream: IO[str] | None = None, *, enabled: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.count = 0
        self.started = time.perf_counter()
        self._drawn = 0.0
        self.clock: Callable[[], float] = time.perf_counter

    def tick(self, documents: int = 1) -> None:
        """Count documents and redraw if it is time."""
        self.count += documents
        if not self.enabled:
            return
        now = self.clock()
        if now - self._drawn >= 0.2:
            self._drawn = now
            rate = self.count / max(now - self.started, 1e-9)
            self.stream.write(f"\rvalidated {self.count:,} document(s) ({rate:,.0f}/s)")
            self.stream.flush()

    def close(self) -> None:
        """Clear the counter line."""
        if self.enabled and self.count:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
