"""Publishing: the files a site gets from the knowledge base, for MkDocs (in memory, through the plugin)
and for Zensical (a build folder that `issuekb pages` writes, with a derived mkdocs.yml).
"""
