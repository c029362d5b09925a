"""`issuekb init`: the scaffold of a new knowledge base and how it installs issuekb."""
