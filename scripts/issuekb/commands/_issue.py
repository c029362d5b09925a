"""A click command whose first argument is an upstream issue: `-3` is a bad issue number, not an option."""

from __future__ import annotations

import re

import click

from issuekb.commands._common import CouldNotRun

__all__ = ["IssueCommand"]

_NEGATIVE_RE = re.compile(r"-[0-9][0-9.eE+-]*")


class IssueCommand(click.Command):
    """Click reads `-3` as an unknown option; say instead that it is not a positive issue number."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        from issuekb.authoring.new import parse_issue

        for arg in args:
            if _NEGATIVE_RE.fullmatch(arg):
                try:
                    parse_issue(arg, None, "owner/name")
                except ValueError as exc:
                    raise CouldNotRun(str(exc)) from exc
        return super().parse_args(ctx, args)
