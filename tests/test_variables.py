"""Variables as Keras sees them: Keras's shapes and values for every layer configuration of the
parity tables, torch-laid-out storage underneath (zero-copy op views, gradients with the
Variables' strides), live ``value``, state_dict versions, and the optimizer's Variables."""

from __future__ import annotations

import contextlib

import keras
import numpy as np
import pytest
import torch

import tkeras
from tests.layers.test_preprocessing import keras_inference
from tests.parity import Case, assert_same_variables, make_input
from tests.test_meta import MODULES


def _plain(case) -> bool:
    """A case ``tests.parity.check_case`` runs: one input, no nested layers. The others (the
    attention, wrapper and cell tables) run ``assert_same_variables`` in their own harnesses."""
    return (
        type(case) is Case
        and all(isinstance(d, int) for d in case.input_shape)
        and not case.layer.endswith(("Cell", "Cells"))
        and not any(hasattr(v, "layer") for v in case.kwargs.values())
        and not any(isinstance(v, list) for v in case.kwargs.values())
    )


# The generic check over the parity tables (the parity harnesses run it as well).
WEIGHT_CASES = [c for m in MODULES for c in getattr(m, "CASES", []) if _plain(c)]


def _keras_layer(case):
    layer = getattr(keras.layers, case.layer)(**case.kwargs)
    # As the case's own parity test calls it (Keras's augmentation layers default to training).
    with contextlib.nullcontext() if case.training else keras_inference():
        layer(torch.tensor(make_input(case)))
    return layer


@pytest.mark.parametrize("case", WEIGHT_CASES, ids=str)
def test_every_variable_has_keras_shape_and_values(case):
    k_layer = _keras_layer(case)
    t_layer = getattr(tkeras.layers, case.layer)(**case.kwargs)
    t_layer.build_from_shape(tuple(case.input_shape))
    t_layer.set_weights(k_layer.get_weights())
    assert_same_variables(k_layer, t_layer)


# ---------------------------------------------------------------------- storage and gradients

STRIDED = [
    ("Dense", {"units": 5}, (3, 4)),
    ("Dense", {"units": 5}, (2, 3, 4)),
    ("Conv1D", {"filters": 5, "kernel_size": 3}, (2, 8, 4)),
    ("Conv2D", {"filters": 5, "kernel_size": 3}, (2, 8, 8, 4)),
    ("Conv3D", {"filters": 5, "kernel_size": 2}, (2, 4, 4, 4, 3)),
    ("Conv2DTranspose", {"filters": 5, "kernel_size": 3, "strides": 2}, (2, 5, 5, 4)),
    ("DepthwiseConv2D", {"kernel_size": 3, "depth_multiplier": 2}, (2, 6, 6, 3)),
    ("SeparableConv1D", {"filters": 4, "kernel_size": 3}, (2, 8, 3)),
    ("SimpleRNN", {"units": 4}, (2, 5, 3)),
    ("LSTM", {"units": 4}, (2, 5, 3)),
    ("GRU", {"units": 4}, (2, 5, 3)),
    ("ConvLSTM2D", {"filters": 3, "kernel_size": 3}, (2, 3, 6, 6, 2)),
    ("Embedding", {"input_dim": 10, "output_dim": 4}, None),
]


def _built(name, kwargs, shape):
    layer = getattr(tkeras.layers, name)(**kwargs)
    x = torch.randint(0, 10, (2, 5)) if shape is None else torch.randn(shape)
    return layer, x


@pytest.mark.parametrize("name,kwargs,shape", STRIDED, ids=str)
def test_gradients_come_back_with_the_variable_strides(name, kwargs, shape):
    layer, x = _built(name, kwargs, shape)
    layer(x).sum().backward()
    opt = tkeras.optimizers.Adam(learning_rate=0.01)
    opt.build(layer.trainable_weights)
    for v in layer.trainable_weights:
        assert v.grad is not None, v.path
        # autograd's layout contract: the optimizer's foreach kernels see one stride pattern
        # for parameter, gradient and slots (their fast path).
        assert v.grad.stride() == v.stride(), v.path
        for slot_list in opt._slots.values():
            slot = slot_list[opt._index[id(v)]]
            assert slot.stride() == v.stride(), v.path
    before = [v.detach().clone() for v in layer.trainable_weights]
    opt.step()
    for v, old in zip(layer.trainable_weights, before):
        assert not torch.equal(v.detach(), old), v.path
        assert v.stride() == old.stride() or v.numel() <= 1


@pytest.mark.parametrize(
    "name,kwargs,shape,torch_shape",
    [
        ("Dense", {"units": 5}, (3, 4), (5, 4)),
        ("Conv2D", {"filters": 5, "kernel_size": 3}, (2, 8, 8, 4), (5, 4, 3, 3)),
        ("LSTM", {"units": 4}, (2, 5, 3), (16, 3)),
    ],
    ids=str,
)
def test_ops_get_views_of_the_variable_memory(name, kwargs, shape, torch_shape):
    layer, x = _built(name, kwargs, shape)
    layer(x)
    kernel = layer.kernel
    op_kernel = kernel.keras_layout.op(kernel)
    assert tuple(op_kernel.shape) == torch_shape
    assert op_kernel.data_ptr() == kernel.data_ptr()  # no copy
    if op_kernel.dim() == 4:
        assert op_kernel.is_contiguous(memory_format=torch.channels_last)
    else:
        assert op_kernel.is_contiguous()


def test_value_is_the_live_tensor():
    layer = tkeras.layers.Dense(3)
    layer.build_from_shape((None, 4))
    assert layer.kernel.value is layer.kernel
    x = torch.randn(2, 4)
    loss = tkeras.ops.matmul(x, layer.kernel.value).sum()
    loss.backward()
    np.testing.assert_allclose(
        layer.kernel.value.grad.numpy(), np.repeat(x.sum(0).numpy()[:, None], 3, 1), rtol=1e-6
    )


def test_variable_api():
    layer = tkeras.layers.Conv2D(2, 3)
    layer.build_from_shape((None, 5, 5, 4))
    kernel = layer.kernel
    assert kernel.shape == (3, 3, 4, 2) and kernel.name == "kernel"
    assert kernel.path == f"{layer.name}/kernel" and kernel.dtype == torch.float32
    value = np.arange(72, dtype="float32").reshape(3, 3, 4, 2)
    kernel.assign(value)
    np.testing.assert_array_equal(np.asarray(kernel), value)
    kernel.assign_add(np.ones_like(value))
    kernel.assign_sub(2 * np.ones_like(value))
    np.testing.assert_array_equal(kernel.numpy(), value - 1)
    # assign writes into the torch-laid-out memory: the op still gets a channels_last view.
    assert kernel.keras_layout.op(kernel).is_contiguous(memory_format=torch.channels_last)
    with pytest.raises(ValueError, match=r"Cannot assign a value of shape \(2, 3, 3, 4\)"):
        kernel.assign(np.zeros((2, 3, 3, 4), "float32"))


# ---------------------------------------------------------------------- state_dict


def test_state_dict_has_keras_shapes_and_round_trips():
    model = tkeras.Sequential([tkeras.Input((5, 3)), tkeras.layers.LSTM(4), tkeras.layers.Dense(2)])
    state = model.state_dict()
    shapes = {k: tuple(v.shape) for k, v in state.items()}
    assert shapes["layers.0.cell.kernel"] == (3, 16)
    assert shapes["layers.1.kernel"] == (4, 2)
    other = tkeras.Sequential([tkeras.Input((5, 3)), tkeras.layers.LSTM(4), tkeras.layers.Dense(2)])
    other.load_state_dict(state)
    for a, b in zip(model.weights, other.weights):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
        assert a.stride() == b.stride()  # the storage layout survives the load


def test_old_torch_layout_state_dict_is_refused():
    """A state_dict from a tkeras whose weights had torch's layouts (version 1) raises: a square
    Dense kernel would otherwise load transposed without any shape error."""
    layer = tkeras.layers.Dense(4)
    layer.build_from_shape((None, 4))
    state = layer.state_dict()
    state["kernel"] = state["kernel"].t().contiguous()  # what the old release saved
    state._metadata[""]["version"] = 1
    with pytest.raises(
        ValueError,
        match=r"Layer 'dense(_\d+)?': this state_dict was saved by a tkeras release whose "
        r"weights had torch's layouts \(state_dict version 1\); its kernel cannot be loaded",
    ):
        layer.load_state_dict(state)
    # A layer whose Variables all had Keras's layout already loads an old state_dict.
    norm = tkeras.layers.LayerNormalization()
    norm.build_from_shape((None, 4))
    old = norm.state_dict()
    old._metadata[""]["version"] = 1
    norm.load_state_dict(old)


# ---------------------------------------------------------------------- optimizer variables


def test_optimizer_learning_rate_and_iterations_are_variables():
    opt = tkeras.optimizers.SGD(learning_rate=0.5)
    lr = opt.learning_rate
    assert isinstance(lr, tkeras.Variable) and lr.dtype == torch.float32
    assert lr.path == f"{opt.name}/learning_rate"
    assert float(lr) == 0.5 and lr.numpy() == np.float32(0.5) and float(lr * 2) == 1.0
    w = torch.nn.Parameter(torch.ones(2))
    opt.build([w])
    w.grad = torch.ones(2)
    opt.step()
    lr.assign(0.25)  # the next update uses the assigned rate
    opt.step()
    np.testing.assert_allclose(w.detach().numpy(), [1 - 0.5 - 0.25] * 2)
    assert isinstance(opt.iterations, tkeras.Variable) and int(opt.iterations) == 2
    assert opt.iterations.dtype == torch.int64
    opt.learning_rate = 0.125  # setting a float assigns the variable, as in Keras
    assert opt.learning_rate is lr and float(lr) == 0.125
    opt.learning_rate = tkeras.optimizers.schedules.ExponentialDecay(1.0, 1, 0.5)
    assert float(opt.learning_rate) == 0.25  # a schedule at iterations=2


class _HalveLearningRate(tkeras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        lr = self.model.optimizer.learning_rate
        lr.assign(lr * 0.5)


def test_callbacks_assign_the_learning_rate_and_it_is_saved(tmp_path):
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((16, 3)).astype("float32"), rng.standard_normal((16, 1))
    model = tkeras.Sequential([tkeras.Input((3,)), tkeras.layers.Dense(1)])
    model.compile(optimizer=tkeras.optimizers.SGD(0.1), loss="mse")
    model.fit(x, y.astype("float32"), epochs=2, verbose=0, callbacks=[_HalveLearningRate()])
    assert float(model.optimizer.learning_rate) == np.float32(0.025)
    assert int(model.optimizer.iterations) == 2
    path = tmp_path / "m.weights.h5"
    model.save_weights(path)
    other = tkeras.Sequential([tkeras.Input((3,)), tkeras.layers.Dense(1)])
    other.compile(optimizer=tkeras.optimizers.SGD(0.1), loss="mse")
    other.optimizer.build(other.trainable_weights)
    other.load_weights(path)
    assert float(other.optimizer.learning_rate) == np.float32(0.025)
    assert int(other.optimizer.iterations) == 2


# ---------------------------------------------------------------------- cells own the weights


@pytest.mark.parametrize(
    "name,cell", [("SimpleRNN", "SimpleRNNCell"), ("LSTM", "LSTMCell"), ("GRU", "GRUCell")]
)
def test_recurrent_layers_hold_their_cell(name, cell):
    k_layer = getattr(keras.layers, name)(3)
    k_layer(torch.ones(2, 4, 5))
    t_layer = getattr(tkeras.layers, name)(3, name=k_layer.name)
    t_layer(torch.ones(2, 4, 5))
    assert type(t_layer.cell) is getattr(tkeras.layers, cell)
    assert t_layer.cell.name == k_layer.cell.name
    assert [w.path for w in t_layer.weights] == [w.path for w in k_layer.weights]
    assert t_layer.weights == t_layer.cell.weights
    assert t_layer.units == 3 and t_layer.kernel is t_layer.cell.kernel
