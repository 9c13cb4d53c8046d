"""PROV002 unsupported-role: a role or system-prompt placement the provider refuses."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from dataqa.checks.provider.base import ProviderCheck, profile_of, uploaded_splits
from dataqa.checks.provider.problems import Grouped, Problem
from dataqa.engine.context import Context
from dataqa.engine.profile_rules import Profile
from dataqa.engine.registry import register
from dataqa.ingest import structure
from dataqa.ingest.dataset import Split
from dataqa.ingest.formats import CALL_ROLES, CHAT_ROLE_ALIASES, SYSTEM_ROLES


@register
@dataclass
class UnsupportedRole(Grouped, ProviderCheck):
    """A message has a role the provider does not accept, or a system prompt where it may not go.

    Why: providers validate roles and system-prompt placement and refuse the record: Bedrock
    and Vertex take the system prompt only in a top-level field, Fireworks and Together only as
    the first message, Bedrock allows no tool turns, and Bedrock and Together want the user to open
    the conversation (an agent's greeting first is refused there, accepted by OpenAI).
    Example: `{"role": "system", ...}` inside Bedrock `messages`; a `developer` message for Fireworks;
    Llama 3.1's `ipython` role (read as the tool role) for OpenAI; an assistant's greeting first for Together.
    Fix: move the system prompt where the provider wants it; map or drop roles it does not know; move an
    opening greeting into the system prompt or drop it.

    A conversation opened (after any system prompt) by a role the profile's `opens` does not list is one
    of these too: the provider refuses it as it refuses a role.
    """

    id = "PROV002"
    name = "unsupported-role"
    family = "provider"

    def judged(self, ctx: Context) -> list[Split]:
        profile = profile_of(ctx)
        if profile.is_generic or (not profile.roles and profile.system == "any" and not profile.opens):
            return []
        return uploaded_splits(ctx, profile)

    def records(self, ctx: Context, split: Split) -> list[tuple[int, list[Problem]]]:
        profile = profile_of(ctx)
        facts = structure.records(ctx, split)
        fields = {line for line, st in facts if st.get("system_field")}
        written = {line: st["roles_written"] for line, st in facts if st.get("roles_written")}
        roles = (
            split.turns.sort("line", "turn")
            .group_by("line", maintain_order=True)
            .agg(pl.col("role").cast(pl.String))
        )
        return [
            (
                line,
                _opening(profile, r)
                + self._problems(profile, _as_written(r, written.get(line)), line in fields),
            )
            for line, r in roles.iter_rows()
        ]

    @staticmethod
    def _problems(profile: Profile, roles: list[str], system_field: bool) -> list[Problem]:
        problems: list[Problem] = []
        for i, role in enumerate(roles):
            from_field = system_field and i == 0
            if role in SYSTEM_ROLES and not from_field:
                if profile.system == "field":
                    problems.append(
                        (
                            f"turn {i + 1}",
                            f"{role} message in the conversation; {profile.title} takes the system "
                            "prompt only in its top-level field",
                        )
                    )
                    continue
                if profile.system == "none":
                    problems.append((f"turn {i + 1}", f"{profile.title} accepts no system prompt"))
                    continue
                if profile.system == "first" and i > 0:
                    problems.append(
                        (
                            f"turn {i + 1}",
                            f"{role} message after the conversation started; {profile.title} "
                            "accepts it only as the first message",
                        )
                    )
            if from_field:
                continue
            if (
                profile.roles
                and role not in profile.roles
                and not (role in SYSTEM_ROLES and profile.system == "field")
            ):
                alias = CHAT_ROLE_ALIASES.get(role)
                hint = f'; it is the "{alias}" role: write that' if alias in profile.roles else ""
                if hint and role in CALL_ROLES:  # the call itself must move, not only the role's name
                    hint = (
                        f'; it is the assistant calling a tool: write an "{alias}" message whose '
                        "tool_calls hold the call"
                    )
                problems.append(
                    (
                        f"turn {i + 1}",
                        f'role "{role}" is not accepted (roles: {", ".join(profile.roles)}){hint}',
                    )
                )
        return problems


def _opening(profile: Profile, roles: list[str]) -> list[Problem]:
    """A conversation opened (after any system prompt) by a role the profile does not let open it,
    read on the roles as dataqa reads them (an agent written "SYSTEM", read as the assistant, opens as
    the assistant)."""
    opening = next((i for i, role in enumerate(roles) if role not in SYSTEM_ROLES), None)
    if not profile.opens or opening is None or roles[opening] in profile.opens:
        return []
    wanted = " or ".join(profile.opens)
    return [
        (
            f"turn {opening + 1}",
            f"conversation opened by the {roles[opening]}; {profile.title} wants the {wanted} first",
        )
    ]


def _as_written(roles: list[str], written: dict[str, str] | None) -> list[str]:
    """A record's roles as its data writes them: a turn read as another role's alias (Llama 3.1's
    "ipython", read as "tool") is sent to the provider under the alias."""
    if not written:
        return roles
    return [written.get(str(i), role) for i, role in enumerate(roles)]
