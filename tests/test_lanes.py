"""Browser lanes under ``pytest -n``: browser tests run on their lane workers only, browser tests first, and
every other test anywhere (sandbox.testing.lanes)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sandbox.testing.lane_scheduling import BrowserLaneScheduling
from sandbox.testing.lanes import lane_count

SUITE = {
    "pytest.ini": "[pytest]\nmarkers =\n    browser: drives a real Chromium\n",
    "conftest.py": (
        "import json, os\n"
        "import pytest\n"
        "@pytest.fixture(autouse=True)\n"
        "def where(request):\n"
        "    yield\n"
        "    with open('ran.jsonl', 'a') as out:\n"
        "        out.write(json.dumps([request.node.name, os.environ['PYTEST_XDIST_WORKER']]) + '\\n')\n"
    ),
    "test_pages.py": (
        "import pytest\n"
        "pytestmark = pytest.mark.browser\n"
        "@pytest.mark.parametrize('n', range(6))\n"
        "def test_page(n):\n"
        "    pass\n"
    ),
    "test_api.py": "import pytest, time\n@pytest.mark.parametrize('n', range(12))\ndef test_api(n):\n    time.sleep(0.05)\n",
}


def run_suite(folder: Path, *args: str) -> subprocess.CompletedProcess:
    for name, text in SUITE.items():
        (folder / name).write_text(text)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:schemathesis",
                           "-p", "no:hypothesispytest", "-q", *args], cwd=folder, env=env, capture_output=True,
                          text=True, timeout=120)


def test_with_one_lane_every_browser_test_runs_on_the_same_worker_and_the_others_on_both(tmp_path):
    finished = run_suite(tmp_path, "-n", "2", "--sandbox-browser-lanes", "1")

    assert finished.returncode == 0, finished.stdout[-3000:] + finished.stderr[-2000:]
    ran = [json.loads(line) for line in (tmp_path / "ran.jsonl").read_text().splitlines()]
    assert len(ran) == 18
    browser_workers = {worker for name, worker in ran if name.startswith("test_page")}
    assert len(browser_workers) == 1
    api_workers = {worker for name, worker in ran if name.startswith("test_api")}
    assert api_workers == {"gw0", "gw1"}


def test_a_lane_count_that_is_not_a_number_is_a_usage_error(tmp_path):
    finished = run_suite(tmp_path, "-n", "2", "--sandbox-browser-lanes", "many")

    assert finished.returncode == pytest.ExitCode.USAGE_ERROR
    assert "--sandbox-browser-lanes must be a number" in finished.stderr


@pytest.mark.parametrize(("value", "cpus", "lanes"), [("auto", 1, 1), ("auto", 2, 1), ("auto", 8, 4), ("0", 2, 0),
                                                      ("3", 2, 3)])
def test_lane_count(value, cpus, lanes):
    assert lane_count(value, cpus) == lanes


def test_a_negative_lane_count_is_refused():
    with pytest.raises(ValueError):
        lane_count("-1", 2)


# --- the scheduler, with stand-ins for xdist's worker controllers ------------------------------------


class Node:
    """What the scheduler uses of xdist's WorkerController."""

    def __init__(self, name):
        self.gateway = type("Gateway", (), {"id": name})()
        self.shutting_down, self.sent = False, []

    def send_runtest_some(self, indices):
        self.sent.extend(indices)

    def shutdown(self):
        self.shutting_down = True


class Config:
    def getvalue(self, name):
        return {"tx": ["2*popen"]}[name]

    def getoption(self, name):
        return {"maxschedchunk": None}[name]


def scheduling(folder: Path, count: int, browser: list[int] | None) -> tuple[BrowserLaneScheduling, Node, Node]:
    if browser is not None:
        (folder / "gw1.json").write_text(json.dumps({"count": count, "browser": browser}))
    scheduler = BrowserLaneScheduling(Config(), lanes=1, folder=folder)
    lane, other = Node("gw0"), Node("gw1")
    collection = [f"test_{index}" for index in range(count)]
    for node in (lane, other):
        scheduler.add_node(node)
        scheduler.add_node_collection(node, collection)
    scheduler.schedule()
    return scheduler, lane, other


def run_to_the_end(scheduler, *nodes):
    """Complete the nodes' tests one at a time, in turn, as workers would."""
    while any(scheduler.node2pending[node] for node in nodes):
        for node in nodes:
            if scheduler.node2pending[node]:
                scheduler.mark_test_complete(node, scheduler.node2pending[node][0])


def test_browser_tests_go_to_the_lane_first_and_never_to_another_worker(tmp_path):
    browser = [30, 31, 32, 33, 34, 35, 36, 37]
    scheduler, lane, other = scheduling(tmp_path, 40, browser)

    assert lane.sent[: len(browser)] == browser[: len(lane.sent)]  # its first tests are browser tests
    run_to_the_end(scheduler, lane, other)

    assert sorted(lane.sent + other.sent) == list(range(40))
    assert set(browser) <= set(lane.sent)
    assert not set(browser) & set(other.sent)
    assert other.sent  # the other worker did take a share
    assert lane.shutting_down and other.shutting_down


def test_the_other_worker_stops_when_only_browser_tests_are_left(tmp_path):
    scheduler, lane, other = scheduling(tmp_path, 12, list(range(2, 12)))

    while scheduler.node2pending[other]:
        scheduler.mark_test_complete(other, scheduler.node2pending[other][0])

    assert other.shutting_down
    assert not lane.shutting_down
    assert any(index >= 2 for index in scheduler.pending + scheduler.node2pending[lane])


def test_without_the_workers_word_it_schedules_as_xdist_load_does(tmp_path):
    scheduler, lane, other = scheduling(tmp_path, 40, None)

    run_to_the_end(scheduler, lane, other)

    assert sorted(lane.sent + other.sent) == list(range(40))
    assert lane.sent[0] == 0 and other.sent[0] != 0  # plain load: chunks in collection order
