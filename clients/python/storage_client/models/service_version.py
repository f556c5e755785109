from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="ServiceVersion")


@_attrs_define
class ServiceVersion:
    """
    Attributes:
        api_version (str | Unset):
        service (str | Unset):
        version (str | Unset):
    """

    api_version: str | Unset = UNSET
    service: str | Unset = UNSET
    version: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        api_version = self.api_version

        service = self.service

        version = self.version

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if api_version is not UNSET:
            field_dict["api_version"] = api_version
        if service is not UNSET:
            field_dict["service"] = service
        if version is not UNSET:
            field_dict["version"] = version

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        api_version = d.pop("api_version", UNSET)

        service = d.pop("service", UNSET)

        version = d.pop("version", UNSET)

        service_version = cls(
            api_version=api_version,
            service=service,
            version=version,
        )

        return service_version
