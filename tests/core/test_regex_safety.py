"""No configuration may make a request cost unbounded time: risky regexes are refused up front."""

from __future__ import annotations

import json
import re
import select
import subprocess
import sys
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.regex_grammar import ALPHABET, patterns
from wsgi_cors.errors import ConfigurationError
from wsgi_cors.options import build_options
from wsgi_cors.origins import compile_origins
from wsgi_cors.regexes import backtracking_risk
from wsgi_cors.resources import compile_resources

ISSUE_PATTERN = r"https://(.*\.)*example\.com"

CATASTROPHIC = [
    ISSUE_PATTERN,  # exponential: .* can also take the dot that ends each repetition
    r"(a+)+x",
    r"(\w+\d*)*x",
    r"(a|a)*x",
    r"(ab|a|b)*x",
    r"(a*)*x",
    r"(x.*y)*z",
    r"(?:a{1,3})*x",
    r"(?=(a+)+x)a",
    r".*.*.*x",  # cubic
    r"\s*\s*\s*;",
    r".*-.*-.*-x",
    r"^.{0,300}.{0,300}.{0,300}x",
    # counted repeats that can split text in many ways, within the old expansion budget
    r"https://(?:[a-z0-9]{1,10}){1,10}\.x\.com",
    r"https://(?:[a-z]?){30}[a-z]{30}\.x\.com",
    r"https://(?:a?){26}a{26}",
    r"https://(?:[a-z0-9]{0,10}){0,10}\.x\.com",
]

SAFE = [
    r"https://(?:[a-z0-9-]{1,63}\.){1,5}example\.com",
    r"https://[a-f0-9]{8}-[a-f0-9]{4}\.example\.com",
    r"https://pr-\d{1,5}\.preview\.example\.com",
    r"https://.*\.example\.com",
    r"https?://localhost(:\d+)?",
    r"http://localhost:\d+",
    r"https://([a-z0-9-]+\.)*example\.com",
    r"https://([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+example\.com",
    r"https://[a-zA-Z0-9.\-]{0,20}\.example\.(org|com|net)",
    r"https://(.+\.)?example\.com",
    r"https://(\w+)\.\1\.example",
    r"https://(www|api)\.example\.com",
    r"https://preview-\d+\.example\.net",
    r"https://[a-z0-9-]+\.herokuapp\.com",
    r"https://[^.]+\.example\.com",
    r"/api/v[0-9]+/.*",
    r"^/static/.*",
    r"/(?:api|public|static|assets|media|downloads)/.*",
    r"/v\d+/",
    r"^/api/(users|items)/\d+$",
    r"X-Custom-.*",
    r"X-Custom-\w+",
    r"(foo|bar)+",
    r"(a|ab)*x",  # the parser factors it into a(?:|b): one way to match any text
    r".*\..*",  # quadratic, and Origin values are bounded in length
    r"[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}",
]


def refuse_origin(pattern: str | re.Pattern[str]) -> None:
    compile_origins([pattern], credentials=False)


def refuse_resource(pattern: str | re.Pattern[str]) -> None:
    compile_resources([pattern], {})


def refuse_header(pattern: str | re.Pattern[str]) -> None:
    build_options({"allow_headers": [pattern]})


BUILDERS = {"origins": refuse_origin, "resources": refuse_resource, "allow_headers": refuse_header}


def test_the_issue_pattern_is_refused_with_the_wildcard_as_the_fix() -> None:
    with pytest.raises(ConfigurationError) as raised:
        compile_origins([ISSUE_PATTERN], credentials=False)
    assert str(raised.value) == (
        f"origins={ISSUE_PATTERN!r}: a request could make it run for a very long time (exponential "
        r"backtracking: (.*\.)* can match the same text in more than one way). Fix: write "
        "'https://*.example.com' (it matches one or more whole subdomain labels), or make each "
        "repeated part unambiguous, e.g. [a-z0-9-]+ instead of .* inside a repeated group."
    )


def test_a_compiled_origin_regex_is_checked_too() -> None:
    with pytest.raises(ConfigurationError, match=r"origins=re\.compile"):
        compile_origins([re.compile(ISSUE_PATTERN)], credentials=False)


@pytest.mark.parametrize("option", sorted(BUILDERS))
@pytest.mark.parametrize("pattern", CATASTROPHIC)
def test_catastrophic_regexes_are_refused_for_every_option(option: str, pattern: str) -> None:
    with pytest.raises(ConfigurationError, match=rf"^{option}=.*a request could make it run for a very long"):
        BUILDERS[option](pattern)
    with pytest.raises(ConfigurationError, match=rf"^{option}=re\.compile"):
        BUILDERS[option](re.compile(pattern))


@pytest.mark.parametrize("option", sorted(BUILDERS))
@pytest.mark.parametrize("pattern", SAFE)
def test_common_regexes_are_accepted_for_every_option(option: str, pattern: str) -> None:
    BUILDERS[option](re.compile(pattern))
    assert backtracking_risk(pattern, re.IGNORECASE) is None


@pytest.mark.parametrize(
    ("pattern", "named"),
    [
        (r"(a+)+x", "(a+)+"),
        (r"(?P<label>.*\.)*x", r"(?P<label>.*\.)*"),
        (r"(a*)*x", "(a*)*"),
        (r".*a.*b.*c", ".*, .* and .*"),
    ],
)
def test_the_explanation_names_the_offending_part(pattern: str, named: str) -> None:
    risk = backtracking_risk(pattern)
    assert risk is not None
    assert named in risk


def test_the_library_s_own_host_wildcard_form_passes_the_check() -> None:
    wildcard = compile_origins(["https://*.example.com"], credentials=False).patterns[0]
    assert backtracking_risk(wildcard) is None


# The hang guard: accepted patterns run against worst-case inputs in a worker process, which
# must answer each batch before the guard runs out. An exponential pattern at 300 characters
# would need far longer than the age of the universe; the guard only stops a hung suite.
_WORKER = """
import json, re, sys
for line in sys.stdin:
    pattern, inputs = json.loads(line)
    compiled = re.compile(pattern, re.IGNORECASE | re.DOTALL)
    for text in inputs:
        compiled.fullmatch(text)
        compiled.match(text)
    print("done", flush=True)
"""
HANG_GUARD_SECONDS = 20.0


class Worker:
    def __init__(self) -> None:
        self.process = self._start()

    @staticmethod
    def _start() -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-c", _WORKER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )

    def finishes(self, pattern: str, inputs: list[str]) -> bool:
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.write(json.dumps([pattern, inputs]) + "\n")
        self.process.stdin.flush()
        ready, _, _ = select.select([self.process.stdout], [], [], HANG_GUARD_SECONDS)
        if ready and self.process.stdout.readline() == "done\n":
            return True
        self.close()
        self.process = self._start()
        return False

    def close(self) -> None:
        self.process.kill()
        self.process.wait()
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:
                pipe.close()


@pytest.fixture(scope="module")
def worker() -> Iterator[Worker]:
    running = Worker()
    yield running
    running.close()


def _worst_cases(pattern: str, pumps: list[str]) -> list[str]:
    """300-character texts that repeat pieces of the pattern's own characters, then fail."""
    own = [char for char in dict.fromkeys(pattern) if char in ALPHABET] or ["a"]
    pieces = [*pumps, *own, "".join(own)]
    texts = []
    for piece in pieces:
        body = (piece * (300 // len(piece) + 1))[:299]
        texts += [body + "!", body + own[-1], "https://" + body[:291] + "!"]
    return texts


@given(patterns, st.lists(st.text(ALPHABET, min_size=1, max_size=4), max_size=3))
def test_property_every_accepted_pattern_answers_worst_case_inputs_promptly(
    worker: Worker, pattern: str, pumps: list[str]
) -> None:
    if backtracking_risk(pattern, re.IGNORECASE | re.DOTALL) is not None:
        return
    assert worker.finishes(pattern, _worst_cases(pattern, pumps)), pattern
