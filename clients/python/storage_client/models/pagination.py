from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="Pagination")


@_attrs_define
class Pagination:
    """
    Attributes:
        limit (int | Unset):
        page (int | Unset):
        total_items (int | Unset):
        total_pages (int | Unset):
    """

    limit: int | Unset = UNSET
    page: int | Unset = UNSET
    total_items: int | Unset = UNSET
    total_pages: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        limit = self.limit

        page = self.page

        total_items = self.total_items

        total_pages = self.total_pages

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if limit is not UNSET:
            field_dict["limit"] = limit
        if page is not UNSET:
            field_dict["page"] = page
        if total_items is not UNSET:
            field_dict["total_items"] = total_items
        if total_pages is not UNSET:
            field_dict["total_pages"] = total_pages

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        limit = d.pop("limit", UNSET)

        page = d.pop("page", UNSET)

        total_items = d.pop("total_items", UNSET)

        total_pages = d.pop("total_pages", UNSET)

        pagination = cls(
            limit=limit,
            page=page,
            total_items=total_items,
            total_pages=total_pages,
        )

        return pagination
