"""Port: "Writing a training loop from scratch in PyTorch" (fchollet, keras.io guide).

Source: https://keras.io/guides/writing_a_custom_training_loop_in_torch/ (keras-team/keras-io,
guides/writing_a_custom_training_loop_in_torch.py). Unchanged loops: a torch optimizer and
torch loss on `model.parameters()`; a Keras optimizer fed `[v.value.grad for v in
trainable_weights]` through `optimizer.apply` under `torch.no_grad()`; metrics updated by hand;
`model.losses` from an `add_loss` layer. MNIST replaced by 192 synthetic 784-feature samples
whose class is the argmax of their first 10 features; 3 epochs. The loops shuffle with torch
DataLoaders, so the run is checked on its own (losses fall, metrics are accuracies) rather than
against Keras's.
"""

from __future__ import annotations

import numpy as np
import torch

from tests.ports.harness import run_tkeras


def program(keras):
    def get_model():
        inputs = keras.Input(shape=(784,), name="digits")
        x1 = keras.layers.Dense(64, activation="relu")(inputs)
        x2 = keras.layers.Dense(64, activation="relu")(x1)
        outputs = keras.layers.Dense(10, name="predictions")(x2)
        model = keras.Model(inputs=inputs, outputs=outputs)
        return model

    batch_size = 32
    x_all = np.random.normal(size=(224, 784)).astype("float32")
    y_all = np.argmax(x_all[:, :10], axis=-1)
    (x_train, y_train), (x_test, y_test) = (x_all[:192], y_all[:192]), (x_all[192:], y_all[192:])
    x_train = np.reshape(x_train, (-1, 784)).astype("float32")
    x_test = np.reshape(x_test, (-1, 784)).astype("float32")
    y_train = keras.utils.to_categorical(y_train)
    y_test = keras.utils.to_categorical(y_test)
    x_val = x_train[-64:]
    y_val = y_train[-64:]
    x_train = x_train[:-64]
    y_train = y_train[:-64]
    train_dataset = torch.utils.data.TensorDataset(
        torch.from_numpy(x_train), torch.from_numpy(y_train)
    )
    val_dataset = torch.utils.data.TensorDataset(torch.from_numpy(x_val), torch.from_numpy(y_val))
    train_dataloader = torch.utils.data.DataLoader(
        train_dataset, batch_size=batch_size, shuffle=True
    )
    val_dataloader = torch.utils.data.DataLoader(val_dataset, batch_size=batch_size, shuffle=False)

    log = {"torch_loop": [], "keras_loop": [], "metrics_loop": [], "val_acc": [], "losses_loop": []}
    model = get_model()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    epochs = 3
    for epoch in range(epochs):
        for step, (inputs, targets) in enumerate(train_dataloader):
            logits = model(inputs)
            loss = loss_fn(logits, targets)
            model.zero_grad()
            loss.backward()
            optimizer.step()
            log["torch_loop"].append(float(loss.detach().numpy()))

    model = get_model()
    optimizer = keras.optimizers.Adam(learning_rate=1e-3)
    loss_fn = keras.losses.CategoricalCrossentropy(from_logits=True)
    for epoch in range(epochs):
        for step, (inputs, targets) in enumerate(train_dataloader):
            logits = model(inputs)
            loss = loss_fn(targets, logits)
            model.zero_grad()
            trainable_weights = [v for v in model.trainable_weights]
            loss.backward()
            gradients = [v.value.grad for v in trainable_weights]
            with torch.no_grad():
                optimizer.apply(gradients, trainable_weights)
            log["keras_loop"].append(float(loss.detach().numpy()))

    model = get_model()
    optimizer = keras.optimizers.Adam(learning_rate=1e-3)
    loss_fn = keras.losses.CategoricalCrossentropy(from_logits=True)
    train_acc_metric = keras.metrics.CategoricalAccuracy()
    val_acc_metric = keras.metrics.CategoricalAccuracy()
    for epoch in range(epochs):
        for step, (inputs, targets) in enumerate(train_dataloader):
            logits = model(inputs)
            loss = loss_fn(targets, logits)
            model.zero_grad()
            trainable_weights = [v for v in model.trainable_weights]
            loss.backward()
            gradients = [v.value.grad for v in trainable_weights]
            with torch.no_grad():
                optimizer.apply(gradients, trainable_weights)
            train_acc_metric.update_state(targets, logits)
            log["metrics_loop"].append(float(loss.detach().numpy()))
        train_acc = train_acc_metric.result()
        train_acc_metric.reset_state()
        for x_batch_val, y_batch_val in val_dataloader:
            val_logits = model(x_batch_val, training=False)
            val_acc_metric.update_state(y_batch_val, val_logits)
        val_acc = val_acc_metric.result()
        val_acc_metric.reset_state()
        log["val_acc"].append(float(val_acc))
        assert 0.0 <= float(train_acc) <= 1.0

    class ActivityRegularizationLayer(keras.layers.Layer):
        def call(self, inputs):
            self.add_loss(1e-2 * torch.sum(inputs))
            return inputs

    inputs = keras.Input(shape=(784,), name="digits")
    x = keras.layers.Dense(64, activation="relu")(inputs)
    x = ActivityRegularizationLayer()(x)
    x = keras.layers.Dense(64, activation="relu")(x)
    outputs = keras.layers.Dense(10, name="predictions")(x)
    model = keras.Model(inputs=inputs, outputs=outputs)
    optimizer = keras.optimizers.Adam(learning_rate=1e-3)
    loss_fn = keras.losses.CategoricalCrossentropy(from_logits=True)
    for epoch in range(epochs):
        for step, (inputs, targets) in enumerate(train_dataloader):
            logits = model(inputs)
            loss = loss_fn(targets, logits)
            if model.losses:
                loss = loss + torch.sum(*model.losses)
            model.zero_grad()
            trainable_weights = [v for v in model.trainable_weights]
            loss.backward()
            gradients = [v.value.grad for v in trainable_weights]
            with torch.no_grad():
                optimizer.apply(gradients, trainable_weights)
            log["losses_loop"].append(float(loss.detach().numpy()))
        assert len(model.losses) == 1  # the last forward pass's loss, as in Keras
    return log


def test_custom_training_loops_learn():
    log = run_tkeras(program)
    for name in ("torch_loop", "keras_loop", "metrics_loop", "losses_loop"):
        losses = log[name]
        assert np.isfinite(losses).all(), name
        # 4 batches per epoch: the last epoch's mean loss is below the first's.
        assert np.mean(losses[-4:]) < np.mean(losses[:4]), (name, losses)
    assert all(0.0 <= a <= 1.0 for a in log["val_acc"])
