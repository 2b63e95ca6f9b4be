"""``mca-sandbox demo``: the five journeys played headless into a folder, as `make demo` does."""

from __future__ import annotations

import html
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sandbox.testing.browser import ensure_ffmpeg

pytestmark = pytest.mark.browser


def test_the_demo_plays_every_journey_with_videos_screenshots_and_an_index(tmp_path):
    if ensure_ffmpeg() is None:
        pytest.skip("no ffmpeg for Playwright's videos (make ffmpeg)")
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "MCA_SANDBOX_URL")}
    mca_sandbox = Path(sys.executable).with_name("mca-sandbox")

    finished = subprocess.run([str(mca_sandbox), "demo", "--output", "out"], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=600)

    assert finished.returncode == 0, finished.stdout[-4000:] + finished.stderr[-2000:]
    assert "headless" in finished.stdout and "[5/5] Option 2, reseller relationship" in finished.stdout
    journeys = json.loads((tmp_path / "out/journeys.json").read_text())
    assert [j["feature"].split(":")[0] for j in journeys] == [
        "Option 1, new customer", "Option 1, existing customer", "Option 2, new customer",
        "Option 2, existing customer", "Option 2, reseller relationship",
    ]
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
