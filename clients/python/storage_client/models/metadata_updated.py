from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.metadata_updated_updated_fields import MetadataUpdatedUpdatedFields


T = TypeVar("T", bound="MetadataUpdated")


@_attrs_define
class MetadataUpdated:
    """
    Attributes:
        file_id (UUID | Unset):
        updated_fields (MetadataUpdatedUpdatedFields | Unset):
    """

    file_id: UUID | Unset = UNSET
    updated_fields: MetadataUpdatedUpdatedFields | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        file_id: str | Unset = UNSET
        if not isinstance(self.file_id, Unset):
            file_id = str(self.file_id)

        updated_fields: dict[str, Any] | Unset = UNSET
        if not isinstance(self.updated_fields, Unset):
            updated_fields = self.updated_fields.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if file_id is not UNSET:
            field_dict["file_id"] = file_id
        if updated_fields is not UNSET:
            field_dict["updated_fields"] = updated_fields

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.metadata_updated_updated_fields import MetadataUpdatedUpdatedFields  # noqa: PLC0415

        d = dict(src_dict)
        _file_id = d.pop("file_id", UNSET)
        file_id: UUID | Unset
        if isinstance(_file_id, Unset):
            file_id = UNSET
        else:
            file_id = UUID(_file_id)

        _updated_fields = d.pop("updated_fields", UNSET)
        updated_fields: MetadataUpdatedUpdatedFields | Unset
        if isinstance(_updated_fields, Unset):
            updated_fields = UNSET
        else:
            updated_fields = MetadataUpdatedUpdatedFields.from_dict(_updated_fields)

        metadata_updated = cls(
            file_id=file_id,
            updated_fields=updated_fields,
        )

        return metadata_updated
