"""Render stage: knowledge base + graph + upstream state -> Markdown/HTML/SVG strings. No I/O here."""
