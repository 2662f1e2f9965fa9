"""The training machinery behind ``Model.compile/fit/evaluate/predict`` (``Trainer`` mixin).

Modules: ``trainer`` (the mixin), ``loops`` (fit/evaluate/predict), ``step`` (the per-batch
step functions), ``compile_utils`` (loss and metrics), ``data_adapters`` and
``epoch_iterator`` (batches on the device), ``logs`` (lazy callback logs), ``optim``.
Import ``tkeras.trainers.trainer.Trainer`` directly; this package imports nothing eagerly so
that ``tkeras.callbacks`` can use ``tkeras.trainers.logs`` without an import cycle.
"""

__all__: list[str] = []
