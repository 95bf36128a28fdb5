"""SECURITY.md's promises, attacked at their edges: one behaviour per test, named after the promise.

The broad invariants live in test_properties.py and the attack classes in
test_misconfiguration.py; these tests pin the edges those leave open (odd characters in
``Origin``, ``send_wildcard``, preflights passed to the application, HEAD, log lines, and the
configurations a careless author writes).
"""

from __future__ import annotations

import logging
import re
import sys
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.support import ALLOWED, cors_headers, make_client, preflight
from tests.support import RecordingApp as ClientApp
from wsgi_cors import ConfigurationError, CORSMiddleware, CORSSecurityWarning
from wsgi_cors.fetch import MAX_ORIGIN_LENGTH

from .harness import RecordingApp, call

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

EVIL = "https://evil.example.net"
PREFLIGHT_VARY = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"

# The characters an echoed Origin may hold: visible ASCII but the comma; anything else is refused.
ECHOABLE_CHARACTERS = frozenset(chr(code) for code in range(0x21, 0x7F)) - {","}


class Recorder:
    """An ``origins`` callable that grants everything and records what it was shown."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def __call__(self, origin: str) -> bool:
        self.seen.append(origin)
        return True


def _both_kinds(middleware: CORSMiddleware, origin: str) -> list[Any]:
    """The actual request and the preflight for one ``Origin`` value."""
    return [
        call(middleware, origin=origin),
        call(middleware, method="OPTIONS", origin=origin, request_method="PUT"),
    ]


# --- nothing is echoed that could damage the response or the log -------------------------------

ODD_ORIGINS = [
    "https://app.example.com\t",  # tab
    "https://app.exam\tple.com",
    "https://app.example.com\r\nSet-Cookie: a=b",  # CR LF
    "https://app.example.com\x00",  # NUL
    "https://app.example.com\x7f",  # DEL
    "https://app.example.c\x7fom",
    "https://app.\u0101xample.com",  # not latin-1: no server can even send it
    "https://app.example.com\u2028",  # LINE SEPARATOR
    "https://app.example.com\x85",  # NEXT LINE, a latin-1 control character
    "https://app.example.com\xa0",  # NO-BREAK SPACE
    "https://app.example.com,https://evil.example.net",  # two Origin headers joined by a server
    "https://app.example.com, https://evil.example.net",
    "https://app.example.com https://evil.example.net",
]


@pytest.mark.parametrize("origin", ODD_ORIGINS)
def test_an_origin_with_a_tab_del_non_latin_1_character_or_a_comma_is_never_echoed(origin: str) -> None:
    rule = Recorder()
    for middleware in (CORSMiddleware(RecordingApp()), CORSMiddleware(RecordingApp(), origins=[rule])):
        for response in _both_kinds(middleware, origin):
            assert response.header("Access-Control-Allow-Origin") is None
            assert response.header("Access-Control-Allow-Methods") is None
            assert all(origin not in value for _, value in response.headers)
    assert rule.seen == []


@given(origin=st.text(max_size=80))
def test_no_rule_ever_sees_an_origin_with_a_control_character_space_comma_or_non_ascii_text(
    origin: str,
) -> None:
    if set(origin) <= ECHOABLE_CHARACTERS:
        origin += " "  # always step outside the alphabet
    rule = Recorder()
    middleware = CORSMiddleware(RecordingApp(), origins=[rule])
    for response in _both_kinds(middleware, origin):
        assert response.header("Access-Control-Allow-Origin") is None
    assert rule.seen == []


@pytest.mark.parametrize(
    "origin", ["www.example.com", "https://app.example.com/path", 'https://app.example.com"', "<script>"]
)
def test_an_origin_in_another_spelling_is_echoed_exactly_as_sent_when_a_rule_grants_it(origin: str) -> None:
    """Harmless in a header, and useless to a page: browsers compare the answer byte for byte."""
    rule = Recorder()
    for response in _both_kinds(CORSMiddleware(RecordingApp(), origins=[rule]), origin):
        assert response.header("Access-Control-Allow-Origin") == origin
    assert rule.seen == [origin, origin]


def test_send_wildcard_answers_star_to_any_origin_value_and_echoes_none() -> None:
    """``"*"`` with ``send_wildcard`` does not look at the origin: odd values get ``*``, never themselves."""
    middleware = CORSMiddleware(RecordingApp(), send_wildcard=True)
    for origin in ("https://app.example.com\t", "https://" + "a" * MAX_ORIGIN_LENGTH, "x, y"):
        for response in _both_kinds(middleware, origin):
            assert response.header("Access-Control-Allow-Origin") == "*"
            assert all(origin not in value for _, value in response.headers)


# --- Origin values longer than any browser sends --------------------------------------------------


@pytest.mark.parametrize("origins", [["https://*.example.com"], [r"https://[a-z.]+\.example\.com"], "*"])
def test_an_origin_of_301_characters_is_refused_and_one_of_300_granted(origins: object) -> None:
    middleware = CORSMiddleware(RecordingApp(), origins=origins)
    labels = ".".join(["a" * 62] * 4)  # DNS labels are at most 63 characters
    fits = f"https://{'b' * (MAX_ORIGIN_LENGTH - len(f'https://.{labels}.example.com'))}.{labels}.example.com"
    assert len(fits) == MAX_ORIGIN_LENGTH
    too_long = fits.replace("https://", "https://b")
    for response in _both_kinds(middleware, fits):
        assert response.header("Access-Control-Allow-Origin") == fits
    for response in _both_kinds(middleware, too_long):
        assert response.header("Access-Control-Allow-Origin") is None
        assert "Origin" in (response.header("Vary") or "")


@given(extra=st.integers(min_value=1, max_value=5000))
def test_no_rule_ever_sees_an_origin_longer_than_300_characters(extra: int) -> None:
    rule = Recorder()
    middleware = CORSMiddleware(RecordingApp(), origins=[rule])
    origin = "https://" + "a" * (MAX_ORIGIN_LENGTH - len("https://") + extra)
    for response in _both_kinds(middleware, origin):
        assert response.header("Access-Control-Allow-Origin") is None
    assert rule.seen == []


# --- exact origins as browsers serialise them ----------------------------------------------------


def test_an_ipv4_mapped_ipv6_exact_origin_matches_its_browser_serialisation() -> None:
    # new URL("http://[::ffff:127.0.0.1]").origin is "http://[::ffff:7f00:1]" in every browser.
    middleware = CORSMiddleware(RecordingApp(), origins=["http://[::ffff:127.0.0.1]:8000"])
    sent = "http://[::ffff:7f00:1]:8000"
    assert call(middleware, origin=sent).header("Access-Control-Allow-Origin") == sent
    assert (
        call(middleware, origin="http://[::ffff:7f00:2]:8000").header("Access-Control-Allow-Origin") is None
    )


# --- credentials never with "*" ------------------------------------------------------------------


def test_credentials_with_send_wildcard_split_between_keyword_and_resource_is_an_error() -> None:
    with pytest.raises(ConfigurationError, match=r"send_wildcard=True: .*cannot work together"):
        CORSMiddleware(
            RecordingApp(), supports_credentials=True, resources={"/api/*": {"send_wildcard": True}}
        )


# --- the application's own CORS headers win ------------------------------------------------------


def test_a_preflight_passed_to_an_application_that_answers_cors_itself_is_left_alone() -> None:
    app = ClientApp(
        headers=[("Content-Type", "text/plain"), ("ACCESS-CONTROL-ALLOW-ORIGIN", "https://own.example")]
    )
    client = make_client(app, origins=[ALLOWED], automatic_options=False, supports_credentials=True)
    response = preflight(client, headers="x-a")
    assert len(app.calls) == 1
    assert cors_headers(response) == {"ACCESS-CONTROL-ALLOW-ORIGIN": "https://own.example"}


def test_an_error_page_that_answers_cors_itself_gets_no_second_allow_origin() -> None:
    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        start_response("200 OK", [("Content-Type", "text/plain")])
        try:
            raise RuntimeError("boom")
        except RuntimeError:
            start_response(
                "500 Internal Server Error",
                [("Content-Type", "text/plain"), ("access-control-allow-origin", "*")],
                sys.exc_info(),
            )
        return [b"error page"]

    started: list[list[tuple[str, str]]] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        started.append(headers)

    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/", "HTTP_ORIGIN": ALLOWED}
    CORSMiddleware(app, origins=[ALLOWED])(environ, start_response)  # type: ignore[arg-type]
    assert started[-1] == [("Content-Type", "text/plain"), ("access-control-allow-origin", "*")]


# --- Vary ----------------------------------------------------------------------------------------


def test_a_refused_preflight_passed_to_the_application_varies_on_origin_and_the_request() -> None:
    app = ClientApp()
    client = make_client(app, origins=[ALLOWED], automatic_options=False)
    response = preflight(client, origin=EVIL)
    assert len(app.calls) == 1
    assert response.get_data() == b"app body"
    assert cors_headers(response) == {"Vary": PREFLIGHT_VARY}


def test_a_head_request_gets_the_grant_and_vary_of_a_get() -> None:
    app = ClientApp(headers=[("Content-Type", "text/plain"), ("Vary", "Accept-Encoding")])
    client = make_client(app, origins=[ALLOWED], expose_headers="X-Total")
    for origin, expected in (
        (ALLOWED, {"Access-Control-Allow-Origin": ALLOWED, "Access-Control-Expose-Headers": "X-Total"}),
        (EVIL, {}),
    ):
        head = client.head("/", headers={"Origin": origin})
        get = client.get("/", headers={"Origin": origin})
        assert cors_headers(head) == cors_headers(get) == {**expected, "Vary": "Accept-Encoding, Origin"}
    assert [environ["REQUEST_METHOD"] for environ in app.calls] == ["HEAD", "GET", "HEAD", "GET"]


# --- Private Network Access ----------------------------------------------------------------------


@pytest.mark.parametrize("asked", ["TRUE", "True", "1", "true ", ""])
def test_private_network_is_granted_only_for_the_value_true(asked: str) -> None:
    middleware = CORSMiddleware(RecordingApp(), origins=[ALLOWED], allow_private_network=True)
    response = call(middleware, method="OPTIONS", origin=ALLOWED, request_method="GET", private_network=asked)
    assert response.header("Access-Control-Allow-Origin") == ALLOWED
    assert response.header("Access-Control-Allow-Private-Network") is None


@pytest.mark.parametrize(
    "request_fields", [{"request_method": "DELETE"}, {"request_method": "GET", "request_headers": "X-Secret"}]
)
def test_private_network_is_not_granted_when_the_preflight_is_refused(request_fields: dict[str, str]) -> None:
    middleware = CORSMiddleware(
        RecordingApp(),
        origins=[ALLOWED],
        methods=["GET"],
        allow_headers=["X-Token"],
        allow_private_network=True,
    )
    response = call(middleware, method="OPTIONS", origin=ALLOWED, private_network="true", **request_fields)
    assert response.header("Access-Control-Allow-Origin") is None
    assert response.header("Access-Control-Allow-Private-Network") is None


def test_private_network_is_not_granted_on_an_actual_request() -> None:
    middleware = CORSMiddleware(RecordingApp(), origins=[ALLOWED], allow_private_network=True)
    response = call(middleware, method="GET", origin=ALLOWED, private_network="true")
    assert response.header("Access-Control-Allow-Origin") == ALLOWED
    assert response.header("Access-Control-Allow-Private-Network") is None


# --- logs ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c"])
def test_a_unicode_line_separator_in_a_request_value_cannot_forge_a_log_line(
    caplog: pytest.LogCaptureFixture, separator: str
) -> None:
    """``str.splitlines()`` (and many log viewers) break lines at these too; ``%r`` escapes them."""
    middleware = CORSMiddleware(RecordingApp(), origins=[ALLOWED])
    with caplog.at_level(logging.DEBUG, logger="wsgi_cors"):
        call(middleware, method=f"GET{separator}FORGED", path=f"/x{separator}FORGED", origin=ALLOWED)
        call(middleware, path="/", origin=f"{ALLOWED}{separator}FORGED")
    messages = [record.getMessage() for record in caplog.records]
    assert len(messages) == 2
    for message in messages:
        assert len(message.splitlines()) == 1, message


# --- configuration guards ------------------------------------------------------------------------


def test_track_in_methods_warns_and_starts() -> None:
    """Browsers refuse to send TRACK, so the entry is useless, not dangerous: flask-cors starts with it."""
    with pytest.warns(CORSSecurityWarning, match=r"methods='TRACK': .*forbidden method.*Fix: remove 'TRACK'"):
        middleware = CORSMiddleware(RecordingApp(), methods=["GET", "track"])
    assert call(middleware, origin=ALLOWED).header("Access-Control-Allow-Origin") == ALLOWED


def test_an_origins_callable_is_never_called_at_start_up() -> None:
    rule = Recorder()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        middleware = CORSMiddleware(RecordingApp(), origins=[rule], supports_credentials=True)
    assert rule.seen == []
    assert call(middleware, origin=ALLOWED).header("Access-Control-Allow-Credentials") == "true"
    assert rule.seen == [ALLOWED]


def test_an_origin_with_a_query_is_read_as_a_regex_and_warned_about_not_refused() -> None:
    """``?`` marks a regex (flask-cors's heuristic), so the table's "origin with a query" row is
    an error only without regex characters; with them the unescaped-dot guard speaks."""
    with pytest.warns(CORSSecurityWarning, match=r"origins='https://app\.example\.com\?x=1': the '\.'"):
        middleware = CORSMiddleware(RecordingApp(), origins=["https://app.example.com?x=1"])
    assert call(middleware, origin=ALLOWED).header("Access-Control-Allow-Origin") is None


# --- resource ranking reads a regex's depth from its structure ----------------------------------


def test_a_broad_regex_of_slashed_prefixes_does_not_outrank_a_specific_subtree() -> None:
    """CVE-2024-6839's class: ranking by '/' in the text lets a broad alternation win."""
    admin = "https://admin.example.com"
    middleware = CORSMiddleware(
        RecordingApp(),
        resources={
            r"/(?:api/v1/|api/v2/|public/).*": {"origins": "*"},
            r"/api/v1/admin/*": {"origins": admin},
        },
    )
    assert (
        call(middleware, path="/api/v1/admin/users", origin=admin).header("Access-Control-Allow-Origin")
        == admin
    )
    refused = call(middleware, path="/api/v1/admin/users", origin=EVIL)
    assert refused.header("Access-Control-Allow-Origin") is None


def test_a_regex_with_nested_repeats_is_refused_at_start_up() -> None:
    """Every accepted configuration answers any request in bounded time: (a+)+ is not accepted."""
    with pytest.raises(ConfigurationError) as caught:
        CORSMiddleware(RecordingApp(), origins=[r"https://(a+)+\.example"])
    assert str(caught.value).startswith("origins='https://(a+)+\\\\.example': ")
    assert "'https://*.example.com'" in str(caught.value)


def test_a_deep_alternation_still_outranks_a_shallow_subtree() -> None:
    """The other way round: every branch of this regex is deeper than /api/*, so it ranks first."""
    admin = "https://admin.example.com"
    middleware = CORSMiddleware(
        RecordingApp(),
        resources={r"/(?:api|public)/v1/admin/.*": {"origins": admin}, r"/api/*": {"origins": "*"}},
    )
    assert call(middleware, path="/api/v1/admin/x", origin=EVIL).header("Access-Control-Allow-Origin") is None
    assert (
        call(middleware, path="/api/v1/admin/x", origin=admin).header("Access-Control-Allow-Origin") == admin
    )


def test_every_test_security_md_names_exists() -> None:
    """SECURITY.md backs each promise with named tests; a renamed or deleted one must not linger."""
    root = Path(__file__).resolve().parents[3]
    named = re.findall(r"`(tests/[\w/]+\.py)::(\w+)`", (root / "SECURITY.md").read_text(encoding="utf-8"))
    assert len(named) > 40
    missing = [
        f"{path}::{name}"
        for path, name in named
        if not re.search(rf"^(?:async )?def {name}\(", (root / path).read_text(encoding="utf-8"), re.M)
    ]
    assert missing == []
