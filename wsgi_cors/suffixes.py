"""Public suffixes: the names under which anyone can register a host of their own.

A wildcard or regex origin that reaches under one (``https://*.github.io``) trusts every site
hosted there. Which names are public comes from the Public Suffix List, through the
``publicsuffixlist`` package when it is installed (``pip install 'wsgi-cors[psl]'``), or from
:data:`BUILTIN_SUFFIXES`, a small subset kept here, otherwise (the core has no runtime
dependencies). Suffixes in the list's private section count: anyone can sign up under
``trycloudflare.com`` or ``up.railway.app``. A single label (a top-level domain) is always
public, as the list's own default rule ``*`` says.

The list is read lazily, once per process, the first time a guard needs it: only a
credentialed configuration with a wildcard or regex origin pays for it, at construction, and
no request ever does.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Iterable
from importlib import metadata, resources
from typing import Any, Protocol

#: Suffixes under which anyone can obtain a host name. Every entry is on the Public Suffix
#: List (the test suite checks this against the ``publicsuffixlist`` package).
BUILTIN_SUFFIXES = frozenset(
    {
        # multi-label country-code suffixes
        "co.uk", "org.uk", "me.uk", "ltd.uk", "plc.uk", "net.uk", "ac.uk", "gov.uk",
        "com.au", "net.au", "org.au", "id.au", "co.nz", "net.nz", "org.nz",
        "co.jp", "ne.jp", "or.jp", "co.kr", "or.kr", "com.cn", "net.cn", "org.cn",
        "com.hk", "com.tw", "com.sg", "com.my", "co.in", "net.in", "org.in", "co.id",
        "co.th", "com.vn", "com.ph", "com.pk", "co.il", "com.tr", "com.sa", "com.eg",
        "co.za", "org.za", "com.ng", "co.ke", "com.br", "net.br", "org.br", "com.mx",
        "com.ar", "com.co", "com.pe", "com.ua", "com.pl", "co.at", "or.at",
        "com.es", "nom.es", "org.es",
        # hosting platforms, tunnels and storage that hand out subdomains to anyone
        "github.io", "githubusercontent.com", "gitlab.io", "codeberg.page", "bitbucket.io",
        "herokuapp.com", "vercel.app", "now.sh", "netlify.app", "pages.dev", "workers.dev",
        "web.app", "firebaseapp.com", "appspot.com", "run.app", "cloudfunctions.net",
        "azurewebsites.net", "azurestaticapps.net", "cloudapp.net", "azureedge.net", "azurefd.net",
        "blob.core.windows.net", "web.core.windows.net", "cloudfront.net", "s3.amazonaws.com",
        "s3.eu-west-1.amazonaws.com", "elasticbeanstalk.com", "amplifyapp.com", "onrender.com",
        "fly.dev", "up.railway.app", "repl.co", "replit.dev", "csb.app", "ngrok.io", "ngrok.app",
        "ngrok.dev", "ngrok-free.app", "ngrok-free.dev", "trycloudflare.com", "r2.dev",
        "supabase.co", "hf.space", "streamlit.app", "blogspot.com", "readthedocs.io", "surge.sh",
        "deno.dev", "pythonanywhere.com", "ondigitalocean.app", "digitaloceanspaces.com",
        "myshopify.com",
    }
)  # fmt: skip


class SuffixSource(Protocol):
    """Where the public suffixes come from; every name passed in is lower-case ASCII."""

    #: Names the source in warnings, so a reader knows how complete the judgement was.
    description: str

    def is_public(self, domain: str) -> bool:
        """Whether anyone can register a name directly under ``domain``."""

    def public_under(self, domain: str) -> list[str]:
        """The public suffixes strictly below ``domain``, broadest first."""


class BuiltinSuffixes:
    """The fallback: :data:`BUILTIN_SUFFIXES` plus every top-level domain."""

    def __init__(self, suffixes: frozenset[str] = BUILTIN_SUFFIXES) -> None:
        self._suffixes = suffixes
        self.description = (
            f"built-in list of {len(suffixes)} common suffixes and every top-level domain; "
            "install wsgi-cors[psl] for the full Public Suffix List"
        )

    def is_public(self, domain: str) -> bool:
        return "." not in domain or domain in self._suffixes

    def public_under(self, domain: str) -> list[str]:
        return _broadest_first(suffix for suffix in self._suffixes if suffix.endswith("." + domain))


class ListedSuffixes:
    """The whole Public Suffix List, as the ``publicsuffixlist`` package reads it.

    The package decides what is public. It has no way to list the suffixes under a name,
    so the rules are read from the same file it parses, to find candidates that the
    package then confirms.
    """

    def __init__(self, package: Any, text: str | None, version: str) -> None:
        lines = text.splitlines() if text is not None else None
        self._list = package.PublicSuffixList(lines)
        self.description = f"Public Suffix List, publicsuffixlist {version}"
        below: dict[str, set[str]] = {}
        for line in lines or ():
            rule = line.strip().split(" ")[0].lower()
            if not rule or rule.startswith(("//", "!")) or not rule.isascii():
                continue  # comments, exceptions (never public) and names no origin can hold
            rule = rule.removeprefix("*.")
            labels = rule.split(".")
            for start in range(1, len(labels) - 1):  # multi-label parents only: not 'com'
                below.setdefault(".".join(labels[start:]), set()).add(rule)
        self._below = {parent: tuple(_broadest_first(rules)) for parent, rules in below.items()}

    def is_public(self, domain: str) -> bool:
        return "." not in domain or bool(self._list.is_public(domain))

    def public_under(self, domain: str) -> list[str]:
        return [rule for rule in self._below.get(domain, ()) if self._list.is_public(rule)]


def _broadest_first(suffixes: Iterable[str]) -> list[str]:
    return sorted(suffixes, key=lambda suffix: (suffix.count("."), suffix))


BUILTIN: SuffixSource = BuiltinSuffixes()

_lock = threading.Lock()
_loaded: SuffixSource | None = None


def current() -> SuffixSource:
    """The source guards consult: loaded on first use, then kept for the process."""
    global _loaded
    if _loaded is None:
        with _lock:
            if _loaded is None:
                _loaded = load()
    return _loaded


def load() -> SuffixSource:
    """The full list when ``publicsuffixlist`` is importable, else the built-in subset."""
    try:
        package = importlib.import_module("publicsuffixlist")
    except ImportError:
        return BUILTIN
    text: str | None
    try:
        text = (resources.files(package) / "public_suffix_list.dat").read_text(encoding="utf-8")
    except OSError:  # a future layout: the package still judges, only the look-below is lost
        text = None
    try:
        version = metadata.version("publicsuffixlist")
    except metadata.PackageNotFoundError:  # e.g. vendored without its metadata
        version = str(getattr(package, "__version__", "unknown version"))
    return ListedSuffixes(package, text, version)
