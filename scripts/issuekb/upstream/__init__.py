"""Upstream: the state file, what needs attention against it, and `issuekb sync` with its GitHub adapter."""
