"""Roles inside an organisation and what each may do.

This module is the single statement of the permission matrix; views and API
routes name a capability, never a list of roles.
"""

from __future__ import annotations

from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Role(StrEnum):
    ADMIN = "admin"
    LEADER = "leader"
    SUPPORT = "support"
    OWNER = "owner"
    MEMBER = "member"
    VIEWER = "viewer"

    @property
    def label(self) -> str:
        """The role's name in the active language."""
        return str(ROLE_LABELS[self])


ROLE_LABELS: dict[Role, Promise] = {
    Role.ADMIN: _("Admin"),
    Role.LEADER: _("Leader"),
    Role.SUPPORT: _("Support team"),
    Role.OWNER: _("Owner"),
    Role.MEMBER: _("Member"),
    Role.VIEWER: _("Viewer"),
}
ROLE_CHOICES = [(role.value, ROLE_LABELS[role]) for role in Role]


class Capability(StrEnum):
    VIEW = "view"  # read everything in the organisation
    CONTRIBUTE = "contribute"  # enter measurements and observations
    MANAGE_INITIATIVES = "manage_initiatives"  # create and edit initiatives and goals
    MANAGE_MEMBERS = "manage_members"  # invite, change roles, remove
    VIEW_ACTIVITY = "view_activity"  # read the activity log: who did what, when
    MANAGE_ORGANISATION = "manage_organisation"  # its name, time zone and language
    READ_FEEDBACK = "read_feedback"  # read feedback items (named ones name people)
    HANDLE_FEEDBACK = "handle_feedback"  # triage and answer feedback items


CAPABILITIES: dict[Capability, frozenset[Role]] = {
    Capability.VIEW: frozenset(Role),
    Capability.CONTRIBUTE: frozenset(
        {Role.ADMIN, Role.LEADER, Role.SUPPORT, Role.OWNER, Role.MEMBER}
    ),
    Capability.MANAGE_INITIATIVES: frozenset({Role.ADMIN, Role.LEADER, Role.SUPPORT}),
    Capability.MANAGE_MEMBERS: frozenset({Role.ADMIN}),
    Capability.MANAGE_ORGANISATION: frozenset({Role.ADMIN}),
    # The log names people and what each did: it is for those who run the work and own
    # parts of it (balance, stepback packs), not for contributors and onlookers.
    Capability.VIEW_ACTIVITY: frozenset({Role.ADMIN, Role.LEADER, Role.SUPPORT, Role.OWNER}),
    # Named feedback names people, and triage changes what the sender sees: for those who
    # run the work, not for every member.
    Capability.READ_FEEDBACK: frozenset({Role.ADMIN, Role.LEADER, Role.SUPPORT, Role.OWNER}),
    Capability.HANDLE_FEEDBACK: frozenset({Role.ADMIN, Role.LEADER, Role.SUPPORT, Role.OWNER}),
}

# Rows a person writes themselves: who may change their own, and who may change anyone's.
# ``org_view(..., author_rule=...)`` names the rule a page applies, and the access walker
# checks both halves on every such page.
AUTHOR_RULES: dict[str, tuple[Capability, Capability]] = {
    # Authors may edit their own observations; the initiative's managers may edit any.
    "observation": (Capability.CONTRIBUTE, Capability.MANAGE_INITIATIVES),
    # A group's own items (its details and Learning Sprints): once the group is handed off,
    # its leads are their authors and may change them; the initiative's managers may always,
    # and their edits after the hand-off are recorded and counted in the balance.
    "group": (Capability.CONTRIBUTE, Capability.MANAGE_INITIATIVES),
}


def may_change_authored(role: str, rule: str, *, is_author: bool) -> bool:
    """Whether ``role`` may change a row of ``rule``'s kind (its own, when ``is_author``)."""
    own, anyone = AUTHOR_RULES[rule]
    return role_can(role, anyone) or (is_author and role_can(role, own))


# Capabilities that only change data; a read-only API token never has them.
WRITE_CAPABILITIES = frozenset(
    {
        Capability.CONTRIBUTE,
        Capability.MANAGE_INITIATIVES,
        Capability.MANAGE_MEMBERS,
        Capability.MANAGE_ORGANISATION,
        Capability.HANDLE_FEEDBACK,
    }
)


def role_can(role: str, capability: Capability) -> bool:
    return Role(role) in CAPABILITIES[capability]
