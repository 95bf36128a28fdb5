"""Origin rules: every kind matches the whole serialised origin, never a prefix or suffix."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.test import Client

from tests.support import ALLOWED, RecordingApp, cors_headers, make_client
from wsgi_cors import ConfigurationError, CORSMiddleware, CORSSecurityWarning
from wsgi_cors.fetch import echoable_origin


def allow_origin(client: Client, origin: str) -> str | None:
    return client.get("/", headers={"Origin": origin}).headers.get("Access-Control-Allow-Origin")


def test_any_origin_is_echoed_with_vary(cors: Callable[..., Client]) -> None:
    response = cors().get("/", headers={"Origin": "https://anyone.example"})
    assert cors_headers(response) == {
        "Access-Control-Allow-Origin": "https://anyone.example",
        "Vary": "Origin",
    }


def test_send_wildcard_answers_star_without_vary(cors: Callable[..., Client]) -> None:
    response = cors(send_wildcard=True).get("/", headers={"Origin": "https://anyone.example"})
    assert cors_headers(response) == {"Access-Control-Allow-Origin": "*"}


def test_exact_origins_compare_case_insensitively_and_echo_the_request_bytes(
    cors: Callable[..., Client],
) -> None:
    client = cors(origins=["https://App.Example.com"])
    assert allow_origin(client, "https://app.example.com") == "https://app.example.com"
    assert allow_origin(client, "HTTPS://APP.EXAMPLE.COM") == "HTTPS://APP.EXAMPLE.COM"


def test_exact_origin_with_default_port_matches_what_browsers_send(cors: Callable[..., Client]) -> None:
    client = cors(origins=["https://app.example.com:443", "http://api.example.com:8080"])
    assert allow_origin(client, "https://app.example.com") == "https://app.example.com"
    assert allow_origin(client, "http://api.example.com:8080") == "http://api.example.com:8080"
    assert allow_origin(client, "http://api.example.com") is None


@pytest.mark.parametrize(
    "origin",
    [
        "https://app.example.com.evil.net",
        "https://evilapp.example.com",
        "https://app.example.co",
        "http://app.example.com",
        "https://app.example.com:8443",
    ],
)
def test_exact_origin_refuses_look_alikes(cors: Callable[..., Client], origin: str) -> None:
    response = cors(origins=[ALLOWED]).get("/", headers={"Origin": origin})
    assert cors_headers(response) == {"Vary": "Origin"}


def test_regex_string_matches_the_whole_origin(cors: Callable[..., Client]) -> None:
    client = cors(origins=[r"https://.*\.good\.example"])
    assert allow_origin(client, "https://x.good.example") == "https://x.good.example"
    assert allow_origin(client, "https://x.good.example.evil.com") is None
    assert allow_origin(client, "http://evil.com/https://x.good.example") is None


def test_compiled_regex_matches_the_whole_origin(cors: Callable[..., Client]) -> None:
    client = cors(origins=[re.compile(r"https://(a|b)\.example\.com")])
    assert allow_origin(client, "https://b.example.com") == "https://b.example.com"
    assert allow_origin(client, "https://b.example.com.evil.net") is None


def test_many_regexes_each_still_match_whole_origins(cors: Callable[..., Client]) -> None:
    client = cors(origins=[rf"https://tenant{i}\.example\.com" for i in range(50)])
    assert allow_origin(client, "https://tenant49.example.com") == "https://tenant49.example.com"
    assert allow_origin(client, "https://tenant4.example.com") == "https://tenant4.example.com"
    assert allow_origin(client, "https://tenant4.example.com.evil") is None
    assert allow_origin(client, "https://tenant50.example.com") is None


def test_regexes_with_backreferences_are_not_broken_by_joining(cors: Callable[..., Client]) -> None:
    client = cors(origins=[r"https://(\w+)\.\1\.example", r"https://(x)-\1\.example"])
    assert allow_origin(client, "https://ab.ab.example") == "https://ab.ab.example"
    assert allow_origin(client, "https://x-x.example") == "https://x-x.example"
    assert allow_origin(client, "https://ab.cd.example") is None


@pytest.mark.parametrize(
    "origin", ["https://a.example.com", "https://a.b.example.com", "https://A.Example.Com"]
)
def test_wildcard_host_pattern_grants_subdomains(cors: Callable[..., Client], origin: str) -> None:
    assert allow_origin(cors(origins=["https://*.example.com"]), origin) == origin


@pytest.mark.parametrize(
    "origin",
    [
        "https://example.com",
        "http://a.example.com",
        "https://aexample.com",
        "https://a.example.com:8443",
        "https://a.example.com.evil.net",
        "https://.example.com",
        "https://a..example.com",
    ],
)
def test_wildcard_host_pattern_fixes_scheme_port_and_whole_labels(
    cors: Callable[..., Client], origin: str
) -> None:
    assert allow_origin(cors(origins=["https://*.example.com"]), origin) is None


def test_wildcard_host_pattern_with_port(cors: Callable[..., Client]) -> None:
    client = cors(origins=["https://*.example.com:8443"])
    assert allow_origin(client, "https://a.example.com:8443") == "https://a.example.com:8443"
    assert allow_origin(client, "https://a.example.com") is None


def test_callable_decides_dynamically(cors: Callable[..., Client]) -> None:
    tenants = {"https://t1.example"}
    client = cors(origins=lambda origin: origin in tenants)
    assert allow_origin(client, "https://t1.example") == "https://t1.example"
    assert allow_origin(client, "https://t2.example") is None
    tenants.add("https://t2.example")
    assert allow_origin(client, "https://t2.example") == "https://t2.example"


def test_callable_that_raises_refuses_and_logs(
    cors: Callable[..., Client], app: RecordingApp, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(origin: str) -> bool:
        raise RuntimeError("tenant database down")

    with caplog.at_level(logging.ERROR, logger="wsgi_cors"):
        response = cors(origins=[broken]).get("/", headers={"Origin": "https://t1.example"})
    assert response.status_code == 200
    assert cors_headers(response) == {"Vary": "Origin"}
    assert len(app.calls) == 1
    assert "origins callable" in caplog.text
    assert "tenant database down" in caplog.text


def test_callable_must_return_true_not_just_truthy(cors: Callable[..., Client]) -> None:
    # A callable that returns the origin string (truthy) by mistake must not grant it.
    assert allow_origin(cors(origins=[lambda origin: origin]), "https://t1.example") is None


def test_mixed_rule_kinds_in_one_list(cors: Callable[..., Client]) -> None:
    client = cors(
        origins=[
            ALLOWED,
            "https://*.tenants.example",
            r"https://preview-\d+\.example",
            lambda o: o.endswith(".test"),
        ]
    )
    for origin in (ALLOWED, "https://a.tenants.example", "https://preview-7.example", "https://x.test"):
        assert allow_origin(client, origin) == origin
    assert allow_origin(client, "https://other.example") is None


def test_null_is_granted_by_star_without_credentials(cors: Callable[..., Client]) -> None:
    assert allow_origin(cors(), "null") == "null"


def test_null_is_not_granted_by_star_with_credentials() -> None:
    with pytest.warns(CORSSecurityWarning, match="any web site"):
        client = make_client(RecordingApp(), supports_credentials=True)
    assert allow_origin(client, "null") is None
    assert allow_origin(client, "https://app.example.com") == "https://app.example.com"


def test_null_is_granted_with_credentials_only_when_listed(cors: Callable[..., Client]) -> None:
    with pytest.warns(CORSSecurityWarning, match="origins='null'"):
        listed = cors(origins=[ALLOWED, "null"], supports_credentials=True)
    assert allow_origin(listed, "null") == "null"
    unlisted = cors(origins=[ALLOWED], supports_credentials=True)
    assert allow_origin(unlisted, "null") is None


def test_null_is_not_granted_by_regexes_patterns_or_callables(cors: Callable[..., Client]) -> None:
    client = cors(origins=[r".+", "https://*.example.com", lambda origin: True])
    assert allow_origin(client, "null") is None


@pytest.mark.parametrize(
    "origin",
    [
        "https://a.example\r\nSet-Cookie: x=1",
        "https://a.example, https://b.example",
        "https://a example",
        "https://caf\xe9.example",
        "",
        "https://" + "a" * 2000,
    ],
)
def test_origin_that_could_damage_the_response_is_never_echoed(
    cors: Callable[..., Client], origin: str
) -> None:
    # Set in environ directly: a real server may pass on what a test client would refuse.
    response = cors().get("/", environ_overrides={"HTTP_ORIGIN": origin})
    assert cors_headers(response) == {"Vary": "Origin"}


@pytest.mark.parametrize(
    "origin", ["www.example.com", "https://a.example/path", "javascript:alert(1)", "a.example:8080"]
)
def test_an_origin_in_another_spelling_is_echoed_as_sent_under_star(
    cors: Callable[..., Client], origin: str
) -> None:
    """A browser compares the answer with its own origin byte for byte: an odd spelling grants nothing."""
    response = cors().get("/", environ_overrides={"HTTP_ORIGIN": origin})
    assert cors_headers(response) == {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}


def test_an_origin_in_another_spelling_is_granted_only_by_a_rule_matching_all_of_it(
    cors: Callable[..., Client],
) -> None:
    client = cors(origins=[r"[a-z]+\.example\.com", "https://a.example"])
    assert allow_origin(client, "www.example.com") == "www.example.com"
    assert allow_origin(client, "www.example.com.evil.net") is None
    assert allow_origin(client, "a.example") is None


# --- exact origins as browsers serialise them: IPv6 hosts, ports --------------------------------


@pytest.mark.parametrize(
    ("configured", "sent"),
    [
        ("http://[::1]:8000", "http://[::1]:8000"),
        ("http://[::1]", "http://[::1]"),
        ("https://[2001:DB8::1]", "https://[2001:db8::1]"),
        ("http://[0:0:0:0:0:0:0:1]:8080", "http://[::1]:8080"),
    ],
)
def test_ipv6_exact_origins_are_exact_not_regexes(
    cors: Callable[..., Client], configured: str, sent: str
) -> None:
    client = cors(origins=[configured])
    assert allow_origin(client, sent) == sent
    assert allow_origin(client, "http://1") is None  # as a regex, [::1] would be a class


def test_a_bracketed_class_that_is_no_address_stays_a_regex(cors: Callable[..., Client]) -> None:
    client = cors(origins=[r"https://[ab]\.example"])
    assert allow_origin(client, "https://a.example") == "https://a.example"


@pytest.mark.parametrize(
    ("configured", "sent"),
    [
        ("https://app.example.com:0443", "https://app.example.com"),
        ("https://app.example.com:443", "https://app.example.com"),
        ("http://app.example.com:08080", "http://app.example.com:8080"),
        ("https://*.example.com:0443", "https://api.example.com"),
    ],
)
def test_ports_are_compared_as_browsers_serialise_them(
    cors: Callable[..., Client], configured: str, sent: str
) -> None:
    assert allow_origin(cors(origins=[configured]), sent) == sent


@pytest.mark.parametrize("entry", ["https://app.example.com:99999", "https://*.example.com:70000"])
def test_an_impossible_port_is_a_configuration_error(entry: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        CORSMiddleware(RecordingApp(), origins=[entry])
    message = str(caught.value)
    assert message.startswith(f"origins={entry!r}: port ")
    assert "does not exist" in message
    assert "Fix: correct the port." in message


@pytest.mark.parametrize(
    ("entry", "canonical"),
    [
        ("http://127.000.000.001", "http://127.0.0.1"),
        ("http://010.0.0.1:8000", "http://8.0.0.1"),
        ("http://0x7f.1", "http://127.0.0.1"),
        ("http://192.168.1.1.", "http://192.168.1.1"),
    ],
)
def test_an_ipv4_host_browsers_rewrite_is_an_error_naming_what_they_send(entry: str, canonical: str) -> None:
    # A browser loads http://127.000.000.001 as http://127.0.0.1 and sends that as its origin,
    # so the entry as written would never match.
    with pytest.raises(ConfigurationError) as caught:
        CORSMiddleware(RecordingApp(), origins=[entry])
    assert str(caught.value).endswith(f"Fix: write {canonical!r}.")


def test_canonical_ipv4_origins_are_exact(cors: Callable[..., Client]) -> None:
    client = cors(origins=["http://127.0.0.1:8000", "http://10.0.0.1"])
    assert allow_origin(client, "http://127.0.0.1:8000") == "http://127.0.0.1:8000"
    assert allow_origin(client, "http://10.0.0.1") == "http://10.0.0.1"
    assert allow_origin(client, "http://10.0.0.10") is None


# The definition echoable_origin is written for speed against: a regular expression.
ECHOABLE_BY_DEFINITION = re.compile(r"[\x21-\x2b\x2d-\x7e]+")


@given(
    st.one_of(
        st.text(max_size=30),
        st.text(st.characters(max_codepoint=0x80), max_size=30),
        st.sampled_from(["", " ", ",", "\x7f", "\x20", "\x21", "\x7e", "\t", "https://a.b", "https://é.b"]),
    )
)
def test_echoable_origin_is_the_character_class_it_documents(origin: str) -> None:
    assert echoable_origin(origin) == bool(ECHOABLE_BY_DEFINITION.fullmatch(origin))


@pytest.mark.parametrize(
    "character", [chr(code) for code in range(0x100)] + ["\u00a0", "\u2028", "\U0001f600"]
)
def test_echoable_origin_over_every_latin1_character(character: str) -> None:
    expected = 0x21 <= ord(character) <= 0x7E and character != ","
    assert echoable_origin(f"https://a{character}b.example") is expected
    assert echoable_origin(character) is expected
