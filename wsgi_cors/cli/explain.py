"""``wsgi-cors explain``: what the middleware answers to one request, and why, step by step.

Every step asks the middleware object what the server would ask it: the request facts of that
step (the preflight, then the actual request) go to ``middleware.select``, which chooses the
resource (an adapter's override routes first, as Flask's does for ``@cross_origin`` views and
blueprint policies), and the resource's answer comes from :func:`wsgi_cors.policy.decide`, the
middleware's one dispatch. So ``explain`` cannot disagree with the running server; what it adds
is the browser's judgement of that answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote
from wsgiref.util import setup_testing_defaults

from ..browser import BrowserRequest, Verdict, check_actual, check_preflight
from ..fetch import normalise_method
from ..middleware import CORSMiddleware, merge_headers
from ..origins import OriginRules
from ..policy import ALLOW_ORIGIN, Decision, Kind, Refusal, ResourcePolicy, decide, request_facts
from .report import Report, conclude, say_findings


def describe_origins(rules: OriginRules) -> str:
    parts: list[str] = []
    if rules.any:
        parts.append("'*'" + ("" if rules.any_grants_null else " (not 'null': credentials are on)"))
    if rules.null:
        parts.append("'null'")
    parts.extend(repr(origin) for origin in sorted(rules.exact))
    parts.extend(f"pattern {label!r}" for label in rules.labels)
    parts.extend(f"callable {getattr(p, '__qualname__', repr(p))}" for p in rules.predicates)
    return ", ".join(parts) or "none"


def describe_resource(resource: ResourcePolicy) -> list[str]:
    options = resource.options
    header_rule = options.allow_headers
    if header_rule.any:
        allow_headers = "'*' (the requested names are echoed)"
    else:
        allow_headers = ", ".join([*sorted(header_rule.names), *(p.pattern for p in header_rule.patterns)])
    return [
        f"origins: {describe_origins(options.origins)}",
        f"methods: {options.allow_methods or '* (the requested method is echoed)'}",
        f"allow_headers: {allow_headers or 'none'}",
        f"expose_headers: {options.expose_headers or 'none'}",
        f"supports_credentials: {options.supports_credentials}, send_wildcard: {options.send_wildcard}, "
        f"max_age: {options.max_age}, vary_header: {options.vary_header}, "
        f"automatic_options: {options.automatic_options}",
    ]


def policy_fix(decision: Decision, where: str, origin: str, method: str) -> str | None:
    """The configuration change that turns a refusal into a grant, read from the decision's fields."""
    refusal = decision.refusal
    if refusal is Refusal.ORIGIN_REFUSED:
        return f"add {origin!r} to origins (of {where}), if you trust that site"
    if refusal is Refusal.METHOD_REFUSED:
        return f"add {method!r} to methods (of {where})"
    if refusal is Refusal.HEADER_REFUSED:
        return f"add {decision.detail!r} to allow_headers (of {where})"
    if refusal in (Refusal.ORIGIN_MALFORMED, Refusal.ORIGIN_TOO_LONG):
        return "browsers send origins as scheme://host[:port]: check --origin"
    return None


def step_facts(
    method: str,
    path: str,
    origin: str | None = None,
    request_method: str | None = None,
    request_headers: str | None = None,
    server: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The WSGI environ of one request of the call, as a server would build it.

    ``path`` is the URL path the page requests: percent-escapes are decoded and the text
    stored as PEP 3333 stores it, as a server does. ``server`` holds what routing may read
    (``HTTP_HOST``, ``SCRIPT_NAME``); the rest a server always sets comes from wsgiref's defaults.
    """
    text = unquote(path, errors="surrogateescape")
    facts: dict[str, Any] = {
        **(server or {}),
        **request_facts(method, text, origin, request_method, request_headers),
    }
    setup_testing_defaults(facts)
    return facts


def app_resources(middleware: CORSMiddleware) -> list[ResourcePolicy]:
    """The application-wide resources, in the order the middleware tries them.

    An adapter that keeps several application-wide policies (Flask's ``policies``, one per
    ``init_app``) tries the newest first; the core middleware has one.
    """
    policies = getattr(middleware, "policies", None) or [middleware.policy]
    return [resource for policy in policies for resource in policy.resources]


def _routes(middleware: CORSMiddleware) -> bool:
    """Whether the middleware routes before the resources decide (an adapter's ``select``)."""
    return type(middleware).select is not CORSMiddleware.select


def _where(resource: ResourcePolicy, resources: list[ResourcePolicy]) -> str:
    if resource in resources:
        return f"resource {resource.pattern!r}"
    return f"the view's or blueprint's policy {resource.pattern!r}"


def _decision_data(decision: Decision) -> dict[str, Any]:
    """A decision for ``--json``: the words for people, the fields for programs."""
    return {
        "decision": decision.reason,
        "granted": decision.granted,
        "refusal": decision.refusal.value if decision.refusal else None,
        "detail": decision.detail,
    }


def _simulated(decision: Decision) -> list[tuple[str, str]]:
    """The headers the middleware adds to a response that has no CORS headers of its own."""
    return merge_headers([], decision.headers, decision.vary)


def _outcome(decision: Decision) -> str:
    if not decision.granted:
        return f"refuses it ({decision.reason})"
    if decision.kind is Kind.NO_ORIGIN or dict(decision.headers).get(ALLOW_ORIGIN) == "*":
        return f"grants it ({decision.reason})"
    return "grants it"


def explain(
    middleware: CORSMiddleware,
    request: BrowserRequest | None,
    path: str,
    method: str,
    server: Mapping[str, str] | None = None,
) -> Report:
    """Run ``middleware`` on one call and say why at every step; the verdict is a browser's."""
    report = Report()
    say = report.say
    data = report.data
    method = normalise_method(method)
    resources = app_resources(middleware)
    routing = type(middleware).__name__ if _routes(middleware) else None
    data.update(path=path, method=method, resources=[r.pattern for r in resources], routing=routing)
    listing = ", ".join(repr(r.pattern) for r in resources) or "none"
    say(f"Resources, most specific first: {listing}")
    if routing:
        say(
            f"Routing: {routing} asks the application which view serves the request first; a view's "
            "or blueprint's own policy comes before these resources."
        )

    origin = request.origin if request else None
    reasons = request.preflight_reasons() if request else []
    preflight_headers = request.preflight_request_headers() if request and reasons else []
    requested = next((v for n, v in preflight_headers if n == "Access-Control-Request-Headers"), None)
    preflight_facts = step_facts("OPTIONS", path, origin, method, requested, server) if reasons else None
    actual_facts = step_facts(method, path, origin, server=server)

    # The resource of the first request the browser sends; the actual request is selected again.
    resource = middleware.select(preflight_facts or actual_facts)
    data.update(refusal=None)
    if resource is None:
        say(f"1. Resource: no pattern covers the path {path!r}.")
        say("   The middleware hands the request to the application and adds no CORS header.")
        data.update(resource=None, allowed=request is None, fix=f"add a resources pattern covering {path!r}")
        if request is not None:
            say(f"Verdict: BLOCKED, unless the application answers CORS itself for {path!r}.")
            say(f"Fix: add a resources pattern that covers {path!r}.")
        return report
    where = _where(resource, resources)
    if resource in resources:
        skipped = ", ".join(repr(r.pattern) for r in resources[: resources.index(resource)])
        say(
            f"1. Resource: {resource.pattern!r} covers {path!r}"
            + (f" (checked first, no match: {skipped})." if skipped else ".")
        )
    else:
        say(f"1. Resource: {routing} routed {path!r} to {where}.")
    for line in describe_resource(resource):
        say(f"     {line}")
    data.update(resource=resource.pattern, routed=resource not in resources)

    if request is None:
        decision = decide(resource, actual_facts)
        say("2. No Origin: not a CORS request (same-origin, or not from a browser).")
        say(f"   {decision.reason}; the middleware adds:" if decision.appended else "")
        report.headers(_simulated(decision), "<")
        data.update(allowed=True, actual={**_decision_data(decision), "headers": _simulated(decision)})
        return report

    assert origin is not None
    rule = resource.options.origins.explain(origin)
    say(f"2. Origin {origin!r}: " + (f"granted by {rule}." if rule else f"no rule of {where} grants it."))
    data.update(origin_rule=rule, cause=None, preflight=None, actual=None)
    verdict = Verdict()
    step = 3
    fix: str | None = None
    if preflight_facts is not None:
        say(f"{step}. The browser sends a preflight first: {'; '.join(reasons)}.")
        say(f"     > OPTIONS {path}")
        report.headers(preflight_headers, ">")
        decision = decide(resource, preflight_facts)
        headers = _simulated(decision)
        status = int(resource.options.preflight_status.split()[0])
        if decision.answer:
            say(
                f"   The middleware {_outcome(decision)} and answers {resource.options.preflight_status} "
                "itself, without calling the application:"
            )
        else:
            status = 200
            say(
                f"   The middleware {_outcome(decision)}; automatic_options is off, so the application "
                "answers the OPTIONS request (assumed 200) and the middleware adds:"
            )
        report.headers(headers, "<")
        if not decision.granted:
            fix = policy_fix(decision, where, origin, method)
            data["cause"] = f"{where} refused the preflight: {decision.reason}"
            data["refusal"] = decision.refusal.value if decision.refusal else None
        passed = check_preflight(request, status, headers, verdict)
        data["preflight"] = {
            "reasons": reasons,
            "request_headers": preflight_headers,
            **_decision_data(decision),
            "answered_by_middleware": decision.answer,
            "status": status,
            "headers": headers,
        }
        say_findings(report, verdict, "preflight")
        step += 1
        if not passed:
            say("   The browser stops here: the actual request is never sent.")
            return conclude(report, request, verdict, fix, path, [])
    else:
        say(f"{step}. No preflight: {method} with only CORS-safelisted headers is sent directly.")
        step += 1

    actual = middleware.select(actual_facts)
    if actual is None:
        say(
            f"{step}. Actual request {method} {path}: no resource covers it, so the middleware hands it "
            "to the application and adds no CORS header."
        )
        check_actual(request, [], verdict)
        say_findings(report, verdict, "response")
        data["actual"] = {"decision": None, "granted": False, "refusal": None, "detail": None, "headers": []}
        return conclude(
            report, request, verdict, fix or f"add a resources pattern covering {path!r}", path, []
        )
    selected = ""
    if actual is not resource:  # an adapter that routes by method may choose another policy
        where = _where(actual, resources)
        selected = f" ({where} decides it)"
    decision = decide(actual, actual_facts)
    headers = _simulated(decision)
    say(
        f"{step}. Actual request {method} {path}{selected}: the middleware {_outcome(decision)}; the "
        "application answers and the middleware adds (nothing, if the application set "
        "Access-Control-Allow-Origin):"
    )
    report.headers(headers, "<")
    if not decision.granted:
        fix = fix or policy_fix(decision, where, origin, method)
        data["cause"] = f"{where} refused the request: {decision.reason}"
        data["refusal"] = data["refusal"] or (decision.refusal.value if decision.refusal else None)
    check_actual(request, headers, verdict)
    say_findings(report, verdict, "response")
    data["actual"] = {**_decision_data(decision), "headers": headers}
    exposed = actual.options.expose_headers
    if exposed == "*":
        readable = "every response header" if not request.credentials else "the safelisted ones only"
    else:
        readable = f"the safelisted ones and {exposed}" if exposed else "the safelisted ones only"
    return conclude(report, request, verdict, fix, path, headers, readable)
