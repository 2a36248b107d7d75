"""A cap on the size of a request body with files, checked before any of it is read.

Django caps form fields (``DATA_UPLOAD_MAX_MEMORY_SIZE``) but not files: those are
streamed to a temporary file whatever their size, before a view, or even the CSRF check,
could refuse them. So a page's own form check sees files up to ``MAX_REQUEST_BYTES``
and says the file is too large; above it, :class:`RequestTooLarge` (a middleware) answers
the same message on a page of its own, 413, before anything reads the body (API paths
are left to the API, which answers 413 in its own shape). :class:`RequestSizeLimit`,
first in ``FILE_UPLOAD_HANDLERS``, is the backstop for a body that declared no length.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import IO

from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

#: The largest file any page accepts (a measurement import).
MAX_FILE_BYTES = 20 * 1024 * 1024
#: Above the largest file any page accepts, so the page can still say what the limit is
#: for files a little over it, on the form itself.
MAX_REQUEST_BYTES = 32 * 1024 * 1024
#: A body over the cap is read and dropped up to this size before the answer, so that the
#: browser, still sending, gets the page rather than a reset connection.
DRAIN_BYTES = 128 * 1024 * 1024
_CHUNK = 1024 * 1024


def too_large_message(size: int, limit: int = MAX_FILE_BYTES) -> str:
    return (
        f"The file is {size / 1024 / 1024:.1f} MB; the limit is "
        f"{limit // 1024 // 1024} MB. Split it into smaller files, or delete "
        "the columns you do not need, and upload again."
    )


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


class RequestTooLarge:
    """Answer a web request whose body is over ``MAX_REQUEST_BYTES`` with a page saying
    the file is too large (413), before the CSRF check or a view reads any of it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        size = _declared_length(request)
        if size <= MAX_REQUEST_BYTES or request.path.startswith("/api/"):
            return self.get_response(request)
        if size <= DRAIN_BYTES:
            while request.read(_CHUNK):
                pass
        return render(
            request,
            "core/upload_too_large.html",
            {"message": too_large_message(size), "back": request.path},
            status=413,
        )


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
