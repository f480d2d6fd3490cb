"""Access control: hashed API keys, HS256 bearer tokens, roles, ownership, 401/403 over HTTP."""

from __future__ import annotations

import base64
import contextlib
import json
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rs_stac_ext.download import download_path
from rs_stac_ext.server.access import (
    AuthenticationError,
    Authenticator,
    CatalogRole,
    User,
    can_download,
    parse_role,
)
from rs_stac_ext.server.app import create_app
from rs_stac_ext.server.config import ConfigError, load_config, parse_config
from rs_stac_ext.server.keys import KeyHash, KeyHashError, generate_key, hash_key, verify_key
from rs_stac_ext.server.tokens import TokenError, issue_token, verify_token
from server_support import CatalogFixture, live_server, make_catalog

SECRET = b"s" * 32
ENV = {"TEST_JWT_SECRET": SECRET.decode()}
KEYS = {"alice": "alice-key", "bob": "bob-key", "carol": "carol-key", "dave": "dave-key"}
ROLES = {
    "alice": [],
    "bob": [],
    "carol": ["rs_catalog_alice:alice-col_download"],
    "dave": ["rs_catalog_alice:other_download", "rs_catalog_alice:alice-col_read"],
}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


# --- keys -------------------------------------------------------------------------------


def test_key_hash_round_trip() -> None:
    key = generate_key()
    stored = hash_key(key)
    assert stored.startswith("scrypt$16384$8$1$")
    assert verify_key(key, stored)
    assert not verify_key(key + "x", stored)
    assert str(KeyHash.parse(stored)) == stored
    assert hash_key(key) != stored  # a new salt each time


@pytest.mark.parametrize(
    "stored",
    [
        "plain-key",
        "scrypt$16384$8$1$c2FsdHNhbHQ",
        "bcrypt$16384$8$1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
        "scrypt$1000$8$1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
        "scrypt$16384$99$1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
        "scrypt$x$8$1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
        "scrypt$16384$8$1$!!$aGFzaGhhc2hoYXNoaGFzaA",
    ],
)
def test_malformed_key_hashes(stored: str) -> None:
    with pytest.raises(KeyHashError):
        KeyHash.parse(stored)


def test_empty_key_is_refused() -> None:
    with pytest.raises(ValueError, match="empty"):
        hash_key("")


# --- tokens -----------------------------------------------------------------------------


def test_token_round_trip() -> None:
    now = int(time.time())
    token = issue_token(SECRET, "erin", roles=["r1"], issuer="iss", audience="aud", now=now)
    claims = verify_token(token, SECRET, issuer="iss", audience="aud")
    assert (claims.subject, claims.roles, claims.expires) == ("erin", frozenset({"r1"}), now + 3600)


def _forge(header: dict[str, Any], payload: dict[str, Any], secret: bytes = SECRET) -> str:
    import hashlib
    import hmac

    signing = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(payload).encode())}"
    signature = hmac.new(secret, signing.encode(), hashlib.sha256).digest()
    return f"{signing}.{_b64(signature)}"


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("abc", "three"),
        (_forge({"alg": "none"}, {"sub": "x", "exp": 9e9}), "HS256"),
        (_forge({"alg": "HS512"}, {"sub": "x", "exp": 9e9}), "HS256"),
        (_forge({"alg": "HS256"}, {"sub": "x", "exp": 9e9}, b"t" * 32), "signature"),
        (_forge({"alg": "HS256"}, {"sub": "x"}), "exp"),
        (_forge({"alg": "HS256"}, {"sub": "x", "exp": 100}), "expired"),
        (_forge({"alg": "HS256"}, {"sub": "x", "exp": 9e9, "nbf": 8e9}), "not valid yet"),
        (_forge({"alg": "HS256"}, {"exp": 9e9}), "sub"),
        (_forge({"alg": "HS256"}, {"sub": "x", "exp": 9e9, "roles": "r"}), "list"),
        (_forge({"alg": "HS256"}, {"sub": "x", "exp": "9e9"}), "number"),
        (_forge({"alg": "HS256", "crit": ["b64"]}, {"sub": "x", "exp": 9e9}), "crit"),
    ],
)
def test_invalid_tokens(token: str, message: str) -> None:
    with pytest.raises(TokenError, match=message):
        verify_token(token, SECRET)


def test_token_issuer_and_audience_are_checked() -> None:
    token = issue_token(SECRET, "erin", issuer="a", audience="b")
    with pytest.raises(TokenError, match="issuer"):
        verify_token(token, SECRET, issuer="other")
    with pytest.raises(TokenError, match="audience"):
        verify_token(token, SECRET, audience="other")


def test_short_secret_is_refused() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        issue_token(b"short", "erin")


@settings(max_examples=50)
@given(st.text(max_size=200))
def test_arbitrary_tokens_never_crash(token: str) -> None:
    with contextlib.suppress(TokenError):
        verify_token(token, SECRET)


# --- roles and the decision ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "parsed"),
    [
        ("rs_catalog_alice:s1_aux_download", CatalogRole("alice", "s1_aux", "download")),
        ("rs_catalog_alice:*_read", CatalogRole("alice", "*", "read")),
        ("rs_catalog_*:*_write", CatalogRole("*", "*", "write")),
        ("rs_catalog_a:b:c_download", CatalogRole("a:b", "c", "download")),
        ("rs_catalog_alice_download", None),
        ("rs_catalog_:c_download", None),
        ("rs_catalog_alice:c_delete", None),
        ("rs_cadip_mti_read", None),
    ],
)
def test_parse_role(role: str, parsed: CatalogRole | None) -> None:
    assert parse_role(role) == parsed


COLLECTION = {"id": "col", "owner": "alice"}
ITEM_OF_BOB = {"properties": {"owner": "bob"}}


@pytest.mark.parametrize(
    ("user", "collection", "item", "allowed"),
    [
        (User("alice"), COLLECTION, ITEM_OF_BOB, True),
        (User("bob"), COLLECTION, ITEM_OF_BOB, True),
        (User("carol"), COLLECTION, ITEM_OF_BOB, False),
        (User("carol", frozenset({"rs_catalog_alice:col_download"})), COLLECTION, {}, True),
        (User("carol", frozenset({"rs_catalog_bob:col_download"})), COLLECTION, ITEM_OF_BOB, True),
        (User("carol", frozenset({"rs_catalog_alice:*_download"})), COLLECTION, {}, True),
        (User("carol", frozenset({"rs_catalog_*:col_download"})), COLLECTION, {}, True),
        (User("carol", frozenset({"rs_catalog_alice:col_read"})), COLLECTION, {}, False),
        (User("carol", frozenset({"rs_catalog_alice:other_download"})), COLLECTION, {}, False),
        (User("carol", frozenset({"rs_catalog_eve:col_download"})), COLLECTION, {}, False),
        (User("carol", frozenset({"rs_catalog_*:*_download"})), {"id": "x"}, {}, True),
        (User("carol", frozenset({"rs_catalog_alice:x_download"})), {"id": "x"}, {}, False),
        (User("x", local=True), {"id": "x"}, {}, True),
        (User(""), {"id": "x", "owner": " "}, {"properties": {"owner": ""}}, False),
    ],
)
def test_can_download(
    user: User, collection: dict[str, Any], item: dict[str, Any], allowed: bool
) -> None:
    decision = can_download(user, collection, item)
    assert decision.allowed is allowed, decision.reason
    assert not decision.needs_credentials


def test_anonymous_needs_credentials() -> None:
    decision = can_download(None, COLLECTION, ITEM_OF_BOB)
    assert (decision.allowed, decision.needs_credentials) == (False, True)


def test_denial_names_the_missing_role() -> None:
    reason = can_download(User("carol"), COLLECTION, {}).reason
    assert "rs_catalog_alice:col_download" in reason


# --- configuration ------------------------------------------------------------------------


def test_config_errors_name_the_file_and_place(tmp_path: Path) -> None:
    path = tmp_path / "server.yaml"
    path.write_text(
        "users:\n  alice:\n    api_keys: [plain]\ndownload:\n  redirect_status: 301\nsurprise: 1\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as info:
        load_config(path)
    text = str(info.value)
    assert f"{path}: users.alice.api_keys" in text
    assert "hash-key" in text
    assert f"{path}: download.redirect_status" in text
    assert f"{path}: surprise" in text


def test_config_not_yaml(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("users: [\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(path)


def test_local_mode_only_without_credentials() -> None:
    assert parse_config(None).local_mode
    assert parse_config({"download": {"redirect_status": 302}}).local_mode
    assert not parse_config({"bearer": {}}).local_mode
    assert not parse_config({"users": {"a": {}}}).local_mode


def test_missing_bearer_secret_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="TEST_JWT_SECRET"):
        Authenticator(parse_config({"bearer": {"secret_env": "TEST_JWT_SECRET"}}), environ={})


def test_concurrent_first_uses_of_keys_get_the_right_user() -> None:
    config = parse_config(
        {"users": {n: {"api_keys": [hash_key(k)]} for n, k in list(KEYS.items())[:2]}}
    )
    authenticator = Authenticator(config)

    def who(key: str) -> str | None:
        try:
            user = authenticator.authenticate({"x-api-key": key})
        except AuthenticationError:
            return None
        return user.name if user is not None else "?"

    keys = ["alice-key", "bob-key", "nobody-key"] * 8
    with ThreadPoolExecutor(len(keys)) as pool:
        names = list(pool.map(who, keys))
    assert names == ["alice", "bob", None] * 8


def test_local_mode_ignores_credentials() -> None:
    user = Authenticator().authenticate({"x-api-key": "anything"})
    assert user is not None
    assert user.local


# --- over HTTP ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> CatalogFixture:
    return make_catalog(tmp_path_factory.mktemp("access"))


@pytest.fixture(scope="module")
def base(catalog: CatalogFixture) -> Iterator[str]:
    config = parse_config(
        {
            "users": {
                name: {"api_keys": [hash_key(key)], "roles": ROLES[name]}
                for name, key in KEYS.items()
            },
            "bearer": {"secret_env": "TEST_JWT_SECRET", "audience": "rs-stac"},
        }
    )
    with live_server(create_app(catalog.root, config, environ=ENV)) as url:
        yield url


@pytest.fixture
def client(base: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base, timeout=30) as http:
        yield http


def _error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["code"] == code
    assert body["description"]
    return body


OWNED = download_path("alice-col", "owned", "a/b")
BOBS = download_path("alice-col", "bobs", "b")
NOBODY = download_path("nobody", "n1", "n")


@pytest.mark.parametrize("path", [OWNED, download_path("unknown", "x", "y")])
def test_no_credentials_is_401(client: httpx.Client, path: str) -> None:
    response = client.get(path)
    _error(response, 401, "Unauthorized")
    challenges = response.headers["www-authenticate"]
    assert 'Bearer realm="rs-stac"' in challenges
    assert 'ApiKey header="x-api-key"' in challenges
    head = client.head(path)
    assert (head.status_code, head.content) == (401, b"")
    assert head.headers["www-authenticate"] == challenges


@pytest.mark.parametrize(
    "headers",
    [
        {"x-api-key": "wrong"},
        {"authorization": "Bearer not-a-token"},
        {"authorization": "Basic YTpi"},
        {"authorization": f"Bearer {issue_token(SECRET, 'erin', ttl_seconds=-100)}"},
        {"authorization": f"Bearer {issue_token(SECRET, 'erin', audience='other')}"},
        {"authorization": f"Bearer {issue_token(b'x' * 32, 'erin', audience='rs-stac')}"},
    ],
)
def test_invalid_credentials_are_401(client: httpx.Client, headers: dict[str, str]) -> None:
    response = client.get(OWNED, headers=headers)
    _error(response, 401, "Unauthorized")
    assert "www-authenticate" in response.headers


@pytest.mark.parametrize(
    ("user", "path", "status"),
    [
        ("alice", OWNED, 200),  # owns the item and the collection
        ("alice", BOBS, 200),  # owns the collection
        ("bob", BOBS, 200),  # owns the item
        ("bob", OWNED, 403),
        ("carol", OWNED, 200),  # role for the collection
        ("carol", BOBS, 200),
        ("carol", NOBODY, 403),
        ("dave", OWNED, 403),  # a read role and a role for another collection
        ("alice", NOBODY, 403),
    ],
)
def test_api_key_users(
    client: httpx.Client, catalog: CatalogFixture, user: str, path: str, status: int
) -> None:
    response = client.get(path, headers={"x-api-key": KEYS[user]})
    if status == 200:
        assert response.status_code == 200
        from rs_stac_ext.download import parse_download_path

        assert response.content == catalog.data[parse_download_path(path)]
    else:
        body = _error(response, 403, "Forbidden")
        assert user in body["description"]
        assert "www-authenticate" not in response.headers


def test_forbidden_head_has_no_body(client: httpx.Client) -> None:
    response = client.head(OWNED, headers={"x-api-key": KEYS["bob"]})
    assert (response.status_code, response.content) == (403, b"")


def test_known_user_unknown_resources_are_404(client: httpx.Client) -> None:
    headers = {"x-api-key": KEYS["carol"]}
    _error(client.get(download_path("unknown", "x", "y"), headers=headers), 404, "NotFound")
    _error(client.get(download_path("alice-col", "x", "y"), headers=headers), 404, "NotFound")
    _error(client.get(download_path("alice-col", "owned", "y"), headers=headers), 404, "NotFound")


@pytest.mark.parametrize(
    ("subject", "roles", "path", "status"),
    [
        ("erin", ["rs_catalog_alice:*_download"], OWNED, 200),
        ("erin", ["rs_catalog_*:nobody_download"], NOBODY, 200),
        ("erin", [], OWNED, 403),
        ("bob", [], BOBS, 200),
        ("dave", ["rs_catalog_alice:alice-col_download"], OWNED, 200),  # token adds a role
    ],
)
def test_bearer_tokens(
    client: httpx.Client, subject: str, roles: list[str], path: str, status: int
) -> None:
    token = issue_token(SECRET, subject, roles=roles, audience="rs-stac")
    response = client.get(path, headers={"authorization": f"Bearer {token}"})
    assert response.status_code == status, response.text


def test_metadata_stays_readable_without_credentials(client: httpx.Client) -> None:
    assert client.get("/collections/alice-col/items/owned").status_code == 200
