r"""User data shown as text, never as Markdown: one escape for every name, note and file name the app
puts into Streamlit text (st.markdown, st.caption, st.info, labels, st.table cells ...).

Streamlit renders Markdown (images fetched from any address, links), LaTeX between `$`, colour and
icon directives (`:red[...]`, `:material/...:`) and HTML-like text in those calls. A kelurahan, posyandu
or file name comes from an uploaded file, so it is escaped before it is put into such a call:

    >>> print(md("![x](http://127.0.0.1:9/x.png) <img src=x> $1$ :red[a] *b*"))
    \!\[x\](http\://127.0.0.1:9/x.png) \<img src=x\> \$1\$ \:red\[a\] \*b\*
    >>> print(md("Berkas 'rusak.xlsx': kolom (Desa/Kel) 15,5%"))
    Berkas 'rusak.xlsx': kolom (Desa/Kel) 15,5%

CommonMark lets a backslash escape any ASCII punctuation, so the text is shown exactly as written.
Line breaks become spaces and a leading '#', '-', '>' or '1.' is escaped (a name never starts a heading,
list or quote). No Streamlit here.
"""

from __future__ import annotations

import re
import string

# Characters with a meaning wherever they stand: emphasis, code, links and images, raw HTML and
# autolinks, entities, GFM tables and strikethrough, LaTeX, e-mail autolinks.
_ALWAYS = re.compile(r"([\\`*\[\]<>!|$~&@])")
# '_' emphasises only next to a non-letter: 'besar_sekali.csv' stays as it is, '_x_' is escaped.
_UNDERSCORE = re.compile(r"(?<![^\W_])_|_(?![^\W_])")
# A colon before a letter or '/' starts a Streamlit directive (:red[...], :material/icon:) or a URL
# scheme (http://, an autolink); 'www.' starts a GFM autolink.
_COLON = re.compile(r":(?=[A-Za-z_/])")
_WWW = re.compile(r"(?i)(?<=www)\.")
# At the start of the text: a heading, list item, quote, thematic break or ordered list ("1.").
_START = re.compile(r"^(\s*)(#{1,6}(?=\s|$)|[+\-](?=\s|$)|>|\d+(?=[.)](?:\s|$))|-(?=(?:\s*-){2,}\s*$))")
_ESCAPED = re.compile("\\\\([" + re.escape(string.punctuation) + "])")
_BREAKS = re.compile(r"[\r\n\t\v\f\u2028\u2029]+")


def md(value) -> str:
    """`value` as literal text inside Markdown: the characters that would format, link, embed or
    typeset backslash-escaped, line breaks as spaces. Ordinary text (letters, digits, '.,:;()-/%')
    is left as it is. None -> ''."""
    if value is None:
        return ""
    out = _ALWAYS.sub(r"\\\1", _BREAKS.sub(" ", str(value)))
    out = _UNDERSCORE.sub(r"\\_", out)
    out = _WWW.sub(r"\\.", _COLON.sub(r"\\:", out))
    match = _START.match(out)
    if match:
        marker = match.group(2)
        if marker[0].isdigit():            # "1." / "1)": escape the dot or bracket after the number
            stop = match.end()
            out = out[:stop] + "\\" + out[stop:]
        else:
            out = out[:match.start(2)] + "\\" + out[match.start(2):]
    return out


def plain(escaped: str) -> str:
    """The text `md` escaped, as the reader sees it (for tests and for comparing with stored names)."""
    return _ESCAPED.sub(r"\1", escaped)


def md_list(values, sep: str = ", ") -> str:
    """Several user-provided names, each escaped, joined by `sep` (which is not escaped)."""
    return sep.join(md(v) for v in values)
