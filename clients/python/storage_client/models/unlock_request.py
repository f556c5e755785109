from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.unlock_request_bucket import UnlockRequestBucket, check_unlock_request_bucket
from ..models.unlock_request_bucket_type import UnlockRequestBucketType, check_unlock_request_bucket_type
from ..types import UNSET, Unset

T = TypeVar("T", bound="UnlockRequest")


@_attrs_define
class UnlockRequest:
    """
    Attributes:
        bucket (UnlockRequestBucket | Unset): bucket: users, companies or projects (alias of bucket_type)
        bucket_id (str | Unset): owner id: user, company or project id (alias: id)
        bucket_type (UnlockRequestBucketType | Unset): bucket: users, companies or projects (alias: bucket)
        file_id (UUID | Unset): File UUID, instead of the address
        force (bool | Unset):  Default: False.
        id (str | Unset): owner id: user, company or project id (alias of bucket_id)
        logical_path (str | Unset): path inside the bucket (alias: path); README form /{bucket}/{bucket_id}/...
            accepted; at most 1024 UTF-8 bytes inside the bucket
        path (str | Unset): path inside the bucket (alias of logical_path); README form /{bucket}/{bucket_id}/...
            accepted; at most 1024 UTF-8 bytes inside the bucket
        reason (None | str | Unset):
    """

    bucket: UnlockRequestBucket | Unset = UNSET
    bucket_id: str | Unset = UNSET
    bucket_type: UnlockRequestBucketType | Unset = UNSET
    file_id: UUID | Unset = UNSET
    force: bool | Unset = False
    id: str | Unset = UNSET
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

        file_id: str | Unset = UNSET
        if not isinstance(self.file_id, Unset):
            file_id = str(self.file_id)

        force = self.force

        id = self.id

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
        if file_id is not UNSET:
            field_dict["file_id"] = file_id
        if force is not UNSET:
            field_dict["force"] = force
        if id is not UNSET:
            field_dict["id"] = id
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
        bucket: UnlockRequestBucket | Unset
        if isinstance(_bucket, Unset):
            bucket = UNSET
        else:
            bucket = check_unlock_request_bucket(_bucket)

        bucket_id = d.pop("bucket_id", UNSET)

        _bucket_type = d.pop("bucket_type", UNSET)
        bucket_type: UnlockRequestBucketType | Unset
        if isinstance(_bucket_type, Unset):
            bucket_type = UNSET
        else:
            bucket_type = check_unlock_request_bucket_type(_bucket_type)

        _file_id = d.pop("file_id", UNSET)
        file_id: UUID | Unset
        if isinstance(_file_id, Unset):
            file_id = UNSET
        else:
            file_id = UUID(_file_id)

        force = d.pop("force", UNSET)

        id = d.pop("id", UNSET)

        logical_path = d.pop("logical_path", UNSET)

        path = d.pop("path", UNSET)

        def _parse_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reason = _parse_reason(d.pop("reason", UNSET))

        unlock_request = cls(
            bucket=bucket,
            bucket_id=bucket_id,
            bucket_type=bucket_type,
            file_id=file_id,
            force=force,
            id=id,
            logical_path=logical_path,
            path=path,
            reason=reason,
        )

        unlock_request.additional_properties = d
        return unlock_request

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
