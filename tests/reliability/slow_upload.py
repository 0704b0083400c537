"""A request that stays in flight on the server for as long as a test wants."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor

import httpx


class SlowUpload:
    """A request whose body arrives in two parts, the second only when released: the request stays
    in flight on the server for as long as the test wants."""

    def __init__(self, client: httpx.Client, path: str, body: bytes) -> None:
        self.started = threading.Event()
        self.released = threading.Event()
        self._pool = ThreadPoolExecutor(1)
        self.answer: Future[httpx.Response] = self._pool.submit(client.post, path, content=self._parts(body))
        assert self.started.wait(5), "the upload did not start"

    def _parts(self, body: bytes) -> Iterator[bytes]:
        yield body[:10]
        self.started.set()
        self.released.wait(20)
        yield body[10:]

    def finish(self) -> httpx.Response:
        self.released.set()
        try:
            return self.answer.result(timeout=20)
        finally:
            self._pool.shutdown()
