"""Hand-written layer over the generated `storage_client`: streamed uploads and downloads, the presigned flow."""

from storage_client_ext.streaming import Address, Downloaded, StorageClient, StorageServiceError

__all__ = ["Address", "Downloaded", "StorageClient", "StorageServiceError"]
