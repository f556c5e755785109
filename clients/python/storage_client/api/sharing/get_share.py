from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.get_share_bucket import GetShareBucket
from ...models.get_share_bucket_type import GetShareBucketType
from ...models.share_list import ShareList
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    bucket_type: GetShareBucketType | Unset = UNSET,
    bucket: GetShareBucket | Unset = UNSET,
    bucket_id: str | Unset = UNSET,
    id: str | Unset = UNSET,
    logical_path: str | Unset = UNSET,
    path: str | Unset = UNSET,
    file_id: UUID | Unset = UNSET,
    limit: int | Unset = 50,
    offset: int | Unset = 0,
) -> dict[str, Any]:

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

    params["limit"] = limit

    params["offset"] = offset

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/share",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | ShareList:
    if response.status_code == 200:
        response_200 = ShareList.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 404:
        response_404 = Error.from_dict(response.json())

        return response_404

    response_default = Error.from_dict(response.json())

    return response_default


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | ShareList]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    bucket_type: GetShareBucketType | Unset = UNSET,
    bucket: GetShareBucket | Unset = UNSET,
    bucket_id: str | Unset = UNSET,
    id: str | Unset = UNSET,
    logical_path: str | Unset = UNSET,
    path: str | Unset = UNSET,
    file_id: UUID | Unset = UNSET,
    limit: int | Unset = 50,
    offset: int | Unset = 0,
) -> Response[Error | ShareList]:
    """The links of a file (address or file_id; needs write on it), else the links the caller created.

    Args:
        bucket_type (GetShareBucketType | Unset):
        bucket (GetShareBucket | Unset):
        bucket_id (str | Unset):
        id (str | Unset):
        logical_path (str | Unset):
        path (str | Unset):
        file_id (UUID | Unset):
        limit (int | Unset):  Default: 50.
        offset (int | Unset):  Default: 0.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | ShareList]
    """

    kwargs = _get_kwargs(
        bucket_type=bucket_type,
        bucket=bucket,
        bucket_id=bucket_id,
        id=id,
        logical_path=logical_path,
        path=path,
        file_id=file_id,
        limit=limit,
        offset=offset,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    bucket_type: GetShareBucketType | Unset = UNSET,
    bucket: GetShareBucket | Unset = UNSET,
    bucket_id: str | Unset = UNSET,
    id: str | Unset = UNSET,
    logical_path: str | Unset = UNSET,
    path: str | Unset = UNSET,
    file_id: UUID | Unset = UNSET,
    limit: int | Unset = 50,
    offset: int | Unset = 0,
) -> Error | ShareList | None:
    """The links of a file (address or file_id; needs write on it), else the links the caller created.

    Args:
        bucket_type (GetShareBucketType | Unset):
        bucket (GetShareBucket | Unset):
        bucket_id (str | Unset):
        id (str | Unset):
        logical_path (str | Unset):
        path (str | Unset):
        file_id (UUID | Unset):
        limit (int | Unset):  Default: 50.
        offset (int | Unset):  Default: 0.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | ShareList
    """

    return sync_detailed(
        client=client,
        bucket_type=bucket_type,
        bucket=bucket,
        bucket_id=bucket_id,
        id=id,
        logical_path=logical_path,
        path=path,
        file_id=file_id,
        limit=limit,
        offset=offset,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    bucket_type: GetShareBucketType | Unset = UNSET,
    bucket: GetShareBucket | Unset = UNSET,
    bucket_id: str | Unset = UNSET,
    id: str | Unset = UNSET,
    logical_path: str | Unset = UNSET,
    path: str | Unset = UNSET,
    file_id: UUID | Unset = UNSET,
    limit: int | Unset = 50,
    offset: int | Unset = 0,
) -> Response[Error | ShareList]:
    """The links of a file (address or file_id; needs write on it), else the links the caller created.

    Args:
        bucket_type (GetShareBucketType | Unset):
        bucket (GetShareBucket | Unset):
        bucket_id (str | Unset):
        id (str | Unset):
        logical_path (str | Unset):
        path (str | Unset):
        file_id (UUID | Unset):
        limit (int | Unset):  Default: 50.
        offset (int | Unset):  Default: 0.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | ShareList]
    """

    kwargs = _get_kwargs(
        bucket_type=bucket_type,
        bucket=bucket,
        bucket_id=bucket_id,
        id=id,
        logical_path=logical_path,
        path=path,
        file_id=file_id,
        limit=limit,
        offset=offset,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    bucket_type: GetShareBucketType | Unset = UNSET,
    bucket: GetShareBucket | Unset = UNSET,
    bucket_id: str | Unset = UNSET,
    id: str | Unset = UNSET,
    logical_path: str | Unset = UNSET,
    path: str | Unset = UNSET,
    file_id: UUID | Unset = UNSET,
    limit: int | Unset = 50,
    offset: int | Unset = 0,
) -> Error | ShareList | None:
    """The links of a file (address or file_id; needs write on it), else the links the caller created.

    Args:
        bucket_type (GetShareBucketType | Unset):
        bucket (GetShareBucket | Unset):
        bucket_id (str | Unset):
        id (str | Unset):
        logical_path (str | Unset):
        path (str | Unset):
        file_id (UUID | Unset):
        limit (int | Unset):  Default: 50.
        offset (int | Unset):  Default: 0.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | ShareList
    """

    return (
        await asyncio_detailed(
            client=client,
            bucket_type=bucket_type,
            bucket=bucket,
            bucket_id=bucket_id,
            id=id,
            logical_path=logical_path,
            path=path,
            file_id=file_id,
            limit=limit,
            offset=offset,
        )
    ).parsed
