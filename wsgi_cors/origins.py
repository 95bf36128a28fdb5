"""Origin rules: what users write in ``origins``, compiled once into one matcher.

A browser sends a serialised origin (``scheme://host[:port]``, lower-case host, no default
port, no path) or the opaque origin ``null``. Every rule kind below is matched against that
whole string, never a prefix of it.
"""

from __future__ import annotations

import importlib
import ipaddress
import logging
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from . import idn
from .errors import ConfigurationError, ConfigurationTypeError, describe
from .fetch import DEFAULT_PORTS, NULL_ORIGIN, ORIGIN_PARTS, ends_in_a_number, whatwg_ipv4
from .regexes import check_backtracking, join_any

OriginPredicate = Callable[[str], bool]

_log = logging.getLogger("wsgi_cors")

# Characters that never occur in a serialised origin, so their presence marks a regex
# (the same heuristic flask-cors users rely on, plus the alternation and repeat operators).
_REGEX_MARKERS = frozenset("*\\[]?$^()|+{}")

_HIGHEST_PORT = 65535

# ``https://*.example.com[:port]``: the ``*`` stands for one or more whole DNS labels.
_HOST_WILDCARD = re.compile(
    r"(?P<scheme>[a-z][a-z0-9+.-]*)://\*\.(?P<host>[a-z0-9-]+(?:\.[a-z0-9-]+)*)"
    r"(?::(?P<port>[0-9]{1,5}))?",
    re.IGNORECASE,
)
# The same shape with any host text, to recognise a wildcard over an internationalised name.
_UNICODE_HOST_WILDCARD = re.compile(
    r"(?P<before>[a-z][a-z0-9+.-]*://\*\.)(?P<host>[^/?#@:\s]+)(?P<after>:[0-9]{1,5})?", re.IGNORECASE
)
_LABELS = r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+"

# A regex over origins that a request could make backtrack for ages is refused with this fix.
_BACKTRACKING_FIX = (
    "write 'https://*.example.com' (it matches one or more whole subdomain labels), or make each "
    "repeated part unambiguous, e.g. [a-z0-9-]+ instead of .* inside a repeated group"
)

# The regex parser, to find the literal text every match of a pattern ends with. It is private
# (re._parser from 3.11, sre_parse before); if it is missing or changes, nothing is indexed.
_sre_parse: Any
try:
    _sre_parse = importlib.import_module("re._parser")
except ImportError:  # Python 3.10
    _sre_parse = importlib.import_module("sre_parse")

SuffixIndex = tuple[tuple[int, Mapping[str, tuple[re.Pattern[str], ...]]], ...]


@dataclass(frozen=True)
class OriginRules:
    """The compiled ``origins`` option.

    ``any`` is the ``"*"`` rule. ``null`` is a literal ``"null"`` entry: the opaque origin
    is granted only through it, except that ``"*"`` without credentials may grant it too,
    since the answer then carries nothing that an anonymous page could not read anyway.
    """

    any: bool = False
    any_grants_null: bool = False
    null: bool = False
    exact: frozenset[str] = frozenset()
    patterns: tuple[re.Pattern[str], ...] = ()
    predicates: tuple[OriginPredicate, ...] = ()
    labels: tuple[str, ...] = field(default=(), compare=False)
    _joined: tuple[re.Pattern[str], ...] = field(default=(), compare=False, repr=False)
    # The same patterns, bucketed by the literal suffix every match ends with (see _index).
    _by_suffix: SuffixIndex = field(default=(), compare=False, repr=False)
    _unindexed: tuple[re.Pattern[str], ...] = field(default=(), compare=False, repr=False)

    @property
    def static_origin(self) -> str | None:
        """The one origin the answer can name without looking at the request, if any."""
        if self.any or self.null or self.patterns or self.predicates or len(self.exact) != 1:
            return None
        return next(iter(self.exact))

    def allows(self, origin: str) -> bool:
        """Whether ``origin`` (already checked to be printable ASCII) is granted."""
        if origin == NULL_ORIGIN:
            return self.null or self.any_grants_null
        lowered = origin.lower()
        if self.any or lowered in self.exact:
            return True
        patterns = self._joined
        if self._by_suffix and origin.isascii():
            # Only the patterns whose literal suffix the origin ends with can match it.
            for size, buckets in self._by_suffix:
                for pattern in buckets.get(lowered[-size:], ()):
                    if pattern.fullmatch(origin):
                        return True
            patterns = self._unindexed
        for pattern in patterns:
            if pattern.fullmatch(origin):
                return True
        if not self.predicates:  # spares a generator on every refusal
            return False
        return any(_safe_call(predicate, origin) for predicate in self.predicates)

    def explain(self, origin: str) -> str | None:
        """The rule that grants ``origin``, in the user's words; slow, for logs and tools."""
        if origin == NULL_ORIGIN:
            if self.null:
                return "the literal 'null' entry"
            return "'*' (without credentials)" if self.any_grants_null else None
        if self.any:
            return "'*'"
        if origin.lower() in self.exact:
            return f"exact origin {origin.lower()!r}"
        for label, pattern in zip(self.labels, self.patterns, strict=True):
            if pattern.fullmatch(origin):
                return f"pattern {label!r}"
        for predicate in self.predicates:
            if _safe_call(predicate, origin):
                return f"callable {getattr(predicate, '__qualname__', repr(predicate))}"
        return None


def _safe_call(predicate: OriginPredicate, origin: str) -> bool:
    """A failing user callback refuses the origin instead of failing the request."""
    try:
        return predicate(origin) is True
    except Exception:
        _log.exception("origins callable %r raised for origin %r; the origin is refused", predicate, origin)
        return False


def compile_origins(value: object, *, credentials: bool, option: str = "origins") -> OriginRules:
    """Turn the ``origins`` option into :class:`OriginRules`, or explain why it cannot be."""
    entries: list[object]
    if isinstance(value, str | re.Pattern) or callable(value):
        entries = [value]
    elif isinstance(value, Iterable) and not isinstance(value, bytes | dict):
        entries = list(value)
    else:
        raise ConfigurationTypeError(
            describe(
                option,
                value,
                "expected a string, a compiled regex, a callable, or a list of them",
                "write origins='https://app.example.com' or origins=['https://a.example', ...]",
            )
        )

    any_origin = null = False
    exact: set[str] = set()
    patterns: list[re.Pattern[str]] = []
    labels: list[str] = []
    predicates: list[OriginPredicate] = []
    for entry in entries:
        if isinstance(entry, re.Pattern):
            if not isinstance(entry.pattern, str):
                raise ConfigurationTypeError(
                    describe(option, entry, "a bytes regex never matches", "compile a str pattern")
                )
            check_backtracking(option, entry, entry, _BACKTRACKING_FIX)
            patterns.append(entry)
            labels.append(entry.pattern)
        elif isinstance(entry, str):
            kind, compiled = _classify(entry, option)
            if kind == "any":
                any_origin = True
            elif kind == "null":
                null = True
            elif kind == "exact":
                exact.add(_normalise_exact(entry, option))
            else:
                assert compiled is not None
                patterns.append(compiled)
                labels.append(entry)
        elif callable(entry):
            predicates.append(entry)
        else:
            raise ConfigurationTypeError(
                describe(
                    option,
                    entry,
                    "each entry must be a string, a compiled regex or a callable origin -> bool",
                    "remove the entry or write it as a string such as 'https://app.example.com'",
                )
            )

    return OriginRules(
        any=any_origin,
        any_grants_null=any_origin and not credentials,
        null=null,
        exact=frozenset(exact),
        patterns=tuple(patterns),
        predicates=tuple(predicates),
        labels=tuple(labels),
        _joined=join_any(patterns),
        **_index(patterns),
    )


def _classify(entry: str, option: str) -> tuple[str, re.Pattern[str] | None]:
    """Decide what kind of rule a string is: any, null, exact, wildcard host or regex."""
    if entry in ("*", ".*"):
        return "any", None
    if entry.lower() == NULL_ORIGIN:
        return "null", None
    if _is_ipv6_origin(entry):
        return "exact", None  # its brackets are an address's, not a regex character class
    if "://*" in entry:
        return "pattern", _compile_host_wildcard(entry, option)
    if not _REGEX_MARKERS.isdisjoint(entry):
        try:
            compiled = re.compile(entry, re.IGNORECASE)
        except re.error as exc:
            raise ConfigurationError(
                describe(
                    option,
                    entry,
                    f"looks like a regular expression but does not compile ({exc})",
                    "correct the regex, or escape it with re.escape() if it is a literal origin",
                )
            ) from None
        check_backtracking(option, entry, compiled, _BACKTRACKING_FIX)
        return "pattern", compiled
    return "exact", None


def _is_ipv6_origin(entry: str) -> bool:
    """``http://[::1]:8000``: an exact origin whose host is a bracketed IPv6 address."""
    match = ORIGIN_PARTS.fullmatch(entry)
    if match is None or match["ipv6"] is None:
        return False
    try:
        ipaddress.IPv6Address(match["ipv6"])
    except ValueError:
        return False  # e.g. 'https://[abc]': a character class after all
    return True


def is_host_wildcard(entry: str) -> bool:
    """Whether an ``origins`` string is a ``scheme://*.domain[:port]`` host wildcard."""
    return _HOST_WILDCARD.fullmatch(entry) is not None


def _compile_host_wildcard(entry: str, option: str) -> re.Pattern[str]:
    match = _HOST_WILDCARD.fullmatch(entry)
    unicode_match = _UNICODE_HOST_WILDCARD.fullmatch(entry) if match is None else None
    if unicode_match is not None and not unicode_match["host"].isascii():
        before, host, after = unicode_match.group("before", "host", "after")
        raise ConfigurationError(describe(option, entry, *_unicode_host_problem(host, before, after or "")))
    if match is None:
        raise ConfigurationError(
            describe(
                option,
                entry,
                "a wildcard origin must be 'scheme://*.domain[:port]', the '*' standing for "
                "whole subdomain labels, with no path and nothing after the port",
                "write e.g. 'https://*.example.com', or use a compiled regex for anything else",
            )
        )
    scheme, host, port = match["scheme"].lower(), match["host"].lower(), match["port"]
    if port is not None:
        port = _canonical_port(entry, scheme, port, option)
    suffix = re.escape(host) + (f":{port}" if port else "")
    return re.compile(re.escape(scheme) + "://" + _LABELS + suffix, re.IGNORECASE)


def _normalise_exact(entry: str, option: str) -> str:
    """Lower-case an exact origin and drop its default port, as a browser serialises it."""
    match = ORIGIN_PARTS.fullmatch(entry)
    if match is None:
        raise ConfigurationError(describe(option, entry, *_origin_problem(entry)))
    scheme, host, port = match["scheme"].lower(), match["host"].lower(), match["port"]
    if match["ipv6"] is not None:
        # Browsers serialise IPv6 hosts compressed and lower-cased: http://[::1], never [0:0::1].
        host = f"[{ipaddress.IPv6Address(match['ipv6']).compressed}]"
    elif ends_in_a_number(host):
        address = whatwg_ipv4(host)
        if address != host:
            problem = (
                f"browsers read the host as the IPv4 address {address} (a leading 0 means octal, "
                "0x hexadecimal) and send that"
                if address
                else "the host ends in a number but is no IPv4 address, so no browser can load it"
            )
            fix = f"write '{scheme}://{address}'" if address else "correct the address"
            raise ConfigurationError(describe(option, entry, problem, fix))
    if port is not None:
        port = _canonical_port(entry, scheme, port, option)
    return f"{scheme}://{host}:{port}" if port else f"{scheme}://{host}"


def _canonical_port(entry: str, scheme: str, port: str, option: str) -> str | None:
    """The port as a browser serialises it (no leading zeros; none for the default port).

    ``https://app.example.com:0443`` is sent as ``https://app.example.com``; a port above
    65535 cannot be in any URL, so the entry could never match and is refused.
    """
    number = int(port)
    if number > _HIGHEST_PORT:
        raise ConfigurationError(
            describe(
                option,
                entry,
                f"port {port} does not exist (ports run from 0 to {_HIGHEST_PORT}), so no browser sends it",
                "correct the port",
            )
        )
    canonical = str(number)
    return None if canonical == DEFAULT_PORTS.get(scheme) else canonical


def _origin_problem(entry: str) -> tuple[str, str]:
    """Why a string is not a serialised origin, and what the user most likely meant."""
    if "://" not in entry:
        return (
            "an origin needs a scheme; browsers send e.g. 'https://example.com'",
            f"write 'https://{entry.strip('/')}' (or 'http://...' for plain HTTP)",
        )
    parts = urlsplit(entry)
    bare = f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"
    if parts.path == "/" and not parts.query and not parts.fragment:
        return ("a trailing slash never matches: browsers send origins without one", f"write {bare!r}")
    if parts.path or parts.query or parts.fragment:
        return (
            "an origin has no path, query or fragment, so this entry would never match",
            f"write {bare!r}",
        )
    if "@" in parts.netloc:
        return ("an origin has no user name or password", f"write {bare!r}")
    if not parts.netloc.isascii():
        host, colon, port = parts.netloc.rpartition(":")
        if not (colon and port.isascii() and port.isdigit()):
            host, port = parts.netloc, ""
        return _unicode_host_problem(host, f"{parts.scheme}://", f":{port}" if port else "")
    return (
        "not a serialised origin (scheme://host[:port])",
        "write e.g. 'https://app.example.com:8443'",
    )


def _unicode_host_problem(host: str, before: str, after: str) -> tuple[str, str]:
    """A non-ASCII host never arrives: browsers send the UTS #46 ASCII form, which may differ
    from what the standard library's IDNA 2003 codec computes (faß.de is xn--fa-hia.de, not
    fass.de), so a spelling is suggested only when it is the one browsers send."""
    problem = "browsers send internationalised host names in their ASCII (punycode) form"
    browser = idn.spelling(host)
    if browser.ascii is not None:
        return problem, f"write '{before}{browser.ascii}{after}'"
    if browser.refusal is None:
        return (
            f"{problem}, by UTS #46 rules that the standard library does not implement for this name",
            "install wsgi-cors[idna] to have the spelling browsers send suggested here, or write "
            "the origin as the browser's console shows it in location.origin",
        )
    return (
        f"{problem}, and the idna package refuses this name ({browser.refusal})",
        "if a browser loads the site, write the origin as its console shows it in location.origin; "
        "if not, no page can have this origin: remove it",
    )


def _literal_suffix(pattern: re.Pattern[str]) -> str | None:
    """The lower-cased ASCII text that ends every full match of a case-insensitive pattern.

    With many regex origins, most cannot match a given origin, and a dictionary lookup on
    the origin's last characters rules them out without running them. ``None``: no such text
    (or a pattern this analysis does not understand), and the pattern is always run.
    """
    if not pattern.flags & re.IGNORECASE:
        return None
    try:
        items = list(_sre_parse.parse(pattern.pattern, pattern.flags))
        literal, at, ends = _sre_parse.LITERAL, _sre_parse.AT, (_sre_parse.AT_END, _sre_parse.AT_END_STRING)
    except Exception:
        return None
    suffix: list[str] = []
    for op, value in reversed(items):
        if op == at and value in ends and not suffix:
            continue  # a final $ or \Z: a full match ends at the end anyway
        if op != literal or not isinstance(value, int) or not chr(value).isascii():
            break  # non-ASCII literals may fold to ASCII letters under IGNORECASE: stop there
        suffix.append(chr(value))
    return "".join(reversed(suffix)).lower() or None


def _index(patterns: list[re.Pattern[str]]) -> dict[str, Any]:
    """Bucket the patterns by literal suffix, for :meth:`OriginRules.allows`."""
    buckets: dict[int, dict[str, list[re.Pattern[str]]]] = {}
    unindexed: list[re.Pattern[str]] = []
    for pattern in patterns:
        suffix = _literal_suffix(pattern)
        if suffix is None:
            unindexed.append(pattern)
        else:
            buckets.setdefault(len(suffix), {}).setdefault(suffix, []).append(pattern)
    by_suffix = tuple(
        (size, {suffix: join_any(group) for suffix, group in table.items()})
        for size, table in sorted(buckets.items(), reverse=True)
    )
    return {"_by_suffix": by_suffix, "_unindexed": join_any(unindexed)}
