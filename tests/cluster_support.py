"""Real servers for the cluster tests: an HTTP server with byte ranges, and test streams."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from rs_stac_ext.schemas._resources import extensions_root


def cadip_item() -> dict[str, Any]:
    path = extensions_root() / "cadip" / "examples" / "item.json"
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


def mixed_stream(path: Path, count: int) -> Path:
    """Write ``count`` CADIP items as NDJSON with every kind of line a reader meets.

    Item ``i`` is broken when ``i % 7 == 2``; there are blank lines, a malformed line, a
    FeatureCollection line (split into its Items), CRLF line ends and no final line feed.
    """
    item = cadip_item()
    broken = cadip_item()
    broken["properties"]["cadip:num_channels"] = "two"
    lines: list[str] = []
    for i in range(count):
        document = dict(broken if i % 7 == 2 else item, id=f"item-{i}")
        lines.append(json.dumps(document))
        if i % 11 == 5:
            lines.append("")
        if i % 13 == 6:
            lines.append("{oops")
        if i % 17 == 8:
            lines.append(json.dumps({"type": "FeatureCollection", "features": [item, broken]}))
        if i % 19 == 9:
            lines[-1] += "\r"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


class _RangeHandler(BaseHTTPRequestHandler):
    """Serves the files of a folder, honouring ``Range: bytes=a-`` and ``bytes=a-b``."""

    root: Path
    failing: set[int]  # range starts answered with HTTP 500 (a part that fails for good)

    def do_GET(self) -> None:
        path = self.root / self.path.lstrip("/")
        if not path.is_file():
            self.send_error(404)
            return
        data = path.read_bytes()
        header = self.headers.get("Range")
        if header is None:
            self._send(200, data, {})
            return
        first, _, last = header.removeprefix("bytes=").partition("-")
        start = int(first)
        end = min(int(last) + 1, len(data)) if last else len(data)
        if start in self.failing:
            self.send_error(500, "broken on purpose")
            return
        if start >= len(data):
            self._send(416, b"", {"Content-Range": f"bytes */{len(data)}"})
            return
        self._send(206, data[start:end], {"Content-Range": f"bytes {start}-{end - 1}/{len(data)}"})

    def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def range_server(root: Path, failing: set[int] | None = None) -> Iterator[str]:
    """Serve ``root`` on loopback; yield ``http://127.0.0.1:PORT``."""
    handler = type("Handler", (_RangeHandler,), {"root": root, "failing": failing or set()})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
