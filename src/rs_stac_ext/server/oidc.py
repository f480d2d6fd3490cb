"""Access tokens of an OpenID Connect provider (Keycloak and the like), checked with PyJWT.

The provider is found by discovery (``<issuer>/.well-known/openid-configuration``); its signing
keys (JWKS) are fetched from the ``jwks_uri`` it names, which must be on the issuer's own
origin (scheme, host and port) unless the configuration names the JWKS URL itself. The key set
is cached for ``jwks_cache_seconds`` and fetched again when a token names a key id (``kid``) the
cache does not know, at most once every ``jwks_min_refetch_seconds``: key rotation is followed
at once, and a flood of tokens with made-up key ids cannot turn the server into a client
hammering the provider.

A token is accepted when it is signed with RS256 or ES256 by a key of that set (never ``none``,
never an HMAC algorithm, whatever its header says), is within its lifetime (``exp`` required,
``nbf`` and ``iat`` honoured, with a leeway), comes from the configured issuer, and is meant
for this server: its ``aud`` holds ``audience``, or its ``azp`` is ``client_id``. The user name
is the ``username_claim`` (``preferred_username`` by default) and the roles are read from
dotted claim paths such as ``realm_access.roles`` and ``resource_access.<client>.roles``.

When the provider cannot be reached, tokens signed with a cached key are still judged with it
(the key set is fetched again in the background, one fetch at a time, waiting 1 s, 2 s, 4 s...
up to ``jwks_min_refetch_seconds`` after each failure); a token whose key is not cached cannot
be judged: :class:`ProviderUnavailableError` is raised (the server answers 503, not 401).
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
import jwt

from rs_stac_ext.server.tokens import TokenError, token_error, unverified_header

__all__ = ["OidcClaims", "OidcVerifier", "ProviderUnavailableError", "claim_at"]

_LOG = logging.getLogger(__name__)
_DISCOVERY = "/.well-known/openid-configuration"
_FIRST_BACKOFF_SECONDS = 1.0
_MAX_WAITERS = 4
"""Threads that may wait at once for a key-set fetch; more get 503 at once."""


class ProviderUnavailableError(Exception):
    """The identity provider could not be reached, so a token could not be judged (503)."""


@dataclass(frozen=True)
class OidcClaims:
    """What a valid access token says.

    Attributes:
        username: The user name (the configured username claim).
        roles: The roles found under every configured roles claim.
        claims: The whole verified payload.
    """

    username: str
    roles: frozenset[str]
    claims: Mapping[str, Any]


def claim_at(payload: Mapping[str, Any], path: str) -> Any:
    """Read a claim by a dotted path (``realm_access.roles``); ``None`` when absent.

    Args:
        payload: The token payload.
        path: Names separated by dots; each name is a key of the object above it.

    Returns:
        The value found, or ``None``.
    """
    value: Any = payload
    for name in path.split("."):
        if not isinstance(value, Mapping) or name not in value:
            return None
        value = value[name]
    return value


def _unknown_key(kid: str) -> TokenError:
    return TokenError(f"the token is signed with a key ({kid!r}) the issuer does not publish")


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


class OidcVerifier:
    """Checks access tokens of one OpenID Connect issuer.

    Thread-safe: one instance serves every request of a process. Nothing in it has to be
    shared between replicas (each fetches and caches the public keys itself).

    Args:
        issuer: The issuer URL, exactly as in the tokens' ``iss``.
        audience: Accept tokens whose ``aud`` holds this value.
        client_id: Accept tokens whose ``azp`` is this client (and read its client roles).
        username_claim: Claim naming the user.
        roles_claims: Dotted paths of claims holding lists of roles.
        algorithms: Accepted signature algorithms (a subset of RS256 and ES256).
        leeway_seconds: Clock skew allowed on ``exp``, ``nbf`` and ``iat``.
        jwks_url: The JWKS URL, when not taken from discovery.
        jwks_cache_seconds: How long a fetched key set is used before fetching it again.
        jwks_min_refetch_seconds: Shortest time between two fetches for an unknown key id.
        timeout_seconds: Time allowed for each request to the provider.
        http: An ``httpx.Client`` to use (one is made when ``None``).
    """

    def __init__(
        self,
        issuer: str,
        *,
        audience: str | None = None,
        client_id: str | None = None,
        username_claim: str = "preferred_username",
        roles_claims: Sequence[str] = ("realm_access.roles",),
        algorithms: Sequence[str] = ("RS256", "ES256"),
        leeway_seconds: float = 30,
        jwks_url: str | None = None,
        jwks_cache_seconds: float = 300,
        jwks_min_refetch_seconds: float = 30,
        timeout_seconds: float = 5,
        http: httpx.Client | None = None,
    ) -> None:
        if audience is None and client_id is None:
            raise ValueError("an OIDC verifier needs an audience or a client_id")
        self.issuer = issuer
        self.audience = audience
        self.client_id = client_id
        self.username_claim = username_claim
        self.roles_claims = tuple(roles_claims)
        self.algorithms = [a for a in algorithms if a in ("RS256", "ES256")]
        self.leeway_seconds = leeway_seconds
        self.jwks_cache_seconds = jwks_cache_seconds
        self.jwks_min_refetch_seconds = jwks_min_refetch_seconds
        self._jwks_url = jwks_url
        self._http = http or httpx.Client(timeout=timeout_seconds, follow_redirects=False)
        self._lock = threading.Lock()
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at: float | None = None
        self._refreshing: threading.Event | None = None
        self._failures = 0
        self._retry_at = 0.0
        self._healthy = True
        self._max_backoff = max(_FIRST_BACKOFF_SECONDS, jwks_min_refetch_seconds)
        self._waiters = threading.BoundedSemaphore(_MAX_WAITERS)
        # Discovery and the key set: two requests, each with its own timeout.
        self._wait_seconds = 2 * timeout_seconds + 1
        self.fetches = 0
        """How many times the key set was fetched (for logs and tests)."""

    def close(self) -> None:
        """Close the HTTP client."""
        self._http.close()

    # -- keys --------------------------------------------------------------------------------

    def _get_json(self, url: str, what: str) -> dict[str, Any]:
        try:
            response = self._http.get(url, headers={"accept": "application/json"})
        except httpx.HTTPError as exc:
            raise ProviderUnavailableError(f"cannot reach the identity provider ({exc})") from None
        if response.status_code != 200:
            raise ProviderUnavailableError(
                f"the identity provider answered {response.status_code} for its {what}"
            )
        try:
            data = response.json()
        except ValueError:
            raise ProviderUnavailableError(f"the identity provider's {what} is not JSON") from None
        if not isinstance(data, dict):
            raise ProviderUnavailableError(f"the identity provider's {what} is not an object")
        return data

    def _discover_jwks_url(self) -> str:
        if self._jwks_url is not None:
            return self._jwks_url
        document = self._get_json(self.issuer.rstrip("/") + _DISCOVERY, "discovery document")
        if document.get("issuer") != self.issuer:
            raise ProviderUnavailableError(
                f"the discovery document names the issuer {document.get('issuer')!r}, "
                f"not {self.issuer!r}"
            )
        url = document.get("jwks_uri")
        if not isinstance(url, str) or _origin(url) != _origin(self.issuer):
            # Never fetch a URL a document names on a host the configuration did not allow.
            raise ProviderUnavailableError(
                f"the discovery document's jwks_uri {url!r} is not on the issuer's origin; "
                "name it in oidc.jwks_url"
            )
        self._jwks_url = url
        return url

    def _download_keys(self) -> dict[str, jwt.PyJWK]:
        data = self._get_json(self._discover_jwks_url(), "key set")
        entries = data.get("keys", [])
        if not isinstance(entries, list):
            raise ProviderUnavailableError("the identity provider's key set has no list of keys")
        keys: dict[str, jwt.PyJWK] = {}
        for entry in entries:
            if not isinstance(entry, dict) or entry.get("use", "sig") != "sig":
                continue
            kid = entry.get("kid")
            try:
                key = jwt.PyJWK(entry)
            except jwt.PyJWTError:
                continue  # a key type or algorithm PyJWT cannot use: not ours to sign with
            if isinstance(kid, str) and key.algorithm_name in self.algorithms:
                keys[kid] = key
        return keys

    def _refresh(self, done: threading.Event) -> None:
        """Fetch the key set; the caller owns ``done`` (the one refresh in flight)."""
        try:
            keys = self._download_keys()
        except ProviderUnavailableError as exc:
            with self._lock:
                self._failures += 1
                delay = min(_FIRST_BACKOFF_SECONDS * 2 ** (self._failures - 1), self._max_backoff)
                self._retry_at = time.monotonic() + delay
                self._healthy = False
            _LOG.warning(
                "cannot fetch the keys of %s (%s); next attempt in %.0f s", self.issuer, exc, delay
            )
            raise
        except Exception:
            with self._lock:
                self._healthy = False
            raise
        else:
            with self._lock:
                self.fetches += 1
                self._keys = keys
                self._fetched_at = time.monotonic()
                self._failures, self._retry_at, self._healthy = 0, 0.0, True
            _LOG.info("fetched %d signing keys of %s", len(keys), self.issuer)
        finally:
            with self._lock:
                self._refreshing = None
            done.set()

    def _refresh_quietly(self, done: threading.Event) -> None:
        # A failure is logged by _refresh; the cached keys go on serving meanwhile.
        with contextlib.suppress(Exception):
            self._refresh(done)

    def signing_key(self, kid: str) -> jwt.PyJWK:
        """Return the provider's key named ``kid``, fetching the key set when needed.

        A key the cache holds is returned at once, even when the cache has expired: the key set
        is then fetched again in the background (one fetch at a time, with a back-off after a
        failure), so a hung provider delays nobody whose key is known. Only a key id the cache
        does not know waits for a fetch (a fetch already in flight, or one made here).

        Args:
            kid: The key id from the token header.

        Returns:
            The key.

        Raises:
            TokenError: No such key, even after fetching the key set again (or too soon to
                fetch it again).
            ProviderUnavailableError: The key is not cached and the key set cannot be fetched
                now.
        """
        with self._lock:
            now = time.monotonic()
            age = None if self._fetched_at is None else now - self._fetched_at
            key = self._keys.get(kid)
            expired = age is None or age > self.jwks_cache_seconds
            if key is not None and not expired:
                return key
            if (
                key is None
                and not expired
                and age is not None
                and age < self.jwks_min_refetch_seconds
            ):
                raise _unknown_key(kid)
            may_fetch = self._refreshing is None and now >= self._retry_at
            done = self._refreshing
            if may_fetch:
                done = self._refreshing = threading.Event()
        if key is not None:
            if may_fetch and done is not None:
                threading.Thread(
                    target=self._refresh_quietly, args=(done,), name="jwks-refresh", daemon=True
                ).start()
            return key
        if may_fetch and done is not None:
            self._refresh(done)
        elif done is not None:
            self._wait_for(done)
        else:
            raise ProviderUnavailableError(
                "the identity provider could not be reached lately; not trying again yet"
            )
        with self._lock:
            key = self._keys.get(kid)
            healthy = self._healthy
        if key is not None:
            return key
        if not healthy:
            raise ProviderUnavailableError("the identity provider could not be reached")
        raise _unknown_key(kid)

    def _wait_for(self, done: threading.Event) -> None:
        if not self._waiters.acquire(blocking=False):
            raise ProviderUnavailableError("too many requests wait for the identity provider")
        try:
            if not done.wait(self._wait_seconds):
                raise ProviderUnavailableError("the identity provider is slow to answer")
        finally:
            self._waiters.release()

    # -- tokens ------------------------------------------------------------------------------

    def verify(self, token: str) -> OidcClaims:
        """Check an access token and return its user and roles.

        Blocking (may fetch keys): call it from a worker thread.

        Args:
            token: The compact token.

        Returns:
            The user name, roles and claims.

        Raises:
            TokenError: The token is not valid for this server.
            ProviderUnavailableError: The provider is unreachable and no key is cached.
        """
        header = unverified_header(token)
        alg = header.get("alg")
        if alg not in self.algorithms:
            raise TokenError(
                f"token algorithm {alg!r} is not accepted; use {' or '.join(self.algorithms)}"
            )
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise TokenError("the token header names no key ('kid')")
        key = self.signing_key(kid)
        if key.algorithm_name != alg:
            raise TokenError(f"the key {kid!r} is not a {alg} key")
        try:
            payload: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=[alg],
                issuer=self.issuer,
                leeway=self.leeway_seconds,
                options={"require": ["exp", "iss"], "verify_aud": False},
            )
        except jwt.PyJWTError as exc:
            raise token_error(exc) from None
        self._check_audience(payload)
        username = claim_at(payload, self.username_claim)
        if not isinstance(username, str) or not username.strip():
            raise TokenError(f"the token has no {self.username_claim!r} claim naming the user")
        return OidcClaims(username, self._roles(payload), payload)

    def _check_audience(self, payload: Mapping[str, Any]) -> None:
        aud = payload.get("aud")
        audiences = aud if isinstance(aud, list) else [aud]
        if self.audience is not None and self.audience in audiences:
            return
        if self.client_id is not None and payload.get("azp") == self.client_id:
            return
        raise TokenError("the token is meant for another audience")

    def _roles(self, payload: Mapping[str, Any]) -> frozenset[str]:
        roles: set[str] = set()
        for path in self.roles_claims:
            value = claim_at(payload, path)
            if value is None:
                continue
            if not isinstance(value, list) or not all(isinstance(r, str) for r in value):
                raise TokenError(f"the {path!r} claim must be a list of strings")
            roles.update(value)
        return frozenset(roles)
