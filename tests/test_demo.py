"""``mca-sandbox demo``: a journey played headless into a folder, as `make demo` plays all five; and the
journeys' steps are the browser features' own (so they keep working when the step library changes)."""

from __future__ import annotations

import html
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sandbox.demo import JOURNEYS
from sandbox.testing.browser import ensure_ffmpeg

FEATURES = Path(__file__).resolve().parents[1] / "features" / "ui"
KEYWORDS = ("Given ", "When ", "Then ", "And ", "But ", "|")


def _steps(path: Path) -> list[str]:
    """A feature file's step and table lines, as written (surrounding spaces and table padding aside)."""
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    return [" ".join(line.split()) for line in lines if line.startswith(KEYWORDS)]


def test_every_step_of_the_demo_journeys_is_a_step_of_the_browser_features():
    known = {line.split(" ", 1)[1] for path in FEATURES.glob("*.feature") for line in _steps(path)
             if not line.startswith("|")}
    for journey in sorted(JOURNEYS.glob("*.feature")):
        unknown = [line for line in _steps(journey) if not line.startswith("|") and line.split(" ", 1)[1] not in known]
        assert unknown == [], f"{journey.name}: steps no browser feature has"


@pytest.mark.browser
def test_the_demo_plays_a_journey_with_videos_screenshots_and_an_index(tmp_path):
    if ensure_ffmpeg() is None:
        pytest.skip("no ffmpeg for Playwright's videos (make ffmpeg)")
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "MCA_SANDBOX_URL")}
    mca_sandbox = Path(sys.executable).with_name("mca-sandbox")

    finished = subprocess.run([str(mca_sandbox), "demo", "--output", "out", "-k", "existing_customer_accepts"],
                              cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)

    assert finished.returncode == 0, finished.stdout[-4000:] + finished.stderr[-2000:]
    assert "headless" in finished.stdout and "[1/1] Option 2, existing customer" in finished.stdout
    journeys = json.loads((tmp_path / "out/journeys.json").read_text())
    assert [j["feature"].split(":")[0] for j in journeys] == ["Option 2, existing customer"]
    index = (tmp_path / "out/index.html").read_text()
    for journey in journeys:
        assert journey["status"] == "passed"
        assert all(step["status"] == "passed" for step in journey["steps"])
        whose = {who for who, _path in journey["videos"]}
        assert whose == ({"partner"} if journey["feature"].startswith("Option 1") else {"partner", "customer"})
        shots = [step["screenshot"] for step in journey["steps"] if step["screenshot"]]
        assert len(shots) >= 3
        for path in [p for _who, p in journey["videos"]] + shots:
            assert (tmp_path / "out" / path).stat().st_size > 0
            assert f'"{path}"' in index  # linked from the index, relative to it
        for step in journey["steps"]:
            assert html.escape(step["text"]) in index
