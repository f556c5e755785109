from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="PreviousAddress")


@_attrs_define
class PreviousAddress:
    """
    Attributes:
        bucket_id (str | Unset):
        bucket_type (str | Unset):
        logical_path (str | Unset):
    """

    bucket_id: str | Unset = UNSET
    bucket_type: str | Unset = UNSET
    logical_path: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        bucket_id = self.bucket_id

        bucket_type = self.bucket_type

        logical_path = self.logical_path

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if bucket_id is not UNSET:
            field_dict["bucket_id"] = bucket_id
        if bucket_type is not UNSET:
            field_dict["bucket_type"] = bucket_type
        if logical_path is not UNSET:
            field_dict["logical_path"] = logical_path

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        bucket_id = d.pop("bucket_id", UNSET)

        bucket_type = d.pop("bucket_type", UNSET)

        logical_path = d.pop("logical_path", UNSET)

        previous_address = cls(
            bucket_id=bucket_id,
            bucket_type=bucket_type,
            logical_path=logical_path,
        )

        return previous_address
