"""``Trainer``: Keras's training API (compile, fit, evaluate, predict) as a mixin of ``Model``."""

from __future__ import annotations

import warnings
from typing import Any

import torch

from tkeras.trainers.compile_loss import CompileLoss, LossTracker
from tkeras.trainers.compile_metrics import CompileMetrics
from tkeras.trainers.data_utils import flatten, unpack
from tkeras.trainers.fit_api import FitAPI
from tkeras.trainers.optim import resolve_optimizer, wrap_for_loss_scaling
from tkeras.trainers.step import add_model_losses, default_step


class Trainer(FitAPI):
    """Keras's training API on a torch loop; ``tkeras.Model`` inherits it.

    ``compile()`` resolves the optimizer, loss and metrics; ``fit()``, ``evaluate()`` and
    ``predict()`` run a plain torch loop on ``tkeras.config.device()``. Override
    ``train_step(data)``, ``test_step(data)``, ``predict_step(data)``, ``compute_loss`` or
    ``compute_metrics`` to customize a step, as in Keras.
    """

    compiled = False
    optimizer: Any = None
    loss: Any = None
    history: Any = None
    stop_training = False
    stop_evaluating = False
    stop_predicting = False
    steps_per_execution = 1
    _compile_loss: CompileLoss | None = None
    _compile_metrics: CompileMetrics | None = None
    _loss_tracker: LossTracker | None = None
    _jit_compile = False
    _run_eagerly = False
    _auto_scale_loss = True

    def compile(
        self,
        optimizer: Any = "rmsprop",
        loss: Any = None,
        loss_weights: Any = None,
        metrics: Any = None,
        weighted_metrics: Any = None,
        run_eagerly: bool = False,
        steps_per_execution: int = 1,
        jit_compile: Any = "auto",
        auto_scale_loss: bool = True,
    ) -> None:
        """Configure the model for training: optimizer, loss and metrics.

        This is Keras's ``compile``; it shadows ``torch.nn.Module.compile`` (which wraps the
        module with ``torch.compile``). To torch-compile the forward pass call
        ``torch.nn.Module.compile(model)``.

        Args:
            optimizer: a name (``'adam'``), a tkeras optimizer, or a ``torch.optim.Optimizer``
                built on the model's parameters (so the model must be built first).
            loss: a name, a ``tkeras.losses.Loss``, a function ``f(y_true, y_pred)`` returning
                per-sample losses, or a torch loss module (``nn.CrossEntropyLoss()``), which is
                called torch-style as ``loss(y_pred, y_true)`` and takes no sample weights.
                For a multi-output model: a list or a dict keyed by output name.
            loss_weights: a float (or a list / dict per output) scaling each loss.
            metrics: a list of metrics (names such as ``'accuracy'``, Metric objects, or
                functions), or a dict / list of lists per output. ``'accuracy'``/``'acc'`` and
                ``'crossentropy'`` resolve from the target and output shapes; the log key is
                the name given.
            weighted_metrics: metrics that are weighted by ``sample_weight``/``class_weight``.
            run_eagerly: tkeras always runs eagerly; True also turns ``jit_compile=True`` off
                (with a warning), as in Keras.
            steps_per_execution: the number of batches run between callback calls: the
                batch callbacks, the progress bar and the batch logs see Keras's indices
                (``on_train_batch_begin(0)``, ``on_train_batch_end(N - 1)``, ...), and the
                host reads nothing in between.
            jit_compile: True compiles each step's forward pass and loss (and their backward)
                with ``torch.compile``; a model whose step has graph breaks warns once and
                runs eagerly. ``'auto'`` (eager, as Keras on torch) or False: eager steps.
            auto_scale_loss: under a ``mixed_float16`` model policy, wrap the optimizer in a
                ``LossScaleOptimizer`` (dynamic loss scaling), as Keras does.

        Example:
            >>> import tkeras
            >>> model = tkeras.Sequential([tkeras.Input((4,)), tkeras.layers.Dense(3)])
            >>> model.compile(optimizer="adam", metrics=["accuracy"],
            ...     loss=tkeras.losses.SparseCategoricalCrossentropy(from_logits=True))

        Differences from Keras: ``steps_per_execution`` above 1 runs (Keras's torch backend
        raises; tkeras follows its TensorFlow/JAX trainers); ``jit_compile=True`` leaves the
        optimizer update eager; torch optimizers and torch loss modules are accepted.
        """
        if (
            isinstance(steps_per_execution, bool)
            or not isinstance(steps_per_execution, int)
            or steps_per_execution < 1
        ):
            raise ValueError(
                f"`steps_per_execution` must be a positive integer. Received: "
                f"steps_per_execution={steps_per_execution!r}"
            )
        if jit_compile not in ("auto", True, False):
            raise ValueError(
                f"`jit_compile` must be 'auto', True or False. Received: "
                f"jit_compile={jit_compile!r}"
            )
        if jit_compile is True and run_eagerly:
            warnings.warn(
                "If `run_eagerly` is True, then `jit_compile` cannot also be True. "
                "Disabling `jit_compile`.",
                stacklevel=2,
            )
            jit_compile = False
        resolved = resolve_optimizer(optimizer)
        if auto_scale_loss:
            resolved = wrap_for_loss_scaling(self, resolved)
        output_names = getattr(self, "output_names", None)
        compile_loss = CompileLoss(loss, loss_weights, output_names) if loss is not None else None
        compile_metrics = (
            CompileMetrics(metrics, weighted_metrics, output_names)
            if metrics is not None or weighted_metrics is not None
            else None
        )
        # object.__setattr__: a torch optimizer/loss module must not become a submodule
        # (it would land in state_dict and in .modules()).
        state = {
            "optimizer": resolved,
            "loss": loss,
            "_compile_loss": compile_loss,
            "_compile_metrics": compile_metrics,
            "_loss_tracker": LossTracker("loss"),
            # "auto" is eager on torch, as in Keras (its torch backend resolves it so).
            "_jit_compile": jit_compile is True,
            "_run_eagerly": bool(run_eagerly),
            "_auto_scale_loss": bool(auto_scale_loss),
            "steps_per_execution": steps_per_execution,
            "_default_steps": {},
            "stop_training": False,
            "compiled": True,
        }
        for name, value in state.items():
            object.__setattr__(self, name, value)

    # ------------------------------------------------------------------ properties

    @property
    def run_eagerly(self) -> bool:
        return self._run_eagerly

    @run_eagerly.setter
    def run_eagerly(self, value: bool) -> None:
        object.__setattr__(self, "_run_eagerly", bool(value))

    @property
    def jit_compile(self) -> bool:
        return self._jit_compile

    @property
    def metrics(self) -> list:
        """The loss tracker, the compiled metrics, per-output loss trackers, then the metrics
        assigned as attributes of the model (``self.loss_tracker = metrics.Mean(...)``), in
        Keras's order."""
        out = []
        if self.compiled:
            out.append(self._loss_tracker)
            if self._compile_metrics is not None:
                out.append(self._compile_metrics)
            if self._compile_loss is not None:
                out.extend(self._compile_loss.metrics)
        from tkeras.metrics.metric import Metric

        out.extend(v for v in self.__dict__.values() if isinstance(v, Metric))
        return out

    @property
    def compiled_metrics(self) -> Any:
        """Deprecated (Keras 2): an object whose ``update_state(y, y_pred, sample_weight)``
        updates ``self.metrics``; use ``compute_metrics`` or the metrics themselves."""
        model = self

        class DeprecatedCompiledMetric:
            def update_state(self, y: Any, y_pred: Any, sample_weight: Any = None) -> None:
                warnings.warn(
                    "`model.compiled_metrics()` is deprecated. Instead, use e.g.:\n"
                    "for metric in self.metrics:\n    metric.update_state(y, y_pred)",
                    stacklevel=2,
                )
                model._update_all_metrics(y, y_pred, sample_weight)

        return DeprecatedCompiledMetric()

    def _update_all_metrics(self, y: Any, y_pred: Any, sample_weight: Any) -> None:
        from tkeras.metrics.reduction import Mean

        for m in self.metrics:
            if m is self._loss_tracker or isinstance(m, LossTracker):
                continue
            if isinstance(m, CompileMetrics):
                if not m.built:
                    m.build(y, y_pred, loss=self._compile_loss)
                    m.to(flatten(y_pred)[0].device)
                m.update_state(y, y_pred, sample_weight)
            elif isinstance(m, Mean):
                m.update_state(y_pred, sample_weight=sample_weight)
            else:
                m.update_state(y, y_pred, sample_weight=sample_weight)

    def compiled_loss(
        self, y: Any, y_pred: Any, sample_weight: Any = None, regularization_losses: Any = None
    ) -> torch.Tensor:
        """Deprecated (Keras 2): the compiled loss; use ``compute_loss``."""
        warnings.warn(
            "`model.compiled_loss()` is deprecated. Instead, use "
            "`model.compute_loss(x, y, y_pred, sample_weight, training)`.",
            stacklevel=2,
        )
        return self.compute_loss(x=None, y=y, y_pred=y_pred, sample_weight=sample_weight)

    @property
    def metrics_names(self) -> list[str]:
        return [m.name for m in self.metrics]

    def reset_metrics(self) -> None:
        """Reset the state of every metric (the loss tracker included)."""
        for m in self.metrics:
            m.reset_state()

    def get_metrics_result(self) -> dict[str, Any]:
        """The current value of each metric, by name, as device tensors."""
        out: dict[str, Any] = {}
        for m in self.metrics:
            if isinstance(m, CompileMetrics) and not m.built:
                continue
            result = m.result()
            if isinstance(result, dict):
                out.update(result)
            else:
                out[m.name] = result
        return out

    def _get_metrics_result_or_logs(self, logs: Any) -> Any:
        results = self.get_metrics_result()
        if logs is None or (isinstance(logs, dict) and set(logs) == set(results)):
            return results
        return logs

    def _flatten_metrics_in_order(self, logs: dict[str, Any]) -> Any:
        names = []
        for m in self.metrics:
            if isinstance(m, CompileMetrics):
                names += list(m.result()) if m.built else []
            else:
                names.append(m.name)
        results = [logs[n] for n in names if n in logs]
        results += [logs[k] for k in sorted(logs) if k not in names]
        return results[0] if len(results) == 1 else results

    def _assert_compile_called(self, method_name: str) -> None:
        if not self.compiled:
            raise ValueError(
                f"You must call `compile()` before using the model (called `{method_name}()`)."
            )

    # ------------------------------------------------------------------ Keras-overridable steps

    def compute_loss(
        self,
        x: Any = None,
        y: Any = None,
        y_pred: Any = None,
        sample_weight: Any = None,
        training: bool = True,
    ) -> torch.Tensor:
        """The total loss of a batch: the compiled loss(es) plus ``self.losses``.

        Args:
            x: the inputs (unused by default).
            y: the targets.
            y_pred: the model's outputs.
            sample_weight: the sample weights.
            training: whether the model is training (unused by default).
        """
        loss = None
        if self._compile_loss is not None:
            if not self._compile_loss.built:
                self._compile_loss.build(y, y_pred, self.name)
            loss = self._compile_loss(y, y_pred, sample_weight)
        return add_model_losses(self, loss)

    def compute_metrics(
        self, x: Any, y: Any, y_pred: Any, sample_weight: Any = None
    ) -> dict[str, Any]:
        """Update the compiled metrics with a batch and return every metric's result."""
        metrics = self._compile_metrics
        if metrics is not None:
            if not metrics.built:
                metrics.build(y, y_pred, loss=self._compile_loss)
                metrics.to(flatten(y_pred)[0].device)
            metrics.update_state(y, y_pred, sample_weight)
        return self.get_metrics_result()

    def train_step(self, data: Any) -> dict[str, Any]:
        """One training step on ``data`` (``x``, ``(x, y)`` or ``(x, y, sample_weight)``):
        the same step ``fit`` runs; returns every metric's result."""
        x, y, sample_weight = unpack(data)
        step = default_step(self, "train")
        step(x, y, sample_weight)
        return self.get_metrics_result() if step.logs is None else step.logs

    def test_step(self, data: Any) -> dict[str, Any]:
        """One evaluation step on ``data`` (the step ``evaluate`` runs); returns every metric's
        result."""
        x, y, sample_weight = unpack(data)
        step = default_step(self, "test")
        step(x, y, sample_weight)
        return self.get_metrics_result() if step.logs is None else step.logs

    def predict_step(self, data: Any) -> Any:
        """The model's outputs for the inputs of ``data``."""
        x, _, _ = unpack(data)
        return self(x, training=False)
