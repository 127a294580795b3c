"""`kim seed-demo`: the fictional demo ecosystem for `make run`."""
from __future__ import annotations

import click

from kim_network.cli.group import kim
from kim_network.extensions import get_store


@kim.command("seed-demo")
@click.option("--force", is_flag=True, help="Seed even when the store already holds organisations.")
@click.option("--seed", "seed_value", type=int, default=None, help="Random seed (default 2026).")
def seed_demo_command(force, seed_value):
    """Fill the store with the fictional demo ecosystem, the taxonomy and three demo accounts."""
    from kim_network import demo
    from kim_network.core.model import Label
    from kim_network.store import StoreError

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
