"""``rs-stac serve``: run the download server over a static catalog folder or a pgstac database.

::

    rs-stac serve CATALOG [--host H] [--port P] [--config FILE]   # or --catalog CATALOG
    rs-stac serve --pgstac DSN [--assets-root DIR] [--workers N] [--config FILE]
    rs-stac serve hash-key [--generate]          # hash an API key for the configuration
    rs-stac serve issue-token --user U [--role R]...   # sign a bearer token

Exit codes: 2 for usage errors and for a catalog or configuration that cannot be used.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Any

import click

from rs_stac_ext.server._catalog_argument import CatalogArgumentGroup

__all__ = ["serve_command"]

EXIT_USAGE = 2


@click.group(
    "serve",
    cls=CatalogArgumentGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option(
    "--catalog",
    type=click.Path(exists=True, path_type=Path),
    help="Folder holding catalog.json (or the catalog.json file); the same as CATALOG.",
)
@click.option(
    "--pgstac",
    "dsn",
    default=None,
    help="Serve the pgstac database at this DSN (postgresql://...) with stac-fastapi-pgstac.",
)
@click.option(
    "--assets-root",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="With --pgstac: folder local asset files are served from (none when absent).",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="With --pgstac: worker processes (each a replica with its own connection pool).",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="TCP port to listen on.",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="YAML configuration (users, bearer tokens, S3, redirects). Without it: local mode, "
    "everyone may read and download.",
)
@click.option("--root-path", default="", help="Path prefix when served behind a proxy.")
@click.option(
    "--header-timeout",
    type=click.FloatRange(min=0.1, max=3600),
    default=10.0,
    show_default=True,
    help="Seconds a client has to send a request's headers; slower connections are closed.",
)
@click.option(
    "--log-level",
    type=click.Choice(["debug", "info", "warning", "error"]),
    default="info",
    show_default=True,
    help="Least severe log messages shown on stderr (the server's warnings always are).",
)
@click.pass_context
def serve_command(
    ctx: click.Context,
    catalog: Path | None,
    dsn: str | None,
    assets_root: Path | None,
    workers: int,
    host: str,
    port: int,
    config_path: Path | None,
    root_path: str,
    header_timeout: float,
    log_level: str,
) -> None:
    """Serve a static CATALOG folder, or a pgstac database, as a STAC API with downloads."""
    if ctx.invoked_subcommand is not None:
        return
    if catalog is not None and dsn is not None:
        raise click.UsageError("--catalog and --pgstac cannot be used together")
    if dsn is not None:
        _serve_pgstac(
            dsn,
            assets_root,
            workers,
            (host, port, root_path, log_level, header_timeout),
            config_path,
        )
        return
    if catalog is None:
        raise click.UsageError(
            "name the CATALOG to serve (a folder holding catalog.json): "
            "CATALOG, --catalog DIR or --pgstac DSN"
        )
    try:
        import uvicorn

        from rs_stac_ext.server.app import create_app
    except ImportError as exc:
        click.echo(f"error: {missing_dependency(exc)}", err=True)
        sys.exit(EXIT_USAGE)
    from rs_stac_ext.errors import RsStacExtError
    from rs_stac_ext.server.config import load_config

    _configure_logging(log_level)
    try:
        config = load_config(config_path) if config_path is not None else None
        app = create_app(catalog, config)
    except RsStacExtError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    uvicorn.run(app, **_uvicorn_options((host, port, root_path, log_level, header_timeout)))


# Top-level module -> the extra that installs it; any other module is a base dependency.
_EXTRA_OF_MODULE = {"botocore": "server", "boto3": "server"}


def missing_dependency(exc: ImportError) -> str:
    """Say which install gives the module an ``ImportError`` names.

    Args:
        exc: The error of a failed import.

    Returns:
        A sentence naming the module and the pip command that installs it.
    """
    module = (exc.name or "").partition(".")[0]
    extra = _EXTRA_OF_MODULE.get(module)
    if extra is not None:
        return f"this needs {module} ({exc}): pip install 'rs-stac-ext[{extra}]'"
    return (
        f"serving needs {module or 'a module'} ({exc}), a dependency of rs-stac-ext that is "
        "missing from this environment: pip install rs-stac-ext (in the environment that runs "
        "rs-stac) installs it"
    )


_Listen = tuple[str, int, str, str, float]
"""host, port, root path, log level, header timeout."""


def _uvicorn_options(listen: _Listen) -> dict[str, Any]:
    """Options of every ``uvicorn.run``: the h11 protocol with a header timeout."""
    from rs_stac_ext.server.http_protocol import HeaderTimeoutProtocol, set_header_timeout

    host, port, root_path, log_level, header_timeout = listen
    set_header_timeout(header_timeout)
    return {
        "host": host,
        "port": port,
        "root_path": root_path,
        "log_level": log_level,
        "http": HeaderTimeoutProtocol,
    }


def _configure_logging(log_level: str) -> None:
    """Log at the chosen level; the server's own warnings always show."""
    logging.basicConfig(level=log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    # The local-mode warning is a security notice: shown whatever the chosen level.
    server_log = logging.getLogger("rs_stac_ext.server")
    server_log.setLevel(min(server_log.getEffectiveLevel(), logging.WARNING))


def _serve_pgstac(
    dsn: str,
    assets_root: Path | None,
    workers: int,
    listen: _Listen,
    config_path: Path | None,
) -> None:
    log_level = listen[3]
    try:
        import uvicorn

        from rs_stac_ext.server import pgstac_db
    except ImportError as exc:
        click.echo(
            f"error: --pgstac needs stac-fastapi-pgstac and pypgstac ({exc}); "
            "install them with: pip install 'rs-stac-ext[pgstac]'",
            err=True,
        )
        sys.exit(EXIT_USAGE)
    from rs_stac_ext.errors import RsStacExtError
    from rs_stac_ext.server.config import load_config

    _configure_logging(log_level)
    try:
        config = load_config(config_path) if config_path is not None else None
        version = pgstac_db.check_database(dsn)
        from rs_stac_ext.server import pgstac_app

        # Built once here so that a bad configuration stops the command before it listens.
        app = pgstac_app.create_pgstac_app(dsn, config, assets_root=assets_root)
    except RsStacExtError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    logging.getLogger("rs_stac_ext.server").info("pgstac %s at the given DSN", version)
    if workers == 1:
        uvicorn.run(app, **_uvicorn_options(listen))
        return
    # Worker processes build their own application from the environment.
    os.environ[pgstac_app.DSN_ENV] = dsn
    if config_path is not None:
        os.environ[pgstac_app.CONFIG_ENV] = str(config_path.resolve())
    if assets_root is not None:
        os.environ[pgstac_app.ASSETS_ROOT_ENV] = str(assets_root.resolve())
    uvicorn.run(
        "rs_stac_ext.server.pgstac_app:app_from_env",
        factory=True,
        workers=workers,
        **_uvicorn_options(listen),
    )


@serve_command.command("hash-key")
@click.option("--generate", is_flag=True, help="Make a new random key and print it on stderr.")
def hash_key_command(generate: bool) -> None:
    """Print the hash of an API key, for `api_keys` in the configuration.

    The key is read from standard input (or a hidden prompt), or made with --generate.
    """
    from rs_stac_ext.server.keys import generate_key, hash_key

    if generate:
        key = generate_key()
        click.echo(f"API key (give it to its user; it is stored nowhere): {key}", err=True)
    elif sys.stdin.isatty():
        key = click.prompt("API key", hide_input=True, confirmation_prompt=True)
    else:
        key = sys.stdin.readline().rstrip("\r\n")
    if not key:
        raise click.UsageError("the API key is empty")
    click.echo(hash_key(key))


@serve_command.command("issue-token")
@click.option("--user", "subject", required=True, help="User name (the `sub` claim).")
@click.option("--role", "roles", multiple=True, help="A role to grant. Repeatable.")
@click.option(
    "--ttl",
    type=click.IntRange(min=1),
    default=3600,
    show_default=True,
    help="Seconds the token stays valid (its `exp` claim).",
)
@click.option(
    "--secret-env",
    default="RS_STAC_JWT_SECRET",
    show_default=True,
    help="Environment variable holding the signing secret (the server's bearer secret).",
)
@click.option("--issuer", default=None, help="The `iss` claim.")
@click.option("--audience", default=None, help="The `aud` claim.")
def issue_token_command(
    subject: str,
    roles: tuple[str, ...],
    ttl: int,
    secret_env: str,
    issuer: str | None,
    audience: str | None,
) -> None:
    """Print an HS256 bearer token signed with the secret in SECRET_ENV."""
    from rs_stac_ext.server.config import BearerConfig, ConfigError
    from rs_stac_ext.server.tokens import issue_token

    try:
        secret = BearerConfig(secret_env=secret_env).secret()
    except (ConfigError, ValueError) as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(
        issue_token(secret, subject, roles=roles, ttl_seconds=ttl, issuer=issuer, audience=audience)
    )


if __name__ == "__main__":
    serve_command()
