"""Race trials against a served app: N real HTTP requests released together by a barrier, exactly one must win.

Shared by tests/integration/test_races.py (a few trials) and scripts/race_check.py (many). The app is served by
werkzeug in a thread; requests come from a thread pool. Each trial also checks the state the winner left behind.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import requests
from flask import Flask
from werkzeug.serving import make_server

from tests.support.tokens import bearer

REQUEST_TIMEOUT = 60.0
PROJECT = "race"  # the fake project service must allow everyone everything in it (its "allow" mode does)
# A connection for every racing request, so the database, not the pool, decides who wins (and under 100 in all).
ENGINE_OPTIONS = {"pool_pre_ping": True, "pool_size": 32, "max_overflow": 8}


class ServedApp:
    """The app on a free 127.0.0.1 port, one thread per request, in a daemon thread."""

    def __init__(self, app: Flask) -> None:
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, name="race-app", daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)

    def __enter__(self) -> ServedApp:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


@dataclass(frozen=True)
class Outcome:
    """One racing request's answer: its status and the error code (or None) and the JSON body."""

    status: int
    code: str | None
    body: dict | None


@dataclass
class Trial:
    """The outcomes of one trial; `problems` lists what was wrong beyond the counts (state checks)."""

    outcomes: list[Outcome]
    win_status: int
    lose_code: str
    problems: list[str] = field(default_factory=list)

    @property
    def winners(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == self.win_status]

    @property
    def unexpected(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status != self.win_status and (o.status, o.code) != (409, self.lose_code)]

    @property
    def one_winner(self) -> bool:
        return len(self.winners) == 1 and not self.unexpected and not self.problems

    def describe(self) -> str:
        counts = Counter((o.status, o.code) for o in self.outcomes)
        text = ", ".join(f"{n}x {status} {code or ''}".strip() for (status, code), n in sorted(counts.items()))
        return text + (f"; {'; '.join(self.problems)}" if self.problems else "")


@dataclass
class RaceReport:
    name: str
    concurrency: int
    trials: list[Trial]
    seconds: float

    @property
    def good(self) -> int:
        return sum(t.one_winner for t in self.trials)

    @property
    def ok(self) -> bool:
        return self.good == len(self.trials) and bool(self.trials)

    def line(self) -> str:
        return (
            f"{self.name}: {self.good}/{len(self.trials)} trials with exactly one winner "
            f"({self.concurrency} concurrent requests, {self.seconds:.1f} s)"
        )

    def failures(self) -> list[str]:
        return [f"{self.name} trial {i}: {t.describe()}" for i, t in enumerate(self.trials) if not t.one_winner]


def fire_together(calls: list[Callable[[], requests.Response]]) -> list[Outcome]:
    """Run every call in its own thread, all released at once by a barrier; outcomes in the order of `calls`."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], requests.Response]) -> Outcome:
        barrier.wait(timeout=REQUEST_TIMEOUT)
        response = call()
        try:
            body = response.json()
        except ValueError:
            body = None
        code = body.get("message") if isinstance(body, dict) and response.status_code >= 400 else None
        return Outcome(response.status_code, code, body)

    with ThreadPoolExecutor(max_workers=len(calls), thread_name_prefix="racer") as pool:
        return list(pool.map(run, calls))


class Races:
    """The three races of the collaboration issue, against the app at `base_url`.

    lock:     N users POST /lock on one fresh file            -> one 200, the rest 409 file_locked
    commit:   N users commit their working copy on one base    -> one 201, the rest 409 version_conflict
    decision: N validators approve or reject one pending version -> one 200, the rest 409 invalid_state
    """

    def __init__(self, base_url: str, project: str = PROJECT) -> None:
        self.url = base_url.rstrip("/")
        self.project = project
        self.run_id = uuid.uuid4().hex[:8]
        self._working_copies: dict[str, str] = {}  # user -> file id in their own users bucket

    # --- plumbing ---------------------------------------------------------------------------------------------

    def _post(self, user: str, path: str, json: dict | None = None, **kwargs) -> requests.Response:
        return requests.post(f"{self.url}{path}", json=json, headers=bearer(user), timeout=REQUEST_TIMEOUT, **kwargs)

    def _get(self, user: str, path: str, **params) -> dict:
        response = requests.get(f"{self.url}{path}", params=params, headers=bearer(user), timeout=REQUEST_TIMEOUT)
        response.raise_for_status()
        return response.json()

    def upload(self, user: str, bucket: str, bucket_id: str, path: str, content: bytes) -> dict:
        response = requests.post(
            f"{self.url}/upload/proxy",
            data={"bucket": bucket, "id": bucket_id, "path": path},
            files={"file": (path.rsplit("/", 1)[-1], content, "text/plain")},
            headers=bearer(user),
            timeout=REQUEST_TIMEOUT,
        )
        if response.status_code != 201:
            raise RuntimeError(f"setup upload failed: {response.status_code} {response.text[:300]}")
        return response.json()["data"]

    def _fresh_file(self, kind: str) -> dict:
        path = f"{kind}/{self.run_id}/{uuid.uuid4().hex}.txt"
        return self.upload("race-owner", "projects", self.project, path, f"base of {path}\n".encode())

    def _working_copy(self, user: str) -> str:
        """A file in the user's own space, made once and reused as the working copy of every commit trial."""
        if user not in self._working_copies:
            data = self.upload(user, "users", user, f"race-{self.run_id}/work.txt", f"edit by {user}\n".encode())
            self._working_copies[user] = data["file_id"]
        return self._working_copies[user]

    # --- the races ---------------------------------------------------------------------------------------------

    def lock_trial(self, concurrency: int = 32) -> Trial:
        file_id = self._fresh_file("lock")["file_id"]
        users = [f"locker{k}" for k in range(concurrency)]
        outcomes = fire_together([lambda u=u: self._post(u, "/lock", {"file_id": file_id}) for u in users])
        trial = Trial(outcomes, 200, "file_locked")
        if len(trial.winners) == 1:
            winner = users[outcomes.index(trial.winners[0])]
            holders = {o.body["lock"]["locked_by"] for o in outcomes if o.code == "file_locked"}
            if holders - {winner}:
                trial.problems.append(f"409 bodies name {sorted(holders)} but {winner} won")
            lock = self._get(winner, "/metadata", file_id=file_id)["file"]["lock"]
            if not lock or lock["locked_by"] != winner or lock["id"] != trial.winners[0].body["data"]["lock_id"]:
                trial.problems.append(f"the file's lock is {lock}, not {winner}'s")
        return trial

    def commit_trial(self, concurrency: int = 32) -> Trial:
        users = [f"committer{k}" for k in range(concurrency)]
        sources = {u: self._working_copy(u) for u in users}
        target = self._fresh_file("commit")
        outcomes = fire_together(
            [
                lambda u=u: self._post(
                    u,
                    "/versions/commit",
                    {
                        "source_file_id": sources[u],
                        "file_id": target["file_id"],
                        "base_version": 1,
                        "message": f"by {u}",
                    },
                )
                for u in users
            ]
        )
        trial = Trial(outcomes, 201, "version_conflict")
        if len(trial.winners) == 1:
            winner = users[outcomes.index(trial.winners[0])]
            listed = self._get(winner, "/versions", file_id=target["file_id"])
            numbers = [(v["version_number"], v["created_by"]) for v in listed["versions"]]
            if numbers != [(2, winner), (1, "race-owner")] or listed["total_count"] != 2:
                trial.problems.append(f"versions after the race: {numbers}")
            conflicts = {o.body.get("current_version_number") for o in outcomes if o.code == "version_conflict"}
            if conflicts - {2}:
                trial.problems.append(f"409 bodies report current versions {sorted(conflicts)}")
        return trial

    def decision_trial(self, concurrency: int = 8) -> Trial:
        target = self._fresh_file("decision")
        committed = self._post(
            "race-author",
            "/versions/commit",
            {"source_file_id": self._working_copy("race-author"), "file_id": target["file_id"], "message": "decide me"},
        )
        if committed.status_code != 201:
            raise RuntimeError(f"setup commit failed: {committed.status_code} {committed.text[:300]}")
        version_id = committed.json()["data"]["version_id"]
        validators = [f"validator{k}" for k in range(concurrency)]
        verbs = ["approve" if k % 2 == 0 else "reject" for k in range(concurrency)]
        outcomes = fire_together(
            [
                lambda u=u, verb=verb: self._post(u, f"/versions/{version_id}/{verb}", {"comment": f"{verb} by {u}"})
                for u, verb in zip(validators, verbs, strict=True)
            ]
        )
        trial = Trial(outcomes, 200, "invalid_state")
        if len(trial.winners) == 1:
            k = outcomes.index(trial.winners[0])
            expected = "validated" if verbs[k] == "approve" else "rejected"
            newest = self._get(validators[k], "/versions", file_id=target["file_id"])["versions"][0]
            if (newest["id"], newest["status"], newest["validated_by"]) != (version_id, expected, validators[k]):
                trial.problems.append(f"version after the race: {newest['status']} by {newest['validated_by']}")
            file = self._get(validators[k], "/metadata", file_id=target["file_id"])["file"]
            status, current = file["status"], file["current_version_id"]
            if expected == "validated" and (status, current) != ("validated", version_id):
                trial.problems.append(f"approved but the file is {status} at {current}")
            if expected == "rejected" and (status, current) != ("draft", target["version_id"]):
                trial.problems.append(f"rejected but the file is {status} at {current}")
        return trial

    def run(self, name: str, trials: int, concurrency: int) -> RaceReport:
        trial = {"lock": self.lock_trial, "commit": self.commit_trial, "decision": self.decision_trial}[name]
        start = time.monotonic()
        results = [trial(concurrency) for _ in range(trials)]
        return RaceReport(name, concurrency, results, time.monotonic() - start)


RACES = (("lock", 32), ("commit", 32), ("decision", 8))
