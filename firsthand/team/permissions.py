"""The permission matrix: what each role may do in a workspace. The one place it is written.

Views never test roles; they ask for a capability through `team.access`.
"""

from enum import StrEnum


class Role(StrEnum):
    OWNER = "owner"
    MANAGER = "manager"
    STAFF = "staff"
    VIEWER = "viewer"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Capability(StrEnum):
    VIEW = "view"  # read the workspace: calendar, inbox, insights
    DRAFT = "draft"  # write and edit drafts
    PUBLISH = "publish"  # send or schedule posts (approval rules may still hold them)
    APPROVE = "approve"  # approve other people's posts
    REPLY = "reply"  # answer conversations in the inbox
    MANAGE_ACCOUNTS = "manage_accounts"  # connect and disconnect social accounts
    MANAGE_TEAM = "manage_team"  # invite people, change roles, remove people
    SETTINGS = "settings"  # workspace settings: name, time zone, brand rules
    PAUSE = "pause"  # the crisis switch: stop and resume all publishing
    MANAGE_APPS = "manage_apps"  # the business's developer apps on networks: client ids and secrets
    MANAGE_WEBHOOKS = "manage_webhooks"  # outgoing webhooks: where events go, their secrets, the delivery log

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


ROLE_CHOICES = [(role.value, role.label) for role in Role]

C = Capability
MATRIX: dict[Role, frozenset[Capability]] = {
    Role.OWNER: frozenset(Capability),
    Role.MANAGER: frozenset(
        {C.VIEW, C.DRAFT, C.PUBLISH, C.APPROVE, C.REPLY, C.MANAGE_ACCOUNTS, C.SETTINGS, C.PAUSE, C.MANAGE_WEBHOOKS}
    ),
    Role.STAFF: frozenset({C.VIEW, C.DRAFT, C.PUBLISH, C.REPLY}),
    Role.VIEWER: frozenset({C.VIEW}),
}

# Said to a member who asks for something their role does not allow.
REFUSALS: dict[Capability, str] = {
    C.VIEW: "You can't see this workspace.",
    C.DRAFT: "Viewers can read everything but can't draft posts. Ask an owner for a staff role.",
    C.PUBLISH: "Your role can't publish posts.",
    C.APPROVE: "Only owners and managers approve posts.",
    C.REPLY: "Viewers can't reply to conversations.",
    C.MANAGE_ACCOUNTS: "Only owners and managers connect social accounts.",
    C.MANAGE_TEAM: "Only the workspace's owners manage the team.",
    C.SETTINGS: "Only owners and managers change workspace settings.",
    C.PAUSE: "Only owners and managers pause and resume publishing. Tell one of them now if something is wrong.",
    C.MANAGE_APPS: "Only the workspace's owners enter the business's developer app keys. Ask an owner.",
    C.MANAGE_WEBHOOKS: "Only owners and managers manage webhooks.",
}

ROLE_SUMMARIES: dict[Role, str] = {
    Role.OWNER: "Everything, including the team and who can do what.",
    Role.MANAGER: "Posts, approvals, replies, accounts and settings; not the team.",
    Role.STAFF: "Drafts, posts and replies.",
    Role.VIEWER: "Reads everything; changes nothing.",
}


def allows(role: str, capability: Capability) -> bool:
    return capability in MATRIX[Role(role)]
