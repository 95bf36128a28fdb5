"""Requests as the Fetch standard defines them: actual requests, preflights, Vary, PNA."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from werkzeug.test import Client

from tests.support import ALLOWED, RecordingApp, cors_headers, make_client, preflight
from wsgi_cors import CORSSecurityWarning
from wsgi_cors.fetch import MAX_ORIGIN_LENGTH
from wsgi_cors.policy import MAX_REQUEST_HEADERS_LENGTH

EVIL = "https://evil.example.net"
PREFLIGHT_VARY = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"


# --- requests without Origin ---------------------------------------------------------------


def test_no_origin_with_star_adds_the_static_star(cors: Callable[..., Client], app: RecordingApp) -> None:
    response = cors().get("/")
    assert response.get_data() == b"app body"
    assert cors_headers(response) == {"Access-Control-Allow-Origin": "*", "Vary": "Origin"}
    assert len(app.calls) == 1


def test_no_origin_with_one_exact_origin_adds_it(cors: Callable[..., Client]) -> None:
    response = cors(origins=ALLOWED, supports_credentials=True, expose_headers="X-Id").get("/")
    assert cors_headers(response) == {
        "Access-Control-Allow-Origin": ALLOWED,
        "Access-Control-Expose-Headers": "X-Id",
        "Access-Control-Allow-Credentials": "true",
        "Vary": "Origin",
    }


@pytest.mark.parametrize(
    "origins", [[ALLOWED, "https://b.example"], ["https://*.example.com"], [r"https://\w+\.example"]]
)
def test_no_origin_without_a_static_answer_adds_only_vary(
    cors: Callable[..., Client], origins: list[str]
) -> None:
    assert cors_headers(cors(origins=origins).get("/")) == {"Vary": "Origin"}


def test_no_origin_with_credentials_and_star_never_sends_star() -> None:
    with pytest.warns(CORSSecurityWarning, match="any web site"):
        client = make_client(RecordingApp(), supports_credentials=True)
    assert cors_headers(client.get("/")) == {"Vary": "Origin"}


def test_always_send_off_adds_no_grant_to_origin_less_requests(cors: Callable[..., Client]) -> None:
    assert cors_headers(cors(always_send=False).get("/")) == {"Vary": "Origin"}


def test_send_wildcard_without_origin_needs_no_vary(cors: Callable[..., Client]) -> None:
    assert cors_headers(cors(send_wildcard=True).get("/")) == {"Access-Control-Allow-Origin": "*"}


def test_send_wildcard_without_always_send_varies_on_origin_both_ways(cors: Callable[..., Client]) -> None:
    # "*" with an Origin and nothing without: the answer depends on Origin, so a shared cache
    # must key on it (Fetch, "CORS protocol and HTTP caches"), or it serves the bare answer to
    # the page.
    client = cors(send_wildcard=True, always_send=False)
    assert cors_headers(client.get("/")) == {"Vary": "Origin"}
    assert cors_headers(client.get("/", headers={"Origin": EVIL})) == {
        "Access-Control-Allow-Origin": "*",
        "Vary": "Origin",
    }
    assert preflight(client, origin=EVIL).headers["Vary"] == (
        "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"
    )


# --- actual requests ----------------------------------------------------------------------


def test_allowed_origin_gets_origin_expose_and_credentials(
    cors: Callable[..., Client], app: RecordingApp
) -> None:
    client = cors(origins=[ALLOWED], expose_headers=["X-Total", "X-Page"], supports_credentials=True)
    response = client.post("/api/items", headers={"Origin": ALLOWED}, data=b"{}")
    assert response.status_code == 200
    assert response.get_data() == b"app body"
    assert cors_headers(response) == {
        "Access-Control-Allow-Origin": ALLOWED,
        "Access-Control-Expose-Headers": "X-Page, X-Total",
        "Access-Control-Allow-Credentials": "true",
        "Vary": "Origin",
    }
    assert len(app.calls) == 1


def test_refused_origin_gets_no_grant_headers_but_the_app_answers(
    cors: Callable[..., Client], app: RecordingApp
) -> None:
    client = cors(origins=[ALLOWED], expose_headers="X-Total", supports_credentials=True)
    response = client.get("/", headers={"Origin": EVIL})
    assert response.get_data() == b"app body"
    assert cors_headers(response) == {"Vary": "Origin"}
    assert len(app.calls) == 1


def test_plain_options_is_not_a_preflight_and_goes_to_the_app(
    cors: Callable[..., Client], app: RecordingApp
) -> None:
    response = cors(origins=[ALLOWED]).options("/", headers={"Origin": ALLOWED})
    assert response.get_data() == b"app body"
    assert len(app.calls) == 1
    assert cors_headers(response) == {"Access-Control-Allow-Origin": ALLOWED, "Vary": "Origin"}


def test_only_one_allow_origin_ever(cors: Callable[..., Client]) -> None:
    response = cors(origins=[ALLOWED, "https://b.example"]).get("/", headers={"Origin": ALLOWED})
    assert response.headers.getlist("Access-Control-Allow-Origin") == [ALLOWED]


def test_application_that_answers_cors_itself_is_left_alone() -> None:
    app = RecordingApp(
        headers=[("Content-Type", "text/plain"), ("access-control-allow-origin", "https://own.example")]
    )
    response = make_client(app, supports_credentials=False, expose_headers="X-A").get(
        "/", headers={"Origin": ALLOWED}
    )
    assert cors_headers(response) == {"access-control-allow-origin": "https://own.example"}


def test_error_statuses_get_cors_headers_too() -> None:
    app = RecordingApp(status="404 NOT FOUND")
    response = make_client(app, origins=[ALLOWED]).get("/missing", headers={"Origin": ALLOWED})
    assert response.status_code == 404
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED


# --- preflights ---------------------------------------------------------------------------


def test_preflight_is_answered_without_calling_the_app(
    cors: Callable[..., Client], app: RecordingApp
) -> None:
    client = cors(origins=[ALLOWED], supports_credentials=True, max_age=600)
    response = preflight(client, method="PUT", headers="content-type, authorization")
    assert app.calls == []
    assert response.status == "200 OK"
    assert response.get_data() == b""
    assert response.headers["Content-Length"] == "0"
    assert cors_headers(response) == {
        "Access-Control-Allow-Origin": ALLOWED,
        "Access-Control-Allow-Methods": "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT",
        "Access-Control-Allow-Headers": "content-type, authorization",
        "Access-Control-Allow-Credentials": "true",
        "Access-Control-Max-Age": "600",
        "Vary": PREFLIGHT_VARY,
    }


def test_preflight_status_204_has_no_body_headers(cors: Callable[..., Client]) -> None:
    response = preflight(cors(preflight_status=204))
    assert response.status == "204 No Content"
    assert "Content-Length" not in response.headers
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED


def test_preflight_without_requested_headers_sends_no_allow_headers(cors: Callable[..., Client]) -> None:
    assert "Access-Control-Allow-Headers" not in preflight(cors()).headers


def test_max_age_zero_is_sent(cors: Callable[..., Client]) -> None:
    assert preflight(cors(max_age=0)).headers["Access-Control-Max-Age"] == "0"


def test_no_max_age_by_default(cors: Callable[..., Client]) -> None:
    assert "Access-Control-Max-Age" not in preflight(cors()).headers


def test_authorization_is_named_never_covered_by_a_literal_star(cors: Callable[..., Client]) -> None:
    response = preflight(cors(), headers="authorization")
    assert response.headers["Access-Control-Allow-Headers"] == "authorization"


@pytest.mark.parametrize("method", ["PUT", "put", "Delete"])
def test_allowed_method_is_a_case_insensitive_token_match(cors: Callable[..., Client], method: str) -> None:
    response = preflight(cors(methods=["GET", "PUT", "DELETE"]), method=method)
    assert response.headers["Access-Control-Allow-Methods"] == "DELETE, GET, PUT"


@pytest.mark.parametrize("supports_credentials", [False, True])
def test_a_star_among_listed_methods_allows_any_method_as_browsers_read_it(
    cors: Callable[..., Client], supports_credentials: bool
) -> None:
    # Browsers read "*" anywhere in Access-Control-Allow-Methods as any method and cache it, so
    # the policy must not refuse DELETE after a grant that said "GET, PUT, *".
    client = cors(methods=["GET", "PUT", "*"], origins=[ALLOWED], supports_credentials=supports_credentials)
    assert preflight(client, method="PUT").headers["Access-Control-Allow-Methods"] == "PUT"
    assert preflight(client, method="DELETE").headers["Access-Control-Allow-Methods"] == "DELETE"


@pytest.mark.parametrize("method", ["PATCH", "ET", "GET, PUT", "PU", "", "GET\x00"])
def test_method_not_listed_is_refused_whole(
    cors: Callable[..., Client], app: RecordingApp, method: str
) -> None:
    client = cors(methods=["GET", "PUT"])
    response = client.options(
        "/", environ_overrides={"HTTP_ORIGIN": ALLOWED, "HTTP_ACCESS_CONTROL_REQUEST_METHOD": method}
    )
    assert cors_headers(response) == {"Vary": PREFLIGHT_VARY}
    assert response.get_data() == b""
    assert app.calls == []


def test_refused_origin_preflight_is_answered_with_no_grant(
    cors: Callable[..., Client], app: RecordingApp
) -> None:
    response = preflight(cors(origins=[ALLOWED]), origin=EVIL)
    assert response.status_code == 200
    assert cors_headers(response) == {"Vary": PREFLIGHT_VARY}
    assert app.calls == []


def test_requested_headers_compare_case_insensitively_and_are_echoed(cors: Callable[..., Client]) -> None:
    response = preflight(cors(allow_headers=["Content-Type", "X-Token"]), headers="x-token,CONTENT-TYPE")
    assert response.headers["Access-Control-Allow-Headers"] == "x-token, CONTENT-TYPE"


def test_one_refused_header_refuses_the_whole_preflight(cors: Callable[..., Client]) -> None:
    response = preflight(cors(allow_headers=["Content-Type"]), headers="content-type, x-secret")
    assert cors_headers(response) == {"Vary": PREFLIGHT_VARY}


def test_empty_items_in_requested_headers_are_ignored(cors: Callable[..., Client]) -> None:
    response = preflight(cors(), headers=" , x-a,, ")
    assert response.headers["Access-Control-Allow-Headers"] == "x-a"


def test_requested_header_that_is_not_a_token_is_refused(cors: Callable[..., Client]) -> None:
    response = preflight(cors(), headers="x-a, x b, <script>")
    assert cors_headers(response) == {"Vary": PREFLIGHT_VARY}


def test_megabyte_of_commas_is_refused_unparsed(cors: Callable[..., Client]) -> None:
    response = preflight(cors(), headers="," * 1_000_000)
    assert cors_headers(response) == {"Vary": PREFLIGHT_VARY}


def test_requested_headers_up_to_the_bound_are_accepted(cors: Callable[..., Client]) -> None:
    names = ",".join(f"x-h{i}" for i in range(1000))
    assert len(names) <= MAX_REQUEST_HEADERS_LENGTH
    assert preflight(cors(), headers=names).headers["Access-Control-Allow-Headers"] == names.replace(
        ",", ", "
    )


def test_automatic_options_off_passes_the_preflight_to_the_app(
    cors: Callable[..., Client], app: RecordingApp
) -> None:
    response = preflight(cors(automatic_options=False, origins=[ALLOWED]), headers="x-a")
    assert len(app.calls) == 1
    assert response.get_data() == b"app body"
    assert cors_headers(response) == {
        "Access-Control-Allow-Origin": ALLOWED,
        "Access-Control-Allow-Methods": "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT",
        "Access-Control-Allow-Headers": "x-a",
        "Vary": PREFLIGHT_VARY,
    }


def test_send_wildcard_preflight_answers_star_and_varies_on_the_request(cors: Callable[..., Client]) -> None:
    response = preflight(cors(send_wildcard=True), origin=EVIL)
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Vary"] == "Access-Control-Request-Method, Access-Control-Request-Headers"


# --- Origin values no browser sends ------------------------------------------------------


def test_an_origin_longer_than_any_browser_sends_is_refused_unexamined(app: RecordingApp) -> None:
    seen: list[str] = []

    def rule(origin: str) -> bool:
        seen.append(origin)
        return True

    client = make_client(app, origins=[rule])
    host = "a" * (MAX_ORIGIN_LENGTH - len("https://"))
    assert cors_headers(client.get("/", headers={"Origin": f"https://{host}"})) == {
        "Access-Control-Allow-Origin": f"https://{host}",
        "Vary": "Origin",
    }
    too_long = f"https://{host}a"
    assert cors_headers(client.get("/", headers={"Origin": too_long})) == {"Vary": "Origin"}
    assert "Access-Control-Allow-Origin" not in preflight(client, origin=too_long).headers
    assert seen == [f"https://{host}"]  # the rule never ran on the long value


# --- Private Network Access ---------------------------------------------------------------

PNA = {"Access-Control-Request-Private-Network": "true"}


def test_private_network_is_not_granted_by_default(cors: Callable[..., Client]) -> None:
    response = preflight(cors(), extra=PNA)
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert "Access-Control-Allow-Private-Network" not in response.headers


def test_private_network_is_granted_when_on_and_asked(cors: Callable[..., Client]) -> None:
    client = cors(allow_private_network=True)
    response = preflight(client, extra=PNA)
    assert response.headers["Access-Control-Allow-Private-Network"] == "true"
    assert response.headers["Vary"] == PREFLIGHT_VARY + ", Access-Control-Request-Private-Network"
    assert "Access-Control-Allow-Private-Network" not in preflight(client).headers


def test_private_network_is_not_granted_to_a_refused_origin(cors: Callable[..., Client]) -> None:
    response = preflight(cors(allow_private_network=True, origins=[ALLOWED]), origin=EVIL, extra=PNA)
    assert "Access-Control-Allow-Private-Network" not in response.headers


# --- Vary ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("app_vary", "merged"),
    [
        ("Accept-Encoding", "Accept-Encoding, Origin"),
        ("origin", "origin"),
        ("Accept-Encoding, Origin", "Accept-Encoding, Origin"),
        ("*", "*"),
        ("", "Origin"),
    ],
)
def test_vary_is_merged_into_the_applications_once(app_vary: str, merged: str) -> None:
    app = RecordingApp(headers=[("Content-Type", "text/plain"), ("Vary", app_vary)])
    client = make_client(app, origins=[ALLOWED])
    for headers in ({"Origin": ALLOWED}, {"Origin": EVIL}, {}):
        response = client.get("/", headers=headers)
        assert response.headers.getlist("Vary") == [merged]


def test_vary_from_several_application_headers_is_not_duplicated() -> None:
    app = RecordingApp(headers=[("Content-Type", "text/plain"), ("Vary", "Origin"), ("Vary", "Cookie")])
    response = make_client(app).get("/", headers={"Origin": ALLOWED})
    assert response.headers.getlist("Vary") == ["Origin", "Cookie"]


def test_vary_header_off_adds_no_vary(cors: Callable[..., Client]) -> None:
    client = cors(origins=[ALLOWED], vary_header=False)
    assert "Vary" not in client.get("/", headers={"Origin": ALLOWED}).headers
    assert "Vary" not in client.get("/", headers={"Origin": EVIL}).headers
    assert "Vary" not in preflight(client).headers


@pytest.mark.parametrize(
    ("own", "expected"),
    [
        (("Access-Control-Allow-Credentials", "true"), {"Access-Control-Allow-Credentials": "true"}),
        (("access-control-expose-headers", "X-Own"), {"access-control-expose-headers": "X-Own"}),
    ],
)
def test_a_cors_header_the_application_set_itself_is_not_sent_twice(
    own: tuple[str, str], expected: dict[str, str]
) -> None:
    # Without Access-Control-Allow-Origin of its own, the application still gets the grant; a
    # second Access-Control-Allow-Credentials would read "true, true", which browsers refuse.
    app = RecordingApp(headers=[("Content-Type", "text/plain"), own])
    client = make_client(app, origins=[ALLOWED], supports_credentials=True, expose_headers=["X-Ours"])
    response = client.get("/", headers={"Origin": ALLOWED})
    assert response.headers.getlist(own[0]) == [own[1]]
    headers = cors_headers(response)
    assert headers["Access-Control-Allow-Origin"] == ALLOWED
    for name, value in expected.items():
        assert headers[name] == value
