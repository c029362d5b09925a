"""Counted nouns in generated text: "1 analysis", "2 analyses", never "1 analyses" or "issue(s)"."""

from __future__ import annotations

__all__ = ["counted", "plural"]

_IRREGULAR = {"analysis": "analyses", "repository": "repositories"}


def plural(count: int, singular: str, many: str | None = None) -> str:
    """`singular` when `count` is 1, else `many` (default: the known irregular plural, or `singular + "s"`)."""
    if count == 1:
        return singular
    return many or _IRREGULAR.get(singular, singular + "s")


def counted(count: int, singular: str, many: str | None = None) -> str:
    """`count` and the noun in the form that agrees with it: `counted(1, "analysis")` is "1 analysis"."""
    return f"{count} {plural(count, singular, many)}"
