"""examples/transfer_learning.py (Keras's transfer-learning recipe) runs offline end to end."""

import importlib.util
import pathlib

EXAMPLE = pathlib.Path(__file__).resolve().parents[2] / "examples" / "transfer_learning.py"


def test_transfer_learning_example_runs_offline(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))  # nothing may come from a cache
    spec = importlib.util.spec_from_file_location("transfer_learning", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    data = module.make_images(str(tmp_path / "images"), per_class=4, size=40)
    history = module.main(["--data", data, "--epochs", "1", "--image-size", "32"])
    for phase in ("head", "fine_tune"):
        assert sorted(history[phase]) == ["accuracy", "loss", "val_accuracy", "val_loss"]
        assert len(history[phase]["loss"]) == 1
