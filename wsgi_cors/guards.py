"""Guards: configurations that can never work, or that work against their author, refused or flagged.

Every guard has the same shape: it looks at one resource's normalised :class:`Options` and
yields :class:`Finding` values. An ``error`` finding is a setting that cannot have the effect
its author wanted (browsers ignore it), so construction fails with
:class:`~wsgi_cors.ConfigurationError`; a ``warning`` finding is a legal setting that opens a
known hole, reported as :class:`~wsgi_cors.CORSSecurityWarning` so that a deployment can
escalate it with ``warnings.simplefilter("error", CORSSecurityWarning)``. Each message names
the option, the value, the danger and the fix.

Public suffixes come from :mod:`wsgi_cors.suffixes`: the whole Public Suffix List when the
``publicsuffixlist`` package is installed, a small built-in subset otherwise; the warning says
which one judged.
"""

from __future__ import annotations

import os
import re
import sys
import warnings
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Literal, NamedTuple
from urllib.parse import urlsplit

from .debug import DEBUG_HEADER
from .errors import ConfigurationError, CORSDebugWarning, CORSSecurityWarning, combined, describe
from .fetch import (
    CHROMIUM_MAX_AGE,
    FIREFOX_MAX_AGE,
    FORBIDDEN_METHODS,
    FORBIDDEN_RESPONSE_HEADERS,
    is_forbidden_request_header,
)
from .origins import is_host_wildcard
from .suffixes import BUILTIN_SUFFIXES, SuffixSource
from .suffixes import current as current_suffixes

if TYPE_CHECKING:
    from .options import Options
    from .resources import Resource

# Host names nobody can register (RFC 2606 ".invalid"): a pattern that matches them matches
# origins its author never listed.
_ARBITRARY_PROBES = ("https://wsgi-cors-probe.invalid", "http://wsgi-cors-probe.invalid")
_PROBE_LABEL = "wsgi-cors-probe"
_LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")
_LOOPBACK_PROBES = ("localhost", "127.0.0.1", "[::1]")
_LOOPBACK_PATTERN_START = re.compile(
    r"(?:localhost|127\\?\.0\\?\.0\\?\.1|\\?\[::1\\?\])(?![a-z0-9.\\-])", re.I
)

_REGEX_SYNTAX = frozenset("[](){}*+?|^$\\")

# Runs of host-name text in a regex (after unescaping): where its literal domains are.
_HOST_TEXT = re.compile(r"[a-z0-9-]+(?:\.[a-z0-9-]+)*")

Severity = Literal["error", "warning"]


class Finding(NamedTuple):
    severity: Severity
    message: str


Guard = Callable[["Options"], Iterator[Finding]]


def check(options: Options) -> None:
    """Run every guard over one resource's options: raise every error at once, warn the rest."""
    findings = [finding for guard in GUARDS for finding in guard(options)]
    refused = [ConfigurationError(finding.message) for finding in findings if finding.severity == "error"]
    if refused:
        raise combined(refused)
    for finding in findings:
        warnings.warn(finding.message, CORSSecurityWarning, stacklevel=_caller_stacklevel())


def _caller_stacklevel() -> int:
    """The stack level of the first frame outside wsgi_cors, so the warning points at user code."""
    package = os.path.dirname(os.path.abspath(__file__))
    frame = sys._getframe(1)
    level = 1
    while frame is not None and os.path.dirname(os.path.abspath(frame.f_code.co_filename)) == package:
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    return level


# --- origins ---------------------------------------------------------------------------------


def _reflects_arbitrary(options: Options) -> list[str]:
    """The rules that grant origins nobody listed: ``"*"`` or a regex matching any host."""
    origins = options.origins
    found = ["*"] if origins.any else []
    found += [
        label
        for label, pattern in zip(origins.labels, origins.patterns, strict=True)
        if any(pattern.fullmatch(probe) for probe in _ARBITRARY_PROBES)
    ]
    return found


def credentials_with_any_origin(options: Options) -> Iterator[Finding]:
    """Credentials for every origin: any web site can act with the user's cookies."""
    if not options.supports_credentials:
        return
    for label in _reflects_arbitrary(options):
        problem = (
            "with supports_credentials=True every origin is echoed back, so any web site "
            "can make credentialed calls and read the answers with your users' cookies"
            if label == "*"
            else "this pattern matches origins nobody listed (it matched "
            f"{_ARBITRARY_PROBES[0]!r}), so with supports_credentials=True any web site can "
            "read credentialed answers"
        )
        yield Finding("warning", describe("origins", label, problem, "list the origins you trust instead"))


def null_with_credentials(options: Options) -> Iterator[Finding]:
    """``null`` is the origin of every sandboxed iframe and data: URL, so of any attacker too."""
    if options.supports_credentials and options.origins.null:
        yield Finding(
            "warning",
            describe(
                "origins",
                "null",
                "with supports_credentials=True, trusting 'null' trusts every sandboxed iframe, "
                "data: URL and file:// page, which any web site can create to read "
                "credentialed answers",
                "remove 'null' and list the real origins of the pages that call you",
            ),
        )


def plain_http_with_credentials(options: Options) -> Iterator[Finding]:
    """A plain-HTTP origin can be impersonated by anyone on the network path."""
    if not options.supports_credentials:
        return
    origins = options.origins
    risky = [origin for origin in sorted(origins.exact) if _is_remote_http(origin)]
    risky += [label for label in origins.labels if _pattern_allows_remote_http(label)]
    for value in risky:
        yield Finding(
            "warning",
            describe(
                "origins",
                value,
                "a plain-HTTP origin trusted with credentials can be impersonated by anyone on "
                "the network path, who then acts with your users' cookies",
                "serve that site over HTTPS and list 'https://...' instead",
            ),
        )


def _is_remote_http(origin: str) -> bool:
    if not origin.startswith("http://"):
        return False
    host = urlsplit(origin).hostname or ""
    return host not in _LOOPBACK_HOSTS and not host.endswith(".localhost")


def _pattern_allows_remote_http(label: str) -> bool:
    """Whether a pattern's scheme part accepts ``http`` (and its host is not loopback)."""
    text = label.replace(r"\/", "/").replace(r"\:", ":")
    text = text.removeprefix("(?i)").removeprefix("^")
    scheme, separator, host = text.partition("://")
    if not separator:
        return False
    try:
        accepts_http = re.fullmatch(scheme, "http", re.IGNORECASE) is not None
    except re.error:  # the "://" sat inside a group; too clever to judge
        return False
    if not accepts_http:
        return False
    # Loopback development servers (http://localhost:3000) are not reachable by an attacker.
    if _LOOPBACK_PATTERN_START.match(host):
        return False
    return not any(_fullmatches(host, probe + port) for probe in _LOOPBACK_PROBES for port in ("", ":8000"))


def _fullmatches(pattern: str, text: str) -> bool:
    try:
        return re.fullmatch(pattern, text, re.IGNORECASE) is not None
    except re.error:
        return False


def wildcard_over_public_suffix(options: Options) -> Iterator[Finding]:
    """``https://*.github.io`` with credentials trusts every GitHub Pages site.

    Exact origins are never judged: ``https://me.github.io`` names one site, its owner's.
    """
    if not options.supports_credentials:
        return
    arbitrary = set(_reflects_arbitrary(options))
    origins = options.origins
    rules = [
        (label, pattern)
        for label, pattern in zip(origins.labels, origins.patterns, strict=True)
        if label not in arbitrary
    ]
    if not rules:
        return
    source = current_suffixes()  # read once per process, and only when there is something to judge
    for label, pattern in rules:
        reached = _public_suffix_reached(label, pattern, source)
        if reached is None:
            continue
        suffix, parent, others = reached
        more = f", and {others} more public suffixes under {parent!r}" if others else ""
        yield Finding(
            "warning",
            describe(
                "origins",
                label,
                f"it matches any host under {suffix!r}, a public suffix where anyone can register "
                f"a name ({source.description}){more}, so with supports_credentials=True any of those "
                "sites can read credentialed answers",
                f"list your own hosts exactly (e.g. 'https://myapp.{suffix}'), or use a domain you control",
            ),
        )


def _public_suffix_reached(
    label: str, pattern: re.Pattern[str], source: SuffixSource
) -> tuple[str, str, int] | None:
    """The broadest public suffix whose hosts ``pattern`` matches, the name it lies under, and
    how many more public suffixes lie there; None if the pattern reaches none."""
    if is_host_wildcard(label):
        # '*' is one or more labels: '*.amazonaws.com' reaches 'x.s3.amazonaws.com' as well.
        host = label.partition("://*.")[2].partition(":")[0].lower()
        if _is_loopback_name(host):
            return None
        if source.is_public(host):
            return host, host, 0
        below = source.public_under(host)
        return (below[0], host, len(below) - 1) if below else None
    for suffix in _regex_probe_suffixes(label, source):
        for scheme in ("https", "http"):
            if pattern.fullmatch(f"{scheme}://{_PROBE_LABEL}.{suffix}"):
                return suffix, suffix, 0
    return None


def _is_loopback_name(domain: str) -> bool:
    """``localhost`` and its subdomains resolve to the user's own machine: nobody registers them."""
    return domain == "localhost" or domain.endswith(".localhost")


def _regex_probe_suffixes(label: str, source: SuffixSource) -> list[str]:
    """The public suffixes worth probing a regex with, broadest first.

    Those its literal text names (``herokuapp\\.com`` names ``herokuapp.com`` and ``com``) and
    the ones below them, plus the built-in subset, which also catches alternations such as
    ``(vercel|netlify)\\.app``; not every entry of the list, which would be ten thousand probes
    per regex.
    """
    text = re.sub(r"\\(.)", r"\1", label.lower())
    found = set(BUILTIN_SUFFIXES)
    for run in _HOST_TEXT.findall(text):
        labels = run.split(".")
        for start in range(len(labels)):
            domain = ".".join(labels[start:])
            if _is_loopback_name(domain):
                continue
            if source.is_public(domain):
                found.add(domain)
            if "." in domain:
                found.update(source.public_under(domain))
    return sorted(found, key=lambda suffix: (suffix.count("."), suffix))


def unescaped_dot_in_regex(options: Options) -> Iterator[Finding]:
    """``https://api.example.com`` as a regex also matches ``https://apixexample.com``."""
    origins = options.origins
    for label in origins.labels:
        if is_host_wildcard(label):
            continue
        positions = _literal_looking_dots(label)
        if not positions:
            continue
        escaped = "".join("\\." if index in positions else char for index, char in enumerate(label))
        where = ", ".join(str(index) for index in positions)
        where = f"'.' at position {where} is" if len(positions) == 1 else f"'.' at positions {where} are"
        yield Finding(
            "warning",
            describe(
                "origins",
                label,
                f"the {where} unescaped, so it matches any character: the pattern "
                f"also matches look-alike hosts an attacker can register{_lookalike(label, positions[0])}",
                f"escape each literal dot ({escaped!r}), or list exact origins and 'https://*.domain'",
            ),
        )


def _literal_looking_dots(pattern: str) -> list[int]:
    """The indices of each unescaped ``.`` outside ``[...]`` that is followed by a name character.

    ``.*``, ``.+``, ``.{2}`` and ``(.)`` are deliberate wildcards; ``.example`` almost never is.
    """
    found: list[int] = []
    in_class = False
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            if pattern[index + 1 : index + 2] == "]":  # a ']' first in a class is literal
                index += 1
        elif (
            char == "."
            and index + 1 < len(pattern)
            and (pattern[index + 1].isalnum() or pattern[index + 1] == "-")
        ):
            found.append(index)
        index += 1
    return found


def _lookalike(label: str, position: int) -> str:
    """An example origin the pattern wrongly matches, where the rest of it is plain text."""
    text = (label[:position] + "x" + label[position + 1 :]).removeprefix("^").removesuffix("$")
    text = re.sub(r"\\(.)", r"\1", text)
    return "" if _REGEX_SYNTAX & set(text) else f" (e.g. {text!r})"


# --- headers, methods, max_age --------------------------------------------------------------


def forbidden_allow_headers(options: Options) -> Iterator[Finding]:
    """Browsers never let a page set these headers, so allowing them has no effect.

    A warning, not an error: the entry is useless but harmless, and the same configuration
    starts under flask-cors. The three guards below are warnings for the same reason.
    """
    for name in sorted(options.allow_headers.names):
        if is_forbidden_request_header(name):
            fix = (
                "remove it; to let browsers send cookies cross-origin, set supports_credentials=True"
                if name in ("cookie", "cookie2")
                else "remove it: the browser sets this header itself and never asks permission for it"
            )
            yield Finding(
                "warning",
                describe(
                    "allow_headers",
                    name,
                    "a forbidden request header in the Fetch standard: pages can never set it, "
                    "so no preflight ever asks for it and this entry can never take effect",
                    fix,
                ),
            )


def forbidden_expose_headers(options: Options) -> Iterator[Finding]:
    """``Set-Cookie`` is never exposed to a page, whatever the server sends."""
    exposed = {name.strip().lower() for name in (options.expose_headers or "").split(",")}
    for name in sorted(exposed & FORBIDDEN_RESPONSE_HEADERS):
        yield Finding(
            "warning",
            describe(
                "expose_headers",
                name,
                "a forbidden response header in the Fetch standard: browsers never let a page "
                "read it, so this entry can never take effect",
                "remove it; cookies reach the browser's cookie jar without being exposed",
            ),
        )


def wildcard_expose_with_credentials(options: Options) -> Iterator[Finding]:
    """On credentialed responses browsers read ``*`` as a header literally named ``*``."""
    if options.supports_credentials and options.expose_headers == "*":
        yield Finding(
            "warning",
            describe(
                "expose_headers",
                "*",
                "on credentialed requests browsers treat '*' as a header literally named '*', so "
                "with supports_credentials=True those responses expose nothing",
                "list the response headers pages may read, e.g. expose_headers=['X-Request-Id']",
            ),
        )


def forbidden_methods(options: Options) -> Iterator[Finding]:
    """``fetch()`` refuses CONNECT, TRACE and TRACK, so no preflight ever asks for them."""
    for method in sorted((options.methods or frozenset()) & FORBIDDEN_METHODS):
        yield Finding(
            "warning",
            describe(
                "methods",
                method,
                "a forbidden method in the Fetch standard: browsers refuse to send it, so "
                "allowing it can never take effect (and TRACE echoes requests back)",
                f"remove {method!r} from methods",
            ),
        )


def max_age_beyond_browser_caps(options: Options) -> Iterator[Finding]:
    """Browsers cap the preflight cache; a larger value only misleads its reader."""
    if options.max_age is None or int(options.max_age) <= CHROMIUM_MAX_AGE:
        return
    seconds = int(options.max_age)
    if seconds > FIREFOX_MAX_AGE:
        problem = (
            f"no browser honours it: Chromium caps the preflight cache at {CHROMIUM_MAX_AGE} s and "
            f"Firefox at {FIREFOX_MAX_AGE} s, so the value promises a cache that never happens"
        )
    else:
        problem = (
            f"Chromium caps the preflight cache at {CHROMIUM_MAX_AGE} s, so only Firefox (capped at "
            f"{FIREFOX_MAX_AGE} s) honours it, and there a tightened policy takes that long to reach "
            "browsers that cached the old one"
        )
    yield Finding("warning", describe("max_age", seconds, problem, f"use max_age={CHROMIUM_MAX_AGE} or less"))


# --- debug mode ------------------------------------------------------------------------------


def check_debug(resources: Iterable[Resource]) -> None:
    """Warn when ``debug=True`` is built into a configuration that looks like production.

    Development here means: every origin that any resource allows is a loopback origin
    (``localhost``, ``*.localhost``, ``127.x.x.x``, ``[::1]``), which only pages on the
    developer's own machine can have. Anything else (``"*"``, a public host, ``null``, a
    callable, a regex that may match a public host) serves real sites, and there debug
    mode tells any page why it was refused. Frameworks that know they run in development
    (Flask's ``app.debug``) skip this check.
    """
    public = [label for resource in resources for label in _non_loopback_origins(resource.options)]
    if not public:
        return
    shown = ", ".join(repr(label) for label in dict.fromkeys(public))
    warnings.warn(
        describe(
            "debug",
            True,
            f"debug mode is on while origins allow {shown}, which is not a loopback origin, so "
            "this looks like production: every refused request is answered with its reason "
            f"({DEBUG_HEADER}) for anyone who sends one to read",
            "turn it off outside development (debug=False, CORS_DEBUG=false), or in development "
            "allow only loopback origins such as http://localhost:3000",
        ),
        CORSDebugWarning,
        stacklevel=_caller_stacklevel(),
    )


def _non_loopback_origins(options: Options) -> list[str]:
    origins = options.origins
    found = ["*"] if origins.any else []
    found += ["null"] if origins.null else []
    found += [getattr(predicate, "__name__", repr(predicate)) for predicate in origins.predicates]
    found += [origin for origin in sorted(origins.exact) if not _is_loopback_origin(origin)]
    found += [
        label
        for label, pattern in zip(origins.labels, origins.patterns, strict=True)
        if not _loopback_pattern(label, pattern)
    ]
    return found


def _is_loopback_origin(origin: str) -> bool:
    host = (urlsplit(origin).hostname or "").lower()
    return host in _LOOPBACK_HOSTS or host.endswith(".localhost") or host.startswith("127.")


def _loopback_pattern(label: str, pattern: re.Pattern[str]) -> bool:
    """Whether a pattern can only match loopback origins; unsure means no."""
    if is_host_wildcard(label):
        return label.partition("://*.")[2].partition(":")[0].lower() == "localhost"
    if "|" in label or any(pattern.fullmatch(probe) for probe in _ARBITRARY_PROBES):
        return False
    text = label.replace(r"\/", "/").replace(r"\:", ":").removeprefix("(?i)").removeprefix("^")
    host = text.partition("://")[2]
    return bool(host) and _LOOPBACK_PATTERN_START.match(host) is not None


#: Every guard, run in this order by :func:`check`.
GUARDS: tuple[Guard, ...] = (
    credentials_with_any_origin,
    null_with_credentials,
    plain_http_with_credentials,
    wildcard_over_public_suffix,
    unescaped_dot_in_regex,
    forbidden_allow_headers,
    forbidden_expose_headers,
    wildcard_expose_with_credentials,
    forbidden_methods,
    max_age_beyond_browser_caps,
)
