"""GraphQL types, inputs and root fields of users' memberships, custom roles and teams.

Not in the spec; designed in its style. Users are read as members of one organisation (the
caller's unless ``organisation_id`` names another of its network); ``me`` is the signed-in user.
"""

from datetime import datetime
from typing import Annotated

import strawberry

from app.access.commands import (
    AddTeamMember,
    ChangeMembership,
    CreateRole,
    CreateTeam,
    UpdateRole,
    UpdateTeam,
)
from app.access.repository import TEAM_SORT, TEAM_SORT_COLUMNS, USER_SORT, USER_SORT_COLUMNS
from app.access.repository import Member as MemberRow
from app.access.service import RoleView
from app.auth.permissions import Permission
from app.db.models import Team as TeamRow
from app.pagination import DEFAULT_PAGE_SIZE
from resolvers import access as resolve
from resolvers.context import Info
from resolvers.inputs import filter_values, to_command
from schema.common import (
    IdArgument,
    Identifier,
    OrderArgument,
    Page,
    PageArgument,
    SizeArgument,
    SortOrder,
    page_request,
    sort_argument,
    to_page,
)
from schema.permissions import any_caller, needs

strawberry.enum(
    Permission,
    description="A permission: <DOMAIN>_READ reads a domain, <DOMAIN>_WRITE changes it.",
)

KNOWN = frozenset(Permission)
UserSortArgument = Annotated[str | None, sort_argument(USER_SORT_COLUMNS, USER_SORT)]
TeamSortArgument = Annotated[str | None, sort_argument(TEAM_SORT_COLUMNS, TEAM_SORT)]
OrganisationArgument = Annotated[
    strawberry.ID | None,
    strawberry.argument(
        description="The organisation (of the caller's network); the caller's own by default."
    ),
]


@strawberry.type(description="A user as a member of one organisation.")
class User:
    id: strawberry.ID = strawberry.field(description="The user identifier.")
    email: str = strawberry.field(description="The e-mail address the user signs in with.")
    first_name: str | None = strawberry.field(description="First name.")
    last_name: str | None = strawberry.field(description="Last name.")
    created_on: datetime = strawberry.field(description="When the user was created.")
    role: str = strawberry.field(description="The user's role code in the organisation.")
    organisation_id: strawberry.ID = strawberry.field(description="The organisation.")

    @strawberry.field(description="The teams of the caller's network the user belongs to.")
    async def teams(self, info: Info) -> list["Team"]:
        teams = await info.context.loaders.get(resolve.TeamsByUserIdLoader).load(self.id)
        return [Team.of(team) for team in teams]

    @classmethod
    def of(cls, member: MemberRow) -> "User":
        """The GraphQL user for a member row."""
        user = member.user
        return cls(
            id=strawberry.ID(user.id),
            email=user.email,
            first_name=user.first_name,
            last_name=user.last_name,
            created_on=user.created_on,
            role=member.membership.role,
            organisation_id=strawberry.ID(member.membership.organisation_id),
        )


@strawberry.type(description="A team: a named group of users of one organisation.")
class Team:
    id: strawberry.ID = strawberry.field(description="The team identifier.")
    name: str = strawberry.field(description="The team name (unique in its organisation).")
    description: str | None = strawberry.field(description="What the team does.")
    organisation_id: strawberry.ID = strawberry.field(description="The team's organisation.")
    created_on: datetime = strawberry.field(description="When the team was created.")

    @strawberry.field(description="The team's members, in order of joining.")
    async def members(self, info: Info) -> list[User]:
        members = await info.context.loaders.get(resolve.MembersByTeamIdLoader).load(self.id)
        return [User.of(member) for member in members]

    @classmethod
    def of(cls, team: TeamRow) -> "Team":
        """The GraphQL team for a team row."""
        return cls(
            id=strawberry.ID(team.id),
            name=team.name,
            description=team.description,
            organisation_id=strawberry.ID(team.organisation_id),
            created_on=team.created_on,
        )


@strawberry.type(description="A role: built-in (OWNER, ADMIN, READ_ONLY) or an organisation's.")
class Role:
    id: strawberry.ID | None = strawberry.field(description="A custom role's id; null if built-in.")
    code: str = strawberry.field(description="The code memberships name.")
    name: str = strawberry.field(description="The role's name.")
    description: str | None = strawberry.field(description="What the role is for.")
    permissions: list[Permission] = strawberry.field(description="What the role may do.")
    is_built_in: bool = strawberry.field(description="Whether the role is built in.")
    organisation_id: strawberry.ID | None = strawberry.field(
        description="The organisation that defines a custom role."
    )

    @classmethod
    def of(cls, role: RoleView) -> "Role":
        """The GraphQL role for a role view."""
        return cls(
            id=strawberry.ID(role.id) if role.id else None,
            code=role.code,
            name=role.name,
            description=role.description,
            # A code no longer known (a permission since removed) grants nothing: left out.
            permissions=[Permission(code) for code in role.permissions if code in KNOWN],
            is_built_in=role.is_built_in,
            organisation_id=strawberry.ID(role.organisation_id) if role.organisation_id else None,
        )


@strawberry.input(description="A member's new role.")
class ChangeUserInput:
    role: str = strawberry.field(description="A built-in role code or a custom role's code.")


@strawberry.input(description="A new custom role.")
class CreateRoleInput:
    code: str = strawberry.field(description="2-32 letters, digits or _; not a built-in code.")
    name: str = strawberry.field(description="The role's name.")
    description: str | None = strawberry.field(default=None, description="What it is for.")
    permissions: list[Permission] = strawberry.field(description="What the role may do.")


@strawberry.input(description="Changes to a custom role; fields left out stay as they are.")
class UpdateRoleInput:
    name: str | None = strawberry.field(default=strawberry.UNSET, description="The name.")
    description: str | None = strawberry.field(
        default=strawberry.UNSET, description="What it is for."
    )
    permissions: list[Permission] | None = strawberry.field(
        default=strawberry.UNSET, description="The complete new list of permissions."
    )


@strawberry.input(description="A new team.")
class CreateTeamInput:
    name: str = strawberry.field(description="The team name (unique in its organisation).")
    description: str | None = strawberry.field(default=None, description="What it does.")


@strawberry.input(description="Changes to a team; fields left out stay as they are.")
class UpdateTeamInput:
    name: str | None = strawberry.field(default=strawberry.UNSET, description="The name.")
    description: str | None = strawberry.field(
        default=strawberry.UNSET, description="What it does."
    )


@strawberry.input(description="A user joining a team.")
class AddTeamMemberInput:
    user_id: strawberry.ID = strawberry.field(description="A member of the team's organisation.")


@strawberry.input(description="Which members to return: those matching every field given.")
class UserFilter:
    search_value: str | None = strawberry.field(
        default=None, description="Text matched against e-mail and names."
    )
    role: str | None = strawberry.field(default=None, description="Only members of this role.")


@strawberry.input(description="Which teams to return: those matching every field given.")
class TeamFilter:
    organisation_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only teams of this organisation."
    )
    search_value: str | None = strawberry.field(
        default=None, description="Text matched against the name."
    )


@strawberry.type
class Query:
    @strawberry.field(
        description="The signed-in user in the organisation the token acts in; null for API keys.",
        extensions=any_caller(),
    )
    async def me(self, info: Info) -> User | None:
        member = await resolve.me(info)
        return User.of(member) if member is not None else None

    @strawberry.field(
        description="One member of an organisation.", extensions=needs(Permission.USERS_READ)
    )
    async def user(
        self, info: Info, id: IdArgument, organisation_id: OrganisationArgument = None
    ) -> User:
        return User.of(await resolve.user(info, id, organisation_id))

    @strawberry.field(
        description="The members of an organisation.", extensions=needs(Permission.USERS_READ)
    )
    async def users(
        self,
        info: Info,
        organisation_id: OrganisationArgument = None,
        filter_by: Annotated[
            UserFilter | None,
            strawberry.argument(name="filter", description="Only members matching it."),
        ] = None,
        page: PageArgument = 1,
        size: SizeArgument = DEFAULT_PAGE_SIZE,
        sort: UserSortArgument = None,
        order: OrderArgument = SortOrder.DESC,
    ) -> Page[User]:
        filters = {"organisation_id": organisation_id, **filter_values(filter_by, UserFilter)}
        result = await resolve.users(info, page_request(page, size, sort, order), filters)
        return to_page(result, User.of)

    @strawberry.field(
        description="The roles an organisation's members may hold: the built-in ones, then the "
        "organisation's custom roles.",
        extensions=needs(Permission.ROLES_READ),
    )
    async def roles(self, info: Info, organisation_id: OrganisationArgument = None) -> list[Role]:
        return [Role.of(role) for role in await resolve.roles(info, organisation_id)]

    @strawberry.field(
        description="One role: a built-in one by code, a custom one by id.",
        extensions=needs(Permission.ROLES_READ),
    )
    async def role(self, info: Info, id: IdArgument) -> Role:
        return Role.of(await resolve.role(info, id))

    @strawberry.field(
        description="One team of the caller's network.", extensions=needs(Permission.TEAMS_READ)
    )
    async def team(self, info: Info, id: IdArgument) -> Team:
        return Team.of(await resolve.team(info, id))

    @strawberry.field(
        description="The teams of the caller's network.", extensions=needs(Permission.TEAMS_READ)
    )
    async def teams(
        self,
        info: Info,
        filter_by: Annotated[
            TeamFilter | None,
            strawberry.argument(name="filter", description="Only teams matching it."),
        ] = None,
        page: PageArgument = 1,
        size: SizeArgument = DEFAULT_PAGE_SIZE,
        sort: TeamSortArgument = None,
        order: OrderArgument = SortOrder.DESC,
    ) -> Page[Team]:
        filters = filter_values(filter_by, TeamFilter)
        result = await resolve.teams(info, page_request(page, size, sort, order), filters)
        return to_page(result, Team.of)


OWNERS_NOTE = (
    " A user may hand out only roles whose permissions it holds, and only an OWNER may make or "
    'unmake an OWNER (403, parameters ["role"]); an organisation keeps one OWNER (409).'
)


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Give a member of an organisation another role." + OWNERS_NOTE,
        extensions=needs(Permission.USERS_WRITE),
    )
    async def update_user(
        self,
        info: Info,
        id: IdArgument,
        input: ChangeUserInput,
        organisation_id: OrganisationArgument = None,
    ) -> User:
        command = to_command(input, ChangeMembership)
        return User.of(await resolve.change_user(info, id, command, organisation_id))

    @strawberry.mutation(
        description="Take a user out of an organisation and its teams." + OWNERS_NOTE,
        extensions=needs(Permission.USERS_WRITE),
    )
    async def remove_user(
        self, info: Info, id: IdArgument, organisation_id: OrganisationArgument = None
    ) -> Identifier:
        return Identifier(id=strawberry.ID(await resolve.remove_user(info, id, organisation_id)))

    @strawberry.mutation(
        description="Create a custom role (only with permissions the caller holds).",
        extensions=needs(Permission.ROLES_WRITE),
    )
    async def create_role(
        self, info: Info, input: CreateRoleInput, organisation_id: OrganisationArgument = None
    ) -> Role:
        command = to_command(input, CreateRole)
        return Role.of(await resolve.create_role(info, command, organisation_id))

    @strawberry.mutation(
        description="Change a custom role; its members' permissions follow at once.",
        extensions=needs(Permission.ROLES_WRITE),
    )
    async def update_role(self, info: Info, id: IdArgument, input: UpdateRoleInput) -> Role:
        command = to_command(input, UpdateRole)
        return Role.of(await resolve.update_role(info, id, command))

    @strawberry.mutation(
        description="Delete a custom role that no member holds (409 otherwise).",
        extensions=needs(Permission.ROLES_WRITE),
    )
    async def delete_role(self, info: Info, id: IdArgument) -> Identifier:
        return Identifier(id=strawberry.ID(await resolve.delete_role(info, id)))

    @strawberry.mutation(description="Create a team.", extensions=needs(Permission.TEAMS_WRITE))
    async def create_team(
        self, info: Info, input: CreateTeamInput, organisation_id: OrganisationArgument = None
    ) -> Team:
        command = to_command(input, CreateTeam)
        return Team.of(await resolve.create_team(info, command, organisation_id))

    @strawberry.mutation(
        description="Change a team; fields left out stay.", extensions=needs(Permission.TEAMS_WRITE)
    )
    async def update_team(self, info: Info, id: IdArgument, input: UpdateTeamInput) -> Team:
        command = to_command(input, UpdateTeam)
        return Team.of(await resolve.update_team(info, id, command))

    @strawberry.mutation(
        description="Delete a team (its members stay users).",
        extensions=needs(Permission.TEAMS_WRITE),
    )
    async def delete_team(self, info: Info, id: IdArgument) -> Identifier:
        return Identifier(id=strawberry.ID(await resolve.delete_team(info, id)))

    @strawberry.mutation(
        description="Add a member of the team's organisation to the team (404 for others).",
        extensions=needs(Permission.TEAMS_WRITE),
    )
    async def add_team_member(self, info: Info, id: IdArgument, input: AddTeamMemberInput) -> Team:
        command = to_command(input, AddTeamMember)
        return Team.of(await resolve.add_team_member(info, id, command))

    @strawberry.mutation(
        description="Take a user out of a team.", extensions=needs(Permission.TEAMS_WRITE)
    )
    async def remove_team_member(
        self,
        info: Info,
        id: IdArgument,
        user_id: Annotated[strawberry.ID, strawberry.argument(description="The user.")],
    ) -> Team:
        return Team.of(await resolve.remove_team_member(info, id, user_id))
