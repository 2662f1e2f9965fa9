"""InputSpec: the rank and axis sizes a layer accepts, checked with Keras's error messages."""

from __future__ import annotations

from collections.abc import Sequence

ANY_RANK = range(0, 64)


class InputSpec:
    """What a layer expects of an input: an exact or minimum rank and fixed axis sizes.

    Args:
        ndim: the exact rank, or None.
        min_ndim: the minimum rank, or None.
        max_ndim: the maximum rank, or None.
        axes: ``{axis: size}`` for axes whose size is fixed (e.g. channels after build).
    """

    def __init__(
        self,
        dtype=None,
        shape=None,
        ndim=None,
        max_ndim=None,
        min_ndim=None,
        axes=None,
        allow_last_axis_squeeze=False,
        name=None,
        optional=False,
    ):
        self.dtype = dtype
        self.shape = shape
        self.ndim = len(shape) if shape is not None else ndim
        self.max_ndim = max_ndim
        self.min_ndim = min_ndim
        self.axes = dict(axes or {})
        self.allow_last_axis_squeeze = allow_last_axis_squeeze
        self.name = name
        self.optional = optional

    def ranks(self) -> range:
        """The accepted ranks as a range, for a cheap ``in`` test on the hot path."""
        if self.ndim is not None:
            return range(self.ndim, self.ndim + 1)
        lo = self.min_ndim or 0
        hi = self.max_ndim + 1 if self.max_ndim is not None else ANY_RANK.stop
        return range(lo, hi)

    def check(
        self, layer_name: str, shape: Sequence[int | None], index: int = 0, hint: str = ""
    ) -> None:
        """Raise ValueError, Keras-style, if ``shape`` does not meet this spec."""
        shape = tuple(shape)
        ndim = len(shape)
        prefix = f'Input {index} of layer "{layer_name}" is incompatible with the layer: '
        suffix = f"{(' ' + hint) if hint else ''}"
        if self.ndim is not None and ndim != self.ndim:
            raise ValueError(
                f"{prefix}expected ndim={self.ndim}, found ndim={ndim}. "
                f"Full shape received: {shape}.{suffix}"
            )
        if self.min_ndim is not None and ndim < self.min_ndim:
            raise ValueError(
                f"{prefix}expected min_ndim={self.min_ndim}, found ndim={ndim}. "
                f"Full shape received: {shape}.{suffix}"
            )
        if self.max_ndim is not None and ndim > self.max_ndim:
            raise ValueError(
                f"{prefix}expected max_ndim={self.max_ndim}, found ndim={ndim}. "
                f"Full shape received: {shape}.{suffix}"
            )
        for axis, size in self.axes.items():
            if size is None or -ndim > axis or axis >= ndim:
                continue
            if shape[axis] is not None and shape[axis] != size:
                raise ValueError(
                    f"{prefix}expected axis {axis} of input shape to have value "
                    f"{size}, but received input with shape {shape}."
                )
