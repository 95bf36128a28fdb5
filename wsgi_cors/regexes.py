"""Regexes from configuration: when they may be joined, and whether they can backtrack badly.

Both questions are answered from the parsed pattern (the engine's own parser, private:
``re._parser`` from 3.11, ``sre_parse`` before), so that they judge what the engine runs,
not how the text happens to be spelt.

* :func:`can_join` is the one rule for putting several patterns into one alternation, used by
  :func:`join_any` (origins: does any pattern fullmatch; what cannot be joined stays apart)
  and :func:`join_first_regex` (resources: which pattern matches first; ``None`` when they
  cannot be joined, and the caller runs each resource's own matcher).
* :func:`backtracking_risk` refuses patterns whose matching time can explode on a hostile
  request (ReDoS). It builds the position automaton of the pattern over approximate character
  sets and looks for a state that two different paths can reach on the same text inside a loop
  (exponential time), or three loops in a row that can share their text (cubic time or worse).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .errors import ConfigurationError, describe

_sre: Any
try:
    _sre = importlib.import_module("re._parser")
except ImportError:  # Python 3.10
    try:
        _sre = importlib.import_module("sre_parse")
    except ImportError:  # pragma: no cover - every supported CPython has one of them
        _sre = None


def _op(name: str) -> object:
    """A parser opcode, or a fresh sentinel when this Python's parser has no such opcode."""
    return getattr(_sre, name, object())


_LITERAL, _NOT_LITERAL, _ANY, _IN, _AT = (_op(n) for n in ("LITERAL", "NOT_LITERAL", "ANY", "IN", "AT"))
_BRANCH, _SUBPATTERN, _GROUPREF, _GROUPREF_EXISTS = (
    _op(n) for n in ("BRANCH", "SUBPATTERN", "GROUPREF", "GROUPREF_EXISTS")
)
_ASSERT, _ASSERT_NOT, _ATOMIC = (_op(n) for n in ("ASSERT", "ASSERT_NOT", "ATOMIC_GROUP"))
_MAX_REPEAT, _MIN_REPEAT, _POSSESSIVE = (_op(n) for n in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"))
_REPEATS = (_MAX_REPEAT, _MIN_REPEAT, _POSSESSIVE)
_RANGE, _NEGATE, _CATEGORY = (_op(n) for n in ("RANGE", "NEGATE", "CATEGORY"))
_MAXREPEAT: object = getattr(_sre, "MAXREPEAT", object())

# The parser keeps no trace of where a flag was set, so a global inline flag group (which
# must stay at the very start of a pattern) is also looked for in the text.
_GLOBAL_FLAG_GROUP = re.compile(r"\(\?[aiLmsux]+\)")
# Without a parser: anything that might be a group reference, a conditional or a flag group.
_UNJOINABLE_TEXT = re.compile(r"\\[1-9]|\(\?P=|\(\?\(|\(\?[aiLmsux]+[:)]|#")


def _parse(pattern: str, flags: int) -> Any | None:
    if _sre is None:
        return None
    try:
        return _sre.parse(pattern, flags)
    except Exception:  # re.error, or a parser that changed shape
        return None


def _children(op: object, av: Any) -> list[Any]:
    """The nested item lists of one parsed item."""
    if op == _BRANCH:
        return list(av[1])
    if op == _SUBPATTERN:
        return [av[-1]]
    if op in _REPEATS:
        return [av[2]]
    if op in (_ASSERT, _ASSERT_NOT):
        return [av[1]]
    if op == _ATOMIC:
        return [av]
    if op == _GROUPREF_EXISTS:
        return [av[1]] + ([av[2]] if av[2] is not None else [])
    return []


def _walk(items: Iterable[tuple[object, Any]]) -> Iterable[tuple[object, Any]]:
    for op, av in items:
        yield op, av
        for child in _children(op, av):
            yield from _walk(child)


# --------------------------------------------------------------------------------------------
# Joining


def can_join(pattern: re.Pattern[str]) -> bool:
    """Whether ``pattern`` means the same inside ``(?:...)|(?:...)`` or ``(...)|(...)``.

    Joining renumbers groups, so any group reference (``\\1``, ``(?P=name)``) or conditional
    (``(?(1)a|b)``) would read another pattern's group. A global inline flag such as ``(?i)``
    must stay at the start of the whole pattern. A verbose pattern may end in a ``#`` comment
    that would swallow the closing parenthesis. Patterns that cannot be parsed are not joined.
    """
    if pattern.flags & re.VERBOSE:
        return False
    if _sre is None:
        return not _UNJOINABLE_TEXT.search(pattern.pattern)
    parsed = _parse(pattern.pattern, 0)
    if parsed is None or parsed.state.flags & ~re.UNICODE or _GLOBAL_FLAG_GROUP.search(pattern.pattern):
        return False
    for op, av in _walk(parsed):
        if op in (_GROUPREF, _GROUPREF_EXISTS):
            return False
        if op == _SUBPATTERN and av[1] & re.VERBOSE:
            return False
    return True


def _compile_joined(source: str, flags: int) -> re.Pattern[str] | None:
    try:
        return re.compile(source, flags)
    except (re.error, RecursionError, OverflowError):  # e.g. the same group name twice
        return None


def join_any(patterns: Sequence[re.Pattern[str]]) -> tuple[re.Pattern[str], ...]:
    """Patterns to try in turn, whose ``fullmatch`` succeeds where any of ``patterns`` would.

    Joinable patterns with the same flags become one alternation, so that a refusal costs one
    regex call instead of one per rule; the others (or all, if joining fails) stay as they are.
    """
    groups: dict[int, list[re.Pattern[str]]] = {}
    rest: list[re.Pattern[str]] = []
    for pattern in patterns:
        if can_join(pattern):
            groups.setdefault(pattern.flags, []).append(pattern)
        else:
            rest.append(pattern)
    joined: list[re.Pattern[str]] = []
    for flags, group in groups.items():
        single = (
            _compile_joined("|".join(f"(?:{p.pattern})" for p in group), flags) if len(group) > 1 else None
        )
        if single is None:
            joined.extend(group)
        else:
            joined.append(single)
    return (*joined, *rest)


def can_join_all(patterns: Sequence[re.Pattern[str]]) -> bool:
    """Whether :func:`join_first_regex` puts ``patterns`` into one regex."""
    return len(patterns) > 1 and len({p.flags for p in patterns}) == 1 and all(map(can_join, patterns))


def join_first_regex(
    patterns: Sequence[re.Pattern[str]],
) -> tuple[re.Pattern[str], Mapping[int | None, int]] | None:
    """One regex whose ``match`` finds the first of ``patterns`` that matches, and the pattern
    index each ``lastindex`` names.

    Alternation tries its branches in order, so the first branch that matches is the first
    pattern that would have; each branch ends in an empty group, the last group to close (the
    match's ``lastindex``), which names it. At the end rather than around the branch, the
    group leaves each branch's leading literal where ``re`` skips a branch on its first
    character without entering it. ``None`` when the patterns cannot be joined.
    """
    if not can_join_all(patterns):
        return None
    index_of_group: dict[int | None, int] = {}
    group = 1
    for index, pattern in enumerate(patterns):
        group += pattern.groups  # the pattern's own groups come before its marker
        index_of_group[group] = index
        group += 1
    joined = _compile_joined("|".join(f"(?:{p.pattern})()" for p in patterns), patterns[0].flags)
    return None if joined is None else (joined, index_of_group)


def guaranteed_count(pattern: re.Pattern[str], char: str) -> int | None:
    """How many ``char`` every match of ``pattern`` contains at least; None if unreadable.

    For resources, the ``/`` a path must have to match is the depth the pattern is sure of:
    ``/(?:api/v1/|public/).*`` is sure of two, whatever the ``/`` in its text.
    """
    parsed = _parse(pattern.pattern, pattern.flags)
    if parsed is None:
        return None
    try:
        return _least(list(parsed), ord(char))
    except Exception:  # an opcode shape this reading does not know
        return None


def literal_prefix(pattern: re.Pattern[str]) -> str:
    """The text every match of ``pattern`` (with ``match``) starts with; "" if unreadable."""
    parsed = _parse(pattern.pattern, pattern.flags)
    prefix: list[str] = []
    for op, value in list(parsed or ()):
        if op is _AT and not prefix:
            continue  # a leading ^ or \A: match() starts there anyway
        if op is not _LITERAL:
            break
        prefix.append(chr(value))
    return "".join(prefix)


def _least(items: list[Any], code: int) -> int:
    total = 0
    for op, value in items:
        if op is _LITERAL:
            total += value == code
        elif op is _IN:
            total += list(value) == [(_LITERAL, code)]
        elif op is _SUBPATTERN:
            total += _least(list(value[-1]), code)
        elif op is _ATOMIC:
            total += _least(list(value), code)
        elif op is _BRANCH:
            total += min(_least(list(branch), code) for branch in value[1])
        elif op in _REPEATS:
            total += value[0] * _least(list(value[2]), code)
        elif op is _GROUPREF_EXISTS:
            yes, no = value[1], value[2]
            total += min(_least(list(yes), code), _least(list(no), code) if no is not None else 0)
    return total


# --------------------------------------------------------------------------------------------
# Character sets, approximated so that two sets are never wrongly found disjoint


_ASCII_SPACE = frozenset(map(ord, " \t\n\r\f\v"))


def _ascii_word(c: int) -> bool:
    return c < 128 and (chr(c).isalnum() or c == 95)


def _unicode_word(c: int) -> bool:
    return chr(c).isalnum() or c == 95


def _ascii_digit(c: int) -> bool:
    return 48 <= c <= 57


def _unicode_digit(c: int) -> bool:
    return chr(c).isdigit()


def _unicode_space(c: int) -> bool:
    return chr(c).isspace() or c in _ASCII_SPACE


def _ascii_space(c: int) -> bool:
    return c in _ASCII_SPACE


# Per category: a name, a test at least as wide as the engine's (for overlap) and one at most
# as wide (for what a negated class leaves out). Unknown categories: anything, and nothing.
_CATEGORIES: dict[str, tuple[str, Callable[[int], bool], Callable[[int], bool]]] = {
    "CATEGORY_DIGIT": ("digit", _unicode_digit, _ascii_digit),
    "CATEGORY_NOT_DIGIT": ("not-digit", lambda c: not _ascii_digit(c), lambda c: not _unicode_digit(c)),
    "CATEGORY_WORD": ("word", _unicode_word, _ascii_word),
    "CATEGORY_NOT_WORD": ("not-word", lambda c: not _ascii_word(c), lambda c: not _unicode_word(c)),
    "CATEGORY_SPACE": ("space", _unicode_space, _ascii_space),
    "CATEGORY_NOT_SPACE": ("not-space", lambda c: not _ascii_space(c), lambda c: not _unicode_space(c)),
}
_DISJOINT_KINDS = frozenset({frozenset({"digit", "space"}), frozenset({"word", "space"})})
_SMALL_RANGE = 256


def _category(code: object) -> tuple[str, Callable[[int], bool], Callable[[int], bool]]:
    return _CATEGORIES.get(str(code), ("any", lambda c: True, lambda c: False))


def _folds(c: int) -> set[int]:
    """The code points that an IGNORECASE match may treat as ``c`` (a generous superset)."""
    char = chr(c)
    found = {c}
    for other in (char.lower(), char.upper(), char.lower().upper(), char.upper().lower()):
        if len(other) == 1:
            found.add(ord(other))
    return found


@dataclass(frozen=True)
class _Chars:
    """The characters one position may consume: explicit code points plus wide tests."""

    points: frozenset[int] = frozenset()
    tests: tuple[tuple[str, Callable[[int], bool]], ...] = ()

    def overlaps(self, other: _Chars) -> bool:
        if self.points & other.points:
            return True
        for kind, test in self.tests:
            if any(map(test, other.points)):
                return True
            for other_kind, _ in other.tests:
                if frozenset({kind, other_kind}) not in _DISJOINT_KINDS:
                    return True  # two large sets: assume they share something
        return any(test(c) for _, test in other.tests for c in self.points)

    def __or__(self, other: _Chars) -> _Chars:
        return _Chars(self.points | other.points, self.tests + other.tests)


_EVERYTHING = _Chars(tests=(("any", lambda c: True),))


def _chars_of(op: object, av: Any, ignorecase: bool) -> _Chars:
    if op == _LITERAL:
        return _Chars(frozenset(_folds(av) if ignorecase else {av}))
    if op == _NOT_LITERAL:
        return _Chars(tests=(("not", lambda c: c != av),))
    if op == _IN:
        return _class(av, ignorecase)
    return _EVERYTHING


def _in_range(lo: int, hi: int) -> Callable[[int], bool]:
    return lambda c: any(lo <= f <= hi for f in _folds(c))


def _class(items: Sequence[tuple[object, Any]], ignorecase: bool) -> _Chars:
    """A ``[...]`` class; a negated one is a test that leaves out only what is surely in it."""
    if items and items[0][0] == _NEGATE:
        excluded: set[int] = set()
        ranges: list[tuple[int, int]] = []
        narrow: list[Callable[[int], bool]] = []
        for op, av in items[1:]:
            if op == _LITERAL:
                excluded.add(av)
            elif op == _RANGE:
                ranges.append(av)
            elif op == _CATEGORY:
                narrow.append(_category(av)[2])

        def outside(c: int) -> bool:
            if c in excluded or any(lo <= c <= hi for lo, hi in ranges):
                return False
            return not any(test(c) for test in narrow)

        return _Chars(tests=(("negated", outside),))
    points: set[int] = set()
    tests: list[tuple[str, Callable[[int], bool]]] = []
    for op, av in items:
        if op == _LITERAL:
            points |= _folds(av) if ignorecase else {av}
        elif op == _RANGE and av[1] - av[0] <= _SMALL_RANGE:
            for c in range(av[0], av[1] + 1):
                points |= _folds(c) if ignorecase else {c}
        elif op == _RANGE:
            tests.append(("range", _in_range(*av)))
        elif op == _CATEGORY:
            kind, wide, _ = _category(av)
            tests.append((kind, wide))
        else:
            tests.append(("any", lambda c: True))
    return _Chars(frozenset(points), tuple(tests))


# --------------------------------------------------------------------------------------------
# The position automaton of a pattern


_Counts = dict[int, int]  # position -> number of distinct ways (capped at 2)


def _add(into: _Counts, position: int, ways: int) -> None:
    if ways:
        into[position] = min(2, into.get(position, 0) + ways)


@dataclass
class _Fragment:
    """What one piece contributes: where it starts, where it ends, in how many ways it is empty."""

    first: _Counts = field(default_factory=dict)
    last: _Counts = field(default_factory=dict)
    empty: int = 1


class _Unanalysable(Exception):
    """The pattern holds something the analysis does not understand inside a repeat."""


# A repeat whose copies cost at most this many positions is expanded exactly (``a{2,5}``);
# a larger one is analysed as the loop it approximates (``.{0,300}`` as ``.*``).
_EXPANSION_BUDGET = 64
# Past this many steps, the analysis gives up and calls the pattern risky.
_STEP_BUDGET = 2_000_000


def _fixed_width(body: Any) -> bool:
    """Whether every match of a parsed body has the same length (the parser knows its width)."""
    try:
        low, high = body.getwidth()
    except Exception:  # a parser without widths: assume the worst
        return False
    return bool(low == high)


def _size(items: Iterable[tuple[object, Any]]) -> int:
    return sum(1 + sum(_size(child) for child in _children(op, av)) for op, av in items)


class _Automaton:
    """Positions (one per character-consuming item) linked by the ``follow`` relation.

    Each link counts the distinct ways it arises (``(a+)+`` links ``a`` to itself twice:
    once by the inner loop, once by the outer), as these are what a backtracking matcher
    tries one after the other.
    """

    def __init__(self, parsed: Any, flags: int) -> None:
        self.chars: list[_Chars] = []
        self.enclosing: list[tuple[int, ...]] = []  # the loops around each position
        self.follow: dict[int, _Counts] = {}
        self.loops: list[Any] = []  # loop id -> the parsed repeat item, for messages
        self.made_by: dict[tuple[int, int], set[int]] = {}  # link -> loops that made it
        self.problems: list[str] = []
        self.lookarounds: list[tuple[Any, int]] = []
        self.names = {number: name for name, number in parsed.state.groupdict.items()}
        self.groups: dict[int, tuple[Any, int]] = {}
        self._collect_groups(parsed, flags)
        self._open: list[int] = []
        self._stack: list[int] = []
        self.root = self._sequence(parsed, flags)

    def _collect_groups(self, items: Any, flags: int) -> None:
        for op, av in items:
            if op == _SUBPATTERN:
                inner = (flags | av[1]) & ~av[2]
                if av[0] is not None:
                    self.groups[av[0]] = (av[-1], inner)
                self._collect_groups(av[-1], inner)
            else:
                for child in _children(op, av):
                    self._collect_groups(child, flags)

    def _position(self, chars: _Chars) -> _Fragment:
        index = len(self.chars)
        self.chars.append(chars)
        self.enclosing.append(tuple(self._stack))
        self.follow[index] = {}
        return _Fragment({index: 1}, {index: 1}, 0)

    def _link(self, last: _Counts, first: _Counts, loop: int | None = None) -> None:
        for p, ways in last.items():
            targets = self.follow[p]
            for q, more in first.items():
                _add(targets, q, ways * more)
                if loop is not None and ways * more:
                    self.made_by.setdefault((p, q), set()).add(loop)

    def _sequence(self, items: Iterable[tuple[object, Any]], flags: int) -> _Fragment:
        result = _Fragment()
        for op, av in items:
            result = self._then(result, self._item(op, av, flags))
        return result

    def _then(self, a: _Fragment, b: _Fragment) -> _Fragment:
        self._link(a.last, b.first)
        first, last = dict(a.first), dict(b.last)
        for q, ways in b.first.items():
            _add(first, q, ways * a.empty)
        for p, ways in a.last.items():
            _add(last, p, ways * b.empty)
        return _Fragment(first, last, min(2, a.empty * b.empty))

    @staticmethod
    def _either(fragments: Iterable[_Fragment]) -> _Fragment:
        result = _Fragment(empty=0)
        for fragment in fragments:
            for q, ways in fragment.first.items():
                _add(result.first, q, ways)
            for p, ways in fragment.last.items():
                _add(result.last, p, ways)
            result.empty = min(2, result.empty + fragment.empty)
        return result

    def _item(self, op: object, av: Any, flags: int) -> _Fragment:
        ignorecase = bool(flags & re.IGNORECASE)
        if op in (_LITERAL, _NOT_LITERAL, _ANY, _IN):
            return self._position(_chars_of(op, av, ignorecase))
        if op == _AT:
            return _Fragment()
        if op == _SUBPATTERN:
            inner = (flags | av[1]) & ~av[2]
            if av[0] is None:
                return self._sequence(av[-1], inner)
            self._open.append(av[0])
            try:
                return self._sequence(av[-1], inner)
            finally:
                self._open.pop()
        if op == _BRANCH:
            return self._either(self._sequence(alternative, flags) for alternative in av[1])
        if op in _REPEATS:
            return self._repeat(op, av, flags)
        if op == _ATOMIC:
            return self._sequence(av, flags)
        if op in (_ASSERT, _ASSERT_NOT):
            # Zero-width here; its body is matched on its own wherever it is tried.
            self.lookarounds.append((av[1], flags))
            if self._stack and any(o in _REPEATS for o, _ in _walk(av[1])):
                self.problems.append(
                    f"the lookaround {_render([(op, av)], self.names)} repeats inside a repeat"
                )
            return _Fragment()
        if op == _GROUPREF:
            if av in self.groups and av not in self._open:
                body, group_flags = self.groups[av]
                return self._sequence(body, group_flags)
            return self._any_loop((op, av))
        if op == _GROUPREF_EXISTS:
            no = self._sequence(av[2], flags) if av[2] is not None else _Fragment()
            return self._either([self._sequence(av[1], flags), no])
        if self._stack:
            raise _Unanalysable(_render([(op, av)], self.names))
        return self._position(_EVERYTHING)

    def _any_loop(self, item: tuple[object, Any]) -> _Fragment:
        """A back-reference to a group still open: any text, of any length."""
        loop = len(self.loops)
        self.loops.append(item)
        self._stack.append(loop)
        fragment = self._position(_EVERYTHING)
        self._stack.pop()
        self._link(fragment.last, fragment.first, loop)
        return _Fragment(fragment.first, fragment.last, 1)

    def _repeat(self, op: object, av: Any, flags: int) -> _Fragment:
        low, high, body = av
        if high == 0:
            return _Fragment()
        bounded = high is not _MAXREPEAT and isinstance(high, int)
        # Only a fixed number of fixed-width copies is expanded (``[a-f0-9]{8}``): a count
        # range or copies of varying width (``(?:[a-z]{1,10}){1,10}``, ``(?:a?){30}``) can
        # split the same text in many ways, so they are analysed as the loops they are.
        if bounded and (
            high == 1 or (low == high and _fixed_width(body) and high * _size(body) <= _EXPANSION_BUDGET)
        ):
            # Exactly: ``low`` copies, then ``high - low`` nested optional ones (``(x(x)?)?``).
            optional = _Fragment()
            for _ in range(high - low):
                copy = self._then(self._sequence(body, flags), optional)
                optional = _Fragment(copy.first, copy.last, min(2, copy.empty + 1))
            result = _Fragment()
            for _ in range(low):
                result = self._then(result, self._sequence(body, flags))
            return self._then(result, optional)
        loop = len(self.loops)
        self.loops.append((op, av))
        self._stack.append(loop)
        try:
            inner = self._sequence(body, flags)
        finally:
            self._stack.pop()
        if inner.empty and inner.first:
            self.problems.append(
                f"the repeated {_render(body, self.names)} can match the empty string, so "
                f"{_render([(op, av)], self.names)} can split the same text in many ways"
            )
        self._link(inner.last, inner.first, loop)
        return _Fragment(inner.first, inner.last, 1 if low == 0 else inner.empty)


def _components(nodes: Sequence[Any], successors: Callable[[Any], Iterable[Any]]) -> dict[Any, int]:
    """Strongly connected components (iterative Tarjan): node -> component number."""
    index: dict[Any, int] = {}
    low: dict[Any, int] = {}
    component: dict[Any, int] = {}
    stack: list[Any] = []
    on_stack: set[Any] = set()
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work = [(root, iter(successors(root)))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(successors(child))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                number = len(set(component.values()))
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component[member] = number
                    if member == node:
                        break
    return component


class _TooComplex(Exception):
    """The analysis would take too long: the pattern is refused rather than trusted."""


def _innermost_loop(automaton: _Automaton, positions: Iterable[int]) -> Any:
    """The innermost repeat around all ``positions``: the loop their ambiguity lives in."""
    stacks = [automaton.enclosing[p] for p in positions]
    common: tuple[int, ...] = ()
    for level in zip(*stacks, strict=False):
        if len(set(level)) != 1:
            break
        common += (level[0],)
    return automaton.loops[common[-1]] if common else None


def _exponential(automaton: _Automaton) -> str | None:
    """A loop in which two different paths consume the same text: time doubles per repeat."""
    follow = automaton.follow
    positions = list(follow)
    component = _components(positions, lambda p: follow[p])
    cyclic = {component[p] for p in positions if any(component[q] == component[p] for q in follow[p])}

    def describe_loop(item: Any) -> str:
        text = _render([item], automaton.names) if item is not None else "a repeat"
        return f"{text} can match the same text in more than one way"

    for p in positions:
        for q, ways in follow[p].items():
            if ways > 1 and component[p] == component[q]:
                makers = automaton.made_by.get((p, q))
                item = automaton.loops[min(makers)] if makers else _innermost_loop(automaton, (p, q))
                return describe_loop(item)

    overlap: dict[tuple[int, int], bool] = {}
    chars = automaton.chars

    def overlaps(p: int, q: int) -> bool:
        key = (p, q) if p <= q else (q, p)
        if key not in overlap:
            overlap[key] = chars[p].overlaps(chars[q])
        return overlap[key]

    steps = 0

    def pairs(node: tuple[int, int]) -> Iterable[tuple[int, int]]:
        nonlocal steps
        p, q = node
        same = component[p]
        for p2 in follow[p]:
            if component[p2] != same:
                continue
            for q2 in follow[q]:
                steps += 1
                if steps > _STEP_BUDGET:
                    raise _TooComplex
                if component[q2] == same and overlaps(p2, q2):
                    yield (p2, q2)

    diagonal = [(p, p) for p in positions if component[p] in cyclic]
    product = _components(diagonal, pairs)
    mixed: dict[int, set[int]] = {}
    for (p, q), number in product.items():
        if p != q:
            mixed.setdefault(number, set()).update((p, q))
    for (p, q), number in product.items():
        if p == q and number in mixed:
            return describe_loop(_innermost_loop(automaton, mixed[number]))
    return None


def _polynomial(automaton: _Automaton) -> str | None:
    """Three or more loops in a row that can take the same characters: cubic time or worse."""
    follow = automaton.follow
    positions = list(follow)
    component = _components(positions, lambda p: follow[p])
    members: dict[int, list[int]] = {}
    for p in positions:
        members.setdefault(component[p], []).append(p)
    loops = [
        number
        for number, inside in members.items()
        if any(component[q] == number for p in inside for q in follow[p])
    ]
    chars: dict[int, _Chars] = {}
    for number in loops:
        combined = _Chars()
        for p in members[number]:
            combined = combined | automaton.chars[p]
        chars[number] = combined

    def linked(a: int, b: int) -> bool:
        """Whether text can stay in loop ``a``, move to loop ``b`` and stay there."""
        if not chars[a].overlaps(chars[b]):
            return False
        seen: set[int] = set()
        todo = list(members[a])
        while todo:
            p = todo.pop()
            for q in follow[p]:
                if q in seen or component[q] == a:
                    continue
                seen.add(q)
                if not (automaton.chars[q].overlaps(chars[a])):
                    continue
                if component[q] == b:
                    return True
                if automaton.chars[q].overlaps(chars[b]):
                    todo.append(q)
        return False

    after = {a: [b for b in loops if b != a and linked(a, b)] for a in loops}
    longest: dict[int, list[int]] = {}

    def chain(a: int) -> list[int]:
        if a not in longest:
            longest[a] = [a]  # links only run forwards, so there is no cycle to guard against
            best = max((chain(b) for b in after[a]), key=len, default=[])
            longest[a] = [a, *best]
        return longest[a]

    worst = max((chain(a) for a in loops), key=len, default=[])
    if len(worst) < 3:
        return None
    parts = []
    for number in worst:
        item = _innermost_loop(automaton, members[number])
        parts.append(_render([item], automaton.names) if item is not None else "a repeat")
    return (
        f"the repeats {', '.join(parts[:-1])} and {parts[-1]} follow one another and can take "
        f"the same characters, so matching time grows with the power {len(worst)} of the length"
    )


def _risk(parsed: Any, flags: int, depth: int = 0) -> str | None:
    try:
        automaton = _Automaton(parsed, flags)
    except _Unanalysable as unknown:
        return f"{unknown} inside a repeat cannot be analysed for backtracking"
    if automaton.problems:
        return automaton.problems[0]
    try:
        found = _exponential(automaton)
        if found is not None:
            return f"exponential backtracking: {found}"
        found = _polynomial(automaton)
    except _TooComplex:
        return "the regex is too large to check for catastrophic backtracking"
    if found is not None:
        return f"polynomial backtracking: {found}"
    for body, body_flags in automaton.lookarounds:
        inner = _risk(body, body_flags, depth + 1)
        if inner is not None:
            return inner
    return None


def backtracking_risk(pattern: str | re.Pattern[str], flags: int = 0) -> str | None:
    """``None`` if matching ``pattern`` takes bounded time per character; else why not.

    Conservative (character sets are approximated towards overlap, unknown constructs inside
    repeats count as risky) but precise about structure, so that disambiguated nesting such as
    ``([a-z0-9-]+\\.)*`` passes. ``re.match`` and ``fullmatch`` are assumed (no search loop).
    """
    text = pattern.pattern if isinstance(pattern, re.Pattern) else pattern
    if isinstance(pattern, re.Pattern):
        flags |= pattern.flags
    if not isinstance(text, str):
        return None
    parsed = _parse(text, flags & ~re.UNICODE)
    if parsed is None:  # no parser here, or a pattern that does not compile anyway
        return None
    return _risk(parsed, parsed.state.flags)


def check_backtracking(option: str, value: object, pattern: re.Pattern[str], fix: str) -> None:
    """Refuse, naming the option and the fix, a regex that a request could make run for ages."""
    problem = backtracking_risk(pattern)
    if problem is not None:
        raise ConfigurationError(
            describe(option, value, f"a request could make it run for a very long time ({problem})", fix)
        )


# --------------------------------------------------------------------------------------------
# Rendering parsed items back to regex text, to name the offending part in messages


_SPECIAL = frozenset(".^$*+?{}[]\\|()")
_CLASS_SPECIAL = frozenset("]\\^-")
_CATEGORY_TEXT = {
    "CATEGORY_DIGIT": r"\d",
    "CATEGORY_NOT_DIGIT": r"\D",
    "CATEGORY_WORD": r"\w",
    "CATEGORY_NOT_WORD": r"\W",
    "CATEGORY_SPACE": r"\s",
    "CATEGORY_NOT_SPACE": r"\S",
}
_AT_TEXT = {
    "AT_BEGINNING": "^",
    "AT_BEGINNING_STRING": r"\A",
    "AT_END": "$",
    "AT_END_STRING": r"\Z",
    "AT_BOUNDARY": r"\b",
    "AT_NON_BOUNDARY": r"\B",
}


def _char_text(c: int, special: Iterable[str]) -> str:
    char = chr(c)
    if not char.isprintable():
        return f"\\x{c:02x}" if c < 256 else f"\\u{c:04x}"
    return "\\" + char if char in special else char


def _class_text(items: Sequence[tuple[object, Any]]) -> str:
    if len(items) == 1 and items[0][0] == _CATEGORY:
        return _CATEGORY_TEXT.get(str(items[0][1]), "?")
    parts = []
    for op, av in items:
        if op == _NEGATE:
            parts.append("^")
        elif op == _LITERAL:
            parts.append(_char_text(av, _CLASS_SPECIAL))
        elif op == _RANGE:
            parts.append(f"{_char_text(av[0], _CLASS_SPECIAL)}-{_char_text(av[1], _CLASS_SPECIAL)}")
        elif op == _CATEGORY:
            parts.append(_CATEGORY_TEXT.get(str(av), "?"))
    return "[" + "".join(parts) + "]"


def _render(items: Iterable[tuple[object, Any]], names: dict[int, str]) -> str:
    return "".join(_render_item(op, av, names) for op, av in items)


def _render_item(op: object, av: Any, names: dict[int, str]) -> str:
    if op == _LITERAL:
        return _char_text(av, _SPECIAL)
    if op == _NOT_LITERAL:
        return "[^" + _char_text(av, _CLASS_SPECIAL) + "]"
    if op == _ANY:
        return "."
    if op == _IN:
        return _class_text(av)
    if op == _AT:
        return _AT_TEXT.get(str(av), "")
    if op == _SUBPATTERN:
        group, body = av[0], av[-1]
        opening = "(?:" if group is None else (f"(?P<{names[group]}>" if group in names else "(")
        inner = "|".join(_render(a, names) for a in body[0][1][1]) if _lone_branch(body) else None
        return opening + (inner if inner is not None else _render(body, names)) + ")"
    if op == _BRANCH:
        return "(?:" + "|".join(_render(alternative, names) for alternative in av[1]) + ")"
    if op in _REPEATS:
        low, high, body = av
        if (low, high) == (0, _MAXREPEAT):
            quantifier = "*"
        elif (low, high) == (1, _MAXREPEAT):
            quantifier = "+"
        elif (low, high) == (0, 1):
            quantifier = "?"
        elif high == _MAXREPEAT:
            quantifier = f"{{{low},}}"
        else:
            quantifier = f"{{{low}}}" if low == high else f"{{{low},{high}}}"
        quantifier += "?" if op == _MIN_REPEAT else "+" if op == _POSSESSIVE else ""
        body_items = list(body)
        atomic = len(body_items) == 1 and body_items[0][0] in (_LITERAL, _NOT_LITERAL, _ANY, _IN, _SUBPATTERN)
        text = _render(body_items, names)
        return (text if atomic else f"(?:{text})") + quantifier
    if op == _GROUPREF:
        return f"(?P={names[av]})" if av in names else f"\\{av}"
    if op == _GROUPREF_EXISTS:
        no = "|" + _render(av[2], names) if av[2] is not None else ""
        return f"(?({names.get(av[0], av[0])}){_render(av[1], names)}{no})"
    if op in (_ASSERT, _ASSERT_NOT):
        direction, body = av
        behind = "" if direction > 0 else "<"
        opening = f"(?{behind}=" if op == _ASSERT else f"(?{behind}!"
        return opening + _render(body, names) + ")"
    if op == _ATOMIC:
        return "(?>" + _render(av, names) + ")"
    return f"<{op}>"


def _lone_branch(body: Any) -> bool:
    items = list(body)
    return len(items) == 1 and items[0][0] == _BRANCH
