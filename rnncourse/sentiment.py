"""Pieces of the IMDB chapter's strongest recurrent classifier (notebooks 04e and 04f).

    from rnncourse import sentiment
    model = sentiment.pooled_classifier(vocab_size=20_000, embedding_dim=64, num_units=32)
    with_bigrams = sentiment.pooled_classifier(20_000, 64, 32, num_bigrams=25_000)

The model reads token indices (0 = padding), so it pairs with `rnncourse.text`.
"""

from __future__ import annotations

import keras


@keras.saving.register_keras_serializable(package="rnncourse")
class MaskedGlobalMaxPooling1D(keras.layers.Layer):
    """Max over time of (batch, time, units) -> (batch, units), skipping masked steps.

    Keras' GlobalMaxPooling1D ignores the mask, so the zeros a masked recurrent layer outputs
    at padded steps would enter the maximum, and a review's prediction would depend on how
    much padding its batch happens to have. Each row needs at least one unmasked step.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        if mask is not None:
            very_negative = keras.ops.cast(-1e9, inputs.dtype)  # below any recurrent output
            inputs = keras.ops.where(keras.ops.expand_dims(mask, -1), inputs, very_negative)
        return keras.ops.max(inputs, axis=1)

    def compute_mask(self, inputs, mask=None):
        return None  # the time axis is gone, and its mask with it


@keras.saving.register_keras_serializable(package="rnncourse")
class ConvolutionShortener(keras.layers.Layer):
    """Conv1D over `kernel_size` neighbouring tokens, then max over every `pool_size` steps.

    inputs (batch, time, dim) -> (batch, ceil(time / pool_size), filters), with the mask pooled
    the same way (a pooled step is real if any of its steps is). Padded steps are zeroed before
    and after the convolution, so, as for a masked recurrent layer, a review gives the same
    output whatever the padding of its batch.
    """

    def __init__(self, filters: int, kernel_size: int = 3, pool_size: int = 4, **kwargs):
        super().__init__(**kwargs)
        self.filters, self.kernel_size, self.pool_size = filters, kernel_size, pool_size
        self.conv = keras.layers.Conv1D(filters, kernel_size, padding="same", activation="relu")
        self.pool = keras.layers.MaxPooling1D(pool_size, padding="same")
        self.supports_masking = True

    def build(self, input_shape):
        self.conv.build(input_shape)

    def call(self, inputs, mask=None):
        if mask is None:
            return self.pool(self.conv(inputs))  # (batch, time / pool, filters)
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
        self.vocab_size, self.num_bigrams, self.output_dim = vocab_size, num_bigrams, output_dim
        self.tokens = keras.layers.Embedding(vocab_size, output_dim)
        self.bigrams = keras.layers.Embedding(num_bigrams + 1, output_dim)  # 0 = unknown pair

    def build(self, input_shape):
        self.tokens.build(input_shape[:-1])
        self.bigrams.build(input_shape[:-1])

    def call(self, inputs):
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
    if (min(vocab_size, embedding_dim, num_units) < 1 or num_bigrams < 0
            or not 0 <= min(spatial_dropout, dropout)):
        raise ValueError(f"expected positive sizes and dropout rates in [0, 1), got vocab_size="
                         f"{vocab_size}, embedding_dim={embedding_dim}, num_units={num_units}, "
                         f"spatial_dropout={spatial_dropout}, dropout={dropout}, "
                         f"num_bigrams={num_bigrams}")
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
