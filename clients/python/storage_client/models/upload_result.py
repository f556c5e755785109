from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="UploadResult")


@_attrs_define
class UploadResult:
    """
    Attributes:
        category (str | Unset):
        checksum_sha256 (str | Unset):
        file_id (UUID | Unset):
        filename (str | Unset):
        mime_type (str | Unset):
        object_key (str | Unset):
        size (int | Unset):
        version_id (UUID | Unset):
        version_number (int | Unset):
    """

    category: str | Unset = UNSET
    checksum_sha256: str | Unset = UNSET
    file_id: UUID | Unset = UNSET
    filename: str | Unset = UNSET
    mime_type: str | Unset = UNSET
    object_key: str | Unset = UNSET
    size: int | Unset = UNSET
    version_id: UUID | Unset = UNSET
    version_number: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        category = self.category

        checksum_sha256 = self.checksum_sha256

        file_id: str | Unset = UNSET
        if not isinstance(self.file_id, Unset):
            file_id = str(self.file_id)

        filename = self.filename

        mime_type = self.mime_type

        object_key = self.object_key

        size = self.size

        version_id: str | Unset = UNSET
        if not isinstance(self.version_id, Unset):
            version_id = str(self.version_id)

        version_number = self.version_number

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if category is not UNSET:
            field_dict["category"] = category
        if checksum_sha256 is not UNSET:
            field_dict["checksum_sha256"] = checksum_sha256
        if file_id is not UNSET:
            field_dict["file_id"] = file_id
        if filename is not UNSET:
            field_dict["filename"] = filename
        if mime_type is not UNSET:
            field_dict["mime_type"] = mime_type
        if object_key is not UNSET:
            field_dict["object_key"] = object_key
        if size is not UNSET:
            field_dict["size"] = size
        if version_id is not UNSET:
            field_dict["version_id"] = version_id
        if version_number is not UNSET:
            field_dict["version_number"] = version_number

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        category = d.pop("category", UNSET)

        checksum_sha256 = d.pop("checksum_sha256", UNSET)

        _file_id = d.pop("file_id", UNSET)
        file_id: UUID | Unset
        if isinstance(_file_id, Unset):
            file_id = UNSET
        else:
            file_id = UUID(_file_id)

        filename = d.pop("filename", UNSET)

        mime_type = d.pop("mime_type", UNSET)

        object_key = d.pop("object_key", UNSET)

        size = d.pop("size", UNSET)

        _version_id = d.pop("version_id", UNSET)
        version_id: UUID | Unset
        if isinstance(_version_id, Unset):
            version_id = UNSET
        else:
            version_id = UUID(_version_id)

        version_number = d.pop("version_number", UNSET)

        upload_result = cls(
            category=category,
            checksum_sha256=checksum_sha256,
            file_id=file_id,
            filename=filename,
            mime_type=mime_type,
            object_key=object_key,
            size=size,
            version_id=version_id,
            version_number=version_number,
        )

        return upload_result
