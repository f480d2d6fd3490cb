r"""Schema patterns are matched in bounded time with exactly the meaning Python's ``re`` gives them.

A hostile schema (``^(\w+)+$``) must not stall a check: the linear engine must answer where it
can, with ``re.search``'s answer, and the bounded check must give up in time where it cannot.
The character classes written out for the linear engine are compared with Python's ``re`` on
every code point; whole patterns are compared on generated patterns and texts.

The generated comparisons run a fixed budget (``RS_STAC_FUZZ_EXAMPLES``, 300 by default); for a
longer run::

    RS_STAC_FUZZ_EXAMPLES=20000 HYPOTHESIS_PROFILE=dev \
        python -m pytest tests/test_linear_regex.py -q -k generated

(about six minutes; it passed when this was written).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rs_stac_ext.schemas.resolver import ResolverSettings
from rs_stac_ext.validator import _bounded_regex
from rs_stac_ext.validator._bounded_regex import PatternTooSlow, bounded_search
from rs_stac_ext.validator._linear_regex import (
    linear_pattern,
    matcher,
    python_class,
    search,
)
from rs_stac_ext.validator.engine import Engine
from rs_stac_ext.validator.readers import InputDocument
from rs_stac_ext.validator.validation import ValidationOptions, Validator, Verdict

EXAMPLES = int(os.environ.get("RS_STAC_FUZZ_EXAMPLES", "300"))
EVERY_CHARACTER = "".join(chr(code) for code in range(sys.maxunicode + 1))
SURROGATE = re.compile("[\ud800-\udfff]")
HOSTILE = r"^(\w+)+$"


def _without_surrogates(text: str) -> str:
    return SURROGATE.sub("", text)


@pytest.mark.parametrize("category", ["digit", "space", "word"])
def test_python_classes_are_the_characters_re_matches(category: str) -> None:
    escape = {"digit": r"\d", "space": r"\s", "word": r"\w"}[category]
    matched = re.findall(escape, EVERY_CHARACTER)
    listed = [chr(c) for low, high in python_class(category) for c in range(low, high + 1)]
    assert listed == matched


@pytest.mark.parametrize("escape", [r"\d", r"\D", r"\s", r"\S", r"\w", r"\W", "."])
def test_written_out_classes_agree_with_re_on_every_character(escape: str) -> None:
    """Every character Python's class takes, the engine takes, and no other one."""
    members = _without_surrogates("".join(re.findall(escape, EVERY_CHARACTER)))
    others = _without_surrogates(re.sub(escape, "", EVERY_CHARACTER))
    assert linear_pattern(escape) is not None
    assert search(f"\\A{escape}*\\Z", members)
    assert not search(escape, others)
    for inside in (f"[{escape}]", f"[^{escape}]") if escape != "." else ():
        members = _without_surrogates("".join(re.findall(inside, EVERY_CHARACTER)))
        others = _without_surrogates(re.sub(inside, "", EVERY_CHARACTER))
        assert search(f"\\A{inside}*\\Z", members)
        assert not search(inside, others)


def test_the_hostile_pattern_is_read_by_the_linear_engine() -> None:
    assert linear_pattern(HOSTILE) is not None
    text = "a" * 100_000 + "!"
    assert search(HOSTILE, text) is False  # Python's re would need 2**100000 steps
    assert search(HOSTILE, "a" * 100_000) is True


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        ("^a$", "a\n", True),
        ("^a$", "a\n\n", False),
        ("^a\\Z", "a\n", False),
        ("^(?!eo:)", "eo:x", False),
        ("^(?!eo:)", "e", True),
        ("^(?!eo:)", "", True),
        ("x(?=y)", "xy", True),
        ("x(?=y)", "xz", False),
        ("^(a|b$)", "b\n", True),
        ("^\\d+$", "\u0663\u0664", True),
        ("^\\d+$", "\u00b2", False),
        ("^[^\\W\\d]+$", "\u00b2", True),
        ("^\\w$", "\ud800", False),  # a lone surrogate goes to Python's re
        ("^.$", "\ud800", True),
    ],
)
def test_answers_are_re_search_answers(pattern: str, text: str, expected: bool) -> None:
    assert (re.search(pattern, text) is not None) == expected
    assert search(pattern, text) == expected


_PIECES = (
    "a",
    "b",
    "é",
    "\\.",
    ".",
    "\\d",
    "\\D",
    "\\w",
    "\\W",
    "\\s",
    "\\S",
    "[a-c]",
    "[^a\\d]",
    "[\\w\\-.]",
    "[^\\W\\d_]",
    "\\n",
    "\\u00e9",
    "^",
    "\\A",
    "\\Z",
)


@st.composite
def patterns(draw: st.DrawFn, depth: int = 0) -> str:
    """Patterns of the constructs schemas use, sometimes with what only Python reads."""
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.integers(0, 9 if depth < 2 else 5))
        if kind <= 5:
            part = draw(st.sampled_from(_PIECES))
        elif kind == 6:
            part = "(" + draw(patterns(depth + 1)) + ")"
        elif kind == 7:
            part = "(?:" + draw(patterns(depth + 1)) + "|" + draw(patterns(depth + 1)) + ")"
        elif kind == 8:
            part = draw(st.sampled_from(("(?!ab)", "(?=a)", "\\b", "(?<=a)", "(?i)")))
        else:
            part = "(" + draw(patterns(depth + 1)) + ")" + draw(st.sampled_from(("+", "*")))
        parts.append(part + draw(st.sampled_from(("", "", "*", "+", "?", "{1,2}", "*?"))))
    tail = draw(st.sampled_from(("", "", "$", "(?!ab)", "(?=b)", "$\\n?")))
    return "".join(parts) + tail


texts = st.text(
    alphabet=st.sampled_from([*"ab.\n_-1 ", "é", "\u0663", "\u00b2", "\u2003"]), max_size=10
)


@settings(max_examples=EXAMPLES, deadline=None)
@given(pattern=patterns(), text=texts)
def test_generated_patterns_answer_as_re_search(pattern: str, text: str) -> None:
    try:
        compiled = re.compile(pattern)
    except re.error:
        return  # python-jsonschema cannot use it either
    assert search(pattern, text) == (compiled.search(text) is not None)


@settings(max_examples=EXAMPLES, deadline=None)
@given(
    keys=st.lists(st.sampled_from(["^(?!eo:)", "^a$", "\\d", "^[\\w:]+$", "^eo:"]), max_size=3),
    document=st.dictionaries(texts, st.integers(0, 1), max_size=4),
)
def test_generated_pattern_keywords_agree_with_python_jsonschema(
    keys: list[str], document: dict[str, Any]
) -> None:
    """``patternProperties`` and ``additionalProperties`` as python-jsonschema decides them."""
    from rs_stac_ext.validator._pattern_keywords import bounded_patterns

    schema = {
        "properties": {"x": {}},
        "patternProperties": {key: {"const": 1} for key in keys},
        "additionalProperties": False,
    }
    pristine = jsonschema.Draft7Validator(schema)
    bounded = bounded_patterns(jsonschema.Draft7Validator)(schema)
    assert [e.message for e in bounded.iter_errors(document)] == [
        e.message for e in pristine.iter_errors(document)
    ]


def test_a_pattern_only_python_reads_gives_up_in_time() -> None:
    pattern = r"^(a|a)+\b$"  # exponential in Python's re; \b keeps it from the linear engine
    assert linear_pattern(pattern) is None
    assert bounded_search(pattern, "a a") is False
    with pytest.raises(PatternTooSlow, match="did not finish on a text of 61 characters"):
        bounded_search(pattern, "a" * 60 + "!", limit=0.3)
    assert bounded_search(r"\bb", "a b") is True  # a fresh helper answers after the kill


def test_matchers_are_built_once_per_pattern() -> None:
    assert matcher(HOSTILE) is matcher(HOSTILE)


# ---------------------------------------------------------------- whole checks, both engines


def _mirror(tmp_path: Path, pattern: str) -> tuple[Path, str]:
    """A mirror folder serving an extension schema whose property has ``pattern``."""
    uri = "https://example.com/hostile/v1.0.0/schema.json"
    schema = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": uri,
        "type": "object",
        "properties": {"properties": {"properties": {"hostile:name": {"pattern": pattern}}}},
    }
    folder = tmp_path / "mirror"
    path = folder / "example.com" / "hostile" / "v1.0.0" / "schema.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(schema), encoding="utf-8")
    return folder, uri


def _item(uri: str, name: str) -> dict[str, Any]:
    return {
        "type": "Feature",
        "stac_version": "1.1.0",
        "stac_extensions": [uri],
        "id": "hostile",
        "geometry": None,
        "properties": {"datetime": "2024-01-01T00:00:00Z", "hostile:name": name},
        "links": [],
        "assets": {},
    }


@pytest.mark.parametrize("engine", [engine.value for engine in Engine])
def test_a_hostile_mirror_schema_cannot_stall_rs_stac_validate(tmp_path: Path, engine: str) -> None:
    r"""Issue 20 item 4: ``^(\w+)+$`` on 60 characters would take Python's re years."""
    folder, uri = _mirror(tmp_path, HOSTILE)
    document = tmp_path / "item.json"
    document.write_text(json.dumps(_item(uri, "a" * 60 + "!")), encoding="utf-8")
    done = subprocess.run(
        [
            *(sys.executable, "-m", "rs_stac_ext", "validate", "--no-cache", "--engine", engine),
            *("--schema-dir", str(folder), "--format", "json", str(document)),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout.splitlines()[0])
    assert report["verdict"] == "invalid"
    assert [error["keyword"] for error in report["errors"]] == ["pattern"]


@pytest.mark.parametrize("engine", list(Engine))
def test_a_pattern_out_of_time_leaves_the_schema_not_checked(
    tmp_path: Path, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_bounded_regex, "TIME_LIMIT", 0.3)
    folder, uri = _mirror(tmp_path, r"^(a|a)+\b$")
    options = ValidationOptions(
        engine=engine,
        rules=False,
        lint=False,
        resolver=ResolverSettings(schema_dirs=(folder,), use_cache=False),
    )
    validator = Validator(options)
    slow = validator.check(InputDocument("item.json", document=_item(uri, "a" * 60 + "!")))
    assert slow.verdict is Verdict.INCOMPLETE
    # Only the schema holding the pattern goes unchecked; the STAC core schema was checked.
    assert [item.schema for item in slow.not_checked] == [uri]
    assert "did not finish on a text of 61 characters within 0.3 s" in slow.not_checked[0].reason
    assert slow.checked == ["https://schemas.stacspec.org/v1.1.0/item-spec/json-schema/item.json"]
    broken = dict(_item(uri, "a" * 60 + "!"), id=5)  # and its errors are still reported
    both = validator.check(InputDocument("item.json", document=broken))
    assert both.verdict is Verdict.INVALID
    assert [item.schema for item in both.not_checked] == [uri]
    assert [error.path for error in both.errors] == ["/id"]
    short = validator.check(InputDocument("item.json", document=_item(uri, "aa!")))
    assert short.verdict is Verdict.INVALID
    assert validator.check(InputDocument("item.json", document=_item(uri, "aaa"))).valid
