"""Port: "Knowledge Distillation" (Kenneth Borup), the Keras 3 version.

Source: https://keras.io/examples/vision/knowledge_distillation/ (keras-team/keras-io,
examples/vision/knowledge_distillation.py). Unchanged program logic: a `Distiller` model that
overrides `compile()` (extra loss functions, alpha, temperature), `compute_loss()` (without a
`training` argument, with `allow_empty`) and `call()`; teacher and student Sequential
convnets; `clone_model` of the student. MNIST replaced by 32 random 28x28 images; 1 epoch
each; the teacher's convs have 64/128 filters instead of 256/512 (test time).
"""

from __future__ import annotations

import numpy as np

from tests.ports.harness import assert_close, run_both


def program(keras):
    layers = keras.layers

    class Distiller(keras.Model):
        def __init__(self, student, teacher):
            super().__init__()
            self.teacher = teacher
            self.student = student

        def compile(
            self,
            optimizer,
            metrics,
            student_loss_fn,
            distillation_loss_fn,
            alpha=0.1,
            temperature=3,
        ):
            super().compile(optimizer=optimizer, metrics=metrics)
            self.student_loss_fn = student_loss_fn
            self.distillation_loss_fn = distillation_loss_fn
            self.alpha = alpha
            self.temperature = temperature

        def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, allow_empty=False):
            teacher_pred = self.teacher(x, training=False)
            student_loss = self.student_loss_fn(y, y_pred)

            distillation_loss = self.distillation_loss_fn(
                keras.ops.softmax(teacher_pred / self.temperature, axis=1),
                keras.ops.softmax(y_pred / self.temperature, axis=1),
            ) * (self.temperature**2)

            loss = self.alpha * student_loss + (1 - self.alpha) * distillation_loss
            return loss

        def call(self, x):
            return self.student(x)

    teacher = keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            layers.Conv2D(64, (3, 3), strides=(2, 2), padding="same"),
            layers.LeakyReLU(negative_slope=0.2),
            layers.MaxPooling2D(pool_size=(2, 2), strides=(1, 1), padding="same"),
            layers.Conv2D(128, (3, 3), strides=(2, 2), padding="same"),
            layers.Flatten(),
            layers.Dense(10),
        ],
        name="teacher",
    )
    student = keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            layers.Conv2D(16, (3, 3), strides=(2, 2), padding="same"),
            layers.LeakyReLU(negative_slope=0.2),
            layers.MaxPooling2D(pool_size=(2, 2), strides=(1, 1), padding="same"),
            layers.Conv2D(32, (3, 3), strides=(2, 2), padding="same"),
            layers.Flatten(),
            layers.Dense(10),
        ],
        name="student",
    )
    student_scratch = keras.models.clone_model(student)

    x_train = np.random.randint(0, 256, size=(32, 28, 28)).astype("uint8")
    y_train = np.random.randint(0, 10, size=(32,))
    x_test, y_test = x_train[:32], y_train[:32]
    x_train = x_train.astype("float32") / 255.0
    x_train = np.reshape(x_train, (-1, 28, 28, 1))
    x_test = x_test.astype("float32") / 255.0
    x_test = np.reshape(x_test, (-1, 28, 28, 1))

    results = {}
    teacher.compile(
        optimizer=keras.optimizers.Adam(),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=[keras.metrics.SparseCategoricalAccuracy()],
    )
    results["teacher"] = teacher.fit(x_train, y_train, epochs=1, verbose=0).history
    results["teacher_eval"] = teacher.evaluate(x_test, y_test, verbose=0)

    distiller = Distiller(student=student, teacher=teacher)
    distiller.compile(
        optimizer=keras.optimizers.Adam(),
        metrics=[keras.metrics.SparseCategoricalAccuracy()],
        student_loss_fn=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        distillation_loss_fn=keras.losses.KLDivergence(),
        alpha=0.1,
        temperature=10,
    )
    results["distiller"] = distiller.fit(x_train, y_train, epochs=1, verbose=0).history
    results["distiller_eval"] = distiller.evaluate(x_test, y_test, verbose=0)

    student_scratch.compile(
        optimizer=keras.optimizers.Adam(),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=[keras.metrics.SparseCategoricalAccuracy()],
    )
    results["scratch"] = student_scratch.fit(x_train, y_train, epochs=1, verbose=0).history
    results["scratch_eval"] = student_scratch.evaluate(x_test, y_test, verbose=0)
    return results


def test_knowledge_distillation_matches_keras():
    expected, got = run_both(program)
    assert_close(expected, got, rtol=1e-4, atol=1e-5)
