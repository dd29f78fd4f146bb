"""The tenant filter as structure: every read starts from a repository's visible rows.

- Reads that skip the filter are named ``..._unscoped`` (or ``Unscoped...``) and listed here,
  each with its reason; a new one fails until it is added with a reason.
- The rule itself (the organisation path) is written only in ``app/tenancy.py``.
- Every tenant-owned model has a repository; every dataloader reads a (model, key) no other
  loader reads, and reads it as the caller.
"""

import ast
import importlib
import pkgutil
from pathlib import Path
from typing import Any

import pytest

import resolvers
from app.auth.principal import CredentialKind, Principal
from app.db.base import Base
from app.db.engine import Database
from app.db.models import Contact, Organisation, TenantOwned
from app.db.repository import NetworkRepository, TenantRepository, repository_of
from app.errors import Unauthenticated
from app.onboarding import BootstrapResult
from resolvers.accounts import AccountByIdLoader, AccountsByContactIdLoader
from resolvers.contacts import ContactByIdLoader, PhonesByContactIdLoader
from resolvers.loaders import BatchLoader
from resolvers.organisations import (
    LocationsByOrganisationIdLoader,
    OrganisationByIdLoader,
    UsersCountByOrganisationIdLoader,
)
from resolvers.reference import IndustryByIdLoader
from tests.conftest import Api
from tests.test_contacts import create_contact

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("app", "schema", "resolvers", "rest_compat")

# (module, top-level definition) -> why it reads rows whoever may see them.
UNSCOPED_READS = {
    ("app.db.repository", "Repository"): (
        "defines by_keys_unscoped / rows_by_keys_unscoped / get_by_id_unscoped, the named "
        "ways to skip the filter"
    ),
    ("app.organisations.repository", "parent_of"): (
        "an organisation's parent may be above the caller; resolvers.organisations."
        "parent_if_visible and the services apply the network rule to it"
    ),
    ("app.cli", "_organisations"): (
        "the organisations command, which prints app.operator.all_organisations_unscoped"
    ),
    ("app.operator", "all_organisations_unscoped"): (
        "the operator's command line (crm-gateway organisations) lists every organisation so"
        " that create-api-key can be used; it runs with no caller, outside both doors"
    ),
    ("resolvers.relations", "UnscopedRelationLoader"): (
        "the base of the relation loaders listed here; it only names the skip"
    ),
    ("app.files.repository", "file_by_signed_link_unscoped"): (
        "a file's content is served by its signed link (app.files.links), which is the"
        " credential: the link names the file, no caller does"
    ),
    ("app.files.content", "serve_file_content"): (
        "serves the content by app.files.repository.file_by_signed_link_unscoped once the"
        " link's signature and expiry are checked"
    ),
    ("app.events.retention", "expired_events_unscoped"): (
        "the retention job deletes expired events of every organisation (no rows are shown)"
    ),
    ("app.events.retention", "delete_expired_events_unscoped"): (
        "the retention job deletes expired events of every organisation (no rows are shown)"
    ),
    ("app.events.retention", "EventRetention"): (
        "the retention job's round: delete_expired_events_unscoped when a look is due"
    ),
    ("app.imports.repository", "claim_due_import_unscoped"): (
        "the worker claims due imports of every organisation; it then acts as the import's"
        " organisation (app.tenancy.organisation_principal), through the scoped reads"
    ),
    ("app.imports.repository", "claimed_import_unscoped"): (
        "the worker reads the import it claimed and its organisation, to act as that organisation"
    ),
    ("app.imports.repository", "pending_imports_unscoped"): (
        "the count of waiting imports of every organisation, for /ready (no rows shown)"
    ),
    ("app.imports.repository", "operator_organisation_unscoped"): (
        "the operator's command line (crm-gateway import) names the organisation it imports"
        " for; it runs with no caller, outside both doors"
    ),
    ("app.imports.command_line", "run_import"): (
        "the operator's import, by app.imports.repository.operator_organisation_unscoped"
    ),
    ("app.imports.runner", "_load"): (
        "reads the claimed import by app.imports.repository.claimed_import_unscoped"
    ),
    ("app.imports.runner", "run_imports_once"): (
        "the worker's job: claims by app.imports.repository.claim_due_import_unscoped"
    ),
    ("app.imports.runner", "imports_health"): (
        "the queue's health by app.imports.repository.pending_imports_unscoped"
    ),
    ("app.automations.runs", "UnscopedAutomationRuns"): (
        "the automations worker dispatches every organisation's events and advances every "
        "organisation's runs; each run then acts through a principal of its own organisation"
    ),
    ("app.automations.runs", "JOB"): "the automations job, made of UnscopedAutomationRuns",
    **{
        ("app.webhooks.delivery", name): (
            "the webhook delivery job runs with no caller, for every organisation: it claims due"
            " requests of any tenant, loads each one's webhook and records the outcome"
        )
        for name in ("_claim", "_load", "_record", "deliver_due_requests", "delivery_health")
    },
    **{
        ("app.webhooks.repository", name): (
            "the worker's statements over every organisation's requests (claim, lease, outcome,"
            " queue health)"
        )
        for name in (
            "due_request_ids_unscoped",
            "lease_unscoped",
            "leased_request_unscoped",
            "queue_health_unscoped",
        )
    },
    ("app.webhooks.repository", "webhook_of_organisation_unscoped"): (
        "queue_webhook_request is called by the automation engine for an organisation, not a"
        " caller; it narrows to that organisation itself"
    ),
    ("app.webhooks.service", "queue_webhook_request"): (
        "reads app.webhooks.repository.webhook_of_organisation_unscoped (see there)"
    ),
    ("app.webhooks.repository", "webhook_retries_unscoped"): (
        "the retries of the webhooks of requests the caller has already found (scoped)"
    ),
    ("app.webhooks.service", "act_on_webhook_requests"): (
        "reads app.webhooks.repository.webhook_retries_unscoped for requests found as the caller"
    ),
    ("app.reports.repository", "due_reports_unscoped"): (
        "the scheduler job claims the due reports of every organisation; it runs each as its "
        "own organisation (app.tenancy.organisation_principal)"
    ),
    ("app.reports.repository", "due_count_unscoped"): (
        "the scheduler job's queue depth for /ready counts every organisation's due reports"
    ),
    ("app.reports.scheduler", "_claim_unscoped"): ("leases due reports of every organisation"),
    ("app.reports.scheduler", "_run_one_unscoped"): (
        "loads a claimed report and its organisation, then reads the rows as that organisation"
    ),
    ("app.reports.scheduler", "run_due_reports"): ("the job's round: claims, then runs each"),
    ("app.reports.scheduler", "schedule_health"): ("counts due reports for /ready"),
    ("resolvers.reference", "IndustryByIdLoader"): (
        "organisations (shared by live and test mode) point at industries their creator chose, "
        "possibly of the other mode or of an organisation above the caller"
    ),
    ("app.webhooks.repository", "due_requests_unscoped"): (
        "the delivery job's look before it claims: any organisation's due request"
    ),
    ("app.reports.repository", "due_reports_select_unscoped"): (
        "the scheduler job's look before it claims: any organisation's due report"
    ),
    ("app.imports.repository", "due_imports_select_unscoped"): (
        "the imports job's look before it claims: any organisation's due import"
    ),
}


def _modules() -> list[tuple[str, Path]]:
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found.append((module.removesuffix(".__init__"), path))
    return found


def _names(node: ast.AST) -> set[str]:
    names = set()
    for child in ast.walk(node):
        if isinstance(child, ast.Name):
            names.add(child.id)
        elif isinstance(child, ast.Attribute):
            names.add(child.attr)
        elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(child.name)
    return names


def test_every_unscoped_read_is_listed_with_its_reason() -> None:
    found = set()
    for module, path in _modules():
        for node in ast.parse(path.read_text()).body:
            if any("unscoped" in name.lower() for name in _names(node)):
                name = getattr(node, "name", None) or ast.unparse(node).split("=")[0].strip()
                found.add((module, name))
    assert found == set(UNSCOPED_READS)


def test_the_network_rule_is_written_once() -> None:
    """Only app/tenancy.py compares organisation paths (the principal carries its own, and
    compiled reads bind it as a parameter)."""
    allowed = {"app.tenancy", "app.auth.principal", "app.auth.authenticate", "app.compiled.sql"}
    writing_it = {
        module
        for module, path in _modules()
        if "organisation_path" in path.read_text() or ".path.startswith" in path.read_text()
    }
    assert writing_it <= allowed


def test_every_tenant_owned_model_has_a_tenant_repository() -> None:
    importlib.import_module("app.main")
    for mapper in Base.registry.mappers:
        model = mapper.class_
        if issubclass(model, TenantOwned):
            assert isinstance(repository_of(model), TenantRepository), model.__name__
    assert isinstance(repository_of(Organisation), NetworkRepository)


def _loader_classes() -> list[type[BatchLoader[Any, Any]]]:
    for module in pkgutil.iter_modules(resolvers.__path__):
        importlib.import_module(f"resolvers.{module.name}")
    classes: list[type[BatchLoader[Any, Any]]] = []
    pending: list[type[Any]] = [BatchLoader]
    while pending:
        cls = pending.pop()
        for sub in cls.__subclasses__():
            pending.append(sub)
            if "loads" in sub.__dict__ and sub not in classes:
                classes.append(sub)
    return classes


def test_one_loader_class_per_model_and_key() -> None:
    loaders = _loader_classes()
    by_key: dict[tuple[type[Any], str], list[str]] = {}
    for loader in loaders:
        model, key = loader.loads
        by_key.setdefault((model, key), []).append(loader.__qualname__)
        repository_of(model)  # every loaded model has its repository (and so its rule)
    assert {key: names for key, names in by_key.items() if len(names) > 1} == {}
    assert len(loaders) >= 25


def test_shared_loaders_are_defined_by_the_domain_that_owns_the_entity() -> None:
    assert OrganisationByIdLoader.__module__ == "resolvers.organisations"
    assert LocationsByOrganisationIdLoader.__module__ == "resolvers.organisations"
    assert IndustryByIdLoader.__module__ == "resolvers.reference"
    assert AccountByIdLoader.__module__ == "resolvers.accounts"


def _principal(organisation_id: str, path: str, *, is_test: bool = False) -> Principal:
    return Principal(CredentialKind.SECRET_KEY, organisation_id, path, is_test=is_test)


async def test_loaders_find_nothing_of_another_tenant_or_mode(
    api: Api, tenant: BootstrapResult, db: Database
) -> None:
    contact_id = await create_contact(api)
    async with db.read() as session:
        organisation = await session.get(Organisation, tenant.organisation_id)
        assert organisation is not None
        own = _principal(organisation.id, organisation.path)
    stranger = _principal("0" * 36, "/elsewhere/")
    test_mode = _principal(organisation.id, organisation.path, is_test=True)

    assert (await ContactByIdLoader(db, own).load(contact_id)).id == contact_id
    assert await PhonesByContactIdLoader(db, own).load(contact_id) != []
    assert (await OrganisationByIdLoader(db, own).load(organisation.id)).id == organisation.id
    for other in (stranger, test_mode):
        assert await ContactByIdLoader(db, other).load(contact_id) is None
        assert await PhonesByContactIdLoader(db, other).load(contact_id) == []
        assert await AccountsByContactIdLoader(db, other).load(contact_id) == []
    assert await OrganisationByIdLoader(db, stranger).load(organisation.id) is None
    assert await LocationsByOrganisationIdLoader(db, stranger).load(organisation.id) == []
    assert await UsersCountByOrganisationIdLoader(db, stranger).load(organisation.id) == 0
    assert await UsersCountByOrganisationIdLoader(db, own).load(organisation.id) == 1
    # Without a caller, a loader reads nothing at all.
    with pytest.raises(Unauthenticated):
        await ContactByIdLoader(db, None).load(contact_id)
    assert Contact is repository_of(Contact).model
