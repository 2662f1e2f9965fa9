"""Mixed precision as in ``keras.mixed_precision``: dtype policies and loss scaling.

``set_global_policy("mixed_float16")`` makes new layers compute in float16 with float32
variables; ``compile`` then wraps the optimizer in a ``LossScaleOptimizer``, as Keras does.
"""

from tkeras.mixed_precision.policy import DTypePolicy, dtype_policy, set_dtype_policy

Policy = DTypePolicy
global_policy = dtype_policy
set_global_policy = set_dtype_policy


def __getattr__(name: str) -> object:
    # LossScaleOptimizer lives with the optimizers, which import the layers: import it lazily.
    if name == "LossScaleOptimizer":
        from tkeras.optimizers.loss_scale_optimizer import LossScaleOptimizer

        return LossScaleOptimizer
    raise AttributeError(f"module 'tkeras.mixed_precision' has no attribute {name!r}")


__all__ = [
    "DTypePolicy",
    "LossScaleOptimizer",
    "Policy",
    "dtype_policy",
    "global_policy",
    "set_dtype_policy",
    "set_global_policy",
]
