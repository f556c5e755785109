from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.trash_pagination import TrashPagination
    from ..models.trashed_file import TrashedFile


T = TypeVar("T", bound="TrashList")


@_attrs_define
class TrashList:
    """
    Attributes:
        files (list[TrashedFile] | Unset): Most recently deleted first
        pagination (TrashPagination | Unset):
        retention_days (float | Unset): TRASH_RETENTION_DAYS (0: never purged)
    """

    files: list[TrashedFile] | Unset = UNSET
    pagination: TrashPagination | Unset = UNSET
    retention_days: float | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        files: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.files, Unset):
            files = []
            for files_item_data in self.files:
                files_item = files_item_data.to_dict()
                files.append(files_item)

        pagination: dict[str, Any] | Unset = UNSET
        if not isinstance(self.pagination, Unset):
            pagination = self.pagination.to_dict()

        retention_days = self.retention_days

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if files is not UNSET:
            field_dict["files"] = files
        if pagination is not UNSET:
            field_dict["pagination"] = pagination
        if retention_days is not UNSET:
            field_dict["retention_days"] = retention_days

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.trash_pagination import TrashPagination  # noqa: PLC0415
        from ..models.trashed_file import TrashedFile  # noqa: PLC0415

        d = dict(src_dict)
        _files = d.pop("files", UNSET)
        files: list[TrashedFile] | Unset = UNSET
        if _files is not UNSET:
            files = []
            for files_item_data in _files:
                files_item = TrashedFile.from_dict(files_item_data)

                files.append(files_item)

        _pagination = d.pop("pagination", UNSET)
        pagination: TrashPagination | Unset
        if isinstance(_pagination, Unset):
            pagination = UNSET
        else:
            pagination = TrashPagination.from_dict(_pagination)

        retention_days = d.pop("retention_days", UNSET)

        trash_list = cls(
            files=files,
            pagination=pagination,
            retention_days=retention_days,
        )

        return trash_list
