"""pypdf, made faster where it repeats work, by replacing a few of its internal functions for
the length of a block (`applied`). They are pypdf's private names, so they are replaced only in
the pypdf release they were written and tested against (TESTED; setup.cfg asks for it), and
`ARCHIVE_PLAIN_PYPDF=1` turns them off: the text is the same either way (tests/test_extract.py
compares the two), only slower without them.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import pypdf

logger = logging.getLogger(__name__)

# The pypdf release (major.minor) these replacements were written against.
TESTED = "7.1"


def enabled() -> bool:
    """Whether the replacements apply: the tested pypdf, and not switched off."""
    if os.environ.get("ARCHIVE_PLAIN_PYPDF", "") not in ("", "0"):
        return False
    return pypdf.__version__.split(".")[:2] == TESTED.split(".")


@contextmanager
def applied() -> Iterator[None]:
    """pypdf with every replacement of this module, within the block (where `enabled`)."""
    if not enabled():
        yield
        return
    with fonts_read_once(), strings_read_whole():
        yield


def _font_class():
    """pypdf's Font, where it builds a font's character map from its PDF object (pypdf 7);
    None in versions that build it elsewhere."""
    try:
        from pypdf.generic._font import Font
    except ImportError:
        return None
    return Font if isinstance(Font.__dict__.get("from_font_resource"), classmethod) else None


def _text_extractor():
    """pypdf's module of the per-page text extractor, where it builds the default font's
    encoding table (pypdf 6-7); None in versions without it."""
    try:
        from pypdf._text_extraction import _text_extractor
    except ImportError:
        return None
    known = hasattr(_text_extractor, "encoding_dict_from_named_encoding")
    return _text_extractor if known else None


@contextmanager
def fonts_read_once() -> Iterator[None]:
    """Within the block, each font object is read into a character map once, not on every
    page that uses it, and the default font's encoding table is built once. pypdf reads a
    page's fonts afresh for each page (decoding the font's encoding and widths: a quarter of
    the time to extract a deck's text), while a deck's pages share their font objects; and it
    builds the table of its stand-in font, before a page names one, by decoding each of 256
    bytes (a fifth of what remained). A character's width, looked up for each new character of
    each string shown, is read from the font's table without building a list to sum (a twentieth
    of what remained). Where pypdf has none of these (older versions), a plain block."""
    font, extractor = _font_class(), _text_extractor()
    with ExitStack() as replaced:
        if font is not None:
            read = font.__dict__["from_font_resource"]
            # id -> (the font object and its values, kept alive to be compared; its Font)
            seen: dict[int, tuple[object, tuple, object]] = {}

            def read_once(cls, font_object):
                values = tuple(font_object.values()) if hasattr(font_object, "values") else ()
                known = seen.get(id(font_object))
                if (known is None or known[0] is not font_object or len(known[1]) != len(values)
                        or any(a is not b for a, b in zip(known[1], values))):
                    # Not seen, or changed in place since: read again, as pypdf would.
                    known = (font_object, values, read.__func__(cls, font_object))
                    seen[id(font_object)] = known
                return known[2]

            replaced.enter_context(_replaced(font, "from_font_resource", classmethod(read_once)))
            width = font.get_text_width

            def text_width(self, text=""):
                if len(text) != 1:
                    return width(self, text)
                widths = self.character_widths
                return 0.0 + widths.get(text, widths["default"])

            replaced.enter_context(_replaced(font, "get_text_width", text_width))
        if extractor is not None:
            build = extractor.encoding_dict_from_named_encoding
            tables: dict[str, dict] = {}

            def build_once(encoding):
                if encoding not in tables:
                    tables[encoding] = build(encoding)
                return dict(tables[encoding])  # each font its own, as pypdf gives it

            replaced.enter_context(
                _replaced(extractor, "encoding_dict_from_named_encoding", build_once))
        yield


def _content_parser():
    """pypdf's module that parses content streams, reading each string object it meets with
    `read_string_from_stream` (pypdf 7); None in versions that read them elsewhere."""
    try:
        from pypdf.generic import _data_structures, _utils
    except ImportError:
        return None
    known = hasattr(_data_structures, "read_string_from_stream") and hasattr(
        _utils, "__ESCAPE_DICT__")
    return _data_structures if known else None


@contextmanager
def strings_read_whole() -> Iterator[None]:
    """Within the block, pypdf reads a string of a content stream, "(...)", a run of plain
    bytes at a time, where it reads one byte at a time (a seventh of the time to extract a
    bench deck's text); the same bytes come out. A string this cannot finish within what it
    reads ahead (one longer than that, an escape pypdf warns about, the stream's end) is read
    by pypdf's own function, from where it starts."""
    parser = _content_parser()
    if parser is None:
        yield
        return
    original = parser.read_string_from_stream
    from pypdf.generic import _utils

    escapes = {name[0]: bytes([code]) for name, code in _utils.__ESCAPE_DICT__.items()}

    def read_string(stream, forced_encoding=None):
        start = stream.tell()
        found = _read_literal(stream.read(STRING_READ_AHEAD), escapes)
        if found is None:
            stream.seek(start)
            return original(stream, forced_encoding)
        value, length = found
        stream.seek(start + length)
        return _utils.create_string_object(value, forced_encoding)

    with _replaced(parser, "read_string_from_stream", read_string):
        yield


STRING_READ_AHEAD = 4096
_STRING_SPECIAL = re.compile(rb"[()\\]")
_OCTAL = frozenset(b"01234567")
_EOL = frozenset(b"\r\n")


def _read_literal(data: bytes, escapes: dict[int, bytes]) -> tuple[bytes, int] | None:
    """The value of the literal string DATA starts with ("(" included) and how many bytes of
    DATA it takes, as pypdf's `read_string_from_stream` reads it with ESCAPES (the byte after a
    backslash -> what it stands for); None where that would be decided past DATA's end or
    warned about."""
    value, position, depth, end = bytearray(), 1, 1, len(data)
    while True:
        special = _STRING_SPECIAL.search(data, position)
        if special is None:
            return None
        at = special.start()
        value += data[position:at]
        byte = data[at]
        if byte != 0x5C:  # "(" or ")"
            depth += 1 if byte == 0x28 else -1
            if depth == 0:
                return bytes(value), at + 1
            value.append(byte)
            position = at + 1
            continue
        if at + 3 >= end:  # an escape's longest form must be read whole
            return None
        escaped = data[at + 1]
        if escaped in escapes:
            value += escapes[escaped]
            position = at + 2
        elif escaped in _OCTAL:
            digits = at + 2
            while digits < at + 4 and data[digits] in _OCTAL:
                digits += 1
            code = int(data[at + 1 : digits], 8)
            if code > 255:  # pypdf keeps the backslash and reads the digits as they are
                value.append(0x5C)
                position = at + 1
            else:
                value.append(code)
                position = digits
        elif escaped in _EOL:  # a line continued: nothing, and a second end-of-line goes too
            position = at + 3 if data[at + 2] in _EOL else at + 2
        else:
            return None


@contextmanager
def _replaced(owner, name: str, value) -> Iterator[None]:
    """OWNER's attribute NAME is VALUE within the block, and what it was after."""
    original = owner.__dict__[name]
    setattr(owner, name, value)
    try:
        yield
    finally:
        setattr(owner, name, original)
