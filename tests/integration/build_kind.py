"""What kind of build the residns binary under test is: memory figures mean little under
AddressSanitizer (shadow memory, a quarantine of freed blocks), so memory-bound tests skip them."""

from __future__ import annotations

import functools
import pathlib


@functools.lru_cache(maxsize=None)
def is_sanitized(binary: pathlib.Path) -> bool:
    """True if `binary` was built with AddressSanitizer or ThreadSanitizer (GCC links their
    runtimes dynamically, so the binary names their init functions rather than holding them)."""
    data = pathlib.Path(binary).read_bytes()
    return b"__asan_init" in data or b"__tsan_init" in data
