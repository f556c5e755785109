from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ...client import AuthenticatedClient, Client
from ...models.delete import Delete
from ...models.delete_command import DeleteCommand
from ...models.delete_delete_bucket import DeleteDeleteBucket
from ...models.delete_delete_bucket_type import DeleteDeleteBucketType
from ...models.error import Error
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: Delete | Unset = UNSET,
    bucket_type: DeleteDeleteBucketType | Unset = UNSET,
    bucket: DeleteDeleteBucket | Unset = UNSET,
    bucket_id: str | Unset = UNSET,
    id: str | Unset = UNSET,
    logical_path: str | Unset = UNSET,
    path: str | Unset = UNSET,
    file_id: UUID | Unset = UNSET,
    physical: bool | Unset = False,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    params: dict[str, Any] = {}

    json_bucket_type: str | Unset = UNSET
    if not isinstance(bucket_type, Unset):
        json_bucket_type = bucket_type

    params["bucket_type"] = json_bucket_type

    json_bucket: str | Unset = UNSET
    if not isinstance(bucket, Unset):
        json_bucket = bucket

    params["bucket"] = json_bucket

    params["bucket_id"] = bucket_id

    params["id"] = id

    params["logical_path"] = logical_path

    params["path"] = path

    json_file_id: str | Unset = UNSET
    if not isinstance(file_id, Unset):
        json_file_id = str(file_id)
    params["file_id"] = json_file_id

    params["physical"] = physical

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/delete",
        "params": params,
    }

    if not isinstance(body, Unset):
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> DeleteCommand | Error:
    if response.status_code == 200:
        response_200 = DeleteCommand.from_dict(response.json())

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
) -> Response[DeleteCommand | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: Delete | Unset = UNSET,
    bucket_type: DeleteDeleteBucketType | Unset = UNSET,
    bucket: DeleteDeleteBucket | Unset = UNSET,
    bucket_id: str | Unset = UNSET,
    id: str | Unset = UNSET,
    logical_path: str | Unset = UNSET,
    path: str | Unset = UNSET,
    file_id: UUID | Unset = UNSET,
    physical: bool | Unset = False,
) -> Response[DeleteCommand | Error]:
    """Delete a file named in the JSON body or the query: archived (logical, default) or purged
    (`physical`).

    Args:
        bucket_type (DeleteDeleteBucketType | Unset):
        bucket (DeleteDeleteBucket | Unset):
        bucket_id (str | Unset):
        id (str | Unset):
        logical_path (str | Unset):
        path (str | Unset):
        file_id (UUID | Unset):
        physical (bool | Unset):  Default: False.
        body (Delete | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DeleteCommand | Error]
    """

    kwargs = _get_kwargs(
        body=body,
        bucket_type=bucket_type,
        bucket=bucket,
        bucket_id=bucket_id,
        id=id,
        logical_path=logical_path,
        path=path,
        file_id=file_id,
        physical=physical,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: Delete | Unset = UNSET,
    bucket_type: DeleteDeleteBucketType | Unset = UNSET,
    bucket: DeleteDeleteBucket | Unset = UNSET,
    bucket_id: str | Unset = UNSET,
    id: str | Unset = UNSET,
    logical_path: str | Unset = UNSET,
    path: str | Unset = UNSET,
    file_id: UUID | Unset = UNSET,
    physical: bool | Unset = False,
) -> DeleteCommand | Error | None:
    """Delete a file named in the JSON body or the query: archived (logical, default) or purged
    (`physical`).

    Args:
        bucket_type (DeleteDeleteBucketType | Unset):
        bucket (DeleteDeleteBucket | Unset):
        bucket_id (str | Unset):
        id (str | Unset):
        logical_path (str | Unset):
        path (str | Unset):
        file_id (UUID | Unset):
        physical (bool | Unset):  Default: False.
        body (Delete | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DeleteCommand | Error
    """

    return sync_detailed(
        client=client,
        body=body,
        bucket_type=bucket_type,
        bucket=bucket,
        bucket_id=bucket_id,
        id=id,
        logical_path=logical_path,
        path=path,
        file_id=file_id,
        physical=physical,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: Delete | Unset = UNSET,
    bucket_type: DeleteDeleteBucketType | Unset = UNSET,
    bucket: DeleteDeleteBucket | Unset = UNSET,
    bucket_id: str | Unset = UNSET,
    id: str | Unset = UNSET,
    logical_path: str | Unset = UNSET,
    path: str | Unset = UNSET,
    file_id: UUID | Unset = UNSET,
    physical: bool | Unset = False,
) -> Response[DeleteCommand | Error]:
    """Delete a file named in the JSON body or the query: archived (logical, default) or purged
    (`physical`).

    Args:
        bucket_type (DeleteDeleteBucketType | Unset):
        bucket (DeleteDeleteBucket | Unset):
        bucket_id (str | Unset):
        id (str | Unset):
        logical_path (str | Unset):
        path (str | Unset):
        file_id (UUID | Unset):
        physical (bool | Unset):  Default: False.
        body (Delete | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DeleteCommand | Error]
    """

    kwargs = _get_kwargs(
        body=body,
        bucket_type=bucket_type,
        bucket=bucket,
        bucket_id=bucket_id,
        id=id,
        logical_path=logical_path,
        path=path,
        file_id=file_id,
        physical=physical,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: Delete | Unset = UNSET,
    bucket_type: DeleteDeleteBucketType | Unset = UNSET,
    bucket: DeleteDeleteBucket | Unset = UNSET,
    bucket_id: str | Unset = UNSET,
    id: str | Unset = UNSET,
    logical_path: str | Unset = UNSET,
    path: str | Unset = UNSET,
    file_id: UUID | Unset = UNSET,
    physical: bool | Unset = False,
) -> DeleteCommand | Error | None:
    """Delete a file named in the JSON body or the query: archived (logical, default) or purged
    (`physical`).

    Args:
        bucket_type (DeleteDeleteBucketType | Unset):
        bucket (DeleteDeleteBucket | Unset):
        bucket_id (str | Unset):
        id (str | Unset):
        logical_path (str | Unset):
        path (str | Unset):
        file_id (UUID | Unset):
        physical (bool | Unset):  Default: False.
        body (Delete | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DeleteCommand | Error
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            bucket_type=bucket_type,
            bucket=bucket,
            bucket_id=bucket_id,
            id=id,
            logical_path=logical_path,
            path=path,
            file_id=file_id,
            physical=physical,
        )
    ).parsed
