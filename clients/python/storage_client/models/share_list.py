from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.share_link import ShareLink


T = TypeVar("T", bound="ShareList")


@_attrs_define
class ShareList:
    """
    Attributes:
        shares (list[ShareLink] | Unset):
        total (int | Unset):
    """

    shares: list[ShareLink] | Unset = UNSET
    total: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        shares: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.shares, Unset):
            shares = []
            for shares_item_data in self.shares:
                shares_item = shares_item_data.to_dict()
                shares.append(shares_item)

        total = self.total

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if shares is not UNSET:
            field_dict["shares"] = shares
        if total is not UNSET:
            field_dict["total"] = total

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.share_link import ShareLink  # noqa: PLC0415

        d = dict(src_dict)
        _shares = d.pop("shares", UNSET)
        shares: list[ShareLink] | Unset = UNSET
        if _shares is not UNSET:
            shares = []
            for shares_item_data in _shares:
                shares_item = ShareLink.from_dict(shares_item_data)

                shares.append(shares_item)

        total = d.pop("total", UNSET)

        share_list = cls(
            shares=shares,
            total=total,
        )

        return share_list
