"""Recurrent layers: SimpleRNN, LSTM, GRU (torch's fused kernels, Keras's cell math otherwise)."""

from tkeras.layers.rnn.gru import GRU
from tkeras.layers.rnn.lstm import LSTM
from tkeras.layers.rnn.simple_rnn import SimpleRNN

__all__ = ["GRU", "LSTM", "SimpleRNN"]
