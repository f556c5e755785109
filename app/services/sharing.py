"""Share links: a public URL to one file version, with an expiry and an optional download limit.

Only the SHA-256 of a token is stored: the token is shown once, at creation. A link serves while it is not revoked,
not expired, under its download limit and its file is live (not deleted, not expired); otherwise it is 404, the same
answer whatever the reason, so a token tells nothing about a file it no longer serves. The download limit is spent by
one conditional UPDATE, so of concurrent downloads of a link with one download left exactly one is served.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from app.errors import FileNotFound, InvalidState, NotFound, ObjectMissing, VersionNotFound
from app.extensions import db
from app.models import File, FileVersion, ShareLink, VersionStatus
from app.schemas.address import FileRef
from app.schemas.sharing import ShareCommand, SharesQuery
from app.services import audit
from app.services.common import expiry_seconds, find_version, load_authorized, now, open_object, physical_bucket
from app.services.content_types import safe_media_type
from app.services.context import Caller
from app.services.expiry import unexpired
from app.services.versions import mark_corrupted
from app.storage.base import ObjectNotFound, ObjectStream

TOKEN_BYTES = 32  # 256 random bits: never guessed, so a fast hash (not a password hash) is enough to store it
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{43}$")  # what secrets.token_urlsafe(TOKEN_BYTES) gives
GONE = "No such link, or it has expired, was revoked or has served its downloads."


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def share_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/s/{token}"


def create_share(caller: Caller, command: ShareCommand, base_url: str) -> dict:
    """POST /share: a link to one version of a live file. Publishing needs `write` on the file.

    Raises InvalidExpiry, AccessDenied, FileNotFound, VersionNotFound, InvalidState (a corrupted version).
    """
    expires_in = expiry_seconds(command.expires_in, bounds="SHARE")
    file = load_authorized(caller, command.ref, "write")
    if command.version_id is None:
        version = find_version(file, None)
    else:
        version = db.session.get(FileVersion, command.version_id)
        if version is None or version.file_id != file.id:
            raise VersionNotFound()
    if version.status == VersionStatus.corrupted:
        raise InvalidState("The version's content is missing: it cannot be shared.")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    link = ShareLink(
        id=uuid.uuid4(),
        token_hash=token_hash(token),
        file_id=file.id,
        version_id=version.id,
        created_by=caller.user_id,
        created_at=now(),
        expires_at=now() + timedelta(seconds=expires_in),
        max_downloads=command.max_downloads,
        download_count=0,
    )
    db.session.add(link)
    audit.record(
        caller,
        "share_create",
        file=file,
        version=version,
        share_id=str(link.id),
        expires_at=link.expires_at.isoformat(),
        max_downloads=link.max_downloads,
    )
    db.session.commit()
    return {**_shown(link, file, version), "token": token, "url": share_url(base_url, token)}


def _shown(link: ShareLink, file: File, version: FileVersion) -> dict:
    return {
        "id": link.id,
        "file_id": link.file_id,
        "version_id": link.version_id,
        "version_number": version.version_number,
        "bucket_type": str(file.bucket_type),
        "bucket_id": file.bucket_id,
        "logical_path": file.logical_path,
        "filename": file.filename,
        "created_by": link.created_by,
        "created_at": link.created_at,
        "expires_at": link.expires_at,
        "max_downloads": link.max_downloads,
        "download_count": link.download_count,
        "revoked_at": link.revoked_at,
        "revoked_by": link.revoked_by,
        "status": _status(link, file),
    }


def _status(link: ShareLink, file: File) -> str:
    if link.revoked_at is not None:
        return "revoked"
    if file.is_deleted or file.expires_at is not None and file.expires_at <= now():
        return "file_gone"  # in the trash or expired: the link answers 404 like any dead link
    if link.expires_at <= now():
        return "expired"
    if link.max_downloads is not None and link.download_count >= link.max_downloads:
        return "used_up"
    return "active"


def list_shares(caller: Caller, query: SharesQuery) -> dict:
    """GET /share: the links of one file (needs `write` on it), else the links the caller created; newest first.

    Raises AccessDenied, FileNotFound.
    """
    statement = (
        sa.select(ShareLink, File, FileVersion)
        .join(File, File.id == ShareLink.file_id)
        .join(FileVersion, FileVersion.id == ShareLink.version_id)
    )
    if query.ref is not None:
        file = load_authorized(caller, query.ref, "write")
        statement = statement.where(ShareLink.file_id == file.id)
    else:
        statement = statement.where(ShareLink.created_by == caller.user_id)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(statement.subquery()))
    rows = db.session.execute(
        statement.order_by(ShareLink.created_at.desc(), ShareLink.id).limit(query.limit).offset(query.offset)
    ).all()
    return {"shares": [_shown(*row) for row in rows], "total": total}


def revoke_share(caller: Caller, share_id: uuid.UUID) -> dict:
    """DELETE /share/{id}: the link stops serving at once. Its creator, or anyone with `write` on the file, may revoke
    it; revoking a revoked link changes nothing. Raises NotFound (also to a caller who may not read the file),
    AccessDenied."""
    link = db.session.scalars(sa.select(ShareLink).where(ShareLink.id == share_id).with_for_update()).first()
    if link is None:
        raise NotFound("No such share link.")
    if link.created_by == caller.user_id:
        file = db.session.get(File, link.file_id)
    else:  # a caller who may not read the file learns nothing of the link (404), one who may read it gets 403
        try:
            file = load_authorized(caller, FileRef(file_id=link.file_id), "write", include_deleted=True)
        except FileNotFound:
            raise NotFound("No such share link.") from None
    if link.revoked_at is None:
        link.revoked_at, link.revoked_by = now(), caller.user_id
        audit.record(
            caller,
            "share_revoke",
            file=file,
            version=db.session.get(FileVersion, link.version_id),
            share_id=str(link.id),
        )
    shown = _shown(link, file, db.session.get(FileVersion, link.version_id))
    db.session.commit()
    return shown


# --------------------------------------------------------------------------------------------- serving a link


@dataclass(frozen=True)
class SharedDownload:
    """Plain values of what a link serves: the response is built and streamed without the database session."""

    share_id: uuid.UUID
    filename: str
    mime_type: str
    size: int
    checksum_sha256: str
    expires_at: datetime
    limited: bool  # the link has a download limit (a shared cache must not keep its answer)


def _live_link(token: str, moment: datetime):
    """Conditions of a link that serves: its token, not revoked, not expired, and its file live."""
    live_file = (
        sa.select(File.id)
        .where(
            File.id == ShareLink.file_id,
            File.is_deleted.is_(False),
            unexpired(moment),
        )
        .exists()
    )
    return [
        ShareLink.token_hash == token_hash(token),
        ShareLink.revoked_at.is_(None),
        ShareLink.expires_at > moment,
        live_file,
    ]


def _serving(link_id: uuid.UUID) -> tuple[File, FileVersion]:
    version = db.session.scalars(
        sa.select(FileVersion).join(ShareLink, ShareLink.version_id == FileVersion.id).where(ShareLink.id == link_id)
    ).one()
    return version.file, version


def _download(link: ShareLink | sa.Row, file: File, version: FileVersion) -> SharedDownload:
    return SharedDownload(
        share_id=link.id,
        filename=file.filename,
        mime_type=safe_media_type(version.mime_type),
        size=version.size,
        checksum_sha256=version.checksum_sha256,
        expires_at=link.expires_at,
        limited=link.max_downloads is not None,
    )


def peek_share(token: str) -> SharedDownload:
    """HEAD /s/{token}: what the link would serve, without spending a download. Raises NotFound."""
    if not TOKEN_RE.fullmatch(token):
        raise NotFound(GONE)
    moment = now()
    link = db.session.scalars(
        sa.select(ShareLink).where(
            *_live_link(token, moment),
            sa.or_(ShareLink.max_downloads.is_(None), ShareLink.download_count < ShareLink.max_downloads),
        )
    ).first()
    if link is None:
        db.session.rollback()
        raise NotFound(GONE)
    shown = _download(link, *_serving(link.id))
    db.session.commit()
    return shown


def open_share(visitor: Caller, token: str) -> tuple[SharedDownload, ObjectStream]:
    """GET /s/{token}: spend one download of the link (one conditional UPDATE), open the version's object, record
    the download, commit; the bytes then stream with no transaction open.

    Raises NotFound for any link that does not serve (a missing object too: the version is marked corrupted and the
    download is not spent).
    """
    if not TOKEN_RE.fullmatch(token):
        raise NotFound(GONE)
    moment = now()
    spent = db.session.execute(
        sa.update(ShareLink)
        .where(
            *_live_link(token, moment),
            sa.or_(ShareLink.max_downloads.is_(None), ShareLink.download_count < ShareLink.max_downloads),
        )
        .values(download_count=ShareLink.download_count + 1)
        .returning(ShareLink.id, ShareLink.expires_at, ShareLink.max_downloads, ShareLink.download_count)
        .execution_options(synchronize_session=False)
    ).first()
    if spent is None:
        db.session.rollback()
        raise NotFound(GONE)
    file, version = _serving(spent.id)
    download = _download(spent, file, version)
    try:
        stream = open_object(physical_bucket(file.bucket_type), version.object_key, version.size)
    except ObjectNotFound:
        db.session.rollback()  # the download is not spent
        mark_corrupted(version.id, version.object_key)
        db.session.commit()
        raise NotFound(GONE) from ObjectMissing()
    try:
        audit.record(
            visitor,
            "share_download",
            file=file,
            version=version,
            share_id=str(spent.id),
            download_count=spent.download_count,
            max_downloads=spent.max_downloads,
        )
        db.session.commit()
    except BaseException:
        db.session.rollback()
        stream.close()
        raise
    return download, stream
