"""Write the built-in third-party schemas from the facts of the published ones.

Run from a source checkout, with a ``<host>/<path>`` mirror of the published schemas::

    python -m rs_stac_ext.schemas._community_writer ../shared/upstream/stac-schemas

For every JSON file of the mirror (but the moving ``schemas.stacspec.org/dev/``) it reads the
published file, keeps what decides a verdict (every validation keyword, every ``$id``, every
``$ref`` as written, ``definitions`` by their names, unknown keywords too) and leaves out what
does not
(``title``, ``description``, ``examples``, ``default``, ``$comment``...). It then writes the
result in our layout: a ``$comment`` naming the origin, keywords in the fixed order of
:data:`KEYWORD_ORDER`, member names sorted, and every value that fits on one line written on
one line, at the file's ``<host>/<path>`` below the ``community`` folder. It writes the table of
what it wrote, ``index.json`` (and the published files that are not valid JSON, with the
reason). The output depends only on the published facts, so running it again changes nothing;
``tests/test_community_schemas.py`` checks that.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

from rs_stac_ext.schemas._community import INDEX_NAME, CommunitySchema, community_root

__all__ = [
    "ANNOTATIONS",
    "KEYWORD_ORDER",
    "MOVING",
    "describe",
    "published_files",
    "published_path",
    "render",
    "without_annotations",
    "write_all",
]

ANNOTATIONS = frozenset(
    {"title", "description", "examples", "default", "$comment", "readOnly", "writeOnly"}
)
"""Keywords that never change a draft-07 verdict, left out of our files."""

KEYWORD_ORDER: tuple[str, ...] = (
    "$schema",
    "$id",
    "$comment",
    "$ref",
    "type",
    "const",
    "enum",
    "format",
    "pattern",
    "minLength",
    "maxLength",
    "minimum",
    "exclusiveMinimum",
    "maximum",
    "exclusiveMaximum",
    "multipleOf",
    "required",
    "minProperties",
    "maxProperties",
    "properties",
    "patternProperties",
    "additionalProperties",
    "propertyNames",
    "dependencies",
    "minItems",
    "maxItems",
    "uniqueItems",
    "items",
    "additionalItems",
    "contains",
    "if",
    "then",
    "else",
    "not",
    "allOf",
    "anyOf",
    "oneOf",
    "definitions",
)
"""The order keywords are written in; other keywords follow, by name."""

# Draft 7 keywords whose value is one schema, a list of schemas, or names mapped to schemas.
_ONE_SCHEMA = frozenset(
    {"not", "if", "then", "else", "additionalProperties", "additionalItems", "contains"}
    | {"propertyNames"}
)
_SCHEMA_LIST = frozenset({"allOf", "anyOf", "oneOf"})
# ``$defs`` is not a draft-07 keyword, but what it holds only matters through a ``$ref``.
_SCHEMA_MAP = frozenset({"properties", "patternProperties", "definitions", "$defs"})
_LINE_WIDTH = 100


def without_annotations(schema: Any) -> Any:
    """Return a schema without the keywords of :data:`ANNOTATIONS`, at every schema position.

    Schema positions are those of draft-07's keywords, plus every place a local ``$ref``
    (``#/...``) points at, such as ``#/$defs/x`` or ``#/definitions/objects/x`` inside members
    that are not keywords. Member names inside ``properties``, ``definitions`` and the like are
    names, not keywords, and are kept; so are ``enum``, ``const`` and ``required`` values and
    everything no reference reaches.
    """
    targets = {_pointer_parts(ref) for ref in _local_refs(schema)}
    return _strip(schema, (), targets, True)


def _local_refs(value: Any) -> list[str]:
    found: list[str] = []
    stack = [value]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            ref = current.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/"):
                found.append(ref)
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)
    return found


def _pointer_parts(ref: str) -> tuple[str, ...]:
    parts = unquote(ref[2:]).split("/")
    return tuple(part.replace("~1", "/").replace("~0", "~") for part in parts)


def _strip(
    value: Any, path: tuple[str, ...], targets: set[tuple[str, ...]], at_schema: bool
) -> Any:
    if isinstance(value, list):
        return [_strip(item, (*path, str(i)), targets, False) for i, item in enumerate(value)]
    if not isinstance(value, dict):
        return value
    if not at_schema and path not in targets:
        return {key: _strip(item, (*path, key), targets, False) for key, item in value.items()}
    kept: dict[str, Any] = {}
    for key, item in value.items():
        if key in ANNOTATIONS:
            continue
        where = (*path, key)
        if key in _ONE_SCHEMA or (key == "items" and isinstance(item, dict)):
            kept[key] = _strip(item, where, targets, True)
        elif key in _SCHEMA_LIST or (key == "items" and isinstance(item, list)):
            kept[key] = [
                _strip(entry, (*where, str(i)), targets, True) for i, entry in enumerate(item)
            ]
        elif (key in _SCHEMA_MAP or key == "dependencies") and isinstance(item, dict):
            kept[key] = {
                name: _strip(entry, (*where, name), targets, True) for name, entry in item.items()
            }
        else:
            kept[key] = _strip(item, where, targets, False)
    return kept


def _ordered(schema: Any) -> Any:
    """Order a schema's keywords by :data:`KEYWORD_ORDER` and member names by name."""
    if not isinstance(schema, dict):
        return schema
    rank = {keyword: index for index, keyword in enumerate(KEYWORD_ORDER)}
    out: dict[str, Any] = {}
    for key in sorted(schema, key=lambda k: (rank.get(k, len(rank)), k)):
        value = schema[key]
        if key in _ONE_SCHEMA or (key == "items" and isinstance(value, dict)):
            out[key] = _ordered(value)
        elif key in _SCHEMA_LIST or (key == "items" and isinstance(value, list)):
            out[key] = [_ordered(item) for item in value]
        elif (key in _SCHEMA_MAP or key == "dependencies") and isinstance(value, dict):
            out[key] = {name: _ordered(value[name]) for name in sorted(value)}
        else:
            out[key] = value
    return out


def _dump(value: Any, indent: int, lead: int = 0) -> str:
    """Write JSON with every value that fits in the line width on one line.

    ``indent`` is the indentation of the value's lines, ``lead`` the width of what precedes
    the value on its first line (a member name).
    """
    flat = json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    if indent + lead + len(flat) <= _LINE_WIDTH or not isinstance(value, dict | list) or not value:
        return flat
    inner = " " * (indent + 2)
    if isinstance(value, list):
        rows = [inner + _dump(item, indent + 2) for item in value]
        return "[\n" + ",\n".join(rows) + "\n" + " " * indent + "]"
    rows = []
    for key, item in value.items():
        label = json.dumps(key, ensure_ascii=False) + ": "
        rows.append(inner + label + _dump(item, indent + 2, len(label)))
    return "{\n" + ",\n".join(rows) + "\n" + " " * indent + "}"


def render(entry: CommunitySchema, published: Mapping[str, Any]) -> str:
    """Return our file for a built-in schema, given the parsed published schema."""
    facts = without_annotations(dict(published))
    facts["$comment"] = (
        f"rs-stac-ext's rendering of {entry.identifier} ({entry.repository} {entry.version}): "
        "the published verdicts, written from its facts; annotations left out."
    )
    return _dump(_ordered(facts), 0) + "\n"


def published_path(mirror: Path, entry: CommunitySchema) -> Path:
    """Return the published file of an entry inside a ``<host>/<path>`` mirror folder."""
    parts = urlsplit(entry.identifier)
    assert parts.hostname is not None
    return mirror.joinpath(parts.hostname, *parts.path.strip("/").split("/"))


def describe(relative: PurePosixPath) -> CommunitySchema:
    """Return the entry of a published file, from its place in a ``<host>/<path>`` mirror.

    Args:
        relative: The file's path inside the mirror (``stac-extensions.github.io/eo/v1.1.0/
            schema.json``).

    Returns:
        The entry: identifier ``https://<host>/<path>``, and family, version and repository
        read from the path by the conventions of each publisher.
    """
    host, *rest = relative.parts
    identifier = "https://" + relative.as_posix()
    family, version, repository = _publisher_facts(host, rest)
    return CommunitySchema(identifier, family, version, repository, relative.as_posix())


def _publisher_facts(host: str, rest: list[str]) -> tuple[str, str, str]:
    if host == "schemas.stacspec.org":
        version = rest[0]
        if rest[1] == "extensions":  # extensions published with the core before 1.0.0-rc.2
            return rest[2], version, _STAC_SPEC
        return "stac-core", version, _STAC_SPEC
    if host == "stac-extensions.github.io":
        return rest[0], rest[1], f"stac-extensions/{rest[0]}"
    if host == "proj.org":
        return "projjson", rest[1], "OSGeo/PROJ"
    if host == "geojson.org":
        return "geojson", "RFC 7946", "geojson/schema"
    if host == "cs-si.github.io":
        return "eopf", rest[1], "CS-SI/eopf-stac-extension"
    if host == "github.com" and len(rest) > 5 and rest[2] == "raw":
        return rest[1], rest[5], f"{rest[0]}/{rest[1]}"
    return host, "", host


_STAC_SPEC = "radiantearth/stac-spec"
MOVING = ("schemas.stacspec.org/dev/",)
"""Published folders whose contents change without a new identifier: never built in."""


def published_files(mirror: Path) -> list[PurePosixPath]:
    """List the JSON files of a mirror that are candidates, sorted, without the moving ones."""
    found: list[PurePosixPath] = []
    for path in mirror.rglob("*.json"):
        relative = PurePosixPath(path.relative_to(mirror).as_posix())
        if path.is_file() and not relative.as_posix().startswith(MOVING):
            found.append(relative)
    return sorted(found)


def write_all(mirror: Path, target: Path | None = None) -> list[Path]:
    """Write every built-in schema, and the index, from the published files in ``mirror``.

    A published file that is not a JSON object is not built in: the index lists it with the
    reason, so that documents declaring it are told why it can never be checked.

    Args:
        mirror: A ``<host>/<path>`` folder of the published schemas.
        target: Where to write (default: the package's ``community`` folder).

    Returns:
        The schema files written (the index is written too).
    """
    root = target if target is not None else community_root()
    written: list[Path] = []
    entries: list[CommunitySchema] = []
    unusable: dict[str, str] = {}
    for relative in published_files(mirror):
        entry = describe(relative)
        try:
            published = json.loads((mirror / relative).read_bytes())
        except ValueError as exc:
            unusable[entry.identifier] = (
                f"the text published at this identifier is not valid JSON ({exc}); "
                "no validator can use it: declare a version whose schema is published"
            )
            continue
        if not isinstance(published, dict):
            unusable[entry.identifier] = (
                "the text published at this identifier is not a JSON object"
            )
            continue
        path = root / entry.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(entry, published), encoding="utf-8")
        written.append(path)
        entries.append(entry)
    index = {
        "schemas": [dataclasses.asdict(entry) for entry in entries],
        "unusable": dict(sorted(unusable.items())),
    }
    (root / INDEX_NAME).write_text(json.dumps(index, indent=1) + "\n", encoding="utf-8")
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """Write the files; the command line takes the mirror folder and an optional target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("mirror", type=Path, help="a <host>/<path> folder of published schemas")
    parser.add_argument("--target", type=Path, default=None, help="where to write")
    arguments = parser.parse_args(argv)
    try:
        written = write_all(arguments.mirror, arguments.target)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {len(written)} schemas", file=sys.stderr)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
