"""SQL of users' memberships, custom roles and teams, narrowed to the caller's network."""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Principal
from app.db.models import Membership, Role, Team, TeamMember, User
from app.db.repository import ChildRepository
from app.organisations.repository import MEMBERSHIPS, ORGANISATIONS
from app.pagination import Page, PageRequest, count_of, fetch_page, page_order
from app.search import contains_literal
from app.tenancy import at_or_below

ROLES = ChildRepository(Role, ORGANISATIONS, "organisation_id")
TEAMS = ChildRepository(Team, ORGANISATIONS, "organisation_id")
TEAM_MEMBERS = ChildRepository(TeamMember, TEAMS, "team_id")

USER_SORT = "created_on"
USER_SORT_COLUMNS = {
    "created_on": Membership.id,  # memberships get time-ordered ids when they are made
    "email": User.email,
    "first_name": User.first_name,
    "last_name": User.last_name,
}
TEAM_SORT = "created_on"
TEAM_SORT_COLUMNS = {"created_on": Team.created_on, "name": Team.name}


@dataclass(frozen=True)
class Member:
    """A user as a member of one organisation: the user and the membership (its role)."""

    user: User
    membership: Membership


async def member(
    session: AsyncSession, principal: Principal, organisation_id: str, user_id: str
) -> Member | None:
    """The user's membership of a visible organisation, or ``None``."""
    row = (
        await session.execute(
            MEMBERSHIPS.scoped(select(User, Membership), principal)
            .join(User, User.id == Membership.user_id)
            .where(Membership.organisation_id == organisation_id, Membership.user_id == user_id)
        )
    ).first()
    return Member(row[0], row[1]) if row is not None else None


async def members(
    session: AsyncSession,
    principal: Principal,
    organisation_id: str,
    request: PageRequest,
    search_value: str | None = None,
    role: str | None = None,
) -> Page[Member]:
    """A page of an organisation's members; ``search_value`` matches e-mail and names."""
    stmt = (
        MEMBERSHIPS.scoped(select(Membership), principal)
        .join(User, User.id == Membership.user_id)
        .where(Membership.organisation_id == organisation_id)
    )
    if search_value:
        stmt = stmt.where(
            or_(
                contains_literal(User.email, search_value),
                contains_literal(User.first_name, search_value),
                contains_literal(User.last_name, search_value),
            )
        )
    if role:
        stmt = stmt.where(Membership.role == role)
    total = (await session.execute(count_of(stmt))).scalar_one()
    ordered = stmt.add_columns(User).order_by(
        *page_order(stmt, request, USER_SORT_COLUMNS, USER_SORT)
    )
    rows = (await session.execute(ordered.limit(request.size).offset(request.offset))).all()
    items = [Member(user, membership) for membership, user in rows]
    return Page(items=items, page=request.page, size=request.size, total=total)


async def owners_count(session: AsyncSession, organisation_id: str) -> int:
    """How many OWNER memberships an organisation has, locking them until the transaction
    ends (PostgreSQL; SQLite serialises writers), so that two requests demoting two owners at
    once cannot leave none."""
    stmt = (
        select(Membership.id)
        .where(Membership.organisation_id == organisation_id, Membership.role == "OWNER")
        .with_for_update()
    )
    return len((await session.execute(stmt)).all())


async def role_in_use(session: AsyncSession, organisation_id: str, code: str) -> bool:
    """Whether a membership of the organisation (or of one below it) names the role code."""
    stmt = (
        select(Membership.id)
        .join(ORGANISATIONS.model, ORGANISATIONS.model.id == Membership.organisation_id)
        .where(
            Membership.role == code,
            at_or_below(organisation_id),
        )
        .limit(1)
    )
    return (await session.execute(stmt)).first() is not None


async def custom_role_codes(session: AsyncSession, organisation_ids: Sequence[str]) -> set[str]:
    """The codes of the custom roles the organisations define."""
    stmt = select(Role.code).where(Role.organisation_id.in_(organisation_ids))
    return set((await session.execute(stmt)).scalars())


async def teams_of_user(
    session: AsyncSession, principal: Principal, user_ids: Sequence[str]
) -> dict[str, list[Team]]:
    """The visible teams of each user, by name."""
    stmt = (
        TEAMS.readable(principal)
        .add_columns(TeamMember.user_id)
        .join(TeamMember, TeamMember.team_id == Team.id)
        .where(TeamMember.user_id.in_(user_ids))
        .order_by(Team.name, Team.id)
    )
    found: dict[str, list[Team]] = {user_id: [] for user_id in user_ids}
    for team, user_id in (await session.execute(stmt)).all():
        found[user_id].append(team)
    return found


async def team_members(
    session: AsyncSession, principal: Principal, team_ids: Sequence[str]
) -> dict[str, list[Member]]:
    """The members of each visible team, as members of the team's organisation, in order of
    joining (one statement for a batch of teams)."""
    stmt = (
        TEAM_MEMBERS.scoped(select(TeamMember.team_id, User, Membership), principal)
        .join(Team, Team.id == TeamMember.team_id)
        .join(
            Membership,
            (Membership.user_id == TeamMember.user_id)
            & (Membership.organisation_id == Team.organisation_id),
        )
        .join(User, User.id == TeamMember.user_id)
        .where(TeamMember.team_id.in_(team_ids))
        .order_by(TeamMember.id)
    )
    found: dict[str, list[Member]] = {team_id: [] for team_id in team_ids}
    for team_id, user, membership in (await session.execute(stmt)).all():
        found[team_id].append(Member(user, membership))
    return found


async def team_member(session: AsyncSession, team_id: str, user_id: str) -> TeamMember | None:
    """A user's place in a team, or ``None``."""
    stmt = select(TeamMember).where(TeamMember.team_id == team_id, TeamMember.user_id == user_id)
    return (await session.execute(stmt)).scalar_one_or_none()


async def leave_teams(session: AsyncSession, organisation_id: str, user_id: str) -> None:
    """Take a user out of every team of an organisation."""
    teams = select(Team.id).where(Team.organisation_id == organisation_id)
    await session.execute(
        delete(TeamMember).where(TeamMember.user_id == user_id, TeamMember.team_id.in_(teams))
    )


async def remove_team_members(session: AsyncSession, team_id: str) -> None:
    """Empty a team (before it is deleted)."""
    await session.execute(delete(TeamMember).where(TeamMember.team_id == team_id))


async def search_teams(
    session: AsyncSession,
    principal: Principal,
    request: PageRequest,
    organisation_id: str | None = None,
    search_value: str | None = None,
) -> Page[Team]:
    """A page of the teams of the caller's network."""
    stmt = TEAMS.readable(principal)
    if organisation_id:
        stmt = stmt.where(Team.organisation_id == organisation_id)
    if search_value:
        stmt = stmt.where(contains_literal(Team.name, search_value))
    return await fetch_page(session, stmt, request, TEAM_SORT_COLUMNS, TEAM_SORT)


async def custom_roles(
    session: AsyncSession, principal: Principal, organisation_id: str
) -> list[Role]:
    """The custom roles an organisation defines, by code."""
    stmt = ROLES.readable(principal).where(Role.organisation_id == organisation_id)
    return list((await session.execute(stmt.order_by(Role.code))).scalars())


async def visible_users(
    session: AsyncSession, principal: Principal, ids: Sequence[str]
) -> dict[str, User]:
    """The users among ``ids`` that are members of an organisation the caller may see."""
    stmt = (
        MEMBERSHIPS.scoped(select(User), principal)
        .join(Membership, Membership.user_id == User.id)
        .where(User.id.in_(list(ids)))
        .distinct()
    )
    return {user.id: user for user in (await session.execute(stmt)).scalars()}


async def team_member_emails(
    session: AsyncSession, principal: Principal, team_id: str
) -> list[str] | None:
    """The e-mail addresses of a visible team's members (None if the caller cannot see it)."""
    if await TEAMS.get_by_id(session, principal, team_id) is None:
        return None
    stmt = (
        select(User.email)
        .join(TeamMember, TeamMember.user_id == User.id)
        .where(TeamMember.team_id == team_id)
        .order_by(User.email)
    )
    return list((await session.execute(stmt)).scalars())
