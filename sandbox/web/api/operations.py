"""One declaration per API operation: its route, who may call it, and what it reads and answers.

The same table routes requests, refuses App-only tokens where the docs say App+User only,
names operations for fault rules and the journal, and generates the OpenAPI document.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Blueprint
from marshmallow import Schema

APP_USER = "App+User"
APP_OR_APP_USER = "App-only or App+User"


@dataclass(frozen=True)
class Param:
    name: str
    where: str  # "path" | "query" | "header"
    description: str
    required: bool = False
    schema: dict = field(default_factory=lambda: {"type": "string"})


@dataclass(frozen=True)
class Operation:
    id: str
    method: str
    rule: str  # the Flask rule under /v1
    path: str  # the documented path, for the OpenAPI document
    summary: str
    auth: str
    rule_ids: str
    params: tuple[Param, ...] = ()
    body: type[Schema] | None = None
    responses: dict = field(default_factory=dict)  # status -> (description, schema class or None)

    @property
    def app_user_only(self) -> bool:
        return self.auth == APP_USER


REGISTRY: dict[str, Operation] = {}


def operation(bp: Blueprint, op: Operation) -> Callable:
    """Register ``op`` and route the view under its id (the Flask endpoint is ``api.<id>``)."""

    def decorate(view: Callable) -> Callable:
        REGISTRY[op.id] = op
        bp.add_url_rule(op.rule, endpoint=op.id, view_func=view, methods=[op.method])
        return view

    return decorate


def for_endpoint(endpoint: str | None) -> Operation | None:
    if not endpoint or not endpoint.startswith("api."):
        return None
    return REGISTRY.get(endpoint.removeprefix("api."))
