"""Internationalised host names in ``origins``: an error that suggests only what browsers send.

Browsers send a non-ASCII host in its UTS #46 (non-transitional) ASCII form. Every case runs
with the ``idna`` package (a test dependency) and with it forced away, as a deployment without
``wsgi-cors[idna]`` runs.
"""

from __future__ import annotations

import sys

import idna
import pytest
from hypothesis import given
from hypothesis import strategies as st

from wsgi_cors import ConfigurationError, CORSMiddleware, idn

from .support import RecordingApp


@pytest.fixture(params=["idna", "stdlib"])
def idna_source(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """'idna': the package computes spellings; 'stdlib': it is not installed."""
    if request.param == "stdlib":
        monkeypatch.setattr(idn, "idna_package", lambda: None)
    return str(request.param)


def configuration_error(origin: str) -> str:
    with pytest.raises(ConfigurationError) as raised:
        CORSMiddleware(RecordingApp(), origins=[origin])
    message = str(raised.value)
    assert message.startswith(f"origins={origin!r}: browsers send internationalised host names")
    return message


def uts46(host: str) -> str:
    """The reference: what a browser's URL parser sends (UTS #46, non-transitional)."""
    return str(idna.encode(host, uts46=True, transitional=False).decode("ascii"))


# --- suggestions in both set-ups ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("origin", "suggestion"),
    [
        ("https://bücher.example", "https://xn--bcher-kva.example"),
        ("https://bücher.example:8443", "https://xn--bcher-kva.example:8443"),
        ("https://*.bücher.example", "https://*.xn--bcher-kva.example"),
        ("https://\u0430pple.com", "https://xn--pple-43d.com"),  # a Cyrillic 'a' among Latin letters
        ("https://пример.рф", "https://xn--e1afmkfd.xn--p1ai"),
        ("https://Bücher.Example", "https://xn--bcher-kva.example"),  # only ASCII in upper case
    ],
)
def test_a_unicode_origin_is_an_error_suggesting_the_spelling_browsers_send(
    idna_source: str, origin: str, suggestion: str
) -> None:
    message = configuration_error(origin)
    assert message.endswith(f"Fix: write {suggestion!r}.")


@pytest.mark.parametrize("origin", ["https://bücher.example", "https://*.bücher.example"])
def test_the_suggested_origin_is_accepted_and_grants_what_the_browser_sends(
    idna_source: str, origin: str
) -> None:
    suggestion = configuration_error(origin).rpartition("Fix: write ")[2].strip(".'")
    middleware = CORSMiddleware(RecordingApp(), origins=[suggestion])
    sent = "https://" + ("shop." if "*" in origin else "") + uts46("bücher.example")
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/", "HTTP_ORIGIN": sent}
    headers: list[tuple[str, str]] = []
    middleware(environ, lambda status, response_headers, exc_info=None: headers.extend(response_headers))
    assert ("Access-Control-Allow-Origin", sent) in headers


# --- where IDNA 2003 and UTS #46 differ ----------------------------------------------------------


@pytest.mark.parametrize(
    ("origin", "suggestion"),
    [
        ("https://faß.de", "https://xn--fa-hia.de"),  # IDNA 2003 (the stdlib codec) says fass.de
        ("https://*.faß.de:8443", "https://*.xn--fa-hia.de:8443"),
        ("https://FAß.DE", "https://xn--fa-hia.de"),  # UTS #46 maps case
        ("https://BÜCHER.example", "https://xn--bcher-kva.example"),
        ("https://ΣΟΦΊΑ.gr", "https://xn--kxae4bpq.gr"),
        ("https://ὀδυσσεύς.gr", "https://" + "xn--" + "ὀδυσσεύς".encode("punycode").decode() + ".gr"),
    ],
)
def test_with_the_idna_package_the_uts46_spelling_is_suggested(origin: str, suggestion: str) -> None:
    assert configuration_error(origin).endswith(f"Fix: write {suggestion!r}.")


@pytest.mark.parametrize(
    "origin", ["https://faß.de", "https://*.faß.de:8443", "https://FAß.DE", "https://BÜCHER.example"]
)
def test_without_the_idna_package_no_spelling_browsers_do_not_send_is_suggested(
    monkeypatch: pytest.MonkeyPatch, origin: str
) -> None:
    monkeypatch.setattr(idn, "idna_package", lambda: None)
    message = configuration_error(origin)
    assert "Fix: write '" not in message
    assert "fass.de" not in message
    assert "install wsgi-cors[idna] to have the spelling browsers send suggested here" in message


# --- names no spelling can be suggested for ------------------------------------------------------


@pytest.mark.parametrize("origin", ["https://💩.la", "https://a\ufffdb.example", "https://*.\u2603.example"])
def test_an_emoji_or_disallowed_label_is_an_error_naming_the_origin_without_a_guess(
    idna_source: str, origin: str
) -> None:
    message = configuration_error(origin)
    assert "Fix: write '" not in message
    if idna_source == "idna":
        assert "the idna package refuses this name (Codepoint U+" in message
        assert "no page can have this origin" in message
    else:
        assert "install wsgi-cors[idna]" in message


# --- the fallback: only where IDNA 2003 and UTS #46 provably agree --------------------------------


def test_every_character_the_fallback_trusts_maps_to_itself_in_both_standards() -> None:
    """Exhaustive over Unicode: the fallback's rule, checked character by character."""
    trusted = [chr(code) for code in range(0x80, sys.maxunicode + 1) if idn._same_in_both(chr(code))]
    assert len(trusted) > 600  # Latin, Greek, Cyrillic, Armenian, Georgian... lower-case letters
    for char in trusted:
        label = "a" + char
        assert idna.uts46_remap(label, std3_rules=False, transitional=False) == label, repr(char)
        assert label.encode("idna") == b"xn--" + label.encode("punycode") == idna.encode(label), repr(char)
    assert not {"ß", "ς", "\u200d", "\u200c", "ẞ"} & set(trusted)


# ASCII, letters both standards keep, and each kind they treat differently: deviations (sharp s,
# final sigma, ZWJ), upper case (incl. capital sharp s), compatibility forms (the ff ligature,
# long s), dotless and dotted i, a combining accent.
_HOST_CHARS = st.sampled_from(
    list(
        "abcdeXYZ019-\u00fc\u00dc\u03c3\u03a3\u0430\u0451\u00df\u03c2\u200d\u1e9e\ufb00\u017f\u0131\u0130\u0301"
    )
)


@given(labels=st.lists(st.text(_HOST_CHARS, min_size=1, max_size=8), min_size=1, max_size=3))
def test_the_fallback_suggests_nothing_or_exactly_the_uts46_spelling(labels: list[str]) -> None:
    host = ".".join(labels) + ".example"
    fallback = idn._stdlib_spelling(host)
    if fallback.ascii is None:
        return
    # UTS #46 ToASCII as browsers run it (no IDNA 2008 hyphen rules): map, then punycode.
    mapped = idna.uts46_remap(host, std3_rules=False, transitional=False)
    reference = ".".join(
        label if label.isascii() else "xn--" + label.encode("punycode").decode("ascii")
        for label in mapped.split(".")
    )
    assert fallback.ascii == reference


def test_without_the_package_the_loader_reports_none(monkeypatch: pytest.MonkeyPatch) -> None:
    idn.idna_package.cache_clear()
    with monkeypatch.context() as patch:
        patch.setitem(sys.modules, "idna", None)  # import now raises ImportError
        assert idn.idna_package() is None
        idn.idna_package.cache_clear()
    assert idn.idna_package() is idna
