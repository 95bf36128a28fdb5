"""The middleware writes back only what merge_headers changed; property: the same response
headers as writing back every merged header (the plain form)."""

from __future__ import annotations

from django.http import HttpResponse
from hypothesis import given
from hypothesis import strategies as st

from wsgi_cors.django.middleware import _add_headers
from wsgi_cors.middleware import merge_headers
from wsgi_cors.policy import Decision, Kind

NAMES = st.sampled_from(
    [
        "Vary",
        "vary",
        "Access-Control-Allow-Origin",
        "Access-Control-Expose-Headers",
        "access-control-allow-credentials",
        "X-Request-Id",
        "Cache-Control",
    ]
)
VALUES = st.sampled_from(["", "*", "Origin", "origin, Cookie", "Accept-Language", "X-A", "true", "x"])
EXTRAS = st.lists(
    st.sampled_from(
        [
            ("Access-Control-Allow-Origin", "https://a.example"),
            ("Access-Control-Expose-Headers", "X-Request-Id"),
            ("Access-Control-Allow-Credentials", "true"),
        ]
    ),
    unique=True,
)
VARY = st.sampled_from([None, "Origin", "Origin, Access-Control-Request-Method"])


def response_with(headers: dict[str, str]) -> HttpResponse:
    response = HttpResponse()
    del response["Content-Type"]
    for name, value in headers.items():
        response[name] = value
    return response


@given(st.dictionaries(NAMES, VALUES, max_size=5), EXTRAS, VARY)
def test_write_back_equals_setting_every_merged_header(
    headers: dict[str, str], extra: list[tuple[str, str]], vary: str | None
) -> None:
    fast = response_with(headers)
    _add_headers(fast, Decision(False, tuple(extra), vary, True, Kind.ACTUAL))

    plain = response_with(headers)
    for name, value in merge_headers(list(plain.items()), tuple(extra), vary):
        plain[name] = value
    assert dict(fast.items()) == dict(plain.items())
