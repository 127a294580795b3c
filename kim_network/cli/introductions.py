"""CLI: `kim remind-introductions` (cron-safe: each open request is reminded once).

The retention command `kim purge-introductions` lives in `kim_network.web.privacy`.
"""
from __future__ import annotations

import click
from flask import current_app

from kim_network.cli.group import kim
from kim_network.extensions import get_store
from kim_network.web.mail import send_mail
from kim_network.services import introduction_upkeep as upkeep


@kim.command("remind-introductions")
@click.option("--days", type=click.IntRange(min=0), default=None,
              help="Remind after this many days without an answer (default: INTRO_REMINDER_DAYS).")
@click.option("--base-url", default="", help="Prefix for links in the mails (default: KIM_BASE_URL)")
def remind_introductions(days, base_url):
    """Remind organisations of requests they have not answered. Each request is reminded once."""
    days = current_app.config["INTRO_REMINDER_DAYS"] if days is None else days
    base_url = (base_url or current_app.config.get("KIM_BASE_URL") or "").rstrip("/")
    if not base_url:
        raise click.UsageError("the reminders link to the platform: set KIM_BASE_URL or give --base-url")
    sent = upkeep.remind_unanswered(get_store(), days, mailer=send_mail, base_url=base_url)
    click.echo(f"reminded {sent} open introduction request(s) older than {days} days")
