from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.lock_request_bucket import LockRequestBucket, check_lock_request_bucket
from ..models.lock_request_bucket_type import LockRequestBucketType, check_lock_request_bucket_type
from ..models.lock_request_lock_type import LockRequestLockType, check_lock_request_lock_type
from ..types import UNSET, Unset

T = TypeVar("T", bound="LockRequest")


@_attrs_define
class LockRequest:
    """
    Attributes:
        bucket (LockRequestBucket | Unset): bucket: users, companies or projects (alias of bucket_type)
        bucket_id (str | Unset): owner id: user, company or project id (alias: id)
        bucket_type (LockRequestBucketType | Unset): bucket: users, companies or projects (alias: bucket)
        expires_in (int | Unset): Seconds, within LOCK_MIN_TTL..LOCK_MAX_TTL
        file_id (UUID | Unset): File UUID, instead of the address
        id (str | Unset): owner id: user, company or project id (alias of bucket_id)
        lock_type (LockRequestLockType | Unset):  Default: 'edit'.
        logical_path (str | Unset): path inside the bucket (alias: path); README form /{bucket}/{bucket_id}/...
            accepted; at most 1024 UTF-8 bytes inside the bucket
        path (str | Unset): path inside the bucket (alias of logical_path); README form /{bucket}/{bucket_id}/...
            accepted; at most 1024 UTF-8 bytes inside the bucket
        reason (None | str | Unset):
    """

    bucket: LockRequestBucket | Unset = UNSET
    bucket_id: str | Unset = UNSET
    bucket_type: LockRequestBucketType | Unset = UNSET
    expires_in: int | Unset = UNSET
    file_id: UUID | Unset = UNSET
    id: str | Unset = UNSET
    lock_type: LockRequestLockType | Unset = "edit"
    logical_path: str | Unset = UNSET
    path: str | Unset = UNSET
    reason: None | str | Unset = UNSET
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

        lock_type: str | Unset = UNSET
        if not isinstance(self.lock_type, Unset):
            lock_type = self.lock_type

        logical_path = self.logical_path

        path = self.path

        reason: None | str | Unset
        if isinstance(self.reason, Unset):
            reason = UNSET
        else:
            reason = self.reason

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
        if lock_type is not UNSET:
            field_dict["lock_type"] = lock_type
        if logical_path is not UNSET:
            field_dict["logical_path"] = logical_path
        if path is not UNSET:
            field_dict["path"] = path
        if reason is not UNSET:
            field_dict["reason"] = reason

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        _bucket = d.pop("bucket", UNSET)
        bucket: LockRequestBucket | Unset
        if isinstance(_bucket, Unset):
            bucket = UNSET
        else:
            bucket = check_lock_request_bucket(_bucket)

        bucket_id = d.pop("bucket_id", UNSET)

        _bucket_type = d.pop("bucket_type", UNSET)
        bucket_type: LockRequestBucketType | Unset
        if isinstance(_bucket_type, Unset):
            bucket_type = UNSET
        else:
            bucket_type = check_lock_request_bucket_type(_bucket_type)

        expires_in = d.pop("expires_in", UNSET)

        _file_id = d.pop("file_id", UNSET)
        file_id: UUID | Unset
        if isinstance(_file_id, Unset):
            file_id = UNSET
        else:
            file_id = UUID(_file_id)

        id = d.pop("id", UNSET)

        _lock_type = d.pop("lock_type", UNSET)
        lock_type: LockRequestLockType | Unset
        if isinstance(_lock_type, Unset):
            lock_type = UNSET
        else:
            lock_type = check_lock_request_lock_type(_lock_type)

        logical_path = d.pop("logical_path", UNSET)

        path = d.pop("path", UNSET)

        def _parse_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reason = _parse_reason(d.pop("reason", UNSET))

        lock_request = cls(
            bucket=bucket,
            bucket_id=bucket_id,
            bucket_type=bucket_type,
            expires_in=expires_in,
            file_id=file_id,
            id=id,
            lock_type=lock_type,
            logical_path=logical_path,
            path=path,
            reason=reason,
        )

        lock_request.additional_properties = d
        return lock_request

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
