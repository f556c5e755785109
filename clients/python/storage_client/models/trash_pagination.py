from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="TrashPagination")


@_attrs_define
class TrashPagination:
    """
    Attributes:
        limit (int | Unset):
        offset (int | Unset):
        total_items (int | Unset):
    """

    limit: int | Unset = UNSET
    offset: int | Unset = UNSET
    total_items: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        limit = self.limit

        offset = self.offset

        total_items = self.total_items

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if limit is not UNSET:
            field_dict["limit"] = limit
        if offset is not UNSET:
            field_dict["offset"] = offset
        if total_items is not UNSET:
            field_dict["total_items"] = total_items

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        limit = d.pop("limit", UNSET)

        offset = d.pop("offset", UNSET)

        total_items = d.pop("total_items", UNSET)

        trash_pagination = cls(
            limit=limit,
            offset=offset,
            total_items=total_items,
        )

        return trash_pagination
