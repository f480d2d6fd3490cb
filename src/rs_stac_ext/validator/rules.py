"""Checks a JSON Schema cannot express, for documents that use our extensions.

Every rule has a name, a severity and a sentence of documentation (:data:`RULES`). A rule
only looks at documents declaring the extension it belongs to (any version or spelling), and
never fails on malformed values: those are the schema's business, so a rule skips what it
cannot read.

====================================  ========  ==============================================
rule                                  severity  what it checks
====================================  ========  ==============================================
``cadip/blocks-contiguous``           error     DSDB blocks of each channel are numbered 1..N,
                                                without gap or duplicate
``cadip/blocks-pending``              warning   the same, for a channel without a final block
                                                yet (the session is still arriving)
``cadip/final-block``                 error     ``cadip:final_block`` is true on the last block
                                                of a channel and on no other
``cadip/final-block-missing``         warning   a channel has no final block (session not
                                                complete yet)
``cadip/num-channels``                error     ``cadip:num_channels`` equals the number of
                                                channels the DSDB assets carry
``cadip/channels-pending``            warning   fewer channels than announced while some channel
                                                has no final block yet
``cadip/planned-window``              error     planned data start <= planned data stop
``stac/datetime-range``               error     ``start_datetime`` <= ``end_datetime``
``ownership/non-empty-owner``         error     ``owner`` has a character that is not white
                                                space
``auxip/id-in-href``                  error     ``auxip:id`` is the product id in every asset
                                                href of the form ``…/Products(<uuid>)…``
``lint/undeclared-extension``         warning   a prefixed field (``sat:``, ``product:``, …)
                                                whose extension is not declared
``lint/local-path-href``              warning   a link href is a local absolute file path
                                                (``/data/item.json``), not a URL: the hint for
                                                the ``iri`` format error of a ``self`` link
====================================  ========  ==============================================
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from rs_stac_ext.schemas import declared_versions
from rs_stac_ext.schemas._catalog import ExtensionName
from rs_stac_ext.validator.problems import Problem, pointer

__all__ = ["LOCAL_ABSOLUTE_PATH", "RULES", "Rule", "RuleSet", "check_rules"]


@dataclass(frozen=True)
class Rule:
    """A check beyond JSON Schema.

    Attributes:
        name: Stable identifier, used as the problem's ``keyword``.
        severity: ``error`` or ``warning``.
        summary: One sentence saying what it checks.
    """

    name: str
    severity: str
    summary: str


RULES: dict[str, Rule] = {
    rule.name: rule
    for rule in (
        Rule(
            "cadip/blocks-contiguous",
            "error",
            "DSDB blocks of each channel are numbered 1..N without gap or duplicate.",
        ),
        Rule(
            "cadip/blocks-pending",
            "warning",
            "Blocks of a channel without a final block are not 1..N yet (session arriving).",
        ),
        Rule(
            "cadip/channels-pending",
            "warning",
            "Fewer channels than cadip:num_channels, and no final block on some: still arriving.",
        ),
        Rule(
            "cadip/final-block",
            "error",
            "cadip:final_block is true on the last block of a channel and on no other.",
        ),
        Rule(
            "cadip/final-block-missing",
            "warning",
            "A channel has no final block yet: the session is not complete.",
        ),
        Rule(
            "cadip/num-channels",
            "error",
            "cadip:num_channels equals the number of channels of the DSDB assets.",
        ),
        Rule("cadip/planned-window", "error", "The planned data start is not after the stop."),
        Rule("stac/datetime-range", "error", "start_datetime is not after end_datetime."),
        Rule(
            "ownership/non-empty-owner",
            "error",
            "owner holds at least one character that is not white space.",
        ),
        Rule(
            "auxip/id-in-href",
            "error",
            "auxip:id is the product id named in asset hrefs of the form Products(<uuid>).",
        ),
        Rule(
            "lint/undeclared-extension",
            "warning",
            "Every prefixed field belongs to an extension the document declares.",
        ),
        Rule(
            "lint/local-path-href",
            "warning",
            "No link href is a local absolute file path (a self link must be a URL).",
        ),
    )
}

_PRODUCT_ID = re.compile(r"Products\(([0-9A-Fa-f-]{36})\)")
# "/data/item.json" or "C:\data\item.json", but not "//host/path" (a network-path reference).
LOCAL_ABSOLUTE_PATH = re.compile(r"/(?!/)|[A-Za-z]:[\\/]")
"""Matches the start of an href that is a local absolute file path."""

# Prefixes whose extension lives at a path that does not contain the prefix itself.
_PREFIX_PATHS = {
    "proj": "/projection/",
    "alternate": "/alternate-assets/",
    "sci": "/scientific/",
    "auth": "/authentication/",
    "cube": "/datacube/",
    "pc": "/pointcloud/",
    "s1": "/sentinel-1/",
    "s2": "/sentinel-2/",
    "s3": "/sentinel-3/",
    "s5p": "/sentinel-5p/",
    "xarray": "/xarray-assets/",
    "ml-aoi": "/ml-aoi/",
}
# Fields with a colon that core STAC or common practice define without an extension.
_UNPREFIXED_OK = frozenset({"gsd"})


def _problem(rule: str, schema: str, path: list[str | int], message: str) -> Problem:
    entry = RULES[rule]
    return Problem(
        schema=schema,
        path=pointer(path),
        message=message,
        keyword=entry.name,
        schema_path="",
        severity=entry.severity,
    )


def _time(value: Any) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=dt.UTC)


# Two UTC timestamps spelt alike (same length, upper-case "T" and "Z", at most six fraction
# digits, which is all Python reads) have their fields at the same places: their text is in
# time order. Only an "out of order" text is parsed, to be sure both are real times.
_UTC_STAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,6})?Z")


def _reversed(properties: dict[str, Any], first: str, last: str) -> bool:
    """Tell whether two readable timestamps are in the wrong order."""
    start_text = properties.get(first)
    end_text = properties.get(last)
    if (
        isinstance(start_text, str)
        and isinstance(end_text, str)
        and start_text <= end_text
        and len(start_text) == len(end_text)
        and _UTC_STAMP.fullmatch(start_text)
        and _UTC_STAMP.fullmatch(end_text)
    ):
        return False
    start = _time(start_text)
    end = _time(end_text)
    return start is not None and end is not None and start > end


def _integer(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _channels(assets: dict[str, Any]) -> dict[int, list[tuple[int, str, Any]]]:
    """Group the DSDB assets by channel: ``{channel: [(block, asset key, final_block)]}``.

    Assets without a readable integer channel and block number are left to the schema.
    """
    channels: dict[int, list[tuple[int, str, Any]]] = {}
    for key, asset in assets.items():
        if not isinstance(asset, dict):
            continue
        channel = asset.get("cadip:channel")
        block = asset.get("cadip:block_number")
        # Most values are plain integers: test for those before the general conversion.
        if type(channel) is not int:
            channel = _integer(channel)
        if type(block) is not int:
            block = _integer(block)
        if channel is None or block is None:
            continue
        entry = (block, key, asset.get("cadip:final_block"))
        blocks = channels.get(channel)
        if blocks is None:
            channels[channel] = [entry]
        else:
            blocks.append(entry)
    return channels


def _cadip(document: dict[str, Any], schema: str) -> Iterator[Problem]:
    properties = document.get("properties")
    if document.get("type") != "Feature" or not isinstance(properties, dict):
        return
    if _reversed(properties, "cadip:planned_data_start", "cadip:planned_data_stop"):
        yield _problem(
            "cadip/planned-window",
            schema,
            ["properties", "cadip:planned_data_start"],
            f"planned data start {properties['cadip:planned_data_start']} is after the planned "
            f"stop {properties['cadip:planned_data_stop']}",
        )
    assets = document.get("assets")
    if not isinstance(assets, dict):
        return
    num_channels = _integer(properties.get("cadip:num_channels"))
    if not _channels_in_order(assets, num_channels):
        yield from _channel_problems(assets, num_channels, schema)


def _channels_in_order(assets: dict[str, Any], num_channels: int | None) -> bool:
    """Tell quickly that the DSDB assets break no channel rule (``False``: look closer).

    ``True`` only when every DSDB asset has plain integer channel and block numbers, each
    channel's blocks are 1..N with ``cadip:final_block`` true on block N alone, and the
    channel count matches ``num_channels`` when it is given; :func:`_channel_problems` finds
    nothing then (the tests compare both).
    """
    rows = [
        (
            asset.get("cadip:channel"),
            asset.get("cadip:block_number"),
            asset.get("cadip:final_block"),
        )
        for asset in assets.values()
        if isinstance(asset, dict) and "cadip:channel" in asset
    ]
    dsdb = [row for row in rows if row[0] is not None and row[1] is not None]
    if not dsdb:
        return True
    try:
        dsdb.sort()
    except TypeError:  # numbers of mixed types, or a repeated block with final flags of two types
        return False
    channels = 0
    expected = 1
    previous: Any = None
    last = len(dsdb) - 1
    for index, (channel, block, final) in enumerate(dsdb):
        if type(channel) is not int or type(block) is not int:
            return False
        if channel != previous:
            previous, expected = channel, 1
            channels += 1
        if block != expected:
            return False
        expected += 1
        if (final is True) != (index == last or dsdb[index + 1][0] != channel):
            return False
    return num_channels is None or num_channels == channels


def _channel_problems(
    assets: dict[str, Any], num_channels: int | None, schema: str
) -> Iterator[Problem]:
    """Report every broken channel rule (DSDB block numbering, final blocks, channel count)."""
    channels = _channels(assets)
    if not channels:
        return
    complete = all(any(final is True for _, _, final in blocks) for blocks in channels.values())
    if num_channels is not None and num_channels != len(channels):
        # Fewer channels than announced is expected while a session is still arriving.
        still_arriving = num_channels > len(channels) and not complete
        yield _problem(
            "cadip/channels-pending" if still_arriving else "cadip/num-channels",
            schema,
            ["properties", "cadip:num_channels"],
            f"cadip:num_channels is {num_channels} but the DSDB assets carry "
            f"{len(channels)} channel(s): {sorted(channels)}",
        )
    for channel, blocks in sorted(channels.items()):
        yield from _channel_blocks(channel, sorted(blocks), schema)


def _channel_blocks(
    channel: int, blocks: list[tuple[int, str, Any]], schema: str
) -> Iterator[Problem]:
    numbers = [number for number, _, _ in blocks]
    expected = list(range(1, len(numbers) + 1))
    complete = any(final is True for _, _, final in blocks)
    if numbers != expected:
        missing = sorted(set(range(1, max(numbers) + 1)) - set(numbers))
        duplicates = sorted({n for n in numbers if numbers.count(n) > 1})
        details = []
        if missing:
            details.append(f"missing {missing}")
        if duplicates:
            details.append(f"repeated {duplicates}")
        yield _problem(
            "cadip/blocks-contiguous" if complete else "cadip/blocks-pending",
            schema,
            ["assets"],
            f"channel {channel}: blocks must be numbered 1..{len(numbers)}; " + ", ".join(details),
        )
    last = max(numbers)
    finals = [(number, key) for number, key, final in blocks if final is True]
    for number, key in finals:
        if number != last:
            yield _problem(
                "cadip/final-block",
                schema,
                ["assets", key, "cadip:final_block"],
                f"channel {channel}: block {number} is marked final but block {last} follows",
            )
    last_keys = [key for number, key, final in blocks if number == last and final is not True]
    if not finals:
        yield _problem(
            "cadip/final-block-missing",
            schema,
            ["assets"],
            f"channel {channel}: no block is marked final (last block seen: {last})",
        )
    elif last_keys and not any(number == last for number, _ in finals):
        yield _problem(
            "cadip/final-block",
            schema,
            ["assets", last_keys[0], "cadip:final_block"],
            f"channel {channel}: the last block ({last}) is not marked final",
        )


def _ownership(document: dict[str, Any], schema: str) -> Iterator[Problem]:
    places: list[tuple[list[str | int], Any]] = []
    properties = document.get("properties")
    if document.get("type") == "Feature" and isinstance(properties, dict):
        places.append((["properties", "owner"], properties.get("owner", None)))
    elif "owner" in document:
        places.append((["owner"], document["owner"]))
    for path, owner in places:
        if isinstance(owner, str) and not owner.strip():
            yield _problem(
                "ownership/non-empty-owner",
                schema,
                path,
                f"owner {owner!r} names nobody: expected a user name",
            )


def _auxip(document: dict[str, Any], schema: str) -> Iterator[Problem]:
    properties = document.get("properties")
    assets = document.get("assets")
    if not isinstance(properties, dict) or not isinstance(assets, dict):
        return
    auxip_id = properties.get("auxip:id")
    if not isinstance(auxip_id, str):
        return
    for key, asset in assets.items():
        href = asset.get("href") if isinstance(asset, dict) else None
        if not isinstance(href, str):
            continue
        for product_id in _PRODUCT_ID.findall(href):
            if product_id.lower() != auxip_id.lower():
                yield _problem(
                    "auxip/id-in-href",
                    schema,
                    ["assets", key, "href"],
                    f"the href names product {product_id} but auxip:id is {auxip_id}",
                )


def _datetime_range(document: dict[str, Any]) -> Iterator[Problem]:
    properties = document.get("properties")
    if document.get("type") != "Feature" or not isinstance(properties, dict):
        return
    if _reversed(properties, "start_datetime", "end_datetime"):
        yield _problem(
            "stac/datetime-range",
            "https://schemas.stacspec.org",
            ["properties", "start_datetime"],
            f"start_datetime {properties['start_datetime']} is after end_datetime "
            f"{properties['end_datetime']}",
        )


def _undeclared_prefixes(document: dict[str, Any], declared: tuple[str, ...]) -> Iterator[Problem]:
    places: list[tuple[list[str | int], Any]] = [([], document)]
    properties = document.get("properties")
    if isinstance(properties, dict):
        places.append((["properties"], properties))
    for container in ("assets", "item_assets"):
        assets = document.get(container)
        if isinstance(assets, dict):
            places.extend(([container, k], v) for k, v in assets.items() if isinstance(v, dict))
    settled: set[str] = set()
    seen: set[str] = set()
    for path, obj in places:
        for key in obj:
            if key in seen:
                continue
            seen.add(key)
            prefix, colon, _ = key.partition(":")
            if not colon or not prefix or prefix in settled or key in _UNPREFIXED_OK:
                continue
            settled.add(prefix)
            if not _is_declared(prefix, declared):
                yield _problem(
                    "lint/undeclared-extension",
                    "",
                    [*path, key],
                    f"{key!r} uses the prefix '{prefix}:' but no declared extension provides it",
                )


def _local_path_links(document: dict[str, Any]) -> Iterator[Problem]:
    links = document.get("links")
    if not isinstance(links, list):
        return
    for index, link in enumerate(links):
        href = link.get("href") if isinstance(link, dict) else None
        if isinstance(href, str) and LOCAL_ABSOLUTE_PATH.match(href):
            yield _problem(
                "lint/local-path-href",
                "",
                ["links", index, "href"],
                f"{href!r} is a local file path, not a URL: write a relative href, or a "
                "file:// URL where an absolute one is needed (a self link). pystac writes "
                "the self link of an object read from a file this way: leave it out with "
                "to_dict(include_self_link=False)",
            )


def _is_declared(prefix: str, declared: tuple[str, ...]) -> bool:
    wanted = (_PREFIX_PATHS.get(prefix, f"/{prefix}/"), f"/{prefix}-stac-extension/")
    return any(fragment in uri for uri in declared for fragment in wanted)


def _field_names(document: dict[str, Any]) -> set[str]:
    """Return a superset of the names lint looks at (top level, properties, assets).

    The sets are filled in native code; a non-object asset may add stray names, which only
    sends the document to the exact check.
    """
    names = set(document)
    properties = document.get("properties")
    if isinstance(properties, dict):
        names.update(properties)
    for container in ("assets", "item_assets"):
        assets = document.get(container)
        if isinstance(assets, dict):
            names.update(member_names(assets))
    return names


def member_names(objects: dict[str, Any]) -> set[Any]:
    """Return every member name of the objects in a map such as ``assets``, in native code.

    A value that is not an object may add its items: a superset, for checks that only need to
    be sure nothing is missed.
    """
    try:
        return set().union(*objects.values())
    except TypeError:  # an unhashable item, or a value that cannot be iterated
        names: set[Any] = set()
        for value in objects.values():
            if isinstance(value, dict):
                names.update(value)
        return names


ExtensionRule = Callable[[dict[str, Any], str], Iterator[Problem]]

_EXTENSION_RULES: dict[ExtensionName, ExtensionRule] = {
    ExtensionName.CADIP: _cadip,
    ExtensionName.OWNERSHIP: _ownership,
    ExtensionName.AUXIP: _auxip,
}


@dataclass
class RuleSet:
    """The rules for documents sharing one ``stac_extensions`` list, prepared once.

    Documents of a collection usually declare the same extensions, so a validator builds one
    rule set per distinct list (:meth:`for_extensions` caches them) and runs it on each.

    Attributes:
        checks: The extension rules that apply, each with the identifier it reports under.
        declared: The declared schema URIs (strings only), for lint.
        rules: Whether the rules run (extension rules and the datetime range).
        lint: Whether prefixed fields of undeclared extensions are reported.
    """

    checks: tuple[tuple[ExtensionRule, str], ...]
    declared: tuple[str, ...]
    rules: bool = True
    lint: bool = True
    _cleared: set[Any] = field(default_factory=set, repr=False, compare=False)

    @classmethod
    def for_extensions(
        cls, stac_extensions: Any, *, rules: bool = True, lint: bool = True
    ) -> RuleSet:
        """Return the rule set of a ``stac_extensions`` value (any JSON value is accepted).

        Args:
            stac_extensions: The document's ``stac_extensions`` value, or ``None``.
            rules: Run the rules (extension rules and the datetime range).
            lint: Also report prefixed fields of undeclared extensions.
        """
        listed = stac_extensions if isinstance(stac_extensions, list) else []
        declared = tuple(item for item in listed if isinstance(item, str))
        return _rule_set(declared, rules, lint)

    def run(self, document: Any) -> list[Problem]:
        """Return the problems the rules find in one document, errors and warnings alike."""
        if not isinstance(document, dict):
            return []
        found: list[Problem] = []
        for rule, identifier in self.checks:
            found.extend(rule(document, identifier))
        properties = document.get("properties")
        if (
            self.rules
            and isinstance(properties, dict)
            and "start_datetime" in properties
            and "end_datetime" in properties
        ):
            found.extend(_datetime_range(document))
        if (
            self.lint
            and not self._seen_before(document)
            and not self._all_declared(_field_names(document))
        ):
            found.extend(_undeclared_prefixes(document, self.declared))
        if self.lint:
            found.extend(_local_path_links(document))
        return found

    def _seen_before(self, document: dict[str, Any]) -> bool:
        """Tell, without building a set of names, whether every name lint reads is cleared.

        Documents of a kind share their field names, so after the first one this usually
        holds and :meth:`_all_declared` is not needed.
        """
        cleared = self._cleared
        if not cleared.issuperset(document):
            return False
        properties = document.get("properties")
        if isinstance(properties, dict) and not cleared.issuperset(properties):
            return False
        for container in ("assets", "item_assets"):
            assets = document.get(container)
            if isinstance(assets, dict):
                for asset in assets.values():
                    if not isinstance(asset, dict) or not cleared.issuperset(asset):
                        return False
        return True

    def _all_declared(self, names: set[str]) -> bool:
        """Tell quickly whether every prefixed name belongs to a declared extension."""
        unseen = names - self._cleared  # usually empty: documents of a kind share their fields
        if not unseen:
            return True
        if len(self._cleared) > _MAX_CLEARED:
            self._cleared.clear()
        for name in unseen:
            if isinstance(name, str) and ":" in name and name not in _UNPREFIXED_OK:
                prefix = name.partition(":")[0]
                if prefix and not _is_declared(prefix, self.declared):
                    return False
            self._cleared.add(name)
        return True


# Field names remembered per rule set as needing no warning; past this, it starts afresh.
_MAX_CLEARED = 100_000


@lru_cache(maxsize=1024)
def _rule_set(declared: tuple[str, ...], rules: bool, lint: bool) -> RuleSet:
    checks: list[tuple[ExtensionRule, str]] = []
    seen: set[ExtensionName] = set()
    for version in declared_versions(declared) if rules else ():
        rule = _EXTENSION_RULES.get(version.extension)
        if rule is None or version.extension in seen:
            continue
        seen.add(version.extension)
        checks.append((rule, version.identifier))
    return RuleSet(tuple(checks), declared, rules, lint)


def check_rules(document: Any, *, lint: bool = True) -> list[Problem]:
    """Run every rule that applies to a document.

    Args:
        document: A parsed STAC document.
        lint: Also report prefixed fields of undeclared extensions.

    Returns:
        The problems found, errors and warnings alike (see ``Problem.severity``).
    """
    if not isinstance(document, dict):
        return []
    return RuleSet.for_extensions(document.get("stac_extensions"), lint=lint).run(document)
