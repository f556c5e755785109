from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.presign_upload_bucket import PresignUploadBucket, check_presign_upload_bucket
from ..models.presign_upload_bucket_type import PresignUploadBucketType, check_presign_upload_bucket_type
from ..models.presign_upload_method import PresignUploadMethod, check_presign_upload_method
from ..types import UNSET, Unset

T = TypeVar("T", bound="PresignUpload")


@_attrs_define
class PresignUpload:
    """
    Attributes:
        bucket (PresignUploadBucket | Unset): bucket: users, companies or projects (alias of bucket_type)
        bucket_id (str | Unset): owner id: user, company or project id (alias: id)
        bucket_type (PresignUploadBucketType | Unset): bucket: users, companies or projects (alias: bucket)
        checksum_sha256 (str | Unset): SHA-256 of the whole file (hex); checked when the upload completes
        content_type (str | Unset): RFC 6838 type/subtype (parameters allowed, dropped), e.g. application/pdf; checked
            against ALLOWED_MIME_TYPES
        expires_in (int | Unset): Seconds, within PRESIGN_MIN_EXPIRY..PRESIGN_MAX_EXPIRY (else 400 invalid_expiry)
        file_expires_at (datetime.datetime | Unset): When the file expires (RFC 3339 with offset), at most MAX_FILE_TTL
            ahead; not with expires_in
        file_expires_in (int | Unset): Seconds until the file expires, 1..MAX_FILE_TTL (else 400 invalid_expiry); not
            with expires_at
        id (str | Unset): owner id: user, company or project id (alias of bucket_id)
        logical_path (str | Unset): path inside the bucket (alias: path); README form /{bucket}/{bucket_id}/...
            accepted; at most 1024 UTF-8 bytes inside the bucket
        method (PresignUploadMethod | Unset):  Default: 'PUT'.
        path (str | Unset): path inside the bucket (alias of logical_path); README form /{bucket}/{bucket_id}/...
            accepted; at most 1024 UTF-8 bytes inside the bucket
        size (int | Unset):
    """

    bucket: PresignUploadBucket | Unset = UNSET
    bucket_id: str | Unset = UNSET
    bucket_type: PresignUploadBucketType | Unset = UNSET
    checksum_sha256: str | Unset = UNSET
    content_type: str | Unset = UNSET
    expires_in: int | Unset = UNSET
    file_expires_at: datetime.datetime | Unset = UNSET
    file_expires_in: int | Unset = UNSET
    id: str | Unset = UNSET
    logical_path: str | Unset = UNSET
    method: PresignUploadMethod | Unset = "PUT"
    path: str | Unset = UNSET
    size: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        bucket: str | Unset = UNSET
        if not isinstance(self.bucket, Unset):
            bucket = self.bucket

        bucket_id = self.bucket_id

        bucket_type: str | Unset = UNSET
        if not isinstance(self.bucket_type, Unset):
            bucket_type = self.bucket_type

        checksum_sha256 = self.checksum_sha256

        content_type = self.content_type

        expires_in = self.expires_in

        file_expires_at: str | Unset = UNSET
        if not isinstance(self.file_expires_at, Unset):
            file_expires_at = self.file_expires_at.isoformat()

        file_expires_in = self.file_expires_in

        id = self.id

        logical_path = self.logical_path

        method: str | Unset = UNSET
        if not isinstance(self.method, Unset):
            method = self.method

        path = self.path

        size = self.size

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if bucket is not UNSET:
            field_dict["bucket"] = bucket
        if bucket_id is not UNSET:
            field_dict["bucket_id"] = bucket_id
        if bucket_type is not UNSET:
            field_dict["bucket_type"] = bucket_type
        if checksum_sha256 is not UNSET:
            field_dict["checksum_sha256"] = checksum_sha256
        if content_type is not UNSET:
            field_dict["content_type"] = content_type
        if expires_in is not UNSET:
            field_dict["expires_in"] = expires_in
        if file_expires_at is not UNSET:
            field_dict["file_expires_at"] = file_expires_at
        if file_expires_in is not UNSET:
            field_dict["file_expires_in"] = file_expires_in
        if id is not UNSET:
            field_dict["id"] = id
        if logical_path is not UNSET:
            field_dict["logical_path"] = logical_path
        if method is not UNSET:
            field_dict["method"] = method
        if path is not UNSET:
            field_dict["path"] = path
        if size is not UNSET:
            field_dict["size"] = size

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        _bucket = d.pop("bucket", UNSET)
        bucket: PresignUploadBucket | Unset
        if isinstance(_bucket, Unset):
            bucket = UNSET
        else:
            bucket = check_presign_upload_bucket(_bucket)

        bucket_id = d.pop("bucket_id", UNSET)

        _bucket_type = d.pop("bucket_type", UNSET)
        bucket_type: PresignUploadBucketType | Unset
        if isinstance(_bucket_type, Unset):
            bucket_type = UNSET
        else:
            bucket_type = check_presign_upload_bucket_type(_bucket_type)

        checksum_sha256 = d.pop("checksum_sha256", UNSET)

        content_type = d.pop("content_type", UNSET)

        expires_in = d.pop("expires_in", UNSET)

        _file_expires_at = d.pop("file_expires_at", UNSET)
        file_expires_at: datetime.datetime | Unset
        if isinstance(_file_expires_at, Unset):
            file_expires_at = UNSET
        else:
            file_expires_at = datetime.datetime.fromisoformat(_file_expires_at)

        file_expires_in = d.pop("file_expires_in", UNSET)

        id = d.pop("id", UNSET)

        logical_path = d.pop("logical_path", UNSET)

        _method = d.pop("method", UNSET)
        method: PresignUploadMethod | Unset
        if isinstance(_method, Unset):
            method = UNSET
        else:
            method = check_presign_upload_method(_method)

        path = d.pop("path", UNSET)

        size = d.pop("size", UNSET)

        presign_upload = cls(
            bucket=bucket,
            bucket_id=bucket_id,
            bucket_type=bucket_type,
            checksum_sha256=checksum_sha256,
            content_type=content_type,
            expires_in=expires_in,
            file_expires_at=file_expires_at,
            file_expires_in=file_expires_in,
            id=id,
            logical_path=logical_path,
            method=method,
            path=path,
            size=size,
        )

        presign_upload.additional_properties = d
        return presign_upload

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
