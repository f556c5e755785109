"""`flask storage ...` maintenance commands."""

import click
from flask import current_app
from flask.cli import AppGroup

storage = AppGroup("storage", help="Object store maintenance.")


@storage.command("init")
def init_buckets():
    """Create the configured buckets."""
    current_app.extensions["object_store"].ensure_buckets()
    click.echo("buckets ready")
