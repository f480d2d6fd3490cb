"""pystac validation through our offline store, as a pystac user calls it."""

from __future__ import annotations

import copy
import datetime as dt
import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pystac
import pystac.validation
import pytest
from pystac.extensions.eo import Band, EOExtension
from pystac.extensions.projection import ProjectionExtension
from pystac.extensions.raster import DataType, RasterBand, RasterExtension
from pystac.validation.stac_validator import STACValidator

from rs_stac_ext import validate
from rs_stac_ext.problems import check
from rs_stac_ext.pystac_ext.auxip import AuxipExtension
from rs_stac_ext.pystac_ext.cadip import CadipExtension
from rs_stac_ext.pystac_ext.ownership import OwnershipExtension
from rs_stac_ext.pystac_ext.validator import RsStacValidator
from rs_stac_ext.schemas import newest

EXTENSIONS = Path(__file__).resolve().parent.parent / "extensions"
ITEM_EXAMPLES = sorted(EXTENSIONS.glob("*/examples/item.json"))


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No connection can be opened, and the schema cache is empty."""

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"a network connection was attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setenv("RS_STAC_CACHE", str(tmp_path / "empty-cache"))


@pytest.fixture
def our_validator(offline: None) -> Iterator[RsStacValidator]:
    previous: STACValidator = pystac.validation.RegisteredValidator.get_validator()
    validator = RsStacValidator()
    pystac.validation.set_validator(validator)
    try:
        yield validator
    finally:
        pystac.validation.set_validator(previous)


def _without_remote_links(path: Path) -> dict[str, Any]:
    """The example, without the links to example.com that pystac follows to write it."""
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    document["links"] = [
        link for link in document["links"] if link["rel"] not in {"root", "parent", "collection"}
    ]
    document.pop("collection", None)
    return document


@pytest.mark.parametrize("path", ITEM_EXAMPLES, ids=lambda p: p.parent.parent.name)
def test_item_validate_is_offline_and_passes(our_validator: RsStacValidator, path: Path) -> None:
    item = pystac.Item.from_dict(_without_remote_links(path))
    checked = item.validate()
    assert any("schemas.stacspec.org" in uri for uri in checked)
    assert any(uri.startswith("https://home.rs-python.eu/") for uri in checked)


INVALID_EXAMPLES = sorted(
    path
    for path in EXTENSIONS.glob("*/examples/invalid/*.json")
    if path.name != "expectations.json"
)


@pytest.mark.parametrize(
    "path", INVALID_EXAMPLES, ids=lambda p: f"{p.parent.parent.parent.name}/{p.stem}"
)
def test_invalid_examples_raise_pystac_error_with_our_text(
    our_validator: RsStacValidator, path: Path
) -> None:
    expectations = json.loads((path.parent / "expectations.json").read_text(encoding="utf-8"))
    expected = expectations[path.name]
    document = _without_remote_links(path)
    if expected["schema"] in document.get("stac_extensions", []):
        # validate_dict: as written (reading an Item with pystac first upgrades older versions).
        with pytest.raises(pystac.STACValidationError) as raised:
            pystac.validation.validate_dict(document)
    else:  # an example of what a schema the document does not declare refuses
        with pytest.raises(pystac.STACValidationError) as raised:
            our_validator.validate_extension(
                document,
                pystac.STACObjectType.ITEM,
                document.get("stac_version", "1.1.0"),
                expected["schema"],
            )
    message = str(raised.value)
    assert "INVALID" in message
    assert f"  {expected['path'] or '/'}: " in message


def _sentinel2_item() -> pystac.Item:
    item = pystac.Item(
        "S2B_MSIL2A_20251011T104019_N0511_R008_T31TCJ_20251011T124512",
        {"type": "Polygon", "coordinates": [[[0, 43], [1.4, 43], [1.4, 44], [0, 44], [0, 43]]]},
        [0, 43, 1.4, 44],
        dt.datetime(2025, 10, 11, 10, 40, 19, tzinfo=dt.UTC),
        {"platform": "sentinel-2b", "constellation": "sentinel-2", "instruments": ["msi"]},
    )
    item.add_asset(
        "B04",
        pystac.Asset(
            "https://example.com/T31TCJ_B04_10m.tif",
            media_type=pystac.MediaType.COG,
            roles=["data"],
        ),
    )
    eo = EOExtension.ext(item, add_if_missing=True)
    eo.cloud_cover = 12.5
    EOExtension.ext(item.assets["B04"]).bands = [
        Band.create("B04", common_name="red", center_wavelength=0.665)
    ]
    projection = ProjectionExtension.ext(item, add_if_missing=True)
    projection.epsg = 32631
    projection.shape = [10980, 10980]
    raster = RasterExtension.ext(item.assets["B04"], add_if_missing=True)
    raster.bands = [RasterBand.create(data_type=DataType.UINT16, nodata=0, spatial_resolution=10)]
    return item


def test_sentinel2_item_with_eo_projection_raster_validates_offline(
    our_validator: RsStacValidator,
) -> None:
    item = _sentinel2_item()
    declared = set(item.stac_extensions)
    checked = item.validate()
    assert declared <= set(checked)
    item.properties["eo:cloud_cover"] = 150
    with pytest.raises(pystac.STACValidationError, match=r"/properties/eo:cloud_cover: "):
        item.validate()


def test_validate_all_walks_a_local_catalog_offline(
    our_validator: RsStacValidator, tmp_path: Path
) -> None:
    catalog = pystac.Catalog("rs", "our examples and a Sentinel-2 Item")
    for path in ITEM_EXAMPLES:
        catalog.add_item(pystac.Item.from_dict(_without_remote_links(path)))
    catalog.add_item(_sentinel2_item())
    catalog.normalize_hrefs(str(tmp_path / "catalog"))
    catalog.save(pystac.CatalogType.SELF_CONTAINED)
    href = str(tmp_path / "catalog" / "catalog.json")
    pystac.validation.validate_all(pystac.Catalog.from_file(href))  # raises on any problem
    bad = tmp_path / "catalog" / "S2B_MSIL2A_20251011T104019_N0511_R008_T31TCJ_20251011T124512"
    item_file = next(bad.glob("*.json"))
    broken = json.loads(item_file.read_text(encoding="utf-8"))
    broken["properties"]["eo:cloud_cover"] = -1
    item_file.write_text(json.dumps(broken), encoding="utf-8")
    with pytest.raises(pystac.STACValidationError, match="eo:cloud_cover"):
        pystac.validation.validate_all(pystac.Catalog.from_file(href))


def test_a_schema_the_store_cannot_give_fails_the_validation(
    our_validator: RsStacValidator,
) -> None:
    item = _sentinel2_item()
    item.stac_extensions.append("https://example.com/unknown-extension/v1.0.0/schema.json")
    with pytest.raises(pystac.STACValidationError, match="not checked against https://example"):
        item.validate()


@pytest.mark.parametrize(
    ("extension", "obj"),
    [
        (AuxipExtension, "item"),
        (CadipExtension, "item"),
        (CadipExtension, "asset"),
        (OwnershipExtension, "item"),
        (OwnershipExtension, "collection"),
    ],
)
def test_ext_on_an_undeclared_object_names_the_fix_that_works(extension: Any, obj: str) -> None:
    item = _sentinel2_item()
    extent = pystac.Extent(
        pystac.SpatialExtent([[-180.0, -90.0, 180.0, 90.0]]),
        pystac.TemporalExtent([[dt.datetime(2025, 1, 1, tzinfo=dt.UTC), None]]),
    )
    target: Any = {
        "item": item,
        "asset": item.assets["B04"],
        "collection": pystac.Collection("c", "d", extent),
    }[obj]
    with pytest.raises(pystac.ExtensionNotImplemented) as raised:
        extension.ext(target)
    message = str(raised.value)
    assert "obj.ext.add" not in message
    assert f"{extension.__name__}.ext(obj, add_if_missing=True)" in message
    assert f"{extension.__name__}.add_to(obj)" in message
    # The advice works.
    assert extension.ext(target, add_if_missing=True) is not None


@pytest.mark.parametrize("name", ["cadip", "CADIP", "cadip v2.0.0", "cadip@2.0.0", "cadip@v2.0.0"])
def test_check_takes_the_short_names_of_the_command_line(name: str) -> None:
    path = EXTENSIONS / "cadip" / "examples" / "invalid" / "fractional-channel.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    problems = check(document, name)
    assert problems
    assert {p.schema for p in problems} == {newest("cadip").identifier}
    assert problems == check(document, newest("cadip").identifier)


def test_a_local_absolute_self_link_gets_a_hint_from_validate(tmp_path: Path) -> None:
    path = tmp_path / "item.json"
    path.write_bytes((EXTENSIONS / "ownership" / "examples" / "item.json").read_bytes())
    item = pystac.Item.from_file(str(path))
    document = item.to_dict(transform_hrefs=False)
    [report] = validate([copy.deepcopy(document)])
    self_index = next(i for i, link in enumerate(document["links"]) if link["rel"] == "self")
    where = f"/links/{self_index}/href"
    assert [p.path for p in report.errors] == [where]
    [hint] = [p for p in report.warnings if p.keyword == "lint/local-path-href"]
    assert hint.path == where
    assert "include_self_link=False" in hint.message
    [clean] = validate([item.to_dict(include_self_link=False, transform_hrefs=False)])
    assert clean.valid
    assert not [p for p in clean.warnings if p.keyword == "lint/local-path-href"]


def test_an_item_read_from_a_file_validates(our_validator: RsStacValidator, tmp_path: Path) -> None:
    path = tmp_path / "item.json"
    path.write_text(json.dumps(_without_remote_links(ITEM_EXAMPLES[0])), encoding="utf-8")
    item = pystac.Item.from_file(str(path))
    assert item.to_dict()["links"][0]["href"] == str(path)  # pystac's local-path self link
    item.validate()
    strict = RsStacValidator(check_local_self_links=True)
    with pytest.raises(pystac.STACValidationError, match="is not a valid iri"):
        item.validate(validator=strict)


def test_tuples_in_an_item_are_arrays_to_the_schemas(our_validator: RsStacValidator) -> None:
    item = _sentinel2_item()
    item.geometry = {"type": "Point", "coordinates": (1.0, 43.5)}
    item.bbox = [1.0, 43.5, 1.0, 43.5]
    item.validate()
    [checked] = [
        our_validator.validate_core(
            item.to_dict(), pystac.STACObjectType.ITEM, item.to_dict()["stac_version"]
        )
    ]
    assert checked.endswith("item-spec/json-schema/item.json")
