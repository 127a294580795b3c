"""`kim partners`: batch partner rankings for project queries (the evaluation's entry point)."""
from __future__ import annotations

import click

from kim_network.cli.group import kim
from kim_network.extensions import get_caches, get_store


@kim.command("partners")
@click.argument("queries", type=click.File("r", encoding="utf-8"))
@click.option("--out", "out_path", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write the rankings here (JSON Lines); default: standard output.")
@click.option("--timings", is_flag=True,
              help="Also print how long the projection, the models and the ranking took (to standard error).")
def partners_command(queries, out_path, timings):
    """Rank partner organisations for each project query in QUERIES.jsonl.

    Each line: {"id", "title", "keywords", "objective", "topic", "topic_title", "euroscivoc",
    "partners", "k"}; each output line: {"id", "ranking": [{"id", "score", "reasons"}]}.
    Unknown partner ids are ignored with a warning; a bad line gets an "error" and the rest go on.
    """
    import time

    from kim_network.core.visibility import STAFF
    from kim_network.matching import batch, ltr_model
    from kim_network.store import StoreError

    started = time.perf_counter()
    try:
        proj = get_caches().projection.get(get_store(), wait=True)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    mapped = time.perf_counter()
    if timings:  # otherwise each model is loaded when the first query of its task comes
        for task in ltr_model.TASKS:
            ltr_model.load_model(task)
    loaded = time.perf_counter()
    warn = lambda message: click.echo(f"warning: {message}", err=True)  # noqa: E731
    # The batch runs on the operator's own store: staff visibility, like the importer. It ranks
    # exactly as scripts/evaluate.py measures: no SME/newcomer boosts (those are for the pages).
    if out_path:
        with open(out_path, "w", encoding="utf-8") as out:
            counts = batch.run(proj, queries, out, STAFF, warn=warn)
    else:
        counts = batch.run(proj, queries, click.get_text_stream("stdout"), STAFF, warn=warn)
    click.echo(f"{counts['answered']} queries answered, {counts['failed']} failed", err=True)
    if timings:
        ranked = time.perf_counter()
        click.echo(f"timings: projection {mapped - started:.2f} s, models {loaded - mapped:.2f} s, "
                   f"ranking and writing {ranked - loaded:.2f} s", err=True)
