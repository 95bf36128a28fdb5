"""The documented screenshot command produces a picture of the settled playground."""

from __future__ import annotations

import struct
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]


def test_screenshot_command_writes_the_page_as_png(chromium: str, tmp_path: Path) -> None:
    output = tmp_path / "playground.png"
    done = subprocess.run(
        [sys.executable, "-m", "playground", "--config", "expose-headers", "--screenshot", str(output)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"wrote {output} (expose-headers, middleware)"
    data = output.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk
    assert (width, height) == (1200, 1000)
    assert len(data) > 20_000  # a rendered table, not a blank page
