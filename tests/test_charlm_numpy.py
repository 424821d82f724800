"""rnncourse/charlm_numpy.py against reference answers: finite differences, scipy's softmax,
hand-computed cross-entropy, np.arange streams for the chunking, argmax for cold sampling."""

import numpy as np
import pytest
from scipy import special

from rnncourse import chars, charlm_numpy, rnn_numpy, train_numpy

FD_STEP = 1e-6  # central-difference step (float64)
GRAD_RTOL = 1e-7  # largest relative error between BPTT and finite differences
TOLERANCE = 1e-12  # two float64 computations of the same quantity


def tiny(num_units=4, seed=0):
    """Parameters of a character model with 4 units and random biases (so every term counts)."""
    rng = np.random.default_rng(seed)
    params = rnn_numpy.init_params(chars.VOCAB_SIZE, num_units, chars.NUM_SYMBOLS, rng)
    params["b_h"] = rng.normal(scale=0.1, size=num_units)
    params["b_y"] = rng.normal(scale=0.1, size=chars.NUM_SYMBOLS)
    return params


def relative_error(a, n):
    return np.max(np.abs(a - n)) / np.max(np.abs(a) + np.abs(n))


def numerical_gradient(loss_fn, array):
    grad = np.zeros_like(array)
    for index in np.ndindex(array.shape):
        original = array[index]
        array[index] = original + FD_STEP
        plus = loss_fn()
        array[index] = original - FD_STEP
        minus = loss_fn()
        array[index] = original
        grad[index] = (plus - minus) / (2 * FD_STEP)
    return grad


def test_the_full_gradient_matches_finite_differences_from_a_carried_state():
    rng = np.random.default_rng(1)
    params = tiny(num_units=3)
    inputs = rng.integers(1, chars.VOCAB_SIZE, size=(2, 4))  # (batch, time)
    targets = rng.integers(1, chars.VOCAB_SIZE, size=(2, 4))  # (batch, time)
    h0 = np.tanh(rng.normal(size=(2, 3)))  # (batch, units): a state carried in

    def loss():
        h = rnn_numpy.rnn_forward(charlm_numpy.one_hot(inputs), params, h0=h0)
        return charlm_numpy.cross_entropy(rnn_numpy.rnn_outputs(h, params), targets)[0]

    x = charlm_numpy.one_hot(inputs)  # (batch, time, vocab)
    h = rnn_numpy.rnn_forward(x, params, h0=h0)
    _, dz = charlm_numpy.cross_entropy(rnn_numpy.rnn_outputs(h, params), targets)
    grads = rnn_numpy.rnn_backward(x, h, params, dz, h0=h0)
    errors = {name: relative_error(grads[name], numerical_gradient(loss, array))
              for name, array in params.items()}  # W_xh too: zero rows for ids not read
    assert max(errors.values()) < GRAD_RTOL, errors


def test_dz_is_p_minus_onehot_over_the_count_and_matches_finite_differences():
    rng = np.random.default_rng(2)
    z = rng.normal(size=(2, 3, 5))  # (batch, time, symbols)
    targets = rng.integers(1, 6, size=(2, 3))  # ids 1..5 -> outputs 0..4
    loss, dz = charlm_numpy.cross_entropy(z, targets)
    p = special.softmax(z, axis=-1)
    onehot = np.eye(5)[targets - 1]
    np.testing.assert_allclose(dz, (p - onehot) / 6, rtol=0, atol=TOLERANCE)
    numeric = numerical_gradient(lambda: charlm_numpy.cross_entropy(z, targets)[0], z)
    assert relative_error(dz, numeric) < GRAD_RTOL


def test_cross_entropy_is_minus_log_of_the_right_entry():
    z = np.log(np.array([[[0.5, 0.25, 0.25], [0.1, 0.1, 0.8]]]))  # (1, 2, 3): p known
    targets = np.array([[1, 3]])  # ids 1 and 3: outputs 0 and 2
    losses = charlm_numpy.char_losses(z, targets)
    np.testing.assert_allclose(losses, -np.log([[0.5, 0.8]]), rtol=0, atol=TOLERANCE)
    loss, _ = charlm_numpy.cross_entropy(z, targets)
    assert abs(loss - np.mean(-np.log([0.5, 0.8]))) < TOLERANCE


def test_softmax_rows_sum_to_one_and_match_scipy_even_for_huge_scores():
    z = np.random.default_rng(3).normal(scale=5, size=(4, 3, 7))
    z[0, 0] += 1000.0  # exp(1000) overflows; z - max z does not
    p = charlm_numpy.softmax(z)
    np.testing.assert_allclose(p.sum(axis=-1), 1.0, rtol=0, atol=TOLERANCE)
    np.testing.assert_allclose(p, special.softmax(z, axis=-1), rtol=0, atol=TOLERANCE)


def test_readout_backward_gives_what_rnn_backward_uses():
    rng = np.random.default_rng(4)
    params = tiny()
    x = charlm_numpy.one_hot(rng.integers(1, chars.VOCAB_SIZE, size=(2, 3)))
    h = rnn_numpy.rnn_forward(x, params)  # (batch, time, units)
    dz = rng.normal(size=(2, 3, chars.NUM_SYMBOLS))  # (batch, time, symbols)
    dW_hy, db_y, dh = charlm_numpy.readout_backward(h, dz, params)
    grads = rnn_numpy.rnn_backward(x, h, params, dz)
    np.testing.assert_allclose(dW_hy, grads["W_hy"], rtol=0, atol=TOLERANCE)
    np.testing.assert_allclose(db_y, grads["b_y"], rtol=0, atol=TOLERANCE)
    last = dh[:, -1] * (1 - h[:, -1] ** 2)  # (batch, units): dh_raw of the last step
    np.testing.assert_allclose(last @ params["W_xh"].T, grads["x"][:, -1], atol=TOLERANCE)


@pytest.mark.parametrize("length, batch_size, seq_len", [(101, 4, 5), (101, 4, 7), (50, 3, 16),
                                                         (10, 9, 1)])
def test_chunks_continue_each_row_on_arange(length, batch_size, seq_len):
    stream = np.arange(length)
    chunked = charlm_numpy.chunks(stream, batch_size, seq_len)
    row_len = (length - 1) // batch_size
    inputs = np.concatenate([x for x, _ in chunked], axis=1)  # (batch, row_len)
    targets = np.concatenate([y for _, y in chunked], axis=1)  # (batch, row_len)
    np.testing.assert_array_equal(targets, inputs + 1)  # each target is the next id
    np.testing.assert_array_equal(inputs[:, 0], np.arange(batch_size) * row_len)
    for (x, _), (x_next, _) in zip(chunked, chunked[1:]):  # row b of chunk k+1 goes on
        np.testing.assert_array_equal(x_next[:, 0], x[:, -1] + 1)
    assert all(x.shape == (batch_size, seq_len) for x, _ in chunked[:-1])
    assert chunked[-1][0].shape[1] == row_len - (len(chunked) - 1) * seq_len  # the rest
    np.testing.assert_array_equal(inputs.reshape(-1), np.arange(batch_size * row_len))
    assert charlm_numpy.left_out(length, batch_size) == length - 1 - inputs.size


def test_review_losses_read_each_review_alone_after_an_end():
    params = tiny()
    reviews = [chars.encode(text) for text in ("A fine film.", "Bad", "So-so, I guess", "Ok")]
    got = charlm_numpy.review_losses(params, reviews, batch_size=3, seq_len=4)  # padded, cut
    for review, losses in zip(reviews, got):  # the slow obvious way: one review, one pass
        inputs, targets = np.append(chars.END, review), np.append(review, chars.END)
        h = rnn_numpy.rnn_forward(charlm_numpy.one_hot(inputs[None]), params)
        expected = charlm_numpy.char_losses(rnn_numpy.rnn_outputs(h, params), targets[None])
        assert losses.shape == (len(review) + 1,)
        np.testing.assert_allclose(losses, expected[0], rtol=0, atol=TOLERANCE)


def test_fit_is_train_step_with_the_state_carried_and_reset_at_the_stream_start():
    params = tiny()
    stream = np.random.default_rng(6).integers(1, chars.VOCAB_SIZE, size=25)
    chunked = charlm_numpy.chunks(stream, 2, 6)  # 2 chunks
    fitted, losses = charlm_numpy.fit(params, chunked, num_steps=3, learning_rate=0.01,
                                      clip_norm=1.0)
    state, h, manual = train_numpy.adam_init(params), np.zeros((2, 4)), []
    mine = params
    for step in range(3):
        if step % 2 == 0:
            h = np.zeros((2, 4))  # the stream starts again
        mine, state, h, loss, _ = charlm_numpy.train_step(mine, state, h, *chunked[step % 2],
                                                          0.01, 1.0)
        manual.append(loss)
    np.testing.assert_allclose(losses, manual, rtol=0, atol=TOLERANCE)
    for name in params:
        np.testing.assert_allclose(fitted[name], mine[name], rtol=0, atol=TOLERANCE)


def test_training_on_one_chunk_lowers_its_loss():
    params = tiny()
    stream = np.tile(chars.encode("abcabc"), 10)
    chunked = charlm_numpy.chunks(stream, 2, 10)
    _, losses = charlm_numpy.fit(params, chunked[:1], num_steps=50, learning_rate=0.05,
                                 clip_norm=5.0)
    assert losses[-1] < 0.1 * losses[0]


def test_cold_sampling_is_argmax():
    params = tiny(seed=7)
    start = chars.encode("The ")
    made = charlm_numpy.sample(params, start, 20, np.random.default_rng(0), temperature=1e-6)
    ids = list(start)
    for _ in range(20):  # greedy decoding, the slow obvious way: rerun the whole prefix
        h = rnn_numpy.rnn_forward(charlm_numpy.one_hot(np.array(ids)[None]), params)
        ids.append(1 + int(np.argmax(rnn_numpy.rnn_outputs(h, params)[0, -1])))
    np.testing.assert_array_equal(made, ids[len(start):])


def test_seeded_sampling_is_reproducible_and_seeds_differ():
    params = tiny(seed=8)
    start = chars.encode("A")
    first = charlm_numpy.sample(params, start, 50, np.random.default_rng(3))
    again = charlm_numpy.sample(params, start, 50, np.random.default_rng(3))
    other = charlm_numpy.sample(params, start, 50, np.random.default_rng(4))
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)
    assert first.min() >= 1 and first.max() <= chars.VOCAB_SIZE - 1  # never PAD
