"""AUXIP Items for the pgstac input tests: valid ones, and ones pgstac accepts but STAC refuses."""

from __future__ import annotations

import copy
import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from rs_stac_ext.schemas._resources import extensions_root

ASSET_TYPE = "application/xml"


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _example() -> dict[str, Any]:
    path = extensions_root() / "auxip" / "examples" / "item.json"
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


def auxip_items(
    collection: str,
    count: int,
    start: datetime,
    *,
    step: timedelta = timedelta(hours=7),
    ids: list[str] | None = None,
) -> list[dict[str, Any]]:
    """Items ``step`` apart, each covering three hours; every seventh one is invalid.

    The invalid ones carry an integer ``auxip:id`` (a wrong-typed property pgstac stores
    without complaint). Every Item has one asset, ``product``, whose ``type`` and ``roles``
    are those of the Collection's ``item_assets``: pgstac stores the Item without them.
    """
    example = _example()
    template = next(iter(example["assets"].values()))
    items = []
    for index in range(count):
        document = copy.deepcopy(example)
        moment = start + step * index
        item_id = ids[index] if ids is not None else f"{collection}-{index:05d}"
        product = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{collection}/{item_id}"))
        document["id"] = item_id
        document["collection"] = collection
        properties = document["properties"]
        properties["datetime"] = properties["start_datetime"] = _stamp(moment)
        properties["end_datetime"] = _stamp(moment + timedelta(hours=3))
        properties["created"] = properties["processing:datetime"] = _stamp(
            moment + timedelta(hours=4)
        )
        properties["published"] = _stamp(moment + timedelta(hours=5))
        properties["auxip:id"] = product
        href = template["href"].replace("50a74cff-026f-4c84-aa8f-f5f8d837115f", product)
        document["assets"] = {"product": dict(template, href=href, title=item_id)}
        document["links"] = [
            {"rel": "collection", "href": f"./{collection}.json", "type": "application/json"}
        ]
        if index % 7 == 2:
            properties["auxip:id"] = 12345
        items.append(document)
    return items


def collection(collection_id: str) -> dict[str, Any]:
    """A Collection whose ``item_assets`` give the ``product`` asset's type and roles."""
    return {
        "type": "Collection",
        "stac_version": "1.1.0",
        "id": collection_id,
        "description": "AUXIP files for the pgstac input tests",
        "license": "other",
        "extent": {
            "spatial": {"bbox": [[-180, -90, 180, 90]]},
            "temporal": {"interval": [["2020-01-01T00:00:00Z", None]]},
        },
        "links": [],
        "item_assets": {"product": {"type": ASSET_TYPE, "roles": ["data"]}},
    }


def write_inputs(folder: Path, items: dict[str, list[dict[str, Any]]]) -> list[str]:
    """Write each Collection and its Items (NDJSON); return the files, Collections first."""
    folder.mkdir(parents=True, exist_ok=True)
    collections, streams = [], []
    for collection_id, documents in items.items():
        path = folder / f"{collection_id}.json"
        path.write_text(json.dumps(collection(collection_id)), encoding="utf-8")
        collections.append(str(path))
        stream = folder / f"{collection_id}.ndjson"
        stream.write_text("\n".join(json.dumps(d) for d in documents) + "\n", encoding="utf-8")
        streams.append(str(stream))
    return collections + streams


def moment(text: str) -> datetime:
    """Parse a ``...Z`` time stamp."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)
