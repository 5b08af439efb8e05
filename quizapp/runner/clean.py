"""Make a snippet's output safe to put on the learner's terminal.

A snippet must not be able to move the cursor, recolour the screen or paint a fake
"✓ correct": ANSI escape sequences and control characters are removed, keeping only
newlines and tabs. Bidirectional-override characters go too, since they reorder what
the learner reads.
"""

from __future__ import annotations

import re
import unicodedata

_ESCAPES = re.compile(
    r"""
    \x1b\[[0-?]*[ -/]*[@-~]                 # CSI: colours, cursor moves, erase
    | \x1b\][^\x07\x1b]*(?:\x07|\x1b\\|$)   # OSC: titles, hyperlinks (to BEL or ST)
    | \x1b[PX^_][^\x1b]*(?:\x1b\\|$)        # DCS, SOS, PM, APC strings
    | \x1b[ -/]*[0-~]                       # any other escape sequence
    | \x1b                                  # a lone ESC
    """,
    re.VERBOSE,
)
_BIDI = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


def clean_text(text: str) -> str:
    """``text`` without escape sequences or control characters (``\\n``/``\\t`` stay)."""
    text = _ESCAPES.sub("", text).replace("\r\n", "\n")
    if text.isascii() and text.isprintable():
        return text
    return "".join(
        ch for ch in text.translate(_BIDI) if ch in "\n\t" or unicodedata.category(ch) != "Cc"
    )


def clean_output(data: bytes) -> str:
    """Decode a snippet's raw output (UTF-8, invalid bytes replaced) and clean it."""
    return clean_text(data.decode("utf-8", errors="replace"))
