"""Differential tests: django-cors-headers and wsgi_cors.django over the same settings and requests.

Hypothesis draws a configuration from the settings a django-cors-headers user writes (origin
lists, regexes, allow-all, credentials, URL regex, methods, headers, max age, private network,
the old alias names) and a request (method, path, ``Origin`` allowed, look-alike, ``null`` or
oddly cased, a preflight's requested method and headers). Both middlewares answer it in the same
Django process, through the same view; the CORS-relevant parts of the answers (status, every
``Access-Control-*`` header, ``Vary``, and whether the view ran) must be equal, except where a
named deviation of :data:`DEVIATIONS` applies. Each deviation is a predicate on the case and the
change it makes to django-cors-headers's answer; each names the heading of
``docs/migrating-from-django-cors-headers.md`` that explains it. A case whose answers differ in a
way no applicable deviation explains fails, and a deviation that changes no generated answer
fails too (it would be a dead excuse).

Header lists (methods, header names) compare as sets of case-insensitive tokens, since their order
carries no meaning (``list-order``); ``Vary`` compares as a set of tokens as spelled. Django's
settings are the example project's (``tests/adapters/conftest.py``); each case states its
``CORS_*`` settings with ``override_settings``, every other ``CORS_*`` one removed. The tests at
the end pin the deviations the generated space does not reach (:data:`TARGETED`).
"""

from __future__ import annotations

import asyncio
import re
import warnings
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from corsheaders import checks as their_checks
from corsheaders import signals as corsheaders_signals
from corsheaders.defaults import default_headers, default_methods
from corsheaders.middleware import CorsMiddleware as TheirMiddleware
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory, override_settings
from django.utils.cache import patch_vary_headers
from hypothesis import example, given, note
from hypothesis import strategies as st

from wsgi_cors import CORSSecurityWarning
from wsgi_cors.django import CorsMiddleware as OurMiddleware
from wsgi_cors.django import checks as our_checks
from wsgi_cors.django import signals as ours_signals

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "migrating-from-django-cors-headers.md"


# --- the space of settings and requests -------------------------------------------------------

A = "https://a.example"
B = "https://b.example:8443"
LOCAL = "http://localhost:3000"
ORIGIN_POOL = (A, B, LOCAL, "null")
REGEX_POOL: tuple[str | re.Pattern[str], ...] = (
    r"^https://\w+\.example\.com$",  # anchored: one label
    r"^https://.*\.c\.example$",
    r"https://d\.example",  # unanchored: a prefix under re.match
    re.compile(r"^https://(www\.)?e\.example$"),
    r"^http://localhost:\d+$",
)
URL_REGEX_POOL: tuple[str | re.Pattern[str], ...] = (
    r"^/api/.*$",
    r"^/api/",  # a prefix: both read CORS_URLS_REGEX as re.match does
    re.compile(r"^/api(/.*)?$"),
    r"^.*$",
)
METHODS_POOL = (
    list(default_methods),
    ["GET", "POST"],
    ["GET", "OPTIONS", "PUT"],
    [*default_methods, "PURGE"],
)
HEADERS_POOL = (
    list(default_headers),
    ["content-type"],
    [*default_headers, "x-custom"],
    ["Content-Type", "Authorization"],
)
EXPOSE_POOL = ([], ["X-Total"], ["X-Total", "X-Id"])
MAX_AGE_POOL = (0, 600, 86400)

REQUESTED_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "patch", "PURGE", "")
REQUEST_ORIGINS = (
    A,
    B,
    LOCAL,
    "http://localhost:8080",
    "https://x.example.com",
    "https://x.c.example",
    "https://d.example",
    "https://e.example",
    "https://www.e.example",
    # look-alikes
    "https://a.example.evil.net",
    "https://evil.example",
    "https://d.example.evil.net",
    "https://x.example.com.evil.net",
    "http://localhost:3000.evil.net",
    "http://a.example",
    "https://b.example",
    # odd spellings, paths, ports
    "https://A.EXAMPLE",
    "HTTPS://a.example",
    "https://X.Example.com",
    "https://a.example/",
    "https://a.example:443",
    "https://user@a.example",
    "https://a.example\t",
    "https://a.example, https://evil.example",
    # null and garbage
    "null",
    "https://[::1",
    "",
)


def origin_settings() -> st.SearchStrategy[dict[str, Any]]:
    def build(origins: list[str], regexes: list[Any], allow_all: bool, old_names: bool) -> dict[str, Any]:
        chosen: dict[str, Any] = {}
        if origins:
            chosen["CORS_ORIGIN_WHITELIST" if old_names else "CORS_ALLOWED_ORIGINS"] = origins
        if regexes:
            chosen["CORS_ORIGIN_REGEX_WHITELIST" if old_names else "CORS_ALLOWED_ORIGIN_REGEXES"] = regexes
        if allow_all:
            chosen["CORS_ORIGIN_ALLOW_ALL" if old_names else "CORS_ALLOW_ALL_ORIGINS"] = True
        return chosen

    return st.builds(
        build,
        st.lists(st.sampled_from(ORIGIN_POOL), unique=True, max_size=3),
        st.lists(st.sampled_from(REGEX_POOL), unique=True, max_size=2),
        st.booleans(),
        st.booleans(),
    )


def optional(name: str, values: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(st.just({}), values.map(lambda value: {name: value}))


@st.composite
def cors_settings(draw: st.DrawFn) -> dict[str, Any]:
    chosen = draw(origin_settings())
    for name, values in (
        ("CORS_URLS_REGEX", st.sampled_from(URL_REGEX_POOL)),
        ("CORS_ALLOW_METHODS", st.sampled_from(METHODS_POOL)),
        ("CORS_ALLOW_HEADERS", st.sampled_from(HEADERS_POOL)),
        ("CORS_EXPOSE_HEADERS", st.sampled_from(EXPOSE_POOL)),
        ("CORS_PREFLIGHT_MAX_AGE", st.sampled_from(MAX_AGE_POOL)),
        ("CORS_ALLOW_CREDENTIALS", st.booleans()),
        ("CORS_ALLOW_PRIVATE_NETWORK", st.booleans()),
    ):
        chosen |= draw(optional(name, values))
    return chosen


@dataclass(frozen=True)
class Req:
    method: str
    path: str
    origin: str | None
    acrm: str | None = None
    acrh: str | None = None
    acrpn: str | None = None

    @property
    def headers(self) -> dict[str, str]:
        given = {
            "Origin": self.origin,
            "Access-Control-Request-Method": self.acrm,
            "Access-Control-Request-Headers": self.acrh,
            "Access-Control-Request-Private-Network": self.acrpn,
        }
        return {name: value for name, value in given.items() if value is not None}


@st.composite
def requests(draw: st.DrawFn) -> Req:
    method = draw(st.sampled_from(("OPTIONS", "OPTIONS", "OPTIONS", "GET", "POST", "PUT", "DELETE", "HEAD")))
    preflight = method == "OPTIONS" and draw(st.integers(0, 4)) > 0
    return Req(
        method=method,
        path=draw(st.sampled_from(("/api/items", "/api/items", "/api", "/apiary", "/public"))),
        origin=draw(st.one_of(st.none(), st.sampled_from(REQUEST_ORIGINS))),
        acrm=draw(st.sampled_from(("GET", "POST", "PUT", "PATCH", "patch", "PURGE", "")))
        if preflight
        else None,
        acrh=draw(
            st.sampled_from(
                (None, "content-type", "x-custom", "authorization,content-type", "X-CSRFToken", "x-other")
            )
        )
        if preflight
        else None,
        acrpn=draw(st.sampled_from((None, None, "true"))),
    )


# --- running one middleware -------------------------------------------------------------------

LIST_HEADERS = frozenset(
    {"access-control-allow-methods", "access-control-allow-headers", "access-control-expose-headers", "vary"}
)
APP_STATUS = 203  # the view's own status: tells its answer from a middleware's preflight answer


@dataclass(frozen=True)
class Answer:
    """The CORS-relevant part of a response: lists as sets of lower-cased tokens."""

    status: int
    headers: Mapping[str, Any]
    view_ran: bool

    def without(self, *names: str) -> Answer:
        return replace(self, headers={k: v for k, v in self.headers.items() if k not in names})

    def having(self, **headers: Any) -> Answer:
        merged = dict(self.headers)
        for key, value in headers.items():
            name = key.replace("_", "-")
            if value is None:
                merged.pop(name, None)
            else:
                merged[name] = value
        return replace(self, headers=merged)

    def __str__(self) -> str:
        shown = {k: sorted(v) if isinstance(v, frozenset) else v for k, v in sorted(self.headers.items())}
        return f"{self.status} view_ran={self.view_ran} {shown}"


def tokens(value: str, lower: bool = True) -> frozenset[str]:
    return frozenset(t.strip().lower() if lower else t.strip() for t in value.split(",") if t.strip())


def normalise(response: HttpResponse, view_ran: bool) -> Answer:
    headers: dict[str, Any] = {}
    for name, value in response.headers.items():
        lower = name.lower()
        if lower.startswith("access-control-") or lower == "vary":
            # Vary as spelled (`vary-spelling`); the other lists' names compare case-insensitively.
            headers[lower] = tokens(value, lower != "vary") if lower in LIST_HEADERS else value
    return Answer(response.status_code, headers, view_ran)


@dataclass
class View:
    """The application behind the middleware: a fixed answer, optionally with its own Vary."""

    vary: bool
    calls: int = 0

    def respond(self) -> HttpResponse:
        self.calls += 1
        response = HttpResponse("the view's body", status=APP_STATUS)
        if self.vary:
            patch_vary_headers(response, ["Accept-Language"])
        return response

    def sync(self, request: HttpRequest) -> HttpResponse:
        return self.respond()

    async def asynchronous(self, request: HttpRequest) -> HttpResponse:
        return self.respond()


@contextmanager
def cors_settings_only(chosen: Mapping[str, Any]) -> Iterator[None]:
    """Exactly the chosen CORS_* settings: the base settings' own are removed first."""
    with override_settings(**chosen):
        for name in dir(settings):
            if name.startswith("CORS_") and name not in chosen:
                delattr(settings, name)
        yield


def _public_paths(sender: object, request: HttpRequest, **kwargs: object) -> bool:
    return request.path.startswith("/public")


def _everything(sender: object, request: HttpRequest, **kwargs: object) -> bool:
    return True


def _nothing(sender: object, request: HttpRequest, **kwargs: object) -> bool:
    return False


#: ``check_request_enabled`` receivers a case may connect (to each side's own signal).
RECEIVERS: dict[str, Callable[..., bool]] = {
    "public-paths": _public_paths,
    "everything": _everything,
    "nothing": _nothing,
}


@contextmanager
def connected(middleware_class: Any, receiver: str | None) -> Iterator[None]:
    if receiver is None:
        yield
        return
    signal = (
        corsheaders_signals.check_request_enabled
        if middleware_class is TheirMiddleware
        else ours_signals.check_request_enabled
    )
    signal.connect(RECEIVERS[receiver])
    try:
        yield
    finally:
        signal.disconnect(RECEIVERS[receiver])


def run(
    middleware_class: Any,
    chosen: Mapping[str, Any],
    request: Req,
    vary: bool,
    mode: str,
    receiver: str | None = None,
) -> Answer:
    view = View(vary)
    factory = RequestFactory()
    headers = dict(request.headers)
    with cors_settings_only(chosen), connected(middleware_class, receiver), warnings.catch_warnings():
        warnings.simplefilter("ignore", CORSSecurityWarning)  # asserted in targeted tests
        if mode == "async":
            middleware = middleware_class(view.asynchronous)
            django_request = factory.generic(request.method, request.path, headers=headers)
            response = asyncio.run(middleware(django_request))
        else:
            middleware = middleware_class(view.sync)
            response = middleware(factory.generic(request.method, request.path, headers=headers))
    return normalise(response, view.calls > 0)


# --- the case, as each side reads it ---------------------------------------------------------

GRANT_HEADERS = (
    "access-control-allow-origin",
    "access-control-allow-credentials",
    "access-control-allow-methods",
    "access-control-allow-headers",
    "access-control-expose-headers",
    "access-control-max-age",
    "access-control-allow-private-network",
)
PREFLIGHT_ONLY = ("access-control-allow-methods", "access-control-allow-headers", "access-control-max-age")
UNSAFE_IN_ORIGIN = frozenset("\t\r\n\0 ,")
SAFELISTED_METHODS = frozenset({"GET", "HEAD", "POST"})


@dataclass(frozen=True)
class Case:
    chosen: Mapping[str, Any]
    request: Req
    vary: bool
    mode: str
    receiver: str | None = None

    def setting(self, name: str, default: Any, old: str | None = None) -> Any:
        if name in self.chosen:
            return self.chosen[name]
        return self.chosen.get(old, default) if old else default

    @property
    def origins(self) -> list[str]:
        return list(self.setting("CORS_ALLOWED_ORIGINS", (), "CORS_ORIGIN_WHITELIST"))

    @property
    def regexes(self) -> list[Any]:
        return list(self.setting("CORS_ALLOWED_ORIGIN_REGEXES", (), "CORS_ORIGIN_REGEX_WHITELIST"))

    @property
    def allow_all(self) -> bool:
        return bool(self.setting("CORS_ALLOW_ALL_ORIGINS", False, "CORS_ORIGIN_ALLOW_ALL"))

    @property
    def credentials(self) -> bool:
        return bool(self.setting("CORS_ALLOW_CREDENTIALS", False))

    @property
    def methods(self) -> frozenset[str]:
        return frozenset(m.upper() for m in self.setting("CORS_ALLOW_METHODS", default_methods))

    @property
    def allow_headers(self) -> frozenset[str]:
        return frozenset(h.lower() for h in self.setting("CORS_ALLOW_HEADERS", default_headers))

    @property
    def private_network(self) -> bool:
        return bool(self.setting("CORS_ALLOW_PRIVATE_NETWORK", False))

    @property
    def covered(self) -> bool:
        """Both read ``CORS_URLS_REGEX`` as ``re.match`` does: a prefix of the path is enough."""
        return re.match(self.setting("CORS_URLS_REGEX", r"^.*$"), self.request.path) is not None

    @property
    def receiver_yes(self) -> bool:
        """Whether the connected receiver enables this request."""
        if self.receiver is None:
            return False
        return bool(RECEIVERS[self.receiver](None, RequestFactory().get(self.request.path)))

    @property
    def cors_applies(self) -> bool:
        """The settings cover the path, or the receiver enables it (django-cors-headers's
        ``is_enabled``; ours asks the receiver when the settings would not grant)."""
        return self.covered or self.receiver_yes

    @property
    def origin(self) -> str | None:
        return self.request.origin

    @property
    def is_preflight(self) -> bool:
        """django-cors-headers's reading: OPTIONS with Access-Control-Request-Method."""
        return self.request.method == "OPTIONS" and self.request.acrm is not None

    @property
    def requested_headers(self) -> list[str]:
        return [name.strip().lower() for name in (self.request.acrh or "").split(",") if name.strip()]

    # What wsgi_cors makes of the Origin (the rules of docs/how-it-decides.md).
    def unsafe_origin(self) -> bool:
        origin = self.origin or ""
        return bool(UNSAFE_IN_ORIGIN & set(origin)) or not origin.isascii()

    def listed_exactly(self) -> bool:
        return (self.origin or "").lower() in {listed.lower() for listed in self.origins}

    def regex_fullmatch(self) -> bool:
        origin = (self.origin or "").lower()
        return any(re.fullmatch(pattern, origin) for pattern in self.regexes)

    def regex_prefix_only(self) -> bool:
        origin = self.origin or ""
        return any(re.match(p, origin) for p in self.regexes) and not self.regex_fullmatch()

    def our_origin_ok(self) -> bool:
        origin = self.origin
        if origin is None:
            return False
        if self.allow_all and not self.credentials:
            return True  # '*', even to an empty Origin: nothing of it is sent back
        if not origin or self.unsafe_origin():
            return False  # never reflected
        if self.allow_all:  # reflected for credentials, 'null' only if listed
            return origin != "null" or "null" in self.origins
        if self.listed_exactly() or self.regex_fullmatch():
            return True
        # A receiver's yes grants any origin the settings could reflect, never 'null' with credentials.
        return self.receiver_yes and not (self.credentials and origin == "null")


# --- the deviations ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Deviation:
    """A documented difference: when it applies, and how it turns their answer into ours.

    ``id`` is the tag of its heading in docs/migrating-from-django-cors-headers.md.
    """

    id: str
    applies: Callable[[Case, Answer], bool]
    change: Callable[[Case, Answer], Answer]


def _granted(answer: Answer) -> bool:
    return "access-control-allow-origin" in answer.headers


def _refuse(case: Case, theirs: Answer) -> Answer:
    return theirs.without(*GRANT_HEADERS)


def _grant(case: Case, theirs: Answer) -> Answer:
    """Their answer had they granted the origin: asked again with a spelling they accept."""
    stand_in = (case.origin or "").lower() if not case.allow_all else "https://stand-in.example"
    request = replace(case.request, origin=stand_in)
    granted = run(TheirMiddleware, case.chosen, request, case.vary, case.mode, case.receiver)
    if granted.headers.get("access-control-allow-origin") != "*":
        granted = granted.having(access_control_allow_origin=case.origin)
    return granted


def _view_answer(case: Case, theirs: Answer) -> Answer:
    vary = frozenset({"Origin", *(["Accept-Language"] if case.vary else [])})
    return Answer(APP_STATUS, {"vary": vary}, view_ran=True)


def _preflight_refused(case: Case) -> bool:
    acrm = case.request.acrm or ""
    return acrm.upper() not in case.methods or not set(case.requested_headers) <= case.allow_headers


def _safelisted_unlisted(case: Case) -> bool:
    acrm = case.request.acrm or ""
    return acrm in SAFELISTED_METHODS and acrm not in case.methods


def _echo_requested(case: Case, theirs: Answer) -> Answer:
    return theirs.having(access_control_allow_headers=frozenset(case.requested_headers) or None)


def _default_max_age(case: Case, theirs: Answer) -> Answer:
    return theirs.having(access_control_max_age="7200")


def _preflight_vary(case: Case, theirs: Answer) -> Answer:
    vary = {"Origin", "Access-Control-Request-Method", "Access-Control-Request-Headers"}
    if case.private_network:
        vary.add("Access-Control-Request-Private-Network")
    return theirs.having(vary=frozenset(vary))


def _origin_present(case: Case) -> bool:
    return case.cors_applies and case.origin is not None


def _granted_preflight(case: Case, answer: Answer) -> bool:
    return _origin_present(case) and case.is_preflight and _granted(answer)


def _vary_spelling(case: Case, theirs: Answer) -> Answer:
    vary = theirs.headers["vary"]
    return theirs.having(vary=frozenset("Origin" if token == "origin" else token for token in vary))


#: In order: each sees the answer the ones before it made.
DEVIATIONS: tuple[Deviation, ...] = (
    # While a receiver is connected, a path it does not enable still varies on Origin.
    Deviation(
        "signal-vary",
        lambda case, theirs: case.receiver is not None and not case.cors_applies,
        _view_answer,
    ),
    # OPTIONS with Access-Control-Request-Method but no Origin is no preflight: the view answers.
    Deviation(
        "preflight-without-origin",
        lambda case, theirs: case.cors_applies and case.is_preflight and case.origin is None,
        _view_answer,
    ),
    # Origins: which ones each grants.
    Deviation(
        "regex-fullmatch",
        lambda case, theirs: (
            _origin_present(case)
            and _granted(theirs)
            and not case.allow_all
            and case.regex_prefix_only()
            and not case.our_origin_ok()
        ),
        _refuse,
    ),
    Deviation(
        "unsafe-origin",
        lambda case, theirs: (
            _origin_present(case) and _granted(theirs) and case.unsafe_origin() and not case.our_origin_ok()
        ),
        _refuse,
    ),
    Deviation(
        "exact-origin",  # the whole serialised origin, not the scheme and host of any URL
        lambda case, theirs: (
            _origin_present(case) and _granted(theirs) and not case.allow_all and not case.our_origin_ok()
        ),
        _refuse,
    ),
    Deviation(
        "null-origin",
        lambda case, theirs: (
            _origin_present(case) and _granted(theirs) and case.origin == "null" and not case.our_origin_ok()
        ),
        _refuse,
    ),
    Deviation(
        "origin-case",
        lambda case, theirs: (
            _origin_present(case) and not _granted(theirs) and not case.allow_all and case.our_origin_ok()
        ),
        _grant,
    ),
    Deviation(
        "allow-all-any-origin",  # even an Origin django-cors-headers cannot parse as a URL
        lambda case, theirs: (
            _origin_present(case) and not _granted(theirs) and case.allow_all and case.our_origin_ok()
        ),
        _grant,
    ),
    # Preflights.
    Deviation(
        "preflight-safelisted-method",  # GET, HEAD, POST: browsers pass them, we want them listed
        lambda case, theirs: _granted_preflight(case, theirs) and _safelisted_unlisted(case),
        _refuse,
    ),
    Deviation(
        "preflight-checks-request",
        lambda case, theirs: _granted_preflight(case, theirs) and _preflight_refused(case),
        _refuse,
    ),
    Deviation("allow-headers-requested", _granted_preflight, _echo_requested),
    Deviation(
        "no-expose-on-preflight",
        _granted_preflight,
        lambda case, theirs: theirs.without("access-control-expose-headers"),
    ),
    Deviation(
        "default-max-age",
        lambda case, theirs: _granted_preflight(case, theirs) and "CORS_PREFLIGHT_MAX_AGE" not in case.chosen,
        _default_max_age,
    ),
    Deviation(
        "vary-preflight",
        lambda case, theirs: _origin_present(case) and case.is_preflight,
        _preflight_vary,
    ),
    # Other requests.
    Deviation(
        "plain-options",  # OPTIONS without Access-Control-Request-Method: no preflight headers
        lambda case, theirs: (
            _origin_present(case) and case.request.method == "OPTIONS" and not case.is_preflight
        ),
        lambda case, theirs: theirs.without(*PREFLIGHT_ONLY),
    ),
    Deviation(
        "private-network",  # only on granted preflights
        lambda case, theirs: _origin_present(case) and not case.is_preflight,
        lambda case, theirs: theirs.without("access-control-allow-private-network"),
    ),
    Deviation(
        "vary-spelling", lambda case, theirs: "origin" in theirs.headers.get("vary", ()), _vary_spelling
    ),
)


DEVIATION_IDS = tuple(deviation.id for deviation in DEVIATIONS)
SEEN: set[str] = set()


def expected_answer(case: Case, theirs: Answer) -> tuple[Answer, list[str]]:
    """Their answer, changed by every deviation that applies: what ours must be."""
    applied = []
    expected = theirs
    for deviation in DEVIATIONS:
        if deviation.applies(case, expected):
            changed = deviation.change(case, expected)
            if changed != expected:
                applied.append(deviation.id)
            expected = changed
    return expected, applied


#: The cases the rarer deviations exist for, run whatever the generator draws.
RARE_CASES: tuple[tuple[dict[str, Any], Req, str | None], ...] = (
    (
        {"CORS_ALLOWED_ORIGIN_REGEXES": [r"https://d\.example"]},
        Req("GET", "/api/items", "https://d.example.evil.net"),
        None,
    ),
    ({"CORS_ALLOWED_ORIGINS": [A]}, Req("GET", "/api/items", "https://a.example\t"), None),
    ({"CORS_ALLOWED_ORIGINS": [A]}, Req("GET", "/api/items", "https://a.example/"), None),
    ({"CORS_ALLOWED_ORIGINS": [A]}, Req("GET", "/api/items", "https://A.EXAMPLE"), None),
    ({"CORS_ALLOW_ALL_ORIGINS": True}, Req("GET", "/api/items", "https://[::1"), None),
    (
        {"CORS_ALLOW_ALL_ORIGINS": True, "CORS_ALLOW_CREDENTIALS": True},
        Req("GET", "/api/items", "null"),
        None,
    ),
    (  # listed: trusted beside CORS_ALLOW_ALL_ORIGINS, as django-cors-headers does
        {"CORS_ALLOW_ALL_ORIGINS": True, "CORS_ALLOW_CREDENTIALS": True, "CORS_ALLOWED_ORIGINS": ["null"]},
        Req("GET", "/api/items", "null"),
        None,
    ),
    ({"CORS_ALLOWED_ORIGINS": [A]}, Req("OPTIONS", "/api/items", A, "HEAD", "authorization"), None),
    (
        {"CORS_ALLOWED_ORIGINS": [A], "CORS_EXPOSE_HEADERS": ["X-Total"]},
        Req("OPTIONS", "/api/items", A, "PUT", "content-type"),
        None,
    ),
    (
        {"CORS_ALLOWED_ORIGINS": [A], "CORS_URLS_REGEX": r"^/api/"},
        Req("OPTIONS", "/public", B, "PUT"),
        "public-paths",
    ),
)


def with_rare_cases(test: Callable[..., None]) -> Callable[..., None]:
    for chosen, request, receiver in reversed(RARE_CASES):
        test = example(chosen=chosen, request=request, vary=False, mode="sync", receiver=receiver)(test)
    return test


@with_rare_cases
@given(
    chosen=cors_settings(),
    request=requests(),
    vary=st.booleans(),
    mode=st.sampled_from(("sync", "sync", "async")),
    receiver=st.sampled_from((None, None, None, *RECEIVERS)),
)
def test_same_answers_as_django_cors_headers_except_named_deviations(
    chosen: dict[str, Any], request: Req, vary: bool, mode: str, receiver: str | None
) -> None:
    case = Case(chosen, request, vary, mode, receiver)
    theirs = run(TheirMiddleware, chosen, request, vary, mode, receiver)
    ours = run(OurMiddleware, chosen, request, vary, mode, receiver)
    expected, applied = expected_answer(case, theirs)
    note(f"theirs   {theirs}\nours     {ours}\nexpected {expected} (deviations: {applied})")
    SEEN.update(applied)
    assert ours == expected


def test_every_deviation_changes_some_generated_answer() -> None:
    """No deviation is a dead excuse: each one turns some generated answer of theirs into ours."""
    if set(DEVIATION_IDS) != SEEN:
        test_same_answers_as_django_cors_headers_except_named_deviations()
    assert sorted(set(DEVIATION_IDS) - SEEN) == []


def test_every_deviation_has_its_heading_in_the_migration_guide() -> None:
    guide = GUIDE.read_text(encoding="utf-8")
    headings = [line for line in guide.splitlines() if line.startswith("### ")]
    for deviation in {*DEVIATION_IDS, *TARGETED, "list-order"}:
        assert any(f"(`{deviation}`)" in heading for heading in headings), deviation


# --- targeted: what the generated space does not reach -------------------------------------------

#: The guide headings the tests below pin, beside those of :data:`DEVIATIONS`.
TARGETED = (
    "check-ids",
    "unknown-settings",
    "view-allow-origin-wins",
    "host-wildcard",
    "regex-in-allowed-origins",
    "strict-settings",
    "signal-vary",
    "preflight-body",
)


def both(
    chosen: Mapping[str, Any], request: Req, view: Callable[[HttpRequest], HttpResponse]
) -> list[HttpResponse]:
    """Theirs and ours, each around ``view``."""
    answers = []
    factory = RequestFactory()
    with cors_settings_only(chosen), warnings.catch_warnings():
        warnings.simplefilter("ignore", CORSSecurityWarning)
        for middleware_class in (TheirMiddleware, OurMiddleware):
            answers.append(
                middleware_class(view)(factory.generic(request.method, request.path, headers=request.headers))
            )
    return answers


def plain_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("the view's body", status=APP_STATUS)


def test_the_views_own_allow_origin_wins() -> None:
    def partner_view(request: HttpRequest) -> HttpResponse:
        response = HttpResponse("partner data")
        response["Access-Control-Allow-Origin"] = "https://partner.example"
        return response

    theirs, ours = both({"CORS_ALLOWED_ORIGINS": [A]}, Req("GET", "/api/items", A), partner_view)
    assert theirs["Access-Control-Allow-Origin"] == A
    assert ours["Access-Control-Allow-Origin"] == "https://partner.example"


def test_a_wildcard_host_entry_means_its_subdomains() -> None:
    chosen = {"CORS_ALLOWED_ORIGINS": ["https://*.example.com"]}
    for origin, granted in (("https://app.example.com", True), ("https://example.com", False)):
        theirs, ours = both(chosen, Req("GET", "/api/items", origin), plain_view)
        assert "Access-Control-Allow-Origin" not in theirs
        assert ours.get("Access-Control-Allow-Origin") == (origin if granted else None)


@pytest.mark.parametrize(
    ("chosen", "named"),
    [
        ({"CORS_ALLOWED_ORIGINS": [r"https://\w+\.example\.com"]}, "CORS_ALLOWED_ORIGINS"),  # a regex
        ({"CORS_ALLOWED_ORIGINS": A}, "CORS_ALLOWED_ORIGINS"),  # a string, read letter by letter
        ({"CORS_ALLOWED_ORIGINS": ["https://a.example/"]}, "CORS_ALLOWED_ORIGINS"),
        ({"CORS_PREFLIGHT_MAX_AGE": "600"}, "CORS_PREFLIGHT_MAX_AGE"),
        ({"CORS_ALLOW_CREDENTIALS": "yes"}, "CORS_ALLOW_CREDENTIALS"),
    ],
)
def test_settings_django_cors_headers_runs_with_stop_start_up(chosen: dict[str, Any], named: str) -> None:
    with cors_settings_only(chosen):
        response = TheirMiddleware(plain_view)(RequestFactory().get("/api/items", headers={"Origin": A}))
        assert response.status_code == APP_STATUS
        with pytest.raises(ImproperlyConfigured, match=named):
            OurMiddleware(plain_view)


def test_a_connected_receiver_makes_every_answer_vary_on_origin() -> None:
    def enable_partner_paths(sender: object, request: HttpRequest, **kwargs: object) -> bool:
        return request.path.startswith("/partner/")

    their_signal, our_signal = corsheaders_signals.check_request_enabled, ours_signals.check_request_enabled
    their_signal.connect(enable_partner_paths)
    our_signal.connect(enable_partner_paths)
    try:
        chosen = {"CORS_ALLOWED_ORIGINS": [A], "CORS_URLS_REGEX": r"^/api/"}
        theirs, ours = both(chosen, Req("GET", "/partner/items", "https://partner.example"), plain_view)
        assert (
            theirs["Access-Control-Allow-Origin"]
            == ours["Access-Control-Allow-Origin"]
            == "https://partner.example"
        )
        theirs, ours = both(chosen, Req("GET", "/public", "https://partner.example"), plain_view)
        assert "Access-Control-Allow-Origin" not in theirs
        assert "Access-Control-Allow-Origin" not in ours
        assert "Vary" not in theirs
        assert ours["Vary"] == "Origin"
    finally:
        their_signal.disconnect(enable_partner_paths)
        our_signal.disconnect(enable_partner_paths)


def test_the_preflight_answer_is_empty_text() -> None:
    preflight = Req("OPTIONS", "/api/items", A, "GET")
    theirs, ours = both({"CORS_ALLOWED_ORIGINS": [A]}, preflight, plain_view)
    assert (theirs.status_code, theirs.content, theirs["Content-Type"]) == (
        200,
        b"",
        "text/html; charset=utf-8",
    )
    assert (ours.status_code, ours.content, ours["Content-Type"]) == (200, b"", "text/plain; charset=utf-8")


def test_a_new_setting_name_wins_over_its_old_alias_in_both() -> None:
    chosen = {"CORS_ALLOWED_ORIGINS": [A], "CORS_ORIGIN_WHITELIST": [B]}
    for origin, granted in ((A, A), (B, None)):
        theirs, ours = both(chosen, Req("GET", "/api/items", origin), plain_view)
        assert theirs.get("Access-Control-Allow-Origin") == ours.get("Access-Control-Allow-Origin") == granted


# --- system checks: the same settings refused, under other ids (`check-ids`) -------------------

CHECKED_SETTINGS: list[dict[str, Any]] = [
    {"CORS_ALLOW_HEADERS": object},
    {"CORS_ALLOW_HEADERS": [object]},
    {"CORS_ALLOW_METHODS": object},
    {"CORS_ALLOW_METHODS": [object]},
    {"CORS_ALLOW_CREDENTIALS": object},
    {"CORS_ALLOW_PRIVATE_NETWORK": object},
    {"CORS_PREFLIGHT_MAX_AGE": "10"},
    {"CORS_PREFLIGHT_MAX_AGE": -1},
    {"CORS_ALLOW_ALL_ORIGINS": object},
    {"CORS_ORIGIN_ALLOW_ALL": object},
    {"CORS_ALLOWED_ORIGINS": object},
    {"CORS_ALLOWED_ORIGINS": [object]},
    {"CORS_ORIGIN_WHITELIST": object},
    {"CORS_ALLOWED_ORIGINS": ["example.com"]},
    {"CORS_ORIGIN_WHITELIST": ["example.com"]},
    {"CORS_ALLOWED_ORIGINS": ["https://"]},
    {"CORS_ALLOWED_ORIGINS": ["https://example.com/foobar"]},
    {"CORS_ORIGIN_WHITELIST": ["https://example.com/foobar"]},
    {"CORS_ALLOWED_ORIGIN_REGEXES": object},
    {"CORS_ORIGIN_REGEX_WHITELIST": object},
    {"CORS_EXPOSE_HEADERS": object},
    {"CORS_EXPOSE_HEADERS": [object]},
    {"CORS_URLS_REGEX": object},
]


def levels(messages: list[Any]) -> list[str]:
    return ["error" if message.is_serious() else "warning" for message in messages]


@pytest.mark.parametrize("chosen", CHECKED_SETTINGS, ids=lambda chosen: repr(chosen)[:60])
def test_our_checks_refuse_what_theirs_refuse(chosen: dict[str, Any]) -> None:
    with cors_settings_only(chosen):
        assert levels(their_checks.check_settings()) == ["error"]
        ours = our_checks.check_settings()
    assert "error" in levels(ours)
    assert all(message.id.startswith("wsgi_cors.") for message in ours)


@pytest.mark.parametrize("removed", ["CORS_MODEL", "CORS_REPLACE_HTTPS_REFERER"])
def test_removed_settings_are_warnings_not_errors(removed: str) -> None:
    with cors_settings_only({removed: "something"}):
        assert levels(their_checks.check_settings()) == ["error"]
        assert [(m.id, m.is_serious()) for m in our_checks.check_settings()] == [("wsgi_cors.W002", False)]


@pytest.mark.parametrize(
    "chosen",
    [
        {},
        {"CORS_ALLOWED_ORIGINS": ["https://example.com", "file://", "null"]},
        {"CORS_ALLOWED_ORIGIN_REGEXES": [re.compile(r"https://a\.example")]},
    ],
)
def test_settings_both_checks_accept(chosen: dict[str, Any]) -> None:
    with cors_settings_only(chosen):
        assert their_checks.check_settings() == []
        assert our_checks.check_settings() == []
