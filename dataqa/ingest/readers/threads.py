"""OpenAssistant's conversation trees (OASST1, OASST2) read as chat records, one a thread.

OpenAssistant publishes its conversations as trees: a prompt, the assistant replies to it, the
prompter's replies to those, and so on. Two forms are read without options:

- the message-tree export, one tree a line: `{"message_tree_id", "tree_state", "prompt":
  {"message_id", "role": "prompter", "text", "lang", "replies": [{"role": "assistant", "text",
  "rank", "replies": [...]}, ...]}}`;
- the flat message table (JSON Lines or Parquet), one message a row: `message_id`, `parent_id`
  (null for the prompt), `message_tree_id`, `role`, `text`, `rank`, `deleted`, `review_result`...

Which threads become records: the conversations of the tree as its rankers would have them
trained on. From the prompt, a thread goes on by the best-ranked assistant reply (lowest `rank`;
an unranked reply after the ranked ones, then the first) and by every prompter reply (each asks
something else); every path so followed from the prompt to a leaf is a record, cut after its last
assistant reply (a follow-up nobody answered adds nothing to train on), paths cut to the same reply
being one record. That is OpenAssistant's own supervised training with `top_k: 1`
(`load_oasst_export`) and the "highest-rated paths" of the guanaco sets drawn from OASST1. The
lower-ranked replies are alternatives the rankers placed below; reading every path instead makes
one prompt start a record per reply (Vigogne's 1,183 threads from 263 prompts), each a repeat of
the prompt with another answer, which is the export's design and not a defect of it.

A message marked `deleted`, or whose `review_result` is false, is left out with everything below
it, as OpenAssistant's training leaves it out, and reported where it stands (FMT021); so is a prompt
with no assistant reply (a tree still waiting for one): it holds no thread. Roles: prompter -> user,
assistant -> assistant; any other role is kept as it is, for FMT009.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dataqa.ingest.issues import UNANSWERED, WITHDRAWN, excerpt
from dataqa.ingest.readers.nested import Aside, Opened

PROMPT, REPLIES = "prompt", "replies"
MESSAGE_KEYS = frozenset({"message_id", "parent_id", "role", "text"})
"""The columns of the flat message table."""
ROW_KEYS = frozenset({"message_id", "role"})
"""What a row of the table holds whatever is null (a table's reader leaves null fields out)."""
ROLES = {"prompter": "user", "assistant": "assistant"}
UNANSWERED_DETAIL = "a prompt with no assistant reply (yet): there is no thread to read"

Namer = Callable[[str, int, dict[str, Any]], str]
"""The steps of a reply, from its parent's steps, its index among the replies and the reply."""


def is_tree(obj: Any) -> bool:
    """Whether `obj` is a line of the message-tree export: a `prompt` object holding a message."""
    prompt = obj.get(PROMPT) if isinstance(obj, dict) else None
    return isinstance(prompt, dict) and "text" in prompt and (REPLIES in prompt or "role" in prompt)


def is_message(obj: Any, first: bool = False) -> bool:
    """Whether `obj` is a row of the flat message table (`first`: one that shows a file is one, with
    every column of the table)."""
    return isinstance(obj, dict) and obj.keys() >= (MESSAGE_KEYS if first else ROW_KEYS)


def tree_threads(obj: Any) -> Opened | None:
    """The threads of one line of the message-tree export as (steps, record) pairs, steps naming
    the thread's last message (`prompt.replies[0].replies[1]`); None when `obj` is no such line."""
    if not is_tree(obj):
        return None
    return threads(obj[PROMPT], PROMPT, lambda parent, i, _reply: f"{parent}.{REPLIES}[{i}]")


def threads(root: dict[str, Any], root_steps: str, name: Namer) -> Opened:
    """The threads of the tree under `root` (see the module docstring), in depth-first order; an
    `Aside` at each withdrawn reply met and at a prompt with no thread; a reply that is not an
    object is given as it is."""
    out: Opened = []
    seen: set[int] = set()
    why = withdrawn(root)
    if why is not None:
        return [(root_steps, _aside(root, why))]
    stack: list[tuple[dict[str, Any], str, tuple[tuple[dict[str, Any], str], ...]]] = [(root, root_steps, ())]
    while stack:
        node, steps, above = stack.pop()
        path = (*above, (node, steps))
        replies = node.get(REPLIES)
        readable: list[tuple[dict[str, Any], str]] = []
        for i, reply in enumerate(replies if isinstance(replies, list) else []):
            where = name(steps, i, reply)
            why = withdrawn(reply) if isinstance(reply, dict) else None
            if not isinstance(reply, dict):
                out.append((where, reply))
            elif why is not None:
                out.append((where, _aside(reply, why)))
            else:
                readable.append((reply, where))
        if readable:
            stack += [(r, where, path) for r, where in reversed(followed(readable))]
            continue
        thread = _cut(path)
        if thread[-1][0].get("role") != "assistant":
            out.append((steps, Aside(UNANSWERED, UNANSWERED_DETAIL, _shown(node))))
            continue
        if id(thread[-1][0]) not in seen:
            seen.add(id(thread[-1][0]))
            out.append((thread[-1][1], {"messages": [_message(m) for m, _ in thread]}))
    return out


def followed(replies: list[tuple[dict[str, Any], str]]) -> list[tuple[dict[str, Any], str]]:
    """The replies a thread goes on by: the best-ranked assistant reply (lowest `rank`; unranked
    after ranked, then in order) and every prompter reply (each asks something else)."""
    answers = [r for r in replies if r[0].get("role") == "assistant"]
    others = [r for r in replies if r[0].get("role") != "assistant"]
    if not answers:
        return others

    def rank(item: tuple[int, tuple[dict[str, Any], str]]) -> tuple[bool, float, int]:
        value = item[1][0].get("rank")
        ranked = isinstance(value, int | float) and not isinstance(value, bool) and value == value
        return (not ranked, float(value) if ranked else 0.0, item[0])

    best = min(enumerate(answers), key=rank)[1]
    return [r for r in replies if r is best or r[0].get("role") != "assistant"]


def withdrawn(message: dict[str, Any]) -> str | None:
    """Why a message is left out (marked deleted, or failed review), or None."""
    if message.get("deleted") is True:
        return "is marked deleted"
    if message.get("review_result") is False:
        return "failed review"
    return None


def _cut(path: tuple[tuple[dict[str, Any], str], ...]) -> tuple[tuple[dict[str, Any], str], ...]:
    """A root-to-leaf path up to its last assistant reply (all of it when it has none)."""
    for i in range(len(path) - 1, -1, -1):
        if path[i][0].get("role") == "assistant":
            return path[: i + 1]
    return path


def _message(node: dict[str, Any]) -> dict[str, Any]:
    role = node.get("role")
    return {"role": ROLES.get(role, role) if isinstance(role, str) else role, "content": node.get("text")}


def _aside(node: dict[str, Any], why: str) -> Aside:
    below = _below(node)
    ident = node.get("message_id")
    named = f"message {ident!r}" if isinstance(ident, str) else "a message"
    return Aside(
        WITHDRAWN,
        f"{named} ({node.get('role')!s}) {why}: it is not read"
        + (f", nor the {below:,} message(s) below it" if below else "")
        + ", as OpenAssistant's own training leaves such messages out",
        _shown(node),
    )


def _shown(node: dict[str, Any]) -> str:
    text = node.get("text")
    return excerpt(text if isinstance(text, str) else "", flat=True)


def _below(node: dict[str, Any]) -> int:
    """How many messages the tree under `node` holds, `node` left out."""
    count, stack = -1, [node]
    while stack:
        current = stack.pop()
        count += 1
        replies = current.get(REPLIES)
        stack += [r for r in replies if isinstance(r, dict)] if isinstance(replies, list) else []
    return count
