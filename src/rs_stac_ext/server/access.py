"""Who is calling, and may they download: authentication and the download decision.

Credentials (only with a configuration that has ``users`` or ``bearer``):

- ``x-api-key: <key>``: the key id the key starts with picks the user's scrypt hash to check
  it against (any other key is checked against the hashes without an id, if any); a match is
  cached (by the key's SHA-256) so later requests cost one hash lookup. Invalid keys cost no
  scrypt run when their id is unknown, and are limited per client
  (see :mod:`rs_stac_ext.server.key_check`).
- ``Authorization: Bearer <token>``: an HS256 JWT (see :mod:`rs_stac_ext.server.tokens`),
  whose user is ``sub``, or an RS256/ES256 access token of the configured OpenID Connect
  provider (see :mod:`rs_stac_ext.server.oidc`), whose user is its username claim; the roles
  are the token's plus those the configuration gives that user. The token's ``alg`` header
  picks the check: ``HS256`` goes to the shared secret, anything else to the provider.

The decision (:func:`can_download`) follows the ownership extension and the Reference System's
catalog roles:

- a user may download what they own: the Item's ``properties.owner``, or anything in a
  Collection whose top-level ``owner`` they are;
- anyone else needs ``rs_catalog_<owner>:<collection>_download``, where ``<collection>`` is the
  Collection id or ``*`` and ``<owner>`` is the Collection's or the Item's owner, or ``*``.
  Roles are read like the previous reference server did: the owner is the text before the
  last ``:``.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rs_stac_ext.server.config import ServerConfig
from rs_stac_ext.server.key_check import KeyCheckBusyError, KeyChecker, TooManyFailuresError
from rs_stac_ext.server.keys import KeyHash
from rs_stac_ext.server.oidc import OidcVerifier, ProviderUnavailableError
from rs_stac_ext.server.tokens import TokenError, unverified_header, verify_token

__all__ = [
    "AuthenticationError",
    "Authenticator",
    "CatalogRole",
    "Decision",
    "KeyCheckBusyError",
    "ProviderUnavailableError",
    "TooManyFailuresError",
    "User",
    "can_download",
    "collection_owner",
    "item_owner",
    "parse_role",
]

_ROLE_PREFIX = "rs_catalog_"
_RIGHTS = ("read", "write", "download")


@dataclass(frozen=True)
class User:
    """An authenticated caller.

    Attributes:
        name: The user name, compared with ``owner`` fields.
        roles: The roles granted.
        local: True in local mode, where everyone may do everything.
        via: How the caller was identified: ``api-key``, ``bearer``, ``oidc`` or ``local``.
    """

    name: str
    roles: frozenset[str] = frozenset()
    local: bool = False
    via: str = "api-key"


@dataclass(frozen=True)
class Decision:
    """The answer of :func:`can_download`.

    Attributes:
        allowed: True when the download may proceed.
        reason: Why, in one sentence (sent as the error description when denied).
        needs_credentials: True when the caller is anonymous (answer 401, not 403).
    """

    allowed: bool
    reason: str
    needs_credentials: bool = False


@dataclass(frozen=True)
class CatalogRole:
    """A parsed ``rs_catalog_<owner>:<collection>_<right>`` role.

    Attributes:
        owner: The owner, or ``*``.
        collection: The Collection id, or ``*``.
        right: ``read``, ``write`` or ``download``.
    """

    owner: str
    collection: str
    right: str


def parse_role(role: str) -> CatalogRole | None:
    """Read a catalog role.

    Args:
        role: A role string such as ``rs_catalog_alice:s1_aux_download``.

    Returns:
        The parsed role, or ``None`` for anything that is not a catalog role.
    """
    if not role.startswith(_ROLE_PREFIX):
        return None
    body = role[len(_ROLE_PREFIX) :]
    right = next((r for r in _RIGHTS if body.endswith("_" + r)), None)
    if right is None:
        return None
    scope = body[: -len(right) - 1]
    owner, sep, collection = scope.rpartition(":")
    if not sep or not owner or not collection:
        return None
    return CatalogRole(owner, collection, right)


def _owner(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def collection_owner(collection: Mapping[str, Any]) -> str | None:
    """Return a Collection's top-level ``owner``, if it is a non-blank string."""
    return _owner(collection.get("owner"))


def item_owner(item: Mapping[str, Any]) -> str | None:
    """Return an Item's ``properties.owner``, if it is a non-blank string."""
    properties = item.get("properties")
    return _owner(properties.get("owner")) if isinstance(properties, Mapping) else None


def can_download(
    user: User | None, collection: Mapping[str, Any], item: Mapping[str, Any]
) -> Decision:
    """Decide whether a caller may download the assets of an Item.

    Args:
        user: The authenticated caller, or ``None`` for an anonymous one.
        collection: The Collection document (its ``id`` and ``owner`` are read).
        item: The Item document (its ``properties.owner`` is read).

    Returns:
        The decision and its reason.
    """
    cid = str(collection.get("id", ""))
    if user is None:
        return Decision(False, "credentials are required to download", needs_credentials=True)
    if user.local:
        return Decision(True, "local mode: everyone may download")
    owners = {o for o in (collection_owner(collection), item_owner(item)) if o is not None}
    if user.name in owners:
        return Decision(True, f"{user.name} owns it")
    for role in sorted(user.roles):
        parsed = parse_role(role)
        if (
            parsed is not None
            and parsed.right == "download"
            and parsed.collection in (cid, "*")
            and (parsed.owner == "*" or parsed.owner in owners)
        ):
            return Decision(True, f"granted by the role {role}")
    owner = collection_owner(collection) or item_owner(item) or "*"
    return Decision(
        False,
        f"{user.name} may not download from collection {cid!r}: it needs to own the item or "
        f"have the role rs_catalog_{owner}:{cid}_download",
    )


class AuthenticationError(Exception):
    """Credentials were given but are not valid (answer 401)."""


class Authenticator:
    """Turns request headers into a :class:`User`, according to a configuration.

    Args:
        config: The configuration; ``None`` means local mode.
        environ: Where the bearer secret is read (``os.environ`` when ``None``).

    Raises:
        ConfigError: Bearer tokens are configured but the secret is missing or too short.
    """

    def __init__(
        self, config: ServerConfig | None = None, *, environ: Mapping[str, str] | None = None
    ) -> None:
        self.config = config or ServerConfig()
        self.keys = KeyChecker(
            (name, KeyHash.parse(stored))
            for name, user in self.config.users.items()
            for stored in user.api_keys
        )
        bearer = self.config.bearer
        self._secret = bearer.secret(environ) if bearer is not None else None
        oidc = self.config.oidc
        self.oidc = (
            None
            if oidc is None
            else OidcVerifier(
                oidc.issuer,
                audience=oidc.audience,
                client_id=oidc.client_id,
                username_claim=oidc.username_claim,
                roles_claims=oidc.role_paths(),
                algorithms=oidc.algorithms,
                leeway_seconds=oidc.leeway_seconds,
                jwks_url=oidc.jwks_url,
                jwks_cache_seconds=oidc.jwks_cache_seconds,
                jwks_min_refetch_seconds=oidc.jwks_min_refetch_seconds,
                timeout_seconds=oidc.timeout_seconds,
            )
        )
        self._local_user = User(_os_user(), local=True, via="local")

    @property
    def local_mode(self) -> bool:
        """True when everyone may read and download."""
        return self.config.local_mode

    @property
    def challenges(self) -> list[str]:
        """The ``WWW-Authenticate`` challenges sent with a 401."""
        found = []
        if self.config.bearer is not None or self.config.oidc is not None:
            found.append('Bearer realm="rs-stac"')
        if self.config.users:
            found.append('ApiKey header="x-api-key"')
        return found

    @staticmethod
    def has_credentials(headers: Mapping[str, str]) -> bool:
        """Tell whether a request carries any credentials."""
        return "x-api-key" in headers or "authorization" in headers

    def known_user(self, headers: Mapping[str, str], client: str | None = None) -> User | None:
        """Identify the caller without blocking, when that is possible.

        Args:
            headers: The request headers (case-insensitive mapping).
            client: The client's address (invalid API keys are limited per address).

        Returns:
            The local user in local mode, the user of an API key already known valid, or
            ``None`` when :meth:`authenticate` has to decide.

        Raises:
            AuthenticationError: An API key that no stored hash can match.
            TooManyFailuresError: An API key that needs a scrypt run, from a client over its
                limit.
        """
        if self.local_mode:
            return self._local_user
        key = headers.get("x-api-key")
        if key is None or not self.config.users:
            return None
        decided, name = self.keys.verdict_without_scrypt(key, client)
        if not decided:
            return None
        if name is None:
            raise AuthenticationError("the API key is not valid")
        return self._key_user(name)

    def authenticate(self, headers: Mapping[str, str], client: str | None = None) -> User | None:
        """Identify the caller.

        Blocking: an API key not seen before may cost a scrypt derivation, an OIDC token a
        request to the identity provider; call it from a worker thread.

        Args:
            headers: The request headers (case-insensitive mapping).
            client: The client's address (invalid API keys are limited per address).

        Returns:
            The local user in local mode; else the user the credentials name, or ``None`` when
            the request carries none.

        Raises:
            AuthenticationError: Credentials were given and are not valid.
            TooManyFailuresError: The client sent too many invalid API keys lately (429).
            KeyCheckBusyError: The key could not be checked now (503).
            ProviderUnavailableError: An OIDC token could not be checked because the identity
                provider is unreachable (answer 503).
        """
        if self.local_mode:
            return self._local_user
        key = headers.get("x-api-key")
        if key is not None:
            return self._from_key(key, client)
        authorization = headers.get("authorization")
        if authorization is not None:
            return self._from_bearer(authorization)
        return None

    def _from_key(self, key: str, client: str | None) -> User:
        if not self.config.users:
            raise AuthenticationError("API keys are not accepted by this server")
        name = self.keys.owner(key, client)
        if name is None:
            raise AuthenticationError("the API key is not valid")
        return self._key_user(name)

    def _key_user(self, name: str) -> User:
        return User(name, frozenset(self.config.users[name].roles), via="api-key")

    def _from_bearer(self, authorization: str) -> User:
        scheme, _, token = authorization.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthenticationError("the Authorization header must be 'Bearer <token>'")
        token = token.strip()
        try:
            alg = unverified_header(token).get("alg")
        except TokenError as exc:
            raise AuthenticationError(f"the bearer token is not valid: {exc}") from None
        if alg != "HS256" and self.oidc is not None:
            return self._from_oidc(self.oidc, token)
        bearer = self.config.bearer
        if bearer is None or self._secret is None:
            raise AuthenticationError(
                "HS256 bearer tokens are not accepted by this server"
                if self.oidc is not None
                else "bearer tokens are not accepted by this server"
            )
        try:
            claims = verify_token(
                token,
                self._secret,
                issuer=bearer.issuer,
                audience=bearer.audience,
                roles_claim=bearer.roles_claim,
                leeway_seconds=bearer.leeway_seconds,
            )
        except TokenError as exc:
            raise AuthenticationError(f"the bearer token is not valid: {exc}") from None
        configured = self.config.users.get(claims.subject)
        roles = claims.roles | frozenset(configured.roles if configured else ())
        return User(claims.subject, roles, via="bearer")

    def _from_oidc(self, verifier: OidcVerifier, token: str) -> User:
        try:
            claims = verifier.verify(token)
        except TokenError as exc:
            raise AuthenticationError(f"the bearer token is not valid: {exc}") from None
        configured = self.config.users.get(claims.username)
        roles = claims.roles | frozenset(configured.roles if configured else ())
        return User(claims.username, roles, via="oidc")

    def close(self) -> None:
        """Release the HTTP client of the OIDC verifier."""
        if self.oidc is not None:
            self.oidc.close()


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return os.environ.get("USER", "local")
