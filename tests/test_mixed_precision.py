"""Dtype policies and mixed precision against Keras 3: dtypes exact, values to the policy's
precision; LossScaleOptimizer's dynamic loss scaling step by step."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import torch

import tkeras

# The tolerance each compute dtype allows (a few ulps on values of order 1).
TOL = {"mixed_float16": 5e-3, "mixed_bfloat16": 4e-2, "float16": 5e-3, "bfloat16": 4e-2}


@pytest.fixture(autouse=True)
def _reset_policies():
    """Every test starts and ends with the float32 global policy, in both libraries."""
    tkeras.mixed_precision.set_global_policy("float32")
    keras.mixed_precision.set_global_policy("float32")
    yield
    tkeras.mixed_precision.set_global_policy("float32")
    keras.mixed_precision.set_global_policy("float32")


def _np(x):
    return keras.ops.convert_to_numpy(x) if not isinstance(x, torch.Tensor) else x.detach()


def _dtype(x) -> str:
    return str(x.dtype).replace("torch.", "")


def _mlp(lib, policy_for_last="float32"):
    return lib.Sequential(
        [
            lib.Input((6,)),
            lib.layers.Dense(16, activation="relu"),
            lib.layers.LayerNormalization(),
            lib.layers.Dense(4),
            lib.layers.Activation("softmax", dtype=policy_for_last),
        ]
    )


# ---------------------------------------------------------------------------- policy objects


def test_policy_names_and_dtypes_match_keras():
    for name in ["float32", "float16", "bfloat16", "float64", "mixed_float16", "mixed_bfloat16"]:
        ours, theirs = tkeras.DTypePolicy(name), keras.DTypePolicy(name)
        assert (ours.name, ours.compute_dtype, ours.variable_dtype) == (
            theirs.name,
            theirs.compute_dtype,
            theirs.variable_dtype,
        )
        assert repr(ours) == repr(theirs)
        assert tkeras.dtype_policies.serialize(ours) == keras.dtype_policies.serialize(theirs)
    assert tkeras.FloatDTypePolicy("float32") == tkeras.DTypePolicy("float32")
    assert tkeras.DTypePolicy("float32") != tkeras.DTypePolicy("mixed_float16")


def test_global_policy_apis_are_one_setting():
    assert tkeras.config.dtype_policy().name == "float32"
    tkeras.config.set_dtype_policy("mixed_bfloat16")
    assert tkeras.mixed_precision.global_policy() is tkeras.config.dtype_policy()
    assert tkeras.mixed_precision.dtype_policy().name == "mixed_bfloat16"
    tkeras.mixed_precision.set_global_policy(tkeras.mixed_precision.Policy("float64"))
    assert tkeras.DTypePolicy().name == "float64"  # None: the global policy's name
    assert tkeras.layers.Dense(2).dtype_policy.name == "float64"


def test_global_policy_is_per_thread_as_in_keras():
    import threading

    tkeras.mixed_precision.set_global_policy("mixed_float16")
    seen = []
    t = threading.Thread(target=lambda: seen.append(tkeras.config.dtype_policy().name))
    t.start()
    t.join()
    assert seen == ["float32"]
    assert tkeras.config.dtype_policy().name == "mixed_float16"


def test_bad_policy_names_raise_like_keras():
    with pytest.raises(ValueError, match="Cannot convert 'mixed_float8' to a mixed precision"):
        tkeras.mixed_precision.set_global_policy("mixed_float8")
    with pytest.raises(ValueError, match="Cannot convert 'fp16' to a mixed precision"):
        tkeras.layers.Dense(2, dtype="fp16")
    with pytest.raises(ValueError, match=r"Invalid `policy` argument.*Received: policy=3"):
        tkeras.config.set_dtype_policy(3)
    with pytest.raises(TypeError, match="'name' must be a string"):
        tkeras.DTypePolicy(16)
    with pytest.raises(ValueError, match="Cannot interpret `dtype` argument.*dtype=\\[1\\]"):
        tkeras.layers.Dense(2, dtype=[1])
    assert tkeras.config.dtype_policy().name == "float32"  # unchanged by the failures


# ---------------------------------------------------------------------------- layers


@pytest.mark.parametrize("policy", ["mixed_float16", "mixed_bfloat16"])
def test_layer_dtype_properties_match_keras(policy):
    tkeras.mixed_precision.set_global_policy(policy)
    keras.mixed_precision.set_global_policy(policy)
    ours, theirs = tkeras.layers.Dense(3), keras.layers.Dense(3)
    for attr in ("dtype", "compute_dtype", "variable_dtype"):
        assert getattr(ours, attr) == getattr(theirs, attr), attr
    assert ours.dtype_policy == tkeras.DTypePolicy(policy)
    assert ours.get_config()["dtype"] == theirs.get_config()["dtype"]
    as_object = tkeras.layers.Dense(3, dtype=tkeras.DTypePolicy("float64"))
    assert (as_object.compute_dtype, as_object.dtype) == ("float64", "float64")


@pytest.mark.parametrize("policy", ["mixed_float16", "mixed_bfloat16"])
def test_mixed_model_matches_keras(policy):
    tkeras.mixed_precision.set_global_policy(policy)
    keras.mixed_precision.set_global_policy(policy)
    k_model, t_model = _mlp(keras), _mlp(tkeras)
    t_model.set_weights(k_model.get_weights())
    x = np.random.default_rng(0).standard_normal((8, 6)).astype("float32")
    # Variables stay float32 under mixed_*.
    assert [_dtype(w) for w in t_model.weights] == [w.dtype for w in k_model.weights]
    assert {_dtype(w) for w in t_model.weights} == {"float32"}
    # Each layer's output dtype is Keras's; the float32 last layer outputs float32.
    kx, tx = keras.ops.convert_to_tensor(x), torch.from_numpy(x)
    for k_layer, t_layer in zip(k_model.layers, t_model.layers):
        kx, tx = k_layer(kx), t_layer(tx)
        assert _dtype(tx) == keras.backend.standardize_dtype(kx.dtype), t_layer.name
        np.testing.assert_allclose(
            tx.float().detach().numpy(),
            keras.ops.convert_to_numpy(keras.ops.cast(kx, "float32")),
            rtol=TOL[policy],
            atol=TOL[policy],
        )
    assert _dtype(t_model(torch.from_numpy(x))) == "float32"
    assert t_model.outputs[0].dtype == k_model.outputs[0].dtype


@pytest.mark.parametrize(
    "make,shape,data",
    [
        (lambda lib: lib.layers.Conv2D(4, 3, padding="same"), (2, 6, 6, 3), "float"),
        (lambda lib: lib.layers.LSTM(5, return_sequences=True), (2, 4, 3), "float"),
        (lambda lib: lib.layers.Embedding(10, 4), (2, 5), "int"),
        (lambda lib: lib.layers.BatchNormalization(), (4, 3), "float"),
    ],
)
def test_layer_families_under_mixed_bfloat16_match_keras(make, shape, data):
    keras.mixed_precision.set_global_policy("mixed_bfloat16")
    tkeras.mixed_precision.set_global_policy("mixed_bfloat16")
    rng = np.random.default_rng(1)
    x = rng.integers(0, 10, shape) if data == "int" else rng.standard_normal(shape)
    x = x.astype("int64" if data == "int" else "float32")
    k_layer, t_layer = make(keras), make(tkeras)
    k_out = k_layer(keras.ops.convert_to_tensor(x))
    t_layer(torch.from_numpy(x))  # builds
    t_layer.set_weights(k_layer.get_weights())
    t_out = t_layer(torch.from_numpy(x))
    assert _dtype(t_out) == keras.backend.standardize_dtype(k_out.dtype)
    assert [_dtype(w) for w in t_layer.weights] == [w.dtype for w in k_layer.weights]
    np.testing.assert_allclose(
        t_out.float().detach().numpy(),
        keras.ops.convert_to_numpy(keras.ops.cast(k_out, "float32")),
        rtol=4e-2,
        atol=4e-2,
    )


@pytest.mark.parametrize("policy", ["float16", "bfloat16", "float64"])
def test_whole_model_policies_match_keras(policy):
    tkeras.mixed_precision.set_global_policy(policy)
    keras.mixed_precision.set_global_policy(policy)
    k_model = _mlp(keras, policy_for_last=None)
    t_model = _mlp(tkeras, policy_for_last=None)
    t_model.set_weights(k_model.get_weights())
    assert [_dtype(w) for w in t_model.weights] == [w.dtype for w in k_model.weights]
    x = np.random.default_rng(2).standard_normal((5, 6)).astype("float32")
    k_out = k_model(keras.ops.convert_to_tensor(x))
    t_out = t_model(torch.from_numpy(x))
    assert _dtype(t_out) == keras.backend.standardize_dtype(k_out.dtype) == policy
    tol = TOL.get(policy, 1e-6)
    np.testing.assert_allclose(
        t_out.double().detach().numpy(),
        keras.ops.convert_to_numpy(keras.ops.cast(k_out, "float64")),
        rtol=tol,
        atol=tol,
    )


# ---------------------------------------------------------------------------- training


def test_mixed_float16_fit_wraps_the_optimizer_and_matches_keras():
    tkeras.mixed_precision.set_global_policy("mixed_float16")
    keras.mixed_precision.set_global_policy("mixed_float16")
    rng = np.random.default_rng(3)
    x = rng.standard_normal((64, 6)).astype("float32")
    y = rng.integers(0, 4, 64)
    k_model, t_model = _mlp(keras), _mlp(tkeras)
    t_model.set_weights(k_model.get_weights())
    for model, lib in ((k_model, keras), (t_model, tkeras)):
        model.compile(
            lib.optimizers.SGD(0.1), "sparse_categorical_crossentropy", metrics=["accuracy"]
        )
    assert type(t_model.optimizer).__name__ == "LossScaleOptimizer"
    assert t_model.optimizer.get_config()["initial_scale"] == 2.0**15
    k_hist = k_model.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0).history
    t_hist = t_model.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0).history
    np.testing.assert_allclose(t_hist["loss"], k_hist["loss"], rtol=5e-3)
    for t_w, k_w in zip(t_model.get_weights(), k_model.get_weights()):
        assert t_w.dtype == k_w.dtype == np.float32
        np.testing.assert_allclose(t_w, k_w, rtol=1e-2, atol=1e-2)
    assert t_model.optimizer.iterations == 8
    no_wrap = _mlp(tkeras)
    no_wrap.compile("sgd", "mse", auto_scale_loss=False)
    assert type(no_wrap.optimizer).__name__ == "SGD"


def test_mixed_bfloat16_fit_does_not_wrap():
    tkeras.mixed_precision.set_global_policy("mixed_bfloat16")
    model = _mlp(tkeras)
    model.compile("sgd", "mse")
    assert type(model.optimizer).__name__ == "SGD"


def test_loss_scale_optimizer_dynamic_scaling_matches_keras():
    def run(lib, to_tensor, value):
        opt = lib.optimizers.LossScaleOptimizer(
            lib.optimizers.SGD(0.1), initial_scale=4.0, dynamic_growth_steps=2
        )
        v = lib.Variable(to_tensor(np.ones(2, "float32")))
        opt.build([v])
        trace = []
        for g in ([1.0, 1.0], [np.inf, 1.0], [1.0, 2.0], [1.0, 1.0], [np.nan, 1.0]):
            opt.apply([to_tensor(np.array(g, "float32"))], [v])
            trace.append(
                (
                    value(v).tolist(),
                    float(value(opt.dynamic_scale)),
                    int(value(opt.step_counter)),
                    int(value(opt.iterations)),
                )
            )
        return trace

    ours = run(tkeras, torch.from_numpy, lambda t: np.asarray(torch.as_tensor(t).detach()))
    theirs = run(keras, keras.ops.convert_to_tensor, keras.ops.convert_to_numpy)
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a[0], b[0], rtol=1e-6)
        assert a[1:] == b[1:]


def test_loss_scale_optimizer_step_skips_non_finite_gradients():
    w = torch.nn.Parameter(torch.ones(3))
    opt = tkeras.optimizers.LossScaleOptimizer(tkeras.optimizers.SGD(1.0), initial_scale=8.0)
    opt.build([w])
    (opt.scale_loss(w.sum() * 0.5)).backward()
    opt.step()  # gradient 0.5 * 8 unscaled to 0.5
    np.testing.assert_array_equal(w.detach().numpy(), [0.5, 0.5, 0.5])
    opt.zero_grad()
    (opt.scale_loss(w.sum() * float("inf"))).backward()
    opt.step()
    np.testing.assert_array_equal(w.detach().numpy(), [0.5, 0.5, 0.5])
    assert float(opt.dynamic_scale) == 4.0 and opt.iterations == 1


def test_loss_scale_optimizer_bad_arguments():
    sgd = tkeras.optimizers.SGD()
    with pytest.raises(ValueError, match="no longer supports `dynamic=False`"):
        tkeras.optimizers.LossScaleOptimizer(sgd, dynamic=False)
    with pytest.raises(ValueError, match="does not support `clipnorm`"):
        tkeras.optimizers.LossScaleOptimizer(sgd, clipnorm=1.0)
    with pytest.raises(ValueError, match="does not support arguments: `foo`"):
        tkeras.optimizers.LossScaleOptimizer(sgd, foo=1)
    with pytest.raises(TypeError, match="`inner_optimizer` must be a tkeras optimizer"):
        tkeras.optimizers.LossScaleOptimizer("sgd")
    with pytest.raises(ValueError, match="`dynamic_growth_steps` must be a positive integer"):
        tkeras.optimizers.LossScaleOptimizer(sgd, dynamic_growth_steps=0)


# ---------------------------------------------------------------------------- saving


def test_policies_round_trip_through_keras_files(tmp_path):
    tkeras.mixed_precision.set_global_policy("mixed_bfloat16")
    t_model = _mlp(tkeras)
    path = str(tmp_path / "m.keras")
    t_model.save(path)
    tkeras.mixed_precision.set_global_policy("float32")
    loaded = tkeras.saving.load_model(path)
    assert [layer.dtype_policy.name for layer in loaded.layers] == [
        "mixed_bfloat16",
        "mixed_bfloat16",
        "mixed_bfloat16",
        "float32",
    ]
    k_loaded = keras.saving.load_model(path)  # Keras reads the policies tkeras wrote
    assert [layer.dtype_policy.name for layer in k_loaded.layers] == [
        layer.dtype_policy.name for layer in loaded.layers
    ]
    keras.mixed_precision.set_global_policy("mixed_float16")
    k_model = _mlp(keras)
    k_model.compile(keras.optimizers.SGD(0.1), "mse")
    k_path = str(tmp_path / "k.keras")
    k_model.save(k_path)
    from_keras = tkeras.saving.load_model(k_path)
    assert [layer.dtype_policy.name for layer in from_keras.layers] == [
        layer.dtype_policy.name for layer in k_model.layers
    ]
    # Keras saves the inner optimizer and re-wraps only under a mixed_float16 model policy;
    # a loaded Sequential takes the global policy (float32 here), so neither library wraps.
    keras.mixed_precision.set_global_policy("float32")
    k_reloaded = keras.saving.load_model(k_path)
    assert type(from_keras.optimizer).__name__ == type(k_reloaded.optimizer).__name__ == "SGD"
    assert from_keras.dtype_policy.name == k_reloaded.dtype_policy.name == "float32"


# ---------------------------------------------------------------------------- GPU (CUDA/MPS)


def _accelerator():
    return torch.device("cuda" if torch.cuda.is_available() else "mps")


@pytest.mark.gpu
@pytest.mark.parametrize("policy", ["mixed_float16", "mixed_bfloat16"])
def test_mixed_policies_on_the_accelerator_match_the_cpu(policy):
    tkeras.mixed_precision.set_global_policy(policy)
    model = _mlp(tkeras)
    x = torch.from_numpy(np.random.default_rng(4).standard_normal((8, 6)).astype("float32"))
    cpu = model(x)
    model.to(_accelerator())
    out = model(x.to(_accelerator()))
    assert out.dtype == cpu.dtype == torch.float32
    want = torch.float16 if policy == "mixed_float16" else torch.bfloat16
    assert model.layers[0](x.to(_accelerator())).dtype == want
    np.testing.assert_allclose(out.cpu().detach().numpy(), cpu.detach().numpy(), atol=TOL[policy])


@pytest.mark.gpu
def test_mixed_float16_fit_on_the_accelerator_scales_the_loss():
    tkeras.mixed_precision.set_global_policy("mixed_float16")
    rng = np.random.default_rng(5)
    x, y = rng.standard_normal((64, 6)).astype("float32"), rng.integers(0, 4, 64)
    model = _mlp(tkeras)
    model.to(_accelerator())
    model.compile(tkeras.optimizers.Adam(1e-3), "sparse_categorical_crossentropy")
    history = model.fit(x, y, batch_size=16, epochs=2, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    assert float(model.optimizer.dynamic_scale) > 0
    assert {w.dtype for w in model.weights} == {torch.float32}
    assert all(w.device.type == _accelerator().type for w in model.weights)
