from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.share_request_bucket import ShareRequestBucket, check_share_request_bucket
from ..models.share_request_bucket_type import ShareRequestBucketType, check_share_request_bucket_type
from ..types import UNSET, Unset

T = TypeVar("T", bound="ShareRequest")


@_attrs_define
class ShareRequest:
    """
    Attributes:
        bucket (ShareRequestBucket | Unset): bucket: users, companies or projects (alias of bucket_type)
        bucket_id (str | Unset): owner id: user, company or project id (alias: id)
        bucket_type (ShareRequestBucketType | Unset): bucket: users, companies or projects (alias: bucket)
        expires_in (int | Unset): Seconds the link lives, within SHARE_MIN_EXPIRY..SHARE_MAX_EXPIRY (else 400
            invalid_expiry)
        file_id (UUID | Unset): File UUID, instead of the address
        id (str | Unset): owner id: user, company or project id (alias of bucket_id)
        logical_path (str | Unset): path inside the bucket (alias: path); README form /{bucket}/{bucket_id}/...
            accepted; at most 1024 UTF-8 bytes inside the bucket
        max_downloads (int | None | Unset): Downloads the link serves (default: no limit)
        path (str | Unset): path inside the bucket (alias of logical_path); README form /{bucket}/{bucket_id}/...
            accepted; at most 1024 UTF-8 bytes inside the bucket
        version_id (UUID | Unset): The version to share (default: the file's current version)
    """

    bucket: ShareRequestBucket | Unset = UNSET
    bucket_id: str | Unset = UNSET
    bucket_type: ShareRequestBucketType | Unset = UNSET
    expires_in: int | Unset = UNSET
    file_id: UUID | Unset = UNSET
    id: str | Unset = UNSET
    logical_path: str | Unset = UNSET
    max_downloads: int | None | Unset = UNSET
    path: str | Unset = UNSET
    version_id: UUID | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        bucket: str | Unset = UNSET
        if not isinstance(self.bucket, Unset):
            bucket = self.bucket

        bucket_id = self.bucket_id

        bucket_type: str | Unset = UNSET
        if not isinstance(self.bucket_type, Unset):
            bucket_type = self.bucket_type

        expires_in = self.expires_in

        file_id: str | Unset = UNSET
        if not isinstance(self.file_id, Unset):
            file_id = str(self.file_id)

        id = self.id

        logical_path = self.logical_path

        max_downloads: int | None | Unset
        if isinstance(self.max_downloads, Unset):
            max_downloads = UNSET
        else:
            max_downloads = self.max_downloads

        path = self.path

        version_id: str | Unset = UNSET
        if not isinstance(self.version_id, Unset):
            version_id = str(self.version_id)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if bucket is not UNSET:
            field_dict["bucket"] = bucket
        if bucket_id is not UNSET:
            field_dict["bucket_id"] = bucket_id
        if bucket_type is not UNSET:
            field_dict["bucket_type"] = bucket_type
        if expires_in is not UNSET:
            field_dict["expires_in"] = expires_in
        if file_id is not UNSET:
            field_dict["file_id"] = file_id
        if id is not UNSET:
            field_dict["id"] = id
        if logical_path is not UNSET:
            field_dict["logical_path"] = logical_path
        if max_downloads is not UNSET:
            field_dict["max_downloads"] = max_downloads
        if path is not UNSET:
            field_dict["path"] = path
        if version_id is not UNSET:
            field_dict["version_id"] = version_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        _bucket = d.pop("bucket", UNSET)
        bucket: ShareRequestBucket | Unset
        if isinstance(_bucket, Unset):
            bucket = UNSET
        else:
            bucket = check_share_request_bucket(_bucket)

        bucket_id = d.pop("bucket_id", UNSET)

        _bucket_type = d.pop("bucket_type", UNSET)
        bucket_type: ShareRequestBucketType | Unset
        if isinstance(_bucket_type, Unset):
            bucket_type = UNSET
        else:
            bucket_type = check_share_request_bucket_type(_bucket_type)

        expires_in = d.pop("expires_in", UNSET)

        _file_id = d.pop("file_id", UNSET)
        file_id: UUID | Unset
        if isinstance(_file_id, Unset):
            file_id = UNSET
        else:
            file_id = UUID(_file_id)

        id = d.pop("id", UNSET)

        logical_path = d.pop("logical_path", UNSET)

        def _parse_max_downloads(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        max_downloads = _parse_max_downloads(d.pop("max_downloads", UNSET))

        path = d.pop("path", UNSET)

        _version_id = d.pop("version_id", UNSET)
        version_id: UUID | Unset
        if isinstance(_version_id, Unset):
            version_id = UNSET
        else:
            version_id = UUID(_version_id)

        share_request = cls(
            bucket=bucket,
            bucket_id=bucket_id,
            bucket_type=bucket_type,
            expires_in=expires_in,
            file_id=file_id,
            id=id,
            logical_path=logical_path,
            max_downloads=max_downloads,
            path=path,
            version_id=version_id,
        )

        share_request.additional_properties = d
        return share_request

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
