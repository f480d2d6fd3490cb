"""jsonschema-rs, as the engine drives it, gives python-jsonschema's verdicts.

The engine only uses jsonschema-rs for a schema after rewriting patterns and formats so that
both engines mean the same thing; these tests compare both on real documents bent at random.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import UPSTREAM, load_json
from rs_stac_ext import FormatMode, schemas
from rs_stac_ext.schemas._resources import extensions_root
from rs_stac_ext.schemas.resolver import ResolverSettings, SchemaResolver
from rs_stac_ext.validator.engine import (
    CompiledSchema,
    Engine,
    SchemaCompiler,
    fast_engine_available,
)
from rs_stac_ext.validator.validation import _ResolverSource
from strategies_json import bent

pytestmark = pytest.mark.skipif(not fast_engine_available(), reason="jsonschema-rs missing")

CORE_ITEM = "https://schemas.stacspec.org/v1.1.0/item-spec/json-schema/item.json"
CORE_COLLECTION = "https://schemas.stacspec.org/v1.1.0/collection-spec/json-schema/collection.json"
CORE_CATALOG = "https://schemas.stacspec.org/v1.1.0/catalog-spec/json-schema/catalog.json"


def _bases() -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []
    for path in sorted(extensions_root().glob("*/examples/*.json")):
        found.append((f"{path.parent.parent.name}/{path.name}", load_json(path)))
    if UPSTREAM.is_dir():
        for path in sorted(UPSTREAM.glob("*/examples/*.json")):
            found.append((f"upstream/{path.parent.parent.name}/{path.name}", load_json(path)))
    return found


BASES = _bases()


def _compiler(mode: FormatMode, tmp: Path) -> SchemaCompiler:
    resolver = SchemaResolver(ResolverSettings(cache_dir=tmp, use_cache=False))
    return SchemaCompiler(_ResolverSource(resolver), mode, Engine.AUTO)


def _schemas_of(document: Any) -> list[str]:
    uris = [
        v.identifier
        for v in schemas.declared_versions(document.get("stac_extensions", []))
        if v.kind is schemas.DocumentKind.JSON_SCHEMA
    ]
    core = {"Feature": CORE_ITEM, "Collection": CORE_COLLECTION, "Catalog": CORE_CATALOG}
    return [core[document["type"]], *uris]


def pristine(validator: Any) -> Any:
    """The same validator as python-jsonschema ships it (its own ``re`` pattern keywords)."""
    import jsonschema

    cls = jsonschema.validators.validator_for(validator.schema, default=jsonschema.Draft7Validator)
    return cls(
        validator.schema, registry=validator._registry, format_checker=validator.format_checker
    )


def _agree(compiled: CompiledSchema, document: Any) -> None:
    """The published form and the rewritten verdict form both give the reference verdict.

    The reference is python-jsonschema as shipped; the engine's own reference validators
    (pattern keywords matched in bounded time) must give it too.
    """
    assert compiled.fast is not None, compiled.fast_refusal
    assert compiled.verdict is not None
    reference = all(pristine(v).is_valid(document) for v in compiled.reference.values())
    assert all(v.is_valid(document) for v in compiled.reference.values()) == reference
    assert compiled.fast.is_valid(document) == reference, document
    assert compiled.quick_verdict(document) == reference, document


@pytest.mark.parametrize("mode", list(FormatMode))
@pytest.mark.parametrize(("name", "base"), BASES, ids=[name for name, _ in BASES])
def test_engines_agree_on_bent_documents(
    mode: FormatMode, name: str, base: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    compiler = _compiler(mode, tmp_path_factory.mktemp("cache"))
    compiled = compiler.compile(_schemas_of(base))

    @settings(max_examples=40)
    @given(bent(base))
    def check(document: Any) -> None:
        _agree(compiled, document)

    check()


@pytest.mark.parametrize("identifier", schemas.identifiers(kind=schemas.DocumentKind.JSON_SCHEMA))
def test_engines_agree_on_published_adversarial_documents(
    identifier: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from strategies_published import documents

    if schemas.find_version(identifier).version.startswith("v2"):
        pytest.skip("the adversarial generator covers the published v1 rules")
    compilers = {mode: _compiler(mode, tmp_path_factory.mktemp("cache")) for mode in FormatMode}
    compiled = {mode: c.compile([identifier]) for mode, c in compilers.items()}

    @settings(max_examples=100)
    @given(documents(identifier), st.sampled_from(list(FormatMode)))
    def check(document: Any, mode: FormatMode) -> None:
        _agree(compiled[mode], document)

    check()


@pytest.mark.parametrize(
    ("pattern", "linear"),
    [
        ("^a$", True),
        ("a\\$", True),
        ("[$]", True),
        ("(a|b$)", True),
        ("^(?!eo:)", True),
        ("^[\\w\\-\\.\\+]+$", True),
        ("^\\d{3}\\s\\w+$", True),
        ("^[^\\w]+$", True),
        ("a$b", False),  # a $ with more pattern after it
        ("\\bword", False),
        ("(?i)\\d", False),
        ("(?<=a)b", False),
        ("(a)\\1", False),
    ],
)
def test_which_patterns_the_linear_engine_reads(pattern: str, linear: bool) -> None:
    from rs_stac_ext.validator._linear_regex import for_jsonschema_rs, linear_pattern

    assert (linear_pattern(pattern) is not None) == linear
    assert (for_jsonschema_rs(pattern) is not None) == linear


def test_unsafe_patterns_are_checked_by_python(tmp_path: Path) -> None:
    """The STAC 1.1.0 licence pattern uses a word class, read differently by the engines."""
    compiled = _compiler(FormatMode.DRAFT7, tmp_path).compile([CORE_COLLECTION])
    assert compiled.fast is not None
    collection = load_json(extensions_root() / "ownership" / "examples" / "collection.json")
    for license_text in ("MIT", "MIT\u0301", "proprietary", "CC‿BY", "½"):
        collection["license"] = license_text
        _agree(compiled, collection)


def _where(problems: list[Any]) -> set[tuple[str, str, str]]:
    return {(p.schema, p.path, p.keyword) for p in problems}


@pytest.mark.parametrize(("name", "base"), BASES, ids=[name for name, _ in BASES])
def test_fast_problems_name_the_same_places_as_python(
    name: str, base: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Problems found by jsonschema-rs and worded by us match python-jsonschema's."""
    from rs_stac_ext.validator.problems import collect

    compiled = _compiler(FormatMode.DRAFT7, tmp_path_factory.mktemp("cache")).compile(
        _schemas_of(base)
    )

    @settings(max_examples=40)
    @given(bent(base))
    def check(document: Any) -> None:
        if compiled.fast is None or compiled.fast.is_valid(document):
            return
        fast = compiled._fast_problems(document)
        assert fast is not None
        reference = [p for u, v in compiled.reference.items() for p in collect(v, document, u)]
        assert _where(fast) == _where(reference)

    check()


@settings(max_examples=300, deadline=None)
@given(
    pattern=st.sampled_from(
        ["^[\\w\\-\\.\\+]+$", "^\\d{2,4}\\s?\\w*$", "^(\\w+|\\d)-[\\s\\w]$", "\\w\\d"]
    ),
    text=st.text(
        alphabet=st.sampled_from([*"aZ09_-.+ \t\n", "é", "٣", "\u0301", "‿", "½", "\u2003"]),
        max_size=8,
    ),
)
def test_class_patterns_agree_on_ascii_and_other_characters(pattern: str, text: str) -> None:
    """Python's word, digit and space classes, written out, agree with python-jsonschema."""
    compiler = SchemaCompiler(_InlineSource({"urn:test": {"pattern": pattern}}))
    compiled = compiler.compile(["urn:test"])
    assert compiled.fast is not None
    reference = pristine(compiled.reference["urn:test"]).is_valid(text)
    assert compiled.reference["urn:test"].is_valid(text) == reference
    assert compiled.fast.is_valid(text) == reference
    if not reference:
        problems = compiled._fast_problems(text)
        assert problems is not None
        assert [(p.keyword, p.path) for p in problems] == [("pattern", "")]


class _InlineSource:
    def __init__(self, contents: dict[str, Any]) -> None:
        self.contents = contents

    def resolve_contents(self, uri: str) -> Any:
        if uri not in self.contents:
            raise LookupError(uri)
        return self.contents[uri]


_DIGIT_KEY_PATTERNS = [
    "^\\d{4}-[01]\\d$",  # sat v1.1.0's orbit state vector keys are written this way
    "^[\\d.]+$",
    "^[^\\d]",
    "\\d$",
]


@settings(max_examples=300, deadline=None)
@given(
    pattern=st.sampled_from(_DIGIT_KEY_PATTERNS),
    keys=st.lists(
        st.text(
            # ASCII, Arabic-Indic and fullwidth digits, a mathematical digit outside the BMP,
            # and look-alikes Python's \d refuses (superscript two, vulgar half, Roman numeral).
            alphabet=st.sampled_from([*"09-1.a\n", "٣", "\uff11", "\U0001d7ce", "²", "½", "Ⅳ"]),
            max_size=8,
        ),
        max_size=3,
    ),
)
def test_digit_classes_in_pattern_property_keys_agree(pattern: str, keys: list[str]) -> None:
    r"""A ``\d`` in a ``patternProperties`` key is checked natively with Python's meaning."""
    schema = {"patternProperties": {pattern: {"type": "integer"}}}
    compiled = SchemaCompiler(_InlineSource({"urn:test": schema})).compile(["urn:test"])
    assert compiled.fast_refusal is None
    assert compiled.verdict is not None
    document = dict.fromkeys(keys, "not an integer")
    reference = pristine(compiled.reference["urn:test"]).is_valid(document)
    assert compiled.reference["urn:test"].is_valid(document) == reference
    assert compiled.quick_verdict(document) == reference
    assert compiled.fast.is_valid(document) == reference
