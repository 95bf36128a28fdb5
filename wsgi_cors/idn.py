"""How browsers spell an internationalised host name, for configuration errors that suggest it.

Browsers send a non-ASCII host in its ASCII form, computed by the WHATWG URL "domain to
ASCII" steps: UTS #46 with non-transitional processing, so ``faß.de`` is sent as
``xn--fa-hia.de``. The standard library's ``idna`` codec implements IDNA 2003 instead, which
maps ``ß`` to ``ss`` (``fass.de``, a different site), and knows no character newer than
Unicode 3.2. So:

- with the ``idna`` package installed (``pip install 'wsgi-cors[idna]'``), its UTS #46
  non-transitional mapping computes the spelling. It applies the stricter IDNA 2008 validity
  rules on top, so it refuses some names browsers accept (emoji, a label with ``--`` in third
  and fourth position); then no spelling is suggested, never a wrong one;
- without it, the standard library's answer is used only for host names whose every non-ASCII
  character is one on which the two agree by construction (:func:`_same_in_both`; the test
  suite checks every such character against the ``idna`` package), and nothing is suggested
  for the rest.

Only configuration errors use this; the middleware never converts a request's ``Origin``.
"""

from __future__ import annotations

import functools
import importlib
import string
import unicodedata
from typing import Any, NamedTuple

# The characters of an ASCII host label that both algorithms pass through unchanged (bar case).
_ASCII_HOST = frozenset(string.ascii_letters + string.digits + "-.")


class Spelling(NamedTuple):
    """The host as browsers send it, or ``None``: then ``refusal`` is the idna package's reason
    for refusing the name, or ``None`` when the package is not installed."""

    ascii: str | None
    refusal: str | None = None


def spelling(host: str) -> Spelling:
    """The ASCII host a browser sends for ``host`` (which may be in any case and form)."""
    package = idna_package()
    if package is not None:
        try:
            encoded: bytes = package.encode(host, uts46=True, transitional=False)
        except (UnicodeError, ValueError) as exc:  # idna.IDNAError is a UnicodeError
            return Spelling(None, str(exc))
        return Spelling(encoded.decode("ascii"))
    return _stdlib_spelling(host)


def _stdlib_spelling(host: str) -> Spelling:
    """The standard library's answer, where it is provably the one browsers compute."""
    if all(char in _ASCII_HOST or _same_in_both(char) for char in host) and "xn--" not in host.lower():
        try:
            return Spelling(host.encode("idna").decode("ascii").lower())
        except UnicodeError:  # e.g. a label over 63 characters: leave it to the package
            pass
    return Spelling(None)


@functools.cache
def idna_package() -> Any | None:
    """The ``idna`` package, imported once, or ``None`` when it is not installed."""
    try:
        return importlib.import_module("idna")
    except ImportError:
        return None


def _same_in_both(char: str) -> bool:
    """Whether IDNA 2003 and UTS #46 both keep ``char`` as it is.

    A lower-case letter in Unicode 3.2 (the codec's tables) that case folding and NFKC leave
    alone: both mappings then keep it, and both encode the label with the same punycode (the
    test suite checks every such character against the idna package). Case folding also rules
    out the two deviation characters, sharp s and final sigma, which IDNA 2003 maps to "ss"
    and to a plain sigma and UTS #46 keeps.
    """
    return (
        unicodedata.ucd_3_2_0.category(char) == "Ll"
        and char.casefold() == char
        and unicodedata.normalize("NFKC", char) == char
    )
