"""The upstream state file as one `check` or `tracking` run reads it: its digest first, its bytes when
needed.

TRACKING.md's memo and kept rows belong to the state file's bytes, so every run needs their SHA-256.
The file is as large as the knowledge base (7 MB at 10,000 issues), and reading and hashing it took a
twentieth of a run that the memo answers. So the record cache also keeps the file's size, `mtime_ns`,
`ctime_ns` and inode with its digest (`seen`, as its note), as it does for the analyses (the change time
and the inode see a change of permissions, which can make the file unreadable, and a file renamed
into place with the same size and time stamp): while the file's stat is the
same, the digest is taken from there and the bytes are read only if the state itself is needed (the
kept rows were rendered from other bytes, or none were kept). A file modified in the last seconds is
not remembered (`issuekb.cache`'s racy time stamps), and whatever is read is hashed again.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from pathlib import Path

from issuekb.cache import RACY_NS
from issuekb.config import Config
from issuekb.diagnostics import Diagnostic
from issuekb.upstream import read_state_bytes

__all__ = ["MISSING", "Seen", "StateFile", "read_state_file"]

#: the key of a knowledge base without a state file (not synced yet)
MISSING = "missing"
#: (size, mtime_ns, ctime_ns, inode, SHA-256 in hex) of a state file as read once
Seen = tuple[int, int, int, int, str]


@dataclass(slots=True)
class StateFile:
    """The state file of one run: `key` is its digest (`MISSING` when there is none, "" when it cannot
    be read: `diags` say why); `seen` is what the next run may take the digest from (`read_state_file`)."""

    path: Path
    rel: str
    key: str
    raw: bytes | None
    diags: list[Diagnostic]
    seen: Seen | None

    def _take(self, raw: bytes | None, diags: list[Diagnostic]) -> None:
        self.raw, self.diags = raw, diags
        if raw is not None:
            self.key = hashlib.sha256(raw).hexdigest()
        else:
            self.key, self.seen = ("" if diags else MISSING), None

    def bytes(self) -> bytes | None:
        """The file's bytes (None: no file, or unreadable), read now when only the digest was taken; the
        key then follows what was read, should the file have changed since."""
        if self.raw is None and self.key not in (MISSING, ""):
            before = self.key
            self._take(*read_state_bytes(self.path, self.rel))
            if self.key != before:
                self.seen = None
        return self.raw


def read_state_file(config: Config, hint: object = None) -> StateFile:
    """The state file of `config`; its digest from `hint` (a previous run's `seen`) when its stat is
    the same and not recent, without reading it."""
    path, rel = config.state_file, config.rel(config.state_file)
    try:
        st = path.stat()
    except FileNotFoundError:
        return StateFile(path, rel, MISSING, None, [], None)
    except OSError:
        st = None  # reading it says what is wrong
    now = time.time_ns()
    stat = None
    if st is not None and now - st.st_mtime_ns >= RACY_NS:
        stat = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
    if stat is not None and isinstance(hint, tuple) and len(hint) == 5 and hint[:4] == stat:
        return StateFile(path, rel, str(hint[4]), None, [], (*stat, str(hint[4])))
    state = StateFile(path, rel, "", None, [], None)
    state._take(*read_state_bytes(path, rel))
    if stat is not None and state.raw is not None:
        state.seen = (*stat, state.key)
    return state
