"""`archive search --opensearch URL`: a search of an OpenSearch index of the archive (made
from `archive export --opensearch`), through the official client, opensearch-py (the extra
`opensearch`), answered as the local search answers (`archive.answers.Found`), so that the
output is the same."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from archive.answers import Found
from archive.errors import ArchiveError
from archive.opensearch.mapping import DEFAULT_INDEX
from archive.opensearch.translate import PAGES_PER_TALK, Sought, search_body, translate
from archive.records import PageRecord
from archive.results import FileHit, Hit, Version, to_hit

INSTALL = ("--opensearch needs the OpenSearch client: pip install '.[opensearch]' in the "
           "archive's folder (or pip install 'opensearch-py>=3.2,<4')")
TIMEOUT = 30  # seconds a search may take the server


class OpenSearchUnavailable(ArchiveError):
    """opensearch-py is not installed."""


def where(url: str) -> tuple[str, str]:
    """The server and the index URL names: http://HOST:9200/NAME, NAME `archive` if left out."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ArchiveError(f"--opensearch {url}: not a URL of a server: give "
                           "http://HOST:9200 or http://HOST:9200/INDEX")
    return f"{parts.scheme}://{parts.netloc}", parts.path.strip("/") or DEFAULT_INDEX


def find(url: str, text: str, *, by_page: bool = False, collapse: bool = True,
         lang: str | None = None, speaker: str | None = None, limit: int = 10,
         offset: int = 0, exact: bool = False) -> Found:
    """TEXT searched in the index at URL as `archive.answers.find` searches the local one."""
    server, index = where(url)
    query, sought = translate(text, lang=lang, speaker=speaker, exact=exact)
    body = search_body(query, by_page=by_page, collapse=collapse, limit=limit, offset=offset)
    response = _search(server, index, body)
    total_pages = response["hits"]["total"]["value"]
    hits = response["hits"]["hits"]
    if by_page:
        return Found([_hit(hit, sought) for hit in hits], total_pages, total_pages, True,
                     collapse, offset, None, [])
    groups = response.get("aggregations", {}).get("groups", {}).get("value", len(hits))
    return Found([_talk(hit, sought) for hit in hits], groups, total_pages, False, collapse,
                 offset, None, [])


def _search(server: str, index: str, body: dict[str, Any]) -> dict[str, Any]:
    try:
        from opensearchpy import OpenSearch
        from opensearchpy.exceptions import ConnectionError as Unreachable
        from opensearchpy.exceptions import NotFoundError, TransportError
    except ImportError:
        raise OpenSearchUnavailable(INSTALL) from None
    client = OpenSearch(hosts=[server], timeout=TIMEOUT)
    try:
        return client.search(index=index, body=body)
    except NotFoundError as exc:
        raise ArchiveError(f"{server}: no index {index!r} there ({_reason(exc)}): send it "
                           "what `archive export --opensearch` wrote (see the README)") from exc
    except Unreachable as exc:
        raise ArchiveError(f"{server}: cannot reach it ({_reason(exc)})") from exc
    except TransportError as exc:
        raise ArchiveError(f"{server}: the search failed: {exc.status_code} "
                           f"{_reason(exc)}") from exc
    finally:
        client.close()


def _reason(exc) -> str:
    """The one line a client's error says: the server's reason, else the error's own."""
    info = getattr(exc, "info", None)
    if isinstance(info, dict):
        error = info.get("error")
        if isinstance(error, dict):
            return str(error.get("reason") or error.get("type") or error)
        if error:
            return str(error)
    return str(getattr(exc, "error", None) or exc)


def _hit(hit: dict[str, Any], sought: Sought) -> Hit:
    return to_hit(PageRecord.from_fields(hit["_source"]), hit.get("_score") or 0.0, sought)


def _talk(hit: dict[str, Any], sought: Sought) -> FileHit:
    """A talk (or a file) from its best page HIT and that page's inner hits: its best pages,
    a slide a copy repeats once, and its other files that match."""
    inner = hit.get("inner_hits", {})
    pages, texts = [], set()
    for page in inner.get("pages", {}).get("hits", {}).get("hits", []) or [hit]:
        found = _hit(page, sought)
        content = page["_source"].get("content")
        if content not in texts:
            texts.add(content)
            pages.append(found)
            if len(pages) == PAGES_PER_TALK:
                break
    best = pages[0].path
    versions = {}
    for file in inner.get("files", {}).get("hits", {}).get("hits", []):
        source = file["_source"]
        if source["path"] != best:
            versions[source["path"]] = Version(source["path"], source.get("format", ""),
                                               source.get("doc_lang", "none"))
    return FileHit(tuple(pages), tuple(versions[path] for path in sorted(versions)))
