"""OIDC access tokens against a real OpenID Connect provider (oauth2-mock-server) on loopback.

Keycloak-shaped tokens (``preferred_username``, ``realm_access.roles``,
``resource_access.<client>.roles``, ``azp``) are fetched from the provider and sent to the
download server; the server discovers the provider, fetches and caches its keys, and answers
200, 401 or 503.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from rs_stac_ext.server.app import create_app
from rs_stac_ext.server.config import parse_config
from server_support import CatalogFixture, free_port, live_server, make_catalog
from services_support import OidcProvider, oidc_provider

pytestmark = pytest.mark.oidc

CLIENT = "rs-stac"
OWNED = ("alice-col", "owned", "big")
BOBS = ("alice-col", "bobs", "b")


def _claims(
    user: str, realm: list[str] | None = None, client: list[str] | None = None
) -> dict[str, Any]:
    return {
        "sub": f"id-of-{user}",
        "preferred_username": user,
        "realm_access": {"roles": realm or ["offline_access"]},
        "resource_access": {CLIENT: {"roles": client or []}, "account": {"roles": ["x"]}},
    }


@pytest.fixture(scope="module")
def provider() -> Iterator[OidcProvider]:
    with oidc_provider("RS256", "rsa-1") as running:
        yield running


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> CatalogFixture:
    return make_catalog(tmp_path_factory.mktemp("oidc"))


def _app(catalog: CatalogFixture, issuer: str, **oidc: Any) -> Any:
    settings = {"issuer": issuer, "client_id": CLIENT, "leeway_seconds": 0, **oidc}
    return create_app(catalog.root, parse_config({"oidc": settings}))


@pytest.fixture(scope="module")
def server(catalog: CatalogFixture, provider: OidcProvider) -> Iterator[str]:
    with live_server(_app(catalog, provider.issuer, jwks_min_refetch_seconds=60)) as base:
        yield base


def _get(base: str, target: tuple[str, str, str], token: str) -> httpx.Response:
    from rs_stac_ext.download import download_path

    return httpx.get(
        base + download_path(*target), headers={"authorization": f"Bearer {token}"}, timeout=30
    )


def test_owner_and_roles_from_keycloak_shaped_claims(
    server: str, provider: OidcProvider, catalog: CatalogFixture
) -> None:
    alice = provider.token(claims=_claims("alice"))
    answer = _get(server, OWNED, alice)
    assert answer.status_code == 200
    assert answer.content == catalog.data[OWNED]
    # erin owns nothing; a realm role and a client role each grant alice's collection.
    erin = provider.token(claims=_claims("erin"))
    assert _get(server, OWNED, erin).status_code == 403
    by_realm = provider.token(claims=_claims("erin", realm=["rs_catalog_alice:*_download"]))
    assert _get(server, OWNED, by_realm).status_code == 200
    by_client = provider.token(claims=_claims("erin", client=["rs_catalog_*:alice-col_download"]))
    assert _get(server, BOBS, by_client).content == catalog.data[BOBS]
    # A role of another client's resource_access does not count.
    other = _claims("erin")
    other["resource_access"]["account"] = {"roles": ["rs_catalog_*:alice-col_download"]}
    assert _get(server, OWNED, provider.token(claims=other)).status_code == 403


def test_expired_wrong_audience_and_tampered_tokens_are_401(
    server: str, provider: OidcProvider
) -> None:
    expired = provider.token(claims=_claims("alice"), ttl=-5)
    answer = _get(server, OWNED, expired)
    assert answer.status_code == 401
    assert "expired" in answer.json()["description"]
    assert answer.headers["www-authenticate"].startswith("Bearer")
    foreign = provider.token("another-client", claims=_claims("alice"), aud="another-api")
    answer = _get(server, OWNED, foreign)
    assert (answer.status_code, answer.json()["code"]) == (401, "Unauthorized")
    assert "audience" in answer.json()["description"]
    header, payload, signature = provider.token(claims=_claims("erin")).split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["preferred_username"] = "alice"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    answer = _get(server, OWNED, f"{header}.{forged}.{signature}")
    assert answer.status_code == 401
    assert "signature" in answer.json()["description"]


def test_algorithms_other_than_rs256_and_es256_are_refused(
    server: str, provider: OidcProvider
) -> None:
    jwks = httpx.get(f"{provider.issuer}/jwks", timeout=10).json()
    public = jwt.PyJWK(jwks["keys"][0]).key
    claims = {**_claims("alice"), "iss": provider.issuer, "azp": CLIENT, "exp": time.time() + 60}
    unsigned = jwt.encode(claims, "", algorithm="none", headers={"kid": provider.kid})
    assert _get(server, OWNED, unsigned).status_code == 401
    # The classic confusion: HMAC keyed with the provider's public key.
    from cryptography.hazmat.primitives import serialization

    pem = public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    header = base64.urlsafe_b64encode(b'{"alg":"HS256","kid":"rsa-1"}').rstrip(b"=")
    body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=")
    import hashlib
    import hmac

    signature = hmac.new(pem, header + b"." + body, hashlib.sha256).digest()
    confused = b".".join([header, body, base64.urlsafe_b64encode(signature).rstrip(b"=")])
    answer = _get(server, OWNED, confused.decode())
    assert answer.status_code == 401


def test_unknown_kid_is_refused_and_refetches_are_rate_limited(
    catalog: CatalogFixture, provider: OidcProvider
) -> None:
    app = _app(catalog, provider.issuer, jwks_min_refetch_seconds=60)
    verifier = app.state.download_authenticator.oidc
    with live_server(app) as base:
        assert _get(base, OWNED, provider.token(claims=_claims("alice"))).status_code == 200
        assert verifier.fetches == 1
        rogue = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        claims = {**_claims("alice"), "iss": provider.issuer, "azp": CLIENT}
        for n in range(5):
            token = jwt.encode(
                {**claims, "exp": int(time.time()) + 60},
                rogue,
                algorithm="RS256",
                headers={"kid": f"rogue-{n}"},
            )
            answer = _get(base, OWNED, token)
            assert answer.status_code == 401
            assert "does not publish" in answer.json()["description"]
        assert verifier.fetches == 1  # within the minimum refetch interval: no new fetch


def test_key_rotation_is_followed_and_other_issuers_are_refused(
    catalog: CatalogFixture,
) -> None:
    port = free_port()
    issuer = f"http://localhost:{port}"
    app = _app(catalog, issuer, jwks_min_refetch_seconds=0)
    verifier = app.state.download_authenticator.oidc
    with live_server(app) as base:
        with oidc_provider("RS256", "before", port=port) as first:
            assert first.issuer == issuer
            old_token = first.token(claims=_claims("alice"))
            assert _get(base, OWNED, old_token).status_code == 200
            assert verifier.fetches == 1
        # The provider restarts on the same address with a new (ES256) key: a rotation.
        with oidc_provider("ES256", "after", port=port) as second:
            assert _get(base, OWNED, second.token(claims=_claims("alice"))).status_code == 200
            assert verifier.fetches == 2
            # The retired key is gone from the provider's set: its tokens are refused now.
            answer = _get(base, OWNED, old_token)
            assert answer.status_code == 401
            assert "does not publish" in answer.json()["description"]
            with oidc_provider("RS256", "elsewhere") as stranger:
                answer = _get(base, OWNED, stranger.token(claims=_claims("alice")))
                assert answer.status_code == 401


def test_tokens_of_another_issuer_are_refused(
    catalog: CatalogFixture, provider: OidcProvider
) -> None:
    # The provider's own keys, but the server expects another issuer.
    app = _app(catalog, "https://sso.example.org/realms/rs", jwks_url=f"{provider.issuer}/jwks")
    with live_server(app) as base:
        answer = _get(base, OWNED, provider.token(claims=_claims("alice")))
    assert answer.status_code == 401
    assert "another issuer" in answer.json()["description"]


def test_unreachable_issuer_on_a_cold_cache_is_503(catalog: CatalogFixture, tmp_path: Path) -> None:
    issuer = f"http://127.0.0.1:{free_port()}"
    app = _app(catalog, issuer, timeout_seconds=2)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    token = jwt.encode(
        {**_claims("alice"), "iss": issuer, "azp": CLIENT, "exp": int(time.time()) + 60},
        key,
        algorithm="RS256",
        headers={"kid": "k"},
    )
    with live_server(app) as base:
        answer = _get(base, OWNED, token)
    assert answer.status_code == 503
    assert answer.json()["code"] == "ServiceUnavailable"
    assert answer.headers["retry-after"] == "10"
