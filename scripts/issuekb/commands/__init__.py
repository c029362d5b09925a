"""One module per CLI command; each defines `command`. Shared helpers live in `issuekb.commands._common`."""
