"""What ``compile()`` makes of ``metrics=`` and ``weighted_metrics=``: ``CompileMetrics``.

Names resolve through the metric registry (an unknown name fails in ``compile()``);
``'accuracy'`` resolves on the first batch from the shapes, as Keras's compile utilities do.
"""

from __future__ import annotations

from typing import Any

from tkeras.trainers.compile_loss import _align, _output_keys, _per_output
from tkeras.trainers.data_utils import flatten


def _check_metric_names(metrics: Any) -> None:
    """Look up every metric name now, so an unknown one fails in compile(), not in fit()."""
    if isinstance(metrics, dict):
        metrics = list(metrics.values())
    for entry in metrics or ():
        if isinstance(entry, (list, tuple, dict)):
            _check_metric_names(entry)
        elif isinstance(entry, str) and entry.lower() not in ("accuracy", "acc"):
            from tkeras import metrics as metrics_module

            metrics_module.get(entry)


class CompileMetrics:
    """The compiled metrics: ``metrics`` unweighted and ``weighted_metrics`` with sample weights.

    ``result()`` is a dict keyed by metric name (``'accuracy'``; per output
    ``'dense_1_accuracy'``); a name used twice gets ``_1``, ``_2``; a weighted metric that
    repeats an unweighted one is ``weighted_<name>``, as in Keras.
    """

    name = "compile_metrics"

    def __init__(
        self, metrics: Any, weighted_metrics: Any, output_names: list[str] | None = None
    ) -> None:
        for arg, value in (("metrics", metrics), ("weighted_metrics", weighted_metrics)):
            if value and not isinstance(value, (list, tuple, dict)):
                raise ValueError(
                    f"Expected `{arg}` argument to be a list, tuple, or dict. Received "
                    f"instead: {arg}={value!r} of type {type(value)}"
                )
        self._user_metrics = metrics
        self._user_weighted = weighted_metrics
        self.output_names = output_names
        _check_metric_names(metrics)
        _check_metric_names(weighted_metrics)
        self.built = False
        self._plain: list[tuple[Any, list]] = []  # (output key or None, [metrics])
        self._weighted: list[tuple[Any, list]] = []
        self._names: list[tuple[str, Any]] = []

    @property
    def metrics(self) -> list:
        return [m for _, ms in self._plain + self._weighted for m in ms]

    def build(self, y_true: Any, y_pred: Any, loss: Any = None) -> None:
        from tkeras import metrics as metrics_module

        def resolve(ids: Any, yt: Any, yp: Any) -> list:
            ids = [ids] if not isinstance(ids, (list, tuple)) else list(ids)
            return [metrics_module.resolve(i, yt, yp) for i in ids if i is not None]

        multi = isinstance(y_pred, (list, tuple, dict))
        for user, target in (
            (self._user_metrics, self._plain),
            (self._user_weighted, self._weighted),
        ):
            if not user:
                continue
            if not multi:
                flat = [m for m in (user.values() if isinstance(user, dict) else user)]
                target.append((None, resolve(flat, y_true, y_pred)))
                continue
            keys = _output_keys(y_pred, self.output_names)
            names = (
                [str(k) for k in keys]
                if isinstance(y_pred, dict)
                else list(self.output_names or [f"output_{i}" for i in range(len(keys))])
            )
            per = _per_output(user, keys, names, "metrics")
            yt = _align(y_true, keys, names)
            for key, name, ids in zip(keys, names, per):
                if ids:
                    target.append(((key, name), resolve(ids, yt[key], y_pred[key])))
            self._keys, self._names_out = keys, names
        self._names = self._result_names()
        self.built = True

    def _result_names(self) -> list[tuple[str, Any]]:
        out, seen = [], {}
        for weighted, groups in ((False, self._plain), (True, self._weighted)):
            for key, ms in groups:
                prefix = f"{key[1]}_" if key is not None else ""
                for m in ms:
                    name = prefix + m.name
                    if name not in seen:
                        seen[name] = 1
                    elif weighted:
                        name = f"{prefix}weighted_{m.name}"
                        if name in seen:
                            seen[name] += 1
                            name = f"{name}_{seen[name] - 1}"
                        else:
                            seen[name] = 1
                    else:
                        seen[name] += 1
                        name = f"{name}_{seen[name] - 1}"
                    out.append((name, m))
        return out

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        if not self.built:
            self.build(y_true, y_pred)
            self.to(flatten(y_pred)[0].device)
        multi = isinstance(y_pred, (list, tuple, dict))
        if multi:
            y_true = _align(y_true, self._keys, self._names_out)
            if sample_weight is not None and not isinstance(sample_weight, (list, tuple, dict)):
                sample_weight = {k: sample_weight for k in self._keys}
            elif isinstance(sample_weight, (list, tuple, dict)):
                sample_weight = (
                    dict(zip(self._keys, sample_weight))
                    if not isinstance(sample_weight, dict)
                    else sample_weight
                )
        for key, ms in self._plain:
            yt, yp = (y_true, y_pred) if key is None else (y_true[key[0]], y_pred[key[0]])
            for m in ms:
                m.update_state(yt, yp)
        for key, ms in self._weighted:
            if key is None:
                yt, yp, sw = y_true, y_pred, sample_weight
            else:
                yt, yp = y_true[key[0]], y_pred[key[0]]
                sw = None if sample_weight is None else sample_weight[key[0]]
            for m in ms:
                m.update_state(yt, yp, sample_weight=sw)

    def single_output_update(self) -> Any:
        """For one output: an ``update(y, y_pred, sw)`` that calls each metric directly."""
        if not self.built or any(key is not None for key, _ in self._plain + self._weighted):
            return None
        plain = [m.update_state for _, ms in self._plain for m in ms]
        weighted = [m.update_state for _, ms in self._weighted for m in ms]
        if not weighted and len(plain) == 1:
            (only,) = plain
            return lambda y, y_pred, sw: only(y, y_pred)

        def update(y: Any, y_pred: Any, sw: Any) -> None:
            for fn in plain:
                fn(y, y_pred)
            for fn in weighted:
                fn(y, y_pred, sample_weight=sw)

        return update

    def result(self) -> dict[str, Any]:
        if not self.built:
            raise ValueError("Cannot get result() since the metric has not yet been built.")
        return {name: m.result() for name, m in self._names}

    def reset_state(self) -> None:
        for m in self.metrics:
            m.reset_state()

    def to(self, device: Any) -> CompileMetrics:
        for m in self.metrics:
            if hasattr(m, "to"):
                m.to(device)
        return self
