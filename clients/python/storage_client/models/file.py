from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.file_lock_type_0_type_0 import FileLockType0Type0
    from ..models.file_tags import FileTags
    from ..models.lock import Lock


T = TypeVar("T", bound="File")


@_attrs_define
class File:
    """
    Attributes:
        bucket_id (str | Unset):
        bucket_type (str | Unset):
        category (None | str | Unset):
        checksum_sha256 (None | str | Unset):
        created_at (datetime.datetime | Unset):
        current_version_id (None | Unset | UUID):
        current_version_number (int | None | Unset):
        description (None | str | Unset):
        expires_at (datetime.datetime | None | Unset): When the file expires (null: never)
        filename (str | Unset):
        id (UUID | Unset):
        is_deleted (bool | Unset):
        lock (FileLockType0Type0 | Lock | None | Unset):
        logical_path (str | Unset):
        mime_type (None | str | Unset):
        owner_id (str | Unset):
        size (int | None | Unset):
        source_file_id (None | Unset | UUID):
        status (str | Unset):
        tags (FileTags | Unset):
        updated_at (datetime.datetime | Unset):
    """

    bucket_id: str | Unset = UNSET
    bucket_type: str | Unset = UNSET
    category: None | str | Unset = UNSET
    checksum_sha256: None | str | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    current_version_id: None | Unset | UUID = UNSET
    current_version_number: int | None | Unset = UNSET
    description: None | str | Unset = UNSET
    expires_at: datetime.datetime | None | Unset = UNSET
    filename: str | Unset = UNSET
    id: UUID | Unset = UNSET
    is_deleted: bool | Unset = UNSET
    lock: FileLockType0Type0 | Lock | None | Unset = UNSET
    logical_path: str | Unset = UNSET
    mime_type: None | str | Unset = UNSET
    owner_id: str | Unset = UNSET
    size: int | None | Unset = UNSET
    source_file_id: None | Unset | UUID = UNSET
    status: str | Unset = UNSET
    tags: FileTags | Unset = UNSET
    updated_at: datetime.datetime | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.file_lock_type_0_type_0 import FileLockType0Type0  # noqa: PLC0415
        from ..models.lock import Lock  # noqa: PLC0415

        bucket_id = self.bucket_id

        bucket_type = self.bucket_type

        category: None | str | Unset
        if isinstance(self.category, Unset):
            category = UNSET
        else:
            category = self.category

        checksum_sha256: None | str | Unset
        if isinstance(self.checksum_sha256, Unset):
            checksum_sha256 = UNSET
        else:
            checksum_sha256 = self.checksum_sha256

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        current_version_id: None | str | Unset
        if isinstance(self.current_version_id, Unset):
            current_version_id = UNSET
        elif isinstance(self.current_version_id, UUID):
            current_version_id = str(self.current_version_id)
        else:
            current_version_id = self.current_version_id

        current_version_number: int | None | Unset
        if isinstance(self.current_version_number, Unset):
            current_version_number = UNSET
        else:
            current_version_number = self.current_version_number

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        expires_at: None | str | Unset
        if isinstance(self.expires_at, Unset):
            expires_at = UNSET
        elif isinstance(self.expires_at, datetime.datetime):
            expires_at = self.expires_at.isoformat()
        else:
            expires_at = self.expires_at

        filename = self.filename

        id: str | Unset = UNSET
        if not isinstance(self.id, Unset):
            id = str(self.id)

        is_deleted = self.is_deleted

        lock: dict[str, Any] | None | Unset
        if isinstance(self.lock, Unset):
            lock = UNSET
        elif isinstance(self.lock, FileLockType0Type0):
            lock = self.lock.to_dict()
        elif isinstance(self.lock, Lock):
            lock = self.lock.to_dict()
        else:
            lock = self.lock

        logical_path = self.logical_path

        mime_type: None | str | Unset
        if isinstance(self.mime_type, Unset):
            mime_type = UNSET
        else:
            mime_type = self.mime_type

        owner_id = self.owner_id

        size: int | None | Unset
        if isinstance(self.size, Unset):
            size = UNSET
        else:
            size = self.size

        source_file_id: None | str | Unset
        if isinstance(self.source_file_id, Unset):
            source_file_id = UNSET
        elif isinstance(self.source_file_id, UUID):
            source_file_id = str(self.source_file_id)
        else:
            source_file_id = self.source_file_id

        status = self.status

        tags: dict[str, Any] | Unset = UNSET
        if not isinstance(self.tags, Unset):
            tags = self.tags.to_dict()

        updated_at: str | Unset = UNSET
        if not isinstance(self.updated_at, Unset):
            updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if bucket_id is not UNSET:
            field_dict["bucket_id"] = bucket_id
        if bucket_type is not UNSET:
            field_dict["bucket_type"] = bucket_type
        if category is not UNSET:
            field_dict["category"] = category
        if checksum_sha256 is not UNSET:
            field_dict["checksum_sha256"] = checksum_sha256
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if current_version_id is not UNSET:
            field_dict["current_version_id"] = current_version_id
        if current_version_number is not UNSET:
            field_dict["current_version_number"] = current_version_number
        if description is not UNSET:
            field_dict["description"] = description
        if expires_at is not UNSET:
            field_dict["expires_at"] = expires_at
        if filename is not UNSET:
            field_dict["filename"] = filename
        if id is not UNSET:
            field_dict["id"] = id
        if is_deleted is not UNSET:
            field_dict["is_deleted"] = is_deleted
        if lock is not UNSET:
            field_dict["lock"] = lock
        if logical_path is not UNSET:
            field_dict["logical_path"] = logical_path
        if mime_type is not UNSET:
            field_dict["mime_type"] = mime_type
        if owner_id is not UNSET:
            field_dict["owner_id"] = owner_id
        if size is not UNSET:
            field_dict["size"] = size
        if source_file_id is not UNSET:
            field_dict["source_file_id"] = source_file_id
        if status is not UNSET:
            field_dict["status"] = status
        if tags is not UNSET:
            field_dict["tags"] = tags
        if updated_at is not UNSET:
            field_dict["updated_at"] = updated_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.file_lock_type_0_type_0 import FileLockType0Type0  # noqa: PLC0415
        from ..models.file_tags import FileTags  # noqa: PLC0415
        from ..models.lock import Lock  # noqa: PLC0415

        d = dict(src_dict)
        bucket_id = d.pop("bucket_id", UNSET)

        bucket_type = d.pop("bucket_type", UNSET)

        def _parse_category(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        category = _parse_category(d.pop("category", UNSET))

        def _parse_checksum_sha256(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        checksum_sha256 = _parse_checksum_sha256(d.pop("checksum_sha256", UNSET))

        _created_at = d.pop("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at, Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(_created_at)

        def _parse_current_version_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                current_version_id_type_0 = UUID(data)

                return current_version_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        current_version_id = _parse_current_version_id(d.pop("current_version_id", UNSET))

        def _parse_current_version_number(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        current_version_number = _parse_current_version_number(d.pop("current_version_number", UNSET))

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        def _parse_expires_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expires_at_type_0 = datetime.datetime.fromisoformat(data)

                return expires_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        expires_at = _parse_expires_at(d.pop("expires_at", UNSET))

        filename = d.pop("filename", UNSET)

        _id = d.pop("id", UNSET)
        id: UUID | Unset
        if isinstance(_id, Unset):
            id = UNSET
        else:
            id = UUID(_id)

        is_deleted = d.pop("is_deleted", UNSET)

        def _parse_lock(data: object) -> FileLockType0Type0 | Lock | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                lock_type_0_type_0 = FileLockType0Type0.from_dict(data)

                return lock_type_0_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                lock_type_1 = Lock.from_dict(data)

                return lock_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(FileLockType0Type0 | Lock | None | Unset, data)

        lock = _parse_lock(d.pop("lock", UNSET))

        logical_path = d.pop("logical_path", UNSET)

        def _parse_mime_type(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        mime_type = _parse_mime_type(d.pop("mime_type", UNSET))

        owner_id = d.pop("owner_id", UNSET)

        def _parse_size(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        size = _parse_size(d.pop("size", UNSET))

        def _parse_source_file_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                source_file_id_type_0 = UUID(data)

                return source_file_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        source_file_id = _parse_source_file_id(d.pop("source_file_id", UNSET))

        status = d.pop("status", UNSET)

        _tags = d.pop("tags", UNSET)
        tags: FileTags | Unset
        if isinstance(_tags, Unset):
            tags = UNSET
        else:
            tags = FileTags.from_dict(_tags)

        _updated_at = d.pop("updated_at", UNSET)
        updated_at: datetime.datetime | Unset
        if isinstance(_updated_at, Unset):
            updated_at = UNSET
        else:
            updated_at = datetime.datetime.fromisoformat(_updated_at)

        file = cls(
            bucket_id=bucket_id,
            bucket_type=bucket_type,
            category=category,
            checksum_sha256=checksum_sha256,
            created_at=created_at,
            current_version_id=current_version_id,
            current_version_number=current_version_number,
            description=description,
            expires_at=expires_at,
            filename=filename,
            id=id,
            is_deleted=is_deleted,
            lock=lock,
            logical_path=logical_path,
            mime_type=mime_type,
            owner_id=owner_id,
            size=size,
            source_file_id=source_file_id,
            status=status,
            tags=tags,
            updated_at=updated_at,
        )

        return file
