"""Guards for talking to a server that may misbehave: a total deadline per request, rate-limit numbers
read defensively, and one name per page of a paginated listing. Plain Python, no PyGithub.
"""

from __future__ import annotations

import contextlib
import re
import signal
import threading
import time
import urllib.parse
from collections.abc import Iterator, Mapping

__all__ = ["DeadlineExceeded", "deadline", "page_key", "rate_value"]

#: rate-limit header values of more digits than this are absurd (an epoch second has 10)
_MAX_DIGITS = 10


class DeadlineExceeded(BaseException):
    """A request ran past its total deadline (a BaseException: no library code swallows it)."""


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Interrupt the block after `seconds` in all (a socket timeout bounds each read only: a server that
    sends a byte a second would hold a request for ever). A real-time timer signal does it; where none
    can be set (not the main thread, no `setitimer`), the per-read timeout is the only bound."""
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise DeadlineExceeded

    previous = signal.signal(signal.SIGALRM, expire)
    started = time.monotonic()
    earlier, _ = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if earlier:  # someone else's timer was running: it goes on, less the time spent here
            signal.setitimer(signal.ITIMER_REAL, max(earlier - (time.monotonic() - started), 0.001))


def rate_value(name: str, value: str | None, warnings: list[str]) -> int | None:
    """A rate-limit header's value as a number; None when absent, and when not a plain number of at
    most ten digits (a warning then says so: the value is unknown, not a failure)."""
    if value is None:
        return None
    text = value.strip()
    if re.fullmatch(rf"[0-9]{{1,{_MAX_DIGITS}}}(?:\.[0-9]{{1,6}})?", text):
        return int(float(text))
    shown = text[:40] + ("..." if len(text) > 40 else "")
    note = f"the server sent an unusable {name} header ({shown!r}); the rate limit is taken as unknown"
    if note not in warnings:
        warnings.append(note)
    return None


def page_key(url: str, params: Mapping[str, str] | None) -> str:
    """A page of a listing as one string, whether named by path and parameters or by a Link URL (no
    `page` parameter is page 1, as on GitHub)."""
    parts = urllib.parse.urlparse(url)
    query = sorted({"page": "1", **dict(urllib.parse.parse_qsl(parts.query)), **(params or {})}.items())
    return f"{parts.path}?{urllib.parse.urlencode(query)}"
