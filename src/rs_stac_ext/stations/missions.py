"""Copernicus missions as the stations name them, and as STAC names them.

Two tables, as data:

* :data:`SATELLITES` — STAC ``platform`` and ``constellation`` against the CADIP ``Satellite``
  code (``S1A``) and the AUXIP/PRIP/LTA attributes ``platformShortName`` (``SENTINEL-1``) and
  ``platformSerialIdentifier`` (``A``).
* :data:`PRODUCT_TYPES` — legacy product types as PRIP and LTA stations publish them
  (``IW_RAW__0N``) against the EOPF ``product:type`` (``S01SIWRAW``), processing level and
  instrument mode.

STAC names are lower case (``sentinel-5p``); look-ups accept any case. A satellite code that
is not in the table but has the shape ``S<digit><letter>`` (a satellite launched after this
table was written) still maps, to ``sentinel-<digit><letter>``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "PRODUCT_TYPES",
    "SATELLITES",
    "ProductType",
    "Satellite",
    "UnknownSatellite",
    "eopf_product_type",
    "legacy_product_types",
    "satellite_by_code",
    "satellite_by_platform",
    "satellite_by_short_name",
    "satellite_codes",
]


class UnknownSatellite(LookupError):  # noqa: N818 - reads as a verdict, like KeyError
    """A satellite code, platform or short name that names no Copernicus satellite."""


@dataclass(frozen=True)
class Satellite:
    """One Copernicus satellite.

    Attributes:
        platform: STAC ``platform`` (``sentinel-1a``).
        constellation: STAC ``constellation`` (``sentinel-1``).
        code: CADIP ``Satellite`` code (``S1A``).
        serial: ``platformSerialIdentifier`` (``A``), or ``None`` for a single-satellite mission.
        active: Whether the satellite still downlinks data.
    """

    platform: str
    constellation: str
    code: str
    serial: str | None
    active: bool = True

    @property
    def short_name(self) -> str:
        """The ``platformShortName`` attribute (``SENTINEL-1``)."""
        return self.constellation.upper()


def _sentinel(number: str, serial: str | None, *, active: bool = True) -> Satellite:
    suffix = (serial or "p").lower()
    constellation = f"sentinel-{number}" if serial else f"sentinel-{number}p"
    return Satellite(
        platform=f"sentinel-{number}{suffix}",
        constellation=constellation,
        code=f"S{number}{(serial or 'P').upper()}",
        serial=serial,
        active=active,
    )


SATELLITES: tuple[Satellite, ...] = (
    _sentinel("1", "A"),
    _sentinel("1", "B", active=False),
    _sentinel("1", "C", active=False),
    _sentinel("1", "D", active=False),
    _sentinel("2", "A"),
    _sentinel("2", "B"),
    _sentinel("2", "C"),
    _sentinel("3", "A"),
    _sentinel("3", "B"),
    _sentinel("5", None),
)
"""Every satellite the station tables know, with their ``active`` flags as those tables give
them."""

_BY_CODE = {s.code: s for s in SATELLITES}
_BY_PLATFORM = {s.platform: s for s in SATELLITES}
_CODE_SHAPE = re.compile(r"^S([1-9])([A-Z])$")
_SHORT_NAME_SHAPE = re.compile(r"^SENTINEL-?([1-9])(P?)$")


def satellite_by_code(code: str) -> Satellite:
    """Return the satellite of a CADIP ``Satellite`` code.

    Args:
        code: Such as ``S1A`` (any case).

    Raises:
        UnknownSatellite: The code has no Copernicus shape.
    """
    wanted = code.strip().upper()
    found = _BY_CODE.get(wanted)
    if found is not None:
        return found
    shape = _CODE_SHAPE.match(wanted)
    if shape is None:
        raise UnknownSatellite(f"{code!r} is not a satellite code such as S1A, S2B or S5P")
    return _sentinel(shape.group(1), shape.group(2))


def satellite_by_platform(platform: str) -> Satellite:
    """Return the satellite of a STAC ``platform`` (``sentinel-1a``, any case).

    Raises:
        UnknownSatellite: No such platform.
    """
    wanted = platform.strip().lower()
    found = _BY_PLATFORM.get(wanted)
    if found is not None:
        return found
    shape = re.match(r"^sentinel-([1-9])([a-z])$", wanted)
    if shape is None:
        raise UnknownSatellite(f"{platform!r} is not a platform such as sentinel-1a")
    return _sentinel(shape.group(1), shape.group(2).upper())


def satellite_by_short_name(short_name: str, serial: str | None) -> Satellite | str:
    """Return the satellite named by ``platformShortName`` and ``platformSerialIdentifier``.

    Args:
        short_name: ``SENTINEL-1`` (any case, hyphen optional).
        serial: ``A``; ``None``, empty or ``_`` when the product concerns the whole mission.

    Returns:
        The satellite, or only the STAC constellation name (``sentinel-1``) when the serial
        identifier does not single one out.

    Raises:
        UnknownSatellite: The short name is not a Copernicus mission.
    """
    shape = _SHORT_NAME_SHAPE.match(short_name.strip().upper())
    if shape is None:
        raise UnknownSatellite(f"{short_name!r} is not a mission name such as SENTINEL-1")
    number, precursor = shape.groups()
    if precursor:
        return _sentinel(number, None)
    letter = (serial or "").strip().upper()
    if re.fullmatch(r"[A-Z]", letter):
        return satellite_by_code(f"S{number}{letter}")
    return f"sentinel-{number}"


def satellite_codes(*, platform: str | None = None, constellation: str | None = None) -> list[str]:
    """Return the CADIP codes of a platform or of every satellite of a constellation.

    Args:
        platform: A STAC platform.
        constellation: A STAC constellation (``sentinel-1``).

    Returns:
        The codes, in table order; empty when the two disagree or name nothing.
    """
    chosen = list(SATELLITES)
    if constellation is not None:
        chosen = [s for s in chosen if s.constellation == constellation.strip().lower()]
    if platform is not None:
        try:
            wanted = satellite_by_platform(platform)
        except UnknownSatellite:
            return []
        if constellation is not None and wanted.constellation != constellation.strip().lower():
            return []
        return [wanted.code]
    return [s.code for s in chosen]


@dataclass(frozen=True)
class ProductType:
    """A product type: the EOPF name and the legacy name stations publish.

    Attributes:
        eopf: The EOPF ``product:type`` (``S01SIWRAW``).
        legacy: The legacy ``productType`` attribute value (``IW_RAW__0N``).
        level: ``processing:level`` (``RAW``, ``L1C``).
        instrument_mode: ``sar:instrument_mode`` for Sentinel-1, ``eopf:instrument_mode``
            otherwise.
    """

    eopf: str
    legacy: str
    level: str
    instrument_mode: str

    @property
    def constellation(self) -> str | None:
        """The constellation the type belongs to, read from the EOPF name (``S01`` → 1)."""
        shape = re.match(r"^S0([1-9])", self.eopf)
        return f"sentinel-{shape.group(1)}" if shape else None


def _types(*rows: tuple[str, str, str, str]) -> tuple[ProductType, ...]:
    return tuple(ProductType(eopf, legacy, level, mode) for eopf, legacy, level, mode in rows)


PRODUCT_TYPES: tuple[ProductType, ...] = _types(
    ("S01SIWRAWS", "IW_RAW__0S", "RAW", "IW"),
    ("S01SIWRAW", "IW_RAW__0N", "RAW", "IW"),
    ("S01SEWRAW", "EW_RAW__0S", "RAW", "EW"),
    ("S01SSMRAW", "SM_RAW__0S", "RAW", "SM"),
    ("S01SWVRAW", "WV_RAW__0S", "RAW", "WV"),
    ("S01SIWANC", "IW_RAW__0A", "ANC", "IW"),
    ("S01SEWANC", "EW_RAW__0C", "ANC", "EW"),
    ("S01SWVANC", "WV_RAW__0N", "ANC", "WV"),
    ("S01SEWGRD", "EW_GRDH_1S", "GRD", "EW"),
    ("S01SIWGRD", "IW_GRDH_1S", "GRD", "IW"),
    ("S01SIWOCN", "IW_OCN__2S", "OCN", "IW"),
    ("S01SSMOCN", "SM_OCN__2S", "OCN", "SM"),
    ("S01SEWSLC", "EW_SLC__1S", "SLC", "EW"),
    ("S01SIWSLC", "IW_SLC__1S", "SLC", "IW"),
    ("S01SWVOCN", "WV_OCN__2S", "OCN", "WV"),
    ("S01GPSRAW", "GP_RAW__0_", "RAW", "GPS"),
    ("S01HKMRAW", "HK_RAW__0_", "RAW", "HKTM"),
    ("S01AISRAW", "RAW", "RAW", "AIS"),
    ("S02MSIL0_", "MSI_L0__DS", "L0", "MSI"),
    ("S02MSIL1A", "MSI_L1A_DS", "L1A", "MSI"),
    ("S02MSIL1B", "MSI_L1B_DS", "L1B", "MSI"),
    ("S02MSIL1C", "MSI_L1C_DS", "L1C", "MSI"),
    ("S02MSIL2A", "MSI_L2A_DS", "L2A", "MSI"),
    ("S03SRAL0_", "SR_0_SRA___", "L0 observation", "SRAL"),
    ("S03SRAL0C", "SR_0_CAL___", "L0 calibration", "SRAL"),
    ("S03ALT1A", "SR_1_SRA_A_", "L1A", "HR"),
    ("S03ALT1B", "SR_1_SRA_BS", "L1B", "HR"),
    ("S03ALT2H", "SR_2_LAN_HY", "Hydrology", "HR"),
    ("S03ALTCAL", "SR_1_CAL", "CAL1/CAL2", "SRAL"),
    ("S03MWRL0_", "MW_0_MWR", "L0", "MWR"),
    ("S03MWRL1_", "MW_1_MWR", "L1", "MWR"),
    ("S03MWRCAL", "MW_1_CAL", "CAL", "MWR"),
    ("S03OLCL0_", "OL_0_EFR", "L0", "OLCI"),
    ("S03OLCEFR", "OL_1_EFR", "EFR", "OLCI"),
    ("S03OLCERR", "OL_1_ERR", "ERR", "OLCI"),
    ("S03OLCRAC", "OL_1_RAC", "RAC", "OLCI"),
    ("S03OLCSPC", "OL_1_SPC", "SPC", "OLCI"),
    ("S03OLCLFR", "OL_2_LFR", "LFR", "OLCI"),
    ("S03OLCLRR", "OL_2_LRR", "LRR", "OLCI"),
    ("S03SLSL0_", "SL_0_SLT", "L0", "SLSTR"),
    ("S03SLSRBT", "SL_1_RBT", "RBT", "SLSTR"),
    ("S03SLSLST", "SL_2_LST", "LST", "SLSTR"),
    ("S03SLSFRP", "SL_2_FRP", "FRP", "SLSTR"),
    ("S03SYNSDR", "SY_2_SYN", "L2", "SYNERGY"),
    ("S03SYNAOD", "SY_2_AOD", "L2", "SYNERGY"),
    ("S03SYNVGT", "SY_2_VGT", "L2", "SYNERGY"),
    ("S03SYNVGK", "SY_2_VGK", "L2", "SYNERGY"),
    ("S03SYNV01", "SY_2_VG1", "L2", "SYNERGY"),
    ("S03SYNV10", "SY_2_V10", "L2", "SYNERGY"),
)
"""Legacy ↔ EOPF product types (the Sentinel-2 ``OPER_MSI*`` rows of the previous reference
server's table are left out: they map three legacy types onto one non-EOPF name)."""

_BY_LEGACY = {t.legacy: t for t in PRODUCT_TYPES}


def eopf_product_type(legacy: str) -> ProductType | None:
    """Return the EOPF product type of a legacy ``productType`` value, if the table has it."""
    return _BY_LEGACY.get(legacy)


def legacy_product_types(eopf: str) -> list[str]:
    """Return the legacy names of an EOPF ``product:type`` (empty when unknown)."""
    return [t.legacy for t in PRODUCT_TYPES if t.eopf == eopf]
