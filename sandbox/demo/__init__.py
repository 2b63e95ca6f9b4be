"""``mca-sandbox demo``: Option 1 and Option 2 (new customer, existing customer, reseller relationship)
played end to end in a browser, through the sandbox's own step library and page objects, against a
freshly seeded sandbox (its own temporary database; or ``--sandbox-url``).

Headed at a slow pace when a display exists, headless otherwise. Into ``demo-output/``: a video of each
person's browser per journey, a screenshot after each step, and ``index.html`` that shows them in order
with the steps' texts. The terminal shows each step as it is played.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from .index import write_index
from .recorder import DemoRecorder

JOURNEYS = Path(__file__).resolve().parent / "journeys"
SLOW_MO_MS = 500


def has_display() -> bool:
    """Whether a headed browser can be shown (the environment names a display; macOS and Windows have one)."""
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def run_demo(output: str | Path = "demo-output", *, sandbox_url: str | None = None, headed: bool | None = None,
             slowmo: int | None = None, select: str | None = None) -> int:
    """Play the journeys, write ``output/index.html``; answer pytest's exit code (0 when all passed)."""
    import pytest

    output = Path(output).resolve()
    shutil.rmtree(output, ignore_errors=True)
    output.mkdir(parents=True)
    headed = has_display() if headed is None else headed
    slowmo = (SLOW_MO_MS if headed else 0) if slowmo is None else slowmo
    kept = output / ".artifacts"  # the plugin's videos, until each is moved beside its journey
    args = ["-c", str(JOURNEYS / "pytest.ini"), "--rootdir", str(JOURNEYS), str(JOURNEYS), "-q", "-s",
            "--video=on", "--tracing=off", "--screenshot=off", f"--output={kept}"]
    if headed:
        args.append("--headed")
    if slowmo:
        args += ["--slowmo", str(slowmo)]
    if sandbox_url:
        args += ["--sandbox-url", sandbox_url]
    if select:
        args += ["-k", select]
    mode = f"headed, {slowmo} ms per action" if headed else "headless"
    print(f"mca-sandbox demo: {mode}; writing {output}", flush=True)
    recorder = DemoRecorder(output)
    code = pytest.main(args, plugins=[recorder])
    shutil.rmtree(kept, ignore_errors=True)
    if not recorder.journeys:
        return int(code) or 1
    index = write_index(output, sandbox_url=recorder.sandbox_url or "", mode=mode)
    journeys, steps = len(recorder.journeys), sum(len(j.steps) for j in recorder.journeys)
    print(f"\n{journeys} journey{'s' * (journeys != 1)}, {steps} step{'s' * (steps != 1)}: {index}",
          flush=True)
    return int(code)
