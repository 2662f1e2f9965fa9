"""Recurrent layers: SimpleRNN, LSTM, GRU (torch's fused kernels, Keras's cell math otherwise),
their cells, the generic RNN(cell) with StackedRNNCells, and the Bidirectional and
TimeDistributed wrappers."""

from tkeras.layers.rnn.bidirectional import Bidirectional
from tkeras.layers.rnn.gru import GRU
from tkeras.layers.rnn.gru_cell import GRUCell
from tkeras.layers.rnn.lstm import LSTM
from tkeras.layers.rnn.lstm_cell import LSTMCell
from tkeras.layers.rnn.rnn import RNN
from tkeras.layers.rnn.simple_rnn import SimpleRNN
from tkeras.layers.rnn.simple_rnn_cell import SimpleRNNCell
from tkeras.layers.rnn.stacked_rnn_cells import StackedRNNCells
from tkeras.layers.rnn.time_distributed import TimeDistributed

__all__ = [
    "Bidirectional",
    "GRU",
    "GRUCell",
    "LSTM",
    "LSTMCell",
    "RNN",
    "SimpleRNN",
    "SimpleRNNCell",
    "StackedRNNCells",
    "TimeDistributed",
]
