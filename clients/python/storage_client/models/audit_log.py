from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.audit_log_details import AuditLogDetails


T = TypeVar("T", bound="AuditLog")


@_attrs_define
class AuditLog:
    """
    Attributes:
        action (str | Unset):
        bucket_id (None | str | Unset):
        bucket_type (None | str | Unset):
        client_ip (None | str | Unset):
        created_at (datetime.datetime | Unset):
        details (AuditLogDetails | Unset):
        file_id (None | Unset | UUID):
        id (UUID | Unset):
        logical_path (None | str | Unset):
        outcome (str | Unset):
        request_id (None | str | Unset):
        user_id (None | str | Unset):
        version_id (None | Unset | UUID):
    """

    action: str | Unset = UNSET
    bucket_id: None | str | Unset = UNSET
    bucket_type: None | str | Unset = UNSET
    client_ip: None | str | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    details: AuditLogDetails | Unset = UNSET
    file_id: None | Unset | UUID = UNSET
    id: UUID | Unset = UNSET
    logical_path: None | str | Unset = UNSET
    outcome: str | Unset = UNSET
    request_id: None | str | Unset = UNSET
    user_id: None | str | Unset = UNSET
    version_id: None | Unset | UUID = UNSET

    def to_dict(self) -> dict[str, Any]:
        action = self.action

        bucket_id: None | str | Unset
        if isinstance(self.bucket_id, Unset):
            bucket_id = UNSET
        else:
            bucket_id = self.bucket_id

        bucket_type: None | str | Unset
        if isinstance(self.bucket_type, Unset):
            bucket_type = UNSET
        else:
            bucket_type = self.bucket_type

        client_ip: None | str | Unset
        if isinstance(self.client_ip, Unset):
            client_ip = UNSET
        else:
            client_ip = self.client_ip

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        details: dict[str, Any] | Unset = UNSET
        if not isinstance(self.details, Unset):
            details = self.details.to_dict()

        file_id: None | str | Unset
        if isinstance(self.file_id, Unset):
            file_id = UNSET
        elif isinstance(self.file_id, UUID):
            file_id = str(self.file_id)
        else:
            file_id = self.file_id

        id: str | Unset = UNSET
        if not isinstance(self.id, Unset):
            id = str(self.id)

        logical_path: None | str | Unset
        if isinstance(self.logical_path, Unset):
            logical_path = UNSET
        else:
            logical_path = self.logical_path

        outcome = self.outcome

        request_id: None | str | Unset
        if isinstance(self.request_id, Unset):
            request_id = UNSET
        else:
            request_id = self.request_id

        user_id: None | str | Unset
        if isinstance(self.user_id, Unset):
            user_id = UNSET
        else:
            user_id = self.user_id

        version_id: None | str | Unset
        if isinstance(self.version_id, Unset):
            version_id = UNSET
        elif isinstance(self.version_id, UUID):
            version_id = str(self.version_id)
        else:
            version_id = self.version_id

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if action is not UNSET:
            field_dict["action"] = action
        if bucket_id is not UNSET:
            field_dict["bucket_id"] = bucket_id
        if bucket_type is not UNSET:
            field_dict["bucket_type"] = bucket_type
        if client_ip is not UNSET:
            field_dict["client_ip"] = client_ip
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if details is not UNSET:
            field_dict["details"] = details
        if file_id is not UNSET:
            field_dict["file_id"] = file_id
        if id is not UNSET:
            field_dict["id"] = id
        if logical_path is not UNSET:
            field_dict["logical_path"] = logical_path
        if outcome is not UNSET:
            field_dict["outcome"] = outcome
        if request_id is not UNSET:
            field_dict["request_id"] = request_id
        if user_id is not UNSET:
            field_dict["user_id"] = user_id
        if version_id is not UNSET:
            field_dict["version_id"] = version_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.audit_log_details import AuditLogDetails  # noqa: PLC0415

        d = dict(src_dict)
        action = d.pop("action", UNSET)

        def _parse_bucket_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        bucket_id = _parse_bucket_id(d.pop("bucket_id", UNSET))

        def _parse_bucket_type(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        bucket_type = _parse_bucket_type(d.pop("bucket_type", UNSET))

        def _parse_client_ip(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        client_ip = _parse_client_ip(d.pop("client_ip", UNSET))

        _created_at = d.pop("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at, Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(_created_at)

        _details = d.pop("details", UNSET)
        details: AuditLogDetails | Unset
        if isinstance(_details, Unset):
            details = UNSET
        else:
            details = AuditLogDetails.from_dict(_details)

        def _parse_file_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                file_id_type_0 = UUID(data)

                return file_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        file_id = _parse_file_id(d.pop("file_id", UNSET))

        _id = d.pop("id", UNSET)
        id: UUID | Unset
        if isinstance(_id, Unset):
            id = UNSET
        else:
            id = UUID(_id)

        def _parse_logical_path(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        logical_path = _parse_logical_path(d.pop("logical_path", UNSET))

        outcome = d.pop("outcome", UNSET)

        def _parse_request_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        request_id = _parse_request_id(d.pop("request_id", UNSET))

        def _parse_user_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        user_id = _parse_user_id(d.pop("user_id", UNSET))

        def _parse_version_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                version_id_type_0 = UUID(data)

                return version_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        version_id = _parse_version_id(d.pop("version_id", UNSET))

        audit_log = cls(
            action=action,
            bucket_id=bucket_id,
            bucket_type=bucket_type,
            client_ip=client_ip,
            created_at=created_at,
            details=details,
            file_id=file_id,
            id=id,
            logical_path=logical_path,
            outcome=outcome,
            request_id=request_id,
            user_id=user_id,
            version_id=version_id,
        )

        return audit_log
