"""The web pages of `archive serve`, as strings of HTML: search, a talk, speakers, stats.

Every value from the index or the request reaches the page through `_e` (escaped for text
and for attribute values alike), so a slide that says `<script>` shows those characters. The
pages need no script and load nothing from elsewhere: one style sheet, from the server.
"""

from __future__ import annotations

from functools import lru_cache
from html import escape
from urllib.parse import quote, urlencode

from archive.output import OCR_HEADING, plural
from archive.output import display_path as _display_path

LANGUAGE_NAMES = {"lv": "latviešu", "lt": "lietuvių", "en": "English", "none": "—"}
FACET_LABELS = {"lang": "Language", "speaker": "Speaker", "event": "Event", "year": "Year"}
# Values a facet lists at most, the most frequent first.
FACET_VALUES = 12
# The search parameters a page keeps in its links (`q` and the filters).
SEARCH_PARAMS = ("q", "lang", "speaker", "event", "year", "exact")

STYLE = """
:root { --ink: #1d232b; --soft: #5b6673; --line: #d9dee4; --accent: #0b5cad; --mark: #fff0a6; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       color: var(--ink); background: #fafbfc; }
header { background: #14345a; color: #fff; padding: .6rem 1rem; display: flex; flex-wrap: wrap;
         gap: .6rem 1.2rem; align-items: center; }
header a { color: #fff; text-decoration: none; }
header .name { font-weight: 700; font-size: 1.15rem; }
header nav { display: flex; gap: 1rem; }
form.search { display: flex; gap: .4rem; flex: 1 1 20rem; }
form.search input[type=search] { flex: 1; min-width: 0; padding: .45rem .6rem; font-size: 1rem;
                                 border: 1px solid #8aa; border-radius: 4px; }
form.search button { padding: .45rem .9rem; font-size: 1rem; border: 0; border-radius: 4px;
                     background: #f2c14e; color: #14345a; font-weight: 600; }
main { display: flex; flex-wrap: wrap; gap: 1.5rem; max-width: 72rem; margin: 0 auto;
       padding: 1rem; }
.results { flex: 1 1 30rem; min-width: 0; }
aside { flex: 0 1 15rem; min-width: 12rem; font-size: .92rem; }
aside h2 { font-size: .95rem; margin: 1rem 0 .3rem; color: var(--soft); }
aside ul { list-style: none; margin: 0; padding: 0; }
aside li { margin: .15rem 0; }
.count { color: var(--soft); }
.chosen { display: inline-block; background: #e3eefb; border-radius: 1rem; padding: .1rem .6rem;
          margin: 0 .3rem .3rem 0; }
.talk { border-bottom: 1px solid var(--line); padding: .8rem 0; }
.talk h2 { font-size: 1.08rem; margin: 0 0 .2rem; }
.meta { color: var(--soft); font-size: .9rem; }
.hit { margin: .45rem 0 .45rem .8rem; overflow-wrap: anywhere; }
.hit .where { font-family: ui-monospace, monospace; font-size: .85rem; }
mark { background: var(--mark); padding: 0 .1em; }
a { color: var(--accent); }
.pager { display: flex; gap: 1rem; margin: 1rem 0; }
.note, .suggest { background: #fff7e0; border-left: 4px solid #f2c14e; padding: .4rem .7rem; }
.problem { background: #fdecea; border-left: 4px solid #c0392b; padding: .6rem .9rem; }
.slide { border: 1px solid var(--line); background: #fff; border-radius: 4px; padding: .6rem .9rem;
         margin: .8rem 0; }
.slide h3 { font-size: .95rem; margin: 0 0 .4rem; }
.slide pre { white-space: pre-wrap; overflow-wrap: anywhere; font: inherit; margin: 0; }
.ocr { color: var(--soft); font-size: .85rem; }
table { border-collapse: collapse; margin-bottom: 1rem; }
td, th { text-align: left; padding: .15rem .8rem .15rem 0; vertical-align: top; }
td { overflow-wrap: anywhere; }
h1 { font-size: 1.5rem; overflow-wrap: anywhere; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
@media (max-width: 40rem) { aside { flex-basis: 100%; } .hit { margin-left: 0; } }
"""


@lru_cache(maxsize=4096)
def display_path(path: str) -> str:
    """A path as the commands print it (the server's folder does not change)."""
    return _display_path(path)


def _e(value) -> str:
    return escape(str(value), quote=True)


def search_url(params: dict[str, str], **changes) -> str:
    """The search page for PARAMS with CHANGES (None removes one)."""
    kept = {k: v for k, v in {**params, **changes}.items() if k in (*SEARCH_PARAMS, "page") and v}
    return "/?" + urlencode(kept) if kept else "/"


def talk_url(path: str, page: int | None = None) -> str:
    return f"/talk?{urlencode({'path': path})}" + (f"#p{page}" if page else "")


def file_url(path: str, format: str, page: int | None = None) -> str:
    """The file itself; a PDF at PAGE (browsers' PDF viewers honour #page=N)."""
    url = f"/file?{urlencode({'path': path})}"
    return url + f"#page={page}" if page and format == "pdf" else url


def layout(title: str, body: str, query: str = "") -> str:
    return f"""<!doctype html>
<html lang="lv">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(title)} · archive</title>
<link rel="stylesheet" href="/style.css">
</head>
<body>
<header>
<a class="name" href="/">archive</a>
<form class="search" action="/" method="get" role="search">
<input type="search" name="q" value="{_e(query)}" placeholder="LEAN, pašvaldību sadarbība, speaker:kucas…" aria-label="Search" autofocus>
<button type="submit">Search</button>
</form>
<nav><a href="/speakers">Speakers</a><a href="/stats">Stats</a></nav>
</header>
{body}
</body>
</html>
"""


def _marked(snippet) -> str:
    """A snippet's text, escaped, its matched words in <mark>."""
    out, pos, text = [], 0, snippet.text
    for start, end in snippet.matches:
        out.append(f"{_e(text[pos:start])}<mark>{_e(text[start:end])}</mark>")
        pos = end
    out.append(_e(text[pos:]))
    return "".join(out)


def _about(*parts) -> str:
    return " · ".join(_e(part) for part in parts if part)


def _language(lang: str) -> str:
    return LANGUAGE_NAMES.get(lang, lang)


def _hit(hit) -> str:
    where = f"{display_path(hit.path)}:{hit.page}"
    ocr = ' <span class="ocr">[ocr]</span>' if hit.ocr else ""
    return (f'<div class="hit"><a class="where" href="{_e(file_url(hit.path, hit.format, hit.page))}">'
            f'{_e(where)}</a>{ocr} <a class="meta" href="{_e(talk_url(hit.path, hit.page))}">'
            f'slide text</a><br>{_marked(hit.snippet)}</div>')


def talk_entry(entry) -> str:
    """A matching talk: its title (to its page), what it is, its best slides, its versions."""
    best = entry.best
    versions = ""
    if entry.versions:
        links = ", ".join(f'<a href="{_e(talk_url(v.path))}">{_e(display_path(v.path))}</a> '
                          f'({_e(v.lang)})' for v in entry.versions)
        versions = f'<div class="meta">also: {links}</div>'
    return (f'<article class="talk"><h2><a href="{_e(talk_url(best.path))}">'
            f'{_e(best.title or display_path(best.path))}</a></h2>'
            f'<div class="meta">{_about(best.speaker, _language(best.doc_lang), best.format.upper())}'
            f' · <a href="{_e(file_url(best.path, best.format))}">{_e(display_path(best.path))}</a>'
            f'</div>{"".join(_hit(hit) for hit in entry.pages)}{versions}</article>')


def _facets(params: dict[str, str], facets: dict[str, dict[str, int]] | None) -> str:
    out = []
    for facet, label in FACET_LABELS.items():
        chosen = params.get(facet)
        if chosen:
            shown = _language(chosen) if facet == "lang" else chosen
            out.append(f'<h2>{label}</h2><span class="chosen">{_e(shown)} '
                       f'<a href="{_e(search_url(params, **{facet: None, "page": None}))}" '
                       f'title="Remove this filter">×</a></span>')
            continue
        values = list((facets or {}).get(facet, {}).items())[:FACET_VALUES]
        if not values:
            continue
        items = "".join(
            f'<li><a href="{_e(search_url(params, **{facet: value, "page": None}))}">'
            f'{_e(_language(value) if facet == "lang" else value)}</a> '
            f'<span class="count">{n}</span></li>' for value, n in values)
        out.append(f"<h2>{label}</h2><ul>{items}</ul>")
    return f'<aside aria-label="Filters">{"".join(out)}</aside>' if out else ""


def search_page(params: dict[str, str], found, page: int, per_page: int) -> str:
    """The results of a search: talks best first, the filters with counts, paging."""
    query = params.get("q", "")
    parts = [f'<p class="note">{_e(note)}</p>' for note in found.notes]
    if found.suggestion:
        parts.append(f'<p class="suggest">Did you mean: <a href="'
                     f'{_e(search_url(params, q=found.suggestion, page=None))}">'
                     f'{_e(found.suggestion)}</a>?</p>')
    first = found.offset + 1
    last = found.offset + len(found.entries)
    shown = f" (showing {first}–{last})" if found.entries and found.total > len(found.entries) else ""
    parts.append(f'<p class="meta" id="counts">{plural(found.total, "talk")}, '
                 f'{plural(found.total_pages, "page")} match{shown}</p>')
    parts.extend(talk_entry(entry) for entry in found.entries)
    pager = []
    if page > 1:
        pager.append(f'<a rel="prev" href="{_e(search_url(params, page=str(page - 1)))}">← Previous</a>')
    if last < found.total:
        pager.append(f'<a rel="next" href="{_e(search_url(params, page=str(page + 1)))}">Next →</a>')
    if pager:
        parts.append(f'<nav class="pager">{"".join(pager)}</nav>')
    body = (f'<main><section class="results">{"".join(parts)}</section>'
            f"{_facets(params, found.facets)}</main>")
    return layout(query or "Search", body, query)


def home_page(stats) -> str:
    """The search page before a query: what the archive holds, and how to ask."""
    body = (f'<main><section class="results"><p>{plural(stats.documents, "presentation")}, '
            f'{plural(stats.pages, "page")}: '
            + _e(", ".join(f"{n} {_language(lang)}" for lang, n in stats.documents_by_lang.items()))
            + '.</p><p class="meta">Words find their other forms and are found without '
            'diacritics (<a href="/?q=pasvaldibu+sadarbiba">pasvaldibu sadarbiba</a>); '
            '"a phrase", OR, NOT, wild* cards and field:value for title, speaker, lang, '
            'format, event, place, year and path work as in <code>archive search</code>.</p>'
            '</section></main>')
    return layout("Search", body)


def _slide_text(record) -> str:
    if record.ocr_from is None:
        return f"<pre>{_e(record.content)}</pre>"
    typed = record.content[: record.ocr_from].rstrip("\n")
    return (f"<pre>{_e(typed)}</pre>" if typed.strip() else "") + (
        f'<p class="ocr">{_e(OCR_HEADING)} read from a picture</p>'
        f"<pre>{_e(record.content[record.ocr_from:])}</pre>")


def talk_page(stored, similar_talks: list) -> str:
    """A file as the index holds it: what it is, every slide's text, similar talks."""
    info = stored.file
    path, fmt = info["path"], info["format"]
    rows = [("Speaker", info.get("speaker")), ("Event", info.get("event")),
            ("Place", info.get("place")), ("Date", info.get("date")),
            ("Language", _language(info.get("doc_lang") or "none")),
            ("Published title", info.get("catalog_title")),
            ("File", f"{display_path(path)} ({plural(info.get('pages') or 0, 'page')})")]
    table = "".join(f"<tr><th>{label}</th><td>{_e(value)}</td></tr>" for label, value in rows if value)
    slides = "".join(
        f'<section class="slide" id="p{r.page}"><h3>{r.page} · {_e(_language(r.lang))} · '
        f'<a href="{_e(file_url(path, fmt, r.page))}">open</a></h3>{_slide_text(r)}</section>'
        for r in stored.pages)
    similar = "".join(talk_entry(entry) for entry in similar_talks) or '<p class="meta">None found.</p>'
    action = "Open the PDF" if fmt == "pdf" else f"Download the {fmt.upper()}"
    body = (f'<main><section class="results"><h1>{_e(info.get("title") or display_path(path))}</h1>'
            f'<table>{table}</table><p><a href="{_e(file_url(path, fmt))}">{action}</a></p>'
            f'{slides}</section><aside aria-label="Similar talks"><h2>Similar talks</h2>'
            f"{similar}</aside></main>")
    return layout(info.get("title") or display_path(path), body)


def speakers_page(people: list) -> str:
    rows = "".join(
        f'<tr><td><a href="{_e(search_url({}, q="*", speaker=p.name))}">{_e(p.name)}</a>'
        + (f'<div class="meta">{_e(", ".join(s for s in p.spellings if s != p.name))}</div>'
           if len(p.spellings) > 1 else "")
        + f'</td><td class="n">{p.talks}</td><td>{_e(", ".join(f"{lang} {n}" for lang, n in p.languages.items()))}</td></tr>'
        for p in people)
    body = (f'<main><section class="results"><h1>Speakers</h1><table><tr><th>Name (other '
            f'spellings)</th><th>Talks</th><th>Languages</th></tr>{rows}</table></section></main>')
    return layout("Speakers", body)


def stats_page(stats) -> str:
    sections = []
    for label, by, facet in (
        ("Documents by event", stats.documents_by_event, "event"),
        ("Documents by year", stats.documents_by_year, "year"),
        ("Documents by language", stats.documents_by_lang, "lang"),
        ("Documents with pages in", stats.documents_with_lang, None),
        ("Pages by language", stats.pages_by_lang, None),
        ("Documents by format", stats.documents_by_format, None),
        ("Documents by speaker", stats.documents_by_speaker, "speaker"),
    ):
        rows = "".join(
            f'<tr><td class="n">{n}</td><td>'
            + (f'<a href="{_e(search_url({}, q="*", **{facet: key}))}">{_e(key)}</a>'
               if facet and not key.startswith("(") else _e(key))
            + "</td></tr>" for key, n in by.items())
        sections.append(f"<h2>{label}</h2><table>{rows}</table>")
    body = (f'<main><section class="results"><h1>Stats</h1><p>{plural(stats.documents, "document")}, '
            f'{plural(stats.pages, "page")}</p>{"".join(sections)}</section></main>')
    return layout("Stats", body)


def problem_page(title: str, message: str) -> str:
    return layout(title, f'<main><section class="results"><h1>{_e(title)}</h1>'
                         f'<p class="problem">{_e(message)}</p></section></main>')


def content_disposition(path: str, inline: bool) -> str:
    """The header that names the file served (RFC 6266: any name, in UTF-8)."""
    name = path.rsplit("/", 1)[-1]
    plain = "".join(c for c in name.encode("ascii", "replace").decode()
                    if c.isprintable() and c not in '"\\')
    return (f'{"inline" if inline else "attachment"}; filename="{plain}"; '
            f"filename*=UTF-8''{quote(name)}")
