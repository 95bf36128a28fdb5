"""django-cors-headers's settings, as a project writes them, and what each grants."""

from __future__ import annotations

import re
import threading

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from wsgi_cors import CORSSecurityWarning
from wsgi_cors.django import CorsMiddleware
from wsgi_cors.django.defaults import default_headers, default_methods

from .django_support import ALLOWED, REFUSED, Client, cors_headers, cors_settings, preflight


def allow_origin(path: str, origin: str) -> str | None:
    response = Client().get(path, headers={"origin": origin})
    value: str | None = response.headers.get("Access-Control-Allow-Origin")
    return value


def test_defaults_are_django_cors_headers_values() -> None:
    assert default_headers == (
        "accept",
        "authorization",
        "content-type",
        "user-agent",
        "x-csrftoken",
        "x-requested-with",
    )
    assert default_methods == ("DELETE", "GET", "OPTIONS", "PATCH", "POST", "PUT")


def test_no_settings_grant_nothing() -> None:
    with cors_settings():
        assert allow_origin("/api/items", ALLOWED) is None


def test_settings_extending_the_defaults_work() -> None:
    with cors_settings(CORS_ALLOWED_ORIGINS=[ALLOWED], CORS_ALLOW_HEADERS=(*default_headers, "x-api-key")):
        response = preflight(Client(), "/api/items", headers="x-api-key, x-csrftoken")
        assert response["Access-Control-Allow-Headers"] == "x-api-key, x-csrftoken"


def test_a_header_outside_cors_allow_headers_is_refused() -> None:
    with cors_settings(CORS_ALLOWED_ORIGINS=[ALLOWED]):
        response = preflight(Client(), "/api/items", headers="x-api-key")
        assert "Access-Control-Allow-Origin" not in response


def test_allowed_methods_are_listed_and_others_refused() -> None:
    with cors_settings(CORS_ALLOWED_ORIGINS=[ALLOWED], CORS_ALLOW_METHODS=["GET", "POST"]):
        assert preflight(Client(), "/api/items", method="POST")["Access-Control-Allow-Methods"] == "GET, POST"
        assert "Access-Control-Allow-Origin" not in preflight(Client(), "/api/items", method="DELETE")


def test_max_age_zero_sends_no_max_age() -> None:
    with cors_settings(CORS_ALLOWED_ORIGINS=[ALLOWED], CORS_PREFLIGHT_MAX_AGE=0):
        assert "Access-Control-Max-Age" not in preflight(Client(), "/api/items")


def test_private_network_access_is_granted_when_asked_and_allowed() -> None:
    with cors_settings(CORS_ALLOWED_ORIGINS=[ALLOWED], CORS_ALLOW_PRIVATE_NETWORK=True):
        response = preflight(Client(), "/api/items", access_control_request_private_network="true")
        assert response["Access-Control-Allow-Private-Network"] == "true"
    with cors_settings(CORS_ALLOWED_ORIGINS=[ALLOWED]):
        response = preflight(Client(), "/api/items", access_control_request_private_network="true")
        assert "Access-Control-Allow-Private-Network" not in response


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("CORS_ORIGIN_WHITELIST", [ALLOWED]),
        ("CORS_ORIGIN_REGEX_WHITELIST", [r"^https://app\.example\.com$"]),
        ("CORS_ORIGIN_ALLOW_ALL", True),
    ],
)
def test_old_names_still_work(name: str, value: object) -> None:
    with cors_settings(**{name: value}):
        assert allow_origin("/api/items", ALLOWED) in (ALLOWED, "*")


def test_the_new_name_wins_over_the_old_one() -> None:
    with cors_settings(CORS_ALLOWED_ORIGINS=[], CORS_ORIGIN_WHITELIST=[ALLOWED]):
        assert allow_origin("/api/items", ALLOWED) is None


def test_origin_regexes_match_the_whole_origin() -> None:
    # django-cors-headers's re.match grants the look-alike: its regex has no "$".
    with cors_settings(CORS_ALLOWED_ORIGIN_REGEXES=[r"^https://\w+\.example\.com"]):
        assert allow_origin("/api/items", "https://shop.example.com") == "https://shop.example.com"
        assert allow_origin("/api/items", "https://shop.example.com.evil.net") is None


def test_compiled_origin_regexes_work() -> None:
    with cors_settings(CORS_ALLOWED_ORIGIN_REGEXES=[re.compile(r"https://[a-z]+\.example\.com")]):
        assert allow_origin("/api/items", "https://shop.example.com") == "https://shop.example.com"


def test_subdomain_wildcards_work_in_allowed_origins() -> None:
    with cors_settings(CORS_ALLOWED_ORIGINS=["https://*.example.com"]):
        assert allow_origin("/api/items", "https://a.b.example.com") == "https://a.b.example.com"
        assert allow_origin("/api/items", "https://example.com") is None
        assert allow_origin("/api/items", "https://evilexample.com") is None


def test_null_only_when_listed() -> None:
    with cors_settings(CORS_ALLOWED_ORIGINS=[ALLOWED]):
        assert allow_origin("/api/items", "null") is None
    with cors_settings(CORS_ALLOWED_ORIGINS=[ALLOWED, "null"]):
        assert allow_origin("/api/items", "null") == "null"


def test_file_origin_as_listed() -> None:
    with cors_settings(CORS_ALLOWED_ORIGINS=["file://"]):
        assert allow_origin("/api/items", "file://") == "file://"
        assert allow_origin("/api/items", "null") is None


def test_allow_all_with_credentials_reflects_and_warns() -> None:
    with (
        pytest.warns(
            CORSSecurityWarning,
            match=r"^CORS_ALLOW_ALL_ORIGINS=True: with CORS_ALLOW_CREDENTIALS=True every origin is echoed",
        ),
        cors_settings(CORS_ALLOW_ALL_ORIGINS=True, CORS_ALLOW_CREDENTIALS=True),
    ):
        response = Client().get("/api/items", headers={"origin": REFUSED})
    assert cors_headers(response) == {
        "Access-Control-Allow-Origin": REFUSED,
        "Access-Control-Allow-Credentials": "true",
        "Vary": "Accept-Language, Origin",
    }


@pytest.mark.parametrize(
    ("pattern", "path", "enabled"),
    [
        (r"^/api/.*$", "/api/items", True),
        (r"^/api/", "/api/items", True),
        (r"^/api/", "/public", False),
        (r"^/api/items$", "/api/items", True),
        (r"/api/items", "/api/items", True),  # no regex characters: still a regex, as re.match reads it
        (re.compile(r"^/api/"), "/api/items", True),
        (r"^/api/donn", "/api/données", True),
    ],
)
def test_cors_urls_regex_is_matched_from_the_start_of_path_info(
    pattern: str | re.Pattern[str], path: str, enabled: bool
) -> None:
    with cors_settings(CORS_URLS_REGEX=pattern, CORS_ALLOWED_ORIGINS=[ALLOWED]):
        assert (allow_origin(path, ALLOWED) == ALLOWED) is enabled


def test_cors_urls_regex_reads_non_ascii_paths_as_text() -> None:
    with cors_settings(CORS_URLS_REGEX=r"^/api/données$", CORS_ALLOWED_ORIGINS=[ALLOWED]):
        assert allow_origin("/api/données", ALLOWED) == ALLOWED


def test_the_views_own_allow_origin_wins() -> None:
    with cors_settings(CORS_ALLOWED_ORIGINS=[ALLOWED], CORS_ALLOW_CREDENTIALS=True):
        response = Client().get("/api/own-cors", headers={"origin": ALLOWED})
        assert cors_headers(response) == {"Access-Control-Allow-Origin": "https://partner.example"}


def test_the_views_own_expose_headers_and_vary_are_kept_and_merged() -> None:
    with cors_settings(CORS_ALLOWED_ORIGINS=[ALLOWED], CORS_EXPOSE_HEADERS=["X-Request-Id"]):
        response = Client().get("/api/own-expose", headers={"origin": ALLOWED})
        assert cors_headers(response) == {
            "Access-Control-Expose-Headers": "X-Mine",
            "Vary": "Cookie, origin",
            "Access-Control-Allow-Origin": ALLOWED,
        }


def test_vary_star_stays_alone() -> None:
    with cors_settings(CORS_ALLOWED_ORIGINS=[ALLOWED]):
        response = Client().get("/api/vary-star", headers={"origin": ALLOWED})
        assert response["Vary"] == "*"
        assert response["Access-Control-Allow-Origin"] == ALLOWED


def test_override_settings_takes_effect_on_a_running_middleware() -> None:
    with cors_settings(CORS_ALLOWED_ORIGINS=[ALLOWED]):
        http = Client()
        assert allow_origin_with(http, ALLOWED) == ALLOWED
        with override_settings(CORS_ALLOWED_ORIGINS=[REFUSED]):
            assert allow_origin_with(http, ALLOWED) is None
            assert allow_origin_with(http, REFUSED) == REFUSED
        assert allow_origin_with(http, ALLOWED) == ALLOWED


def allow_origin_with(http: Client, origin: str) -> str | None:
    value: str | None = http.get("/api/items", headers={"origin": origin}).headers.get(
        "Access-Control-Allow-Origin"
    )
    return value


def test_an_invalid_override_fails_the_next_request_naming_the_setting() -> None:
    with cors_settings(CORS_ALLOWED_ORIGINS=[ALLOWED]):
        http = Client(raise_request_exception=True)
        http.get("/api/items")
        with (
            override_settings(CORS_ALLOWED_ORIGINS=["https://app.example.com/"]),
            pytest.raises(ImproperlyConfigured, match=r"CORS_ALLOWED_ORIGINS='https://app.example.com/'"),
        ):
            http.get("/api/items")


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (
            {"CORS_ALLOWED_ORIGINS": "https://app.example.com"},
            r"CORS_ALLOWED_ORIGINS='https://app.example.com': expected a list or tuple\. "
            r"Fix: write CORS_ALLOWED_ORIGINS = \['https://app.example.com'\]",
        ),
        (
            {"CORS_ALLOWED_ORIGINS": ["app.example.com"]},
            r"CORS_ALLOWED_ORIGINS='app.example.com': an origin needs a scheme",
        ),
        (
            {"CORS_ALLOWED_ORIGINS": [r"https://.*\.example\.com"]},
            r"CORS_ALLOWED_ORIGINS entry .* is a regular expression.*CORS_ALLOWED_ORIGIN_REGEXES",
        ),
        (
            {"CORS_ORIGIN_WHITELIST": ["https://a.example/path"]},
            r"CORS_ORIGIN_WHITELIST='https://a.example/path'",
        ),
        (
            {"CORS_ALLOWED_ORIGIN_REGEXES": [r"https://(a+)+\.example"]},
            r"CORS_ALLOWED_ORIGIN_REGEXES=.*very long time",
        ),
        ({"CORS_ALLOW_CREDENTIALS": "true"}, r"CORS_ALLOW_CREDENTIALS='true': expected True or False"),
        ({"CORS_PREFLIGHT_MAX_AGE": -1}, r"CORS_PREFLIGHT_MAX_AGE=-1"),
        ({"CORS_ALLOW_METHODS": ["GET", "PO ST"]}, r"CORS_ALLOW_METHODS='PO ST': not a valid HTTP token"),
        ({"CORS_URLS_REGEX": r"^/api/(["}, r"CORS_URLS_REGEX='\^/api/\(\[': not a valid regular expression"),
        ({"CORS_URLS_REGEX": r"^/(a|aa)+$"}, r"CORS_URLS_REGEX=.*very long time"),
    ],
)
def test_start_up_refuses_invalid_settings_naming_setting_value_and_fix(
    values: dict[str, object], message: str
) -> None:
    with cors_settings(**values), pytest.raises(ImproperlyConfigured, match=message) as raised:
        CorsMiddleware(lambda request: None)
    assert "Fix: " in str(raised.value)
    assert re.search(r"\(wsgi_cors\.E00\d\)", str(raised.value))


def test_an_unknown_setting_does_not_stop_start_up() -> None:
    with cors_settings(CORS_ORIGINS=[ALLOWED], CORS_ALLOWED_ORIGINS=[ALLOWED]):
        assert allow_origin("/api/items", ALLOWED) == ALLOWED


def test_settings_are_read_once_not_per_request() -> None:
    with cors_settings(CORS_ALLOWED_ORIGINS=[ALLOWED]):
        http = Client()
        http.get("/api/items")
        # Changed behind Django's back (no setting_changed): the running policy stays.
        settings.CORS_ALLOWED_ORIGINS = [REFUSED]
        assert allow_origin_with(http, ALLOWED) == ALLOWED


def test_a_safelisted_method_outside_cors_allow_methods_is_refused() -> None:
    # django-cors-headers grants it (and the browser lets HEAD through whatever the methods
    # list says); here the preflight keeps what CORS_ALLOW_METHODS leaves out out.
    with cors_settings(CORS_ALLOWED_ORIGINS=[ALLOWED]):
        response = preflight(Client(), "/api/items", method="HEAD", headers="authorization")
        assert cors_headers(response) == {
            "Vary": "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"
        }
    with cors_settings(CORS_ALLOWED_ORIGINS=[ALLOWED], CORS_ALLOW_METHODS=[*default_methods, "HEAD"]):
        response = preflight(Client(), "/api/items", method="HEAD", headers="authorization")
        assert response["Access-Control-Allow-Origin"] == ALLOWED


def test_null_listed_beside_allow_all_is_granted_with_credentials() -> None:
    with (
        pytest.warns(CORSSecurityWarning) as warned,
        cors_settings(
            CORS_ALLOW_ALL_ORIGINS=True, CORS_ALLOW_CREDENTIALS=True, CORS_ALLOWED_ORIGINS=["null"]
        ),
    ):
        response = Client().get("/api/items", headers={"origin": "null"})
    assert any("'null'" in str(warning.message) for warning in warned)
    assert response["Access-Control-Allow-Origin"] == "null"
    assert response["Access-Control-Allow-Credentials"] == "true"


def test_allow_all_with_credentials_does_not_grant_an_unlisted_null() -> None:
    with (
        pytest.warns(CORSSecurityWarning),
        cors_settings(CORS_ALLOW_ALL_ORIGINS=True, CORS_ALLOW_CREDENTIALS=True),
    ):
        response = Client().get("/api/items", headers={"origin": "null"})
    assert "Access-Control-Allow-Origin" not in response


def test_a_set_is_a_list_setting() -> None:
    with cors_settings(CORS_ALLOWED_ORIGINS={ALLOWED}, CORS_EXPOSE_HEADERS=frozenset({"X-Request-Id"})):
        response = Client().get("/api/items", headers={"origin": ALLOWED})
        assert response["Access-Control-Allow-Origin"] == ALLOWED
        assert response["Access-Control-Expose-Headers"] == "X-Request-Id"


def test_a_generator_is_refused_since_it_reads_empty_the_second_time() -> None:
    with (
        cors_settings(CORS_ALLOWED_ORIGINS=(origin for origin in [ALLOWED])),
        pytest.raises(
            ImproperlyConfigured, match=r"CORS_ALLOWED_ORIGINS=<generator .*: expected a list or tuple"
        ),
    ):
        CorsMiddleware(lambda request: None)


def test_requests_during_a_settings_change_get_one_configuration_or_the_other() -> None:
    """The policy is replaced whole: a request sees the old one or the new one, never a mix."""
    factory = RequestFactory()
    answers: list[tuple[str | None, str | None]] = []
    failures: list[BaseException] = []
    with cors_settings(CORS_ALLOWED_ORIGINS=[ALLOWED], CORS_EXPOSE_HEADERS=["X-Old"]):
        middleware = CorsMiddleware(lambda request: HttpResponse())

        def ask() -> None:
            try:
                for _ in range(200):
                    response = middleware(factory.get("/api/items", headers={"origin": ALLOWED}))
                    answers.append(
                        (
                            response.get("Access-Control-Allow-Origin"),
                            response.get("Access-Control-Expose-Headers"),
                        )
                    )
            except BaseException as exc:  # reported below, with the thread's traceback
                failures.append(exc)

        threads = [threading.Thread(target=ask) for _ in range(4)]
        for thread in threads:
            thread.start()
        for _ in range(20):
            with override_settings(CORS_EXPOSE_HEADERS=["X-New"]):
                pass
        for thread in threads:
            thread.join(timeout=60)
    assert failures == []
    assert len(answers) == 800
    assert set(answers) <= {(ALLOWED, "X-Old"), (ALLOWED, "X-New")}


def test_conf_reads_each_setting_as_the_middleware_does() -> None:
    from wsgi_cors.django.conf import conf

    with cors_settings(CORS_ORIGIN_WHITELIST=[ALLOWED], CORS_ALLOW_HEADERS=["foo"]):
        assert conf.CORS_ALLOWED_ORIGINS == [ALLOWED]
        assert conf.CORS_ALLOW_HEADERS == ["foo"]
        assert conf.CORS_ALLOW_METHODS == ("DELETE", "GET", "OPTIONS", "PATCH", "POST", "PUT")
        assert conf.CORS_PREFLIGHT_MAX_AGE == 7200
    with cors_settings(CORS_ALLOW_ALL_ORIGINS=False, CORS_ORIGIN_ALLOW_ALL=True):
        assert conf.CORS_ALLOW_ALL_ORIGINS is False
    with pytest.raises(AttributeError):
        conf.CORS_ORIGINS  # noqa: B018


def test_a_settings_change_during_a_build_is_not_lost(monkeypatch: pytest.MonkeyPatch) -> None:
    """A build that overlapped a change serves its request but is not kept: the next request
    rebuilds, so an override ending mid-build cannot leave its origins granted."""
    from wsgi_cors.django import conf

    factory = RequestFactory()
    evil = "https://evil.example"
    building, resume = threading.Event(), threading.Event()
    real_build = conf.build

    def paused_build(settings_object: object) -> object:
        built = real_build(settings_object)
        if threading.current_thread().name == "paused":
            building.set()
            resume.wait(timeout=30)
        return built

    with cors_settings(CORS_ALLOWED_ORIGINS=[ALLOWED]):
        middleware = CorsMiddleware(lambda request: HttpResponse())
        override = override_settings(CORS_ALLOWED_ORIGINS=[evil])
        override.enable()
        monkeypatch.setattr(conf, "build", paused_build)
        thread = threading.Thread(
            target=lambda: middleware(factory.get("/api/items", headers={"origin": evil})), name="paused"
        )
        thread.start()
        assert building.wait(timeout=30)
        override.disable()  # the settings change while the request's build is under way
        resume.set()
        thread.join(timeout=30)
        assert not thread.is_alive()
        response = middleware(factory.get("/api/items", headers={"origin": evil}))
        assert response.get("Access-Control-Allow-Origin") is None
        response = middleware(factory.get("/api/items", headers={"origin": ALLOWED}))
        assert response.get("Access-Control-Allow-Origin") == ALLOWED


def test_wrapping_with_from_mapping_points_a_leftover_django_cors_headers_setting_at_the_middleware() -> None:
    from wsgi_cors import ConfigurationError, CORSMiddleware

    class Settings:
        CORS_ALLOWED_ORIGINS = (ALLOWED,)

    with pytest.raises(ConfigurationError) as raised:
        CORSMiddleware.from_mapping(lambda environ, start_response: [], Settings)
    assert str(raised.value) == (
        "Settings: unknown option 'CORS_ALLOWED_ORIGINS'. Fix: CORS_ALLOWED_ORIGINS is "
        "django-cors-headers's setting: in a Django project put 'wsgi_cors.django.CorsMiddleware' "
        "in MIDDLEWARE, which reads it (docs/django.md); to keep wrapping the WSGI app, "
        "did you mean 'CORS_ORIGINS'?"
    )


def test_the_wrapping_error_knows_every_setting_the_middleware_reads() -> None:
    from wsgi_cors.config import DJANGO_CORS_HEADERS_SETTINGS
    from wsgi_cors.django import conf

    ours = {"CORS_DEBUG"}  # wsgi-cors's own, which from_mapping reads too
    assert (set(conf.SETTINGS) | set(conf.ALIASES.values())) - ours == DJANGO_CORS_HEADERS_SETTINGS
