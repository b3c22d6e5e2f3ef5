"""Commands of the web application: `serve` and the `users` who may sign in to it."""

from __future__ import annotations

import click

from . import Context, cli, pass_ctx


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; one other machines reach needs users (`digitize users add`).")
@click.option("--port", type=click.IntRange(1, 65535), default=8080, show_default=True, help="Port.")
@click.option("--secure-cookies", is_flag=True,
              help="Send the session cookie over HTTPS only (TLS in front).")
@pass_ctx
def serve(obj: Context, host: str, port: int, secure_cookies: bool) -> None:
    """The archive in a browser: review with the page in view, search, read; JSON too."""
    from ..web import server

    app = server.prepare(obj.archive, host=host, secure_cookies=secure_cookies)
    shown = f"[{host}]" if ":" in host else host
    if not obj.quiet:
        click.echo(f"digitize serve: http://{shown}:{port}/  (Ctrl-C stops it)")
    server.run(app, host=host, port=port, quiet=obj.quiet)


@cli.group("users")
def users_group() -> None:
    """Who may sign in to `digitize serve` (văn thư: review and edit; cán bộ: search and read)."""


def _new_password() -> str:
    return str(click.prompt("password", hide_input=True, confirmation_prompt=True))


@users_group.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(["van-thu", "can-bo"]), required=True,
              help="van-thu: review and edit; can-bo: search and read.")
@pass_ctx
def users_add(obj: Context, name: str, role: str) -> None:
    """Add a user; the password is asked (twice)."""
    from ..pipelines import access

    access.add_user(obj.archive, name, role, _new_password())
    click.echo(f"user {name} added ({role})")


@users_group.command("remove")
@click.argument("name")
@pass_ctx
def users_remove(obj: Context, name: str) -> None:
    """Remove a user (their past edits and reads stay in the history)."""
    from ..pipelines import access

    access.remove_user(obj.archive, name)
    click.echo(f"user {name} removed")


@users_group.command("passwd")
@click.argument("name")
@pass_ctx
def users_passwd(obj: Context, name: str) -> None:
    """Set a user's password (asked twice)."""
    from ..pipelines import access

    access.set_password(obj.archive, name, _new_password())
    click.echo(f"password of {name} changed")


@users_group.command("token")
@click.argument("name")
@pass_ctx
def users_token(obj: Context, name: str) -> None:
    """A new API token (Authorization: Bearer TOKEN) for scripts; the old one stops working."""
    from ..pipelines import access

    click.echo(access.new_token(obj.archive, name))


@users_group.command("list")
@pass_ctx
def users_list(obj: Context) -> None:
    """The users, their roles, and whether they have an API token."""
    from ..pipelines import access

    for name, role, has_token in access.list_users(obj.reading):
        click.echo(f"{name}\t{role}{chr(9) + 'token' if has_token else ''}")
