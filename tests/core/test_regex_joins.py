"""Joined regexes agree with the rules they join, one by one, over generated patterns and inputs."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tests.regex_grammar import origin_patterns, patterns, texts
from wsgi_cors.errors import ConfigurationError
from wsgi_cors.origins import compile_origins
from wsgi_cors.regexes import backtracking_risk, can_join, join_any, join_first_regex

# Two origin rules whose joined form once read the wrong group: in the alternation, the second
# rule's conditional (?(1)...) tested the first rule's group 1, so it granted
# https://www.api.example.com (which no rule grants) and refused https://www.app.example.com.
CONDITIONAL_RULES = [r"https://(staging|prod)\.example\.com", r"https://(www\.)?(?(1)app|api)\.example\.com"]


def _safe(sources: list[str], flags: int) -> list[re.Pattern[str]]:
    """Compiled patterns; those that could backtrack for long are left out to keep examples cheap."""
    return [re.compile(source, flags) for source in sources if backtracking_risk(source, flags) is None]


def test_the_conditional_rules_grant_exactly_what_one_rule_grants() -> None:
    rules = compile_origins(CONDITIONAL_RULES, credentials=False)
    assert rules.allows("https://www.app.example.com")
    assert rules.allows("https://api.example.com")
    assert not rules.allows("https://www.api.example.com")
    assert not rules.allows("https://app.example.com")


@pytest.mark.parametrize(
    "source",
    [r"(a)\1", r"(?P<n>a)(?P=n)", r"(a)?(?(1)b|c)", r"(?P<n>a)?(?(n)b)", r"(?i)a", r"(?u)a", r"(?x)a # note"],
)
def test_group_references_conditionals_and_global_flags_are_never_joined(source: str) -> None:
    assert not can_join(re.compile(source))


def test_verbose_patterns_are_never_joined() -> None:
    assert not can_join(re.compile("a # the closing parenthesis would be swallowed", re.VERBOSE))
    assert not can_join(re.compile("(?x:a)b"))


@pytest.mark.parametrize("source", [r"https://(a|b)\.example", r"(?i:A)b", r"(?P<n>a)b", r"(?=a)a", r"a{2}"])
def test_self_contained_patterns_are_joined(source: str) -> None:
    assert can_join(re.compile(source))


def test_join_any_keeps_unjoinable_patterns_apart() -> None:
    sources = [r"a", r"b", r"(c)\1"]
    joined = join_any([re.compile(source) for source in sources])
    assert [pattern.pattern for pattern in joined] == ["(?:a)|(?:b)", r"(c)\1"]


def test_join_first_regex_declines_when_group_names_clash() -> None:
    # None: the resources are then matched one by one with their own matchers.
    assert join_first_regex([re.compile("(?P<n>x)y"), re.compile("(?P<n>x)")]) is None


@given(st.lists(patterns, min_size=2, max_size=4), st.lists(texts, min_size=1, max_size=4))
@example([r"(a)?b", r"(b)?(?(1)a|b)"], ["ba", "bb"])
@example(CONDITIONAL_RULES, ["https://www.api.example.com", "https://www.app.example.com"])
def test_property_joined_fullmatch_agrees_with_any_rule(sources: list[str], inputs: list[str]) -> None:
    compiled = _safe(sources, re.IGNORECASE)
    joined = join_any(compiled)
    for text in inputs:
        expected = any(pattern.fullmatch(text) for pattern in compiled)
        assert any(pattern.fullmatch(text) for pattern in joined) == expected, (sources, text)


@given(st.lists(patterns, min_size=2, max_size=4), st.lists(texts, min_size=1, max_size=4))
@example(["x", r"(b)?(?(1)a|c)"], ["ba", "c"])
def test_property_joined_match_finds_the_first_rule_that_matches(
    sources: list[str], inputs: list[str]
) -> None:
    compiled = _safe(sources, re.DOTALL)
    joined = join_first_regex(compiled)
    if joined is None:  # not joinable: the caller runs each pattern, the plain form itself
        return
    regex, index_of_group = joined
    for text in inputs:
        expected = next((index for index, pattern in enumerate(compiled) if pattern.match(text)), None)
        found = regex.match(text)
        assert (None if found is None else index_of_group[found.lastindex]) == expected, (sources, text)


@given(st.lists(origin_patterns, min_size=1, max_size=4), st.lists(texts, min_size=1, max_size=4))
@example(CONDITIONAL_RULES, ["https://www.api.example.com", "https://www.app.example.com"])
def test_property_origin_rules_allow_exactly_what_explain_names(
    sources: list[str], inputs: list[str]
) -> None:
    try:
        rules = compile_origins([re.compile(source, re.IGNORECASE) for source in sources], credentials=False)
    except ConfigurationError:  # refused as a backtracking risk
        rules = compile_origins(_safe(sources, re.IGNORECASE), credentials=False)
    for text in inputs:
        assert rules.allows(text) == (rules.explain(text) is not None), (sources, text)
