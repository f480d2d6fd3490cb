"""Read CADIP documents with pystac, and let pystac upgrade an old one while reading it.

Uses the examples shipped in ``extensions/cadip/examples/``. Run from anywhere::

    python examples/pystac_usage.py
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pystac

from rs_stac_ext import CadipExtension, check, schemas, upgrade

EXAMPLES = Path(__file__).resolve().parents[1] / "extensions" / "cadip" / "examples"
OLD_IDENTIFIER = "https://home.rs-python.eu/cadip-stac-extension/v1.3.0/schema.json"


def show_session(item: pystac.Item, *, files: bool = True) -> None:
    """Print the session fields of an Item and the file fields of its DSDB assets."""
    session = CadipExtension.ext(item)
    print(f"session {item.id}: acquisition {session.acquisition_id}, station {session.station_id}")
    print(f"  {session.num_channels} channel(s), CADIP id {session.cadip_id}")
    for key, asset in item.assets.items() if files else ():
        dsdb = CadipExtension.ext(asset)
        if dsdb.is_dsdb_file:
            final = " (final)" if dsdb.final_block else ""
            print(f"  channel {dsdb.channel} block {dsdb.block_number}{final}: {key}")


def as_v1_3(document: dict[str, Any]) -> dict[str, Any]:
    """Write a v2.0.0 session the way a v1.3.0 producer did (``cadip:id``, numeric ids)."""
    old = copy.deepcopy(document)
    newest = schemas.newest("cadip").identifier
    old["stac_extensions"] = [OLD_IDENTIFIER if e == newest else e for e in old["stac_extensions"]]
    properties = old["properties"]
    properties["cadip:id"] = properties.pop("externalIds")[0]["value"]
    properties["cadip:acquisition_id"] = int(properties["cadip:acquisition_id"])
    for asset in old["assets"].values():
        if "externalIds" in asset:
            asset["cadip:id"] = asset.pop("externalIds")[0]["value"]
    return old


def main() -> None:
    """Read the shipped Item and Collection, then upgrade a v1.3.0 document."""
    item = pystac.Item.from_file(str(EXAMPLES / "item.json"))
    show_session(item)

    collection = pystac.Collection.from_file(str(EXAMPLES / "collection.json"))
    summaries = CadipExtension.summaries(collection)
    print(f"collection {collection.id}: stations {summaries.station_id}")

    old = as_v1_3(json.loads((EXAMPLES / "item.json").read_text(encoding="utf-8")))
    print(f"\nan old document declares {OLD_IDENTIFIER}")
    for change in upgrade(old).changes[:4]:
        print(f"  upgrade(): {change.path}: {change.detail}")

    # pystac runs the package's hooks on every document it reads: the old one comes out new.
    upgraded = pystac.Item.from_dict(old)
    print(f"pystac read it as {CadipExtension.get_schema_uri()}")
    show_session(upgraded, files=False)
    # transform_hrefs=False: the links point at a STAC API this example does not reach.
    problems = check(upgraded.to_dict(transform_hrefs=False), schemas.newest("cadip").identifier)
    print(f"problems against cadip v2.0.0 after reading: {len(problems)}")


if __name__ == "__main__":
    main()
