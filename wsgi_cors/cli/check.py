"""``wsgi-cors check``: play the browser against any server over HTTP.

It knows nothing of the policy: it sends what Fetch sends and judges the answers with the
browser's checks (:mod:`wsgi_cors.browser`), so it works on servers that do not run wsgi-cors,
and sees what ``explain`` cannot (the application's own headers, proxies, redirects). The
network is :mod:`.transport`'s (proxies and certificates as the user's other tools find them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Literal
from urllib.parse import urlsplit

from ..browser import (
    MAX_REDIRECTS,
    BrowserRequest,
    Check,
    Finding,
    Headers,
    Verdict,
    check_actual,
    check_preflight,
    follow_redirect,
    header_values,
    is_redirect,
)
from ..fetch import normalise_method
from .report import Report, conclude, say_findings

#: ``send(method, url, headers) -> (status, reason phrase, response headers)``; tests pass a fake.
Sender = Callable[[str, str, list[tuple[str, str]]], tuple[int, str, list[tuple[str, str]]]]

#: The most headers a diagnosis tries one by one (each is one more OPTIONS request).
MAX_HEADER_PROBES = 16

Cause = Literal["origin", "method", "header"]


@dataclass
class Diagnosis:
    """Why a server refused a preflight without saying so, found by asking it smaller preflights."""

    cause: Cause | None = None
    refused: list[str] = field(default_factory=list)  # the header names, the method, or the origin
    probes: list[dict[str, Any]] = field(default_factory=list)

    def fix(self) -> str | None:
        names = ", ".join(self.refused)
        if self.cause == "header":
            return (
                f"allow the request header{'s' if len(self.refused) > 1 else ''} {names}: the server refuses "
                f"{'them' if len(self.refused) > 1 else 'it'} (a preflight without "
                f"{'them' if len(self.refused) > 1 else 'it'} passes); with wsgi-cors, add "
                + ", ".join(repr(name) for name in self.refused)
                + " to allow_headers"
            )
        if self.cause == "method":
            return (
                f"allow the method {names}: the server refuses it (a preflight for GET passes); with "
                f"wsgi-cors, add {names!r} to methods"
            )
        if self.cause == "origin":
            return (
                f"allow the origin {names}, if you trust that site: the server refuses it (even a preflight "
                f"for GET without headers gets no Access-Control-Allow-Origin; or no CORS is configured for "
                f"this path); with wsgi-cors, add {names!r} to origins"
            )
        return None


def _preflight_refused_silently(failure: Finding | None) -> bool:
    """A preflight answered without any Access-Control-Allow-Origin: the server did not say why."""
    return (
        failure is not None
        and failure.stage == "preflight"
        and failure.check is Check.ALLOW_ORIGIN
        and failure.absent
    )


def diagnose(request: BrowserRequest, url: str, send: Sender) -> Diagnosis:
    """Find the part of a silently refused preflight that the server refuses.

    A server that refuses a preflight (wsgi-cors, and most others) answers without CORS
    headers, whether it refused the origin, the method or a header, so the browser's message
    names the missing allow-origin. Preflights have no side effects, so this sends smaller
    ones: the method alone, then each header alone (a header is refused when the method alone
    passes and the method with it does not), or, when the method alone fails too, a GET
    alone (the method is refused when that passes, the origin when it does not).
    """
    diagnosis = Diagnosis()

    def passes(probe: BrowserRequest, what: str) -> bool:
        sent = probe.preflight_request_headers()
        status, _, headers = send("OPTIONS", url, sent)
        verdict = Verdict()
        ok = check_preflight(probe, status, headers, verdict)
        diagnosis.probes.append({"probe": what, "request_headers": sent, "status": status, "passed": ok})
        return ok

    method = normalise_method(request.method)
    names = request.unsafe_header_names
    alone = replace(request, headers=())
    if names and passes(alone, f"{method} without headers"):
        values = {n.lower(): v for n, v in request.headers}
        refused = [
            name
            for name in names[:MAX_HEADER_PROBES]
            if not passes(replace(request, headers=((name, values.get(name, "")),)), f"{method} with {name}")
        ]
        if refused:
            diagnosis.cause, diagnosis.refused = "header", refused
        return diagnosis
    if method != "GET":
        probe = replace(request, method="GET", headers=())
        if passes(probe, "GET without headers"):
            diagnosis.cause, diagnosis.refused = "method", [method]
            return diagnosis
    diagnosis.cause, diagnosis.refused = "origin", [request.sent_origin]
    return diagnosis


def check(request: BrowserRequest, url: str, send: Sender) -> Report:
    """Play the browser: for each hop, preflight when Fetch would, then the request, judging each answer.

    Redirects are followed as Fetch follows them for a CORS request: each redirect response
    must pass the CORS check itself, a preflight is never redirected, a cross-origin redirect
    from a cross-origin URL makes the origin ``null``, 301/302 turn a POST (and 303 anything but
    GET and HEAD) into a GET, and the 21st redirect is an error.
    """
    report = Report()
    say = report.say
    method = normalise_method(request.method)
    report.data.update(
        url=url,
        origin=request.origin,
        method=method,
        credentials=request.credentials,
        request_headers=[list(h) for h in request.headers],
        preflight=None,
        actual=None,
        hops=[],
        diagnosis=None,
    )
    say(
        f"Can a page at {request.origin} {method} {url}"
        + (" with credentials" if request.credentials else "")
        + "?"
    )
    verdict = Verdict()
    current, hop_url = request, url
    hops: list[dict[str, Any]] = report.data["hops"]
    for count in range(MAX_REDIRECTS + 1):
        hop: dict[str, Any] = {
            "url": hop_url,
            "origin": current.sent_origin,
            "preflight": None,
            "actual": None,
        }
        hops.append(hop)
        target = urlsplit(hop_url)
        path = (target.path or "/") + (f"?{target.query}" if target.query else "")
        reasons = current.preflight_reasons()
        current_method = normalise_method(current.method)
        if reasons:
            say(f"Preflight ({'; '.join(reasons)}):")
            sent = current.preflight_request_headers()
            say(f"     > OPTIONS {path}")
            report.headers(sent, ">")
            status, phrase, headers = send("OPTIONS", hop_url, sent)
            say(f"     < {status} {phrase}")
            report.headers(_cors_headers(headers), "<")
            hop["preflight"] = {
                "reasons": reasons,
                "request_headers": sent,
                "status": status,
                "headers": headers,
            }
            if count == 0:
                report.data["preflight"] = hop["preflight"]
            mark = len(verdict.findings)
            passed = check_preflight(current, status, headers, verdict)
            say_findings(report, verdict, "preflight", mark)
            if not passed:
                say("   A browser stops here: the actual request is not sent.")
                fix = None
                if _preflight_refused_silently(verdict.failure):
                    fix = _say_diagnosis(report, diagnose(current, hop_url, send))
                return conclude(report, request, verdict, fix, hop_url, [], first_url=url)
        else:
            say(f"No preflight: {current_method} with only CORS-safelisted headers is sent directly.")
        sent = current.actual_request_headers()
        say(f"Actual request{' (cookies would be sent; this tool has none)' if current.credentials else ''}:")
        say(f"     > {current_method} {path}")
        report.headers(sent, ">")
        status, phrase, headers = send(current_method, hop_url, sent)
        say(f"     < {status} {phrase}")
        redirect = is_redirect(status, headers)
        shown = _cors_headers(headers) + (
            [("Location", header_values(headers, "Location")[0])] if redirect else []
        )
        report.headers(shown, "<")
        hop["actual"] = {
            "method": current_method,
            "request_headers": sent,
            "status": status,
            "headers": headers,
        }
        report.data["actual"] = hop["actual"]
        mark = len(verdict.findings)
        passed = check_actual(current, headers, verdict)
        say_findings(report, verdict, "response", mark)
        if not passed:
            if redirect:
                say("   A redirect must pass the CORS check too: the browser does not follow it.")
            return conclude(report, request, verdict, None, hop_url, headers, first_url=url)
        mark = len(verdict.findings)
        followed = follow_redirect(current, hop_url, status, headers, count, verdict)
        say_findings(report, verdict, "redirect", mark)
        if followed is None:  # the final answer, or a redirect the browser refuses to follow
            failure = verdict.failure
            if failure is not None and failure.stage == "redirect" and failure.subject:
                # Chromium names the refused target, redirected from the first URL.
                return conclude(report, request, verdict, None, failure.subject, headers, first_url=url)
            return conclude(report, request, verdict, None, hop_url, headers, first_url=url)
        say(
            f"Redirect {count + 1}: the browser follows it to {followed.url}"
            + ("." if not followed.changes else ":")
        )
        for change in followed.changes:
            say(f"     {change}")
        current, hop_url = followed.request, followed.url
    raise AssertionError("follow_redirect refuses the redirect after the limit")  # pragma: no cover


def _say_diagnosis(report: Report, diagnosis: Diagnosis) -> str | None:
    """Report the probes and their conclusion; the fix they lead to."""
    report.data["diagnosis"] = {
        "cause": diagnosis.cause,
        "refused": diagnosis.refused,
        "probes": diagnosis.probes,
    }
    report.say(
        "Diagnosis: the preflight was answered without any CORS header, which says nothing of the cause; "
        "smaller preflights (OPTIONS requests, no side effects) find it:"
    )
    for probe in diagnosis.probes:
        report.say(f"     OPTIONS for {probe['probe']}: {'passes' if probe['passed'] else 'refused'}")
    if diagnosis.cause is not None:
        report.data["cause"] = f"the server refuses the {diagnosis.cause} {', '.join(diagnosis.refused)}"
    return diagnosis.fix()


def _cors_headers(headers: Headers) -> list[tuple[str, str]]:
    return [(n, v) for n, v in headers if n.lower().startswith("access-control-") or n.lower() == "vary"]
