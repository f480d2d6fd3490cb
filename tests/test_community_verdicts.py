"""The built-in third-party schemas give the published schemas' verdicts.

The reference is python-jsonschema's ``Draft7Validator`` on the published texts of
``../shared/upstream/stac-schemas`` (and only those: its registry holds nothing of ours), with
each format checker a user can choose (every :class:`FormatMode`) and with
``Draft7Validator.FORMAT_CHECKER`` itself. Against it stand our files, as the resolver serves
them offline, checked by python-jsonschema and by the engine (jsonschema-rs on the verdict form,
python-jsonschema for errors). Documents: the Items and Collections written from the facts of
every version (``tests/community_documents.py``), every STAC object of the real upstream
documents as they are, relabelled STAC 1.0.0 and declaring each extension, every single-field
mutation of those we wrote, and hypothesis-bent ones. Skipped when the published texts are
absent.
"""

from __future__ import annotations

import copy
import json
from collections import Counter
from collections.abc import Iterator
from functools import cache
from typing import Any

import jsonschema
import pytest
import referencing
from hypothesis import given, settings
from referencing.jsonschema import DRAFT7, specification_with

from community_documents import (
    CORE_CATALOG,
    CORE_COLLECTION,
    CORE_ITEM,
    EXTENSIONS,
    PROJJSON,
    as_version_100,
    core_catalog,
    core_collection,
    core_item,
    extension_collection,
    extension_item,
    markers_of,
    mirror_files,
    single_field_mutations,
    upstream_documents,
)
from conftest import UPSTREAM
from rs_stac_ext.schemas import FormatMode, format_checker
from rs_stac_ext.schemas._community import COMMUNITY
from rs_stac_ext.schemas.resolver import ResolverSettings, SchemaResolver
from rs_stac_ext.validator.engine import CompiledSchema, Engine, SchemaCompiler
from rs_stac_ext.validator.readers import InputDocument
from rs_stac_ext.validator.validation import (
    ValidationOptions,
    Validator,
    _ResolverSource,
)
from strategies_json import bent

Json = Any
MIRROR = UPSTREAM / "stac-schemas"

pytestmark = pytest.mark.skipif(
    not MIRROR.is_dir(), reason=f"published STAC schemas not found at {MIRROR}"
)

CORES = (CORE_ITEM, CORE_CATALOG, CORE_COLLECTION)
# The parts of the Item schema judge an Item's properties and its assets, not documents.
ITEM_PARTS = tuple(
    CORE_ITEM.replace("item.json", f"{name}.json")
    for name in ("basics", "datetime", "instrument", "licensing", "provider")
)


def _parts_of(documents: list[tuple[str, Json]]) -> list[tuple[str, Json]]:
    found: list[tuple[str, Json]] = []
    for label, document in documents:
        if isinstance(document.get("properties"), dict):
            found.append((f"{label}/properties", document["properties"]))
        assets = document.get("assets")
        if isinstance(assets, dict):
            found.extend((f"{label}/assets/{key}", asset) for key, asset in assets.items())
    return found


MODES = tuple(mode.value for mode in FormatMode)
# python-jsonschema's own draft-07 checker also asserts iri and iri-reference, at 0.2 s per
# distinct string: it judges the documents written here and the hypothesis-bent ones, whose
# strings are few; the real documents (hundreds of distinct URLs) and the single-field
# mutations (thousands of documents) are judged in the three modes.
CHECKERS = (*MODES, "python-draft7")


@cache
def _checker(name: str) -> jsonschema.FormatChecker | None:
    checker = (
        jsonschema.Draft7Validator.FORMAT_CHECKER
        if name == "python-draft7"
        else format_checker(name)
    )
    return None if checker is None else _remembering(checker)


def _remembering(checker: jsonschema.FormatChecker) -> jsonschema.FormatChecker:
    """The same checks, each value checked once: python-jsonschema's IRI check takes 0.2 s."""
    remembered = jsonschema.FormatChecker(formats=())
    for name, (function, raises) in checker.checkers.items():
        remembered.checkers[name] = (_remember(function, raises), raises)
    return remembered


def _remember(function: Any, raises: Any) -> Any:
    answers: dict[tuple[type, Any], Any] = {}

    def check(value: Any) -> Any:
        try:
            key = (type(value), value)
            hash(key)
        except TypeError:
            return function(value)
        if key not in answers:
            try:
                answers[key] = (function(value), None)
            except raises as exc:
                answers[key] = (None, exc)
        result, error = answers[key]
        if error is not None:
            raise error
        return result

    return check


@cache
def _published_registry() -> referencing.Registry[Any]:
    """A registry that retrieves each published text by its URL, as a validator online does.

    Nothing is loaded up front: loading the whole mirror and crawling it would register a text
    under the ``$id`` it carries as well, and some published texts carry another version's
    ``$id`` (table v1.0.1 says it is v1.0.0), which no validator fetching by URL would see.
    """
    files = dict(mirror_files(MIRROR))

    def retrieve(uri: str) -> referencing.Resource[Any]:
        path = files.get(uri.removesuffix("#"))
        if path is None:
            raise referencing.exceptions.NoSuchResource(ref=uri)  # type: ignore[call-arg]
        try:
            contents = json.loads(path.read_bytes())
        except ValueError:  # published texts that are not JSON
            raise referencing.exceptions.NoSuchResource(ref=uri) from None  # type: ignore[call-arg]
        dialect = contents.get("$schema") if isinstance(contents, dict) else None
        specification = specification_with(
            dialect if isinstance(dialect, str) else "", default=DRAFT7
        )
        return specification.create_resource(contents)

    return referencing.Registry(retrieve=retrieve)  # type: ignore[call-arg]


@cache
def _published_uris() -> frozenset[str]:
    return frozenset(uri for uri, _ in mirror_files(MIRROR))


@cache
def _published(uri: str, checker: str) -> jsonschema.Draft7Validator:
    contents = _published_registry().get_or_retrieve(uri).value.contents
    return jsonschema.Draft7Validator(
        contents, registry=_published_registry(), format_checker=_checker(checker)
    )


@cache
def _resolver() -> SchemaResolver:
    return SchemaResolver(ResolverSettings(cache_dir=None, use_cache=False))


@cache
def _ours(uri: str, checker: str) -> jsonschema.Draft7Validator:
    found = _resolver().resolve(uri)
    assert found.origin == "community", found
    return jsonschema.Draft7Validator(
        found.contents, registry=_resolver().registry(), format_checker=_checker(checker)
    )


@cache
def _engine(uri: str, mode: str) -> CompiledSchema:
    compiler = SchemaCompiler(_ResolverSource(_resolver()), FormatMode(mode), Engine.AUTO)
    return compiler.compile([uri])


def disagreements(uri: str, document: Json, checkers: tuple[str, ...] = CHECKERS) -> Iterator[str]:
    """Say where our schema's verdict differs from the published one, in any checker."""
    for checker in checkers:
        expected = _published(uri, checker).is_valid(document)
        if _ours(uri, checker).is_valid(document) != expected:
            yield f"{checker}: python-jsonschema on our file says {not expected}"
        if checker == "python-draft7":
            continue
        compiled = _engine(uri, checker)
        if compiled.is_valid(document) != expected:
            yield f"{checker}: the engine says {not expected}"
        # Without a verdict form (a pattern the engines read differently), python decides.
        if compiled.verdict is not None and compiled.quick_verdict(document) != expected:
            yield f"{checker}: the engine's verdict form says {not expected}"


def _declaring(document: dict[str, Json], identifier: str) -> dict[str, Json]:
    declared = dict(document)
    listed = document.get("stac_extensions")
    declared["stac_extensions"] = [*(listed if isinstance(listed, list) else []), identifier]
    return declared


def _written() -> list[tuple[str, dict[str, Json]]]:
    broken = core_item()
    broken["properties"].update(
        title=1, license="not a licence", providers=[{"roles": ["owner"]}], instruments="msi"
    )
    found: list[tuple[str, dict[str, Json]]] = [
        ("core Item", core_item()),
        ("core Item with wrong common metadata", broken),
        ("core Catalog", core_catalog()),
        ("core Collection", core_collection()),
    ]
    for identifier in EXTENSIONS:
        found.append((f"Item of {identifier}", extension_item(identifier)))
        found.append((f"Collection of {identifier}", extension_collection(identifier)))
    return found


def _real() -> list[tuple[str, dict[str, Json]]]:
    found: list[tuple[str, dict[str, Json]]] = []
    for label, document in upstream_documents():
        found.append((label, document))
        if document.get("stac_version") != "1.0.0":
            found.append((f"{label} as 1.0.0", as_version_100(document)))
    return found


def test_every_built_in_schema_has_a_published_text() -> None:
    uris = {uri for uri, _ in mirror_files(MIRROR)}
    assert {entry.identifier for entry in COMMUNITY} <= uris


def test_the_real_upstream_documents_are_found() -> None:
    assert len(upstream_documents()) >= 10


# The schemas with documents written here from their facts (tests/community_documents.py);
# every other built-in schema is compared on generated documents in
# tests/test_community_whole_set.py.
STAC_SCHEMAS = [*CORES, *ITEM_PARTS, *EXTENSIONS]


@pytest.mark.parametrize("uri", STAC_SCHEMAS)
def test_written_and_real_documents(uri: str) -> None:
    written = {label for label, _ in _written()}
    documents = _written() + _real()
    if uri in ITEM_PARTS:
        written = {label for label, _ in _parts_of(_written())}
        documents = _parts_of(documents)
    elif uri not in CORES:
        documents += [(f"{label} declaring it", _declaring(d, uri)) for label, d in documents]
    verdicts: Counter[bool] = Counter()
    wrong: list[str] = []
    for label, document in documents:
        verdicts[_published(uri, FormatMode.DRAFT7.value).is_valid(document)] += 1
        checkers = CHECKERS if label in written else MODES
        wrong.extend(f"{label}: {problem}" for problem in disagreements(uri, document, checkers))
    assert not wrong
    assert verdicts[True] >= 1, "no document is valid: the comparison would prove little"
    assert verdicts[False] >= 1


def _own_documents(uri: str) -> list[dict[str, Json]]:
    if uri == CORE_ITEM:
        return [core_item()]
    if uri in ITEM_PARTS:
        return [core_item()["properties"], core_item()["assets"]["B04"]]
    if uri == CORE_CATALOG:
        return [core_catalog()]
    if uri == CORE_COLLECTION:
        return [core_collection()]
    if uri == PROJJSON_URI:
        return [copy.deepcopy(PROJJSON)]
    item = extension_item(uri)
    if "proj:projjson" in item["properties"]:
        # PROJJSON is checked and swept on its own; here the lighter valid value, null.
        item["properties"]["proj:projjson"] = None
    return [item, extension_collection(uri)]


PROJJSON_URI = "https://proj.org/schemas/v0.5/projjson.schema.json"
# Values with a schema of their own (PROJJSON, swept on its own; GeoJSON, the same file on both
# sides) are replaced and deleted whole, not edited inside.
NOT_INSIDE = ("proj:projjson", "proj:geometry")
SWEPT = [*CORES, *ITEM_PARTS, *EXTENSIONS, PROJJSON_URI]


@pytest.mark.parametrize("uri", SWEPT)
def test_single_field_mutations(uri: str) -> None:
    under = markers_of(uri) if uri in EXTENSIONS else None
    if uri == PROJJSON_URI:  # a long document under a large schema: one part of it
        under = ("ellipsoid",)
    verdicts: Counter[bool] = Counter()
    wrong: list[str] = []
    for base in _own_documents(uri):
        assert _published(uri, FormatMode.DRAFT7.value).is_valid(base), "the base must be valid"
        # PROJJSON has its own sweep: inside proj:projjson only the whole value is changed.
        mutations = single_field_mutations(base, under=under, not_inside=NOT_INSIDE)
        for label, document in mutations:
            verdicts[_published(uri, FormatMode.DRAFT7.value).is_valid(document)] += 1
            wrong.extend(f"{label}: {problem}" for problem in disagreements(uri, document, MODES))
    assert not wrong
    assert verdicts[False] >= 10
    assert verdicts[True] >= 5


@pytest.mark.parametrize("uri", SWEPT)
def test_hypothesis_bent_documents(uri: str) -> None:
    seen: Counter[bool] = Counter()
    bases = _own_documents(uri)

    @settings(max_examples=40, deadline=None)
    @given(document=bent(bases[0], steps=4))
    def agree(document: Json) -> None:
        seen[_published(uri, FormatMode.DRAFT7.value).is_valid(document)] += 1
        assert not list(disagreements(uri, document))

    agree()
    assert seen[True] >= 1
    assert seen[False] >= 3


# --- whole documents through the validator ------------------------------------------------------


def _reference_report(document: dict[str, Json], mode: str) -> bool:
    kind = {"Feature": CORE_ITEM, "Catalog": CORE_CATALOG, "Collection": CORE_COLLECTION}
    uris = [kind[document["type"]], *document.get("stac_extensions", [])]
    return all(_published(uri, mode).is_valid(document) for uri in uris)


@pytest.mark.parametrize("mode", list(FormatMode))
def test_validator_gives_the_published_verdicts_on_whole_documents(mode: FormatMode) -> None:
    options = ValidationOptions(
        formats=mode,
        rules=False,
        lint=False,
        resolver=ResolverSettings(cache_dir=None, use_cache=False),
    )
    validator = Validator(options)
    documents = [
        (label, d) for label, d in _written() + _real() if d.get("stac_version") == "1.0.0"
    ]
    # Mutations in the reference mode; the written and real documents in every mode.
    for identifier in EXTENSIONS if mode is FormatMode.DRAFT7 else ():
        mutations = single_field_mutations(
            extension_item(identifier), under=markers_of(identifier), not_inside=NOT_INSIDE
        )
        documents.extend((f"{identifier} mutated: {label}", d) for label, d in mutations)
    checked: Counter[bool] = Counter()
    wrong: list[str] = []
    for label, document in documents:
        report = validator.check(InputDocument(document=document, source=label))
        declared = document.get("stac_extensions", [])
        if not isinstance(declared, list) or not all(
            isinstance(uri, str) and uri in _published_uris() for uri in declared
        ):
            continue
        if report.not_checked:
            wrong.append(f"{label}: not fully checked: {report.not_checked}")
            continue
        expected = _reference_report(document, mode.value)
        checked[expected] += 1
        if report.valid != expected:
            wrong.append(f"{label}: the validator says {report.valid}")
    assert not wrong
    assert checked[True] >= 10
    assert checked[False] >= (100 if mode is FormatMode.DRAFT7 else 5)
