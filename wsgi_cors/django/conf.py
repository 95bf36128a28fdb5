"""django-cors-headers's settings, read from ``django.conf.settings`` into wsgi_cors options.

The names, aliases and defaults are django-cors-headers 4.x's, so a ``settings.py`` written
for it means the same here; what they become is the core's options, and every request is
then decided by :func:`wsgi_cors.policy.decide`. This module decides nothing about requests:
it translates, and it reports what is wrong with the translation as :class:`Problem` values
that the system checks and the middleware's start-up both read, so the two never disagree.

Each problem names the Django setting (``CORS_ALLOWED_ORIGINS``), never the core's keyword:
settings are validated one at a time before they are combined, so an error is pinned on the
setting that caused it.
"""

from __future__ import annotations

import difflib
import re
import warnings
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Literal, NamedTuple

from ..errors import CORSSecurityWarning, WsgiCorsError
from ..fetch import NULL_ORIGIN
from ..origins import compile_origins, is_host_wildcard
from ..policy import Policy, ResourcePolicy
from .defaults import default_headers, default_methods

#: Every setting read, with its default: django-cors-headers 4.x's, except the preflight
#: cache (see docs/migrating-from-django-cors-headers.md, "Default preflight cache").
SETTINGS: Mapping[str, object] = {
    "CORS_ALLOWED_ORIGINS": (),
    "CORS_ALLOWED_ORIGIN_REGEXES": (),
    "CORS_ALLOW_ALL_ORIGINS": False,
    "CORS_URLS_REGEX": r"^.*$",
    "CORS_ALLOW_METHODS": default_methods,
    "CORS_ALLOW_HEADERS": default_headers,
    "CORS_EXPOSE_HEADERS": (),
    "CORS_PREFLIGHT_MAX_AGE": 7200,
    "CORS_ALLOW_CREDENTIALS": False,
    "CORS_ALLOW_PRIVATE_NETWORK": False,
    # wsgi-cors's own: refusals that explain themselves (docs/options.md, "debug")
    "CORS_DEBUG": False,
}

#: The older names django-cors-headers still reads when the new one is not set.
ALIASES: Mapping[str, str] = {
    "CORS_ALLOWED_ORIGINS": "CORS_ORIGIN_WHITELIST",
    "CORS_ALLOWED_ORIGIN_REGEXES": "CORS_ORIGIN_REGEX_WHITELIST",
    "CORS_ALLOW_ALL_ORIGINS": "CORS_ORIGIN_ALLOW_ALL",
}

#: ``CORS_*`` names of flask-cors and of wsgi_cors's own settings mapping, with the setting
#: that says the same here: a project moving from either gets pointed at the right name.
RENAMED: Mapping[str, str] = {
    "CORS_ORIGINS": "CORS_ALLOWED_ORIGINS",
    "CORS_SUPPORTS_CREDENTIALS": "CORS_ALLOW_CREDENTIALS",
    "CORS_METHODS": "CORS_ALLOW_METHODS",
    "CORS_MAX_AGE": "CORS_PREFLIGHT_MAX_AGE",
    "CORS_RESOURCES": "CORS_URLS_REGEX",
    "CORS_SEND_WILDCARD": "CORS_ALLOW_ALL_ORIGINS",
}

#: flask-cors (and wsgi_cors) options with no setting here: the middleware behaves as
#: django-cors-headers does (``Vary`` always, no grant without ``Origin``, preflights answered
#: by the middleware, error responses included).
FLASK_ONLY = frozenset(
    {
        "CORS_VARY_HEADER",
        "CORS_ALWAYS_SEND",
        "CORS_AUTOMATIC_OPTIONS",
        "CORS_INTERCEPT_EXCEPTIONS",
        "CORS_PREFLIGHT_STATUS",
    }
)

#: Settings that django-cors-headers itself no longer reads.
REMOVED = frozenset({"CORS_MODEL", "CORS_REPLACE_HTTPS_REFERER"})

KNOWN = frozenset(SETTINGS) | frozenset(ALIASES.values())

#: Listed as is in ``CORS_ALLOWED_ORIGINS``, as django-cors-headers accepts it.
FILE_ORIGIN = "file://"

_BOOLEANS = ("CORS_ALLOW_ALL_ORIGINS", "CORS_ALLOW_CREDENTIALS", "CORS_ALLOW_PRIVATE_NETWORK", "CORS_DEBUG")
_LISTS = (
    "CORS_ALLOWED_ORIGINS",
    "CORS_ALLOWED_ORIGIN_REGEXES",
    "CORS_ALLOW_METHODS",
    "CORS_ALLOW_HEADERS",
    "CORS_EXPOSE_HEADERS",
)
# The settings validated by the core on their own, with the option each becomes.
_ALONE = {
    "CORS_ALLOW_METHODS": "methods",
    "CORS_ALLOW_HEADERS": "allow_headers",
    "CORS_EXPOSE_HEADERS": "expose_headers",
    "CORS_PREFLIGHT_MAX_AGE": "max_age",
}
# Which settings each core option comes from, to name them in messages about that option.
_SOURCES: Mapping[str, tuple[str, ...]] = {
    "origins": ("CORS_ALLOW_ALL_ORIGINS", "CORS_ALLOWED_ORIGINS", "CORS_ALLOWED_ORIGIN_REGEXES"),
    "send_wildcard": ("CORS_ALLOW_ALL_ORIGINS",),
    "supports_credentials": ("CORS_ALLOW_CREDENTIALS",),
    "resources": ("CORS_URLS_REGEX",),
    "allow_private_network": ("CORS_ALLOW_PRIVATE_NETWORK",),
    "debug": ("CORS_DEBUG",),
    **{option: (setting,) for setting, option in _ALONE.items()},
}

# Check ids: errors stop start-up, warnings are reported by ``manage.py check``.
INVALID_TYPE = "wsgi_cors.E001"
INVALID_VALUE = "wsgi_cors.E002"
REGEX_IN_ORIGINS = "wsgi_cors.E003"
INVALID_COMBINATION = "wsgi_cors.E004"
SECURITY = "wsgi_cors.W001"
UNKNOWN_SETTING = "wsgi_cors.W002"
ALIAS_SHADOWED = "wsgi_cors.W003"


class Problem(NamedTuple):
    """One finding about the settings, as data: the checks and start-up format it."""

    level: Literal["error", "warning"]
    id: str
    setting: str  # the setting (or settings, comma-separated) at fault
    message: str
    hint: str


class Settings(NamedTuple):
    """The settings as read: a value for every name of :data:`SETTINGS`, and who set it."""

    values: Mapping[str, Any]
    names: Mapping[str, str]  # canonical name -> the name it was read under (maybe an alias)
    given: frozenset[str]  # canonical names the project sets


class Built(NamedTuple):
    """What the middleware runs on: immutable, built once per configuration."""

    policy: Policy
    #: The policy of a request that a ``check_request_enabled`` receiver enabled: the
    #: configured options, with any well-formed origin allowed.
    signal_resource: ResourcePolicy


def read(settings: object) -> Settings:
    """Each setting, or its old alias, or its default (django-cors-headers's order)."""
    values: dict[str, Any] = {}
    names: dict[str, str] = {}
    given: set[str] = set()
    for name, default in SETTINGS.items():
        alias = ALIASES.get(name)
        if hasattr(settings, name):
            values[name], names[name] = getattr(settings, name), name
            given.add(name)
        elif alias is not None and hasattr(settings, alias):
            values[name], names[name] = getattr(settings, alias), alias
            given.add(name)
        else:
            values[name], names[name] = default, name
    return Settings(values, names, frozenset(given))


def build(settings: object) -> tuple[Built | None, list[Problem]]:
    """The policies for ``settings``, or ``None`` with at least one error among the problems."""
    read_settings = read(settings)
    problems = [*unknown_settings(settings), *_shadowed_aliases(settings)]
    errors = _check_each(read_settings)
    if errors:
        return None, problems + errors
    options = _options(read_settings)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", CORSSecurityWarning)
        try:
            # Django's own DEBUG says the project runs in development: no debug-mode warning then.
            policy = Policy.from_options(options, development=getattr(settings, "DEBUG", False) is True)
        except WsgiCorsError as exc:
            return None, [*problems, _from_core("error", INVALID_COMBINATION, str(exc), read_settings)]
    found = [
        _from_core("warning", SECURITY, str(item.message), read_settings)
        for item in caught
        if issubclass(item.category, CORSSecurityWarning)
    ]
    with warnings.catch_warnings():
        # Any origin is this policy's point (a receiver vouched for it): no warning about "*".
        warnings.simplefilter("ignore", CORSSecurityWarning)
        signal_policy = Policy.from_options({**options, "resources": "/*", "origins": "*"})
    if _file_with_credentials(read_settings):
        found.append(
            Problem(
                "warning",
                SECURITY,
                read_settings.names["CORS_ALLOWED_ORIGINS"],
                f"'{FILE_ORIGIN}' with CORS_ALLOW_CREDENTIALS=True: every local HTML file a user opens "
                "(a downloaded attachment, say) sends that Origin and may read credentialed responses",
                f"remove '{FILE_ORIGIN}', or serve the page from an origin you list",
            )
        )
    built = Built(policy, signal_policy.resources[0])
    return built, problems + found


def _file_with_credentials(read_settings: Settings) -> bool:
    values = read_settings.values
    return bool(
        values["CORS_ALLOW_CREDENTIALS"]
        and not values["CORS_ALLOW_ALL_ORIGINS"]
        and FILE_ORIGIN in values["CORS_ALLOWED_ORIGINS"]
    )


def _options(read_settings: Settings) -> dict[str, object]:
    """The core options that say what the settings say (the settings are valid here)."""
    values = read_settings.values
    credentials = values["CORS_ALLOW_CREDENTIALS"]
    all_origins = values["CORS_ALLOW_ALL_ORIGINS"]
    origins: object
    if all_origins:
        # "*" never grants "null" with credentials; a "null" listed beside it still does.
        origins = ["*", *(entry for entry in values["CORS_ALLOWED_ORIGINS"] if entry == NULL_ORIGIN)]
    else:
        origins = [*_origin_entries(values["CORS_ALLOWED_ORIGINS"]), *values["CORS_ALLOWED_ORIGIN_REGEXES"]]
    return {
        "resources": _urls_pattern(values["CORS_URLS_REGEX"])
        if "CORS_URLS_REGEX" in read_settings.given
        else "/*",
        "origins": origins,
        # django-cors-headers answers "*" to every origin unless credentials are allowed.
        "send_wildcard": all_origins and not credentials,
        "methods": list(values["CORS_ALLOW_METHODS"]),
        "allow_headers": list(values["CORS_ALLOW_HEADERS"]),
        "expose_headers": list(values["CORS_EXPOSE_HEADERS"]) or None,
        "supports_credentials": credentials,
        # 0 sends no Access-Control-Max-Age, as django-cors-headers does.
        "max_age": values["CORS_PREFLIGHT_MAX_AGE"] or None,
        "allow_private_network": values["CORS_ALLOW_PRIVATE_NETWORK"],
        # No Access-Control-Allow-Origin on requests without Origin, as django-cors-headers.
        "always_send": False,
        "debug": values["CORS_DEBUG"],
    }


def file_origin(origin: str) -> bool:
    """The ``"file://"`` entry of ``CORS_ALLOWED_ORIGINS``: Chrome on Android sends that Origin
    from local files (crbug.com/991107), where other browsers send ``null``."""
    return origin == FILE_ORIGIN


def _origin_entries(entries: Iterable[str]) -> list[object]:
    """``CORS_ALLOWED_ORIGINS`` as core ``origins`` entries: ``"file://"``, which is no
    serialised origin, becomes the exact comparison :func:`file_origin`."""
    return [file_origin if entry == FILE_ORIGIN else entry for entry in entries]


def _urls_pattern(value: str | re.Pattern[str]) -> re.Pattern[str]:
    """``CORS_URLS_REGEX`` as a compiled regex, so the core matches it as ``re.match`` does:
    from the start of ``request.path_info``, a prefix being enough (``r"^/api/"``)."""
    return value if isinstance(value, re.Pattern) else re.compile(value)


def _check_each(read_settings: Settings) -> list[Problem]:
    """Every setting on its own: types first, then what the core says about each value whose
    settings have the right types, so a type error in one setting hides no error in another."""
    values, names = read_settings.values, read_settings.names
    problems: list[Problem] = []
    mistyped: set[str] = set()
    for setting in _BOOLEANS:
        if not isinstance(values[setting], bool):
            mistyped.add(setting)
            problems.append(
                _type_problem(
                    names[setting], values[setting], "expected True or False", f"{names[setting]} = True"
                )
            )
    age = values["CORS_PREFLIGHT_MAX_AGE"]
    if isinstance(age, bool) or not isinstance(age, int) or age < 0:
        mistyped.add("CORS_PREFLIGHT_MAX_AGE")
        problems.append(
            _type_problem(
                "CORS_PREFLIGHT_MAX_AGE",
                age,
                "expected whole seconds, 0 or more",
                "CORS_PREFLIGHT_MAX_AGE = 7200 (0 sends no Access-Control-Max-Age)",
            )
        )
    for setting in _LISTS:
        problem = _list_problem(names[setting], values[setting])
        if problem is not None:
            mistyped.add(setting)
            problems.append(problem)
    urls = values["CORS_URLS_REGEX"]
    if not isinstance(urls, str | re.Pattern) or (
        isinstance(urls, re.Pattern) and not isinstance(urls.pattern, str)
    ):
        mistyped.add("CORS_URLS_REGEX")
        problems.append(
            _type_problem(
                "CORS_URLS_REGEX",
                urls,
                "expected a regex (a string or compiled)",
                r'CORS_URLS_REGEX = r"^/api/"',
            )
        )

    # A mistyped CORS_ALLOW_CREDENTIALS is reported above; the origins are still checked, as
    # without credentials (the errors that only credentials cause come once it is fixed).
    credentials = values["CORS_ALLOW_CREDENTIALS"] is True
    for setting in ("CORS_ALLOWED_ORIGINS", "CORS_ALLOWED_ORIGIN_REGEXES"):
        if setting in mistyped:
            continue
        name = names[setting]
        entries = (
            _origin_entries(values[setting]) if setting == "CORS_ALLOWED_ORIGINS" else list(values[setting])
        )
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                compile_origins(entries, credentials=credentials, option=name)
        except WsgiCorsError as exc:
            problems.append(_from_core("error", INVALID_VALUE, str(exc), read_settings))
    if "CORS_ALLOWED_ORIGINS" not in mistyped:
        problems.extend(_regexes_in_origins(names["CORS_ALLOWED_ORIGINS"], values["CORS_ALLOWED_ORIGINS"]))
    if "CORS_URLS_REGEX" in read_settings.given and "CORS_URLS_REGEX" not in mistyped:
        try:
            pattern = _urls_pattern(urls)
        except re.error as exc:
            problems.append(
                Problem(
                    "error",
                    INVALID_VALUE,
                    "CORS_URLS_REGEX",
                    f"CORS_URLS_REGEX={urls!r}: not a valid regular expression ({exc})",
                    "correct the regex; e.g. r'^/api/' enables CORS for every path under /api/",
                )
            )
        else:
            problems.extend(_alone("resources", pattern, read_settings))
    for setting, option in _ALONE.items():
        if setting in mistyped:
            continue
        value = values[setting]
        if option == "max_age":
            value = value or None
        elif option == "expose_headers":
            value = list(value) or None
        else:
            value = list(value)
        problems.extend(_alone(option, value, read_settings))
    return problems


def _alone(option: str, value: object, read_settings: Settings) -> list[Problem]:
    """The core's verdict on one option by itself, pinned on the setting it came from."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # warnings wait for the whole configuration
            Policy.from_options({option: value})
    except WsgiCorsError as exc:
        return [_from_core("error", INVALID_VALUE, str(exc), read_settings)]
    return []


def _list_problem(name: str, value: object) -> Problem | None:
    # A string is iterable, but a string here is a mistake: django-cors-headers would read
    # "https://a.example" as a list of one-character origins.
    # An iterator (a generator) is empty once read, and settings are read more than once.
    if isinstance(value, str | bytes | Mapping | Iterator) or not isinstance(value, Iterable):
        example = f"[{value!r}]" if isinstance(value, str) else "['...']"
        return _type_problem(name, value, "expected a list or tuple", f"{name} = {example}")
    allowed: tuple[type, ...] = (
        (str, re.Pattern)
        if name in ("CORS_ALLOWED_ORIGIN_REGEXES", ALIASES["CORS_ALLOWED_ORIGIN_REGEXES"])
        else (str,)
    )
    for item in value:
        if not isinstance(item, allowed):
            kinds = "strings or compiled regexes" if len(allowed) > 1 else "strings"
            return _type_problem(
                name, value, f"every entry must be one of {kinds}, not {item!r}", f"list {kinds} only"
            )
    return None


def _regexes_in_origins(name: str, value: Iterable[str]) -> list[Problem]:
    """A regex among the exact origins: django-cors-headers compares it as text, so it never
    matched there, and the core would read it as a regex; either way its author meant
    ``CORS_ALLOWED_ORIGIN_REGEXES``. Wildcard hosts (``https://*.example.com``) are fine."""
    problems = []
    for entry in value:
        if entry == FILE_ORIGIN:
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                rules = compile_origins([entry], credentials=False, option=name)
        except WsgiCorsError:
            continue  # reported with the whole setting
        if rules.patterns and not is_host_wildcard(entry):
            problems.append(
                Problem(
                    "error",
                    REGEX_IN_ORIGINS,
                    name,
                    f"{name} entry {entry!r} is a regular expression, not an origin",
                    "move it to CORS_ALLOWED_ORIGIN_REGEXES (matched against the whole origin), or write "
                    "'https://*.example.com' for any subdomain",
                )
            )
    return problems


def unknown_settings(settings: object) -> list[Problem]:
    """``CORS_*`` settings nothing reads: a misspelling would otherwise leave the default on."""
    problems = []
    for name in sorted(dir(settings)):
        if not name.startswith("CORS_") or name in KNOWN:
            continue
        if name in RENAMED:
            hint = f"rename it to {RENAMED[name]} (the django-cors-headers name, which is read here)"
        elif name in FLASK_ONLY:
            hint = "remove it: a flask-cors option that django-cors-headers's settings have no equivalent for"
        elif name in REMOVED:
            hint = "remove it: django-cors-headers removed it too, and neither reads it"
        else:
            close = difflib.get_close_matches(name, sorted(KNOWN), n=1, cutoff=0.7)
            hint = f"did you mean {close[0]}?" if close else f"remove it, or use one of {', '.join(SETTINGS)}"
        problems.append(
            Problem("warning", UNKNOWN_SETTING, name, f"{name} is not a setting wsgi_cors.django reads", hint)
        )
    return problems


def _shadowed_aliases(settings: object) -> list[Problem]:
    problems = []
    for name, alias in ALIASES.items():
        if hasattr(settings, name) and hasattr(settings, alias):
            problems.append(
                Problem(
                    "warning",
                    ALIAS_SHADOWED,
                    alias,
                    f"both {name} and its old name {alias} are set; {alias} is ignored",
                    f"remove {alias}",
                )
            )
    return problems


def _type_problem(name: str, value: object, problem: str, example: str) -> Problem:
    return Problem("error", INVALID_TYPE, name, f"{name}={value!r}: {problem}", f"write {example}")


def _from_core(
    level: Literal["error", "warning"], check_id: str, text: str, read_settings: Settings
) -> Problem:
    """A core message (``option=value: problem. Fix: fix.``) in the project's setting names."""
    text = _reword(text, read_settings)
    names = read_settings.names
    named = [names[setting] for setting in SETTINGS if re.search(rf"\b{names[setting]}\b", text)]
    message, _, fix = text.partition(" Fix: ")
    return Problem(
        level, check_id, ", ".join(named), message.rstrip("."), fix.rstrip(".") or "see docs/django.md"
    )


def _reword(text: str, read_settings: Settings) -> str:
    """Name the settings where the core's message names its options (``origins=...``)."""
    values, names = read_settings.values, read_settings.names
    if values["CORS_ALLOW_ALL_ORIGINS"] is True:
        text = text.replace("origins='*'", f"{names['CORS_ALLOW_ALL_ORIGINS']}=True")
    for setting in ("CORS_ALLOWED_ORIGINS", "CORS_ALLOWED_ORIGIN_REGEXES"):
        entries = values[setting] if isinstance(values[setting], list | tuple) else ()
        for entry in entries:
            label = entry.pattern if isinstance(entry, re.Pattern) else entry
            text = text.replace(f"origins={label!r}", f"{names[setting]}={label!r}")
    for option, settings in _SOURCES.items():
        given = [names[setting] for setting in settings if setting in read_settings.given]
        replacement = "/".join(given or [names[setting] for setting in settings])
        text = re.sub(rf"(?<![\w.]){option}=", f"{replacement}=", text)
        text = re.sub(rf"\bfrom {option}\b", f"from {replacement}", text)
    # The core's fix names both spellings (keyword and variable); here they are one setting.
    return text.replace("CORS_DEBUG=False, CORS_DEBUG=false", "CORS_DEBUG=False")


#: Formats a problem for an exception or a log line.
def describe_problem(problem: Problem) -> str:
    return f"{problem.message}. Fix: {problem.hint} ({problem.id})"


class _Conf:
    """django-cors-headers's ``corsheaders.conf.conf``: each setting as the middleware reads
    it (the new name, else its old alias, else the default), for code that inspects them."""

    def __getattr__(self, name: str) -> Any:
        if name not in SETTINGS:
            raise AttributeError(name)
        from django.conf import settings  # here, so this module stays importable without Django

        return read(settings).values[name]


#: ``conf.CORS_ALLOWED_ORIGINS`` and the rest, read from ``django.conf.settings`` on access.
conf = _Conf()
