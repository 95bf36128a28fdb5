"""Policy: the CORS decision, with no WSGI and no framework in it.

Given the request facts (path, method, ``Origin`` and the preflight request headers) the
policy says what to do. Every adapter asks this one place, so the middleware, the Flask
adapter and the command-line tools can never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import Enum
from typing import Any, NamedTuple

from . import debug as debug_header
from . import guards
from .errors import ErrorCollector
from .fetch import (
    MAX_ORIGIN_LENGTH,
    SAFELISTED_METHODS,
    TOKEN,
    TOKEN_LIST,
    echoable_origin,
    routed_path,
    wsgi_path_info,
    wsgi_path_text,
)
from .options import OPTION_NAMES, Options, check_option_names, debug_flag
from .resources import Resource, compile_resources, every_path, join_paths

Headers = tuple[tuple[str, str], ...]

ALLOW_ORIGIN = "Access-Control-Allow-Origin"
ALLOW_CREDENTIALS = "Access-Control-Allow-Credentials"
ALLOW_METHODS = "Access-Control-Allow-Methods"
ALLOW_HEADERS = "Access-Control-Allow-Headers"
EXPOSE_HEADERS = "Access-Control-Expose-Headers"
MAX_AGE = "Access-Control-Max-Age"
ALLOW_PRIVATE_NETWORK = "Access-Control-Allow-Private-Network"

# The request facts, named as CGI (RFC 3875) and so WSGI name them: a WSGI environ is a
# mapping of request facts as it is, and the tools build a small one with request_facts().
METHOD = "REQUEST_METHOD"
PATH = "PATH_INFO"
ORIGIN = "HTTP_ORIGIN"
REQUEST_METHOD = "HTTP_ACCESS_CONTROL_REQUEST_METHOD"
REQUEST_HEADERS = "HTTP_ACCESS_CONTROL_REQUEST_HEADERS"
REQUEST_PRIVATE_NETWORK = "HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK"

# Real browsers request a few dozen headers at most; anything longer is refused unparsed,
# so a megabyte of commas costs a length check, not a split.
MAX_REQUEST_HEADERS_LENGTH = 8192

#: Decisions a resource learns before it starts over (see :class:`ResourcePolicy`).
CACHE_SIZE = 1024
# A preflight whose origin, method and requested headers together are longer than this is
# decided afresh each time: a thousand keys of a few hundred characters stay small.
MAX_CACHED_PREFLIGHT_KEY = 512
# A longer PATH_INFO is matched afresh each time, so the path cache stays small too.
MAX_CACHED_PATH = 256
# What the path cache returns for a path it has not seen (None is a cached "no resource").
_UNSEEN: Any = object()


class Kind(Enum):
    """What the request is, for CORS."""

    NO_ORIGIN = "no-origin"  # same-origin, or not from a browser
    ACTUAL = "actual"  # a cross-origin request, answered by the application
    PREFLIGHT = "preflight"  # OPTIONS with Origin and Access-Control-Request-Method


class Refusal(Enum):
    """Why a request gets no grant; ``Decision.detail`` names the method or header."""

    ORIGIN_MALFORMED = "origin-malformed"  # could damage the response or a log: never echoed
    ORIGIN_TOO_LONG = "origin-too-long"  # longer than any browser sends: never examined
    ORIGIN_REFUSED = "origin-refused"  # well formed, but no rule grants it
    METHOD_MALFORMED = "method-malformed"  # Access-Control-Request-Method is not a token
    METHOD_REFUSED = "method-refused"  # not in ``methods``
    HEADERS_TOO_LONG = "headers-too-long"  # Access-Control-Request-Headers over the limit
    HEADER_MALFORMED = "header-malformed"  # a requested header name is not a token
    HEADER_REFUSED = "header-refused"  # not in ``allow_headers``


_REFUSAL_TEXT = {
    Refusal.ORIGIN_MALFORMED: "Origin holds a control character, a space, a comma or non-ASCII text",
    Refusal.ORIGIN_TOO_LONG: f"Origin is longer than {MAX_ORIGIN_LENGTH} characters",
    Refusal.ORIGIN_REFUSED: "origin not allowed",
    Refusal.METHOD_MALFORMED: "Access-Control-Request-Method is not a method token",
    Refusal.METHOD_REFUSED: "method {detail!r} not in methods",
    Refusal.HEADERS_TOO_LONG: f"Access-Control-Request-Headers is longer than {MAX_REQUEST_HEADERS_LENGTH}",
    Refusal.HEADER_MALFORMED: "a requested header name is not a token",
    Refusal.HEADER_REFUSED: "header {detail!r} not in allow_headers",
}


class _DecisionFields(NamedTuple):
    answer: bool
    headers: Headers
    vary: str | None
    granted: bool
    kind: Kind
    refusal: Refusal | None = None
    detail: str | None = None
    appended: Headers = ()


class Decision(_DecisionFields):
    """What to do with one request: structured data, read by fields, never parsed back.

    ``answer``: reply here, without calling the application (a preflight). ``headers``: the
    CORS headers to send. ``vary``: request headers the answer depends on, merged into
    ``Vary``. ``granted``: whether a browser may read the answer. ``refusal`` and ``detail``:
    why not (``None`` on a grant). ``appended``: ``headers`` and then ``Vary``, what the
    middleware appends to a response that sets none of these names itself; it is made from
    ``headers`` and ``vary`` whenever a decision is made (a value passed for it is ignored),
    so it cannot disagree with them.
    """

    __slots__ = ()

    def __new__(
        cls,
        answer: bool,
        headers: Headers,
        vary: str | None,
        granted: bool,
        kind: Kind,
        refusal: Refusal | None = None,
        detail: str | None = None,
        appended: object = None,
    ) -> Decision:
        # ``appended`` is accepted (and remade) so that pickle, copy and _make keep working.
        tail = tuple(headers) + vary_header(vary)  # headers given as a list, too
        return _new_tuple(cls, (answer, headers, vary, granted, kind, refusal, detail, tail))

    # mypy types the NamedTuple's own _make by the field tuple; this one narrows it to Decision.
    @classmethod
    def _make(cls, iterable: Iterable[Any]) -> Decision:  # type: ignore[override]
        return cls(*iterable)

    @property
    def reason(self) -> str:
        """The decision in words, for logs and the tools; made from the fields."""
        if self.refusal is not None:
            return _REFUSAL_TEXT[self.refusal].format(detail=self.detail)
        if self.kind is Kind.NO_ORIGIN:
            static = dict(self.headers).get(ALLOW_ORIGIN)
            return f"no Origin header; static answer {static!r}" if static else "no Origin header"
        if self.kind is Kind.PREFLIGHT:
            return "preflight granted"
        return "'*' answer" if dict(self.headers).get(ALLOW_ORIGIN) == "*" else "origin allowed"


_new_tuple = tuple.__new__
# Enum members read through the class cost a descriptor call each (Python 3.11): the paths
# that build decisions per request read these names instead.
_ACTUAL = Kind.ACTUAL
_ORIGIN_MALFORMED = Refusal.ORIGIN_MALFORMED
_ORIGIN_REFUSED = Refusal.ORIGIN_REFUSED


def vary_header(vary: str | None) -> Headers:
    """The ``Vary`` header a decision adds when the response sets none: nothing for ``None``."""
    return () if vary is None else (("Vary", vary),)


def request_facts(
    method: str,
    path: str,
    origin: str | None = None,
    request_method: str | None = None,
    request_headers: str | None = None,
    private_network: str | None = None,
) -> dict[str, str]:
    """The facts :func:`decide` reads, as a server would hand them over.

    ``path`` is text (``/données``); it is stored as PEP 3333 stores it (UTF-8 bytes read as
    latin-1), so tools that build facts select exactly what the middleware selects.
    """
    facts = {METHOD: method, PATH: wsgi_path_info(path)}
    for key, value in (
        (ORIGIN, origin),
        (REQUEST_METHOD, request_method),
        (REQUEST_HEADERS, request_headers),
        (REQUEST_PRIVATE_NETWORK, private_network),
    ):
        if value is not None:
            facts[key] = value
    return facts


def decide(resource: ResourcePolicy, facts: Mapping[str, str]) -> Decision:
    """The one dispatch (no Origin, preflight or actual request), for every caller.

    ``facts`` is a WSGI environ, or any mapping with the same names (:func:`request_facts`).
    """
    origin = facts.get(ORIGIN)
    if origin is None:
        return resource.originless
    if facts.get(METHOD) == "OPTIONS" and REQUEST_METHOD in facts:
        return resource.preflight(
            origin, facts[REQUEST_METHOD], facts.get(REQUEST_HEADERS, ""), facts.get(REQUEST_PRIVATE_NETWORK)
        )
    # An origin seen before (or an allowed exact one) has its answer ready: skip a call.
    return resource.decisions.get(origin) or resource.learn_actual(origin)


class ResourcePolicy:
    """The decisions of one resource; everything not depending on the request is built here.

    Decisions for requests seen before come from two bounded caches: ``decisions`` for actual
    requests, keyed by ``Origin`` (it starts with the grants of the exact origins), and one for
    preflights, keyed by everything a preflight decision reads (origin, requested method and
    headers, and whether private network access was asked). Each holds at most
    ``cache_size`` learned entries and starts over when full, so a stream of distinct
    origins keeps it small without any bookkeeping on a hit. Nothing is learned when an
    origin callable is configured, since it may change its answer. The caches are only
    read, set one key at a time or replaced whole, so threads need no lock: a request sees
    an entry or recomputes it. ``actual_uncached`` and ``preflight_uncached`` are the plain
    forms the cached ones must always agree with.
    """

    def __init__(self, resource: Resource, cache_size: int = CACHE_SIZE, debug: bool = False) -> None:
        options: Options = resource.options
        self.pattern = resource.pattern
        self.options = options
        #: Debug mode (see :meth:`_refuse`): refusals carry their reason, and refused
        #: preflights get the answer that makes the browser's console name the cause.
        self.debug = debug
        self.intercept_exceptions = options.intercept_exceptions
        origins = options.origins
        self._origins = origins
        # With "*" and send_wildcard every request with an Origin gets the same answer.
        self._wildcard = origins.any and options.send_wildcard
        # Fetch, "CORS protocol and HTTP caches": the answer depends on Origin unless it is
        # "*" whether or not the request has one (send_wildcard with always_send). Without
        # Vary, a cache would hand the answer for one origin (or for none) to another.
        depends_on_origin = not (self._wildcard and options.always_send)
        vary: tuple[str, ...] = ("Origin",) if options.vary_header and depends_on_origin else ()
        self._vary_actual = ", ".join(vary) or None
        self._vary_added = vary_header(self._vary_actual)
        preflight_vary = (
            [*vary, "Access-Control-Request-Method", "Access-Control-Request-Headers"]
            if options.vary_header
            else []
        )
        if options.vary_header and options.allow_private_network:
            preflight_vary.append("Access-Control-Request-Private-Network")
        self._vary_preflight = ", ".join(preflight_vary) or None

        credentials: Headers = ((ALLOW_CREDENTIALS, "true"),) if options.supports_credentials else ()
        expose: Headers = ((EXPOSE_HEADERS, options.expose_headers),) if options.expose_headers else ()
        self._actual_extra = expose + credentials
        max_age: Headers = ((MAX_AGE, options.max_age),) if options.max_age is not None else ()
        self._preflight_extra = credentials + max_age
        self._allow_methods = options.allow_methods
        self._allow_headers = options.allow_headers
        self._methods = options.methods
        self._private_network = options.allow_private_network
        self.automatic_options = options.automatic_options
        # RFC 9110 forbids a body's headers on 204; elsewhere they keep keep-alive cheap.
        self.preflight_status = options.preflight_status
        self.preflight_body: Headers = (
            ()
            if options.preflight_status.startswith("204")
            else (("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", "0"))
        )

        static = None
        if options.always_send:
            static = "*" if origins.any and not options.supports_credentials else origins.static_origin
        self.originless = Decision(
            False,
            ((ALLOW_ORIGIN, static), *self._actual_extra) if static else (),
            self._vary_actual,
            bool(static),
            Kind.NO_ORIGIN,
        )

        # Every answer that does not name an arbitrary request origin is built once, here.
        self._wildcard_answer = Decision(
            False, ((ALLOW_ORIGIN, "*"), *self._actual_extra), self._vary_actual, True, Kind.ACTUAL
        )
        self._refusals = {
            refusal: Decision(
                False, self._debug_note(refusal), self._vary_actual, False, Kind.ACTUAL, refusal
            )
            for refusal in (Refusal.ORIGIN_MALFORMED, Refusal.ORIGIN_TOO_LONG, Refusal.ORIGIN_REFUSED)
        }
        # Browsers send an exact origin as it is configured (lower case, no default port), so
        # its grant is a dictionary lookup; any other spelling takes the general path below.
        self.exact_grants: Mapping[str, Decision] = {
            exact: self._grant(exact)
            for exact in origins.exact
            if _origin_problem(exact) is None and not self._wildcard
        }
        #: False: decide every request afresh (set when an origin callable is configured).
        self.caching = not origins.predicates
        self.decisions: dict[str, Decision] = dict(self.exact_grants)
        self._actual_limit = len(self.exact_grants) + cache_size
        self._preflight_limit = cache_size
        self._preflights: dict[tuple[str, str, str, bool], Decision] = {}

    def actual(self, origin: str) -> Decision:
        """An actual (non-preflight) request carrying ``Origin``; remembered when it may be."""
        return self.decisions.get(origin) or self.learn_actual(origin)

    def learn_actual(self, origin: str) -> Decision:
        """:meth:`actual` for an origin not found in ``decisions``: decided, then remembered.

        The middleware looks in ``decisions`` itself and calls this on a miss, so a new origin
        is looked up once, not twice.
        """
        decision = self.actual_uncached(origin)
        if self.caching and len(origin) <= MAX_ORIGIN_LENGTH:
            decisions = self.decisions
            if len(decisions) >= self._actual_limit:
                self.decisions = decisions = dict(self.exact_grants)
            decisions[origin] = decision
        return decision

    def actual_uncached(self, origin: str) -> Decision:
        """:meth:`actual`, decided from the configuration alone."""
        if self._wildcard:
            return self._wildcard_answer
        granted = self.exact_grants.get(origin)
        if granted is not None:
            return granted
        if len(origin) > MAX_ORIGIN_LENGTH or not echoable_origin(origin):
            return self._refusals[_origin_problem(origin) or _ORIGIN_MALFORMED]
        if not self._origins.allows(origin):
            return self._refusals[_ORIGIN_REFUSED]
        return self._grant(origin)

    def _grant(self, origin: str) -> Decision:
        # Decision(False, headers, self._vary_actual, True, Kind.ACTUAL), spelt out: a cache
        # miss with many origins builds one per request. tests/core/test_decision_cache.py
        # holds every decision to the fields Decision() would make.
        headers = ((ALLOW_ORIGIN, origin),) + self._actual_extra  # noqa: RUF005 (cheaper than unpacking)
        return _new_tuple(
            Decision,
            (False, headers, self._vary_actual, True, _ACTUAL, None, None, headers + self._vary_added),
        )

    def _debug_note(self, refusal: Refusal, detail: str | None = None) -> Headers:
        """The ``X-CORS-Debug`` header of a refusal in debug mode; nothing otherwise."""
        if not self.debug:
            return ()
        return ((debug_header.DEBUG_HEADER, debug_header.header_value(refusal, detail, self.pattern)),)

    def _refuse(self, refusal: Refusal, detail: str | None = None, explained: Headers = ()) -> Decision:
        """A refused preflight: no CORS headers, unless debug mode explains it.

        ``explained`` is the debug answer that makes the browser name the cause (see
        :meth:`_debug_answer`); it is sent only in debug mode and only when the middleware
        answers the preflight itself, since headers merged into the application's own
        ``OPTIONS`` response could complete a grant that the application half-wrote.
        """
        headers = self._debug_note(refusal, detail)
        if headers and self.automatic_options:
            headers = explained + headers
        return Decision(
            self.automatic_options, headers, self._vary_preflight, False, Kind.PREFLIGHT, refusal, detail
        )

    def _debug_answer(
        self, allow_origin: str, methods: list[str], allow_headers: list[str], private_network: str | None
    ) -> Headers:
        """A preflight answer that passes every browser check but the one that names the refusal.

        The caller leaves out exactly what was refused (the method, or the header) and only
        calls this when a browser will check that: such an answer fails in every browser,
        so the actual request is never sent (tests/core/test_debug_safety.py proves it against
        the browser model, tests/browser against Chromium). ``*`` is never listed: it would
        grant every method or header to a request without credentials.
        """
        if not self.debug or not self.automatic_options:
            return ()
        methods = [method for method in methods if method != "*"]
        allow_headers = [name for name in allow_headers if name != "*"]
        headers: Headers = ((ALLOW_ORIGIN, allow_origin),)
        if self.options.supports_credentials:
            headers += ((ALLOW_CREDENTIALS, "true"),)
        if methods:
            headers += ((ALLOW_METHODS, ", ".join(methods)),)
        if allow_headers:
            headers += ((ALLOW_HEADERS, ", ".join(allow_headers)),)
        if self._private_network and private_network == "true":
            headers += ((ALLOW_PRIVATE_NETWORK, "true"),)
        return headers

    def preflight(
        self, origin: str, method: str, request_headers: str, private_network: str | None
    ) -> Decision:
        """A preflight: ``OPTIONS`` with ``Origin`` and ``Access-Control-Request-Method``."""
        # private_network is read only as == "true", so that comparison is its whole share.
        key = (origin, method, request_headers, private_network == "true")
        preflights = self._preflights
        decision = preflights.get(key)
        if decision is not None:
            return decision
        decision = self.preflight_uncached(origin, method, request_headers, private_network)
        if self.caching and len(origin) + len(method) + len(request_headers) <= MAX_CACHED_PREFLIGHT_KEY:
            if len(preflights) >= self._preflight_limit:
                self._preflights = preflights = {}
            preflights[key] = decision
        return decision

    def preflight_uncached(
        self, origin: str, method: str, request_headers: str, private_network: str | None
    ) -> Decision:
        """:meth:`preflight`, decided from the configuration alone."""
        if self._wildcard:
            allow_origin = "*"
        elif origin in self.exact_grants:
            allow_origin = origin
        else:
            refusal = _origin_problem(origin)
            if refusal is None and not self._origins.allows(origin):
                refusal = Refusal.ORIGIN_REFUSED
            if refusal is not None:
                return self._refuse(refusal)
            allow_origin = origin

        # Fetch: methods are compared case-sensitively, but flask-cors users expect
        # case-insensitive matching; upper-casing keeps 'patch' from being refused.
        # A listed method, as browsers send it, is a token already upper-cased: both checks pass.
        if self._methods is None or method not in self._methods:
            if not TOKEN.fullmatch(method):
                return self._refuse(Refusal.METHOD_MALFORMED)
            if self._methods is not None and method.upper() not in self._methods:
                return self._refuse_method(allow_origin, method, private_network)
        allow_methods = self._allow_methods or method

        granted_headers = ""
        if request_headers:
            if len(request_headers) > MAX_REQUEST_HEADERS_LENGTH:
                return self._refuse(Refusal.HEADERS_TOO_LONG)
            rule = self._allow_headers
            if TOKEN_LIST.fullmatch(request_headers):
                names = request_headers.replace(", ", ",").split(",")
                if not rule.any:
                    for name in names:
                        if not rule.allows(name.lower()):
                            return self._refuse_header(allow_origin, method, names, name, private_network)
            else:
                names = [stripped for name in request_headers.split(",") if (stripped := name.strip())]
                for name in names:
                    if not TOKEN.fullmatch(name):
                        return self._refuse(Refusal.HEADER_MALFORMED)
                    if not rule.allows(name.lower()):
                        return self._refuse_header(allow_origin, method, names, name, private_network)
            granted_headers = ", ".join(names)

        headers: Headers = (
            (ALLOW_ORIGIN, allow_origin),
            (ALLOW_METHODS, allow_methods),
            *(((ALLOW_HEADERS, granted_headers),) if granted_headers else ()),
            *self._preflight_extra,
        )
        if self._private_network and private_network == "true":
            headers += ((ALLOW_PRIVATE_NETWORK, "true"),)
        return Decision(self.automatic_options, headers, self._vary_preflight, True, Kind.PREFLIGHT)

    def _refuse_method(self, allow_origin: str, method: str, private_network: str | None) -> Decision:
        """A method not in ``methods``: the debug answer lists the allowed ones, without it.

        GET, HEAD and POST are CORS-safelisted: browsers let them through a preflight whatever
        Access-Control-Allow-Methods says, so no answer can make a browser name them, and an
        answer with Access-Control-Allow-Origin could let the request through. Those are
        refused as without debug mode (the header still says why).
        """
        explained: Headers = ()
        if self.debug and method.upper() not in SAFELISTED_METHODS:
            listed = sorted(self._methods or ())
            explained = self._debug_answer(allow_origin, listed, [], private_network)
        return self._refuse(Refusal.METHOD_REFUSED, method, explained)

    def _refuse_header(
        self, allow_origin: str, method: str, names: list[str], refused: str, private_network: str | None
    ) -> Decision:
        """A requested header not in ``allow_headers``: the debug answer grants the method and
        the other requested headers, but no header the rule refuses.

        Browsers list only CORS-unsafe headers in Access-Control-Request-Headers, and check
        each of them, so the refused one (left out here) fails the preflight.
        """
        explained: Headers = ()
        if self.debug:
            rule = self._allow_headers
            allowed = [name for name in names if rule.allows(name.lower())]
            # Names are checked in order: later ones may be malformed, and none is echoed then.
            well_formed = all(TOKEN.fullmatch(name) for name in names)
            listed = self._allow_methods.split(", ") if self._allow_methods else []
            if method not in listed:
                listed.append(method)  # it passed the method check: list it as sent
            if well_formed:
                explained = self._debug_answer(allow_origin, listed, allowed, private_network)
        return self._refuse(Refusal.HEADER_REFUSED, refused, explained)


def _origin_problem(origin: str) -> Refusal | None:
    """Why an ``Origin`` value must not be examined or echoed, if it must not."""
    if len(origin) > MAX_ORIGIN_LENGTH:
        return Refusal.ORIGIN_TOO_LONG
    if not echoable_origin(origin):
        return Refusal.ORIGIN_MALFORMED
    return None


class Policy:
    """All resources of one configuration, most specific first.

    The resource chosen for a ``PATH_INFO`` seen before comes from a bounded cache, like the
    decisions (see :class:`ResourcePolicy`): at most ``cache_size`` paths of at most
    ``MAX_CACHED_PATH`` characters, started over when full, read and written one key at a
    time. The choice depends on the path alone, so it never goes stale.
    ``resource_for_uncached`` is the plain form it must always agree with.
    """

    def __init__(
        self, resources: tuple[Resource, ...], debug: bool = False, cache_size: int = CACHE_SIZE
    ) -> None:
        self.debug = debug
        self.resources = tuple(ResourcePolicy(resource, debug=debug) for resource in resources)
        self._paths: dict[str, ResourcePolicy | None] = {}
        self._paths_limit = cache_size
        self._pairs = tuple(
            (resource.matches, policy) for resource, policy in zip(resources, self.resources, strict=True)
        )
        joined = join_paths(resources)
        self._match_joined = None if joined is None else joined[0].match
        # The resource each match's lastindex names (one call: no index to translate).
        self._resource_of_group = (
            {} if joined is None else {group: self.resources[index] for group, index in joined[1].items()}
        )
        #: The resource that answers for every path, when the first one matches them all.
        self.everywhere = self._pairs[0][1] if self._pairs and self._pairs[0][0] is every_path else None

    @classmethod
    def from_options(cls, options: Mapping[str, object], *, development: bool = False) -> Policy:
        """Compile a whole configuration, reporting every error at once. ``development``: the
        framework says it runs in development (Flask's ``app.debug``), so ``debug=True`` is not
        warned about."""
        errors = ErrorCollector()
        with errors.collect():
            check_option_names(options, OPTION_NAMES, "CORSMiddleware")
        rest = {name: value for name, value in options.items() if name in OPTION_NAMES}
        resources = rest.pop("resources", r"/*")
        debug = False
        with errors.collect():
            debug = debug_flag(rest.pop("debug", False))
        compiled: tuple[Resource, ...] = ()
        with errors.collect():
            compiled = compile_resources(resources, rest)
        errors.raise_any()  # every unknown name and every bad value, at once
        if debug and not development:
            guards.check_debug(compiled)
        return cls(compiled, debug)

    def resource_for(self, path_info: str) -> ResourcePolicy | None:
        """The first resource whose pattern matches ``PATH_INFO`` (read as the text it encodes)."""
        if self.everywhere is not None:
            return self.everywhere
        paths = self._paths
        chosen: ResourcePolicy | None = paths.get(path_info, _UNSEEN)
        if chosen is not _UNSEEN:
            return chosen
        chosen = self.resource_for_uncached(path_info)
        if len(path_info) <= MAX_CACHED_PATH:
            if len(paths) >= self._paths_limit:
                self._paths = paths = {}
            paths[path_info] = chosen
        return chosen

    def resource_for_uncached(self, path_info: str) -> ResourcePolicy | None:
        """:meth:`resource_for`, matched against the patterns every time."""
        if self.everywhere is not None:
            return self.everywhere
        path = path_info if path_info.isascii() else wsgi_path_text(path_info)
        if path[:1] != "/":
            path = routed_path(path)
        match = self._match_joined
        if match is not None:
            found = match(path)
            return None if found is None else self._resource_of_group[found.lastindex]
        for matches, policy in self._pairs:
            if matches(path):
                return policy
        return None

    def decide(self, facts: Mapping[str, str]) -> tuple[ResourcePolicy, Decision] | None:
        """The resource and its decision for one request; ``None`` when no resource covers it."""
        resource = self.resource_for(facts.get(PATH, ""))
        if resource is None:
            return None
        return resource, decide(resource, facts)
