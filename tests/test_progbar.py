"""The progress bar: byte-for-byte Keras's text, with a frozen clock so times are stable."""

import types

import keras
import numpy as np
import pytest
from keras.src.callbacks import callback_list as keras_callback_list
from keras.src.utils import progbar as keras_progbar

import tkeras
from tkeras.utils import progbar as tk_progbar


@pytest.fixture
def frozen_clock(monkeypatch):
    """Both progress bars read a clock that can be moved by hand.

    The bar's redraw throttling reads three things: the clock, whether stdout is a terminal
    (tkeras: ``_dynamic_display()``; Keras: ``isatty`` or ``"posix" in sys.modules``) and the
    order in which batch-end callbacks arrive. All three are frozen here, for both libraries.
    Keras on torch dispatches batch-end callbacks to a thread pool (``IS_THREAD_SAFE``), so
    under load ``update(2)`` can run before ``update(1)`` and Keras prints ``2/5`` where a
    sequential run prints ``1/5``; the reference is made sequential.
    """
    clock = types.SimpleNamespace(now=1000.0)
    fake = types.SimpleNamespace(time=lambda: clock.now)
    monkeypatch.setattr(keras_progbar, "time", fake)
    monkeypatch.setattr(tk_progbar, "time", fake)
    monkeypatch.setattr(keras_callback_list.backend, "IS_THREAD_SAFE", False)
    return clock


def _freeze_display(monkeypatch, dynamic):
    """Both libraries' bars see the same terminal answer, whatever stdout is."""
    monkeypatch.setattr(tk_progbar, "_dynamic_display", lambda: dynamic)
    keras_init = keras_progbar.Progbar.__init__

    def init(self, *args, **kwargs):
        keras_init(self, *args, **kwargs)
        self._dynamic_display = dynamic

    monkeypatch.setattr(keras_progbar.Progbar, "__init__", init)


def _run(module, clock, dynamic, target, updates, **kwargs):
    bar = module.Progbar(target, **kwargs)
    bar._dynamic_display = dynamic
    for current, values, dt in updates:
        clock.now += dt
        bar.update(current, values)
    return bar


UPDATES = [
    (1, [("loss", 0.5), ("acc", 0.25)], 0.5),
    (2, [("loss", 0.25), ("acc", 0.5)], 0.02),
    (3, [("loss", 0.125), ("acc", 0.0001)], 0.3),
]


@pytest.mark.parametrize("verbose", [1, 2])
@pytest.mark.parametrize(
    "kwargs",
    [{}, {"stateful_metrics": ["acc"]}, {"stateless_metrics": []}, {"unit_name": "sample"}],
)
def test_progbar_matches_keras_byte_for_byte(capsys, frozen_clock, verbose, kwargs):
    # Dynamic display (a terminal): Keras's \b / \r redraws, throttled by `interval`.
    _run(keras_progbar, frozen_clock, True, 3, UPDATES, verbose=verbose, **kwargs)
    expected = capsys.readouterr().out
    frozen_clock.now = 1000.0
    _run(tk_progbar, frozen_clock, True, 3, UPDATES, verbose=verbose, **kwargs)
    assert capsys.readouterr().out == expected
    assert expected  # the bar printed something to compare


def test_progbar_exact_text_of_a_final_line(capsys, frozen_clock):
    bar = tk_progbar.Progbar(469)
    bar._dynamic_display = True
    frozen_clock.now += 0.006
    bar.update(1, [("accuracy", 0.5)])
    frozen_clock.now += 468 * 0.006
    bar.update(469, [("accuracy", 0.91), ("loss", 0.3012)])
    last = capsys.readouterr().out.split("\r")[-1]
    assert last == (
        "\x1b[1m469/469\x1b[0m \x1b[32m" + "━" * 20 + "\x1b[0m\x1b[37m\x1b[0m "
        "\x1b[1m3s\x1b[0m 6ms/step - accuracy: 0.9100 - loss: 0.3012\n"
    )


def test_progbar_unknown_target_and_eta_and_small_values(capsys, frozen_clock):
    bar = tk_progbar.Progbar(None)
    bar._dynamic_display = True
    frozen_clock.now += 2
    bar.update(5, [("loss", 0.0001)])
    out = capsys.readouterr().out
    assert out == "\r      5/Unknown \x1b[1m2s\x1b[0m 400ms/step - loss: 1.0000e-04"
    bar = tk_progbar.Progbar(1000)
    bar._dynamic_display = True
    frozen_clock.now += 1
    bar.update(10)
    assert "\x1b[1m1:39\x1b[0m 100ms/step" in capsys.readouterr().out  # 990 steps left


def test_progbar_without_a_terminal_prints_only_final_lines(capsys, frozen_clock):
    bar = _run(tk_progbar, frozen_clock, False, 3, UPDATES, verbose=1)
    out = capsys.readouterr().out
    assert "\r" not in out and "\b" not in out
    assert out.count("\n") == 1 and out.startswith("\x1b[1m3/3\x1b[0m")
    # Keras's own final frame has the same text.
    _run(keras_progbar, frozen_clock, True, 3, UPDATES, verbose=1)
    assert capsys.readouterr().out.split("\r")[-1].rstrip(" \n") == out.rstrip("\n")
    assert bar.due(2) is False


def test_progbar_due_follows_interval(frozen_clock):
    bar = tk_progbar.Progbar(10, interval=0.05)
    bar._dynamic_display = True
    assert bar.due(1)
    bar.update(1)
    frozen_clock.now += 0.01
    assert not bar.due(2)
    frozen_clock.now += 0.05
    assert bar.due(3)
    assert not tk_progbar.Progbar(10, verbose=2).due(1)


def test_progbar_add_and_argument_errors(capsys, frozen_clock):
    bar = tk_progbar.Progbar(2, verbose=2)
    bar.add(1, [("loss", 1.0)])
    bar.add(1, [("loss", 3.0)])
    assert capsys.readouterr().out == "2/2 - 0s - 0s/step - loss: 3.0000\n"
    with pytest.raises(ValueError, match="Only one of `stateful_metrics` or `stateless_metrics`"):
        tk_progbar.Progbar(2, stateful_metrics=["a"], stateless_metrics=["b"])


def _fit_output(lib, capsys, verbose, dynamic, monkeypatch):
    _freeze_display(monkeypatch, dynamic)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((40, 3)).astype("float32")
    y = rng.integers(0, 2, 40)
    model = lib.Sequential([lib.Input((3,)), lib.layers.Dense(2)])
    model.compile(
        optimizer=lib.optimizers.SGD(0.1),
        loss=lib.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    return model, x, y


@pytest.mark.parametrize("verbose", ["auto", 1, 2])
def test_fit_evaluate_predict_print_keras_text(capsys, frozen_clock, monkeypatch, verbose):
    weights = None
    outputs = {}
    for lib in (keras, tkeras):
        model, x, y = _fit_output(lib, capsys, verbose, True, monkeypatch)
        if weights is None:
            weights = model.get_weights()
        model.set_weights(weights)
        capsys.readouterr()
        model.fit(
            x, y, batch_size=8, epochs=2, shuffle=False, verbose=verbose, validation_data=(x, y)
        )
        model.evaluate(x, y, batch_size=8, verbose=verbose)
        model.predict(x, batch_size=8, verbose=verbose)
        outputs[lib.__name__] = capsys.readouterr().out
    assert outputs["tkeras"] == outputs["keras"]
    assert "Epoch 2/2" in outputs["tkeras"] and "val_loss" in outputs["tkeras"]


def test_fit_without_a_terminal_prints_one_line_per_epoch(capsys, frozen_clock, monkeypatch):
    model, x, y = _fit_output(tkeras, capsys, 1, False, monkeypatch)
    model.fit(x, y, batch_size=8, epochs=2, verbose=1)
    lines = capsys.readouterr().out.split("\n")
    assert "\r" not in "".join(lines) and "\b" not in "".join(lines)
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2" and lines[4] == ""
    assert lines[1].startswith("\x1b[1m5/5\x1b[0m \x1b[32m━━") and " - loss: " in lines[1]
