"""Helpers for the hostile-input tests of the server: a tiny catalog, a scriptable JWKS server."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

ISSUER_PATH = "/realms/rs"
AUDIENCE = "rs-stac"


def write_catalog(tmp: Path, assets: dict[str, Any], files: dict[str, bytes] | None = None) -> Path:
    """Write catalog ``cat`` with Collection ``c`` (owner alice) and Item ``i``; return its folder.

    Args:
        tmp: Where to write.
        assets: The Item's assets.
        files: Files to write next to the Item (name → bytes).
    """
    root = tmp / "catalog"
    item_dir = root / "c" / "i"
    item_dir.mkdir(parents=True)
    for name, data in (files or {}).items():
        (item_dir / name).write_bytes(data)
    documents: dict[Path, dict[str, Any]] = {
        root / "catalog.json": {
            "type": "Catalog",
            "stac_version": "1.1.0",
            "id": "cat",
            "description": "hostile input",
            "links": [{"rel": "child", "href": "./c/collection.json"}],
        },
        root / "c" / "collection.json": {
            "type": "Collection",
            "stac_version": "1.1.0",
            "id": "c",
            "owner": "alice",
            "description": "d",
            "license": "other",
            "extent": {},
            "links": [{"rel": "item", "href": "./i/i.json"}],
        },
        item_dir / "i.json": {
            "type": "Feature",
            "stac_version": "1.1.0",
            "id": "i",
            "geometry": None,
            "properties": {"datetime": "2020-01-01T00:00:00Z", "owner": "alice"},
            "links": [],
            "assets": assets,
        },
    }
    for path, document in documents.items():
        path.write_text(json.dumps(document), encoding="utf-8")
    return root


@dataclass
class JwksServer:
    """A loopback HTTP server publishing one RSA key; it can hang or answer nonsense.

    Attributes:
        url: The JWKS URL.
        issuer: An issuer URL on the same origin.
        hits: Requests received.
        hang: While set, requests wait until ``release`` is set (or 60 s).
        release: Lets hung requests go on.
        document: What is served (a JSON value).
        status: The HTTP status served.
    """

    url: str = ""
    issuer: str = ""
    hits: int = 0
    hang: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    document: Any = None
    status: int = 200
    private_key: rsa.RSAPrivateKey = field(
        default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048)
    )
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.private_key.public_key()))
        self.document = {"keys": [{**public, "kid": "k1", "alg": "RS256", "use": "sig"}]}

    def token(self, user: str = "alice", *, kid: str = "k1", ttl: float = 600) -> str:
        """An RS256 access token of this provider for ``user``."""
        now = int(time.time())
        payload = {
            "iss": self.issuer,
            "aud": AUDIENCE,
            "preferred_username": user,
            "iat": now,
            "exp": now + int(ttl),
        }
        return jwt.encode(payload, self.private_key, algorithm="RS256", headers={"kid": kid})


@contextmanager
def jwks_server() -> Iterator[JwksServer]:
    """Start a :class:`JwksServer` on 127.0.0.1; stop it (releasing hung requests) at the end."""
    state = JwksServer()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            with state.lock:
                state.hits += 1
            if state.hang.is_set():
                state.release.wait(60)
            body = json.dumps(state.document).encode()
            self.send_response(state.status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    base = f"http://127.0.0.1:{server.server_address[1]}"
    state.url = f"{base}{ISSUER_PATH}/protocol/openid-connect/certs"
    state.issuer = f"{base}{ISSUER_PATH}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.release.set()
        server.shutdown()
        server.server_close()


@dataclass
class RecordingStation:
    """A loopback HTTP server that answers every GET and remembers the paths asked for.

    Attributes:
        base: ``http://127.0.0.1:<port>``.
        paths: The request targets received.
    """

    base: str = ""
    paths: list[str] = field(default_factory=list)


@contextmanager
def recording_station() -> Iterator[RecordingStation]:
    """Start a :class:`RecordingStation`; every answer is ``200`` with the path as the body."""
    state = RecordingStation()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.paths.append(self.path)
            body = f"served {self.path}".encode()
            self.send_response(200)
            self.send_header("content-type", "application/octet-stream")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
