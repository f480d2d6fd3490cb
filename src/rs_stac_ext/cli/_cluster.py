"""``rs-stac validate --cluster``: the options, and the run on a Dask cluster.

The command renders and counts exactly as a local run does; only where the reports are made
changes. Dask is imported only when ``--cluster`` is given.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import click

from rs_stac_ext.cli._common import EXIT_USAGE

if TYPE_CHECKING:
    from rs_stac_ext.validator.report import Rendered, Renderer
    from rs_stac_ext.validator.validation import ValidationOptions

__all__ = ["ClusterCommandError", "cluster_options", "cluster_results"]


class ClusterCommandError(click.ClickException):
    """A cluster that cannot be used: said in one line, exit 2, no traceback."""

    exit_code = EXIT_USAGE


def cluster_options(function: Any) -> Any:
    """Add ``--cluster``, ``--cluster-timeout``, ``--report-dir`` and the partition sizes.

    Args:
        function: The command callback.

    Returns:
        The callback with the options (parameters ``cluster``, ``cluster_timeout``,
        ``report_dir``, ``partition_size`` and ``partition_items``).
    """
    options = [
        click.option(
            "--cluster",
            metavar="ADDRESS",
            default=None,
            help="Validate on a Dask cluster: a scheduler (tcp://host:port), 'local' (one "
            "worker per CPU) or 'local:N'. Needs rs-stac-ext[dask].",
        ),
        click.option(
            "--cluster-timeout",
            type=click.FloatRange(min=0, min_open=True),
            default=10.0,
            show_default=True,
            metavar="SECONDS",
            help="With --cluster: seconds allowed to reach the scheduler.",
        ),
        click.option(
            "--report-dir",
            metavar="DIR",
            default=None,
            help="With --cluster: each partition writes its JSON lines to its own file in DIR "
            "(a folder the workers see, or s3://...) instead of printing them, plus summary.json.",
        ),
        click.option(
            "--partition-size",
            type=click.IntRange(min=1),
            default=None,
            metavar="BYTES",
            help="With --cluster: partition size of an NDJSON file [default: 8 per worker, "
            "at most 4 MiB].",
        ),
        click.option(
            "--partition-items",
            type=click.IntRange(min=1),
            default=None,
            metavar="N",
            help="With --cluster: Items per partition of a pgstac database [default: 2000].",
        ),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def cluster_results(
    inputs: tuple[str, ...],
    renderer: Renderer,
    settings: ValidationOptions,
    *,
    cluster: str,
    cluster_timeout: float,
    report_dir: str | None,
    partition_size: int | None,
    partition_items: int | None,
    progress: bool | None,
) -> Iterator[Rendered]:
    """Run the validation on a cluster and yield what to print, partition by partition.

    Raises:
        ClusterCommandError: Dask is missing or the scheduler cannot be reached.
    """
    from rs_stac_ext.validator.cluster import (
        ClusterError,
        ClusterProgress,
        validate_on_cluster,
        validate_to_directory,
    )
    from rs_stac_ext.validator.report import Rendered

    meter = ClusterProgress(enabled=progress)
    try:
        if report_dir is not None:
            summary = validate_to_directory(
                inputs,
                report_dir,
                settings,
                cluster=cluster,
                connect_timeout=cluster_timeout,
                partition_bytes=partition_size,
                partition_items=partition_items,
                on_partition=meter,
            )
            yield Rendered(b"", summary.tally)
            return
        yield from validate_on_cluster(
            inputs,
            renderer,
            settings,
            cluster=cluster,
            connect_timeout=cluster_timeout,
            partition_bytes=partition_size,
            partition_items=partition_items,
            on_partition=meter,
        )
    except ClusterError as exc:
        raise ClusterCommandError(str(exc)) from None
    finally:
        meter.close()
