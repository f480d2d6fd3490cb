"""Shared fixtures: where the upstream documents are, and the hypothesis profile."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from services_support import Postgres, S3Store, postgres_cluster, seaweedfs

REPO_ROOT = Path(__file__).resolve().parents[1]
UPSTREAM = Path(os.environ.get("RS_STAC_UPSTREAM", REPO_ROOT.parent / "shared" / "upstream"))

settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.register_profile("dev", deadline=None, suppress_health_check=[HealthCheck.too_slow])
# A longer fuzzing run, random each time: HYPOTHESIS_PROFILE=long (tests/test_fuzz_readers.py
# gives its properties 50 times the examples of CI).
settings.register_profile("long", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def upstream_examples() -> list[Path]:
    """Every published example under ``shared/upstream/*/examples`` (empty when absent)."""
    if not UPSTREAM.is_dir():
        return []
    return sorted(UPSTREAM.glob("*/examples/*.json"))


def load_json(path: Path) -> Any:
    """Read a JSON file."""
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture
def upstream() -> Path:
    """The upstream folder; skips the test when it is absent."""
    if not UPSTREAM.is_dir():
        pytest.skip(f"upstream documents not found at {UPSTREAM}")
    return UPSTREAM


CLOSED_PORT = "http://127.0.0.1:9"


def offline_environment(cache: Path) -> dict[str, str]:
    """The environment of a subprocess that must not reach the network.

    Any attempt to download goes through a proxy on a closed port and fails at once instead of
    hanging; schemas are cached in ``cache``; warnings are errors; the simulator address of
    the caller's environment is dropped.
    """
    environment = os.environ | {
        "http_proxy": CLOSED_PORT,
        "https_proxy": CLOSED_PORT,
        "HTTP_PROXY": CLOSED_PORT,
        "HTTPS_PROXY": CLOSED_PORT,
        "RS_STAC_CACHE": str(cache),
        "PYTHONWARNINGS": "error",
    }
    environment.pop("RS_STAC_SIMULATOR_URL", None)
    return environment


# --- real servers, started once per session (tests marked pgstac, s3, oidc) ---------------


@pytest.fixture(scope="session")
def pgstac_db() -> Iterator[Postgres]:
    """A throwaway PostgreSQL + PostGIS cluster with pgstac, for the whole session."""
    with postgres_cluster() as cluster:
        yield cluster


@pytest.fixture(scope="session")
def s3_store() -> Iterator[S3Store]:
    """A SeaweedFS S3 gateway on loopback, for the whole session."""
    with seaweedfs() as store:
        yield store


@pytest.fixture(scope="session")
def dask_client() -> Iterator[Any]:
    """A local Dask cluster of two worker processes on loopback, for the whole session."""
    import logging

    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=":0",  # the scheduler serves HTTP anyway: any free port
            silence_logs=logging.ERROR,
        ) as cluster,
        distributed.Client(cluster, set_as_default=False) as connected,
    ):
        yield connected
