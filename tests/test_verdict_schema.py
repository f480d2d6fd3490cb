"""The schemas rewritten for verdicts accept exactly what the published schemas accept.

Random draft 7 schemas (references between documents and into definitions, ``allOf`` nests,
``properties`` naming the same member twice, conflicting ``type``, ``dependencies``,
``additionalProperties`` next to ``properties``) are checked before and after the rewrite on
random instances built from the same member names.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rs_stac_ext.validator._verdict_schema import for_verdicts
from rs_stac_ext.validator.engine import fast_engine_available

jsonschema_rs = pytest.importorskip("jsonschema_rs")
pytestmark = pytest.mark.skipif(not fast_engine_available(), reason="jsonschema-rs missing")

ROOT = "https://example.com/schemas/root.json"
OTHER = "https://example.com/schemas/other.json"
NAMES = ["a", "b", "c"]
DRAFT7 = "http://json-schema.org/draft-07/schema#"

_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-2, 3), st.sampled_from(["", "x", "ab", "abc"])
)
instances = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(NAMES), inner, max_size=3)
    ),
    max_leaves=10,
)

_references = st.sampled_from(
    [
        "other.json",
        "#/definitions/d",
        "other.json#/definitions/e",
        f"{OTHER}#/definitions/e",
        "#",
    ]
)
_leaves = st.one_of(
    st.booleans(),
    st.builds(lambda t: {"type": t}, st.sampled_from(["object", "string", "integer", "array"])),
    st.builds(lambda n: {"minLength": n}, st.integers(0, 3)),
    st.builds(lambda names: {"required": names}, st.lists(st.sampled_from(NAMES), max_size=2)),
    st.builds(lambda v: {"const": v}, _scalars),
    st.builds(lambda r: {"$ref": r}, _references),
)


def _property_only(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Schemas of the kind the rewrite merges, sometimes with a keyword that forbids it."""
    return st.fixed_dictionaries(
        {"properties": st.dictionaries(st.sampled_from(NAMES), inner, max_size=2)},
        optional={
            "type": st.sampled_from(["object", "string"]),
            "required": st.lists(st.sampled_from(NAMES), max_size=2, unique=True),
            "dependencies": st.dictionaries(
                st.sampled_from(NAMES),
                st.one_of(st.lists(st.sampled_from(NAMES), max_size=2, unique=True), inner),
                max_size=1,
            ),
            "additionalProperties": st.booleans(),
            "patternProperties": st.just({"^b": False}),
            "$comment": st.just("annotation"),
        },
    )


def _object_schema(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.fixed_dictionaries(
        {},
        optional={
            "type": st.sampled_from(["object", "string", ["object", "null"]]),
            "properties": st.dictionaries(st.sampled_from(NAMES), inner, max_size=2),
            "required": st.lists(st.sampled_from(NAMES), max_size=2, unique=True),
            "dependencies": st.dictionaries(
                st.sampled_from(NAMES),
                st.one_of(st.lists(st.sampled_from(NAMES), max_size=2, unique=True), inner),
                max_size=2,
            ),
            "additionalProperties": inner,
            "patternProperties": st.dictionaries(st.sampled_from(["^a", "b$"]), inner, max_size=1),
            "allOf": st.lists(st.one_of(inner, _property_only(inner)), min_size=1, max_size=4),
            "anyOf": st.lists(inner, min_size=1, max_size=2),
            "not": inner,
            "items": inner,
            "title": st.just("annotation"),
        },
    )


schemas = st.recursive(_leaves, _object_schema, max_leaves=12)


@st.composite
def resource_sets(draw: st.DrawFn) -> dict[str, Any]:
    """Two documents referring to each other, each with definitions."""
    root = {"$schema": DRAFT7, "$id": ROOT, **_as_object(draw(schemas))}
    root["definitions"] = {"d": draw(schemas), "e": draw(schemas)}
    other = {"$schema": DRAFT7, **_as_object(draw(schemas))}
    other["definitions"] = {"d": draw(schemas), "e": draw(schemas)}
    return {ROOT: root, OTHER: other}


_flat_leaves = st.one_of(
    _leaves,
    st.builds(lambda r: {"$ref": r}, st.sampled_from(["#/definitions/e", "#/definitions/d"])),
)
_pieces = st.one_of(
    _property_only(_flat_leaves),
    _property_only(_flat_leaves).map(lambda piece: {"allOf": [piece]}),
    st.builds(lambda r: {"$ref": r}, _references),
)


@st.composite
def merge_heavy_resource_sets(draw: st.DrawFn) -> dict[str, Any]:
    """Documents made of the allOf lists the rewrite merges, where a slip shows at once."""

    def document(**extra: Any) -> dict[str, Any]:
        return {
            "$schema": DRAFT7,
            **extra,
            "allOf": draw(st.lists(_pieces, min_size=2, max_size=5)),
            "definitions": {
                "d": draw(_property_only(_flat_leaves)),
                "e": draw(_property_only(_leaves)),
            },
        }

    return {ROOT: document(**{"$id": ROOT}), OTHER: document()}


objects = st.dictionaries(st.sampled_from(NAMES), _scalars, max_size=3)


def _as_object(schema: Any) -> dict[str, Any]:
    if isinstance(schema, dict):
        return schema
    return {} if schema else {"not": {}}


def _validator(resources: dict[str, Any]) -> Any:
    registry = jsonschema_rs.Registry(list(resources.items()))
    return jsonschema_rs.Draft7Validator({"$ref": ROOT}, registry=registry)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(resource_sets(), st.lists(instances, min_size=1, max_size=8))
def test_rewritten_schemas_give_the_same_verdicts(
    resources: dict[str, Any], documents: list[Any]
) -> None:
    try:
        published = _validator(resources)
    except Exception:  # a schema jsonschema-rs refuses is not rewritten by the engine either
        return
    rewritten = _validator(for_verdicts(resources))
    for document in documents:
        assert rewritten.is_valid(document) == published.is_valid(document), document


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(merge_heavy_resource_sets(), st.lists(objects, min_size=4, max_size=12))
def test_merged_branches_give_the_same_verdicts(
    resources: dict[str, Any], documents: list[Any]
) -> None:
    try:
        published = _validator(resources)
    except Exception:
        return
    rewritten = _validator(for_verdicts(resources))
    for document in documents:
        assert rewritten.is_valid(document) == published.is_valid(document), document


def test_common_metadata_branches_become_one() -> None:
    """The case the rewrite is for: an allOf of referenced property-only schemas."""
    base = "https://example.com/common/"
    resources = {
        f"{base}common.json": {"allOf": [{"$ref": "basics.json"}, {"$ref": "dates.json"}]},
        f"{base}basics.json": {"type": "object", "properties": {"title": {"type": "string"}}},
        f"{base}dates.json": {
            "type": "object",
            "properties": {"title": {"minLength": 1}, "created": {"type": "string"}},
            "required": ["created"],
        },
    }
    rewritten = for_verdicts(resources)[f"{base}common.json"]
    assert rewritten == {
        "allOf": [
            {
                "type": "object",
                "properties": {
                    "title": {"allOf": [{"type": "string"}, {"minLength": 1}]},
                    "created": {"type": "string"},
                },
                "required": ["created"],
            }
        ]
    }


def test_different_types_are_not_merged() -> None:
    resources = {
        ROOT: {
            "allOf": [
                {"type": "object", "properties": {"a": {"type": "string"}}},
                {"type": "string"},
            ]
        }
    }
    validator = _validator(for_verdicts(resources))
    assert not validator.is_valid({"a": "x"})
    assert not validator.is_valid("x")


def test_references_through_an_allof_leave_the_schemas_alone() -> None:
    resources = {
        ROOT: {
            "allOf": [{"properties": {"a": {"type": "string"}}}, {"required": ["a"]}],
            "properties": {"b": {"$ref": "#/allOf/1"}},
        }
    }
    assert for_verdicts(resources) == resources


def test_other_drafts_are_left_alone() -> None:
    resources = {
        ROOT: {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "allOf": [{"properties": {"a": {"type": "string"}}}, {"required": ["a"]}],
        }
    }
    assert for_verdicts(resources) == resources


def test_a_member_named_like_a_keyword_is_not_a_reference() -> None:
    resources = {
        ROOT: {
            "allOf": [
                {"properties": {"$ref": {"type": "string"}, "allOf": {"type": "integer"}}},
                {"required": ["$ref"]},
            ]
        }
    }
    validator = _validator(for_verdicts(resources))
    assert validator.is_valid({"$ref": "x", "allOf": 1})
    assert not validator.is_valid({"$ref": 1})
    assert not validator.is_valid({"allOf": 1})


def test_dependencies_on_the_same_member_are_both_kept() -> None:
    resources = {
        ROOT: {
            "allOf": [
                {"properties": {"a": {}}, "dependencies": {"a": ["b"]}},
                {"properties": {"b": {}}, "dependencies": {"a": ["c"]}},
            ]
        }
    }
    validator = _validator(for_verdicts(resources))
    assert validator.is_valid({"a": 1, "b": 1, "c": 1})
    assert not validator.is_valid({"a": 1, "b": 1})
    assert not validator.is_valid({"a": 1, "c": 1})


def test_a_copied_target_keeps_reading_its_own_definitions() -> None:
    """``#/definitions/x`` inside other.json means other.json's, wherever it is copied to."""
    resources = {
        ROOT: {
            "$id": ROOT,
            "allOf": [{"$ref": "other.json"}, {"properties": {"b": {"type": "string"}}}],
            "definitions": {"x": {"type": "integer"}},
        },
        OTHER: {
            "properties": {"a": {"$ref": "#/definitions/x"}},
            "definitions": {"x": {"type": "string"}},
        },
    }
    rewritten = for_verdicts(resources)
    assert rewritten[ROOT]["allOf"] == [
        {
            "properties": {
                "a": {"$ref": f"{OTHER}#/definitions/x"},
                "b": {"type": "string"},
            }
        }
    ]
    validator = _validator(rewritten)
    assert validator.is_valid({"a": "text"})
    assert not validator.is_valid({"a": 1})


_PREFIX_NAMES = ["view:", "view:a", "view:ab", "view:b", "view:a.b", "view:x-y", "view", "vie", "a"]
_member_names = st.one_of(
    st.sampled_from(_PREFIX_NAMES),
    st.builds(
        lambda head, tail: head + tail,
        st.sampled_from(_PREFIX_NAMES),
        st.text(alphabet="ab.-:\n\u00e9", max_size=3),
    ),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    known=st.lists(st.sampled_from([*_PREFIX_NAMES[:6], "other"]), max_size=4, unique=True),
    members=st.lists(st.dictionaries(_member_names, st.integers(0, 2), max_size=4), max_size=4),
)
def test_only_known_prefixed_fields_give_the_same_verdicts(
    known: list[str], members: list[dict[str, int]]
) -> None:
    """The look-ahead form of "no unknown view: field" and its rewrite accept the same objects."""
    import jsonschema

    published = {
        "$schema": DRAFT7,
        "type": "object",
        "properties": {name: {"type": "integer", "maximum": 1} for name in known},
        "patternProperties": {"^(?!view:)": {}},
        "additionalProperties": False,
    }
    rewritten = for_verdicts({ROOT: published})[ROOT]
    assert "additionalProperties" not in rewritten
    fast = jsonschema_rs.Draft7Validator(rewritten)
    reference = jsonschema.Draft7Validator(published)
    for instance in members:
        assert fast.is_valid(instance) == reference.is_valid(instance), (known, instance)


def test_other_pattern_properties_are_left_alone() -> None:
    schema = {
        "$schema": DRAFT7,
        "patternProperties": {"^(?!view:).": {}},
        "additionalProperties": False,
    }
    assert for_verdicts({ROOT: schema})[ROOT] == schema
    other_value = {**schema, "patternProperties": {"^(?!view:)": {"type": "string"}}}
    assert for_verdicts({ROOT: other_value})[ROOT] == other_value


_kinds = st.sampled_from(["Feature", "Collection", "Catalog", 1, None])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    first=_kinds,
    second=_kinds,
    instance=st.fixed_dictionaries(
        {},
        optional={
            "type": _kinds,
            "a": st.sampled_from([0, 1, "x"]),
            "b": st.sampled_from([0, 1, "x"]),
        },
    ),
    keyword=st.sampled_from(["oneOf", "anyOf"]),
)
def test_type_discriminated_branches_give_the_same_verdicts(
    first: Any, second: Any, instance: dict[str, Any], keyword: str
) -> None:
    """Adding a branch's ``type`` constant at its top keeps every verdict."""
    import jsonschema

    def branch(kind: Any, member: str) -> dict[str, Any]:
        return {
            "allOf": [
                {
                    "type": "object",
                    "properties": {"type": {"const": kind}, member: {"type": "integer"}},
                },
                {"required": [member]},
            ]
        }

    published = {"$schema": DRAFT7, keyword: [branch(first, "a"), branch(second, "b")]}
    rewritten = for_verdicts({ROOT: published})[ROOT]
    assert rewritten[keyword][0]["properties"] == {"type": {"const": first}}
    fast = jsonschema_rs.Draft7Validator(rewritten)
    reference = jsonschema.Draft7Validator(published)
    assert fast.is_valid(instance) == reference.is_valid(instance)
