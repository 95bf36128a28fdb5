"""Fetch facts: the grammar and name lists of the Fetch standard, RFC 9110 and PEP 3333, kept once.

The bottom layer: options, origins, policy, guards, the browser model and the command line
import these from here, and none keeps a copy of its own. References are to
https://fetch.spec.whatwg.org/ unless a line says otherwise.
"""

from __future__ import annotations

import ipaddress
import re

#: RFC 9110 section 5.6.2: header names and methods are tokens.
TOKEN_CHARACTERS = r"[!#$%&'*+.^_`|~0-9A-Za-z-]"
TOKEN = re.compile(TOKEN_CHARACTERS + "+")

#: What browsers send in ``Access-Control-Request-Headers``: tokens joined by "," or ", ".
#: Tokens hold neither commas nor spaces, so such a list splits into names with nothing to strip.
TOKEN_LIST = re.compile(rf"{TOKEN.pattern}(?:, ?{TOKEN.pattern})*")

#: The longest ``Origin`` a browser can send: a scheme, ``://``, a host name of at most 253
#: characters (DNS) or a bracketed IPv6 address, and a port. Anything longer is refused
#: unexamined, so no rule (a regex above all) ever runs on a longer value.
MAX_ORIGIN_LENGTH = 300

#: Fetch "serialization of an origin" (or the opaque "null"): printable ASCII with no space,
#: comma, slash or quote, so an echoed origin can never split a header, smuggle a second
#: value or carry a path.
SERIALISED_ORIGIN = re.compile(r"null|[A-Za-z][A-Za-z0-9+.-]*://[A-Za-z0-9._~%!$&'()*+;=:@\[\]-]+")


def echoable_origin(origin: str) -> bool:
    """Whether an ``Origin`` value may be examined and echoed: one or more characters of
    visible ASCII (0x21 to 0x7E) other than the comma.

    Browsers compare ``Access-Control-Allow-Origin`` with their own origin byte for byte, so
    echoing an odd spelling (``www.example.com``, a path) grants nothing; what is never echoed
    is what could damage the response or a log: control characters (CR, LF, NUL, tab, DEL),
    anything beyond ASCII, and a comma or space (two ``Origin`` headers joined into a list).
    Written with string methods rather than a regex because every new origin pays for it;
    tests/core/test_origins.py holds it to the character class.
    """
    # For ASCII text, isprintable() is exactly 0x20 to 0x7E: the space and comma remain.
    return (
        origin.isascii() and origin.isprintable() and " " not in origin and "," not in origin and origin != ""
    )


#: A serialised origin taken apart (scheme, host or bracketed IPv6 address, port): the shape an
#: exact origin in the configuration must have to be compared with what browsers send.
ORIGIN_PARTS = re.compile(
    r"(?P<scheme>[a-z][a-z0-9+.-]*)://(?P<host>\[(?P<ipv6>[0-9a-f:.]+)\]|[a-z0-9._~%!$&'*+,;=-]+)"
    r"(?::(?P<port>[0-9]+))?",
    re.IGNORECASE,
)

#: The opaque origin, sent by sandboxed documents, ``file:`` pages and some redirects.
NULL_ORIGIN = "null"

#: Ports that URL serialisation leaves out (WHATWG URL "special scheme" default ports).
DEFAULT_PORTS = {"http": "80", "https": "443", "ws": "80", "wss": "443", "ftp": "21"}

#: "Normalize a method": fetch() upper-cases only these six; ``patch`` stays as it is written.
NORMALISED_METHODS = frozenset({"DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"})

#: "CORS-safelisted method": sent without a preflight.
SAFELISTED_METHODS = frozenset({"GET", "HEAD", "POST"})

#: "Forbidden method": fetch() refuses them, so no preflight ever asks for one.
FORBIDDEN_METHODS = frozenset({"CONNECT", "TRACE", "TRACK"})

#: "Forbidden request-header": a page can never set them, so browsers never ask for them in a
#: preflight (https://fetch.spec.whatwg.org/#forbidden-request-header).
FORBIDDEN_REQUEST_HEADERS = frozenset(
    {
        "accept-charset",
        "accept-encoding",
        "access-control-request-headers",
        "access-control-request-method",
        "connection",
        "content-length",
        "cookie",
        "cookie2",
        "date",
        "dnt",
        "expect",
        "host",
        "keep-alive",
        "origin",
        "referer",
        "set-cookie",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "via",
    }
)
FORBIDDEN_REQUEST_HEADER_PREFIXES = ("proxy-", "sec-")

#: "Forbidden response-header name": never exposed to a page, whatever the server says.
FORBIDDEN_RESPONSE_HEADERS = frozenset({"set-cookie", "set-cookie2"})

#: "CORS-safelisted response-header name": readable without Access-Control-Expose-Headers.
SAFELISTED_RESPONSE_HEADERS = frozenset(
    {
        "cache-control",
        "content-language",
        "content-length",
        "content-type",
        "expires",
        "last-modified",
        "pragma",
    }
)

#: The Content-Type essences a "CORS-safelisted request-header" may carry.
SAFELISTED_CONTENT_TYPES = frozenset(
    {"application/x-www-form-urlencoded", "multipart/form-data", "text/plain"}
)

#: The longest preflight cache lifetimes browsers honour (Chromium 2 hours, Firefox 24 hours);
#: a larger ``Access-Control-Max-Age`` is silently cut down.
CHROMIUM_MAX_AGE = 7200
FIREFOX_MAX_AGE = 86400


def normalise_method(method: str) -> str:
    """Fetch "normalize a method"."""
    return method.upper() if method.upper() in NORMALISED_METHODS else method


def is_forbidden_request_header(lowered_name: str) -> bool:
    return lowered_name in FORBIDDEN_REQUEST_HEADERS or lowered_name.startswith(
        FORBIDDEN_REQUEST_HEADER_PREFIXES
    )


def wsgi_path_info(text: str) -> str:
    """The inverse of :func:`wsgi_path_text`: a text path as a server puts it in PATH_INFO."""
    return text.encode("utf-8", "surrogateescape").decode("latin-1")


def routed_path(path_info: str) -> str:
    """``PATH_INFO`` as routers read it: with its leading slash.

    PEP 3333 servers always send one, but test clients may not (werkzeug's
    ``client.get("items")``), and Flask routes such a path as ``/items``; so do we.
    """
    return path_info if path_info[:1] == "/" else "/" + path_info


def wsgi_path_text(path: str) -> str:
    """``PATH_INFO`` as text: PEP 3333 hands over the URL's bytes decoded as latin-1.

    Paths are routed as the frameworks route them (werkzeug decodes UTF-8 and replaces what
    is not), so a pattern written ``/données/*`` matches the path a browser sends for it.
    """
    if path.isascii():
        return path
    try:
        return path.encode("latin-1").decode("utf-8", "replace")
    except UnicodeEncodeError:  # not a WSGI string after all (a direct caller's text)
        return path


# Fetch "CORS-unsafe request-header byte" for accept / accept-language / content-language.
_UNSAFE_BYTE = re.compile(r'[\x00-\x08\x0a-\x1f"():<>?@\[\\\]{}\x7f]')
_LANGUAGE_VALUE = re.compile(r"[0-9A-Za-z *,\-.;=]*")
_SIMPLE_RANGE = re.compile(r"bytes=[0-9]+-[0-9]*")


def is_safelisted_header(name: str, value: str) -> bool:
    """Fetch "CORS-safelisted request-header" (without the 1024-byte total, see below)."""
    lowered = name.lower()
    if len(value.encode("latin-1", "replace")) > 128:
        return False
    if lowered == "accept":
        return not _UNSAFE_BYTE.search(value)
    if lowered in ("accept-language", "content-language"):
        return _LANGUAGE_VALUE.fullmatch(value) is not None
    if lowered == "content-type":
        if _UNSAFE_BYTE.search(value):
            return False
        essence = value.split(";", 1)[0].strip().lower()
        return essence in SAFELISTED_CONTENT_TYPES
    if lowered == "range":
        return _SIMPLE_RANGE.fullmatch(value) is not None
    return False


def ends_in_a_number(host: str) -> bool:
    """WHATWG URL "ends in a number": such a host is parsed as an IPv4 address."""
    labels = host.split(".")
    if labels[-1] == "" and len(labels) > 1:
        labels.pop()
    last = labels[-1]
    return last.isascii() and (last.isdigit() or (last[:2] in ("0x", "0X") and _is_hex(last[2:])))


def _is_hex(text: str) -> bool:
    return all(char in "0123456789abcdefABCDEF" for char in text)


def whatwg_ipv4(host: str) -> str | None:
    """The dotted-decimal address a browser reads ``host`` as (``010.1`` -> 8.0.0.1), or None."""
    parts = host.split(".")
    if parts[-1] == "" and len(parts) > 1:
        parts.pop()
    if len(parts) > 4:
        return None
    numbers: list[int] = []
    for part in parts:
        if part[:2] in ("0x", "0X"):
            digits, base = part[2:] or "0", 16
        elif len(part) > 1 and part.startswith("0"):
            digits, base = part[1:], 8
        else:
            digits, base = part, 10
        try:
            numbers.append(int(digits, base) if digits.isascii() and digits.isalnum() else -1)
        except ValueError:
            return None
    if any(number < 0 for number in numbers) or any(number > 255 for number in numbers[:-1]):
        return None
    if numbers[-1] >= 256 ** (5 - len(numbers)):
        return None
    value = sum(number * 256 ** (3 - index) for index, number in enumerate(numbers[:-1])) + numbers[-1]
    return str(ipaddress.IPv4Address(value))
