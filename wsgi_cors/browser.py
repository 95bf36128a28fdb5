"""The browser's side of CORS: what Fetch sends, and how it judges the answers.

This module knows nothing of :mod:`wsgi_cors.policy`: it models the client, so that
``wsgi-cors check`` can judge any server and ``wsgi-cors explain`` can show whether the
middleware's answer would satisfy a browser. References are to the Fetch standard
(https://fetch.spec.whatwg.org/); messages are Chromium's console wording, so that they can be
matched with what users paste into bug reports.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal
from urllib.parse import urljoin, urlsplit

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
    ``credentials: 'include'`` (cookies, and the strict credentialed checks). ``tainted`` is
    Fetch's "tainted origin flag", set by a cross-origin redirect: from then on the request
    says ``Origin: null`` and the answers must grant ``null``.
    """

    origin: str
    method: str = "GET"
    headers: tuple[tuple[str, str], ...] = ()
    credentials: bool = False
    tainted: bool = False

    @property
    def sent_origin(self) -> str:
        """Fetch "byte-serializing a request origin": what ``Origin`` says, and what must be granted."""
        return "null" if self.tainted else self.origin

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
            ("Origin", self.sent_origin),
            ("Access-Control-Request-Method", normalise_method(self.method)),
        ]
        if self.unsafe_header_names:
            headers.append(("Access-Control-Request-Headers", ",".join(self.unsafe_header_names)))
        return headers

    def actual_request_headers(self) -> list[tuple[str, str]]:
        return [("Origin", self.sent_origin), *self.headers]


#: Which answer a check read: the preflight's, the actual response's, or a redirect's target.
Stage = Literal["preflight", "response", "redirect"]


class Check(enum.Enum):
    """What a finding checked, so that tools read the cause from a field, never from the text."""

    ALLOW_ORIGIN = "allow-origin"
    ALLOW_CREDENTIALS = "allow-credentials"
    STATUS = "status"
    METHOD = "method"
    HEADER = "header"
    PRIVATE_NETWORK = "private-network"
    REDIRECT = "redirect"


@dataclass(frozen=True)
class Finding:
    """One check the browser made; ``ok`` False means it blocked the call here.

    ``check`` and ``subject`` (the method or header name a method or header check was about)
    say what failed; ``absent`` that the header the check reads was not there at all (a server
    that refuses a preflight usually answers without any CORS header, whatever it refused).
    """

    ok: bool
    stage: Stage
    check: Check
    text: str
    console: str | None = None  # Chromium's console message, when this check failed
    fix: str | None = None
    subject: str | None = None
    absent: bool = False
    network: bool = False  # blocked as a network error (``TypeError: Failed to fetch``), not by CORS

    @property
    def message(self) -> str:
        return f"{self.stage}: {self.text}"


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

    def add(
        self,
        ok: bool,
        stage: Stage,
        check: Check,
        text: str,
        console: str | None = None,
        fix: str | None = None,
        *,
        subject: str | None = None,
        absent: bool = False,
        network: bool = False,
    ) -> bool:
        self.findings.append(
            Finding(
                ok, stage, check, text, None if ok else console, None if ok else fix, subject, absent, network
            )
        )
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


def _grant_note(request: BrowserRequest) -> str:
    """Why the origin to grant is not the page's, when a cross-origin redirect made it ``null``."""
    return " (the origin is null after a cross-origin redirect)" if request.tainted else ""


def cors_check(request: BrowserRequest, headers: Headers, verdict: Verdict, where: Stage) -> bool:
    """Fetch "CORS check": Access-Control-Allow-Origin, then -Credentials when credentialed."""
    prefix = (
        "Response to preflight request doesn't pass access control check: " if where == "preflight" else ""
    )
    origin = request.sent_origin
    values = header_values(headers, "Access-Control-Allow-Origin")
    if not values:
        return verdict.add(
            False,
            where,
            Check.ALLOW_ORIGIN,
            "no Access-Control-Allow-Origin header",
            prefix + "No 'Access-Control-Allow-Origin' header is present on the requested resource.",
            f"the {'preflight response' if where == 'preflight' else 'response'} must carry "
            f"'Access-Control-Allow-Origin: {origin}'"
            + ("" if request.credentials else " (or '*')")
            + _grant_note(request)
            + "; with wsgi-cors, `wsgi-cors explain` says which option refused it",
            absent=True,
        )
    allow_origin = ", ".join(values)
    if len(values) > 1 or "," in allow_origin:
        return verdict.add(
            False,
            where,
            Check.ALLOW_ORIGIN,
            f"Access-Control-Allow-Origin has several values ({allow_origin!r})",
            prefix + f"The 'Access-Control-Allow-Origin' header contains multiple values "
            f"'{allow_origin}', but only one is allowed.",
            "send exactly one Access-Control-Allow-Origin with one origin: check that the proxy, the "
            "framework and the application do not each add their own",
        )
    if allow_origin == "*" and request.credentials:
        return verdict.add(
            False,
            where,
            Check.ALLOW_ORIGIN,
            "Access-Control-Allow-Origin is '*' on a credentialed request",
            prefix + "The value of the 'Access-Control-Allow-Origin' header in the response must not be "
            "the wildcard '*' when the request's credentials mode is 'include'.",
            f"echo the origin ('{origin}') instead of '*' (wsgi-cors does this unless send_wildcard=True)"
            + _grant_note(request),
        )
    if allow_origin == "*":
        return verdict.add(
            True, where, Check.ALLOW_ORIGIN, "Access-Control-Allow-Origin is '*' (no credentials)"
        )
    if allow_origin != origin:
        return verdict.add(
            False,
            where,
            Check.ALLOW_ORIGIN,
            f"Access-Control-Allow-Origin is {allow_origin!r}, not "
            + (
                f"{origin!r} (a cross-origin redirect made the origin null)"
                if request.tainted
                else f"the page's origin {origin!r}"
            ),
            prefix + f"The 'Access-Control-Allow-Origin' header has a value '{allow_origin}' that is not "
            "equal to the supplied origin.",
            f"answer with 'Access-Control-Allow-Origin: {origin}' (byte for byte: scheme, host, "
            "port, no trailing slash)" + _grant_note(request),
            subject=allow_origin,
        )
    verdict.add(True, where, Check.ALLOW_ORIGIN, "Access-Control-Allow-Origin matches the origin")
    if not request.credentials:
        return True
    credentials = _combined(headers, "Access-Control-Allow-Credentials")
    if credentials != "true":
        return verdict.add(
            False,
            where,
            Check.ALLOW_CREDENTIALS,
            (
                "no Access-Control-Allow-Credentials"
                if credentials is None
                else f"Access-Control-Allow-Credentials is {credentials!r}"
            )
            + ", and a credentialed request needs 'true'",
            prefix + f"The value of the 'Access-Control-Allow-Credentials' header in the response is "
            f"'{credentials or ''}' which must be 'true' when the request's credentials mode is 'include'.",
            "send 'Access-Control-Allow-Credentials: true' (wsgi-cors: supports_credentials=True), or "
            "make the call without credentials",
            absent=credentials is None,
        )
    return verdict.add(True, where, Check.ALLOW_CREDENTIALS, "Access-Control-Allow-Credentials is 'true'")


def is_redirect(status: int, headers: Headers) -> bool:
    """Whether a browser treats the response as a redirect: a redirect status with a Location."""
    return status in REDIRECT_STATUSES and bool(header_values(headers, "Location"))


def check_preflight(request: BrowserRequest, status: int, headers: Headers, verdict: Verdict) -> bool:
    """Fetch "CORS-preflight fetch", steps after the response arrives."""
    if is_redirect(status, headers):
        # Fetch never follows a preflight's redirect; Chromium names it before any other check.
        location = header_values(headers, "Location")[0]
        return verdict.add(
            False,
            "preflight",
            Check.REDIRECT,
            f"status {status} redirects to {location!r}, and a preflight is never redirected",
            "Response to preflight request doesn't pass access control check: Redirect is not allowed "
            "for a preflight request.",
            "answer the OPTIONS preflight where the page sends it, with 200 or 204: point the page at the "
            "final URL, or exempt OPTIONS from the redirect (a trailing-slash or http-to-https redirect is "
            "the usual cause)",
            subject=location,
        )
    if not cors_check(request, headers, verdict, "preflight"):
        return False
    if not 200 <= status <= 299:
        return verdict.add(
            False,
            "preflight",
            Check.STATUS,
            f"status {status} is not an ok status (200-299)",
            "Response to preflight request doesn't pass access control check: It does not have HTTP ok "
            "status.",
            "answer the OPTIONS preflight with 200 or 204; a redirect, 401 or 404 fails it (an auth check "
            "or a router that does not know OPTIONS is the usual cause)",
            subject=str(status),
        )
    verdict.add(True, "preflight", Check.STATUS, f"status {status} is ok")
    methods = _list(headers, "Access-Control-Allow-Methods")
    allowed_headers = _list(headers, "Access-Control-Allow-Headers")
    method = normalise_method(request.method)
    # Methods compare byte for byte; '*' only counts without credentials.
    if method in methods or method in SAFELISTED_METHODS:
        verdict.add(True, "preflight", Check.METHOD, f"method {method} allowed", subject=method)
    elif "*" in methods and not request.credentials:
        verdict.add(True, "preflight", Check.METHOD, f"method {method} allowed by '*'", subject=method)
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
            "preflight",
            Check.METHOD,
            f"method {method} not in Access-Control-Allow-Methods {methods!r}{star}",
            f"Method {method} is not allowed by Access-Control-Allow-Methods in preflight response.",
            fix,
            subject=method,
            absent=not methods,
        )
    lowered_allowed = {name.lower() for name in allowed_headers}
    for name in request.unsafe_header_names:
        if name in lowered_allowed:
            verdict.add(True, "preflight", Check.HEADER, f"header {name} allowed", subject=name)
            continue
        # Fetch: Authorization is a "CORS non-wildcard request-header name".
        if "*" in lowered_allowed and not request.credentials and name != "authorization":
            verdict.add(True, "preflight", Check.HEADER, f"header {name} allowed by '*'", subject=name)
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
            "preflight",
            Check.HEADER,
            f"header {name} not in Access-Control-Allow-Headers {allowed_headers!r}{why}",
            f"Request header field {name} is not allowed by Access-Control-Allow-Headers in preflight "
            "response.",
            f"list {name} in Access-Control-Allow-Headers (wsgi-cors: add it to allow_headers)",
            subject=name,
            absent=not allowed_headers,
        )
    return True


def check_actual(request: BrowserRequest, headers: Headers, verdict: Verdict) -> bool:
    """The CORS check on the actual response (any status, a redirect too: an error page must pass it)."""
    return cors_check(request, headers, verdict, "response")


# --- redirects (Fetch "HTTP-redirect fetch", for a request in cors mode) ----------------------

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
#: Fetch's limit: the request that would be the 21st redirect is a network error.
MAX_REDIRECTS = 20
_REQUEST_BODY_HEADERS = frozenset(
    {"content-encoding", "content-language", "content-location", "content-type"}
)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def url_origin(url: str) -> str:
    """The serialised origin of an http(s) URL: ``scheme://host[:port]``, the default port left out."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    scheme = parts.scheme.lower()
    return f"{scheme}://{host}" + ("" if port is None or port == _DEFAULT_PORTS.get(scheme) else f":{port}")


@dataclass(frozen=True)
class Redirect:
    """The next hop of a followed redirect: where, and the request as the browser now makes it."""

    url: str
    request: BrowserRequest
    changes: tuple[str, ...]  # what the redirect changed in the request, in words


def follow_redirect(
    request: BrowserRequest, url: str, status: int, headers: Headers, count: int, verdict: Verdict
) -> Redirect | None:
    """Fetch "HTTP-redirect fetch" for a response that passed the CORS check.

    ``count`` is the number of redirects already followed. Returns ``None`` when the response
    is not a redirect (the page receives it as it is) or when the browser refuses to follow it
    (a failed finding then says why); otherwise the next URL and the request to send there.
    """
    if not is_redirect(status, headers):
        return None
    locations = header_values(headers, "Location")

    def refuse(text: str, console: str, fix: str, subject: str | None = None, network: bool = False) -> None:
        verdict.add(False, "redirect", Check.REDIRECT, text, console, fix, subject=subject, network=network)

    if len(set(locations)) > 1:
        refuse(
            f"{len(locations)} different Location headers",
            "net::ERR_RESPONSE_HEADERS_MULTIPLE_LOCATION",
            "send one Location header",
            network=True,
        )
        return None
    try:
        target = urljoin(url, locations[0])
        parts = urlsplit(target)
        parts.port  # noqa: B018 - raises ValueError on a port out of range
    except ValueError:
        refuse(
            f"Location {locations[0]!r} is not a URL",
            "net::ERR_INVALID_REDIRECT",
            "send an absolute or relative URL",
            network=True,
        )
        return None
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
        refuse(
            f"Location {target!r} is not an http(s) URL",
            "Cross origin requests are only supported for protocol schemes: chrome, "
            "chrome-experimental-site-token-provider, chrome-extension, chrome-untrusted, data, http, https, "
            "isolated-app.",
            "redirect to an http:// or https:// URL",
            target,
        )
        return None
    if count >= MAX_REDIRECTS:
        refuse(
            f"more than {MAX_REDIRECTS} redirects",
            "net::ERR_TOO_MANY_REDIRECTS",
            "break the redirect loop: the hops are listed above",
            target,
            network=True,
        )
        return None
    if parts.username is not None or parts.password is not None:
        refuse(
            f"Location {target!r} holds a user name or password, never followed for a CORS request",
            f"Redirect location '{target}' contains a username and password, which is disallowed for "
            "cross-origin requests.",
            "redirect to a URL without user:password@",
            target,
        )
        return None
    method = normalise_method(request.method)
    kept = request.headers
    changes: list[str] = []
    if (status in (301, 302) and method == "POST") or (status == 303 and method not in ("GET", "HEAD")):
        kept = tuple((n, v) for n, v in kept if n.lower() not in _REQUEST_BODY_HEADERS)
        changes.append(f"{status} turns {method} into GET, without a body or Content-Type")
        method = "GET"
    here, there = url_origin(url), url_origin(target)
    tainted = request.tainted
    if here != there:
        if any(n.lower() == "authorization" for n, _ in kept):
            kept = tuple((n, v) for n, v in kept if n.lower() != "authorization")
            changes.append("Authorization is dropped on a cross-origin redirect")
        if not tainted and request.origin != here:
            tainted = True
            changes.append(
                "a cross-origin redirect from a cross-origin URL: the Origin is now 'null', and every "
                "later answer must grant 'null' (or '*' without credentials)"
            )
    verdict.add(True, "redirect", Check.REDIRECT, f"{status} to {target}", subject=target)
    return Redirect(target, replace(request, method=method, headers=kept, tainted=tainted), tuple(changes))


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
