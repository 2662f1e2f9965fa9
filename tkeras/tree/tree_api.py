"""``keras.tree``: nested-structure utilities on ``torch.utils._pytree`` (as Keras's torch
backend): lists, tuples, namedtuples, dicts (sorted by key; OrderedDicts keep their order) and
deques are nodes, everything else (None included) is a leaf."""

from __future__ import annotations

import warnings
from collections import defaultdict

from torch.utils import _pytree as pytree


class MAP_TO_NONE:  # noqa: N801  (Keras's spelling)
    """Return this from a ``traverse`` function to replace a sub-tree with None."""


def _is_leaf(x) -> bool:
    return pytree._get_node_type(x) not in pytree.SUPPORTED_NODES


def _children(structure):
    """(children, spec) of one level of ``structure``, or None for a leaf."""
    if _is_leaf(structure):
        return None
    return pytree.tree_flatten(structure, is_leaf=lambda x: x is not structure)


def _sorted(structure):
    """A copy of ``structure`` whose plain dicts (and defaultdicts) iterate in key order."""
    if type(structure) is dict:
        return {k: _sorted(structure[k]) for k in sorted(structure)}
    if type(structure) is defaultdict:
        return defaultdict(
            structure.default_factory, {k: _sorted(structure[k]) for k in sorted(structure)}
        )
    level = _children(structure)
    if level is None:
        return structure
    children, spec = level
    return pytree.tree_unflatten([_sorted(c) for c in children], spec)


def _unwrap(value):
    return None if value is MAP_TO_NONE else value


def is_nested(structure):
    """Whether ``structure`` is a sequence, mapping or namedtuple (not a leaf).

    Example:
        >>> tkeras.tree.is_nested({"a": 1}), tkeras.tree.is_nested(1)
        (True, False)
    """
    return not _is_leaf(structure)


def traverse(func, structure, top_down=True):
    """Apply ``func`` to every sub-structure, depth first; a non-None result replaces it.

    Top-down, a non-None result also stops the descent; ``MAP_TO_NONE`` maps to None.

    Example:
        >>> tkeras.tree.traverse(lambda x: None, [(1, 2), [3]])
        [(1, 2), [3]]
    """

    def descend(node):
        level = _children(node)
        if level is None:
            return node
        children, spec = level
        return pytree.tree_unflatten([traverse(func, c, top_down) for c in children], spec)

    structure = _sorted(structure)
    if top_down:
        out = func(structure)
        return descend(structure) if out is None else _unwrap(out)
    done = descend(structure)
    out = func(done)
    return done if out is None else _unwrap(out)


def flatten(structure):
    """The leaves of ``structure`` in order (dict values by sorted key).

    Example:
        >>> tkeras.tree.flatten({"b": [1, 2], "a": 3})
        [3, 1, 2]
    """
    if _is_leaf(structure):
        return [structure]
    return pytree.tree_leaves(_sorted(structure))


def flatten_with_path(structure):
    """``(path, leaf)`` pairs; a path is a tuple of indices and dict keys.

    Example:
        >>> tkeras.tree.flatten_with_path([{"foo": 42}])
        [((0, 'foo'), 42)]
    """
    pairs, _ = pytree.tree_flatten_with_path(_sorted(structure))
    fields = sorted({k.name for path, _ in pairs for k in path if isinstance(k, pytree.GetAttrKey)})
    index = {name: i for i, name in enumerate(fields)}
    out = []
    for path, leaf in pairs:
        keys = []
        for k in path:
            if isinstance(k, pytree.SequenceKey):
                keys.append(k.idx)
            elif isinstance(k, pytree.MappingKey):
                keys.append(k.key)
            elif isinstance(k, pytree.GetAttrKey):
                keys.append(index[k.name])
        out.append((tuple(keys), leaf))
    return out


def map_structure(func, *structures, none_is_leaf=True):
    """Apply ``func`` leaf-wise across structures of the same layout.

    Args:
        func: called with one leaf of each structure.
        *structures: structures of the same layout.
        none_is_leaf: if False, None leaves are kept as None without calling ``func``.

    Example:
        >>> tkeras.tree.map_structure(lambda a, b: a * b, [1, (2,)], [3, (4,)])
        [3, (8,)]
    """
    if not structures:
        raise ValueError("Must provide at least one structure")
    if len(structures) == 1 and _is_leaf(structures[0]):
        if structures[0] is None and not none_is_leaf:
            return None
        return func(structures[0])
    fn = func
    if not none_is_leaf:

        def fn(*args):
            if args[0] is None:
                if not all(a is None for a in args):
                    raise ValueError(
                        "Structure mismatch: some arguments are None, others are not. "
                        f"Received arguments: {args}."
                    )
                return None
            return func(*args)

    return pytree.tree_map(fn, *structures)


def map_structure_up_to(shallow_structure, func, *structures):
    """Like ``map_structure``, but only down to the leaves of ``shallow_structure``.

    Example:
        >>> tkeras.tree.map_structure_up_to([None, None], len, [[1, 1], [2, 2]])
        [2, 2]
    """
    if not structures:
        raise ValueError("Must provide at least one structure")

    def fn(shallow, *args):
        if not _is_leaf(shallow):
            raise ValueError("Structures don't have the same nested structure.")
        return func(*args)

    return pytree.tree_map(fn, shallow_structure, *structures)


def assert_same_structure(a, b, check_types=None):
    """Raise ValueError unless ``a`` and ``b`` nest the same containers the same way.

    ``check_types`` is deprecated in Keras and has no effect (a DeprecationWarning says so).
    """
    if check_types is not None:
        warnings.warn(
            "The `check_types` argument is deprecated and no longer has any effect"
            + (
                ", please remove."
                if check_types
                else ". For a looser check, use `keras.tree.assert_same_paths()`."
            ),
            DeprecationWarning,
            stacklevel=2,
        )

    def check(x, y):
        if not (_is_leaf(x) and _is_leaf(y)):
            raise ValueError("Structures don't have the same nested structure.")

    try:
        pytree.tree_map(check, a, b)
    except ValueError as e:
        if "same nested structure" in str(e):
            raise
        raise ValueError(f"Structures don't have the same nested structure. {e}") from None


def assert_same_paths(a, b):
    """Raise ValueError unless ``a`` and ``b`` have the same leaf paths (container types aside)."""
    paths_a = {path for path, _ in flatten_with_path(a)}
    paths_b = {path for path, _ in flatten_with_path(b)}
    if paths_a != paths_b:
        msg = "`a` and `b` don't have the same paths."
        if paths_a - paths_b:
            msg += f"\nPaths in `a` missing in `b`:\n{paths_a - paths_b}"
        if paths_b - paths_a:
            msg += f"\nPaths in `b` missing in `a`:\n{paths_b - paths_a}"
        raise ValueError(msg)


def pack_sequence_as(structure, flat_sequence):
    """Fill ``structure``'s layout with ``flat_sequence`` (the inverse of ``flatten``).

    Example:
        >>> tkeras.tree.pack_sequence_as({"b": 0, "a": 0}, [1, 2])
        {'a': 1, 'b': 2}
    """
    _, spec = pytree.tree_flatten(_sorted(structure))
    return pytree.tree_unflatten(flat_sequence, spec)


def lists_to_tuples(structure):
    """``structure`` with every list turned into a tuple."""
    return traverse(lambda x: tuple(x) if isinstance(x, list) else None, structure, top_down=False)


def map_shape_structure(func, structure):
    """Apply ``func`` to each shape (a list/tuple of ints and Nones) in ``structure``.

    Example:
        >>> tkeras.tree.map_shape_structure(len, {"x": (None, 3), "y": [(2,)]})
        {'x': 2, 'y': [1]}
    """

    def is_shape(x):
        return isinstance(x, (list, tuple)) and all(isinstance(e, (int, type(None))) for e in x)

    return pytree.tree_map(func, _sorted(structure), is_leaf=is_shape)
