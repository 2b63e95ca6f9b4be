"""The step library's sentences, as a partner's suite can use them (``mca-sandbox steps``).

pytest-bdd keeps a step as a fixture of the module that defines it, and shows it nowhere; this lists them from
those fixtures: the keyword, the sentence (a pattern's ``{name}`` or ``(?P<name>...)`` is what the scenario
fills in) and the step's docstring. The customer situations of ``a customer <situation>``, the roles and the
partner kinds are listed too, since they live in tables rather than in the sentences.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass
from types import ModuleType

STEP_FIXTURE = "pytestbdd_stepdef_"


@dataclass(frozen=True)
class Step:
    keyword: str  # Given, When, Then
    sentence: str
    doc: str


def steps_of(module: ModuleType) -> list[Step]:
    """The steps a module (a step library's package, imported) defines, in the order they were written."""
    found: list[tuple[int, Step]] = []
    for name, value in vars(module).items():
        if not name.startswith(STEP_FIXTURE):
            continue
        context = _step_context(value)
        if context is None:
            continue
        function = context.step_func
        line = getattr(getattr(function, "__code__", None), "co_firstlineno", 0)
        source = getattr(function, "__module__", "")
        found.append(((source, line), Step(context.type.capitalize(), readable(context.parser.name),
                                           inspect.cleandoc(function.__doc__ or ""))))
    found.sort(key=lambda item: item[0])
    return [step for _, step in found]


def _step_context(fixture):
    """pytest-bdd's StepFunctionContext behind a step's fixture (its marker function closes over it)."""
    wrapped = getattr(fixture, "_get_wrapped_function", None)
    function = wrapped() if wrapped else getattr(fixture, "__wrapped__", fixture)
    try:
        return inspect.getclosurevars(function).nonlocals.get("context")
    except TypeError:
        return None


_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?P<body>(?:[^()]|\((?:[^()]|\([^()]*\))*\))*)\)")


def readable(pattern: str) -> str:
    """A step's pattern as a person reads it: ``^the (?P<whose>partner|provider)'s ...$`` -> ``the <whose>'s ...``
    (the choices of a short alternation are spelled out: ``<whose: partner | provider>``)."""
    text = pattern.removeprefix("^").removesuffix("$")

    def group(match: re.Match) -> str:
        body = match.group("body")
        choices = [_KINDS.get(choice, choice) for choice in body.split("|")]
        if all(re.fullmatch(r"[\w '\-]+", choice) for choice in choices) and (len(choices) > 1 or body in _KINDS):
            return f"<{match.group('name')}: {' | '.join(choices)}>"
        return f"<{match.group('name')}>"

    text = _GROUP.sub(group, text)
    text = re.sub(r"\(\?:([^()]*)\)\?", r"[\1]", text)  # an optional part
    text = re.sub(r"\ban\?", "a/an", text)
    text = re.sub(r"(\w)s\?", r"\1[s]", text)  # a plural that may be singular
    text = re.sub(r"\{(\w+):d\}", r"<\1: number>", text)  # parse's fields
    text = re.sub(r"\{(\w+)\}", r"<\1>", text)
    return text.replace("\\", "")


# What a group's pattern takes, in words: ``(?P<day>\d{4}-\d{2}-\d{2})`` -> ``<day: YYYY-MM-DD>``.
_KINDS = {r"\d+": "number", r"\d{4}-\d{2}-\d{2}": "YYYY-MM-DD", r"[\d-]+": "YYYY-MM-DD", r"\d{3}": "number"}


def render(title: str, steps: list[Step], indent: str = "  ") -> str:
    lines = [title, "=" * len(title)]
    for step in steps:
        lines.append(f"{step.keyword} {step.sentence}")
        lines.extend(f"{indent}{line}" for line in step.doc.splitlines() if line.strip())
    return "\n".join(lines)


def catalogue(*, api: bool = False) -> str:
    """The browser step library's sentences (``from sandbox.testing.steps import *``), or the REST API's."""
    from .steps.people import PARTNER_KINDS, ROLES
    from .steps.situations import SITUATION_RECORDS

    if api:
        from .steps import api as module

        title = "REST API steps (sandbox.testing.steps.api)"
        note = ("In a suite's conftest.py, beside the browser steps or alone: from sandbox.testing.steps.api import *\n"
                "They call the run's sandbox (--sandbox-url, or one started for the run) as a partner's integration "
                "would, and share the scenario's partner and customer with the browser steps, so one scenario can use "
                "both. A partner's suite may call its own integration instead, as examples/partner-suite does.")
    else:
        from . import steps as module

        title = "Browser steps (sandbox.testing.steps)"
        note = "In a suite's conftest.py: from sandbox.testing.steps import *"
    situations = [f"{situation}  ({records})" for situation, records in SITUATION_RECORDS.items()]
    lists = [("<situation>, in \"a customer <situation>\", and what its customer holds", situations),
             ("<kind>", PARTNER_KINDS), ("<role>", ROLES)]
    parts = [render(title, steps_of(module)), "", note]
    for name, values in lists:
        parts += ["", f"{name}:", *(f"  {value}" for value in values)]
    return "\n".join(parts)
