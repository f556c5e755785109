from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.health_checks import HealthChecks


T = TypeVar("T", bound="Health")


@_attrs_define
class Health:
    """
    Attributes:
        checks (HealthChecks | Unset):
        environment (str | Unset):
        service (str | Unset):
        status (str | Unset):
        timestamp (str | Unset):
        version (str | Unset):
    """

    checks: HealthChecks | Unset = UNSET
    environment: str | Unset = UNSET
    service: str | Unset = UNSET
    status: str | Unset = UNSET
    timestamp: str | Unset = UNSET
    version: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        checks: dict[str, Any] | Unset = UNSET
        if not isinstance(self.checks, Unset):
            checks = self.checks.to_dict()

        environment = self.environment

        service = self.service

        status = self.status

        timestamp = self.timestamp

        version = self.version

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if checks is not UNSET:
            field_dict["checks"] = checks
        if environment is not UNSET:
            field_dict["environment"] = environment
        if service is not UNSET:
            field_dict["service"] = service
        if status is not UNSET:
            field_dict["status"] = status
        if timestamp is not UNSET:
            field_dict["timestamp"] = timestamp
        if version is not UNSET:
            field_dict["version"] = version

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.health_checks import HealthChecks  # noqa: PLC0415

        d = dict(src_dict)
        _checks = d.pop("checks", UNSET)
        checks: HealthChecks | Unset
        if isinstance(_checks, Unset):
            checks = UNSET
        else:
            checks = HealthChecks.from_dict(_checks)

        environment = d.pop("environment", UNSET)

        service = d.pop("service", UNSET)

        status = d.pop("status", UNSET)

        timestamp = d.pop("timestamp", UNSET)

        version = d.pop("version", UNSET)

        health = cls(
            checks=checks,
            environment=environment,
            service=service,
            status=status,
            timestamp=timestamp,
            version=version,
        )

        return health
