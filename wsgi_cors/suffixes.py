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

    The package decides what is public. Two things are done here, on the same rules: the
    ASCII (punycode) form of each internationalised rule is added before the package parses
    them, since origins carry hosts in that form (the package can do it itself, but runs the
    standard library's IDNA 2003 codec over every line, which made the load about three times
    slower here; on this list both give the same forms, which the test suite checks); and the
    rules are kept, because the package has no way to list the suffixes below a name.
    """

    def __init__(self, package: Any, text: str | None, version: str) -> None:
        self.description = f"Public Suffix List, publicsuffixlist {version}"
        self._below: dict[str, list[str]] = {}
        if text is None:
            self._list = package.PublicSuffixList()
            self._rules: tuple[str, ...] = ()
            return
        rules = [rule for rule in (line.strip().split(" ")[0].lower() for line in text.splitlines()) if rule]
        rules = [rule for rule in rules if not rule.startswith("//")]
        rules += [_punycode(rule) for rule in rules if not rule.isascii()]
        self._list = package.PublicSuffixList(rules, accept_encoded_idn=False)
        # exceptions ('!city.kobe.jp') are never public; '*.ck' makes 'ck' public too
        self._rules = tuple(rule.removeprefix("*.") for rule in rules if rule.isascii() and rule[0] != "!")

    def is_public(self, domain: str) -> bool:
        return "." not in domain or bool(self._list.is_public(domain))

    def public_under(self, domain: str) -> list[str]:
        below = self._below.get(domain)
        if below is None:
            tail = "." + domain
            candidates = {rule for rule in self._rules if rule.endswith(tail)}
            below = self._below[domain] = _broadest_first(filter(self._list.is_public, candidates))
        return below


def _punycode(rule: str) -> str:
    """The ASCII form of an internationalised rule (already lower-case and NFC on the list)."""
    exception = "!" if rule.startswith("!") else ""
    return exception + ".".join(
        label if label.isascii() else "xn--" + label.encode("punycode").decode("ascii")
        for label in rule.removeprefix("!").split(".")
    )


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
