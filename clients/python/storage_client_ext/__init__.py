"""Hand-written layer over the generated `storage_client`: streamed uploads and downloads, the presigned and the
resumable multipart flows."""

from storage_client_ext.streaming import (
    Address,
    Downloaded,
    MultipartIncomplete,
    StorageClient,
    StorageServiceError,
    UploadOver,
)

__all__ = ["Address", "Downloaded", "MultipartIncomplete", "StorageClient", "StorageServiceError", "UploadOver"]
