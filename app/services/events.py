"""Events and webhooks: a transactional outbox that `flask storage worker` delivers, signed as Standard Webhooks.

`write` (called by `audit.record`) adds one `outbox_events` row per subscription (WEBHOOK_URLS) that wants the event
to the session of the change, so the event commits or rolls back with it. `deliver_due` is the worker's step: it
claims due events in one short transaction (FOR UPDATE SKIP LOCKED, and a lease in `claimed_until` that outlasts the
HTTP deadline, so two workers never deliver one event at once), commits, POSTs them with no transaction open, then
records each outcome in one more transaction. An event is claimed only when no earlier event of its file is still
pending for the same subscription, so a subscriber gets each file's events in order. A worker that dies mid-delivery
leaves its lease to expire and the event is delivered again: at-least-once, receivers deduplicate by `webhook-id`.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import logging
import os
import random
import socket
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from standardwebhooks import Webhook

from app.extensions import db
from app.models import AuditLog, OutboxEvent, OutboxStatus
from app.services.common import now, setting

log = logging.getLogger(__name__)

# (audited action, outcome) -> event type. Other audit rows (reads, refusals, lock renewals...) are no event.
EVENT_TYPES = {
    ("upload", "success"): "file.uploaded",
    ("upload_confirm", "success"): "file.uploaded",
    ("copy", "success"): "file.uploaded",
    ("commit", "success"): "version.committed",
    ("approve", "success"): "version.approved",
    ("reject", "success"): "version.rejected",
    ("delete", "success"): "file.deleted",
    ("lock", "success"): "lock.acquired",
    ("unlock", "success"): "lock.released",
    ("force_unlock", "success"): "lock.forced",
    ("upload_confirm", "rejected"): "upload.failed",  # a presigned upload failed the checks of confirm
    ("metadata_update", "success"): "metadata.updated",
    ("expire", "success"): "file.expired",  # the worker deleted a file past its expiry
    ("share_create", "success"): "share.created",
    ("share_revoke", "success"): "share.revoked",
    ("share_download", "success"): "share.downloaded",
    ("move", "success"): "file.moved",
    ("restore", "success"): "file.restored",  # out of the trash (app/services/trash.py)
    ("version_restore", "success"): "version.restored",  # an earlier version's bytes are the current version again
    ("trash_purge", "success"): "file.deleted",  # the worker purged a file deleted TRASH_RETENTION_DAYS ago
}
BATCH = 8  # events one claim takes and POSTs at once (at most one per file and subscription)
PASS_BUDGET = 30.0  # seconds one worker pass spends delivering before its other steps
LEASE_MARGIN = 5.0  # a claim lasts WEBHOOK_TIMEOUT plus this: every POST of the batch has ended by then
RETRY_CAP = 3600.0  # longest wait between two attempts, seconds
RETENTION = timedelta(days=7)  # delivered events are kept this long for inspection, then deleted
MAX_ANSWER = 64 * 1024  # bytes of a subscriber's answer read (and ignored)
MAX_ERROR = 500  # characters of the last error kept
USER_AGENT = "storage_service-webhooks"


# ------------------------------------------------------------------------------------------------------- writing


def write(row: AuditLog) -> None:
    """Add the event an audited change makes (if any) for every subscription that wants it; does not commit."""
    event_type = EVENT_TYPES.get((row.action, row.outcome))
    if event_type is None:
        return
    urls = [s["url"] for s in setting("WEBHOOK_URLS") if _wants(s, event_type)]
    if not urls:
        return
    event_id, moment = uuid.uuid4(), now()
    payload = {
        "id": str(event_id),
        "type": event_type,
        "timestamp": moment.isoformat(),
        "data": {
            "file_id": _text(row.file_id),
            "version_id": _text(row.version_id),
            "bucket_type": row.bucket_type,
            "bucket_id": row.bucket_id,
            "logical_path": row.logical_path,
            "actor": row.user_id,
            "action": row.action,
            "request_id": row.request_id,
            "details": row.details,
        },
    }
    for url in urls:
        db.session.add(
            OutboxEvent(
                event_id=event_id,
                subscription=url,
                type=event_type,
                file_id=row.file_id,
                payload=payload,
                status=OutboxStatus.pending,
                attempts=0,
                next_attempt_at=moment,
                created_at=moment,
            )
        )


def _wants(subscription: dict, event_type: str) -> bool:
    events = subscription.get("events") or ["*"]
    return "*" in events or event_type in events


def _text(value) -> str | None:
    return str(value) if value is not None else None


# ---------------------------------------------------------------------------------------------------- delivering


@dataclass(frozen=True)
class Claimed:
    """A claimed event as plain values, usable outside any transaction and app context."""

    seq: int
    event_id: str
    url: str
    secret: str | None  # None: the subscription is no longer configured
    body: str
    attempts: int  # including this one


@dataclass
class DeliveryReport:
    delivered: int = 0
    retried: int = 0  # failed, tried again later
    dead: int = 0  # failed for the last time: dead letters
    pruned: int = 0  # delivered events past RETENTION, deleted


def deliver_due(stop: threading.Event | None = None, budget: float = PASS_BUDGET) -> DeliveryReport:
    """One worker step: claim, POST and record due events until none is due, `stop` is set or `budget` seconds
    passed; then delete delivered events older than RETENTION."""
    report = DeliveryReport()
    worker = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    started = time.monotonic()
    while time.monotonic() - started < budget and not (stop is not None and stop.is_set()):
        claimed = _claim(worker)
        if not claimed:
            break
        timeouts = [setting("WEBHOOK_TIMEOUT")] * len(claimed)
        with ThreadPoolExecutor(max_workers=len(claimed), thread_name_prefix="webhook") as pool:
            errors = list(pool.map(_send, claimed, timeouts))
        _record(worker, claimed, errors, report)
    report.pruned = _prune()
    return report


def _claim(worker: str) -> list[Claimed]:
    """Lease up to BATCH due events, oldest first, each the first pending event of its file for its subscription."""
    moment = now()
    candidate, earlier = aliased(OutboxEvent), aliased(OutboxEvent)
    blocked = (
        sa.select(earlier.seq)
        .where(
            earlier.status == OutboxStatus.pending,
            earlier.subscription == candidate.subscription,
            earlier.file_id == candidate.file_id,  # events without a file (upload.failed) wait for none
            earlier.seq < candidate.seq,
        )
        .exists()
    )
    due = (
        sa.select(candidate.seq)
        .where(
            candidate.status == OutboxStatus.pending,
            candidate.next_attempt_at <= moment,
            sa.or_(candidate.claimed_until.is_(None), candidate.claimed_until <= moment),
            ~blocked,
        )
        .order_by(candidate.seq)
        .limit(BATCH)
        .with_for_update(of=candidate, skip_locked=True)  # rows another worker is claiming now are left to it
    )
    rows = db.session.execute(
        sa.update(OutboxEvent)
        .where(OutboxEvent.seq.in_(due.scalar_subquery()))
        .values(
            claimed_until=moment + timedelta(seconds=setting("WEBHOOK_TIMEOUT") + LEASE_MARGIN),
            claimed_by=worker,
            attempts=OutboxEvent.attempts + 1,  # counted now, so an event that kills its worker still runs out
        )
        .returning(
            OutboxEvent.seq, OutboxEvent.event_id, OutboxEvent.subscription, OutboxEvent.payload, OutboxEvent.attempts
        )
        .execution_options(synchronize_session=False)
    ).all()
    db.session.commit()
    secrets = {s["url"]: s["secret"] for s in setting("WEBHOOK_URLS")}
    return [
        Claimed(
            row.seq,
            str(row.event_id),
            row.subscription,
            secrets.get(row.subscription),
            _body(row.payload),
            row.attempts,
        )
        for row in sorted(rows, key=lambda row: row.seq)
    ]


def _body(payload: dict) -> str:
    return json.dumps(payload, separators=(",", ":"))


def _send(item: Claimed, timeout: float) -> str | None:
    if item.secret is None:
        return "the subscription is no longer in WEBHOOK_URLS"
    return post(item.url, item.secret, item.event_id, item.body, timeout)


def signed_headers(secret: str, event_id: str, body: str, moment: datetime) -> dict[str, str]:
    """The Standard Webhooks headers: `webhook-signature` is `v1,` + base64 HMAC-SHA256 of `id.timestamp.body`."""
    return {
        "webhook-id": event_id,
        "webhook-timestamp": str(int(moment.timestamp())),
        "webhook-signature": Webhook(secret).sign(event_id, moment, body),
    }


def post(url: str, secret: str, event_id: str, body: str, timeout: float) -> str | None:
    """POST one signed event, all of it within `timeout` seconds; None for a 2xx answer, else what went wrong.

    http.client's own timeout bounds each socket operation, not the call (a trickling server would stretch it past
    the lease): a timer shuts the socket down at the deadline. Redirects are not followed.
    """
    parts = urlsplit(url)
    connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = connection_class(parts.hostname, parts.port, timeout=timeout)
    expired = threading.Event()

    def cut() -> None:
        expired.set()
        sock = connection.sock  # None while connecting: connect's own timeout ends that, then `expired` is seen
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        # The timestamp is this attempt's (receivers reject stale ones), read from the wall clock receivers share.
        **signed_headers(secret, event_id, body, datetime.now(UTC)),
    }
    timer = threading.Timer(timeout, cut)
    timer.daemon = True
    timer.start()
    try:
        connection.connect()
        if expired.is_set():
            raise TimeoutError()
        connection.request(
            "POST", (parts.path or "/") + (f"?{parts.query}" if parts.query else ""), body.encode(), headers
        )
        response = connection.getresponse()
        response.read(MAX_ANSWER)
        status = response.status
    except (OSError, http.client.HTTPException) as exc:
        if expired.is_set():
            return f"no answer within WEBHOOK_TIMEOUT ({timeout:g} s)"
        return f"{type(exc).__name__}: {exc}"[:MAX_ERROR]
    finally:
        timer.cancel()
        connection.close()
    return None if 200 <= status < 300 else f"HTTP {status}"


def _record(worker: str, claimed: list[Claimed], errors: list[str | None], report: DeliveryReport) -> None:
    """Delivered, retried after a backoff, or dead: one transaction for the batch."""
    moment, limit = now(), setting("WEBHOOK_MAX_ATTEMPTS")
    released = {"claimed_until": None, "claimed_by": None}
    for item, error in zip(claimed, errors, strict=True):
        pending = sa.update(OutboxEvent).where(OutboxEvent.seq == item.seq, OutboxEvent.status == OutboxStatus.pending)
        if error is None:  # recorded even if the lease was lost meanwhile: it was delivered
            db.session.execute(
                pending.values(status=OutboxStatus.delivered, delivered_at=moment, last_error=None, **released)
            )
            report.delivered += 1
            continue
        dead = item.secret is None or item.attempts >= limit
        outcome = (
            {"status": OutboxStatus.dead}
            if dead
            else {"next_attempt_at": moment + timedelta(seconds=retry_delay(item.attempts))}
        )
        result = db.session.execute(  # only while still ours: a worker that took over after the lease decides
            pending.where(OutboxEvent.claimed_by == worker).values(last_error=error[:MAX_ERROR], **outcome, **released)
        )
        if result.rowcount:
            report.dead += dead
            report.retried += not dead
        log.warning(
            "webhook delivery failed%s",
            " for the last time: dead letter" if dead else "; will retry",
            extra={"event_id": item.event_id, "seq": item.seq, "attempts": item.attempts, "error": error},
        )
    db.session.commit()


def retry_delay(attempts: int) -> float:
    """Seconds before the next attempt: WEBHOOK_RETRY_BASE doubled per failed attempt, capped at RETRY_CAP, with
    jitter (a random half to all of it) so that a subscriber coming back is not hit by every retry at once."""
    delay = min(RETRY_CAP, setting("WEBHOOK_RETRY_BASE") * 2 ** min(attempts - 1, 32))
    return delay * random.uniform(0.5, 1.0)


def _prune() -> int:
    result = db.session.execute(
        sa.delete(OutboxEvent).where(
            OutboxEvent.status == OutboxStatus.delivered, OutboxEvent.delivered_at < now() - RETENTION
        )
    )
    db.session.commit()
    return result.rowcount


# ----------------------------------------------------------------------------------------------------- operating


def summary(limit: int) -> tuple[dict[str, int], list[sa.Row]]:
    """Events per status, and the newest `limit` dead letters (`flask storage events`)."""
    counts = dict.fromkeys(OutboxStatus.__members__, 0)
    for status, count in db.session.execute(
        sa.select(OutboxEvent.status, sa.func.count()).group_by(OutboxEvent.status)
    ):
        counts[str(status)] = count
    dead = db.session.execute(
        sa.select(
            OutboxEvent.seq,
            OutboxEvent.event_id,
            OutboxEvent.type,
            OutboxEvent.file_id,
            OutboxEvent.subscription,
            OutboxEvent.attempts,
            OutboxEvent.last_error,
            OutboxEvent.created_at,
        )
        .where(OutboxEvent.status == OutboxStatus.dead)
        .order_by(OutboxEvent.seq.desc())
        .limit(limit)
    ).all()
    db.session.commit()
    return counts, dead


def requeue_dead() -> int:
    """Queue every dead letter again, due now, its attempts starting over; how many."""
    result = db.session.execute(
        sa.update(OutboxEvent)
        .where(OutboxEvent.status == OutboxStatus.dead)
        .values(status=OutboxStatus.pending, attempts=0, next_attempt_at=now(), claimed_until=None, claimed_by=None)
    )
    db.session.commit()
    return result.rowcount
