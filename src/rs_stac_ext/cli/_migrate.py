"""``rs-stac migrate``: upgrade files, folders, NDJSON and standard input to the newest versions.

Each input is read whole (a JSON document, or NDJSON: one document a line), every document is
upgraded with :func:`rs_stac_ext.pystac_ext.migrate.upgrade` (the features of a
FeatureCollection one by one) and the result goes to standard output, to ``-o FILE|DIR`` or
back into the input files (``--in-place``). Every change, then a summary, goes to stderr.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import click

from rs_stac_ext.cli._common import EXIT_OK, EXIT_USAGE

__all__ = ["migrate_command"]

_JSON_SUFFIXES = (".json", ".geojson")
_NDJSON_SUFFIXES = (".ndjson", ".jsonl", ".geojsonl", ".geojsons")
_STDIN = "-"
# Change.action -> how the summary counts it.
_CHANGE_WORDS = {
    "identifier": "identifier(s) rewritten",
    "move": "value(s) moved",
    "convert": "value(s) converted",
    "declare": "extension(s) declared",
    "remove": "value(s) removed (each one listed above)",
}


@dataclass
class _Input:
    """One file (or standard input) to migrate.

    Attributes:
        source: The path, or ``-``.
        relative: Where it goes under an output folder.
        ndjson: One document a line, rather than one JSON document.
        documents: The documents read, with the line of each for NDJSON.
        changes: The changes made, by kind.
        upgraded_documents: How many documents were looked at (each feature of a
            FeatureCollection counts).
        changed_documents: How many of them changed.
    """

    source: str
    relative: Path
    ndjson: bool = False
    documents: list[tuple[int | None, Any]] = field(default_factory=list)
    changes: Counter[str] = field(default_factory=Counter)
    upgraded_documents: int = 0
    changed_documents: int = 0

    @property
    def label(self) -> str:
        """The name used in messages."""
        return "<stdin>" if self.source == _STDIN else self.source

    def render(self, indent: int | None) -> str:
        """The migrated documents as text (JSON with ``indent``, or NDJSON)."""
        if self.ndjson:
            return "".join(_line(document) for _, document in self.documents)
        [(_, document)] = self.documents
        return json.dumps(document, indent=indent, ensure_ascii=False) + "\n"


class _ReadError(Exception):
    """An input that cannot be migrated; the message names the file and the place."""


def _line(document: Any) -> str:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n"


@click.command("migrate")
@click.argument("inputs", nargs=-1, metavar="INPUTS...")
@click.option(
    "-o",
    "--output",
    "output_name",
    type=click.Path(),  # a string: a trailing '/' asks for a folder
    default=None,
    metavar="FILE|DIR",
    help="Write to FILE (JSON for one JSON document, else NDJSON), or under the folder DIR "
    "(an existing folder, a name ending in '/', or any name when a folder is among the "
    "inputs), keeping each input's name and place. Default: standard output.",
)
@click.option(
    "--in-place",
    is_flag=True,
    help="Rewrite each input file that has a change (atomically); files already at the "
    "newest versions are left untouched.",
)
@click.option(
    "--indent",
    type=click.IntRange(min=0),
    default=2,
    show_default=True,
    help="JSON indentation of single documents (NDJSON stays one document a line).",
)
@click.option(
    "-q",
    "--quiet",
    is_flag=True,
    help="Only the summary and the removed values on stderr, not every change.",
)
def migrate_command(
    inputs: tuple[str, ...], output_name: str | None, in_place: bool, indent: int, quiet: bool
) -> None:
    """Upgrade documents to the newest version of each extension they declare.

    INPUTS are JSON files, NDJSON files (.ndjson, .jsonl: one document a line), folders
    (their .json, .geojson and NDJSON files, recursively) or - for standard input (JSON or
    NDJSON). The upgraded documents go to stdout (one JSON document as it was, several as
    NDJSON), to -o FILE|DIR or back into the files (--in-place); every change and a summary go
    to stderr. Exit code 2 when an input cannot be read (the others are still migrated).
    """
    from rs_stac_ext.pystac_ext.migrate import upgrade

    if not inputs:
        raise click.UsageError("name the INPUTS to migrate: files, folders, or - for stdin")
    output = Path(output_name) if output_name is not None else None
    if in_place and output is not None:
        raise click.UsageError("--in-place and -o/--output cannot be used together")
    if in_place and _STDIN in inputs:
        raise click.UsageError("--in-place cannot rewrite standard input: use -o FILE")
    to_folder = output_name is not None and _is_folder_output(output_name, inputs)
    if to_folder and _STDIN in inputs:
        raise click.UsageError("standard input goes to stdout or to -o FILE, not to a folder")
    failures = 0
    migrated: list[_Input] = []
    for item in _inputs(inputs):
        try:
            _read(item)
        except _ReadError as exc:
            click.echo(f"error: {exc}", err=True)
            failures += 1
            continue
        _upgrade_all(item, upgrade, quiet)
        migrated.append(item)
    if to_folder:
        assert output is not None
        _check_unique_targets(migrated)
    written = _write(migrated, output, to_folder, in_place, indent)
    click.echo(_summary(migrated, failures, written), err=True)
    sys.exit(EXIT_USAGE if failures else EXIT_OK)


def _is_folder_output(name: str, inputs: tuple[str, ...]) -> bool:
    output = Path(name)
    if output.is_dir() or name.endswith(("/", os.sep)):
        return True
    if not any(Path(name).is_dir() for name in inputs if name != _STDIN):
        return False
    if output.exists():
        raise click.UsageError(f"{output} is a file: a folder input needs -o DIR (a folder)")
    return True


def _inputs(names: tuple[str, ...]) -> Iterator[_Input]:
    """Every file to migrate, folders walked in name order."""
    for name in names:
        if name == _STDIN:
            yield _Input(_STDIN, Path("stdin.json"))
            continue
        path = Path(name)
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in (*_JSON_SUFFIXES, *_NDJSON_SUFFIXES)
            )
            if not found:
                click.echo(f"warning: {path}: no .json or NDJSON file in this folder", err=True)
            for file in found:
                yield _Input(str(file), file.relative_to(path))
        else:
            yield _Input(name, Path(path.name))


def _read(item: _Input) -> None:
    """Parse an input's documents into ``item.documents``.

    Raises:
        _ReadError: The input cannot be read, or is not JSON/NDJSON.
    """
    if item.source == _STDIN:
        text = sys.stdin.read()
    else:
        try:
            text = Path(item.source).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise _ReadError(f"{item.source}: no such file or folder") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise _ReadError(f"{item.source}: cannot be read: {exc}") from None
    item.ndjson = Path(item.source).suffix.lower() in _NDJSON_SUFFIXES
    if not item.ndjson:
        try:
            item.documents = [(None, json.loads(text))]
            return
        except json.JSONDecodeError as exc:
            if not (exc.msg == "Extra data" and item.source == _STDIN):
                raise _ReadError(
                    f"{item.label}: invalid JSON at line {exc.lineno}, column {exc.colno}: "
                    f"{exc.msg}"
                ) from None
            item.ndjson = True  # several documents on standard input: NDJSON
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item.documents.append((number, json.loads(line)))
        except json.JSONDecodeError as exc:
            raise _ReadError(
                f"{item.label}:{number}: invalid JSON at column {exc.colno}: {exc.msg}"
            ) from None


def _upgrade_all(item: _Input, upgrade: Any, quiet: bool) -> None:
    """Upgrade every document of an input in place, reporting each change."""
    upgraded: list[tuple[int | None, Any]] = []
    for number, document in item.documents:
        where = item.label if number is None else f"{item.label}:{number}"
        upgraded.append((number, _upgrade_one(document, where, item, upgrade, quiet)))
    item.documents = upgraded


def _upgrade_one(document: Any, where: str, item: _Input, upgrade: Any, quiet: bool) -> Any:
    if not isinstance(document, dict):
        click.echo(f"warning: {where}: not a JSON object, left as it is", err=True)
        item.upgraded_documents += 1
        return document
    features = document.get("features")
    if document.get("type") == "FeatureCollection" and isinstance(features, list):
        return {
            **document,
            "features": [
                _upgrade_one(feature, f"{where}#/features/{index}", item, upgrade, quiet)
                for index, feature in enumerate(features)
            ],
        }
    result = upgrade(document, warn=False)
    item.upgraded_documents += 1
    if result.changes:
        item.changed_documents += 1
    for change in result.changes:
        item.changes[change.action] += 1
        if not quiet or change.action == "remove":  # a value lost is always said
            click.echo(f"{where}: {change.path or '/'}: {change.detail}", err=True)
    return result.document


def _check_unique_targets(migrated: list[_Input]) -> None:
    seen: dict[Path, str] = {}
    for item in migrated:
        other = seen.setdefault(item.relative, item.label)
        if other != item.label:
            raise click.UsageError(
                f"{other} and {item.label} would both be written to {item.relative} in the "
                "output folder: migrate them separately"
            )


def _write(
    migrated: list[_Input], output: Path | None, to_folder: bool, in_place: bool, indent: int
) -> str:
    """Write the migrated documents; return where they went, for the summary."""
    if in_place:
        rewritten = [item for item in migrated if item.changed_documents]
        for item in rewritten:
            _replace(Path(item.source), item.render(indent))
        return f"{len(rewritten)} file(s) rewritten in place"
    if to_folder:
        assert output is not None
        for item in migrated:
            target = output / item.relative
            target.parent.mkdir(parents=True, exist_ok=True)
            _replace(target, item.render(indent))
        return f"{len(migrated)} file(s) written under {output}"
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        with output.open("w", encoding="utf-8") as stream:
            _write_stream(migrated, stream, indent)
        return f"written to {output}"
    _write_stream(migrated, sys.stdout, indent)
    sys.stdout.flush()
    return "written to stdout"


def _write_stream(migrated: list[_Input], stream: TextIO, indent: int) -> None:
    """One JSON input: as JSON; anything else: NDJSON, one document a line."""
    if len(migrated) == 1 and not migrated[0].ndjson:
        stream.write(migrated[0].render(indent))
        return
    for item in migrated:
        for _, document in item.documents:
            stream.write(_line(document))


def _replace(target: Path, text: str) -> None:
    """Write a file atomically: a temporary file beside it, then renamed over it."""
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    temporary = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        if target.exists():
            temporary.chmod(target.stat().st_mode & 0o7777)
        temporary.replace(target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _summary(migrated: list[_Input], failures: int, written: str) -> str:
    documents = sum(item.upgraded_documents for item in migrated)
    changed = sum(item.changed_documents for item in migrated)
    changes: Counter[str] = Counter()
    for item in migrated:
        changes.update(item.changes)
    kinds = ", ".join(
        f"{changes[action]} {words}" for action, words in _CHANGE_WORDS.items() if changes[action]
    )
    text = (
        f"migrated {documents} document(s) from {len(migrated)} input(s): {changed} changed"
        + (f" ({kinds})" if kinds else "")
        + f", {documents - changed} already at the newest versions; {written}"
    )
    if failures:
        text += f"; {failures} input(s) could not be read"
    return text
