from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="QuotaLimits")


@_attrs_define
class QuotaLimits:
    """
    Attributes:
        max_bytes (int | None | Unset): Bytes; null: QUOTA_DEFAULT_BYTES
        max_files (int | None | Unset): Files; null: QUOTA_DEFAULT_FILES
    """

    max_bytes: int | None | Unset = UNSET
    max_files: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        max_bytes: int | None | Unset
        if isinstance(self.max_bytes, Unset):
            max_bytes = UNSET
        else:
            max_bytes = self.max_bytes

        max_files: int | None | Unset
        if isinstance(self.max_files, Unset):
            max_files = UNSET
        else:
            max_files = self.max_files

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if max_bytes is not UNSET:
            field_dict["max_bytes"] = max_bytes
        if max_files is not UNSET:
            field_dict["max_files"] = max_files

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_max_bytes(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        max_bytes = _parse_max_bytes(d.pop("max_bytes", UNSET))

        def _parse_max_files(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        max_files = _parse_max_files(d.pop("max_files", UNSET))

        quota_limits = cls(
            max_bytes=max_bytes,
            max_files=max_files,
        )

        return quota_limits
