from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="UnlockResult")


@_attrs_define
class UnlockResult:
    """
    Attributes:
        file_id (UUID | Unset):
        forced (bool | Unset):
        lock_id (UUID | Unset):
        original_holder (str | Unset):
        released_by (str | Unset):
    """

    file_id: UUID | Unset = UNSET
    forced: bool | Unset = UNSET
    lock_id: UUID | Unset = UNSET
    original_holder: str | Unset = UNSET
    released_by: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        file_id: str | Unset = UNSET
        if not isinstance(self.file_id, Unset):
            file_id = str(self.file_id)

        forced = self.forced

        lock_id: str | Unset = UNSET
        if not isinstance(self.lock_id, Unset):
            lock_id = str(self.lock_id)

        original_holder = self.original_holder

        released_by = self.released_by

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if file_id is not UNSET:
            field_dict["file_id"] = file_id
        if forced is not UNSET:
            field_dict["forced"] = forced
        if lock_id is not UNSET:
            field_dict["lock_id"] = lock_id
        if original_holder is not UNSET:
            field_dict["original_holder"] = original_holder
        if released_by is not UNSET:
            field_dict["released_by"] = released_by

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        _file_id = d.pop("file_id", UNSET)
        file_id: UUID | Unset
        if isinstance(_file_id, Unset):
            file_id = UNSET
        else:
            file_id = UUID(_file_id)

        forced = d.pop("forced", UNSET)

        _lock_id = d.pop("lock_id", UNSET)
        lock_id: UUID | Unset
        if isinstance(_lock_id, Unset):
            lock_id = UNSET
        else:
            lock_id = UUID(_lock_id)

        original_holder = d.pop("original_holder", UNSET)

        released_by = d.pop("released_by", UNSET)

        unlock_result = cls(
            file_id=file_id,
            forced=forced,
            lock_id=lock_id,
            original_holder=original_holder,
            released_by=released_by,
        )

        return unlock_result
