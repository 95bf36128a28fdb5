"""``wsgi-cors``: answer "why is my CORS not working?" from the command line.

``explain`` runs a configuration's :class:`~wsgi_cors.policy.Policy` on one request and says,
step by step, what the middleware answers and why. ``check`` plays the browser against any
server over HTTP and says whether a page could make the call. Both exit 0 when a browser would
allow the call, 1 when it would block it, 2 on usage, configuration or network errors.
"""

from __future__ import annotations

import argparse
import http.client
import importlib
import json
import os
import sys
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

from . import __version__
from .browser import (
    BrowserRequest,
    Headers,
    Verdict,
    check_actual,
    check_preflight,
    parse_headers,
    readable_headers,
)
from .errors import CORSSecurityWarning, WsgiCorsError
from .fetch import SERIALISED_ORIGIN, TOKEN, normalise_method
from .middleware import merge_headers
from .options import DEFAULTS, OPTION_NAMES
from .origins import OriginRules
from .policy import Decision, Kind, Policy, Refusal, ResourcePolicy, request_facts

EXIT_ALLOWED, EXIT_BLOCKED, EXIT_ERROR = 0, 1, 2

_LIST_OPTIONS = frozenset({"resources", "origins", "methods", "allow_headers", "expose_headers"})
_INT_OPTIONS = frozenset({"max_age", "preflight_status"})


class UsageError(Exception):
    """A mistake on the command line or in the configuration: exit status 2."""


# --------------------------------------------------------------------------- the command line


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wsgi-cors",
        description="Troubleshoot CORS: explain what wsgi-cors answers, or check any server as a browser.",
        allow_abbrev=False,
    )
    parser.add_argument("--version", action="version", version=f"wsgi-cors {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    explain = commands.add_parser(
        "explain",
        help="what the middleware answers to one request, and why",
        description="Run a wsgi-cors configuration on one request and explain each decision. "
        "Exit status: 0 a browser would allow the call, 1 it would block it, 2 usage or "
        "configuration error.",
        allow_abbrev=False,
    )
    source = explain.add_argument_group("configuration (options override the file)")
    source.add_argument("--config", metavar="FILE", help="options as a TOML (Python 3.11+) or JSON file")
    source.add_argument(
        "--app",
        metavar="MODULE:OBJECT",
        help="read the configuration from a live middleware, e.g. 'myproject.wsgi:application' "
        "(a trailing '()' calls an app factory)",
    )
    for name in sorted(OPTION_NAMES):
        _add_option_flag(source, name)
    _add_request_arguments(explain, origin_required=False)
    explain.add_argument("--path", default="/", help="the request path, as PATH_INFO (default: /)")
    explain.add_argument("--json", action="store_true", help="print a JSON report")

    check = commands.add_parser(
        "check",
        help="send a browser's CORS requests to a server and judge the answers",
        description="Send the preflight (when a browser would) and the actual request to URL, apply "
        "the browser's CORS checks, and say whether a page at ORIGIN could make the call. The "
        "actual request is really sent: do not aim a DELETE at data you want to keep. "
        "Exit status: 0 allowed, 1 blocked, 2 usage or network error.",
        allow_abbrev=False,
    )
    check.add_argument("url", help="the URL the page would fetch (http:// or https://)")
    _add_request_arguments(check, origin_required=True)
    check.add_argument("--timeout", type=float, default=10.0, help="seconds per request (default: 10)")
    check.add_argument("--json", action="store_true", help="print a JSON report")
    return parser


def _add_option_flag(group: argparse._ArgumentGroup, name: str) -> None:
    flag = "--" + name.replace("_", "-")
    dest = "opt_" + name
    default = DEFAULTS.get(name)
    about = f"the {name} option" + (f" (default: {default!r})" if name in DEFAULTS else "")
    if isinstance(default, bool):
        group.add_argument(flag, dest=dest, action=argparse.BooleanOptionalAction, default=None, help=about)
    elif name in _LIST_OPTIONS:
        group.add_argument(
            flag, dest=dest, action="append", metavar="VALUE", help=about + "; repeat for a list"
        )
    elif name in _INT_OPTIONS or isinstance(default, int):
        group.add_argument(flag, dest=dest, type=int, metavar="N", help=about)
    else:
        group.add_argument(flag, dest=dest, metavar="VALUE", help=about)


def _add_request_arguments(parser: argparse.ArgumentParser, *, origin_required: bool) -> None:
    request = parser.add_argument_group("the request, as the page makes it")
    request.add_argument(
        "--origin", required=origin_required, help="the page's origin, e.g. https://app.example.com"
    )
    request.add_argument("--method", default="GET", help="the fetch() method (default: GET)")
    request.add_argument(
        "--header",
        action="append",
        default=[],
        metavar="'NAME[: VALUE]'",
        help="a header the page sets; repeat for several. Give Content-Type's value to judge it",
    )
    request.add_argument(
        "--credentials", action="store_true", help="credentials: 'include' (cookies, HTTP auth)"
    )


def main(argv: Sequence[str] | None = None, stdout: TextIO | None = None) -> int:
    out = stdout or sys.stdout
    args = build_parser().parse_args(argv)
    try:
        if args.command == "explain":
            return run_explain(args, out)
        return run_check(args, out)
    except UsageError as exc:
        print(f"wsgi-cors {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_ERROR


# --------------------------------------------------------------------------- configuration


def read_config_file(path: str) -> dict[str, object]:
    """Options from a TOML or JSON file; a single top-level ``cors`` table is unwrapped."""
    file = Path(path)
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
    data: object
    if file.suffix.lower() == ".toml":
        if sys.version_info >= (3, 11):
            import tomllib

            try:
                data = tomllib.loads(raw.decode("utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                raise UsageError(f"{path} is not valid TOML: {exc}") from None
        else:  # pragma: no cover - exercised on Python 3.10 only
            raise UsageError("TOML configuration files need Python 3.11 (tomllib); use a JSON file")
    else:
        try:
            data = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            raise UsageError(f"{path} is not valid JSON: {exc}") from None
    if isinstance(data, dict) and set(data) == {"cors"} and isinstance(data["cors"], dict):
        data = data["cors"]
    if not isinstance(data, dict):
        raise UsageError(f"{path} must hold a table of options, e.g. origins = ['https://app.example.com']")
    return data


def options_from_args(args: argparse.Namespace) -> dict[str, object]:
    options: dict[str, object] = {}
    for name in OPTION_NAMES:
        value = getattr(args, "opt_" + name, None)
        if value is None:
            continue
        if name in _LIST_OPTIONS and isinstance(value, list):
            options[name] = value[0] if len(value) == 1 else value
        else:
            options[name] = value
    return options


def load_app_policy(spec: str) -> Policy:
    """Import ``module:object`` and find the wsgi-cors policy it runs (through wrappers)."""
    module_name, _, attribute = spec.partition(":")
    if not module_name or not attribute:
        raise UsageError(f"--app {spec!r}: write MODULE:OBJECT, e.g. 'myproject.wsgi:application'")
    call = attribute.endswith("()")
    attribute = attribute.removesuffix("()")
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        target: object = importlib.import_module(module_name)
        for part in attribute.split("."):
            target = getattr(target, part)
        if call:
            if not callable(target):
                raise UsageError(f"--app {spec!r}: {attribute} is not callable")
            target = target()
        policy = find_policy(target)
    except UsageError:
        raise
    except Exception as exc:
        raise UsageError(f"--app {spec!r}: cannot load it ({type(exc).__name__}: {exc})") from None
    if policy is None:
        raise UsageError(
            f"--app {spec!r}: no wsgi-cors middleware found in it (looked through .wsgi_app, .app and "
            ".application); point --app at the object CORSMiddleware returned"
        )
    return policy


def find_policy(target: object, depth: int = 8) -> Policy | None:
    """The :class:`Policy` of the first wsgi-cors layer reachable through the usual wrappers."""
    seen: set[int] = set()
    layer: list[object] = [target]
    for _ in range(depth):
        following: list[object] = []
        for obj in layer:
            if id(obj) in seen:
                continue
            seen.add(id(obj))
            policy = getattr(obj, "policy", None)
            if isinstance(policy, Policy):
                return policy
            for name in ("wsgi_app", "app", "application"):
                inner = getattr(obj, name, None)
                if inner is not None:
                    following.append(inner)
        layer = following
    return None


def load_policy(args: argparse.Namespace) -> tuple[Policy, str, list[str]]:
    """The policy to explain, where it came from, and the security warnings it raised."""
    options = options_from_args(args)
    if args.app:
        if args.config or options:
            raise UsageError("--app reads the configuration from the application: give no other options")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", CORSSecurityWarning)
            policy = load_app_policy(args.app)
        warned = [str(w.message) for w in caught if issubclass(w.category, CORSSecurityWarning)]
        return policy, f"the middleware in {args.app}", warned
    source = "the defaults"
    merged: dict[str, object] = {}
    if args.config:
        merged.update(read_config_file(args.config))
        source = args.config
    if options:
        merged.update(options)
        source = f"{source} and the command line" if args.config else "the command line"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            policy = Policy.from_options(merged)
        except WsgiCorsError as exc:
            raise UsageError(f"invalid configuration: {exc}") from None
    return policy, source, [str(warning.message) for warning in caught]


# --------------------------------------------------------------------------- explain


@dataclass
class Report:
    """What both commands print: text lines, and the same facts for ``--json``."""

    lines: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)

    def say(self, text: str = "") -> None:
        self.lines.append(text)

    def headers(self, headers: Headers, arrow: str) -> None:
        for name, value in headers:
            self.lines.append(f"     {arrow} {name}: {value}")


def describe_origins(rules: OriginRules) -> str:
    parts: list[str] = []
    if rules.any:
        parts.append("'*'" + ("" if rules.any_grants_null else " (not 'null': credentials are on)"))
    if rules.null:
        parts.append("'null'")
    parts.extend(repr(origin) for origin in sorted(rules.exact))
    parts.extend(f"pattern {label!r}" for label in rules.labels)
    parts.extend(f"callable {getattr(p, '__qualname__', repr(p))}" for p in rules.predicates)
    return ", ".join(parts) or "none"


def describe_resource(resource: ResourcePolicy) -> list[str]:
    options = resource.options
    header_rule = options.allow_headers
    if header_rule.any:
        allow_headers = "'*' (the requested names are echoed)"
    else:
        allow_headers = ", ".join([*sorted(header_rule.names), *(p.pattern for p in header_rule.patterns)])
    return [
        f"origins: {describe_origins(options.origins)}",
        f"methods: {options.allow_methods or '* (the requested method is echoed)'}",
        f"allow_headers: {allow_headers or 'none'}",
        f"expose_headers: {options.expose_headers or 'none'}",
        f"supports_credentials: {options.supports_credentials}, send_wildcard: {options.send_wildcard}, "
        f"max_age: {options.max_age}, vary_header: {options.vary_header}, "
        f"automatic_options: {options.automatic_options}",
    ]


def policy_fix(decision: Decision, resource: ResourcePolicy, origin: str, method: str) -> str | None:
    """The configuration change that turns a refusal into a grant, from the policy's reason."""
    where = f"resource {resource.pattern!r}"
    refusal = decision.refusal
    if refusal is Refusal.ORIGIN_REFUSED:
        return f"add {origin!r} to origins (of {where}), if you trust that site"
    if refusal is Refusal.METHOD_REFUSED:
        return f"add {method!r} to methods (of {where})"
    if refusal is Refusal.HEADER_REFUSED:
        return f"add {decision.detail!r} to allow_headers (of {where})"
    if refusal in (Refusal.ORIGIN_MALFORMED, Refusal.ORIGIN_TOO_LONG):
        return "browsers send origins as scheme://host[:port]: check --origin"
    return None


def _simulated(decision: Decision) -> list[tuple[str, str]]:
    """The headers the middleware adds to a response that has no CORS headers of its own."""
    return merge_headers([], decision.headers, decision.vary)


def explain(policy: Policy, request: BrowserRequest | None, path: str, method: str) -> Report:
    """Run ``policy`` on one request and say why at every step; the verdict is a browser's."""
    report = Report()
    say = report.say
    data = report.data
    data.update(path=path, method=normalise_method(method), resources=[r.pattern for r in policy.resources])
    say(f"Resources, most specific first: {', '.join(repr(r.pattern) for r in policy.resources)}")
    resource = policy.resource_for(request_facts(method, path)["PATH_INFO"])
    if resource is None:
        say(f"1. Resource: no pattern covers the path {path!r}.")
        say("   The middleware hands the request to the application and adds no CORS header.")
        data.update(resource=None, allowed=request is None, fix=f"add a resources pattern covering {path!r}")
        if request is not None:
            say(f"Verdict: BLOCKED, unless the application answers CORS itself for {path!r}.")
            say(f"Fix: add a resources pattern that covers {path!r}.")
        return report
    index = policy.resources.index(resource)
    skipped = ", ".join(repr(r.pattern) for r in policy.resources[:index])
    say(
        f"1. Resource: {resource.pattern!r} covers {path!r}"
        + (f" (checked first, no match: {skipped})." if skipped else ".")
    )
    for line in describe_resource(resource):
        say(f"     {line}")
    data["resource"] = resource.pattern

    if request is None:
        decision = resource.originless
        say("2. No Origin: not a CORS request (same-origin, or not from a browser).")
        say(f"   {decision.reason}; the middleware adds:" if decision.headers or decision.vary else "")
        report.headers(_simulated(decision), "<")
        data.update(allowed=True, actual={"decision": decision.reason, "headers": _simulated(decision)})
        return report

    origin = request.origin
    method = normalise_method(request.method)
    rule = resource.options.origins.explain(origin)
    say(
        f"2. Origin {origin!r}: "
        + (f"granted by {rule}." if rule else f"no rule of resource {resource.pattern!r} grants it.")
    )
    data["origin_rule"] = rule
    data["cause"] = None
    verdict = Verdict()
    step = 3
    reasons = request.preflight_reasons()
    data.update(preflight=None, actual=None)
    fix: str | None = None
    if reasons:
        say(f"{step}. The browser sends a preflight first: {'; '.join(reasons)}.")
        preflight_headers = request.preflight_request_headers()
        say(f"     > OPTIONS {path}")
        report.headers(preflight_headers, ">")
        request_headers = next((v for n, v in preflight_headers if n == "Access-Control-Request-Headers"), "")
        decided = policy.decide(request_facts("OPTIONS", path, origin, method, request_headers))
        assert decided is not None  # the path is covered
        _, decision = decided
        headers = _simulated(decision)
        status = int(resource.options.preflight_status.split()[0])
        if decision.answer:
            say(
                f"   The middleware {_outcome(decision)} and answers {resource.options.preflight_status} "
                "itself, without calling the application:"
            )
        else:
            status = 200
            say(
                f"   The middleware {_outcome(decision)}; automatic_options is off, so the application "
                "answers the OPTIONS request (assumed 200) and the middleware adds:"
            )
        report.headers(headers, "<")
        if not decision.granted:
            fix = policy_fix(decision, resource, origin, method)
            data["cause"] = f"resource {resource.pattern!r} refused the preflight: {decision.reason}"
        passed = check_preflight(request, status, headers, verdict)
        data["preflight"] = {
            "reasons": reasons,
            "request_headers": preflight_headers,
            "decision": decision.reason,
            "granted": decision.granted,
            "answered_by_middleware": decision.answer,
            "status": status,
            "headers": headers,
        }
        _say_findings(report, verdict, "preflight")
        step += 1
        if not passed:
            say("   The browser stops here: the actual request is never sent.")
            return _verdict(report, request, verdict, fix, path, [])
    else:
        say(f"{step}. No preflight: {method} with only CORS-safelisted headers is sent directly.")
        step += 1

    decided = policy.decide(request_facts(method, path, origin))
    assert decided is not None
    _, decision = decided
    headers = _simulated(decision)
    say(
        f"{step}. Actual request {method} {path}: the middleware {_outcome(decision)}; the application "
        "answers and the middleware adds (nothing, if the application set Access-Control-Allow-Origin):"
    )
    report.headers(headers, "<")
    if not decision.granted:
        fix = fix or policy_fix(decision, resource, origin, method)
        data["cause"] = f"resource {resource.pattern!r} refused the request: {decision.reason}"
    check_actual(request, headers, verdict)
    _say_findings(report, verdict, "response")
    data["actual"] = {"decision": decision.reason, "granted": decision.granted, "headers": headers}
    exposed = resource.options.expose_headers
    if exposed == "*":
        readable = "every response header" if not request.credentials else "the safelisted ones only"
    else:
        readable = f"the safelisted ones and {exposed}" if exposed else "the safelisted ones only"
    return _verdict(report, request, verdict, fix, path, headers, readable)


def _outcome(decision: Decision) -> str:
    if decision.granted:
        return (
            "grants it"
            if decision.kind is not Kind.NO_ORIGIN and decision.reason != "'*' answer"
            else (f"grants it ({decision.reason})")
        )
    return f"refuses it ({decision.reason})"


def _say_findings(report: Report, verdict: Verdict, where: str) -> None:
    for finding in verdict.findings:
        if finding.message.startswith(where + ":"):
            report.say(f"   {'ok  ' if finding.ok else 'FAIL'} {finding.message.partition(': ')[2]}")


def _verdict(
    report: Report,
    request: BrowserRequest,
    verdict: Verdict,
    fix: str | None,
    url: str,
    headers: Headers,
    readable_note: str | None = None,
) -> Report:
    failure = verdict.failure
    data = report.data
    data["checks"] = [{"ok": f.ok, "message": f.message} for f in verdict.findings]
    data["allowed"] = verdict.ok
    if failure is None:
        readable = readable_headers(request, headers)
        data.update(console=None, fix=None, readable_headers=readable)
        if readable_note:
            detail = f" (response headers it can read: {readable_note})."
        else:
            detail = f" (response headers it can read: {', '.join(readable)})." if readable else "."
        report.say(
            f"Verdict: ALLOWED. A page at {request.origin} can make this call and read the response{detail}"
        )
        return report
    console = (
        f"Access to fetch at '{url}' from origin '{request.origin}' has been blocked by CORS policy: "
        f"{failure.console}"
    )
    if failure.console and failure.console.startswith("No 'Access-Control-Allow-Origin'"):
        console += (
            " If an opaque response serves your needs, set the request's mode to 'no-cors' to fetch the "
            "resource with CORS disabled."
        )
    fix = fix or failure.fix
    data.update(console=console, fix=fix, readable_headers=[])
    where, _, message = failure.message.partition(": ")
    report.say(f"Verdict: BLOCKED ({where}): {message}.")
    if data.get("cause"):
        report.say(f"  Cause: {data['cause']}.")
    report.say(f"  Chromium's console: {console}")
    if fix:
        report.say(f"  Fix: {fix}.")
    return report


def _browser_request(args: argparse.Namespace) -> BrowserRequest | None:
    try:
        headers = parse_headers(args.header)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if not TOKEN.fullmatch(args.method):
        raise UsageError(f"--method {args.method!r} is not an HTTP method")
    if args.origin is None:
        return None
    if not SERIALISED_ORIGIN.fullmatch(args.origin):
        raise UsageError(
            f"--origin {args.origin!r} is not an origin: write scheme://host[:port], "
            "with no path and no trailing slash"
        )
    return BrowserRequest(args.origin, args.method, headers, args.credentials)


def run_explain(args: argparse.Namespace, out: TextIO) -> int:
    request = _browser_request(args)
    policy, source, warned = load_policy(args)
    report = explain(policy, request, args.path, args.method)
    report.data["configuration"] = source
    report.data["warnings"] = warned
    return _emit(report, args.json, out, [f"Configuration: {source}"] + [f"warning: {w}" for w in warned])


def _emit(report: Report, as_json: bool, out: TextIO, preamble: list[str]) -> int:
    if as_json:
        json.dump(report.data, out, indent=2)
        out.write("\n")
    else:
        out.write("\n".join([*preamble, *report.lines]) + "\n")
    return EXIT_ALLOWED if report.data.get("allowed") else EXIT_BLOCKED


# --------------------------------------------------------------------------- check

Sender = Callable[[str, str, list[tuple[str, str]]], tuple[int, str, list[tuple[str, str]]]]


def http_sender(url: str, timeout: float) -> Sender:
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
        _say_findings(report, verdict, "preflight")
        if not passed:
            say("   A browser stops here: the actual request is not sent.")
            return _verdict(report, request, verdict, None, url, [])
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
    _say_findings(report, verdict, "response")
    return _verdict(report, request, verdict, None, url, headers)


def _cors_headers(headers: Headers) -> list[tuple[str, str]]:
    return [(n, v) for n, v in headers if n.lower().startswith("access-control-") or n.lower() == "vary"]


def run_check(args: argparse.Namespace, out: TextIO) -> int:
    request = _browser_request(args)
    assert request is not None  # --origin is required
    send = http_sender(args.url, args.timeout)
    try:
        report = check(request, args.url, send)
    except (OSError, http.client.HTTPException) as exc:
        print(f"wsgi-cors check: network error: {args.url}: {exc}", file=sys.stderr)
        return EXIT_ERROR
    return _emit(report, args.json, out, [])
