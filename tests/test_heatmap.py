"""Tests for rnncourse/heatmap.py: one text per word, wrapped lines, colours ordered by weight;
the alignment grid holds the weights with source characters on x, output characters on y."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from rnncourse.heatmap import SPACE, _wrap, alignment_heatmap, text_heatmap  # noqa: E402


def test_wrap_by_hand():
    # "aaa bb" fits in 6 characters; "cccc" starts a new line; "d" fits after it.
    assert _wrap(["aaa", "bb", "cccc", "d"], line_chars=6) == [(0, 0), (0, 4), (1, 0), (1, 5)]
    assert _wrap(["toolongword"], line_chars=4) == [(0, 0)]  # a long word gets its own line


def test_one_text_per_word_coloured_by_weight():
    fig, ax = plt.subplots()
    words = ["not", "a", "great", "film"]
    texts = text_heatmap(ax, words, [0.1, 0.0, 0.7, 0.2], line_chars=10)
    assert [text.get_text() for text in texts] == words
    darkness = [1 - np.mean(text.get_bbox_patch().get_facecolor()[:3]) for text in texts]
    assert np.argsort(darkness).tolist() == [1, 0, 3, 2]  # same order as the weights
    assert texts[2].get_color() == "white" and texts[1].get_color() == "black"
    lines = [text.get_transform().transform((0, 1))[1] for text in texts]  # display y
    assert lines[0] == lines[1] > lines[2] == lines[3]  # "not a" / "great film" (10 characters)
    plt.close(fig)


@pytest.mark.parametrize(
    "weights, message",
    [([0.5], r"weights must have 2 along its words axis.*got shape \(1,\)"),
     ([0.5, np.nan], "weights must be finite"),
     ([0.5, -0.1], r"weights must hold values >= 0; got -0.1 at index \(1,\)")],
)
def test_bad_weights(weights, message):
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match=message):
        text_heatmap(ax, ["a", "b"], weights)
    plt.close(fig)


def test_vmax_sets_the_colour_scale():
    fig, ax = plt.subplots()
    texts = text_heatmap(ax, ["a", "b"], [1.0, 2.0], vmax=4.0, cmap="Greys")
    expected = plt.get_cmap("Greys")(np.array([0.25, 0.5]))  # weight / vmax
    for text, colour in zip(texts, expected):
        np.testing.assert_allclose(text.get_bbox_patch().get_facecolor(), colour)
    plt.close(fig)


def test_all_zero_weights_draw_without_error():
    fig, ax = plt.subplots()
    texts = text_heatmap(ax, ["a", "b"], [0.0, 0.0])
    assert len(texts) == 2
    plt.close(fig)


def test_alignment_heatmap_puts_source_on_x_and_output_on_y():
    fig, ax = plt.subplots()
    weights = np.array([[0.0, 0.1, 0.9], [0.6, 0.4, 0.0]])  # (T_out = 2, T_in = 3)
    image = alignment_heatmap(ax, weights, "a b", ["x", "y"])
    np.testing.assert_array_equal(image.get_array(), weights)  # row t = output step t
    assert [tick.get_text() for tick in ax.get_xticklabels()] == ["a", SPACE, "b"]
    assert [tick.get_text() for tick in ax.get_yticklabels()] == ["x", "y"]
    assert image.get_clim() == (0.0, 1.0)
    assert ax.get_xlabel() == "source character" and ax.get_ylabel() == "output character"
    # imshow puts row 0 at the top: the first output character is the top row.
    assert ax.get_ylim()[0] > ax.get_ylim()[1]
    plt.close(fig)


@pytest.mark.parametrize("weights, message", [
    (np.ones((3, 2)), r"weights must have 2 along its T_out axis"),
    (np.full((2, 3), -0.5), r"weights must hold values >= 0"),
])
def test_alignment_heatmap_bad_weights(weights, message):
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match=message):
        alignment_heatmap(ax, weights, "abc", "xy")
    plt.close(fig)
