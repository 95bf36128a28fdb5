"""The browser suite's cases and the verdicts Chromium is expected to reach, as data.

The playground page (``playground/static/playground.js``) runs every case against the API
served with each configuration of ``playground/configs.py``; ``test_chromium.py`` compares
what Chromium did with :data:`EXPECTED`. Other tools (``wsgi-cors check``) can reuse the
table: :data:`CASES` says what each case sends, :data:`EXPECTED` what a browser concluded.

Verdicts:

``allowed``            the call went through and the page could read the response
``blocked``            ``fetch()`` rejected (CORS refused, or the preflight did)
``readable``/``hidden`` the response was readable; the named header was / was not exposed
``cached``/``not cached`` two preflighted calls 6 s apart caused one / two preflights
                       (Chromium caches a preflight without ``Access-Control-Max-Age`` for 5 s)

Origins: the page is ``http://127.0.0.1:PORT``, the API ``http://localhost:PORT2``. Three
cases run in a frame on another origin served by the same page server (Chromium resolves
``*.localhost`` to loopback): ``evil.localhost``, ``sub.app.localhost`` and ``app.localhost``.

Private network: Chromium 156 sends no ``Access-Control-Request-Private-Network`` preflight
any more. Local Network Access replaced it with a user permission, so ``allow_private_network``
cannot change a verdict; the suite grants the permission, and the ``private-network`` case
(a frame in the public address space calling the loopback API) then follows plain CORS.
"""

from __future__ import annotations

from typing import NamedTuple


class Case(NamedTuple):
    """What one case sends; ``origin`` is ``page`` (http://127.0.0.1:PORT) or a frame's host."""

    name: str
    origin: str
    method: str
    path: str
    request_headers: tuple[str, ...]
    credentials: bool
    reads: str | None
    note: str


CASES: tuple[Case, ...] = (
    Case("simple-get", "page", "GET", "/api/items", (), False, None, "no preflight"),
    Case("json-post", "page", "POST", "/api/items", ("content-type",), False, None, "preflighted"),
    Case(
        "put-custom-header",
        "page",
        "PUT",
        "/api/items/1",
        ("content-type", "x-custom-header"),
        False,
        None,
        "",
    ),
    Case("delete-custom-header", "page", "DELETE", "/api/items/1", ("x-custom-header",), False, None, ""),
    Case(
        "credentialed-cookie",
        "page",
        "GET",
        "/api/whoami",
        (),
        True,
        None,
        "after a credentialed POST /api/login set a partitioned SameSite=None; Secure cookie",
    ),
    Case("read-exposed-header", "page", "GET", "/api/items", (), False, "X-Request-Id", ""),
    Case("read-unexposed-header", "page", "GET", "/api/items", (), False, "X-Secret", ""),
    Case(
        "preflight-cache",
        "page",
        "PUT",
        "/api/items/cache-RANDOM",
        ("content-type", "x-custom-header"),
        False,
        None,
        "twice, 6 s apart",
    ),
    Case("unlisted-origin", "evil.localhost", "GET", "/api/items", (), False, None, "frame"),
    Case("subdomain-origin", "sub.app.localhost", "GET", "/api/items", (), False, None, "frame"),
    Case("bare-domain-origin", "app.localhost", "GET", "/api/items", (), False, None, "frame"),
    Case(
        "private-network",
        "page",
        "GET",
        "/api/items",
        (),
        False,
        None,
        "frame with CSP treat-as-public-address",
    ),
)
CASE_NAMES = tuple(case.name for case in CASES)


def origin_of(case: Case, page_port: int) -> str:
    """The ``Origin`` a case's request carries when the page is served on ``page_port``.

    Pair it with ``playground.configs.options_for(config, page_port)`` to ask another judge
    (``Policy.decide``, ``wsgi-cors check``) the same question Chromium answered.
    """
    host = "127.0.0.1" if case.origin == "page" else case.origin
    return f"http://{host}:{page_port}"


# The verdicts under the default options (any origin, no credentials, nothing exposed) ...
_DEFAULT = {
    "simple-get": "allowed",
    "json-post": "allowed",
    "put-custom-header": "allowed",
    "delete-custom-header": "allowed",
    "credentialed-cookie": "blocked",  # no Access-Control-Allow-Credentials
    "read-exposed-header": "hidden",
    "read-unexposed-header": "hidden",
    "preflight-cache": "not cached",
    "unlisted-origin": "allowed",
    "subdomain-origin": "allowed",
    "bare-domain-origin": "allowed",
    "private-network": "allowed",
}
_ONLY_PAGE_ORIGIN = {
    "unlisted-origin": "blocked",
    "subdomain-origin": "blocked",
    "bare-domain-origin": "blocked",
}

# ... and what each configuration changes.
_CHANGES: dict[str, dict[str, str]] = {
    "allow-all": {},
    "origin-list": _ONLY_PAGE_ORIGIN,
    "wildcard-subdomain": {
        **dict.fromkeys(CASE_NAMES, "blocked"),  # the page's own origin is not in the pattern
        "subdomain-origin": "allowed",  # sub.app.localhost: one label in place of '*'
    },
    "credentials": {**_ONLY_PAGE_ORIGIN, "credentialed-cookie": "allowed"},
    "expose-headers": {"read-exposed-header": "readable"},
    "max-age": {"preflight-cache": "cached"},
    "refused-method": {
        "put-custom-header": "blocked",
        "delete-custom-header": "blocked",
        "preflight-cache": "blocked",  # a PUT
    },
    "refused-header": {
        "put-custom-header": "blocked",
        "delete-custom-header": "blocked",
        "preflight-cache": "blocked",  # sends X-Custom-Header
    },
    "private-network-off": {},
    "private-network-on": {},
}

#: (configuration, case, expected verdict) for every configuration and case.
EXPECTED: tuple[tuple[str, str, str], ...] = tuple(
    (config, case, {**_DEFAULT, **changes}[case])
    for config, changes in _CHANGES.items()
    for case in CASE_NAMES
)
CONFIG_NAMES = tuple(_CHANGES)

#: The verdicts against the Django example project (examples/django_project: one origin, the
#: page's; Content-Type and Authorization allowed; X-Request-Id exposed; credentials). Cases its
#: routes cannot serve are left out: ``credentialed-cookie`` (no /api/login) and
#: ``read-unexposed-header`` (its view sends no X-Secret, so "hidden" would prove nothing).
DJANGO_EXAMPLE: dict[str, str] = {
    "simple-get": "allowed",
    "json-post": "allowed",  # the preflight is granted; the view then answers 405 (GET only), readable
    "put-custom-header": "blocked",  # X-Custom-Header is not in CORS_ALLOW_HEADERS
    "delete-custom-header": "blocked",
    "read-exposed-header": "readable",
    "preflight-cache": "blocked",  # a PUT with X-Custom-Header
    **_ONLY_PAGE_ORIGIN,
    "private-network": "allowed",
}
