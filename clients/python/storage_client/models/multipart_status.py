from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.stored_part import StoredPart


T = TypeVar("T", bound="MultipartStatus")


@_attrs_define
class MultipartStatus:
    """
    Attributes:
        bucket_id (str | Unset):
        bucket_type (str | Unset):
        checksum_sha256 (None | str | Unset):
        content_type (None | str | Unset):
        expires_at (datetime.datetime | Unset): After it, gc aborts the session and removes its parts
        file_id (None | Unset | UUID): Once confirmed: the file
        logical_path (str | Unset):
        part_count (int | Unset): Parts 1..part_count make the file
        part_size (int | Unset): Bytes of every part but the last (at least 5 MiB)
        parts (list[StoredPart] | Unset): Parts stored so far, by number
        size (int | Unset): Declared bytes of the whole file
        status (str | Unset): pending (taking parts), confirmed (a version), failed (refused by a check, or aborted),
            expired
        upload_id (UUID | Unset):
        version_id (None | Unset | UUID): Once confirmed: the version it became
    """

    bucket_id: str | Unset = UNSET
    bucket_type: str | Unset = UNSET
    checksum_sha256: None | str | Unset = UNSET
    content_type: None | str | Unset = UNSET
    expires_at: datetime.datetime | Unset = UNSET
    file_id: None | Unset | UUID = UNSET
    logical_path: str | Unset = UNSET
    part_count: int | Unset = UNSET
    part_size: int | Unset = UNSET
    parts: list[StoredPart] | Unset = UNSET
    size: int | Unset = UNSET
    status: str | Unset = UNSET
    upload_id: UUID | Unset = UNSET
    version_id: None | Unset | UUID = UNSET

    def to_dict(self) -> dict[str, Any]:
        bucket_id = self.bucket_id

        bucket_type = self.bucket_type

        checksum_sha256: None | str | Unset
        if isinstance(self.checksum_sha256, Unset):
            checksum_sha256 = UNSET
        else:
            checksum_sha256 = self.checksum_sha256

        content_type: None | str | Unset
        if isinstance(self.content_type, Unset):
            content_type = UNSET
        else:
            content_type = self.content_type

        expires_at: str | Unset = UNSET
        if not isinstance(self.expires_at, Unset):
            expires_at = self.expires_at.isoformat()

        file_id: None | str | Unset
        if isinstance(self.file_id, Unset):
            file_id = UNSET
        elif isinstance(self.file_id, UUID):
            file_id = str(self.file_id)
        else:
            file_id = self.file_id

        logical_path = self.logical_path

        part_count = self.part_count

        part_size = self.part_size

        parts: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.parts, Unset):
            parts = []
            for parts_item_data in self.parts:
                parts_item = parts_item_data.to_dict()
                parts.append(parts_item)

        size = self.size

        status = self.status

        upload_id: str | Unset = UNSET
        if not isinstance(self.upload_id, Unset):
            upload_id = str(self.upload_id)

        version_id: None | str | Unset
        if isinstance(self.version_id, Unset):
            version_id = UNSET
        elif isinstance(self.version_id, UUID):
            version_id = str(self.version_id)
        else:
            version_id = self.version_id

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if bucket_id is not UNSET:
            field_dict["bucket_id"] = bucket_id
        if bucket_type is not UNSET:
            field_dict["bucket_type"] = bucket_type
        if checksum_sha256 is not UNSET:
            field_dict["checksum_sha256"] = checksum_sha256
        if content_type is not UNSET:
            field_dict["content_type"] = content_type
        if expires_at is not UNSET:
            field_dict["expires_at"] = expires_at
        if file_id is not UNSET:
            field_dict["file_id"] = file_id
        if logical_path is not UNSET:
            field_dict["logical_path"] = logical_path
        if part_count is not UNSET:
            field_dict["part_count"] = part_count
        if part_size is not UNSET:
            field_dict["part_size"] = part_size
        if parts is not UNSET:
            field_dict["parts"] = parts
        if size is not UNSET:
            field_dict["size"] = size
        if status is not UNSET:
            field_dict["status"] = status
        if upload_id is not UNSET:
            field_dict["upload_id"] = upload_id
        if version_id is not UNSET:
            field_dict["version_id"] = version_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.stored_part import StoredPart  # noqa: PLC0415

        d = dict(src_dict)
        bucket_id = d.pop("bucket_id", UNSET)

        bucket_type = d.pop("bucket_type", UNSET)

        def _parse_checksum_sha256(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        checksum_sha256 = _parse_checksum_sha256(d.pop("checksum_sha256", UNSET))

        def _parse_content_type(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        content_type = _parse_content_type(d.pop("content_type", UNSET))

        _expires_at = d.pop("expires_at", UNSET)
        expires_at: datetime.datetime | Unset
        if isinstance(_expires_at, Unset):
            expires_at = UNSET
        else:
            expires_at = datetime.datetime.fromisoformat(_expires_at)

        def _parse_file_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                file_id_type_0 = UUID(data)

                return file_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        file_id = _parse_file_id(d.pop("file_id", UNSET))

        logical_path = d.pop("logical_path", UNSET)

        part_count = d.pop("part_count", UNSET)

        part_size = d.pop("part_size", UNSET)

        _parts = d.pop("parts", UNSET)
        parts: list[StoredPart] | Unset = UNSET
        if _parts is not UNSET:
            parts = []
            for parts_item_data in _parts:
                parts_item = StoredPart.from_dict(parts_item_data)

                parts.append(parts_item)

        size = d.pop("size", UNSET)

        status = d.pop("status", UNSET)

        _upload_id = d.pop("upload_id", UNSET)
        upload_id: UUID | Unset
        if isinstance(_upload_id, Unset):
            upload_id = UNSET
        else:
            upload_id = UUID(_upload_id)

        def _parse_version_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                version_id_type_0 = UUID(data)

                return version_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        version_id = _parse_version_id(d.pop("version_id", UNSET))

        multipart_status = cls(
            bucket_id=bucket_id,
            bucket_type=bucket_type,
            checksum_sha256=checksum_sha256,
            content_type=content_type,
            expires_at=expires_at,
            file_id=file_id,
            logical_path=logical_path,
            part_count=part_count,
            part_size=part_size,
            parts=parts,
            size=size,
            status=status,
            upload_id=upload_id,
            version_id=version_id,
        )

        return multipart_status
