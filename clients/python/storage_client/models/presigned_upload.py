from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.presigned_upload_fields import PresignedUploadFields
    from ..models.presigned_upload_headers import PresignedUploadHeaders


T = TypeVar("T", bound="PresignedUpload")


@_attrs_define
class PresignedUpload:
    """
    Attributes:
        expires_at (datetime.datetime | Unset):
        expires_in (int | Unset):
        fields (PresignedUploadFields | Unset):
        headers (PresignedUploadHeaders | Unset):
        method (str | Unset):
        object_key (str | Unset):
        upload_id (UUID | Unset):
        url (str | Unset):
    """

    expires_at: datetime.datetime | Unset = UNSET
    expires_in: int | Unset = UNSET
    fields: PresignedUploadFields | Unset = UNSET
    headers: PresignedUploadHeaders | Unset = UNSET
    method: str | Unset = UNSET
    object_key: str | Unset = UNSET
    upload_id: UUID | Unset = UNSET
    url: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        expires_at: str | Unset = UNSET
        if not isinstance(self.expires_at, Unset):
            expires_at = self.expires_at.isoformat()

        expires_in = self.expires_in

        fields: dict[str, Any] | Unset = UNSET
        if not isinstance(self.fields, Unset):
            fields = self.fields.to_dict()

        headers: dict[str, Any] | Unset = UNSET
        if not isinstance(self.headers, Unset):
            headers = self.headers.to_dict()

        method = self.method

        object_key = self.object_key

        upload_id: str | Unset = UNSET
        if not isinstance(self.upload_id, Unset):
            upload_id = str(self.upload_id)

        url = self.url

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if expires_at is not UNSET:
            field_dict["expires_at"] = expires_at
        if expires_in is not UNSET:
            field_dict["expires_in"] = expires_in
        if fields is not UNSET:
            field_dict["fields"] = fields
        if headers is not UNSET:
            field_dict["headers"] = headers
        if method is not UNSET:
            field_dict["method"] = method
        if object_key is not UNSET:
            field_dict["object_key"] = object_key
        if upload_id is not UNSET:
            field_dict["upload_id"] = upload_id
        if url is not UNSET:
            field_dict["url"] = url

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.presigned_upload_fields import PresignedUploadFields  # noqa: PLC0415
        from ..models.presigned_upload_headers import PresignedUploadHeaders  # noqa: PLC0415

        d = dict(src_dict)
        _expires_at = d.pop("expires_at", UNSET)
        expires_at: datetime.datetime | Unset
        if isinstance(_expires_at, Unset):
            expires_at = UNSET
        else:
            expires_at = datetime.datetime.fromisoformat(_expires_at)

        expires_in = d.pop("expires_in", UNSET)

        _fields = d.pop("fields", UNSET)
        fields: PresignedUploadFields | Unset
        if isinstance(_fields, Unset):
            fields = UNSET
        else:
            fields = PresignedUploadFields.from_dict(_fields)

        _headers = d.pop("headers", UNSET)
        headers: PresignedUploadHeaders | Unset
        if isinstance(_headers, Unset):
            headers = UNSET
        else:
            headers = PresignedUploadHeaders.from_dict(_headers)

        method = d.pop("method", UNSET)

        object_key = d.pop("object_key", UNSET)

        _upload_id = d.pop("upload_id", UNSET)
        upload_id: UUID | Unset
        if isinstance(_upload_id, Unset):
            upload_id = UNSET
        else:
            upload_id = UUID(_upload_id)

        url = d.pop("url", UNSET)

        presigned_upload = cls(
            expires_at=expires_at,
            expires_in=expires_in,
            fields=fields,
            headers=headers,
            method=method,
            object_key=object_key,
            upload_id=upload_id,
            url=url,
        )

        return presigned_upload
