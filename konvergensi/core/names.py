"""How two spellings of one place name are compared: accents and case dropped, a leading "Kel." / "Desa" /
"Kec." / "Posyandu" stripped, Roman and spelled numerals as digits ('Kel. Naikoten I' -> naikoten 1). The
importers' region matcher and the "did you mean" suggestions both read names this way.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np


def _ascii_lower(text: str) -> str:
    text = unicodedata.normalize("NFKD", str(text))
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5", "satu": "1", "dua": "2", "tiga": "3",
         "empat": "4", "lima_": "5"}
_PREFIX = re.compile(r"^(kelurahan|kel|desa|ds|kecamatan|kec|puskesmas|pkm|posyandu|psy)\b[\s.:]*")


def name_words(text, *, strip_prefix: bool = True) -> list[str]:
    """The words of a name as normalise_name sees them: 'Kel. Naikoten I' -> ['naikoten', '1']."""
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return []
    t = _ascii_lower(text).strip()
    if strip_prefix:
        t = _PREFIX.sub("", t)
    tokens = re.split(r"[^0-9a-z]+", t)
    return [ROMAN.get(tok, tok) for tok in tokens if tok]
