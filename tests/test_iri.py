"""Our ``iri`` and ``iri-reference`` checks give python-jsonschema's verdicts, as installed.

python-jsonschema asks rfc3987-syntax (a lark Earley parser); ``rs_stac_ext.validator._iri``
answers with one linear-time regular expression. Both are compared on strings generated to
sit on the grammar's edges (percent escapes, IPv6 and IPvFuture literals, the ucschar and
iprivate ranges, empty components, ``%`` at the end, spaces, ``;``, brackets), on hand-picked
strings, on every link-like string of the outside documents in ``../shared/upstream`` and on
every string of the published examples. The reference is slow (up to a fifth of a second a
string), so the generated budget is small and fixed (the ``ci`` profile derandomises it); for a
longer, random run::

    RS_STAC_IRI_EXAMPLES=20000 HYPOTHESIS_PROFILE=dev pytest tests/test_iri.py

Runs in fresh interpreters show that validating never builds lark's parsers, and that
python-jsonschema's own ``iri`` check still answers (building them when first asked).
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import UPSTREAM
from rs_stac_ext.schemas import FormatMode, format_checker
from rs_stac_ext.schemas._resources import extensions_root
from rs_stac_ext.validator._formats import FORMAT_CHECKS
from rs_stac_ext.validator._iri import is_iri, is_iri_reference

EXAMPLES = int(os.environ.get("RS_STAC_IRI_EXAMPLES", "300"))
FORMATS = {"iri": ("iri", is_iri), "iri-reference": ("iri_reference", is_iri_reference)}


@cache
def reference(term: str, value: str) -> bool:
    """rfc3987-syntax's verdict (what python-jsonschema's checker returns), once per string."""
    import rfc3987_syntax  # type: ignore[import-untyped]

    return bool(rfc3987_syntax.is_valid_syntax(term, value))


def assert_same_verdicts(value: str) -> None:
    for name, (term, ours) in FORMATS.items():
        expected = reference(term, value)
        assert ours(value) == expected, f"{name} {value!r}: rfc3987-syntax says {expected}"


# --- the reference is what python-jsonschema asks -------------------------------------------


def test_python_jsonschema_asks_rfc3987_syntax() -> None:
    """Without the ``rfc3987`` package, python-jsonschema's iri checks are rfc3987-syntax's."""
    import jsonschema

    assert importlib.util.find_spec("rfc3987") is None
    checker = jsonschema.Draft7Validator.FORMAT_CHECKER
    # Strings on which rfc3987-syntax departs from RFC 3987 (see the module's docstring).
    for value, iri in [
        ("http://[::1]/", False),
        ("http://[1:2:3:4:5:6:7::]/", True),
        ("http://[V1.x]/", False),
        ("http://\U0001f600/", False),
        ("http://x/?\ue000", True),
    ]:
        assert checker.conforms(value, "iri") is iri
        assert is_iri(value) is iri


def test_every_mode_and_engine_uses_our_checks() -> None:
    for mode in (FormatMode.DRAFT7, FormatMode.ALL):
        checker = format_checker(mode)
        assert checker is not None
        assert checker.checkers["iri"][0] is is_iri
        assert checker.checkers["iri-reference"][0] is is_iri_reference
    assert FORMAT_CHECKS["iri"] is is_iri
    assert FORMAT_CHECKS["iri-reference"] is is_iri_reference


def test_non_strings_conform() -> None:
    values: list[object] = [None, 3, 1.5, [], {}]
    for value in values:
        assert is_iri(value)
        assert is_iri_reference(value)


# --- hand-picked edges ------------------------------------------------------------------------

HAND_PICKED = [
    "",
    " ",
    "a",
    "a:",
    "A+b-c.d:",
    "1a:b",
    "+a:b",
    ":",
    ":a",
    "a:b:c",
    "./a:b",
    "a/b:c",
    "mailto:someone@example.com",
    "urn:ogc:def:crs:EPSG::4326",
    "https://example.com",
    "https://example.com/",
    "https://example.com/a/b/c.tif?x=1&y=2#frag",
    "https://example.com/a b",
    "https://example.com/a%20b",
    "https://example.com/a%2",
    "https://example.com/a%",
    "https://example.com/%GG",
    "%",
    "%41",
    "a%4",
    "https://a.example/x; https://b.example/y",
    "a;b",
    ";",
    "//",
    "///",
    "////a",
    "/",
    "/a//b",
    "//a//b",
    "?",
    "#",
    "?#",
    "#?",
    "##",
    "#a#b",
    "?a?b/c",
    "http:",
    "http:/",
    "http://",
    "http:///",
    "http://@",
    "http://a@b@c",
    "http://user:pass@host:8080/p",
    "http://host:/p",
    "http://host:8a/p",
    "http://host::80/",
    "http://1.2.3.4/",
    "http://256.1.1.1/",
    "http://[::1]/",
    "http://[::]/",
    "http://[1::]/",
    "http://[2001:db8::]/",
    "http://[2001:db8:0:0:0:0:0:1]/",
    "http://[1:2:3:4:5:6:7:8]/",
    "http://[1:2:3:4:5:6:7:8:9]/",
    "http://[1:2:3:4:5:6:7::]/",
    "http://[1:2:3:4:5:6::7]/",
    "http://[1::2:3:4:5:6:7]/",
    "http://[::1:2:3:4:5:6:7]/",
    "http://[::1:2:3:4:5:6]/",
    "http://[1:2:3:4:5:6:1.2.3.4]/",
    "http://[::1:2:3:4:5:1.2.3.4]/",
    "http://[1:2:3:4:5::1.2.3.4]/",
    "http://[1:2:3:4:5:6:256.2.3.4]/",
    "http://[12345::1:2:3:4:5:6]/",
    "http://[fe80::1%25eth0]/",
    "http://[v1.a]/",
    "http://[V1.a]/",
    "http://[v.a]/",
    "http://[v1.]/",
    "http://[vF.a:b!$]/",
    "http://[v1.é]/",
    "http://[]/",
    "http://[/",
    "http://]/",
    "http://x/[a]",
    "http://é.example/é?é#é",
    "http://x/\u009f",
    "http://x/\u00a0",
    "http://x/\ud7ff",
    "http://x/\ud800",
    "http://x/\udfff",
    "http://x/\ue000",
    "http://x/?\ue000",
    "http://x/?\uf8ff",
    "http://x/#\uf8ff",
    "http://x/\uf900",
    "http://x/\ufdcf",
    "http://x/\ufdd0",
    "http://x/\ufdef",
    "http://x/\ufdf0",
    "http://x/\uffef",
    "http://x/\ufff0",
    "http://x/\uffff",
    "http://x/\U00010000",
    "http://x/?\U000f0000",
    "http://x/\t",
    "http://x/\n",
    "http://x/\x7f",
    'http://x/"',
    "http://x/<>",
    "http://x/{a}",
    "http://x/|",
    "http://x/\\",
    "http://x/^",
    "http://x/`",
    "s3://bucket/key with space.tif",
    "C:\\data\\file.tif",
    "file:///C:/data/file.tif",
]


@pytest.mark.parametrize("value", HAND_PICKED)
def test_hand_picked_strings(value: str) -> None:
    assert_same_verdicts(value)


# --- generated strings, biased to the grammar's edges -----------------------------------------

_EDGE_CHARACTERS = [
    *"aZ09-._~!$&'()*+,;=:@/?#[]%",
    " ",
    "\t",
    "\n",
    '"',
    "<",
    ">",
    "\\",
    "^",
    "`",
    "{",
    "|",
    "}",
    "\x7f",
    "\x00",
    # Each side of every ucschar and iprivate boundary, and beyond the BMP.
    "\u009f",
    "\u00a0",
    "\u00e9",
    "\ud7ff",
    "\ud800",
    "\udfff",
    "\ue000",
    "\uf8ff",
    "\uf900",
    "\ufdcf",
    "\ufdd0",
    "\ufdef",
    "\ufdf0",
    "\uffef",
    "\ufff0",
    "\uffff",
    "\U00010000",
    "\U000e0000",
    "\U000f0000",
]
_PIECES = [
    *_EDGE_CHARACTERS,
    "%41",
    "%a",
    "%zz",
    "%",
    "//",
    "::",
    "http:",
    "a:",
    "v1.",
    "V1.",
    "[::1]",
    "1.2.3.4",
    "256.0.0.1",
    "fe80",
    "@",
]
characters = st.sampled_from(_EDGE_CHARACTERS) | st.characters(codec=None)
_PIECE = st.sampled_from(_PIECES) | characters


# What each component allows (ASCII, a percent escape, and ucschar from each of its ranges).
_UCSCHARS = ["é", "\u00a0", "\ud7ff", "\uf900", "\ufdcf", "\ufdf0", "\uffef"]
_IUNRESERVED = [*"aZ09-._~", *_UCSCHARS, "%41", "%fF"]
_SUB_DELIMS = list("!$&'()*+,;=")
_ALLOWED = {
    "scheme": list("aZ09+-."),
    "userinfo": [*_IUNRESERVED, *_SUB_DELIMS, ":"],
    "reg_name": [*_IUNRESERVED, *_SUB_DELIMS],
    "segment": [*_IUNRESERVED, *_SUB_DELIMS, ":", "@"],
    "query": [*_IUNRESERVED, *_SUB_DELIMS, ":", "@", "/", "?", "\ue000", "\uf8ff"],
    "fragment": [*_IUNRESERVED, *_SUB_DELIMS, ":", "@", "/", "?"],
}


# Characters some component allows and another does not, and the edge pieces.
_EDGE = (
    st.sampled_from(sorted(set().union(*_ALLOWED.values()) | set("#[]%/?:@")))
    | st.sampled_from(_PIECES)
    | characters
)


@st.composite
def component(draw: st.DrawFn, kind: str = "segment") -> str:
    """A run of what ``kind`` allows (often empty)."""
    return "".join(draw(st.lists(st.sampled_from(_ALLOWED[kind]), max_size=5)))


@st.composite
def with_one_edge(draw: st.DrawFn, text: str) -> str:
    """``text`` with one edge piece inserted or put in place of a character."""
    at = draw(st.integers(0, len(text)))
    after = at + 1 if at < len(text) and draw(st.booleans()) else at
    return text[:at] + draw(_EDGE) + text[after:]


_H16 = st.text(st.sampled_from("09afAF"), min_size=1, max_size=4)
_BAD_H16 = st.sampled_from(["", "12345", "g", "0x1"])


@st.composite
def ipv6_literal(draw: st.DrawFn) -> str:
    """An IPv6-like literal: 0 to 9 groups, "::" at a group boundary or none, maybe IPv4 last.

    Mostly well-formed groups, so the count of groups and the place of "::" decide.
    """
    count = draw(st.integers(0, 9))
    groups = [draw(_H16 | _BAD_H16) if draw(st.integers(0, 9)) == 0 else draw(_H16)]
    groups += [draw(_H16) for _ in range(count - 1)]
    groups = groups[:count]
    if draw(st.booleans()):
        octets = draw(st.lists(st.integers(0, 300), min_size=3, max_size=5))
        if draw(st.integers(0, 3)):
            octets = [octet % 256 for octet in octets[:4]] + [0] * (4 - len(octets[:4]))
        groups.append(".".join(map(str, octets)))
    if draw(st.integers(0, 4)):  # usually a "::" at a boundary (0 = before the first group)
        at = draw(st.integers(0, len(groups)))
        text = ":".join(groups[:at]) + "::" + ":".join(groups[at:])
    else:
        text = ":".join(groups)
    return f"[{text}]"


@st.composite
def ipvfuture_literal(draw: st.DrawFn) -> str:
    version = draw(st.text(st.sampled_from("0123456789aFgv"), max_size=3))
    rest = draw(st.text(st.sampled_from("aZ0-._~!$&'()*+,;=:@/é%[] "), max_size=5))
    v = draw(st.sampled_from(["v", "v", "V", ""]))
    dot = draw(st.sampled_from([".", ".", ""]))
    return f"[{v}{version}{dot}{rest}]"


@st.composite
def structured(draw: st.DrawFn) -> str:
    """A reference assembled part by part, each part well-formed or not, or empty."""
    scheme = draw(
        st.sampled_from(["", "", "http:", "a:", "A1+-.:", "1a:", ":"])
        | component("scheme").map(lambda text: text + ":")
    )
    text = scheme
    if draw(st.booleans()):
        userinfo = draw(st.sampled_from(["", "", "u:p@", "@", "a@b@"]) | component("userinfo"))
        if userinfo and not userinfo.endswith("@") and draw(st.booleans()):
            userinfo += "@"
        host = draw(
            st.sampled_from(["", "example.com", "1.2.3.4"])
            | ipv6_literal()
            | ipvfuture_literal()
            | component("reg_name")
        )
        port = draw(st.sampled_from(["", ":", ":80", ":8a", "::"]))
        text += "//" + userinfo + host + port
    segments = draw(st.lists(component("segment"), max_size=4))
    text += draw(st.sampled_from(["", "/"])) + "/".join(segments)
    if draw(st.booleans()):
        text += "?" + draw(component("query"))
    if draw(st.booleans()):
        text += "#" + draw(component("fragment"))
    # Mostly one edge piece somewhere: every other part then decides the verdict.
    return draw(with_one_edge(text)) if draw(st.integers(0, 2)) else text


# Each place of the grammar, as a well-formed reference with "{}" where a run of that place is.
_PLACES = [
    "{}:x",  # scheme
    "http://{}@h/",  # iuserinfo
    "http://{}/",  # ireg-name
    "http://h:{}/",  # port
    "http://[v1.{}]/",  # IPvFuture
    "a:{}",  # ipath-rootless
    "{}/x",  # ipath-noscheme
    "/{}",  # ipath-absolute
    "//h/a/{}/y",  # isegment
    "?{}",  # iquery of a relative reference
    "http://h/?{}#f",  # iquery
    "#{}",  # ifragment of a relative reference
    "http://h/?q#{}",  # ifragment
]
_PROBES = sorted(
    set().union(*_ALLOWED.values()) | set(_EDGE_CHARACTERS) | set("#[]%/?:@") | {"%4", "%g0"}
)


@pytest.mark.parametrize("place", _PLACES)
def test_each_character_in_each_place(place: str) -> None:
    """Every character some place allows, or that sits on an edge, in the middle of each place."""
    for probe in _PROBES:
        assert_same_verdicts(
            place.format("a" + probe + "b" if place != "http://h:{}/" else "8" + probe + "0")
        )


@settings(max_examples=EXAMPLES)
@given(value=structured())
def test_generated_references(value: str) -> None:
    assert_same_verdicts(value)


@settings(max_examples=EXAMPLES)
@given(
    value=st.sampled_from(["http://", "//", "a:", ""]).flatmap(
        lambda start: (ipv6_literal() | ipvfuture_literal()).map(lambda host: start + host)
    )
)
def test_generated_ip_literals(value: str) -> None:
    assert_same_verdicts(value)


@settings(max_examples=EXAMPLES)
@given(value=st.lists(_PIECE, max_size=12).map("".join))
def test_generated_piece_strings(value: str) -> None:
    assert_same_verdicts(value)


@st.composite
def mutated_link(draw: st.DrawFn) -> str:
    """A real link with one character inserted, removed or replaced."""
    links = outside_links()
    if not links:
        return draw(structured())
    link = draw(st.sampled_from(links[:200]))
    at = draw(st.integers(0, len(link)))
    action = draw(st.sampled_from(["insert", "remove", "replace"]))
    piece = draw(_PIECE)
    if action == "insert":
        return link[:at] + piece + link[at:]
    if action == "remove":
        return link[:at] + link[at + 1 :]
    return link[:at] + piece + link[at + 1 :]


@settings(max_examples=EXAMPLES)
@given(value=mutated_link())
def test_mutated_outside_links(value: str) -> None:
    assert_same_verdicts(value)


# --- the outside documents and the published examples ----------------------------------------


def _strings(document: Any) -> Iterator[tuple[str | None, str]]:
    """Yield every string of a JSON document with the key it stands under."""
    stack: list[tuple[str | None, Any]] = [(None, document)]
    while stack:
        key, node = stack.pop()
        if isinstance(node, dict):
            stack.extend(node.items())
        elif isinstance(node, list):
            stack.extend((key, item) for item in node)
        elif isinstance(node, str):
            yield key, node


def _json_files(folder: Path) -> list[Any]:
    documents = []
    for path in sorted(folder.rglob("*.json")):
        try:
            documents.append(json.loads(path.read_text(encoding="utf-8")))
        except (UnicodeDecodeError, ValueError):
            continue  # a few upstream files are not JSON; they hold no links to compare
    return documents


_LINK_KEYS = {"href", "url", "$ref", "$id", "$schema", "id", "rel"}


@cache
def outside_links() -> list[str]:
    """Every link-like string of every JSON file in ``../shared/upstream``, sorted."""
    if not UPSTREAM.is_dir():
        return []
    found = {
        value
        for document in _json_files(UPSTREAM)
        for key, value in _strings(document)
        if key in _LINK_KEYS or "://" in value or value.startswith(("./", "../", "/", "#"))
    }
    return sorted(found)


def test_every_outside_link() -> None:
    links = outside_links()
    if not links:
        pytest.skip(f"outside documents not found at {UPSTREAM}")
    assert len(links) > 500  # the collection really was read
    for value in links:
        assert_same_verdicts(value)


def test_every_string_of_the_published_examples() -> None:
    examples = [
        document
        for extension in sorted(extensions_root().iterdir())
        if (extension / "examples").is_dir()
        for document in _json_files(extension / "examples")
    ]
    values = sorted({value for document in examples for _, value in _strings(document)})
    assert len(values) > 100
    for value in values:
        assert_same_verdicts(value)


# --- linear time and lazy loading, in fresh interpreters --------------------------------------


def _run(code: str, timeout: float = 120) -> Any:
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=timeout
    )
    return json.loads(result.stdout)


def test_long_adversarial_strings_are_decided_in_linear_time() -> None:
    """Strings of 100,000 characters built to make a backtracking matcher try every split."""
    code = """
import json
from rs_stac_ext.validator._iri import is_iri, is_iri_reference
n = 100_000
cases = [
    "a" * n + "\\\\",                 # a scheme that never reaches ":"
    "a:" + "/a" * (n // 2) + "\\\\",  # many segments, refused at the very end
    "//" + "a:" * (n // 2) + "@@",    # userinfo or host and port?
    "a:" + "%41" * (n // 3) + "%4",   # percent escapes, the last one cut short
    "http://[" + "1:" * (n // 2) + "]",
    "http://[v1." + "a" * n,
    "?" + "é/?" * (n // 3) + "#\\ue000",  # private use: in a query, not a fragment
    "x:" + "\\u00a0" * n + " ",
]
print(json.dumps([[is_iri(c), is_iri_reference(c)] for c in cases]))
"""
    # A backtracking pattern would run for hours on these; ours takes milliseconds each.
    assert _run(code, timeout=60) == [[False, False]] * 8


_VALIDATION = """
import json, sys
from rs_stac_ext.validator.engine import Engine
from rs_stac_ext.validator.validation import ValidationOptions, validate
reports = list(validate([{path!r}], options=ValidationOptions(engine=Engine({engine!r}))))
print(json.dumps({{
    "valid": [r.valid for r in reports],
    "paths": [[p.path for p in r.errors] for r in reports],
    "loaded": sorted(m for m in ("lark", "rfc3987_syntax") if m in sys.modules),
}}))
"""


@pytest.mark.parametrize("engine", ["auto", "python"])
def test_validating_never_loads_the_earley_parser(tmp_path: Path, engine: str) -> None:
    """Links outside the fast subsets are checked, in both engines, without lark."""
    item = json.loads((extensions_root() / "auxip" / "examples" / "item.json").read_text())
    first_asset = next(iter(item["assets"]))
    unicode_href = dict(item)
    unicode_href["assets"] = {
        **item["assets"],
        first_asset: {**item["assets"][first_asset], "href": "https://example.com/é/ü.tif"},
    }
    bad_href = dict(item)
    bad_href["links"] = [*item["links"], {"rel": "x", "href": "http://[::1]/ not an iri"}]
    source = tmp_path / "items.ndjson"
    source.write_text(
        "\n".join(json.dumps(doc) for doc in (item, unicode_href, bad_href)), encoding="utf-8"
    )
    outcome = _run(_VALIDATION.format(path=str(source), engine=engine))
    assert outcome["valid"] == [True, True, False]
    assert outcome["paths"][2] == [f"/links/{len(item['links'])}/href"]
    assert outcome["loaded"] == []


def test_python_jsonschema_s_own_iri_check_still_answers() -> None:
    """After our import, python-jsonschema's checker builds its parser when first asked."""
    code = """
import json, sys
from rs_stac_ext.schemas import format_checker
format_checker("draft7")
import jsonschema
before = "lark" in sys.modules
checker = jsonschema.Draft7Validator.FORMAT_CHECKER
verdicts = [checker.conforms(v, "iri") for v in ("http://[::1]/", "http://x/", "a b")]
print(json.dumps({"before": before, "after": "lark" in sys.modules, "verdicts": verdicts,
                  "real": hasattr(sys.modules["rfc3987_syntax"], "syntax_parser")}))
"""
    outcome = _run(code)
    assert outcome == {
        "before": False,
        "after": True,
        "verdicts": [False, True, False],
        "real": True,
    }
