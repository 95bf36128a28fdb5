"""Debug mode's response header: a refusal's structured reason, safe to put on the wire.

With ``debug=True`` every refused request gets one header made from the decision's fields::

    X-CORS-Debug: refusal=header-refused; detail="x-token"; resource="/api/*"

``refusal`` is the :class:`~wsgi_cors.Refusal` value (a fixed token); ``detail`` (the
refused method or header name, when the refusal names one) and ``resource`` (the pattern
that decided) are quoted strings. Request text is never sent raw: inside the quotes every
character outside printable ASCII, and ``"``, ``\\`` and ``%``, is percent-encoded as UTF-8
bytes, so no value can end the string, split the header or carry a control character; a
value longer than :data:`MAX_QUOTED` characters is cut and the item ends with
``; truncated``. The value is an RFC 8941 parameter list in spirit: ``;``-separated
``key=value`` pairs, read by splitting, never by evaluating.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .policy import Refusal

#: The response header that carries a refusal's reason in debug mode.
DEBUG_HEADER = "X-CORS-Debug"

#: The longest quoted value, in characters after encoding.
MAX_QUOTED = 200

# Printable ASCII but the three characters that would end, escape or look like an escape.
_PLAIN = frozenset(chr(code) for code in range(0x20, 0x7F)) - set('"\\%')


def quote(text: str, limit: int = MAX_QUOTED) -> tuple[str, bool]:
    """``text`` as a quoted string, and whether it had to be cut to ``limit`` characters."""
    parts: list[str] = []
    size = 0
    for char in text:
        piece = (
            char
            if char in _PLAIN
            else "".join(f"%{byte:02X}" for byte in char.encode("utf-8", "surrogatepass"))
        )
        if size + len(piece) > limit:
            return '"' + "".join(parts) + '"', True
        parts.append(piece)
        size += len(piece)
    return '"' + "".join(parts) + '"', False


def header_value(refusal: Refusal, detail: str | None, resource: str) -> str:
    """The ``X-CORS-Debug`` value for one refusal (see the module)."""
    items = [f"refusal={refusal.value}"]
    truncated = False
    for key, value in (("detail", detail), ("resource", resource)):
        if value is not None:
            quoted, cut = quote(value)
            items.append(f"{key}={quoted}")
            truncated = truncated or cut
    if truncated:
        items.append("truncated")
    return "; ".join(items)
