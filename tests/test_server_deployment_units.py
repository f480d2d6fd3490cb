"""Pieces of the pgstac deployment and of the OIDC support that need no server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from rs_stac_ext.cli import main
from rs_stac_ext.server.access import AuthenticationError, Authenticator
from rs_stac_ext.server.backends import Backends
from rs_stac_ext.server.backends.local import LocalBackend
from rs_stac_ext.server.backends.s3 import S3Backend
from rs_stac_ext.server.config import (
    ConfigError,
    DownloadConfig,
    S3Config,
    load_config,
    parse_config,
)
from rs_stac_ext.server.oidc import claim_at
from rs_stac_ext.server.pgstac_app import (
    ALTERNATE_ASSETS_SCHEMA,
    AssetPublisher,
    PgstacError,
    app_from_env,
    asyncpg_dsn,
)
from rs_stac_ext.server.tokens import issue_token

SECRET = b"s" * 32


def test_oidc_configuration_errors_name_the_file_and_place(tmp_path: Path) -> None:
    config = tmp_path / "server.yaml"
    config.write_text("oidc:\n  issuer: https://sso.example.org/realms/rs\n")
    with pytest.raises(ConfigError, match=r"server.yaml: oidc: .*audience or client_id"):
        load_config(config)
    config.write_text("oidc:\n  issuer: sso.example.org\n  client_id: c\n")
    with pytest.raises(ConfigError, match=r"server.yaml: oidc.issuer: .*not an http\(s\) URL"):
        load_config(config)
    config.write_text("oidc:\n  issuer: https://sso.example.org\n  client_id: c\n")
    config.write_text(config.read_text() + "  algorithms: [HS256]\n")
    with pytest.raises(ConfigError, match=r"server.yaml: oidc.algorithms.0: "):
        load_config(config)


def test_oidc_role_paths_default_to_realm_and_client_roles() -> None:
    oidc = parse_config({"oidc": {"issuer": "https://i.example", "client_id": "rs-stac"}}).oidc
    assert oidc is not None
    assert oidc.role_paths() == ["realm_access.roles", "resource_access.rs-stac.roles"]
    only_aud = parse_config({"oidc": {"issuer": "https://i.example", "audience": "api"}}).oidc
    assert only_aud is not None
    assert only_aud.role_paths() == ["realm_access.roles"]
    assert not parse_config({"oidc": {"issuer": "https://i", "audience": "a"}}).local_mode


def test_claim_at_reads_dotted_paths() -> None:
    payload = {"realm_access": {"roles": ["a"]}, "resource_access": {"rs-stac": {"roles": []}}}
    assert claim_at(payload, "realm_access.roles") == ["a"]
    assert claim_at(payload, "resource_access.rs-stac.roles") == []
    assert claim_at(payload, "resource_access.other.roles") is None
    assert claim_at(payload, "realm_access.roles.0") is None


def test_hs256_tokens_go_to_the_secret_and_need_bearer() -> None:
    oidc_only = Authenticator(
        parse_config({"oidc": {"issuer": "https://i.example", "client_id": "c"}})
    )
    token = issue_token(SECRET, "erin")
    with pytest.raises(AuthenticationError, match="HS256 bearer tokens are not accepted"):
        oidc_only.authenticate({"authorization": f"Bearer {token}"})
    with pytest.raises(AuthenticationError, match="three"):
        oidc_only.authenticate({"authorization": "Bearer not-a-token"})
    oidc_only.close()


@pytest.mark.parametrize(
    ("dsn", "url"),
    [
        ("postgresql://u:p@h:5433/db", "postgresql://u:p@h:5433/db"),
        (
            "host=db port=5433 dbname=stac user=u password=p@ss",
            "postgresql://u:p%40ss@db:5433/stac",
        ),
        ("host=db dbname=stac", "postgresql://db:5432/stac"),
    ],
)
def test_asyncpg_dsn(dsn: str, url: str) -> None:
    assert asyncpg_dsn(dsn) == url


def test_asyncpg_dsn_refuses_garbage() -> None:
    with pytest.raises(PgstacError, match="not a PostgreSQL connection string"):
        asyncpg_dsn("this is = not = a dsn")


def _publisher(local: bool) -> AssetPublisher:
    backends = Backends(
        local=LocalBackend(Path.cwd()) if local else None,
        s3=S3Backend(S3Config(), DownloadConfig()),
    )
    return AssetPublisher(backends)


def test_publisher_rewrites_what_the_deployment_delivers() -> None:
    item: dict[str, Any] = {
        "id": "a b",
        "collection": "c/1",
        "stac_extensions": [],
        "assets": {
            "s3": {"href": "s3://bucket/key.nc"},
            "local": {"href": "data/file.nc"},
            "web": {"href": "https://example.org/x"},
            "broken": "not an asset",
        },
    }
    _publisher(local=False).publish(item, "http://api.example/stac/")
    assets = item["assets"]
    assert assets["s3"] == {
        "href": "http://api.example/stac/collections/c%2F1/items/a%20b/download/s3",
        "alternate": {"s3": {"href": "s3://bucket/key.nc"}},
    }
    assert assets["local"] == {"href": "data/file.nc"}  # no assets root: not delivered
    assert assets["web"] == {"href": "https://example.org/x"}
    assert item["stac_extensions"] == [ALTERNATE_ASSETS_SCHEMA]
    local = {"id": "i", "collection": "c", "assets": {"f": {"href": "f.nc"}}}
    _publisher(local=True).publish(local, "http://api/")
    assert local["assets"] == {"f": {"href": "http://api/collections/c/items/i/download/f"}}
    assert "stac_extensions" not in local


def test_app_from_env_needs_a_dsn() -> None:
    with pytest.raises(PgstacError, match="RS_STAC_PGSTAC_DSN"):
        app_from_env({})


def test_serve_needs_exactly_one_source() -> None:
    runner = CliRunner()
    both = runner.invoke(main, ["serve", "--catalog", ".", "--pgstac", "postgresql://x/y"])
    assert both.exit_code == 2
    assert "cannot be used together" in both.output
    neither = runner.invoke(main, ["serve"])
    assert neither.exit_code == 2
    assert "--catalog DIR or --pgstac DSN" in neither.output


def test_load_refuses_missing_inputs() -> None:
    result = CliRunner().invoke(main, ["load", "postgresql://x/y", "no/such/file.json"])
    assert result.exit_code == 2
    assert "no such file or folder: no/such/file.json" in result.output
