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


@storage.command("gc")
def gc():
    """Expire stale upload intents, delete expired files, drain the object deletion queue, abort abandoned
    incomplete uploads."""
    from app.services.maintenance import collect_garbage

    _echo_gc(collect_garbage())


def _echo_gc(report) -> None:
    click.echo(f"expired upload intents: {report.expired_intents}")
    click.echo(f"expired files deleted: {report.expired_files}")
    click.echo(f"trash purged (files): {report.purged_trash}")
    click.echo(f"deleted objects: {report.deleted_objects}")
    click.echo(f"failed deletions (still queued): {report.failed_deletions}")
    click.echo(f"aborted incomplete uploads: {report.aborted_uploads}")
    click.echo(f"failed aborts (found again next run): {report.failed_aborts}")


@storage.command("worker")
@click.option(
    "--max-iterations",
    type=click.IntRange(min=1),
    default=None,
    help="Stop after this many passes (default: run until SIGTERM or SIGINT).",
)
def worker(max_iterations):
    """Complete presigned uploads nobody confirmed, collect garbage and deliver webhooks, every WORKER_INTERVAL s."""
    import signal
    import threading

    from app.observability import serve_worker_metrics
    from app.services.maintenance import run_worker

    stop = threading.Event()
    handlers = {}
    if threading.current_thread() is threading.main_thread():  # signals reach only the main thread
        for number in (signal.SIGTERM, signal.SIGINT):
            handlers[number] = signal.signal(number, lambda *_: stop.set())  # finish the step, then stop

    def report(number, completion, garbage, deliveries):
        outcomes = ", ".join(f"{outcome}: {count}" for outcome, count in completion.outcomes.items())
        click.echo(f"pass {number}: uploads {outcomes}")
        _echo_gc(garbage)
        click.echo(
            f"webhooks delivered: {deliveries.delivered}, retried: {deliveries.retried}, "
            f"dead letters: {deliveries.dead}"
        )

    metrics = serve_worker_metrics(current_app)  # WORKER_METRICS_PORT
    try:
        passes = run_worker(max_iterations=max_iterations, stop=stop, on_pass=report)
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)
        if metrics is not None:
            metrics.shutdown()
            metrics.server_close()
    click.echo(f"worker stopped after {passes} passes")


@storage.command("events")
@click.option("--retry", is_flag=True, help="Queue every dead letter again; its attempts start over.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(min=1), help="Dead letters listed.")
def events(retry, limit):
    """Webhook events per status and the dead letters (events no subscriber accepted), newest first."""
    from urllib.parse import urlsplit

    from app.services.events import requeue_dead, summary

    if retry:
        click.echo(f"dead letters queued again: {requeue_dead()}")
    counts, dead = summary(limit)
    click.echo(", ".join(f"{status}: {count}" for status, count in counts.items()))
    for row in dead:
        url = urlsplit(row.subscription)  # no credentials or query strings on a terminal
        click.echo(
            f"dead letter {row.seq}: {row.type} {row.event_id} file {row.file_id or '-'} "
            f"to {url.scheme}://{url.hostname}{f':{url.port}' if url.port else ''}{url.path} "
            f"after {row.attempts} attempts, written {row.created_at.isoformat()}: {row.last_error}"
        )


@storage.command("reconcile")
@click.option(
    "--fix",
    is_flag=True,
    help="Mark versions with a missing object corrupted; delete orphan objects; abort abandoned incomplete uploads.",
)
def reconcile(fix):
    """Report drift between metadata and objects; exit status 1 when drift is found without --fix."""
    from app.services.maintenance import reconcile as run

    report = run(fix=fix)
    click.echo(f"checked {report.checked_versions} versions and {report.checked_objects} objects")
    for drift in report.missing_objects:
        action = "marked corrupted" if fix else "missing"
        click.echo(f"missing object: {drift.bucket}/{drift.object_key} ({drift.detail}) [{action}]")
    for drift in report.orphan_objects:
        action = "deleted" if fix else "orphan"
        click.echo(f"orphan object: {drift.bucket}/{drift.object_key} ({drift.detail}) [{action}]")
    for drift in report.incomplete_uploads:
        action = "aborted" if fix else "incomplete"
        click.echo(f"incomplete upload: {drift.bucket}/{drift.object_key} ({drift.detail}) [{action}]")
    click.echo(
        f"missing: {len(report.missing_objects)}, orphans: {len(report.orphan_objects)}, "
        f"incomplete uploads: {len(report.incomplete_uploads)}"
    )
    if report.drift and not fix:
        raise SystemExit(1)


@storage.command("token")
@click.option("--user", "user_id", required=True, help="User id (the `sub` claim).")
@click.option("--company", "company_id", default=None, help="Company id (the `company_id` claim).")
@click.option("--roles", multiple=True, help="A role, or several separated by commas (repeatable), e.g. admin.")
@click.option("--ttl", default=3600, show_default=True, type=click.IntRange(min=1), help="Lifetime in seconds.")
def token(user_id, company_id, roles, ttl):
    """Print a signed JWT for local use; refused where DEV_TOKEN_COMMAND is off (always in production)."""
    from app.auth.tokens import MintingRefused, mint_development_token

    role_list = tuple(r.strip() for value in roles for r in value.split(",") if r.strip())
    try:
        click.echo(mint_development_token(current_app.config, user_id, company_id, role_list, ttl))
    except MintingRefused as exc:
        raise click.ClickException(str(exc)) from None
