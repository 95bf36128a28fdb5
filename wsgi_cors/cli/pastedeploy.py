"""``explain --config app.ini``: the wsgi-cors filter of a PasteDeploy ini, read by PasteDeploy.

The ini is read by PasteDeploy's own loader, the one ``pserve`` and ``loadapp`` use, so
``[DEFAULT]``, ``%(here)s`` and other interpolation, ``get``/``set`` and ``use`` mean what
they mean when the server starts; the section's options then go through
:func:`wsgi_cors.paste.filter_configuration`, the filter's own reader. Only which filter to read
is decided here: ``--filter NAME``, else the one ``[pipeline:main]`` (or ``[app:main]``'s
``filter-with``) runs, else the only wsgi-cors filter in the file.
"""

from __future__ import annotations

import configparser
import importlib
import os
from dataclasses import dataclass
from typing import Any

from ..options import OPTION_NAMES
from ..paste import filter_factory
from .report import UsageError

#: The suffixes read as PasteDeploy ini files; anything else is JSON or TOML.
INI_SUFFIXES = (".ini", ".cfg")


@dataclass(frozen=True)
class IniFilter:
    """The chosen ``[filter:NAME]`` section and what PasteDeploy hands its factory."""

    name: str
    local_conf: dict[str, str]
    warnings: list[str]


def _loadwsgi() -> Any:
    try:
        # Imported by name: PasteDeploy is optional, and ships no type information.
        return importlib.import_module("paste.deploy.loadwsgi")
    except ImportError:
        raise UsageError(
            "reading an ini file needs PasteDeploy, the loader that serves it. Fix: pip install PasteDeploy"
        ) from None


def _main_filters(loader: Any, loadwsgi: Any) -> list[str]:
    """The filters the ``main`` application runs, outermost first."""
    try:
        main = loader.find_config_section(loadwsgi.APP, "main")
    except LookupError:
        return []
    parser = loader.parser
    if main.startswith("pipeline:") and parser.has_option(main, "pipeline"):
        return list(parser.get(main, "pipeline").split()[:-1])
    if parser.has_option(main, "filter-with"):
        return [parser.get(main, "filter-with").strip()]
    return []


def read_ini_filter(path: str, name: str | None) -> IniFilter:
    """The wsgi-cors filter section of ``path``: ``name``'s, or the one the main pipeline uses."""
    loadwsgi = _loadwsgi()
    try:
        loader = loadwsgi.ConfigLoader(os.path.abspath(path))
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
    except configparser.Error as exc:
        raise UsageError(f"{path} is not a valid ini file: {exc}") from None
    filters = [
        section.partition(":")[2] for section in loader.parser.sections() if section.startswith("filter:")
    ]
    contexts: dict[str, Any] = {}
    for candidate in filters:
        try:
            contexts[candidate] = loader.get_context(loadwsgi.FILTER, candidate)
        except Exception:  # another package's filter that cannot load here is not ours anyway
            continue
    ours = [candidate for candidate, context in contexts.items() if context.object is filter_factory]
    if name is None:
        used = [candidate for candidate in _main_filters(loader, loadwsgi) if candidate in ours]
        chosen = used or ours
        if not chosen:
            raise UsageError(
                f"{path}: no [filter:...] section uses wsgi-cors's filter (use = egg:wsgi-cors#cors)"
                + (f"; its filters: {', '.join(filters)}" if filters else "")
            )
        if len(chosen) > 1:
            where = "[pipeline:main] runs" if used else "the file has"
            raise UsageError(
                f"{path}: {where} several wsgi-cors filters ({', '.join(chosen)}). "
                "Fix: name the one to explain with --filter NAME"
            )
        name = chosen[0]
    elif name not in filters:
        raise UsageError(
            f"{path}: no section [filter:{name}]"
            + (f"; its wsgi-cors filters: {', '.join(ours)}" if ours else "; it has no wsgi-cors filter")
        )
    elif name not in ours:
        use = loader.parser.get(f"filter:{name}", "use", fallback=None)
        raise UsageError(
            f"{path}: [filter:{name}] is not wsgi-cors's filter"
            + (f" (use = {use})" if use else "")
            + ". Fix: name a section with use = egg:wsgi-cors#cors"
        )
    context = contexts[name]
    local_conf = {key: value for key, value in context.local_conf.items() if isinstance(value, str)}
    return IniFilter(name, local_conf, _unseen_defaults(loader, local_conf, name))


def _unseen_defaults(loader: Any, local_conf: dict[str, str], name: str) -> list[str]:
    """Options set in ``[DEFAULT]``, which PasteDeploy never hands a filter as its options.

    PasteDeploy passes ``[DEFAULT]`` as the global configuration, and drops a key of the
    section that ``[DEFAULT]`` also sets: ``origins`` there silently leaves the filter on its
    default, ``*``.
    """
    found = []
    for key in loader.parser.defaults():
        option = key.lower().removeprefix("cors_")
        if option in OPTION_NAMES and key not in local_conf:
            found.append(
                f"[DEFAULT] sets {key!r}, which PasteDeploy never passes to [filter:{name}] (nor a {key!r} "
                f"of that section: [DEFAULT] keys are global configuration). Fix: write 'get {key} = {key}' "
                f"in [filter:{name}] to pass it, or move it there"
            )
    return found
