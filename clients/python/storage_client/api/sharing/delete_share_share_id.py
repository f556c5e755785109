from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.revoke_share_command import RevokeShareCommand
from ...types import Response


def _get_kwargs(
    share_id: UUID,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/share/{share_id}".format(
            share_id=quote(str(share_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | RevokeShareCommand:
    if response.status_code == 200:
        response_200 = RevokeShareCommand.from_dict(response.json())

        return response_200

    if response.status_code == 404:
        response_404 = Error.from_dict(response.json())

        return response_404

    response_default = Error.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | RevokeShareCommand]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    share_id: UUID,
    *,
    client: AuthenticatedClient | Client,
) -> Response[Error | RevokeShareCommand]:
    """Revoke a link (its creator, or anyone with write on the file): it stops serving at once.

    Args:
        share_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | RevokeShareCommand]
    """

    kwargs = _get_kwargs(
        share_id=share_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    share_id: UUID,
    *,
    client: AuthenticatedClient | Client,
) -> Error | RevokeShareCommand | None:
    """Revoke a link (its creator, or anyone with write on the file): it stops serving at once.

    Args:
        share_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | RevokeShareCommand
    """

    return sync_detailed(
        share_id=share_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    share_id: UUID,
    *,
    client: AuthenticatedClient | Client,
) -> Response[Error | RevokeShareCommand]:
    """Revoke a link (its creator, or anyone with write on the file): it stops serving at once.

    Args:
        share_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | RevokeShareCommand]
    """

    kwargs = _get_kwargs(
        share_id=share_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    share_id: UUID,
    *,
    client: AuthenticatedClient | Client,
) -> Error | RevokeShareCommand | None:
    """Revoke a link (its creator, or anyone with write on the file): it stops serving at once.

    Args:
        share_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | RevokeShareCommand
    """

    return (
        await asyncio_detailed(
            share_id=share_id,
            client=client,
        )
    ).parsed
