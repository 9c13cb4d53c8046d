# ruff: noqa: RUF001  (curly quotes and fullwidth punctuation are data here)
"""QUAL002's slots left on purpose: a placeholder a record's own task works on or leaves for its
reader (a template handed over, a drafted letter's "[Your Name]", a shell command's `{path}`, a
classification set's anonymisation masks), told apart from the debris the check reports."""

from __future__ import annotations

import re
from collections import Counter

import polars as pl

from dataqa.checks.quality.qual001_refusal_boilerplate import IDENTITY_QUESTION

SPECIAL_TOKENS = frozenset({"EOS", "BOS", "UNK", "PAD", "SEP", "CLS", "MASK", "EOT"})
"""Tokenizer special tokens spelled out in angle brackets ("<MASK>", "<EOS>")."""


_SENT = (
    r"(?:(?:this|the|that|a|an|her|his|their|my|our|your|following|these|those|each|every)\s+)?(?:[\w'’-]+\s+)?"
    r"(?:reviews?|e-?mails?|messages?|letters?|comments?|posts?|tweets?|texts?|customers?|complaints?"
    r"|inquir(?:y|ies)|enquir(?:y|ies)|invitations?|notes?|feedback|guests?|clients?|colleagues?|boss"
    r"|recruiters?|landlords?|tenants?|applicants?|candidates?)\b"
)
"""What a reply or response is sent to when it is a draft: an e-mail, a review, a customer."""
DRAFT_TOPIC = (
    r"(?i)\b(?:letters?|e-?mails?|(?:thank[- ]you|short|brief) note|messages?|memos?|invitations?|invites?"
    r"|announcements?|(?:blog |social media |linkedin |facebook )?posts?|tweets?"
    r"|(?:a|an|your|my|our|short|brief|polite|quick|formal|friendly|professional|out-of-office|automatic"
    r"|auto|email|e-mail) repl(?:y|ies)|(?:repl(?:y|ies)|respond|response)(?: back)? to " + _SENT + r""
    r"|cover letter|newsletters?|press release|ads?|advertisements?"
    r"|job (?:description|posting|ad)|speech|toast|(?:greeting|birthday|thank[- ]you|holiday) cards?"
    r"|reminders?|text message"
    r"|lettres?|courriels?|cartas?|correos?|mensajes?|briefe?|anschreiben|nachrichten?|lettera|lettere"
    r"|messaggi|mensagens?|candidatures?|invitaci[oó]n|einladung)\b"
    r"|信件|书信|封信|写信|邮件|郵件|消息|通知|公告|邀请|邀請|帖子|推文|回复|回覆|求职|演讲|致辞"
)
"""What a prompt asks for when its answer is a draft for the user to send: a letter, e-mail, post or
message, a reply to one; "[Your Name]" and "[company name]" there are slots the sender fills in, left
on purpose. "Reply to the user's question" and "respond to the following" ask for an answer, no draft."""
DRAFT_SHAPE = (
    r"(?im)^\s*(?:dear|hi|hello|hey|greetings|to whom it may concern|亲爱的|親愛的|尊敬的|您好)\b"
    r"|^\s*(?:sincerely|best(?: regards| wishes)?|(?:kind |warm |warmest )?regards"
    r"|yours(?: truly| faithfully)?|cheers|thanks(?: again)?|thank you|many thanks|此致|祝好)\b[^\n]{0,40}$"
    r"|^\s*(?:madame|monsieur|ch[eè]re?s?|estimad[oa]s?|querid[oa]s?|sehr geehrte[rn]?|liebe[rn]?|gentile"
    r"|egregi[oa]|prezad[oa]s?)\b|(?:cordialement|salutations distinguées|bien à vous|atentamente|saludos"
    r"|mit freundlichen grüßen|viele grüße|cordiali saluti|distinti saluti|atenciosamente)[^\n]{0,40}$"
)
"""A salutation opening a line or a sign-off closing one: an answer shaped as a letter or message (in
English, Chinese, French, Spanish, German, Italian and Portuguese: "Madame, Monsieur", "Cordialement")."""
_SUPPLIED = r"(?i)\b{noun}\s*(?::|=|\bis\b)\s*\S"
"""The prompt gives the slot's value ("my name is Ada", "Company: Northwind"): the draft should use it."""


TEMPLATE_TOPIC = (
    r"(?i)templates?|placeholders?|fill[ -]?in|fill (?:in|out)|replace|substitut|variables?|\bcode\b|cloze"
    r"|blanks?|mask|clean(?:ing)? up|pre-?process|sanitiz|模板|占位|替换|代码|变量|填空"
    r"|\b(?:given|following|this|provided|same) format\b|\bformat\s*:|格式"
    r"|\bsyntax|syntaxe|sintaxis|sintassi|语法|\bmod[eè]les?\b|plantillas?|vorlagen?|\bmodell[oi]\b"
    r"|remplac|reemplaz|ersetz|sostitu|\bjinja|handlebars|mustache|\btwig\b|thymeleaf|\bliquid\b"
    r"|템플릿|서식|자리\s?표시자|빈칸|변수|코드|テンプレ|雛形|ひな形|プレースホルダ|穴埋め|変数|コード|書式"
)
"""A prompt about templates, placeholders or code (or one that cleans up given text, or that hands
over a format or a syntax to fill: "Format: Hi [name], this is [city] calling!", "la syntaxe suivante :
/[nom du plugin] commande"), in English or another language (Korean "템플릿", Japanese "テンプレート"
too): its placeholders are the material the task works on, not slots the data set forgot to fill."""
_FIELDS_AFTER = r"[ \t]*[-\u2013:\uff1a]?[ \t]*[^\n\[\],.\uff0c\u3002!?]{0,12}?[:\uff1a][ \t]*[^\s\[]"
"""After a bracketed word, a field with its value ("[公司] - 公司名称：`NHN Dooray`", "[Company] - Name:
Acme"): the brackets head a section of given facts, no slot left to fill."""
_REPLACE_IT = (
    r"(?i)(?:replace|fill in|substitut\w*|remplac\w*|reemplaz\w*|ersetz\w*|sostitui\w*|替换|填写)"
    r"[^.\n]{0,40}?{token}"
)
"""An answer that tells its reader to replace a slot it leaves ("veuillez ne pas oublier de remplacer
**[NOM DE L'ENTREPRISE]**"): a template handed over on purpose."""


def material(kind: str, token: str) -> bool:
    """Whether a match is a slot a prompt can hand over as material (not a chat-template token or a
    no-input marker, which are debris wherever they are), a special token such as <MASK> or <mask>
    included, and a language tag ("<EN>"), which a tagging task's prompt and answer both write."""
    slot_kinds = ("template variable", "placeholder", "language tag")
    return kind in slot_kinds or token[1:-1].upper() in SPECIAL_TOKENS


MASK_RECORDS = 3
"""Records of a classification split whose text holds a capitalised bracketed token ("[NAME]") for it
to be the set's anonymisation mask."""


def mask_records(raw: list[tuple[int, str, str, str, str]]) -> Counter[str]:
    """Records of a classification split per capitalised bracketed token in its texts classified
    ("[NAME]", "[RELIGION]") and per braced word there ("{mu}", "{MU}"): counted over the whole split
    (a block's summary adds up), since a bracketed token in `MASK_RECORDS` records or more is the
    set's anonymisation mask, and a braced word written in more than one case is a tag its writers
    type (`masks_of`, `without_masks`)."""
    kept = {(hit[0], hit[3]) for hit in raw if _mask_like(*hit[1:4]) or _tag_like(*hit[1:4])}
    return Counter(token for _, token in kept)


def masks_of(counts: Counter[str]) -> list[str]:
    """The tokens of `mask_records` counts that are no slot left unfilled: the anonymisation masks (in
    `MASK_RECORDS` records or more) and the braced words the split's texts write in more than one
    case ("{MU}" and "{mu}", the trigger tag of a Twitter base account opening its users' tweets). A
    template engine matches a variable's name exactly, so a slot it left is written one way every
    time; people typing a tag write it as they please."""
    spellings = Counter(token.casefold() for token in counts if token.startswith("{"))
    return sorted(
        token
        for token, n in counts.items()
        if (token.startswith("[") and n >= MASK_RECORDS) or spellings[token.casefold()] > 1
    )


def without_masks(
    raw: list[tuple[int, str, str, str, str]], masks: set[str]
) -> list[tuple[int, str, str, str, str]]:
    """`raw` hits of a classification split without its anonymisation masks (`masks`: the tokens
    `mask_records` counts in at least `MASK_RECORDS` records of the split, GoEmotions' masks of
    names) and a writer's "[insert ... here]" aside (`_ASIDE`). A classifier's input is data as
    found, never generated; a slot a template left once ("Where is my transfer from [country]?",
    Banking77) is still reported."""
    return [
        hit
        for hit in raw
        if not ((_mask_like(*hit[1:4]) or _tag_like(*hit[1:4])) and hit[3] in masks)
        and not (hit[1] == "user" and hit[2] == "placeholder" and _ASIDE.match(hit[3]))
    ]


_ASIDE = re.compile(r"(?i)\[(?:insert|add)\b[^\[\]]*\bhere\b")
"""A writer's aside in a text as found ("... not understanding [insert fatlogic excuse here]",
"[INSERT SITCOM LAUGH TRACK HERE]"): the idiom written on purpose, no slot a template left."""


_BRACED_WORD = re.compile(r"\{[^\W\d]\w*\}")


def _tag_like(role: str, kind: str, token: str) -> bool:
    """Whether a hit could be a tag typed by a text's writer: a braced word ("{mu}") in an input."""
    return role == "user" and kind == "template variable" and _BRACED_WORD.fullmatch(token) is not None


def _mask_like(role: str, kind: str, token: str) -> bool:
    """Whether a hit could be an anonymisation mask: a capitalised bracketed token in an input."""
    inner = token[1:-1]
    return role == "user" and kind == "placeholder" and token.startswith("[") and inner.isupper()


def _draft_slot(kind: str, token: str, prompt: str, answer: str) -> bool:
    """Whether a bracketed slot in an answer ("[Your Name]", "[company name]") is left on purpose: the
    answer is a draft the user sends (asked for as a letter, e-mail, post or message, or shaped as one)
    and the prompt does not give the slot's value. A text no one asked for (a pretraining text, an
    empty prompt) is no draft for its asker: "Dear [Your Name]," opening a web page's text is a mail
    merge left unfilled. An answer to who the assistant is, is no draft: its "I am [Bot Name]" is an
    identity the data set forgot to fill."""
    if kind != "placeholder" or not token.startswith("[") or IDENTITY_QUESTION.search(prompt):
        return False
    if not prompt.strip() or not (re.search(DRAFT_TOPIC, prompt) or re.search(DRAFT_SHAPE, answer)):
        return False
    noun = re.escape(token[1:-1].split()[-1].lower().replace("’", "'").rsplit("'", 1)[-1] or "name")
    return re.search(_SUPPLIED.format(noun=noun), prompt) is None


_ROUTE = re.compile(r"(?:^|[\s\"'`(])/[\w.~/{}:-]*/\Z")
"""A host-less path written up to a slot's "/": "/api/users/" in "POST /api/users/{id}", where a route
template names its path parameters in braces (OpenAPI, Flask, Spring)."""
_TOKEN_HEAD = re.compile(r"[^\s\"'`(\[<]*\Z")
_TOKEN_TAIL = re.compile(r"[^\s\"'`)\]>]*")
"""The run of a slot's token before and after it, up to a space, a quote or a bracket."""
_WEB_LINK = re.compile(r"(?i)(?:https?|ftp)://|\bwww\.")
_KEY_SEGMENT = re.compile(r"(?:[a-z0-9_.-]*[a-z0-9_]|\{[^\W\d]\w*\})")
_JOINED_AFTER = re.compile(r":[a-z0-9_{]|/[A-Za-z0-9_{]")
"""A key's or a path's next segment right after a slot ("{service}:{entity}", "{bucket}/logs"); not a
salutation's colon before a letter's text ("尊敬的{客户}:您好", "Dear {name}:Thanks")."""


def notation_slot(text: str, start: int, end: int) -> bool:
    """Whether the `{name}` at text[start:end] is a parameter of a key, path or route pattern, notation
    rather than a slot a writer forgot: a route's path parameter ("POST /users/{user_id}/posts"), a
    segment of a storage path ("s3://bucket/{date}/", "uploads/{id}") or of a cache key joined by ":"
    to a lowercase key name or another parameter ("feed:{follower_id}", "cache:{tenant}:{id}",
    "{service}:{entity}"). A web link's slot is left for its reader to follow ("https://shop.com/track/
    {order_id}"), and a label before a colon ("Name:{name}", "Dear {name}:") is prose: both stay debris."""
    head = _TOKEN_HEAD.search(text, max(start - 200, 0), start)
    joined = head.group() if head else ""
    if _WEB_LINK.search(joined + text[start : _TOKEN_TAIL.match(text, end).end()]):
        return False
    if joined.endswith("/") and (len(joined) > 1 or _ROUTE.search(text, max(start - 300, 0), start)):
        return True  # "bucket/{date}", "/users/{id}": a path's parameter
    if joined.endswith(":") and _KEY_SEGMENT.fullmatch(re.split(r"[:/]", joined[:-1])[-1]):
        return True  # "feed:{follower_id}", "{tenant}:{id}": a key's parameter
    return _JOINED_AFTER.match(text, end) is not None


_COMMAND = re.compile(
    r"(?:^|[:|;&>`$(]|\bsudo)\s*(?:ls|dir|cd|cp|mv|rm|mkdir|rmdir|touch|cat|head|tail|grep|egrep|ping"
    r"|traceroute|tracert|nslookup|dig|ssh|scp|rsync|curl|wget|systemctl|service|journalctl|net|sc|pkill"
    r"|killall|taskkill|chmod|chown|tar|unzip|gzip|git|docker|kubectl|helm|pip3?|npm|npx|yarn|apt|apt-get"
    r"|yum|dnf|brew|python3?|node|sqlite3|psql|mysql|redis-cli|du|df|ps|man|echo|del|xcopy|robocopy"
    r"|ipconfig|ifconfig|ip|ss|netstat|umount|useradd|userdel|passwd|crontab|nano|vim?|az|aws|gcloud"
    r"|terraform|ffmpeg|openssl|sed|awk|wc|ln|stat)(?:[ \t]+(?:\{[^\W\d]\w*\}|[^\s{}|;&]+))*[ \t]+$"
)
"""A shell command up to one of its arguments ("ls -la ", "| Win: net stop "): a `{path}` there is the
argument's slot, as command references write them."""
_NAMED_VALUE = re.compile(r"[/\\~]\w|\w\.\w{2,}|\d\.\d|[\"'`][^\"'`\n]{1,60}[\"'`]")
"""A prompt that names a value a command would take: a path, a host or file name, a quoted word."""


def shell_variable(text: str, start: int, end: int) -> bool:
    """Whether the `$NAME` or `${NAME}` at text[start:end] is a shell or build variable in use, not a
    slot left unfilled: a path's head ("$NVIDIA_PATH/compilers/lib", "${SRC_DIR}/main.cpp"), a value
    assigned or appended ("export PATH=/opt/bin:${PATH}", "CRAY_INC = ${CRAY_INC}"), a command's
    argument ("cd ${PBS_O_WORKDIR}", "cat $PBS_NODEFILE > hosts") or a call's ("set(SOURCE_FILES
    ${top_SRCS})", "add_executable(app ${SOURCE_FILES})"), as HPC and build documentation writes them.
    "Dear ${customer_name}," and "Hi $FIRST_NAME" stay slots."""
    line_start = text.rfind("\n", 0, start) + 1
    before = text[line_start:start]
    return (
        text.startswith("/", end)
        or re.search(r"(?:=[ \t]*|[:=])$", before) is not None
        or _COMMAND.search(before) is not None
        or _SHELL_ARGUMENT.search(before) is not None
        or re.search(r"\b[A-Za-z_]\w*\([^()\n]*$", before) is not None  # CMake's set(SRC ${DIR})
    )


_SHELL_ARGUMENT = re.compile(
    r"\b(?:cd|cat|echo|export|source|ls|cp|mv|rm|mkdir|ln|chmod|tar|grep|module load|mpiexec|mpirun|srun"
    r"|sbatch|qsub|cmake|make|bash|sh|python3?)(?:[ \t]+-{1,2}[\w-]+)*[ \t]+$"
)
"""A shell or build command up to its argument, anywhere on a line ("then cat ", "module load "): prose
about a job script names its commands mid-sentence."""


def _command_slot(token: str, answer: str, request: str) -> bool:
    """Whether a `{name}` slot is the argument of a generic shell command ("ls -la {path}", "systemctl
    restart {service}") answering a request that names no value for it ("Restart a system service"):
    the command is written for any value, as a reference writes it. A request that names the path or
    host ("List /var/log") wanted it filled in."""
    if not token.startswith("{") or token.startswith("{{") or _NAMED_VALUE.search(request):
        return False
    for line in answer.splitlines():
        at = line.find(token)
        while at >= 0:
            if _COMMAND.search(line[:at]):
                return True
            at = line.find(token, at + 1)
    return False


_SLOT = r"\{[^\W\d]\w{0,40}(?:\s\w{1,40}){0,3}\}|\[[^\W\d][^\[\]\n]{0,40}\]|<[^\W\d][^<>\n]{0,40}>"
_PATTERN = re.compile(
    r"(?m)(?::|^)[ \t]*((?:"
    + _SLOT
    + r")(?:[ \t]*[^\w\s{}\[\]<>]?[ \t]*(?:"
    + _SLOT
    + r"))+)[ \t]*[.;,]?(?:\s|$)"
)
"""A pattern handed over after a colon or on its own line, two or more slots and nothing but separators
("... usernames in this format: {adj} {animal}", "{first}.{last}"): the shape the answer fills in."""


def _slot_pattern(token: str, prompt: str) -> bool:
    """Whether a prompt's slot is part of a pattern the prompt hands over (`_PATTERN`), in any language."""
    return any(token in m.group(1) for m in _PATTERN.finditer(prompt))


def _marked_word(token: str, prompt: str, answer: str) -> bool:
    """Whether a braced word of the prompt marks the word its task works on: the answer writes the
    prompt's sentence around it again, the word bare or replaced ("thay thế từ trong niềng răng: Anh ấy
    đã đi du lịch {ngập} với ý tưởng" → "Ông đi du lịch tràn ngập những ý tưởng", replace the word in
    braces). The word itself and half the four words on each side of it must come back in the answer:
    a slot's name echoed alone ("Tell me about {topic}" → "Which topic?") is no sentence written
    again, and a summary of "the report by {author} about sales" does not write "author"."""
    at = prompt.find(token)
    if not token.startswith("{") or token.startswith("{{") or at < 0 or token in answer:
        return False
    near = re.findall(r"\w+", prompt[:at])[-4:] + re.findall(r"\w+", prompt[at + len(token) :])[:4]
    said = {w.lower() for w in re.findall(r"\w+", answer)}
    kept = token[1:-1].lower() in said  # the marked word itself stays in the rewrite ("tràn ngập")
    return kept and len(near) >= 4 and sum(w.lower() in said for w in near) >= len(near) / 2


def without_material(msgs: pl.DataFrame, raw: list[tuple[int, str, str, str, str]]) -> list:
    """`raw` hits (line, role, kind, token, evidence) without the placeholders a record's task works
    on: any in a record whose prompt is about templates, placeholders or code (`TEMPLATE_TOPIC`),
    one that both the prompt and the answer hold (a template handed over and kept), a slot left on
    purpose in a drafted letter or message (`_draft_slot`) or in a generic shell command
    (`_command_slot`), and any in a preference pair's rejected
    answer (a worse answer is what that side is for; the model is trained away from it)."""
    raw = [hit for hit in raw if not (hit[1] == "rejected" and material(hit[2], hit[3]))]
    lines = sorted({line for line, _, kind, token, _ in raw if material(kind, token)})
    if not lines:
        return raw
    asks = pl.col("role").is_in(["user", "system"])
    texts = (
        msgs.filter(pl.col("line").is_in(lines))
        .group_by("line")
        .agg(
            pl.col("content").filter(asks).str.join("\n").alias("prompt"),
            pl.col("content").filter(~asks).str.join("\n").alias("answer"),
            pl.col("content").filter(pl.col("role") == "user").str.join("\n").alias("request"),
        )
    )
    sides = {line: (prompt, answer, request) for line, prompt, answer, request in texts.iter_rows()}
    topic = re.compile(TEMPLATE_TOPIC)
    kept = []
    for hit in raw:
        line, role, kind, token, _ = hit
        prompt, answer, request = sides.get(line, ("", "", ""))
        if material(kind, token) and (
            topic.search(prompt) or (token.lower() in prompt.lower() and token.lower() in answer.lower())
        ):
            continue
        # a language tag is no slot a draft, a command or a field leaves
        if (
            material(kind, token)
            and kind != "language tag"
            and (
                (role == "assistant" and _draft_slot(kind, token, prompt, answer))
                or _command_slot(
                    token, answer if role == "assistant" else prompt, request if role == "assistant" else ""
                )
                or (role in ("user", "system") and _slot_pattern(token, prompt))
                or (role in ("user", "system") and _marked_word(token, prompt, answer))
                or (
                    role == "assistant"
                    and re.search(_REPLACE_IT.replace("{token}", re.escape(token)), answer)
                )
                or re.search(
                    re.escape(token) + _FIELDS_AFTER, prompt if role in ("user", "system") else answer
                )
            )
        ):
            continue
        kept.append(hit)
    return kept
