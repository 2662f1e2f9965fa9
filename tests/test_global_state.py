"""Thread-local call state (tkeras/backend/global_state.py): two threads never see each other's
training flag, safe mode, custom-object scope or name counters; no other module keeps mutable
state at module level; routing of losses is per layer, so an unrelated model has no side
effects."""

from __future__ import annotations

import ast
import pathlib
import threading
import warnings

import pytest
import torch

import tkeras
from tests._subprocess import HANG_GUARD_S
from tkeras.backend import global_state

ROOT = pathlib.Path(tkeras.__file__).parent


def _in_thread(fn):
    """Run ``fn`` in a new thread and return its result (re-raising its exception)."""
    box = {}

    def run():
        try:
            box["value"] = fn()
        except BaseException as error:  # noqa: BLE001 - re-raised in the caller
            box["error"] = error

    t = threading.Thread(target=run)
    t.start()
    t.join(timeout=HANG_GUARD_S)
    if "error" in box:
        raise box["error"]
    return box["value"]


class _Pause(tkeras.layers.Layer):
    """Runs ``during()`` in the middle of its own call (a deterministic interleaving)."""

    def __init__(self, during, **kwargs):
        super().__init__(**kwargs)
        self.during = during
        self.seen = None

    def call(self, x, training=None):
        self.seen = self.during()
        return x


def test_training_call_in_one_thread_does_not_reach_another_threads_dropout():
    torch.manual_seed(0)
    other = tkeras.Sequential([tkeras.Input((1000,)), tkeras.layers.Dropout(0.5)])
    x = torch.ones(1, 1000)
    layer = _Pause(lambda: _in_thread(lambda: other(x)))
    layer(torch.ones(1, 1), training=True)  # the other thread runs while training=True here
    torch.testing.assert_close(layer.seen, x)  # eval mode: nothing dropped
    # The same call in this thread does see the enclosing training flag.
    inner = tkeras.layers.Dropout(0.5, seed=1)
    layer2 = _Pause(lambda: inner(x))
    layer2(torch.ones(1, 1), training=True)
    assert (layer2.seen == 0).sum() > 300


def test_safe_mode_off_in_one_thread_does_not_leak_to_another():
    from tkeras.saving import serialization

    with serialization.SafeModeScope(False):
        assert not serialization.in_safe_mode()
        assert _in_thread(serialization.in_safe_mode) is True
    assert serialization.in_safe_mode()


def test_enable_unsafe_deserialization_holds_for_the_calling_thread_only():
    from tkeras.saving import serialization

    def flip():
        tkeras.saving.enable_unsafe_deserialization()
        return serialization.in_safe_mode()

    assert _in_thread(flip) is False
    assert serialization.in_safe_mode()  # this thread is untouched


def test_custom_object_scope_is_per_thread():
    def act(x):
        return x

    with tkeras.saving.custom_object_scope({"c10_act": act}):
        assert tkeras.saving.get_registered_object("c10_act") is act
        assert _in_thread(lambda: tkeras.saving.get_registered_object("c10_act")) is None


def test_registered_objects_are_process_wide():
    @tkeras.saving.register_keras_serializable(package="c10")
    def c10_fn(x):
        return x

    assert _in_thread(lambda: tkeras.saving.get_registered_object("c10>c10_fn")) is c10_fn


def test_name_counters_are_per_thread_as_in_keras():
    global_state.clear_session()
    assert tkeras.layers.Dense(2).name == "dense"
    assert tkeras.layers.Dense(2).name == "dense_1"
    # A fresh thread starts its own counters (Keras keeps them in its thread-local state).
    assert _in_thread(lambda: tkeras.layers.Dense(2).name) == "dense"


def test_global_attributes_are_per_thread():
    global_state.set_global_attribute("c10_flag", 3)
    assert global_state.get_global_attribute("c10_flag") == 3
    assert _in_thread(lambda: global_state.get_global_attribute("c10_flag", "unset")) == "unset"


def test_export_strict_of_an_unrelated_model_has_no_side_effects_after_a_loss(tmp_path):
    noisy = tkeras.layers.Dense(2, activity_regularizer="l2")
    noisy(torch.ones(1, 2))  # some layer somewhere has added a loss
    assert len(noisy.losses) == 1
    model = tkeras.Sequential([tkeras.Input((4,)), tkeras.layers.Dense(3)])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.export(str(tmp_path / "m.pt2"), format="torch", strict=True, verbose=False)
    assert not [w for w in caught if "side effect" in str(w.message)]


def test_one_model_adding_losses_leaves_another_models_step_and_export_alone(tmp_path, monkeypatch):
    """Whether a train step collects ``model.losses`` is decided per model from its layers."""
    from tkeras.layers.layer_losses import LayerLossesMixin

    read_by = []
    plain_losses = LayerLossesMixin.losses

    def counting(self):
        read_by.append(self)
        return plain_losses.fget(self)

    monkeypatch.setattr(LayerLossesMixin, "losses", property(counting))

    class AddsLoss(tkeras.layers.Layer):
        def call(self, x):
            self.add_loss(x.abs().mean())
            return x

    x, y = torch.ones(8, 4), torch.zeros(8, 3)
    noisy = tkeras.Sequential(
        [tkeras.Input((4,)), AddsLoss(), tkeras.layers.Dense(3, activity_regularizer="l2")]
    )
    quiet = tkeras.Sequential([tkeras.Input((4,)), tkeras.layers.Dense(3)])
    for model in (noisy, quiet):
        model.compile(optimizer="sgd", loss="mse")
    noisy.fit(x, y, epochs=1, verbose=0)
    assert noisy in read_by and noisy._collects_losses()
    read_by.clear()
    quiet.fit(x, y, epochs=1, verbose=0)
    quiet.evaluate(x, y, verbose=0)
    quiet.train_on_batch(x, y)
    assert quiet not in read_by and not quiet._collects_losses()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        quiet.export(str(tmp_path / "quiet.pt2"), format="torch", strict=True, verbose=False)
    assert not [w for w in caught if "side effect" in str(w.message)]
    assert not quiet._collects_losses()
    # The noisy model still collects its own: 1 added loss + 1 activity penalty per call.
    noisy(x)
    assert len(noisy.losses) == 2


def test_a_first_add_loss_during_a_step_is_collected_by_that_step():
    """A layer that adds its first loss inside a fast step is seen by the same step."""

    class LateLoss(tkeras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.on = False

        def call(self, x):
            if self.on:
                self.add_loss(torch.ones(()) * 100.0)
            return x

    late = LateLoss()
    model = tkeras.Sequential([tkeras.Input((2,)), late, tkeras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x, y = torch.zeros(4, 2), torch.zeros(4, 1)
    assert model.test_on_batch(x, y) < 1.0
    late.on = True
    assert model.test_on_batch(x, y) >= 100.0


# --------------------------------------------------------------------------- no module state

# Module-level names that are registries filled once at import or by register_* calls: process
# wide in Keras too (its GLOBAL_CUSTOM_OBJECTS and ALL_OBJECTS tables are module globals).
REGISTRIES = {"GLOBAL_CUSTOM_OBJECTS", "GLOBAL_CUSTOM_NAMES"}
MUTATORS = {
    "append",
    "extend",
    "insert",
    "pop",
    "popitem",
    "remove",
    "clear",
    "update",
    "setdefault",
    "add",
    "discard",
    "sort",
    "reverse",
    "__setitem__",
    "__delitem__",
}
CONTAINER_CALLS = {"list", "dict", "set", "defaultdict", "OrderedDict", "deque", "Counter"}


def _modules():
    for path in sorted(ROOT.rglob("*.py")):
        if path.relative_to(ROOT).as_posix() == "backend/global_state.py":
            continue
        yield path, ast.parse(path.read_text(), filename=str(path))


def _is_container(node: ast.AST) -> bool:
    if isinstance(node, (ast.List, ast.Dict, ast.Set, ast.ListComp, ast.DictComp, ast.SetComp)):
        return True
    if isinstance(node, ast.Call):
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        return name in CONTAINER_CALLS
    return False


def _module_containers() -> set[str]:
    names = set()
    for _, tree in _modules():
        for node in tree.body:
            targets = []
            if isinstance(node, ast.Assign):
                targets, value = node.targets, node.value
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                targets, value = [node.target], node.value
            if targets and _is_container(value):
                names.update(t.id for t in targets if isinstance(t, ast.Name))
    return names - {"__all__"}


def _ref_name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _targets(node: ast.AST) -> list[ast.AST]:
    """What an assignment, augmented assignment or ``del`` statement writes to."""
    if isinstance(node, (ast.Assign, ast.Delete)):
        return node.targets
    if isinstance(node, (ast.AugAssign, ast.AnnAssign)):
        return [node.target]
    return []


def _mutations(containers: set[str]) -> list[str]:
    found = []
    for path, tree in _modules():
        where = path.relative_to(ROOT).as_posix()
        for node in ast.walk(tree):
            if isinstance(node, ast.Global):
                found.append(f"{where}:{node.lineno}: global {', '.join(node.names)}")
            targets = _targets(node)
            for target in targets:
                if isinstance(target, ast.Subscript) and _ref_name(target.value) in containers:
                    found.append(f"{where}:{node.lineno}: item of {_ref_name(target.value)}")
                if isinstance(node, ast.AugAssign) and _ref_name(target) in containers:
                    found.append(f"{where}:{node.lineno}: {_ref_name(target)} updated in place")
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in MUTATORS
                and _ref_name(node.func.value) in containers
            ):
                name = _ref_name(node.func.value)
                found.append(f"{where}:{node.lineno}: {name}.{node.func.attr}")
    return found


def test_no_module_level_mutable_state_outside_global_state():
    """Module-level lists/dicts/sets are constant tables: nothing in tkeras mutates one, and no
    module rebinds a global; per-call and per-thread state lives in backend/global_state.py."""
    containers = _module_containers() - REGISTRIES
    assert {"_OPS", "_CONV_OPS"} <= containers  # the scan sees constant tables
    assert _mutations(containers) == []
    assert _thread_locals() == []


def _thread_locals() -> list[str]:
    """Module-level ``threading.local()`` objects: per-thread state belongs in global_state."""
    found = []
    for path, tree in _modules():
        for node in tree.body:
            value = getattr(node, "value", None)
            if isinstance(value, ast.Call) and _ref_name(value.func) == "local":
                found.append(f"{path.relative_to(ROOT).as_posix()}:{node.lineno}")
    return found


def test_dtype_policy_is_per_thread_and_cleared_with_the_session_as_in_keras():
    tkeras.mixed_precision.set_global_policy("mixed_float16")
    try:
        assert _in_thread(lambda: tkeras.mixed_precision.global_policy().name) == "float32"
        assert global_state.thread_state().dtype_policy.name == "mixed_float16"
        tkeras.utils.clear_session()
        assert tkeras.mixed_precision.global_policy().name == "float32"
    finally:
        tkeras.mixed_precision.set_global_policy("float32")


# What tkeras may write to the process-wide state (``PROCESS``): the user's settings, the
# registry and the routing counter. A write elsewhere (a "has any layer done X" latch) fails.
PROCESS_WRITERS = {
    ("config.py", "floatx"),
    ("config.py", "floatx_dtype"),
    ("config.py", "epsilon"),
    ("config.py", "image_data_format"),
    ("config.py", "device"),
    ("config.py", "config_switches"),
    ("backend/scopes.py", "device"),
    ("saving/object_registry.py", "custom_objects"),
    ("saving/object_registry.py", "custom_names"),
    ("layers/layer_call.py", "route_epoch"),
}


def _process_writes() -> set[tuple[str, str]]:
    found = set()
    for path, tree in _modules():
        where = path.relative_to(ROOT).as_posix()
        for node in ast.walk(tree):
            targets = _targets(node)
            for target in targets:
                while isinstance(target, ast.Subscript):
                    target = target.value
                if (
                    isinstance(target, ast.Attribute)
                    and isinstance(target.value, ast.Name)
                    and target.value.id == "PROCESS"
                ):
                    found.add((where, target.attr))
    return found


def test_process_state_holds_settings_registries_and_the_routing_counter_only():
    writes = _process_writes()
    assert ("config.py", "floatx") in writes  # the scan sees real writes
    assert writes <= PROCESS_WRITERS, sorted(writes - PROCESS_WRITERS)
    assert not hasattr(global_state.PROCESS, "losses_seen")


def test_the_scan_finds_module_state(tmp_path, monkeypatch):
    """The scan is not vacuous: a module-level latch and a global statement are reported."""
    src = (
        "_LATCH = [False]\n\ndef f():\n    global _X\n    _LATCH[0] = True\n    _CACHE.update({})\n"
    )
    tree = ast.parse(src)
    monkeypatch.setattr(
        "tests.test_global_state._modules", lambda: iter([(ROOT / "fake.py", tree)])
    )
    assert _module_containers() == {"_LATCH"}
    found = _mutations({"_LATCH", "_CACHE"})
    assert found == [
        "fake.py:4: global _X",
        "fake.py:5: item of _LATCH",
        "fake.py:6: _CACHE.update",
    ]


def test_thread_state_starts_from_the_defaults_in_each_thread():
    state = global_state.thread_state()
    state.compile = False
    try:
        assert _in_thread(lambda: global_state.thread_state().compile) is True
    finally:
        state.compile = True


@pytest.mark.parametrize("flag", ["training", "outer", "safe_mode", "shared"])
def test_thread_state_is_clear_between_calls(flag):
    model = tkeras.Sequential([tkeras.Input((2,)), tkeras.layers.Dropout(0.5)])
    model(torch.ones(1, 2), training=True)
    assert getattr(global_state.thread_state(), flag) is None
