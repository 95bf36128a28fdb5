"""The browser's side of CORS: what Fetch sends, and how it judges the answers.

This module knows nothing of :mod:`wsgi_cors.policy`: it models the client, so that
``wsgi-cors check`` can judge any server and ``wsgi-cors explain`` can show whether the
middleware's answer would satisfy a browser. References are to the Fetch standard
(https://fetch.spec.whatwg.org/); messages are Chromium's console wording, so that they can be
matched with what users paste into bug reports.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .fetch import (
    SAFELISTED_METHODS,
    SAFELISTED_RESPONSE_HEADERS,
    TOKEN,
    is_forbidden_request_header,
    is_safelisted_header,
    normalise_method,
)

Headers = Sequence[tuple[str, str]]


@dataclass(frozen=True)
class BrowserRequest:
    """A cross-origin ``fetch()`` from a page at ``origin``, in ``cors`` mode.

    ``headers`` are the ones the page sets itself; ``credentials`` is
    ``credentials: 'include'`` (cookies, and the strict credentialed checks);
    ``private_network``: a public page calling a private address, in browsers that implement
    Private Network Access preflights (Chromium 104 to 141).
    """

    origin: str
    method: str = "GET"
    headers: tuple[tuple[str, str], ...] = ()
    credentials: bool = False
    private_network: bool = False

    @property
    def unsafe_header_names(self) -> list[str]:
        """Fetch "CORS-unsafe request-header names": lower-cased, sorted, de-duplicated."""
        names: set[str] = set()
        safelisted_bytes = 0
        safelisted: list[str] = []
        for name, value in self.headers:
            if is_safelisted_header(name, value):
                safelisted_bytes += len(value)
                safelisted.append(name.lower())
            else:
                names.add(name.lower())
        if safelisted_bytes > 1024:  # too much safelisted data makes all of it unsafe
            names.update(safelisted)
        return sorted(names)

    def preflight_reasons(self) -> list[str]:
        """Why a browser sends a preflight first; empty for a request it sends directly."""
        reasons = []
        method = normalise_method(self.method)
        if method not in SAFELISTED_METHODS:
            reasons.append(f"method {method} is not one of GET, HEAD, POST")
        for name in self.unsafe_header_names:
            value = next((v for n, v in self.headers if n.lower() == name), "")
            if name == "content-type":
                reasons.append(
                    f"Content-Type {value!r} is not form, multipart or text/plain"
                    if value
                    else "Content-Type without a value (give one to judge it: 'Content-Type: text/plain')"
                )
            else:
                reasons.append(f"header {name} is not CORS-safelisted")
        return reasons

    def preflight_request_headers(self) -> list[tuple[str, str]]:
        """The headers of the preflight, as Chromium sends them (no cookies, ever)."""
        headers = [
            ("Origin", self.origin),
            ("Access-Control-Request-Method", normalise_method(self.method)),
        ]
        if self.unsafe_header_names:
            headers.append(("Access-Control-Request-Headers", ",".join(self.unsafe_header_names)))
        if self.private_network:
            headers.append(("Access-Control-Request-Private-Network", "true"))
        return headers

    def actual_request_headers(self) -> list[tuple[str, str]]:
        return [("Origin", self.origin), *self.headers]


@dataclass(frozen=True)
class Finding:
    """One check the browser made; ``ok`` False means it blocked the call here."""

    ok: bool
    message: str
    console: str | None = None  # Chromium's console message, when this check failed
    fix: str | None = None


@dataclass
class Verdict:
    """The checks made so far; the call succeeds only if every one of them passed."""

    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether a browser lets the page make the call and read the answer."""
        return all(finding.ok for finding in self.findings)

    @property
    def failure(self) -> Finding | None:
        """The first failed check: the one a browser reports in its console."""
        return next((finding for finding in self.findings if not finding.ok), None)

    def add(self, ok: bool, message: str, console: str | None = None, fix: str | None = None) -> bool:
        self.findings.append(Finding(ok, message, None if ok else console, None if ok else fix))
        return ok


def header_values(headers: Headers, name: str) -> list[str]:
    lowered = name.lower()
    return [value for key, value in headers if key.lower() == lowered]


def _combined(headers: Headers, name: str) -> str | None:
    """Fetch "get" a header: every value joined with ', ', or None when absent."""
    values = header_values(headers, name)
    return ", ".join(values) if values else None


def _list(headers: Headers, name: str) -> list[str]:
    """Fetch "extract header list values", tolerant of spaces as browsers are."""
    value = _combined(headers, name)
    if value is None:
        return []
    return [item.strip() for item in value.split(",") if item.strip()]


def cors_check(request: BrowserRequest, headers: Headers, verdict: Verdict, where: str) -> bool:
    """Fetch "CORS check": Access-Control-Allow-Origin, then -Credentials when credentialed."""
    prefix = (
        "Response to preflight request doesn't pass access control check: " if where == "preflight" else ""
    )
    values = header_values(headers, "Access-Control-Allow-Origin")
    if not values:
        return verdict.add(
            False,
            f"{where}: no Access-Control-Allow-Origin header",
            prefix + "No 'Access-Control-Allow-Origin' header is present on the requested resource.",
            f"the {'preflight response' if where == 'preflight' else 'response'} must carry "
            f"'Access-Control-Allow-Origin: {request.origin}'"
            + ("" if request.credentials else " (or '*')")
            + "; with wsgi-cors, `wsgi-cors explain` says which option refused it",
        )
    allow_origin = ", ".join(values)
    if len(values) > 1 or "," in allow_origin:
        return verdict.add(
            False,
            f"{where}: Access-Control-Allow-Origin has several values ({allow_origin!r})",
            prefix + f"The 'Access-Control-Allow-Origin' header contains multiple values "
            f"'{allow_origin}', but only one is allowed.",
            "send exactly one Access-Control-Allow-Origin with one origin: check that the proxy, the "
            "framework and the application do not each add their own",
        )
    if allow_origin == "*" and request.credentials:
        return verdict.add(
            False,
            f"{where}: Access-Control-Allow-Origin is '*' on a credentialed request",
            prefix + "The value of the 'Access-Control-Allow-Origin' header in the response must not be "
            "the wildcard '*' when the request's credentials mode is 'include'.",
            f"echo the origin ('{request.origin}') instead of '*' (wsgi-cors does this unless "
            "send_wildcard=True)",
        )
    if allow_origin == "*":
        verdict.add(True, f"{where}: Access-Control-Allow-Origin is '*' (no credentials)")
        return True
    if allow_origin != request.origin:
        return verdict.add(
            False,
            f"{where}: Access-Control-Allow-Origin is {allow_origin!r}, not the page's origin "
            f"{request.origin!r}",
            prefix + f"The 'Access-Control-Allow-Origin' header has a value '{allow_origin}' that is not "
            "equal to the supplied origin.",
            f"answer with 'Access-Control-Allow-Origin: {request.origin}' (byte for byte: scheme, host, "
            "port, no trailing slash)",
        )
    verdict.add(True, f"{where}: Access-Control-Allow-Origin matches the origin")
    if not request.credentials:
        return True
    credentials = _combined(headers, "Access-Control-Allow-Credentials")
    if credentials != "true":
        return verdict.add(
            False,
            f"{where}: "
            + (
                "no Access-Control-Allow-Credentials"
                if credentials is None
                else f"Access-Control-Allow-Credentials is {credentials!r}"
            )
            + ", and a credentialed request needs 'true'",
            prefix + f"The value of the 'Access-Control-Allow-Credentials' header in the response is "
            f"'{credentials or ''}' which must be 'true' when the request's credentials mode is 'include'.",
            "send 'Access-Control-Allow-Credentials: true' (wsgi-cors: supports_credentials=True), or "
            "make the call without credentials",
        )
    verdict.add(True, f"{where}: Access-Control-Allow-Credentials is 'true'")
    return True


def check_preflight(request: BrowserRequest, status: int, headers: Headers, verdict: Verdict) -> bool:
    """Fetch "CORS-preflight fetch", steps after the response arrives."""
    if not cors_check(request, headers, verdict, "preflight"):
        return False
    if not 200 <= status <= 299:
        return verdict.add(
            False,
            f"preflight: status {status} is not an ok status (200-299)",
            "Response to preflight request doesn't pass access control check: It does not have HTTP ok "
            "status.",
            "answer the OPTIONS preflight with 200 or 204; a redirect, 401 or 404 fails it (an auth check "
            "or a router that does not know OPTIONS is the usual cause)",
        )
    verdict.add(True, f"preflight: status {status} is ok")
    if request.private_network and _combined(headers, "Access-Control-Allow-Private-Network") != "true":
        return verdict.add(
            False,
            "preflight: no 'Access-Control-Allow-Private-Network: true' for a private network request",
            "Response to preflight request doesn't pass access control check: No "
            "'Access-Control-Allow-Private-Network' header was present in the preflight response for "
            "this private network request targeting the `local` address space.",
            "answer 'Access-Control-Allow-Private-Network: true' (wsgi-cors: allow_private_network=True)",
        )
    methods = _list(headers, "Access-Control-Allow-Methods")
    allowed_headers = _list(headers, "Access-Control-Allow-Headers")
    method = normalise_method(request.method)
    # Methods compare byte for byte; '*' only counts without credentials.
    if method in methods or method in SAFELISTED_METHODS:
        verdict.add(True, f"preflight: method {method} allowed")
    elif "*" in methods and not request.credentials:
        verdict.add(True, f"preflight: method {method} allowed by '*'")
    else:
        star = " ('*' does not count on a credentialed request)" if "*" in methods else ""
        fix = f"list {method} in Access-Control-Allow-Methods (wsgi-cors: add it to methods)"
        if method.upper() in methods:
            fix = (
                f"write the method in upper case in the page ({method.upper()!r}): methods compare "
                "case-sensitively, and fetch() upper-cases only DELETE, GET, HEAD, OPTIONS, POST and PUT"
            )
        return verdict.add(
            False,
            f"preflight: method {method} not in Access-Control-Allow-Methods {methods!r}{star}",
            f"Method {method} is not allowed by Access-Control-Allow-Methods in preflight response.",
            fix,
        )
    lowered_allowed = {name.lower() for name in allowed_headers}
    for name in request.unsafe_header_names:
        if name in lowered_allowed:
            verdict.add(True, f"preflight: header {name} allowed")
            continue
        # Fetch: Authorization is a "CORS non-wildcard request-header name".
        if "*" in lowered_allowed and not request.credentials and name != "authorization":
            verdict.add(True, f"preflight: header {name} allowed by '*'")
            continue
        if "*" in lowered_allowed:
            why = (
                " ('*' never covers Authorization)"
                if name == "authorization"
                else " ('*' does not count on a credentialed request)"
            )
        else:
            why = ""
        return verdict.add(
            False,
            f"preflight: header {name} not in Access-Control-Allow-Headers {allowed_headers!r}{why}",
            f"Request header field {name} is not allowed by Access-Control-Allow-Headers in preflight "
            "response.",
            f"list {name} in Access-Control-Allow-Headers (wsgi-cors: add it to allow_headers)",
        )
    return True


def check_actual(request: BrowserRequest, headers: Headers, verdict: Verdict) -> bool:
    """The CORS check on the actual response (any status: an error page must pass it too)."""
    return cors_check(request, headers, verdict, "response")


def readable_headers(request: BrowserRequest, headers: Headers) -> list[str]:
    """Response header names the page can read with ``response.headers.get()``."""
    exposed = {name.lower() for name in _list(headers, "Access-Control-Expose-Headers")}
    star = "*" in exposed and not request.credentials
    names = dict.fromkeys(name.lower() for name, _ in headers)
    return [
        name
        for name in names
        if name in SAFELISTED_RESPONSE_HEADERS
        or name in exposed
        or (star and name not in ("set-cookie", "set-cookie2"))
    ]


def parse_header_option(text: str) -> tuple[str, str]:
    """``'X-Token'`` or ``'Content-Type: application/json'`` -> (name, value)."""
    name, _, value = text.partition(":")
    name = name.strip()
    if not TOKEN.fullmatch(name):
        raise ValueError(f"{text!r} is not a header: write NAME or 'NAME: value'")
    if any(char in value for char in "\r\n\0"):
        raise ValueError(f"the value of {name!r} contains CR, LF or NUL, which no browser sends")
    if is_forbidden_request_header(name.lower()):
        raise ValueError(
            f"a page cannot set {name!r} (a forbidden request header); "
            + ("use --credentials to send cookies" if name.lower() == "cookie" else "leave it out")
        )
    return name, value.strip()


def parse_headers(texts: Iterable[str]) -> tuple[tuple[str, str], ...]:
    return tuple(parse_header_option(text) for text in texts)
