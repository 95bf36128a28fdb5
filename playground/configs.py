"""The middleware configurations the playground can serve, by name.

Each is a function of the page's port, because an origin list must name the page's exact
origin (``http://127.0.0.1:PORT``) and the tests serve the page on a free port. The browser
suite (``tests/browser``) loads the page once per configuration and compares what Chromium
did with the verdicts in ``tests/browser/cases.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Options = dict[str, Any]

#: Resources every configuration covers: the API, not the playground's own helpers.
API_RESOURCES = r"/api/*"


def _allow_all(port: int) -> Options:
    return {}


def _origin_list(port: int) -> Options:
    return {"origins": [f"http://127.0.0.1:{port}", "https://app.example.com"]}


def _wildcard_subdomain(port: int) -> Options:
    # One or more whole labels before .app.localhost: sub.app.localhost yes, app.localhost no.
    return {"origins": [f"http://*.app.localhost:{port}"]}


def _credentials(port: int) -> Options:
    return {"origins": [f"http://127.0.0.1:{port}"], "supports_credentials": True}


def _expose_headers(port: int) -> Options:
    return {"expose_headers": ["X-Request-Id"]}


def _max_age(port: int) -> Options:
    return {"max_age": 600}


def _refused_method(port: int) -> Options:
    return {"methods": ["GET", "HEAD", "POST", "OPTIONS"]}


def _refused_header(port: int) -> Options:
    return {"allow_headers": ["Content-Type"]}


def _private_network_off(port: int) -> Options:
    return {"allow_private_network": False}


def _private_network_on(port: int) -> Options:
    return {"allow_private_network": True}


CONFIGS: dict[str, Callable[[int], Options]] = {
    "allow-all": _allow_all,
    "origin-list": _origin_list,
    "wildcard-subdomain": _wildcard_subdomain,
    "credentials": _credentials,
    "expose-headers": _expose_headers,
    "max-age": _max_age,
    "refused-method": _refused_method,
    "refused-header": _refused_header,
    "private-network-off": _private_network_off,
    "private-network-on": _private_network_on,
}


def options_for(name: str, page_port: int) -> Options:
    """The keyword options (``resources`` included) for configuration ``name``."""
    try:
        build = CONFIGS[name]
    except KeyError:
        raise ValueError(f"unknown configuration {name!r}; choose one of {', '.join(CONFIGS)}") from None
    return {"resources": API_RESOURCES, **build(page_port)}
