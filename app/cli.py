"""The ``crm-gateway`` command line: serve, migrate, bootstrap, create-api-key."""

import argparse
import asyncio
import dataclasses
import gc
import json
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from app.db.engine import Database, create_engine
from app.db.migrate import migrate
from app.db.outages import wait_for_database
from app.errors import GatewayError
from app.logs import configure_logging
from app.onboarding import (
    DEFAULT_BUSINESS_NAME,
    DEFAULT_OWNER_EMAIL,
    BootstrapResult,
    bootstrap,
    create_api_key,
)
from app.settings import get_settings

T = TypeVar("T")


async def _with_database(work: Callable[[Database], Awaitable[T]]) -> T:
    settings = get_settings()
    db = Database(create_engine(settings.database_url, pool_size=2))
    try:
        await migrate(db.engine)
        return await work(db)
    finally:
        await db.dispose()


async def _wait_for_database() -> str | None:
    """Wait up to ``database_wait_seconds`` for the database (see :func:`wait_for_database`)."""
    settings = get_settings()
    engine = create_engine(settings.database_url, pool_size=1)
    try:
        return await wait_for_database(
            engine, settings.database_wait_seconds, lambda line: print(line, file=sys.stderr)
        )
    finally:
        await engine.dispose()


def _print_bootstrap(result: BootstrapResult | None, as_json: bool) -> None:
    if result is None:
        message = "An organisation exists already: nothing was created (keys are shown only once)."
        if as_json:
            print(json.dumps({"created": False, "message": message}))
        else:
            print(message)
        return
    if as_json:
        print(json.dumps({"created": True, **dataclasses.asdict(result)}))
        return
    print(f"Created service owner {result.service_owner_id} (the operator of this installation).")
    print(f"  service owner public key: {result.service_owner_public_api_key}")
    print("    (registers businesses: POST /backoffice/v1/organisations/register)")
    print(f"  service owner secret key: {result.service_owner_secret_api_key}")
    print(f"Created business {result.organisation_name!r} ({result.organisation_id}) below it.")
    print("Keep these now; they are not shown again:")
    print(f"  secret API key (live): {result.secret_api_key}")
    print(f"  secret API key (test): {result.test_secret_api_key}")
    print(f"  public API key (live): {result.public_api_key}")
    print(f"  owner sign-in:         {result.owner_email} / {result.owner_password}")


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from app.main import create_app

    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format)
    unreachable = asyncio.run(_wait_for_database())
    if unreachable is not None:
        print(f"error: cannot reach the database: {unreachable}; giving up", file=sys.stderr)
        return 1
    result = asyncio.run(_with_database(_bootstrap_work(args)))
    if result is not None:
        _print_bootstrap(result, as_json=False)
    print(f"GraphQL and GraphiQL: http://{args.host}:{args.port}/graphql")
    print(f"REST: http://{args.host}:{args.port}/backoffice/v1/  (openapi.json there)")
    app = create_app()
    # The schema, route table and modules live as long as the process: keep the garbage
    # collector from scanning them again and again (fewer, shorter pauses under load).
    gc.freeze()
    # Uvicorn logs through the configured root logger; the access line is the gateway's own.
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        log_config=None,
        log_level=settings.log_level,
        access_log=False,
    )
    return 0


def _migrate(_args: argparse.Namespace) -> int:
    async def noop(_db: Database) -> None:
        return None

    asyncio.run(_with_database(noop))
    print("The database is at the newest migration.")
    return 0


def _bootstrap_work(
    args: argparse.Namespace,
) -> Callable[[Database], Awaitable[BootstrapResult | None]]:
    """The bootstrap of an empty database with the business name and owner e-mail given."""

    async def work(db: Database) -> BootstrapResult | None:
        return await bootstrap(db, name=args.name, owner_email=args.owner_email)

    return work


def _bootstrap(args: argparse.Namespace) -> int:
    _print_bootstrap(asyncio.run(_with_database(_bootstrap_work(args))), args.json)
    return 0


def _add_bootstrap_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--name",
        default=DEFAULT_BUSINESS_NAME,
        help="the first business's name (on an empty database)",
    )
    parser.add_argument(
        "--owner-email",
        default=DEFAULT_OWNER_EMAIL,
        help="the e-mail address (and username) of the first business's owner",
    )


def _create_api_key(args: argparse.Namespace) -> int:
    async def create(db: Database) -> str:
        return await create_api_key(db, args.organisation, is_public=args.public, is_test=args.test)

    key = asyncio.run(_with_database(create))
    field = "public_api_key" if args.public else "secret_api_key"
    out: dict[str, Any] = {
        "organisation_id": args.organisation,
        field: key,
        "mode": "test" if args.test else "live",
    }
    print(json.dumps(out) if args.json else f"{field} ({out['mode']}): {key}")
    return 0


def _export_contracts(_args: argparse.Namespace) -> int:
    import schema
    from rest_compat import openapi as openapi_module
    from rest_compat.routes import ROUTES
    from schema.schema import build_schema

    sdl_path = Path(schema.__file__).parent / "schema.graphql"
    sdl_path.write_text(build_schema().as_str() + "\n")
    openapi_path = Path(openapi_module.__file__).parent / "openapi.json"
    document = openapi_module.openapi_document(ROUTES)
    openapi_path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {sdl_path} and {openapi_path}")
    return 0


def _register_persisted_queries(args: argparse.Namespace) -> int:
    """Validate every ``*.graphql`` file under the folder against the schema and add them to the
    registered documents (``persisted_queries_path``); nothing is written if one is invalid."""
    from graphql import GraphQLError, parse, validate

    from app.persisted_queries import document_hash, read_registered, write_registered
    from schema.schema import build_schema

    folder = Path(args.folder)
    files = sorted(folder.rglob("*.graphql"))
    if not files:
        print(f"error: no .graphql file under {folder}", file=sys.stderr)
        return 2
    schema = build_schema()
    documents: dict[str, str] = {}
    failures = []
    for file in files:
        text = file.read_text(encoding="utf-8")
        errors: list[Exception]
        try:
            errors = list(validate(schema._schema, parse(text)))
        except GraphQLError as error:  # a syntax error
            errors = [error]
        if errors:
            failures.append(f"{file}: {'; '.join(str(e).splitlines()[0] for e in errors)}")
        documents[document_hash(text)] = text
    if failures:
        print("error: not registered; these documents do not validate:", file=sys.stderr)
        print("\n".join(failures), file=sys.stderr)
        return 2
    target = Path(args.output or get_settings().persisted_queries_path)
    registered = {} if args.replace else read_registered(target)
    new = sum(1 for digest in documents if digest not in registered)
    write_registered(target, {**registered, **documents})
    for file in files:
        print(f"{document_hash(file.read_text(encoding='utf-8'))}  {file}")
    print(f"{len(documents)} documents ({new} new) registered in {target}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with one sub-command per task."""
    parser = argparse.ArgumentParser(prog="crm-gateway", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="migrate, bootstrap if empty, and serve")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    _add_bootstrap_options(serve)
    serve.set_defaults(run=_serve)

    commands.add_parser("migrate", help="apply the migrations").set_defaults(run=_migrate)

    boot = commands.add_parser("bootstrap", help="create the first organisation if there is none")
    boot.add_argument("--json", action="store_true", help="print one JSON object")
    _add_bootstrap_options(boot)
    boot.set_defaults(run=_bootstrap)

    key = commands.add_parser("create-api-key", help="create an API key for an organisation")
    key.add_argument("--organisation", required=True, help="the organisation id")
    key.add_argument("--test", action="store_true", help="a test-mode key")
    key.add_argument("--public", action="store_true", help="a public key")
    key.add_argument("--json", action="store_true", help="print one JSON object")
    key.set_defaults(run=_create_api_key)

    persisted = commands.add_parser(
        "register-persisted-queries",
        help="register the .graphql documents of a folder (persisted queries, allow-list)",
    )
    persisted.add_argument("folder", help="a folder of .graphql files (searched recursively)")
    persisted.add_argument(
        "--output", help="the registered documents file (default: persisted_queries_path)"
    )
    persisted.add_argument(
        "--replace", action="store_true", help="drop the documents registered before"
    )
    persisted.set_defaults(run=_register_persisted_queries)

    commands.add_parser(
        "export-contracts", help="write schema/schema.graphql and rest_compat/openapi.json"
    ).set_defaults(run=_export_contracts)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; the exit status is 0 on success."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args))
    except GatewayError as error:
        print(f"error: {error.message} {' '.join(error.parameters)}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
