from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.file_list import FileList
from ...models.get_list_bucket import GetListBucket
from ...models.get_list_bucket_type import GetListBucketType
from ...models.get_list_category import GetListCategory
from ...models.get_list_status import GetListStatus
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    bucket_type: GetListBucketType | Unset = UNSET,
    bucket: GetListBucket | Unset = UNSET,
    bucket_id: str | Unset = UNSET,
    id: str | Unset = UNSET,
    logical_path: str | Unset = UNSET,
    path: str | Unset = UNSET,
    page: int | Unset = 1,
    offset: int | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: str | Unset = UNSET,
    recursive: bool | Unset = True,
    category: GetListCategory | Unset = UNSET,
    status: GetListStatus | Unset = UNSET,
    include_deleted: bool | Unset = False,
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

    params["page"] = page

    params["offset"] = offset

    params["limit"] = limit

    params["cursor"] = cursor

    params["recursive"] = recursive

    json_category: str | Unset = UNSET
    if not isinstance(category, Unset):
        json_category = category

    params["category"] = json_category

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status

    params["status"] = json_status

    params["include_deleted"] = include_deleted

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/list",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | FileList:
    if response.status_code == 200:
        response_200 = FileList.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    response_default = Error.from_dict(response.json())

    return response_default


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | FileList]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    bucket_type: GetListBucketType | Unset = UNSET,
    bucket: GetListBucket | Unset = UNSET,
    bucket_id: str | Unset = UNSET,
    id: str | Unset = UNSET,
    logical_path: str | Unset = UNSET,
    path: str | Unset = UNSET,
    page: int | Unset = 1,
    offset: int | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: str | Unset = UNSET,
    recursive: bool | Unset = True,
    category: GetListCategory | Unset = UNSET,
    status: GetListStatus | Unset = UNSET,
    include_deleted: bool | Unset = False,
) -> Response[Error | FileList]:
    """List the files under a folder (recursive by default), ordered by path, paginated (page, offset or
    cursor).

    Args:
        bucket_type (GetListBucketType | Unset):
        bucket (GetListBucket | Unset):
        bucket_id (str | Unset):
        id (str | Unset):
        logical_path (str | Unset):
        path (str | Unset):
        page (int | Unset):  Default: 1.
        offset (int | Unset):
        limit (int | Unset):  Default: 50.
        cursor (str | Unset):
        recursive (bool | Unset):  Default: True.
        category (GetListCategory | Unset):
        status (GetListStatus | Unset):
        include_deleted (bool | Unset):  Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | FileList]
    """

    kwargs = _get_kwargs(
        bucket_type=bucket_type,
        bucket=bucket,
        bucket_id=bucket_id,
        id=id,
        logical_path=logical_path,
        path=path,
        page=page,
        offset=offset,
        limit=limit,
        cursor=cursor,
        recursive=recursive,
        category=category,
        status=status,
        include_deleted=include_deleted,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    bucket_type: GetListBucketType | Unset = UNSET,
    bucket: GetListBucket | Unset = UNSET,
    bucket_id: str | Unset = UNSET,
    id: str | Unset = UNSET,
    logical_path: str | Unset = UNSET,
    path: str | Unset = UNSET,
    page: int | Unset = 1,
    offset: int | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: str | Unset = UNSET,
    recursive: bool | Unset = True,
    category: GetListCategory | Unset = UNSET,
    status: GetListStatus | Unset = UNSET,
    include_deleted: bool | Unset = False,
) -> Error | FileList | None:
    """List the files under a folder (recursive by default), ordered by path, paginated (page, offset or
    cursor).

    Args:
        bucket_type (GetListBucketType | Unset):
        bucket (GetListBucket | Unset):
        bucket_id (str | Unset):
        id (str | Unset):
        logical_path (str | Unset):
        path (str | Unset):
        page (int | Unset):  Default: 1.
        offset (int | Unset):
        limit (int | Unset):  Default: 50.
        cursor (str | Unset):
        recursive (bool | Unset):  Default: True.
        category (GetListCategory | Unset):
        status (GetListStatus | Unset):
        include_deleted (bool | Unset):  Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | FileList
    """

    return sync_detailed(
        client=client,
        bucket_type=bucket_type,
        bucket=bucket,
        bucket_id=bucket_id,
        id=id,
        logical_path=logical_path,
        path=path,
        page=page,
        offset=offset,
        limit=limit,
        cursor=cursor,
        recursive=recursive,
        category=category,
        status=status,
        include_deleted=include_deleted,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    bucket_type: GetListBucketType | Unset = UNSET,
    bucket: GetListBucket | Unset = UNSET,
    bucket_id: str | Unset = UNSET,
    id: str | Unset = UNSET,
    logical_path: str | Unset = UNSET,
    path: str | Unset = UNSET,
    page: int | Unset = 1,
    offset: int | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: str | Unset = UNSET,
    recursive: bool | Unset = True,
    category: GetListCategory | Unset = UNSET,
    status: GetListStatus | Unset = UNSET,
    include_deleted: bool | Unset = False,
) -> Response[Error | FileList]:
    """List the files under a folder (recursive by default), ordered by path, paginated (page, offset or
    cursor).

    Args:
        bucket_type (GetListBucketType | Unset):
        bucket (GetListBucket | Unset):
        bucket_id (str | Unset):
        id (str | Unset):
        logical_path (str | Unset):
        path (str | Unset):
        page (int | Unset):  Default: 1.
        offset (int | Unset):
        limit (int | Unset):  Default: 50.
        cursor (str | Unset):
        recursive (bool | Unset):  Default: True.
        category (GetListCategory | Unset):
        status (GetListStatus | Unset):
        include_deleted (bool | Unset):  Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | FileList]
    """

    kwargs = _get_kwargs(
        bucket_type=bucket_type,
        bucket=bucket,
        bucket_id=bucket_id,
        id=id,
        logical_path=logical_path,
        path=path,
        page=page,
        offset=offset,
        limit=limit,
        cursor=cursor,
        recursive=recursive,
        category=category,
        status=status,
        include_deleted=include_deleted,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    bucket_type: GetListBucketType | Unset = UNSET,
    bucket: GetListBucket | Unset = UNSET,
    bucket_id: str | Unset = UNSET,
    id: str | Unset = UNSET,
    logical_path: str | Unset = UNSET,
    path: str | Unset = UNSET,
    page: int | Unset = 1,
    offset: int | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: str | Unset = UNSET,
    recursive: bool | Unset = True,
    category: GetListCategory | Unset = UNSET,
    status: GetListStatus | Unset = UNSET,
    include_deleted: bool | Unset = False,
) -> Error | FileList | None:
    """List the files under a folder (recursive by default), ordered by path, paginated (page, offset or
    cursor).

    Args:
        bucket_type (GetListBucketType | Unset):
        bucket (GetListBucket | Unset):
        bucket_id (str | Unset):
        id (str | Unset):
        logical_path (str | Unset):
        path (str | Unset):
        page (int | Unset):  Default: 1.
        offset (int | Unset):
        limit (int | Unset):  Default: 50.
        cursor (str | Unset):
        recursive (bool | Unset):  Default: True.
        category (GetListCategory | Unset):
        status (GetListStatus | Unset):
        include_deleted (bool | Unset):  Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | FileList
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
            page=page,
            offset=offset,
            limit=limit,
            cursor=cursor,
            recursive=recursive,
            category=category,
            status=status,
            include_deleted=include_deleted,
        )
    ).parsed
