"""Limits for tests that start another Python process.

A limit here guards against a hang, never measures speed: on a busy 2-core machine `import
tkeras` alone was seen taking 54 s (load average 18), so a tight limit would reject correct code.
"""

HANG_GUARD_S = 1800
