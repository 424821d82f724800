"""Chapter 7's task: dates as people write them, in eight locales, translated to ISO 8601.

    from rnncourse import dates
    fit_dates, val_dates, test_dates = dates.split_dates(seed=0)      # disjoint calendar days
    sources, targets, names = dates.examples(fit_dates, dates.TRAINED_FORMATS, seed=0)
    sources[0], targets[0]    # e.g. ('el 14 de agosto de 1987', '1987-08-14')
    source_vocab = dates.Vocabulary.from_texts(sources)           # characters of fit sources
    target_vocab = dates.Vocabulary.targets()                     # "0123456789-"
    ids = source_vocab.encode(sources)                            # (batch, time) int32

Each ``Format`` writes a date with Babel (CLDR month and weekday names and patterns: a
locale's 'full', 'long', 'medium' or 'short' style, or an explicit CLDR pattern) or with a
hand-written informal writer ("3rd of March, 2021", "Mar 3 '21"). No two dates give the same
string: every numeric format puts the day before the month ("03.03.21", "3/3/21") or the year
first ("2021/03/03"); en_US's month-first 'short' style ("3/3/21" for March 3) is left out,
since it would read as es's day-first "3/3/21" for a different date. Two-digit years are
unique because the dates run from 1950 to 2049 (50..99 -> 19xx, 00..49 -> 20xx).

``HELD_OUT_FORMAT`` ("March 3rd, 2021") never appears in fit or validation examples: all its
pieces are in training (English month names before the day in en_US's 'long' style, ordinal
suffixes in "3rd of March, 2021"), only their combination is new; a test of generalisation.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from babel.dates import format_date, get_month_names

from rnncourse import _checks

START, END = datetime.date(1950, 1, 1), datetime.date(2049, 12, 31)  # first and last day


def ordinal(day: int) -> str:
    """3 -> '3rd', 11 -> '11th', 22 -> '22nd'."""
    suffix = "th" if day in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def _month(date: datetime.date, width: str = "wide", locale: str = "en") -> str:
    return get_month_names(width, locale=locale)[date.month]


def ordinal_of(date):  # 3rd of March, 2021
    return f"{ordinal(date.day)} of {_month(date)}, {date.year}"


def apostrophe(date):  # Mar 3 '21
    return f"{_month(date, 'abbreviated')} {date.day} '{date.year % 100:02d}"


def lowercase(date):  # march 3 2021
    return f"{_month(date).lower()} {date.day} {date.year}"


def spanish_el(date):  # el 3 de marzo de 2021
    return f"el {date.day} de {_month(date, locale='es')} de {date.year}"


def french_le(date):  # le 3 mars 2021
    return f"le {date.day} {_month(date, locale='fr')} {date.year}"


def month_ordinal(date):  # March 3rd, 2021
    return f"{_month(date)} {ordinal(date.day)}, {date.year}"


@dataclass(frozen=True)
class Format:
    """One way of writing a date: Babel's ``format_date(date, pattern, locale=locale)``
    (pattern: 'full', 'long', 'medium', 'short' or a CLDR pattern such as 'y/MM/dd'), or,
    if ``writer`` is given, ``writer(date)`` (an informal, hand-written pattern)."""
    name: str
    locale: str = "en"
    pattern: str = ""
    writer: Callable[[datetime.date], str] | None = None

    def write(self, date: datetime.date) -> str:
        _checks.instance("date", date, datetime.date, "a datetime.date")
        if self.writer is not None:
            return self.writer(date)
        return format_date(date, self.pattern, locale=self.locale)


def _styles(locale: str, styles: str) -> tuple[Format, ...]:
    return tuple(Format(f"{locale} {style}", locale, style) for style in styles.split())


FORMATS = (  # every format; TRAINED_FORMATS are all but HELD_OUT_FORMAT
    *_styles("en_US", "full long medium"),  # 'short' (M/d/yy) left out: ambiguous
    *_styles("en_GB", "full long medium short"),
    *_styles("fr", "full long medium"),  # fr 'short' (dd/MM/y) is en_GB's
    *_styles("es", "full long medium short"),
    *_styles("de", "full long medium short"),
    *_styles("it", "full long medium short"),
    *_styles("pt", "full long medium"),  # pt 'short' (dd/MM/y) is en_GB's
    *_styles("nl", "full long medium short"),
    Format("year first", "en", "y/MM/dd"),
    Format("3rd of March, 2021", writer=ordinal_of),
    Format("Mar 3 '21", writer=apostrophe),
    Format("march 3 2021", writer=lowercase),
    Format("el 3 de marzo de 2021", "es", writer=spanish_el),
    Format("le 3 mars 2021", "fr", writer=french_le),
    Format("March 3rd, 2021", writer=month_ordinal),
)
HELD_OUT_FORMAT = FORMATS[-1]  # "March 3rd, 2021": kept out of fit and validation examples
TRAINED_FORMATS = FORMATS[:-1]


def split_dates(start: datetime.date = START, end: datetime.date = END,
                fractions=(0.8, 0.1, 0.1), seed: int = 0) -> tuple[list, list, list]:
    """Every day from start to end (both included), shuffled with ``seed`` and cut into
    (fit, validation, test) lists of ``datetime.date`` in the given fractions (summing to
    1), each list sorted: no day is in two of them."""
    _checks.instance("start", start, datetime.date, "a datetime.date")
    _checks.instance("end", end, datetime.date, "a datetime.date")
    fractions = _checks.array("fractions", fractions, axes=("splits",), shape=(3,))
    if (fractions <= 0).any() or abs(fractions.sum() - 1) > 1e-9:
        raise ValueError(f"fractions must be three positive numbers summing to 1; got "
                         f"{fractions.tolist()}")
    num_days = (end - start).days + 1
    if num_days < 3:
        raise ValueError(f"end must be at least 2 days after start; got {start} to {end}")
    order = np.random.default_rng(_checks.integer("seed", seed, minimum=0)).permutation(num_days)
    cuts = np.round(np.cumsum(fractions)[:2] * num_days).astype(int)
    return tuple(sorted(start + datetime.timedelta(days=int(i)) for i in part)
                 for part in np.split(order, cuts))


def examples(dates, formats=TRAINED_FORMATS, seed: int = 0,
             per_date: int = 1) -> tuple[list, list, list]:
    """Each date written in ``per_date`` different formats drawn with ``seed``: lists of the
    sources ("3 mars 2021"), the targets ("2021-03-03") and each source's format name."""
    _checks.items("dates", dates, datetime.date, "a datetime.date", min_items=1)
    _checks.items("formats", formats, Format, "a dates.Format (e.g. dates.FORMATS[0])",
                  min_items=1)
    per_date = _checks.integer("per_date", per_date, minimum=1, maximum=len(formats))
    rng = np.random.default_rng(_checks.integer("seed", seed, minimum=0))
    sources, targets, names = [], [], []
    for date in dates:
        for index in rng.choice(len(formats), size=per_date, replace=False):
            sources.append(formats[index].write(date))
            targets.append(date.isoformat())
            names.append(formats[index].name)
    return sources, targets, names


@dataclass
class Dataset:
    """The chapter's examples, as ``dataset`` makes them: lists of sources (str), targets
    (ISO dates) and format names per set; ``held_sources`` are the test days again, each
    written in ``HELD_OUT_FORMAT`` (their targets are ``test_targets``)."""
    fit_sources: list
    fit_targets: list
    fit_formats: list
    val_sources: list
    val_targets: list
    val_formats: list
    test_sources: list
    test_targets: list
    test_formats: list
    held_sources: list


def dataset(num_fit: int = 20_000, seed: int = 0) -> Dataset:
    """Chapter 7's data, the one recipe: the calendar split by ``split_dates(seed=seed)``,
    ``num_fit`` fit days drawn from the fit days (seeded), every day written in one trained
    format (seeds ``seed``, ``seed + 1``, ``seed + 2`` for fit, validation and test), and the
    test days in the held-out format."""
    fit_dates, val_dates, test_dates = split_dates(seed=seed)
    num_fit = _checks.integer("num_fit", num_fit, minimum=1, maximum=len(fit_dates))
    rng = np.random.default_rng(seed)
    fit_dates = sorted(rng.choice(fit_dates, num_fit, replace=False))
    held_sources, _, _ = examples(test_dates, [HELD_OUT_FORMAT])
    return Dataset(*examples(fit_dates, seed=seed), *examples(val_dates, seed=seed + 1),
                   *examples(test_dates, seed=seed + 2), held_sources)


class Vocabulary:
    """Characters <-> ids: PAD = 0 (fills batches), BOS = 1 (starts a decoder's input),
    EOS = 2 (ends a target), UNKNOWN = 3 (a character not in the vocabulary), then
    ``characters`` from id 4 on."""
    PAD, BOS, EOS, UNKNOWN = 0, 1, 2, 3
    SPECIALS = ("<pad>", "<bos>", "<eos>", "<unk>")

    def __init__(self, characters: str):
        _checks.instance("characters", characters, str, "a str of distinct characters")
        if not characters or len(set(characters)) != len(characters):
            raise ValueError(f"characters must be distinct and not empty; got {characters!r}")
        self.tokens = self.SPECIALS + tuple(characters)  # id -> token
        self.ids = {char: i for i, char in enumerate(self.tokens) if i >= 4}  # char -> id

    @classmethod
    def from_texts(cls, texts) -> Vocabulary:
        """The characters of ``texts`` (the fit sources), sorted."""
        texts = _checks.items("texts", texts, str, "a str", min_items=1)
        return cls("".join(sorted(set("".join(texts)))))

    @classmethod
    def targets(cls) -> Vocabulary:
        """The fixed vocabulary of ISO dates: the ten digits and '-'."""
        return cls("0123456789-")

    def __len__(self) -> int:
        return len(self.tokens)

    def encode(self, texts, add_bos_eos: bool = False, length: int | None = None) -> np.ndarray:
        """(batch, time) int32 ids, padded with PAD at the end to the longest text (or to
        ``length``); add_bos_eos: BOS before and EOS after each text."""
        texts = _checks.items("texts", texts, str, "a str", min_items=1)
        _checks.instance("add_bos_eos", add_bos_eos, bool, "True or False")
        rows = [[self.ids.get(char, self.UNKNOWN) for char in text] for text in texts]
        if add_bos_eos:
            rows = [[self.BOS, *row, self.EOS] for row in rows]
        longest = max(map(len, rows))
        length = _checks.optional(_checks.integer, "length", length, minimum=longest)
        ids = np.zeros((len(rows), length or longest), dtype=np.int32)  # (batch, time)
        for row, values in zip(ids, rows):
            row[:len(values)] = values
        return ids

    def decode(self, ids) -> list[str]:
        """The text of each row of ``ids`` (batch, time): read up to its first EOS, PAD and
        BOS dropped, UNKNOWN shown as '?'."""
        ids = _checks.array("ids", ids, axes=("batch", "time"), kind="int")
        _checks.within("ids", ids, 0, len(self) - 1)
        texts = []
        for row in ids:
            end = np.flatnonzero(row == self.EOS)
            row = row[:end[0]] if len(end) else row
            texts.append("".join("?" if i == self.UNKNOWN else self.tokens[i]
                                 for i in row if i > self.EOS))
        return texts
