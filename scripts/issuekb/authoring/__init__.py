"""Authoring: `issuekb new` and `issuekb status`, and the edits they make to one front matter."""
