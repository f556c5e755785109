from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="LockHistory")


@_attrs_define
class LockHistory:
    """
    Attributes:
        created_at (datetime.datetime | Unset):
        expires_at (datetime.datetime | Unset):
        file_id (UUID | Unset):
        forced (bool | Unset):
        id (UUID | Unset):
        lock_type (str | Unset):
        locked_by (str | Unset):
        reason (None | str | Unset):
        release_reason (None | str | Unset):
        released_at (datetime.datetime | None | Unset):
        released_by (None | str | Unset):
    """

    created_at: datetime.datetime | Unset = UNSET
    expires_at: datetime.datetime | Unset = UNSET
    file_id: UUID | Unset = UNSET
    forced: bool | Unset = UNSET
    id: UUID | Unset = UNSET
    lock_type: str | Unset = UNSET
    locked_by: str | Unset = UNSET
    reason: None | str | Unset = UNSET
    release_reason: None | str | Unset = UNSET
    released_at: datetime.datetime | None | Unset = UNSET
    released_by: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        expires_at: str | Unset = UNSET
        if not isinstance(self.expires_at, Unset):
            expires_at = self.expires_at.isoformat()

        file_id: str | Unset = UNSET
        if not isinstance(self.file_id, Unset):
            file_id = str(self.file_id)

        forced = self.forced

        id: str | Unset = UNSET
        if not isinstance(self.id, Unset):
            id = str(self.id)

        lock_type = self.lock_type

        locked_by = self.locked_by

        reason: None | str | Unset
        if isinstance(self.reason, Unset):
            reason = UNSET
        else:
            reason = self.reason

        release_reason: None | str | Unset
        if isinstance(self.release_reason, Unset):
            release_reason = UNSET
        else:
            release_reason = self.release_reason

        released_at: None | str | Unset
        if isinstance(self.released_at, Unset):
            released_at = UNSET
        elif isinstance(self.released_at, datetime.datetime):
            released_at = self.released_at.isoformat()
        else:
            released_at = self.released_at

        released_by: None | str | Unset
        if isinstance(self.released_by, Unset):
            released_by = UNSET
        else:
            released_by = self.released_by

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if expires_at is not UNSET:
            field_dict["expires_at"] = expires_at
        if file_id is not UNSET:
            field_dict["file_id"] = file_id
        if forced is not UNSET:
            field_dict["forced"] = forced
        if id is not UNSET:
            field_dict["id"] = id
        if lock_type is not UNSET:
            field_dict["lock_type"] = lock_type
        if locked_by is not UNSET:
            field_dict["locked_by"] = locked_by
        if reason is not UNSET:
            field_dict["reason"] = reason
        if release_reason is not UNSET:
            field_dict["release_reason"] = release_reason
        if released_at is not UNSET:
            field_dict["released_at"] = released_at
        if released_by is not UNSET:
            field_dict["released_by"] = released_by

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
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

        forced = d.pop("forced", UNSET)

        _id = d.pop("id", UNSET)
        id: UUID | Unset
        if isinstance(_id, Unset):
            id = UNSET
        else:
            id = UUID(_id)

        lock_type = d.pop("lock_type", UNSET)

        locked_by = d.pop("locked_by", UNSET)

        def _parse_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reason = _parse_reason(d.pop("reason", UNSET))

        def _parse_release_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        release_reason = _parse_release_reason(d.pop("release_reason", UNSET))

        def _parse_released_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                released_at_type_0 = datetime.datetime.fromisoformat(data)

                return released_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        released_at = _parse_released_at(d.pop("released_at", UNSET))

        def _parse_released_by(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        released_by = _parse_released_by(d.pop("released_by", UNSET))

        lock_history = cls(
            created_at=created_at,
            expires_at=expires_at,
            file_id=file_id,
            forced=forced,
            id=id,
            lock_type=lock_type,
            locked_by=locked_by,
            reason=reason,
            release_reason=release_reason,
            released_at=released_at,
            released_by=released_by,
        )

        return lock_history
