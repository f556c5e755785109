from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.delete_bucket import DeleteBucket, check_delete_bucket
from ..models.delete_bucket_type import DeleteBucketType, check_delete_bucket_type
from ..types import UNSET, Unset

T = TypeVar("T", bound="Delete")


@_attrs_define
class Delete:
    """
    Attributes:
        bucket (DeleteBucket | Unset): bucket: users, companies or projects (alias of bucket_type)
        bucket_id (str | Unset): owner id: user, company or project id (alias: id)
        bucket_type (DeleteBucketType | Unset): bucket: users, companies or projects (alias: bucket)
        file_id (UUID | Unset): File UUID, instead of the address
        id (str | Unset): owner id: user, company or project id (alias of bucket_id)
        logical_path (str | Unset): path inside the bucket (alias: path); README form /{bucket}/{bucket_id}/...
            accepted; at most 1024 UTF-8 bytes inside the bucket
        path (str | Unset): path inside the bucket (alias of logical_path); README form /{bucket}/{bucket_id}/...
            accepted; at most 1024 UTF-8 bytes inside the bucket
        physical (bool | Unset):  Default: False.
    """

    bucket: DeleteBucket | Unset = UNSET
    bucket_id: str | Unset = UNSET
    bucket_type: DeleteBucketType | Unset = UNSET
    file_id: UUID | Unset = UNSET
    id: str | Unset = UNSET
    logical_path: str | Unset = UNSET
    path: str | Unset = UNSET
    physical: bool | Unset = False
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

        id = self.id

        logical_path = self.logical_path

        path = self.path

        physical = self.physical

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
        if id is not UNSET:
            field_dict["id"] = id
        if logical_path is not UNSET:
            field_dict["logical_path"] = logical_path
        if path is not UNSET:
            field_dict["path"] = path
        if physical is not UNSET:
            field_dict["physical"] = physical

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        _bucket = d.pop("bucket", UNSET)
        bucket: DeleteBucket | Unset
        if isinstance(_bucket, Unset):
            bucket = UNSET
        else:
            bucket = check_delete_bucket(_bucket)

        bucket_id = d.pop("bucket_id", UNSET)

        _bucket_type = d.pop("bucket_type", UNSET)
        bucket_type: DeleteBucketType | Unset
        if isinstance(_bucket_type, Unset):
            bucket_type = UNSET
        else:
            bucket_type = check_delete_bucket_type(_bucket_type)

        _file_id = d.pop("file_id", UNSET)
        file_id: UUID | Unset
        if isinstance(_file_id, Unset):
            file_id = UNSET
        else:
            file_id = UUID(_file_id)

        id = d.pop("id", UNSET)

        logical_path = d.pop("logical_path", UNSET)

        path = d.pop("path", UNSET)

        physical = d.pop("physical", UNSET)

        delete = cls(
            bucket=bucket,
            bucket_id=bucket_id,
            bucket_type=bucket_type,
            file_id=file_id,
            id=id,
            logical_path=logical_path,
            path=path,
            physical=physical,
        )

        delete.additional_properties = d
        return delete

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
