"""The options are typed for the user's mypy: wrong names and types fail ``mypy --strict``.

flask-cors 6 types its keywords, so a team switching its import must not lose that check.
``typing_samples/wrong.py`` marks each line mypy must flag with the message it must give;
``typing_samples/correct.py`` uses every option with an accepted type and must pass.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from mypy import api as mypy_api

SAMPLES = Path(__file__).resolve().parent / "typing_samples"
REPOSITORY = SAMPLES.parents[2]
_EXPECTED = re.compile(r"# error: (?P<message>.+)$")
_REPORTED = re.compile(r"(?P<file>[^:]+):(?P<line>\d+): error: (?P<message>.+?)(?:  \[[a-z-]+\])?$")


def _mypy(*files: Path, cache: Path) -> list[tuple[str, int, str]]:
    """``mypy --strict`` on user files, resolving ``wsgi_cors`` to this checkout."""
    os.environ["MYPYPATH"] = str(REPOSITORY)  # ahead of any installed copy
    try:
        stdout, stderr, _ = mypy_api.run(
            ["--strict", "--hide-error-context", "--no-error-summary", "--cache-dir", str(cache)]
            + [str(file) for file in files]
        )
    finally:
        del os.environ["MYPYPATH"]
    assert stderr == ""
    errors = []
    for line in stdout.splitlines():
        match = _REPORTED.fullmatch(line)
        if match:
            errors.append((Path(match["file"]).name, int(match["line"]), match["message"]))
    return errors


def test_wrong_option_names_and_types_fail_with_the_expected_messages(tmp_path: Path) -> None:
    sample = SAMPLES / "wrong.py"
    expected = [
        ("wrong.py", number, match["message"])
        for number, text in enumerate(sample.read_text(encoding="utf-8").splitlines(), start=1)
        if (match := _EXPECTED.search(text))
    ]
    assert len(expected) == 9
    assert _mypy(sample, cache=tmp_path) == expected


def test_every_option_with_an_accepted_type_passes(tmp_path: Path) -> None:
    assert _mypy(SAMPLES / "correct.py", cache=tmp_path) == []


def test_the_typed_options_are_exactly_the_options() -> None:
    from wsgi_cors import CORSOptions, ResourceOptions
    from wsgi_cors.options import DEFAULTS, OPTION_NAMES

    assert set(ResourceOptions.__optional_keys__) == set(DEFAULTS)
    assert set(CORSOptions.__optional_keys__) == OPTION_NAMES
