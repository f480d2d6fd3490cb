"""Streaming that stops as soon as the client goes away.

Some ASGI servers (uvicorn's h11 and httptools protocols, ASGI spec 2.3) silently drop what is
sent after the client disconnected instead of raising; without watching ``receive`` a server
would read a whole file, or a whole remote download, for nobody. :func:`send_until_disconnect`
runs the body sender next to a watcher that cancels it on ``http.disconnect``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import anyio
from starlette.types import Receive

__all__ = ["send_until_disconnect"]


async def send_until_disconnect(receive: Receive, body: Callable[[], Awaitable[None]]) -> None:
    """Run ``body()``; cancel it when the client disconnects.

    Args:
        receive: The ASGI receive channel of the request.
        body: Sends the response (start and body messages).
    """
    async with anyio.create_task_group() as group:

        async def watch_disconnect() -> None:
            while (await receive())["type"] != "http.disconnect":
                pass
            group.cancel_scope.cancel()

        group.start_soon(watch_disconnect)
        await body()
        group.cancel_scope.cancel()
