"""LearningRateSchedule: the base of every schedule, plus its registry and (de)serialization."""

from __future__ import annotations

from typing import Any

from tkeras.utils.registry import Registry

SCHEDULES = Registry("learning rate schedule")

# Keras writes schedules under this module name; tkeras writes the same so configs and
# .keras files read back in either library.
_KERAS_MODULE = "keras.optimizers.schedules"


class LearningRateSchedule:
    """Learning rate schedule base: ``schedule(step)`` returns the learning rate at a step.

    Subclass it for a custom schedule: implement ``__call__(self, step)`` and ``get_config()``.
    An optimizer given a schedule evaluates it at ``optimizer.iterations`` before every update.

    Differences from Keras: the built-in schedules compute in Python floats (float64) and return
    a Python float, not a float32 tensor, so reading the rate never waits on a device.

    Example:
        >>> class Halve(LearningRateSchedule):
        ...     def __call__(self, step):
        ...         return 0.1 * 0.5 ** (step // 10)
        ...     def get_config(self):
        ...         return {}
        >>> Halve()(25)
        0.025
    """

    def __call__(self, step: Any) -> Any:
        raise NotImplementedError(
            f"Learning rate schedule '{type(self).__name__}' must override `__call__(self, step)`."
        )

    def get_config(self) -> dict[str, Any]:
        raise NotImplementedError(
            f"Learning rate schedule '{type(self).__name__}' must override `get_config()` in "
            "order to be serializable."
        )

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> LearningRateSchedule:
        return cls(**config)


def positive_steps(schedule: str, argument: str, value: Any) -> Any:
    """Keras's check on ``decay_steps``-like arguments, naming the schedule."""
    if value <= 0:
        raise ValueError(
            f"{schedule}: argument `{argument}` must be > 0. Received: {argument}={value}"
        )
    return value


def serialize(schedule: LearningRateSchedule) -> dict[str, Any]:
    """A schedule as Keras's serialized dict (``module``, ``class_name``, ``config``).

    Example:
        >>> from tkeras.optimizers.schedules import ExponentialDecay
        >>> serialize(ExponentialDecay(0.1, 10, 0.9))["class_name"]
        'ExponentialDecay'
    """
    return {
        "module": _KERAS_MODULE,
        "class_name": type(schedule).__name__,
        "config": schedule.get_config(),
        "registered_name": None,
    }


def deserialize(config: dict[str, Any], custom_objects: dict[str, Any] | None = None) -> Any:
    """A schedule from a dict written by ``serialize`` (or by Keras).

    Args:
        config: ``{"class_name": ..., "config": {...}}``.
        custom_objects: extra name -> class entries for user-defined schedules.

    Example:
        >>> s = deserialize({"class_name": "InverseTimeDecay",
        ...                  "config": {"initial_learning_rate": 0.1, "decay_steps": 1,
        ...                             "decay_rate": 1.0}})
        >>> s(1)
        0.05
    """
    name = config["class_name"]
    if custom_objects and name in custom_objects:
        cls = custom_objects[name]
    else:
        cls = SCHEDULES.lookup(name)
    return cls.from_config(dict(config.get("config", {})))
