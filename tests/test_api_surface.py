"""keras.backend, keras.tree, keras.config, the top-level aliases and keras.utils spellings,
compared with Keras (torch backend) on the same inputs."""

from __future__ import annotations

import collections
import logging

import keras
import numpy as np
import pytest

import tkeras

Point = collections.namedtuple("Point", ["x", "y"])
NESTED = [
    {"b": [1, (2, 3)], "a": None},
    Point(4, [5]),
    collections.OrderedDict([("z", 6), ("y", 7)]),
    (),
    [[8]],
]

# One table per family: (name, args); each is called on both libraries and compared.
TREE_CASES = [
    ("is_nested", (NESTED,)),
    ("is_nested", (3,)),
    ("is_nested", (None,)),
    ("is_nested", ([],)),
    ("flatten", (NESTED,)),
    ("flatten", (None,)),
    ("flatten", ({100: "world!", 6: "Hello"},)),
    ("flatten", ([7],)),
    ("flatten_with_path", (NESTED,)),
    ("map_structure", (lambda v: None if v is None else v * 2, NESTED)),
    ("map_structure", (lambda a, b: a + b, [1, (2, 3)], [10, (20, 30)])),
    ("map_structure", (lambda v: v, 5)),
    ("map_structure_up_to", ([None, None], len, [[1, 1], [2, 2, 2]])),
    ("map_structure_up_to", ([None, [None, None]], str, [[1, 1], [2, 2]])),
    ("pack_sequence_as", ({"key3": 0, "key1": 0, "key2": [0, 0]}, ["a", "b", "c", "d"])),
    ("pack_sequence_as", (Point(0, (0, 0)), [1, 2, 3])),
    ("pack_sequence_as", (0, [9])),
    ("lists_to_tuples", (NESTED,)),
    ("map_shape_structure", (len, {"x": (None, 3), "y": [(2,), [1, 2, 3]]})),
    ("assert_same_structure", ([(0, 1)], [(2, 3)])),
    ("assert_same_paths", ([0, 1], (2, 3))),
    ("traverse", (lambda x: "leaf" if isinstance(x, int) else None, NESTED)),
    ("traverse", (lambda x: keras.tree.MAP_TO_NONE if isinstance(x, tuple) else None, NESTED)),
    ("traverse", (lambda x: x if isinstance(x, list) else None, [[1], (2,)], False)),
]

BACKEND_CASES = [
    ("backend", ()),
    ("epsilon", ()),
    ("floatx", ()),
    ("image_data_format", ()),
    ("is_float_dtype", ("bfloat16",)),
    ("is_float_dtype", ("int8",)),
    ("is_int_dtype", ("uint8",)),
    ("is_int_dtype", ("bool",)),
    ("is_int_dtype", (np.int64,)),
    ("result_type", ("int32", "float16")),
    ("result_type", ("uint8", "int8")),
    ("result_type", ("bool", float)),
    ("result_type", ()),
]

CONFIG_CASES = [
    ("backend", ()),
    ("epsilon", ()),
    ("floatx", ()),
    ("image_data_format", ()),
    ("is_flash_attention_enabled", ()),
    ("is_interactive_logging_enabled", ()),
    ("is_nnx_enabled", ()),
    ("max_epochs", ()),
    ("max_steps_per_epoch", ()),
]


@pytest.mark.parametrize("name, args", TREE_CASES, ids=[c[0] for c in TREE_CASES])
def test_tree_matches_keras(name, args):
    ours_args = tuple(
        (lambda f: lambda x: tkeras.tree.MAP_TO_NONE if f(x) is keras.tree.MAP_TO_NONE else f(x))(a)
        if callable(a) and name == "traverse"
        else a
        for a in args
    )
    ours = getattr(tkeras.tree, name)(*ours_args)
    theirs = getattr(keras.tree, name)(*args)
    assert ours == theirs and type(ours) is type(theirs)


def test_tree_traverse_visits_like_keras():
    for top_down in (True, False):
        seen_ours, seen_theirs = [], []
        tkeras.tree.traverse(seen_ours.append, [(1, 2), [3], {"a": 4}], top_down=top_down)
        keras.tree.traverse(seen_theirs.append, [(1, 2), [3], {"a": 4}], top_down=top_down)
        assert seen_ours == seen_theirs


@pytest.mark.parametrize(
    "call, pattern",
    [
        (lambda t: t.assert_same_structure([1, 2], (1, 2)), "same nested structure"),
        (lambda t: t.assert_same_structure([1, [2]], [1, 2]), "same nested structure"),
        (lambda t: t.assert_same_paths([0, 1], [0]), r"Paths in `a` missing in `b`:\n\{\(1,\)\}"),
        (lambda t: t.map_structure(len), "at least one structure"),
        (
            lambda t: t.map_structure(lambda a, b: a, [None], [1], none_is_leaf=False),
            "some arguments are None",
        ),
    ],
)
def test_tree_errors_match_keras(call, pattern):
    with pytest.raises(ValueError):  # Keras's torch backend words some of these differently
        call(keras.tree)
    with pytest.raises(ValueError, match=pattern):
        call(tkeras.tree)


def test_assert_same_structure_check_types_is_deprecated():
    with pytest.warns(DeprecationWarning, match="no longer has any effect"):
        tkeras.tree.assert_same_structure([1], [2], check_types=True)


@pytest.mark.parametrize("name, args", BACKEND_CASES, ids=[c[0] for c in BACKEND_CASES])
def test_backend_matches_keras(name, args):
    assert getattr(tkeras.backend, name)(*args) == getattr(keras.backend, name)(*args)


@pytest.mark.parametrize("name, args", CONFIG_CASES, ids=[c[0] for c in CONFIG_CASES])
def test_config_defaults_match_keras(name, args):
    assert getattr(tkeras.config, name)(*args) == getattr(keras.config, name)(*args)


def test_get_uid_and_clear_session_reset_names_like_keras():
    for lib in (keras, tkeras):
        lib.backend.clear_session()
        assert [lib.backend.get_uid("foo") for _ in range(3)] == [1, 2, 3]
        assert lib.layers.Dense(1).name == "dense"
        assert lib.layers.Dense(1).name == "dense_1"
        lib.backend.clear_session()
        assert lib.layers.Dense(1).name == "dense"
    tkeras.utils.set_random_seed(3)
    a = tkeras.random.normal((2,))
    tkeras.utils.set_random_seed(3)
    tkeras.backend.clear_session()  # resets the global SeedGenerator too
    tkeras.utils.set_random_seed(3)
    np.testing.assert_array_equal(a.numpy(), tkeras.random.normal((2,)).numpy())


def test_is_keras_tensor():
    assert tkeras.backend.is_keras_tensor(tkeras.Input((3,)))
    assert not tkeras.backend.is_keras_tensor(np.ones(3))
    assert tkeras.utils.is_keras_tensor is tkeras.backend.is_keras_tensor


def test_name_scope_paths_follow_keras():
    from keras.src.backend.common.name_scope import current_path as keras_path

    from tkeras.backend.scopes import current_path

    caller = object()
    for lib, path in ((keras, keras_path), (tkeras, current_path)):
        with lib.name_scope("outer", caller=caller):
            with lib.name_scope("outer", caller=caller):  # deduplicated
                with lib.name_scope("inner"):
                    assert path() == "outer/inner"
                    with lib.name_scope("abs", override_parent="root/x"):
                        assert path() == "root/x/abs"
        assert path() == ""
    with pytest.raises(ValueError, match="cannot contain character `/`. Received: name=a/b"):
        tkeras.name_scope("a/b")


def test_device_scope_places_new_tensors():
    with tkeras.device("cpu") as device:
        assert str(device) == "cpu" and tkeras.config.device().type == "cpu"
        assert tkeras.random.normal((2,)).device.type == "cpu"
    with tkeras.device("meta"):
        assert tkeras.ops.zeros((2,)).device.type == "meta"
    assert tkeras.ops.zeros((2,)).device.type != "meta"
    with pytest.raises(ValueError, match="Expected a string like 'gpu:0'"):
        with tkeras.device(0):
            pass


def test_top_level_aliases_are_the_classes():
    pairs = {
        "Layer": tkeras.layers.Layer,
        "Loss": tkeras.losses.Loss,
        "Metric": tkeras.metrics.Metric,
        "Optimizer": tkeras.optimizers.Optimizer,
        "InputSpec": tkeras.layers.InputSpec,
        "Initializer": tkeras.initializers.Initializer,
        "Regularizer": tkeras.regularizers.Regularizer,
    }
    for name, cls in pairs.items():
        assert getattr(tkeras, name) is cls and hasattr(keras, name)
    assert isinstance(tkeras.Input((2,)), tkeras.KerasTensor)
    assert tkeras.version() == tkeras.__version__


def test_utils_registry_spellings_are_saving_s():
    for name in (
        "CustomObjectScope",
        "custom_object_scope",
        "get_custom_objects",
        "get_registered_name",
        "get_registered_object",
        "register_keras_serializable",
        "serialize_keras_object",
        "deserialize_keras_object",
    ):
        assert getattr(tkeras.utils, name) is getattr(tkeras.saving, name)
        assert hasattr(keras.utils, name)

    @tkeras.utils.register_keras_serializable(package="api14")
    class Thing(tkeras.layers.Layer):
        pass

    assert tkeras.utils.get_registered_name(Thing) == "api14>Thing"
    with tkeras.utils.custom_object_scope({"Other": Thing}):
        assert tkeras.utils.get_registered_object("Other") is Thing


def test_max_epochs_and_steps_cap_fit():
    model = tkeras.Sequential([tkeras.Input((2,)), tkeras.layers.Dense(1)])
    model.compile("sgd", "mse")
    x, y = np.ones((40, 2), "float32"), np.ones((40, 1), "float32")
    tkeras.config.set_max_epochs(2)
    tkeras.config.set_max_steps_per_epoch(3)
    try:
        with pytest.warns(UserWarning) as record:
            history = model.fit(x, y, batch_size=4, epochs=5, verbose=0)
        messages = {str(w.message) for w in record}
        assert {"Limiting epochs to 2", "Limiting steps_per_epoch to 3"} <= messages
        assert len(history.history["loss"]) == 2
        assert int(model.optimizer.iterations) == 6
    finally:
        tkeras.config.set_max_epochs(None)
        tkeras.config.set_max_steps_per_epoch(None)
    assert tkeras.config.max_epochs() is None
    with pytest.raises(ValueError, match="`max_epochs` must be a positive integer or None"):
        tkeras.config.set_max_epochs(0)


def test_interactive_logging_switch_sends_progress_to_logging(capsys, caplog):
    model = tkeras.Sequential([tkeras.Input((2,)), tkeras.layers.Dense(1)])
    model.compile("sgd", "mse")
    tkeras.config.disable_interactive_logging()
    try:
        assert not tkeras.utils.is_interactive_logging_enabled()
        with caplog.at_level(logging.INFO, logger="tkeras"):
            model.fit(np.ones((4, 2)), np.ones((4, 1)), epochs=1, verbose=2)
    finally:
        tkeras.config.enable_interactive_logging()
    assert capsys.readouterr().out == ""
    assert any("loss" in r.getMessage() for r in caplog.records)


def test_flash_attention_switch_reaches_the_op(monkeypatch):
    import torch

    kernels = []
    real = torch.nn.attention.sdpa_kernel
    monkeypatch.setattr(
        torch.nn.attention,
        "sdpa_kernel",
        lambda backends: kernels.append(backends) or real(backends),
    )
    q = np.random.default_rng(0).standard_normal((1, 4, 2, 8)).astype("float32")
    expected = tkeras.ops.dot_product_attention(q, q, q)
    assert tkeras.config.is_flash_attention_enabled() is None and kernels == []
    try:
        tkeras.config.disable_flash_attention()
        assert tkeras.config.is_flash_attention_enabled() is False
        np.testing.assert_allclose(tkeras.ops.dot_product_attention(q, q, q), expected)
        assert kernels == []
        tkeras.config.enable_flash_attention()
        assert tkeras.config.is_flash_attention_enabled() is True
        np.testing.assert_allclose(tkeras.ops.dot_product_attention(q, q, q), expected, atol=1e-6)
        assert kernels == [[torch.nn.attention.SDPBackend.FLASH_ATTENTION]]
    finally:
        tkeras.backend.global_state.PROCESS.config_switches["flash_attention"] = None


def test_config_switches_without_a_torch_meaning():
    assert tkeras.config.is_traceback_filtering_enabled() is False
    tkeras.config.disable_traceback_filtering()
    with pytest.raises(NotImplementedError, match="does not filter tracebacks"):
        tkeras.config.enable_traceback_filtering()
    tkeras.config.set_backend("torch")
    with pytest.raises(ValueError, match="PyTorch only.*backend='jax'"):
        tkeras.config.set_backend("jax")
