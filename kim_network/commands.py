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
