from __future__ import annotations

import datetime
from collections.abc import Mapping
from io import BytesIO
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import types
from ..models.upload_form_bucket import UploadFormBucket, check_upload_form_bucket
from ..models.upload_form_bucket_type import UploadFormBucketType, check_upload_form_bucket_type
from ..types import UNSET, File, Unset

T = TypeVar("T", bound="UploadForm")


@_attrs_define
class UploadForm:
    """
    Attributes:
        file (File):
        bucket (UploadFormBucket | Unset): bucket: users, companies or projects (alias of bucket_type)
        bucket_id (str | Unset): owner id: user, company or project id (alias: id)
        bucket_type (UploadFormBucketType | Unset): bucket: users, companies or projects (alias: bucket)
        checksum_sha256 (str | Unset):
        description (str | Unset):
        expires_at (datetime.datetime | Unset): When the file expires (RFC 3339 with offset), at most MAX_FILE_TTL
            ahead; not with expires_in
        expires_in (int | Unset): Seconds until the file expires, 1..MAX_FILE_TTL (else 400 invalid_expiry); not with
            expires_at
        id (str | Unset): owner id: user, company or project id (alias of bucket_id)
        logical_path (str | Unset): path inside the bucket (alias: path); README form /{bucket}/{bucket_id}/...
            accepted; at most 1024 UTF-8 bytes inside the bucket
        path (str | Unset): path inside the bucket (alias of logical_path); README form /{bucket}/{bucket_id}/...
            accepted; at most 1024 UTF-8 bytes inside the bucket
        tags (str | Unset): JSON object as text (the rules of PATCH /metadata tags)
    """

    file: File
    bucket: UploadFormBucket | Unset = UNSET
    bucket_id: str | Unset = UNSET
    bucket_type: UploadFormBucketType | Unset = UNSET
    checksum_sha256: str | Unset = UNSET
    description: str | Unset = UNSET
    expires_at: datetime.datetime | Unset = UNSET
    expires_in: int | Unset = UNSET
    id: str | Unset = UNSET
    logical_path: str | Unset = UNSET
    path: str | Unset = UNSET
    tags: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        file = self.file.to_tuple()

        bucket: str | Unset = UNSET
        if not isinstance(self.bucket, Unset):
            bucket = self.bucket

        bucket_id = self.bucket_id

        bucket_type: str | Unset = UNSET
        if not isinstance(self.bucket_type, Unset):
            bucket_type = self.bucket_type

        checksum_sha256 = self.checksum_sha256

        description = self.description

        expires_at: str | Unset = UNSET
        if not isinstance(self.expires_at, Unset):
            expires_at = self.expires_at.isoformat()

        expires_in = self.expires_in

        id = self.id

        logical_path = self.logical_path

        path = self.path

        tags = self.tags

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "file": file,
            }
        )
        if bucket is not UNSET:
            field_dict["bucket"] = bucket
        if bucket_id is not UNSET:
            field_dict["bucket_id"] = bucket_id
        if bucket_type is not UNSET:
            field_dict["bucket_type"] = bucket_type
        if checksum_sha256 is not UNSET:
            field_dict["checksum_sha256"] = checksum_sha256
        if description is not UNSET:
            field_dict["description"] = description
        if expires_at is not UNSET:
            field_dict["expires_at"] = expires_at
        if expires_in is not UNSET:
            field_dict["expires_in"] = expires_in
        if id is not UNSET:
            field_dict["id"] = id
        if logical_path is not UNSET:
            field_dict["logical_path"] = logical_path
        if path is not UNSET:
            field_dict["path"] = path
        if tags is not UNSET:
            field_dict["tags"] = tags

        return field_dict

    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("file", self.file.to_tuple()))

        if not isinstance(self.bucket, Unset):
            files.append(("bucket", (None, str(self.bucket).encode(), "text/plain")))

        if not isinstance(self.bucket_id, Unset):
            files.append(("bucket_id", (None, str(self.bucket_id).encode(), "text/plain")))

        if not isinstance(self.bucket_type, Unset):
            files.append(("bucket_type", (None, str(self.bucket_type).encode(), "text/plain")))

        if not isinstance(self.checksum_sha256, Unset):
            files.append(("checksum_sha256", (None, str(self.checksum_sha256).encode(), "text/plain")))

        if not isinstance(self.description, Unset):
            files.append(("description", (None, str(self.description).encode(), "text/plain")))

        if not isinstance(self.expires_at, Unset):
            files.append(("expires_at", (None, self.expires_at.isoformat().encode(), "text/plain")))

        if not isinstance(self.expires_in, Unset):
            files.append(("expires_in", (None, str(self.expires_in).encode(), "text/plain")))

        if not isinstance(self.id, Unset):
            files.append(("id", (None, str(self.id).encode(), "text/plain")))

        if not isinstance(self.logical_path, Unset):
            files.append(("logical_path", (None, str(self.logical_path).encode(), "text/plain")))

        if not isinstance(self.path, Unset):
            files.append(("path", (None, str(self.path).encode(), "text/plain")))

        if not isinstance(self.tags, Unset):
            files.append(("tags", (None, str(self.tags).encode(), "text/plain")))

        for prop_name, prop in self.additional_properties.items():
            files.append((prop_name, (None, str(prop).encode(), "text/plain")))

        return files

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        file = File(payload=BytesIO(d.pop("file")))

        _bucket = d.pop("bucket", UNSET)
        bucket: UploadFormBucket | Unset
        if isinstance(_bucket, Unset):
            bucket = UNSET
        else:
            bucket = check_upload_form_bucket(_bucket)

        bucket_id = d.pop("bucket_id", UNSET)

        _bucket_type = d.pop("bucket_type", UNSET)
        bucket_type: UploadFormBucketType | Unset
        if isinstance(_bucket_type, Unset):
            bucket_type = UNSET
        else:
            bucket_type = check_upload_form_bucket_type(_bucket_type)

        checksum_sha256 = d.pop("checksum_sha256", UNSET)

        description = d.pop("description", UNSET)

        _expires_at = d.pop("expires_at", UNSET)
        expires_at: datetime.datetime | Unset
        if isinstance(_expires_at, Unset):
            expires_at = UNSET
        else:
            expires_at = datetime.datetime.fromisoformat(_expires_at)

        expires_in = d.pop("expires_in", UNSET)

        id = d.pop("id", UNSET)

        logical_path = d.pop("logical_path", UNSET)

        path = d.pop("path", UNSET)

        tags = d.pop("tags", UNSET)

        upload_form = cls(
            file=file,
            bucket=bucket,
            bucket_id=bucket_id,
            bucket_type=bucket_type,
            checksum_sha256=checksum_sha256,
            description=description,
            expires_at=expires_at,
            expires_in=expires_in,
            id=id,
            logical_path=logical_path,
            path=path,
            tags=tags,
        )

        upload_form.additional_properties = d
        return upload_form

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
