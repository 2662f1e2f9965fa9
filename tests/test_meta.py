"""Meta-tests over the parity tables: every public layer has a case, every constructor argument
gets a non-default value in some case, and every argument that is not supported yet raises
NotImplementedError naming it.

The cases are the ``CASES`` lists of every ``tests/layers/test_*.py`` module, imported
dynamically, so a new family is covered as soon as its test module lands. The ``*_regularizer``
and ``*_constraint`` arguments of every layer are set together in the generic tables
``LAYER_CASES`` of ``tests/test_regularizers.py`` and ``tests/test_constraints.py`` (parity of
the penalties and of the constrained weights), which count as coverage here too.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from typing import Any

import pytest

import tests.layers
import tkeras
from tests.parity import Case

# Layer classes in tkeras.layers.__all__ that need no parity case.
NOT_PARITY_LAYERS = {
    "Layer": "the abstract base",
    "InputLayer": "holds a shape; tested with Input and Sequential",
    "TorchModuleWrapper": "wraps an arbitrary torch module; tested in tests/test_subclassing.py",
    "Wrapper": "the abstract base of wrappers (no call); tests/layers/test_wrapper_layers.py",
    # Keras's lookup and text layers need TensorFlow (absent here): tested against the values
    # of Keras's docstring examples and hand-computed cases in tests/test_text_layers.py.
    "StringLookup": "Keras's needs TensorFlow; tests/test_text_layers.py",
    "IntegerLookup": "Keras's needs TensorFlow; tests/test_text_layers.py",
    "TextVectorization": "Keras's needs TensorFlow; tests/test_text_layers.py",
    "Hashing": "Keras's needs TensorFlow; tests/test_text_layers.py (Keras's docstring values)",
    "HashedCrossing": "Keras's needs TensorFlow; tests/test_text_layers.py",
    # Integer/adapt-driven layers: parity with Keras (which runs them without TensorFlow) in
    # tests/test_text_layers.py, for every argument.
    "CategoryEncoding": "integer inputs and count_weights; parity in tests/test_text_layers.py",
    "Discretization": "adapt-driven; parity in tests/test_text_layers.py",
}
# Constructor arguments every layer takes from the base (tested in test_layer_base.py).
BASE_ARGUMENTS = {"name", "dtype", "trainable", "autocast"}
# Arguments that accept only their default until a later issue: (name suffix or exact name,
# a non-default value to pass). Each must raise NotImplementedError naming the argument.
NOT_YET: list[tuple[str, Any]] = [
    ("lora_rank", 2),  # LoRA is not planned
    ("lora_alpha", 2.0),
    ("quantization_config", "int8"),  # quantization is not planned
]
# Layer-specific arguments that are not supported yet: (layer, argument) -> non-default value.
NOT_YET_PER_LAYER: dict[tuple[str, str], Any] = {
    ("EinsumDense", "gptq_unpacked_column_size"): 4,  # GPTQ quantization is not planned
}
# Arguments whose only valid value is the default, in Keras too (every other value raises
# ValueError in both libraries, pinned in that family's tests): (layer, argument) -> reason.
ONLY_DEFAULT: dict[tuple[str, str], str] = {
    ("Resizing", "fill_mode"): "Keras accepts only 'constant'",
}
# Non-default values no parity case can take (Keras's torch backend refuses them), tested
# elsewhere: (layer, argument) -> where.
TESTED_ELSEWHERE: dict[tuple[str, str], str] = {
    ("BatchNormalization", "synchronized"): "tests/test_distribute.py (torchrun, against "
    "one-process batch norm) and tests/layers/test_normalization.py (no process group)",
}


def _case_modules() -> list[Any]:
    names = sorted(
        m.name for m in pkgutil.iter_modules(tests.layers.__path__) if m.name.startswith("test_")
    )
    return [importlib.import_module(f"tests.layers.{name}") for name in names]


MODULES = _case_modules()


def _cases_of(module: Any) -> list[Case]:
    """A module's ``CASES``; multi-input families list ``MERGE_CASES`` (layer, kwargs, shapes)."""
    cases = list(getattr(module, "CASES", []))
    for layer, kwargs, shapes in getattr(module, "MERGE_CASES", []):
        cases.append(Case(layer, kwargs, tuple(shapes[0])))
    return cases


CASES: list[Case] = [case for module in MODULES for case in _cases_of(module)]


def _layer_classes() -> dict[str, type]:
    """Public layer classes by their first name in ``__all__`` (aliases are the same object)."""
    classes: dict[str, type] = {}
    for name in sorted(tkeras.layers.__all__):
        obj = getattr(tkeras.layers, name)
        if not (isinstance(obj, type) and issubclass(obj, tkeras.layers.Layer)):
            continue  # InputSpec, Input and the functional forms (add, concatenate, ...)
        if name in NOT_PARITY_LAYERS or obj in classes.values():
            continue
        classes[name] = obj
    return classes


LAYERS = _layer_classes()


def _not_yet_value(layer: str, arg: str) -> tuple[bool, Any]:
    if (layer, arg) in NOT_YET_PER_LAYER:
        return True, NOT_YET_PER_LAYER[(layer, arg)]
    for pattern, value in NOT_YET:
        if arg == pattern or (pattern.startswith("_") and arg.endswith(pattern)):
            return True, value
    return False, None


def _arguments(cls: type) -> list[inspect.Parameter]:
    params = list(inspect.signature(cls.__init__).parameters.values())[1:]
    return [
        p
        for p in params
        if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD) and p.name not in BASE_ARGUMENTS
    ]


def _differs(value: Any, default: Any) -> bool:
    if default is inspect.Parameter.empty:
        return True
    try:
        return not bool(value == default) or type(value) is not type(default)
    except (TypeError, ValueError):  # arrays and other values without a truth value
        return True


def _class_of(case: Case) -> type:
    return getattr(tkeras.layers, case.layer)


def test_every_layer_test_module_defines_cases():
    lacking = [
        m.__name__
        for m in MODULES
        if not isinstance(getattr(m, "CASES", getattr(m, "MERGE_CASES", None)), list)
    ]
    assert not lacking, f"tests/layers modules without a module-level CASES list: {lacking}"
    assert any(m.__name__ == "tests.layers.test_core" for m in MODULES)


def test_every_case_names_a_public_layer():
    unknown = sorted(
        {c.layer for c in CASES if not isinstance(getattr(tkeras.layers, c.layer, None), type)}
    )
    assert not unknown, f"cases naming no public tkeras layer class: {unknown}"


def test_every_public_layer_has_a_case():
    covered = {_class_of(case) for case in CASES}
    missing = sorted(name for name, cls in LAYERS.items() if cls not in covered)
    assert not missing, f"public layers without a parity case: {missing}"


def _all_cases() -> list[Case]:
    """The family cases and the regularizer/constraint tables (imported here: they import
    this module)."""
    from tests import test_constraints, test_regularizers

    return [*CASES, *test_regularizers.LAYER_CASES, *test_constraints.LAYER_CASES]


def test_every_argument_gets_a_non_default_value():
    missing: dict[str, list[str]] = {}
    all_cases = _all_cases()
    for name, cls in LAYERS.items():
        cases = [c for c in all_cases if _class_of(c) is cls]
        for param in _arguments(cls):
            if _not_yet_value(name, param.name)[0] or (name, param.name) in {
                **ONLY_DEFAULT,
                **TESTED_ELSEWHERE,
            }:
                continue
            if not any(
                param.name in c.kwargs and _differs(c.kwargs[param.name], param.default)
                for c in cases
            ):
                missing.setdefault(name, []).append(param.name)
    assert not missing, (
        "constructor arguments that no case sets to a non-default value (layer: arguments): "
        + "; ".join(f"{layer}: {', '.join(args)}" for layer, args in sorted(missing.items()))
    )


def _not_yet_pairs() -> list[tuple[str, str, Any]]:
    pairs = []
    for name, cls in LAYERS.items():
        for param in _arguments(cls):
            listed, value = _not_yet_value(name, param.name)
            if listed:
                pairs.append((name, param.name, value))
    return pairs


NOT_YET_PAIRS = _not_yet_pairs()


def test_not_yet_arguments_are_found():
    pairs = {(layer, arg) for layer, arg, _ in NOT_YET_PAIRS}
    assert ("Dense", "lora_rank") in pairs and ("Embedding", "quantization_config") in pairs
    assert ("Dense", "kernel_regularizer") not in pairs
    assert ("ConvLSTM2D", "kernel_regularizer") not in pairs
    stale = sorted(key for key in NOT_YET_PER_LAYER if key not in pairs)
    assert not stale, f"NOT_YET_PER_LAYER entries naming no constructor argument: {stale}"


@pytest.mark.parametrize(
    "layer, arg, value", NOT_YET_PAIRS, ids=[f"{layer}-{arg}" for layer, arg, _ in NOT_YET_PAIRS]
)
def test_not_yet_argument_raises_naming_it(layer, arg, value):
    cases = [c for c in CASES if _class_of(c) is LAYERS[layer]]
    required = [p.name for p in _arguments(LAYERS[layer]) if p.default is inspect.Parameter.empty]
    assert cases or not required, f"{layer} has no parity case to take {required} from"
    kwargs = {**(cases[0].kwargs if cases else {}), arg: value}
    with pytest.raises(
        NotImplementedError,
        match=rf"{layer}: the argument `{arg}` is not "
        rf"supported (yet|by tkeras) \(received {arg}=",
    ):
        LAYERS[layer](**kwargs)


def test_differs_detects_defaults():
    assert not _differs(None, None) and not _differs(1, 1) and not _differs("x", "x")
    assert _differs(1.0, 1) and _differs(True, 1) and _differs(2, 1) and _differs([1], None)
    assert _differs(3, inspect.Parameter.empty)


@pytest.mark.parametrize("layer_name", sorted(LAYERS))
def test_every_layer_keeps_torch_module_methods(layer_name):
    """A built layer still works as an nn.Module: .to(), train()/eval(), state_dict, deepcopy.

    Catches a layer method that shadows one of nn.Module's (e.g. a private ``_apply``)."""
    import copy

    import torch

    L = tkeras.layers
    wrappers = {  # layers whose case specs hold nested layers: build a simple instance
        "Bidirectional": (lambda: L.Bidirectional(L.LSTM(3)), (2, 5, 4)),
        "TimeDistributed": (lambda: L.TimeDistributed(L.Dense(2)), (2, 5, 4)),
        "RNN": (lambda: L.RNN(L.LSTMCell(3)), (2, 5, 4)),
        "StackedRNNCells": (lambda: L.StackedRNNCells([L.LSTMCell(3)]), (2, 4)),
        "SpectralNormalization": (lambda: L.SpectralNormalization(L.Dense(2)), (2, 4)),
        "Pipeline": (lambda: L.Pipeline([L.Dense(2), L.Dense(3)]), (2, 4)),
    }
    if layer_name in wrappers:
        make, shape = wrappers[layer_name]
        layer = make()
    else:
        case = next(c for c in CASES if _class_of(c) is LAYERS[layer_name])
        layer = getattr(tkeras.layers, case.layer)(**case.kwargs)
        merge = [m for module in MODULES for m in getattr(module, "MERGE_CASES", [])]
        shapes = [list(map(tuple, s)) for name, kw, s in merge if name == case.layer]
        shape = shapes[0] if shapes else case.input_shape
    if layer_name == "StackedRNNCells":
        layer.build(shape)
    else:
        layer.build_from_shape(shape)
    layer.to(torch.device("cpu")).to(torch.float32)
    layer.train()
    layer.eval()
    state = layer.state_dict()
    twin = copy.deepcopy(layer)
    twin.load_state_dict(state)
    assert set(twin.state_dict()) == set(state)
