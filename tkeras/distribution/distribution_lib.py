"""``keras.distribution`` on torch: devices, meshes, layouts and data parallelism.

Data parallelism on torch is one process per device (``torchrun``); ``DataParallel`` is
therefore a mesh with one device per process, and ``fit``/``evaluate``/``predict`` run the
mechanism of ``tkeras.distribute`` (gradient buckets, sharded batches, rank-0 callbacks).
"""

from __future__ import annotations

import contextlib
import math
import os
import warnings
from collections.abc import Iterator
from typing import Any

import numpy as np
import torch

from tkeras.backend.global_state import get_global_attribute, set_global_attribute
from tkeras.distribute.process_group import ensure_process_group, rank, world_size

DEFAULT_BATCH_DIM_NAME = "batch"
_ATTRIBUTE = "distribution"
_DEVICE_TYPES = ("cpu", "gpu", "tpu")


def _local_type() -> str:
    from tkeras import config

    kind = config.device().type
    return "gpu" if kind in ("cuda", "mps") else "cpu"


def list_devices(device_type: str | None = None) -> list[str]:
    """The devices of the whole run, as ``"gpu:0"``, ``"gpu:1"``, ... or ``"cpu:0"``.

    Under torchrun each process drives one device, so the list has one entry per process
    (``WORLD_SIZE`` of them); in one process it is every local GPU (CUDA, or the MPS device),
    else the CPU.

    Args:
        device_type: ``"cpu"`` or ``"gpu"``; defaults to ``"gpu"`` when one is available.

    Example:
        >>> import tkeras
        >>> tkeras.distribution.list_devices("cpu")
        ['cpu:0']
    """
    if device_type is not None and device_type.lower() not in _DEVICE_TYPES:
        raise ValueError(
            f"`device_type` must be one of 'cpu', 'gpu' or 'tpu'. Received: "
            f"device_type={device_type!r}"
        )
    kind = (device_type or _local_type()).lower()
    if kind == "tpu":
        raise ValueError("list_devices: there are no TPUs on the torch backend.")
    processes = world_size()
    if processes > 1:
        return [f"{kind}:{i}" for i in range(processes)]
    if kind == "gpu":
        if torch.cuda.is_available():
            return [f"gpu:{i}" for i in range(torch.cuda.device_count())]
        mps = getattr(torch.backends, "mps", None)
        return ["gpu:0"] if mps is not None and mps.is_available() else []
    return ["cpu:0"]


def get_device_count(device_type: str | None = None) -> int:
    """The number of devices ``list_devices(device_type)`` returns."""
    return len(list_devices(device_type))


def initialize(
    job_addresses: str | None = None,
    num_processes: int | None = None,
    process_id: int | None = None,
) -> None:
    """Join the processes of a multi-process run (``torch.distributed``'s process group).

    Under ``torchrun`` nothing needs passing: the group is read from its environment. Else
    pass the addresses (``"10.0.0.1:1234,10.0.0.2:2345"``: the first is the coordinator's),
    the process count and this process's id, or set ``KERAS_DISTRIBUTION_JOB_ADDRESSES``,
    ``KERAS_DISTRIBUTION_NUM_PROCESSES`` and ``KERAS_DISTRIBUTION_PROCESS_ID``, as in Keras.
    NCCL is used when tkeras's device is CUDA, Gloo otherwise. In a single process without
    any of these, it does nothing.

    Args:
        job_addresses: comma-separated ``host:port`` of every process (or only process 0's).
        num_processes: the number of processes.
        process_id: this process's id, from 0 (the coordinator) to ``num_processes - 1``.
    """
    env = os.environ
    if job_addresses is None:
        job_addresses = env.get("KERAS_DISTRIBUTION_JOB_ADDRESSES")
    if num_processes is None and "KERAS_DISTRIBUTION_NUM_PROCESSES" in env:
        num_processes = int(env["KERAS_DISTRIBUTION_NUM_PROCESSES"])
    if process_id is None and "KERAS_DISTRIBUTION_PROCESS_ID" in env:
        process_id = int(env["KERAS_DISTRIBUTION_PROCESS_ID"])
    given = (job_addresses, num_processes, process_id)
    if any(v is not None for v in given):
        if any(v is None for v in given):
            raise ValueError(
                "initialize() needs `job_addresses`, `num_processes` and `process_id` together "
                f"(or torchrun's environment). Received: job_addresses={job_addresses!r}, "
                f"num_processes={num_processes!r}, process_id={process_id!r}"
            )
        if not 0 <= process_id < num_processes:
            raise ValueError(
                f"initialize(): `process_id` must be in [0, num_processes). Received: "
                f"process_id={process_id}, num_processes={num_processes}"
            )
        host, _, port = job_addresses.split(",")[0].strip().rpartition(":")
        if not host or not port.isdigit():
            raise ValueError(
                "initialize(): `job_addresses` must be comma-separated 'host:port' entries. "
                f"Received: job_addresses={job_addresses!r}"
            )
        env.update(
            MASTER_ADDR=host, MASTER_PORT=port, WORLD_SIZE=str(num_processes),
            RANK=str(process_id),
        )  # fmt: skip
    if world_size() > 1:
        from tkeras import config

        ensure_process_group(config.device())


class DeviceMesh:
    """A grid of devices with named axes (as ``jax.sharding.Mesh``).

    Args:
        shape: the mesh's shape, e.g. ``(8,)`` for data parallelism.
        axis_names: one name per axis, e.g. ``["batch"]``.
        devices: the devices (default: ``list_devices()``).

    Example:
        >>> import tkeras
        >>> tkeras.distribution.DeviceMesh((1,), ["batch"], devices=["cpu:0"])
        <DeviceMesh shape=(1,), axis_names=['batch']>
    """

    def __init__(self, shape: Any, axis_names: Any, devices: Any = None) -> None:
        if not shape or not axis_names:
            raise ValueError(
                f"Shape and axis_names cannot be empty. Received: shape={shape}, "
                f"axis_names={axis_names}"
            )
        if len(shape) != len(axis_names):
            raise ValueError(
                f"Shape and axis_names should have same size. Received: shape={shape}, "
                f"axis_names={axis_names}"
            )
        devices = np.array(list_devices() if devices is None else devices)
        if math.prod(shape) != devices.size:
            raise ValueError(
                f"Shape does not match the number of devices. Received: shape={shape}; "
                f"devices.shape={devices.shape}"
            )
        self._shape = shape
        self._axis_names = axis_names
        self._devices = np.reshape(devices, shape)

    @property
    def shape(self) -> Any:
        return self._shape

    @property
    def axis_names(self) -> Any:
        return self._axis_names

    @property
    def devices(self) -> np.ndarray:
        return self._devices

    def __repr__(self) -> str:
        return f"<{type(self).__name__} shape={self.shape}, axis_names={self.axis_names}>"


class TensorLayout:
    """How a tensor's axes map onto a ``DeviceMesh``'s axes (None: not sharded).

    Args:
        axes: one mesh axis name (or None) per tensor axis.
        device_mesh: the mesh (may be set later).
    """

    def __init__(self, axes: Any, device_mesh: DeviceMesh | None = None) -> None:
        self._axes = tuple(axes)
        self._device_mesh = None
        self.device_mesh = device_mesh

    @property
    def axes(self) -> tuple:
        return self._axes

    @property
    def device_mesh(self) -> DeviceMesh | None:
        return self._device_mesh

    @device_mesh.setter
    def device_mesh(self, device_mesh: DeviceMesh | None) -> None:
        if self._device_mesh is not None:
            raise ValueError(
                f"Cannot override device mesh value. Existing value is {self._device_mesh}"
            )
        self._device_mesh = device_mesh
        if device_mesh is not None:
            unknown = [a for a in self._axes if a is not None and a not in device_mesh.axis_names]
            if unknown:
                raise ValueError(
                    f"Invalid axis names for Layout. Valid axis names: "
                    f"{device_mesh.axis_names}, Got {self._axes}"
                )

    def __repr__(self) -> str:
        return f"<{type(self).__name__} axes={self.axes}, device_mesh={self.device_mesh}>"


class DataParallel:
    """Data parallelism: the model replicated on every device, each batch split over them.

    On torch this is one process per device, started with ``torchrun`` (see
    ``docs/scale.md``): the mesh must hold one device per process. ``fit``, ``evaluate`` and
    ``predict`` then shard every global batch over the processes and average the gradients;
    a script that never calls ``set_distribution`` gets the same under torchrun.

    Args:
        device_mesh: a 1-D ``DeviceMesh`` (its first axis is the batch axis).
        devices: the devices, instead of a mesh.
        auto_shard_dataset: must be True (each process takes its rows of every global
            batch); pre-sharded per-process data is not supported.

    Example:
        >>> import tkeras
        >>> tkeras.distribution.set_distribution(tkeras.distribution.DataParallel())
        >>> tkeras.distribution.distribution().num_model_replicas
        1
        >>> tkeras.distribution.set_distribution(None)

    Differences from Keras: one process drives one device, so a mesh with more devices than
    processes raises (Keras on JAX drives every local device from one process).
    """

    def __init__(
        self,
        device_mesh: DeviceMesh | None = None,
        devices: Any = None,
        auto_shard_dataset: bool = True,
    ) -> None:
        if not auto_shard_dataset:
            raise NotImplementedError(
                "DataParallel(auto_shard_dataset=False) is not supported: every process loads "
                "the same data and takes its rows of each global batch. Pass "
                "auto_shard_dataset=True."
            )
        if device_mesh:
            if not isinstance(device_mesh, DeviceMesh):
                raise ValueError(
                    f"Expect `mesh` to be an instance of `DeviceMesh`. Received: "
                    f"mesh={device_mesh} (of type {type(device_mesh)})"
                )
            if device_mesh.devices.ndim != 1:
                warnings.warn(
                    f"Expect the input mesh to be 1D, but received mesh.devices.ndim="
                    f"{device_mesh.devices.ndim}. The first axis will be used for "
                    "data-parallel sharding.",
                    stacklevel=2,
                )
            batch_dim_name = device_mesh.axis_names[0]
        else:
            devices = np.array(list_devices() if not devices else devices)
            device_mesh = DeviceMesh(devices.shape, [DEFAULT_BATCH_DIM_NAME], devices)
            batch_dim_name = DEFAULT_BATCH_DIM_NAME
        replicas = device_mesh.devices.shape[0]
        if replicas != world_size():
            raise ValueError(
                f"DataParallel over {replicas} devices ({list(device_mesh.devices.flat)}) but "
                f"this run has {world_size()} process(es): on torch each process drives one "
                f"device. Launch `torchrun --nproc_per_node={replicas} script.py`."
            )
        self._device_mesh = device_mesh
        self._batch_dim_name = batch_dim_name
        self._auto_shard_dataset = True
        self._num_processes = world_size()
        self._process_id = rank()

    @property
    def device_mesh(self) -> DeviceMesh:
        return self._device_mesh

    @property
    def batch_dim_name(self) -> str:
        return self._batch_dim_name

    @property
    def auto_shard_dataset(self) -> bool:
        return self._auto_shard_dataset

    @property
    def num_processes(self) -> int:
        """The number of processes of the run."""
        return self._num_processes

    @property
    def num_model_replicas(self) -> int:
        return int(self.device_mesh.devices.shape[0])

    @property
    def data_shard_id(self) -> int:
        """This process's shard of each batch (its rank)."""
        return self._process_id

    def get_data_layout(self, data_shape: Any) -> TensorLayout:
        """Batches are split along their first axis."""
        axes = [None] * len(data_shape)
        axes[0] = self.batch_dim_name
        return TensorLayout(axes, self.device_mesh)

    def get_variable_layout(self, variable: Any) -> TensorLayout:
        """Variables are replicated."""
        layout = getattr(variable, "_layout", None)
        if isinstance(layout, TensorLayout):
            return layout
        return TensorLayout([None] * len(variable.shape), self.device_mesh)

    def get_tensor_layout(self, path: str) -> None:
        """Intermediate tensors keep their layout."""
        return None

    @contextlib.contextmanager
    def scope(self) -> Iterator[None]:
        """Make this the distribution inside a ``with`` block."""
        previous = distribution()
        set_distribution(self)
        try:
            yield
        finally:
            set_distribution(previous)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} device_mesh={self.device_mesh}>"


def distribution() -> DataParallel | None:
    """The current distribution (``set_distribution``'s), or None."""
    return get_global_attribute(_ATTRIBUTE)


def set_distribution(value: DataParallel | None) -> None:
    """Set the current distribution (per thread, as Keras keeps it).

    Args:
        value: a ``DataParallel``, or None for none.
    """
    if value is not None and not isinstance(value, DataParallel):
        raise ValueError(
            "set_distribution() takes a tkeras.distribution.DataParallel or None (ModelParallel "
            f"is not available on tkeras). Received: {value!r}"
        )
    set_global_attribute(_ATTRIBUTE, value)
