"""Feature commands registered on the `kim` group (importers, demo data, matching)."""

from .importers import commands as _importer_commands  # noqa: E402,F401  (import-cordis, import, export)
from .privacy import commands as _privacy_commands  # noqa: E402,F401  (purge-introductions)
from .introductions import commands as _introduction_commands  # noqa: E402,F401  (remind-introductions)
from .auth import commands as _auth_commands  # noqa: E402,F401  (create-account)


# -- demo data --------------------------------------------------------------------------
import click  # noqa: E402

from .cli import kim  # noqa: E402
from .extensions import get_store  # noqa: E402


@kim.command("seed-demo")
@click.option("--force", is_flag=True, help="Seed even when the store already holds organisations.")
@click.option("--seed", "seed_value", type=int, default=None, help="Random seed (default 2026).")
def seed_demo_command(force, seed_value):
    """Fill the store with the fictional demo ecosystem, the taxonomy and three demo accounts."""
    from . import demo
    from .model import Label
    from .store import StoreError

    store = get_store()
    try:
        store.migrate()
        existing = store.count_nodes(Label.ORGANIZATION)
        if existing and not force:
            click.echo(f"the store already holds {existing:,} organisations; nothing seeded "
                       "(use --force to write the demo data anyway)")
            return
        counts = demo.seed(store, demo.DEFAULT_SEED if seed_value is None else seed_value)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    width = max(len(name) for name in counts)
    for name, count in counts.items():
        click.echo(f"  {name:<{width}}  {count:>6,}")
    click.echo("demo accounts (local use only):")
    for _, email, password, role, *_ in demo.DEMO_ACCOUNTS:
        click.echo(f"  {role:<6}  {email}  {password}")


# -- batch matching ------------------------------------------------------------------------
@kim.command("partners")
@click.argument("queries", type=click.File("r", encoding="utf-8"))
@click.option("--out", "out_path", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write the rankings here (JSON Lines); default: standard output.")
def partners_command(queries, out_path):
    """Rank partner organisations for each project query in QUERIES.jsonl.

    Each line: {"id", "title", "keywords", "objective", "topic", "topic_title", "euroscivoc",
    "partners", "k"}; each output line: {"id", "ranking": [{"id", "score", "reasons"}]}.
    Unknown partner ids are ignored with a warning; a bad line gets an "error" and the rest go on.
    """
    from flask import current_app

    from .matching import batch
    from .matching.cache import projection_for
    from .store import StoreError
    from .visibility import STAFF

    try:
        proj = projection_for(get_store(), wait=True)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    warn = lambda message: click.echo(f"warning: {message}", err=True)  # noqa: E731
    boosts = dict(sme_boost=current_app.config.get("SME_BOOST", 0.0),
                  newcomer_boost=current_app.config.get("NEWCOMER_BOOST", 0.0))
    # The batch runs on the operator's own store: staff visibility, like the importer.
    if out_path:
        with open(out_path, "w", encoding="utf-8") as out:
            counts = batch.run(proj, queries, out, STAFF, warn=warn, **boosts)
    else:
        counts = batch.run(proj, queries, click.get_text_stream("stdout"), STAFF, warn=warn, **boosts)
    click.echo(f"{counts['answered']} queries answered, {counts['failed']} failed", err=True)
