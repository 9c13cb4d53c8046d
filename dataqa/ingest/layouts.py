"""Record layouts as one table: which fields of a record play which canonical role.

A layout is a `kind` (how its records become canonical rows, `dataqa.ingest.normalisers`) and its
field names, each with a role (`ROLES`). The built-in layouts (`LAYOUTS`) are the shapes public
fine-tuning sets come in; a field map (`--map question=prompt`, `[tool.dataqa.fields]`, `fields=`)
is the same mechanism for any other names (`dataqa.ingest.fieldmaps`). Detection
(`dataqa.ingest.detection`) picks, per record, the layout whose required fields the record has, the
most specific first; a file in no layout gets a suggested map (`dataqa.ingest.suggestion`).
Messages about a record name the data set's own fields, since the normalisers read every field
through its layout.

Nothing here imports polars: `dataqa formats` and `dataqa --help` stay light. This module is
one piece, longer than most: `LAYOUTS` is one ordered table (its order breaks detection's ties,
and `dataqa formats` prints it as it is); split, that order would live in two places.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

from dataqa.ingest.chat_templates import TEMPLATES

# Kinds: how a layout's records are normalised. Several layouts share a kind; the first nine are
# also the names of the layouts dataqa always knew (provider profiles name them).
CHAT = "chat"
SHAREGPT = "sharegpt"
PROMPT_COMPLETION = "prompt_completion"
ALPACA = "alpaca"
CLASSIFICATION = "classification"
PREFERENCE = "preference"
OPENAI_PREFERENCE = "openai_preference"
KTO = "kto"
VERTEX = "vertex"
PAIR = "pair"
"""Kind of every prompt/response layout (Alpaca, question/answer, prompt/completion, ...)."""
TEXT = "text"
"""Kind and layout of plain text for continued pre-training: no prompt, no target."""
TEMPLATED = "templated"
"""Kind of a text layout whose records are conversations rendered in a chat template
(`dataqa.ingest.chat_templates`): read into turns at the template's markers."""

SEGMENTS = "segments"
"""Kind of axolotl's template-free `input_output` layout: text pieces, each trained on or masked
(`dataqa.ingest.pieces`)."""
STEPWISE = "stepwise"
"""Kind of stepwise supervision: a prompt, its solution's steps and a correct/incorrect label per
step, for process reward models (`dataqa.ingest.pieces`)."""

MULTIPLE_CHOICE = "multiple_choice"
"""Kind of multiple-choice records (a question, its choices, the right one), whose layout is found
on the data (`dataqa.ingest.choices`): read as the question with its lettered choices and the right
choice, labelled by its position."""

RFT = "rft"
"""Kind and layout of OpenAI reinforcement fine-tuning data: chats that end on a user turn, with the
grader's reference fields beside `messages` (`dataqa.ingest.rft`). Decided per split, on the data."""

MAPPED = "mapped"
"""Name of a layout built from the user's field map."""
LABEL_SET = "array of scalar"
"""Declared type of a multi-label classification's label field: a list of class names or ids, one
set of classes per row (`dataqa.ingest.label_sets`), possibly empty."""
LABEL_FLAG = "flag"
"""Declared type of one of a multi-label classification's flag fields (Jigsaw's "toxic", "insult",
... one column a class): 0 or 1 (or false / true), whether the class the field names applies."""
LABEL_FLAGS = "object of flags"
"""Declared type of a multi-label classification's label field that scores every class 0 or 1 in one
object (spaCy's `"cats": {"bread": 1.0, "baking": 0.0}`): the row's set is the classes that are on."""
LABEL_SCORE = "score"
"""Declared type of a label field that holds a score on a scale, not a class: a number, or a string
that is one as a TSV writes it ("4.2", "3.800", "5"); STS-B's similarity of a sentence pair."""

ROLES: dict[str, str] = {
    "prompt": "the input the model is given (a string; for KTO and preference, also a message list)",
    "context": "extra input appended to the prompt (Alpaca's input, Dolly's context, a pair's second text)",
    "response": "the target the model learns to write",
    "system": "a system prompt",
    "messages": "a conversation: a list of {role, content} or {from, value} messages",
    "chosen": "the preferred answer of a preference pair",
    "rejected": "the rejected answer of a preference pair",
    "label": "a class label; with messages or a prompt and response, KTO's true/false",
    "text": "plain text (continued pre-training; with a label, a classification example)",
    "tools": "tool definitions sent with the example",
    "calls": "the tool calls that are the target: a list of {name, arguments}, or that list as a JSON string",
    "media": "image, video or audio files that go with the input (a path, a URL or a list of them)",
    "history": "earlier turns of the conversation as [question, answer] pairs (LLaMA-Factory's Alpaca)",
    "meta": "metadata: kept with the record, not checked",
}
"""The canonical roles a field can play, the names `--map KEY=ROLE` accepts."""

CONTENT_ROLES = frozenset(
    {
        "prompt", "context", "response", "messages", "chosen", "rejected", "label", "text", "reference",
        "side_a", "side_b", "winner", "calls", "choices",
    }
)  # fmt: skip
"""Roles that make a record what it is; a field in another role (system, tools, meta) is reported
to provider profiles as an extra top-level key (`Structure.keys`). "reference" is the role of a
grader's field in reinforcement fine-tuning data (`dataqa.ingest.rft`); "side_a", "side_b" and
"winner" those of a pairwise comparison's two answers and its verdict (which side is chosen is
the data's, record by record); "choices" a multiple-choice question's choices
(`dataqa.ingest.choices`). These are given by the layouts, not `--map`."""

CONVERSATION_META = (
    "id", "conversation_id", "conversation_hash", "model", "turn", "language", "openai_moderation",
    "detoxify_moderation", "redacted", "toxic", "timestamp",
)  # fmt: skip
"""Keys published chat logs carry beside their "conversation" (LMSYS-Chat-1M, WildChat)."""

ARENA_META = (
    "question_id", "model_a", "model_b", "judge", "turn", "anony", "language", "tstamp",
    "openai_moderation", "toxic_chat_tag", "id",
)  # fmt: skip
"""Keys Chatbot Arena and MT-Bench human-judgement records carry beside the two conversations and
the winner (lmsys/chatbot_arena_conversations, lmsys/mt_bench_human_judgments)."""

PREFERENCE_META = (
    *("id", "prompt_id", "source", "score_chosen", "score_rejected"),
    *("chosen_rating", "rejected_rating", "chosen_model", "rejected_model"),
)
"""Keys preference sets carry beside the pair (UltraFeedback binarized: prompt_id, score_chosen;
Argilla's DPO mixes: each side's rating and model)."""

_PAIR_META = (
    "idx",
    "id",
    "uid",
    "pairID",
    "promptID",
    "captionID",
    "genre",
    "annotator_labels",
    "reason",
    "qid1",
    "qid2",
    "sentence1_parse",
    "sentence2_parse",
    "sentence1_binary_parse",
    "sentence2_binary_parse",
)
"""Keys pair-classification releases carry beside the pair (SNLI's parses and annotators, ANLI's
reason, Quora's question ids)."""

META_KEYS = (
    *("id", "meta", "metadata", "source", "url", "title", "timestamp", "date", "lang", "language"),
    # FineWeb and FineWeb-Edu's crawl fields and scores; Dolma's and peS2o's dates and version
    *("dump", "file_path", "language_score", "token_count", "score", "int_score"),
    *("added", "created", "version"),
)
"""Keys plain pre-training text is often published with (C4, The Pile, RedPajama, FineWeb, Dolma)."""


MESSAGE_KEYS = ("role", "content")
"""What a message's keys are read as, in `Layout.renamed`."""


@dataclass(frozen=True)
class Layout:
    """One record layout: its kind and the (field, role) pairs it reads.

    `fields` are required: a record with all of them is in the layout. `optional` fields are read
    when present. `anchors` claim a record that lacks a required field (so a record without its
    Alpaca "output" is an Alpaca record with a missing field, not a record in no layout); `types`
    restrict detection to records whose field has that JSON type (KTO's boolean label). A `strict`
    layout takes only records without other keys (plain text: a "text" key next to unknown ones
    is more likely a layout that needs a map).
    """

    name: str
    kind: str
    title: str
    example: str
    fields: tuple[tuple[str, str], ...]
    optional: tuple[tuple[str, str], ...] = ()
    anchors: frozenset[str] = frozenset()
    types: tuple[tuple[str, str], ...] = ()
    strict: bool = False
    base: str | None = None
    """For a mapped layout: the built-in layout it was made from."""
    given: tuple[tuple[str, str], ...] = ()
    """For a mapped layout: the field map it was made with, what its summary names (not the fields
    of the built-in layout it kept, which the user never wrote)."""
    lenient: bool = False
    """Numbers and lists of strings or numbers are read as text (the user's own mapped fields)."""
    template: str | None = None
    """For a text layout read as chat (kind `TEMPLATED`): the name of its chat template."""
    renamed: tuple[tuple[str, str], ...] = ()
    """For a chat layout: roles and message keys the file names in its own words, as written -> what
    they are read as: a chat role ("UTILISATEUR" -> user), or "role" / "content" for a message's keys
    ("speaker" -> role, "text" -> content; `dataqa.ingest.role_names`)."""
    first_choice: int | None = None
    """For a multiple-choice layout: the number its answer field gives the first choice (0 or 1)."""
    pair_marker: str | None = None
    """For a classification layout: the token its text field joins two texts with, the pair read as
    a text and its context ("premise<sep>hypothesis", `dataqa.ingest.joined_pairs`)."""

    def renamed_roles(self) -> dict[str, str]:
        """The roles of `renamed`: as written -> the chat role they are read as."""
        return {w: r for w, r in self.renamed if r not in MESSAGE_KEYS}

    def renamed_keys(self) -> dict[str, str]:
        """The message keys of `renamed`: "role" / "content" -> the key the file writes for it."""
        return {r: w for w, r in self.renamed if r in MESSAGE_KEYS}

    @cached_property
    def _by_role(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for f, r in (*self.fields, *self.optional):
            out.setdefault(r, []).append(f)
        return out

    @cached_property
    def _first(self) -> dict[str, str]:
        return {role: found[0] for role, found in self._by_role.items()}

    def source(self, role: str) -> str | None:
        """The first field read in `role` (required fields first), or None."""
        return self._first.get(role)

    def sources(self, role: str) -> list[str]:
        """Every field read in `role`, required ones first."""
        return self._by_role.get(role, [])

    def source_in(self, obj: dict[str, Any], role: str) -> str | None:
        """The first field read in `role` that the record has (a layout may read one role under
        several names: a preference pair's prompt as "prompt", "question" or "input"), else the first."""
        found = self.sources(role)
        return next((f for f in found if lookup(obj, f) is not MISSING), found[0] if found else None)

    def roles(self) -> dict[str, str]:
        """Role -> the field that plays it (the first one), for messages that name the data's fields;
        metadata is left out."""
        out: dict[str, str] = {}
        for f, r in (*self.fields, *self.optional):
            if r != "meta":
                out.setdefault(r, f)
        return out

    @cached_property
    def multi_label(self) -> bool:
        """Whether the layout reads multi-label classification: its label field is declared a set of
        classes (`LABEL_SET`, flag fields, or an object of flags), so each row's label is a set."""
        sets = (LABEL_SET, LABEL_FLAG, LABEL_FLAGS)
        return self.kind == CLASSIFICATION and any(t in sets for _, t in self.types)

    @cached_property
    def scored(self) -> bool:
        """Whether the layout reads a score on a scale as its label (`LABEL_SCORE`: a pair's
        similarity from 0 to 5), a regression target rather than a class."""
        return self.kind == CLASSIFICATION and any(t == LABEL_SCORE for _, t in self.types)

    @cached_property
    def flags(self) -> tuple[str, ...]:
        """The flag fields of a multi-label layout whose classes are one field each (`LABEL_FLAG`):
        a row's set is the names of the fields that are on."""
        return tuple(f for f, t in self.types if t == LABEL_FLAG)

    @cached_property
    def required_keys(self) -> frozenset[str]:
        return frozenset(top_key(f) for f, _ in self.fields)

    @cached_property
    def known_keys(self) -> frozenset[str]:
        """Top-level keys the layout reads: any other is an unknown key (FMT015)."""
        return frozenset(top_key(f) for f, _ in (*self.fields, *self.optional))

    @cached_property
    def core_keys(self) -> frozenset[str]:
        """Top-level keys in a content role; any other key is kept in `structure` for provider profiles."""
        return frozenset(top_key(f) for f, r in (*self.fields, *self.optional) if r in CONTENT_ROLES)

    @property
    def summary(self) -> str:
        """The layout in one line: its title and its fields (what `FORMATS` and messages show)."""
        if self.template is not None:
            title = TEMPLATES[self.template].title
            return f'one text field ("{self.source("text")}") holding chats in the {title} template'
        if self.base is None:
            return self.title
        return "your field map: " + ", ".join(
            f"{f} = {r}" for f, r in self.given or (*self.fields, *self.optional)
        )


def _layout(
    name: str,
    kind: str,
    title: str,
    example: str,
    fields: dict[str, str],
    optional: dict[str, str] | None = None,
    **more: Any,
) -> Layout:
    """A built-in layout; one that reads an optional "system" prompt also reads it as "system_prompt",
    the name Hugging Face exports often give it (OpenOrca, and prompt/response sets beside it)."""
    optional = dict(optional or {})
    if optional.get("system") == "system" and "system" not in fields:
        optional.setdefault("system_prompt", "system")
    return Layout(name, kind, title, example, tuple(fields.items()), tuple(optional.items()), **more)


_SYSTEM = {"system": "system"}
_MEDIA = {"images": "media", "videos": "media", "audios": "media"}
"""Top-level media lists of LLaMA-Factory's and ms-swift's multimodal layouts (`dataqa.ingest.media`)."""
_CHAT_OPTIONAL = {
    # "system" and "schemaVersion": Amazon Bedrock's Claude and Nova records; a root "weight":
    # Fireworks weighted training.
    "tools": "tools",
    "functions": "tools",
    "parallel_tool_calls": "meta",
    "system": "system",
    "schemaVersion": "meta",
    "weight": "meta",
    # HuggingFaceH4's SFT sets (ultrachat_200k, no_robots) repeat the first user turn as "prompt"
    # beside its "prompt_id", as their preference sets do
    "prompt": "meta",
    "prompt_id": "meta",
    **_MEDIA,
}

LAYOUTS: dict[str, Layout] = {
    layout.name: layout
    for layout in [
        _layout(
            CHAT,
            CHAT,
            'OpenAI chat: {"messages": [{"role", "content"}, ...]}',
            '{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}',
            {"messages": "messages"},
            _CHAT_OPTIONAL,
        ),
        # Never a record's own layout (its keys are a chat's): a split is read in it when nearly all
        # of its chats end on a user turn beside grader fields (`dataqa.ingest.rft`), or --format rft.
        _layout(
            RFT,
            RFT,
            'OpenAI reinforcement fine-tuning: {"messages": [..., {"role": "user"}], <grader fields>}',
            '{"messages": [{"role": "user", "content": "2+2?"}], "reference_answer": "4"}',
            {"messages": "messages"},
            _CHAT_OPTIONAL,
        ),
        _layout(
            "conversation",
            CHAT,
            'chat under "conversation": {"conversation": [{"role", "content"}, ...]} (LMSYS-Chat-1M)',
            '{"conversation": [{"role": "user", "content": "Hi"}, '
            '{"role": "assistant", "content": "Hello!"}]}',
            {"conversation": "messages"},
            {
                "system": "system",
                "tools": "tools",
                **dict.fromkeys(CONVERSATION_META, "meta"),
            },
        ),
        _layout(
            "kto_messages",
            KTO,
            'KTO chat: {"messages": [...], "label": true|false}',
            '{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}], '
            '"label": true}',
            {"messages": "messages", "label": "label"},
            {**_SYSTEM, **_MEDIA},
            types=(("label", "boolean"),),
        ),
        _layout(
            "kto_conversations",
            KTO,
            'KTO chat under "conversations": {"conversations": [...], "label": true|false}',
            '{"conversations": [{"role": "user", "content": "Hi"}, '
            '{"role": "assistant", "content": "Hello!"}], "label": true}',
            {"conversations": "messages", "label": "label"},
            {**_SYSTEM, **_MEDIA, "tools": "tools"},
            types=(("label", "boolean"),),
        ),
        _layout(
            SHAREGPT,
            SHAREGPT,
            'ShareGPT: {"conversations": [{"from", "value"}, ...]}',
            '{"conversations": [{"from": "human", "value": "Hi"}, {"from": "gpt", "value": "Hello!"}]}',
            {"conversations": "messages"},
            # LLaVA's single "image" (and "id") beside the conversation
            {"system": "system", "tools": "tools", **_MEDIA, "image": "media", "video": "media"}
            | {"id": "meta"},
        ),
        # UltraChat as released: each dialogue a list of its turns' texts, user first, under "data"
        _layout(
            "data_turns",
            SHAREGPT,
            'turns as a list of texts: {"id", "data": [user, assistant, ...]} (UltraChat)',
            '{"id": "0", "data": ["Hi", "Hello!"]}',
            {"data": "messages"},
            {"id": "meta"},
            types=(("data", "array of string"),),
            strict=True,
        ),
        _layout(
            VERTEX,
            VERTEX,
            'Vertex AI Gemini: {"contents": [{"role": "user"|"model", "parts"}, ...]}',
            '{"contents": [{"role": "user", "parts": [{"text": "Hi"}]}, '
            '{"role": "model", "parts": [{"text": "Hello!"}]}]}',
            {"contents": "messages"},
            {"systemInstruction": "system", "system_instruction": "system", "tools": "tools"},
        ),
        _layout(
            OPENAI_PREFERENCE,
            OPENAI_PREFERENCE,
            'OpenAI DPO: {"input": {"messages"}, "preferred_output", "non_preferred_output"}',
            '{"input": {"messages": [{"role": "user", "content": "Hi"}]}, "preferred_output": '
            '[{"role": "assistant", "content": "Hello!"}], "non_preferred_output": '
            '[{"role": "assistant", "content": "Go away."}]}',
            {"input": "prompt", "preferred_output": "chosen", "non_preferred_output": "rejected"},
            anchors=frozenset({"preferred_output", "non_preferred_output"}),
        ),
        _layout(
            PREFERENCE,
            PREFERENCE,
            '{"prompt", "chosen", "rejected"}',
            '{"prompt": "Hi", "chosen": "Hello!", "rejected": "Go away."}',
            {"chosen": "chosen", "rejected": "rejected"},
            # the prompt as Intel's orca_dpo_pairs ("question"), distilabel ("input") and argilla
            # ("instruction") write it; the conversation before the pair as LLaMA-Factory
            # ("conversations") and axolotl's chat_template.default ("messages") do
            {"prompt": "prompt", "question": "prompt", "input": "prompt", "instruction": "prompt"}
            | {"conversations": "messages", "messages": "messages", "system": "system", "tools": "tools"}
            | {**_MEDIA, "image": "media"}  # RLAIF-V's one image beside the question
            | dict.fromkeys(PREFERENCE_META, "meta"),
        ),
        # Argilla's and distilabel's preference sets: the answers under chosen_response/rejected_response
        _layout(
            "response_pair",
            PREFERENCE,
            'preference as {"instruction", "chosen_response", "rejected_response"} (Argilla)',
            '{"instruction": "Hi", "chosen_response": "Hello!", "rejected_response": "Go away."}',
            {"chosen_response": "chosen", "rejected_response": "rejected"},
            {"instruction": "prompt", "prompt": "prompt", "system": "system"}
            | dict.fromkeys(("chosen_rating", "rejected_rating", "chosen_model", "rejected_model"), "meta")
            | dict.fromkeys(PREFERENCE_META, "meta"),
        ),
        _layout(
            "messages_pair",
            PREFERENCE,
            'preference as two conversations: {"chosen_messages", "rejected_messages"} (LLaMA-Factory v1)',
            '{"chosen_messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": '
            '"Hello!"}], "rejected_messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", '
            '"content": "Go away."}]}',
            {"chosen_messages": "chosen", "rejected_messages": "rejected"},
            {"tools": "tools", "extra_info": "meta"},
        ),
        # Two conversations for one prompt and a verdict that names the better one (Chatbot Arena,
        # MT-Bench human judgements): a preference pair where the verdict is decisive; a tie is
        # no pair (PREF007).
        _layout(
            "pairwise",
            PREFERENCE,
            'pairwise comparison: {"conversation_a", "conversation_b", "winner"} (Chatbot Arena)',
            '{"model_a": "m1", "model_b": "m2", "winner": "model_a", "conversation_a": [{"role": "user", '
            '"content": "Hi"}, {"role": "assistant", "content": "Hello!"}], "conversation_b": [{"role": '
            '"user", "content": "Hi"}, {"role": "assistant", "content": "Go away."}]}',
            {"conversation_a": "side_a", "conversation_b": "side_b", "winner": "winner"},
            dict.fromkeys(ARENA_META, "meta"),
            anchors=frozenset({"conversation_a", "conversation_b"}),
        ),
        # Two answers to a post and a flag that is 1 when A is preferred, 0 when B is (Stanford SHP,
        # SHP-2); the comments' ids, dates and scores are metadata.
        _layout(
            "pairwise_flagged",
            PREFERENCE,
            'two answers and a flag: {"history", "human_ref_A", "human_ref_B", "labels"} (Stanford SHP)',
            '{"history": "Hi", "human_ref_A": "Hello!", "human_ref_B": "Go away.", "labels": 1}',
            {"human_ref_A": "side_a", "human_ref_B": "side_b", "labels": "winner"},
            {"history": "prompt"}
            | dict.fromkeys(
                (
                    *("post_id", "domain", "upvote_ratio", "c_root_id_A", "c_root_id_B"),
                    *("created_at_utc_A", "created_at_utc_B", "score_A", "score_B"),
                    *("seconds_difference", "score_ratio"),
                ),
                "meta",
            ),
        ),
        # Two outputs for one instruction and a preference that is 1 or 2, the better output's
        # number, 1.5 (or 0, AlpacaEval's older files) a draw, a number between them a weighted
        # verdict (AlpacaEval's annotations, AlpacaFarm's human and simulated preferences)
        _layout(
            "pairwise_outputs",
            PREFERENCE,
            'two outputs and a preference: {"instruction", "output_1", "output_2", "preference"} '
            "(AlpacaEval, AlpacaFarm)",
            '{"instruction": "Hi", "output_1": "Go away.", "output_2": "Hello!", "preference": 2}',
            {"output_1": "side_a", "output_2": "side_b", "preference": "winner"},
            {"instruction": "prompt", "input": "context"}
            | dict.fromkeys(
                (
                    *("generator_1", "generator_2", "generator", "dataset", "annotator", "raw_completion"),
                    *("price_per_example", "time_per_example", "datasplit", "preference_raw", "id"),
                ),
                "meta",
            ),
            anchors=frozenset({"output_1", "output_2"}),
        ),
        # Two numbered answers to one prompt and the better one's number (PKU-SafeRLHF): the
        # helpfulness preference; the harmlessness one (safer_response_id) is kept as metadata.
        _layout(
            "pairwise_numbered",
            PREFERENCE,
            'numbered pair: {"prompt", "response_0", "response_1", "better_response_id"} (PKU-SafeRLHF)',
            '{"prompt": "Hi", "response_0": "Go away.", "response_1": "Hello!", "better_response_id": 1, '
            '"safer_response_id": 1}',
            {"response_0": "side_a", "response_1": "side_b", "better_response_id": "winner"},
            {"prompt": "prompt", "system": "system"}
            | dict.fromkeys(
                (
                    "safer_response_id",
                    "is_response_0_safe",
                    "is_response_1_safe",
                    "prompt_source",
                    "response_0_source",
                    "response_1_source",
                    "response_0_harm_category",
                    "response_1_harm_category",
                    "response_0_severity_level",
                    "response_1_severity_level",
                    "id",
                ),
                "meta",
            ),
            anchors=frozenset({"response_0", "response_1"}),
        ),
        _layout(
            KTO,
            KTO,
            'KTO: {"prompt", "completion", "label": true|false}',
            '{"prompt": "Hi", "completion": "Hello!", "label": true}',
            {"prompt": "prompt", "completion": "response", "label": "label"},
            _SYSTEM,
        ),
        _layout(
            PROMPT_COMPLETION,
            PAIR,
            '{"prompt", "completion"}',
            '{"prompt": "Hi", "completion": "Hello!"}',
            {"prompt": "prompt", "completion": "response"},
        ),
        _layout(
            ALPACA,
            PAIR,
            'Alpaca: {"instruction", "input", "output"}',
            '{"instruction": "Translate to French", "input": "Hello", "output": "Bonjour"}',
            {"instruction": "prompt", "output": "response"},
            {"input": "context", "system": "system", "history": "history", **_MEDIA},
            anchors=frozenset({"instruction"}),
        ),
        _layout(
            "instruction_response",
            PAIR,
            'instruction/response: {"instruction", "input"?, "response"}',
            '{"instruction": "Translate to French", "input": "Hello", "response": "Bonjour"}',
            {"instruction": "prompt", "response": "response"},
            {"input": "context", "system": "system"},
        ),
        _layout(
            "dolly",
            PAIR,
            'Dolly: {"instruction", "context", "response", "category"}',
            '{"instruction": "Who wrote it?", "context": "Hamlet is a play by Shakespeare.", '
            '"response": "Shakespeare", "category": "closed_qa"}',
            {"instruction": "prompt", "context": "context", "response": "response"},
            {"category": "meta", "system": "system"},
        ),
        # Extractive QA as SQuAD ships on the Hub: the answers are {"text": [...], "answer_start": [...]},
        # the first text the target; an empty list is SQuAD 2.0's unanswerable question, a "no
        # answer" example. SQuAD's own nested JSON is read into this layout, a record a question
        # (`dataqa.ingest.readers.nested`), with v2.0's is_impossible and plausible_answers; so is
        # MRQA's JSON Lines (a passage a line), with its qid, question tokens and detected answers.
        _layout(
            "question_answers",
            PAIR,
            'extractive QA: {"question", "context", "answers": {"text": [...]}} (SQuAD, on the Hub or '
            'nested as released: {"data": [{"title", "paragraphs": [{"context", "qas": [...]}]}]})',
            '{"id": "5733be28", "title": "Notre_Dame", "context": "Architecturally, the school ...", '
            '"question": "To whom did the Virgin Mary appear?", "answers": {"text": ["Saint Bernadette"], '
            '"answer_start": [515]}}',
            {"question": "prompt", "answers": "response"},
            {"context": "context"}
            | dict.fromkeys(
                (
                    "id",
                    "title",
                    "is_impossible",
                    "plausible_answers",
                    "qid",
                    "question_tokens",
                    "detected_answers",
                ),
                "meta",
            ),
            types=(("answers", "object"),),
        ),
        # Extractive QA written flat, a question a record beside its passage, with its answers as a
        # list: ParsiNLU's reading comprehension ({"question", "passage", "answers": [[start, text],
        # ...], "url"}), or a list of {"text", "answer_start"} or of texts; the first answer is the
        # target, an empty list a question the passage does not answer. The passage is required: a
        # question beside a list of answers alone (WebQuestions) is no extractive QA.
        _layout(
            "question_passage_answers",
            PAIR,
            'extractive QA, answers listed: {"question", "passage", "answers": [[start, text], ...]} '
            "(ParsiNLU reading comprehension; also a list of texts or of {text, answer_start})",
            '{"question": "Which constellation is the sun in?", "passage": "... Aries (21 March) ...", '
            '"answers": [[293, "Aries (21 March)"]], "url": "https://fa.wikipedia.org/..."}',
            {"question": "prompt", "passage": "context", "answers": "response"},
            dict.fromkeys(("id", "title", "url"), "meta"),
            types=(("answers", "array"),),
        ),
        _layout(
            "question_answer",
            PAIR,
            'question/answer: {"question", "answer"}',
            '{"question": "What is the capital of France?", "answer": "Paris"}',
            {"question": "prompt", "answer": "response"},
            # the passage asked about: "context", or "article" (axolotl's context_qa)
            {"context": "context", "article": "context", "system": "system"},
        ),
        # ChatGLM's multi-turn P-Tuning data keeps the earlier exchanges under "history".
        _layout(
            "prompt_response",
            PAIR,
            '{"prompt", "response"} (ChatGLM: earlier exchanges under "history")',
            '{"prompt": "Hi", "response": "Hello!"}',
            {"prompt": "prompt", "response": "response"},
            {**_SYSTEM, "history": "history"},
        ),
        _layout(
            "question_response",
            PAIR,
            'question/response with a system prompt: {"system_prompt", "question", "response"} (OpenOrca)',
            '{"id": "niv.1", "system_prompt": "You are helpful.", "question": "Hi", "response": "Hello!"}',
            {"question": "prompt", "response": "response"},
            {"system_prompt": "system", "system": "system", "id": "meta"},
        ),
        _layout(
            "problem_solution",
            PAIR,
            'problem/solution: {"problem", "solution"} (MATH, NuminaMath, Magicoder)',
            '{"problem": "What is 2 + 3?", "solution": "2 + 3 = 5: $\\boxed{5}$.", "level": "Level 1"}',
            {"problem": "prompt", "solution": "response"},
            {"level": "meta", "type": "meta", "source": "meta", "lang": "meta", "id": "meta"},
        ),
        # Olympiad and competition sets: a question, the list of its worked solutions, the short final
        # answer beside them (OlympiadBench: "solution" and "final_answer" are lists). Several solutions
        # are alternatives, the first read as the target (`dataqa.ingest.alternatives`). A solution
        # written as one string is left to the guessed request/answer reading (`guesses.pair_fields`),
        # which takes the other keys as metadata.
        _layout(
            "question_solution",
            PAIR,
            'question with its worked solutions listed: {"question", "solution": [...], "final_answer"?} '
            "(OlympiadBench)",
            '{"question": "How many moves are needed?", "solution": ["Two moves suffice: ..."], '
            '"final_answer": ["2"]}',
            {"question": "prompt", "solution": "response"},
            {"context": "context", "system": "system"}
            | dict.fromkeys(("final_answer", "answer", "id", "subfield", "source", "level"), "meta"),
            types=(("solution", "array of string"),),
        ),
        _layout(
            "prompt_canonical_solution",
            PAIR,
            'code with a reference solution: {"prompt", "canonical_solution"} (HumanEval, MultiPL-E)',
            '{"task_id": "T/0", "prompt": "def add(a, b):\\n    \\"\\"\\"Sum of a and b.\\"\\"\\"\\n", '
            '"canonical_solution": "    return a + b\\n", "test": "assert add(1, 2) == 3", '
            '"entry_point": "add"}',
            {"prompt": "prompt", "canonical_solution": "response"},
            {
                "task_id": "meta",
                "test": "meta",
                "entry_point": "meta",
                "declaration": "meta",
                "example_test": "meta",
                "base_input": "meta",
                "plus_input": "meta",
                "atol": "meta",
                "contract": "meta",
            },
        ),
        _layout(
            "problem_generated_solution",
            PAIR,
            'problem/generated_solution: {"problem", "generated_solution"} (OpenMathInstruct)',
            '{"problem": "What is 2 + 3?", "generated_solution": "2 + 3 = \\boxed{5}.", '
            '"expected_answer": "5"}',
            {"problem": "prompt", "generated_solution": "response"},
            dict.fromkeys(("expected_answer", "problem_source", "id"), "meta"),
        ),
        _layout(
            "inputs_targets",
            PAIR,
            'inputs/targets: {"inputs", "targets"} (FLAN, xP3)',
            '{"inputs": "Translate to German: thank you", "targets": "danke", "task": "wmt"}',
            {"inputs": "prompt", "targets": "response"},
            {"task": "meta", "template_type": "meta", "task_name": "meta", "task_source": "meta"},
        ),
        # BigScience's P3 (T0's training mixture): the texts under *_pretokenized, beside their token ids
        _layout(
            "inputs_targets_pretokenized",
            PAIR,
            'P3: {"inputs_pretokenized", "targets_pretokenized"} beside their token ids',
            '{"inputs_pretokenized": "Translate to German: thank you", "targets_pretokenized": "danke", '
            '"inputs": [30355, 12], "targets": [3, 26]}',
            {"inputs_pretokenized": "prompt", "targets_pretokenized": "response"},
            {
                "inputs": "meta",
                "targets": "meta",
                "answer_choices": "meta",
                "is_correct": "meta",
                "weight": "meta",
            },
        ),
        # Evaluation sets with a reference answer per prompt (what a model's output is compared to).
        _layout(
            "prompt_reference",
            PAIR,
            'evaluation prompts with a reference answer: {"prompt", "reference"}',
            '{"category": "math", "prompt": "What is 7 x 6? Answer with a number.", "reference": "42"}',
            {"prompt": "prompt", "reference": "response"},
            {"category": "meta", "id": "meta", "system": "system"},
        ),
        _layout(
            "query_response",
            PAIR,
            '{"query", "response"}',
            '{"query": "Hi", "response": "Hello!"}',
            {"query": "prompt", "response": "response"},
            {"system": "system", "history": "history"},
        ),
        _layout(
            "query_answer",
            PAIR,
            '{"query", "answer"} (CodeFeedback)',
            '{"query": "Reverse a list in Python.", "answer": "Use `items[::-1]`.", "lang": "python"}',
            {"query": "prompt", "answer": "response"},
            {"system": "system", "resource": "meta", "lang": "meta", "id": "meta"},
        ),
        _layout(
            "instruction_response_upper",
            PAIR,
            '{"INSTRUCTION", "RESPONSE"} (Open Assistant\'s and OIG\'s data schema)',
            '{"INSTRUCTION": "Hi", "RESPONSE": "Hello!", "SOURCE": "oasst"}',
            {"INSTRUCTION": "prompt", "RESPONSE": "response"},
            {"SOURCE": "meta", "METADATA": "meta"},
        ),
        _layout(
            "input_text_output_text",
            PAIR,
            '{"input_text", "output_text"} (Vertex AI text-model tuning)',
            '{"input_text": "Classify: I loved it.", "output_text": "positive"}',
            {"input_text": "prompt", "output_text": "response"},
        ),
        _layout(
            "message_pair",
            PAIR,
            '{"message_1", "message_2"} (CAMEL)',
            '{"role_1": "Physicist_RoleType.ASSISTANT", "topic;": "Optics", '
            '"message_1": "What is refraction?", "message_2": "The bending of light between media."}',
            {"message_1": "prompt", "message_2": "response"},
            dict.fromkeys(("role_1", "topic;", "topic", "sub_topic", "id"), "meta"),
        ),
        _layout(
            "prompt_generation",
            PAIR,
            '{"prompt", "generation"} (Metharme)',
            '{"prompt": "Hi", "generation": "Hello!"}',
            {"prompt": "prompt", "generation": "response"},
            _SYSTEM,
        ),
        # A numeric target is a class, not a text to write: such records stay unread (FMT018 with a map).
        _layout(
            "input_target",
            PAIR,
            '{"input", "target"} (Firefly)',
            '{"kind": "Translation", "input": "Translate to French: thank you", "target": "merci"}',
            {"input": "prompt", "target": "response"},
            {"kind": "meta", "id": "meta", "system": "system"},
            types=(("target", "string"),),
        ),
        # Single-turn function calling with the calls as the target (Salesforce xLAM / APIGen): the
        # tool list and the calls are JSON strings, each call {name, arguments}.
        _layout(
            "query_tools_answers",
            PAIR,
            'tool calls: {"query", "tools", "answers": [{"name", "arguments"}]} (xLAM, APIGen)',
            '{"id": 1, "query": "Weather in Paris?", "tools": "[{\\"name\\": \\"weather\\", '
            '\\"parameters\\": {\\"city\\": {\\"type\\": \\"str\\"}}}]", '
            '"answers": "[{\\"name\\": \\"weather\\", \\"arguments\\": {\\"city\\": \\"Paris\\"}}]"}',
            {"query": "prompt", "answers": "calls", "tools": "tools"},
            {"id": "meta"},
            types=(("answers", "string"),),
        ),
        _layout(
            "input_output",
            PAIR,
            '{"input", "output"}',
            '{"input": "Hi", "output": "Hello!"}',
            {"input": "prompt", "output": "response"},
            _SYSTEM,
        ),
        # Text-to-SQL: the question is the prompt, the SQL the target; the database id and the
        # tokenised and parsed forms Spider ships beside them are metadata. Instructions written
        # beside the question (how to match names, what a column means) are part of what the model
        # is given: read as context, like Alpaca's input.
        _layout(
            "question_query",
            PAIR,
            'text-to-SQL: {"question", "query"} (Spider, SParC)',
            '{"db_id": "shop", "question": "How many customers?", "query": "SELECT count(*) FROM customers"}',
            {"question": "prompt", "query": "response"},
            {
                "db_id": "meta",
                "question_toks": "meta",
                "query_toks": "meta",
                "query_toks_no_value": "meta",
                "sql": "meta",
                "context": "context",
                "db_name": "meta",
                "instructions": "context",
            },
        ),
        # Text-to-SQL with the SQL under its own name (Lamini's and WikiSQL-derived exports); an
        # "answer" beside it is the query's result in words, kept as metadata: the SQL is taught.
        _layout(
            "question_sql",
            PAIR,
            'text-to-SQL: {"question", "sql"}',
            '{"question": "How many players are over 30?", "sql": "SELECT COUNT(*) FROM nba WHERE age > 30"}',
            {"question": "prompt", "sql": "response"},
            {"answer": "meta", "db_id": "meta", "table": "meta", "context": "context", "system": "system"},
            types=(("sql", "string"),),
        ),
        # Summarisation sets: the document is the whole prompt, the summary the target.
        _layout(
            "dialogue_summary",
            PAIR,
            'dialogue summarisation: {"dialogue", "summary"} (SAMSum, DialogSum)',
            '{"dialogue": "#Person1#: Lunch at one?\\n#Person2#: Sure.", "summary": "They meet at one."}',
            {"dialogue": "prompt", "summary": "response"},
            {"id": "meta", "fname": "meta", "topic": "meta"},
        ),
        _layout(
            "document_summary",
            PAIR,
            'summarisation: {"document", "summary"} (XSum, Multi-News)',
            '{"document": "The council voted on Tuesday to ...", "summary": "The plan was approved."}',
            {"document": "prompt", "summary": "response"},
            {"id": "meta", "title": "meta"},
        ),
        _layout(
            "article_highlights",
            PAIR,
            'news summarisation: {"article", "highlights"} (CNN/DailyMail)',
            '{"article": "LONDON (CNN) -- The council voted ...", "highlights": "The plan was approved."}',
            {"article": "prompt", "highlights": "response"},
            {"id": "meta"},
        ),
        _layout(
            "content_summary",
            PAIR,
            'summarisation or generation from content: {"content", "summary"} (AdvertiseGen)',
            '{"content": "type#trousers*fit#loose*colour#black", "summary": "Loose black trousers that ..."}',
            {"content": "prompt", "summary": "response"},
            {"id": "meta", "title": "meta"},
            types=(("content", "string"),),
        ),
        _layout(
            "article_summary",
            PAIR,
            'summarisation: {"article", "summary"}',
            '{"article": "The council voted on Tuesday to ...", "summary": "The plan was approved."}',
            {"article": "prompt", "summary": "response"},
            {"id": "meta", "title": "meta"},
        ),
        _layout(
            "article_abstract",
            PAIR,
            'paper summarisation: {"article", "abstract"} (arXiv, PubMed)',
            '{"article": "We study the ...", "abstract": "We show that ..."}',
            {"article": "prompt", "abstract": "response"},
            {"id": "meta", "section_names": "meta"},
        ),
        _layout(
            SEGMENTS,
            SEGMENTS,
            'template-free: {"segments": [{"label": true|false, "text"}, ...]} (axolotl input_output)',
            '{"segments": [{"label": false, "text": "<s>Hi\\n"}, {"label": true, "text": "Hello!</s>"}]}',
            {"segments": "messages"},
            types=(("segments", "array"),),
        ),
        _layout(
            STEPWISE,
            STEPWISE,
            'stepwise supervision: {"prompt", "completions": [steps], "labels": [true|false per step]}',
            '{"prompt": "Is 9.8 or 9.11 larger?", "completions": ["0.8 > 0.11.", "So 9.8 is larger."], '
            '"labels": [true, true]}',
            {"prompt": "prompt", "completions": "response", "labels": "label"},
            types=(("completions", "array"), ("labels", "array")),
        ),
        # Sentence-pair classification (GLUE, SNLI, MultiNLI, ANLI, Quora, MRPC, BoolQ): both
        # texts are the input, the first as "text", the second as "context".
        _layout(
            "sentence_pair",
            CLASSIFICATION,
            'sentence pair: {"sentence1", "sentence2", "label"} (GLUE MRPC, RTE, STS-B)',
            '{"sentence1": "The cat sat.", "sentence2": "A cat was sitting.", "label": 1, "idx": 0}',
            {"sentence1": "text", "sentence2": "context", "label": "label"},
            dict.fromkeys(_PAIR_META, "meta"),
        ),
        # Semantic textual similarity (STS-B as released, KorSTS, stsb_multi_mt): the pair is the input,
        # its similarity a score from 0 to 5, averaged over annotators.
        _layout(
            "sts",
            CLASSIFICATION,
            'sentence similarity: {"sentence1", "sentence2", "score"} (STS-B as released, KorSTS)',
            '{"genre": "main-captions", "filename": "MSRvid", "year": "2012test", "id": "0001", '
            '"score": 5.0, "sentence1": "A plane is taking off.", '
            '"sentence2": "An air plane is taking off."}',
            {"sentence1": "text", "sentence2": "context", "score": "label"},
            dict.fromkeys((*_PAIR_META, "filename", "year"), "meta"),
            types=(("score", LABEL_SCORE),),
        ),
        _layout(
            "sts_similarity",
            CLASSIFICATION,
            'sentence similarity: {"sentence1", "sentence2", "similarity_score"} (stsb_multi_mt)',
            '{"sentence1": "A plane is taking off.", "sentence2": "An air plane is taking off.", '
            '"similarity_score": 5.0}',
            {"sentence1": "text", "sentence2": "context", "similarity_score": "label"},
            dict.fromkeys(_PAIR_META, "meta"),
            types=(("similarity_score", LABEL_SCORE),),
        ),
        _layout(
            "snli",
            CLASSIFICATION,
            'language inference as shipped: {"sentence1", "sentence2", "gold_label"} (SNLI, MultiNLI)',
            '{"sentence1": "A man plays a guitar.", "sentence2": "A man plays music.", '
            '"gold_label": "entailment", "annotator_labels": ["entailment"], "pairID": "1r1e"}',
            {"sentence1": "text", "sentence2": "context", "gold_label": "label"},
            dict.fromkeys(_PAIR_META, "meta"),
        ),
        _layout(
            "premise_hypothesis",
            CLASSIFICATION,
            'natural language inference: {"premise", "hypothesis", "label"} (MultiNLI, ANLI, XNLI)',
            '{"premise": "A man plays a guitar.", "hypothesis": "A man plays music.", "label": 0}',
            {"premise": "text", "hypothesis": "context", "label": "label"},
            dict.fromkeys(_PAIR_META, "meta"),
        ),
        _layout(
            "question_pair",
            CLASSIFICATION,
            'question pair: {"question1", "question2", "is_duplicate"} (Quora Question Pairs)',
            '{"id": 0, "qid1": 1, "qid2": 2, "question1": "How do I learn Python?", '
            '"question2": "What is the best way to learn Python?", "is_duplicate": 1}',
            {"question1": "text", "question2": "context", "is_duplicate": "label"},
            dict.fromkeys(_PAIR_META, "meta"),
        ),
        _layout(
            "question_pair_label",
            CLASSIFICATION,
            'question pair: {"question1", "question2", "label"} (GLUE QQP)',
            '{"question1": "How do I learn Python?", "question2": "Best way to learn Python?", "label": 1}',
            {"question1": "text", "question2": "context", "label": "label"},
            dict.fromkeys(_PAIR_META, "meta"),
        ),
        _layout(
            "question_sentence",
            CLASSIFICATION,
            'question and sentence: {"question", "sentence", "label"} (GLUE QNLI)',
            '{"question": "When was it built?", "sentence": "The tower was built in 1889.", '
            '"label": "entailment"}',
            {"question": "text", "sentence": "context", "label": "label"},
            dict.fromkeys(_PAIR_META, "meta"),
        ),
        _layout(
            "mrpc",
            CLASSIFICATION,
            'paraphrase pairs as Microsoft ships them: {"Quality", "#1 String", "#2 String"} (MRPC)',
            '{"Quality": 1, "#1 ID": 702876, "#2 ID": 702977, "#1 String": "He said it was good.", '
            '"#2 String": "He called it good."}',
            {"#1 String": "text", "#2 String": "context", "Quality": "label"},
            {"#1 ID": "meta", "#2 ID": "meta"},
        ),
        # Yes/no questions about a passage (BoolQ): a true/false answer is the class, not a text to
        # write; the SuperGLUE release names it "label".
        _layout(
            "boolean_question",
            CLASSIFICATION,
            'yes/no questions: {"question", "passage", "answer": true|false} (BoolQ)',
            '{"question": "is the sky blue", "title": "Sky", "passage": "The sky looks blue because ...", '
            '"answer": true}',
            {"question": "text", "answer": "label"},
            {"passage": "context", "title": "meta", "idx": "meta"},
            types=(("answer", "boolean"),),
        ),
        _layout(
            "boolean_question_label",
            CLASSIFICATION,
            'yes/no questions about a passage: {"question", "passage", "label"} (SuperGLUE BoolQ)',
            '{"question": "is the sky blue", "passage": "The sky looks blue because ...", "idx": 0, '
            '"label": true}',
            {"question": "text", "passage": "context", "label": "label"},
            {"title": "meta", "idx": "meta"},
            types=(("label", "boolean"),),
        ),
        _layout(
            "question_passage_label",
            CLASSIFICATION,
            'questions about a passage with a class: {"question", "passage", "label"} (BoolQ exports)',
            '{"idx": 0, "passage": "The sky looks blue because ...", "question": "is the sky blue", '
            '"label": "true"}',
            {"question": "text", "passage": "context", "label": "label"},
            {"title": "meta", "idx": "meta"},
        ),
        # Multi-label text classification: a set of classes per row, given as a list of class names
        # or ids (an empty list: none of them applies). Before the single-label layout, which a
        # record whose "label" is such a list would otherwise tie with.
        _layout(
            "multi_label",
            CLASSIFICATION,
            'multi-label classification: {"text", "labels": [classes]} (GoEmotions)',
            '{"text": "Thanks, that made my day!", "labels": ["gratitude", "joy"], "id": "ed0b1f"}',
            {"text": "text", "labels": "label"},
            {"context": "context", "id": "meta"},
            types=(("labels", LABEL_SET),),
        ),
        _layout(
            "multi_label_list",
            CLASSIFICATION,
            'multi-label classification: {"text", "label": [classes]}',
            '{"text": "Thanks, that made my day!", "label": [15, 17], "id": "ed0b1f"}',
            {"text": "text", "label": "label"},
            {"context": "context", "id": "meta"},
            types=(("label", LABEL_SET),),
        ),
        # spaCy's own textcat data: every class scored 0 or 1 under "cats" (its multi-label and
        # exclusive classifiers train on the same form)
        _layout(
            "spacy_cats",
            CLASSIFICATION,
            'multi-label classification: {"text", "cats": {class: 0 or 1}} (spaCy)',
            '{"text": "How do I keep bread fresh?", "cats": {"bread": 1.0, "baking": 0.0}}',
            {"text": "text", "cats": "label"},
            {"context": "context", "id": "meta", "meta": "meta"},
            types=(("cats", LABEL_FLAGS),),
        ),
        _layout(
            CLASSIFICATION,
            CLASSIFICATION,
            '{"text", "label"} (a second text of a pair as "context")',
            '{"text": "Where is my refund?", "label": "billing"}',
            {"text": "text", "label": "label"},
            {"context": "context"},
        ),
        # A chat rendered into a text field named "chat" beside its system prompt (glaive's
        # function-calling sets: "USER: ... ASSISTANT: <functioncall> ... FUNCTION RESPONSE: ..."),
        # read in the template its records carry, as a "text" field is.
        _layout(
            "system_chat",
            TEXT,
            'a rendered chat beside its system prompt: {"system", "chat"} (glaive function calling)',
            '{"system": "SYSTEM: You are a helpful assistant.", "chat": "USER: Hi\\n\\n\\nASSISTANT: '
            'Hello! <|endoftext|>"}',
            {"chat": "text"},
            {"system": "system"},
            strict=True,
        ),
        _layout(
            TEXT,
            TEXT,
            'plain text for continued pre-training: {"text"}',
            '{"text": "The mitochondria is the powerhouse of the cell."}',
            {"text": "text"},
            {key: "meta" for key in META_KEYS},
            strict=True,
        ),
    ]
}
"""Every built-in layout, in the order that breaks ties between equally good matches."""


def templated(layout: Layout, template: str) -> Layout:
    """A text layout (built-in or mapped) read as chat in `template` (`dataqa.ingest.chat_templates`)."""
    return replace(layout, kind=TEMPLATED, template=template)


def plain_form(layout: Layout) -> Layout:
    """A layout decided per split (a chat template, RFT, roles renamed) as the layout its records are
    in without that decision: the text layout, OpenAI chat, the chat layout as its roles are."""
    if layout.kind == RFT:
        return LAYOUTS[CHAT]
    if layout.renamed:
        return replace(layout, renamed=())
    return replace(layout, kind=TEXT, template=None)


def top_key(source: str) -> str:
    """The top-level key a field path starts with ("instances.0.output" -> "instances")."""
    return source.split(".", 1)[0]


_MISSING = object()


def lookup(obj: dict[str, Any], source: str) -> Any:
    """The value of field `source` in `obj`, or `MISSING`: a key, or a dotted path into nested
    objects and lists ("instances.0.output") when no key has the dotted name itself."""
    if source in obj:
        return obj[source]
    if "." not in source:
        return _MISSING
    value: Any = obj
    for step in source.split("."):
        if isinstance(value, dict) and step in value:
            value = value[step]
        elif isinstance(value, list) and step.isdigit() and int(step) < len(value):
            value = value[int(step)]
        else:
            return _MISSING
    return value


MISSING = _MISSING
"""What `lookup` returns for a field the record does not have."""
