"""docs/django.md and the migration guide against the code: settings, defaults and check ids."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from wsgi_cors.django import conf
from wsgi_cors.django.defaults import default_headers, default_methods

DOCS = Path(__file__).resolve().parents[2] / "docs"
PAGE = (DOCS / "django.md").read_text(encoding="utf-8")
GUIDE = (DOCS / "migrating-from-django-cors-headers.md").read_text(encoding="utf-8")


def test_the_settings_table_lists_every_setting_with_its_default_and_old_name() -> None:
    row = re.compile(r"^\| `(CORS_\w+)`(?: \((?:old name )?`(\w+)`\))? \| `([^`]+)` \|", re.M)
    rows = {found[1]: (found[2], found[3]) for found in row.finditer(PAGE)}
    assert set(rows) == set(conf.SETTINGS)
    named = {"default_methods": default_methods, "default_headers": default_headers}
    for setting, (alias, default) in rows.items():
        assert alias == conf.ALIASES.get(setting), setting
        value = named[default] if default in named else ast.literal_eval(default)
        assert value == conf.SETTINGS[setting], setting


def test_the_check_table_lists_every_id_the_code_reports() -> None:
    documented = set(re.findall(r"^\| `(wsgi_cors\.[EW]\d{3})` \|", PAGE, re.M))
    source = "".join(
        path.read_text(encoding="utf-8") for path in (DOCS.parent / "wsgi_cors" / "django").glob("*.py")
    )
    assert documented == set(re.findall(r'"(wsgi_cors\.[EW]\d{3})"', source))


def test_each_deliberate_difference_has_one_heading_with_a_unique_id() -> None:
    ids = re.findall(r"^### .+ \(`([a-z-]+)`\)$", GUIDE, re.M)
    headings = re.findall(r"^### ", GUIDE.split("## Deliberate differences")[1].split("\n## ")[0], re.M)
    assert len(ids) == len(headings) == len(set(ids))
    assert "regex-fullmatch" in ids
