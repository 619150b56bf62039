"""What the commands print: records in, lines out (sqlite-utils' `output_rows` is the model).

A command hands its records (anything with `to_dict()`) to `rows`, with the output asked for:
"text" renders each record through the command's human renderer here, and every other name is
a machine format of FORMATS, which renders the records' dicts. A new format is one function
registered in FORMATS (plus its test); every listing command offers it as `--NAME`.

Renderers return lines and write nothing: the CLI prints them (stdout for what a command
lists, stderr for its counts). Text made here is safe for a terminal (see `safe`); JSON is
exact. This module imports neither Click nor the index, so that printing costs a search
nothing.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

Lines = Iterator[str]


# ---------------------------------------------------------------------------- machine formats


def json_list(dicts: Iterable[dict]) -> Lines:
    """Print JSON on stdout instead of text.

    A list, indented: `[]` when nothing matched."""
    yield as_json(list(dicts))


def json_lines(dicts: Iterable[dict]) -> Lines:
    """Print one JSON object a line instead of text."""
    for data in dicts:
        yield json.dumps(data, ensure_ascii=False)


# The formats of every listing command, by name: `--json`, `--jsonl`. A format's docstring's
# first line is its option's help.
FORMATS: dict[str, Callable[[Iterable[dict]], Lines]] = {"json": json_list, "jsonl": json_lines}


def rows(records: Iterable, output: str, human: Callable[..., Lines]) -> Lines:
    """The lines that print RECORDS as OUTPUT asks: "text" through HUMAN (a record -> its
    lines), else the format of that name in FORMATS, from each record's `to_dict()`."""
    if output == "text":
        for record in records:
            yield from human(record)
    else:
        yield from FORMATS[output](record.to_dict() for record in records)


def as_json(data) -> str:
    """DATA (one object, for the commands that print one) as `--json` prints it."""
    return json.dumps(data, ensure_ascii=False, indent=2)


# ---------------------------------------------------------------------------- text


# What a file's text, name or catalog must not send to a terminal: control characters (an
# escape sequence could set the window's title or clear the screen), C1 controls, and the
# bidirectional overrides and isolates that reorder what is shown. Each becomes U+FFFD, one
# character for one, so that a snippet's match positions still hold. Tab and newline stay.
_UNSAFE = dict.fromkeys(
    [*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0), *range(0x202A, 0x202F),
     *range(0x2066, 0x206A)], "\ufffd")


def safe(text: str) -> str:
    """TEXT as a terminal may show it (see _UNSAFE); JSON output prints text exactly."""
    return text.translate(_UNSAFE)


def display_path(path: str) -> str:
    """PATH relative to the current folder when it lies below it, as grep would print it."""
    try:
        return safe(str(Path(path).relative_to(Path.cwd())))
    except ValueError:
        return safe(path)


def os_error(exc: OSError) -> str:
    """An OSError as the user needs it: the path, then the reason."""
    reason = exc.strerror or str(exc)
    if exc.filename is None:
        return reason
    return f"{display_path(os.fsdecode(exc.filename))}: {reason}"


def bold(text: str) -> str:
    return f"\033[1m{text}\033[0m"


def magenta(text: str) -> str:
    return f"\033[35m{text}\033[0m"


def plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def counts(counter) -> str:
    """A Counter, most first: "lt 9, lv 4, en 1"."""
    return ", ".join(f"{key} {n}" for key, n in counter.most_common()) or "-"


def ranges(numbers: list[int]) -> str:
    """1, 2, 3, 5 -> "pages 1-3, 5"."""
    runs: list[list[int]] = []
    for n in sorted(numbers):
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return "pages " + ", ".join(f"{a}-{b}" if a != b else f"{a}" for a, b in runs)


def local_time(stamp: str | None) -> str | None:
    """An ISO 8601 time in UTC as the clock here shows it, to the minute."""
    if not stamp:
        return None
    from datetime import datetime

    return datetime.fromisoformat(stamp).astimezone().strftime("%Y-%m-%d %H:%M")


# ---------------------------------------------------------------------------- search, similar


def _location(hit, color: bool) -> str:
    location = f"{display_path(hit.path)}:{hit.page}"
    location = magenta(location) if color else location
    return f"{location} [ocr]" if hit.ocr else location


def highlight(snippet, color: bool) -> str:
    """A snippet's text, its matched words bold when COLOR."""
    text = safe(snippet.text)
    if not color:
        return text
    out, pos = [], 0
    for start, end in snippet.matches:
        out.append(text[pos:start])
        out.append(bold(text[start:end]))
        pos = end
    out.append(text[pos:])
    return "".join(out)


def page(hit, color: bool = False) -> Lines:
    """A matching page (`search --pages`): `path:page` with its talk, then its snippet."""
    details = safe(" · ".join(x for x in (hit.title, hit.speaker, hit.lang) if x))
    yield f"{_location(hit, color)}  {details}"
    yield f"    {highlight(hit.snippet, color)}"


def talk(entry, color: bool = False) -> Lines:
    """A matching talk (`search`, `similar`): its file and what it is, its best pages as
    `path:page  snippet`, and its other versions."""
    best = entry.best
    about = safe(" · ".join(x for x in (best.title, best.speaker, best.doc_lang) if x))
    head = display_path(best.path)
    yield f"{bold(head) if color else head}  {about}"
    for hit in entry.pages:
        yield f"  {_location(hit, color)}  {highlight(hit.snippet, color)}"
    if entry.versions:
        others = ", ".join(f"{display_path(v.path)} ({v.lang})" for v in entry.versions)
        yield safe(f"  also: {others}")


def search_counts(found) -> Lines:
    """How many talks (files, pages) matched and which are shown; the query suggested."""
    if found.by_page:
        counted = plural(found.total, "matching page")
    else:
        counted = (f"{plural(found.total, 'talk' if found.collapse else 'file')}, "
                   f"{plural(found.total_pages, 'page')} match")
    shown = (f" (showing {found.offset + 1}-{found.offset + len(found.entries)})"
             if found.entries and (found.offset or found.total > len(found.entries)) else "")
    yield safe(f"{counted}{shown}")


def exported(report) -> Lines:
    """What `archive export` wrote, and where."""
    deleted = (f", {plural(report.deleted_pages, 'page')} deleted"
               f" ({plural(report.deleted_files, 'file')} gone)" if report.deleted_pages else "")
    files = ", ".join(report.chunks[:1] + (("…", report.chunks[-1]) if len(report.chunks) > 2
                                           else report.chunks[1:]))
    yield safe(f"{plural(report.pages, 'page')} of {plural(report.files, 'file')} exported"
               f"{' (changed since the last export)' if report.since else ''}{deleted}: "
               f"{display_path(report.out_dir)}/mapping.json and "
               f"{plural(len(report.chunks), 'bulk file')}" + (f" ({files})" if files else ""))


# ---------------------------------------------------------------------------- files, speakers


def indexed_file(entry) -> Lines:
    if entry.status == "failed":
        yield safe(f"{display_path(entry.path)}  failed: {entry.reason}")
    else:
        about = " · ".join(x for x in (plural(entry.pages, "page"), entry.lang, entry.speaker,
                                       local_time(entry.indexed)) if x)
        yield safe(f"{display_path(entry.path)}  {about}")


def files_counts(entries: list) -> Lines:
    failed = sum(entry.status == "failed" for entry in entries)
    yield f"{plural(len(entries) - failed, 'file')} indexed, {failed} failed"


def person(person) -> Lines:
    others = [s for s in person.spellings if s != person.name]
    langs = ", ".join(f"{lang} {n}" for lang, n in person.languages.items())
    yield safe(f"{person.name}  ({plural(person.talks, 'talk')}: {langs})"
               + (f"  also: {'; '.join(others)}" if others else ""))


# ---------------------------------------------------------------------------- show, inspect


def _readable(key: str, value) -> str:
    """A stored value as a person reads it: names one after another, shares in per cent."""
    if key == "path":
        return display_path(value)
    if isinstance(value, dict):
        return ", ".join(f"{k} {v:.0%}" if isinstance(v, float) else f"{k} {v}"
                         for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return "; ".join(map(str, value))
    return str(value)


def stored(found) -> Lines:
    """What the index holds of a file (`show`): each value it has, then each page's text."""
    for key, value in found.file.items():
        if value not in (None, "", [], {}):
            yield safe(f"{key + ':':20} {_readable(key, value)}")
    for record in found.pages:
        yield safe(f"\n--- {display_path(record.path)}:{record.page}  [{record.lang}]")
        if record.ocr_from is None:
            yield safe(record.content)
            continue
        if record.content[:record.ocr_from].strip():
            yield safe(record.content[:record.ocr_from].rstrip("\n"))
        yield OCR_HEADING
        yield safe(record.content[record.ocr_from:])


# Above the text a page's pictures gave (`show`), in the kinds' style of `inspect`.
OCR_HEADING = "[ocr]"


def document(doc) -> Lines:
    """A file read as indexing would read it (`inspect`): each page's text under the kinds of
    its parts (`[body]`, `[notes]`, `[chart]`, ...; see indexer.model.PART_KINDS) when the
    extractor tells them apart."""
    speaker = doc.speaker
    yield safe(f"{'path:':12} {display_path(doc.path)} ({doc.format}, "
               f"{plural(len(doc.pages), 'page')})")
    yield safe(f"{'title:':12} {doc.title or '-'}")
    if speaker:
        yield safe(f"{'speaker:':12} {speaker.name} (from {speaker.source}, confidence "
                   f"{speaker.confidence}; spellings: {'; '.join(speaker.spellings)})")
    else:
        yield safe(f"{'speaker:':12} - (metadata author: {doc.author or '-'})")
    shares = ", ".join(f"{lang} {share:.0%}" for lang, share in doc.languages.items())
    yield safe(f"{'language:':12} {doc.lang or 'none'} ({shares or 'no text'})")
    if doc.skipped_pages:
        yield safe(f"{'unreadable:':12} pages {', '.join(map(str, doc.skipped_pages))}")
    if doc.cut_pages:
        yield safe(f"{'text cut:':12} pages {', '.join(map(str, doc.cut_pages))}")
    read = [page.number for page in doc.pages if page.ocr_from is not None]
    unread = [number for number in doc.picture_pages if number not in read]
    if unread:
        yield (f"{'pictures:':12} pages {', '.join(map(str, unread))}: pictures but (nearly) "
               "no text (`--ocr` reads pictures of text)")
    if read:
        yield f"{'ocr:':12} pages {', '.join(map(str, read))}: text read from pictures"
    for each in doc.pages:
        yield safe(f"\n--- page {each.number}  [{each.lang or 'none'}]")
        if each.parts:  # where each piece came from: "[chart]" above a chart's text
            for kind, text in each.parts:
                yield safe(f"[{kind}]")
                yield safe(text)
        else:
            yield safe(each.text)


# ---------------------------------------------------------------------------- stats, check


def stats(result, index_dir) -> Lines:
    yield safe(f"Index: {index_dir}")
    yield f"Documents: {result.documents}"
    yield f"Pages:     {result.pages}"
    for label, by in (
        ("Documents by event", result.documents_by_event),
        ("Documents by year", result.documents_by_year),
        ("Documents by language", result.documents_by_lang),
        ("Documents with pages in", result.documents_with_lang),
        ("Pages by language", result.pages_by_lang),
        ("Documents by format", result.documents_by_format),
        ("Documents by speaker", result.documents_by_speaker),
    ):
        yield f"{label}:"
        for key, n in by.items():
            yield safe(f"  {n:5d}  {key}")


def check_sound(report) -> Lines:
    compared = ("checksums compared" if report.checksums else "no checksums on record "
                "for this generation yet: the next index run records them")
    yield safe(f"{report.index}: sound: {plural(report.files, 'file')}, "
               f"{plural(report.pages, 'page')}; {compared}")


def check_remedy(report) -> Lines:
    source = report.rebuild_from or "PATH"
    yield safe(f"`archive --index {report.index} index --rebuild {display_path(source)}` "
               "builds the index again from the files")


# ---------------------------------------------------------------------------- index


def plan(plan) -> Lines:
    """What an index run would do (`index --dry-run`), a line a file."""
    for label, files in (("add", plan.add), ("update", plan.update + plan.retry),
                         ("catalog", plan.recatalog), ("ocr", plan.ocr)):
        for file in files:
            yield safe(f"{label}  {display_path(file.path)}")
    for old, file in plan.move:
        yield safe(f"move  {display_path(old)} -> {display_path(file.path)}")
    for path in plan.remove:
        yield safe(f"remove  {display_path(path)}")


def plan_counts(plan) -> Lines:
    failing = {file.path for file in plan.failing}
    unchanged = len(plan.unchanged) + sum(f.path not in failing for f in plan.touch)
    yield (f"{len(plan.add)} to add, {len(plan.update) + len(plan.retry)} to update, "
           f"{len(plan.move)} to move, {len(plan.remove)} to remove, "
           f"{len(plan.recatalog)} to apply the catalog to, "
           f"{len(plan.ocr)} to read for pictures of text, {unchanged} unchanged, "
           f"{len(plan.failing)} failed earlier")


def index_summary(report, index_dir) -> Lines:
    """What an index run did, for stderr."""
    yield safe(f"{report.added} added, {report.updated} updated, {report.moved} moved, "
               f"{report.unchanged + report.touched} unchanged, {report.removed} removed, "
               f"{len(report.failures)} failed: {plural(report.pages, 'page')} read "
               f"in {report.seconds:.1f} s into {index_dir}")
    if report.files:
        yield f"  documents by language: {counts(report.documents_by_lang)}"
        yield f"  pages by language:     {counts(report.pages_by_lang)}"
    if report.vocabulary_rebuilt is not None:
        yield (f"  the vocabulary was missing or damaged: made again from "
               f"{plural(report.vocabulary_rebuilt, 'page')}")
    if report.recatalogued:
        yield (f"  catalog applied again: {plural(report.recatalogued, 'file')} whose row "
               "changed (not read again)")
    if report.skipped_pages:
        yield f"  unreadable pages skipped: {report.skipped_pages}"
    if report.ocr_pages:
        yield f"  text read from pictures on {plural(report.ocr_pages, 'page')}"
    if report.picture_pages and report.ocr:
        yield (f"  pictures but no text on {plural(report.picture_pages, 'page')}, none read "
               "from the pictures either (`archive inspect FILE` names them)")
    elif report.picture_pages:
        yield (f"  {plural(report.picture_pages, 'page')} may hold pictures of text: --ocr "
               "reads them (`archive inspect FILE` names them)")
    for path, pages in report.cut:
        yield safe(f"  {display_path(path)}: text cut on {plural(len(pages), 'page')} (too long "
                   "to be slide text)")
    if report.failing:
        yield (f"  {report.failing} failed earlier and unchanged; `--retry-failed` reads them "
               "again, `archive files --failed` lists them")


# ---------------------------------------------------------------------------- analyze, detect


def _asked(asked) -> str:
    if asked.literal:
        return "as spelled"
    parts = [f"{lang} {'|'.join(keys)}" for lang, keys in asked.keys.items()]
    parts += [f"{lang} folded {'|'.join(keys)}" for lang, keys in asked.folded.items()]
    return ", ".join(parts) or "as spelled"


def word_keys(words: list) -> Lines:
    """A line of `analyze`: each word's index keys and query keys (pairs of an analysed token
    and its `QueryKeys`), aligned."""
    width = max((len(item.token) for item, _ in words), default=0)
    for item, asked in words:
        yield safe(f"{item.token:{width}}  index {'|'.join(item.keys):14} "
                   f"query {_asked(asked)}")


def word_keys_json(words: list) -> Lines:
    """A line of `analyze --json`: one JSON list of its words."""
    yield json.dumps([
        {"token": item.token, "start": item.start, "end": item.end, "index": list(item.keys),
         "query": asked.to_dict()} for item, asked in words
    ], ensure_ascii=False)


def language(found) -> Lines:
    """A line of `detect`."""
    yield f"{found.lang or 'none'} {found.confidence:.3f}"


def language_json(found) -> Lines:
    """A line of `detect --json`."""
    yield json.dumps(found.to_dict())
