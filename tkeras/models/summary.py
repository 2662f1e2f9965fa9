"""``model.summary()``: Keras's table of layers, output shapes and parameter counts."""

from __future__ import annotations

import shutil
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
    nodes = getattr(layer, "_inbound_nodes", None)
    if nodes:
        shapes = [_format_shape(t.shape) for t in nodes[-1].output_tensors]
        return shapes[0] if len(shapes) == 1 else "[" + ", ".join(shapes) + "]"
    shape = getattr(layer, "_output_shape", None)
    if shape is None and layer.built:
        try:
            shape = layer.output_shape
        except (AttributeError, NotImplementedError, ValueError, RuntimeError, TypeError):
            shape = None
    return _format_shape(shape)


def _widths(line_length: int, positions: list[float], ncols: int) -> list[int]:
    """Column widths (with their one-space padding) as Keras's rich table lays them out."""
    widths, current = [], 0
    for pos in positions:
        width = (int(pos * line_length) if pos <= 1 else int(pos)) - current
        if width < 4:
            raise ValueError("Insufficient console width to print summary.")
        widths.append(width + 2)
        current += width
    available = line_length - (ncols + 1)
    excess = sum(widths) - available
    if excess > 0:
        # Reduce every column evenly, rounding as rich's ratio_reduce does.
        remaining, count, reduced = excess, len(widths), []
        for w in widths:
            cut = min(w, round(remaining / count))
            reduced.append(w - cut)
            remaining -= cut
            count -= 1
        widths = reduced
    return widths


def _wrap(text: str, width: int) -> list[str]:
    """Greedy word wrap; a word longer than the column is cut with an ellipsis (as rich does)."""
    lines: list[str] = []
    line = ""
    words = text.split()
    if words and text[0] == " ":  # a nested layer's indent stays, as in rich
        words[0] = text[: len(text) - len(text.lstrip(" "))] + words[0]
    for word in words:
        if len(word) > width:
            word = word[: width - 1] + "…"
        if not line:
            line = word
        elif len(line) + 1 + len(word) <= width:
            line += " " + word
        else:
            lines.append(line)
            line = word
    lines.append(line)
    return lines


def _row(cells: list[str], widths: list[int], aligns: str, bar: str) -> list[str]:
    wrapped = [_wrap(c, w - 2) for c, w in zip(cells, widths)]
    lines = []
    for i in range(max(len(w) for w in wrapped)):
        parts = []
        for col, w, a in zip(wrapped, widths, aligns):
            text = col[i] if i < len(col) else ""
            fit = {"r": text.rjust, "c": text.center}.get(a, text.ljust)(w - 2)
            parts.append(" " + fit + " ")
        lines.append(bar + bar.join(parts) + bar)
    return lines


def _rule(widths: list[int], left: str, mid: str, right: str, fill: str) -> str:
    return left + mid.join(fill * w for w in widths) + right


def _sequential_like(model: Any) -> bool:
    nodes = getattr(model, "_all_nodes", None)
    if nodes is None:
        return True
    depths: dict[int, int] = {}
    for node in nodes:
        if len(node.input_tensors) > 1:
            return False
    # A chain has one node per depth and no shared layers.
    layers = [n.layer for n in nodes]
    if len({id(l) for l in layers}) != len(layers):
        return False
    for node in nodes:
        parents = node.parent_nodes
        depths[id(node)] = depths.get(id(parents[0]), -1) + 1 if parents else 0
    return len(set(depths.values())) == len(nodes)


def _connections(layer: Any, relevant: set[int]) -> str:
    parts = []
    for node in layer._inbound_nodes:
        if id(node) not in relevant:
            continue
        for t in node.input_tensors:
            parts.append(f"{t.node.layer.name}[{t.node.index}][{t.index}]")
    return ", ".join(parts) or "-"


def _layer_rows(
    model: Any,
    expand_nested: bool,
    show_trainable: bool,
    level: int = 0,
    relevant: set[int] | None = None,
) -> list:
    rows = []
    prefix = "   " * level + "└ " if level else ""  # Keras indents 3 spaces per nesting level
    for layer in model.layers:
        if layer.built:
            params = f"{layer.count_params():,}"
        else:
            params = "0 (unbuilt)"
        row = [f"{prefix}{layer.name} ({type(layer).__name__})", _output_shape(layer), params]
        if relevant is not None:
            row.append(_connections(layer, relevant))
        if show_trainable:
            row.append(("Y" if layer.trainable else "N") if layer.weights else "-")
        rows.append(row)
        if expand_nested and hasattr(layer, "layers") and layer.layers:
            rows.extend(_layer_rows(layer, expand_nested, show_trainable, level + 1))
    return rows


def print_summary(
    model: Any,
    line_length: int | None = None,
    positions: list[float] | None = None,
    print_fn: Any = None,
    expand_nested: bool = False,
    show_trainable: bool = False,
    layer_range: Any = None,
) -> None:
    """Print (or pass to ``print_fn``) Keras's summary table for ``model``."""
    headers = ["Layer (type)", "Output Shape", "Param #"]
    aligns = "llr"
    relevant = None
    if _sequential_like(model):
        positions = list(positions or [0.45, 0.80, 1.0])
        default_length = 88
    else:
        headers.append("Connected to")
        aligns += "l"
        positions = list(positions or [0.3, 0.56, 0.74, 1.0])
        default_length = 108
        relevant = {id(n) for n in model._all_nodes}
    if show_trainable:
        headers.append("Trainable")
        aligns += "c"
        default_length += 12
        positions = [p * 0.90 for p in positions] + [1.0]
    if len(positions) != len(headers):
        raise ValueError(
            f"summary(): `positions` must have {len(headers)} entries, received "
            f"{len(positions)}: {positions}"
        )
    line_length = line_length or min(default_length, shutil.get_terminal_size().columns - 4)
    widths = _widths(line_length, positions, len(headers))
    rows = _layer_rows(model, expand_nested, show_trainable, relevant=relevant)
    if layer_range is not None:
        names = [layer.name for layer in model.layers]
        if len(layer_range) != 2 or any(n not in names for n in layer_range):
            raise ValueError(
                f"summary(): `layer_range` must be two layer names of this model; "
                f"received {layer_range!r}. Layers: {names}"
            )
        start, end = names.index(layer_range[0]), names.index(layer_range[1])
        rows = rows[start : end + 1]

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
    lines.append(
        f" Non-trainable params: {_count(non_trainable):,} "
        f"({readable_memory_size(_memory(non_trainable))})"
    )
    if opt_vars:
        lines.append(
            f" Optimizer params: {_count(opt_vars):,} ({readable_memory_size(_memory(opt_vars))})"
        )
    text = "\n".join(lines) + "\n"
    if print_fn is None:
        print(text, end="")
    else:
        print_fn(text)
