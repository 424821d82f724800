"""A character-level language model in NumPy, on top of ``rnn_numpy`` (chapter 6).

Batch first, row vectors, ids from ``rnncourse.chars``. With ``x_t`` the one-hot row of the
id read at step t and ``y_t`` the id that follows it::

    h_t = tanh(x_t @ W_xh + h_{t-1} @ W_hh + b_h)   # rnn_numpy.rnn_forward, (batch, units)
    z_t = h_t @ W_hy + b_y                          # rnn_numpy.rnn_outputs, (batch, symbols)
    p_t = softmax(z_t)                              # (batch, symbols), each row sums to 1
    loss = mean over (batch, time) of -log p_t[y_t] # nats; divide by log 2 for bits

The input is one of ``chars.VOCAB_SIZE`` ids; the output is one of the ``chars.NUM_SYMBOLS``
symbols a model predicts: output k is the symbol with id k + 1 (``PAD``, id 0, is never
predicted, so it has no output). Build the parameters with
``rnn_numpy.init_params(chars.VOCAB_SIZE, num_units, chars.NUM_SYMBOLS, rng)``.

Training is truncated BPTT over one long stream (:func:`chunks`, :func:`fit`): the stream is
cut into ``batch_size`` rows, each row into consecutive chunks of ``seq_len`` steps; the state
at the end of a chunk starts the next one, but no gradient flows back into the earlier chunk.
"""

import numpy as np

from rnncourse import _checks, chars, rnn_numpy, train_numpy

FIRST_ID = 1  # output k of the readout predicts the id FIRST_ID + k (no output for PAD)


def _ids(name, value, axes):
    """Target or input ids: integers, each an id a model can read (0 .. VOCAB_SIZE - 1)."""
    ids = _checks.array(name, value, axes=axes, kind="int", nonempty=axes)
    return _checks.within(name, ids, 0, chars.VOCAB_SIZE - 1)


def one_hot(ids, dtype=np.float64):
    """The one-hot rows of ``ids`` (any shape): ``(*ids.shape, VOCAB_SIZE)`` of ``dtype``."""
    ids = _ids("ids", ids, [f"axis {i}" for i in range(np.ndim(ids))])
    return np.eye(chars.VOCAB_SIZE, dtype=dtype)[ids]  # (..., vocab)


def softmax(z):
    """p = exp(z) / sum(exp(z)) along the last axis, computed as exp(z - max z) (no overflow).

    z: (..., symbols) scores (logits). Returns p, the same shape, each row summing to 1.
    """
    z = _checks.values("z", z)  # (..., symbols)
    if z.ndim == 0:
        raise ValueError("z must have at least one axis, (..., symbols); got a single number")
    return _softmax(z)


def _softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))  # (..., symbols), largest entry 1
    return e / e.sum(axis=-1, keepdims=True)  # (..., symbols)


def _scores_and_targets(z, targets):
    sizes = {}
    z = _checks.sized("z", z, ("batch", "time", "symbols"), sizes, nonempty=("batch", "time"))
    targets = _checks.sized("targets", targets, ("batch", "time"), sizes, kind="int")
    _checks.within("targets", targets, FIRST_ID, FIRST_ID + z.shape[-1] - 1)
    return z, targets - FIRST_ID  # (batch, time, symbols), (batch, time) output indices


def char_losses(z, targets):
    """-log p_t[y_t] at every step, in nats: (batch, time).

    z: (batch, time, symbols) scores from ``rnn_numpy.rnn_outputs``; targets: (batch, time)
    ids of the characters to predict (1 .. symbols, as ``FIRST_ID`` says).
    """
    z, k = _scores_and_targets(z, targets)
    return _char_losses(z, k)  # (batch, time)


def _char_losses(z, k):
    """log-sum-exp minus the right score: -log softmax(z)[k] without computing p."""
    top = z.max(axis=-1)  # (batch, time)
    log_sum = top + np.log(np.exp(z - top[..., None]).sum(axis=-1))  # (batch, time)
    return log_sum - np.take_along_axis(z, k[..., None], axis=-1)[..., 0]  # (batch, time)


def cross_entropy(z, targets):
    """Mean cross-entropy (nats per character) and its gradient with respect to z.

    With N = batch * time predictions: loss = (1/N) sum -log p_t[y_t] and
    dz = (p - onehot(y)) / N, shaped like z.

    Returns:
        (loss, dz): a float and (batch, time, symbols).
    """
    z, k = _scores_and_targets(z, targets)
    p = _softmax(z)  # (batch, time, symbols)
    onehot = np.eye(z.shape[-1], dtype=z.dtype)[k]  # (batch, time, symbols)
    return float(_char_losses(z, k).mean()), (p - onehot) / k.size  # float, like z


def readout_backward(h, dz, params):
    """Back through z = h @ W_hy + b_y: (dW_hy, db_y, dh), dh = dz @ W_hy.T.

    ``rnn_numpy.rnn_backward(x, h, params, dz)`` does this step itself (it takes dz as its
    ``dy``) and carries dh on through the recurrence; this function writes the step out.
    h: (batch, time, units); dz: (batch, time, symbols). Returns (units, symbols),
    (symbols,) and (batch, time, units).
    """
    sizes = {}
    weights = _checks.weights("params", params, {name: rnn_numpy.AXES[name]
                                                 for name in rnn_numpy.READOUT}, sizes,
                              exact=False)
    h = _checks.sized("h", h, ("batch", "time", "units"), sizes, nonempty=("batch", "time"))
    dz = _checks.sized("dz", dz, ("batch", "time", "outputs"), sizes)
    num_units, num_outputs = weights["W_hy"].shape
    dW_hy = h.reshape(-1, num_units).T @ dz.reshape(-1, num_outputs)  # (units, symbols)
    return dW_hy, dz.sum(axis=(0, 1)), dz @ weights["W_hy"].T  # ..., (symbols,), (b, t, u)


def chunks(stream, batch_size, seq_len):
    """Cut one stream of ids into consecutive (inputs, targets) chunks for truncated BPTT.

    The stream gives n = len(stream) - 1 (input, target) pairs: stream[i] -> stream[i + 1].
    They are laid out as ``batch_size`` rows of row_len = n // batch_size consecutive pairs
    (row b starts at stream position b * row_len), and each row is cut into chunks of
    ``seq_len`` steps, so row b of chunk k + 1 continues row b of chunk k.

    Remainders, explicitly: the last chunk is shorter when seq_len does not divide row_len
    (it holds the rest of every row; nothing of a row is lost); the last n % batch_size
    pairs of the stream (fewer than batch_size, not enough for one more step of every row)
    are left out. :func:`left_out` counts them.

    Returns:
        a list of (inputs, targets), each (batch_size, time) int64, time = seq_len except
        perhaps in the last chunk.
    """
    stream = _checks.array("stream", stream, axes=("time",), kind="int")  # (time,)
    batch_size = _checks.integer("batch_size", batch_size, minimum=1)
    seq_len = _checks.integer("seq_len", seq_len, minimum=1)
    if len(stream) - 1 < batch_size:
        raise ValueError(f"stream must hold at least batch_size + 1 = {batch_size + 1} ids "
                         f"(one step per row); got {len(stream)}")
    row_len = (len(stream) - 1) // batch_size  # pairs per row
    used = batch_size * row_len
    inputs = stream[:used].reshape(batch_size, row_len)  # (batch, row_len)
    targets = stream[1:used + 1].reshape(batch_size, row_len)  # (batch, row_len)
    return [(inputs[:, s:s + seq_len], targets[:, s:s + seq_len])
            for s in range(0, row_len, seq_len)]


def left_out(stream_length, batch_size):
    """The (input, target) pairs :func:`chunks` leaves out: (stream_length - 1) % batch_size."""
    stream_length = _checks.integer("stream_length", stream_length, minimum=2)
    batch_size = _checks.integer("batch_size", batch_size, minimum=1, maximum=stream_length - 1)
    return (stream_length - 1) % batch_size


def train_step(params, adam_state, h_prev, inputs, targets, learning_rate, clip_norm):
    """One update of truncated BPTT on one chunk, starting from the state h_prev.

    Forward from h_prev, cross-entropy, BPTT inside the chunk (``rnn_backward``), the global
    norm clipped to clip_norm, one Adam step. The gradient with respect to h_prev is dropped:
    nothing flows back into the previous chunk. inputs, targets: (batch, time) ids; h_prev:
    (batch, units). Returns (params, adam_state, h_last (batch, units), loss in nats, norm).
    """
    sizes = {}
    _checks.weights("params", params, rnn_numpy.AXES, sizes, exact=True)
    _checks.keys("adam_state", adam_state, ("step", "m", "v"))
    h_prev = _checks.sized("h_prev", h_prev, ("batch", "units"), sizes)  # (batch, units)
    inputs = _checks.sized("inputs", inputs, ("batch", "time"), sizes, kind="int",
                           nonempty=("time",))  # (batch, time)
    _checks.within("inputs", inputs, 0, chars.VOCAB_SIZE - 1)
    targets = _checks.sized("targets", targets, ("batch", "time"), sizes, kind="int")
    clip_norm = _checks.positive("clip_norm", clip_norm)
    x = one_hot(inputs)  # (batch, time, vocab)
    h = rnn_numpy.rnn_forward(x, params, h0=h_prev)  # (batch, time, units)
    loss, dz = cross_entropy(rnn_numpy.rnn_outputs(h, params), targets)  # (b, t, symbols)
    grads = rnn_numpy.rnn_backward(x, h, params, dz, h0=h_prev)
    grads, norm = rnn_numpy.clip_by_global_norm({n: grads[n] for n in params}, clip_norm)
    params, adam_state = train_numpy.adam_update(params, grads, adam_state, learning_rate)
    return params, adam_state, h[:, -1], loss, norm


def fit(params, chunked, *, num_steps, learning_rate, clip_norm, carry=True, every=None,
        label="train"):
    """``num_steps`` updates of :func:`train_step`, going through ``chunked`` in order.

    chunked: from :func:`chunks`; after its last chunk it starts again from the first, with a
    zero state. carry: True starts each chunk from the state the previous one ended in,
    False from zeros. every: print the mean loss of the last ``every`` steps, every
    ``every`` steps. Returns (params, losses), losses (num_steps,) in nats per character.
    """
    _checks.weights("params", params, rnn_numpy.AXES, {}, exact=True)
    num_steps = _checks.integer("num_steps", num_steps, minimum=1)
    _checks.positive("learning_rate", learning_rate)
    _checks.positive("clip_norm", clip_norm)
    _checks.items("chunked", chunked, tuple, "an (inputs, targets) pair from chunks()",
                  min_items=1)
    _checks.instance("carry", carry, (bool, np.bool_), "True or False")
    every = _checks.optional(_checks.integer, "every", every, minimum=1)
    zeros = np.zeros((len(chunked[0][0]), len(params["W_hh"])))  # (batch, units)
    adam_state, h, losses = train_numpy.adam_init(params), zeros, []
    for step in range(num_steps):
        inputs, targets = chunked[step % len(chunked)]  # (batch, time) each
        h = h if carry and step % len(chunked) else zeros  # (batch, units)
        params, adam_state, h, loss, _ = train_step(params, adam_state, h, inputs, targets,
                                                    learning_rate, clip_norm)
        losses.append(loss)
        if every and (step + 1) % every == 0:
            recent = np.mean(losses[-every:])
            print(f"{label} step {step + 1}/{num_steps}: loss {recent:.3f} nats "
                  f"({recent / np.log(2):.3f} bits) per character")
    return params, np.array(losses)


def review_losses(params, reviews, batch_size=32, seq_len=200):
    """-log p_t[y_t] in nats for every character of each review and for its closing END.

    Each review is read on its own, from a zero state, after an END (as it follows the
    previous review in a stream): inputs END, c_1, ..., c_n and targets c_1, ..., c_n, END.
    Reviews of similar length are batched (padded, masked) and read ``seq_len`` steps at a
    time with the state carried. reviews: a list of (length,) id arrays (``chars.encode``).
    Returns a list of (length + 1,) arrays, one per review, in the order given.
    """
    _checks.weights("params", params, rnn_numpy.AXES, {}, exact=True)
    reviews = _checks.ragged("reviews", reviews, low=chars.UNKNOWN, high=chars.VOCAB_SIZE - 1,
                             min_items=1)
    batch_size = _checks.integer("batch_size", batch_size, minimum=1)
    seq_len = _checks.integer("seq_len", seq_len, minimum=1)
    order, result = np.argsort([len(review) for review in reviews]), [None] * len(reviews)
    for group in np.array_split(order, -(-len(order) // batch_size)):
        sizes = [len(reviews[i]) + 1 for i in group]  # steps per review
        inputs = np.full((len(group), max(sizes)), chars.PAD)  # (batch, time)
        targets = np.full(inputs.shape, chars.END)  # (batch, time): END where padded
        for row, i in enumerate(group):
            inputs[row, :sizes[row]] = np.append(chars.END, reviews[i])
            targets[row, :sizes[row] - 1] = reviews[i]
        losses, h = np.empty(inputs.shape), np.zeros((len(group), len(params["W_hh"])))
        for s in range(0, inputs.shape[1], seq_len):
            x = one_hot(inputs[:, s:s + seq_len])  # (batch, time, vocab)
            h_all = rnn_numpy.rnn_forward(x, params, h0=h, mask=inputs[:, s:s + seq_len] > 0)
            z = rnn_numpy.rnn_outputs(h_all, params)  # (batch, time, symbols)
            losses[:, s:s + seq_len], h = char_losses(z, targets[:, s:s + seq_len]), h_all[:, -1]
        for row, i in enumerate(group):
            result[i] = losses[row, :sizes[row]]  # (length + 1,)
    return result


def sample(params, start_ids, num_chars, rng, temperature=1.0):
    """Generate ``num_chars`` ids, one at a time, after reading ``start_ids``.

    At each step p = softmax(z_t / temperature) and the next id is drawn with
    ``rng.choice``; it is then read as the next input. temperature < 1 sharpens p (towards
    the most likely symbol, argmax, as it goes to 0), > 1 flattens it.
    start_ids: (length,) ids, at least one. Returns (num_chars,) int64 ids (1 .. VOCAB_SIZE - 1).
    """
    start_ids = _ids("start_ids", start_ids, ("time",))  # (length,)
    num_chars = _checks.integer("num_chars", num_chars, minimum=1)
    rng = _checks.generator("rng", rng)
    temperature = _checks.positive("temperature", temperature)
    states = rnn_numpy.rnn_forward(one_hot(start_ids[None]), params)  # (1, length, units)
    h, made = states[:, -1], []  # (1, units)
    for _ in range(num_chars):
        z = rnn_numpy.rnn_outputs(h[:, None], params)[0, 0]  # (symbols,)
        made.append(FIRST_ID + rng.choice(len(z), p=_softmax(z / temperature)))
        h = rnn_numpy.rnn_step(one_hot([made[-1]]), h, params)  # (1, units)
    return np.array(made, dtype=np.int64)
