"""Property: the Flask adapter applies the policy of the view Flask actually dispatches to.

Over generated applications (static and converter rules, trailing slashes both ways, per-rule
and map-wide ``strict_slashes`` and ``merge_slashes``, non-ASCII segments, methods, nested
blueprints with prefixes and policies, decorated views, ``redirect_to`` rules, subdomain or
host matching) and generated requests (paths derived from the rules and mutated, methods,
preflights asking for each method, ``SCRIPT_NAME`` mounts, hosts), Flask itself is the
oracle: a hook records the endpoint each request reaches, redirects followed. The expected
policy is that view's ``@cross_origin`` policy, else its innermost blueprint's, else the
application's. Each policy allows one origin of its own, so ``Access-Control-Allow-Origin``
names the policy that answered; ``select()`` on the same environ must return it too.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Literal
from urllib.parse import quote

from flask import Blueprint, Flask, request
from hypothesis import event, given
from hypothesis import strategies as st
from werkzeug.exceptions import MethodNotAllowed
from werkzeug.test import Client, ClientRedirectError, EnvironBuilder

from wsgi_cors.flask import CORS, FlaskCORSMiddleware, cross_origin
from wsgi_cors.policy import ResourcePolicy

APP_ORIGIN = "https://app.example"
Mode = Literal["plain", "subdomain", "host"]
HOSTS: dict[Mode, tuple[str, ...]] = {
    "plain": ("localhost",),
    "subdomain": ("example.test", "api.example.test", "www.example.test"),
    "host": ("api.test", "www.test"),
}
SEGMENTS = ("a", "b", "é", "<int:{}>", "<path:{}>", "<{}>")  # converters named on use
METHODS = ("GET", "POST", "PUT")


@dataclass(frozen=True)
class RuleSpec:
    owner: int  # -1: the app; else the index of its blueprint
    segments: tuple[str, ...]
    slash: bool
    strict_slashes: bool | None
    methods: tuple[str, ...]
    decorated: bool
    place: int  # which subdomain or host, in those modes


@dataclass(frozen=True)
class BlueprintSpec:
    url_prefix: str | None
    policy: bool
    nested: bool  # registered on the first blueprint, not on the app
    late: bool  # CORS(blueprint) after registration, in an app context


@dataclass(frozen=True)
class AppSpec:
    mode: Mode
    strict_slashes: bool
    merge_slashes: bool
    app_policy: bool
    blueprints: tuple[BlueprintSpec, ...]
    rules: tuple[RuleSpec, ...]
    redirect: tuple[int, int] | None  # (rule, target rule): a redirect_to rule in front of one


# Each spec is decoded from one integer, digit by digit: one draw per rule, blueprint or
# request keeps generation (not the app under test) from dominating an example's cost. The
# integer is scrambled first, since Hypothesis favours small and edge values, which would
# make nearly every digit 0; 0 itself stays 0, the simplest spec, for shrinking.
_SCRAMBLE = 0x9E3779B97F4A7C15  # odd, so the scrambling is a bijection modulo 2**64


def digits(number: int, radices: tuple[int, ...]) -> list[int]:
    """``number`` in the mixed radix ``radices``, least significant first."""
    out = []
    for radix in radices:
        number, digit = divmod(number, radix)
        out.append(digit)
    return out


def decoded(radices: tuple[int, ...]) -> st.SearchStrategy[list[int]]:
    return st.integers(0, 2**64 - 1).map(lambda number: digits(number * _SCRAMBLE % 2**64, radices))


SUBSETS = tuple(
    tuple(method for bit, method in enumerate(METHODS) if mask >> bit & 1) for mask in range(1, 8)
)


def rule_spec(d: list[int]) -> RuleSpec:
    return RuleSpec(
        owner=d[0] - 1,
        segments=tuple(SEGMENTS[d[2 + n]] for n in range(d[1])),
        slash=bool(d[5]),
        strict_slashes=(None, True, False)[d[6]],
        methods=SUBSETS[d[7]],
        decorated=bool(d[8]),
        place=d[9],
    )


rule_specs = decoded((3, 4, 6, 6, 6, 2, 3, 7, 2, 3)).map(rule_spec)
blueprint_specs = decoded((4, 2, 2, 2)).map(
    lambda d: BlueprintSpec(
        url_prefix=(None, "/bp", "/bp/", "/çà")[d[0]], policy=bool(d[1]), nested=bool(d[2]), late=bool(d[3])
    )
)


@st.composite
def app_specs(draw: st.DrawFn) -> AppSpec:
    d = draw(decoded((4, 2, 2, 4, 26)))
    blueprints = tuple(draw(st.lists(blueprint_specs, max_size=2)))
    rules = tuple(
        replace(rule, owner=rule.owner if rule.owner < len(blueprints) else -1)
        for rule in draw(st.lists(rule_specs, min_size=1, max_size=5))
    )
    redirect = None if d[4] == 0 else divmod(d[4] - 1, 5)
    if redirect is not None:
        redirect = (redirect[0] % len(rules), redirect[1] % len(rules))
    return AppSpec(
        mode=("plain", "plain", "subdomain", "host")[d[0]],
        strict_slashes=bool(d[1]),
        merge_slashes=bool(d[2]),
        app_policy=d[3] != 3,
        blueprints=blueprints,
        rules=rules,
        redirect=redirect,
    )


def rule_path(rule: RuleSpec, index: int) -> str:
    parts = [segment.format(f"x{number}") for number, segment in enumerate(rule.segments)]
    path = "/" + "/".join(parts)
    return path + "/" if rule.slash and parts else path


def rule_options(spec: AppSpec, rule: RuleSpec) -> dict[str, Any]:
    options: dict[str, Any] = {"methods": list(rule.methods), "strict_slashes": rule.strict_slashes}
    if spec.mode == "subdomain":
        options["subdomain"] = ("", "api", "www")[rule.place]
    elif spec.mode == "host":
        options["host"] = HOSTS["host"][rule.place % 2]
    return options


class Built:
    """A generated application, the endpoints its requests reached, and its policies' origins."""

    def __init__(self, spec: AppSpec) -> None:
        self.spec = spec
        if spec.mode == "host":
            app = Flask(__name__, host_matching=True, static_folder=None)
        else:
            app = Flask(__name__, static_folder=None, subdomain_matching=spec.mode == "subdomain")
        if spec.mode == "subdomain":
            app.config["SERVER_NAME"] = "example.test"
        app.url_map.strict_slashes = spec.strict_slashes
        app.url_map.merge_slashes = spec.merge_slashes
        self.app = app
        # (endpoint, 405, mount) per request, redirects included
        self.reached: list[tuple[str | None, bool, str]] = []
        self.origin_of: dict[str, str] = {}  # decorated endpoint or blueprint name -> origin

        @app.before_request
        def record() -> None:
            not_allowed = isinstance(request.routing_exception, MethodNotAllowed)
            self.reached.append((request.endpoint, not_allowed, request.root_path))

        blueprints = [
            Blueprint(f"bp{number}", __name__, url_prefix=bp.url_prefix)
            for number, bp in enumerate(spec.blueprints)
        ]
        for number, bp in enumerate(spec.blueprints):
            if bp.policy and not bp.late:
                CORS(blueprints[number], origins=f"https://bp{number}.example")
        self.paths: list[str] = []
        for index, rule in enumerate(spec.rules):
            path = rule_path(rule, index)
            view = self.view(rule, index)
            options = rule_options(spec, rule)
            if rule.owner < 0:
                app.add_url_rule(path, f"r{index}", view, **options)
            else:
                blueprints[rule.owner].add_url_rule(path, f"r{index}", view, **options)
        nested = [number for number, bp in enumerate(spec.blueprints) if bp.nested and number > 0]
        for number in nested:
            blueprints[0].register_blueprint(blueprints[number])
        if spec.redirect is not None:
            source, target = spec.redirect
            rule = spec.rules[source]
            options = rule_options(spec, rule)
            options.pop("methods")
            # Converters in a redirect_to string are filled from the source's values: use none.
            to = re.sub(r"<[^>]*>", "7", rule_path(spec.rules[target], target))
            app.add_url_rule("/old" + rule_path(rule, source), "old", redirect_to=to, **options)
        for number, blueprint in enumerate(blueprints):
            if number not in nested:
                app.register_blueprint(blueprint)
        CORS(app, origins=APP_ORIGIN, resources=r"/*" if spec.app_policy else [])
        with app.app_context():
            for number, bp in enumerate(spec.blueprints):
                if bp.policy and bp.late:
                    CORS(blueprints[number], origins=f"https://bp{number}.example")
        for name, registered in app.blueprints.items():
            number = next(n for n, made in enumerate(blueprints) if made is registered)
            if spec.blueprints[number].policy:
                self.origin_of[name] = f"https://bp{number}.example"
        middleware = app.wsgi_app
        assert isinstance(middleware, FlaskCORSMiddleware)
        self.middleware = middleware
        self.client = Client(app, allow_subdomain_redirects=True)

    def view(self, rule: RuleSpec, index: int) -> Callable[..., str]:
        def view(**values: Any) -> str:
            return f"r{index}"

        view.__name__ = f"r{index}"
        if not rule.decorated:
            return view
        return cross_origin(origins=f"https://v{index}.example")(view)

    def dispatched(self, method: str, path: str, base_url: str) -> tuple[str | None, bool]:
        """Where Flask takes a request without Origin: the endpoint reached, redirects followed,
        and whether it ended in a 405."""
        self.reached.clear()
        try:
            self.client.open(path, method=method, base_url=base_url, follow_redirects=True)
        except ClientRedirectError:  # a redirect loop: no view
            event("redirect loop")
            return None, False
        if len(self.reached) > 1:
            event("redirected")
        endpoint, not_allowed, root = self.reached[-1]
        if root != self.reached[0][2]:
            # werkzeug's test client follows a redirect out of the mount into the same app; a
            # server would hand it to whatever is mounted there: no view of this app.
            event("redirected out of the mount")
            return None, False
        return endpoint, not_allowed

    def expected(self, endpoint: str | None) -> tuple[str | None, ResourcePolicy | None]:
        """The origin and the resource of the policy for a request reaching ``endpoint``."""
        app_resource = self.middleware.policies[0].resource_for("/")
        app_origin = APP_ORIGIN if app_resource is not None else None
        if endpoint is None:
            return app_origin, app_resource
        spec = getattr(self.app.view_functions[endpoint], "_wsgi_cors_view", None)
        if spec is not None:
            return f"https://v{endpoint[endpoint.rindex('r') + 1 :]}.example", spec.policy_for(self.app)
        name = endpoint.rpartition(".")[0]
        while name:
            if name in self.origin_of:
                policies = self.app.blueprints[name]._wsgi_cors_policies  # type: ignore[attr-defined]
                return self.origin_of[name], policies[0].resource_for("/")
            name = name.rpartition(".")[0]
        return app_origin, app_resource


@dataclass(frozen=True)
class RequestSpec:
    rule: int
    values: tuple[str, ...]
    mutation: Literal["none", "slash", "double", "old"]
    method: str
    preflight: bool
    host: int
    mounted: bool


VALUES = ("7", "s", "é", "p/q")
MUTATIONS: tuple[Literal["none", "slash", "double", "old"], ...] = ("none", "slash", "slash", "double", "old")
request_specs = decoded((5, 4, 4, 4, 5, 5, 2, 3, 2)).map(
    lambda d: RequestSpec(
        rule=d[0],
        values=(VALUES[d[1]], VALUES[d[2]], VALUES[d[3]]),
        mutation=MUTATIONS[d[4]],
        method=(*METHODS, "HEAD", "DELETE")[d[5]],
        preflight=bool(d[6]),
        host=d[7],
        mounted=bool(d[8]),
    )
)


def request_path(built: Built, spec: RequestSpec) -> str:
    index = spec.rule % len(built.spec.rules)
    rule = built.spec.rules[index]
    prefix = ""
    if rule.owner >= 0:
        blueprint = built.spec.blueprints[rule.owner]
        nested_in = built.spec.blueprints[0].url_prefix if blueprint.nested and rule.owner > 0 else None
        prefix = (nested_in or "").rstrip("/") + (blueprint.url_prefix or "").rstrip("/")
    path = prefix + rule_path(rule, index)
    path = re.sub(r"<[^>]*>", lambda match: spec.values[int(match.group(0)[-2])], path)
    if spec.mutation == "slash":
        path = path[:-1] if path.endswith("/") and len(path) > 1 else path + "/"
    elif spec.mutation == "double":
        path = path.replace("/", "//", 1)
    elif spec.mutation == "old" and built.spec.redirect is not None:
        path = "/old" + path
    return quote(path, safe="/")


def check(built: Built, spec: RequestSpec) -> str | None:
    """Send one generated request; returns the endpoint Flask dispatched it to."""
    path = request_path(built, spec)
    hosts = HOSTS[built.spec.mode]
    base_url = f"http://{hosts[spec.host % len(hosts)]}{'/mount' if spec.mounted else ''}"
    endpoint, not_allowed = built.dispatched(spec.method, path, base_url)
    if spec.preflight and not_allowed:
        # No view takes the method asked for: the one answering OPTIONS decides.
        endpoint, _ = built.dispatched("OPTIONS", path, base_url)
    origin, resource = built.expected(endpoint)
    event(f"policy: {'none' if origin is None else origin.split('//')[1][:2]}")
    method = "OPTIONS" if spec.preflight else spec.method
    environ = EnvironBuilder(path, base_url=base_url, method=method).get_environ()
    if spec.preflight:
        environ["HTTP_ORIGIN"] = APP_ORIGIN
        environ["HTTP_ACCESS_CONTROL_REQUEST_METHOD"] = spec.method
    context = (method, spec.method, base_url, path, endpoint)
    assert built.middleware.select(environ) is resource, context
    sent = [origin or APP_ORIGIN]
    if origin != APP_ORIGIN:
        sent.append(APP_ORIGIN)  # the application-wide grant must not leak onto the view
    for sent_origin in sent:
        headers = {"Origin": sent_origin}
        if spec.preflight:
            headers["Access-Control-Request-Method"] = spec.method
        response = built.client.open(path, method=method, base_url=base_url, headers=headers)
        granted = response.headers.get("Access-Control-Allow-Origin")
        assert granted == (origin if sent_origin == origin else None), (sent_origin, *context)
    return endpoint


@given(app_specs(), st.lists(request_specs, min_size=1, max_size=4))
def test_the_policy_is_the_one_of_the_view_flask_dispatches_to(
    app_spec: AppSpec, requests: list[RequestSpec]
) -> None:
    built = Built(app_spec)
    for spec in requests:
        check(built, spec)
