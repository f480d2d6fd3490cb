"""Hostile input to the readers and the validator (issue 20, items 1-3 and 5-8).

Each test here failed before its fix: nothing is lost, nothing is passed in silence, no
traceback reaches the user and no download outlives its time limit.
"""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
import threading
import time
import tracemalloc
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from conftest import load_json
from rs_stac_ext.schemas._http import AllowList, HttpRefusedError, download
from rs_stac_ext.schemas._resources import extensions_root
from rs_stac_ext.validator.readers import ReaderSettings, read_inputs
from rs_stac_ext.validator.validation import ValidationOptions, Verdict, validate

ITEM = load_json(extensions_root() / "ownership" / "examples" / "item.json")


def run(*args: str, stdin: bytes | None = None, cache: Path) -> subprocess.CompletedProcess[bytes]:
    """Run ``rs-stac ARGS`` as a real process, offline, with bytes in and out."""
    return subprocess.run(
        [sys.executable, "-m", "rs_stac_ext", *args],
        input=stdin,
        capture_output=True,
        check=False,
        timeout=120,
        env={**os.environ, "RS_STAC_CACHE": str(cache)},
    )


def json_reports(output: bytes) -> list[dict[str, Any]]:
    return [json.loads(line) for line in output.splitlines()]


def item(identifier: str, **extra: Any) -> dict[str, Any]:
    return {**ITEM, "id": identifier, **extra}


class _Catalogs(BaseHTTPRequestHandler):
    """Serves the pages of ``pages``, and ``/chain/N``: a catalog linking to ``/chain/N+1``."""

    pages: ClassVar[dict[str, Any]] = {}
    chain_length: ClassVar[int] = 0
    disable_nagle_algorithm = True  # headers and body in two writes: no 40 ms wait each

    def do_GET(self) -> None:
        body = self.pages.get(self.path)
        if body is None and self.path.startswith("/chain/"):
            number = int(self.path.rsplit("/", 1)[1])
            links = [{"rel": "child", "href": f"{number + 1}"}]
            body = {
                "type": "Catalog",
                "stac_version": "1.1.0",
                "id": f"c{number}",
                "description": "a link in a chain",
                "links": links if number < self.chain_length else [],
            }
        if body is None:
            self.send_response(404)
            self.end_headers()
            return
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture
def catalogs() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Catalogs)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Catalogs.pages = {}
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def catalog(identifier: str, hrefs: list[str]) -> dict[str, Any]:
    return {
        "type": "Catalog",
        "stac_version": "1.1.0",
        "id": identifier,
        "description": "test",
        "links": [{"rel": "child", "href": href} for href in hrefs],
    }


# --- 1. links not followed are reported, and the run is not called valid -------------------


def test_absolute_url_children_of_a_local_catalog_are_reported_not_passed(
    tmp_path: Path,
) -> None:
    root = tmp_path / "catalog"
    root.mkdir()
    (root / "a.json").write_text(json.dumps(item("a")), encoding="utf-8")
    hrefs = [
        "https://stac.example.com/child.json",
        "http://127.0.0.1:9/child.json",
        "s3://bucket/child.json",
        (root / "a.json").as_uri(),  # a file URL inside the catalog's folder is read
    ]
    (root / "catalog.json").write_text(json.dumps(catalog("root", hrefs)), encoding="utf-8")
    result = run("validate", "--format", "json", str(root / "catalog.json"), cache=tmp_path)
    reports = json_reports(result.stdout)
    assert [(r["source"], r["verdict"]) for r in reports] == [
        (str(root / "catalog.json"), "valid"),
        ("https://stac.example.com/child.json", "incomplete"),
        ("http://127.0.0.1:9/child.json", "incomplete"),
        ("s3://bucket/child.json", "incomplete"),
        (str(root / "a.json"), "valid"),
    ]
    reasons = [r["warnings"][0]["message"] for r in reports[1:4]]
    assert "add --allow-host stac.example.com to read it" in reasons[0]
    assert "add --allow-host http://127.0.0.1:9 to read it" in reasons[1]
    assert "s3 links are not read" in reasons[2]
    assert all(
        r["not_checked"] == [{"schema": "", "reason": m}]
        for r, m in zip(reports[1:4], reasons, strict=True)
    )
    assert result.returncode == 3  # not fully checked: incomplete, never "all valid"
    summary = result.stderr.decode()
    assert "3 link(s) not followed" in summary
    assert "not read: 3 linked document(s)" in summary
    text = run("validate", str(root / "catalog.json"), cache=tmp_path)
    assert b"https://stac.example.com/child.json: INCOMPLETE (not read)" in text.stdout


def test_an_allowed_host_makes_a_local_catalog_read_its_url_children(
    tmp_path: Path, catalogs: str
) -> None:
    _Catalogs.pages = {"/a.json": item("remote")}
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(catalog("root", [f"{catalogs}/a.json"])), encoding="utf-8")
    records = list(read_inputs([str(path)], ReaderSettings(allow_hosts=(catalogs,))))
    assert [(r.source, r.error) for r in records] == [
        (str(path), None),
        (f"{catalogs}/a.json", None),
    ]
    assert records[1].document["id"] == "remote"


def test_a_remote_catalogs_children_on_other_hosts_are_reported(catalogs: str) -> None:
    _Catalogs.pages = {
        "/catalog.json": catalog("root", ["a.json", "https://elsewhere.example/b.json"]),
        "/a.json": item("a"),
    }
    reports = list(
        validate(
            [f"{catalogs}/catalog.json"],
            ValidationOptions(reader=ReaderSettings(allow_hosts=(catalogs,))),
        )
    )
    assert [(r.source, r.verdict) for r in reports] == [
        (f"{catalogs}/catalog.json", Verdict.VALID),
        (f"{catalogs}/a.json", Verdict.VALID),
        ("https://elsewhere.example/b.json", Verdict.INCOMPLETE),
    ]
    assert "add --allow-host elsewhere.example" in reports[2].warnings[0].message


def test_a_next_page_past_the_page_limit_is_reported(catalogs: str) -> None:
    feature = item("a")
    _Catalogs.pages = {
        "/search": {
            "type": "FeatureCollection",
            "features": [feature],
            "links": [{"rel": "next", "href": f"{catalogs}/search?page=2"}],
        },
    }
    settings = ReaderSettings(allow_hosts=(catalogs,), max_pages=1)
    records = list(read_inputs([f"{catalogs}/search"], settings))
    assert [(r.source, r.error.kind if r.error else None) for r in records] == [
        (f"{catalogs}/search", None),
        (f"{catalogs}/search?page=2", "not-followed"),
    ]
    assert records[1].error is not None
    assert "at most 1 page(s) of one URL are read" in records[1].error.message


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_the_links_of_a_catalog_on_an_ndjson_line_are_reported(jobs: str, tmp_path: Path) -> None:
    path = tmp_path / "catalogs.ndjson"
    lines = [json.dumps(catalog("root", ["a.json", "https://x.example/b.json"])), json.dumps(ITEM)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run("validate", "-j", jobs, "--format", "json", str(path), cache=tmp_path)
    reports = json_reports(result.stdout)
    assert [(r["source"], r["line"], r["verdict"]) for r in reports] == [
        (str(path), 1, "valid"),
        ("a.json", None, "incomplete"),
        ("https://x.example/b.json", None, "incomplete"),
        (str(path), 2, "valid"),
    ]
    assert f"{path}:1: link 'a.json' not followed" in reports[1]["warnings"][0]["message"]
    assert result.returncode == 3


# --- 2. standard input reads as the same bytes in a file -----------------------------------


def _ndjson(lines: list[bytes]) -> bytes:
    return b"\n".join(lines) + b"\n"


_ITEMS = [json.dumps(item(f"i{n}")).encode() for n in range(100)]
_LIMIT = max(len(line) for line in _ITEMS) + 10
_OVERSIZE = json.dumps(item("big", padding="x" * _LIMIT)).encode()

STREAMS = {
    "bad-first-line": (_ndjson([b"[1]", *_ITEMS]), ".ndjson"),
    "broken-first-line": (_ndjson([b'{"type": "Feat', *_ITEMS]), ".ndjson"),
    "oversize-first-line": (_ndjson([_OVERSIZE, *_ITEMS[:5]]), ".ndjson"),
    "oversize-middle-line": (_ndjson([*_ITEMS[:3], _OVERSIZE, *_ITEMS[3:6]]), ".ndjson"),
    "oversize-second-line": (_ndjson([_ITEMS[0], _OVERSIZE, *_ITEMS[1:4]]), ".ndjson"),
    "two-oversize-lines": (_ndjson([_OVERSIZE, _OVERSIZE, _ITEMS[0]]), ".ndjson"),
    "blank-lines": (b"\n\n" + _ndjson([_ITEMS[0], b"", _ITEMS[1]]), ".ndjson"),
    "pretty-document": (json.dumps(item("p"), indent=2).encode(), ".json"),
    "broken-pretty-document": (json.dumps(item("p"), indent=2).encode()[:-3], ".json"),
    "oversize-pretty-document": (
        json.dumps(item("p", padding=["x"] * _LIMIT), indent=2).encode(),
        ".json",
    ),
}


@pytest.mark.parametrize("name", sorted(STREAMS))
def test_standard_input_gives_the_reports_of_the_same_bytes_in_a_file(
    name: str, tmp_path: Path
) -> None:
    data, suffix = STREAMS[name]
    path = tmp_path / f"input{suffix}"
    path.write_bytes(data)
    options = ("validate", "--format", "json", "--max-bytes", str(_LIMIT))
    from_file = run(*options, str(path), cache=tmp_path)
    from_stdin = run(*options, "-", stdin=data, cache=tmp_path)
    assert from_stdin.stdout == from_file.stdout.replace(str(path).encode(), b"-")
    assert from_stdin.returncode == from_file.returncode
    if name == "bad-first-line":
        assert len(json_reports(from_stdin.stdout)) == 101


class _Generated(io.RawIOBase):
    """A stream of ``total`` bytes made as they are read (none of it held in memory)."""

    def __init__(self, line: bytes, total: int) -> None:
        self.line = line
        self.left = total

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        size = min(len(buffer), self.left)
        target = memoryview(buffer).cast("B")
        piece = self.line * (2**16 // len(self.line) + 1)  # filled 64 KiB at a time
        done = 0
        while done < size:
            step = min(len(piece), size - done)
            target[done : done + step] = piece[:step]
            done += step
        self.left -= size
        return size


def test_standard_input_holds_memory_near_the_limit(tmp_path: Path) -> None:
    limit = 4 * 2**20
    stream = _Generated(b"x" * 1023 + b"\n", 8 * limit)  # short lines that are not JSON
    tracemalloc.start()
    try:
        records = list(
            read_inputs(["-"], ReaderSettings(max_bytes=limit), stdin=io.BufferedReader(stream))
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(records) == 1
    assert records[0].error is not None
    assert f"-: {8 * limit} bytes is more than the limit" in records[0].error.message
    assert peak < 2 * limit + 2**21, peak


# --- 3. control characters never reach the terminal raw -------------------------------------


def test_ids_file_names_and_keys_are_escaped_in_the_text_report(tmp_path: Path) -> None:
    hostile = "\x1b[2J\x07\r\u202e"
    folder = tmp_path / f"dir{hostile}"
    folder.mkdir()
    bad = item(f"id{hostile}", stac_extensions=[f"https://x.example/{hostile}.json"])
    bad["properties"] = {**bad["properties"], f"key{hostile}": f"value{hostile}"}
    (folder / f"doc{hostile}.json").write_text(json.dumps(bad), encoding="utf-8")
    result = run("validate", "--progress", str(folder), cache=tmp_path)
    # The progress line draws itself with a carriage return and an erase: the document's own
    # characters must never get through.
    for stream in (result.stdout, result.stderr):
        text = stream.decode()
        assert not any(raw in text for raw in ("\x07", "\u202e", "\x1b[2J", "\r\u202e")), text
    assert "\r" not in result.stdout.decode()
    escaped = b"\\x1b[2J\\x07\\r\\u202e"
    assert result.stdout.count(escaped) >= 4  # the folder, the file name, the id, the key
    assert escaped in result.stderr  # the schema named in stac_extensions


# --- 5. a download's time limit holds while headers trickle ---------------------------------


@pytest.fixture
def trickling_server() -> Iterator[str]:
    """A server that sends a status line, then one header byte every 0.2 s for 30 s."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.recv(65536)
            try:
                connection.sendall(b"HTTP/1.1 200 OK\r\n")
                for _ in range(150):
                    if stop.is_set():
                        return
                    connection.sendall(b"X")
                    time.sleep(0.2)
            except OSError:
                return

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    listener.close()
    thread.join(timeout=5)


def test_the_timeout_bounds_a_download_whose_headers_trickle(trickling_server: str) -> None:
    started = time.monotonic()
    with pytest.raises(HttpRefusedError, match="timed out after 1 s"):
        download(
            f"{trickling_server}/item.json",
            AllowList([trickling_server]),
            max_bytes=2**20,
            timeout=1,
        )
    assert time.monotonic() - started < 10  # the server would trickle for 30 s


def test_validate_gives_up_on_a_trickling_url_at_its_timeout(
    trickling_server: str, tmp_path: Path
) -> None:
    started = time.monotonic()
    result = run(
        "validate",
        "--allow-host",
        trickling_server,
        "--timeout",
        "1",
        f"{trickling_server}/item.json",
        cache=tmp_path,
    )
    assert time.monotonic() - started < 20
    assert result.returncode == 2
    assert b"timed out after 1 s" in result.stdout
    assert b"Traceback" not in result.stderr


# --- 6. loops and long chains: one line each, never a traceback ------------------------------


def test_a_link_to_a_self_symlink_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "loop.json").symlink_to("loop.json")
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(catalog("root", ["loop.json"])), encoding="utf-8")
    result = run("validate", str(path), cache=tmp_path)
    assert result.returncode == 2
    assert b"Traceback" not in result.stderr
    assert b"link 'loop.json': a loop of symbolic links; not read" in result.stdout
    named = run("validate", str(tmp_path / "loop.json"), cache=tmp_path)
    assert named.returncode == 2
    assert b"loop.json: a loop of symbolic links; not read" in named.stdout
    assert b"Traceback" not in named.stderr


def test_a_chain_of_1500_local_catalogs_is_read_to_its_end(tmp_path: Path) -> None:
    length = 1500
    for number in range(length):
        hrefs = [f"c{number + 1}.json"] if number + 1 < length else []
        (tmp_path / f"c{number}.json").write_text(
            json.dumps(catalog(f"c{number}", hrefs)), encoding="utf-8"
        )
    records = list(read_inputs([str(tmp_path / "c0.json")]))
    assert [r.document["id"] for r in records] == [f"c{n}" for n in range(length)]


def test_a_chain_of_1000_remote_catalogs_is_read_to_its_end(catalogs: str) -> None:
    _Catalogs.chain_length = 1000
    records = list(read_inputs([f"{catalogs}/chain/0"], ReaderSettings(allow_hosts=(catalogs,))))
    assert [r.error for r in records] == [None] * 1001
    assert records[-1].document["id"] == "c1000"


@pytest.mark.parametrize(
    "command",
    [
        ("schemas", "list"),
        ("schemas", "export", "{out}/export"),
        ("schemas", "pack", "{out}/p.zip"),
    ],
)
def test_a_symlink_loop_in_a_mirror_is_one_line(command: tuple[str, ...], tmp_path: Path) -> None:
    mirror = tmp_path / "mirror" / "example.org" / "loop"
    mirror.mkdir(parents=True)
    (mirror / "schema.json").symlink_to("schema.json")
    arguments = [part.format(out=tmp_path) for part in command]
    result = run(*arguments, "--schema-dir", str(tmp_path / "mirror"), cache=tmp_path)
    assert b"Traceback" not in result.stderr
    said = result.stdout + result.stderr
    assert said.count(b"a loop of symbolic links") == 1
    assert f"skipped {mirror / 'schema.json'}: a loop of symbolic links".encode() in said


# --- 7. a repeated key is an error naming its object and the key ----------------------------


def test_a_repeated_key_is_an_error_with_its_pointer(tmp_path: Path) -> None:
    good = json.dumps(item("good"))
    repeated = json.dumps(item("twice")).replace(
        '"properties": {', '"properties": {"owner": 1, ', 1
    )
    hidden = '{"type": "Feature", "id": "h", "x\\u003a": 1, "x:": 2}'
    collection = (
        '{"type": "FeatureCollection", "features": [' + good + '], "features": [' + good + "]}"
    )
    path = tmp_path / "items.ndjson"
    path.write_text("\n".join([good, repeated, hidden, collection]) + "\n", encoding="utf-8")
    result = run("validate", "--format", "json", str(path), cache=tmp_path)
    reports = json_reports(result.stdout)
    found = [
        [(p["path"], p["message"]) for p in r["errors"] if p["keyword"] == "json/repeated-key"]
        for r in reports
    ]
    assert found[0] == []
    assert found[1] == [
        (
            "/properties",
            "the key 'owner' appears more than once in this object; JSON readers disagree on "
            "which value counts (this check read the last one)",
        )
    ]
    assert [path for path, _ in found[2]] == [""]
    assert "'x:'" in found[2][0][1]
    assert len(found[3]) == 1
    assert "the key 'features' appears more than once in the object at / of the" in found[3][0][1]
    assert [r["verdict"] for r in reports][1:] == ["invalid"] * 3
    assert result.returncode == 1


# --- 8. one rule for the limits: an input refused by a limit exits 2 -------------------------


@pytest.mark.parametrize("depth", [200, 2000, 100_000])
def test_every_depth_refusal_exits_2_with_one_message(depth: int, tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * depth + "]" * depth, encoding="utf-8")
    result = run("validate", "--format", "json", str(path), cache=tmp_path)
    assert result.returncode == 2
    (report,) = json_reports(result.stdout)
    (error,) = report["errors"]
    assert error["keyword"] == "read/limit"
    assert error["message"] == f"{path}: nested more than 128 levels deep"


def test_a_size_refusal_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_text(json.dumps(item("big")), encoding="utf-8")
    result = run("validate", "--max-bytes", "100", str(path), cache=tmp_path)
    assert result.returncode == 2
    assert b"bytes is more than the limit of 100 bytes" in result.stdout


# --- found by the fuzz tests -------------------------------------------------------------------


def test_a_type_or_rel_that_is_a_list_is_a_report_not_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "odd.json"
    path.write_text(json.dumps({"type": [], "links": [{"rel": [], "href": "x"}]}), "utf-8")
    result = run("validate", str(path), cache=tmp_path)
    assert result.returncode == 1
    assert b"Traceback" not in result.stderr
