"""Helpers for the course "Recurrent neural networks, from the equations to Keras".

Small, hand-written, plain functions. Import the module you need explicitly::

    from rnncourse import data, rnn_numpy

Nothing runs at import time.
"""

__version__ = "0.4.0"
