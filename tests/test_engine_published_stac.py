"""The fast engine gives python-jsonschema's verdicts on STAC 1.0.0 and third-party extensions.

The benchmark's Sentinel-2 L2A and core-only Items declare the schemas real Items name most
(STAC 1.0.0 core; eo, projection, view, sat, processing, file, timestamps). Their published texts
are read from the ``--schema-dir`` mirror of ``../shared/upstream/stac-schemas`` (the tests
skip when it is absent); the verdict-form rewrite (:mod:`rs_stac_ext.validator._verdict_schema`)
and the fast format subsets must keep the reference verdict on those Items bent at random, in
every format mode.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from conftest import UPSTREAM
from rs_stac_ext import FormatMode
from rs_stac_ext.schemas.resolver import ResolverSettings, SchemaResolver
from rs_stac_ext.validator._verdict_schema import for_verdicts
from rs_stac_ext.validator.engine import (
    CompiledSchema,
    Engine,
    SchemaCompiler,
    fast_engine_available,
)
from rs_stac_ext.validator.validation import _ResolverSource, core_schema_uri
from strategies_json import bent

MIRROR = UPSTREAM / "stac-schemas"
GENERATE = Path(__file__).resolve().parents[1] / "benchmarks" / "generate.py"

pytestmark = [
    pytest.mark.skipif(not fast_engine_available(), reason="jsonschema-rs missing"),
    pytest.mark.skipif(not MIRROR.is_dir(), reason=f"published schemas not found at {MIRROR}"),
]


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("rs_bench_generate", GENERATE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


def _slim(item: dict[str, Any], assets: int, links: int) -> dict[str, Any]:
    """Keep a few assets and links: each ``iri`` costs the reference checker milliseconds."""
    item["assets"] = dict(list(item["assets"].items())[:assets])
    collection = [link for link in item["links"] if link["rel"] == "collection"]
    item["links"] = [*item["links"][: links - 1], *collection]
    return item


def _bases() -> list[tuple[str, dict[str, Any]]]:
    import random

    generate = _generator()
    s2 = _slim(generate.make_s2l2a(random.Random(7), 3), assets=2, links=2)
    visual = generate.make_s2l2a(random.Random(7), 4)["assets"]["visual"]
    s2["assets"]["visual"] = visual
    core = _slim(generate.make_core_dates(random.Random(7), 5), assets=2, links=2)
    s2_v10 = dict(s2, stac_version="1.0.0")
    core_v10 = dict(core, stac_version="1.0.0")
    return [("s2l2a-1.0.0", s2_v10), ("core-dates-1.1.0", core), ("core-dates-1.0.0", core_v10)]


BASES = _bases() if GENERATE.is_file() else []


def _compiled(document: dict[str, Any], mode: FormatMode, tmp: Path) -> CompiledSchema:
    resolver = SchemaResolver(
        ResolverSettings(schema_dirs=(MIRROR,), cache_dir=tmp, use_cache=False)
    )
    compiler = SchemaCompiler(_ResolverSource(resolver), mode, Engine.AUTO)
    core = core_schema_uri(document["type"], document["stac_version"])
    assert core is not None
    return compiler.compile([core, *document.get("stac_extensions", [])])


@pytest.mark.parametrize("mode", list(FormatMode))
@pytest.mark.parametrize(("name", "base"), BASES, ids=[name for name, _ in BASES])
def test_engines_agree_on_bent_items(
    mode: FormatMode, name: str, base: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> None:
    compiled = _compiled(base, mode, tmp_path_factory.mktemp("cache"))
    assert compiled.fast_refusal is None
    assert compiled.verdict is not None
    reference = compiled.reference
    assert all(validator.is_valid(base) for validator in reference.values())

    @settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(bent(base))
    def check(document: Any) -> None:
        expected = all(validator.is_valid(document) for validator in reference.values())
        assert compiled.fast.is_valid(document) == expected, document
        assert compiled.quick_verdict(document) == expected, document

    check()


@pytest.mark.parametrize(("name", "base"), BASES, ids=[name for name, _ in BASES])
def test_the_verdict_rewrite_applies_to_the_published_schemas(
    name: str, base: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The schemas are rewritten (not left alone as unsafe), so the fast form is what runs."""
    compiled = _compiled(base, FormatMode.DRAFT7, tmp_path_factory.mktemp("cache"))
    rewritten = for_verdicts(compiled.originals)
    core = core_schema_uri(base["type"], base["stac_version"])
    assert core is not None
    assert rewritten[core] != compiled.originals[core]
    assert compiled.verdict is not compiled.fast, "the rewritten form was refused by jsonschema-rs"
    for uri, schema in rewritten.items():
        if "stac-extensions.github.io" in uri:
            assert '"^(?!' not in json.dumps(schema), f"{uri} keeps a look-ahead prefix rule"
