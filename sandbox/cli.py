"""``mca-sandbox``: serve the sandbox, create tenants, reset, demo; tenants and reset print JSON."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from urllib.parse import urlsplit


def _app(db: str | None, public_url: str | None = None):
    from .app import create_app
    from .config import from_environment

    config = from_environment()  # MCA_SANDBOX_CONTROL_API, MCA_SANDBOX_CONTROL_API_KEY, ... as the workers read them
    if db:
        config["DATABASE_URL"] = db
    if public_url:
        config["PUBLIC_URL"] = public_url
    return create_app(config)


def serve(args: argparse.Namespace) -> int:
    """Prepare the database and the demo workspace, print the sign-ins, then run the production server."""
    from granian import Granian
    from granian.constants import Interfaces

    from . import seed

    tls_on = bool(args.tls or args.tls_cert)
    public_url = args.public_url or _default_public_url(args.host, args.port, "https" if tls_on else "http")
    certificate = _certificate(args, public_url) if tls_on else None
    app = _app(args.db, public_url)
    from .store.db import is_memory_url

    memory = is_memory_url(app.config["DATABASE_URL"])
    demo, created = seed.ensure_demo_workspace(app.extensions["services"], seed=args.seed)
    env = {
        "MCA_SANDBOX_DATABASE_URL": app.config["DATABASE_URL"],
        "MCA_SANDBOX_PUBLIC_URL": public_url,
        "MCA_SANDBOX_MIGRATE": "false",  # done above, once
    }
    if memory:  # the worker's database is its own, empty: it makes the same demo workspace (a seed makes the same)
        env["MCA_SANDBOX_DEMO_SEED"] = str(args.seed)
    if args.workers > 1 and app.config["JOURNAL_STORE"] == "auto":
        env["MCA_SANDBOX_JOURNAL_STORE"] = "database"  # one journal for all the workers
    os.environ.update(env)
    app.extensions["engine"].dispose()
    _print_banner(public_url, demo, created, app.config["DATABASE_URL"], _control_state(app.config),
                  certificate=(certificate.cert, not args.tls_cert) if certificate else None)
    server = Granian(
        "sandbox.wsgi:app_from_environment",
        factory=True,
        address=args.host,
        port=args.port,
        interface=Interfaces.WSGI,
        workers=args.workers,
        blocking_threads=args.threads,
        log_access=False,
        websockets=False,
        **connection_settings(),
        **_granian_tls(certificate),
    )
    server.serve()
    return 0


# How long a kept-alive connection may wait for its next request. Granian's default is 30 s, which clients'
# pools outlive (.NET about 60 s, Go 90 s, urllib3 without limit): a request sent as the server closed an idle
# connection was lost (1 in 40 clients reusing theirs at 30 s). Longer than those pools keep a connection.
IDLE_CONNECTION_SECONDS = 240


def connection_settings() -> dict:
    """Granian's HTTP/1 settings for ``serve`` (and the benchmarks' baselines, served the same way)."""
    from granian.http import HTTP1Settings

    return {"http1_settings": HTTP1Settings(header_read_timeout=IDLE_CONNECTION_SECONDS * 1000)}


def _default_public_url(host: str, port: int, scheme: str) -> str:
    host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    return f"{scheme}://{f'[{host}]' if ':' in host else host}:{port}"


def _certificate(args: argparse.Namespace, public_url: str):
    """The user's certificate, or the self-signed one kept in the data directory (next to the default SQLite
    file), naming ``--host`` and the public URL's host besides the loopback names."""
    from . import tls

    if args.tls_cert:
        return tls.CertificateFiles(Path(args.tls_cert), Path(args.tls_key))
    hosts = tuple(h for h in (args.host, urlsplit(public_url).hostname) if h)
    from .config import data_directory

    return tls.self_signed(data_directory(), hosts)


def _granian_tls(certificate) -> dict:
    if certificate is None:
        return {}
    import inspect

    from granian import Granian

    options = {"ssl_cert": certificate.cert, "ssl_key": certificate.key}
    if "ssl_protocol_min" in inspect.signature(Granian).parameters:
        from granian.constants import SSLProtocols

        # TLS 1.2 too, as Microsoft's endpoints accept it: Windows before 11 / Server 2022 (.NET, MSAL.NET)
        # has no TLS 1.3; older granian releases serve TLS 1.3 only
        options["ssl_protocol_min"] = SSLProtocols.tls12
    return options


def _check_serve_arguments(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Argument errors of ``serve`` (exit code 2, a one-line message), before anything starts."""
    args.public_url = args.public_url or os.environ.get("MCA_SANDBOX_PUBLIC_URL", "").strip() or None
    from .store.db import is_memory_url

    if args.workers > 1 and is_memory_url(args.db or os.environ.get("MCA_SANDBOX_DATABASE_URL")):
        parser.error(f"--workers {args.workers}: an in-memory database lives in one process; serve it with --workers 1, "
                     "or give a file or PostgreSQL")
    if bool(args.tls_cert) != bool(args.tls_key):
        parser.error("--tls-cert and --tls-key go together: give both (or --tls for a self-signed certificate)")
    if (args.tls or args.tls_cert) and args.public_url and urlsplit(args.public_url).scheme != "https":
        parser.error(f"--public-url {args.public_url}: serving over TLS, the public URL is https://...")
    if args.tls_cert:
        import ssl

        for option, path in (("--tls-cert", args.tls_cert), ("--tls-key", args.tls_key)):
            if not Path(path).is_file():
                parser.error(f"{option} {path}: no such file")
        try:
            # password=b"": an encrypted key fails here instead of prompting on the terminal
            ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER).load_cert_chain(args.tls_cert, args.tls_key, password=b"")
        except (ssl.SSLError, OSError) as error:
            parser.error(f"--tls-cert {args.tls_cert} --tls-key {args.tls_key}: not a PEM certificate and its "
                         f"unencrypted private key ({error})")


def _control_state(config: dict) -> str:
    if not config["CONTROL_API"]:
        return "off"
    return "on, behind X-Sandbox-Key" if config["CONTROL_API_KEY"] else "on"


def _print_banner(public_url: str, demo: dict, created: bool, db: str, control: str = "on",
                  certificate: tuple[Path, bool] | None = None) -> None:
    """``certificate``: the certificate's file and whether it is the sandbox's self-signed one."""
    from sqlalchemy.engine import make_url

    lines = [
        f"mca-sandbox serving on {public_url}   (front page: links to each surface)",
        f"  database:            {make_url(db).render_as_string(hide_password=True)}",
        f"  Partner Center:      {public_url}/dashboard",
        f"  REST API:            {public_url}/v1   (OpenAPI: {public_url}/openapi.json, docs: {public_url}/docs)",
        f"  Admin center:        {public_url}/AdminPortal/Home?ref=/BillingAccounts/agreement",
        f"  Control API:         {public_url}/_sandbox   (sandbox only; {control})",
    ]
    if certificate:
        cert, self_signed = certificate
        lines += [
            f"  TLS certificate:     {cert}",
            "    self-signed by mca-sandbox, kept for the next start: trust it once in your client, e.g."
            if self_signed else "    yours: trust it (or the CA that issued it) in your client, e.g.",
            f"    Python requests, MSAL:  REQUESTS_CA_BUNDLE={cert}",
            f"    Python ssl, urllib:     SSL_CERT_FILE={cert}",
            f"    Node, msal-node:        NODE_EXTRA_CA_CERTS={cert}",
            f"    curl:                   curl --cacert {cert} {public_url}/_sandbox/health",
        ]
    lines.append(f"Demo workspace {'created' if created else 'ready'}: {demo['name']} (tenant {demo['id']}, seed {demo['seed']})")
    partners = demo.get("partners", [demo])
    for partner in partners:
        # the tenant id is the {tenant} of the token endpoint: POST {public_url}/{tenant id}/oauth2/token
        lines.append(f"  {partner['name']} [{partner['kind']}]  tenant {partner['id']}  app id {partner['application']['clientId']}"
                     f"  secret {partner['application']['clientSecret']}")
        for user in partner["users"]:
            lines.append(f"    {user['role']:<14} {user['userName']}  {user['password']}")
    if demo.get("customers"):
        names = {partner["id"]: partner["name"] for partner in partners}
        lines.append("  Customers (their admins sign in to the admin center; state as seeded):")
        for customer in demo["customers"]:
            owner = names.get(customer.get("partnerId"), "none yet")
            lines.append(f"    {customer['state']:<22} {customer['userName']}  {customer['password']}  {customer['companyName']}"
                         f"  - partner: {owner}")
    lines.append("Press Ctrl-C to stop.")
    print("\n".join(lines), flush=True)


def _instant(text: str):
    """``--now``: an ISO-8601 instant, else argparse's usage error (exit 2), not a traceback."""
    from datetime import datetime

    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO-8601 instant: {text!r} (for one, 2020-01-15T00:00:00+00:00)") from None


def tenants_create(args: argparse.Namespace) -> int:
    from . import seed
    from .domain.model import PartnerKind

    app = _app(args.db)
    clock_now = args.now
    result = seed.create_tenant(
        app.extensions["services"], kind=PartnerKind(args.kind), seed=args.seed, clock_now=clock_now,
        clock_frozen=args.frozen, customers=args.customers,
    )
    print(json.dumps(result, indent=2))
    return 0


def reset(args: argparse.Namespace) -> int:
    from . import seed
    from .services import tenants

    app = _app(args.db)
    ctx = app.extensions["services"]
    if args.tenant:  # the tenant's id or any of its partners' (as the control API takes it)
        print(json.dumps(seed.reset_tenant(ctx, tenants.tenant_id_for(ctx, args.tenant)), indent=2))
    else:
        print(json.dumps({"deleted": tenants.delete_all_tenants(ctx)}))
    return 0


def demo(args: argparse.Namespace) -> int:
    """Play Option 1 and Option 2 in a browser; videos, screenshots and index.html into --output."""
    from .demo import run_demo

    return run_demo(args.output, sandbox_url=args.sandbox_url, headed=args.headed, slowmo=args.slowmo,
                    select=args.select)


def steps(args: argparse.Namespace) -> int:
    """Print the step library's sentences with what each does (see sandbox.testing.catalogue)."""
    from .testing.catalogue import catalogue

    print(catalogue(api=args.api))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mca-sandbox", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("serve", help="serve the sandbox with the production server")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8080)
    p.add_argument("--db", help="database URL (default: a SQLite file in the user's data directory)")
    p.add_argument("--seed", type=int, default=42, help="seed of the demo workspace")
    p.add_argument("--public-url", help="URL that browsers use to reach the sandbox (default: MCA_SANDBOX_PUBLIC_URL, "
                                        "else http://HOST:PORT)")
    p.add_argument("--workers", type=int, default=1, help="server processes")
    p.add_argument("--threads", type=int, default=8, help="threads per process")
    secure = p.add_mutually_exclusive_group()
    secure.add_argument("--tls", action="store_true",
                        help="serve HTTPS with a self-signed certificate, made once into the data directory "
                             "(MSAL accepts only an https authority)")
    secure.add_argument("--tls-cert", metavar="PATH", help="serve HTTPS with this PEM certificate (with --tls-key)")
    p.add_argument("--tls-key", metavar="PATH", help="the unencrypted PEM private key of --tls-cert")
    p.set_defaults(func=serve, check=lambda args: _check_serve_arguments(p, args))

    t = sub.add_parser("tenants", help="manage tenants")
    tsub = t.add_subparsers(dest="action", required=True)
    c = tsub.add_parser("create", help="create a seeded partner tenant and print its sign-ins")
    c.add_argument("--db")
    c.add_argument("--kind", default="DirectBill", choices=["DirectBill", "IndirectProvider", "IndirectReseller"])
    c.add_argument("--seed", type=int)
    c.add_argument("--customers", type=int, default=3)
    c.add_argument("--now", type=_instant, help="ISO-8601 instant for the tenant's clock")
    c.add_argument("--frozen", action="store_true", help="freeze the tenant's clock")
    c.set_defaults(func=tenants_create)

    r = sub.add_parser("reset", help="delete every tenant, or re-seed one with --tenant")
    r.add_argument("--db")
    r.add_argument("--tenant")
    r.set_defaults(func=reset)

    d = sub.add_parser("demo", help="play Option 1 and Option 2 end to end in a browser, recorded for showing")
    d.add_argument("--output", default="demo-output", help="folder for the videos, screenshots and index.html")
    d.add_argument("--sandbox-url", help="play against this running sandbox (default: a fresh one, in-process)")
    shown = d.add_mutually_exclusive_group()
    shown.add_argument("--headed", dest="headed", action="store_true", default=None,
                       help="show the browser (default when a display exists)")
    shown.add_argument("--headless", dest="headed", action="store_false", help="never show the browser")
    d.add_argument("--slowmo", type=int, help="milliseconds between browser actions (default: 500 headed, 0 headless)")
    d.add_argument("-k", dest="select", help="play only the journeys matching this pytest -k expression")
    d.set_defaults(func=demo)

    s = sub.add_parser("steps", help="list the step library's sentences, for a suite's own feature files")
    s.add_argument("--api", action="store_true", help="the REST API's steps (sandbox.testing.steps.api) instead")
    s.set_defaults(func=steps)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if hasattr(args, "check"):
        args.check(args)
    from .domain.errors import PartnerCenterError

    try:
        return args.func(args)
    except PartnerCenterError as error:
        print(json.dumps({"code": error.code, "description": error.description}), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
