from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.part_url_headers import PartUrlHeaders


T = TypeVar("T", bound="PartUrl")


@_attrs_define
class PartUrl:
    """
    Attributes:
        headers (PartUrlHeaders | Unset):
        part_number (int | Unset):
        size (int | Unset): The bytes this part must have
        url (str | Unset): PUT the part's bytes here; the answer's ETag names the part
    """

    headers: PartUrlHeaders | Unset = UNSET
    part_number: int | Unset = UNSET
    size: int | Unset = UNSET
    url: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        headers: dict[str, Any] | Unset = UNSET
        if not isinstance(self.headers, Unset):
            headers = self.headers.to_dict()

        part_number = self.part_number

        size = self.size

        url = self.url

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if headers is not UNSET:
            field_dict["headers"] = headers
        if part_number is not UNSET:
            field_dict["part_number"] = part_number
        if size is not UNSET:
            field_dict["size"] = size
        if url is not UNSET:
            field_dict["url"] = url

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.part_url_headers import PartUrlHeaders  # noqa: PLC0415

        d = dict(src_dict)
        _headers = d.pop("headers", UNSET)
        headers: PartUrlHeaders | Unset
        if isinstance(_headers, Unset):
            headers = UNSET
        else:
            headers = PartUrlHeaders.from_dict(_headers)

        part_number = d.pop("part_number", UNSET)

        size = d.pop("size", UNSET)

        url = d.pop("url", UNSET)

        part_url = cls(
            headers=headers,
            part_number=part_number,
            size=size,
            url=url,
        )

        return part_url
