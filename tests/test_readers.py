"""Readers: STAC API URLs over real loopback HTTP, allow-list, and fuzzed input."""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rs_stac_ext.validator.readers import (
    ReaderSettings,
    SkippedFiles,
    folder_files,
    read_inputs,
    survey_inputs,
)
from rs_stac_ext.validator.report import Summary, TextWriter, json_line
from rs_stac_ext.validator.validation import ValidationOptions, Validator


class _Api(BaseHTTPRequestHandler):
    pages: ClassVar[dict[str, Any]] = {}
    seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.seen.append(self.path)
        body = self.pages.get(self.path)
        if body is None:
            self.send_response(404)
            self.end_headers()
            return
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/geo+json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture
def api() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Api)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    feature = {"type": "Feature", "stac_version": "1.1.0", "id": "a"}
    _Api.seen = []
    _Api.pages = {
        "/search": {
            "type": "FeatureCollection",
            "features": [feature, dict(feature, id="b")],
            "links": [{"rel": "next", "href": f"{base}/search?page=2", "method": "GET"}],
        },
        "/search?page=2": {"type": "FeatureCollection", "features": [dict(feature, id="c")]},
    }
    yield base
    server.shutdown()
    server.server_close()


def test_search_url_follows_next_links(api: str) -> None:
    settings = ReaderSettings(allow_hosts=(api,))
    records = list(read_inputs([f"{api}/search"], settings))
    assert [r.document["id"] for r in records] == ["a", "b", "c"]
    assert [r.pointer for r in records] == ["/features/0", "/features/1", "/features/0"]
    assert records[2].source == f"{api}/search?page=2"


def test_host_not_allowed_is_refused_without_a_request(api: str) -> None:
    (record,) = read_inputs([f"{api}/search"], ReaderSettings())
    assert record.error is not None
    assert record.error.kind == "network"
    assert f"host {api.removeprefix('http://')} is not allowed" in record.error.message
    assert _Api.seen == []


def test_http_error_is_a_record(api: str) -> None:
    (record,) = read_inputs([f"{api}/nothing"], ReaderSettings(allow_hosts=(api,)))
    assert record.error is not None
    assert "HTTP 404" in record.error.message


@settings(max_examples=200)
@given(st.binary(max_size=300))
def test_no_input_bytes_crash_the_reader_or_the_reporter(data: bytes) -> None:
    validator = Validator(ValidationOptions())
    out = io.StringIO()
    writer = TextWriter(out)
    summary = Summary()
    for record in read_inputs(["-"], ReaderSettings(max_depth=16), stdin=io.BytesIO(data)):
        report = validator.check(record)
        writer.write(report)
        summary.add(report)
        json.loads(json_line(report))
    assert summary.documents == summary.valid + summary.invalid


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                ["type", "stac_version", "stac_extensions", "properties", "assets", "id"]
            )
            | st.text(max_size=8),
            children,
            max_size=5,
        )
    ),
    max_leaves=20,
)


@settings(max_examples=200)
@given(json_values)
def test_no_json_document_crashes_validation(document: Any) -> None:
    validator = Validator(ValidationOptions())
    data = json.dumps(document).encode()
    for record in read_inputs(["-"], ReaderSettings(), stdin=io.BytesIO(data)):
        report = validator.check(record)
        assert isinstance(report.valid, bool)
        json.loads(json_line(report))


_NESTED = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=3),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=2), children, max_size=3)
    ),
    max_leaves=60,
)


@settings(max_examples=300, deadline=None)
@given(document=_NESTED, limit=st.integers(min_value=1, max_value=12))
def test_the_native_depth_check_agrees_with_a_plain_walk(document: Any, limit: int) -> None:
    from rs_stac_ext.validator.readers import _depth, too_deep

    assert too_deep(document, limit) == (_depth(document, limit) > limit)


def test_the_survey_finds_missing_paths_and_what_a_folder_walk_skips(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    (folder / "deep").mkdir(parents=True)
    for name in ("a.json", "b.GeoJSON", "deep/c.ndjson", "deep/d.jsonl"):
        (folder / name).write_text("{}\n", encoding="utf-8")
    for name in ("notes.txt", "deep/e.xml"):
        (folder / name).write_text("x", encoding="utf-8")
    lone = tmp_path / "item.stac"  # a file named on its own is read whatever its name
    lone.write_text("{}", encoding="utf-8")
    elsewhere = ["-", "https://x.example/a.json", "s3://bucket/items.ndjson"]
    survey = survey_inputs(
        [str(folder), str(lone), str(tmp_path / "nope.json"), *elsewhere, "nope/"]
    )
    assert survey.missing == (str(tmp_path / "nope.json"), "nope/")
    assert survey.skipped == (SkippedFiles(str(folder), ("deep/e.xml", "notes.txt")),)
    read, skipped = folder_files(folder)
    assert [p.relative_to(folder).as_posix() for p in read] == [
        "a.json",
        "b.GeoJSON",
        "deep/c.ndjson",
        "deep/d.jsonl",
    ]
    assert len(skipped) == 2
    # The walk itself reads exactly the files the survey does not skip.
    sources = {record.source for record in read_inputs([str(folder)])}
    assert sources == {str(path) for path in read}


def test_the_folder_walk_finds_what_rglob_finds(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "far.json").write_text("{}", encoding="utf-8")
    folder = tmp_path / "walk"
    (folder / ".hidden" / "deeper").mkdir(parents=True)
    (folder / ".hidden" / "deeper" / "x.json").write_text("{}", encoding="utf-8")
    (folder / ".DS_Store").write_bytes(b"\0")
    (folder / "link.json").symlink_to(outside / "far.json")  # a link to a file is a file
    (folder / "linked-dir").symlink_to(outside)  # a link to a folder is not entered
    (folder / "broken.json").symlink_to(tmp_path / "nowhere.json")
    read, skipped = folder_files(folder)
    expected = sorted(path for path in folder.rglob("*") if path.is_file())
    assert sorted(read + skipped) == expected
    assert [p.relative_to(folder).as_posix() for p in read] == [
        ".hidden/deeper/x.json",
        "link.json",
    ]
    assert [p.name for p in skipped] == [".DS_Store"]
