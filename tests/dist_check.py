"""What the built distributions hold: a lean wheel, and an sdist that can run its own tests.

``python -m tests.dist_check dist`` (run by ``.ci/run`` after ``python -m build``, from the
checkout) checks the one wheel and the one sdist in ``dist``:

* the wheel holds ``wsgi_cors/`` (with ``py.typed`` and every subpackage) and its
  ``.dist-info`` (with the licence), nothing else;
* the sdist holds every file git tracks, except the repository's own dot-files (``.ci/``,
  ``.gitignore``, ...), and nothing git does not track but the metadata the build writes.

The checks are functions of the archives' file names, so ``tests/core/test_package.py`` can
show each failure on a hand-made list. Exit status 1 lists every problem found.
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
import zipfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

PACKAGE = "wsgi_cors"
#: Files the wheel must hold, whatever else changes.
REQUIRED_IN_WHEEL = (f"{PACKAGE}/__init__.py", f"{PACKAGE}/py.typed", f"{PACKAGE}/cli/__init__.py")
#: What a setuptools sdist adds that git does not track.
SDIST_GENERATED = ("PKG-INFO", "setup.cfg")


def wheel_problems(names: Iterable[str], packages: Iterable[str]) -> list[str]:
    """Each file of the wheel outside the package and its metadata, and each missing one.

    ``packages`` are the source tree's package directories (``wsgi_cors``, ``wsgi_cors/cli``...):
    a subpackage the build left out is as wrong as a stray file put in.
    """
    names = sorted(names)
    problems = []
    dist_info = [name for name in names if PurePosixPath(name).parts[0].endswith(".dist-info")]
    for name in names:
        top = PurePosixPath(name).parts[0]
        if top != PACKAGE and not top.endswith(".dist-info"):
            problems.append(f"wheel: {name} is outside {PACKAGE}/ and the .dist-info")
    for required in REQUIRED_IN_WHEEL:
        if required not in names:
            problems.append(f"wheel: {required} is missing")
    for package in sorted(packages):
        if f"{package}/__init__.py" not in names:
            problems.append(f"wheel: the subpackage {package}/ is missing")
    if not any(name.endswith(".dist-info/licenses/LICENSE") for name in dist_info):
        problems.append("wheel: the .dist-info has no licenses/LICENSE")
    return problems


def sdist_problems(names: Iterable[str], tracked: Iterable[str]) -> list[str]:
    """Each tracked file the sdist lacks, and each file in it that git does not track.

    ``names`` are the archive's members under its top directory (``wsgi_cors-0.1.0/``), which is
    stripped; directories are ignored.
    """
    shipped = set()
    for name in names:
        parts = PurePosixPath(name).parts
        if len(parts) > 1:
            shipped.add(str(PurePosixPath(*parts[1:])))
    expected = {path for path in tracked if not any(p.startswith(".") for p in PurePosixPath(path).parts)}
    problems = [f"sdist: {path} is tracked by git but missing" for path in sorted(expected - shipped)]
    for path in sorted(shipped - expected):
        parts = PurePosixPath(path).parts
        if path in SDIST_GENERATED or parts[0].endswith(".egg-info"):
            continue
        problems.append(f"sdist: {path} is not tracked by git")
    return problems


def source_packages(root: Path) -> list[str]:
    """The package directories of the source tree, as paths inside the wheel."""
    return sorted(
        str(init.parent.relative_to(root).as_posix()) for init in (root / PACKAGE).rglob("__init__.py")
    )


def main(argv: list[str]) -> int:
    (folder,) = argv or ["dist"]
    root = Path(__file__).resolve().parents[1]
    (wheel,) = Path(folder).glob("*.whl")
    (sdist,) = Path(folder).glob("*.tar.gz")
    with zipfile.ZipFile(wheel) as archive:
        problems = wheel_problems(archive.namelist(), source_packages(root))
    with tarfile.open(sdist) as archive:
        members = [member.name for member in archive.getmembers() if not member.isdir()]
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=root, capture_output=True, check=True, text=True
    ).stdout.split("\0")
    problems += sdist_problems(members, [path for path in tracked if path])
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        print(f"ok: {wheel.name} holds {PACKAGE}/ only; {sdist.name} holds every tracked file")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
