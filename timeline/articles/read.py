"""Read a news article from file bytes, pasted text or a URL into an `Article`.

Plain Python, no Django. Bytes are decoded by trying what the page declares (the
HTTP header, then an HTML meta charset), then UTF-8, then CP949 (a superset of
EUC-KR). HTML goes through trafilatura, which keeps the article and drops the
navigation; plain text is cleaned here: the first line is the title, a date line
(``2022년 04월 13일(수) 21:50``, ``2022.04.13 21:50``, ``입력 2022-04-13``) gives the
publication date, a byline (``/홍길동 기자 someone@example.com``) the author, and
menu and footer lines are dropped.

HTML is decoded here and handed to trafilatura as text rather than as raw bytes:
only this module knows the charset from the HTTP header, and undecodable bytes get
a clear error here instead of a silent guess.

URLs are fetched with the standard library. Every host is resolved first and each of
its addresses must be public (not loopback, private, link-local, multicast, reserved
or unspecified); the connection then goes to the address that was checked, so a
second DNS answer cannot swap in a private one. Redirects are followed by hand, each
hop checked the same way, at most `MAX_REDIRECTS`. Size and time are capped.
"""

from __future__ import annotations

import codecs
import contextlib
import datetime as dt
import hashlib
import http.client
import ipaddress
import re
import socket
import ssl
import threading
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

MAX_BYTES = 5 * 1024 * 1024
FETCH_TIMEOUT = 10.0
MAX_REDIRECTS = 5
MIN_TEXT_CHARS = 40
USER_AGENT = "milestone-tracker article importer"

HTML_SUFFIXES = {".html", ".htm"}
TEXT_SUFFIXES = {".txt"}


# --- errors -----------------------------------------------------------------------


class ArticleError(ValueError):
    """An article that cannot be read; the message says what is wrong and what to do."""


class EmptyArticleError(ArticleError):
    pass


class BinaryContentError(ArticleError):
    pass


class TooLargeError(ArticleError):
    pass


class DecodeError(ArticleError):
    pass


class NoArticleTextError(ArticleError):
    pass


class UnsupportedInputError(ArticleError):
    pass


class UnsafeURLError(ArticleError):
    pass


class FetchError(ArticleError):
    pass


# --- the article ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Article:
    title: str
    publisher: str
    author: str
    published_on: dt.date | None
    text: str
    url: str = ""
    language: str = "ko"
    raw_hash: str = ""


def read(location: str, *, max_bytes: int = MAX_BYTES, timeout: float = FETCH_TIMEOUT) -> Article:
    """A path to a .txt/.html/.htm file, or an http(s) URL."""
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", location):
        return read_url(location, max_bytes=max_bytes, timeout=timeout)
    return read_file(Path(location), max_bytes=max_bytes)


def read_file(path: Path, *, max_bytes: int = MAX_BYTES) -> Article:
    path = Path(path)
    if not path.is_file():
        raise ArticleError(f"{path}: no such file. Check the path, or give an http(s) URL.")
    _check_suffix(path.name)
    size = path.stat().st_size
    if size > max_bytes:
        raise TooLargeError(_too_large(str(path), size, max_bytes))
    return read_bytes(path.read_bytes(), name=path.name, max_bytes=max_bytes)


def read_bytes(
    data: bytes,
    *,
    name: str = "",
    content_type: str = "",
    url: str = "",
    max_bytes: int = MAX_BYTES,
) -> Article:
    """Bytes of a .txt or .html file (or an HTTP body with its Content-Type)."""
    label = name or url or "the article"
    if len(data) > max_bytes:
        raise TooLargeError(_too_large(label, len(data), max_bytes))
    if not data.strip():
        raise EmptyArticleError(f"{label} is empty. Give a file or page that contains the article's text.")
    mime, declared = _parse_content_type(content_type)
    html = _is_html(name=name, mime=mime, data=data)
    text, _encoding = decode(data, declared=declared, html=html, label=label)
    raw_hash = hashlib.sha256(data).hexdigest()
    if html:
        return _read_html(text, url=url, label=label, raw_hash=raw_hash)
    return read_text(text, url=url, label=label, raw_hash=raw_hash)


def read_text(text: str, *, url: str = "", label: str = "the text", raw_hash: str = "") -> Article:
    """Already-decoded plain text, e.g. pasted into the admin."""
    if not text.strip():
        raise EmptyArticleError(f"{label} is empty. Paste or upload the article's text.")
    _check_text_like(text, label)
    parts = parse_plain_text(text)
    if len(parts.body) < MIN_TEXT_CHARS:
        raise NoArticleTextError(
            f"Found no article text in {label}: only a title, menus or footer lines. "
            "Copy the article's own paragraphs into a .txt file and import that."
        )
    return Article(
        title=parts.title,
        publisher=parts.publisher or _host_publisher(url),
        author=parts.author,
        published_on=parts.published_on,
        text=parts.body,
        url=url,
        language=detect_language(parts.body),
        raw_hash=raw_hash or hashlib.sha256(text.encode("utf-8")).hexdigest(),
    )


def _check_suffix(name: str) -> None:
    suffix = Path(name).suffix.lower()
    if suffix and suffix not in HTML_SUFFIXES | TEXT_SUFFIXES:
        raise UnsupportedInputError(
            f"{name}: {suffix} files cannot be imported. Save the article as .txt or .html (or .htm), "
            "or give its http(s) URL."
        )


def _too_large(label: str, size: int, limit: int) -> str:
    return (
        f"{label} is {size / 1_048_576:.1f} MB; articles are read up to {limit / 1_048_576:.0f} MB. "
        "Save just the article (its text or its page) and import that."
    )


# --- decoding ---------------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_KOREAN_ALIASES = {"euc-kr", "euckr", "ks_c_5601-1987", "ksc5601", "ks-c-5601", "x-windows-949", "windows-949", "uhc"}
_MAGIC = {
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"GIF8": "a GIF image",
    b"\xff\xd8\xff": "a JPEG image",
    b"PK\x03\x04": "a ZIP archive (or a .docx/.hwpx document)",
    b"\xd0\xcf\x11\xe0": "an old Office or HWP document",
    b"\x1f\x8b": "a gzip archive",
}


def decode(data: bytes, *, declared: str = "", html: bool = False, label: str = "the article") -> tuple[str, str]:
    """(text, encoding): the declared charset, then UTF-8, then CP949; binary data is refused."""
    for magic, what in _MAGIC.items():
        if data.startswith(magic):
            raise BinaryContentError(
                f"{label} is {what}, not text. Save the article as .txt or .html and import that file."
            )
    if data.startswith(codecs.BOM_UTF8):
        return _decoded(data, "utf-8-sig", label)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _decoded(data, "utf-16", label)
    if b"\x00" in data[:65536]:
        raise BinaryContentError(
            f"{label} contains NUL bytes, so it is binary data, not text. "
            "Save the article as .txt (UTF-8) or .html and import that file."
        )
    candidates = [_codec(declared)]
    if html and (m := _META_CHARSET.search(data[:8192])):
        candidates.append(_codec(m[1].decode("ascii", "replace")))
    candidates += ["utf-8", "cp949"]
    tried = []
    for encoding in dict.fromkeys(c for c in candidates if c):
        tried.append(encoding)
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        _check_text_like(text, label)
        return text, encoding
    raise DecodeError(
        f"{label} is not valid text in {', '.join(tried)}. Open it in an editor, save it as UTF-8, and import it again."
    )


def _decoded(data: bytes, encoding: str, label: str) -> tuple[str, str]:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise DecodeError(
            f"{label} starts with a {encoding} byte-order mark but is not valid {encoding} ({exc.reason} at "
            f"byte {exc.start}). Save it as UTF-8 and import it again."
        ) from exc
    _check_text_like(text, label)
    return text, encoding


def _codec(name: str) -> str:
    name = (name or "").strip().strip("\"'").lower()
    if not name:
        return ""
    if name in _KOREAN_ALIASES:
        return "cp949"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return ""


def _check_text_like(text: str, label: str) -> None:
    sample = text[:200_000]
    if not sample:
        return
    odd = sum(
        1 for ch in sample if unicodedata.category(ch) in {"Cc", "Co", "Cs", "Cn"} and ch not in "\n\r\t\f\x0b\x1b"
    )
    if odd / len(sample) > 0.02:
        raise BinaryContentError(
            f"{label} is mostly not text ({odd} control or unassigned characters). "
            "Save the article as .txt (UTF-8) or .html and import that file."
        )


def _parse_content_type(content_type: str) -> tuple[str, str]:
    mime, _, params = (content_type or "").partition(";")
    charset = ""
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip("\"'")
    return mime.strip().lower(), charset


def _is_html(*, name: str, mime: str, data: bytes) -> bool:
    suffix = Path(name).suffix.lower() if name else ""
    if suffix in HTML_SUFFIXES:
        return True
    if suffix in TEXT_SUFFIXES:
        return False
    if mime:
        if mime in {"text/html", "application/xhtml+xml"}:
            return True
        if mime.startswith("text/"):
            return False
        raise UnsupportedInputError(
            f"{name or 'the page'} is {mime}, not a web page or text. Give the URL of the article's HTML page."
        )
    head = data[:2048].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<body" in head


# --- HTML ---------------------------------------------------------------------------


def _read_html(html: str, *, url: str, label: str, raw_hash: str) -> Article:
    import trafilatura

    html = _XML_DECLARATION.sub("", html, count=1)
    doc = trafilatura.bare_extraction(
        html,
        url=url or None,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    body = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
    parts = parse_plain_text(body, has_title=False) if body else None
    if parts is None or len(parts.body) < MIN_TEXT_CHARS:
        raise NoArticleTextError(
            f"Found no article in {label}: the page has no article text (only navigation, or the text is "
            "loaded by JavaScript). Copy the article's text into a .txt file and import that, or paste it."
        )
    title = (doc.title or "").strip()
    author = _clean_author(doc.author or "") or parts.author
    text = _drop_leading_title(parts.body, title, author)
    if not title:
        title = text.partition("\n")[0][:200]
    published = _iso_date(doc.date) or parts.published_on
    return Article(
        title=title,
        publisher=(doc.sitename or "").strip() or parts.publisher or _host_publisher(url),
        author=author,
        published_on=published,
        text=text,
        url=url,
        language=detect_language(text),
        raw_hash=raw_hash,
    )


def _drop_leading_title(text: str, title: str, author: str = "") -> str:
    """Trafilatura repeats the headline (and at times the byline) at the top of the text."""
    title = title.strip()
    if title and text.startswith(title) and text[len(title) :].strip():
        text = text[len(title) :].strip()
    if author and (m := re.match(rf"{re.escape(author)}\s*{_ROLE}\s*", text)):
        text = text[m.end() :]
    return text.strip()


def _iso_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _clean_author(author: str) -> str:
    author = re.sub(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", "", author)
    author = re.sub(r"\s*(기자|특파원|선임기자|수습기자|객원기자|전문기자)\b", "", author)
    return re.sub(r"\s+", " ", author).strip(" /;,")


def _host_publisher(url: str) -> str:
    host = (urlsplit(url).hostname or "") if url else ""
    return host.removeprefix("www.")


# --- plain text ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlainText:
    title: str
    author: str
    publisher: str
    published_on: dt.date | None
    body: str


_BULLET = re.compile(r"^[\s•·●○◦▪■□◆◇▶▷►*]+")
_MENU_WORDS = (
    "전체메뉴|메뉴|핫이슈|로그인|로그아웃|회원가입|검색|홈|뉴스|많이 본 뉴스|인기기사|최신기사|"
    "최신뉴스|주요뉴스|관련기사|이전기사|다음기사|기사목록|목록|맨위로|위로|공유|공유하기|"
    "페이스북|트위터|카카오톡|카카오스토리|밴드|구독|구독하기|프린트|인쇄|스크랩|글자크기|"
    "글씨크기|댓글|닫기|이메일|URL복사|기사공유|기사보내기|오피니언|포토|영상|기사제보|광고문의|"
    "구독신청|menu|search|share|print|subscribe|log in|login|sign up|home|newsletter|advertisement"
)
_MENU = {w.replace(" ", "").lower() for w in _MENU_WORDS.split("|")}
_FOOTER = re.compile(
    r"copyright|ⓒ|©|all rights reserved|무단\s*(?:전재|복제)|재배포\s*금지|등록번호|등록일자|발행인|편집인|"
    r"발행\s*·\s*편집|청소년\s*보호\s*책임자|개인정보\s*(?:취급|처리)\s*방침|이메일\s*무단\s*수집|사업자\s*등록|"
    r"제호\s*[:：]|^주소\s*[:：]|^(?:tel|fax|전화|팩스)\s*[:：)]|대표전화|privacy policy|terms of (?:use|service)",
    re.I,
)
_STRONG_FOOTER = re.compile(r"copyright|ⓒ|©|all rights reserved|제호\s*[:：]|등록번호", re.I)
_SENTENCE_END = re.compile(r"(?:[다요]\.|[.?!][\"'”’)]?)\s*$")
_DATE_LABEL = (
    r"(?:기사\s*)?(?:최종\s*)?(?:입력|등록|작성|발행|게재|승인|송고|수정|업데이트|published|posted|updated|date)"
    r"(?:\s*(?:시간|일시|일자|일))?"
)
_KO_DATE = r"(?P<ky>\d{4})\s*년\s*(?P<km>\d{1,2})\s*월\s*(?P<kd>\d{1,2})\s*일"
_NUM_DATE = r"(?P<ny>\d{4})\s*[.\-/]\s*(?P<nm>\d{1,2})\s*[.\-/]\s*(?P<nd>\d{1,2})\.?"
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_EN_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_EN_DATE = (
    rf"(?P<em>{_EN_MONTH})\s+(?P<ed>\d{{1,2}}),?\s+(?P<ey>\d{{4}})"
    rf"|(?P<ed2>\d{{1,2}})\s+(?P<em2>{_EN_MONTH}),?\s+(?P<ey2>\d{{4}})"
)
_DATE_LINE = re.compile(
    rf"^(?P<label>{_DATE_LABEL}\s*(?:on)?\s*[:：]?\s*)?(?:{_KO_DATE}|{_NUM_DATE}|{_EN_DATE})(?P<rest>.*)$", re.I
)
_DATE_REST = re.compile(
    rf"^(?:\s|[\d.\-/:()|,·년월일시분초]|[월화수목금토일]요?일?|오전|오후|am|pm|kst|gmt|utc|[+]\d{{2}}:?\d{{2}}|{_DATE_LABEL})*$",
    re.I,
)
_EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
_ROLE = r"(?:기자|특파원|선임기자|수습기자|객원기자|전문기자|논설위원|편집위원|통신원)"
_BYLINE_KO = re.compile(
    rf"^[/\s]*(?:글\s*[:：]?\s*)?(?P<name>[가-힣]{{2,4}}(?:\s*[·,]\s*[가-힣]{{2,4}})*)\s*{_ROLE}"
    rf"(?:\s*[=/]?\s*(?P<email>{_EMAIL}))?\s*$"
)
_BYLINE_EN = re.compile(r"^By\s+(?P<name>[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){0,3})\s*(?:[,|/].*)?$")
_LEAD_BYLINE = re.compile(
    rf"^\((?P<place>[^()=]{{1,20}})=(?P<pub>[^()]{{1,30}})\)\s*(?P<name>[가-힣]{{2,4}})\s*{_ROLE}\s*=\s*"
)
_BRACKET_BYLINE = re.compile(rf"^\[(?P<pub>[^\]\s]{{1,30}})\s+(?P<name>[가-힣]{{2,4}})\s*{_ROLE}\]\s*")
_PUBLISHER_LINES = (
    re.compile(r"제호\s*[:：]\s*(?P<pub>[^|/]+?)\s*(?:[|/]|$)"),
    re.compile(r"(?:저작권자\s*)?(?:ⓒ|©|\(c\))\s*(?P<pub>[^\s.,|]{2,30})", re.I),
    re.compile(r"copyright\s*(?:ⓒ|©|\(c\))?\s*(?:\d{4}\s*)?(?P<pub>[^\d\s.,|][^.,|]{1,39}?)\s*(?:[.,|]|$)", re.I),
)


def parse_plain_text(text: str, *, has_title: bool = True) -> PlainText:
    """Title, byline, date and body of a news page saved as plain text (the rules are in the module docstring).

    With `has_title=False` (text that trafilatura already extracted from HTML) no line is taken as the title.
    """
    lines = [unicodedata.normalize("NFC", line).strip() for line in text.replace("\r\n", "\n").split("\n")]
    publisher = _find_publisher(lines)
    lines = _cut_footer(lines)
    lines = ["" if _is_menu(line) else line for line in lines]

    published_on, date_index = _find_date_line(lines)
    author, lead_publisher, lines = _take_byline(lines)
    publisher = publisher or lead_publisher

    title_index = next((i for i, line in enumerate(lines) if line and i != date_index), None) if has_title else None
    title = lines[title_index] if title_index is not None else ""
    if title and _is_paragraph(title):
        # No headline line: the text starts with its first paragraph. Keep it; its first sentence names it.
        title_index, title = None, _first_sentence(title)
    body = []
    for i, line in enumerate(lines):
        if i in (title_index, date_index) or (title and line == title):
            continue
        if _in_header(i, title_index, date_index) and not _SENTENCE_END.search(line):
            continue  # a subtitle or a repeated headline between the headline and the date line
        body.append(line)
    return PlainText(
        title=title,
        author=author,
        publisher=publisher,
        published_on=published_on,
        body=_paragraphs(body),
    )


def _is_paragraph(line: str) -> bool:
    """A line too long for a headline that reads as sentences (a headline has at most one)."""
    return len(line) > 80 and len(_SENTENCE_STOP.findall(line)) >= 2


_SENTENCE_STOP = re.compile(r"(?:[다요]\.|[.?!])(?=\s|$)")


def _first_sentence(line: str) -> str:
    m = _SENTENCE_STOP.search(line)
    return (line[: m.end()] if m else line)[:200]


def _in_header(i: int, title_index: int | None, date_index: int | None) -> bool:
    return title_index is not None and date_index is not None and title_index < i < date_index <= 12


def _is_menu(line: str) -> bool:
    bare = _BULLET.sub("", line).replace(" ", "").lower()
    if not bare:
        return bool(line)
    if bare in _MENU:
        return True
    return bool(re.fullmatch(r"(?:https?://\S+|" + _EMAIL + r"|[\W_]+)", bare))


def _cut_footer(lines: list[str]) -> list[str]:
    """Everything from the first footer line after some body text on is dropped."""
    seen_body = False
    for i, line in enumerate(lines):
        bare = _BULLET.sub("", line)
        footer = seen_body and bare and len(bare) <= 160 and _FOOTER.search(bare)
        if footer and (_STRONG_FOOTER.search(bare) or not _SENTENCE_END.search(bare)):
            return lines[:i]
        if _SENTENCE_END.search(line) and len(line) > 20:
            seen_body = True
    return lines


def _find_publisher(lines: list[str]) -> str:
    for line in lines:
        for pattern in _PUBLISHER_LINES:
            if (m := pattern.search(line)) and not re.fullmatch(r"\d{4}\.?", m["pub"].strip()):
                return m["pub"].strip()
    return ""


def _find_date_line(lines: list[str]) -> tuple[dt.date | None, int | None]:
    found: list[tuple[int, dt.date, bool]] = []
    for i, line in enumerate(lines):
        if not line or len(line) > 90:
            continue
        m = _DATE_LINE.match(_BULLET.sub("", line))
        if not m or not (m["label"] or _DATE_REST.match(m["rest"])):
            continue
        day = _line_date(m)
        if day is None:
            continue
        updated = bool(m["label"] and re.search(r"수정|업데이트|updated", m["label"], re.I))
        found.append((i, day, updated))
    if not found:
        return None, None
    early = [f for f in found if f[0] < 15] or found
    i, day, _ = next((f for f in early if not f[2]), early[0])
    return day, i


def _line_date(m: re.Match) -> dt.date | None:
    try:
        if m["ky"]:
            return dt.date(int(m["ky"]), int(m["km"]), int(m["kd"]))
        if m["ny"]:
            return dt.date(int(m["ny"]), int(m["nm"]), int(m["nd"]))
        month = (m["em"] or m["em2"]).lower()[:3]
        return dt.date(int(m["ey"] or m["ey2"]), _MONTHS.index(month) + 1, int(m["ed"] or m["ed2"]))
    except ValueError:
        return None


def _take_byline(lines: list[str]) -> tuple[str, str, list[str]]:
    author, publisher = "", ""
    kept = []
    for line in lines:
        bare = _BULLET.sub("", line)
        if m := (_BYLINE_KO.match(bare) or _BYLINE_EN.match(bare)):
            author = author or re.sub(r"\s+", " ", m["name"])
            continue
        if not author and (m := _LEAD_BYLINE.match(line) or _BRACKET_BYLINE.match(line)):
            author, publisher = m["name"], m["pub"].strip()
            line = line[m.end() :]
        kept.append(line)
    return author, publisher, kept


def _paragraphs(lines: list[str]) -> str:
    out: list[str] = []
    for line in lines:
        if line:
            out.append(line)
        elif out and out[-1] != "":
            out.append("")
    return "\n".join(out).strip()


def detect_language(text: str) -> str:
    letters = [ch for ch in text[:20_000] if ch.isalpha()]
    if not letters:
        return "ko"
    hangul = sum(1 for ch in letters if "\uac00" <= ch <= "\ud7a3" or "\u1100" <= ch <= "\u11ff")
    return "ko" if hangul / len(letters) > 0.2 else "en"


# --- URLs -------------------------------------------------------------------------

Resolver = Callable[[str, int], list[str]]


def public_addresses(host: str, port: int) -> list[str]:
    """Every address `host` resolves to; refuses the host when any of them is not a public address."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(f"Cannot resolve the host {host!r} ({exc}). Check the URL.") from exc
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not addresses:
        raise FetchError(f"The host {host!r} has no address. Check the URL.")
    for address in addresses:
        if problem := address_problem(address):
            raise UnsafeURLError(
                f"Refusing {host!r}: it resolves to {address}, {problem}. Only public web addresses are fetched; "
                "download the page yourself and import the file instead."
            )
    return addresses


def address_problem(address: str) -> str | None:
    """Why an IP address may not be fetched from, or None for a public address."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    for flag, what in (
        ("is_unspecified", "an unspecified address"),
        ("is_loopback", "a loopback address (this machine)"),
        ("is_link_local", "a link-local address"),
        ("is_multicast", "a multicast address"),
        ("is_reserved", "a reserved address"),
        ("is_private", "a private network address"),
    ):
        if getattr(ip, flag):
            return what
    if not ip.is_global:
        return "not a public internet address"
    return None


@dataclass(frozen=True, slots=True)
class Fetched:
    url: str
    body: bytes
    content_type: str


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, *, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, *, address: str, timeout: float):
        self._ssl_context = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self._ssl_context)
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._ssl_context.wrap_socket(sock, server_hostname=self.host)


def fetch(
    url: str,
    *,
    timeout: float = FETCH_TIMEOUT,
    max_bytes: int = MAX_BYTES,
    resolve: Resolver = public_addresses,
) -> Fetched:
    """GET `url`, checking the address of every hop before connecting (see the module docstring)."""
    deadline = time.monotonic() + timeout
    for _hop in range(MAX_REDIRECTS + 1):
        try:
            parts = urlsplit(url)
        except ValueError as exc:
            raise FetchError(f"{url[:200]}: not a valid address ({exc}). Check the URL.") from exc
        scheme = parts.scheme.lower()
        if scheme not in {"http", "https"}:
            raise UnsafeURLError(f"{url}: only http and https URLs can be imported, not {scheme or 'this'!r}.")
        try:
            hostname = parts.hostname
        except ValueError as exc:
            raise FetchError(f"{url[:200]}: not a valid address ({exc}). Check the URL.") from exc
        if not hostname:
            raise FetchError(f"{url}: the URL has no host. Give a full address such as https://news.example/a/1.")
        try:
            port = parts.port or (443 if scheme == "https" else 80)
        except ValueError as exc:
            raise FetchError(f"{url}: {exc}. Check the URL.") from exc
        address = resolve(parts.hostname, port)[0]
        connection_class = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
        conn = connection_class(parts.hostname, port, address=address, timeout=_remaining(deadline, url))
        # The socket timeout bounds each read, not the whole fetch: a server sending a byte now and then
        # would never trip it. The watchdog closes the connection when the time for the fetch is up.
        watchdog = threading.Timer(max(0.0, deadline - time.monotonic()), _shut, args=(conn,))
        watchdog.daemon = True
        watchdog.start()
        try:
            path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            conn.request(
                "GET",
                path,
                headers={
                    "User-Agent": USER_AGENT,
                    "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.1",
                    "Accept-Encoding": "identity",
                },
            )
            response = conn.getresponse()
            if response.status in {301, 302, 303, 307, 308}:
                location = response.getheader("Location")
                if not location:
                    raise FetchError(f"{url} redirects (HTTP {response.status}) without saying where to.")
                url = urljoin(url, location.strip())
                continue
            if response.status != 200:
                raise FetchError(
                    f"{url} answered HTTP {response.status} {response.reason}. Check the address in a browser; "
                    "if the page needs a login, save it and import the file."
                )
            body = _read_capped(response, url=url, max_bytes=max_bytes, deadline=deadline, timeout=timeout)
            return Fetched(url=url, body=body, content_type=response.getheader("Content-Type") or "")
        except ArticleError:
            raise
        except TimeoutError as exc:
            raise FetchError(f"{url} did not answer within {timeout:g} s. Try again later, or save the page.") from exc
        except (OSError, http.client.HTTPException, ValueError) as exc:
            if time.monotonic() >= deadline:
                raise FetchError(
                    f"{url} did not answer within {timeout:g} s (the whole page must arrive in that time). "
                    "Try again later, or save the page."
                ) from exc
            raise FetchError(
                f"Could not fetch {url}: {exc}. Check the address, or save the page and import it."
            ) from exc
        finally:
            watchdog.cancel()
            conn.close()
    raise FetchError(f"Gave up after {MAX_REDIRECTS} redirects; the last went to {url}. Give the final URL.")


def _shut(conn: http.client.HTTPConnection) -> None:
    sock = conn.sock
    if sock is not None:
        with contextlib.suppress(OSError):  # already closed
            sock.shutdown(socket.SHUT_RDWR)


def _remaining(deadline: float, url: str, timeout: float | None = None) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        within = f"{timeout:g} s" if timeout is not None else "the time allowed"
        raise FetchError(
            f"{url} did not answer within {within} (the whole page must arrive in that time). "
            "Try again later, or save the page."
        )
    return left


def _read_capped(
    response: http.client.HTTPResponse, *, url: str, max_bytes: int, deadline: float, timeout: float | None = None
) -> bytes:
    length = (response.getheader("Content-Length") or "").strip()
    if length and not (length.isascii() and length.isdigit()):
        raise FetchError(f"{url} sent a malformed Content-Length header ({length[:40]!r}); the page cannot be read.")
    if length and int(length) > max_bytes:
        raise TooLargeError(_too_large(url, int(length), max_bytes))
    chunks, size = [], 0
    while chunk := response.read1(65536):  # read1: returns what has come, so the deadline is checked often
        size += len(chunk)
        if size > max_bytes:
            raise TooLargeError(_too_large(url, size, max_bytes) + " (stopped reading there)")
        _remaining(deadline, url, timeout)
        chunks.append(chunk)
    _remaining(deadline, url, timeout)  # the watchdog ends a slow page early: a cut page is not a page
    return b"".join(chunks)


def read_url(
    url: str,
    *,
    timeout: float = FETCH_TIMEOUT,
    max_bytes: int = MAX_BYTES,
    resolve: Resolver = public_addresses,
) -> Article:
    fetched = fetch(url.strip(), timeout=timeout, max_bytes=max_bytes, resolve=resolve)
    path_name = Path(urlsplit(fetched.url).path).name
    name = path_name if Path(path_name).suffix.lower() in HTML_SUFFIXES | TEXT_SUFFIXES else ""
    return read_bytes(
        fetched.body,
        name=name,
        content_type=fetched.content_type,
        url=fetched.url,
        max_bytes=max_bytes,
    )
