from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.move_request_source_bucket import MoveRequestSourceBucket, check_move_request_source_bucket
from ..models.move_request_source_bucket_type import MoveRequestSourceBucketType, check_move_request_source_bucket_type
from ..models.move_request_target_bucket import MoveRequestTargetBucket, check_move_request_target_bucket
from ..models.move_request_target_bucket_type import MoveRequestTargetBucketType, check_move_request_target_bucket_type
from ..types import UNSET, Unset

T = TypeVar("T", bound="MoveRequest")


@_attrs_define
class MoveRequest:
    """
    Attributes:
        file_id (UUID | Unset): Alias of source_file_id
        overwrite (bool | Unset): Archive a file already at the target (needs delete on it) instead of 409 Default:
            False.
        source_bucket (MoveRequestSourceBucket | Unset): source-side bucket: users, companies or projects (alias of
            bucket_type)
        source_bucket_id (str | Unset): source-side owner id: user, company or project id (alias: id)
        source_bucket_type (MoveRequestSourceBucketType | Unset): source-side bucket: users, companies or projects
            (alias: bucket)
        source_file_id (UUID | Unset): File UUID, instead of the address
        source_id (str | Unset): source-side owner id: user, company or project id (alias of bucket_id)
        source_logical_path (str | Unset): source-side path inside the bucket (alias: path); README form
            /{bucket}/{bucket_id}/... accepted; at most 1024 UTF-8 bytes inside the bucket
        source_path (str | Unset): source-side path inside the bucket (alias of logical_path); README form
            /{bucket}/{bucket_id}/... accepted; at most 1024 UTF-8 bytes inside the bucket
        target_bucket (MoveRequestTargetBucket | Unset): target-side bucket: users, companies or projects (alias of
            bucket_type)
        target_bucket_id (str | Unset): target-side owner id: user, company or project id (alias: id)
        target_bucket_type (MoveRequestTargetBucketType | Unset): target-side bucket: users, companies or projects
            (alias: bucket)
        target_id (str | Unset): target-side owner id: user, company or project id (alias of bucket_id)
        target_logical_path (str | Unset): target-side path inside the bucket (alias: path); README form
            /{bucket}/{bucket_id}/... accepted; at most 1024 UTF-8 bytes inside the bucket
        target_path (str | Unset): target-side path inside the bucket (alias of logical_path); README form
            /{bucket}/{bucket_id}/... accepted; at most 1024 UTF-8 bytes inside the bucket
    """

    file_id: UUID | Unset = UNSET
    overwrite: bool | Unset = False
    source_bucket: MoveRequestSourceBucket | Unset = UNSET
    source_bucket_id: str | Unset = UNSET
    source_bucket_type: MoveRequestSourceBucketType | Unset = UNSET
    source_file_id: UUID | Unset = UNSET
    source_id: str | Unset = UNSET
    source_logical_path: str | Unset = UNSET
    source_path: str | Unset = UNSET
    target_bucket: MoveRequestTargetBucket | Unset = UNSET
    target_bucket_id: str | Unset = UNSET
    target_bucket_type: MoveRequestTargetBucketType | Unset = UNSET
    target_id: str | Unset = UNSET
    target_logical_path: str | Unset = UNSET
    target_path: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        file_id: str | Unset = UNSET
        if not isinstance(self.file_id, Unset):
            file_id = str(self.file_id)

        overwrite = self.overwrite

        source_bucket: str | Unset = UNSET
        if not isinstance(self.source_bucket, Unset):
            source_bucket = self.source_bucket

        source_bucket_id = self.source_bucket_id

        source_bucket_type: str | Unset = UNSET
        if not isinstance(self.source_bucket_type, Unset):
            source_bucket_type = self.source_bucket_type

        source_file_id: str | Unset = UNSET
        if not isinstance(self.source_file_id, Unset):
            source_file_id = str(self.source_file_id)

        source_id = self.source_id

        source_logical_path = self.source_logical_path

        source_path = self.source_path

        target_bucket: str | Unset = UNSET
        if not isinstance(self.target_bucket, Unset):
            target_bucket = self.target_bucket

        target_bucket_id = self.target_bucket_id

        target_bucket_type: str | Unset = UNSET
        if not isinstance(self.target_bucket_type, Unset):
            target_bucket_type = self.target_bucket_type

        target_id = self.target_id

        target_logical_path = self.target_logical_path

        target_path = self.target_path

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if file_id is not UNSET:
            field_dict["file_id"] = file_id
        if overwrite is not UNSET:
            field_dict["overwrite"] = overwrite
        if source_bucket is not UNSET:
            field_dict["source_bucket"] = source_bucket
        if source_bucket_id is not UNSET:
            field_dict["source_bucket_id"] = source_bucket_id
        if source_bucket_type is not UNSET:
            field_dict["source_bucket_type"] = source_bucket_type
        if source_file_id is not UNSET:
            field_dict["source_file_id"] = source_file_id
        if source_id is not UNSET:
            field_dict["source_id"] = source_id
        if source_logical_path is not UNSET:
            field_dict["source_logical_path"] = source_logical_path
        if source_path is not UNSET:
            field_dict["source_path"] = source_path
        if target_bucket is not UNSET:
            field_dict["target_bucket"] = target_bucket
        if target_bucket_id is not UNSET:
            field_dict["target_bucket_id"] = target_bucket_id
        if target_bucket_type is not UNSET:
            field_dict["target_bucket_type"] = target_bucket_type
        if target_id is not UNSET:
            field_dict["target_id"] = target_id
        if target_logical_path is not UNSET:
            field_dict["target_logical_path"] = target_logical_path
        if target_path is not UNSET:
            field_dict["target_path"] = target_path

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        _file_id = d.pop("file_id", UNSET)
        file_id: UUID | Unset
        if isinstance(_file_id, Unset):
            file_id = UNSET
        else:
            file_id = UUID(_file_id)

        overwrite = d.pop("overwrite", UNSET)

        _source_bucket = d.pop("source_bucket", UNSET)
        source_bucket: MoveRequestSourceBucket | Unset
        if isinstance(_source_bucket, Unset):
            source_bucket = UNSET
        else:
            source_bucket = check_move_request_source_bucket(_source_bucket)

        source_bucket_id = d.pop("source_bucket_id", UNSET)

        _source_bucket_type = d.pop("source_bucket_type", UNSET)
        source_bucket_type: MoveRequestSourceBucketType | Unset
        if isinstance(_source_bucket_type, Unset):
            source_bucket_type = UNSET
        else:
            source_bucket_type = check_move_request_source_bucket_type(_source_bucket_type)

        _source_file_id = d.pop("source_file_id", UNSET)
        source_file_id: UUID | Unset
        if isinstance(_source_file_id, Unset):
            source_file_id = UNSET
        else:
            source_file_id = UUID(_source_file_id)

        source_id = d.pop("source_id", UNSET)

        source_logical_path = d.pop("source_logical_path", UNSET)

        source_path = d.pop("source_path", UNSET)

        _target_bucket = d.pop("target_bucket", UNSET)
        target_bucket: MoveRequestTargetBucket | Unset
        if isinstance(_target_bucket, Unset):
            target_bucket = UNSET
        else:
            target_bucket = check_move_request_target_bucket(_target_bucket)

        target_bucket_id = d.pop("target_bucket_id", UNSET)

        _target_bucket_type = d.pop("target_bucket_type", UNSET)
        target_bucket_type: MoveRequestTargetBucketType | Unset
        if isinstance(_target_bucket_type, Unset):
            target_bucket_type = UNSET
        else:
            target_bucket_type = check_move_request_target_bucket_type(_target_bucket_type)

        target_id = d.pop("target_id", UNSET)

        target_logical_path = d.pop("target_logical_path", UNSET)

        target_path = d.pop("target_path", UNSET)

        move_request = cls(
            file_id=file_id,
            overwrite=overwrite,
            source_bucket=source_bucket,
            source_bucket_id=source_bucket_id,
            source_bucket_type=source_bucket_type,
            source_file_id=source_file_id,
            source_id=source_id,
            source_logical_path=source_logical_path,
            source_path=source_path,
            target_bucket=target_bucket,
            target_bucket_id=target_bucket_id,
            target_bucket_type=target_bucket_type,
            target_id=target_id,
            target_logical_path=target_logical_path,
            target_path=target_path,
        )

        move_request.additional_properties = d
        return move_request

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
