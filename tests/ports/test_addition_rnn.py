"""Port: "Sequence to sequence learning for performing number addition" (Smerity and others).

Source: https://keras.io/examples/nlp/addition_rnn/ (keras-team/keras-io,
examples/nlp/addition_rnn.py). Unchanged program logic (bool one-hot inputs and targets, LSTM
encoder, RepeatVector, LSTM decoder, softmax Dense); 300 questions instead of 50000, one
training iteration and a 2-digit problem.
"""

from __future__ import annotations

import numpy as np

from tests.ports.harness import assert_close, run_both

TRAINING_SIZE = 300
DIGITS = 2
REVERSE = True
MAXLEN = DIGITS + 1 + DIGITS


class CharacterTable:
    def __init__(self, chars):
        self.chars = sorted(set(chars))
        self.char_indices = dict((c, i) for i, c in enumerate(self.chars))
        self.indices_char = dict((i, c) for i, c in enumerate(self.chars))

    def encode(self, C, num_rows):
        x = np.zeros((num_rows, len(self.chars)))
        for i, c in enumerate(C):
            x[i, self.char_indices[c]] = 1
        return x

    def decode(self, x, calc_argmax=True):
        if calc_argmax:
            x = x.argmax(axis=-1)
        return "".join(self.indices_char[x] for x in x)


def program(keras):
    layers = keras.layers
    chars = "0123456789+ "
    ctable = CharacterTable(chars)
    questions = []
    expected = []
    seen = set()
    while len(questions) < TRAINING_SIZE:
        f = lambda: int(  # noqa: E731
            "".join(
                np.random.choice(list("0123456789"))
                for i in range(np.random.randint(1, DIGITS + 1))
            )
        )
        a, b = f(), f()
        key = tuple(sorted((a, b)))
        if key in seen:
            continue
        seen.add(key)
        q = f"{a}+{b}"
        query = q + " " * (MAXLEN - len(q))
        ans = str(a + b)
        ans += " " * (DIGITS + 1 - len(ans))
        if REVERSE:
            query = query[::-1]
        questions.append(query)
        expected.append(ans)

    x = np.zeros((len(questions), MAXLEN, len(chars)), dtype=np.bool_)
    y = np.zeros((len(questions), DIGITS + 1, len(chars)), dtype=np.bool_)
    for i, sentence in enumerate(questions):
        x[i] = ctable.encode(sentence, MAXLEN)
    for i, sentence in enumerate(expected):
        y[i] = ctable.encode(sentence, DIGITS + 1)
    indices = np.arange(len(y))
    np.random.shuffle(indices)
    x = x[indices]
    y = y[indices]
    split_at = len(x) - len(x) // 10
    (x_train, x_val) = x[:split_at], x[split_at:]
    (y_train, y_val) = y[:split_at], y[split_at:]

    num_layers = 1
    model = keras.Sequential()
    model.add(layers.LSTM(128, input_shape=(MAXLEN, len(chars))))
    model.add(layers.RepeatVector(DIGITS + 1))
    for _ in range(num_layers):
        model.add(layers.LSTM(128, return_sequences=True))
    model.add(layers.Dense(len(chars), activation="softmax"))
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    model.summary(print_fn=lambda *a, **k: None)

    epochs = 2
    batch_size = 32
    history = []
    for epoch in range(1, epochs):
        history.append(
            model.fit(
                x_train,
                y_train,
                batch_size=batch_size,
                epochs=1,
                validation_data=(x_val, y_val),
                verbose=0,
            ).history
        )
        guesses = []
        for i in range(3):
            ind = np.random.randint(0, len(x_val))
            rowx, rowy = x_val[np.array([ind])], y_val[np.array([ind])]
            preds = np.argmax(model.predict(rowx, verbose=0), axis=-1)
            guesses.append(ctable.decode(preds[0], calc_argmax=False))
    return history


def test_addition_rnn_matches_keras():
    expected, got = run_both(program)
    assert_close(expected, got, rtol=1e-4, atol=1e-5)
