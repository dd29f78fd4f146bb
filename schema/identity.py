"""GraphQL types and root fields for switching and masquerading, user invitations and an
organisation's API keys."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from app.auth.permissions import Permission
from app.identity.commands import (
    AcceptUserInvitation,
    ApiKeyMode,
    ApiKeyType,
    CreateApiKey,
    CreateUserInvitation,
)
from app.pagination import DEFAULT_PAGE_SIZE, PageRequest
from resolvers import identity as resolve
from resolvers.context import Info
from resolvers.inputs import to_command
from schema.common import Page, PageArgument, SizeArgument, to_page
from schema.permissions import any_caller, needs, no_credentials
from schema.users import AccessToken, token_pair

if TYPE_CHECKING:
    from app.db.models import ApiKey as ApiKeyRow

strawberry.enum(ApiKeyType, description="SECRET (Back-Office API) or PUBLIC (identifies).")
strawberry.enum(ApiKeyMode, description="LIVE or TEST data.")

OrganisationArgument = Annotated[
    strawberry.ID, strawberry.argument(description="The organisation (identifier).")
]
KEYS_CHANGE = (
    ' Test-mode keys may not create or revoke keys (403, FORBIDDEN, parameters ["test_mode"]).'
)


@strawberry.type(description="An API key of an organisation; the key itself is never shown again.")
class ApiKey:
    id: strawberry.ID = strawberry.field(description="The key's identifier.")
    prefix: str = strawberry.field(description="The key's first 12 characters, to recognise it.")
    type: ApiKeyType = strawberry.field(description="SECRET or PUBLIC.")
    mode: ApiKeyMode = strawberry.field(description="LIVE or TEST.")
    is_revoked: bool = strawberry.field(description="Whether the key was revoked.")
    created_on: datetime = strawberry.field(description="When the key was created.")
    last_used_on: datetime | None = strawberry.field(
        description="When the key was last used (recorded at most once a minute per process)."
    )
    revoked_on: datetime | None = strawberry.field(description="When the key was revoked.")


def api_key_of(row: "ApiKeyRow") -> ApiKey:
    """The GraphQL view of a stored key."""
    return ApiKey(
        id=strawberry.ID(row.id),
        prefix=row.key_prefix,
        type=ApiKeyType.PUBLIC if row.is_public else ApiKeyType.SECRET,
        mode=ApiKeyMode.TEST if row.is_test else ApiKeyMode.LIVE,
        is_revoked=row.revoked_on is not None,
        created_on=row.created_on,
        last_used_on=row.last_used_on,
        revoked_on=row.revoked_on,
    )


@strawberry.type(description="A new API key: `key` is shown only now.")
class CreatedApiKey(ApiKey):
    key: str = strawberry.field(description="The key; only its digest is stored.")


@strawberry.input(description="The kind of a new API key.")
class CreateApiKeyInput:
    type: ApiKeyType | None = strawberry.field(
        default=strawberry.UNSET, description="SECRET (the default) or PUBLIC."
    )
    mode: ApiKeyMode | None = strawberry.field(
        default=strawberry.UNSET, description="LIVE (the default) or TEST."
    )


@strawberry.input(description="An invitation to join an organisation with a role.")
class CreateUserInvitationInput:
    organisation_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET,
        description="The organisation to join (the caller's own when left out).",
    )
    email: str | None = strawberry.field(
        default=strawberry.UNSET, description="The invitee's e-mail address."
    )
    role: str = strawberry.field(
        description="The role code the invitee gets there (OWNER, ADMIN, READ_ONLY or a custom "
        "role's code)."
    )
    first_name: str | None = strawberry.field(
        default=strawberry.UNSET, description="The invitee's first name."
    )
    last_name: str | None = strawberry.field(
        default=strawberry.UNSET, description="The invitee's last name."
    )


@strawberry.type(description="An invitation: `token` is shown only now.")
class UserInvitation:
    id: strawberry.ID = strawberry.field(description="The invitation's identifier.")
    token: str = strawberry.field(
        description="Give it to the invitee, who accepts with it (accept_user_invitation)."
    )
    organisation_id: strawberry.ID = strawberry.field(description="The organisation to join.")
    role: str = strawberry.field(description="The role code the invitee gets.")
    email: str | None = strawberry.field(description="The invitee's e-mail address.")
    expires_on: datetime = strawberry.field(description="When the invitation expires.")


@strawberry.input(description="The acceptance of an invitation.")
class AcceptUserInvitationInput:
    token: str = strawberry.field(description="The invitation's token.")
    password: str = strawberry.field(
        description="A new user's password (at least 8 characters), or an existing user's."
    )
    username: str | None = strawberry.field(
        default=strawberry.UNSET, description="A new user's username (the e-mail by default)."
    )
    email: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="The e-mail address, when the invitation names none.",
    )
    first_name: str | None = strawberry.field(
        default=strawberry.UNSET, description="A new user's first name."
    )
    last_name: str | None = strawberry.field(
        default=strawberry.UNSET, description="A new user's last name."
    )


@strawberry.type(description="An accepted invitation: the member and a token pair acting there.")
class AcceptedInvitation:
    user_id: strawberry.ID = strawberry.field(description="The user who joined.")
    organisation_id: strawberry.ID = strawberry.field(description="The organisation joined.")
    role: str = strawberry.field(description="The user's role code there.")
    access_token: str = strawberry.field(description="An access token acting there.")
    refresh_token: str = strawberry.field(description="Its refresh token.")
    expires_in: int = strawberry.field(description="Seconds until the access token expires.")


@strawberry.type
class Query:
    @strawberry.field(
        description="An organisation's API keys, newest first, revoked included.",
        extensions=needs(Permission.API_KEYS_READ),
    )
    async def api_keys(
        self,
        info: Info,
        organisation_id: OrganisationArgument,
        page: PageArgument = 1,
        size: SizeArgument = DEFAULT_PAGE_SIZE,
    ) -> Page[ApiKey]:
        found = await resolve.api_keys_of(info, organisation_id, PageRequest(page=page, size=size))
        return to_page(found, api_key_of)


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Switch a signed-in user to another organisation the user is a member of: "
        "a token pair acting there with the role the user was invited with (404 when not a "
        "member; 403 for API keys).",
        extensions=any_caller(),
    )
    async def switch_organisation(self, info: Info, id: OrganisationArgument) -> AccessToken:
        return token_pair(await resolve.switch_organisation(info, id))

    @strawberry.mutation(
        description="Masquerade a signed-in user as an organisation below the one signed in "
        "to: a token pair acting there with the role held where the user signed in (404 for "
        "any other organisation; 403 for API keys).",
        extensions=any_caller(),
    )
    async def masquerade_organisation(self, info: Info, id: OrganisationArgument) -> AccessToken:
        return token_pair(await resolve.masquerade_organisation(info, id))

    @strawberry.mutation(
        description="Invite someone to an organisation of the caller's network with a role; the "
        "token is shown only now. Test-mode keys are refused (403).",
        extensions=needs(Permission.USERS_WRITE),
    )
    async def create_user_invitation(
        self, info: Info, input: CreateUserInvitationInput
    ) -> UserInvitation:
        invitation, token = await resolve.create_user_invitation(
            info, to_command(input, CreateUserInvitation)
        )
        return UserInvitation(
            id=strawberry.ID(invitation.id),
            token=token,
            organisation_id=strawberry.ID(invitation.organisation_id),
            role=invitation.role,
            email=invitation.email,
            expires_on=invitation.expires_on,
        )

    @strawberry.mutation(
        description="Accept an invitation (needs no credentials: the token is one): a new user, "
        "or an existing one proving it with its password, joins the organisation.",
        extensions=no_credentials(),
    )
    async def accept_user_invitation(
        self, info: Info, input: AcceptUserInvitationInput
    ) -> AcceptedInvitation:
        user, invitation, pair = await resolve.accept_user_invitation(
            info, to_command(input, AcceptUserInvitation)
        )
        return AcceptedInvitation(
            user_id=strawberry.ID(user.id),
            organisation_id=strawberry.ID(invitation.organisation_id),
            role=invitation.role,
            access_token=pair.access_token,
            refresh_token=pair.refresh_token,
            expires_in=pair.expires_in,
        )

    @strawberry.mutation(
        description="Create an API key for an organisation." + KEYS_CHANGE,
        extensions=needs(Permission.API_KEYS_WRITE),
    )
    async def create_api_key(
        self,
        info: Info,
        organisation_id: OrganisationArgument,
        input: CreateApiKeyInput | None = None,
    ) -> CreatedApiKey:
        command = to_command(input, CreateApiKey) if input is not None else CreateApiKey()
        row, key = await resolve.create_api_key(info, organisation_id, command)
        return CreatedApiKey(key=key, **vars(api_key_of(row)))

    @strawberry.mutation(
        description="Revoke an API key: refused at once by this gateway process, within 30 "
        "seconds by every other." + KEYS_CHANGE,
        extensions=needs(Permission.API_KEYS_WRITE),
    )
    async def revoke_api_key(
        self,
        info: Info,
        organisation_id: OrganisationArgument,
        id: Annotated[strawberry.ID, strawberry.argument(description="The key (identifier).")],
    ) -> ApiKey:
        return api_key_of(await resolve.revoke_api_key(info, organisation_id, id))
