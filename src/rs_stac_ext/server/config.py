"""The server's configuration file (YAML).

Every section is optional::

    users:                      # API-key users; keys are stored hashed (rs-stac serve hash-key)
      alice:
        api_keys: ["scrypt$16384$8$1$<salt>$<hash>"]
        roles: ["rs_catalog_bob:s1_aux_download"]
    bearer:                     # HS256 bearer tokens, secret from the environment
      secret_env: RS_STAC_JWT_SECRET
      issuer: https://auth.example.org      # optional: required `iss`
      audience: rs-stac                     # optional: required `aud`
      roles_claim: roles
      leeway_seconds: 30
    oidc:                       # access tokens of an OpenID Connect provider (Keycloak)
      issuer: https://sso.example.org/realms/rs
      client_id: rs-stac                    # azp; audience: rs-stac to check aud instead
      username_claim: preferred_username
      roles_claims: [realm_access.roles, resource_access.rs-stac.roles]
    download:
      redirect_status: 307                  # or 302, for clients of the previous server
      presign_expiry_seconds: 1800
    s3:                                     # credentials come from the usual AWS variables
      endpoint_url: http://127.0.0.1:9000
      region: us-east-1
      addressing_style: auto                # auto | path | virtual
      connect_timeout_seconds: 3
      read_timeout_seconds: 10
      max_attempts: 2
    stations:                               # proxy ground-station $value hrefs
      registry: stations.yaml               # the station registry (default: built-in)

The server runs in **local mode** (everyone may read and download) when there is no
configuration, or when it has none of ``users``, ``bearer`` and ``oidc``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from rs_stac_ext.errors import RsStacExtError
from rs_stac_ext.server.keys import KeyHash, KeyHashError
from rs_stac_ext.server.tokens import MIN_SECRET_BYTES

__all__ = [
    "BearerConfig",
    "ConfigError",
    "DownloadConfig",
    "OidcConfig",
    "S3Config",
    "ServerConfig",
    "StationsConfig",
    "UserConfig",
    "load_config",
]

_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class ConfigError(RsStacExtError):
    """A configuration file that cannot be used; the message names the file and the place."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _key_hash(value: str) -> str:
    try:
        KeyHash.parse(value)
    except KeyHashError as exc:
        raise ValueError(str(exc)) from None
    return value


class UserConfig(_Section):
    """One user.

    Attributes:
        api_keys: Hashes of the user's API keys (``scrypt$...``).
        roles: Role strings, e.g. ``rs_catalog_alice:s1_aux_download``.
    """

    api_keys: list[Annotated[str, AfterValidator(_key_hash)]] = Field(default_factory=list)
    roles: list[str] = Field(default_factory=list)


class BearerConfig(_Section):
    """Bearer tokens (HS256 JWT).

    Attributes:
        secret_env: Environment variable holding the shared secret (at least 32 bytes).
        issuer: Required ``iss`` claim, if any.
        audience: Required ``aud`` claim, if any.
        roles_claim: Claim listing the user's roles.
        leeway_seconds: Clock skew tolerated on time claims.
    """

    secret_env: str = "RS_STAC_JWT_SECRET"
    issuer: str | None = None
    audience: str | None = None
    roles_claim: str = "roles"
    leeway_seconds: Annotated[float, Field(ge=0, le=600)] = 30

    @field_validator("secret_env")
    @classmethod
    def _env_name(cls, value: str) -> str:
        if not _ENV_NAME.match(value):
            raise ValueError(f"{value!r} is not an environment variable name")
        return value

    def secret(self, environ: Mapping[str, str] | None = None) -> bytes:
        """Read the shared secret from the environment.

        Args:
            environ: The environment (``os.environ`` when ``None``).

        Returns:
            The secret's UTF-8 bytes.

        Raises:
            ConfigError: The variable is unset or too short.
        """
        value = (os.environ if environ is None else environ).get(self.secret_env, "")
        secret = value.encode("utf-8")
        if len(secret) < MIN_SECRET_BYTES:
            raise ConfigError(
                f"bearer.secret_env: the environment variable {self.secret_env} must hold a "
                f"secret of at least {MIN_SECRET_BYTES} bytes"
                + (" (it is not set)" if not value else "")
            )
        return secret


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{value!r} is not an http(s) URL")
    return value


class OidcConfig(_Section):
    """Access tokens of an OpenID Connect provider (RS256 or ES256), e.g. Keycloak.

    Attributes:
        issuer: The issuer URL, exactly as in the tokens' ``iss`` (discovery starts there).
        audience: Accept tokens whose ``aud`` holds this value.
        client_id: Accept tokens whose ``azp`` is this client; its client roles
            (``resource_access.<client_id>.roles``) are read by default.
        username_claim: Dotted path of the claim naming the user.
        roles_claims: Dotted paths of claims listing roles (default: ``realm_access.roles``,
            and ``resource_access.<client_id>.roles`` when ``client_id`` is set).
        algorithms: Accepted algorithms: RS256 and/or ES256 (never ``none`` or HMAC).
        leeway_seconds: Clock skew tolerated on time claims.
        jwks_url: The JWKS URL, when it is not on the issuer's origin (else discovered).
        jwks_cache_seconds: How long fetched keys are used before fetching them again.
        jwks_min_refetch_seconds: Shortest time between two fetches caused by an unknown key.
        timeout_seconds: Time allowed for each request to the provider.
    """

    issuer: Annotated[str, AfterValidator(_http_url)]
    audience: str | None = None
    client_id: str | None = None
    username_claim: str = "preferred_username"
    roles_claims: list[str] | None = None
    algorithms: list[Literal["RS256", "ES256"]] = Field(
        default_factory=lambda: ["RS256", "ES256"],  # type: ignore[arg-type]
        min_length=1,
    )
    leeway_seconds: Annotated[float, Field(ge=0, le=600)] = 30
    jwks_url: Annotated[str, AfterValidator(_http_url)] | None = None
    jwks_cache_seconds: Annotated[float, Field(ge=0, le=86400)] = 300
    jwks_min_refetch_seconds: Annotated[float, Field(ge=0, le=3600)] = 30
    timeout_seconds: Annotated[float, Field(gt=0, le=60)] = 5

    @model_validator(mode="after")
    def _someone_to_check(self) -> OidcConfig:
        if self.audience is None and self.client_id is None:
            raise ValueError("set audience or client_id: tokens must be meant for this server")
        return self

    def role_paths(self) -> list[str]:
        """The dotted claim paths roles are read from."""
        if self.roles_claims is not None:
            return list(self.roles_claims)
        paths = ["realm_access.roles"]
        if self.client_id is not None:
            paths.append(f"resource_access.{self.client_id}.roles")
        return paths


class DownloadConfig(_Section):
    """How downloads are answered.

    Attributes:
        redirect_status: Status of redirects to presigned URLs: 307 (default) or 302.
        presign_expiry_seconds: Lifetime of presigned URLs (1 s to 7 days).
    """

    redirect_status: Literal[302, 307] = 307
    presign_expiry_seconds: Annotated[int, Field(ge=1, le=604800)] = 1800


class S3Config(_Section):
    """The S3 client (credentials come from the standard AWS variables or profile).

    Attributes:
        endpoint_url: Endpoint of an S3-compatible server (AWS when ``None``).
        region: Region name.
        addressing_style: ``auto``, ``path`` or ``virtual``.
        connect_timeout_seconds: Time allowed to connect.
        read_timeout_seconds: Time allowed for an answer.
        max_attempts: Attempts per call (1 = no retry), before answering 503.
    """

    endpoint_url: str | None = None
    region: str | None = None
    addressing_style: Literal["auto", "path", "virtual"] = "auto"
    connect_timeout_seconds: Annotated[float, Field(gt=0, le=300)] = 3
    read_timeout_seconds: Annotated[float, Field(gt=0, le=300)] = 10
    max_attempts: Annotated[int, Field(ge=1, le=10)] = 2


class StationsConfig(_Section):
    """Downloads proxied from ground stations.

    Attributes:
        registry: The station registry file (``None``: the built-in registry, which points at
            the local station simulator).
    """

    registry: Path | None = None


class ServerConfig(_Section):
    """The whole configuration.

    Attributes:
        users: API-key users by name.
        bearer: HS256 bearer-token settings, or ``None`` when such tokens are not accepted.
        oidc: OpenID Connect settings, or ``None`` when provider tokens are not accepted.
        download: Redirect settings.
        s3: S3 client settings.
        stations: Ground-station proxy settings; ``None`` to serve no station file.
    """

    users: dict[str, UserConfig] = Field(default_factory=dict)
    bearer: BearerConfig | None = None
    oidc: OidcConfig | None = None
    download: DownloadConfig = Field(default_factory=DownloadConfig)
    s3: S3Config = Field(default_factory=S3Config)
    stations: StationsConfig | None = None

    @field_validator("users")
    @classmethod
    def _names(cls, value: dict[str, UserConfig]) -> dict[str, UserConfig]:
        for name in value:
            if not name.strip():
                raise ValueError("a user name must not be blank")
        return value

    @property
    def local_mode(self) -> bool:
        """True when no credentials are configured: everyone may read and download."""
        return not self.users and self.bearer is None and self.oidc is None


def _where(location: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in location) or "(top level)"


def _message(error: Any) -> str:
    cause = error.get("ctx", {}).get("error")
    return str(cause) if error.get("type") == "value_error" and cause else str(error["msg"])


def parse_config(data: Any, *, source: str = "<config>") -> ServerConfig:
    """Validate already-parsed configuration data.

    Args:
        data: The parsed YAML (``None`` for an empty file).
        source: Name used in messages.

    Returns:
        The configuration.

    Raises:
        ConfigError: Naming the file, the place in it and what was expected.
    """
    try:
        return ServerConfig.model_validate({} if data is None else data)
    except ValidationError as exc:
        lines = [f"{source}: {_where(e['loc'])}: {_message(e)}" for e in exc.errors()]
        raise ConfigError("\n".join(lines)) from None


def load_config(path: Path) -> ServerConfig:
    """Read a configuration file.

    Args:
        path: The YAML file.

    Returns:
        The configuration.

    Raises:
        ConfigError: The file is unreadable, not YAML, or not a valid configuration.
    """
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the configuration ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({exc})") from None
    config = parse_config(data, source=str(path))
    stations = config.stations
    if (
        stations is not None
        and stations.registry is not None
        and not stations.registry.is_absolute()
    ):
        # A registry named in the file is found next to the file.
        moved = stations.model_copy(update={"registry": path.parent / stations.registry})
        config = config.model_copy(update={"stations": moved})
    return config
