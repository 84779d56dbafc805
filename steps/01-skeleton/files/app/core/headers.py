"""Security headers on every response: no sniffing, no framing, no referrer, no scripts in JSON."""

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}
# For JSON: a browser that opens a response loads nothing from it. Not on /docs, whose page
# loads Swagger UI's scripts and styles.
JSON_POLICY = "default-src 'none'; frame-ancestors 'none'"


class SecurityHeadersMiddleware:
    """Pure ASGI middleware that adds HEADERS (and JSON_POLICY on JSON) to each response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Add the headers as the response starts."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.update(HEADERS)
                if headers.get("content-type", "").startswith("application/json"):
                    headers["Content-Security-Policy"] = JSON_POLICY
            await send(message)

        await self.app(scope, receive, send_with_headers)
