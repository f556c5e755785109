from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.start_multipart_bucket import StartMultipartBucket, check_start_multipart_bucket
from ..models.start_multipart_bucket_type import StartMultipartBucketType, check_start_multipart_bucket_type
from ..types import UNSET, Unset

T = TypeVar("T", bound="StartMultipart")


@_attrs_define
class StartMultipart:
    """
    Attributes:
        size (int): Bytes of the whole file; at most MAX_UPLOAD_SIZE (else 413 payload_too_large)
        bucket (StartMultipartBucket | Unset): bucket: users, companies or projects (alias of bucket_type)
        bucket_id (str | Unset): owner id: user, company or project id (alias: id)
        bucket_type (StartMultipartBucketType | Unset): bucket: users, companies or projects (alias: bucket)
        checksum_sha256 (str | Unset): SHA-256 of the whole file (hex); checked when the upload completes
        content_type (str | Unset): RFC 6838 type/subtype (parameters allowed, dropped), e.g. application/pdf; checked
            against ALLOWED_MIME_TYPES
        id (str | Unset): owner id: user, company or project id (alias of bucket_id)
        logical_path (str | Unset): path inside the bucket (alias: path); README form /{bucket}/{bucket_id}/...
            accepted; at most 1024 UTF-8 bytes inside the bucket
        path (str | Unset): path inside the bucket (alias of logical_path); README form /{bucket}/{bucket_id}/...
            accepted; at most 1024 UTF-8 bytes inside the bucket
    """

    size: int
    bucket: StartMultipartBucket | Unset = UNSET
    bucket_id: str | Unset = UNSET
    bucket_type: StartMultipartBucketType | Unset = UNSET
    checksum_sha256: str | Unset = UNSET
    content_type: str | Unset = UNSET
    id: str | Unset = UNSET
    logical_path: str | Unset = UNSET
    path: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        size = self.size

        bucket: str | Unset = UNSET
        if not isinstance(self.bucket, Unset):
            bucket = self.bucket

        bucket_id = self.bucket_id

        bucket_type: str | Unset = UNSET
        if not isinstance(self.bucket_type, Unset):
            bucket_type = self.bucket_type

        checksum_sha256 = self.checksum_sha256

        content_type = self.content_type

        id = self.id

        logical_path = self.logical_path

        path = self.path

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "size": size,
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
        if content_type is not UNSET:
            field_dict["content_type"] = content_type
        if id is not UNSET:
            field_dict["id"] = id
        if logical_path is not UNSET:
            field_dict["logical_path"] = logical_path
        if path is not UNSET:
            field_dict["path"] = path

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        size = d.pop("size")

        _bucket = d.pop("bucket", UNSET)
        bucket: StartMultipartBucket | Unset
        if isinstance(_bucket, Unset):
            bucket = UNSET
        else:
            bucket = check_start_multipart_bucket(_bucket)

        bucket_id = d.pop("bucket_id", UNSET)

        _bucket_type = d.pop("bucket_type", UNSET)
        bucket_type: StartMultipartBucketType | Unset
        if isinstance(_bucket_type, Unset):
            bucket_type = UNSET
        else:
            bucket_type = check_start_multipart_bucket_type(_bucket_type)

        checksum_sha256 = d.pop("checksum_sha256", UNSET)

        content_type = d.pop("content_type", UNSET)

        id = d.pop("id", UNSET)

        logical_path = d.pop("logical_path", UNSET)

        path = d.pop("path", UNSET)

        start_multipart = cls(
            size=size,
            bucket=bucket,
            bucket_id=bucket_id,
            bucket_type=bucket_type,
            checksum_sha256=checksum_sha256,
            content_type=content_type,
            id=id,
            logical_path=logical_path,
            path=path,
        )

        start_multipart.additional_properties = d
        return start_multipart

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
