"""keras.applications on tkeras: Keras's architectures (structure, count_params, outputs with
Keras's weights copied in), weight files (weights=<path>, "imagenet" from Keras's cache),
preprocess_input / decode_predictions, and the argument checks.

Live parity builds each family's smallest member in Keras and tkeras; every other constructor is
compared with a recording of Keras's model (keras_structures.json, written by
scripts/snapshot_applications.py): its structure, and its outputs on two images with the
deterministic weights of ``_parity.fill_weights``, because building all the larger Keras models
takes minutes (about 300 s on 2 cores, the suite's whole budget for this module twice over).
"""

from __future__ import annotations

import json
import os
import pathlib
import urllib.error

import h5py
import keras
import numpy as np
import pytest
import torch

import tkeras
from tkeras.applications import imagenet_utils
from tkeras.models.symbolic import KerasTensor

from ._parity import (
    ALL_MODELS,
    MIN_SIZE,
    assert_same_outputs,
    compare,
    compare_structure,
    copy_weights,
    fill_gain,
    fill_weights,
    images,
    snapshot_kwargs,
    snapshot_outputs,
    summary,
    takes_pixels,
)

HERE = pathlib.Path(__file__).parent
SNAPSHOT = json.loads((HERE / "keras_structures.json").read_text())
# MobileNetV3's gate and ConvNeXt's residual are Python operators on symbolic tensors.
HAS_OPERATORS = hasattr(KerasTensor, "__add__")
needs_operators = pytest.mark.skipif(
    not HAS_OPERATORS, reason="needs operators on KerasTensors (branch progs12)"
)
OPERATOR_MODELS = {"MobileNetV3Small", "MobileNetV3Large"} | {
    n for n in ALL_MODELS if n.startswith("ConvNeXt")
}


def _keras_nasnet_mobile(**kwargs):
    # Keras refuses NASNetMobile on its torch backend; its builder takes the same path.
    from keras.src.applications import nasnet

    return nasnet.NASNet(
        kwargs.pop("input_shape"), penultimate_filters=1056, num_blocks=4, stem_block_filters=32,
        skip_reduction=False, filter_multiplier=2, default_size=224, name="nasnet_mobile",
        **kwargs,
    )  # fmt: skip


def _build(lib, name, **kwargs):
    if lib is keras and name == "NASNetMobile":
        return _keras_nasnet_mobile(**kwargs)
    return getattr(lib.applications, name)(**kwargs)


# One model per family (and per code path), built in both libraries: structure,
# count_params and outputs on random images with Keras's weights copied in.
LIVE = [
    ("VGG16", dict(include_top=True, classes=5, input_shape=(32, 32, 3))),
    ("ResNet50", dict(include_top=False, pooling="avg", input_shape=(32, 32, 3))),
    ("ResNet50V2", dict(include_top=True, classes=5, input_shape=(32, 32, 3))),
    ("MobileNet", dict(include_top=True, classes=5, alpha=0.25, input_shape=(32, 32, 3))),
    ("MobileNet", dict(include_top=False, depth_multiplier=2, alpha=0.25, input_shape=(35, 33, 3))),
    ("MobileNetV2", dict(include_top=True, classes=5, alpha=0.35, input_shape=(32, 32, 3))),
    ("MobileNetV2", dict(include_top=False, alpha=1.3, pooling="max", input_shape=(33, 35, 3))),
    ("MobileNetV3Small", dict(include_top=True, classes=5, input_shape=(32, 32, 3))),
    (
        "MobileNetV3Large",
        dict(include_top=False, minimalistic=True, alpha=0.5, input_shape=(32, 32, 3)),
    ),
    ("EfficientNetB0", dict(include_top=True, classes=5, input_shape=(32, 32, 3))),
    ("EfficientNetV2B0", dict(include_top=True, classes=5, input_shape=(32, 32, 3))),
    ("DenseNet121", dict(include_top=True, classes=5, input_shape=(32, 32, 3))),
    ("InceptionV3", dict(include_top=True, classes=5, input_shape=(75, 75, 3))),
    ("Xception", dict(include_top=False, pooling="avg", input_shape=(71, 71, 3))),
    ("NASNetMobile", dict(include_top=True, classes=5, input_shape=(32, 32, 3))),
    ("ConvNeXtTiny", dict(include_top=True, classes=5, input_shape=(32, 32, 3))),
]


def _live_params():
    out = []
    for i, (name, kwargs) in enumerate(LIVE):
        marks = [needs_operators] if name in OPERATOR_MODELS else []
        out.append(pytest.param(name, kwargs, marks=marks, id=f"{name}-{i}"))
    return out


@pytest.mark.parametrize("name, kwargs", _live_params())
def test_matches_keras_with_copied_weights(name, kwargs):
    kwargs = dict(weights=None, classifier_activation=None, **kwargs)
    if not kwargs["include_top"]:
        kwargs.pop("classifier_activation")
    kmodel = _build(keras, name, **kwargs)
    tmodel = _build(tkeras, name, **kwargs)
    pixels = name.startswith(("EfficientNet", "MobileNetV3", "ConvNeXt"))
    compare(kmodel, tmodel, kwargs["input_shape"], pixels=pixels)


@pytest.mark.parametrize("block_type, scale, activation", [
    ("block35", 0.17, "relu"), ("block17", 0.1, "relu"), ("block8", 1.0, None),
])  # fmt: skip
def test_inception_resnet_blocks_match_keras(block_type, scale, activation):
    """InceptionResNetV2's three residual blocks with Keras's weights (the whole network, a
    15 s Keras build, is compared with the recording of Keras's outputs)."""
    from keras.src.applications import inception_resnet_v2 as keras_irv2

    from tkeras.applications import inception_resnet_v2 as ours

    channels = {"block35": 320, "block17": 1088, "block8": 2080}[block_type]
    kin, tin = keras.Input((5, 5, channels)), tkeras.Input((5, 5, channels))
    args = dict(scale=scale, block_type=block_type, block_idx=1, activation=activation)
    kmodel = keras.Model(kin, keras_irv2.inception_resnet_block(kin, **args), name="block")
    tmodel = tkeras.Model(tin, ours.inception_resnet_block(tin, **args), name="block")
    compare(kmodel, tmodel, (5, 5, channels))


def _snapshot_params():
    # Models of LIVE are compared with Keras's live build already (time: 2 CPU cores).
    live = {name for name, _ in LIVE}
    return [
        pytest.param(name, marks=[needs_operators] if name in OPERATOR_MODELS else [], id=name)
        for name in ALL_MODELS
        if name not in live
    ]


@pytest.fixture
def cheap_init(monkeypatch):
    """The snapshot checks set every weight themselves: skip the random init (seconds for 300M
    weights)."""
    monkeypatch.setattr(
        tkeras.initializers,
        "get",
        lambda _: lambda shape, dtype=None: torch.empty(shape, dtype=dtype),
    )


def assert_matches_snapshot_outputs(got, name, atol=1e-4):
    """Outputs within ``atol`` of Keras's recorded ones, relative to their largest value."""
    want = np.asarray(SNAPSHOT["outputs"][name])
    scale = np.abs(want).max()
    # The two images' outputs differ well beyond the tolerance: the features are not dead.
    assert np.abs(want[0] - want[1]).max() > 10 * atol * scale
    np.testing.assert_allclose(np.asarray(got) / scale, want / scale, rtol=0, atol=atol)


@pytest.mark.parametrize("name", _snapshot_params())
def test_matches_keras_snapshot(name, cheap_init):
    """Every model: layer classes, order, explicit names, weight shapes and count_params, and
    its outputs with the snapshot's deterministic weights, against Keras's recorded ones."""
    model = _build(tkeras, name, **snapshot_kwargs(name))
    assert summary(model) == SNAPSHOT["models"][name]
    fill_weights(model, fill_gain(name))
    assert_matches_snapshot_outputs(snapshot_outputs(model, name), name)


def test_snapshot_is_keras_structure_and_outputs():
    """The snapshot records what the installed Keras builds and computes (checked live on one
    model): its structure, and its outputs with ``fill_weights``'s weights."""
    assert SNAPSHOT["keras_version"] == keras.__version__
    assert set(SNAPSHOT["models"]) == set(SNAPSHOT["outputs"]) == set(ALL_MODELS)
    kmodel = _build(keras, "VGG19", **snapshot_kwargs("VGG19"))
    assert summary(kmodel) == SNAPSHOT["models"]["VGG19"]
    fill_weights(kmodel)
    assert_matches_snapshot_outputs(snapshot_outputs(kmodel, "VGG19"), "VGG19", atol=1e-5)


@pytest.mark.slow
@pytest.mark.parametrize("name", _snapshot_params())
def test_matches_live_keras_with_copied_weights(name):
    """Every other model built live in Keras too, Keras's own initial weights copied over (the
    snapshot's check without the snapshot): about 300 s on 2 cores, so run with --runslow."""
    size = MIN_SIZE.get(name, 32)
    kwargs = dict(weights=None, include_top=False, input_shape=(size, size, 3))
    kmodel = _build(keras, name, **kwargs)
    tmodel = _build(tkeras, name, **kwargs)
    compare(kmodel, tmodel, kwargs["input_shape"], pixels=takes_pixels(name))


def test_fill_weights_detects_a_wrong_model(cheap_init):
    """A snapshot comparison fails when one weight differs (a test that cannot fail is a defect)."""
    model = _build(tkeras, "VGG19", **snapshot_kwargs("VGG19"))
    fill_weights(model)
    kernel, bias = model.get_layer("block5_conv4").get_weights()
    model.get_layer("block5_conv4").set_weights([kernel, bias * 1.01])
    with pytest.raises(AssertionError, match="Not equal to tolerance"):
        assert_matches_snapshot_outputs(snapshot_outputs(model, "VGG19"), "VGG19")


def test_every_keras_constructor_is_provided():
    names = {n for n in dir(keras.applications) if n[0].isupper()}
    assert names == set(ALL_MODELS)
    assert names <= set(tkeras.applications.__all__)


def test_min_sizes_follow_keras():
    for name, size in MIN_SIZE.items():
        with pytest.raises(ValueError, match=f"Input size must be at least {size}x{size}"):
            _build(keras, name, weights=None, include_top=False, input_shape=(size - 1, size, 3))
        with pytest.raises(ValueError, match=f"Input size must be at least {size}x{size}"):
            _build(tkeras, name, weights=None, include_top=False, input_shape=(size - 1, size, 3))


# ---------------------------------------------------------------- input tensors and defaults


def test_input_tensor_keeps_upstream_layers():
    kin = keras.Input((40, 40, 3))
    tin = tkeras.Input((40, 40, 3))
    kx = keras.layers.Cropping2D(4)(kin)
    tx = tkeras.layers.Cropping2D(4)(tin)
    kmodel = keras.applications.MobileNet(weights=None, input_tensor=kx, alpha=0.25, classes=3)
    tmodel = tkeras.applications.MobileNet(weights=None, input_tensor=tx, alpha=0.25, classes=3)
    assert tmodel.inputs[0] is tin
    assert tmodel.name == kmodel.name == "mobilenet_0.25_224"  # Keras names it by the default
    compare(kmodel, tmodel, (40, 40, 3))


def test_default_input_shape_and_names():
    model = tkeras.applications.ResNet50V2(weights=None, include_top=False)
    assert model.input_shape == (None, None, None, 3)
    assert model.name == "resnet50v2"
    assert tkeras.applications.MobileNetV2(weights=None).input_shape == (None, 224, 224, 3)
    assert tkeras.applications.MobileNetV2(weights=None, name="m").name == "m"


# ---------------------------------------------------------------- weight files


def _keras_legacy_h5(model, path):
    """Write ``model``'s weights the way Keras's published application files are written."""
    from keras.src.legacy.saving import legacy_h5_format

    with h5py.File(path, "w") as f:
        legacy_h5_format.save_weights_to_hdf5_group(f, model)


def _random_bn_stats(model, seed=0):
    """Non-trivial weights everywhere (moving statistics included) so a wrong load shows."""
    rng = np.random.default_rng(seed)
    for layer in model.layers:
        values = layer.get_weights()
        if values:
            new = [
                rng.uniform(0.5, 1.5, v.shape).astype(v.dtype) * (v if v.any() else 1)
                for v in values
            ]
            layer.set_weights(new)


@pytest.mark.parametrize("suffix", [".weights.h5", ".h5"])
def test_weights_path_loads_a_keras_file(tmp_path, suffix):
    kwargs = dict(
        alpha=0.25, include_top=True, classes=4, input_shape=(32, 32, 3), classifier_activation=None
    )
    kmodel = keras.applications.MobileNet(weights=None, **kwargs)
    _random_bn_stats(kmodel)
    path = str(tmp_path / f"mobilenet{suffix}")
    if suffix == ".h5":
        _keras_legacy_h5(kmodel, path)
    else:
        kmodel.save_weights(path)
    tmodel = tkeras.applications.MobileNet(weights=path, **kwargs)
    assert_same_outputs(kmodel, tmodel, images((32, 32, 3), pixels=False), atol=1e-5)


@needs_operators
def test_weights_path_loads_keras_mobilenet_v3_small(tmp_path):
    kwargs = dict(input_shape=(32, 32, 3), classes=4, classifier_activation=None)
    kmodel = keras.applications.MobileNetV3Small(weights=None, **kwargs)
    _random_bn_stats(kmodel)
    path = str(tmp_path / "v3.weights.h5")
    kmodel.save_weights(path)
    tmodel = tkeras.applications.MobileNetV3Small(weights=path, **kwargs)
    assert_same_outputs(kmodel, tmodel, images((32, 32, 3), pixels=True), atol=1e-5)


def test_imagenet_weights_come_from_the_keras_cache(tmp_path, monkeypatch):
    """A file already in Keras's cache ($KERAS_HOME/models) is used; nothing is downloaded."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    kwargs = dict(alpha=0.35, include_top=False, input_shape=(96, 96, 3))
    kmodel = keras.applications.MobileNetV2(weights=None, **kwargs)
    _random_bn_stats(kmodel)
    (tmp_path / "models").mkdir()
    fname = "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_96_no_top.h5"
    _keras_legacy_h5(kmodel, str(tmp_path / "models" / fname))

    def no_network(*args, **kwargs):
        raise AssertionError("tried to download")

    monkeypatch.setattr("urllib.request.urlopen", no_network)
    tmodel = tkeras.applications.MobileNetV2(weights="imagenet", **kwargs)
    assert_same_outputs(kmodel, tmodel, images((96, 96, 3), pixels=False), atol=1e-5)


def test_imagenet_offline_names_the_file_and_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))

    def offline(*args, **kwargs):
        raise urllib.error.URLError("no network")

    monkeypatch.setattr("urllib.request.urlopen", offline)
    target = os.path.join(
        str(tmp_path), "models", "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5"
    )
    with pytest.raises(
        ConnectionError, match="resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5"
    ) as info:
        tkeras.applications.ResNet50(include_top=False)
    assert target in str(info.value)
    assert "storage.googleapis.com/tensorflow/keras-applications/resnet/" in str(info.value)
    assert "weights=<path" in str(info.value)


# ---------------------------------------------------------------- argument checks


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda a: a.VGG16(weights="nope.h5"), "The `weights` argument should be either"),
        (lambda a: a.ResNet50(weights="imagenet", classes=10), "`classes` should be 1000"),
        (
            lambda a: a.VGG16(weights=None, input_shape=(16, 16, 3), include_top=False),
            "at least 32x32",
        ),
        (lambda a: a.VGG16(weights=None, input_shape=(32, 32)), "three integers"),
        (
            lambda a: a.VGG16(weights="imagenet", input_shape=(32, 32, 3)),
            r"should be \(224, 224, 3\)",
        ),
        (
            lambda a: a.VGG16(weights="imagenet", include_top=False, input_shape=(32, 32, 1)),
            "3 channels",
        ),
        (
            lambda a: a.DenseNet121(weights=None, input_shape=(None, None, 3)),
            "static `input_shape`",
        ),
        (lambda a: a.MobileNet(weights="imagenet", alpha=0.3), "alpha can be one of"),
        (
            lambda a: a.MobileNet(weights="imagenet", depth_multiplier=2),
            "depth multiplier must be 1",
        ),
        (lambda a: a.MobileNetV2(weights="imagenet", alpha=0.3), "alpha must be one of"),
        (lambda a: a.NASNetLarge(weights="imagenet", input_shape=(None, 331, 3)), "must be static"),
    ],
)
def test_argument_errors_match_keras(call, match):
    with pytest.raises(ValueError, match=match):
        call(keras.applications)
    with pytest.raises(ValueError, match=match):
        call(tkeras.applications)


def test_classifier_activation_is_checked_against_pretrained_weights(tmp_path):
    path = str(tmp_path / "w.weights.h5")
    tkeras.applications.MobileNet(weights=None, alpha=0.25, input_shape=(32, 32, 3)).save_weights(
        path
    )
    with pytest.raises(ValueError, match="Only `None` and `softmax` activations are allowed"):
        tkeras.applications.MobileNet(
            weights=path, alpha=0.25, input_shape=(32, 32, 3), classifier_activation="relu"
        )
    model = tkeras.applications.MobileNet(
        weights=path, alpha=0.25, input_shape=(32, 32, 3), classifier_activation=None
    )
    assert model.layers[-1].name == "predictions"


def test_mobilenet_v3_input_checks():
    with pytest.raises(ValueError, match="at least 32x32"):
        tkeras.applications.MobileNetV3Small(weights=None, input_shape=(16, 16, 3))
    with pytest.raises(ValueError, match=r"input_shape\[1\] must equal"):
        tkeras.applications.MobileNetV3Small(
            weights=None, input_shape=(32, 32, 3), input_tensor=tkeras.Input((40, 40, 3))
        )


def test_convnext_and_nasnet_refuse_channels_first(monkeypatch):
    monkeypatch.setattr(tkeras.config, "image_data_format", lambda: "channels_first")
    with pytest.raises(ValueError, match="ConvNeXt does not support the `channels_first`"):
        tkeras.applications.ConvNeXtTiny(weights=None)
    with pytest.raises(ValueError, match="NASNet does not support the `channels_first`"):
        tkeras.applications.NASNetLarge(weights=None)


@needs_operators
def test_convnext_imagenet_name_must_name_the_variant():
    with pytest.raises(ValueError, match='Model name "mine" does not match weights variant'):
        tkeras.applications.ConvNeXtTiny(weights="imagenet", name="mine")


# ---------------------------------------------------------------- preprocessing


MODES = {
    "vgg16": "caffe", "vgg19": "caffe", "resnet": "caffe", "resnet50": "caffe",
    "resnet_v2": "tf", "mobilenet": "tf", "mobilenet_v2": "tf", "inception_v3": "tf",
    "inception_resnet_v2": "tf", "xception": "tf", "nasnet": "tf", "densenet": "torch",
    "efficientnet": None, "efficientnet_v2": None, "mobilenet_v3": None, "convnext": None,
}  # fmt: skip


@pytest.mark.parametrize("module", sorted(MODES))
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("kind", ["numpy", "tensor", "uint8"])
def test_module_preprocess_input_matches_keras(module, data_format, kind):
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 255, (2, 3, 4, 3) if data_format == "channels_last" else (2, 3, 4, 5))
    x = x.astype("uint8" if kind == "uint8" else "float32")
    ours = getattr(tkeras.applications, module).preprocess_input
    theirs = getattr(keras.applications, module).preprocess_input
    if kind == "tensor":
        got = ours(torch.tensor(x), data_format=data_format)
        want = theirs(torch.tensor(x), data_format=data_format)
    else:
        got = ours(x.copy(), data_format=data_format)
        want = theirs(x.copy(), data_format=data_format)
    got = got.numpy() if isinstance(got, torch.Tensor) else got
    want = keras.ops.convert_to_numpy(want)
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-5)


@pytest.mark.parametrize("mode", ["caffe", "tf", "torch"])
def test_imagenet_utils_modes_on_3d_images(mode):
    x = np.random.default_rng(0).uniform(0, 255, (3, 4, 3)).astype("float32")
    for data_format in ("channels_last", "channels_first"):
        want = keras.applications.imagenet_utils.preprocess_input(x.copy(), data_format, mode)
        got = imagenet_utils.preprocess_input(x.copy(), data_format, mode)
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-5)
    # Keras updates a float NumPy input in place (documented); so does tkeras.
    y = x.copy()
    imagenet_utils.preprocess_input(y, mode="tf")
    np.testing.assert_allclose(y, x / 127.5 - 1, rtol=1e-6)


def test_preprocess_input_errors():
    with pytest.raises(ValueError, match="Expected mode to be one of `caffe`, `tf` or `torch`"):
        imagenet_utils.preprocess_input(np.zeros((1, 2, 2, 3)), mode="bgr")
    with pytest.raises(ValueError, match="Expected data_format to be one of"):
        imagenet_utils.preprocess_input(np.zeros((1, 2, 2, 3)), data_format="nhwc")


# ---------------------------------------------------------------- decode_predictions


def test_decode_predictions_matches_keras(tmp_path, monkeypatch):
    index = {str(i): [f"n{i:08d}", f"class_{i}"] for i in range(1000)}
    path = tmp_path / "imagenet_class_index.json"
    path.write_text(json.dumps(index))
    monkeypatch.setattr(imagenet_utils, "class_index_path", lambda: str(path))
    from keras.src.applications import imagenet_utils as keras_utils

    monkeypatch.setattr(keras_utils, "CLASS_INDEX", index)
    preds = np.random.default_rng(0).random((3, 1000)).astype("float32")
    want = keras.applications.resnet50.decode_predictions(preds, top=4)
    got = tkeras.applications.resnet50.decode_predictions(preds, top=4)
    assert got == want
    assert tkeras.applications.convnext.decode_predictions(torch.tensor(preds), top=2) == [
        r[:2] for r in want
    ]
    with pytest.raises(ValueError, match=r"shape \(samples, 1000\).*\(3, 10\)"):
        imagenet_utils.decode_predictions(np.zeros((3, 10)))


def test_decode_predictions_offline_names_the_class_index_file(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))

    def offline(*args, **kwargs):
        raise urllib.error.URLError("no network")

    monkeypatch.setattr("urllib.request.urlopen", offline)
    with pytest.raises(ConnectionError, match="imagenet_class_index.json") as info:
        imagenet_utils.decode_predictions(np.zeros((1, 1000)))
    assert os.path.join(str(tmp_path), "models", "imagenet_class_index.json") in str(info.value)


def test_copy_weights_helper_detects_a_wrong_model():
    """The harness fails on a structural difference (a test that cannot fail is a defect)."""
    kwargs = dict(weights=None, input_shape=(32, 32, 3), classes=3, classifier_activation=None)
    kmodel = keras.applications.MobileNet(alpha=0.25, **kwargs)
    with pytest.raises(AssertionError):
        compare_structure(kmodel, tkeras.applications.MobileNet(alpha=0.5, **kwargs))
    tmodel = tkeras.applications.MobileNet(alpha=0.25, **kwargs)
    copy_weights(kmodel, tmodel)
    tmodel.get_layer("conv1").set_weights([np.full((3, 3, 3, 8), 0.1, "float32")])
    x = images((32, 32, 3), pixels=False)
    with pytest.raises(AssertionError):
        assert_same_outputs(kmodel, tmodel, x)
