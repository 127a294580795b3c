"""`kim build-projection`: build what every worker shares (the matching projection, the search
facet index and the analytics), once, for the current graph version."""
from __future__ import annotations

import time

import click

from kim_network.cli.group import kim
from kim_network.extensions import get_caches, get_store


@kim.command("build-projection")
@click.option("--analytics/--no-analytics", default=True,
              help="Also build the analytics snapshots (with their map layouts) of every visibility level.")
@click.option("--watch", type=click.FloatRange(min=1), default=None, metavar="SECONDS",
              help="Keep running: look for a new graph version every SECONDS and build it (a sidecar).")
def build_projection_command(analytics, watch):
    """Build the matching projection, the search index (and the analytics) into the shared folder.

    Run it after an import, or as the only builder with KIM_SHARED_BUILD=job (then with
    --watch, or from a timer). What is published already for the current graph version is
    kept; while another process builds a version, this waits for it instead of building it
    twice. Workers map the files.
    """
    from kim_network.store import StoreError

    caches, store = get_caches(), get_store()
    if caches.projection.shelf is None:
        raise click.UsageError("sharing is off (KIM_SHARED_DIR=off): nothing to build")
    jobs = [("projection", caches.projection, None), ("search index", caches.search, None)]
    if analytics:
        jobs += [("analytics", caches.analytics, level) for level in (0, 1, 2)]
    try:
        _build(store, jobs)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    while watch:
        time.sleep(watch)
        try:
            if any(cache.published_for(store, key) is None for _, cache, key in jobs):
                _build(store, jobs)
        except StoreError as exc:  # the store is away for a moment: the sidecar carries on
            click.echo(f"warning: {exc}", err=True)


def _build(store, jobs) -> None:
    from kim_network.services.caches import VersionedCache

    for name, cache, key in jobs:
        cache.may_build = True  # the job builds even where workers only map (KIM_SHARED_BUILD=job)
        started = time.perf_counter()
        VersionedCache.get(cache, store, key, wait=True)
        published = cache.published_for(store, key)
        where = f"{published.path} ({published.manifest['bytes'] / 1e6:.1f} MB, built in "\
                f"{published.manifest.get('build_seconds', 0):.1f} s)" if published else "memory only"
        label = name if key is None else f"{name} level {key}"
        click.echo(f"{label}: ready after {time.perf_counter() - started:.1f} s: {where}")
