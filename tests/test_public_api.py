"""The documented public API is exactly what the package exports."""

from __future__ import annotations

import importlib

import pytest

import rs_stac_ext

DOCUMENTED = {
    "AuxipExtension",
    "CadipExtension",
    "Change",
    "DocumentKind",
    "DownloadConformance",
    "ExtensionName",
    "ExtensionVersion",
    "FormatMode",
    "MigrationWarning",
    "OwnershipExtension",
    "Problem",
    "RsStacExtError",
    "UnknownIdentifierError",
    "Upgrade",
    "__version__",
    "check",
    "upgrade",
    "validate",
}


def test_all_is_the_documented_api() -> None:
    assert set(rs_stac_ext.__all__) == DOCUMENTED


def test_public_objects_present_themselves_as_top_level() -> None:
    for name in DOCUMENTED - {"__version__"}:
        assert getattr(rs_stac_ext, name).__module__ == "rs_stac_ext", name


def test_package_is_typed() -> None:
    from importlib.resources import files

    assert files("rs_stac_ext").joinpath("py.typed").is_file()


def test_top_level_validate_is_the_validation_api() -> None:
    document = {"type": "Feature", "stac_version": "1.1.0", "id": "x"}
    (report,) = rs_stac_ext.validate([document])
    assert report.id == "x"
    assert not report.valid
    assert any(p.path == "" and "geometry" in p.message for p in report.errors)


KEPT_PATHS = {
    "rs_stac_ext.auxip": "rs_stac_ext.pystac_ext.auxip",
    "rs_stac_ext.cadip": "rs_stac_ext.pystac_ext.cadip",
    "rs_stac_ext.ownership": "rs_stac_ext.pystac_ext.ownership",
    "rs_stac_ext.migrate": "rs_stac_ext.pystac_ext.migrate",
    "rs_stac_ext.problems": "rs_stac_ext.validator.problems",
    "rs_stac_ext.rules": "rs_stac_ext.validator.rules",
    "rs_stac_ext.validation": "rs_stac_ext.validator.validation",
    "rs_stac_ext.resolver": "rs_stac_ext.schemas.resolver",
}


@pytest.mark.parametrize(("kept", "home"), sorted(KEPT_PATHS.items()))
def test_a_0_1_0_import_path_gives_every_public_name_of_its_module(kept: str, home: str) -> None:
    old, new = importlib.import_module(kept), importlib.import_module(home)
    assert old.__all__ == new.__all__
    assert len(new.__all__) >= 4
    for name in new.__all__:
        assert getattr(old, name) is getattr(new, name), f"{kept}.{name}"
    assert not [name for name in vars(old) if not name.startswith("__") and name not in old.__all__]
