from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="CopyResult")


@_attrs_define
class CopyResult:
    """
    Attributes:
        base_version_number (int | Unset):
        destination_path (str | Unset):
        file_id (UUID | Unset):
        lock_expires_at (datetime.datetime | None | Unset):
        lock_id (None | Unset | UUID):
        source_file_id (UUID | Unset):
    """

    base_version_number: int | Unset = UNSET
    destination_path: str | Unset = UNSET
    file_id: UUID | Unset = UNSET
    lock_expires_at: datetime.datetime | None | Unset = UNSET
    lock_id: None | Unset | UUID = UNSET
    source_file_id: UUID | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        base_version_number = self.base_version_number

        destination_path = self.destination_path

        file_id: str | Unset = UNSET
        if not isinstance(self.file_id, Unset):
            file_id = str(self.file_id)

        lock_expires_at: None | str | Unset
        if isinstance(self.lock_expires_at, Unset):
            lock_expires_at = UNSET
        elif isinstance(self.lock_expires_at, datetime.datetime):
            lock_expires_at = self.lock_expires_at.isoformat()
        else:
            lock_expires_at = self.lock_expires_at

        lock_id: None | str | Unset
        if isinstance(self.lock_id, Unset):
            lock_id = UNSET
        elif isinstance(self.lock_id, UUID):
            lock_id = str(self.lock_id)
        else:
            lock_id = self.lock_id

        source_file_id: str | Unset = UNSET
        if not isinstance(self.source_file_id, Unset):
            source_file_id = str(self.source_file_id)

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if base_version_number is not UNSET:
            field_dict["base_version_number"] = base_version_number
        if destination_path is not UNSET:
            field_dict["destination_path"] = destination_path
        if file_id is not UNSET:
            field_dict["file_id"] = file_id
        if lock_expires_at is not UNSET:
            field_dict["lock_expires_at"] = lock_expires_at
        if lock_id is not UNSET:
            field_dict["lock_id"] = lock_id
        if source_file_id is not UNSET:
            field_dict["source_file_id"] = source_file_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        base_version_number = d.pop("base_version_number", UNSET)

        destination_path = d.pop("destination_path", UNSET)

        _file_id = d.pop("file_id", UNSET)
        file_id: UUID | Unset
        if isinstance(_file_id, Unset):
            file_id = UNSET
        else:
            file_id = UUID(_file_id)

        def _parse_lock_expires_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                lock_expires_at_type_0 = datetime.datetime.fromisoformat(data)

                return lock_expires_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        lock_expires_at = _parse_lock_expires_at(d.pop("lock_expires_at", UNSET))

        def _parse_lock_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                lock_id_type_0 = UUID(data)

                return lock_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        lock_id = _parse_lock_id(d.pop("lock_id", UNSET))

        _source_file_id = d.pop("source_file_id", UNSET)
        source_file_id: UUID | Unset
        if isinstance(_source_file_id, Unset):
            source_file_id = UNSET
        else:
            source_file_id = UUID(_source_file_id)

        copy_result = cls(
            base_version_number=base_version_number,
            destination_path=destination_path,
            file_id=file_id,
            lock_expires_at=lock_expires_at,
            lock_id=lock_id,
            source_file_id=source_file_id,
        )

        return copy_result
