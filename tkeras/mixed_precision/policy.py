"""Dtype policies: a layer's compute dtype and variable dtype, and the global default policy.

Keras keeps the default policy per thread (``global_state``, a ``threading.local``) and
``clear_session`` resets it; so does tkeras (``backend/global_state.py``, ``dtype_policy``).
A policy is a name: ``"float32"``, ``"float16"``, ``"bfloat16"``, ``"float64"`` (compute
and variables in that dtype) or ``"mixed_float16"`` / ``"mixed_bfloat16"`` (compute in 16 bits,
variables in float32).
"""

from __future__ import annotations

from typing import Any

import torch

from tkeras.backend.global_state import thread_state

__all__ = [
    "DTypePolicy",
    "FloatDTypePolicy",
    "deserialize",
    "dtype_policy",
    "get",
    "serialize",
    "set_dtype_policy",
]

_MIXED = {"mixed_float16": "float16", "mixed_bfloat16": "bfloat16"}
_TORCH = {
    "float16": torch.float16,
    "bfloat16": torch.bfloat16,
    "float32": torch.float32,
    "float64": torch.float64,
}


def _dtype_name(dtype: Any) -> str:
    from tkeras.backend.convert import standardize_dtype

    if isinstance(dtype, str) and dtype == "float":
        from tkeras import config

        return config.floatx()
    return str(standardize_dtype(dtype)).replace("torch.", "")


class DTypePolicy:
    """A dtype policy for a layer: the dtype it computes in and the dtype of its variables.

    Args:
        name: ``"mixed_float16"`` or ``"mixed_bfloat16"`` (compute in float16/bfloat16,
            variables in float32), or a dtype name such as ``"float32"``, ``"bfloat16"`` or
            ``"float64"`` (both dtypes). None: the global policy's name.

    Example:
        >>> import tkeras
        >>> policy = tkeras.DTypePolicy("mixed_bfloat16")
        >>> policy.compute_dtype, policy.variable_dtype
        ('bfloat16', 'float32')
        >>> tkeras.layers.Dense(4, dtype=policy).compute_dtype
        'bfloat16'
    """

    def __init__(self, name: str | None = None) -> None:
        if name is None:
            name = dtype_policy().name
        self._name = name
        self._compute_dtype, self._variable_dtype = self._parse_name(name)
        self._quantization_mode = None

    def _parse_name(self, name: Any) -> tuple[str, str]:
        if not isinstance(name, str):
            raise TypeError(
                "'name' must be a string, such as 'mixed_float16'. "
                f"Received: name={name} (of type {type(name)})"
            )
        if name in _MIXED:
            return _MIXED[name], "float32"
        try:
            dtype = _dtype_name(name)
        except ValueError:
            raise ValueError(
                f"Cannot convert '{name}' to a mixed precision DTypePolicy. Valid policies "
                "include 'mixed_float16', 'mixed_bfloat16', and the name of any float dtype "
                "such as 'float32'."
            ) from None
        return dtype, dtype

    @property
    def name(self) -> str:
        """The policy's name, e.g. ``'mixed_float16'``."""
        return self._name

    @property
    def compute_dtype(self) -> str:
        """The dtype layers compute in (and cast floating inputs to)."""
        return self._compute_dtype

    @property
    def variable_dtype(self) -> str:
        """The dtype layers create their variables in."""
        return self._variable_dtype

    @property
    def quantization_mode(self) -> None:
        """None: tkeras has no quantized policies."""
        return self._quantization_mode

    @property
    def is_mixed(self) -> bool:
        """Whether compute and variable dtypes differ (the ``mixed_*`` policies)."""
        return self._compute_dtype != self._variable_dtype

    def convert_input(self, x: Any, autocast: bool, dtype: Any) -> Any:
        """``x`` as a tensor, a floating one cast to ``dtype`` when ``autocast`` (Keras's rule:
        integer and bool inputs are never cast)."""
        want = _TORCH.get(_dtype_name(dtype))
        if not isinstance(x, torch.Tensor):
            if not hasattr(x, "__array__"):
                return x
            from tkeras.backend.convert import convert_to_tensor

            x = convert_to_tensor(x)
        if autocast and want is not None and x.is_floating_point() and x.dtype != want:
            x = x.to(want)
        return x

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> DTypePolicy:
        return cls(**config)

    def __repr__(self) -> str:
        return f'<DTypePolicy "{self._name}">'

    def __eq__(self, other: Any) -> bool:
        if type(other) not in (DTypePolicy, FloatDTypePolicy):
            return False
        return self._name == other._name

    def __hash__(self) -> int:
        return hash(self._name)


class FloatDTypePolicy(DTypePolicy):
    """An alias of ``DTypePolicy`` (Keras keeps both names).

    Example:
        >>> import tkeras
        >>> tkeras.FloatDTypePolicy("float32") == tkeras.DTypePolicy("float32")
        True
    """


def set_dtype_policy(policy: Any) -> None:
    """Set the default dtype policy of the layers created from now on, in this thread.

    Args:
        policy: a policy name (``"mixed_float16"``) or a ``DTypePolicy``.

    Example:
        >>> import tkeras
        >>> tkeras.mixed_precision.set_global_policy("mixed_bfloat16")
        >>> tkeras.layers.Dense(2).dtype_policy
        <DTypePolicy "mixed_bfloat16">
        >>> tkeras.mixed_precision.set_global_policy("float32")
    """
    if not isinstance(policy, DTypePolicy):
        if isinstance(policy, str):
            policy = DTypePolicy(policy)
        else:
            raise ValueError(
                "Invalid `policy` argument. Expected the string name of a policy (such as "
                f"'mixed_float16') or a `DTypePolicy` instance. Received: policy={policy} "
                f"(of type {type(policy)})"
            )
    thread_state().dtype_policy = policy


def dtype_policy() -> DTypePolicy:
    """The current default dtype policy (``DTypePolicy(floatx())`` until one is set).

    Example:
        >>> import tkeras
        >>> tkeras.config.dtype_policy()
        <DTypePolicy "float32">
    """
    state = thread_state()
    if state.dtype_policy is None:
        from tkeras import config

        state.dtype_policy = DTypePolicy(config.floatx())
    return state.dtype_policy


def serialize(dtype_policy: DTypePolicy) -> dict[str, Any]:
    """Keras's serialized form of a policy, as written in ``.keras`` files."""
    return {
        "module": "keras",
        "class_name": "DTypePolicy",
        "config": dtype_policy.get_config(),
        "registered_name": None,
    }


def deserialize(config: Any, custom_objects: Any = None) -> DTypePolicy:
    """A policy from ``serialize``'s dict (or a Keras 2 ``Policy`` dict)."""
    name = config.get("class_name")
    if name not in ("DTypePolicy", "FloatDTypePolicy", "Policy"):
        raise ValueError(
            f"Cannot deserialize a dtype policy of class {name!r}: tkeras supports "
            "'DTypePolicy' and 'FloatDTypePolicy' (quantized policies are not supported)."
        )
    return DTypePolicy(config["config"]["name"])


def get(identifier: Any) -> DTypePolicy:
    """A policy from None (the global one), a name, a config dict, a dtype or a policy.

    Example:
        >>> import tkeras
        >>> tkeras.dtype_policies.get("mixed_float16").compute_dtype
        'float16'
    """
    if identifier is None:
        return dtype_policy()
    if isinstance(identifier, DTypePolicy):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        return DTypePolicy(identifier)
    try:
        return DTypePolicy(_dtype_name(identifier))
    except (ValueError, TypeError):
        raise ValueError(
            "Cannot interpret `dtype` argument. Expected a string or an instance of "
            f"DTypePolicy. Received: dtype={identifier}"
        ) from None


def torch_dtype(name: str) -> torch.dtype:
    """The torch dtype of a float dtype name."""
    return _TORCH[name]
