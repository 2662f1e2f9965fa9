"""optimizers."""

__all__: list[str] = []
