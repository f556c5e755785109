from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="PartUrlsRequest")


@_attrs_define
class PartUrlsRequest:
    """
    Attributes:
        part_numbers (list[int]): Distinct part numbers, 1 to the session's part_count; at most 1000 per request
        expires_in (int | Unset): Seconds, within PRESIGN_MIN_EXPIRY..PRESIGN_MAX_EXPIRY (else 400 invalid_expiry);
            never past the session's expires_at
    """

    part_numbers: list[int]
    expires_in: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        part_numbers = self.part_numbers

        expires_in = self.expires_in

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "part_numbers": part_numbers,
            }
        )
        if expires_in is not UNSET:
            field_dict["expires_in"] = expires_in

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        part_numbers = cast(list[int], d.pop("part_numbers"))

        expires_in = d.pop("expires_in", UNSET)

        part_urls_request = cls(
            part_numbers=part_numbers,
            expires_in=expires_in,
        )

        part_urls_request.additional_properties = d
        return part_urls_request

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
