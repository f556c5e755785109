from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="Usage")


@_attrs_define
class Usage:
    """
    Attributes:
        bucket_id (str | Unset):
        bucket_type (str | Unset):
        bytes_used (int | Unset): Every version of every file, trash included
        files_used (int | Unset): Files, trash included
        limits (str | Unset): bucket: an administrator set this bucket's limits; default: the configured ones
        max_bytes (int | None | Unset): null: unlimited
        max_files (int | None | Unset): null: unlimited
    """

    bucket_id: str | Unset = UNSET
    bucket_type: str | Unset = UNSET
    bytes_used: int | Unset = UNSET
    files_used: int | Unset = UNSET
    limits: str | Unset = UNSET
    max_bytes: int | None | Unset = UNSET
    max_files: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        bucket_id = self.bucket_id

        bucket_type = self.bucket_type

        bytes_used = self.bytes_used

        files_used = self.files_used

        limits = self.limits

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
        if bucket_id is not UNSET:
            field_dict["bucket_id"] = bucket_id
        if bucket_type is not UNSET:
            field_dict["bucket_type"] = bucket_type
        if bytes_used is not UNSET:
            field_dict["bytes_used"] = bytes_used
        if files_used is not UNSET:
            field_dict["files_used"] = files_used
        if limits is not UNSET:
            field_dict["limits"] = limits
        if max_bytes is not UNSET:
            field_dict["max_bytes"] = max_bytes
        if max_files is not UNSET:
            field_dict["max_files"] = max_files

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        bucket_id = d.pop("bucket_id", UNSET)

        bucket_type = d.pop("bucket_type", UNSET)

        bytes_used = d.pop("bytes_used", UNSET)

        files_used = d.pop("files_used", UNSET)

        limits = d.pop("limits", UNSET)

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

        usage = cls(
            bucket_id=bucket_id,
            bucket_type=bucket_type,
            bytes_used=bytes_used,
            files_used=files_used,
            limits=limits,
            max_bytes=max_bytes,
            max_files=max_files,
        )

        return usage
