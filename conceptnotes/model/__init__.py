"""The document model: what a note says, read by every renderer (see :mod:`.nodes`)."""

from conceptnotes.model.localized import Labels, Localized, Shown  # noqa: F401
from conceptnotes.model.nodes import *  # noqa: F403
from conceptnotes.model.nodes import Block, Inline, plain_text  # noqa: F401
