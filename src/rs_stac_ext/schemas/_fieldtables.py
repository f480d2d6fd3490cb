"""Field tables read from the packaged schemas and from the specification READMEs.

The documentation site prints its field tables from :func:`field_rows`, and a test compares the
hand-written tables of ``extensions/<name>/README.md`` (read by :func:`readme_tables`) with the
same rows, so neither can drift from the schema.

A *location* is a part of a STAC document where fields may appear (:data:`LOCATIONS`). The
schema walker follows ``$ref`` (local ones), merges ``allOf`` and ``if``/``then``, picks the
``oneOf`` branch of the document type and walks down to the location. It understands every
location of the v2.0.0 schemas, and the Item locations of the published v1 schemas (their
Collection branches only say where a field may appear somewhere, through ``anyOf``).

A field of another extension (``externalIds`` for cadip) is listed at a location only where the
schema requires it there; elsewhere it is that extension's business.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rs_stac_ext.schemas import find_version, get_schema
from rs_stac_ext.schemas._catalog import ExtensionName

__all__ = [
    "LOCATIONS",
    "FieldRow",
    "LocationError",
    "field_rows",
    "locations",
    "readme_tables",
]

LOCATIONS: Mapping[str, str] = {
    "item_properties": "Item Properties",
    "item_assets": "Item Assets",
    "collection": "Collection Fields",
    "collection_summaries": "Collection Summaries",
    "collection_item_assets": "Collection Item Asset Definitions",
    "collection_assets": "Collection Assets",
    "catalog": "Catalog Fields",
}
"""Every location, in reading order, with the README heading of its table."""

# Location -> (value of `type` selecting the oneOf branch, path below the branch; `*` = any
# value of an object).
_PATHS: Mapping[str, tuple[str, tuple[str, ...]]] = {
    "item_properties": ("Feature", ("properties",)),
    "item_assets": ("Feature", ("assets", "*")),
    "collection": ("Collection", ()),
    "collection_summaries": ("Collection", ("summaries",)),
    "collection_item_assets": ("Collection", ("item_assets", "*")),
    "collection_assets": ("Collection", ("assets", "*")),
    "catalog": ("Catalog", ()),
}

# Members that STAC itself defines at the levels we walk; never fields of an extension.
_STRUCTURE = frozenset(
    {"type", "stac_version", "stac_extensions", "properties", "assets", "item_assets", "summaries"}
)
_PREFIXES: Mapping[ExtensionName, str | None] = {
    ExtensionName.AUXIP: "auxip:",
    ExtensionName.CADIP: "cadip:",
    ExtensionName.OWNERSHIP: None,
}
_HEADER = re.compile(r"^\|\s*Field Name\s*\|\s*Type\s*\|\s*Description\s*\|\s*$")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")
_REQUIRED = "**REQUIRED**"
_LONGEST_PATTERN = 40


class LocationError(ValueError):
    """A schema does not describe fields at the location asked for."""


@dataclass(frozen=True)
class FieldRow:
    """One field of one location.

    Attributes:
        name: The field name (``cadip:channel``).
        type: Its JSON type as the READMEs spell it: ``string``, ``integer``, ``number``,
            ``boolean``, ``object``, ``[object]`` for an array of objects, ``string | integer``
            for a choice. In summaries, the type of each summarised value.
        required: The field must be present (``condition`` says when, if not always).
        description: What the field means, when the source says it (a README row, or the
            schema's ``$comment``).
        condition: For a field required only in some objects, which ones.
        rules: What else the schema checks, in words (``from 1 to 4``, ``pattern ...``).
    """

    name: str
    type: str
    required: bool
    description: str | None = None
    condition: str | None = None
    rules: tuple[str, ...] = field(default=())


@dataclass
class _View:
    """What a set of subschemas, merged by ``allOf``, says about an object or a value."""

    properties: dict[str, list[Any]] = field(default_factory=dict)
    additional: list[Any] = field(default_factory=list)
    required: list[str] = field(default_factory=list)
    conditions: dict[str, str] = field(default_factory=dict)
    types: list[list[str]] = field(default_factory=list)
    items: list[Any] = field(default_factory=list)
    alternatives: list[Any] = field(default_factory=list)
    keywords: dict[str, Any] = field(default_factory=dict)
    comment: str | None = None


_RULE_KEYWORDS = (
    "const",
    "enum",
    "minimum",
    "maximum",
    "minLength",
    "maxLength",
    "pattern",
    "format",
    "minItems",
    "uniqueItems",
)


class _Walker:
    def __init__(self, schema: Mapping[str, Any]) -> None:
        self.schema = schema

    def resolve(self, node: Any) -> Any:
        seen: set[str] = set()
        while isinstance(node, Mapping) and isinstance(node.get("$ref"), str):
            reference = node["$ref"]
            if not reference.startswith("#/") or reference in seen:
                raise LocationError(f"cannot follow the reference {reference!r}")
            seen.add(reference)
            target: Any = self.schema
            for part in reference[2:].split("/"):
                target = target[part]
            node = target
        return node

    def view(self, nodes: Iterable[Any]) -> _View:
        merged = _View()
        for node in nodes:
            self._merge(merged, node)
        return merged

    def _merge(self, view: _View, node: Any) -> None:
        node = self.resolve(node)
        if not isinstance(node, Mapping):
            return
        if view.comment is None and isinstance(node.get("$comment"), str):
            view.comment = node["$comment"]
        for name, subschema in (node.get("properties") or {}).items():
            view.properties.setdefault(name, []).append(subschema)
        if isinstance(node.get("additionalProperties"), Mapping):
            view.additional.append(node["additionalProperties"])
        view.required.extend(n for n in node.get("required", ()) if n not in view.required)
        if "type" in node:
            kinds = node["type"]
            view.types.append([kinds] if isinstance(kinds, str) else list(kinds))
        if "items" in node:
            view.items.append(node["items"])
        view.alternatives.extend(node.get("anyOf", ()))
        for keyword in _RULE_KEYWORDS:
            if keyword in node:
                view.keywords.setdefault(keyword, node[keyword])
        for part in node.get("allOf", ()):
            self._merge(view, part)
        if "if" in node and "then" in node:
            condition = self._condition(node["if"])
            then = self.view([node["then"]])
            for name in then.required:
                view.conditions.setdefault(name, condition)
            for name, subschemas in then.properties.items():
                view.properties.setdefault(name, []).extend(subschemas)

    def _condition(self, node: Any) -> str:
        view = self.view([node])
        alternatives = [self.view([alt]) for alt in view.alternatives]
        names = [name for alt in alternatives for name in alt.required]
        if alternatives and len(names) == len(alternatives):
            listed = ", ".join(f"`{name}`" for name in names)
            return f"when it carries any of {listed}" if len(names) > 1 else f"with {listed}"
        if view.required:
            return "with " + ", ".join(f"`{name}`" for name in view.required)
        return "under a condition of the schema"

    def branch(self, document_type: str) -> _View:
        for alternative in self.schema.get("oneOf", ()):
            view = self.view([alternative])
            kinds = self.view(view.properties.get("type", []))
            if kinds.keywords.get("const") == document_type:
                return view
        raise LocationError(f"the schema has no branch for {document_type} documents")

    def walk(self, view: _View, path: Sequence[str]) -> _View:
        for step in path:
            if step == "*":
                if not view.additional:
                    raise LocationError("the schema does not describe the values of this object")
                view = self.view(view.additional)
            elif step in view.properties:
                view = self.view(view.properties[step])
            else:
                raise LocationError(f"the schema does not describe `{step}` there")
        return view


def _type_name(walker: _Walker, view: _View) -> str:
    kinds: list[str] | None = None
    for listed in view.types:
        kinds = listed if kinds is None else [k for k in kinds if k in listed]
    if kinds is None and "const" in view.keywords:
        kinds = [_json_type(view.keywords["const"])]
    if not kinds:
        return "any"
    names = []
    for kind in kinds:
        if kind == "array" and view.items:
            names.append(f"[{_type_name(walker, walker.view(view.items))}]")
        else:
            names.append(kind)
    return " | ".join(names)


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _summarised(walker: _Walker, view: _View) -> _View:
    """The view of one summarised value: the items of the summary's array form."""
    for alternative in [view, *(walker.view([alt]) for alt in view.alternatives)]:
        if any("array" in kinds for kinds in alternative.types) and alternative.items:
            return walker.view(alternative.items)
    return view


def _summary_forms(walker: _Walker, view: _View) -> str | None:
    forms = []
    for alternative in (walker.view([alt]) for alt in view.alternatives):
        if any("array" in kinds for kinds in alternative.types):
            words = alternative.keywords
            size = "non-empty " if words.get("minItems", 0) >= 1 else ""
            distinct = "distinct " if words.get("uniqueItems") else ""
            forms.append(f"a {size}list of {distinct}values")
        elif {"minimum", "maximum"} <= set(alternative.required):
            forms.append("a `minimum`/`maximum` range")
        elif "type" in alternative.required:
            forms.append("a JSON Schema")
    if not forms:
        return None
    listed = forms[0] if len(forms) == 1 else ", ".join(forms[:-1]) + " or " + forms[-1]
    return f"summarised as {listed}"


def _rules(view: _View) -> Iterator[str]:
    words = view.keywords
    if "const" in words:
        yield f"exactly `{words['const']}`"
    if "enum" in words:
        yield "one of " + ", ".join(f"`{value}`" for value in words["enum"])
    low, high = words.get("minimum"), words.get("maximum")
    if low is not None and high is not None:
        yield f"from {low} to {high}"
    elif low is not None:
        yield f"at least {low}"
    elif high is not None:
        yield f"at most {high}"
    shortest, longest = words.get("minLength"), words.get("maxLength")
    if shortest is not None and shortest == longest:
        yield f"exactly {shortest} characters"
    else:
        if shortest is not None:
            yield f"at least {shortest} character{'s' if shortest != 1 else ''}"
        if longest is not None:
            yield f"at most {longest} characters"
    if "pattern" in words:
        pattern = words["pattern"]
        short = len(pattern) <= _LONGEST_PATTERN
        yield f"pattern `{pattern}`" if short else "a pattern (see the schema)"
    if "format" in words:
        yield f"format `{words['format']}`"
    if "minItems" in words:
        yield f"at least {words['minItems']} item{'s' if words['minItems'] != 1 else ''}"
    if words.get("uniqueItems"):
        yield "no duplicates"


def field_rows(identifier: str, location: str) -> list[FieldRow]:
    """Return the fields a packaged schema defines at one location, in schema order.

    Args:
        identifier: Any spelling of a packaged JSON Schema identifier.
        location: One of :data:`LOCATIONS`.

    Returns:
        One row per field; empty when the schema describes the location but allows no field
        there (an AUXIP v2.0.0 Collection's summaries).

    Raises:
        LocationError: Unknown location, or the schema does not describe it.
    """
    if location not in _PATHS:
        raise LocationError(f"unknown location {location!r}; expected one of {list(LOCATIONS)}")
    entry = find_version(identifier)
    walker = _Walker(get_schema(entry.identifier))
    document_type, path = _PATHS[location]
    view = walker.walk(walker.branch(document_type), path)
    prefix = _PREFIXES.get(entry.extension)
    rows = []
    for name, subschemas in view.properties.items():
        required = name in view.required or name in view.conditions
        foreign = prefix is not None and not name.startswith(prefix)
        if name in _STRUCTURE or (foreign and not required):
            continue
        value = walker.view(subschemas)
        rules = []
        if location == "collection_summaries":
            forms = _summary_forms(walker, value)
            rules = [forms] if forms else []
            value = _summarised(walker, value)
        rules.extend(_rules(value))
        rows.append(
            FieldRow(
                name=name,
                type=_type_name(walker, value),
                required=required,
                description=value.comment,
                condition=None if name in view.required else view.conditions.get(name),
                rules=tuple(rules),
            )
        )
    return rows


def locations(identifier: str) -> list[str]:
    """Return the locations at which a packaged schema defines at least one field.

    Args:
        identifier: Any spelling of a packaged JSON Schema identifier.

    Returns:
        Location names, in the order of :data:`LOCATIONS`.
    """
    found = []
    for location in LOCATIONS:
        try:
            if field_rows(identifier, location):
                found.append(location)
        except LocationError:
            continue
    return found


def _cells(line: str) -> list[str]:
    inner = line.strip().removeprefix("|").removesuffix("|")
    return [cell.strip().replace("\\|", "|") for cell in _CELL_SPLIT.split(inner)]


def readme_tables(text: str) -> dict[str, list[FieldRow]]:
    """Read the ``Field Name | Type | Description`` tables of a specification README.

    Each table belongs to the location named by the heading above it (see :data:`LOCATIONS`).
    A field is required when its description contains ``**REQUIRED**``.

    Args:
        text: The README's Markdown.

    Returns:
        The rows of each location's table, in table order.

    Raises:
        ValueError: A table under a heading that names no location, a location with two
            tables, or a malformed row.
    """
    by_heading = {heading: location for location, heading in LOCATIONS.items()}
    tables: dict[str, list[FieldRow]] = {}
    heading = ""
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        matched = _HEADING.match(line)
        if matched:
            heading = matched.group(2)
            continue
        if not _HEADER.match(line):
            continue
        location = by_heading.get(heading)
        if location is None:
            raise ValueError(f"line {index}: a field table under {heading!r}, not a location")
        if location in tables:
            raise ValueError(f"line {index}: a second table for {heading!r}")
        index += 1  # the separator row
        rows = tables[location] = []
        while index < len(lines) and lines[index].lstrip().startswith("|"):
            cells = _cells(lines[index])
            index += 1
            if len(cells) != 3:
                raise ValueError(f"line {index}: expected 3 cells, got {len(cells)}")
            name, kind, description = cells
            rows.append(
                FieldRow(
                    name=name.strip("`"),
                    type=kind.strip("`"),
                    required=_REQUIRED in description,
                    description=description,
                )
            )
    return tables
