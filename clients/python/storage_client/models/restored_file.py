from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="RestoredFile")


@_attrs_define
class RestoredFile:
    """
    Attributes:
        file_id (UUID | Unset):
        logical_path (str | Unset):
        status (str | Unset):
    """

    file_id: UUID | Unset = UNSET
    logical_path: str | Unset = UNSET
    status: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        file_id: str | Unset = UNSET
        if not isinstance(self.file_id, Unset):
            file_id = str(self.file_id)

        logical_path = self.logical_path

        status = self.status

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if file_id is not UNSET:
            field_dict["file_id"] = file_id
        if logical_path is not UNSET:
            field_dict["logical_path"] = logical_path
        if status is not UNSET:
            field_dict["status"] = status

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

        logical_path = d.pop("logical_path", UNSET)

        status = d.pop("status", UNSET)

        restored_file = cls(
            file_id=file_id,
            logical_path=logical_path,
            status=status,
        )

        return restored_file
