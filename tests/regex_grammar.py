"""Hypothesis strategies for small regexes and the texts they are matched against.

The alphabet is tiny on purpose: with few characters, generated patterns and inputs share
characters often, so overlapping repeats, clashing branches and group references are common.
"""

from __future__ import annotations

import re

from hypothesis import strategies as st

ALPHABET = "ab.-:/"

_ATOMS = st.sampled_from(
    [
        "a",
        "b",
        r"\.",
        "-",
        ":",
        "/",
        "[ab]",
        "[^.]",
        "[a-c.]",
        r"\w",
        r"\d",
        ".",
        "^",
        "$",
        r"\b",
        r"\1",
        "(?P=n)",
        "(?(1)a|b)",
        "(?(n)b)",
    ]
)


def _combine(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.lists(inner, min_size=2, max_size=3).map("".join),
        st.tuples(inner, inner).map(lambda pair: f"(?:{pair[0]}|{pair[1]})"),
        st.tuples(inner, st.sampled_from(["?", "*", "+", "{1,2}", "{0,3}", "*?", "+?"])).map(
            lambda pair: f"(?:{pair[0]}){pair[1]}"
        ),
        inner.map(lambda body: f"({body})"),
        inner.map(lambda body: f"({body})?"),
        inner.map(lambda body: f"(?P<n>{body})"),
        # A group and a conditional on it: joined after a pattern with groups, it is renumbered.
        st.tuples(inner, inner, inner).map(lambda parts: "({})?(?(1){}|{})".format(*parts)),
    )


def _compiles(pattern: str) -> bool:
    try:
        re.compile(pattern)
    except re.error:
        return False
    return True


#: A small regex from the grammar: literals, classes, ``.``, alternation, repeats, capturing,
#: non-capturing and named groups, back-references, conditionals and anchors.
patterns = st.recursive(_ATOMS, _combine, max_leaves=5).filter(_compiles)

#: Patterns that often share their literal ending, so that the origin suffix index buckets them.
origin_patterns = (
    st.tuples(st.sampled_from(["https://", ""]), patterns, st.sampled_from(["", r"\.b", "a"]))
    .map("".join)
    .filter(_compiles)
)

_texts = st.text(ALPHABET, max_size=10)

#: Inputs over the same alphabet, some shaped like origins, some like paths.
texts = st.one_of(
    st.text("ab", max_size=4),
    _texts,
    _texts.map(lambda rest: "https://" + rest),
    st.lists(st.text(ALPHABET.replace("/", ""), max_size=3), max_size=3).map(
        lambda parts: "/" + "/".join(parts)
    ),
)
