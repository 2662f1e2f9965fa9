"""tkeras.distribution: Keras's device/mesh/layout objects and DataParallel in one process
(the multi-process run is in tests/test_distribute.py)."""

from __future__ import annotations

import threading

import pytest

import tkeras
from tkeras import distribution as D


def test_list_devices_one_process_and_under_a_launch(monkeypatch):
    assert D.list_devices("cpu") == ["cpu:0"]
    assert D.get_device_count("cpu") == 1
    monkeypatch.setenv("WORLD_SIZE", "2")  # torchrun's environment: one device per process
    assert D.list_devices("cpu") == ["cpu:0", "cpu:1"]
    assert D.get_device_count("gpu") == 2
    with pytest.raises(ValueError, match=r"`device_type` must be one of .* device_type='npu'"):
        D.list_devices("npu")
    with pytest.raises(ValueError, match="no TPUs"):
        D.list_devices("tpu")


def test_device_mesh_and_layout_match_keras():
    import keras

    for lib in (D, keras.distribution):
        mesh = lib.DeviceMesh((2, 1), ["batch", "model"], devices=["cpu:0", "cpu:1"])
        assert mesh.shape == (2, 1) and mesh.devices.tolist() == [["cpu:0"], ["cpu:1"]]
        assert repr(mesh) == "<DeviceMesh shape=(2, 1), axis_names=['batch', 'model']>"
        with pytest.raises(ValueError, match="Shape and axis_names should have same size"):
            lib.DeviceMesh((2,), ["a", "b"], devices=["cpu:0", "cpu:1"])
        with pytest.raises(ValueError, match="Shape does not match the number of devices"):
            lib.DeviceMesh((3,), ["batch"], devices=["cpu:0", "cpu:1"])
        with pytest.raises(ValueError, match="Invalid axis names for Layout"):
            lib.TensorLayout(["batch", "x"], mesh)
        layout = lib.TensorLayout([None, "model"], mesh)
        assert layout.axes == (None, "model") and layout.device_mesh is mesh


def test_data_parallel_in_one_process_matches_keras():
    import keras

    ours = D.DataParallel(devices=["cpu:0"])
    theirs = keras.distribution.DataParallel(devices=["cpu:0"])
    for dp in (ours, theirs):
        assert dp.num_model_replicas == 1 and dp.batch_dim_name == "batch"
        assert dp.get_data_layout((8, 3)).axes == ("batch", None)
        assert dp.get_tensor_layout("dense/kernel") is None
    kernel = tkeras.layers.Dense(2)
    kernel.build((None, 3))
    assert ours.get_variable_layout(kernel.kernel).axes == (None, None)
    assert D.DataParallel().device_mesh.devices.size == tkeras.distribution.get_device_count()


def test_data_parallel_errors():
    with pytest.raises(ValueError, match=r"DataParallel over 2 devices .* 1 process.*torchrun"):
        D.DataParallel(devices=["cpu:0", "cpu:1"])
    with pytest.raises(NotImplementedError, match="auto_shard_dataset=False"):
        D.DataParallel(devices=["cpu:0"], auto_shard_dataset=False)
    with pytest.raises(ValueError, match="Expect `mesh` to be an instance of `DeviceMesh`"):
        D.DataParallel(device_mesh="mesh")
    with pytest.raises(ValueError, match="set_distribution.* takes .*DataParallel"):
        D.set_distribution("data_parallel")


def test_set_distribution_scope_and_threads():
    dp = D.DataParallel(devices=["cpu:0"])
    assert D.distribution() is None
    with dp.scope():
        assert D.distribution() is dp
        seen = []
        thread = threading.Thread(target=lambda: seen.append(D.distribution()))
        thread.start()
        thread.join()
        assert seen == [None]  # per thread, as Keras's global_state
    assert D.distribution() is None
    D.set_distribution(dp)
    try:
        assert D.distribution() is dp
    finally:
        D.set_distribution(None)


def test_initialize(monkeypatch):
    for key in ("WORLD_SIZE", "RANK", "KERAS_DISTRIBUTION_JOB_ADDRESSES"):
        monkeypatch.delenv(key, raising=False)
    D.initialize()  # one process, no launch: nothing to join
    with pytest.raises(ValueError, match=r"needs `job_addresses`, `num_processes` and `proc"):
        D.initialize(job_addresses="10.0.0.1:1234", num_processes=2)
    with pytest.raises(ValueError, match=r"`process_id` must be in \[0, num_processes\)"):
        D.initialize("10.0.0.1:1234", num_processes=2, process_id=2)
    with pytest.raises(ValueError, match="comma-separated 'host:port'"):
        D.initialize("10.0.0.1", num_processes=2, process_id=0)
