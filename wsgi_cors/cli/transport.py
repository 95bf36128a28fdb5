"""How ``check`` reaches a server: through the proxies and with the certificates the user's other
HTTP tools use, so that it can test what they can reach.

Proxies come from the environment, read by the standard library's rules (the ones ``requests``
uses too): ``http_proxy``, ``https_proxy`` and ``all_proxy``, lower case winning over upper
case (``HTTP_PROXY`` is ignored inside a CGI request, where a client could set it), and
``no_proxy``: ``*``, host names that also cover their subdomains (``example.com``,
``.example.com``), optionally with a ``:port``, IP addresses and, as curl 7.86+ and
``requests`` read them, CIDR ranges (``10.0.0.0/8``).
One rule comes from browsers instead, since ``check`` plays one: loopback (``localhost``,
``*.localhost``, ``127.0.0.0/8``, ``::1``) is never proxied, because a proxy's loopback is not
yours; ``<-loopback>`` in ``no_proxy`` (Chromium's bypass-list syntax) sends it through the
proxy all the same.

Certificates: ``--cacert FILE``, else ``REQUESTS_CA_BUNDLE``, else ``CURL_CA_BUNDLE`` (a file
or a directory, replacing the system's certificates, as ``requests`` and curl do), else the
system's, where OpenSSL honours ``SSL_CERT_FILE`` and ``SSL_CERT_DIR``. There is no switch to
turn verification off: a CORS answer is only worth checking from the server the page talks to.
"""

from __future__ import annotations

import base64
import http.client
import ipaddress
import os
import ssl
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from .. import __version__
from ..fetch import ends_in_a_number, whatwg_ipv4
from .check import Sender
from .report import UsageError

#: In ``no_proxy``: send loopback through the proxy too (Chromium's ``--proxy-bypass-list`` syntax).
PROXY_LOOPBACK = "<-loopback>"

_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


class NetworkError(Exception):
    """The request could not be made (exit status 2): the message says where it failed and why."""


@dataclass(frozen=True)
class Proxy:
    """An HTTP proxy, as an environment variable names it."""

    variable: str  # the variable it came from, for messages
    url: str  # without the password, for messages
    host: str
    port: int
    authorization: str | None  # the Proxy-Authorization value, from user:password@


@dataclass(frozen=True)
class Route:
    """How one URL is reached: through ``proxy`` or directly, and why."""

    proxy: Proxy | None
    reason: str


def _proxy_variable(scheme: str) -> str:
    """The environment variable urllib read the proxy for ``scheme`` from, for messages."""
    for name in (f"{scheme}_proxy", f"{scheme.upper()}_PROXY"):
        if os.environ.get(name):
            return name
    return f"{scheme}_proxy"


def _without_password(value: str) -> str:
    """A proxy variable's value for messages: a password in it is shown as ``***``."""
    start = value.find("://") + 3 if "://" in value else 0
    end = min((i for i in (value.find(c, start) for c in "/?#") if i >= 0), default=len(value))
    userinfo, at, _ = value[start:end].rpartition("@")
    if not at or ":" not in userinfo:
        return value
    return f"{value[:start]}{userinfo.split(':', 1)[0]}:***{value[start + len(userinfo) :]}"


def _parse_proxy(value: str, variable: str) -> Proxy:
    text = value if "://" in value else "http://" + value  # curl and requests read host:port as http
    named = f"{variable}={_without_password(value)!r}"
    try:
        parts = urlsplit(text)
    except ValueError as error:  # an unclosed [ of an IPv6 address
        raise UsageError(f"{named}: not a proxy URL ({error}). Fix: write http://HOST:PORT") from None
    if parts.scheme.lower() != "http":
        raise UsageError(
            f"{named}: wsgi-cors check speaks to http:// proxies only (an https:// or socks "
            "proxy is not supported). Fix: give the proxy's http:// address, or unset the variable"
        )
    try:
        port = parts.port or 80
    except ValueError:
        raise UsageError(f"{named}: the port is not a number from 0 to 65535") from None
    if not parts.hostname:
        raise UsageError(f"{named}: no host. Fix: write http://HOST:PORT")
    authorization = None
    if parts.username is not None:
        pair = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
        authorization = "Basic " + base64.b64encode(pair.encode()).decode("ascii")
    host = parts.hostname
    shown = f"http://{f'[{host}]' if ':' in host else host}:{port}"
    return Proxy(variable, shown, host, port, authorization)


def as_browsers_read(host: str) -> str:
    """``host`` as a browser's URL parser leaves it: a host ending in a number is an IPv4
    address in any of its spellings (``127.1``, ``0x7f.1``, ``2130706433`` are 127.0.0.1),
    which the system resolver also connects to; any other host as it is."""
    if host and ends_in_a_number(host):
        return whatwg_ipv4(host) or host
    return host


def is_loopback(host: str) -> bool:
    """Loopback as Chromium's implicit proxy bypass rules name it."""
    lowered = as_browsers_read(host.lower()).rstrip(".")
    if lowered == "localhost" or lowered.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(lowered)
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return address.is_loopback or (mapped is not None and mapped.is_loopback)


def _listed(host: str, port: int, entries: list[str]) -> bool:
    """Whether ``no_proxy``'s ``entries`` cover ``host``: ``*``, IPs and CIDR ranges, or a name
    that covers itself and its subdomains (a leading ``.`` or ``*.`` changes nothing), optionally
    for one ``:port`` only."""
    if "*" in entries:
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    name = host.lower().rstrip(".")
    for entry in entries:
        if address is not None:
            try:
                if address in ipaddress.ip_network(entry.strip("[]"), strict=False):
                    return True
            except ValueError:
                pass
        listed, _, listed_port = entry.lower().rpartition(":") if entry.count(":") == 1 else (entry, "", "")
        if listed_port and listed_port != str(port):
            continue
        listed = listed.removeprefix("*").lstrip(".").rstrip(".")
        if listed and (name == listed or name.endswith("." + listed)):
            return True
    return False


def route(url: str) -> Route:
    """Whether ``url`` goes through a proxy, read from the environment at each call."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    proxies = urllib.request.getproxies_environment()
    value = proxies.get(scheme)
    variable = _proxy_variable(scheme)
    if not value and proxies.get("all"):
        value, variable = proxies["all"], _proxy_variable("all")
    if not value:
        return Route(None, f"no {scheme}_proxy (nor all_proxy) is set")
    host = as_browsers_read(parts.hostname or "")
    entries = [entry.strip() for entry in proxies.get("no", "").split(",") if entry.strip()]
    if PROXY_LOOPBACK in entries:
        entries.remove(PROXY_LOOPBACK)
    elif is_loopback(host):
        return Route(
            None,
            f"{host} is loopback, never proxied (as in browsers; '<-loopback>' in no_proxy changes that)",
        )
    if entries and _listed(host, parts.port or (443 if scheme == "https" else 80), entries):
        return Route(None, f"no_proxy covers {host}")
    return Route(_parse_proxy(value, variable), f"from {variable}")


@dataclass(frozen=True)
class Trust:
    """The certificates https:// answers are verified against, and where they came from."""

    context: ssl.SSLContext
    source: str


def trust(cacert: str | None, environ: Mapping[str, str] | None = None) -> Trust:
    """The TLS context for ``--cacert``, the CA-bundle variables, or the system's certificates."""
    env = os.environ if environ is None else environ
    if cacert:
        path, source = cacert, f"--cacert {cacert}"
    elif env.get("REQUESTS_CA_BUNDLE"):
        path, source = env["REQUESTS_CA_BUNDLE"], f"REQUESTS_CA_BUNDLE={env['REQUESTS_CA_BUNDLE']}"
    elif env.get("CURL_CA_BUNDLE"):
        path, source = env["CURL_CA_BUNDLE"], f"CURL_CA_BUNDLE={env['CURL_CA_BUNDLE']}"
    else:
        return Trust(ssl.create_default_context(), "the system's certificates")
    try:
        if os.path.isdir(path):
            context = ssl.create_default_context(capath=path)
        else:
            context = ssl.create_default_context(cafile=path)
    except (OSError, ssl.SSLError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise UsageError(
            f"{source}: cannot load certificates from it ({reason}). Fix: give a PEM file of CA certificates"
        ) from None
    return Trust(context, source)


def http_sender(timeout: float, cacert: str | None = None) -> Sender:
    """A sender over http.client: one connection per request, through the proxy its URL needs;
    the response body is left unread."""
    verified = trust(cacert)

    def send(method: str, url: str, headers: list[tuple[str, str]]) -> tuple[int, str, list[tuple[str, str]]]:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        way = route(url)
        proxy = way.proxy
        via = f" (through the proxy {proxy.url}, {way.reason})" if proxy else ""
        connection: http.client.HTTPConnection
        extra: list[tuple[str, str]] = []
        if parts.scheme == "https":
            if proxy is None:
                connection = http.client.HTTPSConnection(
                    host, port, timeout=timeout, context=verified.context
                )
            else:
                connection = http.client.HTTPSConnection(
                    proxy.host, proxy.port, timeout=timeout, context=verified.context
                )
                tunnel = {"Proxy-Authorization": proxy.authorization} if proxy.authorization else None
                connection.set_tunnel(host, port, headers=tunnel)
            target = path
        elif proxy is None:
            connection = http.client.HTTPConnection(host, port, timeout=timeout)
            target = path
        else:
            connection = http.client.HTTPConnection(proxy.host, proxy.port, timeout=timeout)
            target = parts._replace(fragment="").geturl()  # the absolute form a proxy expects
            if proxy.authorization:
                extra.append(("Proxy-Authorization", proxy.authorization))
        try:
            connection.putrequest(method, target, skip_accept_encoding=True)
            for name, value in [
                ("User-Agent", f"wsgi-cors-check/{__version__}"),
                ("Accept", "*/*"),
                *extra,
                *headers,
            ]:
                connection.putheader(name, value)
            if method in _BODY_METHODS:
                connection.putheader("Content-Length", "0")
            connection.endheaders()
            response = connection.getresponse()
            # The body is never read: CORS lives in the headers, and a hostile server's endless
            # body must cost nothing. One connection per request, so closing it loses nothing.
            return response.status, response.reason, list(response.getheaders())
        except ssl.SSLCertVerificationError as exc:
            raise NetworkError(
                f"{url}{via}: the server's certificate is not trusted ({exc.verify_message}; checked against "
                f"{verified.source}). Fix: pass --cacert FILE, the certificate of the CA that signed it "
                "(or set REQUESTS_CA_BUNDLE or SSL_CERT_FILE to it)"
            ) from None
        except (OSError, http.client.HTTPException) as exc:
            raise NetworkError(f"{url}{via}: {exc or type(exc).__name__}") from None
        finally:
            connection.close()

    return send


def check_url(url: str) -> None:
    """Refuse what is not an http(s) URL before anything is sent."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"{url!r} is not an http:// or https:// URL")
    try:
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise UsageError(f"{url!r} has an invalid port") from None
