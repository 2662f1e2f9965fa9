"""A layer's dtype policy at call time: inputs cast to the compute dtype, mixed policies run
under ``torch.autocast``.

Keras casts a layer's floating inputs to its compute dtype and, under a ``mixed_*`` policy,
reads every float32 variable as a float16/bfloat16 copy inside the call. tkeras gets the same
from ``torch.autocast(dtype=compute_dtype)`` around a mixed layer's call: matmuls, convolutions
and the fused RNNs run in the compute dtype on cast weights, while the variables (and their
gradients) stay float32; outputs are cast to the compute dtype (unless a sublayer has another
policy), so a layer's output dtype is Keras's. A layer whose policy is not mixed disables
autocast for its call, so ``Dense(..., dtype="float32")`` as the last layer of a mixed model
computes and outputs float32.

Layers with the default float32 policy created while the global policy is float32 never take
this path: their call is not touched (no cost).
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

__all__ = ["needs_policy_call", "policy_call", "set_layer_policy"]


def needs_policy_call(policy: Any) -> bool:
    """Whether a layer with ``policy`` needs the policy call (not the process default)."""
    from tkeras import config
    from tkeras.mixed_precision.policy import dtype_policy

    default = config.floatx()
    if policy.compute_dtype != default or policy.variable_dtype != default:
        return True
    # A float32 layer inside a mixed model must switch autocast off: any layer made while a
    # non-default global policy is set takes the policy path.
    glob = dtype_policy()
    return glob.compute_dtype != default or glob.variable_dtype != default


def _cast(x: Any, want: torch.dtype) -> Any:
    if isinstance(x, torch.Tensor):
        if x.dtype != want and x.is_floating_point():
            return x.to(want)
        return x
    if isinstance(x, (list, tuple)):
        out = [_cast(e, want) for e in x]
        return out if isinstance(x, list) else type(x)(out)
    if isinstance(x, dict):
        return {k: _cast(v, want) for k, v in x.items()}
    return x


def _device(x: Any) -> torch.device | None:
    if isinstance(x, torch.Tensor):
        return x.device
    if isinstance(x, (list, tuple)):
        for e in x:
            d = _device(e)
            if d is not None:
                return d
    if isinstance(x, dict):
        return _device(list(x.values()))
    return None


def policy_call(layer: Any, *args: Any, **kwargs: Any) -> Any:
    """``layer``'s ``nn.Module`` call under its dtype policy (installed as its ``_call_impl``)."""
    compute = layer._compute_torch
    device = _device(args) or _device(list(kwargs.values()))
    if compute is None or device is None:
        return nn.Module._call_impl(layer, *args, **kwargs)
    if device.type == "meta":
        # Shape inference on meta tensors: autocast has no meta device; run in the variable
        # dtype (shapes do not depend on it).
        want = layer._variable_torch or compute
        if layer.autocast:
            args, kwargs = _cast(args, want), _cast(kwargs, want)
        return nn.Module._call_impl(layer, *args, **kwargs)
    mixed = layer._variable_torch is not compute
    if mixed and (
        layer.__dict__.get("_policy_upcast") or getattr(layer, "_computes_in_float32", False)
    ):
        return _cast(_call_in(layer, args, kwargs, layer._variable_torch, device), compute)
    if layer.autocast:
        args, kwargs = _cast(args, compute), _cast(kwargs, compute)
    if mixed:
        try:
            with torch.autocast(device.type, dtype=compute):
                out = nn.Module._call_impl(layer, *args, **kwargs)
        except RuntimeError as error:
            if "type" not in str(error):
                raise
            # An op that needs matching dtypes outside autocast's lists (a normalization's
            # hand-written statistics): compute in float32 and cast back, which is what Keras
            # does for its normalization layers. Decided once per layer.
            layer.__dict__["_policy_upcast"] = True
            return _cast(_call_in(layer, args, kwargs, layer._variable_torch, device), compute)
        # Keras reads each variable as a compute-dtype copy, so ops on them (``x * self.w``)
        # give compute-dtype results where autocast would promote to float32, and layers
        # that upcast internally return the compute dtype: outputs are cast, unless a
        # sublayer has another policy (a float32 last layer decides a model's output dtype).
        if _casts_outputs(layer):
            return _cast(out, compute)
        return out
    if torch.is_autocast_enabled(device.type):
        with torch.autocast(device.type, enabled=False):
            return nn.Module._call_impl(layer, *args, **kwargs)
    return nn.Module._call_impl(layer, *args, **kwargs)


def _call_in(layer: Any, args: tuple, kwargs: dict, dtype: torch.dtype, device: Any) -> Any:
    """``layer``'s call with floating inputs in ``dtype`` and autocast off."""
    args, kwargs = _cast(args, dtype), _cast(kwargs, dtype)
    with torch.autocast(device.type, enabled=False):
        return nn.Module._call_impl(layer, *args, **kwargs)


def _casts_outputs(layer: Any) -> bool:
    cached = layer.__dict__.get("_policy_casts_outputs")
    if cached is None:
        compute = layer._compute_torch
        cached = all(
            getattr(m, "_compute_torch", compute) is compute
            for m in layer.modules()
            if m is not layer
        )
        layer.__dict__["_policy_casts_outputs"] = cached
    return cached


def set_layer_policy(layer: Any, value: Any) -> None:
    """Give ``layer`` the policy ``value`` (None: the global one) and route its calls."""
    import functools

    from tkeras.mixed_precision.policy import _TORCH, get

    policy = get(value)
    object.__setattr__(layer, "_dtype_policy", policy)
    object.__setattr__(layer, "_compute_torch", _TORCH.get(policy.compute_dtype))
    object.__setattr__(layer, "_variable_torch", _TORCH.get(policy.variable_dtype))
    if needs_policy_call(policy):
        # An instance attribute shadows nn.Module._call_impl, which every call path of Layer
        # ends in: only layers with a policy pay for it.
        object.__setattr__(layer, "_call_impl", functools.partial(policy_call, layer))
    else:
        layer.__dict__.pop("_call_impl", None)
    layer.__dict__.pop("_policy_casts_outputs", None)
