"""callbacks.TensorBoard without TensorFlow: the event files are read back with TensorBoard's
EventAccumulator and hold Keras's layout and tags, with the values History holds."""

from __future__ import annotations

import numpy as np
import pytest

import tkeras
from tkeras.callbacks import TensorBoard

event_accumulator = pytest.importorskip(
    "tensorboard.backend.event_processing.event_accumulator",
    reason="TensorBoard needs the `tensorboard` package (the dev extra installs it)",
)


def _read(folder):
    acc = event_accumulator.EventAccumulator(
        str(folder), size_guidance={event_accumulator.HISTOGRAMS: 0, event_accumulator.SCALARS: 0}
    )
    acc.Reload()
    return acc


def _model():
    tkeras.utils.set_random_seed(0)
    model = tkeras.Sequential([tkeras.Input((4,)), tkeras.layers.Dense(3), tkeras.layers.Dense(2)])
    model.compile(tkeras.optimizers.SGD(0.05), "sparse_categorical_crossentropy",
                  metrics=["accuracy"])  # fmt: skip
    return model


def test_epoch_scalars_histograms_and_layout_equal_history(tmp_path):
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(40, 4)).astype("float32"), rng.integers(0, 2, 40)
    model = _model()
    callback = TensorBoard(log_dir=tmp_path, histogram_freq=1, update_freq=2)
    history = model.fit(x, y, batch_size=10, epochs=3, validation_split=0.25, verbose=0,
                        callbacks=[callback])  # fmt: skip
    assert sorted(p.name for p in tmp_path.iterdir()) == ["train", "validation"]
    train, val = _read(tmp_path / "train"), _read(tmp_path / "validation")
    for tag, key in (("epoch_loss", "loss"), ("epoch_accuracy", "accuracy")):
        events = train.Scalars(tag)
        assert [e.step for e in events] == [0, 1, 2]
        np.testing.assert_allclose([e.value for e in events], history.history[key], rtol=1e-6)
        events = val.Scalars(tag)
        np.testing.assert_allclose([e.value for e in events], history.history[f"val_{key}"],
                                   rtol=1e-6)  # fmt: skip
    np.testing.assert_allclose([e.value for e in train.Scalars("epoch_learning_rate")], [0.05] * 3)
    # 3 batches per epoch, 9 in all: batch_* every 2nd global batch.
    assert [e.step for e in train.Scalars("batch_loss")] == [2, 4, 6, 8]
    assert [e.step for e in val.Scalars("evaluation_loss_vs_iterations")] == [3, 6, 9]
    tags = train.Tags()["histograms"]
    paths = [w.path for layer in model.layers for w in layer.weights]
    assert sorted(tags) == sorted(f"{p}/histogram" for p in paths)
    last = train.Histograms(f"{model.layers[1].weights[0].path}/histogram")[-1]
    assert last.step == 2 and last.histogram_value.num == model.layers[1].kernel.numel()
    # write_graph: the model's Keras config as the text summary "keras"
    text = train.Tensors("keras/text_summary")[0].tensor_proto.string_val[0].decode()
    assert '"class_name": "Sequential"' in text


def test_epoch_update_freq_writes_no_batch_scalars(tmp_path):
    x, y = np.zeros((8, 4), "float32"), np.zeros(8, "int64")
    _model().fit(x, y, epochs=1, verbose=0,
                 callbacks=[TensorBoard(tmp_path, write_graph=False)])  # fmt: skip
    train = _read(tmp_path / "train")
    assert sorted(train.Tags()["scalars"]) == ["epoch_accuracy", "epoch_learning_rate",
                                               "epoch_loss"]  # fmt: skip
    assert not (tmp_path / "validation").exists()


def test_profile_batch_writes_a_torch_profiler_trace(tmp_path):
    x, y = np.zeros((40, 4), "float32"), np.zeros(40, "int64")
    callback = TensorBoard(tmp_path, write_graph=False, profile_batch="2,3")
    _model().fit(x, y, batch_size=10, epochs=1, verbose=0, callbacks=[callback])
    traces = list((tmp_path / "train").glob("*.pt.trace.json"))
    assert len(traces) == 1 and traces[0].stat().st_size > 0


def test_arguments_that_are_not_offered():
    for bad in (-1, (3, 2), "a,b", (0, 2)):
        with pytest.raises(ValueError, match=r"profile_batch must be a non-negative integer"):
            TensorBoard(profile_batch=bad)
    with pytest.raises(NotImplementedError, match=r"write_images=True"):
        TensorBoard(write_images=True)
    with pytest.raises(NotImplementedError, match=r"embeddings_freq"):
        TensorBoard(embeddings_freq=1)
    with pytest.raises(ValueError, match=r"`update_freq` must be 'epoch', 'batch' or a positive"):
        TensorBoard(update_freq="step")
