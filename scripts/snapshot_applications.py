"""Record every Keras application's structure (layer classes, names, weight shapes,
count_params) and its outputs with deterministic weights in
tests/applications/keras_structures.json.

Building the largest Keras models takes minutes, so the test suite compares tkeras's models
with this snapshot of Keras's (structure, and outputs on two images with the weights of
``_parity.fill_weights``) and builds Keras live only for one model per family. Rerun when
the installed Keras changes:

    KERAS_BACKEND=torch python scripts/snapshot_applications.py
"""

from __future__ import annotations

import json
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "torch")
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "applications"))

import keras  # noqa: E402
from _parity import (  # noqa: E402
    ALL_MODELS,
    fill_gain,
    fill_weights,
    snapshot_kwargs,
    snapshot_outputs,
    summary,
)

OUT = os.environ.get(
    "SNAPSHOT_OUT", os.path.join(HERE, "..", "tests", "applications", "keras_structures.json")
)


def keras_model(name: str):
    kwargs = snapshot_kwargs(name)
    if name == "NASNetMobile":
        # Keras refuses NASNetMobile on its torch backend; its builder takes the same path.
        from keras.src.applications import nasnet

        return nasnet.NASNet(
            kwargs.pop("input_shape"), penultimate_filters=1056, num_blocks=4,
            stem_block_filters=32, skip_reduction=False, filter_multiplier=2,
            default_size=224, name="nasnet_mobile", **kwargs,
        )  # fmt: skip
    return getattr(keras.applications, name)(**kwargs)


def _write(result: dict) -> None:
    with open(OUT, "w") as f:
        json.dump(result, f, indent=1, sort_keys=True)
        f.write("\n")


def main() -> None:
    """Fill in the models missing for this Keras version (resumable: written after each one)."""
    result = {"keras_version": keras.__version__, "models": {}, "outputs": {}}
    if os.path.exists(OUT):
        with open(OUT) as f:
            old = json.load(f)
        if old.get("keras_version") == keras.__version__:
            result = {"outputs": {}, **old}
    for name in sys.argv[1:] or ALL_MODELS:  # names given: recorded again
        if sys.argv[1:] or name not in result["models"] or name not in result["outputs"]:
            model = keras_model(name)
            result["models"][name] = summary(model)
            fill_weights(model, fill_gain(name))
            result["outputs"][name] = snapshot_outputs(model, name)
            print(name, result["models"][name], flush=True)
            _write(result)
            del model


if __name__ == "__main__":
    main()
