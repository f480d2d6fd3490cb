"""The documentation site builds in strict mode and publishes every schema at its identifier.

The site is built once per test session (``mkdocs build --strict`` in a subprocess, into a
temporary folder); the tests then read the built files.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType, SimpleNamespace
from urllib.parse import urlsplit

import pytest
import yaml
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files

from rs_stac_ext import schemas
from rs_stac_ext.schemas._catalog import HOME_HOST, OLD_HOST
from rs_stac_ext.schemas._fieldtables import locations

ROOT = Path(__file__).resolve().parents[1]
PAGES = (
    "index.html",
    "extensions/auxip/index.html",
    "extensions/cadip/index.html",
    "extensions/ownership/index.html",
    "extensions/download/index.html",
    "schemas/index.html",
    "validator/index.html",
    "migration/index.html",
    "stations/index.html",
    "download-server/index.html",
    "benchmarks/index.html",
    "api/index.html",
    "changelog/index.html",
)
API_MODULES = (
    "rs_stac_ext",
    "rs_stac_ext.schemas",
    "rs_stac_ext.validator.problems",
    "rs_stac_ext.pystac_ext.migrate",
    "rs_stac_ext.validator.validation",
    "rs_stac_ext.validator.cluster",
    "rs_stac_ext.validator.dask_bag",
    "rs_stac_ext.validator.dask_dataframe",
    "rs_stac_ext.validator.pgstac_source",
    "rs_stac_ext.schemas.resolver",
    "rs_stac_ext.validator.rules",
    "rs_stac_ext.models",
    "rs_stac_ext.pystac_ext.auxip",
    "rs_stac_ext.pystac_ext.cadip",
    "rs_stac_ext.pystac_ext.ownership",
    "rs_stac_ext.download",
    "rs_stac_ext.stations",
    "rs_stac_ext.stations.registry",
    "rs_stac_ext.stations.client",
    "rs_stac_ext.stations.query",
    "rs_stac_ext.stations.mapping",
    "rs_stac_ext.stations.missions",
    "rs_stac_ext.stations.simulator",
    "rs_stac_ext.server",
    "rs_stac_ext.server.app",
    "rs_stac_ext.server.config",
    "rs_stac_ext.server.access",
    "rs_stac_ext.server.catalog",
    "rs_stac_ext.server.backends",
    "rs_stac_ext.server.stac_fastapi",
)
MARKER = re.compile(r"<!--\s*(?:fields|history|identifiers|include|figure):")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site, built once with ``mkdocs build --strict``."""
    target = tmp_path_factory.mktemp("site")
    environment = os.environ | {"NO_MKDOCS_2_WARNING": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    built = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-d", str(target)],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert built.returncode == 0, built.stderr[-5000:]
    return target


def published(site: Path, identifier: str) -> Path:
    return site / urlsplit(identifier).path.lstrip("/")


def test_every_identifier_resolves_to_its_packaged_file(site: Path) -> None:
    served = set()
    for entry in schemas.versions():
        content = schemas.read_bytes(entry.identifier)
        for spelling in (entry.identifier, *entry.aliases):
            if not spelling.startswith((HOME_HOST + "/", OLD_HOST + "/")):
                continue  # another host (a development URL on raw.githubusercontent.com)
            path = published(site, spelling)
            assert path.is_file(), f"{spelling} is not in the site"
            assert path.read_bytes() == content, f"{path} differs from the packaged file"
            served.add(spelling)
    assert set(schemas.identifiers()) <= served
    assert f"{OLD_HOST}/cadip-stac-extension/v2.0.0/schema.json" in served  # an alias


def test_the_download_openapi_documents_are_published(site: Path) -> None:
    openapi = schemas.versions("download", kind=schemas.DocumentKind.OPENAPI)
    assert [entry.version for entry in openapi] == ["v1.0.0", "v2.0.0"]
    for entry in openapi:
        path = published(site, entry.identifier)
        assert path.name == "openapi.yaml"
        assert path.parent.parent.name == "download-stac-api-extension"
        document = yaml.safe_load(path.read_bytes())
        assert "/collections/{collectionId}/items/{itemId}/download/{assetId}" in document["paths"]


def test_the_index_lists_every_published_file_with_its_digest(site: Path) -> None:
    index = json.loads((site / "schemas.json").read_text(encoding="utf-8"))
    entries = {entry["identifier"]: entry for entry in index["schemas"]}
    assert list(entries) == schemas.identifiers()
    for identifier, entry in entries.items():
        content = (site / entry["path"].lstrip("/")).read_bytes()
        assert entry["sha256"] == hashlib.sha256(content).hexdigest()
        assert entry["aliases"] == list(schemas.find_version(identifier).aliases)


def test_every_page_is_built_and_every_marker_replaced(site: Path) -> None:
    for page in PAGES:
        assert (site / page).is_file(), page
    leftovers = [
        str(page.relative_to(site))
        for page in site.rglob("*.html")
        if MARKER.search(page.read_text(encoding="utf-8"))
    ]
    assert leftovers == []


@pytest.mark.parametrize("extension", ["auxip", "cadip", "ownership"])
def test_extension_pages_show_the_generated_field_tables(site: Path, extension: str) -> None:
    html = (site / "extensions" / extension / "index.html").read_text(encoding="utf-8")
    newest = schemas.newest(extension).identifier
    # Only generated tables have this column: each README table was swapped for one.
    assert html.count("<th>Checked by the schema</th>") == len(locations(newest))
    assert 'id="version-history"' in html
    assert f'href="../../{extension}-stac-extension/v2.0.0/schema.json"' in html


def test_the_api_reference_documents_every_public_module(site: Path) -> None:
    html = (site / "api" / "index.html").read_text(encoding="utf-8")
    for module in API_MODULES:
        assert f'id="{module}"' in html, module
    assert 'id="rs_stac_ext.validator.validation.validate"' in html
    assert ":func:<code>" not in html  # Sphinx roles are turned into links or code


def test_the_benchmarks_page_shows_the_plot_when_it_was_drawn(site: Path) -> None:
    html = (site / "benchmarks" / "index.html").read_text(encoding="utf-8")
    drawn = (ROOT / "docs" / "assets" / "benchmarks.png").is_file()
    assert ('src="../assets/benchmarks.png"' in html) is drawn
    assert ("has not been drawn yet" in html) is not drawn


@pytest.fixture(scope="module")
def hooks() -> ModuleType:
    spec = importlib.util.spec_from_file_location("docs_hooks", ROOT / "docs" / "_hooks.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_prune_leaves_out_empty_headings_only(hooks: ModuleType) -> None:
    lines = [
        "## [Unreleased]",
        "### Added",
        "### Fixed",
        "",
        "## [v2.0.0] - 2026-11-25",
        "### Added",
        "- a field",
        "### Removed",
        "```text",
        "# not a heading",
        "```",
    ]
    assert hooks._prune(lines) == [
        "",
        "## [v2.0.0] - 2026-11-25",
        "### Added",
        "- a field",
        "### Removed",
        "```text",
        "# not a heading",
        "```",
    ]


def test_shift_moves_the_shallowest_heading_to_the_level_asked(hooks: ModuleType) -> None:
    lines = ["### A", "text", "#### B", "```", "## code", "```"]
    assert hooks._shift(lines, 2) == ["## A", "text", "### B", "```", "## code", "```"]


def test_two_space_sub_lists_are_nested(hooks: ModuleType) -> None:
    lines = ["- Examples:", "  - [Item](examples/item.json)", "    continued", "- next"]
    assert hooks._nest_lists(lines) == [
        "- Examples:",
        "    - [Item](examples/item.json)",
        "    continued",
        "- next",
    ]


def test_links_of_an_included_readme_are_rewritten_for_the_site(hooks: ModuleType) -> None:
    page = SimpleNamespace(file=SimpleNamespace(src_uri="extensions/cadip.md"))
    rewrite = hooks._rewriter("extensions/cadip/README.md", page, "https://github.com/o/r")
    assert rewrite("examples/item.json") == (
        "https://github.com/o/r/blob/main/extensions/cadip/examples/item.json"
    )
    assert rewrite("examples/invalid/") == (
        "https://github.com/o/r/tree/main/extensions/cadip/examples/invalid"
    )
    assert rewrite("v2.0.0/schema.json") == "../cadip-stac-extension/v2.0.0/schema.json"
    assert rewrite("./CHANGELOG.md") == "cadip.md#version-history"
    assert rewrite("../auxip/README.md#fields") == "auxip.md#fields"
    assert rewrite("#identifiers") == "#identifiers"
    assert rewrite("https://example.org/x.md") == "https://example.org/x.md"
    with pytest.raises(PluginError, match="outside the repository"):
        rewrite("../../../elsewhere.md")


def test_a_missing_optional_include_or_figure_becomes_a_note(hooks: ModuleType) -> None:
    page = SimpleNamespace(file=SimpleNamespace(src_uri="benchmarks.md"))
    note = hooks.include(["benchmarks/not-written.md", "optional"], page, None)
    assert note == "*Not available yet: `benchmarks/not-written.md` has not been written.*\n"
    with pytest.raises(PluginError, match="does not exist"):
        hooks.include(["benchmarks/not-written.md"], page, None)
    figure = hooks.figure(["assets/none.png", "A", "plot"], page, Files([]))
    assert figure == "*The figure `docs/assets/none.png` has not been drawn yet.*\n"


def test_a_fields_marker_becomes_the_generated_table(hooks: ModuleType) -> None:
    page = SimpleNamespace(file=SimpleNamespace(src_uri="extensions/auxip.md"))
    markdown = "Before.\n\n<!-- fields: auxip v2.0.0 item_properties -->\n\nAfter.\n"
    lines = hooks.on_page_markdown(markdown, page, None, Files([])).splitlines()
    assert lines[2] == "| Field | Type | Required | Checked by the schema | Description |"
    assert lines[4].startswith("| `auxip:id` | string | yes | exactly 36 characters; a pattern ")
    assert lines[4].endswith(
        "| UUID of the product in the AUXIP service: 36 characters, "
        "hexadecimal digits in groups of 8-4-4-4-12 separated by hyphens. |"
    )
    assert lines[-1] == "After."
    ordinary = "<!-- note: an ordinary comment stays -->"
    assert hooks.on_page_markdown(ordinary, page, None, Files([])) == ordinary
    for wrong in ("fields: auxip v9.9.9 item_properties", "fields: auxip v2.0.0", "history: x"):
        with pytest.raises(PluginError, match=r"^extensions/auxip\.md: "):
            hooks.on_page_markdown(f"<!-- {wrong} -->", page, None, Files([]))
