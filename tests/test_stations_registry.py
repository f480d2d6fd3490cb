"""The station registry: the built-in one, the documented format, errors, secrets."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import Any

import pytest

from rs_stac_ext.stations.registry import (
    SERVICES,
    AuthKind,
    EnvSecret,
    Registry,
    RegistryError,
    SecretUnavailable,
    UnknownStation,
    iter_secrets,
    normalise_service,
)

REPO_ROOT = Path(__file__).resolve().parents[1]
SIMULATOR = "http://127.0.0.1:8484"


def _registry(body: str, environ: dict[str, str] | None = None) -> Registry:
    return Registry.from_text(textwrap.dedent(body), "stations.yaml", environ=environ or {})


# ------------------------------------------------------------------------------ built-in registry


def test_default_registry_points_every_station_at_the_simulator(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("RS_STAC_SIMULATOR_URL", raising=False)
    registry = Registry.load()
    stations = registry.stations()
    assert {s.service for s in stations} == {"cadip", "auxip", "prip", "lta"}
    for station in stations:
        assert station.root_url == f"{SIMULATOR}/{station.service}/{station.id}/odata/v1"
        assert station.auth.kind is AuthKind.NONE
    assert {s.id for s in registry.stations("cadip")} == {
        "cadip",
        "ins",
        "mps",
        "mti",
        "nsg",
        "sgs",
    }
    assert registry.station("cadip", "mti").station_code == "MTI_"
    assert registry.station("adgs", "adgs2").service == "auxip"


def test_default_registry_follows_the_simulator_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RS_STAC_SIMULATOR_URL", "http://10.1.2.3:9000/")
    station = Registry.load().station("prip", "s1a")
    assert station.root_url == "http://10.1.2.3:9000/prip/s1a/odata/v1"


def test_default_registry_collections_are_unique_and_findable() -> None:
    registry = Registry.load()
    for service in ("cadip", "auxip", "prip", "lta"):
        ids = [c.id for c in registry.collections(service)]
        assert len(ids) == len(set(ids)), service
        for collection_id in ids:
            collection = registry.collection(service, collection_id)
            assert registry.station(service, collection.station).collection(collection_id)
    raw = registry.collection("prip", "S1A_L0_IW_RAW")
    assert dict(raw.query) == {"product:type": ["S01SIWRAW"]}
    by_id = registry.collection("cadip", "cadip_session_by_id")
    assert by_id.query["ids"] == ["S1A_20200105072204051312"]


def test_the_documented_example_is_a_valid_registry() -> None:
    text = (REPO_ROOT / "docs" / "stations.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(.*?)```", text, re.DOTALL)
    assert example is not None
    registry = Registry.from_text(example.group(1), "docs/stations.md", environ={})
    mti = registry.station("cadip", "mti")
    assert mti.auth.kind is AuthKind.OAUTH2_PASSWORD
    assert mti.auth.password == EnvSecret("RS_MTI_PASSWORD")
    assert mti.collections[0].query == {"platform": ["sentinel-1a"], "limit": 20}
    assert registry.station("auxip", "adgs").root_url == "https://adgs.example.eu/odata/v1"
    assert registry.station("edrs", "pedc").root_url == "ftps://edrs.example.eu:990"
    assert {s.service for s in registry.stations()} == set(SERVICES)


# ---------------------------------------------------------------------------------- the format

_STATION = """\
version: 1
services:
  cadip:
    mti:
      root_url: https://cadip.example.eu/mti/odata/v1
{extra}"""


def test_a_full_station_keeps_every_setting() -> None:
    registry = _registry(
        """\
        version: 1
        defaults: {timeout: 12, page_size: 50}
        services:
          cadip:
            mti:
              title: Matera
              root_url: https://cadip.example.eu//mti/odata/v1/
              station_code: MTI_
              page_size: 500
              auth:
                kind: oauth2-password
                token_url: https://cadip.example.eu/token
                username: {env: MTI_USER}
                password: {env: MTI_PASSWORD}
                client_id: rs
                client_secret: {env: MTI_SECRET}
                scope: openid
                token_authorization: {env: MTI_TOKEN_HEADER}
              collections:
                - id: mti_s1
                  title: S1 sessions
                  query:
                    platform: sentinel-1a
                    constellation: [sentinel-1]
                    datetime: 2024-01-01T00:00:00Z
                    sat:absolute_orbit: 53186
                    filter: "cadip:retransfer = false"
        """
    )
    station = registry.station("CADIP", "mti")
    assert station.title == "Matera"
    assert station.root_url == "https://cadip.example.eu/mti/odata/v1"
    assert (station.timeout, station.page_size) == (12.0, 500)
    assert station.auth.client_id == "rs"
    assert station.auth.scope == "openid"
    assert station.auth.token_authorization == EnvSecret("MTI_TOKEN_HEADER")
    query = station.collection("mti_s1").query
    assert query == {
        "platform": ["sentinel-1a"],
        "constellation": ["sentinel-1"],
        "datetime": "2024-01-01T00:00:00Z",
        "sat:absolute_orbit": 53186,
        "filter": "cadip:retransfer = false",
    }
    with pytest.raises(TypeError):
        query["limit"] = 5  # type: ignore[index]


@pytest.mark.parametrize(
    ("extra", "path", "expected", "line"),
    [
        (
            "      auth: {kind: basic, username: u, password: hunter2}\n",
            "services.cadip.mti.auth.password",
            "a secret is never written in the registry",
            6,
        ),
        (
            "      auth: {kind: api-key, api_key: {env: 1BAD}}\n",
            "services.cadip.mti.auth.api_key.env",
            "expected an environment variable name",
            6,
        ),
        (
            "      auth: {kind: kerberos}\n",
            "services.cadip.mti.auth.kind",
            "expected one of none, basic, oauth2-password, api-key",
            6,
        ),
        (
            "      auth: {kind: basic, username: u, password: {env: P}, scope: x}\n",
            "services.cadip.mti.auth.scope",
            "unknown key 'scope'; expected one of: kind, username, password",
            6,
        ),
        (
            "      auth: {kind: oauth2-password, username: u, password: {env: P}}\n",
            "services.cadip.mti.auth",
            "missing required key 'token_url'",
            6,
        ),
        ("      station_code: MTI\n", "services.cadip.mti.station_code", "[A-Z0-9_]{4}", 6),
        ("      timeout: -1\n", "services.cadip.mti.timeout", "positive number of seconds", 6),
        ("      page_size: 0\n", "services.cadip.mti.page_size", "from 1 to 10000", 6),
        ("      passwrd: x\n", "services.cadip.mti.passwrd", "unknown key 'passwrd'", 6),
        ("      collections: {id: x}\n", "services.cadip.mti.collections", "expected a list", 6),
        (
            "      collections:\n        - {title: no id}\n",
            "services.cadip.mti.collections[0]",
            "missing required key 'id'",
            7,
        ),
        (
            "      collections:\n        - {id: a, query: {platfrom: [sentinel-1a]}}\n",
            "services.cadip.mti.collections[0].query.platfrom",
            "unknown query key 'platfrom'",
            7,
        ),
        (
            "      collections:\n        - {id: a, query: {platform: [sentinel-1a, landsat-8]}}\n",
            "services.cadip.mti.collections[0].query.platform[1]",
            "'landsat-8' is not a platform",
            7,
        ),
        (
            "      collections:\n        - {id: a, query: {datetime: 2024-13-01T00:00:00Z/..}}\n",
            "services.cadip.mti.collections[0].query.datetime",
            "is not an RFC 3339 timestamp",
            7,
        ),
        (
            "      collections:\n        - {id: a, query: {limit: 0}}\n",
            "services.cadip.mti.collections[0].query.limit",
            "expected a positive integer",
            7,
        ),
        (
            "      collections:\n        - {id: a}\n        - {id: a}\n",
            "services.cadip.mti.collections[1].id",
            "collection id 'a' is already used",
            8,
        ),
    ],
)
def test_station_errors_name_file_line_path_and_expectation(
    extra: Any, path: Any, expected: Any, line: Any
) -> None:
    with pytest.raises(RegistryError) as caught:
        _registry(_STATION.format(extra=extra))
    error = caught.value
    assert error.source == "stations.yaml"
    assert error.path == path
    assert expected in error.message
    assert error.line == line
    assert str(error).startswith(f"stations.yaml:{line}: {path}: ")


@pytest.mark.parametrize(
    ("body", "path", "expected"),
    [
        ("version: 2\nservices: {}\n", "version", "expected the format version 1"),
        ("services: {}\n", "", "missing required key 'version'"),
        ("version: 1\nservices: [cadip]\n", "services", "expected a mapping, got a list"),
        ("version: 1\nservices: {ftp: {}}\n", "services.ftp", "unknown key 'ftp'"),
        (
            "version: 1\nservices:\n  auxip:\n    adgs: {root_url: adgs.example.eu}\n",
            "services.auxip.adgs.root_url",
            "expected an absolute http or https URL, got 'adgs.example.eu'",
        ),
        (
            "version: 1\nservices:\n  auxip:\n    adgs: {root_url: 'ftps://a.eu'}\n",
            "services.auxip.adgs.root_url",
            "expected an absolute http or https URL",
        ),
        (
            "version: 1\nservices:\n  auxip:\n    adgs: {root_url: '${NOPE}/odata/v1'}\n",
            "services.auxip.adgs.root_url",
            "environment variable NOPE is not set",
        ),
        (
            "version: 1\nservices:\n  prip:\n"
            "    s1a: {root_url: 'https://a.eu', station_code: S1A_}\n",
            "services.prip.s1a.station_code",
            "unknown key 'station_code'",
        ),
        (
            "version: 1\nservices:\n  prip:\n    's 1': {root_url: 'https://a.eu'}\n",
            "services.prip.s 1",
            "a station id is letters, digits",
        ),
        ("version: 1\nservices: {cadip: {mti: [\n", "", "not valid YAML"),
    ],
)
def test_file_level_errors(body: Any, path: Any, expected: Any) -> None:
    with pytest.raises(RegistryError) as caught:
        _registry(body)
    assert caught.value.path == path
    assert expected in caught.value.message


def test_unreadable_file_is_a_registry_error(tmp_path: Path) -> None:
    with pytest.raises(RegistryError, match="cannot read the file"):
        Registry.load(tmp_path / "missing.yaml")


def test_load_reads_a_file(tmp_path: Path) -> None:
    path = tmp_path / "stations.yaml"
    path.write_text(_STATION.format(extra=""), encoding="utf-8")
    registry = Registry.load(path)
    assert registry.source == str(path)
    assert registry.station("cadip", "mti").root_url == "https://cadip.example.eu/mti/odata/v1"


# ------------------------------------------------------------------------------------- secrets


def test_secrets_are_read_from_the_environment_only_when_asked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("RS_TEST_PASSWORD", raising=False)
    registry = _registry(
        _STATION.format(
            extra="      auth:\n        kind: basic\n        username: {env: RS_TEST_USER}\n"
            "        password: {env: RS_TEST_PASSWORD}\n"
        )
    )
    auth = registry.station("cadip", "mti").auth
    with pytest.raises(SecretUnavailable, match="RS_TEST_PASSWORD is not set"):
        auth.value("password")
    monkeypatch.setenv("RS_TEST_PASSWORD", "s3cret")
    monkeypatch.setenv("RS_TEST_USER", "alice")
    assert auth.value("password") == "s3cret"
    assert auth.value("username") == "alice"
    assert auth.value("api_key") is None
    assert auth.value("password", environ={"RS_TEST_PASSWORD": "other"}) == "other"
    assert "s3cret" not in repr(registry)
    with pytest.raises(AttributeError):
        auth.value("scope")
    assert [(s.id, field, secret.env) for s, field, secret in iter_secrets(registry)] == [
        ("mti", "username", "RS_TEST_USER"),
        ("mti", "password", "RS_TEST_PASSWORD"),
    ]


def test_api_key_header_defaults_and_overrides() -> None:
    registry = _registry(
        _STATION.format(extra="      auth: {kind: api-key, api_key: {env: KEY}, header: X-Token}\n")
    )
    auth = registry.station("cadip", "mti").auth
    assert (auth.kind, auth.header, auth.api_key) == (AuthKind.API_KEY, "X-Token", EnvSecret("KEY"))


# ------------------------------------------------------------------------------------ look-ups


def test_look_up_errors_list_what_exists() -> None:
    registry = Registry.load()
    with pytest.raises(UnknownStation, match=r"no cadip station 'kse'.*declared: cadip, ins"):
        registry.station("cadip", "kse")
    with pytest.raises(UnknownStation, match="unknown service 'ftp'"):
        registry.station("ftp", "x")
    with pytest.raises(UnknownStation, match="unknown prip collection 'nope'"):
        registry.collection("prip", "nope")
    with pytest.raises(UnknownStation, match="has no collection 'nope'"):
        registry.station("prip", "s1a").collection("nope")
    assert normalise_service(" ADGS ") == "auxip"
    assert registry.stations("edrs") == []
