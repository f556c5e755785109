from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ...client import AuthenticatedClient, Client
from ...models.decision import Decision
from ...models.error import Error
from ...models.reject_command import RejectCommand
from ...types import UNSET, Response, Unset


def _get_kwargs(
    version_id: UUID,
    *,
    body: Decision | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/versions/{version_id}/reject".format(
            version_id=quote(str(version_id), safe=""),
        ),
    }

    if not isinstance(body, Unset):
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | RejectCommand:
    if response.status_code == 200:
        response_200 = RejectCommand.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 404:
        response_404 = Error.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = Error.from_dict(response.json())

        return response_409

    response_default = Error.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | RejectCommand]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    version_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    body: Decision | Unset = UNSET,
) -> Response[Error | RejectCommand]:
    """Reject a pending version.

    Args:
        version_id (UUID):
        body (Decision | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | RejectCommand]
    """

    kwargs = _get_kwargs(
        version_id=version_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    version_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    body: Decision | Unset = UNSET,
) -> Error | RejectCommand | None:
    """Reject a pending version.

    Args:
        version_id (UUID):
        body (Decision | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | RejectCommand
    """

    return sync_detailed(
        version_id=version_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    version_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    body: Decision | Unset = UNSET,
) -> Response[Error | RejectCommand]:
    """Reject a pending version.

    Args:
        version_id (UUID):
        body (Decision | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | RejectCommand]
    """

    kwargs = _get_kwargs(
        version_id=version_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    version_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    body: Decision | Unset = UNSET,
) -> Error | RejectCommand | None:
    """Reject a pending version.

    Args:
        version_id (UUID):
        body (Decision | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | RejectCommand
    """

    return (
        await asyncio_detailed(
            version_id=version_id,
            client=client,
            body=body,
        )
    ).parsed
