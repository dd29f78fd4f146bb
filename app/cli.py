"""The ``crm-gateway`` command line: serve, migrate, bootstrap, create-api-key,
organisations, doctor, import, export-contracts."""

import argparse
import asyncio
import contextlib
import dataclasses
import gc
import json
import sys
import textwrap
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from app.db.engine import Database, create_engine
from app.db.migrate import Migration, migrate
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
from app.operator import all_organisations_unscoped, doctor_checks
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


def served_app() -> Any:
    """The application one ``serve`` process runs (uvicorn's factory, ``app.cli:served_app``):
    logging configured, the app built, and what lives as long as the process frozen for the
    garbage collector. Each worker process of ``serve --workers N`` calls it once."""
    from app.main import create_app

    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format)
    app = create_app()
    # The schema, route table and modules live as long as the process: keep the garbage
    # collector from scanning them again and again (fewer, shorter pauses under load).
    gc.freeze()
    return app


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format)
    if args.workers < 1:
        print("error: --workers must be 1 or more", file=sys.stderr)
        return 2
    unreachable = asyncio.run(_wait_for_database())
    if unreachable is not None:
        print(f"error: cannot reach the database: {unreachable}; giving up", file=sys.stderr)
        return 1
    result = asyncio.run(_with_database(_bootstrap_work(args)))
    if result is not None:
        _print_bootstrap(result, as_json=False)
    print(f"GraphQL and GraphiQL: http://{args.host}:{args.port}/graphql")
    print(f"REST reference: http://{args.host}:{args.port}/backoffice/v1/docs")
    # Uvicorn logs through the configured root logger; the access line is the gateway's own.
    # With --workers N, uvicorn's supervisor starts N processes sharing the listening socket,
    # each building its app (and its pool of CRM_GATEWAY_DATABASE_POOL_SIZE connections).
    options: dict[str, Any] = {
        "host": args.host,
        "port": args.port,
        "log_config": None,
        "log_level": settings.log_level,
        "access_log": False,
    }
    if args.workers == 1:
        uvicorn.run(served_app(), **options)
    else:
        uvicorn.run("app.cli:served_app", factory=True, workers=args.workers, **options)
    return 0


def _worker(_args: argparse.Namespace) -> int:
    """Run the background worker alone until interrupted (DESIGN.md §7)."""
    from app.worker.jobs import all_jobs
    from app.worker.runner import Worker

    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format)

    async def work(db: Database) -> None:
        worker = Worker(db, all_jobs(settings), max_poll_seconds=settings.worker_max_poll_seconds)
        print(f"worker: running {len(worker.jobs)} job(s); Ctrl-C stops it", file=sys.stderr)
        await worker.run()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_with_database(work))
    return 0


def _migrate(_args: argparse.Namespace) -> int:
    async def apply() -> list[Migration]:
        db = Database(create_engine(get_settings().database_url, pool_size=2))
        try:
            return await migrate(db.engine)
        finally:
            await db.dispose()

    applied = asyncio.run(apply())
    for migration in applied:
        print(f"applied {migration.revision}  {migration.description}")
    if applied:
        print(f"{len(applied)} migration(s) applied; the database is at the newest migration.")
    else:
        print("No migration to apply: the database was already at the newest migration.")
    return 0


def _bootstrap_work(
    args: argparse.Namespace,
) -> Callable[[Database], Awaitable[BootstrapResult | None]]:
    """The bootstrap of an empty database with the business name and owner e-mail given."""

    async def work(db: Database) -> BootstrapResult | None:
        return await bootstrap(db, name=args.name, owner_email=args.owner_email)

    return work


def _organisations(args: argparse.Namespace) -> int:
    rows = asyncio.run(_with_database(all_organisations_unscoped))
    if args.json:
        print(json.dumps([dataclasses.asdict(row) for row in rows]))
        return 0
    if not rows:
        print("No organisation yet: run crm-gateway bootstrap (or serve).")
        return 0
    headers = ("id", "name", "type", "parent")
    table = [(row.id, row.name, row.org_type, row.parent_id or "-") for row in rows]
    widths = [max(len(line[i]) for line in [headers, *table]) for i in range(len(headers))]
    for line in [headers, *table]:
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        )
    return 0


def _doctor(args: argparse.Namespace) -> int:
    checks = asyncio.run(doctor_checks())
    if args.json:
        print(json.dumps([dataclasses.asdict(check) for check in checks]))
    else:
        for check in checks:
            print(f"{'ok  ' if check.ok else 'FAIL'}  {check.name}: {check.detail}")
            if check.fix:
                print(f"      -> {check.fix}")
    return 0 if all(check.ok for check in checks) else 1


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


def _mapping(values: Sequence[str], custom: bool) -> list[tuple[str, str, bool]]:
    """``COLUMN=ATTRIBUTE`` options as mapping entries (a 400-style error for another shape)."""
    entries = []
    for value in values:
        column, sep, attribute = value.partition("=")
        if not sep or not column.strip() or not attribute.strip():
            raise GatewayError(f"--map/--custom take COLUMN=ATTRIBUTE, not {value!r}")
        entries.append((column.strip(), attribute.strip(), custom))
    return entries


def _import(args: argparse.Namespace) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from app.imports.command_line import ImportRequest, run_import

    request = ImportRequest(
        path=Path(args.file),
        type=args.type,
        organisation_id=args.organisation,
        test_mode=args.test,
        exclude_header=not args.no_header,
        update_data=args.update_data,
        mapping=tuple(_mapping(args.map, False) + _mapping(args.custom, True)),
    )
    columns = (
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, transient=False) as bar:
        task = bar.add_task(f"importing {request.path.name}", total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        async def work(db: Database) -> Any:
            return await run_import(db, get_settings(), request, advance)

        data_import = asyncio.run(_with_database(work))
    results = {
        "id": data_import.id,
        "status": data_import.status,
        "new": data_import.new_count,
        "updated": data_import.updated_count,
        "unchanged": data_import.unchanged_count,
        "errors": data_import.error_count,
        "total": data_import.total_rows,
        "error_file_id": data_import.error_file_id,
    }
    print(json.dumps(results))
    return 0 if data_import.status == "COMPLETED" else 1


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


DESCRIPTION = """\
The CRM Back-Office gateway: GraphQL at /graphql, REST at /backoffice/v1
(reference at /backoffice/v1/docs)."""
EPILOG = """\
Settings come from CRM_GATEWAY_* environment variables or a .env file; the
database is CRM_GATEWAY_DATABASE_URL, by default
  sqlite+aiosqlite:///./var/crm-gateway.sqlite3
'crm-gateway COMMAND --help' describes a command and its options."""


class _HelpFormatter(argparse.ArgumentDefaultsHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Plain-text help (descriptions as written) that shows each option's default (flags,
    required options and options without a default have none to show)."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        if (
            action.required
            or action.default is None
            or isinstance(action, argparse._StoreTrueAction)
        ):
            return action.help
        return super()._get_help_string(action)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with one sub-command per task."""
    parser = argparse.ArgumentParser(
        prog="crm-gateway",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=_HelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, summary: str, details: str) -> argparse.ArgumentParser:
        return commands.add_parser(
            name,
            help=summary,
            description=textwrap.fill(details, 79),
            formatter_class=_HelpFormatter,
        )

    serve = command(
        "serve",
        "migrate, bootstrap an empty database, and serve (in the foreground)",
        "Apply the migrations, create the first organisation if the database has none (its"
        " keys are printed once), then serve both doors until interrupted (Ctrl-C).",
    )
    serve.add_argument("--host", default="127.0.0.1", help="the address to listen on")
    serve.add_argument("--port", type=int, default=8000, help="the TCP port to listen on")
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="server processes sharing the port and the database (each with its own pool)",
    )
    _add_bootstrap_options(serve)
    serve.set_defaults(run=_serve)

    command(
        "worker",
        "run the background worker alone (deliveries, automations, imports, reports)",
        "Run every background job (webhook deliveries, automation runs, imports, scheduled"
        " reports) against CRM_GATEWAY_DATABASE_URL until interrupted. Gateways started with"
        " CRM_GATEWAY_WORKER=off leave this work to such processes; any number may run on one"
        " PostgreSQL database, each due item is done once.",
    ).set_defaults(run=_worker)

    command(
        "migrate",
        "apply the database migrations and list them",
        "Bring the database (CRM_GATEWAY_DATABASE_URL) to the newest migration, printing each"
        " migration applied, or that there was none.",
    ).set_defaults(run=_migrate)

    boot = command(
        "bootstrap",
        "create the service owner and the first business if there is none",
        "On an empty database, create the service owner (the operator of this installation,"
        " whose public key registers businesses) and below it the first BUSINESS with an owner"
        " user and live, test and public keys, once; the keys and the owner's password are"
        " printed only then.",
    )
    boot.add_argument("--json", action="store_true", help="print one JSON object")
    _add_bootstrap_options(boot)
    boot.set_defaults(run=_bootstrap)

    key = command(
        "create-api-key",
        "create an API key for an organisation",
        "Create a new API key for an organisation (ids: crm-gateway organisations). The key"
        " is printed once and stored only as a hash.",
    )
    key.add_argument("--organisation", required=True, help="the organisation id (required)")
    key.add_argument("--test", action="store_true", help="a test-mode key (sk_test_...)")
    key.add_argument("--public", action="store_true", help="a public key instead of a secret one")
    key.add_argument("--json", action="store_true", help="print one JSON object")
    key.set_defaults(run=_create_api_key)

    organisations = command(
        "organisations",
        "list every organisation (id, name, type, parent)",
        "List every organisation of the database, each below its parent, with its id, name,"
        " type and parent id: the ids create-api-key takes.",
    )
    organisations.add_argument("--json", action="store_true", help="print one JSON array")
    organisations.set_defaults(run=_organisations)

    doctor = command(
        "doctor",
        "check the settings, the database and its migrations",
        "Check that the settings load, that the database answers (within 10 s), that its"
        " migrations are current and that it has an organisation; say what is wrong and what"
        " to do. Exit status 0 when every check passes, 1 otherwise. Changes nothing.",
    )
    doctor.add_argument("--json", action="store_true", help="print one JSON array of checks")
    doctor.set_defaults(run=_doctor)

    persisted = command(
        "register-persisted-queries",
        "register the .graphql documents of a folder (persisted queries, allow-list)",
        "Validate every .graphql file below FOLDER against the schema and add them to the"
        " registered documents (persisted queries; with CRM_GATEWAY_PERSISTED_ONLY=true the"
        " only documents that run). Nothing is written when one does not validate.",
    )
    persisted.add_argument("folder", help="a folder of .graphql files (searched recursively)")
    persisted.add_argument(
        "--output",
        help="the registered documents file (CRM_GATEWAY_PERSISTED_QUERIES_PATH when left out)",
    )
    persisted.add_argument(
        "--replace", action="store_true", help="drop the documents registered before"
    )
    persisted.set_defaults(run=_register_persisted_queries)

    imports = command(
        "import",
        "import a CSV file of contacts or organisations, with a progress bar",
        "Store FILE, import its rows as the API's POST /imports does (the same checks and"
        " rules: a bad row is refused alone and listed in the error file) and print the"
        " counts as JSON. Without --map the mapping comes from the header row (columns named"
        " like attributes fill them, the others become custom fields). Exit status 1 when"
        " some rows were refused.",
    )
    imports.add_argument("file", help="the CSV file (UTF-8; , ; tab or | separated)")
    imports.add_argument(
        "--type", required=True, choices=["contacts", "organisations"], help="what rows become"
    )
    imports.add_argument(
        "--organisation", help="the organisation id to import for (default: the first BUSINESS)"
    )
    imports.add_argument("--test", action="store_true", help="import as test-mode data")
    imports.add_argument(
        "--no-header", action="store_true", help="the first row is data (columns by number)"
    )
    imports.add_argument(
        "--update-data", action="store_true", help="update the records that exist already"
    )
    imports.add_argument(
        "--map", action="append", default=[], metavar="COLUMN=ATTRIBUTE", help="map a column"
    )
    imports.add_argument(
        "--custom",
        action="append",
        default=[],
        metavar="COLUMN=KEY",
        help="map a column to a custom field",
    )
    imports.set_defaults(run=_import)

    command(
        "export-contracts",
        "write schema/schema.graphql and rest_compat/openapi.json",
        "Rewrite the committed contracts from the schema and the route table (a test fails"
        " when they are stale).",
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
