"""What the server says when an optional dependency is not installed."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import httpx
import pytest

from rs_stac_ext.download import download_path
from rs_stac_ext.server.app import create_app
from rs_stac_ext.server.cli import missing_dependency
from server_support import live_server, make_catalog


def test_a_missing_extra_module_names_the_extra() -> None:
    message = missing_dependency(ImportError("No module named 'botocore'", name="botocore"))
    assert "pip install 'rs-stac-ext[server]'" in message


def test_a_missing_base_module_never_advises_force_reinstall() -> None:
    message = missing_dependency(ImportError("No module named 'jwt'", name="jwt"))
    assert "--force-reinstall" not in message
    assert "a dependency of rs-stac-ext" in message
    assert "pip install rs-stac-ext" in message


def test_an_s3_asset_without_botocore_is_503_and_the_log_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    for module in ("botocore", "botocore.session", "botocore.config"):
        monkeypatch.setitem(sys.modules, module, None)  # import fails as if not installed
    catalog = make_catalog(tmp_path, s3_href="s3://bucket/key.nc")
    with (
        caplog.at_level(logging.ERROR, logger="rs_stac_ext.server"),
        live_server(create_app(catalog.root)) as url,
    ):
        s3 = httpx.get(url + download_path("alice-col", "owned", "s3"))
        local = httpx.get(url + download_path("alice-col", "owned", "big"))
    assert s3.status_code == 503
    assert local.status_code == 200
    assert any(
        "pip install 'rs-stac-ext[server]'" in record.getMessage() for record in caplog.records
    )
