"""`archive serve`: the index, read-only, over HTTP: web pages (`archive.pages`) and a JSON API
whose answers are those of the commands' `--json`.

The standard library's threading server is enough for an office: requests are answered one
at a time on the index (`archive.live.LiveIndex`, warm between them), and files are sent
outside that. No path from a request reaches the disk: a file is sent only when the index
holds pages of it, from the path the index holds. On a loopback address only requests
naming a loopback host are answered, so that no web page elsewhere can read the archive
through the browser of someone who runs it (DNS rebinding).
"""

from __future__ import annotations

import ipaddress
import json
import logging
import mimetypes
import shutil
import socket
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from archive import pages
from archive.errors import ArchiveError, IndexDamaged, IndexNotFound, SchemaMismatch
from archive.live import LiveIndex
from archive.output import as_json

logger = logging.getLogger(__name__)

PER_PAGE = 10
MAX_URL_CHARS = 8192  # a query is held to 1,000 characters (archive.query): room for filters
MAX_LIMIT = 100  # talks an API call returns at most
# What the pages may load: their own style sheet, nothing else; no script runs.
CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
       "base-uri 'none'; frame-ancestors 'none'")
# Problems of the index a visitor can only wait out, or ask its keeper to fix.
UNAVAILABLE = (IndexNotFound, IndexDamaged, SchemaMismatch)
_FORMAT_TYPES = {"pdf": "application/pdf"}


class BadRequest(ArchiveError):
    """A parameter a request cannot have."""


class NotFound(ArchiveError):
    """Nothing at this address."""


def make_server(directory: Path, host: str = "127.0.0.1", port: int = 8080) -> ThreadingHTTPServer:
    """A server of the index in DIRECTORY on HOST:PORT (port 0: any free one), not yet serving:
    call its `serve_forever`, and `server_close` after."""
    server = ArchiveServer((host, port), Handler)
    server.index = LiveIndex(directory)
    server.loopback = _is_loopback(host)
    return server


def is_public(host: str) -> bool:
    """Whether HOST lets other machines connect."""
    return not _is_loopback(host)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class ArchiveServer(ThreadingHTTPServer):
    daemon_threads = True
    index: LiveIndex
    loopback: bool

    def server_close(self) -> None:
        super().server_close()
        if hasattr(self, "index"):  # not when the address could not be had
            self.index.close()


def _one(query: dict[str, list[str]], name: str) -> str | None:
    values = query.get(name)
    return values[-1].strip() if values else None


def _number(query: dict[str, list[str]], name: str, default: int, low: int, high: int) -> int:
    value = _one(query, name)
    if not value:
        return default
    if not value.isdigit() or not low <= int(value) <= high:
        raise BadRequest(f"{name} must be a whole number from {low} to {high}")
    return int(value)


class Handler(BaseHTTPRequestHandler):
    server: ArchiveServer
    server_version = "archive"
    timeout = 30  # seconds a connection may wait between bytes: a slow client is dropped
    protocol_version = "HTTP/1.1"

    # ------------------------------------------------------------------ the HTTP around it

    def setup(self) -> None:
        super().setup()
        # Headers and body are two writes: without this, the second waits for the client's
        # delayed acknowledgement of the first (40 ms) on a kept-alive connection.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_HEAD(self) -> None:
        self._respond(head=True)

    def do_GET(self) -> None:
        self._respond(head=False)

    def log_message(self, format, *args) -> None:
        logger.info("%s %s", self.address_string(), format % args)

    def _respond(self, head: bool) -> None:
        self._head = head
        if len(self.path) > MAX_URL_CHARS:
            return self._page(HTTPStatus.REQUEST_URI_TOO_LONG, "Too long",
                              f"an address holds at most {MAX_URL_CHARS} characters")
        if self.headers.get("Content-Length", "0") not in ("", "0") or self.headers.get(
                "Transfer-Encoding"):
            return self._page(HTTPStatus.BAD_REQUEST, "Bad request", "a GET has no body")
        if self.server.loopback and not self._host_is_loopback():
            return self._page(HTTPStatus.FORBIDDEN, "Forbidden",
                              "this server answers addresses of this machine only")
        url = urlsplit(self.path)
        try:
            query = parse_qs(url.query, max_num_fields=20)
        except ValueError:
            return self._page(HTTPStatus.BAD_REQUEST, "Bad request", "too many parameters")
        api = url.path.startswith("/api/")
        try:
            self._route(url.path, query)
        except UNAVAILABLE as exc:
            self._problem(HTTPStatus.SERVICE_UNAVAILABLE, "The archive is not available", exc, api)
        except (BadRequest, NotFound) as exc:
            status = HTTPStatus.NOT_FOUND if isinstance(exc, NotFound) else HTTPStatus.BAD_REQUEST
            self._problem(status, "Not found" if status == 404 else "Bad request", exc, api)
        except ArchiveError as exc:  # a query the archive cannot search, said in one line
            self._problem(HTTPStatus.BAD_REQUEST, "Cannot search that", exc, api)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the browser went away
        except Exception:
            logger.exception("%s failed", self.path)
            self._problem(HTTPStatus.INTERNAL_SERVER_ERROR, "Something went wrong",
                          "the server failed on this request; its log says why", api)

    def _host_is_loopback(self) -> bool:
        host = (self.headers.get("Host") or "").strip()
        name = host[1:host.find("]")] if host.startswith("[") else host.rsplit(":", 1)[0]
        return _is_loopback(name)

    def _send(self, status: int, body: bytes, content_type: str, headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cache-Control", "no-store")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if not self._head:
            self.wfile.write(body)

    def _html(self, status: int, html: str) -> None:
        self._send(status, html.encode("utf-8"), "text/html; charset=utf-8",
                   {"Content-Security-Policy": CSP})

    def _json(self, data, headers: dict | None = None) -> None:
        self._send(HTTPStatus.OK, (as_json(data) + "\n").encode("utf-8"),
                   "application/json; charset=utf-8", headers)

    def _page(self, status: int, title: str, message: str) -> None:
        self._html(status, pages.problem_page(title, message))

    def _problem(self, status: int, title: str, exc, api: bool) -> None:
        message = str(exc)
        if api:
            body = json.dumps({"error": message, "status": int(status)}, ensure_ascii=False)
            self._send(status, body.encode("utf-8"), "application/json; charset=utf-8")
        else:
            extra = {"Retry-After": "5"} if status == HTTPStatus.SERVICE_UNAVAILABLE else {}
            self._send(status, pages.problem_page(title, message).encode("utf-8"),
                       "text/html; charset=utf-8", {"Content-Security-Policy": CSP, **extra})

    # ------------------------------------------------------------------ what is asked

    def _route(self, path: str, query: dict[str, list[str]]) -> None:
        use = self.server.index.use
        if path == "/style.css":
            return self._send(HTTPStatus.OK, pages.STYLE.encode("utf-8"), "text/css; charset=utf-8",
                              {"Cache-Control": "max-age=3600"})
        if path == "/":
            return self._search_page(query)
        if path == "/talk":
            return self._html(HTTPStatus.OK, use(lambda a: _talk(a, *_spec(query))))
        if path == "/speakers":
            return self._html(HTTPStatus.OK, pages.speakers_page(use(_speakers)))
        if path == "/stats":
            return self._html(HTTPStatus.OK, pages.stats_page(use(_stats)))
        if path == "/file":
            return self._file(query)
        if path == "/api/search":
            found = use(lambda a: _find(a, query, api=True))
            return self._json([entry.to_dict() for entry in found.entries],
                              {"X-Total-Count": str(found.total)})
        if path == "/api/show":
            return self._json(use(lambda a: _stored(a, *_spec(query))).to_dict())
        if path == "/api/similar":
            limit = _number(query, "limit", 10, 1, MAX_LIMIT)
            return self._json([e.to_dict() for e in use(lambda a: _similar(a, *_spec(query), limit))])
        if path == "/api/speakers":
            return self._json([person.to_dict() for person in use(_speakers)])
        if path == "/api/stats":
            return self._json(use(_stats).to_dict())
        raise NotFound(f"nothing at {path}")

    def _search_page(self, query: dict[str, list[str]]) -> None:
        params = {name: value for name in pages.SEARCH_PARAMS if (value := _one(query, name))}
        if not params.get("q") and not any(params.get(f) for f in ("lang", "speaker", "event", "year")):
            return self._html(HTTPStatus.OK, pages.home_page(self.server.index.use(_stats)))
        page = _number(query, "page", 1, 1, 10_000)
        found = self.server.index.use(lambda a: _find(a, query, api=False))
        self._html(HTTPStatus.OK, pages.search_page(params, found, page, PER_PAGE))

    def _file(self, query: dict[str, list[str]]) -> None:
        path, _ = _spec(query)
        stored = self.server.index.use(lambda a: _stored(a, path, None))
        # The index's own path, not the request's: nothing else reaches the disk.
        held, fmt = stored.file["path"], stored.file["format"]
        try:
            handle = open(held, "rb")  # noqa: SIM115  (closed below, after sending)
        except OSError as exc:
            raise NotFound(f"{pages.display_path(held)} is in the index but cannot be read "
                           f"({exc.strerror}): it was moved or deleted; `archive index` "
                           "updates the index") from exc
        with handle:
            size = Path(held).stat().st_size
            kind = _FORMAT_TYPES.get(fmt) or mimetypes.guess_type(held)[0] or "application/octet-stream"
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(size))
            self.send_header("Content-Disposition", pages.content_disposition(held, fmt == "pdf"))
            self.send_header("X-Content-Type-Options", "nosniff")
            self.end_headers()
            if not self._head:
                shutil.copyfileobj(handle, self.wfile)


# ---------------------------------------------------------------------- answers, on the index


def _spec(query: dict[str, list[str]]) -> tuple[str, int | None]:
    path = _one(query, "path")
    if not path:
        raise BadRequest("path is missing: the address of a talk names its file (path=...)")
    page = _one(query, "page")
    if page and not page.isdigit():
        raise BadRequest("page must be a page number")
    return path, int(page) if page else None


def _find(archive, query: dict[str, list[str]], api: bool):
    from archive.answers import find

    text = _one(query, "q") or "*"
    lang = _one(query, "lang") or None
    if api:
        limit = _number(query, "limit", 10, 1, MAX_LIMIT)
        offset = _number(query, "offset", 0, 0, 1_000_000)
    else:
        limit, offset = PER_PAGE, (_number(query, "page", 1, 1, 10_000) - 1) * PER_PAGE
    return find(archive, text, by_page=api and _one(query, "pages") in ("1", "true"),
                collapse=_one(query, "collapse") not in ("0", "false"), lang=lang,
                speaker=_one(query, "speaker") or None, limit=limit, offset=offset,
                exact=_one(query, "exact") in ("1", "true", "on"),
                event=_one(query, "event") or None, year=_one(query, "year") or None,
                facets=not api)


def _stored(archive, path: str, page: int | None):
    from archive.answers import NotStored, stored_file

    try:
        return stored_file(archive, path, page)
    except NotStored as exc:
        raise NotFound(str(exc)) from exc


def _similar(archive, path: str, page: int | None, limit: int = 10) -> list:
    from archive.query import similar

    _stored(archive, path, page)
    return similar(archive, path, page, limit=limit).files


def _talk(archive, path: str, page: int | None) -> str:
    return pages.talk_page(_stored(archive, path, None), _similar(archive, path, None, 5))


def _speakers(archive) -> list:
    from archive.query import speakers

    return archive.memo("speakers", lambda _: speakers(archive))


def _stats(archive):
    from archive.query import stats

    return archive.memo("stats", lambda _: stats(archive))
