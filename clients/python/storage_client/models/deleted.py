from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="Deleted")


@_attrs_define
class Deleted:
    """
    Attributes:
        file_id (UUID | Unset):
        logical_delete (bool | Unset):
        physical_delete (bool | Unset):
    """

    file_id: UUID | Unset = UNSET
    logical_delete: bool | Unset = UNSET
    physical_delete: bool | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        file_id: str | Unset = UNSET
        if not isinstance(self.file_id, Unset):
            file_id = str(self.file_id)

        logical_delete = self.logical_delete

        physical_delete = self.physical_delete

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if file_id is not UNSET:
            field_dict["file_id"] = file_id
        if logical_delete is not UNSET:
            field_dict["logical_delete"] = logical_delete
        if physical_delete is not UNSET:
            field_dict["physical_delete"] = physical_delete

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

        logical_delete = d.pop("logical_delete", UNSET)

        physical_delete = d.pop("physical_delete", UNSET)

        deleted = cls(
            file_id=file_id,
            logical_delete=logical_delete,
            physical_delete=physical_delete,
        )

        return deleted
