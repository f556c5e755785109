from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="RestoredVersion")


@_attrs_define
class RestoredVersion:
    """
    Attributes:
        file_id (UUID | Unset):
        restored_from (int | Unset): The version number whose bytes were restored
        status (str | Unset):
        version_id (UUID | Unset):
        version_number (int | Unset):
    """

    file_id: UUID | Unset = UNSET
    restored_from: int | Unset = UNSET
    status: str | Unset = UNSET
    version_id: UUID | Unset = UNSET
    version_number: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        file_id: str | Unset = UNSET
        if not isinstance(self.file_id, Unset):
            file_id = str(self.file_id)

        restored_from = self.restored_from

        status = self.status

        version_id: str | Unset = UNSET
        if not isinstance(self.version_id, Unset):
            version_id = str(self.version_id)

        version_number = self.version_number

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if file_id is not UNSET:
            field_dict["file_id"] = file_id
        if restored_from is not UNSET:
            field_dict["restored_from"] = restored_from
        if status is not UNSET:
            field_dict["status"] = status
        if version_id is not UNSET:
            field_dict["version_id"] = version_id
        if version_number is not UNSET:
            field_dict["version_number"] = version_number

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

        restored_from = d.pop("restored_from", UNSET)

        status = d.pop("status", UNSET)

        _version_id = d.pop("version_id", UNSET)
        version_id: UUID | Unset
        if isinstance(_version_id, Unset):
            version_id = UNSET
        else:
            version_id = UUID(_version_id)

        version_number = d.pop("version_number", UNSET)

        restored_version = cls(
            file_id=file_id,
            restored_from=restored_from,
            status=status,
            version_id=version_id,
            version_number=version_number,
        )

        return restored_version
