"""``wsgi-cors``: answer "why is my CORS not working?" from the command line.

``explain`` runs a configuration's middleware on one request and says, step by step, what it
answers and why (:mod:`.explain`). ``check`` plays the browser against any server over HTTP and
says whether a page could make the call (:mod:`.check`). Both exit 0 when a browser would allow
the call, 1 when it would block it, 2 on usage, configuration or network errors.

This module is the command line only: the parser, the request both commands describe, and the
dispatch. Where explain's middleware comes from is :mod:`.configuration` (PasteDeploy ini files:
:mod:`.pastedeploy`); how check reaches servers (proxies, certificates) is :mod:`.transport`;
how both print is :mod:`.report`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TextIO

from .. import __version__
from ..browser import BrowserRequest, parse_headers
from ..fetch import SERIALISED_ORIGIN, TOKEN
from .check import check
from .configuration import add_option_flags, find_middleware, load_middleware
from .explain import explain
from .report import EXIT_ALLOWED, EXIT_BLOCKED, EXIT_ERROR, Report, UsageError, emit, printable
from .transport import NetworkError, check_url, http_sender, route

__all__ = [
    "EXIT_ALLOWED",
    "EXIT_BLOCKED",
    "EXIT_ERROR",
    "Report",
    "UsageError",
    "build_parser",
    "find_middleware",
    "main",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wsgi-cors",
        description="Troubleshoot CORS: explain what wsgi-cors answers, or check any server as a browser.",
        allow_abbrev=False,
    )
    parser.add_argument("--version", action="version", version=f"wsgi-cors {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    explain_parser = commands.add_parser(
        "explain",
        help="what the middleware answers to one request, and why",
        description="Run a wsgi-cors configuration on one request and explain each decision. "
        "Exit status: 0 a browser would allow the call, 1 it would block it, 2 usage or "
        "configuration error.",
        allow_abbrev=False,
    )
    source = explain_parser.add_argument_group(
        "configuration (options override the file; values read as the CORS_* variables are)"
    )
    source.add_argument(
        "--config",
        metavar="FILE",
        help="options as a TOML (Python 3.11+) or JSON file, or a PasteDeploy .ini (or .cfg) file whose "
        "[filter:...] uses egg:wsgi-cors#cors",
    )
    source.add_argument(
        "--filter",
        metavar="NAME",
        help="with an ini --config: the [filter:NAME] section to read (default: the wsgi-cors filter that "
        "[pipeline:main] runs, or the only one)",
    )
    source.add_argument(
        "--app",
        metavar="MODULE:OBJECT",
        help="read the configuration from a live middleware, e.g. 'myproject.wsgi:application' "
        "(a trailing '()' calls an app factory)",
    )
    add_option_flags(source)
    _add_request_arguments(explain_parser, origin_required=False)
    explain_parser.add_argument(
        "--path",
        default="/",
        help="the URL path the page requests, e.g. /api/items or /données (default: /); "
        "percent-escapes are decoded, as the server does",
    )
    explain_parser.add_argument(
        "--host", default="127.0.0.1", help="the Host header, for routing by host (default: 127.0.0.1)"
    )
    explain_parser.add_argument(
        "--script-name",
        default="",
        metavar="PREFIX",
        help="where the application is mounted (SCRIPT_NAME); --path is the rest (default: none)",
    )
    explain_parser.add_argument("--json", action="store_true", help="print a JSON report")

    check_parser = commands.add_parser(
        "check",
        help="send a browser's CORS requests to a server and judge the answers",
        description="Send the preflight (when a browser would) and the actual request to URL, apply "
        "the browser's CORS checks, and say whether a page at ORIGIN could make the call. The "
        "actual request is really sent: do not aim a DELETE at data you want to keep. Redirects are "
        "followed as browsers follow them, with the CORS checks on every hop. http_proxy, https_proxy "
        "and no_proxy are honoured (loopback is never proxied, as in browsers). "
        "Exit status: 0 allowed, 1 blocked, 2 usage or network error.",
        allow_abbrev=False,
    )
    check_parser.add_argument("url", help="the URL the page would fetch (http:// or https://)")
    _add_request_arguments(check_parser, origin_required=True)
    check_parser.add_argument("--timeout", type=float, default=10.0, help="seconds per request (default: 10)")
    check_parser.add_argument(
        "--cacert",
        metavar="FILE",
        help="verify https:// servers against the CA certificates in FILE (PEM) instead of the system's "
        "(default: $REQUESTS_CA_BUNDLE, else $CURL_CA_BUNDLE, else the system's, which honour "
        "$SSL_CERT_FILE and $SSL_CERT_DIR)",
    )
    check_parser.add_argument("--json", action="store_true", help="print a JSON report")
    return parser


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
        # The message may quote a server's Location or status line: never raw to the terminal.
        print(_printable_lines(f"wsgi-cors {args.command}: error: {exc}"), file=sys.stderr)
        return EXIT_ERROR


def _printable_lines(message: str) -> str:
    """``message`` with each line's control characters escaped; its own line breaks stay."""
    return "\n".join(printable(line) for line in message.split("\n"))


def _browser_request(args: argparse.Namespace) -> BrowserRequest | None:
    """The call as the page makes it; ``None`` without ``--origin`` (not a CORS request)."""
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
    middleware, source, warned = load_middleware(args)
    server = {"HTTP_HOST": args.host, "SCRIPT_NAME": args.script_name}
    report = explain(middleware, request, args.path, args.method, server)
    report.data["configuration"] = source
    report.data["warnings"] = warned
    return emit(report, args.json, out, [f"Configuration: {source}"] + [f"warning: {w}" for w in warned])


def run_check(args: argparse.Namespace, out: TextIO) -> int:
    request = _browser_request(args)
    assert request is not None  # --origin is required
    check_url(args.url)
    send = http_sender(args.timeout, args.cacert)
    way = route(args.url)
    try:
        report = check(request, args.url, send)
    except NetworkError as exc:
        print(_printable_lines(f"wsgi-cors check: network error: {exc}"), file=sys.stderr)
        return EXIT_ERROR
    report.data["proxy"] = {"url": way.proxy.url if way.proxy else None, "reason": way.reason}
    # Only a proxy in use is worth a line: the rest of the report reads as before.
    preamble = [f"Proxy: {way.proxy.url} ({way.reason})"] if way.proxy else []
    return emit(report, args.json, out, preamble)
