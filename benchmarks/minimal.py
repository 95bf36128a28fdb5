"""The yardstick: the least work a correct CORS middleware can do, written plainly.

Not a product and not part of the package. It merges ``Vary: Origin`` into every covered
response (no Origin and refusals too), adds the grant headers for allowed origins, answers
preflights itself after checking origin, method and every requested header, joins regex
origins into one regex behind ``functools.lru_cache(1024)`` and matches resources with one
joined regex. No tricks: each step is the obvious Python for it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

METHODS = "GET, HEAD, POST, OPTIONS, PUT, PATCH, DELETE"
TOKEN_LIST = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+(?:, ?[!#$%&'*+.^_`|~0-9A-Za-z-]+)*")
REGEX_MARKERS = frozenset("*\\[]?$^()+")
PREFLIGHT_VARY = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"


class MinimalCORS:
    """Configured from the same options as ``CORSMiddleware`` (the subset the scenarios use)."""

    def __init__(self, app: Callable[..., Iterable[bytes]], **options: Any) -> None:
        self.app = app
        origins = list(options.get("origins", ()))
        self.exact = frozenset(o for o in origins if REGEX_MARKERS.isdisjoint(o))
        regexes = [o for o in origins if not REGEX_MARKERS.isdisjoint(o)]
        joined = re.compile("|".join(f"(?:{r})" for r in regexes), re.IGNORECASE) if regexes else None
        self.allowed = functools.lru_cache(1024)(
            lambda origin: (
                origin in self.exact or (joined is not None and joined.fullmatch(origin) is not None)
            )
        )
        resources = options.get("resources")
        self.resources = re.compile("|".join(r.replace("*", ".*") for r in resources)) if resources else None
        self.methods = frozenset(METHODS.split(", "))
        self.grant_extra = (
            [("Access-Control-Allow-Credentials", "true")] if options.get("supports_credentials") else []
        )
        if options.get("expose_headers"):
            self.grant_extra.append(("Access-Control-Expose-Headers", str(options["expose_headers"])))

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if self.resources is not None and not self.resources.match(environ.get("PATH_INFO", "")):
            return self.app(environ, start_response)
        origin = environ.get("HTTP_ORIGIN")
        allowed = origin is not None and self.allowed(origin)
        if environ["REQUEST_METHOD"] == "OPTIONS" and "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in environ:
            return self.preflight(environ, origin if allowed else None, start_response)
        extra = [("Access-Control-Allow-Origin", origin), *self.grant_extra] if allowed else []

        def cors_start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            return start_response(status, merge_vary(headers, "Origin") + extra, exc_info)

        return self.app(environ, cors_start_response)

    def preflight(
        self, environ: Mapping[str, str], origin: str | None, start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        headers = [("Vary", PREFLIGHT_VARY)]
        method = environ["HTTP_ACCESS_CONTROL_REQUEST_METHOD"]
        requested = environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS", "")
        if (
            origin is not None
            and method in self.methods
            and (not requested or TOKEN_LIST.fullmatch(requested))
        ):
            headers += [("Access-Control-Allow-Origin", origin), ("Access-Control-Allow-Methods", METHODS)]
            if requested:
                headers.append(("Access-Control-Allow-Headers", requested))
            headers += self.grant_extra
        start_response("200 OK", headers)
        return []


def merge_vary(headers: list[tuple[str, str]], token: str) -> list[tuple[str, str]]:
    """The application's headers with ``token`` in its ``Vary`` (added when it has none)."""
    for index, (name, value) in enumerate(headers):
        if name.lower() == "vary":
            if token.lower() in (t.strip().lower() for t in value.split(",")):
                return headers
            headers = list(headers)
            headers[index] = (name, f"{value}, {token}")
            return headers
    return [*headers, ("Vary", token)]
