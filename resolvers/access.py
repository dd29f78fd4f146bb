"""Resolvers of users' memberships, custom roles and teams."""

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from app.access import service
from app.access.commands import (
    AddTeamMember,
    ChangeMembership,
    CreateRole,
    CreateTeam,
    UpdateRole,
    UpdateTeam,
)
from app.access.repository import Member, team_members, teams_of_user
from app.access.service import RoleView
from app.db.models import Team, TeamMember
from app.pagination import Page, PageRequest
from resolvers.context import Info
from resolvers.loaders import BatchLoader

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession


async def me(info: Info) -> Member | None:
    """The signed-in user (``None`` for API keys)."""
    return await info.context.reads(service.me)


async def user(info: Info, id: str, organisation_id: str | None) -> Member:
    """One member of an organisation."""
    return await info.context.reads(service.get_member, id, organisation_id)


async def users(info: Info, request: PageRequest, filters: dict[str, Any]) -> Page[Member]:
    """A page of an organisation's members."""
    return await info.context.reads(service.search_members, request, **filters)


async def change_user(
    info: Info, id: str, command: ChangeMembership, organisation_id: str | None
) -> Member:
    """Change a member's role."""
    async with info.context.write() as session:
        return await service.change_membership(
            session, info.context.backoffice(), id, command, organisation_id
        )


async def remove_user(info: Info, id: str, organisation_id: str | None) -> str:
    """Remove a membership."""
    async with info.context.write() as session:
        return await service.remove_membership(
            session, info.context.backoffice(), id, organisation_id
        )


class TeamsByUserIdLoader(BatchLoader[str, list[Team]]):
    """The visible teams of each user, by name."""

    loads = (TeamMember, "user_id")

    async def load_batch(self, session: "AsyncSession", keys: Sequence[str]) -> list[Any]:
        found = await teams_of_user(session, self.reader, keys)
        return [found[key] for key in keys]


class MembersByTeamIdLoader(BatchLoader[str, list[Member]]):
    """The members of each team (as members of the team's organisation), in joining order."""

    loads = (TeamMember, "team_id")

    async def load_batch(self, session: "AsyncSession", keys: Sequence[str]) -> list[Any]:
        found = await team_members(session, self.reader, keys)
        return [found[key] for key in keys]


async def roles(info: Info, organisation_id: str | None) -> list[RoleView]:
    """The roles an organisation's members may hold."""
    return await info.context.reads(service.list_roles, organisation_id)


async def role(info: Info, id: str) -> RoleView:
    """One role by id (custom) or code (built-in)."""
    return await info.context.reads(service.get_role, id)


async def create_role(info: Info, command: CreateRole, organisation_id: str | None) -> RoleView:
    """Create a custom role."""
    async with info.context.write() as session:
        return await service.create_role(
            session, info.context.backoffice(), command, organisation_id
        )


async def update_role(info: Info, id: str, command: UpdateRole) -> RoleView:
    """Change a custom role."""
    async with info.context.write() as session:
        return await service.update_role(session, info.context.backoffice(), id, command)


async def delete_role(info: Info, id: str) -> str:
    """Delete a custom role."""
    async with info.context.write() as session:
        return await service.delete_role(session, info.context.backoffice(), id)


async def team(info: Info, id: str) -> Team:
    """One team."""
    return await info.context.reads(service.get_team, id)


async def teams(info: Info, request: PageRequest, filters: dict[str, Any]) -> Page[Team]:
    """A page of teams."""
    return await info.context.reads(service.search_teams, request, **filters)


async def create_team(info: Info, command: CreateTeam, organisation_id: str | None) -> Team:
    """Create a team."""
    async with info.context.write() as session:
        return await service.create_team(
            session, info.context.backoffice(), command, organisation_id
        )


async def update_team(info: Info, id: str, command: UpdateTeam) -> Team:
    """Change a team."""
    async with info.context.write() as session:
        return await service.update_team(session, info.context.backoffice(), id, command)


async def delete_team(info: Info, id: str) -> str:
    """Delete a team."""
    async with info.context.write() as session:
        return await service.delete_team(session, info.context.backoffice(), id)


async def add_team_member(info: Info, id: str, command: AddTeamMember) -> Team:
    """Add a user to a team."""
    async with info.context.write() as session:
        return await service.add_team_member(session, info.context.backoffice(), id, command)


async def remove_team_member(info: Info, id: str, user_id: str) -> Team:
    """Remove a user from a team."""
    async with info.context.write() as session:
        return await service.remove_team_member(session, info.context.backoffice(), id, user_id)
