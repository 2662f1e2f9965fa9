"""The step loop of SimpleRNN, LSTM and GRU, where torch's fused kernels can't give Keras's numbers.

Keras's cell math, one timestep at a time, on weights kept in torch's layout and gate order
(LSTM ``[i, f, g, o]``, GRU ``[r, z, n]``). The input projection of every timestep is computed
before the loop in one matmul (``project_inputs``); each step only adds the recurrent projection.
Masked steps repeat the previous output and keep the previous states, as Keras's ``backend.rnn``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch
import torch.nn.functional as F

Step = Callable[[torch.Tensor, tuple], tuple]


def project_inputs(
    x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None, mask: torch.Tensor | None
) -> torch.Tensor:
    """``x @ kernel + bias`` for every timestep: (batch, time, in) -> (batch, time, G*units).

    ``mask``: None, one (batch, in) dropout mask shared by every gate, or (G, batch, in): one mask
    per gate (Keras's ``implementation=1``), each reused at every timestep.
    """
    if mask is None:
        return F.linear(x, weight, bias)
    if mask.dim() == 2:
        return F.linear(x * mask.unsqueeze(1), weight, bias)
    gates = mask.shape[0]
    biases = bias.chunk(gates) if bias is not None else (None,) * gates
    return torch.cat(
        [F.linear(x * m.unsqueeze(1), w, b) for m, w, b in zip(mask, weight.chunk(gates), biases)],
        dim=-1,
    )


def recurrent_projection(
    weight: torch.Tensor, bias: torch.Tensor | None, mask: torch.Tensor | None
) -> Callable[[torch.Tensor], torch.Tensor]:
    """A function ``h -> h @ recurrent_kernel + bias`` with Keras's recurrent dropout.

    ``mask``: None, one (batch, units) mask, or (G, batch, units): one mask per gate block of
    ``weight`` (G*units_out, units_in), applied in one batched matmul.
    """
    if mask is None:
        return lambda h: F.linear(h, weight, bias)
    if mask.dim() == 2:
        return lambda h: F.linear(h * mask, weight, bias)
    gates = mask.shape[0]
    # (G*u_out, u_in) -> (G, u_in, u_out): one right-hand matrix per gate for bmm.
    per_gate = weight.view(gates, -1, weight.shape[1]).transpose(1, 2)

    def project(h: torch.Tensor) -> torch.Tensor:
        out = torch.bmm(h.unsqueeze(0) * mask, per_gate).transpose(0, 1).reshape(h.shape[0], -1)
        return out if bias is None else out + bias

    return project


def simple_rnn_step(recurrent, activation) -> Step:
    """Keras's SimpleRNNCell: ``h = activation(x W + b + h_prev U)``."""

    def step(x_t, states):
        h = activation(x_t + recurrent(states[0]))
        return h, (h,)

    return step


def lstm_step(recurrent, activation, recurrent_activation) -> Step:
    """Keras's LSTMCell with torch's gate order ``[i, f, g, o]`` (the same as Keras's)."""

    def step(x_t, states):
        h, c = states
        i, f, g, o = (x_t + recurrent(h)).chunk(4, 1)
        c = recurrent_activation(f) * c + recurrent_activation(i) * activation(g)
        h = recurrent_activation(o) * activation(c)
        return h, (h, c)

    return step


def gru_step(recurrent, activation, recurrent_activation) -> Step:
    """Keras's GRUCell with ``reset_after=True`` (torch's formula), torch gate order ``[r, z, n]``.

    ``recurrent`` includes the recurrent bias, so the reset gate multiplies ``h U_n + b_hn``.
    """

    def step(x_t, states):
        h = states[0]
        x_r, x_z, x_n = x_t.chunk(3, 1)
        h_r, h_z, h_n = recurrent(h).chunk(3, 1)
        r = recurrent_activation(x_r + h_r)
        z = recurrent_activation(x_z + h_z)
        n = activation(x_n + r * h_n)
        h = z * h + (1 - z) * n
        return h, (h,)

    return step


def gru_reset_before_step(
    recurrent_rz,
    weight_n: torch.Tensor,
    mask_n: torch.Tensor | None,
    activation,
    recurrent_activation,
) -> Step:
    """Keras's GRUCell with ``reset_after=False``: the reset gate scales ``h`` before ``U_n``.

    torch has no kernel for this variant. ``recurrent_rz`` projects ``h`` onto the r and z gates;
    ``mask_n`` is the recurrent dropout mask of the candidate gate (or None).
    """

    def step(x_t, states):
        h = states[0]
        x_r, x_z, x_n = x_t.chunk(3, 1)
        h_r, h_z = recurrent_rz(h).chunk(2, 1)
        r = recurrent_activation(x_r + h_r)
        z = recurrent_activation(x_z + h_z)
        h_in = h if mask_n is None else h * mask_n
        n = activation(x_n + F.linear(r * h_in, weight_n))
        h = z * h + (1 - z) * n
        return h, (h,)

    return step


def run(
    step: Step,
    inputs: Sequence[torch.Tensor],
    states: tuple,
    mask: torch.Tensor | None,
    zero_output_for_mask: bool,
    return_sequences: bool,
):
    """Run ``step`` over the per-timestep inputs; returns (last output, outputs or None, states).

    ``mask``: None or a bool (batch, time) tensor in processing order. A masked step keeps the
    previous states and outputs the previous output (zeros before the first step, or always zeros
    with ``zero_output_for_mask``), as Keras does. ``states`` is a flat tuple of tensors whose
    first axis is the batch; outputs and states may have any rank (``RNN`` runs any cell here).
    """
    outputs = [] if return_sequences else None
    out = None
    if mask is None:
        for x_t in inputs:
            out, states = step(x_t, states)
            if outputs is not None:
                outputs.append(out)
    else:
        zeros = None
        for x_t, keep in zip(inputs, mask.unsqueeze(-1).unbind(1)):
            new_out, new_states = step(x_t, states)
            if zeros is None:  # a cell's output size may differ from its state sizes
                zeros = out = torch.zeros_like(new_out)
            states = tuple(torch.where(_expand(keep, n), n, s) for n, s in zip(new_states, states))
            out = torch.where(
                _expand(keep, new_out), new_out, zeros if zero_output_for_mask else out
            )
            if outputs is not None:
                outputs.append(out)
    sequence = torch.stack(outputs, dim=1) if outputs is not None else None
    return out, sequence, states


def _expand(keep: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
    """The (batch, 1) step mask, viewed to broadcast against a (batch, ...) tensor."""
    return keep if like.dim() == 2 else keep.view(-1, *(1,) * (like.dim() - 1))
