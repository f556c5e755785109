from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..models.metadata_patch_bucket import MetadataPatchBucket, check_metadata_patch_bucket
from ..models.metadata_patch_bucket_type import MetadataPatchBucketType, check_metadata_patch_bucket_type
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.metadata_patch_tags import MetadataPatchTags


T = TypeVar("T", bound="MetadataPatch")


@_attrs_define
class MetadataPatch:
    """
    Attributes:
        bucket (MetadataPatchBucket | Unset): bucket: users, companies or projects (alias of bucket_type)
        bucket_id (str | Unset): owner id: user, company or project id (alias: id)
        bucket_type (MetadataPatchBucketType | Unset): bucket: users, companies or projects (alias: bucket)
        description (None | str | Unset):
        expires_at (datetime.datetime | None | Unset): When the file expires (RFC 3339 with offset), at most
            MAX_FILE_TTL ahead; not with expires_in; null: the file never expires
        expires_in (int | Unset): Seconds until the file expires, 1..MAX_FILE_TTL (else 400 invalid_expiry); not with
            expires_at
        file_id (UUID | Unset): File UUID, instead of the address
        id (str | Unset): owner id: user, company or project id (alias of bucket_id)
        logical_path (str | Unset): path inside the bucket (alias: path); README form /{bucket}/{bucket_id}/...
            accepted; at most 1024 UTF-8 bytes inside the bucket
        path (str | Unset): path inside the bucket (alias of logical_path); README form /{bucket}/{bucket_id}/...
            accepted; at most 1024 UTF-8 bytes inside the bucket
        tags (MetadataPatchTags | Unset): Keys 1-256 characters; at most 65536 bytes as JSON
    """

    bucket: MetadataPatchBucket | Unset = UNSET
    bucket_id: str | Unset = UNSET
    bucket_type: MetadataPatchBucketType | Unset = UNSET
    description: None | str | Unset = UNSET
    expires_at: datetime.datetime | None | Unset = UNSET
    expires_in: int | Unset = UNSET
    file_id: UUID | Unset = UNSET
    id: str | Unset = UNSET
    logical_path: str | Unset = UNSET
    path: str | Unset = UNSET
    tags: MetadataPatchTags | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        bucket: str | Unset = UNSET
        if not isinstance(self.bucket, Unset):
            bucket = self.bucket

        bucket_id = self.bucket_id

        bucket_type: str | Unset = UNSET
        if not isinstance(self.bucket_type, Unset):
            bucket_type = self.bucket_type

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

        expires_in = self.expires_in

        file_id: str | Unset = UNSET
        if not isinstance(self.file_id, Unset):
            file_id = str(self.file_id)

        id = self.id

        logical_path = self.logical_path

        path = self.path

        tags: dict[str, Any] | Unset = UNSET
        if not isinstance(self.tags, Unset):
            tags = self.tags.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if bucket is not UNSET:
            field_dict["bucket"] = bucket
        if bucket_id is not UNSET:
            field_dict["bucket_id"] = bucket_id
        if bucket_type is not UNSET:
            field_dict["bucket_type"] = bucket_type
        if description is not UNSET:
            field_dict["description"] = description
        if expires_at is not UNSET:
            field_dict["expires_at"] = expires_at
        if expires_in is not UNSET:
            field_dict["expires_in"] = expires_in
        if file_id is not UNSET:
            field_dict["file_id"] = file_id
        if id is not UNSET:
            field_dict["id"] = id
        if logical_path is not UNSET:
            field_dict["logical_path"] = logical_path
        if path is not UNSET:
            field_dict["path"] = path
        if tags is not UNSET:
            field_dict["tags"] = tags

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.metadata_patch_tags import MetadataPatchTags  # noqa: PLC0415

        d = dict(src_dict)
        _bucket = d.pop("bucket", UNSET)
        bucket: MetadataPatchBucket | Unset
        if isinstance(_bucket, Unset):
            bucket = UNSET
        else:
            bucket = check_metadata_patch_bucket(_bucket)

        bucket_id = d.pop("bucket_id", UNSET)

        _bucket_type = d.pop("bucket_type", UNSET)
        bucket_type: MetadataPatchBucketType | Unset
        if isinstance(_bucket_type, Unset):
            bucket_type = UNSET
        else:
            bucket_type = check_metadata_patch_bucket_type(_bucket_type)

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

        expires_in = d.pop("expires_in", UNSET)

        _file_id = d.pop("file_id", UNSET)
        file_id: UUID | Unset
        if isinstance(_file_id, Unset):
            file_id = UNSET
        else:
            file_id = UUID(_file_id)

        id = d.pop("id", UNSET)

        logical_path = d.pop("logical_path", UNSET)

        path = d.pop("path", UNSET)

        _tags = d.pop("tags", UNSET)
        tags: MetadataPatchTags | Unset
        if isinstance(_tags, Unset):
            tags = UNSET
        else:
            tags = MetadataPatchTags.from_dict(_tags)

        metadata_patch = cls(
            bucket=bucket,
            bucket_id=bucket_id,
            bucket_type=bucket_type,
            description=description,
            expires_at=expires_at,
            expires_in=expires_in,
            file_id=file_id,
            id=id,
            logical_path=logical_path,
            path=path,
            tags=tags,
        )

        return metadata_patch
