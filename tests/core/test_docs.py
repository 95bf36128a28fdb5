"""Every code example in ``docs/`` runs, so the documentation cannot drift from the code.

* ``python`` blocks of a page run in order in one namespace (a fresh interpreter per page), so
  a page reads as one program; their ``assert`` lines are the page's claims.
  ``<!-- doctest-setup ... -->`` comments hold set-up code a reader need not see.
* ``console`` blocks are ``wsgi-cors`` sessions: each ``$ wsgi-cors ...`` line is run and its
  output must be exactly the lines shown under it. ``check`` commands aim at
  ``http://127.0.0.1:8000``, where this test serves ``examples.plain_wsgi:app`` (on a free
  port, substituted into the command and the output).

Blocks in other languages (``sh``, ``ini``, ``toml``) are configuration for other programs and
are not run; each page must still have at least one checked example or none at all.

This is the core tier: a page whose Python imports a framework or a server (Flask, Django, ...)
runs in ``tests/adapters/test_docs_frameworks.py`` instead, with the same machinery.
"""

from __future__ import annotations

import ast
import os
import re
import shlex
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.glob("*.md"))
DOC_PORT = "127.0.0.1:8000"
_FENCE = re.compile(r"^(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`\s]*)")


@dataclass(frozen=True)
class Block:
    kind: str  # "python", "setup" or "console"
    line: int  # 1-based line of the first code line in the page
    text: str


def blocks(page: Path) -> list[Block]:
    """The runnable blocks of a Markdown page, in order."""
    found: list[Block] = []
    lines = page.read_text(encoding="utf-8").splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.strip() == "<!-- doctest-setup":
            end = lines.index("-->", index)
            found.append(Block("setup", index + 2, "\n".join(lines[index + 1 : end])))
            index = end + 1
            continue
        match = _FENCE.match(line)
        if not match:
            index += 1
            continue
        fence, info = match["fence"], match["info"]
        end = index + 1
        while end < len(lines) and not (
            lines[end].startswith(fence[0] * len(fence)) and not lines[end].strip(fence[0]).strip()
        ):
            end += 1
        body = "\n".join(lines[index + 1 : end])
        if info in ("python", "py"):
            found.append(Block("python", index + 2, body))
        elif info == "console":
            found.append(Block("console", index + 2, body))
        index = end + 1
    return found


def _python_program(page: Path) -> str:
    """One script that runs the page's Python blocks in order, naming the failing one."""
    chunks = [(b.line, b.text) for b in blocks(page) if b.kind in ("python", "setup")]
    name = str(page.relative_to(ROOT)) if page.is_relative_to(ROOT) else page.name
    return (
        "import sys\n"
        f"chunks = {chunks!r}\n"
        "sys.modules['__docs__'] = type(sys)('__docs__')\n"
        "namespace = sys.modules['__docs__'].__dict__\n"
        "for line, text in chunks:\n"
        f"    exec(compile('\\n' * (line - 1) + text, {name!r}, 'exec'), namespace)\n"
    )


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env["PYTHONWARNINGS"] = "error::UserWarning"  # our CORSSecurityWarning is one
    return env


#: What only the adapters tier installs: a page importing one of these (or ``wsgi_cors.<name>``,
#: the adapter that imports it) is run there.
FRAMEWORKS = frozenset(
    {"bottle", "django", "falcon", "flask", "flask_cors", "gunicorn", "paste", "pyramid", "waitress"}
)


def imported_frameworks(page: Path) -> set[str]:
    """The frameworks and servers the page's Python blocks import, read from their syntax tree."""
    source = "\n".join(b.text for b in blocks(page) if b.kind in ("python", "setup"))
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            modules = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        else:
            continue
        for module in modules:
            parts = module.split(".")
            name = parts[1] if parts[0] == "wsgi_cors" and len(parts) > 1 else parts[0]
            if name in FRAMEWORKS:
                found.add(name)
    return found


PYTHON_PAGES = [page for page in PAGES if any(b.kind == "python" for b in blocks(page))]
CORE_PYTHON_PAGES = [page for page in PYTHON_PAGES if not imported_frameworks(page)]
FRAMEWORK_PYTHON_PAGES = [page for page in PYTHON_PAGES if imported_frameworks(page)]
CONSOLE_PAGES = [page for page in PAGES if any(b.kind == "console" for b in blocks(page))]


def test_pages_were_found() -> None:
    names = {page.stem for page in PAGES}
    assert {"index", "quickstart", "options", "troubleshooting", "cli"} <= names
    assert len(PYTHON_PAGES) >= 5
    assert CONSOLE_PAGES


def run_python_examples(page: Path, tmp_path: Path) -> None:
    """Run the page's Python blocks as one program in a fresh interpreter; fail naming the page."""
    done = subprocess.run(
        [sys.executable, "-c", _python_program(page)],
        cwd=tmp_path,
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, f"an example in {page.name} failed:\n{done.stderr}"


@pytest.mark.parametrize("page", CORE_PYTHON_PAGES, ids=lambda page: page.name)
def test_python_examples_run(page: Path, tmp_path: Path) -> None:
    run_python_examples(page, tmp_path)


def test_a_page_importing_a_framework_runs_in_the_adapters_tier(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "<!-- doctest-setup\nimport django.conf as conf\n-->\n\n```python\n"
        "from werkzeug.test import Client\nfrom wsgi_cors.flask import CORS\nimport waitress, json\n"
        "from flask import Flask\nfrom . import sibling\n```\n"
    )
    assert imported_frameworks(page) == {"django", "flask", "waitress"}
    page.write_text("```python\nfrom werkzeug.test import Client\nfrom wsgi_cors import CORSMiddleware\n```")
    assert imported_frameworks(page) == set()


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def example_server() -> Iterator[str]:
    """``examples.plain_wsgi:app`` on a free port of 127.0.0.1, for the ``check`` examples."""
    sys.path.insert(0, str(ROOT))
    try:
        from examples.plain_wsgi import app
    finally:
        sys.path.remove(str(ROOT))
    server = make_server("127.0.0.1", 0, app, handler_class=_Quiet)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def sessions(block: Block) -> Iterator[tuple[int, str, str]]:
    """(line, command, expected output) for each ``$`` line of a console block."""
    command: tuple[int, str] | None = None
    output: list[str] = []
    for offset, line in enumerate(block.text.splitlines()):
        if line.startswith("$ "):
            if command:
                yield command[0], command[1], "\n".join(output)
            command, output = (block.line + offset, line[2:]), []
        elif command:
            output.append(line)
    if command:
        yield command[0], command[1], "\n".join(output)


def needs_pastedeploy(command: str) -> bool:
    """A console example reading an ini pipeline needs PasteDeploy: it runs in the adapters tier."""
    return any(word.endswith((".ini", ".cfg")) for word in shlex.split(command))


def run_console_examples(page: Path, example_server: str, *, pastedeploy: bool) -> int:
    """Run the page's ``$ wsgi-cors`` sessions that need PasteDeploy (or those that do not),
    each compared with the output the page shows; the number run."""
    ran = 0
    for block in blocks(page):
        if block.kind != "console":
            continue
        for line, command, expected in sessions(block):
            if needs_pastedeploy(command) != pastedeploy:
                continue
            argv = shlex.split(command.replace(DOC_PORT, example_server))
            assert argv[0] == "wsgi-cors", f"{page.name}:{line}: console blocks run wsgi-cors only"
            done = subprocess.run(
                [sys.executable, "-m", "wsgi_cors", *argv[1:]],
                cwd=ROOT,
                env=_environment(),
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )
            assert done.returncode in (0, 1), f"{page.name}:{line}: {done.stderr}"
            assert not done.stderr, f"{page.name}:{line}: {done.stderr}"
            shown = expected.replace(DOC_PORT, example_server).rstrip()
            printed = "\n".join(text.rstrip() for text in done.stdout.rstrip().splitlines())
            assert printed == shown, (
                f"{page.name}:{line}: the page shows other output than the command prints"
            )
            ran += 1
    return ran


@pytest.mark.parametrize("page", CONSOLE_PAGES, ids=lambda page: page.name)
def test_console_examples_print_what_the_page_shows(page: Path, example_server: str) -> None:
    ran = run_console_examples(page, example_server, pastedeploy=False)
    assert ran or all(
        needs_pastedeploy(command)
        for block in blocks(page)
        if block.kind == "console"
        for _, command, _ in sessions(block)
    )


def test_block_parser_finds_setup_python_and_console(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "# T\n\n<!-- doctest-setup\nx = 1\n-->\n\n```python\nassert x == 1\n```\n\n"
        "````console\n$ wsgi-cors --version\nwsgi-cors 0\n````\n\n```sh\npip install x\n```\n"
    )
    assert blocks(page) == [
        Block("setup", 4, "x = 1"),
        Block("python", 8, "assert x == 1"),
        Block("console", 12, "$ wsgi-cors --version\nwsgi-cors 0"),
    ]


def test_a_failing_example_names_its_page_and_line(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("# T\n\n```python\nvalue = 2\n```\n\nText.\n\n```python\nassert value == 3\n```\n")
    done = subprocess.run(
        [sys.executable, "-c", _python_program(page)],
        cwd=tmp_path,
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert 'File "page.md", line 10' in done.stderr
    assert "AssertionError" in done.stderr


def _fenced(page: Path, info: str) -> list[str]:
    text = page.read_text(encoding="utf-8")
    return re.findall(rf"^```{info}\n(.*?)^```$", text, flags=re.MULTILINE | re.DOTALL)


def test_configuration_file_examples_are_the_file_the_console_example_reads() -> None:
    """cli.md shows docs/cors-example.json, and the same in TOML: both must say what it says."""
    import json

    expected = json.loads((DOCS / "cors-example.json").read_text(encoding="utf-8"))
    (shown_json,) = _fenced(DOCS / "cli.md", "json")
    assert json.loads(shown_json) == expected
    (shown_toml,) = _fenced(DOCS / "cli.md", "toml")
    if sys.version_info >= (3, 11):
        import tomllib

        assert tomllib.loads(shown_toml) == expected
