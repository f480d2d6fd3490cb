"""``rs-stac serve`` and its helpers, run as real processes."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from rs_stac_ext.download import download_path
from rs_stac_ext.server.keys import verify_key
from rs_stac_ext.server.tokens import verify_token
from server_support import free_port, make_catalog

SECRET = "z" * 40


def run(*args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> Any:
    return subprocess.run(
        [sys.executable, "-m", "rs_stac_ext.server.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        env={**os.environ, **(env or {})},
    )


def test_hash_key_from_stdin() -> None:
    result = run("hash-key", stdin="my key\n")
    assert result.returncode == 0, result.stderr
    assert verify_key("my key", result.stdout.strip())


def test_hash_key_generate() -> None:
    result = run("hash-key", "--generate")
    assert result.returncode == 0
    key = result.stderr.strip().rsplit(" ", 1)[-1]
    assert len(key) >= 40
    assert verify_key(key, result.stdout.strip())


def test_hash_key_refuses_an_empty_key() -> None:
    assert run("hash-key", stdin="\n").returncode == 2


def test_issue_token() -> None:
    result = run(
        "issue-token",
        "--user",
        "erin",
        "--role",
        "r1",
        "--role",
        "r2",
        env={"RS_STAC_JWT_SECRET": SECRET},
    )
    assert result.returncode == 0, result.stderr
    claims = verify_token(result.stdout.strip(), SECRET.encode())
    assert (claims.subject, claims.roles) == ("erin", frozenset({"r1", "r2"}))


def test_issue_token_without_secret() -> None:
    result = run("issue-token", "--user", "erin", env={"RS_STAC_JWT_SECRET": ""})
    assert result.returncode == 2
    assert "RS_STAC_JWT_SECRET" in result.stderr


def test_serve_needs_a_catalog() -> None:
    result = run()
    assert result.returncode == 2
    assert "--catalog" in result.stderr


def test_serve_refuses_a_bad_config(tmp_path: Path) -> None:
    catalog = make_catalog(tmp_path)
    config = tmp_path / "bad.yaml"
    config.write_text("users:\n  alice:\n    api_keys: [plain]\n", encoding="utf-8")
    result = run("--catalog", str(catalog.root), "--config", str(config))
    assert result.returncode == 2
    assert f"{config}: users.alice.api_keys.0" in result.stderr


def test_serve_refuses_a_folder_without_catalog(tmp_path: Path) -> None:
    result = run("--catalog", str(tmp_path))
    assert result.returncode == 2
    assert "catalog.json" in result.stderr


SERVE_MODULE = (sys.executable, "-m", "rs_stac_ext.server.cli")
RS_STAC_SERVE = (str(Path(sys.executable).with_name("rs-stac")), "serve")


def _serve(
    *args: str, env: dict[str, str] | None = None, command: tuple[str, ...] = SERVE_MODULE
) -> tuple[subprocess.Popen[str], str]:
    port = free_port()
    process = subprocess.Popen(
        [*command, "--port", str(port), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{base}/conformance", timeout=1)
            return process, base
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise AssertionError("the server did not start: " + process.communicate()[1])


def _stop(process: subprocess.Popen[str]) -> str:
    process.terminate()
    _, stderr = process.communicate(timeout=20)
    return stderr


def test_serve_local_mode_says_so(tmp_path: Path) -> None:
    catalog = make_catalog(tmp_path)
    process, base = _serve("--catalog", str(catalog.root), "--log-level", "error")
    try:
        response = httpx.get(base + download_path("alice-col", "owned", "a/b"))
    finally:
        stderr = _stop(process)
    assert response.content == catalog.data["alice-col", "owned", "a/b"]
    assert "LOCAL MODE" in stderr


def test_rs_stac_serve_takes_the_catalog_as_an_argument(tmp_path: Path) -> None:
    catalog = make_catalog(tmp_path)
    # Options before and after the catalog, as the README writes it.
    process, base = _serve(str(catalog.root), "--log-level", "error", command=RS_STAC_SERVE)
    try:
        response = httpx.get(base + download_path("alice-col", "owned", "big"))
    finally:
        _stop(process)
    assert response.status_code == 200
    assert response.content == catalog.data["alice-col", "owned", "big"]


def test_serve_takes_the_catalog_file_as_an_argument(tmp_path: Path) -> None:
    catalog = make_catalog(tmp_path)
    process, base = _serve(str(catalog.root / "catalog.json"), "--log-level", "error")
    try:
        collections = httpx.get(base + "/collections").json()["collections"]
    finally:
        _stop(process)
    assert "alice-col" in [collection["id"] for collection in collections]


def test_serve_refuses_two_catalogs(tmp_path: Path) -> None:
    catalog = str(make_catalog(tmp_path).root)
    twice = run(catalog, "--catalog", catalog)
    assert twice.returncode == 2
    assert "give the catalog once" in twice.stderr
    two = run(catalog, catalog)
    assert two.returncode == 2
    assert "expected one CATALOG, got 2" in two.stderr


def test_serve_names_a_missing_catalog_argument(tmp_path: Path) -> None:
    result = run(str(tmp_path / "nowhere"))
    assert result.returncode == 2
    assert "Invalid value for CATALOG" in result.stderr
    assert "nowhere" in result.stderr


def test_serve_with_config(tmp_path: Path) -> None:
    catalog = make_catalog(tmp_path)
    key_hash = run("hash-key", stdin="bob-key\n").stdout.strip()
    config = tmp_path / "server.yaml"
    config.write_text(
        f"users:\n  bob:\n    api_keys: ['{key_hash}']\nbearer:\n  secret_env: SERVE_SECRET\n",
        encoding="utf-8",
    )
    token = run(
        "issue-token", "--user", "bob", "--secret-env", "SERVE_SECRET", env={"SERVE_SECRET": SECRET}
    )
    env = {"SERVE_SECRET": SECRET}
    process, base = _serve("--catalog", str(catalog.root), "--config", str(config), env=env)
    path = download_path("alice-col", "bobs", "b")
    try:
        anonymous = httpx.get(base + path)
        with_key = httpx.get(base + path, headers={"x-api-key": "bob-key"})
        with_token = httpx.get(
            base + path, headers={"authorization": f"Bearer {token.stdout.strip()}"}
        )
    finally:
        stderr = _stop(process)
    assert anonymous.status_code == 401
    assert with_key.content == with_token.content == catalog.data["alice-col", "bobs", "b"]
    assert "LOCAL MODE" not in stderr
