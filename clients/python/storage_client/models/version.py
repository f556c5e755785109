from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="Version")


@_attrs_define
class Version:
    """
    Attributes:
        changelog (None | str | Unset):
        checksum_sha256 (str | Unset):
        created_at (datetime.datetime | Unset):
        created_by (str | Unset):
        file_id (UUID | Unset):
        id (UUID | Unset):
        mime_type (str | Unset):
        object_key (str | Unset):
        size (int | Unset):
        status (str | Unset):
        validated_at (datetime.datetime | None | Unset):
        validated_by (None | str | Unset):
        validation_comment (None | str | Unset):
        version_number (int | Unset):
    """

    changelog: None | str | Unset = UNSET
    checksum_sha256: str | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    created_by: str | Unset = UNSET
    file_id: UUID | Unset = UNSET
    id: UUID | Unset = UNSET
    mime_type: str | Unset = UNSET
    object_key: str | Unset = UNSET
    size: int | Unset = UNSET
    status: str | Unset = UNSET
    validated_at: datetime.datetime | None | Unset = UNSET
    validated_by: None | str | Unset = UNSET
    validation_comment: None | str | Unset = UNSET
    version_number: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        changelog: None | str | Unset
        if isinstance(self.changelog, Unset):
            changelog = UNSET
        else:
            changelog = self.changelog

        checksum_sha256 = self.checksum_sha256

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        created_by = self.created_by

        file_id: str | Unset = UNSET
        if not isinstance(self.file_id, Unset):
            file_id = str(self.file_id)

        id: str | Unset = UNSET
        if not isinstance(self.id, Unset):
            id = str(self.id)

        mime_type = self.mime_type

        object_key = self.object_key

        size = self.size

        status = self.status

        validated_at: None | str | Unset
        if isinstance(self.validated_at, Unset):
            validated_at = UNSET
        elif isinstance(self.validated_at, datetime.datetime):
            validated_at = self.validated_at.isoformat()
        else:
            validated_at = self.validated_at

        validated_by: None | str | Unset
        if isinstance(self.validated_by, Unset):
            validated_by = UNSET
        else:
            validated_by = self.validated_by

        validation_comment: None | str | Unset
        if isinstance(self.validation_comment, Unset):
            validation_comment = UNSET
        else:
            validation_comment = self.validation_comment

        version_number = self.version_number

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if changelog is not UNSET:
            field_dict["changelog"] = changelog
        if checksum_sha256 is not UNSET:
            field_dict["checksum_sha256"] = checksum_sha256
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if created_by is not UNSET:
            field_dict["created_by"] = created_by
        if file_id is not UNSET:
            field_dict["file_id"] = file_id
        if id is not UNSET:
            field_dict["id"] = id
        if mime_type is not UNSET:
            field_dict["mime_type"] = mime_type
        if object_key is not UNSET:
            field_dict["object_key"] = object_key
        if size is not UNSET:
            field_dict["size"] = size
        if status is not UNSET:
            field_dict["status"] = status
        if validated_at is not UNSET:
            field_dict["validated_at"] = validated_at
        if validated_by is not UNSET:
            field_dict["validated_by"] = validated_by
        if validation_comment is not UNSET:
            field_dict["validation_comment"] = validation_comment
        if version_number is not UNSET:
            field_dict["version_number"] = version_number

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_changelog(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        changelog = _parse_changelog(d.pop("changelog", UNSET))

        checksum_sha256 = d.pop("checksum_sha256", UNSET)

        _created_at = d.pop("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at, Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(_created_at)

        created_by = d.pop("created_by", UNSET)

        _file_id = d.pop("file_id", UNSET)
        file_id: UUID | Unset
        if isinstance(_file_id, Unset):
            file_id = UNSET
        else:
            file_id = UUID(_file_id)

        _id = d.pop("id", UNSET)
        id: UUID | Unset
        if isinstance(_id, Unset):
            id = UNSET
        else:
            id = UUID(_id)

        mime_type = d.pop("mime_type", UNSET)

        object_key = d.pop("object_key", UNSET)

        size = d.pop("size", UNSET)

        status = d.pop("status", UNSET)

        def _parse_validated_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                validated_at_type_0 = datetime.datetime.fromisoformat(data)

                return validated_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        validated_at = _parse_validated_at(d.pop("validated_at", UNSET))

        def _parse_validated_by(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        validated_by = _parse_validated_by(d.pop("validated_by", UNSET))

        def _parse_validation_comment(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        validation_comment = _parse_validation_comment(d.pop("validation_comment", UNSET))

        version_number = d.pop("version_number", UNSET)

        version = cls(
            changelog=changelog,
            checksum_sha256=checksum_sha256,
            created_at=created_at,
            created_by=created_by,
            file_id=file_id,
            id=id,
            mime_type=mime_type,
            object_key=object_key,
            size=size,
            status=status,
            validated_at=validated_at,
            validated_by=validated_by,
            validation_comment=validation_comment,
            version_number=version_number,
        )

        return version
