"""Write validation reports for people (text) and programs (JSON lines), and show progress.

The JSON form is one object per document, in input order, as documented in
:meth:`rs_stac_ext.validation.DocumentReport.to_dict`; a final summary goes to stderr only.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO

import orjson

from rs_stac_ext.schemas import find_version, is_known
from rs_stac_ext.validation import DocumentReport

__all__ = ["Progress", "Summary", "TextWriter", "json_line"]


def _schema_label(uri: str) -> str:
    if not uri:
        return ""
    if is_known(uri):
        entry = find_version(uri)
        return f"{entry.extension.value} {entry.version}"
    return uri


def json_line(report: DocumentReport) -> str:
    """Return the JSON line of one report."""
    try:
        return orjson.dumps(report.to_dict()).decode("utf-8")
    except TypeError:  # a value orjson cannot encode, such as an integer beyond 64 bits
        return json.dumps(report.to_dict(), ensure_ascii=False)


@dataclass
class Summary:
    """Counts over a run.

    Attributes:
        documents: Reports seen.
        valid: Documents without error.
        invalid: Documents with at least one error (unreadable inputs included).
        incomplete: Documents naming a schema that could not be checked.
        io_errors: Inputs that could not be read at all (missing file, permission, network).
        warnings: Warnings over all documents.
    """

    documents: int = 0
    valid: int = 0
    invalid: int = 0
    incomplete: int = 0
    io_errors: int = 0
    warnings: int = 0
    started: float = field(default_factory=time.perf_counter)

    def add(self, report: DocumentReport) -> None:
        """Count one report."""
        self.documents += 1
        if report.valid:
            self.valid += 1
        else:
            self.invalid += 1
        if report.not_checked:
            self.incomplete += 1
        if any(p.keyword in {"read/io", "read/usage", "read/network"} for p in report.errors):
            self.io_errors += 1
        self.warnings += len(report.warnings)

    def line(self) -> str:
        """One line for people."""
        elapsed = max(time.perf_counter() - self.started, 1e-9)
        text = (
            f"{self.documents} document(s): {self.valid} valid, {self.invalid} invalid, "
            f"{self.warnings} warning(s)"
        )
        if self.incomplete:
            text += f", {self.incomplete} not fully checked (a schema could not be had)"
        return text + f" in {elapsed:.2f} s ({self.documents / elapsed:,.0f}/s)"


class TextWriter:
    """Writes reports for people."""

    def __init__(self, stream: IO[str], *, quiet: bool = False, show_warnings: bool = True):
        self.stream = stream
        self.quiet = quiet
        self.show_warnings = show_warnings
        self._unchecked: dict[str, int] = {}
        self._reasons: dict[str, str] = {}

    @staticmethod
    def _where(report: DocumentReport) -> str:
        where = report.source
        if report.line is not None:
            where += f":{report.line}"
        if report.pointer:
            where += f"#{report.pointer}"
        return where + (f" [{report.id}]" if report.id else "")

    def write(self, report: DocumentReport) -> None:
        """Write one report: a verdict line, then one line per problem.

        Schemas that could not be checked are only counted here; :meth:`finish` lists them.
        """
        for item in report.not_checked:
            self._unchecked[item.schema] = self._unchecked.get(item.schema, 0) + 1
            self._reasons.setdefault(item.schema, item.reason)
        if report.valid and self.quiet and not report.warnings:
            return
        verdict = "valid" if report.valid else "INVALID"
        if report.not_checked:
            verdict += f" ({len(report.not_checked)} schema(s) not checked, listed at the end)"
        self.stream.write(f"{self._where(report)}: {verdict}\n")
        for problem in report.errors:
            label = _schema_label(problem.schema)
            suffix = f"  ({label})" if label else ""
            self.stream.write(f"  error   {problem.path or '/'}: {problem.message}{suffix}\n")
        if self.show_warnings:
            for problem in report.warnings:
                self.stream.write(f"  warning {problem.path or '/'}: {problem.message}\n")

    def finish(self) -> None:
        """Say once which schemas could not be checked, and for how many documents."""
        for schema, count in sorted(self._unchecked.items()):
            self.stream.write(
                f"not checked in {count} document(s): {schema} ({self._reasons[schema]})\n"
            )


class Progress:
    """A one-line counter on a terminal's stderr, redrawn at most five times a second."""

    def __init__(self, stream: IO[str] | None = None, *, enabled: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.count = 0
        self.started = time.perf_counter()
        self._drawn = 0.0
        self.clock: Callable[[], float] = time.perf_counter

    def tick(self) -> None:
        """Count one document and redraw if it is time."""
        self.count += 1
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
