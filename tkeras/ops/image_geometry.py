"""Geometric transforms of ``keras.ops.image``: affine, perspective and elastic transforms, and
``map_coordinates``, with Keras's fill modes (``image_sampling``)."""

from __future__ import annotations

import functools
import itertools
import operator

import torch

from tkeras.ops._common import to_tensor
from tkeras.ops.image_common import data_format_of, images_of
from tkeras.ops.image_filters import gaussian_blur
from tkeras.ops.image_sampling import INTERPOLATIONS, OP_FILL_MODES, affine_coordinates, sample

_ORDER = {"nearest": 0, "bilinear": 1}


def _check(name: str, interpolation: str, fill_mode: str = "constant") -> None:
    if interpolation not in INTERPOLATIONS:
        raise ValueError(
            f"{name}: invalid value for argument `interpolation`. Expected one of "
            f"{INTERPOLATIONS}. Received: interpolation={interpolation!r}"
        )
    if fill_mode not in OP_FILL_MODES:
        raise ValueError(
            f"{name}: invalid value for argument `fill_mode`. Expected one of {OP_FILL_MODES}. "
            f"Received: fill_mode={fill_mode!r}"
        )


def _resample(name, images, fmt, coordinates, interpolation, fill_mode, fill_value):
    """Images (3D or 4D, ``fmt``) read at the coordinates ``coordinates(height, width, dtype)``
    gives: (x_in, y_in), each (N, H, W). Integer images are rounded back, as Keras does."""
    x = images_of(name, images)
    single = x.dim() == 3
    nchw = x.unsqueeze(0) if single else x
    if fmt == "channels_last":
        nchw = nchw.permute(0, 3, 1, 2)
    work = nchw if nchw.dtype in (torch.float32, torch.float64) else nchw.to(torch.float32)
    x_in, y_in = coordinates(*work.shape[-2:], work.dtype)
    out = sample(work, x_in, y_in, interpolation, fill_mode, fill_value)
    if fmt == "channels_last":
        out = out.permute(0, 2, 3, 1)
    if single:
        out = out.squeeze(0)
    if not x.dtype.is_floating_point:
        out = torch.round(out)
    return out.to(x.dtype)


def affine_transform(
    images,
    transform,
    interpolation="bilinear",
    fill_mode="constant",
    fill_value=0,
    data_format=None,
):
    """Images transformed by Keras's affine transforms ``[a0, a1, a2, b0, b1, b2, c0, c1]``.

    Output pixel (x, y) reads the input at ``((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k)``
    with ``k = c0 x + c1 y + 1``. ``transform`` is one (8,) transform or a batch (N, 8).
    ``fill_mode``: ``'constant'`` (``fill_value``), ``'nearest'``, ``'wrap'``, ``'mirror'`` or
    ``'reflect'``; ``interpolation``: ``'bilinear'`` or ``'nearest'``.

    Differences from Keras: Keras's torch backend ignores ``c0, c1`` (it applies them to the
    channel index); tkeras divides by ``k`` as Keras documents. The transform is not modified
    (Keras's torch backend rewrites it in place).

    Example:
        >>> shift = [1.0, 0, -1.0, 0, 1.0, 0, 0, 0]  # each row shifted one pixel right
        >>> tkeras.ops.image.affine_transform(np.arange(3.0).reshape(1, 3, 1), shift)[0, :, 0]
        tensor([0., 0., 1.])
    """
    _check("affine_transform", interpolation, fill_mode)
    fmt = data_format_of("affine_transform", data_format)
    matrix = to_tensor(transform)
    if matrix.dim() not in (1, 2):
        raise ValueError(
            "affine_transform: invalid transform rank: expected rank 1 (single transform) or "
            f"rank 2 (batch of transforms). Received: transform.shape={tuple(matrix.shape)}"
        )
    matrix = matrix.unsqueeze(0) if matrix.dim() == 1 else matrix

    def coordinates(height, width, dtype):
        x_in, y_in = affine_coordinates(matrix, height, width, dtype)
        if matrix.shape[-1] > 6:
            c0, c1 = matrix.to(dtype)[:, 6:8, None, None].unbind(1)
            xs = torch.arange(width, dtype=dtype, device=matrix.device)
            ys = torch.arange(height, dtype=dtype, device=matrix.device)[:, None]
            k = c0 * xs + c1 * ys + 1
            x_in, y_in = x_in / k, y_in / k
        return x_in, y_in

    return _resample(
        "affine_transform", images, fmt, coordinates, interpolation, fill_mode, fill_value
    )


def _homography(start: torch.Tensor, end: torch.Tensor) -> torch.Tensor:
    """The (N, 8) perspective transforms mapping ``end`` corners onto ``start`` corners."""
    rows, target = [], []
    for i in range(4):
        ex, ey = end[:, i, 0], end[:, i, 1]
        sx, sy = start[:, i, 0], start[:, i, 1]
        one, zero = torch.ones_like(ex), torch.zeros_like(ex)
        rows.append(torch.stack([ex, ey, one, zero, zero, zero, -sx * ex, -sx * ey], -1))
        rows.append(torch.stack([zero, zero, zero, ex, ey, one, -sy * ex, -sy * ey], -1))
        target += [sx, sy]
    system = torch.stack(rows, dim=1)
    solve_dtype = torch.promote_types(system.dtype, torch.float32)
    solution = torch.linalg.solve(
        system.to(solve_dtype), torch.stack(target, -1).unsqueeze(-1).to(solve_dtype)
    )
    return solution.reshape(-1, 8).to(start.dtype)


def _points(name: str, value, dtype) -> torch.Tensor:
    points = to_tensor(value).to(dtype)
    if tuple(points.shape[-2:]) != (4, 2) or points.dim() not in (2, 3):
        raise ValueError(
            f"perspective_transform: invalid {name} shape: expected (4, 2) for a single image or "
            f"(N, 4, 2) for a batch. Received: {name}.shape={tuple(points.shape)}"
        )
    return points.unsqueeze(0) if points.dim() == 2 else points


def perspective_transform(
    images, start_points, end_points, interpolation="bilinear", fill_value=0, data_format=None
):
    """Images warped so that the 4 ``start_points`` (x, y) move to the ``end_points``.

    Points are (4, 2) or a batch (N, 4, 2), in pixel units; the area brought in from outside
    the image reads ``fill_value``.
    """
    _check("perspective_transform", interpolation)
    fmt = data_format_of("perspective_transform", data_format)
    x = images_of("perspective_transform", images)
    dtype = x.dtype if x.dtype.is_floating_point else torch.float32
    start = _points("start_points", start_points, dtype)
    end = _points("end_points", end_points, dtype)
    if start.shape != end.shape:
        raise ValueError(
            "perspective_transform: start_points and end_points must have the same shape. "
            f"Received: start_points.shape={tuple(start.shape)}, "
            f"end_points.shape={tuple(end.shape)}"
        )
    return affine_transform(x, _homography(start, end), interpolation, "constant", fill_value, fmt)


def displacement(shape, alpha, sigma, generator, dtype, device):
    """Keras's elastic displacement fields (dx, dy), each ``shape`` = (N, H, W): normal noise
    times ``sigma``, blurred by a Gaussian of standard deviation ``sigma`` (kernel
    ``int(6 sigma) | 1``, zero padded), times ``alpha``. dx is drawn first, as in Keras."""
    size = int(6 * sigma) | 1
    fields = []
    for _ in range(2):
        noise = torch.normal(0.0, 1.0, size=shape, generator=generator, dtype=dtype, device=device)
        blurred = gaussian_blur(
            (noise * sigma).unsqueeze(1), (size, size), (sigma, sigma), "channels_first"
        )
        fields.append(alpha * blurred[:, 0])
    return fields


def elastic_transform(
    images,
    alpha=20.0,
    sigma=5.0,
    interpolation="bilinear",
    fill_mode="reflect",
    fill_value=0.0,
    seed=None,
    data_format=None,
):
    """Images distorted by a random smooth displacement field (elastic deformation).

    Per image, two fields of normal noise times ``sigma`` are blurred by a Gaussian of standard
    deviation ``sigma`` (kernel ``int(6 sigma) | 1``, zero padded), scaled by ``alpha`` and added
    to the pixel coordinates (x, then y); the images are read there with ``fill_mode``.

    Differences from Keras: Keras's torch backend draws from torch's global generator whatever
    the seed; tkeras does too with ``seed=None`` (so ``torch.manual_seed`` gives Keras's
    numbers), and an int or ``SeedGenerator`` seed draws from a generator seeded with it.
    """
    from tkeras.random.random import _generator

    _check("elastic_transform", interpolation, fill_mode)
    fmt = data_format_of("elastic_transform", data_format)
    x = images_of("elastic_transform", images)
    dtype = x.dtype if x.dtype.is_floating_point else torch.float32
    batch = 1 if x.dim() == 3 else x.shape[0]
    height, width = (x.shape[-3], x.shape[-2]) if fmt == "channels_last" else x.shape[-2:]
    generator = None if seed is None else _generator(seed, x.device)
    dx, dy = displacement(
        (batch, height, width), float(alpha), float(sigma), generator, dtype, x.device
    )

    def coordinates(h, w, work_dtype):
        xs = torch.arange(w, dtype=work_dtype, device=x.device)
        ys = torch.arange(h, dtype=work_dtype, device=x.device)[:, None]
        return xs + dx.to(work_dtype), ys + dy.to(work_dtype)

    return _resample("elastic_transform", x, fmt, coordinates, interpolation, fill_mode, fill_value)


def _index_fixers():
    def mirror(index, size):
        s = size - 1
        return torch.abs((index + s) % (2 * s) - s) if s > 0 else torch.zeros_like(index)

    return {
        "constant": lambda index, size: torch.clip(index, 0, size - 1),
        "nearest": lambda index, size: torch.clip(index, 0, size - 1),
        "wrap": lambda index, size: index % size,
        "mirror": mirror,
        "reflect": lambda index, size: torch.floor_divide(
            mirror(2 * index + 1, 2 * size + 1) - 1, 2
        ),
    }


def _corners(coordinate: torch.Tensor, order: int) -> list:
    """(index, weight) pairs of one axis for interpolation of ``order`` 0 or 1."""
    if order == 0:
        rounded = coordinate if not coordinate.is_floating_point() else torch.round(coordinate)
        return [(rounded.to(torch.int64), 1)]
    lower = torch.floor(coordinate)
    upper_weight = coordinate - lower
    index = lower.to(torch.int64)
    return [(index, 1 - upper_weight), (index + 1, upper_weight)]


def map_coordinates(inputs, coordinates, order, fill_mode="constant", fill_value=0):
    """The values of ``inputs`` at fractional ``coordinates`` (one array per input axis).

    ``order`` 0 is nearest, 1 linear interpolation; indices outside the input follow
    ``fill_mode`` (``'constant'`` reads ``fill_value``). Integer inputs are rounded back.

    Example:
        >>> tkeras.ops.image.map_coordinates(np.array([0.0, 10.0]), [np.array([0.25])], 1)
        tensor([2.5000])
    """
    x = to_tensor(inputs)
    coords = [to_tensor(c, device=x.device) for c in coordinates]
    if len(coords) != x.dim():
        raise ValueError(
            "map_coordinates: the first dim of `coordinates` must be the rank of `inputs`. "
            f"Received: inputs.shape={tuple(x.shape)} and {len(coords)} coordinate arrays"
        )
    if coords[0].dim() < 1:
        raise ValueError(
            "map_coordinates: invalid coordinates rank: expected at least rank 2. Received: "
            f"coordinates.shape={(len(coords), *coords[0].shape)}"
        )
    fixers = _index_fixers()
    if fill_mode not in fixers:
        raise ValueError(
            f"map_coordinates: invalid value for argument `fill_mode`. Expected one of "
            f"{OP_FILL_MODES}. Received: fill_mode={fill_mode!r}"
        )
    if order not in (0, 1):
        raise NotImplementedError(
            f"map_coordinates: only order 0 and 1 are supported. Received: order={order!r}"
        )
    axes = []
    for coordinate, size in zip(coords, x.shape):
        nodes = []
        for index, weight in _corners(coordinate, order):
            valid = (index >= 0) & (index < size) if fill_mode == "constant" else None
            nodes.append((fixers[fill_mode](index, size), valid, weight))
        axes.append(nodes)
    total = 0
    for items in itertools.product(*axes):
        indices, validities, weights = zip(*items)
        value = x[indices]
        if fill_mode == "constant":
            value = torch.where(functools.reduce(operator.and_, validities), value, fill_value)
        total = total + functools.reduce(operator.mul, weights) * value
    if not x.dtype.is_floating_point and torch.is_tensor(total) and total.is_floating_point():
        total = torch.round(total)
    return torch.as_tensor(total).to(x.dtype)
