"""MkDocs hooks: tables generated from the packaged schemas, and the schemas published.

Pages hold markers that this hook replaces before rendering, so that nothing a schema decides is
written twice by hand:

* ``<!-- fields: cadip v2.0.0 item_properties -->``: the field table of one location of one
  version (see ``rs_stac_ext.schemas._fieldtables.LOCATIONS``); descriptions come from the
  specification README's table of the same location, for the newest version.
* ``<!-- history: cadip item_properties -->``: one row per field, one column per version.
* ``<!-- identifiers: cadip -->`` (or ``all``, or ``newest``): the published versions, with links
  to their files on the site.
* ``<!-- include: PATH [section="Heading"] [level=N] [strip-title] [prune] [generated-tables]
  [optional] -->``: a Markdown file of the repository (or one section of it), its headings
  moved so that the shallowest lands at level ``N``, its relative links rewritten for the site;
  with ``prune``, its empty headings (the ``[Unreleased]`` block of a changelog) left out; with
  ``generated-tables``, each field table of a specification README replaced by the generated
  one (the README's descriptions kept; a test keeps the README's own tables equal). Two-space
  sub-lists (GitHub's habit) are indented by four, so that Python-Markdown nests them.
* ``<!-- figure: assets/benchmarks.png "Alt text" -->``: the image when the file exists, a note
  saying how to make it otherwise (so the strict build never fails on a missing plot).

Every packaged schema and OpenAPI document is added to the site at the path of its identifier
(``/<repository>/<version>/<file>``), byte for byte, with a ``schemas.json`` index, so the
built site can be served as the identifiers' home on either host.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
import shlex
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from rs_stac_ext import __version__, schemas
from rs_stac_ext.schemas._catalog import HOME_HOST, OLD_HOST, DocumentKind, ExtensionVersion
from rs_stac_ext.schemas._fieldtables import (
    LOCATIONS,
    FieldRow,
    LocationError,
    field_rows,
    readme_tables,
)

_MARKER = re.compile(r"<!--\s*(fields|history|identifiers|include|figure):\s*(.*?)\s*-->")
_HEADING = re.compile(r"^(#{1,6})(\s.*)$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_INLINE_LINK = re.compile(r"(!?\[[^\]\n]*\]\()([^)\s]+)((?:\s+\"[^\"]*\")?\))")
_REFERENCE = re.compile(r"^(\s{0,3}\[[^\]]+\]:\s*)(\S+)(.*)$")
_VERSION_FILE = re.compile(r"^extensions/([a-z]+)/(v\d+\.\d+\.\d+)/([^/]+)$")
_FIELD_TABLE = re.compile(r"^\|\s*Field Name\s*\|\s*Type\s*\|\s*Description\s*\|\s*$")
_TWO_SPACE_ITEM = re.compile(r"^  (?:[-*+]|\d+\.) ")
_ROLE = re.compile(r":(?:mod|func|class|meth|attr|data|exc|obj):<code>([^<]+)</code>")
_ANCHOR = re.compile(r'id="(rs_stac_ext(?:\.[A-Za-z_][A-Za-z0-9_]*)*)"')
_REQUIRED_LEAD = re.compile(r"^\*\*REQUIRED\*\*[^.]*\.\s*")
_MEDIA_TYPES = {
    DocumentKind.JSON_SCHEMA: "application/schema+json",
    DocumentKind.OPENAPI: "application/yaml",
}
_ROOT = Path(__file__).resolve().parent.parent


# --------------------------------------------------------------------------- published files


def published_path(entry: ExtensionVersion) -> str:
    """Path of a version's file inside the site: the path of its identifier, without ``/``."""
    return urlsplit(entry.identifier).path.lstrip("/")


def _index() -> bytes:
    entries = []
    for entry in schemas.versions():
        content = schemas.read_bytes(entry.identifier)
        entries.append(
            {
                "extension": entry.extension.value,
                "version": entry.version,
                "kind": entry.kind.value,
                "identifier": entry.identifier,
                "aliases": list(entry.aliases),
                "path": "/" + published_path(entry),
                "media_type": _MEDIA_TYPES[entry.kind],
                "released": entry.released.isoformat(),
                "summary": entry.summary,
                "sha256": hashlib.sha256(content).hexdigest(),
                "conformance_classes": list(entry.conformance_classes),
            }
        )
    index = {"generator": f"rs-stac-ext {__version__}", "hosts": [HOME_HOST, OLD_HOST]}
    return (json.dumps(index | {"schemas": entries}, indent=2) + "\n").encode()


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add every packaged schema at its identifier's path, and the ``schemas.json`` index."""
    for entry in schemas.versions():
        content = schemas.read_bytes(entry.identifier)
        files.append(File.generated(config, published_path(entry), content=content))
    files.append(File.generated(config, "schemas.json", content=_index()))
    return files


# --------------------------------------------------------------------------- tables


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(header: Iterable[str], rows: Iterable[Iterable[str]]) -> str:
    head = list(header)
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines.extend("| " + " | ".join(_cell(value) for value in row) + " |" for row in rows)
    return "\n".join(lines) + "\n"


def _readme_descriptions(extension: str, location: str) -> dict[str, str]:
    readme = _ROOT / "extensions" / extension / "README.md"
    tables = readme_tables(readme.read_text(encoding="utf-8"))
    return {
        row.name: _REQUIRED_LEAD.sub("", row.description or "") for row in tables.get(location, [])
    }


def _required(row: FieldRow) -> str:
    if not row.required:
        return "no"
    return f"yes, {row.condition}" if row.condition else "yes"


def fields_table(extension: str, version: str, location: str) -> str:
    """The Markdown field table of one location of one version."""
    entry = _version(extension, version)
    if location not in LOCATIONS:
        raise PluginError(f"fields: unknown location {location!r}; use one of {list(LOCATIONS)}")
    try:
        rows = field_rows(entry.identifier, location)
    except LocationError as error:
        raise PluginError(f"fields: {extension} {version} {location}: {error}") from error
    described = {}
    if entry == schemas.newest(extension):
        described = _readme_descriptions(extension, location)
    rows = sorted(rows, key=lambda row: not row.required)
    return _table(
        ["Field", "Type", "Required", "Checked by the schema", "Description"],
        (
            [
                f"`{row.name}`",
                row.type,
                _required(row),
                "; ".join(row.rules) or "type only",
                described.get(row.name) or row.description or "",
            ]
            for row in rows
        ),
    )


def history_table(extension: str, location: str) -> str:
    """One row per field and one column per version that describes the location."""
    columns: list[tuple[str, dict[str, FieldRow]]] = []
    for entry in schemas.versions(extension, kind=DocumentKind.JSON_SCHEMA):
        try:
            rows = field_rows(entry.identifier, location)
        except LocationError:
            rows = []  # the version defines no field there
        columns.append((entry.version, {row.name: row for row in rows}))
    if not any(rows for _, rows in columns):
        raise PluginError(f"history: no {extension} version has fields at {location}")
    names: list[str] = []
    for _, rows_by_name in columns:
        names.extend(name for name in rows_by_name if name not in names)

    def cell(row: FieldRow | None) -> str:
        if row is None:
            return "-"
        kind = row.type.replace(" | ", " or ")
        return f"{kind}, **required**" if row.required else kind

    return _table(
        ["Field", *(version for version, _ in columns)],
        ([f"`{name}`", *(cell(rows.get(name)) for _, rows in columns)] for name in names),
    )


def _link(page: Page, target: str) -> str:
    return posixpath.relpath(target, posixpath.dirname(page.file.src_uri) or ".")


def identifiers_table(which: str, page: Page) -> str:
    """Every published version of one extension (or of all), linked to its file in the site."""
    entries = schemas.versions(None if which in ("all", "newest") else which)
    if not entries:
        raise PluginError(f"identifiers: unknown extension {which!r}")
    header = ["Version", "Released", "Identifier (the file, on this site)", "What changed"]
    if which == "newest":
        entries = tuple(schemas.newest(name) for name in sorted({e.extension for e in entries}))
    if which in ("all", "newest"):
        header.insert(0, "Extension")
    rows = []
    for entry in entries:
        row = [
            entry.version,
            entry.released.isoformat(),
            f"[`{entry.identifier}`]({_link(page, published_path(entry))})",
            entry.summary,
        ]
        rows.append([entry.extension.value, *row] if which in ("all", "newest") else row)
    return _table(header, rows)


def _version(extension: str, version: str) -> ExtensionVersion:
    for entry in schemas.versions(extension):
        if entry.version == version:
            return entry
    raise PluginError(f"unknown version {extension} {version}")


# --------------------------------------------------------------------------- includes


def _headings(lines: list[str]) -> Iterable[tuple[int, int]]:
    """(line index, level) of every ATX heading outside code fences."""
    fenced = False
    for index, line in enumerate(lines):
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced and (matched := _HEADING.match(line)):
            yield index, len(matched.group(1))


def _section(lines: list[str], title: str, source: str) -> list[str]:
    headings = list(_headings(lines))
    for position, (index, level) in enumerate(headings):
        if lines[index].lstrip("#").strip() == title:
            end = next((i for i, lvl in headings[position + 1 :] if lvl <= level), len(lines))
            return lines[index + 1 : end]
    raise PluginError(f"include: {source} has no section {title!r}")


def _prune(lines: list[str]) -> list[str]:
    """Leave out headings with nothing under them but other empty headings."""
    headings = list(_headings(lines))
    bounds = [*(index for index, _ in headings), len(lines)]
    keep = [False] * len(headings)
    for position in reversed(range(len(headings))):
        index, level = headings[position]
        body = lines[index + 1 : bounds[position + 1]]
        deeper = False
        for later in range(position + 1, len(headings)):
            if headings[later][1] <= level:
                break
            deeper = deeper or keep[later]
        keep[position] = deeper or any(line.strip() for line in body)
    dropped = {headings[p][0] for p in range(len(headings)) if not keep[p]}
    return [line for index, line in enumerate(lines) if index not in dropped]


def _shift(lines: list[str], level: int) -> list[str]:
    headings = list(_headings(lines))
    if not headings:
        return lines
    delta = level - min(lvl for _, lvl in headings)
    shifted = list(lines)
    for index, old in headings:
        new = min(6, max(1, old + delta))
        shifted[index] = "#" * new + lines[index][old:]
    return shifted


def _generated_tables(lines: list[str], source: str) -> list[str]:
    """Swap each field table of a specification README for the one generated from the schema."""
    parts = source.split("/")
    if len(parts) != 3 or parts[0] != "extensions" or parts[2] != "README.md":
        raise PluginError(f"include: generated-tables needs an extension README, not {source}")
    newest = schemas.newest(parts[1])
    by_heading = {heading: location for location, heading in LOCATIONS.items()}
    headings = dict(_headings(lines))
    out: list[str] = []
    heading = ""
    index = 0
    while index < len(lines):
        line = lines[index]
        if index in headings:
            heading = line.lstrip("#").strip()
        if _FIELD_TABLE.match(line) and heading in by_heading:
            out.extend(fields_table(parts[1], newest.version, by_heading[heading]).splitlines())
            index += 1
            while index < len(lines) and lines[index].lstrip().startswith("|"):
                index += 1
            continue
        out.append(line)
        index += 1
    return out


def _nest_lists(lines: list[str]) -> list[str]:
    """Indent two-space sub-lists by four, the indentation Python-Markdown needs to nest them."""
    out = []
    fenced = False
    for line in lines:
        if _FENCE.match(line):
            fenced = not fenced
        out.append("  " + line if not fenced and _TWO_SPACE_ITEM.match(line) else line)
    return out


def _site_target(resolved: str) -> str | None:
    """The docs file a repository path is published as, if any."""
    match = _VERSION_FILE.match(resolved)
    if match:
        extension, version, _ = match.groups()
        return published_path(_version(extension, version))
    parts = resolved.split("/")
    if len(parts) == 3 and parts[0] == "extensions" and parts[2] == "README.md":
        return f"extensions/{parts[1]}.md"
    if len(parts) == 3 and parts[0] == "extensions" and parts[2] == "CHANGELOG.md":
        return f"extensions/{parts[1]}.md#version-history"
    return {"README.md": "index.md", "CHANGELOG.md": "changelog.md"}.get(resolved)


def _rewriter(source: str, page: Page, repo_url: str) -> Callable[[str], str]:
    base = posixpath.dirname(source)

    def rewrite(target: str) -> str:
        if target.startswith("#") or re.match(r"^[a-z][a-z0-9+.-]*:", target):
            return target
        path, _, anchor = target.partition("#")
        resolved = posixpath.normpath(posixpath.join(base, path))
        if resolved.startswith(".."):
            raise PluginError(f"include: {source} links outside the repository: {target}")
        published = _site_target(resolved)
        if published is not None:
            file_part, _, own_anchor = published.partition("#")
            anchor = anchor or own_anchor
            return _link(page, file_part) + (f"#{anchor}" if anchor else "")
        kind = "tree" if path.endswith("/") or (_ROOT / resolved).is_dir() else "blob"
        return f"{repo_url}/{kind}/main/{resolved}" + (f"#{anchor}" if anchor else "")

    return rewrite


def _rewrite_links(lines: list[str], rewrite: Callable[[str], str]) -> list[str]:
    out = []
    fenced = False
    for line in lines:
        if _FENCE.match(line):
            fenced = not fenced
        if not fenced:
            line = _INLINE_LINK.sub(lambda m: m.group(1) + rewrite(m.group(2)) + m.group(3), line)
            line = _REFERENCE.sub(lambda m: m.group(1) + rewrite(m.group(2)) + m.group(3), line)
        out.append(line)
    return out


def include(arguments: list[str], page: Page, config: MkDocsConfig) -> str:
    """A repository Markdown file (or one section of it), ready for this page."""
    if not arguments:
        raise PluginError("include: a path is needed")
    source, options = arguments[0], _options(arguments[1:])
    path = _ROOT / source
    if not path.is_file():
        if "optional" in options:
            return f"*Not available yet: `{source}` has not been written.*\n"
        raise PluginError(f"include: {source} does not exist")
    lines = path.read_text(encoding="utf-8").splitlines()
    if "section" in options:
        lines = _section(lines, options["section"], source)
    if "strip-title" in options:
        first = next((index for index, level in _headings(lines) if level == 1), None)
        if first is not None:
            del lines[first]
    if "generated-tables" in options:
        lines = _generated_tables(lines, source)
    if "prune" in options:
        lines = _prune(lines)
    if "level" in options:
        lines = _shift(lines, int(options["level"]))
    lines = _nest_lists(_rewrite_links(lines, _rewriter(source, page, config.repo_url or "")))
    return "\n".join(lines).strip("\n") + "\n"


def figure(arguments: list[str], page: Page, files: Files) -> str:
    """An image of the docs folder, or a note when it has not been drawn yet."""
    if not arguments:
        raise PluginError("figure: a path is needed")
    target, alt = arguments[0], " ".join(arguments[1:]) or "figure"
    if files.get_file_from_path(target) is None:
        return f"*The figure `docs/{target}` has not been drawn yet.*\n"
    return f"![{alt}]({_link(page, target)})\n"


def _options(arguments: list[str]) -> dict[str, str]:
    options = {}
    for argument in arguments:
        key, _, value = argument.partition("=")
        options[key] = value
    return options


# --------------------------------------------------------------------------- markers


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Replace every marker of a page by the content it names."""

    def replace(match: re.Match[str]) -> str:
        kind, arguments = match.group(1), shlex.split(match.group(2))
        where = f"{page.file.src_uri}: {match.group(0)}"
        try:
            if kind == "fields" and len(arguments) == 3:
                return fields_table(*arguments)
            if kind == "history" and len(arguments) == 2:
                return history_table(*arguments)
            if kind == "identifiers" and len(arguments) == 1:
                return identifiers_table(arguments[0], page)
            if kind == "include":
                return include(arguments, page, config)
            if kind == "figure":
                return figure(arguments, page, files)
        except PluginError as error:
            raise PluginError(f"{where}: {error}") from error
        except (ValueError, KeyError) as error:
            raise PluginError(f"{where}: {error}") from error
        raise PluginError(f"{where}: wrong number of arguments")

    return _MARKER.sub(replace, markdown)


def on_page_content(html: str, page: Page, **_: Any) -> str:
    """Turn the Sphinx roles of the docstrings (``:func:`x```) into links to the objects.

    The API reference is one page, so a role links to the anchor of the object it names, found
    by its full name or, when unambiguous, by the end of it; other roles become plain code.
    """
    anchors = _ANCHOR.findall(html)

    def link(match: re.Match[str]) -> str:
        name = match.group(1)
        shown = name.rsplit(".", 1)[-1] if name.startswith("~") else name
        name = name.lstrip("~")
        found = [a for a in anchors if a == name or a.endswith("." + name)]
        code = f"<code>{shown}</code>"
        return f'<a href="#{found[0]}">{code}</a>' if len(set(found)) == 1 else code

    return _ROLE.sub(link, html)


def on_post_build(config: MkDocsConfig, **_: Any) -> None:
    """Check that every identifier's file landed in the site, byte for byte."""
    site = Path(config.site_dir)
    for entry in schemas.versions():
        built = site / published_path(entry)
        if not built.is_file() or built.read_bytes() != schemas.read_bytes(entry.identifier):
            raise PluginError(f"{entry.identifier} is not published at {built}")
