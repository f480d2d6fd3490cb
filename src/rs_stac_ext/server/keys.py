"""API keys: generation, hashing for the configuration file, verification.

A configuration file never holds a key, only its scrypt hash, written as one string::

    scrypt$<N>$<r>$<p>$<salt>$<hash>$<key id>

``N`` (CPU/memory cost, a power of two), ``r`` (block size) and ``p`` (parallelism) are the
scrypt parameters; ``salt`` (16 random bytes) and ``hash`` (32 bytes) are base64url without
padding. :func:`hash_key` uses N=16384, r=8, p=1 (16 MiB, tens of milliseconds), the
interactive-login setting of the scrypt paper. ``rs-stac serve hash-key`` prints such a line.

Keys made by :func:`generate_key` start with a **key id**, ``<12 hex digits>.<secret>``. The id
is not secret: it is stored at the end of the hash line and picks the one hash a presented key
is checked against, so a made-up key costs a dictionary lookup, not a scrypt run per stored
hash. Hash lines without an id (``scrypt$N$r$p$salt$hash``, written by version 0.1.0, or
for keys chosen by hand) still work, but every key the server does not know by id is checked
against all of them: re-issue such keys (``rs-stac serve hash-key --generate``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

__all__ = [
    "MAX_SCRYPT_MEMORY",
    "KeyHash",
    "KeyHashError",
    "generate_key",
    "hash_key",
    "key_id",
    "scrypt_memory",
    "verify_key",
]

SCHEME = "scrypt"
N, R, P = 2**14, 8, 1
SALT_BYTES = 16
HASH_BYTES = 32
MAX_SCRYPT_MEMORY = 1024**3
"""Most memory one key check may take (N=2**20 with r=8); larger parameters are refused."""
_KEY_ID = re.compile(r"[0-9a-f]{12}")
_KEY_ID_BYTES = 6


class KeyHashError(ValueError):
    """A stored key hash that does not follow the documented format."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise KeyHashError(f"{text!r} is not base64url") from None


def scrypt_memory(n: int, r: int, p: int) -> int:
    """Bytes scrypt needs for these parameters (OpenSSL's count: ``128·r·(N + 2 + p)``)."""
    return 128 * r * (n + 2 + p)


def _scrypt(key: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    # maxmem follows the parameters (OpenSSL refuses anything above it), with room to spare.
    return hashlib.scrypt(
        key.encode("utf-8", "surrogateescape"),
        salt=salt,
        n=n,
        r=r,
        p=p,
        dklen=length,
        maxmem=scrypt_memory(n, r, p) + 1024**2,
    )


def key_id(key: str) -> str | None:
    """Return the key id a key starts with (``<12 hex digits>.``), or ``None``."""
    head, dot, _ = key.partition(".")
    return head if dot and _KEY_ID.fullmatch(head) else None


@dataclass(frozen=True)
class KeyHash:
    """A parsed ``scrypt$N$r$p$salt$hash[$key id]`` string.

    Attributes:
        n: CPU/memory cost (a power of two, 2**10 to 2**20).
        r: Block size (1 to 32).
        p: Parallelism (1 to 16).
        salt: The salt.
        digest: The derived key.
        key_id: The id of the key (see :func:`key_id`), or ``None`` for a key without one.
    """

    n: int
    r: int
    p: int
    salt: bytes
    digest: bytes
    key_id: str | None = None

    @classmethod
    def parse(cls, text: str) -> KeyHash:
        """Read a stored hash.

        Args:
            text: The string from the configuration file.

        Returns:
            The parsed hash.

        Raises:
            KeyHashError: The string does not follow ``scrypt$N$r$p$salt$hash`` or its
                parameters are out of range.
        """
        parts = text.split("$")
        if len(parts) not in (6, 7) or parts[0] != SCHEME:
            raise KeyHashError(
                "expected 'scrypt$<N>$<r>$<p>$<salt>$<hash>$<key id>' (make one with "
                "'rs-stac serve hash-key'), not a plain key"
            )
        kid = parts[6] if len(parts) == 7 else None
        if kid is not None and not _KEY_ID.fullmatch(kid):
            raise KeyHashError(f"the key id {kid!r} must be 12 lowercase hex digits")
        try:
            n, r, p = (int(x) for x in parts[1:4])
        except ValueError:
            raise KeyHashError("N, r and p must be integers") from None
        if n < 2**10 or n > 2**20 or n & (n - 1):
            raise KeyHashError(f"N={n} must be a power of two from 1024 to 1048576")
        if not 1 <= r <= 32 or not 1 <= p <= 16:
            raise KeyHashError(f"r={r} must be 1 to 32 and p={p} 1 to 16")
        if scrypt_memory(n, r, p) > MAX_SCRYPT_MEMORY + 1024**2:
            raise KeyHashError(
                f"N={n} with r={r} needs {scrypt_memory(n, r, p) // 1024**2} MiB per key check; "
                f"at most {MAX_SCRYPT_MEMORY // 1024**2} MiB (N·r at most 2**23) is accepted"
            )
        salt, digest = _unb64(parts[4]), _unb64(parts[5])
        if len(salt) < 8 or len(digest) < 16:
            raise KeyHashError("the salt needs at least 8 bytes and the hash at least 16")
        return cls(n, r, p, salt, digest, kid)

    def matches(self, key: str) -> bool:
        """Tell whether a presented key has this hash (constant-time comparison)."""
        derived = _scrypt(key, self.salt, self.n, self.r, self.p, len(self.digest))
        return hmac.compare_digest(derived, self.digest)

    def __str__(self) -> str:
        text = f"{SCHEME}${self.n}${self.r}${self.p}${_b64(self.salt)}${_b64(self.digest)}"
        return text if self.key_id is None else f"{text}${self.key_id}"


def generate_key() -> str:
    """Return a new random API key: a key id, a dot, and 43 URL-safe characters (256 bits)."""
    return f"{secrets.token_hex(_KEY_ID_BYTES)}.{secrets.token_urlsafe(32)}"


def hash_key(key: str, *, salt: bytes | None = None) -> str:
    """Hash an API key for the configuration file.

    Args:
        key: The key a client will send in ``x-api-key``.
        salt: Salt to use (random when ``None``; give one only for reproducible tests).

    Returns:
        The ``scrypt$N$r$p$salt$hash`` string, followed by ``$<key id>`` when the key starts
        with one (as the keys of :func:`generate_key` do).

    Raises:
        ValueError: The key is empty.
    """
    if not key:
        raise ValueError("an API key must not be empty")
    salt = secrets.token_bytes(SALT_BYTES) if salt is None else salt
    return str(KeyHash(N, R, P, salt, _scrypt(key, salt, N, R, P, HASH_BYTES), key_id(key)))


def verify_key(key: str, stored: str) -> bool:
    """Tell whether a key matches a stored hash.

    Args:
        key: The presented key.
        stored: The ``scrypt$...`` string.

    Returns:
        True when they match.

    Raises:
        KeyHashError: ``stored`` is malformed.
    """
    return KeyHash.parse(stored).matches(key)
