from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="PresignedDownload")


@_attrs_define
class PresignedDownload:
    """
    Attributes:
        content_type (str | Unset):
        expires_at (datetime.datetime | Unset):
        expires_in (int | Unset):
        filename (str | Unset):
        object_key (str | Unset):
        size (int | Unset):
        url (str | Unset):
        version_number (int | Unset):
    """

    content_type: str | Unset = UNSET
    expires_at: datetime.datetime | Unset = UNSET
    expires_in: int | Unset = UNSET
    filename: str | Unset = UNSET
    object_key: str | Unset = UNSET
    size: int | Unset = UNSET
    url: str | Unset = UNSET
    version_number: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        content_type = self.content_type

        expires_at: str | Unset = UNSET
        if not isinstance(self.expires_at, Unset):
            expires_at = self.expires_at.isoformat()

        expires_in = self.expires_in

        filename = self.filename

        object_key = self.object_key

        size = self.size

        url = self.url

        version_number = self.version_number

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if content_type is not UNSET:
            field_dict["content_type"] = content_type
        if expires_at is not UNSET:
            field_dict["expires_at"] = expires_at
        if expires_in is not UNSET:
            field_dict["expires_in"] = expires_in
        if filename is not UNSET:
            field_dict["filename"] = filename
        if object_key is not UNSET:
            field_dict["object_key"] = object_key
        if size is not UNSET:
            field_dict["size"] = size
        if url is not UNSET:
            field_dict["url"] = url
        if version_number is not UNSET:
            field_dict["version_number"] = version_number

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        content_type = d.pop("content_type", UNSET)

        _expires_at = d.pop("expires_at", UNSET)
        expires_at: datetime.datetime | Unset
        if isinstance(_expires_at, Unset):
            expires_at = UNSET
        else:
            expires_at = datetime.datetime.fromisoformat(_expires_at)

        expires_in = d.pop("expires_in", UNSET)

        filename = d.pop("filename", UNSET)

        object_key = d.pop("object_key", UNSET)

        size = d.pop("size", UNSET)

        url = d.pop("url", UNSET)

        version_number = d.pop("version_number", UNSET)

        presigned_download = cls(
            content_type=content_type,
            expires_at=expires_at,
            expires_in=expires_in,
            filename=filename,
            object_key=object_key,
            size=size,
            url=url,
            version_number=version_number,
        )

        return presigned_download
