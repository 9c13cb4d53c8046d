# ruff: noqa: RUF001, RUF003  (curly quotes, fullwidth punctuation and × are data here)
"""QUAL006 invisible-context: references to an image, file or link the example does not hold."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import polars as pl

from dataqa.checks.quality.common import (
    PROMPT_REPLY,
    asked,
    chosen_turns,
    field_at,
    in_quotation,
    messages,
    record_findings,
    reference_only_requests,
)
from dataqa.core.models import Finding, Severity
from dataqa.engine.context import Context
from dataqa.engine.registry import RECORD, Check, register
from dataqa.ingest.parts import MEDIA_TAG
from dataqa.text.markup import (
    FENCE_RE,
    masked_column,
)
from dataqa.text.redaction import snippet

_MEDIA = (
    r"(?:image|picture|photo(?:graph)?|screenshot|chart|graph|diagram|figure|plot|drawing|illustration|video"
    r"|audio(?: file| clip| recording)?|recording|pdf|spreadsheet|attachment|document|file|scan|map|painting"
    r"|artwork)s?"
)
_VISUAL = r"(?:image|picture|photo(?:graph)?|screenshot|chart|graph|diagram|plot|illustration|video)s?"
_FIGURE = (
    r"\b(?:in|see|shown in|depicted in|according to|based on|look at|refer to)\s+the\s+"
    r"(?:following\s+|given\s+)?figures?(?:\s+(?:above|below|provided|shown|given))?\s*(?:[.,;?!:]|$)"
    r"|\bthe\s+(?:following\s+)?figures?\s+(?:above|below)\b|\bthe\s+following\s+figures?\b"
)
"""A drawn figure pointed at ("the power dissipated by the resistors in the figure.", "see the figure
below"), whose picture a text-only example lacks (TheoremQA's questions beside their `Picture`). Only
"the figure" after a pointing word and before the sentence ends: "a six-figure salary", "figure out"
and a number's "from that figure" are no drawing."""
INVISIBLE_PATTERNS: dict[str, str] = {
    "attachment": rf"\b(?:the|this|these|that|my|an?)\s+(?:attached|uploaded|enclosed|accompanying)"
    rf"\s+{_MEDIA}\b"
    rf"|\b{_MEDIA}\s+(?:(?:i|you)(?:['’]ve| have)?\s+(?:just\s+)?(?:attached|uploaded|sent|shared|included)"
    r"|(?:is|are)\s+attached|attached\s+(?:above|below|here))\b"
    r"|\bsee (?:the )?attach(?:ed|ment)\b|\b(?:i(?:['’]ve| have)|please find) attached\b"
    r"|\battached (?:is|are)\b"
    rf"|^[ \t]*[<\[(]?[ \t]*(?:attached[ \t]+{_MEDIA}|{_MEDIA}[ \t]+attached)[ \t]*[>\])]?[ \t]*$",
    "visual": rf"\b(?:in|from|on|see|look at|describe|analy[sz]e|based on|according to|shown in|depicted in"
    rf"|using|of)\s+(?:this|the|that)\s+{_VISUAL}(?:\s+(?:above|below|provided|shown|given))?\s*(?:[.,;?!]|$)"
    rf"|\b(?:the|this)\s+{_VISUAL}\s+(?:above|below)\b"
    rf"|{_FIGURE}",
    "link": r"\b(?:this|the following|the above|the attached|the provided|the given|the below)"
    r"\s+(?:link|url)\b"
    r"|\b(?:click|open|visit|follow|check out|read|summari[sz]e|watch)\s+(?:this|the)\s+"
    r"(?:link|url|article|website|web ?page|page|video)\b",
    "audio": r"\btranscribe\s+(?:this|the|that|these)\s+(?:following\s+|attached\s+|given\s+)?"
    r"(?:audio(?: file| clip| recording)?|recording|voice (?:note|message|memo)|podcast|clip|video"
    r"|voicemail)s?\b",
}
"""Phrases that point at an image, file, chart or link (matched case-insensitively)."""
_DRAFTED = r"(?:e-?mails?|letters?|messages?|memos?|tweets?|posts?|announcements?|newsletters?|invitations?)"
DRAFT_ASK = (
    rf"(?i)\b(?:write|draft|compose|prepare|create|generate)\b[^.?!\n]{{0,60}}\b{_DRAFTED}\b"
    rf"|\b{_DRAFTED}\b[^.?!\n]{{0,40}}\b(?:should|must|needs? to) be (?:written|drafted|composed)\b"
)
"""A request for a message to be written (an e-mail, a letter, a tweet): what the reply's message says
it attaches or links is the message's, not missing from the example."""
URL_WRITTEN = (
    r"(?i)https?://|www\.|\b[a-z0-9-]+\.(?:com|org|net|io|edu|gov|co|ly|me|ai|dev|app|info|gl|be|to)/[\w-]"
)
"""A URL in the text, with its scheme or without ("docshare.com/12o89", "bit.ly/3xYz": a domain and a
path): a link pointed at and written out is there."""
_CALL_AFTER = re.compile(r"\s*[:,\-–]?\s*[A-Za-z_][\w.]*\(\s*['\"]")
"""A call written out with a quoted argument right after a link or article pointed at ("check the
following link: search('market hours')"): in inline tool-use data the call is what brings it."""
_GENERIC = re.compile(rf"(?i)(?:of|in|on|from|using)\s+the\s+{_VISUAL}\s*[.,;?!]?")
"""A reply's "of the photograph," ("in", "on", "from", "using" too; no "this", "above", "according
to" or "shown in"): when the prompt speaks of no image at all, the reply speaks of photographs in
general, not of one the example lacks."""
POINTED_VISUAL = (
    rf"(?i)\b(?:this|that|these|those|the|my|your|our|his|her|their|attached|following|above|below|given"
    rf"|provided|uploaded)\s+(?:[\w-]+\s+)?{_VISUAL}\b|^\s*{_VISUAL}\b"
)
"""A prompt that speaks of one image, chart or video ("this photo", "the chart below", "my screenshot"),
whose reply's "of the photograph," may describe it; "a video on YouTube", "how to take a photo" speak
of such things in general (PIQA's "How to dislike a video on Youtube" answered "... to the right of the
video.")."""
DEICTIC_VISUAL = (
    rf"(?i)\b(?:this|that|these|those|my|your|our|his|her|their|attached|following|above|below|given"
    rf"|provided|uploaded)\s+(?:[\w-]+\s+)?{_VISUAL}\b|^\s*{_VISUAL}\b"
    rf"|\bthe\s+(?:[\w-]+\s+)?{_VISUAL}\s+(?:above|below|provided|shown|given|attached)\b"
)
"""`POINTED_VISUAL` without a bare "the": a pointing word, a possessive or a place ("the chart below")."""
KIND_PLURAL = (
    r"(?i)(?:^|[^\w\s]\s*|\b(?!(?:the|these|those|my|your|our|his|her|their|its|some|all|both|two|three|four"
    r"|five|six|seven|eight|nine|ten|several)\b)[a-z-]+\s+)"
    r"(?:images|pictures|photos|photographs|screenshots|charts|graphs|diagrams|plots|illustrations|videos)\b"
)
"""A media noun in the bare plural ("Real world images often contain ...", "privacy in images"): a
prompt that writes it so speaks of the kind, and its "the image" ("recover the image from the feature
maps") is any one of them, not a picture pointed at (`DEICTIC_VISUAL` still is)."""


def _points_at_visual(prompt: str) -> bool:
    """Whether a prompt points at one image, chart or video (`POINTED_VISUAL`), not at the kind."""
    if re.search(DEICTIC_VISUAL, prompt):
        return True
    return re.search(POINTED_VISUAL, prompt) is not None and re.search(KIND_PLURAL, prompt) is None


_TASK_INPUT = (
    r"(?i)\b(?:using|with|from|given|for|on|in)\s+(?:only\s+|just\s+)?(?:a|an|one)\s+"
    r"(?:single\s+|[a-z-]+\s+)?{stem}s?\b(?!\s+(?:(?:that|which)\s+)?(?:i|we)\b)"
)
"""An image brought in as the kind of input a task works on ("create a 3D view of a room using only a
single image", "recognise faces from an image"), not one the writer holds ("from a photo I took")."""


def _task_input(before: str, matched: str) -> bool:
    """Whether a match's "that image" or "the image" points back at the image the text before it
    brings in as a task's input (`_TASK_INPUT`): "How can I estimate the depth from that image?"
    after "using only a single image" asks about any such image, and none is missing."""
    return re.match(r"(?i)\W*\w+\s+(?:that|the)\s", matched) is not None and _points_back(
        before, matched, _TASK_INPUT
    )


INVISIBLE_RES = {k: re.compile(p, re.IGNORECASE | re.MULTILINE) for k, p in INVISIBLE_PATTERNS.items()}
INVISIBLE_WORDS = {
    "attachment": ("attach", "upload", "enclosed", "accompanying", "sent", "shared", "included"),
    "visual": (
        "image",
        "picture",
        "photo",
        "screenshot",
        "chart",
        "graph",
        "diagram",
        "plot",
        "illustration",
        "video",
        "figure",
    ),
    "link": ("link", "url", "article", "website", "page", "video"),
    "audio": ("transcribe",),
}
"""Words (lower case) of which every match of a kind's pattern holds one (tests/test_quality_pii.py)."""
_INVISIBLE_ANY = "(?im)" + "|".join(f"(?:{p})" for p in INVISIBLE_PATTERNS.values())
"""Any of the patterns, for polars (Rust regex: the same Unicode case folding, word and space classes)."""
_INVISIBLE_KEYWORDS = (
    r"(?i)attach|upload|enclosed|image|picture|photo|screenshot|chart|graph|diagram|plot|illustration|video"
    r"|figure|link|url|article|website|page|transcribe"
)
MEDIA_PRESENT = (
    r"(?i)<(?:image|video|audio)>|<img\b|!\[[^\]]*\]\(|data:image/|\[asy\]|\\begin\{(?:tikzpicture|figure)\}|<svg\b"
    r"|https?://\S+\.(?:png|jpe?g|gif|webp|svg|pdf|mp4|mp3|wav|csv|xlsx?)\b"
    rf"|\b{MEDIA_TAG}:"
)
"""Signs that the record carries the media itself (an image, video or audio token, markdown image,
data URI, figure code, or a media content part: `dataqa.ingest.parts.media_marker`)."""
DATA_PRESENT = (
    r"(?im)^[ \t]*(?:table|tables|columns?|schema|headers?|fields)[ \t]*:[ \t]*\S|\bcreate\s+table\b|<table\b"
    r"|^[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*(?:\|[ \t]*:?-{3,}:?[ \t]*)+\|?[ \t]*$"
    r"|^[^\t\n]*\t[^\t\n]*\t[^\n]*\n[^\t\n]*\t[^\t\n]*\t"
)
"""Signs that the record carries the data itself: a schema ("table: ...", "columns: ...", CREATE
TABLE), an HTML table, a markdown table's rule line, or two rows of tab-separated cells."""
_IMAGE_NOUNS = re.compile(
    r"(?i)\b(?:image|picture|photo(?:graph)?|screenshot|illustration|drawing|figure|video|audio|recording|scan|map"
    r"|link|url|article|website|web ?page|page)s?\b"
)
"""What a table or schema in the record is not: a reference to one of these still needs the thing itself."""
_NEGATED = re.compile(
    r"(?i)\b(?:nothing|not|no|never|cannot|can['’]?t|couldn['’]?t|unable|forgot|without|instead of)\b"
)
"""A reference that says there is no attachment ("attached is nothing", "I could not attach")."""
_NOUNS = re.compile(
    r"(?i)\b(image|picture|photo(?:graph)?|screenshot|chart|graph|diagram|plot|illustration|figure|video"
    r"|link|url|article|website|web ?page|page)s?\b"
)
_COUNT = (
    r"(?:\d[\d,.]*|a dozen|dozens of|hundreds of|one|two|three|four|five|six|seven|eight|nine|ten|eleven"
    r"|twelve|fifteen|twenty|thirty|forty|fifty|hundred|thousand|several|many|few|more|fewer)"
)


_MEASURE = (
    r"\b\d[\d,.]*\s*-?\s*(?:inch(?:es)?|in\.?|cm|mm|centimet(?:er|re)s?|millimet(?:er|re)s?|f(?:oo|ee)t|ft"
    r"|met(?:er|re)s?|yards?|pixels?|px)"
)
"""A length: a thing measured so ("a 5-inch by 7-inch picture") is an object of the text."""


def _points_back(text: str, matched: str, antecedent: str) -> bool:
    """Whether the matched media noun points back at one `text` brings in: `antecedent` is a pattern
    over the noun's `{stem}` (escaped) that finds where the text brings it in."""
    noun = _NOUNS.search(matched)
    return (
        noun is not None
        and re.search(antecedent.replace("{stem}", re.escape(noun.group(1))), text) is not None
    )


def _counted_in(text: str, matched: str) -> bool:
    """Whether the matched media noun is a counted or measured thing of the text ("draws 9 pictures
    ... on the pictures", "a 5-inch by 7-inch picture is placed on paper ... each side of the picture").

    Word problems and stories count pictures, pages and videos and give their sizes; "the pictures"
    then points back at them, not at media missing from the example.
    """
    counted = (
        rf"(?i)\b(?:{_COUNT}\s+(?:[a-z-]+\s+)?{{stem}}s?|how many\s+(?:[a-z-]+\s+)?{{stem}}s?"
        rf"|{_MEASURE}(?:\s*(?:by|x|\u00d7)\s*{_MEASURE})?\s+(?:[a-z-]+\s+)?{{stem}}s?"
        rf"|{{stem}}s?\s+(?:[a-z-]+\s+)?{_MEASURE})\b"
    )
    return _points_back(text, matched, counted)


_ACTOR = (
    r"(?:user|customer|client|player|visitor|viewer|student|patient|driver|shopper|buyer|seller|camera|app"
    r"|application|system|robot|drone|device|platform|website|service)s?"
)
"""Who acts in a described system or scenario: the media it handles are the scenario's, not attached."""


def _scenario_media(prompt: str, matched: str) -> bool:
    """Whether the matched media noun points back at media a prompt's scenario brings in: an actor of a
    described system handles "a video" ("the user uploads a video in which ... Using the data from the
    video, the app ..."), so "the video" is that one, described, not one the example lacks; "Here is a
    photo" or "I took a photo" bring in one that is missing."""
    actor = rf"(?i)\b(?:the|a|an|each|every|their|its)\s+{_ACTOR}\s+(?:[a-z]+\s+){{1,3}}?(?:a|an)\s+"
    return _points_back(prompt, matched, actor + r"(?:[a-z-]+\s+)?{stem}")


def _noun_is(matched: str, noun: str) -> bool:
    """Whether the medium noun of a match (`_NOUNS`) is `noun`, whatever its case: the exceptions below
    each explain away one noun ("plot", "image", "graph") in its own context."""
    found = _NOUNS.search(matched)
    return found is not None and found.group(1).lower() == noun


_STORY = re.compile(
    r"(?i)\b(?:movies?|films?|stor(?:y|ies)|novels?|books?|series|episodes?|characters?|plays?"
    r"|narrative|screenplay|script|actors?|actress|director|cast|twists?)\b"
)
"""Words of a text about a story: there "the plot" is what happens in it, not a drawn plot."""


def _story_plot(text: str, matched: str) -> bool:
    """Whether the matched noun is a story's plot ("I won't explain more of the plot" in a film review)."""
    return _noun_is(matched, "plot") and _STORY.search(text) is not None


_OPTICS = re.compile(
    r"(?i)\b(?:mirrors?|magnification|magnif(?:y|ies|ied|ying)|convex|concave|refract\w*|convergent|converging"
    r"|divergent|diverging|(?:real|virtual|inverted|upright|erect) image|(?:object|image) distance"
    r"|radius of curvature|at (?:this|the|its) focus|focal plane|prime focus)\b"
    r"|\bobject\b[^.?!\n]{0,60}\b(?:placed|located|positioned)\b"
)
"""Words of geometric optics: an object placed before a mirror or a lens forms "the image" there, a
telescope at its focus ("the image of a planet at this focus"). Read in the record's prompt too: the
answer's "the diameter of the image," is the image its question put at a telescope's focus."""


def _optical_image(text: str, matched: str) -> bool:
    """Whether the matched noun is the image a mirror or a lens forms ("Determine the magnification of
    the image." after "placed 10 cm in front of a convex mirror"), a quantity of the problem, not a
    picture. A lens or a focal length alone says nothing: cameras have them too."""
    return _noun_is(matched, "image") and _OPTICS.search(text) is not None


_GRAPHED = re.compile(
    r"(?i)\b(?:is|are|was|were|be|been)\s+graphed\b"
    r"|\bgraphs?\s+of\s+(?:the\s+)?(?:(?:quadratic|linear|exponential|polynomial|rational|cubic)\s+)?"
    r"(?:functions?|equations?|parabola|line|curve|inequality)\b"
    r"|\bgraphs?\s+of\s+\$?\s*[a-z]\s*(?:\(|=)"
)
"""A graph the text defines by its function or equation ("when f is graphed in the xy-plane", "the graph of
y = 2x + 3", "the graph of the function")."""
_SHOWN = re.compile(r"(?i)\b(?:shown|pictured|depicted|below|above|figure|diagram)\b")


def _defined_graph(text: str, matched: str) -> bool:
    """Whether the matched noun is the graph of a function or equation the text states ("When the
    quadratic function f is graphed in the xy-plane, its vertex is (-2,5). What is the other
    x-intercept of the graph?"): a mathematical object the question defines, not a missing picture;
    "the graph of f is shown below" still points at one."""
    return _noun_is(matched, "graph") and _GRAPHED.search(text) is not None and _SHOWN.search(text) is None


_SEEN = (
    r"(?i)\b(?:the|this|that|your)\s+{noun}s?\s+(?:(?:above|below|you (?:sent|shared|attached|uploaded))\s+)?"
    r"(?:shows?|depicts?|displays?|illustrates?|features?|contains?|captures?|presents?|highlights?|reveals?"
    r"|is (?:showing|of)|has)\b"
)
"""An answer that describes a medium as seen ("the image shows", "this chart depicts")."""


def _answer_describes(answer: str, kind: str, matched: str, unquoted: bool = False) -> bool:
    """Whether an answer treats the media a prompt points at as seen: points at it as the prompt does
    (`unquoted`: outside quotation marks, not by sending the quoted text on), or describes what it "shows"."""
    if any(
        not (unquoted and in_quotation(answer, a.start(), a.end()))
        for a in INVISIBLE_RES[kind].finditer(answer)
    ):
        return True
    noun = _NOUNS.search(matched)
    return noun is not None and re.search(_SEEN.format(noun=re.escape(noun.group(1))), answer) is not None


_TOOL_ASK = re.compile(
    r"(?i)\b(?:suggest|recommend|provide|give|find|indicate|name|need|want|looking for|which|what)\b"
    r"[^.?!\n]{0,30}?\b(?:an?|the|some|any)\s+(?:[\w-]+\s+){0,3}?"
    r"(?:api|model|library|package|framework|tool|algorithm|pipeline)s?"
    r"(?=\s+(?:that|which|to|for|capable|able)\b|\s*[.?!]|\s*$)"
)
"""A request for a tool that would process the media ("Give me an API that can classify the objects in
the images", "suggest a model for ..."): its answer names the tool, whatever the picture shows."""


LINKED_TEXT_WORDS = 40
"""Words besides the pointing sentence from which a record's prompt holds the article or page itself."""


def _sentence_around(text: str, start: int, end: int) -> str:
    """The sentence (or line) that holds text[start:end]."""
    left = max(text.rfind(c, 0, start) for c in ".!?\n") + 1
    rights = [i for i in (text.find(c, end) for c in ".!?\n") if i >= 0]
    return text[left : min(rights) if rights else len(text)]


@register
@dataclass
class InvisibleContext(Check):
    """A prompt or answer refers to an attached image, file, chart or link that is not in the example.

    Why: the model is trained to answer about content it was never shown, which is training it to
    hallucinate; at inference it will "describe the attached chart" when there is none.
    Example: "Describe the attached photo." → "The photo shows a red barn at sunset…"; an input that is
    only "<Picture Attached>"; "Transcribe the recording into text." with no recording.
    Fix: include the content (as text, or as an image part for a vision model) or drop the record.
    Not reported when the record carries the media (an `<image>` token, a markdown image, a figure
    in code, an image content part), for a chart, table, file or document when it carries the data
    (a schema, table rows), or, for links, when it holds the URL or a call written out right after the
    pointer fetches it (inline tool use: "visit this link: search('...')"); a request whose only content is a
    URL or a file name is QUAL011's. A reference inside a passage the prompt hands over (a review's
    "not as long as in the photo", an article's "see the video above") or inside quotation marks (an
    e-mail the user dictates, "Please find attached the report") is that text's own, unless the answer
    describes the media as seen; "the plot" of a film or book is its story, and "the image" a mirror
    or a lens forms is a quantity of an optics problem. A prompt that asks for a tool to process the
    media ("give me an API that can detect the objects in my photo") is answered by the tool, unless
    the answer describes the media as seen.
    """

    id = "QUAL006"
    shares = frozenset({"quality.messages", "quality.reference_only"})
    name = "invisible-context"
    family = "quality"
    scope = RECORD
    severity = Severity.WARNING

    def run(self, ctx: Context) -> Iterator[Finding]:
        for split in ctx:
            # With closed-set answers (labels) the target cannot depend on what the prompt points at.
            roles = ["assistant"] if split.label_source else ["system", "user", "assistant"]
            msgs = messages(ctx, split).filter(pl.col("role").is_in(["system", "user", "assistant"]))
            cand = msgs.filter(pl.col("role").is_in(roles)).filter(
                pl.col("content").str.contains(_INVISIBLE_KEYWORDS)
            )
            cand = (
                cand.with_columns(masked_column(cand))
                # The phrase patterns themselves (one alternation, one pass), vectorised, before the
                # Python loop below (which also checks for negation): common words such as "page" or
                # "graph" pass the keyword filter in most long texts.
                .filter(pl.col("masked").str.contains(_INVISIBLE_ANY))
                .filter(pl.col("masked").str.contains(_INVISIBLE_KEYWORDS))
            )
            # Whether the record carries the media or a URL, asked only of the records still in question.
            questioned = msgs.join(cand.select("line").unique(), on="line", how="semi")
            whole = questioned.group_by("line").agg(pl.col("content").str.join("\n"))
            with_media = whole.filter(pl.col("content").str.contains(MEDIA_PRESENT)).select("line")
            # A chart, table, file or document pointed at is the data the record carries ("What rank
            # was he in this chart?" under the table's schema); an image or a link is not.
            with_data = set(whole.filter(pl.col("content").str.contains(DATA_PRESENT))["line"].to_list())
            with_url = set(whole.filter(pl.col("content").str.contains(URL_WRITTEN))["line"].to_list())
            cand = cand.join(with_media, on="line", how="anti").sort("line", "turn")
            # The record's answers: whether they describe what a prompt points at as if they saw it.
            answers = dict(
                questioned.filter(pl.col("role") == "assistant")
                .group_by("line")
                .agg(pl.col("content").str.join("\n"))
                .rows()
            )
            # What the record's prompt side holds: an article or page pointed at may be right there
            # (its word count), and whether it speaks of images at all (its text).
            prompt_side = (
                questioned.filter(pl.col("role").is_in(["system", "user"]))
                .group_by("line")
                .agg(
                    pl.col("content").str.split(" ").list.len().sum().alias("words"),
                    # a multiple-choice question without its choices, which are answers (the
                    # target's own words among them), not what the prompt shows
                    asked(split, pl.col("content")).str.join("\n"),
                )
            )
            given = dict(prompt_side.select("line", "words").rows())
            prompts = dict(prompt_side.select("line", "content").rows())
            drafts = set(prompt_side.filter(pl.col("content").str.contains(DRAFT_ASK))["line"].to_list())
            speaks_visual = {line for line, text in prompts.items() if _points_at_visual(text)}
            # A request whose only content is a URL or a file name is QUAL011's: one defect, one finding.
            by_reference = {line for line, *_ in reference_only_requests(ctx, split)}
            # A reply that writes code speaks of the image or video its program reads ("process each
            # frame of the video", "the faces in the image"), not of one the example lacks.
            coded = {line for line, text in answers.items() if FENCE_RE.search(text)}
            chosen = chosen_turns(ctx, split)
            hits = []
            for line, role, turn, text in cand.select("line", "role", "turn", "masked").iter_rows():
                if role == "user" and line in by_reference:
                    continue
                # In ASCII text, case-insensitive matching is matching the lower-cased text: a kind
                # whose every match holds one of its words cannot match when none is there.
                lower = text.lower() if text.isascii() else None
                for kind, pattern in INVISIBLE_RES.items():
                    if (kind == "link" and line in with_url) or (kind == "audio" and role == "assistant"):
                        continue  # an answer's "transcribe the recording" is a step it tells, not a request
                    if role == "assistant" and line in drafts and kind in ("attachment", "link"):
                        continue  # "I have attached the slides" in the e-mail the user asked to be written
                    if lower is not None and not any(word in lower for word in INVISIBLE_WORDS[kind]):
                        continue
                    for m in pattern.finditer(text):
                        if kind != "attachment" and (
                            _counted_in(text, m.group(0))
                            or _story_plot(text, m.group(0))
                            or _optical_image(f"{prompts.get(line, '')}\n{text}", m.group(0))
                            or _defined_graph(text, m.group(0))
                        ):
                            continue
                        if line in with_data and not _IMAGE_NOUNS.search(m.group(0)):
                            continue
                        if _scenario_media(prompts.get(line, ""), m.group(0)) or _task_input(
                            text[: m.start()], m.group(0)
                        ):
                            continue  # "the video" a described app's user uploads, "a single image"'s
                        if (
                            role != "assistant"
                            and kind != "link"
                            and _TOOL_ASK.search(prompts.get(line, ""))
                            and not _answer_describes(answers.get(line, ""), kind, m.group(0))
                        ):
                            continue  # "I took a photo ... give me an API to detect its objects"
                        if (
                            role == "assistant"
                            and (line not in speaks_visual or line in coded)
                            and _GENERIC.fullmatch(m.group(0))
                        ):
                            continue  # "elements of the photograph," in a reply on photography in general
                        sentence = _sentence_around(text, m.start(), m.end())
                        passage = given.get(line, 0) - len(sentence.split()) >= LINKED_TEXT_WORDS
                        if kind == "link" and passage:
                            continue  # "Summarize this article:" and the article follows
                        if kind == "link" and _CALL_AFTER.match(text, m.end()):
                            continue  # "read this article: news('...')": the inline call fetches it
                        if (
                            passage
                            and role != "assistant"
                            and not _answer_describes(answers.get(line, ""), kind, m.group(0))
                        ):
                            continue  # a review's "as in the photo": the passage's own words, not asked about
                        if in_quotation(text, m.start(), m.end()) and not _answer_describes(
                            answers.get(line, ""), kind, m.group(0), unquoted=True
                        ):
                            continue  # "Please find attached ..." in an e-mail the user dictates
                        if not _NEGATED.search(sentence):
                            earlier = role == "assistant" and turn < chosen.get(line, turn)
                            where = PROMPT_REPLY if earlier else field_at(split, role, text, m.start())
                            hits.append(
                                (
                                    line,
                                    f"{kind} in {where}",
                                    snippet(text, m.start(), m.end(), 40),
                                )
                            )
                            break
            yield from record_findings(
                self, ctx, split, hits, "refers to content the example does not contain"
            )
