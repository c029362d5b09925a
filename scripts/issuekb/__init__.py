"""issuekb: a knowledge base of analyses of upstream GitHub issues.

`run_pipeline` (`issuekb.pipeline`) turns a configuration into the knowledge base, its link graph, the
upstream state and every diagnostic; every command and the MkDocs plugin call it. The subpackages:
`core` (model, loading, rules, graph), `upstream` (state file, sync, GitHub), `render` (TRACKING.md and
the site's pages), `publish` (the site's files for MkDocs and Zensical), `authoring` (`new`,
`status`), `init` (the scaffold), `importer` (legacy folders) and `commands` (the click commands).
docs/architecture.md maps them.
"""

from issuekb.config import Config, ConfigError, load_config
from issuekb.core.kb import KnowledgeBase
from issuekb.core.model import Analysis
from issuekb.core.refs import IssueRef
from issuekb.core.schema import Resolution, Status
from issuekb.diagnostics import Diagnostic, Severity
from issuekb.pipeline import Results, load_kb, run_pipeline

__all__ = [
    "Analysis",
    "Config",
    "ConfigError",
    "Diagnostic",
    "IssueRef",
    "KnowledgeBase",
    "Resolution",
    "Results",
    "Severity",
    "Status",
    "load_config",
    "load_kb",
    "run_pipeline",
]
__version__ = "0.1.0"
