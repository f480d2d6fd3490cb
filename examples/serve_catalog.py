"""Serve a static catalog with the download endpoint, and download an asset through it.

Writes a small catalog (one Collection and one Item owned by ``mrossi``, with a local asset) to
a temporary folder, serves it on 127.0.0.1 with API-key access control, and asks for the asset
three times: without a key (401), with the key of a user who may not download it (403), and
with the owner's key (200). ``rs-stac serve CATALOG --config server.yaml`` does the serving
part from the command line.

    python examples/serve_catalog.py
"""

from __future__ import annotations

import json
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from rs_stac_ext.download import download_path
from rs_stac_ext.server.app import create_app
from rs_stac_ext.server.config import ServerConfig, UserConfig
from rs_stac_ext.server.keys import generate_key, hash_key

OWNERSHIP = "https://home.rs-python.eu/ownership-stac-extension/v2.0.0/schema.json"
EXTENT = {"spatial": {"bbox": [[1.0, 43.2, 2.4, 44.2]]}, "temporal": {"interval": [[None, None]]}}


def write_catalog(root: Path) -> None:
    """A Catalog, a Collection owned by mrossi and one Item with a local data file."""

    def write(path: Path, document: dict[str, Any]) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(document, indent=2), encoding="utf-8")

    common = {"stac_version": "1.1.0", "stac_extensions": [OWNERSHIP], "owner": "mrossi"}
    write(
        root / "catalog.json",
        common
        | {
            "type": "Catalog",
            "id": "mrossi_workspace",
            "description": "Working collections of mrossi",
            "links": [{"rel": "child", "href": "./s2-toulouse/collection.json"}],
        },
    )
    write(
        root / "s2-toulouse" / "collection.json",
        common
        | {
            "type": "Collection",
            "id": "s2-toulouse",
            "description": "Sentinel-2 tiles over Toulouse",
            "license": "other",
            "extent": EXTENT,
            "links": [{"rel": "item", "href": "./T31TCJ/T31TCJ.json"}],
        },
    )
    (root / "s2-toulouse" / "T31TCJ" / "quicklook.txt").parent.mkdir(parents=True)
    (root / "s2-toulouse" / "T31TCJ" / "quicklook.txt").write_text("a tiny quicklook\n")
    item = {
        "type": "Feature",
        "stac_version": "1.1.0",
        "stac_extensions": [OWNERSHIP],
        "id": "T31TCJ",
        "geometry": None,
        "properties": {"datetime": "2025-10-11T10:40:19Z", "owner": "mrossi"},
        "links": [],
        "assets": {"quicklook": {"href": "./quicklook.txt", "type": "text/plain"}},
    }
    write(root / "s2-toulouse" / "T31TCJ" / "T31TCJ.json", item)


def free_port() -> int:
    """A TCP port that is free on the loopback interface right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """Run the application with uvicorn in a thread; yield its base URL."""
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{server.config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def main() -> int:
    """Serve the catalog and show the three answers of the download endpoint."""
    owner_key, other_key = generate_key(), generate_key()
    config = ServerConfig(
        users={
            "mrossi": UserConfig(api_keys=[hash_key(owner_key)]),
            "lbianchi": UserConfig(api_keys=[hash_key(other_key)]),
        }
    )
    expected = {"no key": 401, "lbianchi's key": 403, "mrossi's key": 200}
    answers = {}
    with tempfile.TemporaryDirectory() as folder:
        write_catalog(Path(folder))
        # trust_env=False: requests to 127.0.0.1 never go through a configured proxy.
        with (
            serving(create_app(Path(folder), config)) as base,
            httpx.Client(base_url=base, trust_env=False) as client,
        ):
            landing = client.get("/", headers={"x-api-key": owner_key}).json()
            downloads = [c for c in landing.get("conformsTo", []) if c.endswith("/download")]
            print(f"serving {base}: conformance {', '.join(downloads)}")
            path = download_path("s2-toulouse", "T31TCJ", "quicklook")
            keys = {"no key": None, "lbianchi's key": other_key, "mrossi's key": owner_key}
            for who, key in keys.items():
                response = client.get(path, headers={"x-api-key": key} if key else {})
                answers[who] = response.status_code
                shown = response.text.strip() if response.is_success else response.json()
                print(f"GET {path} with {who}: {response.status_code} {shown}")
    print("every answer as expected" if answers == expected else f"expected {expected}")
    return 0 if answers == expected else 1


if __name__ == "__main__":
    sys.exit(main())
