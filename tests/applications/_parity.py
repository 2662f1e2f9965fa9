"""Build an application in Keras and tkeras, compare structure, copy weights, compare outputs."""

from __future__ import annotations

import functools
import hashlib
import json
import math
import re

import numpy as np
import torch

# Smallest input each family accepts (include_top=True needs a static shape).
MIN_SIZE = {"InceptionV3": 75, "InceptionResNetV2": 75, "Xception": 71}

# Every constructor of keras.applications that tkeras provides.
ALL_MODELS = (
    "VGG16 VGG19 ResNet50 ResNet101 ResNet152 ResNet50V2 ResNet101V2 ResNet152V2 MobileNet "
    "MobileNetV2 MobileNetV3Small MobileNetV3Large DenseNet121 DenseNet169 DenseNet201 "
    "InceptionV3 InceptionResNetV2 Xception NASNetMobile NASNetLarge "
    "EfficientNetB0 EfficientNetB1 EfficientNetB2 EfficientNetB3 EfficientNetB4 EfficientNetB5 "
    "EfficientNetB6 EfficientNetB7 EfficientNetV2B0 EfficientNetV2B1 EfficientNetV2B2 "
    "EfficientNetV2B3 EfficientNetV2S EfficientNetV2M EfficientNetV2L "
    "ConvNeXtTiny ConvNeXtSmall ConvNeXtBase ConvNeXtLarge ConvNeXtXLarge"
).split()


def snapshot_kwargs(name: str) -> dict:
    """The configuration the structure snapshot records: the top included, 7 classes."""
    size = MIN_SIZE.get(name, 32)
    return dict(
        weights=None,
        include_top=True,
        classes=7,
        input_shape=(size, size, 3),
        classifier_activation=None,
    )


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower().replace("2_d", "2d")


def _is_auto(layer) -> bool:
    """An automatic name (``conv2d_17``): its number depends on what was built before."""
    base = _snake(type(layer).__name__)
    return re.fullmatch(rf"{re.escape(base)}(_\d+)?", layer.name) is not None


def structure(model) -> list:
    """Per layer, in order: class, explicit name (None when automatic), weight shapes."""
    return [
        [type(layer).__name__, None if _is_auto(layer) else layer.name,
         [list(w.shape) for w in layer.get_weights()]]
        for layer in model.layers
    ]  # fmt: skip


def summary(model) -> dict:
    text = json.dumps(structure(model), separators=(",", ":"))
    return {
        "name": model.name,
        "count_params": int(model.count_params()),
        "layers": len(model.layers),
        "sha256": hashlib.sha256(text.encode()).hexdigest(),
    }


def compare_structure(kmodel, tmodel) -> None:
    ks, ts = structure(kmodel), structure(tmodel)
    assert len(ks) == len(ts), (len(ks), len(ts))
    for i, (a, b) in enumerate(zip(ks, ts)):
        assert a == b, (i, a, b)
    assert kmodel.name == tmodel.name
    assert kmodel.count_params() == tmodel.count_params()


def copy_weights(kmodel, tmodel) -> None:
    for kl, tl in zip(kmodel.layers, tmodel.layers):
        if kl.weights:
            tl.set_weights(kl.get_weights())


def assert_same_outputs(kmodel, tmodel, x, atol=1e-4) -> float:
    """Outputs agree relative to their magnitude; returns the relative max difference."""
    import keras

    want = keras.ops.convert_to_numpy(kmodel(x, training=False))
    got = tmodel.predict(x, verbose=0)
    assert got.shape == want.shape
    scale = float(np.abs(want).max())
    assert scale > 0, "degenerate output: all zeros"
    # Random-weight networks can end tiny or huge: compare relative to the output's size.
    np.testing.assert_allclose(got / scale, want / scale, rtol=0, atol=atol)
    return float(np.abs(got - want).max()) / scale


def images(shape, pixels: bool, seed=0, batch=2) -> np.ndarray:
    """Random images: [0, 255] pixels for models that normalize inside, else [-1, 1] (raw
    [0, 255] inputs would saturate ReLU6 networks and hide differences)."""
    low, high = (0, 255) if pixels else (-1, 1)
    return np.random.default_rng(seed).uniform(low, high, (batch, *shape)).astype("float32")


def compare(kmodel, tmodel, shape, pixels=False, atol=1e-4) -> float:
    compare_structure(kmodel, tmodel)
    copy_weights(kmodel, tmodel)
    x = images(shape, pixels)
    return assert_same_outputs(kmodel, tmodel, x, atol=atol)


# ------------------------------------------------------------ deterministic weights (snapshots)

POOL_SIZE = 16_777_213  # a prime: a weight larger than the pool repeats off its channel strides
# The kernel's input axes are all but the last, except for depthwise kernels (kh, kw, c, m).
_DEPTHWISE = {("DepthwiseConv2D", 0), ("SeparableConv2D", 0)}


@functools.lru_cache(maxsize=1)
def _pool() -> np.ndarray:
    return np.random.default_rng(1234).random(POOL_SIZE, dtype=np.float32)


def _draw(start: int, n: int) -> np.ndarray:
    """``n`` values of the random pool read cyclically from ``start`` (a copy, no RNG cost)."""
    pool, out, pos = _pool(), np.empty(n, np.float32), 0
    while pos < n:
        m = min(n - pos, POOL_SIZE - start)
        out[pos : pos + m] = pool[start : start + m]
        pos, start = pos + m, 0
    return out


# Deep EfficientNets turn chaotic with He-uniform kernels (their float rounding, e.g. 1 vs 2
# threads, grows to O(1) differences): recorded with the largest gain that stays stable.
FILL_GAIN = {
    **{f"EfficientNetB{i}": 1.4 for i in range(4, 8)},
    **{f"EfficientNetV2{v}": 1.0 for v in ("B1", "B2", "B3", "S", "M", "L")},
}


def fill_gain(name: str) -> float:
    return FILL_GAIN.get(name, 2.0)


def fill_weights(model, gain: float = 2.0) -> None:
    """Give ``model`` the same weights in Keras and tkeras, from its layer order alone.

    Kernels are uniform with variance ``gain / fan_in`` (2: He-uniform; ``FILL_GAIN`` for the
    networks that turn chaotic with it); vectors (biases, BatchNormalization's four, scales)
    are uniform in [0.5, 1.5], so variances stay positive. Integer variables keep their value.
    Cheaper than drawing from an RNG (a cyclic read of one pool), so snapshots of Keras's
    outputs for the largest models can be reproduced in tkeras within the suite's time.
    """
    offset = 0
    for layer in model.layers:
        variables = layer.weights
        if not variables:
            continue
        current = None
        values = []
        for i, v in enumerate(variables):
            shape = tuple(int(d) for d in v.shape)
            if not str(v.dtype).removeprefix("torch.").startswith(("float", "bfloat")):
                current = current if current is not None else layer.get_weights()
                values.append(current[i])
                continue
            n = math.prod(shape)
            x = _draw(offset % POOL_SIZE, n)
            offset += n + 101
            if len(shape) >= 2:
                axes = shape[:-2] if (type(layer).__name__, i) in _DEPTHWISE else shape[:-1]
                bound = math.sqrt(3.0 * gain / max(1, math.prod(axes)))
                x *= 2 * bound
                x -= bound
            else:
                x += 0.5
            values.append(x.reshape(shape))
        layer.set_weights(values)


def snapshot_outputs(model, name: str) -> list:
    """The model's outputs on the snapshot's images (two, so the output must depend on them)."""
    size = MIN_SIZE.get(name, 32)
    x = torch.from_numpy(images((size, size, 3), pixels=takes_pixels(name), batch=2))
    with torch.no_grad():
        out = model(x, training=False)
    return np.asarray(out.detach().cpu().numpy(), dtype=np.float64).tolist()


def takes_pixels(name: str) -> bool:
    """Models that normalize [0, 255] pixels inside (the others get [-1, 1] images)."""
    return name.startswith(("EfficientNet", "MobileNetV3", "ConvNeXt"))
