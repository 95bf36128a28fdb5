"""What both commands print: a report of text lines and the same facts as data, and its verdict.

``explain`` and ``check`` judge the answers with the same browser checks, so they end the same
way: the verdict, Chromium's console message and the fix. Keeping that here means a blocked call
reads alike whether it was simulated or sent.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, TextIO

from ..browser import BrowserRequest, Check, Finding, Headers, Stage, Verdict, readable_headers

EXIT_ALLOWED, EXIT_BLOCKED, EXIT_ERROR = 0, 1, 2


class UsageError(Exception):
    """A mistake on the command line or in the configuration: exit status 2."""


@dataclass
class Report:
    """What both commands print: text lines, and the same facts for ``--json``."""

    lines: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)

    def say(self, text: str = "") -> None:
        self.lines.append(text)

    def headers(self, headers: Headers, arrow: str) -> None:
        for name, value in headers:
            self.lines.append(f"     {arrow} {name}: {value}")


def say_findings(report: Report, verdict: Verdict, where: Stage, since: int = 0) -> None:
    """The browser's checks of one answer (``preflight`` or ``response``) made after the first
    ``since`` findings, one line each."""
    for finding in verdict.findings[since:]:
        if finding.stage == where:
            report.say(f"   {'ok  ' if finding.ok else 'FAIL'} {finding.text}")


def finding_data(finding: Finding) -> dict[str, Any]:
    """One browser check for ``--json``: the words, and the fields a program reads."""
    return {
        "ok": finding.ok,
        "message": finding.message,
        "stage": finding.stage,
        "check": finding.check.value,
        "subject": finding.subject,
    }


def conclude(
    report: Report,
    request: BrowserRequest,
    verdict: Verdict,
    fix: str | None,
    url: str,
    headers: Headers,
    readable_note: str | None = None,
    first_url: str | None = None,
) -> Report:
    """End the report with the browser's verdict; ``fix`` (from the policy or a diagnosis) wins
    over the browser's. ``url`` is the URL whose answer decided; ``first_url`` the one the page
    fetched, when redirects led from it to ``url``."""
    failure = verdict.failure
    data = report.data
    data["checks"] = [finding_data(f) for f in verdict.findings]
    data["allowed"] = verdict.ok
    if failure is None:
        readable = readable_headers(request, headers)
        data.update(console=None, fix=None, readable_headers=readable)
        if readable_note:
            detail = f" (response headers it can read: {readable_note})."
        else:
            detail = f" (response headers it can read: {', '.join(readable)})." if readable else "."
        report.say(
            f"Verdict: ALLOWED. A page at {request.origin} can make this call and read the response{detail}"
        )
        return report
    redirected = f" (redirected from '{first_url}')" if first_url and first_url != url else ""
    if failure.network:
        console = f"{failure.console}; fetch() rejects with TypeError: Failed to fetch"
    else:
        console = (
            f"Access to fetch at '{url}'{redirected} from origin '{request.origin}' has been blocked by CORS "
            f"policy: {failure.console}"
        )
    if failure.check is Check.ALLOW_ORIGIN and failure.absent and failure.stage == "response":
        console += (
            " If an opaque response serves your needs, set the request's mode to 'no-cors' to fetch the "
            "resource with CORS disabled."
        )
    fix = fix or failure.fix
    data.update(console=console, fix=fix, readable_headers=[])
    report.say(f"Verdict: BLOCKED ({failure.stage}): {failure.text}.")
    if data.get("cause"):
        report.say(f"  Cause: {data['cause']}.")
    report.say(f"  Chromium's console: {console}")
    if fix:
        report.say(f"  Fix: {fix}.")
    return report


def emit(report: Report, as_json: bool, out: TextIO, preamble: list[str]) -> int:
    """Print the report (text after ``preamble``, or JSON) and return the exit status."""
    if as_json:
        json.dump(report.data, out, indent=2)
        out.write("\n")
    else:
        out.write("\n".join(printable(line) for line in [*preamble, *report.lines]) + "\n")
    return EXIT_ALLOWED if report.data.get("allowed") else EXIT_BLOCKED


# C0 and C1 controls and DEL: a server's header values reach the terminal through `check`, and
# an escape sequence in one could rewrite what the user reads (or their terminal's title).
_CONTROLS = {code: f"\\x{code:02x}" for code in (*range(0x20), *range(0x7F, 0xA0))}


def printable(line: str) -> str:
    """``line`` with control characters shown as ``\\xNN``, so no answer can drive the terminal."""
    return line.translate(_CONTROLS)
