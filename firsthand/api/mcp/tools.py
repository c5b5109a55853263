"""The MCP tools: what an assistant may ask of a workspace, each one a REST endpoint's own code.

Arguments are checked with the REST API's request schemas (the same fields, limits and refusals of
unknown fields), and their JSON Schema is what tools/list offers. A tool answers with the same JSON the
matching REST endpoint gives, as structured content and as text for clients that read only text.

A token sees only the tools its role may use; calling one anyway is refused by the permission matrix
all the same, as a tool result the assistant can read (isError), not a protocol error.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import mcp.types as types

from firsthand.api.rest.base import Id, Strict, Text
from firsthand.api.rest.inbox import (
    AnswerIn,
    AnswerOut,
    ConversationDetail,
    ConversationPage,
    Filters,
    answer_as,
    conversation_detail,
    conversations_page,
)
from firsthand.api.rest.posts import MediaIn, PostIn, PostOut, write
from firsthand.api.rest.workspace import AccountOut, InsightsOut, PeriodIn, accounts_of, figures_for
from firsthand.team.access import require
from firsthand.team.permissions import Capability


class NoArguments(Strict):
    pass


class ConversationArgs(Strict):
    conversation_id: Id


class DraftAnswerArgs(AnswerIn):
    conversation_id: Id


class AccountsOut(Strict):
    accounts: list[AccountOut]


class SchedulePostArgs(Strict):
    accounts: list[Id]
    text: Text
    follow_ups: list[Text] = []
    variants: dict[str, Text] = {}  # account id → that account's own first part
    first_comment: Text = ""  # sent under the post once published, where the network allows comments
    comment_variants: dict[str, Text] = {}  # account id → that account's own first comment
    media: list[MediaIn] = []
    campaign: Text = ""
    content_warning: Text = ""
    audience: Literal["public", "unlisted", "followers"] = "public"
    at: datetime | None = None  # None: now, after the undo window
    anyway: bool = False


@dataclass(frozen=True)
class ToolSpec:
    name: str
    title: str
    description: str
    arguments: type[Strict]
    output: type[Strict]
    needs: Capability
    run: Callable[[object, Strict], dict]
    read_only: bool = True

    def tool(self) -> types.Tool:
        schema = self.arguments.model_json_schema()
        schema.pop("title", None)
        return types.Tool(
            name=self.name,
            title=self.title,
            description=self.description,
            input_schema=schema,
            output_schema=self.output.model_json_schema(),
            annotations=types.ToolAnnotations(
                title=self.title,
                read_only_hint=self.read_only,
                destructive_hint=False,
                # A post or an answer reaches people outside the workspace.
                open_world_hint=not self.read_only,
            ),
        )

    def call(self, who, arguments: Strict) -> dict:
        """The REST endpoint's answer, through its own output schema: the same fields, values and types."""
        require(who, self.needs)
        return self.output.model_validate(self.run(who, arguments)).model_dump(mode="json")


def schedule_post(who, args: SchedulePostArgs) -> dict:
    # write() asks for the draft and publish capabilities again, and keeps nothing the guard refuses.
    return write(who, PostIn(**args.model_dump(), then="schedule"))


TOOLS = [
    ToolSpec(
        name="list_accounts",
        title="List the social accounts",
        description="The workspace's connected social accounts this token may use, with their ids "
        "(schedule_post and list_conversations take them).",
        arguments=NoArguments,
        output=AccountsOut,
        needs=Capability.VIEW,
        run=lambda who, args: {"accounts": accounts_of(who)},
    ),
    ToolSpec(
        name="list_conversations",
        title="List inbox conversations",
        description="The inbox: conversations with customers, those waiting for an answer first and the most "
        "urgent first, 50 a page. Filter by status (open, done, hidden, all), label, account id, network, "
        "dates (since/until, YYYY-MM-DD), kind, escalated, tag or a search text q.",
        arguments=Filters,
        output=ConversationPage,
        needs=Capability.VIEW,
        run=conversations_page,
    ),
    ToolSpec(
        name="read_conversation",
        title="Read a conversation",
        description="One conversation with every message, oldest first, and any answer already waiting for "
        "approval (so you don't write a second one).",
        arguments=ConversationArgs,
        output=ConversationDetail,
        needs=Capability.VIEW,
        run=lambda who, args: conversation_detail(who, args.conversation_id),
    ),
    ToolSpec(
        name="draft_answer",
        title="Answer a customer",
        description="Write an answer to a conversation, as the business's account. The workspace's rules "
        "decide what happens, exactly as for a person with this token's role: the answer is sent "
        '(outcome "sent"), or it waits for an owner or manager to approve it (outcome "awaiting_approval": '
        "for example every staff answer when the workspace asks for that, an answer the brand check flags, "
        "or any staff answer while publishing is paused). done: also mark the conversation done once sent.",
        arguments=DraftAnswerArgs,
        output=AnswerOut,
        needs=Capability.REPLY,
        run=lambda who, args: answer_as(
            who, args.conversation_id, AnswerIn(**args.model_dump(exclude={"conversation_id"}))
        ),
        read_only=False,
    ),
    ToolSpec(
        name="schedule_post",
        title="Schedule a post",
        description="Write a post for some accounts (ids from list_accounts) and schedule it for `at` "
        "(ISO 8601 with a time zone) or now. It passes the pre-publish guard: a banned phrase refuses it, "
        "an offensive or flagged post waits for an approver (or, from an owner or manager, asks for "
        '"anyway": true), staff posts may need approval, and while the crisis switch is on it is held, not '
        'published. The answer\'s outcome is "scheduled" or "awaiting_approval".',
        arguments=SchedulePostArgs,
        output=PostOut,
        needs=Capability.PUBLISH,
        run=schedule_post,
        read_only=False,
    ),
    ToolSpec(
        name="read_insights",
        title="Read conversation insights",
        description="Customers' messages per day by kind (complaint, question, praise, other) and how many "
        "conversations were answered, for the last 7, 30 or 90 days (period) or since/until "
        "(YYYY-MM-DD), optionally for one account id or network.",
        arguments=PeriodIn,
        output=InsightsOut,
        needs=Capability.VIEW,
        run=figures_for,
    ),
]

BY_NAME = {spec.name: spec for spec in TOOLS}


def tools_for(who) -> list[types.Tool]:
    return [spec.tool() for spec in TOOLS if who.can(spec.needs)]
