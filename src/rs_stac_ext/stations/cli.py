"""``rs-stac map``: OData records of a station (live or saved) to NDJSON STAC Items.

Two ways in:

* ``rs-stac map cadip --from-file sessions.json`` maps a saved OData answer
  (``{"value": [...]}``; CADIP Sessions with ``$expand=Files``, or with ``--files`` holding the
  separate ``Files`` answer);
* ``rs-stac map cadip mti --collection mti_s1a --datetime 2024-01-01T00:00:00Z/..`` asks a
  station of the registry (the built-in one by default: the local simulator).

One Item per record goes to stdout (or ``-o FILE``), one JSON object per line. A bad record is
reported on stderr, naming the record and the field, and the rest is still mapped. Exit codes:
0 when every record was mapped, 1 when some record or file could not be, 2 for usage errors,
unreadable input or an unreachable station.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

import click

from rs_stac_ext.stations.mapping import (
    MAPPED_SERVICES,
    MappedItem,
    MappingContext,
    MappingError,
    map_page,
    read_odata,
)
from rs_stac_ext.stations.registry import (
    CollectionConfig,
    Registry,
    RegistryError,
    Station,
    UnknownStation,
    normalise_service,
)

__all__ = ["map_command"]

EXIT_OK = 0
EXIT_PARTIAL = 1
EXIT_USAGE = 2


class _Tally:
    def __init__(self) -> None:
        self.items = 0
        self.failed_records = 0
        self.left_out = 0

    @property
    def clean(self) -> bool:
        return not self.failed_records and not self.left_out


def _read_json(path: str, what: str) -> Any:
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
        return json.loads(text)
    except (OSError, UnicodeDecodeError) as exc:
        raise click.UsageError(f"cannot read {what} {path}: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise click.UsageError(f"{what} {path} is not JSON: {exc}") from exc
    except RecursionError:
        raise click.UsageError(
            f"{what} {path} nests objects and arrays too deeply to be read"
        ) from None
    except ValueError as exc:  # Python reads no integer of more than 4300 digits
        raise click.UsageError(
            f"{what} {path} cannot be read: a number has more than 4300 digits"
        ) from exc


def _emit(
    results: Iterable[MappedItem | MappingError],
    out: IO[str],
    error_format: str,
    limit: int | None,
) -> _Tally:
    tally = _Tally()
    for result in results:
        if isinstance(result, MappingError):
            tally.failed_records += 1
            _report(result, error_format, "record not mapped")
            continue
        for problem in result.problems:
            tally.left_out += 1
            _report(problem, error_format, "left out of its Item")
        out.write(json.dumps(result.item, ensure_ascii=False, separators=(",", ":")) + "\n")
        tally.items += 1
        if limit is not None and tally.items >= limit:
            break
    return tally


def _report(error: MappingError, error_format: str, consequence: str) -> None:
    if error_format == "json":
        click.echo(json.dumps({**error.to_dict(), "consequence": consequence}), err=True)
    else:
        click.echo(f"error: {error} ({consequence})", err=True)


def _station_and_collection(
    registry_path: Path | None, service: str, station_id: str | None, collection_id: str | None
) -> tuple[Station | None, CollectionConfig | None]:
    if station_id is None and collection_id is None:
        return None, None
    try:
        registry = Registry.load(registry_path)
        if station_id is not None:
            station = registry.station(service, station_id)
            collection = station.collection(collection_id) if collection_id else None
            return station, collection
        assert collection_id is not None
        collection = registry.collection(service, collection_id)
        return registry.station(service, collection.station), collection
    except (RegistryError, UnknownStation) as exc:
        raise click.UsageError(str(exc)) from exc


def _live_results(
    service: str,
    station: Station,
    collection: CollectionConfig | None,
    context: MappingContext,
    search: dict[str, Any],
    limit: int | None,
) -> Iterator[MappedItem | MappingError]:
    from rs_stac_ext.stations.client import StationClient
    from rs_stac_ext.stations.query import SearchRequest

    with StationClient(station) as client:
        # CADIP sessions come with their Files, fetched by the client in one request per page.
        records = client.iter_search(SearchRequest(**search), collection, limit=limit)
        yield from map_page(service, records, context=context)


@click.command("map", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("service")
@click.argument("station", required=False)
@click.option("--collection", "-c", "collection_id", help="Collection of the registry to map.")
@click.option("--datetime", "datetime_", help="Live only: RFC 3339 instant or interval a/b.")
@click.option("--filter", "filter_", help="Live only: CQL2 text filter.")
@click.option("--limit", type=click.IntRange(min=1), help="Map at most this many records.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write the NDJSON Items here instead of stdout.",
)
@click.option(
    "--from-file",
    "from_file",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Map a saved OData answer ({'value': [...]}) instead of asking a station; - is stdin.",
)
@click.option(
    "--files",
    "files_file",
    type=click.Path(dir_okay=False, exists=True),
    help="CADIP with --from-file: a saved Files answer, attached to sessions by SessionId.",
)
@click.option(
    "--registry",
    "registry_path",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Station registry YAML (default: the built-in one, pointing at the simulator).",
)
@click.option(
    "--previous-versions",
    is_flag=True,
    help="Emit the previous published versions (cadip v1.4.0, auxip v1.1.0).",
)
@click.option(
    "--base-url",
    default="",
    help="Base URL of the STAC API serving the Items; adds links and 'collection'.",
)
@click.option("--root-url", help="OData root for asset hrefs (default: the station's).")
@click.option(
    "--errors",
    "error_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="How bad records are reported on stderr.",
)
def map_command(
    service: str,
    station: str | None,
    collection_id: str | None,
    datetime_: str | None,
    filter_: str | None,
    limit: int | None,
    output: Path | None,
    from_file: str | None,
    files_file: str | None,
    registry_path: Path | None,
    previous_versions: bool,
    base_url: str,
    root_url: str | None,
    error_format: str,
) -> None:
    """Map OData records of a station SERVICE (cadip, auxip, prip, lta) to STAC Items.

    SERVICE adgs is auxip under its older name.

    Without --from-file, STATION (or a --collection of the registry) is asked live.
    """
    try:
        name = normalise_service(service)
    except UnknownStation:
        raise click.UsageError(
            f"unknown service {service!r}: expected one of {', '.join(MAPPED_SERVICES)}"
        ) from None
    if name not in MAPPED_SERVICES:
        raise click.UsageError(f"{name} stations serve files over FTPES: there is nothing to map")
    if from_file is not None and (datetime_ is not None or filter_ is not None):
        raise click.UsageError("--datetime and --filter apply to live stations, not --from-file")
    if files_file is not None and (from_file is None or name != "cadip"):
        raise click.UsageError("--files goes with --from-file for cadip")
    # With --from-file the collection is only a label for the Items; live, it must exist.
    chosen_station, collection = _station_and_collection(
        registry_path, name, station, None if from_file is not None else collection_id
    )
    if from_file is None and chosen_station is None:
        raise click.UsageError(
            "name a STATION (or a --collection), or map a saved answer with --from-file"
        )
    context = MappingContext(
        station=chosen_station,
        collection=collection_id,
        base_url=base_url,
        versions="previous" if previous_versions else "newest",
        root_url=root_url,
    )
    if from_file is not None:
        try:
            page = read_odata(_read_json(from_file, "OData answer"))
            files = (
                read_odata(_read_json(files_file, "Files answer")).records if files_file else None
            )
        except ValueError as exc:
            raise click.UsageError(f"{from_file}: {exc}") from exc
        _warn_without_attributes(name, from_file, page.records)
        if context.odata_root is None and page.root_url is not None:
            context = dataclasses.replace(context, root_url=page.root_url)
        results: Iterable[MappedItem | MappingError] = map_page(
            name, page.records, context=context, files=files
        )
    else:
        assert chosen_station is not None
        search: dict[str, Any] = {"datetime": datetime_, "filter": filter_, "limit": limit}
        if collection_id is not None:
            search["collections"] = (collection_id,)
        results = _live_results(name, chosen_station, collection, context, search, limit)
    tally = _run(results, output, error_format, limit)
    click.echo(
        f"mapped {tally.items} item(s); {tally.failed_records} record(s) not mapped; "
        f"{tally.left_out} file(s) left out",
        err=True,
    )
    sys.exit(EXIT_OK if tally.clean else EXIT_PARTIAL)


# Services whose products carry most of what an Item says in their Attributes.
_SERVICES_WITH_ATTRIBUTES = ("auxip", "prip", "lta")


def _warn_without_attributes(service: str, source: str, records: list[Any]) -> None:
    """Say when saved product records were fetched without ``$expand=Attributes``.

    Stations send a product's ``Attributes`` only when asked; without them the Items still
    map, but lack the product type, platform and processing fields.
    """
    if service not in _SERVICES_WITH_ATTRIBUTES:
        return
    lacking = sum(1 for r in records if isinstance(r, dict) and "Attributes" not in r)
    if not lacking:
        return
    where = "standard input" if source == "-" else source
    click.echo(
        f"warning: {lacking} of {len(records)} record(s) in {where} have no Attributes: "
        "their Items lack product:type, platform, processing:* and the other fields read "
        "from them. Ask the station for them with $expand=Attributes "
        "(.../Products?$expand=Attributes&$top=20).",
        err=True,
    )


def _run(
    results: Iterable[MappedItem | MappingError],
    output: Path | None,
    error_format: str,
    limit: int | None,
) -> _Tally:
    try:
        if output is None:
            return _emit(results, sys.stdout, error_format, limit)
        with output.open("w", encoding="utf-8") as out:
            return _emit(results, out, error_format, limit)
    except OSError as exc:
        raise click.UsageError(f"cannot write {output}: {exc}") from exc
    except Exception as exc:
        from rs_stac_ext.errors import RsStacExtError

        # A station that cannot be reached or a search it cannot answer: not a mapping problem.
        if isinstance(exc, RsStacExtError) or type(exc).__module__.startswith("httpx"):
            click.echo(f"error: {exc}", err=True)
            sys.exit(EXIT_USAGE)
        raise


if __name__ == "__main__":  # pragma: no cover
    map_command()
