"""A pgstac database as a validation input, on a real PostgreSQL + PostGIS + pgstac.

The Items are loaded with the project's own loader (``rs-stac load --no-validate``), some of
them invalid in a way pgstac accepts (an integer ``auxip:id``), into a database of their own.
The validator must find exactly the Items the same documents give when validated as files,
name each one by database, Collection and id, honour the filters, and give the same reports
on a Dask cluster as locally.
"""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from click.testing import CliRunner, Result

from pgstac_items import ASSET_TYPE, auxip_items, moment, write_inputs
from rs_stac_ext.cli import main
from rs_stac_ext.server.pgstac_load import load_documents
from rs_stac_ext.validator.pgstac_source import (
    DatabasePart,
    parse_interval,
    plan_database,
    read_database,
)
from rs_stac_ext.validator.readers import ReaderSettings
from rs_stac_ext.validator.validation import ValidationOptions, validate
from services_support import Postgres

pytestmark = pytest.mark.pgstac

READER = "rs_stac_reader"
SECRET = f"secret-{uuid.uuid4().hex[:12]}"
# Mixed case: byte order ("C") puts capitals first, whatever the database's locale.
TIED_IDS = ["b-2", "A-9", "c-1", "B-1", "a-3", "C-0", "b-1", "a-10", "Z", "a-1"]


@dataclass(frozen=True)
class Database:
    url: str
    name: str
    admin: str
    port: int
    dbname: str
    items: dict[str, list[dict[str, Any]]]
    files: list[str]

    def reader_url(self) -> str:
        return f"postgresql://{READER}@127.0.0.1:{self.port}/{self.dbname}"


def _create_database(pgstac_db: Postgres, dbname: str, *, pgstac: bool) -> str:
    with psycopg.connect(pgstac_db.dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{dbname}"')
    url = f"postgresql://postgres@127.0.0.1:{pgstac_db.port}/{dbname}"
    if pgstac:
        migrate = subprocess.run(
            [str(Path(sys.executable).with_name("pypgstac")), "migrate", "--dsn", url],
            capture_output=True,
            text=True,
            check=False,
        )
        assert migrate.returncode == 0, migrate.stderr[-2000:]
    return url


@pytest.fixture(scope="module")
def database(pgstac_db: Postgres, tmp_path_factory: pytest.TempPathFactory) -> Database:
    dbname = f"rs_stac_validate_{uuid.uuid4().hex[:8]}"
    url = _create_database(pgstac_db, dbname, pgstac=True)
    items = {
        "s1-aux": auxip_items("s1-aux", 40, datetime(2024, 1, 1, tzinfo=UTC)),
        "s2-aux": auxip_items("s2-aux", 30, datetime(2023, 12, 1, tzinfo=UTC)),
        "ties": auxip_items(
            "ties", 10, datetime(2024, 3, 1, tzinfo=UTC), step=timedelta(0), ids=TIED_IDS
        ),
    }
    files = write_inputs(tmp_path_factory.mktemp("pgstac-input"), items)
    report = load_documents(url, files, validate=False)
    assert (report.items, report.refused) == (80, [])
    return Database(
        url,
        f"postgresql://127.0.0.1:{pgstac_db.port}/{dbname}",
        pgstac_db.dsn,
        pgstac_db.port,
        dbname,
        items,
        files,
    )


@pytest.fixture(scope="module")
def reader_role(database: Database) -> Iterator[str]:
    """A role that must give a password (scram-sha-256), read-only on pgstac."""
    with psycopg.connect(database.admin, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {READER} LOGIN PASSWORD '{SECRET}' IN ROLE pgstac_read")
        row = conn.execute("SHOW hba_file").fetchone()
        assert row is not None
        hba = Path(row[0])
        original = hba.read_text(encoding="utf-8")
        hba.write_text(
            f"host all {READER} 127.0.0.1/32 scram-sha-256\n{original}", encoding="utf-8"
        )
        conn.execute("SELECT pg_reload_conf()")
    try:
        yield database.reader_url()
    finally:
        hba.write_text(original, encoding="utf-8")
        with psycopg.connect(database.admin, autocommit=True) as conn:
            conn.execute("SELECT pg_reload_conf()")


def run(*arguments: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, ["validate", "--no-cache", *arguments], env=env)


def json_lines(result: Result) -> list[dict[str, Any]]:
    return [json.loads(line) for line in result.stdout.splitlines()]


def expected_order(database: Database, chosen: list[dict[str, Any]]) -> list[str]:
    """Item sources in (collection, datetime, id) byte order."""
    ordered = sorted(
        chosen,
        key=lambda d: (
            d["collection"].encode(),
            moment(d["properties"]["datetime"]),
            d["id"].encode(),
        ),
    )
    return [f"{database.name}#{d['collection']}/{d['id']}" for d in ordered]


# ------------------------------------------------------------------------------ reading


def test_items_are_read_hydrated_as_pgstac_serves_them(database: Database) -> None:
    with psycopg.connect(database.url) as conn:
        stored = conn.execute(
            "SELECT content FROM pgstac.items WHERE id = 's1-aux-00000'"
        ).fetchone()
    assert stored is not None
    # pgstac keeps what the Collection's item_assets say only once, in the Collection...
    assert "type" not in stored[0]["assets"]["product"]
    records = list(read_database(database.url, ReaderSettings()))
    read = {record.document["id"]: record.document for record in records}
    # ...and the reader puts it back, as pgstac's search does: each Item is the loaded one.
    assert read["s1-aux-00000"]["assets"]["product"]["type"] == ASSET_TYPE
    for documents in database.items.values():
        for original in documents:
            assert read[original["id"]] == original
    assert all(record.error is None for record in records)


def test_the_cursor_is_server_side_and_fetches_in_batches(database: Database) -> None:
    records = read_database(database.url, ReaderSettings())
    first = next(records)
    assert first.source == f"{database.name}#s1-aux/s1-aux-00000"
    # While the reader waits between batches, its session sits in its transaction, its last
    # statement a FETCH from the named cursor: the rows are on the server, not in memory here.
    with psycopg.connect(database.admin) as conn:
        waiting = [
            row[0]
            for row in conn.execute(
                "SELECT query FROM pg_stat_activity WHERE datname = %s "
                "AND application_name = 'rs-stac validate' AND state = 'idle in transaction'",
                [database.dbname],
            ).fetchall()
        ]
    records.close()
    assert waiting == ['FETCH FORWARD 500 FROM "rs_stac_validate"']


def test_the_command_finds_the_invalid_items_and_names_each_one(database: Database) -> None:
    result = run(database.url, "--format", "json")
    assert result.exit_code == 1, result.output
    reports = json_lines(result)
    every = [d for documents in database.items.values() for d in documents]
    assert [r["source"] for r in reports] == expected_order(database, every)
    assert all(r["line"] is None and r["pointer"] == "" for r in reports)
    from_files = {
        report.id: report.verdict.value
        for report in validate(database.files)
        if report.id is not None and not report.source.endswith(".json")
    }
    assert {r["id"]: r["verdict"] for r in reports} == from_files
    invalid = [r for r in reports if r["verdict"] == "invalid"]
    assert len(invalid) == sum(1 for d in every if isinstance(d["properties"]["auxip:id"], int))
    assert len(invalid) == 12
    assert {e["path"] for r in invalid for e in r["errors"]} == {"/properties/auxip:id"}
    assert "80 document(s): 68 valid, 12 invalid" in result.stderr
    processes = run(database.url, "--format", "json", "-j", "2")
    assert (processes.exit_code, processes.stdout) == (1, result.stdout)


def test_ties_in_time_come_in_byte_order_of_their_ids(database: Database) -> None:
    result = run(database.url, "--collection", "ties", "--format", "json")
    ids = [r["id"] for r in json_lines(result)]
    assert ids == sorted(TIED_IDS, key=str.encode)
    assert ids[:3] == ["A-9", "B-1", "C-0"]


def test_the_postgres_scheme_reads_the_same_database(database: Database) -> None:
    short = database.url.replace("postgresql://", "postgres://", 1)
    assert short.startswith("postgres://postgres@")
    result = run(short, "--collection", "ties", "--format", "json")
    assert result.exit_code == 1
    assert [r["source"] for r in json_lines(result)] == expected_order(
        database, database.items["ties"]
    )


def test_text_output_names_database_collection_and_item(database: Database) -> None:
    result = run(database.url, "--collection", "s2-aux", "-q")
    assert result.exit_code == 1
    assert f"{database.name}#s2-aux/s2-aux-00002 [s2-aux-00002]: INVALID" in result.stdout
    assert "postgres@" not in result.stdout + result.stderr


# ------------------------------------------------------------------------------ filters


def test_collection_filter_is_repeatable(database: Database) -> None:
    one = json_lines(run(database.url, "--collection", "s2-aux", "--format", "json"))
    assert [r["source"] for r in one] == expected_order(database, database.items["s2-aux"])
    both = json_lines(
        run(database.url, "--collection", "ties", "--collection", "s2-aux", "--format", "json")
    )
    assert [r["source"] for r in both] == expected_order(
        database, database.items["s2-aux"] + database.items["ties"]
    )


def test_an_unknown_collection_is_said_and_exits_2(database: Database) -> None:
    result = run(database.url, "--collection", "s2-aux", "--collection", "nope")
    assert result.exit_code == 2
    assert "no collection 'nope' in the database" in result.stdout
    assert "s2-aux-00000" in result.stdout  # the rest is still checked


@pytest.mark.parametrize(
    "interval",
    [
        "2024-01-02T00:00:00Z/2024-01-04T00:00:00Z",
        "../2023-12-03T00:00:00Z",
        "2024-01-10T00:00:00+01:00/..",
        "2024-01-01T08:30:00Z",  # an instant: inside the second Item's three hours
        "2024-03-01T00:00:00Z/",
    ],
)
def test_datetime_filter_keeps_the_items_whose_time_meets_the_interval(
    database: Database, interval: str
) -> None:
    window = parse_interval(interval)
    chosen = [
        d
        for documents in database.items.values()
        for d in documents
        if (window.end is None or moment(d["properties"]["start_datetime"]) <= window.end)
        and (window.start is None or moment(d["properties"]["end_datetime"]) >= window.start)
    ]
    assert 0 < len(chosen) < 80
    result = run(database.url, "--datetime", interval, "--format", "json")
    assert [r["source"] for r in json_lines(result)] == expected_order(database, chosen)


def test_both_filters_together(database: Database) -> None:
    result = run(
        database.url,
        "--collection",
        "s1-aux",
        "--datetime",
        "2024-01-02T00:00:00Z/2024-01-03T00:00:00Z",
        "--format",
        "json",
    )
    # Items every 7 h from 2024-01-01T00, each three hours long: 21 h (ends at 24 h) to 42 h.
    assert [r["id"] for r in json_lines(result)] == [f"s1-aux-{i:05d}" for i in (3, 4, 5, 6)]


@pytest.mark.parametrize(
    ("interval", "said"),
    [
        ("yesterday", "expected an RFC 3339 date-time"),
        ("2024-01-01", "expected an RFC 3339 date-time"),
        ("2024-01-01T00:00:00/..", "expected an RFC 3339 date-time"),  # no offset
        ("../..", "needs at least one closed end"),
        ("2024-02-01T00:00:00Z/2024-01-01T00:00:00Z", "the start is after the end"),
    ],
)
def test_a_malformed_interval_is_a_usage_error(
    database: Database, interval: str, said: str
) -> None:
    result = run(database.url, "--datetime", interval)
    assert result.exit_code == 2
    assert said in result.output
    assert "Traceback" not in result.output


def test_filters_without_a_database_are_a_usage_error(tmp_path: Path) -> None:
    result = run(str(tmp_path), "--collection", "s1-aux")
    assert result.exit_code == 2
    assert "pgstac database input" in result.output


# ------------------------------------------------------------------------------ cluster


def test_partitions_cut_each_collection_by_time_into_bounded_runs(database: Database) -> None:
    parts = list(plan_database(database.url, ReaderSettings(), items_per_part=7))
    assert all(isinstance(part, DatabasePart) for part in parts)
    counts: dict[str, list[int]] = {}
    for part in parts:
        assert isinstance(part, DatabasePart)
        counts.setdefault(part.collection, []).append(part.items)
    assert counts == {"s1-aux": [7] * 5 + [5], "s2-aux": [7] * 4 + [2], "ties": [7, 3]}
    ties = [p for p in parts if isinstance(p, DatabasePart) and p.collection == "ties"]
    assert ties[0].stop == ties[1].first
    assert ties[1].first[1] == sorted(TIED_IDS, key=str.encode)[7]


def test_the_cluster_gives_the_local_reports_document_for_document(
    database: Database, reader_role: str
) -> None:
    # Workers open their own connections, with the password of their own environment.
    env = {"PGPASSWORD": SECRET}
    local = run(reader_role, "--format", "json", env=env)
    assert local.exit_code == 1, local.output
    cluster = run(
        reader_role,
        "--format",
        "json",
        "--cluster",
        "local:2",
        "--partition-items",
        "7",
        env=env,
    )
    assert cluster.exit_code == local.exit_code, cluster.output
    assert cluster.stdout == local.stdout
    assert len(json_lines(cluster)) == 80
    filtered = [
        "--collection",
        "s1-aux",
        "--collection",
        "ties",
        "--datetime",
        "2024-01-05T00:00:00Z/..",
    ]
    local = run(reader_role, "--format", "json", *filtered, env=env)
    cluster = run(
        reader_role,
        "--format",
        "json",
        "--cluster",
        "local:2",
        "--partition-items",
        "3",
        *filtered,
        env=env,
    )
    assert cluster.exit_code == local.exit_code == 1
    assert cluster.stdout == local.stdout
    assert 10 < len(json_lines(local)) < 50


def test_python_api_takes_the_filters(database: Database) -> None:
    import rs_stac_ext

    reports = list(
        rs_stac_ext.validate(
            database.url, collections=["s2-aux"], datetime="../2023-12-02T00:00:00Z"
        )
    )
    assert [r.id for r in reports] == [f"s2-aux-{i:05d}" for i in range(4)]
    assert [r.verdict.value for r in reports] == ["valid", "valid", "invalid", "valid"]


# ------------------------------------------------------------------------------ errors


def test_a_password_in_the_url_is_refused_with_where_to_put_it(database: Database) -> None:
    for url in (
        f"postgresql://{READER}:{SECRET}@127.0.0.1:{database.port}/{database.dbname}",
        f"postgres://127.0.0.1:{database.port}/{database.dbname}?password={SECRET}",
    ):
        result = run(url)
        assert result.exit_code == 2
        assert "a password in the database URL is refused" in result.output
        assert "PGPASSWORD" in result.output
        assert ".pgpass" in result.output
        assert SECRET not in result.output


def test_credentials_come_from_the_environment_or_a_password_file(
    database: Database, reader_role: str, tmp_path: Path
) -> None:
    wrong = run(reader_role, "--collection", "ties", env={"PGPASSWORD": "wrong"})
    assert wrong.exit_code == 2
    assert "cannot connect to postgresql://127.0.0.1:" in wrong.output
    assert "password authentication failed" in wrong.output
    assert "Traceback" not in wrong.output
    right = run(reader_role, "--collection", "ties", env={"PGPASSWORD": SECRET})
    assert right.exit_code == 1, right.output
    assert "10 document(s)" in right.stderr
    passfile = tmp_path / "pgpass"
    passfile.write_text(f"127.0.0.1:{database.port}:*:{READER}:{SECRET}\n", encoding="utf-8")
    passfile.chmod(0o600)
    from_file = run(reader_role, "--collection", "ties", env={"PGPASSFILE": str(passfile)})
    assert from_file.exit_code == 1, from_file.output
    assert from_file.stdout == right.stdout


@pytest.mark.parametrize("cluster", [None, "local:1"])
def test_an_unreachable_database_is_a_clear_error(cluster: str | None) -> None:
    arguments = ["postgresql://127.0.0.1:9/nothing"]
    if cluster is not None:
        arguments += ["--cluster", cluster]
    result = run(*arguments)
    assert result.exit_code == 2
    assert "cannot connect to postgresql://127.0.0.1:9/nothing" in result.output
    assert "Traceback" not in result.output


def test_a_database_without_pgstac_is_a_clear_error(pgstac_db: Postgres) -> None:
    url = _create_database(pgstac_db, f"plain_{uuid.uuid4().hex[:8]}", pgstac=False)
    result = run(url)
    assert result.exit_code == 2
    assert "has no pgstac schema" in result.output
    assert "Traceback" not in result.output


def test_a_malformed_url_is_a_clear_error() -> None:
    result = run("postgresql://127.0.0.1:notaport/db")
    assert result.exit_code == 2
    assert "cannot connect to postgresql://" in result.output
    assert "notaport" in result.output
    assert "Traceback" not in result.output


@pytest.mark.dask
def test_a_dask_dataframe_of_the_database_reports(database: Database, dask_client: Any) -> None:
    pandas = pytest.importorskip("pandas")
    from rs_stac_ext.validator.dask_dataframe import report_frame, reports_dataframe

    settings = ReaderSettings(collections=("s2-aux", "ties"))
    frame = reports_dataframe([database.url], ValidationOptions(reader=settings), partition_items=6)
    assert frame.npartitions == 5 + 2
    computed = dask_client.compute(frame).result().reset_index(drop=True)
    local = report_frame(validate([database.url], ValidationOptions(reader=settings)))
    pandas.testing.assert_frame_equal(computed, local)
    assert list(local["source"]) == expected_order(
        database, database.items["s2-aux"] + database.items["ties"]
    )
    chosen = database.items["s2-aux"] + database.items["ties"]
    broken = sum(1 for d in chosen if isinstance(d["properties"]["auxip:id"], int))
    assert (local["verdict"] == "invalid").sum() == broken == 6


@pytest.mark.dask
def test_workers_connect_with_their_own_credentials(
    database: Database, reader_role: str, dask_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import rs_stac_ext

    # The client may log in; the session's workers, started without PGPASSWORD, may not: the
    # client's password never travels to them. Their partition fails for good and says so.
    monkeypatch.setenv("PGPASSWORD", SECRET)
    reports = list(rs_stac_ext.validate(reader_role, collections=["ties"], cluster=dask_client))
    assert len(reports) == 1
    (report,) = reports
    assert report.source == f"{database.name}#ties"
    assert report.verdict.value == "invalid"
    message = report.errors[0].message
    assert report.errors[0].keyword == "read/io"
    assert message.startswith(f"{database.name}#ties Items from 2024-03-01T00:00:00+00:00")
    assert "(10 Item(s)) could not be checked on the cluster: cannot connect to" in message
    assert "no password supplied" in message
    assert SECRET not in message


def test_sources_percent_encode_what_a_fragment_would_confuse() -> None:
    from rs_stac_ext.validator.pgstac_source import _item_source

    assert (
        _item_source("postgresql://db:5432/stac", "s1/aux", "a#b c%d:e@f")
        == "postgresql://db:5432/stac#s1%2Faux/a%23b%20c%25d:e@f"
    )


def test_the_benchmark_script_runs_on_a_small_database(pgstac_db: Postgres, tmp_path: Path) -> None:
    script = Path(__file__).resolve().parents[1] / "benchmarks" / "pgstac.py"
    small = ["--auxip", "30", "--core-dates", "40", "--partition-items", "9"]
    done = subprocess.run(
        [sys.executable, str(script), "--dsn", pgstac_db.dsn, *small, "--results", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    rows = json.loads((tmp_path / "pgstac-results.json").read_text(encoding="utf-8"))["rows"]
    assert [row["run"] for row in rows] == [
        "read only, stored content (no hydration)",
        "read only (cursor + content_hydrate)",
        "one process",
        "cluster local:1",
        "cluster local:2",
    ]
    assert len({row["items"] for row in rows}) == 1
    assert [row.get("same_as_one_process") for row in rows[3:]] == [True, True]
    assert rows[2]["invalid"] > 0
