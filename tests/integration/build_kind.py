"""What kind of build the residns binary under test is: memory figures mean little under
AddressSanitizer (shadow memory, a quarantine of freed blocks), so memory-bound tests skip them."""

from __future__ import annotations

import functools
import pathlib


@functools.lru_cache(maxsize=None)
def is_sanitized(binary: pathlib.Path) -> bool:
    """True if `binary` was built with AddressSanitizer or ThreadSanitizer."""
    data = pathlib.Path(binary).read_bytes()
    return b"AddressSanitizer" in data or b"ThreadSanitizer" in data
