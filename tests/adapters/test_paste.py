"""PasteDeploy: ``egg:wsgi-cors#cors`` in an ini pipeline, loaded with ``paste.deploy.loadapp``."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from paste.deploy import loadapp
from pyramid.router import Router
from webtest import TestApp

from wsgi_cors import ConfigurationError, CORSMiddleware
from wsgi_cors.paste import filter_factory

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

ROOT = Path(__file__).resolve().parents[2]
ALLOWED = "https://app.example.com"
PREFLIGHT = {"Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "Authorization"}


def hello(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"hello"]


def app_factory(global_conf: dict[str, str], **local_conf: str) -> WSGIApplication:
    """A PasteDeploy app factory for the ini files written below."""
    return hello


def write_ini(tmp_path: Path, filter_section: str) -> str:
    (tmp_path / "app.ini").write_text(
        "[app:hello]\n"
        "use = call:tests.adapters.test_paste:app_factory\n\n"
        "[filter:cors]\n"
        "use = egg:wsgi-cors#cors\n" + filter_section + "\n\n"
        "[pipeline:main]\n"
        "pipeline = cors hello\n"
    )
    return f"config:{tmp_path / 'app.ini'}"


@pytest.fixture(scope="module")
def loaded() -> Any:
    return loadapp("config:examples/pyramid.ini", relative_to=str(ROOT))


class TestPyramidIni:
    """examples/pyramid.ini: the Pyramid example behind ``[filter:cors]`` in ``[pipeline:main]``."""

    def test_the_pipeline_is_cors_around_the_pyramid_router(self, loaded: Any) -> None:
        assert isinstance(loaded, CORSMiddleware)
        assert isinstance(loaded.app, Router)

    def test_ini_values_become_the_options(self, loaded: CORSMiddleware) -> None:
        [resource] = loaded.policy.resources
        assert resource.pattern == "/api/*"
        options = resource.options
        assert options.origins.exact == frozenset({ALLOWED})
        assert options.origins.labels == ("https://*.example.org",)
        assert options.supports_credentials is True
        assert options.max_age == "600"
        assert options.expose_headers == "X-Request-Id"

    def test_preflight_from_a_listed_wildcard_origin(self, loaded: CORSMiddleware) -> None:
        response = TestApp(loaded).options(
            "/api/items", headers={"Origin": "https://eu.example.org", **PREFLIGHT}
        )
        assert response.body == b""
        assert response.headers["Access-Control-Allow-Origin"] == "https://eu.example.org"
        assert response.headers["Access-Control-Allow-Headers"] == "Authorization"
        assert response.headers["Access-Control-Allow-Credentials"] == "true"
        assert response.headers["Access-Control-Max-Age"] == "600"

    def test_actual_request_reaches_pyramid(self, loaded: CORSMiddleware) -> None:
        response = TestApp(loaded).get("/api/items", headers={"Origin": ALLOWED})
        assert response.json == {"items": ["apple", "pear"]}
        assert response.headers["Access-Control-Allow-Origin"] == ALLOWED
        assert response.headers["Vary"] == "Accept-Language, Origin"

    def test_refused_origin(self, loaded: CORSMiddleware) -> None:
        client = TestApp(loaded)
        refused = client.options("/api/items", headers={"Origin": "https://evil.example.net", **PREFLIGHT})
        assert "Access-Control-Allow-Origin" not in refused.headers
        actual = client.get("/api/items", headers={"Origin": "https://evil.example.net"})
        assert "Access-Control-Allow-Origin" not in actual.headers
        assert actual.json == {"items": ["apple", "pear"]}

    def test_pyramid_404_keeps_its_page(self, loaded: CORSMiddleware) -> None:
        response = TestApp(loaded).get("/api/nothing", headers={"Origin": ALLOWED}, status=404)
        assert b"The resource could not be found." in response.body
        assert response.headers["Access-Control-Allow-Origin"] == ALLOWED


def test_prefixed_keys_and_comma_lists(tmp_path: Path) -> None:
    loaded = loadapp(
        write_ini(tmp_path, "cors_origins = https://a.example, https://b.example\nsend_wildcard = false")
    )
    client = TestApp(loaded)
    assert client.get("/", headers={"Origin": "https://b.example"}).headers[
        "Access-Control-Allow-Origin"
    ] == ("https://b.example")
    assert (
        "Access-Control-Allow-Origin" not in client.get("/", headers={"Origin": "https://c.example"}).headers
    )


def test_a_malformed_value_fails_at_load_time_naming_the_key(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match=r"^supports_credentials='sometimes': not a boolean"):
        loadapp(write_ini(tmp_path, "supports_credentials = sometimes"))


def test_an_unknown_key_fails_with_a_suggestion(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match=r"unknown option 'orgins'. Fix: did you mean 'origins'\?"):
        loadapp(write_ini(tmp_path, "orgins = https://a.example"))


def test_filter_factory_validates_before_it_is_given_an_app() -> None:
    with pytest.raises(ConfigurationError, match=r"^max_age='1h'"):
        filter_factory({}, max_age="1h")
    wrap = filter_factory({"here": "/srv"}, origins=ALLOWED)
    wrapped = wrap(hello)
    assert isinstance(wrapped, CORSMiddleware)
    assert wrapped.app is hello
