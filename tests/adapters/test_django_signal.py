"""The check_request_enabled signal: what a receiver's yes enables, when receivers are asked,
and what it can never grant."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.http import HttpRequest

from wsgi_cors.django import check_request_enabled

from .django_support import ALLOWED, CALLS, REFUSED, Client, cors_headers, cors_settings, preflight

PREFLIGHT_VARY = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"

Receiver = Callable[..., Any]


@contextmanager
def receiver(answer: Callable[[HttpRequest], Any]) -> Iterator[list[HttpRequest]]:
    """Connect a receiver answering ``answer(request)``; yields the requests it was asked about."""
    asked: list[HttpRequest] = []

    def handler(sender: object, request: HttpRequest, **kwargs: Any) -> Any:
        assert sender is None
        asked.append(request)
        return answer(request)

    check_request_enabled.connect(handler)
    try:
        yield asked
    finally:
        check_request_enabled.disconnect(handler)


def test_a_yes_grants_an_origin_the_settings_refuse() -> None:
    with cors_settings(CORS_ALLOWED_ORIGINS=[ALLOWED]), receiver(lambda request: True) as asked:
        response = Client().get("/api/items", headers={"origin": REFUSED})
        assert cors_headers(response) == {
            "Access-Control-Allow-Origin": REFUSED,
            "Vary": "Accept-Language, Origin",
        }
        assert len(asked) == 1


def test_a_no_leaves_the_refusal() -> None:
    with cors_settings(CORS_ALLOWED_ORIGINS=[ALLOWED]), receiver(lambda request: 0) as asked:
        response = Client().get("/api/items", headers={"origin": REFUSED})
        assert cors_headers(response) == {"Vary": "Accept-Language, Origin"}
        assert len(asked) == 1


def test_receivers_are_not_asked_when_the_settings_grant() -> None:
    with cors_settings(CORS_ALLOWED_ORIGINS=[ALLOWED]), receiver(lambda request: True) as asked:
        response = Client().get("/api/items", headers={"origin": ALLOWED})
        assert response["Access-Control-Allow-Origin"] == ALLOWED
        assert asked == []


def test_receivers_are_not_asked_without_origin() -> None:
    with cors_settings(CORS_URLS_REGEX=r"^/api/"), receiver(lambda request: True) as asked:
        response = Client().get("/public")
        # Another origin could be enabled on this path: a cache must keep the answers apart.
        assert cors_headers(response) == {"Vary": "Origin"}
        assert asked == []


def test_receivers_are_not_asked_about_a_malformed_origin() -> None:
    with cors_settings(), receiver(lambda request: True) as asked:
        response = Client().get("/api/items", headers={"origin": "https://a.example\tx"})
        assert "Access-Control-Allow-Origin" not in response
        assert asked == []


def test_a_yes_enables_a_path_outside_cors_urls_regex_with_a_preflight_answer() -> None:
    def api_for_everyone(request: HttpRequest) -> bool:
        return request.path_info.startswith("/public")

    with cors_settings(CORS_URLS_REGEX=r"^/api/", CORS_ALLOWED_ORIGINS=[ALLOWED]), receiver(api_for_everyone):
        response = preflight(Client(), "/public", origin=REFUSED, method="GET")
        assert response.status_code == 200
        assert cors_headers(response) == {
            "Access-Control-Allow-Origin": REFUSED,
            "Access-Control-Allow-Methods": "DELETE, GET, OPTIONS, PATCH, POST, PUT",
            "Access-Control-Max-Age": "7200",
            "Vary": PREFLIGHT_VARY,
        }
        assert CALLS == []


def test_a_no_outside_cors_urls_regex_leaves_the_request_to_the_view_with_vary() -> None:
    with cors_settings(CORS_URLS_REGEX=r"^/api/", CORS_ALLOWED_ORIGINS=[ALLOWED]), receiver(lambda r: False):
        response = preflight(Client(), "/public", origin=ALLOWED, method="GET")
        assert response.content == b"public page"
        assert cors_headers(response) == {"Vary": "Origin"}
        assert CALLS == [("public", "OPTIONS")]


def test_without_receivers_a_path_outside_cors_urls_regex_is_untouched() -> None:
    with cors_settings(CORS_URLS_REGEX=r"^/api/", CORS_ALLOWED_ORIGINS=[ALLOWED]):
        response = Client().get("/public", headers={"origin": ALLOWED})
        assert cors_headers(response) == {}


def test_a_yes_never_sends_credentials_with_a_star() -> None:
    with (
        cors_settings(CORS_ALLOWED_ORIGINS=[ALLOWED], CORS_ALLOW_CREDENTIALS=True),
        receiver(lambda request: True),
    ):
        response = Client().get("/api/items", headers={"origin": REFUSED})
        assert cors_headers(response) == {
            "Access-Control-Allow-Origin": REFUSED,
            "Access-Control-Allow-Credentials": "true",
            "Vary": "Accept-Language, Origin",
        }


@pytest.mark.parametrize(
    "origin", ["https://a.example\r\nSet-Cookie: x=1", "https://a.example, https://b.example"]
)
def test_a_yes_never_reflects_a_malformed_origin(origin: str) -> None:
    with cors_settings(CORS_ALLOWED_ORIGINS=[ALLOWED]), receiver(lambda request: True):
        response = Client().get("/api/items", headers={"origin": origin})
        assert "Access-Control-Allow-Origin" not in response


def test_a_yes_keeps_the_method_rules() -> None:
    with cors_settings(CORS_ALLOWED_ORIGINS=[ALLOWED]), receiver(lambda request: True):
        response = preflight(Client(), "/api/items", origin=REFUSED, method="PROPFIND")
        assert response.status_code == 200
        assert cors_headers(response) == {"Vary": PREFLIGHT_VARY}
        assert CALLS == []


def test_a_failing_receiver_fails_the_request_as_in_django_cors_headers() -> None:
    def broken(request: HttpRequest) -> bool:
        raise RuntimeError("receiver bug")

    with cors_settings(CORS_ALLOWED_ORIGINS=[ALLOWED]), receiver(broken):
        client = Client(raise_request_exception=True)
        with pytest.raises(RuntimeError, match="receiver bug"):
            client.get("/api/items", headers={"origin": REFUSED})


def test_a_path_no_receiver_enabled_is_logged_as_such(caplog: pytest.LogCaptureFixture) -> None:
    with (
        cors_settings(CORS_URLS_REGEX=r"^/api/", CORS_ALLOWED_ORIGINS=[ALLOWED]),
        receiver(lambda request: False),
        caplog.at_level(logging.DEBUG, logger="wsgi_cors"),
    ):
        Client().get("/public", headers={"origin": ALLOWED})
    assert [record.getMessage() for record in caplog.records if record.name == "wsgi_cors"] == [
        "'GET' '/public' from origin 'https://app.example.com': outside CORS_URLS_REGEX, and no "
        "check_request_enabled receiver enabled it"
    ]
