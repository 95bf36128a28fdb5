"""merge_headers, which reads the application's header list once, against the plain rule.

``plain_merge`` below is the rule written for reading rather than speed: every header name
lower-cased, each concern in its own pass. The property says the two always agree.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from wsgi_cors.middleware import merge_headers

Header = tuple[str, str]


def plain_merge(headers: list[Header], extra: tuple[Header, ...], vary: str | None) -> list[Header]:
    names = [name.lower() for name, _ in headers]
    if "access-control-allow-origin" in names:
        return headers
    own = {
        name
        for name in names
        if name in ("access-control-allow-credentials", "access-control-expose-headers")
    }
    merged = [*headers, *(header for header in extra if header[0].lower() not in own)]
    if vary is None:
        return merged
    vary_at = [index for index, name in enumerate(names) if name == "vary"]
    if not vary_at:
        return [*merged, ("Vary", vary)]
    present = {
        token.strip().lower()
        for (name, value) in headers
        if name.lower() == "vary"
        for token in value.split(",")
    }
    if "*" in present:
        return merged
    missing = [token for token in vary.split(", ") if token.lower() not in present]
    if missing:
        name, value = merged[vary_at[-1]]
        merged[vary_at[-1]] = (
            name,
            ", ".join([value.strip(), *missing]) if value.strip() else ", ".join(missing),
        )
    return merged


names = st.one_of(
    st.sampled_from(
        [
            "Content-Type",
            "Vary",
            "vary",
            "VARY",
            "Access-Control-Allow-Origin",
            "access-control-allow-origin",
            "Access-Control-Allow-Credentials",
            "ACCESS-CONTROL-EXPOSE-HEADERS",
            "Set-Cookie",
            "Vari",
            "Access-Control-Allow-Originx",
        ]
    ),
    st.text(max_size=33),
)
values = st.one_of(
    st.sampled_from(["", " ", "*", "Origin", "origin, Accept", "Accept-Encoding", " , "]),
    st.text(max_size=12),
)
headers = st.lists(st.tuples(names, values), max_size=6)
extras = st.sampled_from(
    [
        (),
        (("Access-Control-Allow-Origin", "https://app.example.com"),),
        (
            ("Access-Control-Allow-Origin", "https://app.example.com"),
            ("Access-Control-Expose-Headers", "X-Total"),
            ("Access-Control-Allow-Credentials", "true"),
        ),
    ]
)
varies = st.sampled_from(
    [
        None,
        "Origin",
        "Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
        "Access-Control-Request-Method, Access-Control-Request-Headers",
    ]
)


@given(headers, extras, varies)
def test_merge_headers_equals_the_plain_rule(
    application: list[Header], extra: tuple[Header, ...], vary: str | None
) -> None:
    before = list(application)
    assert merge_headers(application, extra, vary) == plain_merge(list(application), extra, vary)
    assert application == before  # the application's own list is never changed


@given(headers.map(lambda found: [*found, ("Vary", "Accept")] * 2), extras, varies)
def test_the_last_of_several_equal_vary_headers_takes_the_merge(
    application: list[Header], extra: tuple[Header, ...], vary: str | None
) -> None:
    assert merge_headers(application, extra, vary) == plain_merge(list(application), extra, vary)
