"""Resources: which paths CORS applies to, each with its own options.

A resource pattern is matched against ``PATH_INFO`` exactly as the server decoded it
(case-sensitive; ``+`` is a plus sign). Three kinds, most specific first:

* a literal path (no regex characters) matches that path only;
* a pattern ending in ``/*`` matches that path and everything below it
  (``/api/*`` matches ``/api`` and ``/api/users`` but not ``/apiary``);
* any other regex (string or compiled) matches from the start of the path, as in flask-cors.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from . import guards
from .errors import ConfigurationError, ConfigurationTypeError, ErrorCollector, describe
from .options import RESOURCE_OPTIONS, Options, build_options, check_option_names
from .regexes import check_backtracking, guaranteed_count, join_first_regex, literal_prefix

# flask-cors's heuristic; '+' and '.' are not in it, since paths contain them literally.
_PATH_REGEX_MARKERS = frozenset("*\\[]?$^()")

PathMatcher = Callable[[str], bool]

_BACKTRACKING_FIX = "make each repeated part unambiguous, e.g. [^/]+ instead of .* inside a repeated group"


@dataclass(frozen=True)
class Resource:
    pattern: str
    matches: PathMatcher
    options: Options
    #: A regex whose ``match`` agrees with ``matches``, so that all resources can be joined.
    regex: re.Pattern[str] | None = None


def every_path(path: str) -> bool:
    """The matcher of the catch-all patterns; the policy recognises it to skip matching."""
    return True


def compile_path(pattern: str | re.Pattern[str]) -> tuple[PathMatcher, bool, re.Pattern[str]]:
    """The matcher for one pattern, whether it is a regex (for sorting), and its regex form.

    ``regex.match(path)`` agrees with the matcher, so that :func:`join_paths` can put every
    resource into one regex; the matcher is the cheaper test for a resource on its own.
    """
    if isinstance(pattern, re.Pattern):
        check_backtracking("resources", pattern, pattern, _BACKTRACKING_FIX)
        match = pattern.match
        return (lambda path: match(path) is not None), True, pattern
    if pattern in ("*", "/*", ".*", "/.*"):
        return every_path, True, re.compile("", re.DOTALL)
    if _PATH_REGEX_MARKERS.isdisjoint(pattern):
        return pattern.__eq__, False, re.compile(re.escape(pattern) + r"\Z", re.DOTALL)
    if pattern.endswith("/*"):
        base = pattern[:-2]
        if _PATH_REGEX_MARKERS.isdisjoint(base):
            below = base + "/"
            regex = _compile(pattern, re.escape(base) + r"(?:/.*)?\Z")
            return (lambda path: path == base or path.startswith(below)), True, regex
        compiled = _compile(pattern, base + r"(?:/.*)?\Z")
        return (lambda path: compiled.match(path) is not None), True, compiled
    compiled = _compile(pattern, pattern)
    return (lambda path: compiled.match(path) is not None), True, compiled


def join_paths(resources: tuple[Resource, ...]) -> tuple[re.Pattern[str], Mapping[int | None, int]] | None:
    """One regex for all resources, and the resource index each match's ``lastindex`` names
    (see :func:`wsgi_cors.regexes.join_first_regex`): ``match`` finds the first resource that
    matches a path.

    ``None`` when one call would not pay (a single resource) or is not safe (see
    :func:`wsgi_cors.regexes.can_join`): the caller then runs each resource's own matcher,
    cheaper than its regex for literal and ``/*`` patterns.
    """
    regexes = [resource.regex for resource in resources]
    if any(regex is None for regex in regexes):
        return None
    return join_first_regex([regex for regex in regexes if regex is not None])


def _compile(original: str, source: str) -> re.Pattern[str]:
    try:
        compiled = re.compile(source, re.DOTALL)
    except re.error as exc:
        raise ConfigurationError(
            describe(
                "resources",
                original,
                f"looks like a regular expression but does not compile ({exc})",
                "correct the regex, or write the literal path without regex characters",
            )
        ) from None
    check_backtracking("resources", original, compiled, _BACKTRACKING_FIX)
    return compiled


def _specificity(
    pattern: str | re.Pattern[str], is_regex: bool, regex: re.Pattern[str]
) -> tuple[int, int, int, int]:
    """Literal paths first, then deeper ones (more ``/`` that every matching path has), then
    those with the longer literal beginning, then longer patterns.

    Depth and beginning are read from the parsed regex, not its text: an alternation of
    slashed prefixes (``/(?:api/v1/|public/).*``) is only as deep as its shallowest branch and
    begins with ``/`` alone, so it cannot outrank ``/api/v1/admin/*`` on the admin paths
    (CVE-2024-6839's class: flask-cors ranked by length).
    """
    text = pattern.pattern if isinstance(pattern, re.Pattern) else pattern
    depth = guaranteed_count(regex, "/") or 0
    return (int(is_regex), -depth, -len(literal_prefix(regex)), -len(text))


def compile_resources(resources: object, options: Mapping[str, object]) -> tuple[Resource, ...]:
    """Compile ``resources`` with the keyword ``options`` as each resource's defaults.

    Every resource is checked, and the errors of all of them raised at once.
    """
    entries: list[tuple[object, Mapping[str, object]]]
    if isinstance(resources, str | re.Pattern):
        entries = [(resources, {})]
    elif isinstance(resources, Mapping):
        entries = list(resources.items())
    elif isinstance(resources, Iterable) and not isinstance(resources, bytes):
        entries = [(pattern, {}) for pattern in resources]
    else:
        raise ConfigurationTypeError(
            describe(
                "resources",
                resources,
                "expected a path pattern, a list of them, or a dict {pattern: {option: value}}",
                "write resources=r'/api/*' or resources={r'/api/*': {'origins': '...'}}",
            )
        )

    compiled: list[tuple[tuple[int, int, int, int], Resource]] = []
    errors = ErrorCollector()
    for pattern, overrides in entries:
        with errors.collect():
            compiled.append(_compile_resource(pattern, overrides, options))
    errors.raise_any()
    compiled.sort(key=lambda pair: pair[0])
    return tuple(resource for _, resource in compiled)


def _compile_resource(
    pattern: object, overrides: object, options: Mapping[str, object]
) -> tuple[tuple[int, int, int, int], Resource]:
    """One resource and its rank; raises the errors of its pattern and its options together."""
    if not isinstance(pattern, str | re.Pattern) or (
        isinstance(pattern, re.Pattern) and not isinstance(pattern.pattern, str)
    ):
        raise ConfigurationTypeError(
            describe(
                "resources", pattern, "a pattern must be a str or a compiled str regex", "write r'/api/*'"
            )
        )
    if not isinstance(overrides, Mapping):
        raise ConfigurationTypeError(
            describe(
                f"resources[{pattern!r}]",
                overrides,
                "each resource maps to a dict of options",
                "write {'origins': [...], ...}, or {} for the defaults",
            )
        )
    where = f"resources[{pattern!r}]"
    errors = ErrorCollector()
    with errors.collect():
        check_option_names(overrides, RESOURCE_OPTIONS, where)
    with errors.collect():
        matcher, is_regex, regex = compile_path(pattern)
    known = {name: value for name, value in overrides.items() if name in RESOURCE_OPTIONS}
    with errors.collect():
        resource_options = build_options({**options, **known}, where)
        guards.check(resource_options)
    errors.raise_any()
    label = pattern.pattern if isinstance(pattern, re.Pattern) else pattern
    resource = Resource(label, matcher, resource_options, regex)
    return _specificity(pattern, is_regex, regex), resource
