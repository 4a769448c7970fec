"""One rule for "maksud Anda ...?": a known name is offered for an unknown one only when it is really similar.

Names are compared after the normalisation every importer matches with (konvergensi.sources.common.
normalise_name: case, spaces, punctuation, 'Kel.'/'Desa' prefixes and roman numerals do not count). A
known name is similar when

- difflib's ratio of the two normalised names is at least 0.8 (about one typing mistake per five letters:
  'Oesapa Brat' and 'Oesapa Brt' -> 'Oesapa Barat', 'Maulafaa' -> 'Maulafa', 'Tenga' -> 'Tengah'), or
- they differ by exactly one letter typed wrong, missing, extra or two letters swapped, for names of four
  letters or more (a short name like 'Alak' has a ratio of 0.75 for one wrong letter: 'Alek' -> 'Alak'),

and neither name is the other with whole words added: 'Oebobo Baru' or 'Oesapa Barat Daya' may be a new
kelurahan split from Oebobo or Oesapa Barat, and 'Naikoten' may be Naikoten I or II; proposing the
shorter name would put children in the wrong place at one click. Anything else gets no suggestion
either: 'Jakarta' is not a misspelt kelurahan of Kupang. Used by every suggestion: CLI `summary` and
`rakor --area`, e-PPGBM and spreadsheet imports (kelurahan, puskesmas, posyandu, target areas) and
boundary files.
"""

from __future__ import annotations

import difflib
import functools
from typing import Iterable, Mapping
from konvergensi.core.names import name_words

MIN_RATIO = 0.8
MIN_LENGTH_ONE_EDIT = 4


@functools.lru_cache(maxsize=65536)
def _words(text) -> tuple[str, ...]:

    return tuple(name_words(text))


def words(text) -> tuple[str, ...]:
    """The normalised words of a name ('Kel. Oesapa Barat' -> ('oesapa', 'barat'))."""
    try:
        return _words(text)
    except TypeError:   # not hashable

        return tuple(name_words(text))


def key(text) -> str:
    """The normalised form names are compared in ('Kel. Oesapa Barat' -> 'oesapabarat')."""
    return "".join(words(text))


def _more_words(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """True when one name is the other with whole words added ('Oebobo Baru' and 'Oebobo')."""
    sa, sb = set(a), set(b)
    return sa != sb and (sa <= sb or sb <= sa)


def _one_edit(a: str, b: str) -> bool:
    """True when b is a with one letter substituted, inserted or deleted, or two neighbours swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) < len(b):                                   # one letter more in b
        return a[i:] == b[i + 1:]
    if a[i + 1:] == b[i + 1:]:                             # one letter different
        return True
    return a[i:i + 2] == b[i:i + 2][::-1] and a[i + 2:] == b[i + 2:]   # two neighbours swapped


def similarity(a_key: str, b_key: str) -> float:
    """How alike two normalised names are, 0-1: difflib's ratio, raised to MIN_RATIO for a single typo
    in a name of MIN_LENGTH_ONE_EDIT letters or more."""
    ratio = difflib.SequenceMatcher(None, a_key, b_key, autojunk=False).ratio()
    if ratio < MIN_RATIO and min(len(a_key), len(b_key)) >= MIN_LENGTH_ONE_EDIT and _one_edit(a_key, b_key):
        return MIN_RATIO
    return ratio


def similar_names(text, names: Iterable[str] | Mapping[str, str], n: int = 1) -> list[str]:
    """Up to n known names really similar to `text` (best first; [] when none is).

    `names`: the known names, or {spelling: name to offer} when other spellings (aliases, normalised keys)
    should be compared too; each name is offered once, with its best spelling's score."""
    scored = _scores(text, names)
    return sorted(scored, key=lambda name: -scored[name])[:n]


def _scores(text, names) -> dict[str, float]:
    """{known name: similarity} of the names really similar to `text`."""
    wanted_words = words(text)
    wanted = "".join(wanted_words)
    if not wanted:
        return {}
    pairs = names.items() if isinstance(names, Mapping) else ((name, name) for name in names)
    best: dict[str, float] = {}
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(wanted)
    for spelling, name in pairs:
        candidate_words = words(spelling)
        candidate = "".join(candidate_words)
        if not candidate or name is None:
            continue
        matcher.set_seq1(candidate)
        if matcher.real_quick_ratio() < MIN_RATIO and abs(len(candidate) - len(wanted)) > 1:
            continue
        if _more_words(candidate_words, wanted_words):
            continue
        score = similarity(candidate, wanted)
        if score >= MIN_RATIO and score > best.get(name, -1.0):
            best[name] = score
    return best


def similar_name(text, names: Iterable[str] | Mapping[str, str]) -> str | None:
    """The one known name really similar to `text`, or None (see the module's rule). Two names equally
    similar ('Naikoten 3': Naikoten I or Naikoten II?) give None: a suggestion is not a coin toss."""
    scored = _scores(text, names)
    ranked = sorted(scored, key=lambda name: -scored[name])
    if not ranked or (len(ranked) > 1 and scored[ranked[1]] == scored[ranked[0]]):
        return None
    return ranked[0]


def did_you_mean(suggestion: str | None) -> str:
    """'; maksud Anda "Oesapa Barat"?' for a rejected row's reason, '' without a suggestion."""
    return f'; maksud Anda "{suggestion}"?' if suggestion else ""
