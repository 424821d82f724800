"""Attention weights drawn over text: words with a background colour per word (a review), and
a grid of source characters by output characters (a decoder's alignment).

    fig, ax = plt.subplots()
    text_heatmap(ax, ["a", "great", "film"], [0.1, 0.8, 0.1])

Words are written left to right in a monospace font, from the top-left corner of the axes, and
wrapped into lines of at most ``line_chars`` characters; the colour of each word's box is
``cmap(weight / vmax)`` (``vmax`` defaults to the largest weight), and the word is written in
white on dark boxes, in black on light ones.

    alignment_heatmap(ax, weights, "3 mars 2021", "2021-03-03")   # weights (T_out, T_in)

draws the attention weights of a decoder as a grid: source characters along x, output
characters along y.
"""

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes

from rnncourse import _checks

LUMINANCE = np.array([0.2126, 0.7152, 0.0722])  # relative luminance of (red, green, blue)
# Advance of one DejaVu Sans Mono character is 0.602 font sizes; raster output rounds glyph
# advances up to whole pixels (up to ~7% wider at 100 dpi), so we space words a little wider.
CHAR_WIDTH = 0.65  # width of one character in the layout, in units of the font size
LINE_HEIGHT = 1.9  # distance between lines, in units of the font size
SPACE = "\u2423"  # "␣", how alignment_heatmap shows a space character


def _wrap(words, line_chars):
    """(line, column) of each word when wrapping at ``line_chars`` characters."""
    positions, line, column = [], 0, 0
    for word in words:
        if column > 0 and column + len(word) > line_chars:
            line, column = line + 1, 0
        positions.append((line, column))
        column += len(word) + 1  # one space after each word
    return positions


def text_heatmap(ax, words, weights, line_chars=80, vmax=None, cmap="Reds", fontsize=9):
    """Write ``words`` on ``ax`` with boxes coloured by ``weights (words,)``; return the texts.

    Choose ``line_chars`` so that a line fits the axes: about ``width_in_points / (CHAR_WIDTH *
    fontsize)`` characters. The axes lose their ticks and spines. ``words``: one or more str.
    """
    _checks.instance("ax", ax, Axes, "Matplotlib axes, e.g. from fig, ax = plt.subplots()")
    words = _checks.items("words", words, str, "a word (a str)", min_items=1)
    weights = _checks.array("weights", weights, axes=("words",), shape=(len(words),))
    weights = _checks.within("weights", weights, low=0)  # (words,)
    line_chars = _checks.integer("line_chars", line_chars, minimum=1)
    vmax = weights.max() if vmax is None else _checks.positive("vmax", vmax)
    colormap = _checks.registered("cmap", cmap, mpl.colormaps, "a Matplotlib colormap name "
                                  "such as 'Reds'")
    fontsize = _checks.positive("fontsize", fontsize)
    colours = colormap(weights / max(vmax, np.finfo(float).tiny))  # (words, 4)
    texts = []
    for word, (line, column), colour in zip(words, _wrap(words, line_chars), colours):
        offset = mpl.transforms.ScaledTranslation(
            column * CHAR_WIDTH * fontsize / 72, -(line + 0.5) * LINE_HEIGHT * fontsize / 72,
            ax.figure.dpi_scale_trans,
        )
        ink = "white" if colour[:3] @ LUMINANCE < 0.5 else "black"  # readable on dark boxes
        box = {"facecolor": colour, "edgecolor": "none", "pad": 1.0}
        texts.append(ax.text(0, 1, word, transform=ax.transAxes + offset, family="monospace",
                             fontsize=fontsize, color=ink, va="center", ha="left", bbox=box))
    ax.set(xticks=[], yticks=[])
    ax.spines[:].set_visible(False)
    return texts


def alignment_heatmap(ax, weights, source, output, cmap="Greys", vmax=1.0):
    """Draw attention ``weights (T_out, T_in)`` as a grid: one column per ``source`` character,
    one row per ``output`` character (from the top); return the image (for a colour bar).

    ``source``, ``output``: a str (one character per step) or a list of str (one token per
    step); a space is shown as ``␣``. The colour scale runs from 0 to ``vmax``.
    """
    _checks.instance("ax", ax, Axes, "Matplotlib axes, e.g. from fig, ax = plt.subplots()")
    source = _checks.items("source", list(source) if isinstance(source, str) else source,
                           str, "a character or token (a str)", min_items=1)
    output = _checks.items("output", list(output) if isinstance(output, str) else output,
                           str, "a character or token (a str)", min_items=1)
    weights = _checks.array("weights", weights, axes=("T_out", "T_in"),
                            shape=(len(output), len(source)))
    weights = _checks.within("weights", weights, low=0)  # (T_out, T_in)
    colormap = _checks.registered("cmap", cmap, mpl.colormaps, "a Matplotlib colormap name "
                                  "such as 'Greys'")
    image = ax.imshow(weights, cmap=colormap, vmin=0, vmax=_checks.positive("vmax", vmax),
                      aspect="auto", interpolation="nearest")
    labels = [[SPACE if char == " " else char for char in chars] for chars in (source, output)]
    ax.set_xticks(range(len(source)), labels[0], family="monospace")
    ax.set_yticks(range(len(output)), labels[1], family="monospace")
    ax.set(xlabel="source character", ylabel="output character")
    ax.tick_params(length=0)
    return image
