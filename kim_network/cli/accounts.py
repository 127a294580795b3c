"""`kim create-account`: the first staff or admin account (and any other) from the command line."""
from __future__ import annotations

import click

from kim_network.cli.group import kim
from kim_network.extensions import get_store
from kim_network.core.model import ROLES
from kim_network.services import accounts as service


@kim.command("create-account")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), default="member", show_default=True)
@click.option("--name", default=None, help="Display name (default: the part of the e-mail before @).")
@click.option("--organization-id", default=None, help="Id of the account's organisation, if any.")
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    envvar="KIM_ACCOUNT_PASSWORD",
    help="Prompted for when not given; or set KIM_ACCOUNT_PASSWORD.",
)
def create_account_command(email, role, name, organization_id, password):
    """Create an approved account, e.g. `kim create-account team@ki-m.example --role admin`."""
    try:
        account = service.create_account(
            get_store(),
            email,
            password,
            name=name or email.split("@")[0],
            role=role,
            organization_id=organization_id,
            approved=True,
        )
    except service.AccountError as exc:
        raise click.ClickException(str(exc.message)) from None
    click.echo(f"created {account['role']} account {account['email']} ({account['id']})")


@kim.command("set-role")
@click.argument("email")
@click.argument("role", type=click.Choice(ROLES))
@click.option("--actor", default="cli", show_default=True, help="Who asks for the change (for the audit log).")
def set_role_command(email, role, actor):
    """Change an account's role (member, staff, admin); recorded in the audit log."""
    from kim_network.services import audit
    from kim_network.core.model import Label

    store = get_store()
    account = service.find_account_by_email(store, email)
    if account is None:
        raise click.ClickException(f"no account with the e-mail address {email}")
    old = account.get("role")
    if old == role:
        click.echo(f"{account['email']} already has the role {role}")
        return
    store.update_node(Label.ACCOUNT, account["id"], {"role": role})
    audit.record(store, actor, "account.role", account["id"], {"from": old, "to": role})
    click.echo(f"{account['email']}: role {old} -> {role}")
