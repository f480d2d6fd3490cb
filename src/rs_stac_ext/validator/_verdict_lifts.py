"""Rules of our own schemas that Python checks faster than jsonschema-rs, moved out of them.

The CADIP v2.0.0 schema rejects unknown ``cadip:`` fields with ``additionalProperties: false``
next to ``patternProperties: {"^(?!cadip:)": {}}``. jsonschema-rs answers that by matching the
pattern against every field of every asset, which is about a quarter of the time it spends on
a 38-asset session Item. Python answers the same question from the set of all field names of
the assets, built in native code.

For the verdict only, the two keywords are taken out of ``item_fields`` and ``asset_fields``
and :func:`Lift.check` asks the same thing of the document. Where the schema applies them
decides where the check looks:

* ``item_fields`` applies to ``properties`` of a document whose ``type`` is ``Feature`` (the
  Item branch of the root ``oneOf``);
* ``asset_fields`` applies to every object in ``assets`` of a ``Feature``, and in ``assets``
  and ``item_assets`` of a ``Collection`` (the Collection branch).

The branches of the root ``oneOf`` require ``type`` to be ``Feature`` and ``Collection``
respectively, so at most one can hold whatever is taken out of them: a document is valid under
the published schema exactly when it is valid under the lightened one and passes the check.
Anything else in a place the check looks at (an asset that is not an object, say) already fails
the lightened schema. The lift is only made when the schema in use is the packaged one.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from rs_stac_ext.validator.rules import member_names

__all__ = ["Lift", "lift"]

_CADIP_V2 = "https://home.rs-python.eu/cadip-stac-extension/v2.0.0/schema.json"
_PREFIX = "cadip:"
_RESTRICTION = {"patternProperties": {f"^(?!{_PREFIX})": {}}, "additionalProperties": False}


@dataclass(frozen=True)
class Lift:
    """A schema with some keywords taken out, and the check that stands for them.

    Attributes:
        schema: The schema without the lifted keywords.
        check: Tells whether a document satisfies the lifted keywords.
    """

    schema: dict[str, Any]
    check: Callable[[Any], bool]


def lift(uri: str, schema: Mapping[str, Any]) -> Lift | None:
    """Return the lift of a schema, or ``None`` when it has none.

    Args:
        uri: The schema's URI.
        schema: Its contents as resolved (the lift is only made when they are the packaged
            ones, so a mirror serving something else under this URI is checked as it is).
    """
    if uri.rstrip("#") != _CADIP_V2:
        return None
    from rs_stac_ext.schemas import get_schema

    if dict(schema) != get_schema(_CADIP_V2):
        return None
    lightened = copy.deepcopy(dict(schema))
    definitions = lightened["definitions"]
    allowed: dict[str, frozenset[str]] = {}
    for name in ("item_fields", "asset_fields"):
        definition = definitions[name]
        if any(definition.get(key) != value for key, value in _RESTRICTION.items()):
            return None  # pragma: no cover - the packaged schema is fixed
        for key in _RESTRICTION:
            del definition[key]
        allowed[name] = frozenset(definition["properties"])
    return Lift(lightened, _CadipFieldsKnown(allowed["item_fields"], allowed["asset_fields"]))


@dataclass(frozen=True)
class _CadipFieldsKnown:
    """Every ``cadip:`` field of an Item's properties and of the assets is a known one."""

    item_fields: frozenset[str]
    asset_fields: frozenset[str]

    def __call__(self, document: Any) -> bool:
        if not isinstance(document, dict):
            return True
        kind = document.get("type")
        if kind == "Feature":
            properties = document.get("properties")
            if isinstance(properties, dict) and not _known(properties, self.item_fields):
                return False
            containers: tuple[str, ...] = ("assets",)
        elif kind == "Collection":
            containers = ("assets", "item_assets")
        else:
            return True
        for container in containers:
            assets = document.get(container)
            if isinstance(assets, dict) and not _known(member_names(assets), self.asset_fields):
                return False
        return True


def _known(names: Iterable[Any], allowed: frozenset[str]) -> bool:
    return all(
        name in allowed for name in names if isinstance(name, str) and name.startswith(_PREFIX)
    )
