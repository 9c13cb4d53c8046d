"""Roles a chat set names in its own words ("UTILISATEUR", "Benutzer", "用户", "human"/"bot"), read as
the chat roles when the whole file says so, with one note for the file instead of a finding a record.

Sets translated or exported by other tools write their roles in another language or style: Vigogne's
French OpenAssistant threads say "UTILISATEUR" and "ASSISTANT", Chinese sets "用户" and "助手", support
logs "client" and "agent". Every record of such a file is unreadable to a trainer that expects
system/user/assistant, and one FMT009 finding a record buries the one fact worth saying: the file names
its roles otherwise. A role is renamed only on clear evidence from the file's first records:

- it is written in most of them (`MIN_SHARE`): a role on a few records of an otherwise standard file is a
  typo or a stray turn, and stays FMT009 (a mix of two conventions in one file is one too);
- its name is a known name of a role (`NAMES`, several languages, case and spacing aside), or it is one of
  the two roles a file's turns alternate between, the other being a known name of the user or assistant.

The renaming is part of the split's layout (`Layout.renamed`), so every pass and engine reads it; the
role as written still goes to the provider rules (PROV002), which judge what a provider is sent.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from dataqa.ingest.layouts import CHAT, MISSING, SHAREGPT, Layout, lookup
from dataqa.ingest.record import message_keys, read_role

MIN_SHARE = 0.8
"""Share of the surveyed records a role must be written in to be renamed."""
MIN_RECORDS = 3
"""Fewer surveyed records than this say nothing about a file's convention."""
ALTERNATING_SHARE = 0.9
"""Share of the records with two or more turns whose turns alternate between the two roles."""

_USER = (
    "user human prompter customer client question questioner usuario usuário utilisateur utente benutzer "
    "nutzer anwender gebruiker użytkownik uživatel пользователь користувач người_dùng 用户 用戶 "
    "使用者 ユーザー ユーザ 사용자 humain humano mensch utilizador kunde"
)
_ASSISTANT = (
    "assistant bot gpt chatgpt model ai chatbot agent answer answerer asistente assistente assistent "
    "asystent asistent ассистент помощник asistan trợ_lý 助手 助理 机器人 機器人 アシスタント 어시스턴트 "
    "ia ki modèle modelo modell"
)
_SYSTEM = "system système sistema systeem systém система sistem 系统 系統 システム 시스템"
NAMES: dict[str, str] = {
    name.replace("_", " "): role
    for role, names in (("user", _USER), ("assistant", _ASSISTANT), ("system", _SYSTEM))
    for name in names.split()
}
"""Names of the user, assistant and system roles in sets' own words, case-folded."""


def known_name(role: str) -> str | None:
    """The chat role a written role name is a known name of ("UTILISATEUR" -> user), or None."""
    return NAMES.get(" ".join(role.casefold().replace("_", " ").split()))


@dataclass
class RoleSurvey:
    """The roles of the first records' message lists that their layout does not read, record by record:
    what `renamed` decides a file's renaming from."""

    records: Counter[Layout] = field(default_factory=Counter)
    """Surveyed records by layout."""
    unknown: dict[Layout, Counter[str]] = field(default_factory=dict)
    """Records each unread role is written in, by layout."""
    alternating: dict[Layout, Counter[tuple[str, str]]] = field(default_factory=dict)
    """Records of two or more turns whose non-system turns alternate between two roles, by the pair."""
    turns: Counter[Layout] = field(default_factory=Counter)
    """Records of two or more non-system turns, by layout."""

    def add(self, obj: dict[str, Any], own: Layout | None) -> None:
        """Survey one record complete in `own` (records of other kinds are left out)."""
        if own is None or own.kind not in (CHAT, SHAREGPT):
            return
        value = lookup(obj, own.source("messages") or "messages")
        if value is MISSING or not isinstance(value, list) or not value:
            return
        role_key, _content, role_map = message_keys(value, own.kind == SHAREGPT)
        written = [m.get(role_key) for m in value if isinstance(m, dict)]
        roles = [r for r in written if isinstance(r, str)]
        if not roles:
            return
        self.records[own] += 1
        unread = {r for r in roles if read_role(r, role_map) is None}
        self.unknown.setdefault(own, Counter()).update(unread)
        talk = [r for r in roles if (known_name(r) or r.casefold()) != "system"]
        if len(talk) >= 2:
            self.turns[own] += 1
            pair = tuple(sorted(set(talk)))
            if len(pair) == 2 and all(a != b for a, b in pairwise(talk)):
                self.alternating.setdefault(own, Counter())[pair] += 1  # type: ignore[index]

    def renamed(self, layout: Layout) -> tuple[tuple[str, str], ...]:
        """The file's roles as written -> the chat roles they are read as, for records in `layout`;
        () when the evidence is not clear (see the module's docstring)."""
        total = self.records[layout]
        if total < MIN_RECORDS:
            return ()
        common = [r for r, n in self.unknown.get(layout, Counter()).items() if n >= MIN_SHARE * total]
        if not common:
            return ()
        out = {r: known_name(r) for r in common}
        pairs = self.alternating.get(layout, Counter())
        pair, n = pairs.most_common(1)[0] if pairs else ((), 0)
        if n >= ALTERNATING_SHARE * self.turns[layout]:  # the turns alternate between two roles
            for r in (r for r, role in out.items() if role is None and r in pair):
                other = known_name(next(o for o in pair if o != r))
                if other in ("user", "assistant"):
                    out[r] = "assistant" if other == "user" else "user"
        return tuple(sorted((r, role) for r, role in out.items() if role is not None))
