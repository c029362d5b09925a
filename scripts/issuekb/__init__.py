"""issuekb: a knowledge base of analyses of upstream GitHub issues.

The core is a pipeline of small modules (load, model, validate, graph, upstream, render) with thin
adapters around it (the CLI, the MkDocs plugin, the GitHub and git adapters).
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
