"""Rules of users' memberships, custom roles and teams (services never commit).

Memberships, roles and teams are shared by live and test mode: test-mode keys may read them
but every change needs a live key or a user (``require_live_mode``). Who may hand out a role:
secret API keys any; a user only a role whose permissions it holds itself, and only an OWNER
may make or unmake an OWNER. An organisation always keeps one OWNER (409).
"""

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.access import repository
from app.access.commands import (
    AddTeamMember,
    ChangeMembership,
    CreateRole,
    CreateTeam,
    UpdateRole,
    UpdateTeam,
)
from app.access.repository import ROLES, TEAMS, Member
from app.auth.permissions import BUILT_IN_ROLES, OWNER, role_permissions
from app.auth.principal import CredentialKind, Principal, require_live_mode
from app.auth.roles import custom_permissions
from app.commands import apply
from app.db.models import Organisation, Role, Team, TeamMember
from app.errors import Conflict, Forbidden, InvalidInput, NotFound
from app.organisations.repository import ORGANISATIONS
from app.pagination import Page, PageRequest

CHANGE_USERS = "change users, roles or teams"


@dataclass(frozen=True)
class RoleView:
    """A role as callers see it: a built-in one (no id, no organisation) or a custom one."""

    id: str | None
    code: str
    name: str
    description: str | None
    permissions: list[str]
    is_built_in: bool
    organisation_id: str | None


def built_in_roles() -> list[RoleView]:
    """The built-in roles, in the order they are declared."""
    return [
        RoleView(None, r.code, r.name, r.description, sorted(r.permissions), True, None)
        for r in BUILT_IN_ROLES.values()
    ]


def role_view(role: Role) -> RoleView:
    """A custom role as callers see it."""
    return RoleView(
        role.id,
        role.code,
        role.name,
        role.description,
        sorted(role.permissions),
        False,
        role.organisation_id,
    )


async def organisation_for(
    session: AsyncSession, principal: Principal, organisation_id: str | None
) -> Organisation:
    """The organisation an operation is about: the one named (of the caller's network, 404
    otherwise) or the caller's own."""
    return await ORGANISATIONS.lookup(
        session, principal, "organisation", organisation_id or principal.organisation_id
    )


# --- users -----------------------------------------------------------------------------------


async def me(session: AsyncSession, principal: Principal) -> Member | None:
    """The signed-in user as a member of the organisation the token acts in; ``None`` for keys."""
    if principal.user_id is None:
        return None
    return await repository.member(session, principal, principal.organisation_id, principal.user_id)


async def get_member(
    session: AsyncSession, principal: Principal, user_id: str, organisation_id: str | None = None
) -> Member:
    """A member of the organisation (the caller's by default); 404 ``user`` otherwise."""
    organisation = await organisation_for(session, principal, organisation_id)
    found = await repository.member(session, principal, organisation.id, user_id)
    if found is None:
        raise NotFound("user", user_id)
    return found


async def search_members(
    session: AsyncSession,
    principal: Principal,
    request: PageRequest,
    organisation_id: str | None = None,
    search_value: str | None = None,
    role: str | None = None,
) -> Page[Member]:
    """A page of the members of an organisation (the caller's by default)."""
    organisation = await organisation_for(session, principal, organisation_id)
    return await repository.members(
        session, principal, organisation.id, request, search_value, role
    )


def _caller_permissions(principal: Principal) -> frozenset[str] | None:
    """The caller's permissions; ``None`` for secret keys (every permission)."""
    if principal.kind is CredentialKind.SECRET_KEY:
        return None
    return role_permissions(principal.role, principal.custom_permissions)


def _check_may_hand_out(principal: Principal, role: str, permissions: Iterable[str]) -> None:
    """403 ``["role"]`` when a user hands out (or takes away) a role above its own."""
    held = _caller_permissions(principal)
    if held is None:
        return
    if role == OWNER and principal.role != OWNER:
        raise Forbidden("Only an OWNER may make or unmake an OWNER.", ["role"])
    missing = sorted(set(permissions) - held)
    if missing:
        raise Forbidden(
            f"The role {role} holds permissions the caller does not: {', '.join(missing)}.",
            ["role"],
        )


async def _role_permissions(
    session: AsyncSession, organisation: Organisation, role: str
) -> frozenset[str]:
    """The permissions of a role code members of ``organisation`` may hold (400 if unknown)."""
    if role in BUILT_IN_ROLES:
        return BUILT_IN_ROLES[role].permissions
    found = await custom_permissions(session, organisation.path, role)
    if found is None:
        raise InvalidInput(
            "role",
            f"unknown role {role!r}: use {', '.join(BUILT_IN_ROLES)} or a custom role of the "
            "organisation or of one above it",
        )
    return found


async def check_may_grant(
    session: AsyncSession, principal: Principal, organisation: Organisation, role: str
) -> None:
    """The one rule for giving ``role`` to a member of ``organisation`` (a role change or an
    invitation): 400 naming ``role`` when the organisation's members cannot hold it, 403
    ``["role"]`` when it holds permissions the caller does not, or is OWNER and the caller is
    not. Secret keys may give any role."""
    _check_may_hand_out(principal, role, await _role_permissions(session, organisation, role))


async def _writable_member(
    session: AsyncSession, principal: Principal, user_id: str, organisation_id: str | None
) -> tuple[Organisation, Member]:
    organisation = await organisation_for(session, principal, organisation_id)
    found = await repository.member(session, principal, organisation.id, user_id)
    if found is None:
        raise NotFound("user", user_id)
    current = await _role_permissions_or_none(session, organisation, found.membership.role)
    _check_may_hand_out(principal, found.membership.role, current)
    return organisation, found


async def _role_permissions_or_none(
    session: AsyncSession, organisation: Organisation, role: str
) -> frozenset[str]:
    try:
        return await _role_permissions(session, organisation, role)
    except InvalidInput:  # a custom role deleted since it was given: it holds nothing
        return frozenset()


async def change_membership(
    session: AsyncSession,
    principal: Principal,
    user_id: str,
    command: ChangeMembership,
    organisation_id: str | None = None,
) -> Member:
    """Give a member another role (the last OWNER keeps its role: 409)."""
    require_live_mode(principal, CHANGE_USERS)
    organisation, found = await _writable_member(session, principal, user_id, organisation_id)
    await check_may_grant(session, principal, organisation, command.role)
    membership = found.membership
    if membership.role == OWNER and command.role != OWNER:
        await _keep_an_owner(session, organisation)
    membership.role = command.role
    await session.flush()
    return found


async def remove_membership(
    session: AsyncSession, principal: Principal, user_id: str, organisation_id: str | None = None
) -> str:
    """Take a user out of an organisation and its teams; the user's id."""
    require_live_mode(principal, CHANGE_USERS)
    organisation, found = await _writable_member(session, principal, user_id, organisation_id)
    if found.membership.role == OWNER:
        await _keep_an_owner(session, organisation)
    await repository.leave_teams(session, organisation.id, user_id)
    await session.delete(found.membership)
    await session.flush()
    return user_id


async def _keep_an_owner(session: AsyncSession, organisation: Organisation) -> None:
    if await repository.owners_count(session, organisation.id) <= 1:
        raise Conflict(
            "An organisation keeps at least one OWNER: make another member OWNER first.",
            ["role", OWNER],
        )


# --- roles -----------------------------------------------------------------------------------


async def list_roles(
    session: AsyncSession, principal: Principal, organisation_id: str | None = None
) -> list[RoleView]:
    """The built-in roles, then the custom roles the organisation defines (by code)."""
    organisation = await organisation_for(session, principal, organisation_id)
    custom = await repository.custom_roles(session, principal, organisation.id)
    return [*built_in_roles(), *(role_view(role) for role in custom)]


async def get_role(session: AsyncSession, principal: Principal, id: str) -> RoleView:
    """A built-in role by code, or a custom role of the caller's network by id (404)."""
    if id in BUILT_IN_ROLES:
        return next(role for role in built_in_roles() if role.code == id)
    return role_view(await ROLES.lookup(session, principal, "role", id))


async def create_role(
    session: AsyncSession,
    principal: Principal,
    command: CreateRole,
    organisation_id: str | None = None,
) -> RoleView:
    """A custom role of the organisation (the caller's by default)."""
    require_live_mode(principal, CHANGE_USERS)
    organisation = await organisation_for(session, principal, organisation_id)
    if command.code in BUILT_IN_ROLES:
        raise Conflict(f"{command.code} is a built-in role.", ["code", command.code])
    _check_may_hand_out(principal, command.code, command.permissions)
    role = Role(
        organisation_id=organisation.id,
        code=command.code,
        name=command.name,
        description=command.description,
        permissions=sorted(set(command.permissions)),
    )
    session.add(role)
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError:
        raise Conflict(
            "The organisation has a role of this code already.", ["code", command.code]
        ) from None
    return role_view(role)


async def _writable_role(session: AsyncSession, principal: Principal, id: str) -> Role:
    if id in BUILT_IN_ROLES:
        raise Forbidden(f"{id} is a built-in role: it cannot be changed.", ["id"])
    role = await ROLES.lookup(session, principal, "role", id)
    _check_may_hand_out(principal, role.code, role.permissions)
    return role


async def update_role(
    session: AsyncSession, principal: Principal, id: str, command: UpdateRole
) -> RoleView:
    """Change a custom role; its members' permissions change with their next request."""
    require_live_mode(principal, CHANGE_USERS)
    role = await _writable_role(session, principal, id)
    if command.permissions is not None:
        _check_may_hand_out(principal, role.code, command.permissions)
    apply(command, role, exclude={"permissions"})
    if command.permissions is not None:
        role.permissions = sorted(set(command.permissions))
    await session.flush()
    return role_view(role)


async def delete_role(session: AsyncSession, principal: Principal, id: str) -> str:
    """Delete a custom role no membership names (409 otherwise); its id."""
    require_live_mode(principal, CHANGE_USERS)
    role = await _writable_role(session, principal, id)
    if await repository.role_in_use(session, role.organisation_id, role.code):
        raise Conflict("Members hold this role: give them another one first.", ["role", id])
    await session.delete(role)
    await session.flush()
    return id


# --- teams -----------------------------------------------------------------------------------


async def get_team(session: AsyncSession, principal: Principal, id: str) -> Team:
    """A team of the caller's network (404 otherwise)."""
    return await TEAMS.lookup(session, principal, "team", id)


async def search_teams(
    session: AsyncSession,
    principal: Principal,
    request: PageRequest,
    organisation_id: str | None = None,
    search_value: str | None = None,
) -> Page[Team]:
    """A page of the teams of the caller's network."""
    return await repository.search_teams(session, principal, request, organisation_id, search_value)


async def _flush_team(session: AsyncSession, team: Team) -> None:
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError:
        raise Conflict("The organisation has a team of this name already.", ["name"]) from None


async def create_team(
    session: AsyncSession,
    principal: Principal,
    command: CreateTeam,
    organisation_id: str | None = None,
) -> Team:
    """A team of the organisation (the caller's by default)."""
    require_live_mode(principal, CHANGE_USERS)
    organisation = await organisation_for(session, principal, organisation_id)
    team = Team(organisation_id=organisation.id, name=command.name, description=command.description)
    session.add(team)
    await _flush_team(session, team)
    return team


async def update_team(
    session: AsyncSession, principal: Principal, id: str, command: UpdateTeam
) -> Team:
    """Change a team's name or description."""
    require_live_mode(principal, CHANGE_USERS)
    team = await get_team(session, principal, id)
    apply(command, team)
    await _flush_team(session, team)
    return team


async def delete_team(session: AsyncSession, principal: Principal, id: str) -> str:
    """Delete a team and its memberships; its id."""
    require_live_mode(principal, CHANGE_USERS)
    team = await get_team(session, principal, id)
    await repository.remove_team_members(session, team.id)
    await session.delete(team)
    await session.flush()
    return id


async def add_team_member(
    session: AsyncSession, principal: Principal, id: str, command: AddTeamMember
) -> Team:
    """Put a member of the team's organisation in the team (404 ``user`` for anyone else);
    adding a member twice changes nothing."""
    require_live_mode(principal, CHANGE_USERS)
    team = await get_team(session, principal, id)
    if await repository.member(session, principal, team.organisation_id, command.user_id) is None:
        raise NotFound("user", command.user_id)
    if await repository.team_member(session, team.id, command.user_id) is None:
        session.add(TeamMember(team_id=team.id, user_id=command.user_id))
        await session.flush()
    return team


async def remove_team_member(
    session: AsyncSession, principal: Principal, id: str, user_id: str
) -> Team:
    """Take a user out of a team (404 ``user`` when not in it)."""
    require_live_mode(principal, CHANGE_USERS)
    team = await get_team(session, principal, id)
    place = await repository.team_member(session, team.id, user_id)
    if place is None:
        raise NotFound("user", user_id)
    await session.delete(place)
    await session.flush()
    return team
