from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="StoredPart")


@_attrs_define
class StoredPart:
    """
    Attributes:
        etag (str | Unset):
        part_number (int | Unset):
        size (int | Unset):
    """

    etag: str | Unset = UNSET
    part_number: int | Unset = UNSET
    size: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        etag = self.etag

        part_number = self.part_number

        size = self.size

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if etag is not UNSET:
            field_dict["etag"] = etag
        if part_number is not UNSET:
            field_dict["part_number"] = part_number
        if size is not UNSET:
            field_dict["size"] = size

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        etag = d.pop("etag", UNSET)

        part_number = d.pop("part_number", UNSET)

        size = d.pop("size", UNSET)

        stored_part = cls(
            etag=etag,
            part_number=part_number,
            size=size,
        )

        return stored_part
