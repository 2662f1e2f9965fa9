"""The public loops of ``Model``: ``fit``, ``evaluate``, ``predict`` and the ``*_on_batch`` calls.

A mixin of ``Trainer``: each method validates its arguments, hands the work to
``trainers/loops.py`` and shapes the result as Keras does (a float, a list or a dict).
"""

from __future__ import annotations

from typing import Any

from tkeras.trainers import loops, predict_loop


class FitAPI:
    """Keras's ``fit``/``evaluate``/``predict`` and ``*_on_batch`` methods (see ``Trainer``)."""

    def fit(
        self,
        x: Any = None,
        y: Any = None,
        batch_size: int | None = None,
        epochs: int = 1,
        verbose: Any = "auto",
        callbacks: Any = None,
        validation_split: float = 0.0,
        validation_data: Any = None,
        shuffle: bool | str = True,
        class_weight: dict | None = None,
        sample_weight: Any = None,
        initial_epoch: int = 0,
        steps_per_epoch: int | None = None,
        validation_steps: int | None = None,
        validation_batch_size: int | None = None,
        validation_freq: Any = 1,
    ) -> Any:
        """Train the model for ``epochs`` epochs; returns a ``History``.

        Array data (numpy or torch, or lists/dicts of them) moves to the device once and is
        sliced there with a new permutation each epoch; a torch ``DataLoader`` or ``Dataset``,
        a generator or a ``tkeras.utils.PyDataset`` yields batches that move as they come.
        The model trains in ``train()`` mode and gets its previous modes back afterwards.

        Args:
            x: the inputs, or a DataLoader / Dataset / generator / PyDataset of batches.
            y: the targets (arrays only).
            batch_size: samples per batch for arrays and Datasets (default 32).
            epochs: the index of the last epoch (training runs from ``initial_epoch``).
            verbose: ``'auto'`` or 1 (progress bar), 2 (one line per epoch), 0 (silent).
            callbacks: a list of ``tkeras.callbacks.Callback``.
            validation_split: the fraction in [0, 1) of the array data held out (the last
                samples, taken before shuffling) for validation.
            validation_data: ``(x, y)``, ``(x, y, sample_weight)`` or a loader/dataset.
            shuffle: reshuffle array, Dataset and PyDataset data each epoch; ``'batch'``
                shuffles within batches. DataLoaders and generators keep their own order.
            class_weight: ``{class_index: weight}``, turned into per-sample weights.
            sample_weight: per-sample (or per-timestep) weights for the loss and the
                weighted metrics (arrays only).
            initial_epoch: the epoch to start at (to resume a run).
            steps_per_epoch: batches per epoch; the next epoch continues the same pass.
            validation_steps: batches per validation run.
            validation_batch_size: the validation batch size (default: ``batch_size``).
            validation_freq: validate every this many epochs, or in the listed epochs.

        Example:
            >>> import numpy as np, tkeras
            >>> model = tkeras.Sequential([tkeras.Input((4,)), tkeras.layers.Dense(1)])
            >>> model.compile(optimizer="sgd", loss="mse")
            >>> history = model.fit(np.ones((8, 4)), np.ones((8, 1)), epochs=2, verbose=0)
            >>> len(history.history["loss"])
            2

        Differences from Keras: the model trains where it already is if that is not the CPU,
        else on ``tkeras.config.device()``. A torch ``Dataset`` is accepted (batched by a
        DataLoader), and ``class_weight`` works with every kind of input. ``batch_size``
        with a DataLoader, generator or PyDataset warns that it is ignored.
        """
        return loops.fit(
            self,
            x,
            y,
            batch_size,
            epochs,
            verbose,
            callbacks,
            validation_split,
            validation_data,
            shuffle,
            class_weight,
            sample_weight,
            initial_epoch,
            steps_per_epoch,
            validation_steps,
            validation_batch_size,
            validation_freq,
        )

    def evaluate(
        self,
        x: Any = None,
        y: Any = None,
        batch_size: int | None = None,
        verbose: Any = "auto",
        sample_weight: Any = None,
        steps: int | None = None,
        callbacks: Any = None,
        return_dict: bool = False,
        **kwargs: Any,
    ) -> Any:
        """The loss and metrics on ``x``/``y``: a scalar, a list, or a dict (``return_dict``).

        Args:
            x: the inputs, or a DataLoader / Dataset / generator / PyDataset.
            y: the targets (arrays only).
            batch_size: samples per batch (default 32).
            verbose: ``'auto'`` or 1 (progress bar), 2 (one line), 0 (silent).
            sample_weight: per-sample weights.
            steps: the number of batches to evaluate.
            callbacks: a list of callbacks.
            return_dict: return ``{name: value}`` instead of a list in ``metrics_names`` order.
            **kwargs: none are accepted (Keras reserves it for internal use).

        Example:
            >>> import numpy as np, tkeras
            >>> model = tkeras.Sequential([tkeras.Input((4,)), tkeras.layers.Dense(1)])
            >>> model.compile(optimizer="sgd", loss="mse")
            >>> isinstance(model.evaluate(np.ones((8, 4)), np.ones((8, 1)), verbose=0), float)
            True
        """
        if kwargs:
            raise ValueError(f"Arguments not recognized: {kwargs}")
        logs = loops.evaluate(self, x, y, batch_size, verbose, sample_weight, steps, callbacks)
        return logs if return_dict else self._flatten_metrics_in_order(logs)

    def predict(
        self,
        x: Any,
        batch_size: int | None = None,
        verbose: Any = "auto",
        steps: int | None = None,
        callbacks: Any = None,
    ) -> Any:
        """The model's outputs for ``x``, batch by batch in inference mode, as numpy arrays.

        Args:
            x: the inputs, or a DataLoader / Dataset / generator / PyDataset.
            batch_size: samples per batch (default 32).
            verbose: ``'auto'`` or 1 (progress bar), 2 (one line), 0 (silent).
            steps: the number of batches to predict.
            callbacks: a list of callbacks.

        Example:
            >>> import numpy as np, tkeras
            >>> model = tkeras.Sequential([tkeras.Input((4,)), tkeras.layers.Dense(2)])
            >>> model.predict(np.ones((5, 4)), verbose=0).shape
            (5, 2)
        """
        return predict_loop.predict(self, x, batch_size, verbose, steps, callbacks)

    def train_on_batch(
        self,
        x: Any,
        y: Any = None,
        sample_weight: Any = None,
        class_weight: dict | None = None,
        return_dict: bool = False,
    ) -> Any:
        """One gradient update on one batch; returns the batch's loss and metrics.

        Args:
            x: the inputs.
            y: the targets.
            sample_weight: per-sample weights.
            class_weight: ``{class_index: weight}`` (not with ``sample_weight``).
            return_dict: return a dict instead of a list.

        Example:
            >>> import numpy as np, tkeras
            >>> model = tkeras.Sequential([tkeras.Input((4,)), tkeras.layers.Dense(1)])
            >>> model.compile(optimizer="sgd", loss="mse")
            >>> loss = model.train_on_batch(np.ones((8, 4)), np.ones((8, 1)))
        """
        self._assert_compile_called("train_on_batch")
        logs = loops.on_batch(self, "train", x, y, sample_weight, class_weight)
        return logs if return_dict else self._flatten_metrics_in_order(logs)

    def test_on_batch(
        self, x: Any, y: Any = None, sample_weight: Any = None, return_dict: bool = False
    ) -> Any:
        """The loss and metrics of one batch, without updating the model.

        Args:
            x: the inputs.
            y: the targets.
            sample_weight: per-sample weights.
            return_dict: return a dict instead of a list.

        Example:
            >>> import numpy as np, tkeras
            >>> model = tkeras.Sequential([tkeras.Input((4,)), tkeras.layers.Dense(1)])
            >>> model.compile(optimizer="sgd", loss="mse")
            >>> sorted(model.test_on_batch(np.ones((8, 4)), np.ones((8, 1)), return_dict=True))
            ['loss']
        """
        self._assert_compile_called("test_on_batch")
        logs = loops.on_batch(self, "test", x, y, sample_weight, None)
        return logs if return_dict else self._flatten_metrics_in_order(logs)

    def predict_on_batch(self, x: Any) -> Any:
        """The model's outputs for one batch, in inference mode, as numpy arrays.

        Args:
            x: the inputs.

        Example:
            >>> import numpy as np, tkeras
            >>> model = tkeras.Sequential([tkeras.Input((4,)), tkeras.layers.Dense(2)])
            >>> model.predict_on_batch(np.ones((3, 4))).shape
            (3, 2)
        """
        return predict_loop.predict_on_batch(self, x)
