"""The newer Keras 3 layers (RMSNormalization, adaptive pooling, EinsumDense): parity with
Keras given the same weights and inputs, through the shared harness in ``tests/parity.py``."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import torch

import tkeras
from tests.parity import Case, check_case

CASES = [
    Case("EinsumDense", {"equation": "ab,bc->ac", "output_shape": 4, "bias_axes": "c"}, (3, 5)),
    Case(
        "EinsumDense",
        {"equation": "abc,cd->abd", "output_shape": (None, 6), "activation": "relu"},
        (2, 3, 4),
    ),
    Case(
        "EinsumDense",
        {
            "equation": "abc,cde->abde",
            "output_shape": (None, 2, 3),
            "bias_axes": "de",
            "kernel_initializer": "he_normal",
            "bias_initializer": "ones",
        },
        (2, 5, 4),
    ),
    Case(
        "EinsumDense", {"equation": "...b,bc->...c", "output_shape": 3, "bias_axes": "c"}, (2, 3, 4)
    ),
    Case(
        "EinsumDense",
        {"equation": "abc...,cd->abd...", "output_shape": (3, 2), "bias_axes": "d"},
        (2, 3, 4, 5),
    ),
    Case("RMSNormalization", {}, (2, 5)),
    Case("MelSpectrogram", {"fft_length": 64, "sequence_stride": 16, "num_mel_bins": 8}, (2, 400)),
    Case(
        "MelSpectrogram",
        {
            "fft_length": 128,
            "sequence_stride": 32,
            "sequence_length": 100,
            "window": "hamming",
            "sampling_rate": 8000,
            "num_mel_bins": 10,
            "min_freq": 50.0,
            "max_freq": 3000.0,
            "power_to_db": False,
            "mag_exp": 1.0,
        },
        (2, 400),
    ),
    Case(
        "MelSpectrogram",
        {
            "fft_length": 64,
            "sequence_stride": 16,
            "num_mel_bins": 8,
            "top_db": 20.0,
            "min_power": 1e-4,
            "ref_power": 2.0,
            "window": None,
        },
        (3, 300),
    ),
    Case("STFTSpectrogram", {"frame_length": 8}, (2, 40, 3)),
    Case(
        "STFTSpectrogram",
        {"mode": "psd", "frame_length": 8, "frame_step": 3, "padding": "same"},
        (2, 40, 3),
    ),
    Case(
        "STFTSpectrogram",
        {"mode": "stft", "frame_length": 6, "fft_length": 16, "expand_dims": True},
        (2, 30, 2),
    ),
    Case(
        "STFTSpectrogram",
        {
            "mode": "magnitude",
            "frame_length": 8,
            "data_format": "channels_first",
            "window": "hamming",
            "periodic": True,
            "scaling": "spectrum",
        },
        (2, 3, 40),
    ),
    Case("STFTSpectrogram", {"mode": "real", "frame_length": 8, "window": None}, (1, 24, 1)),
    Case("STFTSpectrogram", {"mode": "imag", "frame_length": 8, "scaling": None}, (1, 24, 1)),
    Case("STFTSpectrogram", {"mode": "angle", "frame_length": 8}, (1, 24, 1), grad=False),
    Case("ReversibleEmbedding", {"input_dim": 9, "output_dim": 4}, (2, 5), data=("int", 9)),
    Case(
        "ReversibleEmbedding",
        {
            "input_dim": 9,
            "output_dim": 3,
            "tie_weights": False,
            "embeddings_initializer": "glorot_uniform",
            "embeddings_regularizer": "l2",
            "embeddings_constraint": "non_neg",
            "mask_zero": True,
            "reverse_dtype": "float64",
            "logit_soft_cap": 2.0,
        },
        (3, 4),
        data=("int", 9),
    ),
    Case("RMSNormalization", {"axis": [1, 2], "epsilon": 1e-3}, (2, 3, 4)),
    Case("AdaptiveAveragePooling1D", {"output_size": 3}, (2, 7, 4)),
    Case(
        "AdaptiveAveragePooling1D", {"output_size": 2, "data_format": "channels_first"}, (2, 3, 7)
    ),
    Case("AdaptiveAveragePooling2D", {"output_size": (2, 3)}, (2, 7, 9, 3)),
    Case("AdaptiveAveragePooling3D", {"output_size": 2}, (1, 4, 5, 6, 2)),
    Case("AdaptiveMaxPooling1D", {"output_size": 4}, (2, 9, 3)),
    Case("AdaptiveMaxPooling2D", {"output_size": 3, "data_format": "channels_first"}, (2, 3, 7, 8)),
    Case("AdaptiveMaxPooling3D", {"output_size": (1, 2, 3)}, (1, 4, 5, 6, 2)),
    Case(
        "AdaptiveAveragePooling2D",
        {"output_size": 2, "data_format": "channels_first"},
        (1, 2, 5, 6),
    ),
    Case(
        "AdaptiveAveragePooling3D",
        {"output_size": 2, "data_format": "channels_first"},
        (1, 2, 4, 5, 3),
    ),
    Case("AdaptiveMaxPooling1D", {"output_size": 2, "data_format": "channels_first"}, (2, 3, 7)),
    Case(
        "AdaptiveMaxPooling3D", {"output_size": 2, "data_format": "channels_first"}, (1, 2, 4, 5, 3)
    ),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_parity(case):
    k_layer, t_layer = check_case(case)
    assert [w.shape for w in t_layer.get_weights()] == [
        tuple(w.shape) for w in k_layer.get_weights()
    ]
    assert t_layer.compute_output_shape(case.input_shape) == tuple(
        k_layer.compute_output_shape(case.input_shape)
    )
    # Objects (initializers, activations) stay as given in tkeras configs; compare the rest.
    ours, theirs = t_layer.get_config(), k_layer.get_config()
    plain = [k for k, v in theirs.items() if k != "dtype" and not isinstance(v, dict)]
    plain = [k for k in plain if not k.endswith(("activation", "_regularizer", "_constraint"))]
    assert {k: ours.get(k) for k in plain} == {k: theirs[k] for k in plain}


@pytest.mark.parametrize(
    "call, pattern",
    [
        (
            lambda: tkeras.layers.AdaptiveMaxPooling2D((2, 2, 2)),
            r"AdaptiveMaxPooling2D: `output_size` must",
        ),
        (lambda: tkeras.layers.AdaptiveAveragePooling1D(0), r"output_size=0"),
        (
            lambda: tkeras.layers.AdaptiveAveragePooling1D(2, data_format="nhwc"),
            r"data_format='nhwc'",
        ),
    ],
)
def test_errors(call, pattern):
    with pytest.raises(ValueError, match=pattern):
        call()


def test_rms_normalization_over_a_middle_axis():
    # Keras's torch backend raises here (F.rms_norm wants trailing axes); tkeras computes the
    # documented formula.
    x = np.random.default_rng(0).standard_normal((2, 3, 4)).astype("float32")
    out = tkeras.layers.RMSNormalization(axis=1)(x).detach().numpy()
    np.testing.assert_allclose(out, x / np.sqrt((x**2).mean(1, keepdims=True) + 1e-6), 1e-5, 1e-5)


def test_rms_normalization_in_a_model_matches_keras_numbers():
    x = np.random.default_rng(0).standard_normal((3, 6)).astype("float32")
    out = tkeras.Sequential([tkeras.Input((6,)), tkeras.layers.RMSNormalization()])(x)
    expected = keras.layers.RMSNormalization()(x)
    np.testing.assert_allclose(
        out.detach().numpy(), keras.ops.convert_to_numpy(expected), 1e-5, 1e-5
    )


def test_layers_serialize_round_trips_with_keras():
    ours = tkeras.layers.serialize(tkeras.layers.Dense(3, activation="relu", name="d"))
    theirs = keras.layers.serialize(keras.layers.Dense(3, activation="relu", name="d"))
    assert ours["class_name"] == theirs["class_name"] == "Dense"
    rebuilt = tkeras.layers.deserialize(theirs)
    assert isinstance(rebuilt, tkeras.layers.Dense) and rebuilt.units == 3
    assert keras.layers.deserialize(ours).get_config()["units"] == 3


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"tie_weights": False, "logit_soft_cap": 1.5},
        {"reverse_dtype": "float64", "mask_zero": True},
    ],
)
def test_reversible_embedding_reverse_projection_matches_keras(kwargs):
    k = keras.layers.ReversibleEmbedding(7, 4, **kwargs)
    t = tkeras.layers.ReversibleEmbedding(7, 4, **kwargs)
    ids = np.array([[1, 0, 6], [2, 3, 0]])
    k(ids)
    t.build_from_shape(ids.shape)
    t.set_weights(k.get_weights())
    hidden = np.random.default_rng(0).standard_normal((2, 3, 4)).astype("float32")
    hk, ht = torch.tensor(hidden, requires_grad=True), torch.tensor(hidden, requires_grad=True)
    yk, yt = k(hk, reverse=True), t(ht, reverse=True)
    assert yt.dtype == yk.dtype and tuple(yt.shape) == (2, 3, 7)
    np.testing.assert_allclose(yt.detach().numpy(), keras.ops.convert_to_numpy(yk), 1e-5, 1e-5)
    yk.sum().backward()
    yt.sum().backward()
    np.testing.assert_allclose(ht.grad.numpy(), hk.grad.numpy(), 1e-5, 1e-5)
    assert t.compute_output_shape((2, 3, 4), reverse=True) == (2, 3, 7)
    mask = getattr(t(torch.tensor(ids)), "_keras_mask", None)
    want = getattr(k(ids), "_keras_mask", None)
    assert (mask is None) == (want is None)
    if mask is not None:
        np.testing.assert_array_equal(mask.numpy(), keras.ops.convert_to_numpy(want))
    assert getattr(yt, "_keras_mask", None) is None


def test_reversible_embedding_is_an_embedding_and_round_trips_keras_configs():
    k = keras.layers.ReversibleEmbedding(5, 2, tie_weights=False, logit_soft_cap=3.0, name="r")
    t = tkeras.layers.ReversibleEmbedding.from_config(k.get_config())
    assert isinstance(t, tkeras.layers.Embedding)
    assert t.get_config() == k.get_config()


FAN_CASES = [
    ("abc,cde->abde", (None, 8, 16), (2, 5, 64)),
    ("abc,cd->abd", (None, 48), (2, 3, 32)),
    ("bquh,uhm->bqm", (None, 40), (2, 3, 4, 16)),
]


@pytest.mark.parametrize("equation, output_shape, input_shape", FAN_CASES)
def test_einsum_dense_initializer_takes_kerass_equation_fans(equation, output_shape, input_shape):
    from keras.src.layers.core.einsum_dense import _analyze_einsum_string

    *_, k_in, k_out = _analyze_einsum_string(equation, None, input_shape, output_shape)
    seeded = tkeras.layers.EinsumDense(
        equation, output_shape, kernel_initializer=tkeras.initializers.GlorotUniform(seed=5)
    )
    seeded.build_from_shape(input_shape)
    shape = tuple(seeded.kernel.shape)
    expected = tkeras.initializers.GlorotUniform(seed=5, input_axes=k_in, output_axes=k_out)
    np.testing.assert_array_equal(seeded.kernel.numpy(), expected(shape).numpy())
    # The default draw: Keras's uniform limit sqrt(6 / (fan_in + fan_out)), in both libraries.
    fan_in = int(np.prod([shape[a] for a in k_in]))
    fan_out = int(np.prod([shape[a] for a in k_out]))
    limit = np.sqrt(6 / (fan_in + fan_out))
    k_layer = keras.layers.EinsumDense(equation, output_shape)
    k_layer.build(input_shape)
    t_layer = tkeras.layers.EinsumDense(equation, output_shape)
    t_layer.build_from_shape(input_shape)
    for w in (keras.ops.convert_to_numpy(k_layer.kernel), t_layer.kernel.numpy()):
        assert limit * 0.97 < np.abs(w).max() <= limit
        np.testing.assert_allclose(w.std(), limit / np.sqrt(3), rtol=0.05)
    assert t_layer.get_config()["kernel_initializer"] == k_layer.get_config()["kernel_initializer"]


def test_einsum_dense_keeps_an_initializers_own_axes():
    init = tkeras.initializers.HeNormal(seed=2, input_axes=[0, 1], output_axes=[2])
    layer = tkeras.layers.EinsumDense("abc,cde->abde", (None, 4, 6), kernel_initializer=init)
    layer.build_from_shape((2, 3, 5))
    np.testing.assert_array_equal(layer.kernel.numpy(), init((5, 4, 6)).numpy())


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"side": "imag", "window": "hamming", "scaling": "spectrum", "periodic": True},
        {"window": None},
        {"window": "blackman", "scaling": None},
        {"window": "bartlett", "periodic": True},
        {"window": "cosine"},
        {"window": "boxcar"},
        {"window": np.linspace(0.0, 1.0, 8)},
    ],
    ids=str,
)
def test_stft_initializer_matches_keras(kwargs):
    want = keras.ops.convert_to_numpy(keras.initializers.STFT(**kwargs)((8, 1, 5)))
    got = tkeras.initializers.STFT(**kwargs)((8, 1, 5)).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)
    if not isinstance(kwargs.get("window"), np.ndarray):
        assert tkeras.initializers.STFT(**kwargs).get_config() == (
            keras.initializers.STFT(**kwargs).get_config()
        )
    assert tkeras.initializers.get("stft").side == "real"
    assert tkeras.initializers.STFTInitializer is tkeras.initializers.STFT


@pytest.mark.parametrize(
    "make, error, pattern",
    [
        (lambda: tkeras.initializers.STFT("both"), ValueError, r"side should be 'real' or 'imag'"),
        (lambda: tkeras.initializers.STFT(scaling="x"), ValueError, r"Scaling is invalid"),
        (
            lambda: tkeras.layers.STFTSpectrogram(frame_length=8, frame_step=9),
            ValueError,
            r"`frame_step` should be a positive integer not greater than `frame_length`",
        ),
        (
            lambda: tkeras.layers.STFTSpectrogram(frame_length=8, fft_length=4),
            ValueError,
            r"`fft_length` should be not less than `frame_length`",
        ),
        (lambda: tkeras.layers.STFTSpectrogram(mode="db"), ValueError, r"mode=db"),
        (lambda: tkeras.layers.STFTSpectrogram(padding="causal"), ValueError, r"padding=causal"),
        (
            lambda: tkeras.layers.STFTSpectrogram(frame_length=4)(torch.ones(1, 8, 1).long()),
            TypeError,
            r"Expected `float16`, `float32` or `float64`. Received: input type=int64",
        ),
    ],
)
def test_stft_errors(make, error, pattern):
    with pytest.raises(error, match=pattern):
        make()


def test_stft_spectrogram_warns_on_a_non_power_of_two_fft_length():
    with pytest.warns(UserWarning, match=r"`fft_length` is recommended to be a power of two"):
        tkeras.layers.STFTSpectrogram(frame_length=8, fft_length=12)


def test_mel_spectrogram_takes_one_signal_and_checks_its_lengths():
    x = np.random.default_rng(1).standard_normal(300).astype("float32")
    kwargs = {"fft_length": 64, "sequence_stride": 16, "num_mel_bins": 6}
    want = keras.ops.convert_to_numpy(keras.layers.MelSpectrogram(**kwargs)(x))
    got = tkeras.layers.MelSpectrogram(**kwargs)(torch.tensor(x)).detach().numpy()
    assert got.shape == want.shape == (6, 19)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-4)
    with pytest.raises(ValueError, match=r"`fft_length` must be greater than or equal to"):
        tkeras.layers.MelSpectrogram(fft_length=32, sequence_length=64)
