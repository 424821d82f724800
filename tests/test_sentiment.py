"""Tests for rnncourse/sentiment.py: masked max pooling and the pooled classifier."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402

from rnncourse import sentiment, text  # noqa: E402


def test_masked_max_pooling_ignores_padded_steps():
    states = np.array([[[-1.0, -2.0], [-3.0, -0.5], [0.0, 0.0]]], dtype="float32")  # (1, 3, 2)
    mask = np.array([[True, True, False]])  # (1, 3): the last step is padding
    pooled = sentiment.MaskedGlobalMaxPooling1D()(states, mask=mask)  # (1, 2)
    np.testing.assert_array_equal(pooled, [[-1.0, -0.5]])  # not the padded zeros
    np.testing.assert_array_equal(sentiment.MaskedGlobalMaxPooling1D()(states), [[0.0, 0.0]])


def test_masked_max_pooling_gives_zeros_for_a_fully_masked_row():
    states = np.array([[[-1.0, -2.0], [-3.0, -0.5]], [[-4.0, -5.0], [-6.0, -7.0]]],
                      dtype="float32")  # (2, 2, 2)
    mask = np.array([[True, False], [False, False]])  # (2, 2): row 1 is all padding
    pooled = sentiment.MaskedGlobalMaxPooling1D()(states, mask=mask)  # (2, 2)
    np.testing.assert_array_equal(pooled, [[-1.0, -2.0], [0.0, 0.0]])  # by hand


def test_masked_max_pooling_gradient_is_finite_and_skips_masked_steps():
    states = tf.Variable(np.array([[[1.0], [3.0]], [[2.0], [5.0]]], dtype="float32"))  # (2, 2, 1)
    mask = np.array([[True, False], [False, False]])
    with tf.GradientTape() as tape:
        total = tf.reduce_sum(sentiment.MaskedGlobalMaxPooling1D()(states, mask=mask))
    gradient = tape.gradient(total, states).numpy()  # (2, 2, 1)
    np.testing.assert_array_equal(gradient[..., 0], [[1.0, 0.0], [0.0, 0.0]])  # d max / d h


@pytest.mark.parametrize("mask", [np.array([[1.0, 0.5, 0.0]]), np.array([[1, 1, 0]])])
def test_masked_layers_refuse_a_mask_that_is_not_boolean(mask):
    states = np.zeros((1, 3, 2), dtype="float32")
    for layer in (sentiment.MaskedGlobalMaxPooling1D(), sentiment.ConvolutionShortener(4)):
        with pytest.raises(TypeError, match="mask must be booleans"):
            layer(states, mask=mask)


def test_masked_max_pooling_gives_the_same_output_with_any_padding():
    keras.utils.set_random_seed(0)
    ids = keras.Input(shape=(None,), dtype="int32")
    vectors = keras.layers.Embedding(10, 3, mask_zero=True)(ids)
    states = keras.layers.Bidirectional(keras.layers.GRU(2, return_sequences=True))(vectors)
    model = keras.Model(ids, sentiment.MaskedGlobalMaxPooling1D()(states))
    review = np.array([[3, 4, 5]])  # (1, 3)
    padded = text.pad([review[0]], 7)  # (1, 7)
    np.testing.assert_allclose(model(review), model(padded), atol=1e-6)


def test_what_masked_recurrent_layers_output_at_padded_steps():
    """The Keras behaviour MaskedGlobalMaxPooling1D's docstring describes: zeros inside
    Bidirectional, the last real state repeated by a plain GRU or LSTM."""
    keras.utils.set_random_seed(0)
    ids = text.pad([np.array([3, 4, 5])], 6)  # (1, 6): three tokens, three padded steps
    embedding = keras.layers.Embedding(10, 4, mask_zero=True)
    vectors, mask = embedding(ids), embedding.compute_mask(ids)  # (1, 6, 4), (1, 6)
    both = keras.layers.Bidirectional(keras.layers.GRU(3, return_sequences=True))
    np.testing.assert_array_equal(both(vectors, mask=mask)[0, 3:], np.zeros((3, 6)))
    for plain in (keras.layers.GRU(3, return_sequences=True),
                  keras.layers.LSTM(3, return_sequences=True)):
        states = np.asarray(plain(vectors, mask=mask)[0])  # (6, 3)
        assert np.abs(states[2]).min() > 0  # a real state, not zeros
        np.testing.assert_array_equal(states[3:], np.tile(states[2], (3, 1)))


def test_pooled_classifier_shapes_and_parameter_count():
    model = sentiment.pooled_classifier(vocab_size=50, embedding_dim=6, num_units=5)
    assert model(np.array([[3, 4, 0], [5, 0, 0]])).shape == (2, 1)
    gru = 3 * (6 * 5 + 5 * 5 + 2 * 5)  # one direction, Keras' reset_after=True
    assert model.count_params() == 50 * 6 + 2 * gru + (4 * 5 + 1)


def test_pooled_classifier_prediction_does_not_depend_on_padding():
    keras.utils.set_random_seed(0)
    model = sentiment.pooled_classifier(vocab_size=50, embedding_dim=6, num_units=5)
    review = np.array([[7, 8, 9, 10]])  # (1, 4)
    alone = model(review)
    padded = model(text.pad([review[0], np.arange(1, 11)], 10))[:1]  # in a batch, padded to 10
    np.testing.assert_allclose(alone, padded, atol=1e-6)


def test_pooled_classifier_rejects_bad_sizes():
    with pytest.raises(ValueError, match="num_units must be an integer >= 1; got 0"):
        sentiment.pooled_classifier(vocab_size=50, embedding_dim=6, num_units=0)


def test_pooled_classifier_saves_and_loads(tmp_path):
    keras.utils.set_random_seed(0)
    model = sentiment.pooled_classifier(vocab_size=50, embedding_dim=6, num_units=5, dropout=0.5)
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    ids = np.array([[3, 4, 5, 0]])
    np.testing.assert_allclose(loaded(ids), model(ids), atol=1e-7)


def test_convolution_shortener_shapes_and_mask():
    layer = sentiment.ConvolutionShortener(filters=5, kernel_size=3, pool_size=4)
    vectors = np.ones((2, 10, 3), dtype="float32")  # (batch, time, dim)
    mask = np.arange(10) < np.array([[9], [2]])  # (2, 10): 9 and 2 real steps
    assert layer(vectors, mask=mask).shape == (2, 3, 5)  # ceil(10 / 4) = 3 steps
    np.testing.assert_array_equal(layer.compute_mask(vectors, mask), [[1, 1, 1], [1, 0, 0]])


def test_conv_classifier_prediction_does_not_depend_on_padding_and_reloads(tmp_path):
    keras.utils.set_random_seed(0)
    model = sentiment.pooled_classifier(vocab_size=50, embedding_dim=6, num_units=5,
                                        conv_filters=7, pool_size=4)
    review = np.array([[7, 8, 9, 10, 11, 12]])  # (1, 6)
    padded = model(text.pad([review[0], np.arange(1, 14)], 13))[:1]  # in a batch, padded to 13
    np.testing.assert_allclose(model(review), padded, atol=1e-6)
    model.save(tmp_path / "conv.keras")
    loaded = keras.saving.load_model(tmp_path / "conv.keras")
    np.testing.assert_allclose(loaded(review), model(review), atol=1e-7)


@pytest.mark.parametrize("make, message", [
    (lambda: sentiment.ConvolutionShortener(0), "filters must be an integer >= 1; got 0"),
    (lambda: sentiment.ConvolutionShortener(4, pool_size=2.0), "pool_size must be an integer"),
    (lambda: sentiment.BigramEmbedding(10, 0, 3), "num_bigrams must be an integer >= 1; got 0"),
    (lambda: sentiment.pooled_classifier(50, 6, 5, dropout=1.0),
     r"dropout must be a finite number in \[0, 1\); got 1.0"),
])
def test_layers_and_classifier_refuse_bad_settings(make, message):
    with pytest.raises((TypeError, ValueError), match=message):
        make()


def test_bigram_embedding_refuses_rows_that_are_not_pairs_of_ids():
    layer = sentiment.BigramEmbedding(vocab_size=10, num_bigrams=4, output_dim=3)
    with pytest.raises(ValueError, match=r"inputs must have shape \(batch, time, token_and_bigr"):
        layer(np.ones((1, 3, 3), dtype=int))
    with pytest.raises(TypeError, match="inputs must be integer ids"):
        layer(np.full((1, 3, 2), 1.7, dtype="float32"))


def test_bigram_embedding_adds_the_two_vectors_and_masks_padding():
    layer = sentiment.BigramEmbedding(vocab_size=10, num_bigrams=4, output_dim=3)
    rows = np.array([[[5, 2], [6, 0], [0, 0]]])  # (1, 3, 2): two tokens, then padding
    vectors = layer(rows)  # (1, 3, 3)
    tokens, bigrams = layer.tokens.embeddings.numpy(), layer.bigrams.embeddings.numpy()
    np.testing.assert_allclose(vectors[0, 0], tokens[5] + bigrams[2], atol=1e-7)
    np.testing.assert_allclose(vectors[0, 1], tokens[6] + bigrams[0], atol=1e-7)
    np.testing.assert_array_equal(layer.compute_mask(rows), [[True, True, False]])


def test_bigram_classifier_parameters_padding_and_reload(tmp_path):
    keras.utils.set_random_seed(0)
    model = sentiment.pooled_classifier(vocab_size=50, embedding_dim=6, num_units=5,
                                        conv_filters=7, num_bigrams=30)
    plain = sentiment.pooled_classifier(vocab_size=50, embedding_dim=6, num_units=5,
                                        conv_filters=7)
    assert model.count_params() == plain.count_params() + 31 * 6
    review = np.stack([np.arange(7, 13), np.arange(6) % 3], axis=1)[None]  # (1, 6, 2)
    other = np.stack([np.arange(1, 14), np.zeros(13, int)], axis=1)  # (13, 2)
    padded = model(text.pad([review[0], other], 13))[:1]  # in a batch, padded to 13
    np.testing.assert_allclose(model(review), padded, atol=1e-6)
    model.save(tmp_path / "bigram.keras")
    loaded = keras.saving.load_model(tmp_path / "bigram.keras")
    np.testing.assert_allclose(loaded(review), model(review), atol=1e-7)


def test_pooled_classifier_rejects_negative_bigrams():
    with pytest.raises(ValueError, match="num_bigrams must be an integer >= 0; got -1"):
        sentiment.pooled_classifier(vocab_size=50, embedding_dim=6, num_units=5, num_bigrams=-1)
