"""Recurrent layers: SimpleRNN, LSTM, GRU (torch's fused kernels, Keras's cell math otherwise),
their cells, the generic RNN(cell) with StackedRNNCells, and the Bidirectional and
TimeDistributed wrappers."""

from tkeras.layers.rnn.bidirectional import Bidirectional
from tkeras.layers.rnn.conv_lstm1d import ConvLSTM1D
from tkeras.layers.rnn.conv_lstm2d import ConvLSTM2D
from tkeras.layers.rnn.conv_lstm3d import ConvLSTM3D
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
    "ConvLSTM1D",
    "ConvLSTM2D",
    "ConvLSTM3D",
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
