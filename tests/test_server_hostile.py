"""The download server under hostile input and faults (issue 20, items 9 to 15), over loopback HTTP.

Each test names the defect it keeps closed: made-up API keys flooding scrypt, a hung identity
provider, station hrefs climbing out of the OData root, FIFOs, NUL bytes, malformed headers and
claims, and connections that trickle their headers.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import select
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from hostile_support import AUDIENCE, jwks_server, recording_station, write_catalog
from rs_stac_ext.download import download_path
from rs_stac_ext.server.access import Authenticator
from rs_stac_ext.server.app import create_app
from rs_stac_ext.server.catalog import StaticCatalog
from rs_stac_ext.server.config import ConfigError, parse_config
from rs_stac_ext.server.http_protocol import HeaderTimeoutProtocol
from rs_stac_ext.server.key_check import KeyChecker
from rs_stac_ext.server.keys import KeyHash, generate_key, hash_key, key_id
from rs_stac_ext.server.oidc import OidcVerifier, ProviderUnavailableError
from server_support import free_port, live_server

DATA = b"the asset's bytes\n" * 10
PATH = download_path("c", "i", "a")
SECRET = b"s" * 32
ENV = {"TEST_JWT_SECRET": SECRET.decode()}


def _status(client: httpx.Client, key: str) -> int:
    return client.get(PATH, headers={"x-api-key": key}).status_code


# --- 9: a flood of made-up API keys ------------------------------------------------------


def test_generated_keys_carry_their_id_into_the_hash_line() -> None:
    key = generate_key()
    stored = KeyHash.parse(hash_key(key))
    assert stored.key_id == key_id(key) is not None
    assert stored.matches(key)
    assert KeyHash.parse(hash_key("chosen by hand")).key_id is None


def test_a_flood_of_made_up_keys_runs_no_scrypt(tmp_path: Path) -> None:
    alice, bob = generate_key(), generate_key()
    root = write_catalog(tmp_path, {"a": {"href": "a.bin"}}, {"a.bin": DATA})
    config = parse_config(
        {
            "users": {
                "alice": {"api_keys": [hash_key(alice)]},
                "bob": {"api_keys": [hash_key(bob)]},
            }
        }
    )
    app = create_app(root, config)
    checker = app.state.download_authenticator.keys
    made_up = [generate_key() for _ in range(150)] + [secrets.token_urlsafe(32) for _ in range(150)]
    with live_server(app) as base, httpx.Client(base_url=base, timeout=30) as client:
        assert _status(client, alice) == 200
        assert checker.derivations == 1
        with ThreadPoolExecutor(16) as pool:
            statuses = list(pool.map(lambda key: _status(client, key), made_up))
        assert set(statuses) == {401}
        assert checker.derivations == 1  # not one scrypt run for 300 made-up keys
        # the real key is still cached (made-up keys never enter the cache) ...
        assert _status(client, alice) == 200
        assert checker.derivations == 1
        # ... and a real key seen for the first time costs exactly one run
        response = client.get(PATH, headers={"x-api-key": bob})
        assert response.status_code == 403  # bob is known, but does not own alice's Item
        assert checker.derivations == 2


def test_invalid_keys_checked_against_hashes_without_id_are_limited_per_client(
    tmp_path: Path,
) -> None:
    root = write_catalog(tmp_path, {"a": {"href": "a.bin"}}, {"a.bin": DATA})
    legacy = "alice's key from version 0.1.0"
    config = parse_config({"users": {"alice": {"api_keys": [hash_key(legacy)]}}})
    app = create_app(root, config)
    checker = app.state.download_authenticator.keys
    with live_server(app) as base, httpx.Client(base_url=base, timeout=30) as attacker:
        statuses = [_status(attacker, secrets.token_urlsafe(16)) for _ in range(30)]
        assert statuses[:20] == [401] * 20
        assert set(statuses[20:]) == {429}
        assert checker.derivations == 20
        refused = attacker.get(PATH, headers={"x-api-key": "yet another"})
        assert refused.status_code == 429
        assert int(refused.headers["retry-after"]) >= 1
        # another address is not held back by the attacker's failures
        transport = httpx.HTTPTransport(local_address="127.0.0.2")
        with httpx.Client(base_url=base, timeout=30, transport=transport) as honest:
            response = honest.get(PATH, headers={"x-api-key": legacy})
            assert response.status_code == 200
            assert response.content == DATA


def test_made_up_keys_never_evict_valid_ones() -> None:
    alice = generate_key()
    checker = KeyChecker([("alice", KeyHash.parse(hash_key(alice)))], cache_size=2)
    assert checker.owner(alice) == "alice"
    for _ in range(50):
        assert checker.owner(generate_key(), "10.0.0.1") is None
    assert checker.cached_owner(alice) == "alice"
    assert checker.derivations == 1


# --- 14: scrypt parameters the documentation allows ---------------------------------------


def test_large_scrypt_parameters_the_docs_allow_still_verify() -> None:
    key = "key with a costly hash"
    salt = b"0123456789abcdef"
    # N = 2**20 with r = 2 needs 256 MiB: above the old fixed limit, so every check failed
    digest = hashlib.scrypt(key.encode(), salt=salt, n=2**20, r=2, p=1, dklen=32, maxmem=2**29)
    stored = str(KeyHash(2**20, 2, 1, salt, digest))
    assert KeyHash.parse(stored).matches(key)
    config = parse_config({"users": {"alice": {"api_keys": [stored]}}})
    user = Authenticator(config).authenticate({"x-api-key": key})
    assert user is not None
    assert user.name == "alice"


def test_scrypt_parameters_needing_too_much_memory_are_a_config_error() -> None:
    salt = base64.urlsafe_b64encode(b"0123456789abcdef").rstrip(b"=").decode()
    stored = f"scrypt${2**20}$16$1${salt}${salt}{salt}"
    with pytest.raises(ConfigError, match=r"2048 MiB per key check"):
        parse_config({"users": {"alice": {"api_keys": [stored]}}})


# --- 10: a hung identity provider ------------------------------------------------------------


def test_cached_keys_serve_while_the_provider_hangs() -> None:
    with jwks_server() as provider:
        verifier = OidcVerifier(
            provider.issuer,
            audience=AUDIENCE,
            jwks_url=provider.url,
            jwks_cache_seconds=0.2,
            jwks_min_refetch_seconds=5,
            timeout_seconds=30,
        )
        token = provider.token()
        assert verifier.verify(token).username == "alice"
        assert provider.hits == 1
        provider.hang.set()
        time.sleep(0.3)  # the cached key set has expired
        with ThreadPoolExecutor(30) as pool:
            futures = [pool.submit(verifier.verify, token) for _ in range(30)]
            try:
                names = [future.result(timeout=10).username for future in futures]
            finally:
                provider.release.set()
        assert names == ["alice"] * 30
        deadline = time.monotonic() + 10
        while verifier.fetches < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert verifier.fetches == 2
        assert provider.hits == 2  # one refresh for thirty requests
        verifier.close()


def test_a_failing_provider_is_retried_with_back_off() -> None:
    with jwks_server() as provider:
        verifier = OidcVerifier(
            provider.issuer,
            audience=AUDIENCE,
            jwks_url=provider.url,
            jwks_cache_seconds=0.1,
            jwks_min_refetch_seconds=30,
            timeout_seconds=5,
        )
        token = provider.token()
        assert verifier.verify(token).username == "alice"
        provider.status = 500
        time.sleep(0.2)
        for _ in range(50):
            assert verifier.verify(token).username == "alice"
        time.sleep(0.2)
        assert provider.hits <= 3  # not one fetch per request
        with pytest.raises(ProviderUnavailableError):
            verifier.verify(provider.token(kid="k2"))  # unknown key: cannot be judged now
        verifier.close()


def test_a_key_set_without_a_list_of_keys_is_provider_unavailable() -> None:
    with jwks_server() as provider:
        provider.document = {"keys": 5}
        verifier = OidcVerifier(provider.issuer, audience=AUDIENCE, jwks_url=provider.url)
        with pytest.raises(ProviderUnavailableError, match="no list of keys"):
            verifier.verify(provider.token())
        verifier.close()


def _oidc_app(tmp_path: Path, provider_url: str, issuer: str, alice: str) -> Any:
    root = write_catalog(tmp_path, {"a": {"href": "a.bin"}}, {"a.bin": DATA})
    config = parse_config(
        {
            "users": {"alice": {"api_keys": [hash_key(alice)]}},
            "oidc": {
                "issuer": issuer,
                "audience": AUDIENCE,
                "jwks_url": provider_url,
                "jwks_cache_seconds": 0.3,
                "timeout_seconds": 30,
            },
        }
    )
    return create_app(root, config)


def test_a_hung_provider_blocks_neither_cached_tokens_nor_api_keys(tmp_path: Path) -> None:
    alice = generate_key()
    with jwks_server() as provider:
        app = _oidc_app(tmp_path, provider.url, provider.issuer, alice)
        token = provider.token()
        bearer = {"authorization": f"Bearer {token}"}
        with live_server(app) as base, httpx.Client(base_url=base, timeout=60) as client:
            assert client.get(PATH, headers=bearer).status_code == 200
            assert client.get(PATH, headers={"x-api-key": alice}).status_code == 200
            provider.hang.set()
            time.sleep(0.4)
            with ThreadPoolExecutor(48) as pool:
                tokens = [pool.submit(client.get, PATH, headers=bearer) for _ in range(45)]
                key = pool.submit(client.get, PATH, headers={"x-api-key": alice})
                try:
                    assert key.result(timeout=10).status_code == 200
                    assert [f.result(timeout=10).status_code for f in tokens] == [200] * 45
                finally:
                    provider.release.set()
            assert provider.hits <= 2


def test_a_key_set_without_a_list_of_keys_is_503_over_http(tmp_path: Path) -> None:
    with jwks_server() as provider:
        provider.document = {"keys": 5}
        app = _oidc_app(tmp_path, provider.url, provider.issuer, generate_key())
        with live_server(app) as base, httpx.Client(base_url=base, timeout=30) as client:
            response = client.get(PATH, headers={"authorization": f"Bearer {provider.token()}"})
            assert response.status_code == 503
            assert "retry-after" in response.headers


# --- 14: an HS256 token with a huge exp --------------------------------------------------


def _hs256(payload_text: str) -> str:
    def b64(data: bytes) -> bytes:
        return base64.urlsafe_b64encode(data).rstrip(b"=")

    signing_input = b64(b'{"alg":"HS256","typ":"JWT"}') + b"." + b64(payload_text.encode())
    signature = b64(hmac.new(SECRET, signing_input, hashlib.sha256).digest())
    return (signing_input + b"." + signature).decode()


@pytest.mark.parametrize(
    "payload",
    [
        '{"sub":"alice","exp":1' + "0" * 400 + "}",
        '{"sub":"alice","exp":1e400}',
        '{"sub":"alice","exp":' + "9" * 5000 + "}",
        '{"sub":"alice","exp":9999999999,"nbf":-1e400}',
    ],
    ids=["exp-10**400", "exp-1e400", "exp-5000-digits", "nbf--1e400"],
)
def test_absurd_time_claims_are_401(tmp_path: Path, payload: str) -> None:
    root = write_catalog(tmp_path, {"a": {"href": "a.bin"}}, {"a.bin": DATA})
    config = parse_config({"bearer": {"secret_env": "TEST_JWT_SECRET"}})
    with (
        live_server(create_app(root, config, environ=ENV)) as base,
        httpx.Client(base_url=base, timeout=30) as client,
    ):
        response = client.get(PATH, headers={"authorization": f"Bearer {_hs256(payload)}"})
    assert response.status_code == 401, response.text


# --- 11: station hrefs that climb out of the OData root -----------------------------------


def test_station_hrefs_leaving_the_root_are_never_fetched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEST_STATION_PASSWORD", "secret")
    guid = "dd786cf9-9d46-4dfb-975d-04de050ee415"
    with recording_station() as station:
        root_url = f"{station.base}/prip/odata/v1"
        registry = tmp_path / "stations.yaml"
        registry.write_text(
            "version: 1\nservices:\n  prip:\n    s1a:\n"
            f"      root_url: {root_url}\n"
            "      auth:\n        kind: basic\n        username: rs\n"
            "        password: {env: TEST_STATION_PASSWORD}\n",
            encoding="utf-8",
        )
        assets = {
            "good": {"href": f"{root_url}/Products({guid})/$value"},
            "dotdot": {"href": f"{root_url}/Products('x/../../../../admin?token=1#frag')/$value"},
            "climb": {"href": f"{root_url}/../../admin"},
            "encoded": {"href": f"{root_url}/%2e%2E/%2E%2e/admin"},
            "mixed": {"href": f"{root_url}/Products(1)/..%2f../../admin"},
        }
        catalog = write_catalog(tmp_path, assets)
        app = create_app(catalog, parse_config({"stations": {"registry": str(registry)}}))
        with live_server(app) as base, httpx.Client(base_url=base, timeout=30) as client:
            good = client.get(download_path("c", "i", "good"))
            assert good.status_code == 200
            assert good.content == f"served /prip/odata/v1/Products({guid})/$value".encode()
            for asset in ("dotdot", "climb", "encoded"):
                response = client.get(download_path("c", "i", asset))
                assert response.status_code == 404, (asset, response.text)
            mixed = client.get(download_path("c", "i", "mixed"))
    assert all(path.startswith("/prip/odata/v1/") for path in station.paths), station.paths
    assert not any("admin" in path and ".." in path for path in station.paths)
    assert mixed.status_code in (200, 404)


# --- 12: a FIFO in the served folder ----------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs (POSIX)")
def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    root = write_catalog(
        tmp_path, {"a": {"href": "a.bin"}, "fifo": {"href": "pipe"}}, {"a.bin": DATA}
    )
    os.mkfifo(root / "c" / "i" / "pipe")
    with (
        live_server(create_app(root, None)) as base,
        httpx.Client(base_url=base, timeout=5) as client,
    ):
        with ThreadPoolExecutor(8) as pool:
            statuses = list(
                pool.map(
                    lambda _: client.get(download_path("c", "i", "fifo")).status_code, range(8)
                )
            )
        assert statuses == [404] * 8
        assert client.get(PATH).content == DATA


# --- 13: NUL bytes in hrefs --------------------------------------------------------------------


def test_nul_in_asset_hrefs_is_not_a_server_error(tmp_path: Path) -> None:
    assets = {"a": {"href": "a.bin"}, "encoded": {"href": "x%00y.bin"}, "raw": {"href": "x\x00y"}}
    root = write_catalog(tmp_path, assets, {"a.bin": DATA})
    with (
        live_server(create_app(root, None)) as base,
        httpx.Client(base_url=base, timeout=30) as client,
    ):
        assert client.get("/collections/c/items/i").status_code == 200
        assert client.get("/collections/c/items").status_code == 200
        for asset in ("encoded", "raw"):
            assert client.get(download_path("c", "i", asset)).status_code == 404
        assert client.get(PATH).content == DATA


def test_nul_in_a_catalog_link_is_reported_and_skipped(tmp_path: Path) -> None:
    root = write_catalog(tmp_path, {"a": {"href": "a.bin"}}, {"a.bin": DATA})
    catalog_file = root / "catalog.json"
    document = json.loads(catalog_file.read_text(encoding="utf-8"))
    document["links"] += [
        {"rel": "child", "href": "./x%00/collection.json"},
        {"rel": "child", "href": "./x\x00/collection.json"},
    ]
    catalog_file.write_text(json.dumps(document), encoding="utf-8")
    catalog = StaticCatalog.load(root)
    assert [c.id for c in catalog.collections()] == ["c"]
    assert sum("x%00" in problem or "\\x00" in problem for problem in catalog.problems) == 2


def test_rs_stac_serve_starts_with_a_nul_in_a_catalog_link(tmp_path: Path) -> None:
    root = write_catalog(tmp_path, {"a": {"href": "a.bin"}}, {"a.bin": DATA})
    catalog_file = root / "catalog.json"
    document = json.loads(catalog_file.read_text(encoding="utf-8"))
    document["links"].append({"rel": "child", "href": "./x%00/collection.json"})
    catalog_file.write_text(json.dumps(document), encoding="utf-8")
    with (
        _served_by_the_cli(root) as base,
        httpx.Client(base_url=base, timeout=30) as client,
    ):
        assert client.get(PATH).content == DATA


# --- 14: media types and Range headers -----------------------------------------------------------


def test_a_media_type_with_a_trailing_newline_is_replaced(tmp_path: Path) -> None:
    assets = {"a": {"href": "a.bin", "type": "text/plain\n"}}
    root = write_catalog(tmp_path, assets, {"a.bin": DATA})
    with (
        live_server(create_app(root, None)) as base,
        httpx.Client(base_url=base, timeout=30) as client,
    ):
        response = client.get(PATH)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/octet-stream"
    assert response.content == DATA


@pytest.mark.parametrize(
    ("range_header", "status", "body"),
    [
        ("bytes=" + "9" * 4400 + "-", 416, None),
        ("bytes=0-" + "9" * 4400, 206, DATA),
        ("bytes=-" + "9" * 4400, 206, DATA),
        ("bytes=" + "0" * 4400 + "5-9", 206, DATA[5:10]),
    ],
    ids=["first-4400-digits", "last-4400-digits", "suffix-4400-digits", "leading-zeros"],
)
def test_range_headers_with_thousands_of_digits(
    tmp_path: Path, range_header: str, status: int, body: bytes | None
) -> None:
    root = write_catalog(tmp_path, {"a": {"href": "a.bin"}}, {"a.bin": DATA})
    with (
        live_server(create_app(root, None)) as base,
        httpx.Client(base_url=base, timeout=30) as client,
    ):
        response = client.get(PATH, headers={"range": range_header})
    assert response.status_code == status, response.text
    if body is not None:
        assert response.content == body


# --- 15: connections that trickle their headers -----------------------------------------------


@contextmanager
def _served_by_the_cli(root: Path, *options: str) -> Iterator[str]:
    """Run ``rs-stac serve ROOT`` in a process on a free port; yield its base URL."""
    port = free_port()
    command = [sys.executable, "-m", "rs_stac_ext.server.cli", str(root), "--port", str(port)]
    process = subprocess.Popen([*command, *options], stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("rs-stac serve did not start") from None
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=15)
        if process.stderr is not None:
            process.stderr.close()


def _trickle(base: str) -> tuple[float, bytes]:
    """Send a request's headers one byte every 0.05 s; return when and what the server answered."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(b"GET /collections HTTP/1.1\r\nHost: x\r\n")
        started = time.monotonic()
        answer = b""
        for _ in range(200):
            try:
                sock.sendall(b"X")
            except OSError:
                break
            time.sleep(0.05)
            readable, _, _ = select.select([sock], [], [], 0)
            if readable:
                chunk = sock.recv(4096)
                answer += chunk
                if not chunk:
                    break
        return time.monotonic() - started, answer


def test_trickling_headers_are_cut_off(tmp_path: Path) -> None:
    root = write_catalog(tmp_path, {"a": {"href": "a.bin"}}, {"a.bin": DATA})
    with _served_by_the_cli(root, "--header-timeout", "0.5") as base:
        elapsed, answer = _trickle(base)
        assert elapsed < 5  # not the 10 s the trickle lasts
        assert answer.startswith(b"HTTP/1.1 408 ")
        # a silent connection is closed too
        host, port = base.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=10) as sock:
            assert sock.recv(10) == b""
        # normal requests, several on one kept-alive connection, still work
        with httpx.Client(base_url=base, timeout=10) as client:
            for _ in range(3):
                assert client.get(PATH).content == DATA
                time.sleep(0.2)


def test_the_header_timeout_protocol_in_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(HeaderTimeoutProtocol, "header_timeout_seconds", 0.3)
    root = write_catalog(tmp_path, {"a": {"href": "a.bin"}}, {"a.bin": DATA})
    with live_server(create_app(root, None), http=HeaderTimeoutProtocol) as base:
        elapsed, answer = _trickle(base)
        assert elapsed < 5
        assert answer.startswith(b"HTTP/1.1 408 ")
