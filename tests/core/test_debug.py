"""Debug mode: how the option flows in, what each refusal answers, and when it warns."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterable
from typing import Any

import pytest
from werkzeug.test import Client

from wsgi_cors import ConfigurationError, ConfigurationTypeError, CORSDebugWarning, CORSMiddleware
from wsgi_cors.debug import DEBUG_HEADER, MAX_QUOTED, header_value, quote
from wsgi_cors.paste import filter_factory
from wsgi_cors.policy import Refusal

DEV = "http://localhost:3000"
OTHER = "http://evil.localhost:3000"
PREFLIGHT_VARY = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"


class App:
    """Records whether it was called."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        self.calls.append(environ["REQUEST_METHOD"])
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]


def middleware(app: Any = None, **options: Any) -> CORSMiddleware:
    return CORSMiddleware(app or App(), **{"origins": [DEV], "debug": True, **options})


def preflight(
    app: CORSMiddleware, method: str = "PUT", headers: str = "", origin: str = DEV, **extra: str
) -> Any:
    sent = {"Origin": origin, "Access-Control-Request-Method": method, **extra}
    if headers:
        sent["Access-Control-Request-Headers"] = headers
    return Client(app).options("/items", headers=sent)


# --- the option --------------------------------------------------------------------------------


def test_debug_is_off_by_default_and_refusals_stay_bare() -> None:
    response = preflight(
        CORSMiddleware(App(), origins=[DEV], allow_headers=["Content-Type"]), headers="x-token"
    )
    assert DEBUG_HEADER not in response.headers
    assert "Access-Control-Allow-Origin" not in response.headers


@pytest.mark.parametrize(
    "build",
    [
        lambda app: CORSMiddleware(app, origins=[DEV], methods=["GET"], debug=True),
        lambda app: CORSMiddleware.from_mapping(
            app, {"CORS_ORIGINS": [DEV], "CORS_METHODS": "GET", "CORS_DEBUG": "true"}
        ),
        lambda app: CORSMiddleware.from_env(
            app, environ={"CORS_ORIGINS": DEV, "CORS_METHODS": "GET", "CORS_DEBUG": "1"}
        ),
        lambda app: filter_factory({}, origins=DEV, methods="GET", debug="on")(app),
    ],
    ids=["keyword", "from_mapping", "from_env", "paste"],
)
def test_every_configuration_source_turns_debug_on(build: Any) -> None:
    response = preflight(build(App()), method="DELETE")
    assert response.headers[DEBUG_HEADER] == 'refusal=method-refused; detail="DELETE"; resource="/*"'


def test_debug_text_false_from_the_environment_is_off() -> None:
    app = CORSMiddleware.from_env(
        App(), environ={"CORS_ORIGINS": DEV, "CORS_METHODS": "GET", "CORS_DEBUG": "false"}
    )
    assert DEBUG_HEADER not in preflight(app, method="DELETE").headers


def test_debug_must_be_a_boolean() -> None:
    with pytest.raises(ConfigurationTypeError, match=r"^debug='yes': expected True or False"):
        CORSMiddleware(App(), debug="yes")


WHOLE_CONFIGURATION = "'debug' here: it applies to the whole configuration"


def test_a_resource_entry_cannot_set_debug() -> None:
    with pytest.raises(ConfigurationError, match=WHOLE_CONFIGURATION):
        CORSMiddleware(App(), resources={"/api/*": {"debug": True}})


# --- debug answers to refused preflights ---------------------------------------------------------


def test_a_refused_header_gets_the_grant_without_that_header() -> None:
    app = App()
    response = preflight(
        middleware(app, allow_headers=["Content-Type", "X-Other"], methods=["GET", "PUT"]),
        headers="content-type,x-token,x-other",
    )
    assert response.status_code == 200
    assert list(response.headers.items()) == [
        ("Access-Control-Allow-Origin", DEV),
        ("Access-Control-Allow-Methods", "GET, PUT"),
        ("Access-Control-Allow-Headers", "content-type, x-other"),
        (DEBUG_HEADER, 'refusal=header-refused; detail="x-token"; resource="/*"'),
        ("Vary", PREFLIGHT_VARY),
        ("Content-Type", "text/plain; charset=utf-8"),
        ("Content-Length", "0"),
    ]
    assert app.calls == []


def test_a_refused_method_gets_the_allowed_methods_without_it() -> None:
    response = preflight(middleware(methods=["GET", "PUT"], supports_credentials=True), method="DELETE")
    assert response.headers["Access-Control-Allow-Origin"] == DEV
    assert response.headers["Access-Control-Allow-Credentials"] == "true"
    assert response.headers["Access-Control-Allow-Methods"] == "GET, PUT"
    assert "Access-Control-Allow-Headers" not in response.headers
    assert "Access-Control-Max-Age" not in response.headers


@pytest.mark.parametrize("method", ["GET", "HEAD", "POST"])
def test_a_refused_safelisted_method_gets_no_allow_origin(method: str) -> None:
    # Browsers pass GET, HEAD and POST whatever Access-Control-Allow-Methods says.
    response = preflight(middleware(methods=["PUT"]), method=method)
    assert "Access-Control-Allow-Origin" not in response.headers
    assert "Access-Control-Allow-Methods" not in response.headers
    assert response.headers[DEBUG_HEADER] == f'refusal=method-refused; detail="{method}"; resource="/*"'


def test_a_refused_origin_gets_no_allow_origin_at_all() -> None:
    app = App()
    response = preflight(middleware(app), origin=OTHER)
    assert [name for name, _ in response.headers.items()] == [
        DEBUG_HEADER,
        "Vary",
        "Content-Type",
        "Content-Length",
    ]
    assert response.headers[DEBUG_HEADER] == 'refusal=origin-refused; resource="/*"'
    assert app.calls == []


def test_a_star_in_the_configuration_is_never_sent_in_a_debug_answer() -> None:
    # "*" among the methods means any method (as browsers read it): the refused header is
    # named, and the methods are the request's, never "*".
    response = preflight(
        middleware(methods=["GET", "*"], allow_headers=["Content-Type"]), method="PUT", headers="x-token"
    )
    assert response.headers["Access-Control-Allow-Methods"] == "PUT"
    assert response.headers.get("Access-Control-Allow-Headers", "") == ""
    response = preflight(middleware(allow_headers=["X-Token", r"[*]"]), headers="*,x-token,x-other")
    assert response.headers["Access-Control-Allow-Headers"] == "x-token"


def test_private_network_is_granted_in_a_debug_answer_only_where_a_grant_would_give_it() -> None:
    pna = {"Access-Control-Request-Private-Network": "true"}
    on = preflight(middleware(allow_private_network=True, allow_headers=["A"]), headers="x-token", **pna)
    assert on.headers["Access-Control-Allow-Private-Network"] == "true"
    off = preflight(middleware(allow_headers=["A"]), headers="x-token", **pna)
    assert "Access-Control-Allow-Private-Network" not in off.headers


def test_without_automatic_options_only_the_reason_is_added_to_the_applications_answer() -> None:
    app = App()
    response = preflight(middleware(app, automatic_options=False, allow_headers=["A"]), headers="x-token")
    assert app.calls == ["OPTIONS"]
    assert "Access-Control-Allow-Origin" not in response.headers
    assert response.headers[DEBUG_HEADER] == 'refusal=header-refused; detail="x-token"; resource="/*"'


def test_malformed_requests_get_the_reason_and_nothing_else() -> None:
    response = preflight(middleware(), headers="x token")
    assert "Access-Control-Allow-Origin" not in response.headers
    assert response.headers[DEBUG_HEADER] == 'refusal=header-malformed; resource="/*"'


# --- actual requests ---------------------------------------------------------------------------


def test_an_actual_request_from_a_refused_origin_gets_the_reason_and_no_grant() -> None:
    app = App()
    response = Client(middleware(app)).get("/items", headers={"Origin": OTHER})
    assert app.calls == ["GET"]
    assert "Access-Control-Allow-Origin" not in response.headers
    assert response.headers[DEBUG_HEADER] == 'refusal=origin-refused; resource="/*"'
    assert response.headers["Vary"] == "Origin"


def test_an_unprintable_origin_is_named_by_its_refusal_only() -> None:
    response = Client(middleware()).get("/items", environ_overrides={"HTTP_ORIGIN": "http://a\x7f\u00e9"})
    assert response.headers[DEBUG_HEADER] == 'refusal=origin-malformed; resource="/*"'


def test_a_grant_carries_no_debug_header() -> None:
    response = Client(middleware()).get("/items", headers={"Origin": DEV})
    assert response.headers["Access-Control-Allow-Origin"] == DEV
    assert DEBUG_HEADER not in response.headers


# --- the header format -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("x-token", '"x-token"'),
        ('a"b\\c%d', '"a%22b%5Cc%25d"'),
        ("a\r\nb\x00", '"a%0D%0Ab%00"'),
        ("é", '"%C3%A9"'),
        ("/données/*", '"/donn%C3%A9es/*"'),
    ],
)
def test_quoted_values_are_printable_ascii_without_quotes_inside(text: str, quoted: str) -> None:
    assert quote(text) == (quoted, False)


def test_long_values_are_cut_and_marked() -> None:
    value = header_value(Refusal.HEADER_REFUSED, "x" * 1000, "/*")
    assert value == f'refusal=header-refused; detail="{"x" * MAX_QUOTED}"; resource="/*"; truncated'
    quoted, cut = quote("é" * 100)
    assert cut
    assert len(quoted) <= MAX_QUOTED + 2
    assert quoted.endswith('%A9"')  # never half a character


def test_a_resource_pattern_is_quoted_too() -> None:
    app = CORSMiddleware(App(), resources={'/a"b/*': {}}, origins=[DEV], debug=True)
    response = Client(app).get('/a"b/x', headers={"Origin": OTHER})
    assert response.headers[DEBUG_HEADER] == 'refusal=origin-refused; resource="/a%22b/*"'


# --- the log -----------------------------------------------------------------------------------


def test_each_refusal_is_logged_at_debug_with_its_structured_reason(caplog: pytest.LogCaptureFixture) -> None:
    app = middleware(allow_headers=["Content-Type"])
    with caplog.at_level(logging.DEBUG, logger="wsgi_cors"):
        preflight(app, headers="x-token\u00e9")
        preflight(app, headers="x-token")
    malformed, refused = caplog.records
    assert refused.getMessage() == (
        "'OPTIONS' '/items' from origin 'http://localhost:3000': resource '/*', refused: "
        "header 'x-token' not in allow_headers [refusal=header-refused detail='x-token']"
    )
    assert (refused.cors_refusal, refused.cors_detail, refused.cors_resource) == (
        "header-refused",
        "x-token",
        "/*",
    )  # type: ignore[attr-defined]
    assert malformed.getMessage().endswith("[refusal=header-malformed]")


# --- the production warning --------------------------------------------------------------------


@pytest.mark.parametrize(
    "origins",
    [
        [DEV],
        ["http://127.0.0.1:5173", "http://[::1]:8080", "https://localhost"],
        ["http://*.localhost:3000"],
        [r"http://localhost:\d+"],
        [r"^https?://127\.0\.0\.1(:\d+)?$"],
    ],
)
def test_debug_with_loopback_origins_only_is_development(origins: list[str]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        CORSMiddleware(App(), origins=origins, debug=True)


@pytest.mark.parametrize(
    ("origins", "named"),
    [
        ("*", "'*'"),
        ([DEV, "https://app.example.com"], "'https://app.example.com'"),
        (["null"], "'null'"),
        ([r"http://localhost:\d+|https://evil\.example"], r"'http://localhost:\\d+|https://evil\\.example'"),
        (["http://localhost.example.com"], "'http://localhost.example.com'"),
        ([r"https?://localhost\.evil\.com"], "localhost"),
    ],
)
def test_debug_with_any_other_origin_looks_like_production(origins: object, named: str) -> None:
    with pytest.warns(CORSDebugWarning, match="looks like production") as caught:
        CORSMiddleware(App(), origins=origins, debug=True)
    assert len(caught) == 1
    message = str(caught[0].message)
    assert named in message
    assert message.startswith("debug=True: ")
    assert "Fix: turn it off outside development" in message
    assert caught[0].filename == __file__  # points at the user's line


def test_a_callable_origin_looks_like_production() -> None:
    def trusted(origin: str) -> bool:
        return origin == DEV

    with pytest.warns(CORSDebugWarning, match="'trusted'"):
        CORSMiddleware(App(), origins=trusted, debug=True)


def test_debug_off_never_warns() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        CORSMiddleware(App(), origins="*", debug=False)


def test_escalated_security_warnings_refuse_debug_in_production() -> None:
    from wsgi_cors import CORSSecurityWarning

    with warnings.catch_warnings():
        warnings.simplefilter("error", CORSSecurityWarning)
        with pytest.raises(CORSDebugWarning):
            CORSMiddleware(App(), origins=["https://app.example.com"], debug=True)
