"""The CADIP field check lifted out of jsonschema-rs gives the published schema's verdict.

Documents are the packaged CADIP examples with ``cadip:`` fields, known and unknown, put in
every place the schema looks at (and some it does not), under every ``type``.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import load_json
from rs_stac_ext import FormatMode, schemas
from rs_stac_ext.schemas._resources import extensions_root
from rs_stac_ext.schemas.resolver import ResolverSettings, SchemaResolver
from rs_stac_ext.validator._verdict_lifts import lift
from rs_stac_ext.validator.engine import Engine, SchemaCompiler, fast_engine_available
from rs_stac_ext.validator.validation import _ResolverSource

pytestmark = pytest.mark.skipif(not fast_engine_available(), reason="jsonschema-rs missing")

CADIP_V2 = "https://home.rs-python.eu/cadip-stac-extension/v2.0.0/schema.json"
EXAMPLES = extensions_root() / "cadip" / "examples"
_SCHEMA = schemas.get_schema(CADIP_V2)
KNOWN = sorted(
    {
        *_SCHEMA["definitions"]["item_fields"]["properties"],
        *_SCHEMA["definitions"]["asset_fields"]["properties"],
    }
)
NAMES = st.sampled_from([*KNOWN, "cadip:unknown", "cadip:", "cadip:channelx", "other:x", "x"])
VALUES: st.SearchStrategy[Any] = st.sampled_from(
    [1, 2, True, False, "MTI_", "00", "x", None, [], {}]
)
PLACES = st.sampled_from(["top", "properties", "asset", "item_asset", "summaries"])


@st.composite
def cadip_documents(draw: st.DrawFn) -> Any:
    document = copy.deepcopy(
        load_json(EXAMPLES / draw(st.sampled_from(["item.json", "collection.json"])))
    )
    if draw(st.booleans()):
        document["type"] = draw(st.sampled_from(["Feature", "Collection", "Catalog", 1]))
    for _ in range(draw(st.integers(1, 3))):
        place = draw(PLACES)
        name, value = draw(NAMES), draw(VALUES)
        if place == "top":
            document[name] = value
        elif place == "properties":
            document.setdefault("properties", {})[name] = value
        elif place == "summaries":
            document.setdefault("summaries", {})[name] = [value]
        else:
            container = "assets" if place == "asset" else "item_assets"
            assets = document.setdefault(container, {})
            if not assets or draw(st.booleans()):
                assets[draw(st.sampled_from(["a", "b"]))] = draw(
                    st.sampled_from([{}, {"href": "x"}, "not an asset", ["cadip:unknown"]])
                )
            key = draw(st.sampled_from(sorted(assets)))
            if isinstance(assets[key], dict):
                assets[key][name] = value
    return document


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> Any:
    resolver = SchemaResolver(
        ResolverSettings(cache_dir=tmp_path_factory.mktemp("cache"), use_cache=False)
    )
    compiler = SchemaCompiler(_ResolverSource(resolver), FormatMode.DRAFT7, Engine.AUTO)
    compiled = compiler.compile([CADIP_V2])
    assert compiled.verdict_checks, "the CADIP v2.0.0 lift is in use"
    return compiled


@settings(max_examples=400, deadline=None)
@given(cadip_documents())
def test_lifted_check_gives_the_published_verdict(compiled: Any, document: Any) -> None:
    reference = compiled.reference[CADIP_V2].is_valid(document)
    assert compiled.quick_verdict(document) == reference, document
    assert compiled.fast.is_valid(document) == reference, document


def test_unknown_fields_are_caught_where_the_schema_looks(compiled: Any) -> None:
    item = load_json(EXAMPLES / "item.json")
    assert compiled.quick_verdict(item)
    first_asset = next(iter(item["assets"]))
    for where in ("properties", "asset"):
        bent = copy.deepcopy(item)
        target = bent["properties"] if where == "properties" else bent["assets"][first_asset]
        target["cadip:unknown"] = 1
        assert compiled.verdict.is_valid(bent), "the lightened schema lets it through"
        assert not compiled.quick_verdict(bent), where
        problems = compiled.problems(bent)
        assert [p.keyword for p in problems] == ["additionalProperties"], problems


def test_no_lift_for_a_schema_served_differently(tmp_path: Path) -> None:
    changed = copy.deepcopy(_SCHEMA)
    changed["description"] = "a mirror's copy"
    assert lift(CADIP_V2, changed) is None
    assert lift(CADIP_V2, _SCHEMA) is not None
    assert lift("https://example.com/other.json", _SCHEMA) is None
