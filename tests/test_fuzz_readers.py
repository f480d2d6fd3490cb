"""Fuzzing the readers: files, NDJSON, standard input, catalogs, repeated keys.

Each property holds for any input hypothesis makes. The budget is small in CI (the ``ci``
profile); ``HYPOTHESIS_PROFILE=long`` multiplies it by 50 (see docs/validator.md):

    HYPOTHESIS_PROFILE=long pytest tests/test_fuzz_readers.py
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rs_stac_ext.validator._duplicate_keys import may_repeat_keys, repeated_keys
from rs_stac_ext.validator.readers import InputDocument, ReaderSettings, read_inputs
from rs_stac_ext.validator.report import Renderer
from rs_stac_ext.validator.validation import ValidationOptions, Validator

_SCALE = 50 if os.environ.get("HYPOTHESIS_PROFILE") == "long" else 1


def budget(examples: int) -> settings:
    """The settings of one fuzz test: ``examples`` cases in CI, 50 times more when long."""
    return settings(
        max_examples=examples * _SCALE,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=6)
)
_KEYS = st.sampled_from(["type", "id", "a", "a:", ":", "x/y", "~", "é", "features"])


@st.composite
def json_texts(draw: st.DrawFn, depth: int = 3) -> str:
    """JSON text written by hand: any spacing, escapes, and keys that may repeat."""
    if depth == 0 or draw(st.integers(0, 3)) == 0:
        return json.dumps(draw(_SCALARS), ensure_ascii=draw(st.booleans()))
    space = draw(st.sampled_from(["", " ", "\n", " \t "]))
    if draw(st.booleans()):
        items = draw(st.lists(json_texts(depth - 1), max_size=3))
        return "[" + f",{space}".join(items) + "]"
    members = draw(st.lists(st.tuples(_KEYS, json_texts(depth - 1)), max_size=4))
    written = []
    for key, value in members:
        name = json.dumps(key, ensure_ascii=draw(st.booleans()))
        if draw(st.integers(0, 5)) == 0:
            name = name.replace(":", "\\u003a")  # an escaped colon in a key
        written.append(f"{name}{space}:{space}{value}")
    return "{" + f",{space}".join(written) + "}"


@budget(300)
@given(json_texts())
def test_the_cheap_repeat_test_never_misses_a_repeated_key(text: str) -> None:
    data = text.encode()
    found = repeated_keys(data)
    pairs: list[list[str]] = []

    def keep(members: list[tuple[str, Any]]) -> dict[str, Any]:
        pairs.append([key for key, _ in members])
        return dict(members)

    parsed = json.loads(text, object_pairs_hook=keep)
    repeats = any(len(keys) != len(set(keys)) for keys in pairs)
    assert bool(found) == repeats
    if repeats:
        assert may_repeat_keys(data, parsed, data.count(b":"))


_LINES = st.one_of(
    json_texts().map(str.encode),
    st.binary(max_size=40),
    st.sampled_from([b"", b" ", b"[1]", b"{", b"}", b'{"a":1,"a":2}', b"\xef\xbb\xbf{}"]),
)


def _same_reports(records: list[InputDocument], source: str) -> list[Any]:
    """What a record says, with its source written as ``-``."""
    out = []
    for record in records:
        error = record.error
        out.append(
            (
                "-" if record.source == source else record.source,
                record.line,
                record.pointer,
                json.dumps(record.document, sort_keys=True, default=str),
                None if error is None else (error.kind, error.message.replace(source, "-")),
                record.repeated_keys,
            )
        )
    return out


@budget(150)
@given(
    lines=st.lists(_LINES, max_size=8),
    newline=st.sampled_from([b"\n", b"\r\n"]),
    final=st.booleans(),
    max_bytes=st.integers(min_value=8, max_value=120),
)
def test_standard_input_reads_as_a_json_or_ndjson_file_of_the_same_bytes(
    lines: list[bytes], newline: bytes, final: bool, max_bytes: int, tmp_path: Path
) -> None:
    data = newline.join(lines) + (newline if final and lines else b"")
    settings = ReaderSettings(max_bytes=max_bytes, max_depth=16)
    from_stdin = _same_reports(list(read_inputs(["-"], settings, stdin=io.BytesIO(data))), "-")
    readings = []
    for suffix in (".json", ".ndjson"):
        path = tmp_path / f"input{suffix}"
        path.write_bytes(data)
        readings.append(_same_reports(list(read_inputs([str(path)], settings)), str(path)))
    assert from_stdin in readings


@budget(100)
@given(lines=st.lists(_LINES, max_size=10), max_bytes=st.integers(min_value=4, max_value=80))
def test_ndjson_lines_keep_their_numbers_and_never_crash_the_report(
    lines: list[bytes], max_bytes: int, tmp_path: Path
) -> None:
    path = tmp_path / "input.ndjson"
    data = b"\n".join(lines)
    path.write_bytes(data)
    settings = ReaderSettings(max_bytes=max_bytes, max_depth=16)
    records = list(read_inputs([str(path)], settings))
    numbers = [r.line or 0 for r in records]
    assert numbers == sorted(numbers)
    physical = data.split(b"\n")  # a generated line may hold line feeds of its own
    assert sorted(set(numbers)) == [n for n, line in enumerate(physical, start=1) if line.strip()]
    validator = Validator(ValidationOptions(reader=settings))
    rendered = Renderer("text")([validator.check(record) for record in records])
    assert rendered.tally.documents == len(records)


_HREFS = st.sampled_from(
    [
        "child.json",
        "./child.json",
        "sub/item.json",
        "../outside.json",
        "missing.json",
        "loop.json",
        "catalog.json",
        "https://stac.example.com/x.json",
        "http://127.0.0.1:9/x.json",
        "s3://bucket/x.json",
        "file:///etc/hostname",
        "ftp://x/y.json",
        "",
        "#frag",
        "%00.json",
        "child.json?x=1",
    ]
)


@st.composite
def catalog_folders(draw: st.DrawFn) -> dict[str, Any]:
    """Catalogs linking each other, outside, to URLs, to nothing and to loops."""
    names = ["catalog.json", "child.json", "sub/item.json"]
    files: dict[str, Any] = {}
    for name in names:
        hrefs = draw(st.lists(_HREFS, max_size=5))
        kind = draw(st.sampled_from(["Catalog", "Collection", "Feature", 5, None]))
        files[name] = {
            "type": kind,
            "stac_version": "1.1.0",
            "id": name,
            "links": [{"rel": draw(st.sampled_from(["child", "item"])), "href": h} for h in hrefs],
        }
    return files


@budget(60)
@given(files=catalog_folders(), follow=st.booleans(), walk=st.booleans())
def test_every_catalog_link_is_read_or_reported(
    files: dict[str, Any], follow: bool, walk: bool, tmp_path: Path
) -> None:
    root = tmp_path / f"case{len(list(tmp_path.iterdir()))}"
    for name, document in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(document), encoding="utf-8")
    (root / "loop.json").symlink_to("loop.json")
    (root.parent / "outside.json").write_text("{}", encoding="utf-8")
    settings = ReaderSettings(follow_links=follow)
    target = str(root) if walk else str(root / "catalog.json")
    records = list(read_inputs([target], settings))
    validator = Validator(ValidationOptions(reader=settings))
    reports = [validator.check(record) for record in records]
    Renderer("text")(reports)
    sources = {r.source for r in records}
    messages = " ".join(r.error.message for r in records if r.error is not None)
    read = [r for r in records if r.error is None and isinstance(r.document, dict)]
    for record in read if follow else []:
        document = record.document
        if document.get("type") not in ("Catalog", "Collection"):
            continue
        for link in document["links"]:
            href = link["href"]
            if href.startswith(("https://", "http://", "s3://", "ftp://")):
                assert href in sources, href  # reported as not followed, never dropped
            elif href.startswith("file://"):
                assert f"link {href!r} leaves the catalog folder" in messages
    assert all(r.error is None or r.error.message for r in records)
