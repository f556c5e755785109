from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.version import Version


T = TypeVar("T", bound="VersionList")


@_attrs_define
class VersionList:
    """
    Attributes:
        file_id (UUID | Unset):
        total_count (int | Unset):
        versions (list[Version] | Unset):
    """

    file_id: UUID | Unset = UNSET
    total_count: int | Unset = UNSET
    versions: list[Version] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        file_id: str | Unset = UNSET
        if not isinstance(self.file_id, Unset):
            file_id = str(self.file_id)

        total_count = self.total_count

        versions: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.versions, Unset):
            versions = []
            for versions_item_data in self.versions:
                versions_item = versions_item_data.to_dict()
                versions.append(versions_item)

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if file_id is not UNSET:
            field_dict["file_id"] = file_id
        if total_count is not UNSET:
            field_dict["total_count"] = total_count
        if versions is not UNSET:
            field_dict["versions"] = versions

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.version import Version  # noqa: PLC0415

        d = dict(src_dict)
        _file_id = d.pop("file_id", UNSET)
        file_id: UUID | Unset
        if isinstance(_file_id, Unset):
            file_id = UNSET
        else:
            file_id = UUID(_file_id)

        total_count = d.pop("total_count", UNSET)

        _versions = d.pop("versions", UNSET)
        versions: list[Version] | Unset = UNSET
        if _versions is not UNSET:
            versions = []
            for versions_item_data in _versions:
                versions_item = Version.from_dict(versions_item_data)

                versions.append(versions_item)

        version_list = cls(
            file_id=file_id,
            total_count=total_count,
            versions=versions,
        )

        return version_list
