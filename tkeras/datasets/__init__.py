"""Small datasets that ship with tkeras (no download needed)."""

from tkeras.datasets import digits

__all__ = ["digits"]
