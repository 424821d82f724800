"""Pieces of the IMDB chapter's strongest recurrent classifier (notebooks 04e and 04f).

    from rnncourse import sentiment
    model = sentiment.pooled_classifier(vocab_size=20_000, embedding_dim=64, num_units=32)
    with_bigrams = sentiment.pooled_classifier(20_000, 64, 32, num_bigrams=25_000)

The model reads token indices (0 = padding), so it pairs with `rnncourse.text`. The layers
check their settings when they are made and the shape of their inputs when they are built.
"""

from __future__ import annotations

import keras

from rnncourse import _checks

MASK = "booleans (True = a real step), e.g. ids != 0"  # what a mask must hold
RATE = {"low": 0, "high": 1, "inclusive": (True, False)}  # a dropout rate: in [0, 1)


@keras.saving.register_keras_serializable(package="rnncourse")
class MaskedGlobalMaxPooling1D(keras.layers.Layer):
    """Max over time of (batch, time, units) -> (batch, units), skipping masked steps.

    Keras' GlobalMaxPooling1D ignores the mask, so whatever the layer before it outputs at
    padded steps enters the maximum. A masked ``Bidirectional`` recurrent layer outputs zeros
    there, so with it a review's prediction would depend on how much padding its batch
    happens to have. (A plain masked GRU or LSTM with ``return_sequences=True`` outputs
    something else at a padded step: it carries its state through unchanged, repeating the
    last real state.) A row whose every step is masked (an empty review) gives zeros:
    defined, where a maximum over no steps is not.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def build(self, input_shape):
        _checks.input_shape("inputs", input_shape, ("batch", "time", "units"))

    def call(self, inputs, mask=None):
        if mask is None:
            return keras.ops.max(inputs, axis=1)  # (batch, units)
        real = keras.ops.expand_dims(_checks.dtype("mask", mask, ("bool",), MASK), -1)
        lowest = keras.ops.cast(float("-inf"), inputs.dtype)  # below any output: never the max
        pooled = keras.ops.max(keras.ops.where(real, inputs, lowest), axis=1)  # (batch, units)
        empty = keras.ops.logical_not(keras.ops.any(real, axis=1))  # (batch, 1): all masked
        return keras.ops.where(empty, keras.ops.zeros_like(pooled), pooled)  # (batch, units)

    def compute_mask(self, inputs, mask=None):
        return None  # the time axis is gone, and its mask with it


@keras.saving.register_keras_serializable(package="rnncourse")
class ConvolutionShortener(keras.layers.Layer):
    """Conv1D over `kernel_size` neighbouring tokens, then max over every `pool_size` steps.

    inputs (batch, time, dim) -> (batch, ceil(time / pool_size), filters), with the mask pooled
    the same way (a pooled step is real if any of its steps is). Padded steps are zeroed before
    and after the convolution, so a review's real steps get the same output whatever the
    padding of its batch, as they do from a masked recurrent layer.
    """

    def __init__(self, filters: int, kernel_size: int = 3, pool_size: int = 4, **kwargs):
        super().__init__(**kwargs)
        self.filters = _checks.integer("filters", filters, minimum=1)
        self.kernel_size = _checks.integer("kernel_size", kernel_size, minimum=1)
        self.pool_size = _checks.integer("pool_size", pool_size, minimum=1)
        self.conv = keras.layers.Conv1D(self.filters, self.kernel_size, padding="same",
                                        activation="relu")
        self.pool = keras.layers.MaxPooling1D(self.pool_size, padding="same")
        self.supports_masking = True

    def build(self, input_shape):
        self.conv.build(_checks.input_shape("inputs", input_shape, ("batch", "time", "dim"),
                                            known=("dim",)))

    def call(self, inputs, mask=None):
        if mask is None:
            return self.pool(self.conv(inputs))  # (batch, time / pool, filters)
        mask = _checks.dtype("mask", mask, ("bool",), MASK)
        real = keras.ops.expand_dims(keras.ops.cast(mask, inputs.dtype), -1)  # (batch, time, 1)
        features = self.conv(inputs * real) * real  # (batch, time, filters), >= 0, 0 if padded
        return self.pool(features)  # (batch, time / pool, filters)

    def compute_mask(self, inputs, mask=None):
        if mask is None:
            return None
        real = keras.ops.expand_dims(keras.ops.cast(mask, "float32"), -1)  # (batch, time, 1)
        return keras.ops.squeeze(self.pool(real), -1) > 0  # (batch, time / pool)

    def get_config(self):
        return {**super().get_config(), "filters": self.filters,
                "kernel_size": self.kernel_size, "pool_size": self.pool_size}


@keras.saving.register_keras_serializable(package="rnncourse")
class BigramEmbedding(keras.layers.Layer):
    """Rows [token id, bigram id] (batch, time, 2) -> token vector + bigram vector (batch,
    time, dim), masked where the token id is 0 (padding).

    Bigram id 0 (a pair outside the vocabulary, see `text.add_bigrams`) has a vector of its own,
    like the out-of-vocabulary token 1. The sum lets the layers after it see "not good" as more
    than "not" and "good".
    """

    def __init__(self, vocab_size: int, num_bigrams: int, output_dim: int, **kwargs):
        super().__init__(**kwargs)
        self.vocab_size = _checks.integer("vocab_size", vocab_size, minimum=1)
        self.num_bigrams = _checks.integer("num_bigrams", num_bigrams, minimum=1)
        self.output_dim = _checks.integer("output_dim", output_dim, minimum=1)
        self.tokens = keras.layers.Embedding(self.vocab_size, self.output_dim)
        self.bigrams = keras.layers.Embedding(self.num_bigrams + 1, self.output_dim)  # 0: unknown

    def build(self, input_shape):
        _checks.input_shape("inputs", input_shape, ("batch", "time", "token_and_bigram"),
                            sizes={"token_and_bigram": 2})
        self.tokens.build(input_shape[:-1])
        self.bigrams.build(input_shape[:-1])

    def call(self, inputs):
        _checks.dtype("inputs", inputs, _checks.INTEGER_DTYPES, "integer ids [token, bigram]")
        return self.tokens(inputs[..., 0]) + self.bigrams(inputs[..., 1])  # (batch, time, dim)

    def compute_mask(self, inputs, mask=None):
        return keras.ops.not_equal(inputs[..., 0], 0)  # (batch, time)

    def get_config(self):
        return {**super().get_config(), "vocab_size": self.vocab_size,
                "num_bigrams": self.num_bigrams, "output_dim": self.output_dim}


def pooled_classifier(vocab_size: int, embedding_dim: int, num_units: int,
                      spatial_dropout: float = 0.0, dropout: float = 0.0,
                      conv_filters: int = 0, pool_size: int = 4,
                      num_bigrams: int = 0) -> keras.Model:
    """Token indices (batch, time) -> P(positive) (batch, 1), an uncompiled functional model.

    Embedding(mask_zero=True) -> SpatialDropout1D -> [ConvolutionShortener, if conv_filters]
    -> Bidirectional(GRU, every state) -> [masked max over time, masked mean over time]
    -> Dropout -> Dense(1, sigmoid).
    With num_bigrams > 0 the model reads rows [token id, bigram id] (batch, time, 2) from
    `text.add_bigrams` instead, and embeds them with `BigramEmbedding`.
    """
    vocab_size = _checks.integer("vocab_size", vocab_size, minimum=1)
    embedding_dim = _checks.integer("embedding_dim", embedding_dim, minimum=1)
    num_units = _checks.integer("num_units", num_units, minimum=1)
    spatial_dropout = _checks.number("spatial_dropout", spatial_dropout, **RATE)
    dropout = _checks.number("dropout", dropout, **RATE)
    conv_filters = _checks.integer("conv_filters", conv_filters, minimum=0)
    pool_size = _checks.integer("pool_size", pool_size, minimum=1)
    num_bigrams = _checks.integer("num_bigrams", num_bigrams, minimum=0)
    if num_bigrams:
        ids = keras.Input(shape=(None, 2), dtype="int32", name="token_and_bigram_ids")
        vectors = BigramEmbedding(vocab_size, num_bigrams, embedding_dim)(ids)
    else:
        ids = keras.Input(shape=(None,), dtype="int32", name="token_ids")  # (batch, time)
        vectors = keras.layers.Embedding(vocab_size, embedding_dim, mask_zero=True)(ids)
    vectors = keras.layers.SpatialDropout1D(spatial_dropout)(vectors)  # (batch, time, dim)
    if conv_filters:
        vectors = ConvolutionShortener(conv_filters, pool_size=pool_size)(vectors)
    gru = keras.layers.GRU(num_units, return_sequences=True)
    states = keras.layers.Bidirectional(gru)(vectors)  # (batch, time, 2 * units)
    pooled = keras.layers.Concatenate()([
        MaskedGlobalMaxPooling1D()(states),  # (batch, 2 * units)
        keras.layers.GlobalAveragePooling1D()(states),  # (batch, 2 * units), mask-aware
    ])  # (batch, 4 * units)
    pooled = keras.layers.Dropout(dropout)(pooled)
    probability = keras.layers.Dense(1, activation="sigmoid")(pooled)  # (batch, 1)
    return keras.Model(ids, probability, name="pooled_classifier")
