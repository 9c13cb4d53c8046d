"""Roles a chat set names in its own words ("UTILISATEUR", "Benutzer", "用户", "human"/"bot"), read as
the chat roles when the whole file says so, with one note for the file instead of a finding a record.

Sets translated or exported by other tools write their roles in another language or style: Vigogne's
French OpenAssistant threads say "UTILISATEUR" and "ASSISTANT", Chinese sets "用户" and "助手", support
logs "client" and "agent", counselling and medical dialogues "seeker" and "supporter" (ESConv),
"patient" and "doctor", task-oriented ones "usr" (MultiWOZ, whose "sys" alternating with it is the
agent). Every record of such a file is unreadable to a trainer that expects system/user/assistant,
and one FMT009 finding a record buries the one fact worth saying: the file names its roles otherwise.
A role is renamed only on clear evidence from the file's first records:

- it is written in most of them (`MIN_SHARE`): a role on a few records of an otherwise standard file is a
  typo or a stray turn, and stays FMT009 (a mix of two conventions in one file is one too);
- its name is a known name of a role (`NAMES`, several languages, case and spacing aside), or it is one of
  the two roles a file's turns alternate between, the other being a known name of the user or assistant;
  a system name written in the file's own words on turn after turn, alternating with the user's, is the
  agent of a task-oriented dialogue set ("USER"/"SYSTEM" in Schema-Guided Dialogue), read as assistant.

The keys of a file's messages are read the same way: Dialogue sets and exports write {"speaker", "text"},
{"author", "message"}, {"sender", "content"} or {"role", "text"} where a trainer expects {"role",
"content"}, and every record was one FMT007 ("no role") today. When most surveyed records (`MIN_SHARE`)
write every message with the same pair of a role key (`ROLE_KEYS`) and a content key (`CONTENT_KEYS`)
other than the standard ones, those keys are read as the role and the content; a few records missing
"content" in an otherwise standard file stay FMT007.

The renaming is part of the split's layout (`Layout.renamed`), so every pass and engine reads it; the
role as written still goes to the provider rules (PROV002), which judge what a provider is sent.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from dataqa.ingest.layouts import CHAT, MESSAGE_KEYS, MISSING, SHAREGPT, Layout, lookup
from dataqa.ingest.record import message_keys, read_role

ROLE_KEYS = ("role", "from", "speaker", "author", "sender")
"""Keys a message's author is written under, in the order a message with several is read."""
CONTENT_KEYS = ("content", "value", "text", "message", "body", "utterance")
"""Keys a message's words are written under, in the order a message with several is read."""
STANDARD_KEYS = frozenset({("role", "content"), ("from", "value"), ("role", "value")})
"""The (role, content) key pairs the chat layouts read as they are (OpenAI, ShareGPT, Pygmalion)."""

MIN_SHARE = 0.8
"""Share of the surveyed records a role must be written in to be renamed."""
MIN_RECORDS = 3
"""Fewer surveyed records than this say nothing about a file's convention."""
ALTERNATING_SHARE = 0.9
"""Share of the records with two or more turns whose turns alternate between the two roles."""

_USER = (
    "user human prompter customer client question questioner usuario usuário utilisateur utente benutzer "
    "nutzer anwender gebruiker użytkownik uživatel пользователь користувач người_dùng 用户 用戶 "
    "使用者 ユーザー ユーザ 사용자 humain humano mensch utilizador kunde usr seeker patient"
)
_ASSISTANT = (
    "assistant bot gpt chatgpt model ai chatbot agent answer answerer asistente assistente assistent "
    "asystent asistent ассистент помощник asistan trợ_lý 助手 助理 机器人 機器人 アシスタント 어시스턴트 "
    "ia ki modèle modelo modell supporter listener counselor counsellor therapist doctor"
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
    keys: dict[Layout, Counter[tuple[str, str]]] = field(default_factory=dict)
    """Records whose every message writes the same (role key, content key) pair, by the pair."""

    def add(self, obj: dict[str, Any], own: Layout | None) -> None:
        """Survey one record complete in `own` (records of other kinds are left out)."""
        if own is None or own.kind not in (CHAT, SHAREGPT):
            return
        value = lookup(obj, own.source("messages") or "messages")
        if value is MISSING or not isinstance(value, list) or not value:
            return
        pair = key_pair(value)
        if pair is not None:
            self.keys.setdefault(own, Counter())[pair] += 1
        own_keys = dict(zip(MESSAGE_KEYS, pair, strict=True)) if pair not in (None, *STANDARD_KEYS) else None
        role_key, _content, role_map = message_keys(value, own.kind == SHAREGPT, own_keys)
        written = [m.get(role_key) for m in value if isinstance(m, dict)]
        roles = [r for r in written if isinstance(r, str)]
        if not roles:
            return
        self.records[own] += 1
        unread = {r for r in roles if read_role(r, role_map) is None}
        self.unknown.setdefault(own, Counter()).update(unread)
        talk = [r for i, r in enumerate(roles) if not _system_prompt(r, i, unread)]
        if len(talk) >= 2:
            self.turns[own] += 1
            pair = tuple(sorted(set(talk)))
            if len(pair) == 2 and all(a != b for a, b in pairwise(talk)):
                self.alternating.setdefault(own, Counter())[pair] += 1  # type: ignore[index]

    def renamed(self, layout: Layout) -> tuple[tuple[str, str], ...]:
        """The file's roles and message keys as written -> what they are read as, for records in
        `layout` (`Layout.renamed`); () when the evidence is not clear (see the module's docstring)."""
        total = self.records[layout]
        if total < MIN_RECORDS:
            return ()
        return self._keys(layout, total) + self._roles(layout, total)

    def _keys(self, layout: Layout, total: int) -> tuple[tuple[str, str], ...]:
        pairs = self.keys.get(layout, Counter())
        pair, n = pairs.most_common(1)[0] if pairs else (("role", "content"), 0)
        if pair in STANDARD_KEYS or n < MIN_SHARE * total:
            return ()
        return tuple(
            (written, read) for written, read in zip(pair, MESSAGE_KEYS, strict=True) if written != read
        )

    def _roles(self, layout: Layout, total: int) -> tuple[tuple[str, str], ...]:
        common = [r for r, n in self.unknown.get(layout, Counter()).items() if n >= MIN_SHARE * total]
        if not common:
            return ()
        out = {r: known_name(r) for r in common}
        pairs = self.alternating.get(layout, Counter())
        pair, n = pairs.most_common(1)[0] if pairs else ((), 0)
        if n >= ALTERNATING_SHARE * self.turns[layout]:  # the turns alternate between two roles
            for r in (r for r, role in out.items() if role in (None, "system") and r in pair):
                other = known_name(next(o for o in pair if o != r))
                if other in ("user", "assistant") and (out[r] is None or other == "user"):
                    out[r] = "assistant" if other == "user" else "user"
        return tuple(sorted((r, role) for r, role in out.items() if role is not None))


def _system_prompt(role: str, at: int, unread: set[str]) -> bool:
    """Whether a turn's role names the system prompt: a system role first in its record, or a standard
    one anywhere. A system name the file writes in its own words ("SYSTEM") on later turns too is one
    side of the talk: task-oriented dialogue sets (Schema-Guided Dialogue) call their agent "SYSTEM"."""
    return (known_name(role) or role.casefold()) == "system" and (at == 0 or role not in unread)


def key_pair(value: list[Any]) -> tuple[str, str] | None:
    """The (role key, content key) every message of a list writes (`ROLE_KEYS`, `CONTENT_KEYS`, a
    role as a string), or None when a message has no such pair or two messages write different ones."""
    found = None
    for msg in value:
        if not isinstance(msg, dict):
            return None
        role = next((k for k in ROLE_KEYS if isinstance(msg.get(k), str)), None)
        content = next((k for k in CONTENT_KEYS if k in msg and k != role), None)
        if role is None or content is None or found not in (None, (role, content)):
            return None
        found = (role, content)
    return found
