"""The newer ``keras.ops.linalg`` ops: eig, lstsq, lu_factor, matrix_rank, cholesky_inverse,
and forward-mode ``jvp``."""

from __future__ import annotations

import torch

from tkeras.ops._common import to_tensor
from tkeras.ops.linalg import _matrix


def cholesky_inverse(x, upper=False):
    """The inverse of ``A`` from its Cholesky factor ``x`` (lower, or upper if ``upper``)."""
    return torch.cholesky_inverse(_matrix("cholesky_inverse", x), upper=upper)


def eig(x):
    """Eigenvalues and right eigenvectors of a general square matrix (complex results)."""
    return torch.linalg.eig(_matrix("eig", x))


def lu_factor(x):
    """The packed LU factorization and 0-based pivots of a square matrix."""
    lu, pivots = torch.linalg.lu_factor(_matrix("lu_factor", x))
    return lu, pivots - 1


def lstsq(a, b, rcond=None):
    """The least-squares solution ``x`` of ``a @ x = b``; ``rcond`` cuts small singular
    values (the SVD-based driver on CPU, the pseudo-inverse on CUDA, as Keras)."""
    a = _matrix("lstsq", a, square=False)
    b = to_tensor(b, device=a.device)
    if rcond is None:
        return torch.linalg.lstsq(a, b).solution
    if a.device.type == "cuda":
        return torch.linalg.pinv(a, rtol=rcond) @ b
    return torch.linalg.lstsq(a, b, rcond=rcond, driver="gelsd").solution


def matrix_rank(x, tol=None):
    """The rank of a matrix (singular values above ``tol``), as int32."""
    return torch.linalg.matrix_rank(_matrix("matrix_rank", x, False), atol=tol).to(torch.int32)


def jvp(fun, primals, tangents, has_aux=False):
    """Forward-mode Jacobian-vector product: ``(fun(*primals), J @ tangents)`` (plus aux).

    Example:
        >>> tkeras.ops.jvp(torch.sin, (torch.zeros(2),), (torch.ones(2),))
        (tensor([0., 0.]), tensor([1., 1.]))
    """
    return torch.func.jvp(fun, tuple(primals), tuple(tangents), has_aux=has_aux)
