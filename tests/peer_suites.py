"""What the peer-suite runners share: fetch a peer's published tests, run them, judge the failures.

``tests/flask_cors_suites.py`` and ``tests/django_cors_headers_suite.py`` each add their own
stand-in package, deviations and scaffolding; the sdist download, the pytest run read back
through JUnit XML, and the verdict (every failure a listed deviation, no stale entry) live here.
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
import xml.etree.ElementTree as ElementTree
from collections.abc import Mapping, Sequence
from pathlib import Path


def fetch_tests(distribution: str, version: str, into: Path) -> tuple[str, Path]:
    """Download the sdist of ``distribution==version`` and unpack its ``tests/``; the exact
    version and the unpacked ``tests`` folder."""
    download = into / "sdist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--no-binary",
            ":all:",
            f"{distribution}=={version}",
            "-d",
            str(download),
        ],
        check=True,
    )
    (archive,) = download.iterdir()
    with tarfile.open(archive) as tar:
        members = [m for m in tar.getmembers() if "/tests/" in m.name and (m.isfile() or m.isdir())]
        if not members:
            raise SystemExit(f"the sdist of {distribution} {version} ships no tests/")
        tar.extractall(into / "unpacked", members=members, filter="data")
    (root,) = (into / "unpacked").iterdir()
    return root.name.rsplit("-", 1)[1], root / "tests"


def run_pytest(
    root: Path, arguments: Sequence[str], environment: Mapping[str, str], into: Path
) -> dict[str, str]:
    """Run pytest in ``root`` with no configuration of ours; ``test id -> "passed" | "failed" |
    "skipped"``, read from its JUnit report."""
    report = into / "report.xml"
    ini = into / "pytest.ini"
    ini.write_text("[pytest]\n")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-c",
            str(ini),
            "--rootdir",
            str(root),
            f"--junitxml={report}",
            *arguments,
        ],
        env=dict(environment),
        cwd=root,
        stdout=subprocess.DEVNULL,
        check=False,
    )
    outcomes: dict[str, str] = {}
    for case in ElementTree.parse(report).iter("testcase"):
        module = case.get("classname", "").rsplit(".", 1)
        path = module[0].replace(".", "/") + ".py"
        test_id = f"{path}::{module[1]}::{case.get('name')}"
        outcome = "passed"
        for child in case:
            if child.tag in ("failure", "error"):
                outcome = "failed"
            elif child.tag == "skipped":
                outcome = "skipped"
        outcomes[test_id] = outcome
    return outcomes


def deviations_for(deviations: Mapping[str, Mapping[str, str]], version: str) -> Mapping[str, str]:
    """The deviations listed for ``version``, else for its major version."""
    return deviations.get(version) or deviations.get(version.split(".", 1)[0], {})


def judge(title: str, outcomes: Mapping[str, str], expected: Mapping[str, str]) -> bool:
    """Print the counts and each failure with its migration-guide heading; whether every failure
    is listed and every listed deviation still fails."""
    failed = sorted(test for test, outcome in outcomes.items() if outcome == "failed")
    passed = sum(outcome == "passed" for outcome in outcomes.values())
    skipped = sum(outcome == "skipped" for outcome in outcomes.values())
    print(
        f"{title}: {passed} of {len(outcomes) - skipped} pass "
        f"({skipped} skipped by the suite itself); failures and their migration-guide headings:"
    )
    for test in failed:
        print(f"  {test}: {expected.get(test, 'NOT A LISTED DEVIATION')}")
    unexpected = [test for test in failed if test not in expected]
    stale = [test for test in expected if outcomes.get(test) != "failed"]
    for test in stale:
        print(f"  listed as a deviation but {outcomes.get(test, 'not run')}: {test}")
    return bool(outcomes) and not unexpected and not stale
