from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="LockWithAddress")


@_attrs_define
class LockWithAddress:
    """
    Attributes:
        bucket_id (str | Unset):
        bucket_type (str | Unset):
        created_at (datetime.datetime | Unset):
        expires_at (datetime.datetime | Unset):
        file_id (UUID | Unset):
        id (UUID | Unset):
        lock_type (str | Unset):
        locked_by (str | Unset):
        logical_path (str | Unset):
        reason (None | str | Unset):
    """

    bucket_id: str | Unset = UNSET
    bucket_type: str | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    expires_at: datetime.datetime | Unset = UNSET
    file_id: UUID | Unset = UNSET
    id: UUID | Unset = UNSET
    lock_type: str | Unset = UNSET
    locked_by: str | Unset = UNSET
    logical_path: str | Unset = UNSET
    reason: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        bucket_id = self.bucket_id

        bucket_type = self.bucket_type

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        expires_at: str | Unset = UNSET
        if not isinstance(self.expires_at, Unset):
            expires_at = self.expires_at.isoformat()

        file_id: str | Unset = UNSET
        if not isinstance(self.file_id, Unset):
            file_id = str(self.file_id)

        id: str | Unset = UNSET
        if not isinstance(self.id, Unset):
            id = str(self.id)

        lock_type = self.lock_type

        locked_by = self.locked_by

        logical_path = self.logical_path

        reason: None | str | Unset
        if isinstance(self.reason, Unset):
            reason = UNSET
        else:
            reason = self.reason

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if bucket_id is not UNSET:
            field_dict["bucket_id"] = bucket_id
        if bucket_type is not UNSET:
            field_dict["bucket_type"] = bucket_type
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if expires_at is not UNSET:
            field_dict["expires_at"] = expires_at
        if file_id is not UNSET:
            field_dict["file_id"] = file_id
        if id is not UNSET:
            field_dict["id"] = id
        if lock_type is not UNSET:
            field_dict["lock_type"] = lock_type
        if locked_by is not UNSET:
            field_dict["locked_by"] = locked_by
        if logical_path is not UNSET:
            field_dict["logical_path"] = logical_path
        if reason is not UNSET:
            field_dict["reason"] = reason

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

        _id = d.pop("id", UNSET)
        id: UUID | Unset
        if isinstance(_id, Unset):
            id = UNSET
        else:
            id = UUID(_id)

        lock_type = d.pop("lock_type", UNSET)

        locked_by = d.pop("locked_by", UNSET)

        logical_path = d.pop("logical_path", UNSET)

        def _parse_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reason = _parse_reason(d.pop("reason", UNSET))

        lock_with_address = cls(
            bucket_id=bucket_id,
            bucket_type=bucket_type,
            created_at=created_at,
            expires_at=expires_at,
            file_id=file_id,
            id=id,
            lock_type=lock_type,
            locked_by=locked_by,
            logical_path=logical_path,
            reason=reason,
        )

        return lock_with_address
