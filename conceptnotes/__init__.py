"""conceptnotes: structured Markdown concept notes to official DOCX and PDF documents."""

__version__ = "0.1.0"
