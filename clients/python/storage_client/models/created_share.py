from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="CreatedShare")


@_attrs_define
class CreatedShare:
    """
    Attributes:
        bucket_id (str | Unset):
        bucket_type (str | Unset):
        created_at (datetime.datetime | Unset):
        created_by (str | Unset):
        download_count (int | Unset):
        expires_at (datetime.datetime | Unset):
        file_id (UUID | Unset):
        filename (str | Unset):
        id (UUID | Unset):
        logical_path (str | Unset):
        max_downloads (int | None | Unset):
        revoked_at (datetime.datetime | None | Unset):
        revoked_by (None | str | Unset):
        status (str | Unset): active, expired, revoked, used_up or file_gone (the file is in the trash or expired)
        token (str | Unset): Shown once: only its hash is stored
        url (str | Unset): {PUBLIC_CDN_BASE_URL or PUBLIC_BASE_URL or this server}/s/{token}
        version_id (UUID | Unset):
        version_number (int | Unset):
    """

    bucket_id: str | Unset = UNSET
    bucket_type: str | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    created_by: str | Unset = UNSET
    download_count: int | Unset = UNSET
    expires_at: datetime.datetime | Unset = UNSET
    file_id: UUID | Unset = UNSET
    filename: str | Unset = UNSET
    id: UUID | Unset = UNSET
    logical_path: str | Unset = UNSET
    max_downloads: int | None | Unset = UNSET
    revoked_at: datetime.datetime | None | Unset = UNSET
    revoked_by: None | str | Unset = UNSET
    status: str | Unset = UNSET
    token: str | Unset = UNSET
    url: str | Unset = UNSET
    version_id: UUID | Unset = UNSET
    version_number: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        bucket_id = self.bucket_id

        bucket_type = self.bucket_type

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        created_by = self.created_by

        download_count = self.download_count

        expires_at: str | Unset = UNSET
        if not isinstance(self.expires_at, Unset):
            expires_at = self.expires_at.isoformat()

        file_id: str | Unset = UNSET
        if not isinstance(self.file_id, Unset):
            file_id = str(self.file_id)

        filename = self.filename

        id: str | Unset = UNSET
        if not isinstance(self.id, Unset):
            id = str(self.id)

        logical_path = self.logical_path

        max_downloads: int | None | Unset
        if isinstance(self.max_downloads, Unset):
            max_downloads = UNSET
        else:
            max_downloads = self.max_downloads

        revoked_at: None | str | Unset
        if isinstance(self.revoked_at, Unset):
            revoked_at = UNSET
        elif isinstance(self.revoked_at, datetime.datetime):
            revoked_at = self.revoked_at.isoformat()
        else:
            revoked_at = self.revoked_at

        revoked_by: None | str | Unset
        if isinstance(self.revoked_by, Unset):
            revoked_by = UNSET
        else:
            revoked_by = self.revoked_by

        status = self.status

        token = self.token

        url = self.url

        version_id: str | Unset = UNSET
        if not isinstance(self.version_id, Unset):
            version_id = str(self.version_id)

        version_number = self.version_number

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if bucket_id is not UNSET:
            field_dict["bucket_id"] = bucket_id
        if bucket_type is not UNSET:
            field_dict["bucket_type"] = bucket_type
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if created_by is not UNSET:
            field_dict["created_by"] = created_by
        if download_count is not UNSET:
            field_dict["download_count"] = download_count
        if expires_at is not UNSET:
            field_dict["expires_at"] = expires_at
        if file_id is not UNSET:
            field_dict["file_id"] = file_id
        if filename is not UNSET:
            field_dict["filename"] = filename
        if id is not UNSET:
            field_dict["id"] = id
        if logical_path is not UNSET:
            field_dict["logical_path"] = logical_path
        if max_downloads is not UNSET:
            field_dict["max_downloads"] = max_downloads
        if revoked_at is not UNSET:
            field_dict["revoked_at"] = revoked_at
        if revoked_by is not UNSET:
            field_dict["revoked_by"] = revoked_by
        if status is not UNSET:
            field_dict["status"] = status
        if token is not UNSET:
            field_dict["token"] = token
        if url is not UNSET:
            field_dict["url"] = url
        if version_id is not UNSET:
            field_dict["version_id"] = version_id
        if version_number is not UNSET:
            field_dict["version_number"] = version_number

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        bucket_id = d.pop("bucket_id", UNSET)

        bucket_type = d.pop("bucket_type", UNSET)

        _created_at = d.pop("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at, Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(_created_at)

        created_by = d.pop("created_by", UNSET)

        download_count = d.pop("download_count", UNSET)

        _expires_at = d.pop("expires_at", UNSET)
        expires_at: datetime.datetime | Unset
        if isinstance(_expires_at, Unset):
            expires_at = UNSET
        else:
            expires_at = datetime.datetime.fromisoformat(_expires_at)

        _file_id = d.pop("file_id", UNSET)
        file_id: UUID | Unset
        if isinstance(_file_id, Unset):
            file_id = UNSET
        else:
            file_id = UUID(_file_id)

        filename = d.pop("filename", UNSET)

        _id = d.pop("id", UNSET)
        id: UUID | Unset
        if isinstance(_id, Unset):
            id = UNSET
        else:
            id = UUID(_id)

        logical_path = d.pop("logical_path", UNSET)

        def _parse_max_downloads(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        max_downloads = _parse_max_downloads(d.pop("max_downloads", UNSET))

        def _parse_revoked_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                revoked_at_type_0 = datetime.datetime.fromisoformat(data)

                return revoked_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        revoked_at = _parse_revoked_at(d.pop("revoked_at", UNSET))

        def _parse_revoked_by(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        revoked_by = _parse_revoked_by(d.pop("revoked_by", UNSET))

        status = d.pop("status", UNSET)

        token = d.pop("token", UNSET)

        url = d.pop("url", UNSET)

        _version_id = d.pop("version_id", UNSET)
        version_id: UUID | Unset
        if isinstance(_version_id, Unset):
            version_id = UNSET
        else:
            version_id = UUID(_version_id)

        version_number = d.pop("version_number", UNSET)

        created_share = cls(
            bucket_id=bucket_id,
            bucket_type=bucket_type,
            created_at=created_at,
            created_by=created_by,
            download_count=download_count,
            expires_at=expires_at,
            file_id=file_id,
            filename=filename,
            id=id,
            logical_path=logical_path,
            max_downloads=max_downloads,
            revoked_at=revoked_at,
            revoked_by=revoked_by,
            status=status,
            token=token,
            url=url,
            version_id=version_id,
            version_number=version_number,
        )

        return created_share
