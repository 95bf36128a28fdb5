"""Policy: the CORS decision, with no WSGI and no framework in it.

Given the request facts (path, method, ``Origin`` and the preflight request headers) the
policy says what to do. Every adapter asks this one place, so the middleware, the Flask
adapter and the command-line tools can never disagree.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import NamedTuple

from .options import OPTION_NAMES, TOKEN, Options, check_option_names
from .resources import Resource, compile_resources, every_path, join_paths

Headers = tuple[tuple[str, str], ...]

ALLOW_ORIGIN = "Access-Control-Allow-Origin"
ALLOW_CREDENTIALS = "Access-Control-Allow-Credentials"
ALLOW_METHODS = "Access-Control-Allow-Methods"
ALLOW_HEADERS = "Access-Control-Allow-Headers"
EXPOSE_HEADERS = "Access-Control-Expose-Headers"
MAX_AGE = "Access-Control-Max-Age"
ALLOW_PRIVATE_NETWORK = "Access-Control-Allow-Private-Network"

# A serialised origin (or "null"): printable ASCII with no space, comma, slash or quote, so
# an echoed origin can never split a header, smuggle a second value or carry a path.
_ORIGIN_SHAPE = re.compile(r"null|[A-Za-z][A-Za-z0-9+.-]*://[A-Za-z0-9._~%!$&'()*+;=:@\[\]-]{1,1000}")

# What browsers send in Access-Control-Request-Headers: tokens joined by "," or ", ". Tokens
# hold neither commas nor spaces, so such a list splits into valid names with nothing to strip.
_TOKEN_LIST = re.compile(rf"{TOKEN.pattern}(?:, ?{TOKEN.pattern})*")

# Real browsers request a few dozen headers at most; anything longer is refused unparsed,
# so a megabyte of commas costs a length check, not a split.
MAX_REQUEST_HEADERS_LENGTH = 8192


class Decision(NamedTuple):
    """What to do with one request.

    ``answer``: reply here, without calling the application (a preflight). ``headers``: the
    CORS headers to send. ``vary``: request headers the answer depends on, merged into
    ``Vary``. ``reason``: why, for logs and ``explain``.
    """

    answer: bool
    headers: Headers
    vary: str | None
    reason: str
    granted: bool


class ResourcePolicy:
    """The decisions of one resource; everything not depending on the request is built here."""

    def __init__(self, resource: Resource) -> None:
        options: Options = resource.options
        self.pattern = resource.pattern
        self.options = options
        self.intercept_exceptions = options.intercept_exceptions
        origins = options.origins
        self._origins = origins
        # With "*" and send_wildcard every answer is the same; otherwise it names the origin.
        self._wildcard = origins.any and options.send_wildcard
        vary: tuple[str, ...] = ("Origin",) if options.vary_header and not self._wildcard else ()
        self._vary_actual = ", ".join(vary) or None
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
            f"no Origin header; static answer {static!r}" if static else "no Origin header",
            bool(static),
        )

        # Every answer that does not name an arbitrary request origin is built once, here.
        self._wildcard_answer = Decision(
            False, ((ALLOW_ORIGIN, "*"), *self._actual_extra), None, "'*' answer", True
        )
        self._not_an_origin = self._refuse("Origin is not a serialised origin", self._vary_actual)
        self._not_allowed = self._refuse("origin not allowed", self._vary_actual)
        # Browsers send an exact origin as it is configured (lower case, no default port), so
        # its grant is a dictionary lookup; any other spelling takes the general path below.
        self.exact_grants: Mapping[str, Decision] = {
            exact: self._grant(exact)
            for exact in origins.exact
            if _ORIGIN_SHAPE.fullmatch(exact) and not self._wildcard
        }

    def _refuse(self, reason: str, vary: str | None, answer: bool = False) -> Decision:
        return Decision(answer, (), vary, reason, False)

    def actual(self, origin: str) -> Decision:
        """An actual (non-preflight) request carrying ``Origin``."""
        if self._wildcard:
            return self._wildcard_answer
        granted = self.exact_grants.get(origin)
        if granted is not None:
            return granted
        if not _ORIGIN_SHAPE.fullmatch(origin):
            return self._not_an_origin
        if not self._origins.allows(origin):
            return self._not_allowed
        return self._grant(origin)

    def _grant(self, origin: str) -> Decision:
        return Decision(
            False, ((ALLOW_ORIGIN, origin), *self._actual_extra), self._vary_actual, "origin allowed", True
        )

    def preflight(
        self, origin: str, method: str, request_headers: str, private_network: str | None
    ) -> Decision:
        """A preflight: ``OPTIONS`` with ``Origin`` and ``Access-Control-Request-Method``."""
        answer = self.automatic_options
        vary = self._vary_preflight
        if self._wildcard:
            allow_origin = "*"
        elif origin in self.exact_grants:
            allow_origin = origin
        elif not _ORIGIN_SHAPE.fullmatch(origin):
            return self._refuse("Origin is not a serialised origin", vary, answer)
        elif not self._origins.allows(origin):
            return self._refuse("origin not allowed", vary, answer)
        else:
            allow_origin = origin

        # Fetch: methods are compared case-sensitively, but flask-cors users expect
        # case-insensitive matching; upper-casing keeps 'patch' from being refused.
        # A listed method, as browsers send it, is a token already upper-cased: both checks pass.
        if self._methods is None or method not in self._methods:
            if not TOKEN.fullmatch(method):
                return self._refuse("Access-Control-Request-Method is not a method token", vary, answer)
            if self._methods is not None and method.upper() not in self._methods:
                return self._refuse(f"method {method!r} not in methods", vary, answer)
        allow_methods = self._allow_methods or method

        granted_headers = ""
        if request_headers:
            if len(request_headers) > MAX_REQUEST_HEADERS_LENGTH:
                return self._refuse("Access-Control-Request-Headers too long", vary, answer)
            rule = self._allow_headers
            if _TOKEN_LIST.fullmatch(request_headers):
                names = request_headers.replace(", ", ",").split(",")
                if not rule.any:
                    for name in names:
                        if not rule.allows(name.lower()):
                            return self._refuse(f"header {name!r} not in allow_headers", vary, answer)
            else:
                names = [stripped for name in request_headers.split(",") if (stripped := name.strip())]
                for name in names:
                    if not TOKEN.fullmatch(name):
                        return self._refuse("a requested header name is not a token", vary, answer)
                    if not rule.allows(name.lower()):
                        return self._refuse(f"header {name!r} not in allow_headers", vary, answer)
            granted_headers = ", ".join(names)

        headers: Headers = (
            (ALLOW_ORIGIN, allow_origin),
            (ALLOW_METHODS, allow_methods),
            *(((ALLOW_HEADERS, granted_headers),) if granted_headers else ()),
            *self._preflight_extra,
        )
        if self._private_network and private_network == "true":
            headers += ((ALLOW_PRIVATE_NETWORK, "true"),)
        return Decision(answer, headers, vary, "preflight granted", True)


class Policy:
    """All resources of one configuration, most specific first."""

    def __init__(self, resources: tuple[Resource, ...]) -> None:
        self.resources = tuple(ResourcePolicy(resource) for resource in resources)
        self._pairs = tuple(
            (resource.matches, policy) for resource, policy in zip(resources, self.resources, strict=True)
        )
        self._first_match = join_paths(resources)
        #: The resource that answers for every path, when the first one matches them all.
        self.everywhere = self._pairs[0][1] if self._pairs and self._pairs[0][0] is every_path else None

    @classmethod
    def from_options(cls, options: Mapping[str, object]) -> Policy:
        check_option_names(options, OPTION_NAMES, "CORSMiddleware")
        rest = dict(options)
        resources = rest.pop("resources", r"/*")
        return cls(compile_resources(resources, rest))

    def resource_for(self, path: str) -> ResourcePolicy | None:
        if self._first_match is not None:
            index = self._first_match(path)
            return None if index is None else self.resources[index]
        for matches, policy in self._pairs:
            if matches(path):
                return policy
        return None

    def decide(
        self,
        method: str,
        path: str,
        origin: str | None,
        request_method: str | None = None,
        request_headers: str = "",
        private_network: str | None = None,
    ) -> tuple[ResourcePolicy, Decision] | None:
        """The whole decision for one request; ``None`` when no resource covers the path."""
        resource = self.resource_for(path)
        if resource is None:
            return None
        if origin is None:
            return resource, resource.originless
        if method == "OPTIONS" and request_method is not None:
            return resource, resource.preflight(origin, request_method, request_headers, private_network)
        return resource, resource.actual(origin)
