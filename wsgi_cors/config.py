"""Configuration without code: options from ``CORS_*`` environment variables, ini files or a mapping.

Server entrypoints (gunicorn, uWSGI, waitress, PasteDeploy) should not need a code change to
move from staging to production origins. This module turns text (an environment variable, an
ini value) and loosely typed settings (TOML, YAML, a Django settings module) into the keyword
options that :class:`~wsgi_cors.CORSMiddleware` takes, and makes every error name the variable
it came from, at start-up.

Text values are read per option type:

* lists (``origins``, ``methods``, ``allow_headers``, ``expose_headers``): comma- or
  newline-separated, or a JSON array when an entry itself contains a comma;
* booleans: ``true``/``false``, ``1``/``0`` (also ``yes``/``no``, ``on``/``off``), any case;
* ``max_age``: whole seconds; ``preflight_status``: a 2xx status code;
* ``resources``: JSON (a pattern, a list of them, or ``{pattern: {option: value}}``), or
  comma-separated patterns.
"""

from __future__ import annotations

import contextlib
import difflib
import json
import warnings
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple, TypeVar

from .errors import (
    ConfigurationError,
    ConfigurationTypeError,
    ErrorCollector,
    WsgiCorsError,
    combined,
    describe,
    with_source,
)
from .options import OPTION_NAMES
from .policy import Policy

T = TypeVar("T")

DEFAULT_PREFIX = "CORS_"

_TRUE = frozenset({"true", "1", "yes", "on"})
_FALSE = frozenset({"false", "0", "no", "off"})


def _boolean(source: str, text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ConfigurationError(
        describe(source, text, "not a boolean", "write true or false (1/0, yes/no and on/off work too)")
    )


def _items(source: str, text: str) -> list[str]:
    stripped = text.strip()
    if stripped.startswith("["):
        value = _json(source, stripped)
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ConfigurationTypeError(
                describe(source, text, "a JSON value here must be an array of strings", 'write ["a", "b"]')
            )
        return [item.strip() for item in value]
    items = [item.strip() for line in stripped.splitlines() for item in line.split(",") if item.strip()]
    if not items:
        # "," alone would otherwise become an empty list: for origins, trust nobody, silently.
        raise ConfigurationError(describe(source, text, "no entries", "list at least one, comma-separated"))
    return items


def _seconds(source: str, text: str) -> int:
    stripped = text.strip()
    if not stripped.isdigit() or not stripped.isascii():
        raise ConfigurationError(
            describe(source, text, "not a whole number of seconds", "write e.g. 600 for ten minutes")
        )
    return int(stripped)


def _status(source: str, text: str) -> int:
    stripped = text.strip()
    if not stripped.isdigit() or not stripped.isascii():
        raise ConfigurationError(describe(source, text, "not a status code", "write 200 or 204"))
    return int(stripped)


def _resources(source: str, text: str) -> object:
    stripped = text.strip()
    if stripped[:1] in ("[", "{", '"'):
        # A JSON string, array or object; the core checks what is inside.
        return _json(source, stripped)
    patterns = _items(source, stripped)
    return patterns[0] if len(patterns) == 1 else patterns


def _json(source: str, text: str) -> object:
    try:
        return json.loads(text)
    except ValueError as exc:
        raise ConfigurationError(
            describe(source, text, f"not valid JSON ({exc})", "check the quotes, commas and brackets")
        ) from None


#: How text becomes each option's value. A test checks that every option has an entry.
PARSERS: Mapping[str, Callable[[str, str], object]] = {
    "resources": _resources,
    "origins": _items,
    "methods": _items,
    "allow_headers": _items,
    "expose_headers": _items,
    "supports_credentials": _boolean,
    "send_wildcard": _boolean,
    "vary_header": _boolean,
    "always_send": _boolean,
    "automatic_options": _boolean,
    "intercept_exceptions": _boolean,
    "allow_private_network": _boolean,
    "max_age": _seconds,
    "preflight_status": _status,
    "debug": _boolean,
}

# Options whose natural type is not a string: a string given for them in a typed mapping
# (YAML's "true", a Django setting read from the environment) is parsed, never taken as truthy.
_SCALAR_OPTIONS = frozenset(
    name for name, parser in PARSERS.items() if parser in (_boolean, _seconds, _status)
)


def parse_text(option: str, text: str, source: str) -> object:
    """One option's value from text; errors name ``source`` (the variable or ini key)."""
    if not text.strip():
        raise ConfigurationError(
            describe(
                source,
                text,
                "set but empty, which is ambiguous (no value, or the default?)",
                "unset it to use the default, or give a value",
            )
        )
    return PARSERS[option](source, text)


def typed_value(option: str, value: object, source: str) -> object:
    """A loosely typed setting's value: text for a boolean or a number is parsed, never truthy.

    Every source of typed settings (``from_mapping``, Flask's ``app.config``) reads values
    through here, so ``"true"`` means the same wherever it is written.
    """
    if option in _SCALAR_OPTIONS and isinstance(value, str):
        return parse_text(option, value, source)
    return value


class Configuration(NamedTuple):
    """Options gathered from outside code, each with the name it was given under."""

    options: dict[str, object]
    sources: dict[str, str]

    def problems(self) -> tuple[list[WsgiCorsError], dict[str, object]]:
        """Each option checked on its own, so that an error names the variable that caused it:
        the errors, and the options that passed."""
        errors: list[WsgiCorsError] = []
        passed: dict[str, object] = {}
        for option, value in self.options.items():
            try:
                with warnings.catch_warnings():
                    # Warnings wait for the real construction, where they are emitted once.
                    warnings.simplefilter("ignore")
                    Policy.from_options({option: value})
            except WsgiCorsError as exc:
                errors.append(with_source(exc, self.sources[option]))
            else:
                passed[option] = value
        return errors, passed

    def check(self) -> None:
        """Raise every option's error at once, each naming its variable."""
        errors, _ = self.problems()
        if errors:
            raise combined(errors)

    def build(self, factory: Callable[..., T], app: Any, defaults: Mapping[str, object] | None = None) -> T:
        """``factory(app, **options)`` over ``defaults``, with errors naming their sources.

        The options that pass on their own are still built together when others failed, so
        that what only a combination gets wrong (credentials with send_wildcard) is reported
        in the same error.
        """
        errors, passed = self.problems()
        try:
            with warnings.catch_warnings() if errors else contextlib.nullcontext():
                if errors:  # a trial run: the warnings belong to the construction that works
                    warnings.simplefilter("ignore")
                built = factory(app, **{**(defaults or {}), **passed})
        except WsgiCorsError as exc:
            # Name the sources the message mentions, or all of them.
            message = str(exc)
            named = [source for option, source in self.sources.items() if f"{option}=" in message]
            names = named or list(self.sources.values())
            errors.append(with_source(exc, ", ".join(names)) if names else exc)
        if errors:
            raise combined(errors)
        return built


#: django-cors-headers's settings (and their old aliases), which the Django middleware reads:
#: a project that wraps its WSGI app with ``from_mapping(settings)`` and still carries them is
#: pointed at that middleware. A test keeps this equal to ``wsgi_cors.django.conf``'s names.
DJANGO_CORS_HEADERS_SETTINGS = frozenset(
    {
        "CORS_ALLOWED_ORIGINS",
        "CORS_ALLOWED_ORIGIN_REGEXES",
        "CORS_ALLOW_ALL_ORIGINS",
        "CORS_URLS_REGEX",
        "CORS_ALLOW_METHODS",
        "CORS_ALLOW_HEADERS",
        "CORS_EXPOSE_HEADERS",
        "CORS_PREFLIGHT_MAX_AGE",
        "CORS_ALLOW_CREDENTIALS",
        "CORS_ALLOW_PRIVATE_NETWORK",
        "CORS_ORIGIN_WHITELIST",
        "CORS_ORIGIN_REGEX_WHITELIST",
        "CORS_ORIGIN_ALLOW_ALL",
    }
)


def _unknown(key: str, candidates: list[str], where: str) -> ConfigurationError:
    """An unknown key, with the closest known name (case aside) or the list of names."""
    by_upper = {candidate.upper(): candidate for candidate in candidates}
    close = difflib.get_close_matches(key.upper(), list(by_upper), n=1, cutoff=0.6)
    fix = f"did you mean {by_upper[close[0]]!r}?" if close else f"use one of {', '.join(candidates)}"
    if key.upper() in DJANGO_CORS_HEADERS_SETTINGS:
        fix = (
            f"{key} is django-cors-headers's setting: in a Django project put "
            "'wsgi_cors.django.CorsMiddleware' in MIDDLEWARE, which reads it (docs/django.md); "
            f"to keep wrapping the WSGI app, {fix}"
        )
    return ConfigurationError(f"{where}: unknown option {key!r}. Fix: {fix}")


def _option_for(key: str, prefix: str, where: str) -> str:
    """The option a key names: an option name as is, or the prefixed form in any case."""
    if key in OPTION_NAMES:
        return key
    names = sorted(OPTION_NAMES)
    if prefix and key.upper().startswith(prefix.upper()):
        name = key[len(prefix) :].lower()
        if name in OPTION_NAMES:
            return name
        raise _unknown(key, [prefix.upper() + option.upper() for option in names], where)
    # Option names first, so that "orgins" suggests "origins" rather than "CORS_ORIGINS".
    raise _unknown(key, names + [prefix.upper() + option.upper() for option in names], where)


def _gather(pairs: Mapping[str, object], prefix: str, where: str, text: bool) -> Configuration:
    """Every key read, and every bad one reported at once."""
    options: dict[str, object] = {}
    sources: dict[str, str] = {}
    errors = ErrorCollector()
    for key, value in pairs.items():
        with errors.collect():
            option = _option_for(key, prefix, where)
            if option in sources:
                raise ConfigurationError(
                    f"{where}: {sources[option]!r} and {key!r} both set {option!r}. Fix: keep one of them"
                )
            sources[option] = key
            if not text:
                options[option] = typed_value(option, value, key)
            elif isinstance(value, str):
                options[option] = parse_text(option, value, key)
            else:
                raise ConfigurationTypeError(describe(key, value, "expected text", "write the value as text"))
    if errors.errors:
        # Report the values that parsed but are wrong too, with the unreadable ones.
        errors.errors.extend(Configuration(options, sources).problems()[0])
    errors.raise_any()
    return Configuration(options, sources)


def from_env(environ: Mapping[str, str], prefix: str = DEFAULT_PREFIX) -> Configuration:
    """Every variable starting with ``prefix``; an unknown one is an error, not ignored.

    A misspelt ``CORS_ORIGNS`` silently ignored would leave the default ``*`` in force, so it
    fails with a did-you-mean instead. Use another ``prefix`` if ``CORS_`` is taken.
    """
    if not prefix:
        raise ConfigurationError(
            describe("prefix", prefix, "an empty prefix reads every variable", "use 'CORS_'")
        )
    ours = {key: value for key, value in environ.items() if key.upper().startswith(prefix.upper())}
    return _gather(ours, prefix, "environment", text=True)


def from_text(values: Mapping[str, str], prefix: str = DEFAULT_PREFIX, where: str = "cors") -> Configuration:
    """Options whose values are all text (ini files); keys are option names or prefixed names."""
    return _gather(values, prefix, where, text=True)


def from_mapping(settings: object, prefix: str = DEFAULT_PREFIX, where: str | None = None) -> Configuration:
    """Typed settings: a mapping, or an object such as a Django settings module.

    Mapping keys are option names (``origins``) or prefixed names (``CORS_ORIGINS``, any case);
    every key must be one. From any other object (``django.conf.settings``, a module) only
    the attributes whose names start with ``prefix`` are read, the rest being other settings.
    Text given for a boolean or number (``"false"``, ``"600"``) is parsed as
    :func:`from_env` would, never taken as truthy. ``where`` names the source in errors
    (a file name, say).
    """
    if isinstance(settings, Mapping):
        if not all(isinstance(key, str) for key in settings):
            raise ConfigurationTypeError("mapping: every key must be a string. Fix: use option names as keys")
        return _gather(settings, prefix, where or "mapping", text=False)
    pairs = {name: getattr(settings, name) for name in dir(settings) if name.startswith(prefix.upper())}
    source = settings.__name__ if isinstance(settings, type) else type(settings).__name__
    return _gather(pairs, prefix, where or source, text=False)
