"""Resources: which paths get CORS, most specific pattern first, matched case-sensitively."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.test import Client

from tests.support import ALLOWED, RecordingApp, cors_headers, preflight
from wsgi_cors import Policy, request_facts
from wsgi_cors.policy import MAX_CACHED_PATH
from wsgi_cors.resources import compile_resources


def allow_origin(client: Client, path: str, origin: str = ALLOWED) -> str | None:
    return client.get(path, headers={"Origin": origin}).headers.get("Access-Control-Allow-Origin")


@pytest.mark.parametrize(
    ("path", "covered"),
    [
        ("/api", True),
        ("/api/", True),
        ("/api/v1/users", True),
        ("/apiary", False),
        ("/", False),
        ("/API/users", False),
    ],
)
def test_subtree_pattern_covers_the_path_and_below_only(
    cors: Callable[..., Client], path: str, covered: bool
) -> None:
    assert (allow_origin(cors(resources=r"/api/*"), path) == ALLOWED) is covered


def test_uncovered_path_is_untouched_even_for_preflights(
    cors: Callable[..., Client], app: RecordingApp
) -> None:
    client = cors(resources=r"/api/*")
    response = preflight(client, "/admin")
    assert response.get_data() == b"app body"
    assert cors_headers(response) == {}
    assert len(app.calls) == 1
    assert cors_headers(client.get("/admin")) == {}


def test_literal_resource_matches_exactly(cors: Callable[..., Client]) -> None:
    client = cors(resources=["/login", "/logout"])
    assert allow_origin(client, "/login") == ALLOWED
    assert allow_origin(client, "/login/extra") is None
    assert allow_origin(client, "/loginx") is None


def test_regex_resource_matches_from_the_start_of_the_path(cors: Callable[..., Client]) -> None:
    client = cors(resources=r"/v\d+/")
    assert allow_origin(client, "/v2/users") == ALLOWED
    assert allow_origin(client, "/x/v2/users") is None


def test_star_resource_covers_everything(cors: Callable[..., Client]) -> None:
    client = cors(resources="*")
    assert allow_origin(client, "/anything/at/all") == ALLOWED


def test_matching_is_case_sensitive(cors: Callable[..., Client]) -> None:
    client = cors(resources={"/api/*": {}, "/admin/*": {"origins": []}})
    assert allow_origin(client, "/Api/x") is None


def test_plus_in_a_path_is_a_plus(cors: Callable[..., Client]) -> None:
    client = cors(resources=["/c++/docs"])
    assert allow_origin(client, "/c++/docs") == ALLOWED
    assert allow_origin(client, "/c  /docs") is None


def test_per_resource_options_override_keyword_options(cors: Callable[..., Client]) -> None:
    client = cors(
        resources={r"/public/*": {"origins": "*", "send_wildcard": True}, r"/api/*": {}},
        origins=[ALLOWED],
        max_age=60,
    )
    assert allow_origin(client, "/public/x", "https://anyone.example") == "*"
    assert allow_origin(client, "/api/x", "https://anyone.example") is None
    assert allow_origin(client, "/api/x") == ALLOWED
    assert preflight(client, "/public/x").headers["Access-Control-Max-Age"] == "60"


def test_specific_pattern_wins_over_a_broad_one_whatever_the_order(cors: Callable[..., Client]) -> None:
    # A broad pattern listed first must not decide for a path a specific pattern names.
    client = cors(
        resources={
            r"/*": {"origins": "*", "send_wildcard": True},
            r"/api/*": {"origins": ["https://a.example"]},
            r"/api/admin/*": {"origins": ["https://admin.example"]},
            "/api/admin/health": {"origins": ["https://health.example"]},
        }
    )
    assert allow_origin(client, "/api/admin/health", "https://health.example") == "https://health.example"
    assert allow_origin(client, "/api/admin/health", "https://admin.example") is None
    assert allow_origin(client, "/api/admin/users", "https://admin.example") == "https://admin.example"
    assert allow_origin(client, "/api/admin/users", "https://a.example") is None
    assert allow_origin(client, "/api/users", "https://a.example") == "https://a.example"
    assert allow_origin(client, "/other", "https://anyone.example") == "*"


def test_resources_list_is_sorted_most_specific_first(cors: Callable[..., Client]) -> None:
    from wsgi_cors import Policy

    policy = Policy.from_options({"resources": [r"/*", r"/api/*", "/api/v1/users", r"/api/v1/*"]})
    assert [resource.pattern for resource in policy.resources] == [
        "/api/v1/users",
        "/api/v1/*",
        "/api/*",
        "/*",
    ]


# --- non-ASCII patterns: PATH_INFO carries the URL's UTF-8 bytes read as latin-1 (PEP 3333) ---


@pytest.mark.parametrize("path", ["/données", "/données/rapport", "/données/été/2024"])
def test_a_non_ascii_subtree_pattern_matches_the_path_a_browser_sends(
    cors: Callable[..., Client], path: str
) -> None:
    client = cors(
        resources={"/données/*": {"origins": [ALLOWED]}, "/*": {"origins": ["https://other.example"]}}
    )
    assert allow_origin(client, path) == ALLOWED
    assert allow_origin(client, path, "https://other.example") is None


def test_non_ascii_literal_and_regex_patterns_match_as_text(cors: Callable[..., Client]) -> None:
    client = cors(resources={"/café": {"origins": [ALLOWED]}, r"/thé/\w+$": {"origins": [ALLOWED]}})
    assert allow_origin(client, "/café") == ALLOWED
    assert allow_origin(client, "/thé/vert") == ALLOWED
    assert allow_origin(client, "/cafe") is None


def test_a_path_that_is_not_utf_8_matches_only_broad_patterns(cors: Callable[..., Client]) -> None:
    client = cors(resources={"/données/*": {"origins": [ALLOWED]}})
    # b"/donn\xe9es": latin-1 bytes, not UTF-8; werkzeug routes it as "/donn\ufffdes".
    response = client.get("/", environ_overrides={"PATH_INFO": "/donn\xe9es", "HTTP_ORIGIN": ALLOWED})
    assert "Access-Control-Allow-Origin" not in response.headers


# --- the joined resource regex is a second form of the rule: it must agree with the first ----

_SEGMENTS = st.sampled_from(["api", "v1", "données", "a+b", "x.y", "items", ""])
_PATTERNS = st.one_of(
    st.lists(_SEGMENTS, min_size=1, max_size=3).map(lambda parts: "/" + "/".join(parts)),
    st.lists(_SEGMENTS, min_size=1, max_size=2).map(lambda parts: "/" + "/".join(parts) + "/*"),
    st.sampled_from([r"/api/v[0-9]+/.*", r"^/static/.*", r"/(a|b)/x", r"/(?P<v>v\d)/(?(v)x|y)", "/*"]),
)
_PATHS = st.one_of(
    st.lists(_SEGMENTS, max_size=4).map(lambda parts: "/" + "/".join(parts)),
    st.sampled_from(["/api/v12/x", "/static/", "/a/x", "/v1/x", "/v1/y", "/"]),
)


@settings(deadline=None)
@given(patterns=st.lists(_PATTERNS, min_size=1, max_size=8, unique=True), path=_PATHS)
def test_property_the_joined_resource_regex_selects_the_first_matching_resource(
    patterns: list[str], path: str
) -> None:
    policy = Policy.from_options({"resources": patterns})
    wsgi_path = request_facts("GET", path)["PATH_INFO"]
    plain = next(
        (
            resource
            for resource, (matches, _) in zip(policy.resources, policy._pairs, strict=True)
            if matches(path)
        ),
        None,
    )
    assert policy.resource_for(wsgi_path) is plain


def _first_matching(policy: Policy, path: str) -> object:
    """The plain rule: the first resource, most specific first, whose own matcher accepts."""
    return next(
        (
            resource
            for resource, (matches, _) in zip(policy.resources, policy._pairs, strict=True)
            if matches(path)
        ),
        None,
    )


@given(
    patterns=st.lists(_PATTERNS, min_size=1, max_size=8, unique=True),
    paths=st.lists(_PATHS, min_size=1, max_size=12),
    cache_size=st.sampled_from([2, 1024]),
)
def test_property_the_path_cache_selects_what_the_patterns_select(
    patterns: list[str], paths: list[str], cache_size: int
) -> None:
    # The cache is a second form of the selection: a path seen before (the second pass), and
    # one seen before the cache started over (size 2), must get the resource matching gives.
    policy = Policy(compile_resources(patterns, {}), cache_size=cache_size)
    for path in paths * 2:
        wsgi_path = request_facts("GET", path)["PATH_INFO"]
        assert policy.resource_for(wsgi_path) is _first_matching(policy, path), path
        assert policy.resource_for_uncached(wsgi_path) is _first_matching(policy, path), path
        assert len(policy._paths) <= cache_size


def test_the_path_cache_forgets_long_paths_and_stays_within_its_size() -> None:
    policy = Policy(compile_resources(["/api/*", "/other/*"], {}), cache_size=16)
    api = policy.resources[0] if policy.resources[0].pattern == "/api/*" else policy.resources[1]
    for index in range(1000):
        assert policy.resource_for(f"/api/items/{index}") is api
        assert policy.resource_for(f"/static/{index}") is None
        assert len(policy._paths) <= 16
    long_path = "/api/" + "a" * MAX_CACHED_PATH
    assert policy.resource_for(long_path) is api
    assert long_path not in policy._paths


_SUBTREES = st.lists(st.sampled_from(["api", "v1", "admin", "x"]), min_size=0, max_size=3).map(
    lambda parts: "/" + "/".join(parts) + ("/*" if parts else "*")
)


@given(
    patterns=st.lists(
        st.one_of(_SUBTREES, st.sampled_from(["/api/v1/admin", r"/(?:api|x)/.*"])),
        min_size=1,
        max_size=6,
        unique=True,
    ),
    path=st.lists(st.sampled_from(["api", "v1", "admin", "x", "y"]), max_size=4).map(
        lambda p: "/" + "/".join(p)
    ),
)
def test_property_a_pattern_inside_another_ranks_first(patterns: list[str], path: str) -> None:
    # Whenever two patterns both match, and one's paths all lie inside the other's (a deeper
    # subtree, a literal path), the inner one must decide: it is the more specific.
    policy = Policy.from_options({"resources": patterns})
    chosen = policy.resource_for(path)
    matching = [r for r, (matches, _) in zip(policy.resources, policy._pairs, strict=True) if matches(path)]
    assert chosen is (matching[0] if matching else None)
    literal = [r for r in matching if not r.pattern.endswith("*")]
    if literal:
        assert chosen is literal[0]
    subtrees = [r for r in matching if r.pattern.endswith("/*")]
    deepest = max((r.pattern.count("/") for r in subtrees), default=0)
    if not literal and subtrees and chosen is not None and chosen.pattern.endswith("/*"):
        assert chosen.pattern.count("/") == deepest
    if not literal and any(r.pattern.count("/") >= 3 for r in subtrees):
        assert chosen is not None
        assert chosen.pattern != r"/(?:api|x)/.*"
