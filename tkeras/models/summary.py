"""``model.summary()``: Keras's table of layers, output shapes and parameter counts."""

from __future__ import annotations

import shutil
import textwrap
from typing import Any

_UNITS = ("B", "KB", "MB", "GB", "TB", "PB")


def readable_memory_size(size: float) -> str:
    """Bytes as Keras prints them: ``212.54 KB``."""
    for unit in _UNITS:
        if size / 1024 < 1:
            return f"{size:.2f} {unit}"
        size /= 1024
    return f"{size:.2f} {_UNITS[-1]}"


def _memory(weights: list) -> int:
    return sum(int(w.numel()) * w.element_size() for w in weights)


def _count(weights: list) -> int:
    return sum(int(w.numel()) for w in weights)


def _format_shape(shape: Any) -> str:
    if shape is None:
        return "?"
    if isinstance(shape, dict):
        return "{" + ", ".join(f"{k}: {_format_shape(v)}" for k, v in shape.items()) + "}"
    if isinstance(shape, list):
        return "[" + ", ".join(_format_shape(s) for s in shape) + "]"
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + ")"


def _output_shape(layer: Any) -> str:
    shape = getattr(layer, "_output_shape", None)
    if shape is None and layer.built:
        try:
            shape = layer.output_shape
        except (AttributeError, NotImplementedError, ValueError, RuntimeError, TypeError):
            shape = None
    return _format_shape(shape)


def _widths(line_length: int, positions: list[float], ncols: int) -> list[int]:
    if positions[-1] <= 1:
        positions = [int(p * line_length) for p in positions]
    raw = [b - a for a, b in zip([0, *positions[:-1]], positions)]
    inner = line_length - (ncols + 1)
    scaled = [max(3, int(w * inner / sum(raw))) for w in raw]
    scaled[0] += inner - sum(scaled)
    return scaled


def _row(cells: list[str], widths: list[int], aligns: str, bar: str) -> list[str]:
    wrapped = [textwrap.wrap(c, w - 2) or [""] for c, w in zip(cells, widths)]
    lines = []
    for i in range(max(len(w) for w in wrapped)):
        parts = []
        for col, w, a in zip(wrapped, widths, aligns):
            text = col[i] if i < len(col) else ""
            parts.append(" " + (text.rjust(w - 2) if a == "r" else text.ljust(w - 2)) + " ")
        lines.append(bar + bar.join(parts) + bar)
    return lines


def _rule(widths: list[int], left: str, mid: str, right: str, fill: str) -> str:
    return left + mid.join(fill * w for w in widths) + right


def _layer_rows(model: Any, expand_nested: bool, show_trainable: bool, prefix: str = "") -> list:
    rows = []
    for layer in model.layers:
        if layer.built:
            params = f"{layer.count_params():,}"
        else:
            params = "0 (unbuilt)"
        row = [f"{prefix}{layer.name} ({type(layer).__name__})", _output_shape(layer), params]
        if show_trainable:
            row.append("Y" if layer.trainable else "N")
        rows.append(row)
        if expand_nested and hasattr(layer, "layers") and layer.layers:
            rows.extend(_layer_rows(layer, expand_nested, show_trainable, prefix + " └ "))
    return rows


def print_summary(model: Any, line_length: int | None = None, positions: list[float] | None = None,
                  print_fn: Any = None, expand_nested: bool = False, show_trainable: bool = False,
                  layer_range: Any = None) -> None:
    """Print (or pass to ``print_fn``) Keras's summary table for ``model``."""
    headers = ["Layer (type)", "Output Shape", "Param #"]
    aligns = "llr"
    positions = list(positions or [0.45, 0.80, 1.0])
    default_length = 88
    if show_trainable:
        headers.append("Trainable")
        aligns += "l"
        default_length += 12
        positions = [p * 0.90 for p in positions] + [1.0]
    if len(positions) != len(headers):
        raise ValueError(f"summary(): `positions` must have {len(headers)} entries, received "
                         f"{len(positions)}: {positions}")
    line_length = line_length or min(default_length, shutil.get_terminal_size().columns - 4)
    widths = _widths(line_length, positions, len(headers))
    rows = _layer_rows(model, expand_nested, show_trainable)
    if layer_range is not None:
        names = [layer.name for layer in model.layers]
        if len(layer_range) != 2 or any(n not in names for n in layer_range):
            raise ValueError(f"summary(): `layer_range` must be two layer names of this model; "
                             f"received {layer_range!r}. Layers: {names}")
        start, end = names.index(layer_range[0]), names.index(layer_range[1])
        rows = rows[start:end + 1]

    lines = [f'Model: "{model.name}"', _rule(widths, "┏", "┳", "┓", "━")]
    lines += _row(headers, widths, aligns, "┃")
    lines.append(_rule(widths, "┡", "╇", "┩", "━"))
    for i, row in enumerate(rows):
        if i:
            lines.append(_rule(widths, "├", "┼", "┤", "─"))
        lines += _row(row, widths, aligns, "│")
    lines.append(_rule(widths, "└", "┴", "┘", "─"))

    trainable = list(model.trainable_weights)
    non_trainable = list(model.non_trainable_weights)
    optimizer = getattr(model, "optimizer", None)
    opt_vars = list(getattr(optimizer, "variables", None) or []) if optimizer is not None else []
    # As in Keras, the total includes the optimizer's slot variables once they exist.
    total = trainable + non_trainable + opt_vars
    lines.append(f" Total params: {_count(total):,} ({readable_memory_size(_memory(total))})")
    lines.append(
        f" Trainable params: {_count(trainable):,} ({readable_memory_size(_memory(trainable))})"
    )
    lines.append(f" Non-trainable params: {_count(non_trainable):,} "
                 f"({readable_memory_size(_memory(non_trainable))})")
    if opt_vars:
        lines.append(f" Optimizer params: {_count(opt_vars):,} "
                     f"({readable_memory_size(_memory(opt_vars))})")
    text = "\n".join(lines) + "\n"
    if print_fn is None:
        print(text, end="")
    else:
        print_fn(text)
