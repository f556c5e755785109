from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="LockResult")


@_attrs_define
class LockResult:
    """
    Attributes:
        expires_at (datetime.datetime | Unset):
        file_id (UUID | Unset):
        lock_id (UUID | Unset):
        locked_by (str | Unset):
    """

    expires_at: datetime.datetime | Unset = UNSET
    file_id: UUID | Unset = UNSET
    lock_id: UUID | Unset = UNSET
    locked_by: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        expires_at: str | Unset = UNSET
        if not isinstance(self.expires_at, Unset):
            expires_at = self.expires_at.isoformat()

        file_id: str | Unset = UNSET
        if not isinstance(self.file_id, Unset):
            file_id = str(self.file_id)

        lock_id: str | Unset = UNSET
        if not isinstance(self.lock_id, Unset):
            lock_id = str(self.lock_id)

        locked_by = self.locked_by

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if expires_at is not UNSET:
            field_dict["expires_at"] = expires_at
        if file_id is not UNSET:
            field_dict["file_id"] = file_id
        if lock_id is not UNSET:
            field_dict["lock_id"] = lock_id
        if locked_by is not UNSET:
            field_dict["locked_by"] = locked_by

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
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

        _lock_id = d.pop("lock_id", UNSET)
        lock_id: UUID | Unset
        if isinstance(_lock_id, Unset):
            lock_id = UNSET
        else:
            lock_id = UUID(_lock_id)

        locked_by = d.pop("locked_by", UNSET)

        lock_result = cls(
            expires_at=expires_at,
            file_id=file_id,
            lock_id=lock_id,
            locked_by=locked_by,
        )

        return lock_result
