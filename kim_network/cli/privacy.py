"""`flask --app app kim purge-introductions`: the retention period for introduction messages."""
from __future__ import annotations

import click
from flask import current_app

from kim_network.cli.group import kim
from kim_network.extensions import get_store
from kim_network.services import privacy as service


@kim.command("purge-introductions")
@click.option("--days", type=click.IntRange(min=0), default=None,
              help="Retention in days (default: KIM_INTRO_RETENTION_DAYS, 365).")
def purge_introductions_command(days):
    """Delete the messages and replies of introductions older than the retention period.

    Status and dates stay, so the funnel keeps its counts. Idempotent; run it daily from cron.
    """
    retention = days if days is not None else int(current_app.config["INTRO_RETENTION_DAYS"])
    purged = service.purge_introduction_messages(get_store(), retention)
    click.echo(f"removed the texts of {purged} introductions older than {retention} days")
