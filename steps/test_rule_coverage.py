"""Every rule id of spec/acceptance-flows.md is the tag of at least one scenario under features/, and is named
by a test and by the code that applies it."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from sandbox.testing.markers import rule_ids

ROOT = Path(__file__).resolve().parents[1]
FEATURES = ROOT / "features"
SPEC_CANDIDATES = (
    ROOT / "spec" / "acceptance-flows.md",
    ROOT / "docs" / "spec" / "acceptance-flows.md",
    ROOT.parent / "shared" / "spec" / "acceptance-flows.md",
)
# Rules of the REST API (and of its timeline), covered by features/api/ once that folder has features.
API_RULES = {"R-API-1", "R-API-2", "R-API-3", "R-API-4", "R-API-5", "R-TL-2", "R-TL-3"}
SPEC_ID = re.compile(r"`(R-[A-Z0-9]+(?:-[A-Z0-9]+)*)`(?!-\*)")
# an id as tests and code name it: one rule (R-OPT1-NEW-4), a range (R-OPT1-NEW-1..6) or a group (R-OPT2-EX-*)
NAMED_ID = re.compile(r"R-[A-Z0-9]+(?:-[A-Z]+)?(?:-(?:\d+|[A-Z]+))?(?:\.\.\d+|-\*)?")


def spec_rule_ids() -> set[str]:
    chosen = os.environ.get("MCA_SANDBOX_SPEC")
    for path in ([Path(chosen)] if chosen else SPEC_CANDIDATES):
        if path.is_file():
            return {rule for rule in SPEC_ID.findall(path.read_text(encoding="utf-8")) if rule[-1] != "*"}
    pytest.skip("spec/acceptance-flows.md not found (set MCA_SANDBOX_SPEC)")


def test_every_rule_id_is_covered_by_a_scenario():
    wanted = spec_rule_ids()
    if not any((FEATURES / "api").glob("*.feature")):
        wanted -= API_RULES
    assert sorted(wanted - rule_ids(FEATURES)) == []


def test_no_scenario_cites_a_rule_id_the_spec_does_not_have():
    assert sorted(rule_ids(FEATURES) - spec_rule_ids()) == []


def named_rule_ids(paths, known: set[str]) -> set[str]:
    """The rule ids the files name, ranges and groups spelled out (a group: every known id it starts)."""
    named: set[str] = set()
    for path in paths:
        for token in NAMED_ID.findall(path.read_text(encoding="utf-8")):
            if token.endswith("-*"):
                named |= {rule for rule in known if rule.startswith(token[:-1])}
            elif ".." in token:
                first, last = token.split("..")
                stem, low = first.rsplit("-", 1)
                named |= {f"{stem}-{n}" for n in range(int(low), int(last) + 1)}
            else:
                named.add(token)
    return named


@pytest.mark.parametrize("where, patterns", [
    ("a test", ("tests/**/*.py", "steps/**/*.py")),
    ("the code that applies it", ("sandbox/**/*.py", "sandbox/**/*.html")),
])
def test_every_rule_id_is_named_by_a_test_and_by_the_code(where, patterns):
    wanted = spec_rule_ids()
    paths = [path for pattern in patterns for path in ROOT.glob(pattern) if path != Path(__file__)]
    assert sorted(wanted - named_rule_ids(paths, wanted)) == [], f"rule ids {where} doesn't name"
