"""Every built-in schema gives its published text's verdicts, on documents made for each.

``tests/test_community_verdicts.py`` sweeps the schemas with documents written here from their
facts. This module covers the whole built-in set (every version of every extension, every STAC
core version, GeoJSON, PROJJSON) with documents generated from each schema itself, so that it
scales to whatever the writer builds in:

- every STAC object of the real upstream documents, as it is, relabelled with each STAC core
  version, and declaring the schema;
- *field documents*: for each member name the schema defines (in any ``properties`` map, up to
  :data:`MAX_NAMES` per schema), an Item carrying it in its properties and in an asset, and a
  Collection carrying it at its top level, with each value of a palette that sits on either side
  of common rules (strings, date-times good and bad, numbers of each sign, booleans, null, lists,
  objects) plus every ``enum`` and ``const`` value the schema gives for that name;
- hypothesis-bent variants of those.

The reference is python-jsonschema's ``Draft7Validator`` on the published texts, with its own
draft-07 ``FORMAT_CHECKER``; against it stand our files through python-jsonschema and the engine
(both verdict paths). Skipped when the published texts are absent.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from functools import cache
from typing import Any

import pytest
from hypothesis import given, settings

from community_documents import PROJJSON, core_collection, core_item, upstream_documents
from conftest import UPSTREAM
from rs_stac_ext.schemas import FormatMode
from rs_stac_ext.schemas._community import COMMUNITY, read_community
from rs_stac_ext.schemas.resolver import ResolverSettings, SchemaUnavailableError
from rs_stac_ext.validator.readers import InputDocument
from rs_stac_ext.validator.validation import ValidationOptions, Validator
from strategies_json import bent
from test_community_verdicts import _published, _resolver, disagreements

_OFFLINE = ValidationOptions(resolver=ResolverSettings(cache_dir=None, use_cache=False))

Json = Any
MIRROR = UPSTREAM / "stac-schemas"
MAX_NAMES = 10
pytestmark = pytest.mark.skipif(
    not MIRROR.is_dir(), reason=f"published STAC schemas not found at {MIRROR}"
)

PALETTE: tuple[Json, ...] = (
    "x",
    "2025-01-02T03:04:05Z",
    "2025-02-30T03:04:05Z",
    7,
    -1.5,
    True,
    None,
    ["a", "b"],
    {"name": "n", "value": 1},
)
REFERENCE = FormatMode.DRAFT7.value
CHECKERS = (REFERENCE,)


def _names_and_values(schema: Json) -> dict[str, list[Json]]:
    """Every member name in a ``properties`` map of the schema, with its enum/const values."""
    found: dict[str, list[Json]] = {}
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
            continue
        if not isinstance(node, dict):
            continue
        members = node.get("properties")
        if isinstance(members, dict):
            for name, subschema in members.items():
                values = found.setdefault(name, [])
                if isinstance(subschema, dict):
                    if "const" in subschema:
                        values.append(subschema["const"])
                    if isinstance(subschema.get("enum"), list):
                        values.extend(subschema["enum"][:4])
        stack.extend(node.values())
    return found


def _field_documents(uri: str) -> Iterator[tuple[str, Json]]:
    names = _names_and_values(read_community_by_uri(uri))
    chosen = sorted(n for n in names if n not in ("type", "stac_version", "stac_extensions"))
    version = _core_version(uri)
    for name in chosen[:MAX_NAMES]:
        for value in (*names[name], *PALETTE):
            item = core_item([uri])
            item["properties"][name] = copy.deepcopy(value)
            item["assets"]["B04"][name] = copy.deepcopy(value)
            collection = core_collection([uri])
            collection[name] = copy.deepcopy(value)
            if version is not None:
                item["stac_version"] = collection["stac_version"] = version
            yield f"Item with {name}={value!r}", item
            yield f"Collection with {name}={value!r}", collection


def _core_version(uri: str) -> str | None:
    entry = next(e for e in COMMUNITY if e.identifier == uri)
    return entry.version.removeprefix("v") if entry.family == "stac-core" else None


def _parts(documents: Iterator[tuple[str, Json]]) -> Iterator[tuple[str, Json]]:
    """Each document, then the parts schemas such as common.json or Polygon.json judge."""
    for label, document in documents:
        yield label, document
        if isinstance(document.get("properties"), dict):
            yield f"{label}: properties", document["properties"]
        if isinstance(document.get("geometry"), dict):
            yield f"{label}: geometry", document["geometry"]
        assets = document.get("assets")
        if isinstance(assets, dict):
            yield from ((f"{label}: asset {k}", a) for k, a in list(assets.items())[:1])


def read_community_by_uri(uri: str) -> Json:
    return read_community(next(e for e in COMMUNITY if e.identifier == uri))


def _upstream_documents(uri: str) -> Iterator[tuple[str, Json]]:
    version = _core_version(uri)
    for label, document in upstream_documents()[:: max(1, len(upstream_documents()) // 12)]:
        relabelled = copy.deepcopy(document)
        if version is not None:
            relabelled["stac_version"] = version
        relabelled["stac_extensions"] = [*document.get("stac_extensions", []), uri]
        yield f"{label} declaring it", relabelled


# Schemas of values, not of STAC documents: judged on the document parts and the palette.
VALUE_FAMILIES = ("projjson", "geojson")


@cache
def _documents(uri: str) -> tuple[tuple[str, Json], ...]:
    family = next(e.family for e in COMMUNITY if e.identifier == uri)
    if family in VALUE_FAMILIES:
        parts = _parts(_upstream_documents(uri))
        shaped = [(label, part) for label, part in parts if ": " in label]
        extra = [("a PROJJSON CRS", copy.deepcopy(PROJJSON))] if family == "projjson" else []
        return (*shaped, *extra, *((f"the value {v!r}", v) for v in PALETTE))
    whole = _parts(iter([*_upstream_documents(uri), *_field_documents(uri)]))
    return (*whole, *((f"the value {v!r}", v) for v in PALETTE))


@cache
def _reference_verdicts(uri: str) -> tuple[bool, ...]:
    return tuple(_published(uri, REFERENCE).is_valid(d) for _, d in _documents(uri))


@cache
def _closed(uri: str) -> bool:
    """Whether every schema the published text references is published in the mirror."""
    return not any(isinstance(found, SchemaUnavailableError) for found in _resolver().fetch([uri]))


WHOLE_SET = [entry.identifier for entry in COMMUNITY]


@pytest.mark.parametrize("uri", WHOLE_SET)
def test_generated_documents_get_the_published_verdicts(uri: str) -> None:
    if not _closed(uri):
        # It names a schema no one published in the mirror (tiled-assets names OGC's TMS
        # schema): no verdict exists to compare with; the validator says "not checked".
        document = core_item([uri])
        report = Validator(_OFFLINE).check(InputDocument("item.json", document=document))
        assert [item.schema for item in report.not_checked] == [uri]
        return
    wrong: list[str] = []
    for label, document in _documents(uri):
        wrong.extend(f"{label}: {problem}" for problem in disagreements(uri, document, CHECKERS))
    assert not wrong, wrong[:5]
    if _accepts_anything(uri):
        # Published as a schema that constrains nothing (ceos-ard's optical-* are "{}"): ours
        # must accept everything too, which the comparison above shows.
        assert all(_reference_verdicts(uri))
        return
    assert False in _reference_verdicts(uri), "every document passes: it would prove little"


def _accepts_anything(uri: str) -> bool:
    return all(_published(uri, REFERENCE).is_valid(value) for value in PALETTE)


def test_the_generated_documents_reach_both_verdicts_for_most_schemas() -> None:
    """A schema no generated document passes is compared on failures only: keep them few."""
    failing_only = [
        uri for uri in WHOLE_SET if _closed(uri) and True not in _reference_verdicts(uri)
    ]
    # 63 of 213 on 2026-12-08: extensions whose fields only pass in structures a single
    # generated field cannot build (datacube, osc, render, contacts...), GeoJSON collections and
    # the pre-1.0 cores. Their files equal the published facts (test_community_schemas.py) and
    # every failing document gets the published verdict; this bound keeps the share from growing.
    assert len(failing_only) <= 64, failing_only


@pytest.mark.parametrize("uri", list(WHOLE_SET[:: max(1, len(WHOLE_SET) // 12)]))
def test_hypothesis_bent_documents_on_a_spread_of_the_set(uri: str) -> None:
    if not _closed(uri):
        pytest.skip("references a schema that is not published in the mirror")
    bases = [d for _, d in _field_documents(uri)][:1] or [core_item([uri])]

    @settings(max_examples=10, deadline=None)
    @given(document=bent(bases[0], steps=4))
    def agree(document: Json) -> None:
        assert not list(disagreements(uri, document, CHECKERS))

    agree()


def _has_format(uri: str) -> bool:
    return '"format"' in json.dumps(read_community_by_uri(uri))


OTHER_MODES = tuple(mode.value for mode in FormatMode if mode.value != REFERENCE)


@pytest.mark.parametrize("uri", [uri for uri in WHOLE_SET if _has_format(uri)])
def test_string_values_get_the_published_verdicts_in_every_format_mode(uri: str) -> None:
    """Formats are where the modes differ: every string the palette puts anywhere, each mode."""
    if not _closed(uri):
        pytest.skip("references a schema that is not published in the mirror")
    strings = [
        (label, document)
        for label, document in _documents(uri)
        if "='" in label or label.startswith("the value '")
    ]
    assert strings
    wrong: list[str] = []
    for label, document in strings:
        wrong.extend(f"{label}: {problem}" for problem in disagreements(uri, document, OTHER_MODES))
    assert not wrong, wrong[:5]
