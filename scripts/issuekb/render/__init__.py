"""Stage 6, render: knowledge base + graph + upstream state -> Markdown/HTML/SVG strings. No I/O here."""
