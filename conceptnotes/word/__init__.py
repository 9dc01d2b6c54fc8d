"""Word files brought in as notes: ``build.py import NOTE.docx`` (see :mod:`.importer`)."""
