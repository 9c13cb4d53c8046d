"""The HTML report's fine-tuning advice ("Should we fine-tune?") and the price and epochs it costs with."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dataqa.engine.config import ReportConfig, VerdictConfig
from dataqa.engine.verdict import is_rft, size_tier
from dataqa.reports.common import fmt_number, trim
from dataqa.reports.html_view import check_metric

if TYPE_CHECKING:
    from dataqa.engine.report import Report

DEFAULT_PRICE_PER_MILLION = ReportConfig.price_per_million_tokens
DEFAULT_EPOCHS = ReportConfig.epochs


def report_settings(report: Report, price: float | None, epochs: int | None) -> tuple[float, int]:
    """The price per million tokens and epochs to cost with: arguments, then config, then defaults."""
    settings = report.config.get("report") or {}
    price = (
        price if price is not None else settings.get("price_per_million_tokens", DEFAULT_PRICE_PER_MILLION)
    )
    epochs = epochs if epochs is not None else settings.get("epochs", DEFAULT_EPOCHS)
    return float(price), int(epochs)


def advice_items(report: Report, vc: VerdictConfig, price: float, epochs: int) -> list[dict[str, str]]:
    """ "Should we fine-tune?": size tier, target format, knowledge lookup, tokens and cost."""
    out: list[dict[str, str]] = []
    usable = report.usable.usable
    train = report.split("train")
    tier, advice = size_tier(usable, vc, is_rft(train.format if train else None))
    tone = {"prompting": "bad", "proof-of-concept": "meh", "production": "good"}.get(tier, "meh")
    out.append({"title": f"Size: {usable:,} usable examples", "tone": tone, "text": advice})

    profile = train.profile if train else {}
    labels = profile.get("labels") or {}
    share = check_metric(report, "train_dominant_share", "format")
    shape = check_metric(report, "train_dominant_shape", "format")
    if train and train.label_source and labels:
        out.append(
            {
                "title": f"Targets: a closed set of {len(labels):,} answers",
                "tone": "good",
                "text": "Every reply is one of a small set of answers, so this is a classification task. "
                "Fine-tuning learns a fixed label set reliably; compare it with a small classifier, "
                "which may be cheaper to run.",
            }
        )
    elif isinstance(share, int | float) and shape and shape != "free text":
        good = share >= 0.95
        out.append(
            {
                "title": f"Targets: {100 * share:.1f}% share one structure",
                "tone": "good" if good else "meh",
                "text": f"The dominant target shape is {trim(str(shape), 120)}. "
                + (
                    "A consistent output format is one of the strongest reasons to fine-tune: the model "
                    "learns the shape so the prompt need not spell it out."
                    if good
                    else "Make the remaining targets follow the same shape: a fine-tune copies inconsistency."
                ),
            }
        )
    elif isinstance(share, int | float):
        out.append(
            {
                "title": "Targets: free text",
                "tone": "meh",
                "text": "Replies are free text with no common structure. Fine-tuning pays when it teaches a "
                "style, a tone or domain language that a good prompt with a few examples cannot; try that "
                "prompt first and keep it as the baseline to beat.",
            }
        )

    knowledge = profile.get("knowledge") or {}
    questions, density = knowledge.get("question_prompts"), knowledge.get("fact_density")
    if isinstance(questions, int | float) and isinstance(density, int | float) and not labels:
        lookup = questions >= 0.5 and density >= 0.1
        out.append(
            {
                "title": "Looks like knowledge lookup" if lookup else "Teaches behaviour rather than facts",
                "tone": "bad" if lookup else "good",
                "text": (
                    f"{100 * questions:.0f}% of inputs are questions and "
                    f"{100 * density:.0f}% of answer words "
                    "are names or numbers. "
                )
                + (
                    "When the answers carry facts, retrieval (search over your documents, put in the prompt) "
                    "is usually cheaper, easier to update and more accurate than fine-tuning the facts in."
                    if lookup
                    else "The answers carry few facts, so the data mostly teaches a behaviour, style or "
                    "format, which is what fine-tuning is good at."
                ),
            }
        )

    tokens = profile.get("tokens_total")
    if isinstance(tokens, int | float) and tokens > 0:
        valid_rows = profile.get("valid_rows") or train.rows if train else 0
        clean_tokens = tokens * usable / valid_rows if valid_rows else tokens
        cost = clean_tokens / 1e6 * price * epochs
        out.append(
            {
                "title": f"Training cost: about ${cost:,.2f}",
                "tone": "info",
                "text": f"{fmt_number(int(tokens))} tokens per epoch as the file stands, about "
                f"{fmt_number(int(clean_tokens))} after dropping unusable rows; {epochs} epoch(s) at "
                f"${fmt_number(price)} per million training tokens. Set your provider's price and epochs "
                "in [tool.dataqa.report] (price-per-million-tokens, epochs). Tokens are estimated, "
                "not counted with your model's tokenizer.",
            }
        )
    test = report.split("test")
    if test is None:
        out.append(
            {
                "title": "No held-out test set",
                "tone": "bad",
                "text": "Without a test set nobody can tell whether the fine-tune beats the base model "
                "with a "
                "good prompt. Hold out a few hundred examples the model never trains on.",
            }
        )
    else:
        leaked = check_metric(report, "test_leaked_fraction", "leakage")
        extra = (
            f" {100 * leaked:.1f}% of it was also found in training."
            if isinstance(leaked, int | float)
            else ""
        )
        out.append(
            {
                "title": f"Evaluation: {test.usable_rows:,} test examples",
                "tone": "good" if test.usable_rows >= 100 else "meh",
                "text": "Compare the fine-tune with the base model and your best prompt on this set before "
                "deciding; a test set of a hundred or more examples makes the comparison meaningful." + extra,
            }
        )
    return out
