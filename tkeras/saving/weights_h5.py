"""Keras 3's ``.weights.h5`` layout: one ``<path>/vars`` group per layer, datasets ``0, 1, ...``.

Keras finds each layer's group by walking the model: a Sequential or functional model's
``layers`` list (each named by its snake-cased class, ``dense``, ``dense_1``, ...), a layer's
attributes holding sublayers (by attribute name, private ones last), a recurrent layer's
``cell`` and a compiled model's ``optimizer``. This module walks a tkeras model the same way,
so a file written by Keras loads here and the reverse. Values are the Variables' own (Keras's
shapes, no conversion); a layer's group holds its own weights in Keras's order, trainable
first. Every ``vars`` group carries the object's ``name`` as an attribute.

Loading is all-or-nothing: every array is read and checked against the model first, and
nothing is assigned unless all of them fit (with ``skip_mismatch=True`` a layer that does not
fit is skipped with a warning instead).
"""

from __future__ import annotations

import dataclasses
import functools
import warnings
from typing import Any

import h5py
import numpy as np
import torch
from torch import nn

from tkeras.layers.layer_saving import as_array, overrides_hooks, own_variables
from tkeras.utils.naming import to_snake_case


@dataclasses.dataclass
class Saveable:
    """One object in Keras's walk: its h5 path, name, and how its state is read and written."""

    path: str
    name: str
    owner: Any
    kind: str  # "layer", "torch_module" or "optimizer"
    variables: list[Any] = dataclasses.field(default_factory=list)
    hooks: bool = False  # the layer overrides save_own_variables / load_own_variables

    @property
    def where(self) -> str:
        return f"{self.path}/vars" if self.path else "vars"

    def describe(self) -> str:
        if self.kind == "optimizer":
            return f"optimizer {self.name!r}"
        return f"layer {self.name!r} (path {self.where!r})"


# --------------------------------------------------------------------------- the walk


def _name_key(name: str) -> str:
    # Keras visits private attributes last.
    return f"~{name}" if name.startswith("_") else name


def _has_layer(value: Any) -> bool:
    from tkeras.layers.layer import Layer

    if isinstance(value, Layer):
        return True
    if isinstance(value, dict):
        value = list(value.values())
    return isinstance(value, (list, tuple)) and any(_has_layer(v) for v in value)


@functools.cache
def _base_attrs() -> frozenset[str]:
    """Attribute names every tkeras model has (Keras skips a bare Layer's attributes)."""
    from tkeras.layers.layer import Layer
    from tkeras.models.model import Model

    return frozenset(
        {
            *vars(Layer(name="_walk_probe")),
            *vars(Model(name="_walk_probe_model")),
            *dir(Model),
            "optimizer",
            "loss",
            "history",
        }
    )


def _children(obj: Any) -> list[tuple[str, Any]]:
    """``(attribute, child)`` pairs in Keras's visiting order; a child is a layer, an
    optimizer or a list of them."""
    from tkeras.models.functional import Functional
    from tkeras.models.model import Model
    from tkeras.models.sequential import Sequential
    from tkeras.optimizers import Optimizer

    first: list[tuple[str, Any]] = []
    attrs: dict[str, Any] = {}
    if isinstance(obj, (Sequential, Functional)):
        first.append(("layers", obj.layers))
    else:
        skip = _base_attrs()
        for name, module in obj._modules.items():
            if name in skip or module is None:
                continue
            if isinstance(module, (nn.ModuleList, nn.Sequential)):
                attrs[name] = list(module)
            elif isinstance(module, nn.ModuleDict):
                attrs[name] = list(module.values())
            else:
                attrs[name] = module
        for name, value in vars(obj).items():
            if name not in skip and name not in attrs and isinstance(value, (list, tuple, dict)):
                if _has_layer(value):
                    attrs[name] = value
        # Keras walks dir(): a subclass's properties that return sublayers count too (and,
        # being public, name the sublayer before its private attribute does).
        for name in dir(type(obj)):
            if name in skip or name in attrs or name.startswith("__"):
                continue
            if isinstance(getattr(type(obj), name, None), property):
                try:
                    value = getattr(obj, name)
                except Exception:  # noqa: BLE001 - Keras skips attributes that raise, too
                    continue
                if _has_layer(value):
                    attrs[name] = value
        if isinstance(obj, Model):
            attrs["layers"] = obj.layers
    if isinstance(obj, Model) and isinstance(getattr(obj, "optimizer", None), Optimizer):
        attrs["optimizer"] = obj.optimizer
    return first + sorted(attrs.items(), key=lambda item: _name_key(item[0]))


def walk(model: Any) -> list[Saveable]:
    """Every object with state under ``model``, with its Keras h5 path, in Keras's order."""
    out: list[Saveable] = []
    _visit(model, "", out, set())
    return out


def _join(path: str, name: str) -> str:
    return f"{path}/{name}" if path else name


def _visit(obj: Any, path: str, out: list[Saveable], visited: set[int]) -> None:
    from tkeras.layers.core.torch_module_wrapper import TorchModuleWrapper
    from tkeras.layers.layer import Layer
    from tkeras.optimizers import Optimizer

    if id(obj) in visited:
        return
    visited.add(id(obj))
    if isinstance(obj, Optimizer):
        out.append(Saveable(path, obj.name, obj, "optimizer"))
        return
    if isinstance(obj, TorchModuleWrapper):
        out.append(Saveable(path, obj.name, obj, "torch_module"))
        return
    out.append(Saveable(path, obj.name, obj, "layer", own_variables(obj), overrides_hooks(obj)))
    for attr, child in _children(obj):
        if isinstance(child, (Layer, Optimizer)):
            _visit(child, _join(path, attr), out, visited)
        elif isinstance(child, (list, tuple, dict)):
            _visit_container(child, _join(path, attr), out, visited)


def _visit_container(items: Any, path: str, out: list[Saveable], visited: set[int]) -> None:
    from tkeras.layers.layer import Layer

    used: dict[str, int] = {}

    def unique(name: str) -> str:
        if name in used:
            used[name] += 1
            return f"{name}_{used[name]}"
        used[name] = 0
        return name

    for item in items.values() if isinstance(items, dict) else items:
        if isinstance(item, Layer):
            # A class whose Keras twin has another name says so (GroupQueryAttention).
            cls_name = getattr(type(item), "_keras_class_name", type(item).__name__)
            _visit(item, _join(path, unique(to_snake_case(cls_name))), out, visited)
        elif isinstance(item, (list, tuple, dict)):
            _visit_container(item, _join(path, unique("container")), out, visited)


# --------------------------------------------------------------------------- writing


def saveable_arrays(entry: Saveable) -> dict[str, np.ndarray]:
    """The ``{"0": array, ...}`` that Keras stores for ``entry``."""
    if entry.kind == "optimizer":
        store: dict[str, Any] = {}
        entry.owner.save_own_variables(store)
        return {k: np.asarray(v) for k, v in store.items()}
    if entry.kind == "torch_module":
        state = entry.owner.module.state_dict()
        return {k: v.detach().cpu().numpy() for k, v in state.items()}
    if entry.hooks:
        store = {}
        entry.owner.save_own_variables(store)
        return {str(k): as_array(v) for k, v in store.items()}
    return {str(i): var.numpy() for i, var in enumerate(entry.variables)}


def write_weights(model: Any, h5: h5py.File | h5py.Group) -> None:
    """Write the state of ``model`` (and its optimizer) into an open h5 file, Keras's layout."""
    for entry in walk(model):
        group = h5.require_group(entry.where)
        group.attrs["name"] = entry.name
        for key, value in saveable_arrays(entry).items():
            group.create_dataset(key, data=value)


# --------------------------------------------------------------------------- reading


def _safe_group(h5: Any, path: str) -> Any:
    """The group at ``path`` or None; links that leave the file are refused."""
    current = h5
    for part in path.split("/"):
        if not isinstance(current, h5py.Group) or part not in current:
            return None
        link = current.get(part, getlink=True)
        if isinstance(link, (h5py.SoftLink, h5py.ExternalLink)):
            raise ValueError(f"Not allowed: an h5 file with a {type(link).__name__} at {path!r}.")
        current = current[part]
    return current if isinstance(current, h5py.Group) else None


def read_dataset(group: Any, key: str, filename: str) -> np.ndarray:
    """A dataset as a numpy array; links, external and virtual datasets are refused."""
    link = group.get(key, getlink=True)
    if isinstance(link, (h5py.SoftLink, h5py.ExternalLink)):
        raise ValueError(f"{filename}: not allowed: a {type(link).__name__} at {group.name}/{key}.")
    dataset = group[key]
    if not isinstance(dataset, h5py.Dataset):
        raise ValueError(f"{filename}: expected a dataset at {group.name}/{key}, found a group.")
    if dataset.external or dataset.is_virtual:
        raise ValueError(f"{filename}: not allowed: an external or virtual dataset at {key!r}.")
    value = np.asarray(dataset[()])
    if value.dtype.kind not in "biuf":
        raise ValueError(
            f"{filename}: dataset {group.name}/{key} holds {value.dtype} values, not numbers."
        )
    return value


def read_store(h5: Any, entry: Saveable, filename: str) -> dict[str, np.ndarray] | None:
    """The arrays stored for ``entry`` (None when the file has no group for it)."""
    group = _safe_group(h5, entry.where)
    if group is None:
        return None
    return {key: read_dataset(group, key, filename) for key in group.keys()}


class LoadPlan:
    """Validated assignments, applied together by ``apply()`` once everything has been checked."""

    def __init__(self) -> None:
        self.assignments: list[tuple[Any, np.ndarray]] = []
        self.modules: list[tuple[nn.Module, dict[str, torch.Tensor]]] = []
        self.optimizers: list[tuple[Any, dict[str, np.ndarray]]] = []
        # (entry, its stored arrays, skip_mismatch) of layers that load themselves
        self.hooks: list[tuple[Saveable, dict[str, np.ndarray], bool]] = []

    @torch.no_grad()
    def apply(self) -> None:
        self._run_hooks()
        for var, value in self.assignments:
            var.assign(value)
        for module, state in self.modules:
            module.load_state_dict(state)
        for optimizer, store in self.optimizers:
            optimizer.load_own_variables(store)

    def _run_hooks(self) -> None:
        """Each overriding layer's ``load_own_variables``, first: one that raises puts back
        the variables of every hooked layer (all-or-nothing) unless its mismatch is skipped."""
        saved = [
            (var, var.detach().clone()) for entry, _, _ in self.hooks for var in entry.variables
        ]
        for entry, stored, skip in self.hooks:
            try:
                entry.owner.load_own_variables(stored)
            except Exception as error:
                if skip:
                    warnings.warn(f"Skipping {entry.describe()}: {error}", stacklevel=4)
                    continue
                for var, value in saved:
                    var.copy_(value)
                raise


def plan_load(
    model: Any, h5: Any, filename: str, skip_mismatch: bool = False, plan: LoadPlan | None = None
) -> LoadPlan:
    """Check every stored array against ``model`` and return the assignments to make.

    Raises ValueError naming the file, the layer and the shapes on the first mismatch (unless
    ``skip_mismatch``, which warns and skips that layer). Nothing is assigned here.
    """
    plan = plan or LoadPlan()
    for entry in walk(model):
        stored = read_store(h5, entry, filename)
        try:
            if entry.kind == "optimizer":
                _plan_optimizer(entry, stored, filename, plan)
            elif entry.kind == "torch_module":
                _plan_torch_module(entry, stored or {}, filename, plan)
            elif entry.hooks:
                plan.hooks.append((entry, stored or {}, skip_mismatch))
            else:
                _plan_layer(entry, stored or {}, filename, plan)
        except ValueError as error:
            if not skip_mismatch:
                raise
            warnings.warn(f"Skipping {entry.describe()}: {error}", stacklevel=3)
    return plan


def _plan_layer(entry: Saveable, stored: dict[str, np.ndarray], filename: str, plan: LoadPlan):
    variables = entry.variables
    layer = entry.owner
    if len(stored) != len(variables):
        if not variables and not layer.built:
            raise ValueError(
                f"{filename}: layer {entry.name!r} was never built and thus has no weights, but "
                f"the file has {len(stored)} for it (at {entry.where!r}). Build the model first "
                "(call it on data, or pass an Input) so its layers create their weights."
            )
        raise ValueError(
            f"{filename}: layer {entry.name!r} expects {len(variables)} weights "
            f"{[v.name for v in variables]} at {entry.where!r}, but the file has "
            f"{len(stored)} there."
        )
    staged = []
    for i, var in enumerate(variables):
        key = str(i)
        if key not in stored:
            raise ValueError(
                f"{filename}: layer {entry.name!r}: weight {i} ({var.name}) is missing at "
                f"{entry.where}/{key}; found {sorted(stored)}."
            )
        value = stored[key]
        expected = tuple(var.shape)
        if tuple(value.shape) != expected:
            raise ValueError(
                f"{filename}: layer {entry.name!r} weight {i} ({var.name}) expects shape "
                f"{expected}, but the file has shape {tuple(value.shape)} at {entry.where}/{key}."
            )
        staged.append((var, value))
    plan.assignments.extend(staged)


def _plan_torch_module(
    entry: Saveable, stored: dict[str, np.ndarray], filename: str, plan: LoadPlan
) -> None:
    current = entry.owner.module.state_dict()
    if set(stored) != set(current):
        raise ValueError(
            f"{filename}: layer {entry.name!r} (TorchModuleWrapper) expects state_dict keys "
            f"{sorted(current)}, but the file has {sorted(stored)} at {entry.where!r}."
        )
    state = {}
    for key, tensor in current.items():
        if tuple(stored[key].shape) != tuple(tensor.shape):
            raise ValueError(
                f"{filename}: layer {entry.name!r} entry {key!r} expects shape "
                f"{tuple(tensor.shape)}, but the file has shape {tuple(stored[key].shape)}."
            )
        state[key] = torch.as_tensor(stored[key])
    plan.modules.append((entry.owner.module, state))


def _plan_optimizer(
    entry: Saveable, stored: dict[str, np.ndarray] | None, filename: str, plan: LoadPlan
) -> None:
    if stored is None:
        return  # a weights file saved from an uncompiled model: keep the optimizer's state
    optimizer = entry.owner
    expected: dict[str, Any] = {}
    optimizer.save_own_variables(expected)
    if len(stored) != len(expected):
        # An optimizer that was never built stores only its iteration count and learning rate.
        scalars = 1 + (getattr(optimizer, "_lr_schedule", None) is None)
        if len(stored) <= scalars:
            return  # saved before the optimizer was built (never trained): nothing to restore
        warnings.warn(
            f"{filename}: skipping variable loading for optimizer {optimizer.name!r}, because "
            f"it has {len(expected)} variables whereas the saved optimizer has {len(stored)} "
            "variables." + ("" if optimizer.built else " The optimizer has not been built yet."),
            stacklevel=4,
        )
        return
    for key, value in expected.items():
        if key not in stored:
            raise ValueError(f"{filename}: optimizer variable {key} is missing at {entry.where}.")
        if tuple(np.shape(stored[key])) != tuple(np.shape(value)):
            raise ValueError(
                f"{filename}: optimizer {optimizer.name!r} variable {key} expects shape "
                f"{tuple(np.shape(value))}, but the file has shape {tuple(np.shape(stored[key]))}."
            )
    plan.optimizers.append((optimizer, stored))
