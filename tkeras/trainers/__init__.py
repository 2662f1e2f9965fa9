"""The training machinery behind ``Model.compile/fit/evaluate/predict`` (``Trainer`` mixin).

Modules: ``trainer`` (the mixin), ``loops`` (fit/evaluate/predict), ``step`` (the per-batch
step functions), ``compile_loss`` and ``compile_metrics`` (what compile() resolves),
``data_adapters``, ``data_utils`` and ``epoch_iterator`` (batches on the device), ``logs``
(lazy callback logs), ``optim`` (tkeras or torch optimizers). Import
``tkeras.trainers.trainer.Trainer`` directly; this package imports nothing eagerly so that
``tkeras.callbacks`` can use ``tkeras.trainers.logs`` without an import cycle.
"""

__all__: list[str] = []
