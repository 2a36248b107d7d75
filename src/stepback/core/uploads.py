"""A cap on the size of a request body with files, checked before any of it is read.

Django caps form fields (``DATA_UPLOAD_MAX_MEMORY_SIZE``) but not files: those are
streamed to a temporary file whatever their size, before a view, or even the CSRF check,
could refuse them. This handler comes first in ``FILE_UPLOAD_HANDLERS`` and refuses a body
whose declared length is over the cap with a 400, so nothing is stored.
"""

from __future__ import annotations

from typing import IO

from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler

#: Above the largest file any page accepts (a measurement import: 20 MB), so the page can
#: still say what the limit is for files a little over it.
MAX_REQUEST_BYTES = 32 * 1024 * 1024


class RequestSizeLimit(FileUploadHandler):
    def handle_raw_input(
        self,
        input_data: IO[bytes],
        META: dict[str, str],
        content_length: int,
        boundary: str,
        encoding: str | None = None,
    ) -> None:
        if content_length > MAX_REQUEST_BYTES:
            raise RequestDataTooBig(
                f"Upload of {content_length} bytes refused: the limit is {MAX_REQUEST_BYTES}."
            )

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
