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
from app.errors import GatewayError
from app.onboarding import BootstrapResult, bootstrap, create_api_key
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
    print(f"Created organisation {result.organisation_name!r} ({result.organisation_id}).")
    print("Keep these now; they are not shown again:")
    print(f"  secret API key (live): {result.secret_api_key}")
    print(f"  secret API key (test): {result.test_secret_api_key}")
    print(f"  public API key (live): {result.public_api_key}")
    print(f"  owner sign-in:         {result.owner_email} / {result.owner_password}")


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from app.main import create_app

    result = asyncio.run(_with_database(bootstrap))
    if result is not None:
        _print_bootstrap(result, as_json=False)
    print(f"GraphQL and GraphiQL: http://{args.host}:{args.port}/graphql")
    print(f"REST reference: http://{args.host}:{args.port}/backoffice/v1/docs")
    app = create_app()
    # The schema, route table and modules live as long as the process: keep the garbage
    # collector from scanning them again and again (fewer, shorter pauses under load).
    gc.freeze()
    uvicorn.run(app, host=args.host, port=args.port, log_level="info")
    return 0


def _migrate(_args: argparse.Namespace) -> int:
    async def noop(_db: Database) -> None:
        return None

    asyncio.run(_with_database(noop))
    print("The database is at the newest migration.")
    return 0


def _bootstrap(args: argparse.Namespace) -> int:
    _print_bootstrap(asyncio.run(_with_database(bootstrap)), args.json)
    return 0


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


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with one sub-command per task."""
    parser = argparse.ArgumentParser(prog="crm-gateway", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="migrate, bootstrap if empty, and serve")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.set_defaults(run=_serve)

    commands.add_parser("migrate", help="apply the migrations").set_defaults(run=_migrate)

    boot = commands.add_parser("bootstrap", help="create the first organisation if there is none")
    boot.add_argument("--json", action="store_true", help="print one JSON object")
    boot.set_defaults(run=_bootstrap)

    key = commands.add_parser("create-api-key", help="create an API key for an organisation")
    key.add_argument("--organisation", required=True, help="the organisation id")
    key.add_argument("--test", action="store_true", help="a test-mode key")
    key.add_argument("--public", action="store_true", help="a public key")
    key.add_argument("--json", action="store_true", help="print one JSON object")
    key.set_defaults(run=_create_api_key)

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
