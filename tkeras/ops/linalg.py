"""Linear-algebra ops of ``keras.ops`` (``keras.ops.linalg``): norm, det, inv, solve, ...

Matrix arguments may carry leading batch axes.
"""

from __future__ import annotations

import torch

from tkeras import config
from tkeras.ops._common import cast, result_type, to_tensor


def _matrix(name: str, x, square: bool = True) -> torch.Tensor:
    x = to_tensor(x)
    if x.dim() < 2:
        raise ValueError(
            f"{name}: expected x to have rank >= 2. Received: x.shape={tuple(x.shape)}"
        )
    if square and x.shape[-1] != x.shape[-2]:
        raise ValueError(f"{name}: expected a square matrix. Received: x.shape={tuple(x.shape)}")
    return x


def norm(x, ord=None, axis=None, keepdims=False):
    """The vector or matrix norm of ``x`` (``ord`` and ``axis`` as in numpy)."""
    x = to_tensor(x)
    dt = config.floatx() if x.dtype == torch.int64 else result_type(x.dtype, float)
    return torch.linalg.norm(cast(x, dt), ord=ord, dim=axis, keepdim=keepdims)


def det(x):
    """The determinant of square matrices."""
    return torch.linalg.det(_matrix("det", x))


def inv(x):
    """The inverse of square matrices."""
    return torch.linalg.inv(_matrix("inv", x))


def solve(a, b):
    """The solution ``x`` of ``a @ x = b``."""
    a = _matrix("solve", a)
    return torch.linalg.solve(a, to_tensor(b, device=a.device))


def solve_triangular(a, b, lower=False):
    """The solution ``x`` of ``a @ x = b`` for triangular ``a`` (``lower`` or upper)."""
    a = _matrix("solve_triangular", a)
    b = to_tensor(b, device=a.device)
    if b.dim() == a.dim() - 1:
        return torch.linalg.solve_triangular(a, b.unsqueeze(-1), upper=not lower).squeeze(-1)
    return torch.linalg.solve_triangular(a, b, upper=not lower)


def cholesky(x, upper=False):
    """The Cholesky factor of symmetric positive-definite matrices (lower unless ``upper``)."""
    return torch.linalg.cholesky(_matrix("cholesky", x), upper=upper)


def eigh(x):
    """The eigenvalues (ascending) and eigenvectors of symmetric matrices."""
    return torch.linalg.eigh(_matrix("eigh", x))


def qr(x, mode="reduced"):
    """The QR decomposition ``(q, r)`` (``mode``: ``'reduced'`` or ``'complete'``)."""
    if mode not in ("reduced", "complete"):
        raise ValueError(f"qr: mode must be one of 'reduced', 'complete'. Received: mode={mode!r}")
    return torch.linalg.qr(to_tensor(x), mode=mode)


def svd(x, full_matrices=True, compute_uv=True):
    """The singular value decomposition ``(u, s, vh)`` (just ``s`` if not ``compute_uv``)."""
    x = _matrix("svd", x, square=False)
    if not compute_uv:
        return torch.linalg.svdvals(x)
    return torch.linalg.svd(x, full_matrices=full_matrices)


def slogdet(x):
    """The sign and log of the absolute determinant, as ``(sign, logabsdet)``."""
    return tuple(torch.linalg.slogdet(to_tensor(x)))


def pinv(x, rcond=None):
    """The Moore-Penrose pseudo-inverse (singular values below ``rcond`` * max ignored)."""
    return torch.linalg.pinv(to_tensor(x), rtol=rcond)


# keras.ops.linalg holds these too (explicit re-exports).
from tkeras.ops.linalg_extra import cholesky_inverse as cholesky_inverse  # noqa: E402
from tkeras.ops.linalg_extra import eig as eig  # noqa: E402
from tkeras.ops.linalg_extra import jvp as jvp  # noqa: E402
from tkeras.ops.linalg_extra import lstsq as lstsq  # noqa: E402
from tkeras.ops.linalg_extra import lu_factor as lu_factor  # noqa: E402
from tkeras.ops.linalg_extra import matrix_rank as matrix_rank  # noqa: E402
