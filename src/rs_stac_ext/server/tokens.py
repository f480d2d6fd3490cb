"""Bearer tokens signed with a shared secret (HS256), checked and made with PyJWT.

The server checks such tokens offline (no identity provider is contacted): the signature
(HMAC-SHA-256 with the secret from the environment variable the configuration names), ``alg``
(only ``HS256``), ``exp`` (required), ``nbf`` and ``iat`` (when present, with a leeway), and
``iss`` / ``aud`` when the configuration names them. ``sub`` is the user name; the claim
``roles`` (configurable) is a list of role strings. :func:`issue_token` makes such a token
(``rs-stac serve issue-token``). Tokens of an OpenID Connect provider (RS256, ES256) are
checked by :mod:`rs_stac_ext.server.oidc`.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import jwt

__all__ = [
    "MIN_SECRET_BYTES",
    "TokenClaims",
    "TokenError",
    "issue_token",
    "token_error",
    "verify_token",
]

MIN_SECRET_BYTES = 32
"""Shortest accepted secret: HS256 wants a key of at least 256 bits (RFC 7518 §3.2)."""


class TokenError(ValueError):
    """A token that is malformed, badly signed, expired or not meant for this server."""


@dataclass(frozen=True)
class TokenClaims:
    """What a valid token says.

    Attributes:
        subject: The user name (``sub``).
        roles: The roles it grants.
        expires: Expiry time (``exp``), seconds since the epoch.
    """

    subject: str
    roles: frozenset[str]
    expires: float


def _check_secret(secret: bytes) -> None:
    if len(secret) < MIN_SECRET_BYTES:
        raise ValueError(f"the HS256 secret must have at least {MIN_SECRET_BYTES} bytes")


def issue_token(
    secret: bytes,
    subject: str,
    *,
    roles: Sequence[str] = (),
    ttl_seconds: float = 3600,
    issuer: str | None = None,
    audience: str | None = None,
    roles_claim: str = "roles",
    now: float | None = None,
) -> str:
    """Make a signed HS256 token.

    Args:
        secret: The shared secret (at least 32 bytes).
        subject: The user name (``sub``).
        roles: The roles to grant.
        ttl_seconds: Lifetime; ``exp`` is ``now + ttl_seconds``.
        issuer: ``iss``, when the server checks it.
        audience: ``aud``, when the server checks it.
        roles_claim: Name of the roles claim.
        now: The issue time (seconds since the epoch); ``time.time()`` when ``None``.

    Returns:
        The compact token ``header.payload.signature``.

    Raises:
        ValueError: The secret is too short or the subject empty.
    """
    _check_secret(secret)
    if not subject:
        raise ValueError("a token needs a subject")
    issued = time.time() if now is None else now
    payload: dict[str, Any] = {
        "sub": subject,
        "iat": int(issued),
        "exp": int(issued + ttl_seconds),
        roles_claim: list(roles),
    }
    if issuer is not None:
        payload["iss"] = issuer
    if audience is not None:
        payload["aud"] = audience
    return jwt.encode(payload, secret, algorithm="HS256")


_MESSAGES: tuple[tuple[type[jwt.PyJWTError], str], ...] = (
    (jwt.ExpiredSignatureError, "the token has expired"),
    (
        jwt.ImmatureSignatureError,
        "the token is not valid yet (its 'nbf' or 'iat' is in the future)",
    ),
    (jwt.InvalidIssuerError, "the token was issued by another issuer"),
    (jwt.InvalidAudienceError, "the token is meant for another audience"),
    (jwt.InvalidSignatureError, "the token signature does not match"),
    (jwt.InvalidAlgorithmError, "the token algorithm is not accepted"),
)


def token_error(exc: jwt.PyJWTError) -> TokenError:
    """Turn a PyJWT failure into a :class:`TokenError` with a sentence a user understands.

    Args:
        exc: What PyJWT raised.

    Returns:
        The error to raise.
    """
    if isinstance(exc, jwt.MissingRequiredClaimError):
        return TokenError(f"the token has no {exc.claim!r} claim")
    for kind, message in _MESSAGES:
        if isinstance(exc, kind):
            return TokenError(message)
    text = str(exc)
    if "Critical" in text or "crit" in text:
        return TokenError("token header extensions ('crit') are not supported")
    if "segments" in text:
        return TokenError("a token has three non-empty dot-separated parts")
    if "must be a" in text or "must be an" in text:
        return TokenError(f"a time claim must be a number ({text})")
    return TokenError(f"the token is malformed ({text})")


def unverified_header(token: str) -> dict[str, Any]:
    """Read a token's header without checking anything else.

    Args:
        token: The compact token.

    Returns:
        The header.

    Raises:
        TokenError: The token is not a JWS in compact form, or its header asks for
            extensions (``crit``) this server does not implement.
    """
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise token_error(exc) from None
    if "crit" in header:
        raise TokenError("token header extensions ('crit') are not supported")
    return header


def verify_token(
    token: str,
    secret: bytes,
    *,
    issuer: str | None = None,
    audience: str | None = None,
    roles_claim: str = "roles",
    leeway_seconds: float = 30,
) -> TokenClaims:
    """Check an HS256 token and return what it says.

    Args:
        token: The compact token from ``Authorization: Bearer <token>``.
        secret: The shared secret.
        issuer: Required ``iss`` value, or ``None`` to accept any.
        audience: Required ``aud`` value (or member of a list), or ``None`` to accept any.
        roles_claim: Name of the roles claim.
        leeway_seconds: Clock skew tolerated on ``exp``, ``nbf`` and ``iat``.

    Returns:
        The subject and roles.

    Raises:
        TokenError: The token is malformed, not HS256, badly signed, expired, not yet valid,
            or has the wrong issuer or audience.
    """
    _check_secret(secret)
    header = unverified_header(token)
    if header.get("alg") != "HS256":
        raise TokenError(f"token algorithm {header.get('alg')!r} is not accepted; use HS256")
    try:
        payload: dict[str, Any] = jwt.decode(
            token,
            secret,
            algorithms=["HS256"],
            issuer=issuer,
            audience=audience,
            leeway=leeway_seconds,
            options={"require": ["exp"], "verify_aud": audience is not None},
        )
    except jwt.PyJWTError as exc:
        raise token_error(exc) from None
    subject = payload.get("sub")
    if not isinstance(subject, str) or not subject.strip():
        raise TokenError("the token has no 'sub' claim naming the user")
    roles = payload.get(roles_claim, [])
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        raise TokenError(f"the {roles_claim!r} claim must be a list of strings")
    try:
        expires = float(payload["exp"])
    except (OverflowError, TypeError, ValueError):
        raise TokenError("the token's 'exp' claim is out of range") from None
    return TokenClaims(subject, frozenset(roles), expires)
