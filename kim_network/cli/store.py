"""Schema and data-wide commands: `kim migrate`, `kim reset`."""
from __future__ import annotations

import click

from kim_network.cli.group import kim
from kim_network.extensions import get_store


def ensure_schema(store) -> None:
    """Apply missing migrations (idempotent) and say which, so a first import needs no extra step."""
    for name in store.migrate():
        click.echo(f"applied migration {name}", err=True)


@kim.command("migrate")
def migrate_command():
    """Apply the schema migrations that are missing (idempotent)."""
    store = get_store()
    applied = store.migrate()
    if applied:
        for name in applied:
            click.echo(f"applied {name}")
    else:
        click.echo("schema is up to date")
    click.echo(f"{store.backend}: {len(store.applied_migrations())} migrations recorded")


@kim.command("reset")
@click.option("--yes", is_flag=True, help="Confirm that every node and relationship is deleted.")
def reset_command(yes):
    """Delete all data in the configured store (keeps the schema)."""
    if not yes:
        raise click.UsageError("this deletes all data; repeat with --yes")
    get_store().clear()
    click.echo("store cleared")
