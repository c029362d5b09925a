"""Import hand-kept analysis folders (the "bold field" format) into this knowledge base's layout.

The stages, each in its own module: `discover` lists the legacy tree, `fields` / `status` / `body` /
`tracking` read its files, `gather` turns them into candidate values, `decide` ranks the candidates by
the documented precedence and records every conflict (`scope` says which lines are about the
analysis's own issue), `evidence` weighs commits against a fork clone, `settle` leaves out what the
checker would reject, `emit` writes the front matter as text, `plan` plans, writes and checks,
`report` renders the result.
"""

from issuekb.importer.plan import (
    ImportPlan,
    ImportRefusedError,
    check_plan,
    destinations,
    plan_import,
    run_import,
    write_plan,
)
from issuekb.importer.report import ReportInput, render_json, render_markdown

__all__ = [
    "ImportPlan",
    "ImportRefusedError",
    "ReportInput",
    "check_plan",
    "destinations",
    "plan_import",
    "render_json",
    "render_markdown",
    "run_import",
    "write_plan",
]
