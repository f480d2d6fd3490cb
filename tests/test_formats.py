"""The engine's own format checks give python-jsonschema's verdicts, string by string."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rs_stac_ext.schemas import ALL_ASSERTED_FORMATS, FormatMode, format_checker
from rs_stac_ext.validator._formats import FORMAT_CHECKS

HAND_PICKED = [
    "",
    "2025-01-01T00:00:00Z",
    "2025-01-01t00:00:00z",
    "2025-01-01T00:00:00.123456+02:00",
    "2025-01-01T24:00:00Z",
    "2024-02-29T23:59:60Z",
    "2023-02-29T00:00:00Z",
    "2025-01-01 00:00:00Z",
    "2025-01-01T00:00:00",
    "2025-01-01T00:00:00Z\n",
    "2025-1-01",
    "2025-01-01",
    "2024-02-30",
    "\uff12\uff10\uff12\uff15-01-01",  # full-width digits
    "\u0662\u0660\u0662\u0665-01-01",  # Arabic-Indic digits
    "a@b",
    "@",
    "nobody",
    "192.168.0.1",
    "192.168.000.1",
    "256.1.1.1",
    "::1",
    "fe80::1%eth0",
    "2001:db8::",
    "[a-z]+",
    "(unclosed",
    "\\d{2}",
    "c67eb9f6-f790-4643-b509-61b5e973a359",
    "C67EB9F6-F790-4643-B509-61B5E973A359",
    "c67eb9f6f7904643b50961b5e973a359",
    "{c67eb9f6-f790-4643-b509-61b5e973a359}",
    "urn:uuid:c67eb9f6-f790-4643-b509-61b5e973a359",
    "c67eb9f6-f790-4643-b509-61b5e973a35-9",
    "c67eb9f6-f790-4643-b50961b5e973a359--",
]


def _reference(name: str, value: str) -> bool:
    checker = format_checker(FormatMode.ALL)
    assert checker is not None
    return bool(checker.conforms(value, name))


def test_every_asserted_format_has_a_check() -> None:
    assert set(FORMAT_CHECKS) == ALL_ASSERTED_FORMATS


@pytest.mark.parametrize("name", sorted(ALL_ASSERTED_FORMATS))
@pytest.mark.parametrize("value", HAND_PICKED)
def test_hand_picked_strings(name: str, value: str) -> None:
    assert FORMAT_CHECKS[name](value) == _reference(name, value)


_PIECES = st.sampled_from(
    [*"0123456789-:.TtZz+@[]()\\ \n%abcdefABCDEF", "2025-01-01", "T12:30:00", "::", "fe80"]
)


@settings(max_examples=400, deadline=None)
@given(name=st.sampled_from(sorted(ALL_ASSERTED_FORMATS)), pieces=st.lists(_PIECES, max_size=12))
def test_generated_strings(name: str, pieces: list[str]) -> None:
    value = "".join(pieces)
    assert FORMAT_CHECKS[name](value) == _reference(name, value)


def test_the_draft7_list_is_python_jsonschema_s_installed_checker() -> None:
    import jsonschema

    from rs_stac_ext.schemas import DRAFT7_ASSERTED_FORMATS

    assert set(jsonschema.Draft7Validator.FORMAT_CHECKER.checkers) == DRAFT7_ASSERTED_FORMATS


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("iri", "https://a.example/x; https://b.example/y"),
        ("iri-reference", "https://a.example/x; https://b.example/y"),
        ("uri", "not a uri"),
        ("json-pointer", "no-slash"),
        ("uri-reference", "https://a.example/ok"),
        ("hostname", "-bad-.example"),
    ],
)
def test_both_engines_give_the_reference_verdict_on_other_formats(name: str, value: str) -> None:
    from rs_stac_ext.validator.engine import SchemaCompiler

    class _One:
        def resolve_contents(self, uri: str) -> dict[str, object]:
            return {"$schema": "http://json-schema.org/draft-07/schema#", "format": name}

    compiled = SchemaCompiler(_One()).compile(["https://example.test/s.json"])
    expected = _reference(name, value)
    assert compiled.quick_verdict(value) == expected
    assert all(v.is_valid(value) for v in compiled.reference.values()) == expected
