"""Options: what users pass, validated and normalised once, at construction.

Names and defaults are flask-cors's, so a configuration written for it means the same here.
Every value is checked and turned into the exact header text it will produce; nothing is
parsed again per request.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import timedelta
from http import HTTPStatus
from typing import TypeAlias, TypedDict

from .errors import ConfigurationError, ConfigurationTypeError, ErrorCollector, WsgiCorsError, describe
from .fetch import TOKEN
from .origins import OriginRules, compile_origins
from .regexes import check_backtracking

DEFAULT_METHODS = ("GET", "HEAD", "POST", "OPTIONS", "PUT", "PATCH", "DELETE")

#: Every per-resource option with its default (flask-cors's, plus ``preflight_status``).
DEFAULTS: Mapping[str, object] = {
    "origins": "*",
    "methods": DEFAULT_METHODS,
    "allow_headers": "*",
    "expose_headers": None,
    "supports_credentials": False,
    "max_age": None,
    "send_wildcard": False,
    "vary_header": True,
    "always_send": True,
    "automatic_options": True,
    "intercept_exceptions": True,
    "allow_private_network": False,
    "preflight_status": 200,
}

#: One ``origins`` entry: an exact origin, a regex or wildcard string, a compiled regex, or a
#: callable ``origin -> bool``.
OriginRule: TypeAlias = str | re.Pattern[str] | Callable[[str], bool]
#: One ``allow_headers`` entry: a name, a regex string or a compiled regex.
HeaderRuleInput: TypeAlias = str | re.Pattern[str]


class ResourceOptions(TypedDict, total=False):
    """The options one resource (or ``@cross_origin``) takes, typed for the user's mypy.

    Written as flask-cors 6 types its keywords, so ``mypy --strict`` on user code catches a
    misspelt name (``origin=``) or a wrong type (``supports_credentials="yes"``) before the
    construction-time check does. A test keeps the keys equal to :data:`DEFAULTS`.
    """

    origins: OriginRule | Iterable[OriginRule]
    methods: str | Iterable[str] | None
    allow_headers: HeaderRuleInput | Iterable[HeaderRuleInput]
    expose_headers: str | Iterable[str] | None
    supports_credentials: bool
    max_age: int | str | timedelta | None
    send_wildcard: bool
    vary_header: bool
    always_send: bool
    automatic_options: bool
    intercept_exceptions: bool
    allow_private_network: bool
    preflight_status: int


#: A ``resources`` path pattern: a string (``/api/*`` or a regex) or a compiled regex.
PathPattern: TypeAlias = str | re.Pattern[str]


class CORSOptions(ResourceOptions, total=False):
    """Every option of ``CORSMiddleware``, ``CORS`` and ``init_app``: a resource's, plus ``resources``."""

    # Sequence and Set rather than Iterable: a mapping is iterable too, and would then escape
    # the check of its resource options.
    resources: (
        PathPattern | Sequence[PathPattern] | AbstractSet[PathPattern] | Mapping[PathPattern, ResourceOptions]
    )
    debug: bool


#: Options of the whole configuration, with their defaults: they apply to every resource, so
#: a ``resources`` entry or ``@cross_origin`` cannot set them. ``debug`` is one switch for the
#: deployment (development or production), not a path's property: one place to turn it off.
TOP_LEVEL_DEFAULTS: Mapping[str, object] = {"resources": r"/*", "debug": False}

#: Options a resource entry may override; the top-level ones are not among them.
RESOURCE_OPTIONS = frozenset(DEFAULTS)
OPTION_NAMES = RESOURCE_OPTIONS | frozenset(TOP_LEVEL_DEFAULTS)

_BOOLEAN_OPTIONS = (
    "supports_credentials",
    "send_wildcard",
    "vary_header",
    "always_send",
    "automatic_options",
    "intercept_exceptions",
    "allow_private_network",
)

_HEADER_REGEX_MARKERS = frozenset("*\\[]?$^()")
# ASCII digits only: str.isdigit() also accepts "²" and other digits int() refuses.
_INTEGER_TEXT = re.compile(r"-?[0-9]+")
_BACKTRACKING_FIX = "make each repeated part unambiguous, e.g. x-[a-z0-9-]* rather than x-.*-.*-.*"


@dataclass(frozen=True)
class HeaderRule:
    """The compiled ``allow_headers`` option; names are compared lower-cased."""

    any: bool
    names: frozenset[str]
    patterns: tuple[re.Pattern[str], ...]

    def allows(self, lowered_name: str) -> bool:
        if self.any or lowered_name in self.names:
            return True
        return any(pattern.fullmatch(lowered_name) for pattern in self.patterns)


@dataclass(frozen=True)
class Options:
    """One resource's options, normalised: header values ready to send, sets ready to test."""

    origins: OriginRules
    methods: frozenset[str] | None  # None: any method
    allow_methods: str | None  # the Access-Control-Allow-Methods value; None echoes the request
    allow_headers: HeaderRule
    expose_headers: str | None
    supports_credentials: bool
    max_age: str | None
    send_wildcard: bool
    vary_header: bool
    always_send: bool
    automatic_options: bool
    intercept_exceptions: bool
    allow_private_network: bool
    preflight_status: str


def check_option_names(given: Iterable[str], allowed: frozenset[str], where: str) -> None:
    """Refuse unknown options loudly: a misspelt option silently ignored is a security bug."""
    errors = ErrorCollector()
    for name in given:
        if name in TOP_LEVEL_DEFAULTS and name not in allowed:
            raise ConfigurationError(
                f"{where}: unknown option {name!r} here: it applies to the whole configuration, "
                "not to one resource or view. "
                f"Fix: pass {name}=... to CORSMiddleware or CORS (CORS_{name.upper()} in settings)"
            )
        if name not in allowed:
            close = difflib.get_close_matches(name, sorted(allowed), n=1)
            fix = f"did you mean {close[0]!r}?" if close else f"use one of {sorted(allowed)}"
            with errors.collect():
                raise ConfigurationError(f"{where}: unknown option {name!r}. Fix: {fix}")
    errors.raise_any()


def build_options(given: Mapping[str, object], where: str = "CORSMiddleware") -> Options:
    """:func:`_build_options`, reporting every bad option at once rather than the first.

    When the whole fails, each option is checked again on its own (over the defaults), then the
    options that passed together, for what only a combination gets wrong: the errors of both
    rounds are raised at once (:class:`~wsgi_cors.errors.ConfigurationErrors` when there are
    several). A configuration that works pays for one construction only.
    """
    try:
        return _build_options(given, where)
    except WsgiCorsError:
        errors = ErrorCollector()
        passed: dict[str, object] = {}
        for name, value in given.items():
            with errors.collect():
                _build_options({name: value}, where)
                passed[name] = value
        with errors.collect():
            _build_options(passed, where)
        if len(errors.errors) < 2:
            raise
        errors.raise_any()
        raise


def _build_options(given: Mapping[str, object], where: str = "CORSMiddleware") -> Options:
    """Validate ``given`` (already merged over :data:`DEFAULTS`) into :class:`Options`.

    Each value is checked on its own here; :mod:`wsgi_cors.guards` then judges the whole
    (the caller runs it, so that guards may read options without options importing guards).
    """
    merged = {**DEFAULTS, **given}
    check_option_names(merged, RESOURCE_OPTIONS, where)
    flags = {name: _boolean(name, merged[name]) for name in _BOOLEAN_OPTIONS}
    credentials = flags["supports_credentials"]
    if credentials and flags["send_wildcard"]:
        raise ConfigurationError(
            describe(
                "send_wildcard",
                True,
                "browsers reject 'Access-Control-Allow-Origin: *' on credentialed requests, "
                "so supports_credentials=True and send_wildcard=True cannot work together",
                "drop send_wildcard (the request origin is then echoed) or drop supports_credentials",
            )
        )
    origins = compile_origins(merged["origins"], credentials=credentials)
    methods = _tokens("methods", merged["methods"], upper=True)
    if methods is not None and "*" in methods:
        # A browser reads "*" anywhere in Access-Control-Allow-Methods as any method: the policy
        # must mean the same, or a cached "GET, *" would let through what the policy refuses.
        methods = None
    return Options(
        origins=origins,
        methods=None if methods is None else frozenset(methods),
        allow_methods=None if methods is None else ", ".join(sorted(set(methods))),
        allow_headers=_header_rule(merged["allow_headers"]),
        expose_headers=_expose_headers(merged["expose_headers"]),
        supports_credentials=credentials,
        max_age=_max_age(merged["max_age"]),
        send_wildcard=flags["send_wildcard"],
        vary_header=flags["vary_header"],
        always_send=flags["always_send"],
        automatic_options=flags["automatic_options"],
        intercept_exceptions=flags["intercept_exceptions"],
        allow_private_network=flags["allow_private_network"],
        preflight_status=_status(merged["preflight_status"]),
    )


def debug_flag(value: object) -> bool:
    """The ``debug`` option, validated as every boolean option is."""
    return _boolean("debug", value)


def _boolean(name: str, value: object) -> bool:
    # A string such as "false" is truthy; accepting it would turn options on by accident.
    if not isinstance(value, bool):
        raise ConfigurationTypeError(
            describe(name, value, "expected True or False", f"pass {name}=True or {name}=False")
        )
    return value


def _items(name: str, value: object) -> list[str]:
    """A string (comma-separated allowed) or an iterable of strings, as flask-cors accepts."""
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    if isinstance(value, Iterable) and not isinstance(value, bytes | Mapping):
        items = list(value)
        for item in items:
            if not isinstance(item, str):
                raise ConfigurationTypeError(
                    describe(name, value, f"every entry must be a string, not {item!r}", "list strings")
                )
        return [item.strip() for item in items]
    raise ConfigurationTypeError(
        describe(name, value, "expected a string or a list of strings", f"write {name}=['...']")
    )


def _tokens(name: str, value: object, *, upper: bool = False) -> list[str] | None:
    """Header names or methods; ``None`` means ``"*"`` (anything the request names)."""
    items = _items(name, value)
    if items == ["*"]:
        return None
    for item in items:
        if not TOKEN.fullmatch(item):
            raise ConfigurationError(
                describe(
                    name,
                    item,
                    "not a valid HTTP token (letters, digits and !#$%&'*+.^_`|~- only)",
                    "remove spaces, quotes and control characters from the entry",
                )
            )
    return [item.upper() for item in items] if upper else items


def _header_rule(value: object) -> HeaderRule:
    # flask-cors accepts compiled regexes here too; names are compared lower-cased, so they
    # are recompiled case-insensitively.
    entries = [value] if isinstance(value, re.Pattern) else value
    if isinstance(entries, Iterable) and not isinstance(entries, str | bytes | Mapping):
        entries = list(entries)
        compiled = [entry for entry in entries if isinstance(entry, re.Pattern)]
        if compiled:
            rest = _header_rule([entry for entry in entries if not isinstance(entry, re.Pattern)])
            for entry in compiled:
                if not isinstance(entry.pattern, str):
                    raise ConfigurationTypeError(
                        describe(
                            "allow_headers", entry, "a bytes regex never matches", "compile a str pattern"
                        )
                    )
            extra = tuple(re.compile(entry.pattern, entry.flags | re.IGNORECASE) for entry in compiled)
            for entry, recompiled in zip(compiled, extra, strict=True):
                check_backtracking("allow_headers", entry, recompiled, _BACKTRACKING_FIX)
            return HeaderRule(any=rest.any, names=rest.names, patterns=rest.patterns + extra)
    items = _items("allow_headers", value)
    if "*" in items or ".*" in items:
        return HeaderRule(any=True, names=frozenset(), patterns=())
    names: set[str] = set()
    patterns: list[re.Pattern[str]] = []
    for item in items:
        if _HEADER_REGEX_MARKERS.isdisjoint(item):
            _tokens("allow_headers", [item])
            names.add(item.lower())
            continue
        try:
            pattern = re.compile(item, re.IGNORECASE)
        except re.error as exc:
            raise ConfigurationError(
                describe(
                    "allow_headers", item, f"looks like a regex but does not compile ({exc})", "fix the regex"
                )
            ) from None
        check_backtracking("allow_headers", item, pattern, _BACKTRACKING_FIX)
        patterns.append(pattern)
    return HeaderRule(any=False, names=frozenset(names), patterns=tuple(patterns))


def _expose_headers(value: object) -> str | None:
    if value is None:
        return None
    items = _tokens("expose_headers", value)
    if items is None:
        return "*"
    return ", ".join(sorted(dict.fromkeys(items))) or None


def _max_age(value: object) -> str | None:
    if value is None:
        return None
    seconds: object = value
    if isinstance(value, timedelta):
        seconds = value.total_seconds()
        if seconds != int(seconds):
            raise ConfigurationError(
                describe("max_age", value, "sub-second durations cannot be sent", "round to whole seconds")
            )
        seconds = int(seconds)
    elif isinstance(value, str) and _INTEGER_TEXT.fullmatch(value.strip()):
        seconds = int(value.strip())
    if isinstance(seconds, bool) or not isinstance(seconds, int):
        raise ConfigurationTypeError(
            describe("max_age", value, "expected whole seconds", "pass an int, a digit string or a timedelta")
        )
    if seconds < 0:
        raise ConfigurationError(
            describe("max_age", value, "a negative cache lifetime is meaningless", "pass 0 or more seconds")
        )
    return str(seconds)


def _status(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, int) or not 200 <= value <= 299:
        raise ConfigurationError(
            describe(
                "preflight_status",
                value,
                "a preflight answer must have a 2xx status, or browsers treat it as failed",
                "use 200 (the default) or 204",
            )
        )
    try:
        return f"{value} {HTTPStatus(value).phrase}"
    except ValueError:
        return f"{value} OK"
