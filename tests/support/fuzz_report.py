"""What the fuzzer saw, per operation: status classes, error codes, schema violations and server errors."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import jsonschema_rs
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

# The response must be what the spec documents for it: status, media type, headers and body schema.
CONFORMANCE = [
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# The spec must say what the code enforces: valid data is not refused with 400/413/415/…, invalid data is refused.
SPEC_TRUTH = [positive_data_acceptance, negative_data_rejection]


@dataclass
class Tally:
    statuses: Counter = field(default_factory=Counter)  # "2xx", "3xx", "4xx", "5xx"
    error_codes: Counter = field(default_factory=Counter)  # the `message` of error bodies
    violations: int = 0
    spec_gaps: int = 0
    steered: int = 0


@dataclass
class Finding:
    kind: str  # "server error", "violation", "spec gap"
    title: str
    request: str
    response: str
    group: str  # what findings of one cause share: operation, check, status and error code

    def render(self) -> str:
        return f"[{self.kind}] {self.title}\n    request:  {self.request}\n    response: {self.response}"


def _short(value, limit: int = 400) -> str:
    if isinstance(value, bytes | bytearray):
        return f"<{len(value)} bytes>"
    if isinstance(value, dict):
        value = {k: _short(v, 120) if isinstance(v, bytes | bytearray) else v for k, v in value.items()}
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + f"… ({len(text)} chars)"


def describe_request(case) -> str:
    parts = [f"{case.operation.method.upper()} {case.formatted_path}"]
    if case.query:
        parts.append(f"query={_short(case.query)}")
    body = getattr(case, "body", None)
    if isinstance(body, dict | list | str | bytes | int | float | bool):
        parts.append(f"body={_short(body)} ({case.media_type})")
    return " ".join(parts)


class FuzzReport:
    """Collects every response of a fuzz run; `table()` and `problems()` summarise it."""

    def __init__(self, spec: dict, operations: list[str], log_path: str | None = None) -> None:
        self.log = open(log_path, "w", encoding="utf-8") if log_path else None  # noqa: SIM115 (kept for the run)
        document = {"$ref": "#/components/schemas/Error", "components": _json_schema(spec["components"])}
        self.error_schema = jsonschema_rs.Draft4Validator(document)
        self.tallies: dict[str, Tally] = {label: Tally() for label in operations}
        self.findings: list[Finding] = []
        self.links: Counter = Counter()
        self.scenarios = 0  # stateful scenarios completed
        self.restarts = 0  # stateful runs Hypothesis ended with Flaky (the server state changed a replayed prefix)
        self.phases: Counter = Counter()

    def record(self, case, response, *, phase: str, steered: bool = False) -> None:
        label = case.operation.label
        tally = self.tallies.setdefault(label, Tally())
        status = response.status_code
        tally.statuses[f"{status // 100}xx"] += 1
        tally.steered += steered
        meta = case.meta
        self.phases[f"{phase} ({meta.phase.name.value})" if meta is not None else phase] += 1
        body = _json(response)
        if status >= 400 and isinstance(body, dict):
            tally.error_codes[str(body.get("message"))] += 1
        if self.log is not None:
            print(
                f"{phase} steered={steered} {status} {describe_request(case)} -> {_short(_text(response), 300)}",
                file=self.log,
                flush=True,
            )
        if status >= 500:
            self._find("server error", f"{phase}: {label} answered {status}", case, response, "server error")
        tally.violations += self._run(CONFORMANCE, "violation", phase, case, response)
        tally.violations += self._error_shape(phase, case, response, body)
        if not steered:  # a steered case's generation metadata no longer describes what was sent
            tally.spec_gaps += self._run(SPEC_TRUTH, "spec gap", phase, case, response)

    def _run(self, checks, kind: str, phase: str, case, response) -> int:
        try:
            case.validate_response(response, checks=checks)
        except FailureGroup as group:
            for failure in group.exceptions:
                title = f"{phase}: {case.operation.label} → {response.status_code}: {failure.title}"
                message = " ".join(str(failure.message).split())[:600]
                self._find(kind, f"{title}: {message}", case, response, failure.title)
            return len(group.exceptions)
        return 0

    def _error_shape(self, phase: str, case, response, body) -> int:
        """Every status ≥ 400 has the one error body (contract §4), documented schema or not."""
        if response.status_code < 400:
            return 0
        content_type = response.headers.get("content-type", [""])[0]
        if not content_type.startswith("application/json"):
            problem = f"Content-Type {content_type!r} is not JSON"
        else:
            problem = "; ".join(error.message for error in self.error_schema.iter_errors(body))[:300]
        if not problem:
            return 0
        self._find(
            "violation",
            f"{phase}: {case.operation.label} → {response.status_code}: error shape: {problem}",
            case,
            response,
            "error shape",
        )
        return 1

    def _find(self, kind: str, title: str, case, response, check: str) -> None:
        answer = f"{response.status_code} {_short(_text(response), 600)}"
        body = _json(response)
        cause = f"{body.get('message')}: {str(body.get('detail'))[:90]}" if isinstance(body, dict) else ""
        group = f"{case.operation.label} → {response.status_code} [{check}] {cause}"
        self.findings.append(Finding(kind, title, describe_request(case), answer, group))

    # --- summaries ---

    def table(self) -> str:
        header = (
            f"{'operation':<40} {'2xx':>5} {'3xx':>4} {'4xx':>5} {'5xx':>4} {'viol.':>5} {'gaps':>5} {'steered':>7}"
        )
        lines = [header, "-" * len(header)]
        total = Tally()
        for label in sorted(self.tallies, key=lambda name: (name.split(" ", 1)[1], name)):
            tally = self.tallies[label]
            s = tally.statuses
            common = ", ".join(f"{code}×{n}" for code, n in tally.error_codes.most_common(3))
            lines.append(
                f"{label:<40} {s['2xx']:>5} {s['3xx']:>4} {s['4xx']:>5} {s['5xx']:>4} {tally.violations:>5} "
                f"{tally.spec_gaps:>5} {tally.steered:>7}  {common}"
            )
            total.statuses.update(s)
            total.violations += tally.violations
            total.spec_gaps += tally.spec_gaps
            total.steered += tally.steered
        s = total.statuses
        lines.append("-" * len(header))
        lines.append(
            f"{'total':<40} {s['2xx']:>5} {s['3xx']:>4} {s['4xx']:>5} {s['5xx']:>4} {total.violations:>5} "
            f"{total.spec_gaps:>5} {total.steered:>7}"
        )
        runs = ", ".join(f"{phase}: {n} requests" for phase, n in sorted(self.phases.items()))
        lines.append(
            f"{runs}; {self.scenarios} stateful scenarios ({self.restarts} restarts after Flaky), "
            f"{sum(self.links.values())} steps followed a link ({len(self.links)} distinct links)"
        )
        return "\n".join(lines)

    def unreached(self) -> list[str]:
        return [label for label, tally in self.tallies.items() if not tally.statuses["2xx"]]

    def followed_links(self) -> str:
        return "\n".join(f"{n:>5}  {link}" for link, n in self.links.most_common())

    def grouped(self, kind: str) -> str:
        """Findings of one kind counted by cause, most frequent first."""
        counts = Counter(finding.group for finding in self.findings if finding.kind == kind)
        return "\n".join(f"{n:>5}  {group}" for group, n in counts.most_common())

    def problems(self, kinds: tuple[str, ...]) -> list[Finding]:
        return [finding for finding in self.findings if finding.kind in kinds]


def _json_schema(node):
    """OpenAPI 3.0 schema objects as JSON Schema: `nullable: true` becomes an allowed null."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _json_schema(value) for key, value in node.items() if key != "nullable"}
    if not node.get("nullable"):
        return converted
    if isinstance(converted.get("type"), str) and "enum" not in converted:
        return {**converted, "type": [converted["type"], "null"]}
    return {"anyOf": [converted, {"type": "null"}]}


def _text(response) -> str:
    return (response.content or b"").decode("utf-8", "replace")


def _json(response):
    try:
        return response.json()
    except ValueError:  # not JSON (downloads, 304): no error code to count
        return None
