"""Public-suffix warnings from the whole Public Suffix List, or from the built-in subset.

Every behaviour runs against both sources in one test run: the ``suffix_source`` fixture
installs either the list read through ``publicsuffixlist`` (a test dependency) or the built-in
subset, as a deployment without ``wsgi-cors[psl]`` gets it.
"""

from __future__ import annotations

import re
import sys
import warnings
from importlib import metadata, resources
from typing import Any

import pytest
from publicsuffixlist import PublicSuffixList

from wsgi_cors import CORSMiddleware, CORSSecurityWarning, suffixes
from wsgi_cors.suffixes import BUILTIN_SUFFIXES

from .harness import RecordingApp, call

FULL = f"(Public Suffix List, publicsuffixlist {metadata.version('publicsuffixlist')})"
SUBSET = (
    f"(built-in list of {len(BUILTIN_SUFFIXES)} common suffixes and every top-level domain; "
    "install wsgi-cors[psl] for the full Public Suffix List)"
)

# The suffixes issue 15 found missing from the first hand-kept subset.
REPORTED = ["trycloudflare.com", "up.railway.app", "com.es", "azurefd.net", "s3.eu-west-1.amazonaws.com"]


@pytest.fixture(scope="module")
def full_list() -> suffixes.SuffixSource:
    return suffixes.load()


@pytest.fixture(params=["full", "builtin"])
def suffix_source(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, full_list: suffixes.SuffixSource
) -> str:
    """Which source the guards consult for this test: 'full' or 'builtin'."""
    monkeypatch.setattr(suffixes, "_loaded", full_list if request.param == "full" else suffixes.BUILTIN)
    return str(request.param)


def suffix_warnings(**options: Any) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        CORSMiddleware(RecordingApp(), supports_credentials=True, **options)
    return [str(warning.message) for warning in caught if "public suffix" in str(warning.message)]


# --- what is flagged, and the source each warning names --------------------------------------


@pytest.mark.parametrize("suffix", REPORTED)
def test_a_credentialed_wildcard_over_a_reported_suffix_warns_naming_the_source(
    suffix_source: str, suffix: str
) -> None:
    messages = suffix_warnings(origins=[f"https://*.{suffix}"])
    source = FULL if suffix_source == "full" else SUBSET
    assert messages == [
        f"origins='https://*.{suffix}': it matches any host under {suffix!r}, a public suffix where "
        f"anyone can register a name {source}, so with supports_credentials=True any of those sites "
        f"can read credentialed answers. Fix: list your own hosts exactly (e.g. 'https://myapp.{suffix}'), "
        "or use a domain you control."
    ]


@pytest.mark.parametrize("suffix", ["vercel.dev", "eu-west-3.compute.amazonaws.com"])
def test_the_full_list_flags_suffixes_the_built_in_subset_does_not_carry(
    full_list: suffixes.SuffixSource, monkeypatch: pytest.MonkeyPatch, suffix: str
) -> None:
    """The documented limit of the fallback, and what installing wsgi-cors[psl] changes."""
    assert suffix not in BUILTIN_SUFFIXES
    monkeypatch.setattr(suffixes, "_loaded", full_list)
    assert len(suffix_warnings(origins=[f"https://*.{suffix}"])) == 1
    monkeypatch.setattr(suffixes, "_loaded", suffixes.BUILTIN)
    assert suffix_warnings(origins=[f"https://*.{suffix}"]) == []


@pytest.mark.parametrize("domain", ["amazonaws.com", "core.windows.net"])
def test_a_wildcard_over_a_domain_with_public_suffixes_below_it_warns(
    suffix_source: str, domain: str
) -> None:
    """'*' stands for one or more labels: '*.amazonaws.com' matches 'attacker.s3.amazonaws.com'."""
    (message,) = suffix_warnings(origins=[f"https://*.{domain}"])
    below = re.search(r"any host under '([^']+)'", message)
    assert below is not None
    assert below[1].endswith("." + domain)
    assert PublicSuffixList().is_public(below[1])
    if suffix_source == "full":
        assert re.search(rf"and \d+ more public suffixes under '{re.escape(domain)}'", message)


@pytest.mark.parametrize(
    ("origin", "suffix"),
    [
        (r"https://[a-z0-9-]+\.trycloudflare\.com", "trycloudflare.com"),
        (r"https://[a-z0-9-]+\.up\.railway\.app(:\d+)?", "up.railway.app"),
        (r"https://.*\.(vercel|netlify)\.app", "netlify.app"),
        (r"https://[a-z0-9-]+\.com", "com"),
        (r"https://.+\.amazonaws\.com", None),  # a suffix below the literal text
    ],
)
def test_a_regex_reaching_a_public_suffix_warns(suffix_source: str, origin: str, suffix: str | None) -> None:
    (message,) = suffix_warnings(origins=[origin])
    named = re.search(r"any host under '([^']+)'", message)
    assert named is not None
    if suffix is not None:
        assert named[1] == suffix
    else:
        assert named[1].endswith(".amazonaws.com")


def test_the_regex_warning_comes_from_the_full_list_for_suffixes_only_it_knows(
    full_list: suffixes.SuffixSource, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(suffixes, "_loaded", full_list)
    (message,) = suffix_warnings(origins=[r"https://[a-z0-9-]+\.vercel\.dev"])
    assert "any host under 'vercel.dev'" in message
    assert FULL in message


@pytest.mark.parametrize(
    "origins",
    [
        ["https://user.github.io", "https://myapp.trycloudflare.com", "https://shop.com.es"],
        ["https://*.myapp.up.railway.app", "https://*.me.github.io"],
        [r"https://(www|api)\.myapp\.azurefd\.net"],
        [r"https://[a-z]+\.example\.com", "https://*.example.co.uk"],
        ["http://*.localhost:3000", r"http://[a-z]+\.localhost:\d+"],
    ],
)
def test_exact_origins_and_wildcards_below_a_registrable_name_do_not_warn(
    suffix_source: str, origins: list[str]
) -> None:
    """An exact origin on a public suffix names one site; nobody registers under localhost."""
    assert suffix_warnings(origins=origins) == []


def test_without_credentials_nothing_is_warned_and_the_list_is_not_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(suffixes, "_loaded", None)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        CORSMiddleware(RecordingApp(), origins=["https://*.trycloudflare.com"])
        CORSMiddleware(RecordingApp(), origins=["https://app.example.com"], supports_credentials=True)
    assert caught == []
    assert suffixes._loaded is None


def test_the_list_is_read_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    loads: list[suffixes.SuffixSource] = []

    def counting_load() -> suffixes.SuffixSource:
        loads.append(suffixes.BUILTIN)
        return suffixes.BUILTIN

    monkeypatch.setattr(suffixes, "_loaded", None)
    monkeypatch.setattr(suffixes, "load", counting_load)
    for _ in range(3):
        with pytest.warns(CORSSecurityWarning, match="public suffix"):
            CORSMiddleware(RecordingApp(), origins=["https://*.github.io"], supports_credentials=True)
    assert len(loads) == 1


def test_a_warned_wildcard_still_grants_as_written(suffix_source: str) -> None:
    with pytest.warns(CORSSecurityWarning, match="public suffix"):
        middleware = CORSMiddleware(
            RecordingApp(), origins=["https://*.trycloudflare.com"], supports_credentials=True
        )
    granted = call(middleware, origin="https://a.trycloudflare.com")
    assert granted.header("Access-Control-Allow-Origin") == "https://a.trycloudflare.com"
    assert call(middleware, origin="https://atrycloudflare.com").header("Access-Control-Allow-Origin") is None


# --- loading -------------------------------------------------------------------------------------


def test_without_the_package_the_built_in_subset_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "publicsuffixlist", None)  # import now raises ImportError
    assert suffixes.load() is suffixes.BUILTIN


def test_with_the_package_the_whole_list_is_used(full_list: suffixes.SuffixSource) -> None:
    assert full_list.description == FULL.strip("()")
    assert all(full_list.is_public(suffix) for suffix in REPORTED)


def test_the_full_list_judges_every_listed_name_as_the_package_reading_it_alone_does(
    full_list: suffixes.SuffixSource,
) -> None:
    """The faster load (punycode added here, not by the package) against the package's own."""
    package = PublicSuffixList()
    text = (resources.files("publicsuffixlist") / "public_suffix_list.dat").read_text(encoding="utf-8")
    rules = {line.split(" ")[0].lower() for line in text.splitlines() if line and not line.startswith("//")}
    names = {rule.lstrip("!").removeprefix("*.") for rule in rules}
    names |= {name.encode("idna").decode("ascii") for name in names}  # as the package encodes them
    assert len(names) > 10_000
    for name in sorted(names):
        for host in (name, f"wsgi-cors-probe.{name}", f"a.wsgi-cors-probe.{name}"):
            assert full_list.is_public(host) == package.is_public(host), host


@pytest.mark.parametrize("domain", ["amazonaws.com", "windows.net", "co.uk", "github.io", "example.com"])
def test_suffixes_below_a_domain_are_public_and_below_it(
    full_list: suffixes.SuffixSource, domain: str
) -> None:
    package = PublicSuffixList()
    below = full_list.public_under(domain)
    assert all(suffix.endswith("." + domain) and package.is_public(suffix) for suffix in below)
    assert below == sorted(below, key=lambda suffix: (suffix.count("."), suffix))
    # co.uk has private-section entries (no-ip.co.uk, ...) below it; example.com and github.io none
    assert bool(below) == (domain in ("amazonaws.com", "windows.net", "co.uk"))


# --- the built-in subset stays honest ------------------------------------------------------------


def test_every_built_in_suffix_is_on_the_public_suffix_list() -> None:
    psl = PublicSuffixList()
    assert sorted(suffix for suffix in BUILTIN_SUFFIXES if not psl.is_public(suffix)) == []


def test_the_built_in_subset_carries_the_reported_suffixes() -> None:
    assert set(REPORTED) <= BUILTIN_SUFFIXES


@pytest.fixture
def builtin_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(suffixes, "_loaded", suffixes.BUILTIN)


@pytest.mark.usefixtures("builtin_only")
@pytest.mark.parametrize("suffix", sorted(BUILTIN_SUFFIXES))
def test_every_built_in_suffix_is_flagged_as_a_credentialed_wildcard(suffix: str) -> None:
    with pytest.warns(CORSSecurityWarning, match=re.escape(f"any host under {suffix!r}")):
        CORSMiddleware(RecordingApp(), origins=[f"https://*.{suffix}"], supports_credentials=True)
