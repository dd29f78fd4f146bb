"""User invitations: an organisation invites someone with a role; the invitee accepts with the
token (shown once) and becomes a member, as a new user or as the user it already is."""

from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.access.service import check_may_grant
from app.auth.principal import Principal, require_live_mode
from app.auth.secrets import new_token, token_digest, verify_password
from app.auth.throttle import SignInThrottle
from app.db.base import utcnow
from app.db.models import Membership, User, UserInvitation
from app.errors import Conflict, InvalidInput, Unauthenticated
from app.identity.commands import MIN_PASSWORD_LENGTH, AcceptUserInvitation, CreateUserInvitation
from app.onboarding import add_user
from app.organisations import repository as organisations

INVITATION_PREFIX = "inv_"
INVITATION_TTL = timedelta(days=7)
# Users and memberships are shared by live and test mode.
CHANGE_USERS = "change users or memberships"


async def new_invitation(
    session: AsyncSession,
    organisation_id: str,
    role: str,
    *,
    email: str | None = None,
    first_name: str | None = None,
    last_name: str | None = None,
    invited_by_user_id: str | None = None,
) -> tuple[UserInvitation, str]:
    """Store an invitation (valid for :data:`INVITATION_TTL`) and return it with its token,
    which only the caller sees (its digest is stored)."""
    token = new_token(INVITATION_PREFIX)
    invitation = UserInvitation(
        token_hash=token_digest(token),
        organisation_id=organisation_id,
        role=role,
        email=email,
        first_name=first_name,
        last_name=last_name,
        invited_by_user_id=invited_by_user_id,
        expires_on=utcnow() + INVITATION_TTL,
    )
    session.add(invitation)
    await session.flush()
    return invitation, token


async def create_invitation(
    session: AsyncSession, principal: Principal, command: CreateUserInvitation
) -> tuple[UserInvitation, str]:
    """Invite someone to an organisation of the caller's network (404 otherwise; the caller's own
    when ``organisation_id`` is left out); a test-mode key is refused (403 ``["test_mode"]``).
    Inviting an e-mail address that is a member already is a 409 naming ``email``. The role
    follows the rule of every role given (:func:`app.access.service.check_may_grant`): a known
    role, and none above the caller's own."""
    require_live_mode(principal, CHANGE_USERS)
    organisation = await organisations.get_organisation(
        session, principal, command.organisation_id or principal.organisation_id
    )
    await check_may_grant(session, principal, organisation, command.role)
    if command.email is not None and await _membership_of_email(
        session, command.email, organisation.id
    ):
        raise Conflict("This user is a member of the organisation already.", ["email"])
    return await new_invitation(
        session,
        organisation.id,
        command.role,
        email=command.email,
        first_name=command.first_name,
        last_name=command.last_name,
        invited_by_user_id=principal.user_id,
    )


async def _membership_of_email(session: AsyncSession, email: str, organisation_id: str) -> bool:
    found = await session.execute(
        select(Membership.id)
        .join(User, User.id == Membership.user_id)
        .where(User.email == email, Membership.organisation_id == organisation_id)
    )
    return found.first() is not None


async def accept_invitation(
    session: AsyncSession,
    command: AcceptUserInvitation,
    throttle: SignInThrottle,
    client_address: str | None = None,
) -> tuple[User, UserInvitation]:
    """Make the invitee a member of the invitation's organisation with its role, once.

    A token that is unknown, expired or used is a 400 naming ``token``. The e-mail address is
    the invitation's (``email`` must then be left out or the same) or else ``email`` (400 when
    neither names one). If a user has that address, ``password`` must be that user's (401
    otherwise) and nothing new is created; else a user is created with ``password`` (at least
    :data:`MIN_PASSWORD_LENGTH` characters) and ``username`` (the e-mail address by default;
    409 when taken). A user who is a member already is a 409.

    An existing user's password is checked as a sign-in is: failures count in ``throttle``
    against the e-mail address and ``client_address`` (429 once too many).
    """
    now = utcnow()
    invitation = (
        await session.execute(
            select(UserInvitation).where(
                UserInvitation.token_hash == token_digest(command.token.strip()),
                UserInvitation.accepted_on.is_(None),
                UserInvitation.expires_on > now,
            )
        )
    ).scalar_one_or_none()
    if invitation is None:
        raise InvalidInput("token", "no open invitation has this token (expired or accepted?)")
    if invitation.email and command.email and command.email != invitation.email:
        raise InvalidInput("email", "the invitation is for another e-mail address")
    email = invitation.email or command.email
    if email is None:
        raise InvalidInput("email", "the invitation names no e-mail address: give one")
    user = (await session.execute(select(User).where(User.email == email))).scalar_one_or_none()
    if user is not None:
        throttle.check(email, client_address)
        if not await verify_password(command.password, user.password_hash):
            throttle.record_failure(email, client_address)
            raise Unauthenticated(
                "A user with this e-mail address exists: give that user's password to accept."
            )
        throttle.record_success(email)
        if await _membership_of_email(session, email, invitation.organisation_id):
            raise Conflict("This user is a member of the organisation already.", ["email"])
    else:
        if len(command.password) < MIN_PASSWORD_LENGTH:
            raise InvalidInput("password", f"at least {MIN_PASSWORD_LENGTH} characters")
        user = await add_user(
            session,
            email,
            command.password,
            command.first_name or invitation.first_name,
            command.last_name or invitation.last_name,
            username=command.username,
        )
    # Conditional: of two concurrent acceptances of one invitation only one changes the row.
    accepted = await session.execute(
        update(UserInvitation)
        .where(UserInvitation.id == invitation.id, UserInvitation.accepted_on.is_(None))
        .values(accepted_on=now, accepted_by_user_id=user.id)
    )
    if getattr(accepted, "rowcount", 0) != 1:
        raise InvalidInput("token", "no open invitation has this token (expired or accepted?)")
    session.add(
        Membership(
            user_id=user.id, organisation_id=invitation.organisation_id, role=invitation.role
        )
    )
    await session.flush()
    return user, invitation
