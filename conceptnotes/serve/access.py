"""Who may use a server started with ``--allow-remote``: whoever opened the address it printed.

Such a server listens where other machines, and pages of other sites through a name of
their own (DNS rebinding), can reach it.  Every request must then carry the server's
secret, made anew at each start and printed with its address as ``?token=SECRET``
(as Jupyter does): a request with it gets the secret as a cookie of this server's
address and is sent on to the same address without it; a request with neither gets 403
and a page saying where the address is.  A page of another site, even under a name
that leads here, has no such cookie: the browser keeps cookies per name.
"""

from __future__ import annotations

import secrets
from http.cookies import SimpleCookie
from urllib.parse import parse_qsl, urlencode

from starlette.types import ASGIApp, Receive, Scope, Send

PARAMETER = "token"
COOKIE = "conceptnotes-secret"

REFUSED = b"""<!doctype html>
<meta charset="utf-8"><title>Open the address printed at start</title>
<p>This preview server needs the address it printed when it started, the one ending in
<code>?token=...</code>: open that address (once: the browser remembers it until the server stops).</p>
"""


def make_secret() -> str:
    return secrets.token_urlsafe(32)


def cookie_name(port: int | None) -> str:
    """One cookie per port: servers on two ports of one machine keep their own."""
    return f"{COOKIE}-{port or 0}"


class RequireSecret:
    """ASGI middleware: answer only requests that carry ``secret`` (as the cookie, or once in the URL)."""

    def __init__(self, app: ASGIApp, secret: str) -> None:
        self.app = app
        self.secret = secret

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        port = (scope.get("server") or (None, None))[1]
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        given = dict(query).get(PARAMETER)
        if given is not None and self._is_secret(given):
            await _send_on(scope, send, [(k, v) for k, v in query if k != PARAMETER], cookie_name(port), self.secret)
        elif self._is_secret(_cookie(scope, cookie_name(port))):
            await self.app(scope, receive, send)
        else:
            await _send(send, 403, [(b"content-type", b"text/html; charset=utf-8")], REFUSED)

    def _is_secret(self, text: str) -> bool:
        return secrets.compare_digest(text.encode("utf-8", "replace"), self.secret.encode())


def _cookie(scope: Scope, name: str) -> str:
    for key, value in scope.get("headers", ()):
        if key == b"cookie":
            cookies = SimpleCookie()
            try:
                cookies.load(value.decode("latin-1"))
            except Exception:  # http.cookies' own CookieError, or worse: not the secret
                continue
            if name in cookies:
                return cookies[name].value
    return ""


async def _send_on(scope: Scope, send: Send, query: list[tuple[str, str]], name: str, secret: str) -> None:
    """303 to the same path without the secret in the address, the secret set as a cookie."""
    path = scope.get("raw_path") or scope["path"].encode("utf-8")
    location = b"/" + path.lstrip(b"/") + (f"?{urlencode(query)}".encode() if query else b"")
    cookie = f"{name}={secret}; Path=/; HttpOnly; SameSite=Lax"
    headers = [(b"location", location), (b"set-cookie", cookie.encode()),
               (b"cache-control", b"no-store"), (b"referrer-policy", b"no-referrer")]
    await _send(send, 303, headers, b"")


async def _send(send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
    headers = [*headers, (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
