"""LBL002 near-identical-conflict: near-identical inputs with different labels."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from dataqa.checks.labels import near_inputs
from dataqa.checks.labels.base import (
    DECIDING,
    labels_noun,
    shared_classes,
    split_labels,
    tie,
    weighed_classes,
)
from dataqa.checks.labels.label_aliases import one_class
from dataqa.checks.labels.negation import is_negation
from dataqa.checks.labels.pair_evidence import separates, spelling_slip
from dataqa.checks.labels.vocabulary import APOSTROPHE, WORD, Vocabulary, words
from dataqa.core.models import Finding, Severity
from dataqa.core.options import ranged
from dataqa.engine.context import Context
from dataqa.engine.registry import Check, HeldForm, register
from dataqa.ingest.issues import excerpt
from dataqa.ingest.label_sets import compared_classes
from dataqa.ingest.naming import context_field, input_name, names_hypothesis
from dataqa.text.prompt_asks import QUESTION_MARKS
from dataqa.text.similarity import DEFAULT_SHINGLE, DEFAULT_THRESHOLD, near_duplicate_groups, word_diff
from dataqa.text.typos import is_number, respelt
from dataqa.text.word_lists import FILLER


@register
@dataclass
class NearIdenticalConflict(Check):
    """Near-identical inputs (a word or two apart) with different labels, within one split.

    Inputs are grouped by the shared near-duplicate engine (verified word similarity at least
    `threshold` to the group's first input; what many rows share is discounted, and inputs that
    differ in a number, a name, a negation or, in a short input, the word it turns on, such as
    "physical" / "virtual card", are different inputs); a group is reported when two of its inputs
    that are not the same after normalisation carry different labels (identical inputs are
    LBL001's). Every row of the group is unusable until someone decides. The evidence shows where
    the two inputs differ.
    A difference the set itself explains is no conflict: when a word one input has and the other
    lacks is one the other examples of the first input's label use at least `DECIDING` times as
    often as the second label's examples ("order a virtual card" / "order a card", "what do i
    need to change my oil" / "do i need to ...", "turn off on the plug" / "turn on the plug"; a
    contraction counts as its first word too: "why'd"), that word decides the label, and the two
    labels are both right. So does a word the second label's examples never use when the first
    label's examples usually carry such a word (a playlist's name, a restaurant's place: "create a
    playlist" / "create a playlist popco"). A held-out split's pairs are judged with train's
    examples too. Two forms of the same words are two requests: a question and a statement or
    command (`asks`: "do i need a pin" / "i need a new pin"; a modal request, "can you set a
    reminder", is a command). So is a short request with a word added that the set does not know
    (no other example of either label uses it, one example at most in the whole set, and it is a
    quarter of the words or more: "make me happy" / "make me happy juice"; or, in a set of a few
    hundred examples, added after the request's last word, however long it is: "i want to hear
    the radio" / "... hear radio head please", a band): whether that word decides, no example can
    say, and it is more likely what is asked for than an aside (a number added is not: it
    identifies). So is an input with words added that turn what it says (`adds_turn`: a clause a
    contrast word opens, a negation, a verb that negates: "crack a smile at" / "fail to crack a
    smile at"), and, where each input is a pair of texts (paraphrase, entailment), a clause of
    three words or more added to one of them, its words counted as written, or one text kept and
    the other varied in a word (`one_side_varied`: an inference set's hypotheses to one premise; a
    question pair's question with a content word more, "the poem" / "the poem's interpretation"):
    both labels may be right.
    A group is reported when two of its inputs with different labels differ only in
    words both labels use alike, or in a word no other example has where both labels' examples
    are as varied ("a train ticket to" / "... to denver", two travel intents).
    Two labels LBL001 finds to be one class under two names (`label_aliases`: `BN_NEG"` beside
    `Negative`) are one label here too.
    In multi-label classification the label is the row's set of classes (`[15,17]`): two
    different sets conflict, both named; the words that decide are measured per class
    (`base.weighed_classes`): a word one input adds decides when it goes with a class its set has
    and the other's lacks, against the other's classes, each counted over every row that has it in
    whatever combination ("haha" with amusement: "Haha, that's terrifying" `[1]` / "Oh that's
    terrifying" `[14,26]`).
    Why: when a greeting or an order number is all that separates two examples, different labels
    teach the model noise; either one label is wrong or the deciding detail is missing.
    Example: "Hi, my parcel never arrived, order 48213" labelled `shipping` and "My parcel never
    arrived, order 48877" labelled `billing`.
    Fix: correct the wrong label, or make the difference that decides the label explicit.
    """

    id = "LBL002"
    near = True
    shares = frozenset(
        {
            "bands",
            "distinct",
            "hashes",
            "input_fields",
            "label_aliases",
            "near_groups",
            "near_pairs",
            "split_labels",
            "templates",
        }
    )
    name = "near-identical-conflict"
    family = "labels"
    severity = Severity.WARNING
    needs = frozenset({"label", "text_classes", "classes"})
    threshold: float = ranged(DEFAULT_THRESHOLD, low=0, high=1)

    def held_form(self) -> HeldForm:
        """On a split held on the Ray workers: the near groups of its inputs, their lines' fields and
        what the labelled examples say of their words, made there (`near_inputs.NearInputs`)."""
        return near_inputs.NearInputs(lambda ctx: [("prompt", self.threshold, DEFAULT_SHINGLE)])

    def run(self, ctx: Context) -> Iterator[Finding]:
        same = one_class(ctx)
        for split in _labelled(ctx):
            groups = near_duplicate_groups(ctx, split, column="prompt", threshold=self.threshold)
            info = near_inputs.fields(ctx, split, sorted({line for group in groups for line in group}))
            labels = dict(info.select("line", "split_label").drop_nulls().iter_rows())
            norm = dict(info.select("line", "prompt_norm").iter_rows())
            prompts = dict(info.select("line", "prompt").iter_rows())
            found = 0
            paired = context_field(ctx.splits[split]) is not None
            named = names_hypothesis(ctx.splits[split])
            explains = _explainer(labels, prompts, Vocabulary(ctx, split, prompts), paired, named)
            for group in groups:
                members = [line for line in group if line in labels]
                forms: dict[int, set[str]] = defaultdict(set)
                for line in members:
                    forms[norm[line]].add(labels[line])
                if len(forms) < 2 or not any(
                    not same(a, b)
                    for fa, la in forms.items()
                    for fb, lb in forms.items()
                    if fa != fb
                    for a in la
                    for b in lb
                ):
                    continue
                if all(
                    explains(a, b)
                    for a in members
                    for b in members
                    if a < b and not same(labels[a], labels[b]) and norm[a] != norm[b]
                ):
                    continue
                found += 1
                by_label: dict[str, list[int]] = defaultdict(list)
                for line in members:
                    by_label[labels[line]].append(line)
                locations = [ctx.location(split, line) for line in members]
                summary = ", ".join(f"{lab[:60]!r} x{len(ls)}" for lab, ls in by_label.items())
                first = members[0]
                other = next((line for line in members if not same(labels[line], labels[first])), members[-1])
                changed = word_diff(prompts[first] or "", prompts[other] or "")
                diff = f"{ctx.place(split, first)} ~ {ctx.place(split, other)}: {changed}"
                noun = input_name(ctx.splits[split], plural=True)
                yield self.finding(
                    f"{len(members)} near-identical {split} {noun} carry {len(by_label)} different "
                    f"{labels_noun(ctx, split)}: " + summary + shared_classes(ctx, split, list(by_label)),
                    locations,
                    [
                        *(
                            f"{ctx.place(split, line)} ({labels[line][:40]!r}): {excerpt(prompts[line], 100)}"
                            for line in members[:6]
                        ),
                        diff,
                    ],
                    metrics={"labels": dict(by_label)},
                    unusable=locations,
                )
            self.metrics[f"{split}_near_conflict_groups"] = found


AUXILIARIES = frozenset({"do", "does", "did", "is", "are", "am", "was", "were", "have", "has", "had"})
QUESTION_WORDS = frozenset({"what", "how", "why", "when", "where", "which", "who", "whom", "whose"})
SUBJECTS = frozenset({"i", "you", "we", "they", "he", "she", "it", "there", "this", "that", "these", "those"})
SUBJECTS |= {"my", "your", "our", "their", "his", "her", "its", "the", "a", "an", "any"}
"""Words that follow an auxiliary put before its subject: "do I", "is it", "does my card"."""
ASKING = AUXILIARIES | QUESTION_WORDS
"""Words that open a question when a text starts with them: an auxiliary put before the subject
("do i need a pin") or a question word. Modals ("can", "could", "would") are left out: "can you
play jazz" is a request like "play jazz"."""
MODALS = frozenset(["can", "could", "would", "will", "shall", "should", "may", "might", "must"])
UNKNOWN_SHARE = 0.25
"""An added word the set does not know separates two texts when it is at least this share of the
longer one's words: a word in four of a short request, not a name in a long complaint."""
CONTRASTS = frozenset(
    {
        "but",
        "although",
        "though",
        "however",
        "yet",
        "except",
        "whereas",
        "despite",
        "nevertheless",
        "nonetheless",
        "otherwise",
    }
)
"""Words that open a clause turning what came before it ("fun, but overlong"; "otherwise, a
passable date film")."""
NEGATING_VERBS = frozenset({"fail", "fails", "failed", "failing", "lack", "lacks", "lacked", "lacking"})
"""Verbs that negate what follows them, as "not" does: "(fail to) crack a smile at", "(lacks) any
true emotional connection"."""
CLAUSE_WORDS = 3
"""Words (filler aside) added to one text of a pair of texts that make a clause of their own: in a
paraphrase or entailment pair, information one side has and the other lacks ("..., adding that 18
countries have adopted biotechnology")."""
KNOWN_EXAMPLES = 20
"""A word no example of a label uses says something about it only when the label has this many
other examples: in a small set nearly every word is one no other row has ("reset my password
(quickly)"), and the pair stays a conflict."""
KNOWN_SET = 200
"""A word at most two examples use is one the set does not know only in a set of this many other
examples: among a few dozen rows, most words are written once."""
_LEADING = FILLER - ASKING - MODALS - {"a", "an", "the", "some", "any"}
"""Greetings and politeness words skipped before the opening word ("please, do i need ...")."""


def asks(text: str | None) -> bool | None:
    """Whether a text is a question by its opening word (`ASKING`, or a question word after one
    other word: "in what city"): True; a statement or a command (any other opening): False; None
    when it opens with a modal or has no word. Only a question against a statement of the same
    words tells two labels apart by form alone."""
    words = WORD.findall((text or "").lower())
    while words and APOSTROPHE.sub("", words[0]) in _LEADING:
        words.pop(0)
    if not words:
        return None
    word = words[0]
    plain = APOSTROPHE.sub("", word)
    first = APOSTROPHE.split(word)[0]  # "what's": "what"; "can't": "can"
    negated = plain[:-2] if plain.endswith("nt") else ""  # "don't", "isnt": "do", "is"
    if first in MODALS or plain in MODALS or negated in MODALS | {"ca", "wo", "sha"}:  # can't, won't
        return None
    if first in QUESTION_WORDS:
        return True
    if first in AUXILIARIES or negated in AUXILIARIES:
        # Inverted before its subject ("do i", "is it", "does my card"), not a preposition or an
        # article of another language ("do domu", "am Montag").
        return len(words) > 1 and words[1] in SUBJECTS
    # A preposition before the question word: "in what city", "for how long", "to whom".
    return len(words) > 1 and APOSTROPHE.split(words[1])[0] in QUESTION_WORDS


def adds_turn(mine: list[str], theirs: list[str], paired: bool) -> bool:
    """Whether an input of words `mine` (lower-cased, in order) is one of words `theirs` with words
    added that turn what it says: a clause a contrast word opens ("a tedious mess" / "a tedious
    mess, but a fun one", "the movie's seams may show ... (but)"; "yet" at the end is the adverb
    of time: "it hasn't arrived (yet)"), a
    negation or a verb that negates ("crack a smile at" / "fail to crack a smile at"), so both
    labels may be right (SST-2's phrases and their longer sentences); or, where each input is a
    pair of texts whose relation the label names (`paired`: paraphrase, entailment), a clause of
    `CLAUSE_WORDS` words or more added to one of them, information the other text lacks (MRPC:
    "..., adding that 18 countries have adopted biotechnology" is no paraphrase of a sentence
    without it). The clause's words are counted as written, a word the pair already has elsewhere
    too: "... he said (to a standing ovation)" beside a second sentence "... he said to thunderous
    applause" adds three. Filler aside, nothing of `theirs` may be missing: words swapped are not
    added."""
    if set(theirs) - set(mine) - FILLER:
        return False
    added = set(mine) - set(theirs)
    opens = any(w in CONTRASTS and w in added for w in (mine[:-1] if mine[-1:] == ["yet"] else mine))
    return (
        opens
        or bool(added & NEGATING_VERBS)
        or any(is_negation(w) for w in added)
        or (
            paired
            and sum(n for w, n in (Counter(mine) - Counter(theirs)).items() if w not in FILLER)
            >= CLAUSE_WORDS
        )
    )


def appended(mine: list[str], theirs: set[str], unknown: set[str]) -> bool:
    """Whether the words `unknown` all stand in `mine` (lower-cased, in order) after its last word
    that is a content word of the other text (`theirs`), none of them a number or a code: a text
    complete without them, with an object named at its end ("hear radio (head)", "search google
    (wrzuta)"), not a word put inside its request ("what does (the abbreviation) ioc stand for") or
    an order number tacked on ("... never arrived (48213)"), which identify and ask nothing."""
    shared = [i for i, w in enumerate(mine) if w in theirs and w not in FILLER]
    at = [i for i, w in enumerate(mine) if w in unknown]
    return bool(shared and at) and min(at) > max(shared) and not any(is_number(w) for w in unknown)


_TOKEN = re.compile(r"(?u)\w+(?:['\u2019]\w+)*")
"""A word or a number ("30", "800달러가"): a pair's varied text may differ in a number only."""
PAIR_SEPARATOR = "\n\n"
"""What a pair layout's input joins its two texts with (the text, then the context field)."""
ADDED_SHARE = 0.2
"""Share of the varied text's words that words only added to it must reach to vary what it says: one
word in a five-word sentence (Korean's agglutinated words are few: "금요일에만", "only on Fridays")."""
HYPOTHESIS_SHARE = 2 / 3
"""Length, as a share of the kept text's words, up to which the varied text is a hypothesis to a
premise: any word added to it varies what it says."""


def one_side_varied(
    a: str | None, b: str | None, named: bool = False, function: Callable[[str], bool] | None = None
) -> bool:
    """Whether two inputs that are each a pair of texts (premise and hypothesis, MRPC's two sentences)
    keep one text and vary the other: a word put for another that is neither filler nor a typo fix,
    or words added that are a good part of the varied text (`ADDED_SHARE`). Inference sets write
    several hypotheses to one premise, one per label ("the audience can be seen" / "cannot be seen",
    "Montserrat is a mountain" / "a river", "a month since the (presidential) election", neutral):
    the premise, longer, made them near-identical inputs, yet the varied text is what the label is
    about, so both labels may be right; a hypothesis (at most `HYPOTHESIS_SHARE` of the premise's
    length) is varied by any word added to it, any text by a number added ("they have (200)
    monkeys", "told her (4 times)"). Two adverbs added to one of two sentences of a
    like length ("then", "loudly" in MRPC's) vary nothing: that pair stays one input with two labels
    (`adds_turn` judges a clause added).
    A pair whose texts cannot be told apart (a blank line inside one) is not judged. Where the layout
    names the second text a hypothesis (`named`: `naming.names_hypothesis`), it is one whatever
    its length: IndoNLI's "Air Terjun Pucuk ada di (luar) Sambangan" beside a premise of nine words.
    A typo fix varies nothing, but a hypothesis's word respelt away from the premise's is an edit
    (`edited_from`: IndoNLI's "Bintang Luyten" / "Bintang Loyten", e and c). Given the split's
    `function` words, a content word added that is a good part of what separates the varied text
    from the kept one varies it too (`pair_evidence.separates`: "(Samsung) phone", "(chords of) song"),
    and where both variants are questions (`_question`) any content word added varies what is asked
    (ParsiNLU's "... (تفسیر)؟", the interpretation of a poem and the poem); a function word
    ("remix song X (from) Y") does not."""
    parts = (a or "").split(PAIR_SEPARATOR), (b or "").split(PAIR_SEPARATOR)
    if len(parts[0]) != 2 or len(parts[1]) != 2:
        return False
    for keep, vary in ((0, 1), (1, 0)):
        kept = {" ".join(_TOKEN.findall(p[keep].lower())) for p in parts}
        mine, theirs = (set(_TOKEN.findall(p[vary].lower())) - FILLER for p in parts)
        only_mine, only_theirs = mine - theirs, theirs - mine
        if len(kept) != 1 or not (only_mine or only_theirs):
            continue
        varied_words = max(len(_TOKEN.findall(p[vary])) for p in parts)
        hypothesis = (named and vary == 1) or varied_words <= HYPOTHESIS_SHARE * len(
            _TOKEN.findall(parts[0][keep])
        )
        premise = set(_TOKEN.findall(parts[0][keep].lower()))
        if _typo_fixes(only_mine, only_theirs, premise):
            if hypothesis and edited_from(only_mine, only_theirs, premise):
                return True  # "Bintang Luyten" (e) / "Bintang Loyten" (c) over a premise naming Luyten
            continue
        added = only_mine or only_theirs if not (only_mine and only_theirs) else set()
        counted = any(is_number(word) for word in added)
        share = len(added) >= ADDED_SHARE * max(len(mine), len(theirs))
        if not added or hypothesis or counted or share:
            return True
        if function is None:
            continue
        variants = (set(_TOKEN.findall(parts[0][vary].lower())), set(_TOKEN.findall(parts[1][vary].lower())))
        if separates(added, premise, variants, function):
            return True
        if all(_question(p[vary]) for p in parts) and not all(map(function, added)):
            return True  # "... (تفسیر)؟": a question with a content word more asks for something else
    return False


def _question(text: str) -> bool:
    """Whether a text is a question: it ends on a question mark (Latin, Arabic, fullwidth) or opens
    as one (`asks`). Whether two questions ask the same is what a question-pair label names, and
    every content word of a question narrows what it asks ("the poem" / "the poem's (interpretation)"),
    where a statement a detail longer ("she said (loudly)") can still say the same."""
    return text.rstrip().endswith(QUESTION_MARKS) or asks(text) is True


def edited_from(mine: set[str], theirs: set[str], premise: set[str]) -> bool:
    """Whether a word one hypothesis alone has and one the other alone has are one word respelt on
    purpose (`typos.respelt`: a letter put for another, no keyboard slip), one of them the premise's
    and the other not: the annotator edited the premise's word to write another claim ("dua pemuda"
    / "2 pemudi", young men / young women; "Luyten" / "Loyten"). A letter added, dropped or swapped
    ("railwyas", "Perancis" beside "Prancis") is how typing slips, and stays a typo."""
    return any(respelt(x, y) and (x in premise) != (y in premise) for x in mine for y in theirs)


def _typo_fixes(mine: set[str], theirs: set[str], written: set[str] | frozenset[str] = frozenset()) -> bool:
    """Whether every word one side alone has is a typo of a word the other side alone has. Two words
    the kept text (`written`: a premise's words) holds both of are two words: "karier juniornya ...
    karier seniornya" in the premise, one in each hypothesis."""
    return all(
        any(spelling_slip(x, y) and not (x in written and y in written) for y in other)
        for side, other in ((mine, theirs), (theirs, mine))
        for x in side
    )


def _labelled(ctx: Context) -> list[str]:
    """The splits with a labelled row (`labelled_splits`; a held split: as its reader counted)."""
    return [
        s.name
        for s in ctx
        if (s.elsewhere.labelled > 0 if s.elsewhere is not None else split_labels(ctx, s.name).height)
    ]


def _explainer(
    labels: dict[int, str],
    prompts: dict[int, str | None],
    vocabulary: Vocabulary,
    paired: bool = False,
    named: bool = False,
) -> Callable[[int, int], bool]:
    """`explains(a, b)`: whether what one of the two lines has and the other lacks decides between
    their labels (`tie` >= `DECIDING` over the examples of `vocabulary`, both lines left out of the
    counts), class by class (`weighed_classes`: one class each in single-label data):
    - a word its own label's other examples use that often more than the other label's;
    - or a word the other label's examples never use (a name, a place), where its own label's
      examples carry such a word that often more than the other label's carry one foreign to it:
      "create a playlist" / "create a playlist <name>" when nearly every with-name example has a
      word no plain example uses. Both labels' varied vocabularies ("a train ticket to <city>"
      in two travel intents) leave such a word unexplained."""
    read: dict[int, set[str]] = {}
    used, carrying = vocabulary.used, vocabulary.carrying
    sizes, everywhere = vocabulary.sizes, vocabulary.everywhere  # filled by the first `used`

    def words_of(line: int) -> set[str]:
        if line not in read:
            read[line] = words(prompts.get(line))
        return read[line]

    def ordered(line: int) -> list[str]:
        return WORD.findall((prompts.get(line) or "").lower())

    def alien(found: set[str], label: str) -> bool:
        """Whether a text with these words (a grouped input's) has one no example of `label` uses."""
        their = used(label)
        return any(not their[w] for w in found)

    def decides(line: int, other: int) -> bool:
        extra = words_of(line) - words_of(other)
        return any(
            decides_class(line, other, extra, mine, theirs, shared)
            for mine, theirs, shared in weighed_classes(labels[line], labels[other])
        )

    def decides_class(line: int, other: int, extra: set[str], mine: str, theirs: str, shared: bool) -> bool:
        """Whether a word of `extra` (`line`'s, not `other`'s) goes with class `mine` against class
        `theirs`; `shared`: `line` is one of `theirs`'s examples too, and is left out of them."""
        own, their = used(mine), used(theirs)
        if any(
            tie(own[w] - 1, sizes[mine] - 1, their[w] - shared, sizes[theirs] - 1 - shared) >= DECIDING
            for w in extra
        ):
            return True
        if shared or not any(not their[w] for w in extra):
            return False
        own_share = carrying(mine, theirs) - 1
        their_share = carrying(theirs, mine) - alien(words_of(other), mine)
        return tie(own_share, sizes[mine] - 1, their_share, sizes[theirs] - 1) >= DECIDING

    def adds_unknown(line: int, other: int) -> bool:
        """`line` is `other` with words added (filler aside), and an added word is one the set does
        not know (neither label's other examples use it, at most one other example does) that is at
        least `UNKNOWN_SHARE` of `line`'s words ("make me happy" / "make me happy juice": the juice
        is what is asked for), or that comes after every word of `other` (`appended`): "i want to
        hear the radio" / "... hear radio head please" (a band), "chcę wyszukać na google" / "...
        na google wrzuta" (a query). Whether it decides, no example can say: not a conflict.
        Both labels need `KNOWN_EXAMPLES` other examples for "no example uses it" to mean anything;
        an appended word, which is unknown to the whole set, needs a set of `KNOWN_SET` other
        examples (Leyzer's OpenEngine has 13 examples, the set 5,735)."""
        mine, theirs = words_of(line), words_of(other)
        own_classes, their_classes = compared_classes(labels[line]), compared_classes(labels[other])
        if theirs - mine - FILLER:
            return False
        unknown = [
            w
            for w in mine - theirs - FILLER
            if all(used(c)[w] <= 1 for c in own_classes)  # `used` first: it fills `everywhere`
            and not any(used(c)[w] - (c in own_classes) for c in their_classes)
            and everywhere[w] <= 2
        ]
        if not unknown:
            return False
        known = min(max(sizes[c] for c in own_classes), max(sizes[c] for c in their_classes))
        if known - 1 >= KNOWN_EXAMPLES and len(unknown) >= UNKNOWN_SHARE * len(mine):
            return True
        return vocabulary.examples - 2 >= KNOWN_SET and appended(ordered(line), theirs, set(unknown))

    def differ_in_form(a: int, b: int) -> bool:
        """One is a question, the other a statement or command ("do i need a pin" / "i need a new
        pin", "do i need to verify my identity" / "i need to verify my identity"): two requests."""
        forms = {asks(prompts.get(a)), asks(prompts.get(b))}
        return forms == {True, False}

    return lambda a, b: (
        differ_in_form(a, b)
        or (paired and one_side_varied(prompts.get(a), prompts.get(b), named, vocabulary.function))
        or adds_turn(ordered(a), ordered(b), paired)
        or adds_turn(ordered(b), ordered(a), paired)
        or adds_unknown(a, b)
        or adds_unknown(b, a)
        or decides(a, b)
        or decides(b, a)
    )
