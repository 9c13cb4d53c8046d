"""Braces and dollars that are LaTeX mathematics, not template slots (QUAL002): "{ms}^{-1}" and
"$X_1$" group and quote symbols where "{name}" and "$CUSTOMER_NAME" would be unfilled slots."""

from __future__ import annotations

import re

from dataqa.text.formulas import FORMULA


def environment_name(text: str, token: str) -> bool:
    """Whether `{name}` names a LaTeX environment: the text closes it by name ("\\end{array}", "\\ end
    {mảng}"), whatever its opening command became in translation ("\\ Bắt đầu {mảng}", begin)."""
    return re.search(r"\\\s*end\s*" + re.escape(token), text) is not None


def in_math(text: str, m: re.Match[str]) -> bool:
    """Whether a `$NAME_X` or `${x}` match opens LaTeX inline mathematics: a closing `$` follows on the
    same line (within `MATH_SPAN` characters) and is not itself a variable's opening or a price (no
    Latin letter, digit, `_` or `{` right after it): "$X_1, X_2$ are independent", "$F_X(x)=1-e^{-x}$",
    "${x_n}$ converges", where "$HOME_DIR/bin:$PATH" and "Dear $CUSTOMER_NAME, order $ORDER_ID" are
    variables."""
    end = m.end()
    close = text.find("$", end, end + MATH_SPAN)
    if close < 0 or "\n" in text[end:close]:
        return False
    after = text[close + 1 : close + 2]
    return not (after and after.isascii() and (after.isalnum() or after in "_{"))


MATH_SPAN = 300
"""Characters after a `$` within which LaTeX inline mathematics closes."""


def grouped_in_math(text: str, m: re.Match[str]) -> bool:
    """Whether a `{...}` match is LaTeX grouping inside inline mathematics: an odd number of `$` (not
    `\\$`; `$$` is one) before it on its line, one after it on the line, and no run of three lowercase
    letters in it ("${AB_6}+{BA_6}={CC_6}$", MATH's base-6 digits): a slot names a word."""
    start = text.rfind("\n", 0, m.start()) + 1
    opened = len(re.findall(r"(?<!\\)\$\$?", text[start : m.start()])) % 2 == 1
    line_end = text.find("\n", m.end())
    closes = "$" in text[m.end() : line_end if line_end >= 0 else len(text)]
    return opened and closes and not re.search(r"[a-z]{3}", m.group())


def in_formula(text: str, m: re.Match[str]) -> bool:
    """Whether a `{...}` match lies inside written math (`formulas.FORMULA`: display `\\[...\\]` and
    `$$...$$` over several lines, a math environment, inline `$...$`): there braces group ("{ms}^{-1}",
    "\\Delta {E}_{{el}}", "13.1 {eV}" in MIT OCW's solutions), whatever the word inside them."""
    if "$" not in text and "\\" not in text:
        return False
    return any(
        f.start() < m.start()
        and m.end() <= f.end()
        and (f.group(1) is None or MATH_ENVIRONMENT.fullmatch(f.group(1)))
        for f in FORMULA.finditer(text)
    )


MATH_ENVIRONMENT = re.compile(
    r"(?:equation|align|alignat|flalign|gather|multline|eqnarray|displaymath|math|array|[pbvBV]?matrix|cases"
    r"|split|aligned|gathered)\*?"
)
"""LaTeX environments that hold math; a document's own ("\\begin{letter}", "\\begin{itemize}") holds prose,
where "Dear {{name}}" is still an unfilled slot."""
