"""``wsgi-cors check``: play the browser against any server over HTTP.

It knows nothing of the policy: it sends what Fetch sends and judges the answers with the
browser's checks (:mod:`wsgi_cors.browser`), so it works on servers that do not run wsgi-cors,
and sees what ``explain`` cannot (the application's own headers, proxies, redirects).
"""

from __future__ import annotations

import http.client
from collections.abc import Callable
from urllib.parse import urlsplit

from .. import __version__
from ..browser import BrowserRequest, Headers, Verdict, check_actual, check_preflight
from ..fetch import normalise_method
from .report import Report, UsageError, conclude, say_findings

#: ``send(method, url, headers) -> (status, reason phrase, response headers)``; tests pass a fake.
Sender = Callable[[str, str, list[tuple[str, str]]], tuple[int, str, list[tuple[str, str]]]]


def http_sender(url: str, timeout: float) -> Sender:
    """A sender for ``url`` over http.client: one connection per request, the body read and dropped."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"{url!r} is not an http:// or https:// URL")
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        port = parts.port
    except ValueError:
        raise UsageError(f"{url!r} has an invalid port") from None

    def send(method: str, _: str, headers: list[tuple[str, str]]) -> tuple[int, str, list[tuple[str, str]]]:
        connection_class = (
            http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        )
        connection = connection_class(parts.hostname or "", port, timeout=timeout)
        try:
            connection.putrequest(method, target, skip_accept_encoding=True)
            for name, value in [
                ("User-Agent", f"wsgi-cors-check/{__version__}"),
                ("Accept", "*/*"),
                *headers,
            ]:
                connection.putheader(name, value)
            if method in ("POST", "PUT", "PATCH"):
                connection.putheader("Content-Length", "0")
            connection.endheaders()
            response = connection.getresponse()
            response.read()
            return response.status, response.reason, list(response.getheaders())
        finally:
            connection.close()

    return send


def check(request: BrowserRequest, url: str, send: Sender) -> Report:
    """Play the browser: preflight when Fetch would, then the actual request, judging each answer."""
    report = Report()
    say = report.say
    method = normalise_method(request.method)
    target = urlsplit(url)
    path = (target.path or "/") + (f"?{target.query}" if target.query else "")
    report.data.update(
        url=url,
        origin=request.origin,
        method=method,
        credentials=request.credentials,
        request_headers=[list(h) for h in request.headers],
        preflight=None,
        actual=None,
    )
    say(
        f"Can a page at {request.origin} {method} {url}"
        + (" with credentials" if request.credentials else "")
        + "?"
    )
    verdict = Verdict()
    reasons = request.preflight_reasons()
    if reasons:
        say(f"Preflight ({'; '.join(reasons)}):")
        sent = request.preflight_request_headers()
        say(f"     > OPTIONS {path}")
        report.headers(sent, ">")
        status, phrase, headers = send("OPTIONS", url, sent)
        say(f"     < {status} {phrase}")
        report.headers(_cors_headers(headers), "<")
        report.data["preflight"] = {
            "reasons": reasons,
            "request_headers": sent,
            "status": status,
            "headers": headers,
        }
        passed = check_preflight(request, status, headers, verdict)
        say_findings(report, verdict, "preflight")
        if not passed:
            say("   A browser stops here: the actual request is not sent.")
            return conclude(report, request, verdict, None, url, [])
    else:
        say(f"No preflight: {method} with only CORS-safelisted headers is sent directly.")
    sent = request.actual_request_headers()
    say(f"Actual request{' (cookies would be sent; this tool has none)' if request.credentials else ''}:")
    say(f"     > {method} {path}")
    report.headers(sent, ">")
    status, phrase, headers = send(method, url, sent)
    say(f"     < {status} {phrase}")
    report.headers(_cors_headers(headers), "<")
    report.data["actual"] = {"request_headers": sent, "status": status, "headers": headers}
    if 300 <= status <= 399:
        location = next((v for n, v in headers if n.lower() == "location"), "?")
        say(f"   note: a redirect to {location}; a browser follows it and checks that answer too.")
    check_actual(request, headers, verdict)
    say_findings(report, verdict, "response")
    return conclude(report, request, verdict, None, url, headers)


def _cors_headers(headers: Headers) -> list[tuple[str, str]]:
    return [(n, v) for n, v in headers if n.lower().startswith("access-control-") or n.lower() == "vary"]
