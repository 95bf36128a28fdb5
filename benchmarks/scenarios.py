"""The request shapes measured, each with every contender's equivalent configuration.

A scenario is one request (or a rotating family of requests) plus the configuration that
each CORS layer needs to answer it the same way, and a check of the answer: a benchmark of
a configuration that does not actually grant (or refuse) is worthless, so every contender
is checked before it is timed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

Headers = Sequence[tuple[str, str]]
Check = Callable[[Headers, str | None], str | None]

THREE = ("https://app.example.com", "https://admin.example.com", "https://www.example.org")
ALLOWED = THREE[-1]  # the last one, so a list scan cannot get lucky
REFUSED = "https://evil.example.net"

# 50 regexes, each a tenant's subdomains; the request matches the last one.
REGEXES = tuple(rf"https://[a-z0-9-]+\.t{index:02d}\.example\.com" for index in range(50))
# wsgicors only knows fnmatch globs: its closest equivalent of each regex.
GLOBS = tuple(f"https://*.t{index:02d}.example.com" for index in range(50))
REGEX_ORIGIN = "https://app.t49.example.com"
ROTATING = 4096  # four times the minimal contender's lru_cache(1024): every request misses

# 30 resources of equal specificity, so the request matches the last one in every order.
RESOURCES = tuple(f"/api/r{index:02d}/*" for index in range(30))
RESOURCE_PATH = "/api/r29/items"

PATH = "/api/items"
PREFLIGHT_METHOD = "PUT"
PREFLIGHT_HEADERS = "Content-Type, X-Request-Id"


def header(headers: Headers, name: str) -> list[str]:
    lowered = name.lower()
    return [value for key, value in headers if key.lower() == lowered]


def _grants(headers: Headers, origin: str | None) -> str | None:
    values = header(headers, "Access-Control-Allow-Origin")
    if values != [origin]:
        return f"expected Access-Control-Allow-Origin {origin!r}, got {values!r}"
    return None


def _refuses(headers: Headers, origin: str | None) -> str | None:
    values = header(headers, "Access-Control-Allow-Origin")
    if values:
        return f"expected no Access-Control-Allow-Origin, got {values!r}"
    return None


def _grants_preflight(headers: Headers, origin: str | None) -> str | None:
    problem = _grants(headers, origin)
    if problem:
        return problem
    methods = {
        m.strip().upper() for v in header(headers, "Access-Control-Allow-Methods") for m in v.split(",")
    }
    if PREFLIGHT_METHOD not in methods:
        return f"expected {PREFLIGHT_METHOD} in Access-Control-Allow-Methods, got {sorted(methods)!r}"
    allowed = {
        h.strip().lower() for v in header(headers, "Access-Control-Allow-Headers") for h in v.split(",")
    }
    wanted = {h.strip().lower() for h in PREFLIGHT_HEADERS.split(",")}
    if not wanted <= allowed:
        return f"expected {sorted(wanted)} in Access-Control-Allow-Headers, got {sorted(allowed)!r}"
    return None


def _grants_credentials(headers: Headers, origin: str | None) -> str | None:
    problem = _grants(headers, origin)
    if problem:
        return problem
    if header(headers, "Access-Control-Allow-Credentials") != ["true"]:
        return "expected Access-Control-Allow-Credentials: true"
    return None


@dataclass(frozen=True)
class Scenario:
    """One request shape and every contender's configuration for it.

    ``wsgicors`` is the keyword configuration of ``wsgicors.CORS``, or a string saying why the
    scenario cannot be expressed there. ``flask_cors`` likewise for flask-cors.
    """

    name: str
    title: str
    ours: Mapping[str, object]
    flask_cors: Mapping[str, object]
    wsgicors: Mapping[str, str] | str
    check: Check
    method: str = "GET"
    path: str = PATH
    origins: tuple[str | None, ...] = (ALLOWED,)
    extra_environ: Mapping[str, str] = field(default_factory=dict)
    note: str = ""


def _wsgicors(origin: str, **more: str) -> dict[str, str]:
    """wsgicors's single-policy configuration (its ``policy=`` / ``<name>_<key>`` style)."""
    config = {
        "policy": "bench",
        "bench_origin": origin,
        "bench_methods": "GET, HEAD, POST, OPTIONS, PUT, PATCH, DELETE",
        "bench_headers": "*",
    }
    config.update({f"bench_{key}": value for key, value in more.items()})
    return config


SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        name="no_origin",
        title="GET without Origin",
        ours={"origins": list(THREE)},
        # flask-cors's always_send would list all three origins in three headers; off, it
        # answers like the others (no grant), which is also its cheaper path.
        flask_cors={"origins": list(THREE), "always_send": False},
        wsgicors=_wsgicors(" ".join(THREE)),
        check=_refuses,
        origins=(None,),
        note="flask-cors with always_send=False (else it sends three Allow-Origin headers)",
    ),
    Scenario(
        name="simple",
        title="simple GET, allowed origin (3 exact)",
        ours={"origins": list(THREE)},
        flask_cors={"origins": list(THREE)},
        wsgicors=_wsgicors(" ".join(THREE)),
        check=_grants,
    ),
    Scenario(
        name="preflight",
        title="preflight, method + 2 headers",
        ours={"origins": list(THREE)},
        flask_cors={"origins": list(THREE)},
        wsgicors=_wsgicors(" ".join(THREE)),
        check=_grants_preflight,
        method="OPTIONS",
        extra_environ={
            "HTTP_ACCESS_CONTROL_REQUEST_METHOD": PREFLIGHT_METHOD,
            "HTTP_ACCESS_CONTROL_REQUEST_HEADERS": PREFLIGHT_HEADERS,
        },
    ),
    Scenario(
        name="refused",
        title="GET, refused origin",
        ours={"origins": list(THREE)},
        flask_cors={"origins": list(THREE)},
        wsgicors=_wsgicors(" ".join(THREE)),
        check=_refuses,
        origins=(REFUSED,),
    ),
    Scenario(
        name="regex50",
        title="50 regex origins, match the last",
        ours={"origins": list(REGEXES)},
        flask_cors={"origins": list(REGEXES)},
        wsgicors=_wsgicors(" ".join(GLOBS)),
        check=_grants,
        origins=(REGEX_ORIGIN,),
        note="wsgicors has no regexes: 50 fnmatch globs 'https://*.tNN.example.com' instead",
    ),
    Scenario(
        name="regex50_rotating",
        title=f"same, {ROTATING} rotating origins",
        ours={"origins": list(REGEXES)},
        flask_cors={"origins": list(REGEXES)},
        wsgicors=_wsgicors(" ".join(GLOBS)),
        check=_grants,
        origins=tuple(f"https://u{index}.t49.example.com" for index in range(ROTATING)),
        note="wsgicors: the same globs; its lru_cache(200) misses on every request",
    ),
    Scenario(
        name="resources30",
        title="30 resource patterns, match the last",
        ours={"resources": list(RESOURCES), "origins": list(THREE)},
        flask_cors={"resources": list(RESOURCES), "origins": list(THREE)},
        wsgicors="wsgicors has no per-path resources",
        check=_grants,
        path=RESOURCE_PATH,
    ),
    Scenario(
        name="credentials",
        title="credentials on, allowed origin",
        ours={"origins": list(THREE), "supports_credentials": True},
        flask_cors={"origins": list(THREE), "supports_credentials": True},
        wsgicors=_wsgicors(" ".join(THREE), credentials="true"),
        check=_grants_credentials,
    ),
)

BY_NAME = {scenario.name: scenario for scenario in SCENARIOS}
