"""The `flask --app app kim ...` commands: schema, data in and out, batch matching."""
from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from .extensions import get_store

kim = AppGroup("kim", help="KI.M Netzwerk administration.")


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


def init_app(app: Flask) -> None:
    from . import commands  # noqa: F401  (registers the feature commands on `kim`)

    app.cli.add_command(kim)
