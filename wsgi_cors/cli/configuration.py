"""Where ``explain`` gets its middleware: option flags, a configuration file, or a live application.

Whatever the source, the result is a middleware object, so ``explain`` selects and decides
through one code path, the server's. Flags and files are read by :mod:`wsgi_cors.config`, the
reader behind ``CORS_*`` variables and PasteDeploy: ``--max-age 600`` means what
``CORS_MAX_AGE=600`` means, and ``"supports_credentials": "true"`` in a file means true.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from .. import config
from ..errors import CORSSecurityWarning, WsgiCorsError
from ..middleware import CORSMiddleware
from ..options import DEFAULTS, OPTION_NAMES
from ..paste import filter_configuration
from .pastedeploy import INI_SUFFIXES, read_ini_filter
from .report import UsageError

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

# Options a flag can be repeated for; the values are joined into one list.
_LIST_OPTIONS = frozenset({"resources", "origins", "methods", "allow_headers", "expose_headers"})
_WRAPPERS = ("wsgi_app", "app", "application")


def add_option_flags(group: argparse._ArgumentGroup) -> None:
    """One flag per option, each keeping its value as text for :func:`config.parse_text`."""
    for name in sorted(OPTION_NAMES):
        flag = _flag(name)
        dest = "opt_" + name
        about = f"the {name} option" + (f" (default: {DEFAULTS[name]!r})" if name in DEFAULTS else "")
        if isinstance(DEFAULTS.get(name), bool):
            # '--supports-credentials' alone stays true, as before the flags took a value.
            group.add_argument(
                flag, dest=dest, nargs="?", const="true", metavar="BOOL", help=about + "; alone: true"
            )
            group.add_argument(
                "--no-" + flag[2:], dest=dest, action="store_const", const="false", help=f"{flag} false"
            )
        elif name in _LIST_OPTIONS:
            group.add_argument(
                flag, dest=dest, action="append", metavar="VALUE", help=about + "; comma-separated, or repeat"
            )
        else:
            metavar = "N" if name in ("max_age", "preflight_status") else "VALUE"
            group.add_argument(flag, dest=dest, metavar=metavar, help=about)


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def flag_configuration(args: argparse.Namespace) -> config.Configuration:
    """The options given as flags, each read as its ``CORS_*`` variable would be."""
    options: dict[str, object] = {}
    sources: dict[str, str] = {}
    for name in sorted(OPTION_NAMES):
        given: str | list[str] | None = getattr(args, "opt_" + name, None)
        if given is None:
            continue
        flag = _flag(name)
        texts = given if isinstance(given, list) else [given]
        try:
            values = [config.parse_text(name, text, flag) for text in texts]
        except WsgiCorsError as exc:
            raise UsageError(str(exc)) from None
        options[name] = values[0] if len(values) == 1 else _joined(flag, values)
        sources[name] = flag
    return config.Configuration(options, sources)


def _joined(flag: str, values: Iterable[object]) -> list[object]:
    """A repeated flag: its lists, one after the other (a JSON object cannot be joined)."""
    joined: list[object] = []
    for value in values:
        if isinstance(value, list):
            joined.extend(value)
        elif isinstance(value, str):
            joined.append(value)
        else:
            raise UsageError(f"{flag}: a JSON object of resources takes the whole option; give {flag} once")
    return joined


def read_config_file(path: str) -> dict[str, object]:
    """The table of options in a TOML or JSON file; a single top-level ``cors`` table is unwrapped."""
    file = Path(path)
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
    data: object
    if file.suffix.lower() == ".toml":
        if sys.version_info >= (3, 11):
            import tomllib

            try:
                data = tomllib.loads(raw.decode("utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                raise UsageError(f"{path} is not valid TOML: {exc}") from None
        else:  # pragma: no cover - exercised on Python 3.10 only
            raise UsageError("TOML configuration files need Python 3.11 (tomllib); use a JSON file")
    else:
        try:
            data = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            raise UsageError(f"{path} is not valid JSON: {exc}") from None
    if isinstance(data, dict) and set(data) == {"cors"} and isinstance(data["cors"], dict):
        data = data["cors"]
    if not isinstance(data, dict):
        raise UsageError(f"{path} must hold a table of options, e.g. origins = ['https://app.example.com']")
    return data


def file_configuration(path: str) -> config.Configuration:
    """A file's options, read as :meth:`CORSMiddleware.from_mapping` reads a loaded table."""
    try:
        gathered = config.from_mapping(read_config_file(path), where=path)
    except WsgiCorsError as exc:
        raise UsageError(str(exc) if str(exc).startswith(f"{path}: ") else f"{path}: {exc}") from None
    # Errors found when the middleware is built name the file, not the key twice.
    return config.Configuration(gathered.options, dict.fromkeys(gathered.sources, path))


def ini_configuration(path: str, name: str | None) -> tuple[config.Configuration, str, list[str]]:
    """A PasteDeploy ini's wsgi-cors filter, read as the filter reads it; where, and its warnings."""
    found = read_ini_filter(path, name)
    where = f"{path} [filter:{found.name}]"
    try:
        gathered = filter_configuration(found.local_conf)
    except WsgiCorsError as exc:
        raise UsageError(f"{where}: {exc}") from None
    sources = {option: f"{where} {key}" for option, key in gathered.sources.items()}
    return config.Configuration(gathered.options, sources), where, found.warnings


def _no_application(environ: WSGIEnvironment, start_response: StartResponse) -> list[bytes]:
    """The application behind a middleware built from flags or a file: explain never calls it."""
    start_response("204 No Content", [])
    return []


def load_middleware(args: argparse.Namespace) -> tuple[CORSMiddleware, str, list[str]]:
    """The middleware to explain, where it came from, and the security warnings it raised."""
    flags = flag_configuration(args)
    if args.app:
        if args.config or args.filter or flags.options:
            raise UsageError("--app reads the configuration from the application: give no other options")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", CORSSecurityWarning)
            middleware = load_app_middleware(args.app)
        warned = [str(w.message) for w in caught if issubclass(w.category, CORSSecurityWarning)]
        return middleware, f"the middleware in {args.app}", warned
    source = "the defaults"
    options: dict[str, object] = {}
    sources: dict[str, str] = {}
    read_warnings: list[str] = []
    ini = bool(args.config) and Path(args.config).suffix.lower() in INI_SUFFIXES
    if args.filter and not ini:
        raise UsageError(
            "--filter names a [filter:NAME] section of a PasteDeploy ini: give --config FILE.ini"
        )
    if args.config:
        if ini:
            from_file, source, read_warnings = ini_configuration(args.config, args.filter)
        else:
            from_file, source = file_configuration(args.config), args.config
        options.update(from_file.options)
        sources.update(from_file.sources)
    if flags.options:
        options.update(flags.options)
        sources.update(flags.sources)
        source = f"{source} and the command line" if args.config else "the command line"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            middleware = config.Configuration(options, sources).build(CORSMiddleware, _no_application)
        except WsgiCorsError as exc:
            raise UsageError(f"invalid configuration: {exc}") from None
    return middleware, source, read_warnings + [str(warning.message) for warning in caught]


def load_app_middleware(spec: str) -> CORSMiddleware:
    """Import ``module:object`` and find the wsgi-cors middleware it runs (through wrappers)."""
    module_name, _, attribute = spec.partition(":")
    if not module_name or not attribute:
        raise UsageError(f"--app {spec!r}: write MODULE:OBJECT, e.g. 'myproject.wsgi:application'")
    call = attribute.endswith("()")
    attribute = attribute.removesuffix("()")
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        target: object = importlib.import_module(module_name)
        for part in attribute.split("."):
            target = getattr(target, part)
        if call:
            if not callable(target):
                raise UsageError(f"--app {spec!r}: {attribute} is not callable")
            target = target()
        middleware = find_middleware(target)
    except UsageError:
        raise
    except Exception as exc:
        raise UsageError(f"--app {spec!r}: cannot load it ({type(exc).__name__}: {exc})") from None
    if middleware is None:
        raise UsageError(
            f"--app {spec!r}: no wsgi-cors middleware found in it (looked through .wsgi_app, .app and "
            ".application); point --app at the object CORSMiddleware returned"
        )
    return middleware


def find_middleware(target: object, depth: int = 8) -> CORSMiddleware | None:
    """The first wsgi-cors middleware reachable through the usual wrappers, breadth first.

    The object itself, not just its policy: an adapter's middleware (Flask's) selects by the
    application's routing, and ``explain`` must select as the server does.
    """
    seen: set[int] = set()
    layer: list[object] = [target]
    for _ in range(depth):
        following: list[object] = []
        for obj in layer:
            if id(obj) in seen:
                continue
            seen.add(id(obj))
            if isinstance(obj, CORSMiddleware):
                return obj
            following.extend(inner for name in _WRAPPERS if (inner := getattr(obj, name, None)) is not None)
        layer = following
    return None
