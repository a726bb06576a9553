import codecs
import datetime as dt
import http.server
import threading
import time
from pathlib import Path

import pytest

from timeline.articles import read as reader
from timeline.articles.read import (
    ArticleError,
    BinaryContentError,
    DecodeError,
    EmptyArticleError,
    FetchError,
    NoArticleTextError,
    TooLargeError,
    UnsafeURLError,
    UnsupportedInputError,
    address_problem,
    decode,
    parse_plain_text,
    public_addresses,
    read,
    read_bytes,
    read_file,
    read_text,
    read_url,
)

ARTICLES = Path(__file__).parent / "articles"
BODY = "광주시는 올해 데이터센터 건물을 완공했다고 밝혔다. 시는 내년 상반기 서비스를 시작할 계획이다."


class TestPlainText:
    def test_news_page_loses_menus_subtitles_byline_and_footer(self):
        article = read_file(ARTICLES / "binhae-daily-logistics.txt")
        assert article.title == "빛고을 스마트 물류센터 내년 6월 완공"
        assert article.published_on == dt.date(2023, 3, 2)
        assert article.author == "김하늘"
        assert article.publisher == "빛고을일보"
        assert article.language == "ko"
        assert article.text.startswith("빛고을시가 추진하는 스마트 물류 실증사업이 속도를 내고 있다.")
        assert article.text.endswith("총사업비는 450억원이다.")
        for junk in (
            "전체메뉴",
            "로그인",
            "드론 배송 실증 본궤도",
            "2023년 03월 02일",
            "sky@example.com",
            "김하늘 기자",
        ):
            assert junk not in article.text
        for junk in ("핫이슈", "Copyright", "등록번호", "주소", "TEL", "개인정보처리방침"):
            assert junk not in article.text
        assert article.text.count("빛고을 스마트 물류센터 내년 6월 완공") == 0
        assert "\n\n" in article.text, "paragraphs stay apart"

    def test_english_page(self):
        article = read_file(ARTICLES / "english-release.txt")
        assert article.title == "Gwangju to open its AI data center next year"
        assert article.published_on == dt.date(2022, 4, 13)
        assert article.author == "Jane Park"
        assert article.publisher == "Example Wire"
        assert article.language == "en"
        assert article.text.startswith("The city of Gwangju said")
        for junk in ("Menu", "Search", "Copyright", "Privacy policy", "By Jane Park"):
            assert junk not in article.text

    def test_article_without_a_date_line_has_no_date(self):
        article = read_file(ARTICLES / "no-date.txt")
        assert article.title == "물류센터 준공 앞둬"
        assert article.published_on is None

    @pytest.mark.parametrize(
        "line",
        [
            pytest.param("2022년 04월 13일(수) 21:50", id="korean-with-weekday-and-time"),
            pytest.param("2022.04.13 21:50", id="dotted"),
            pytest.param("입력 2022-04-13", id="labelled-iso"),
            pytest.param("입력 2022.04.13 09:00 | 수정 2022.04.14 10:00", id="entered-and-updated"),
            pytest.param("기사입력 : 2022/4/13 오전 9:00", id="slashes"),
            pytest.param("April 13, 2022", id="english"),
            pytest.param("Published: 13 April 2022", id="english-labelled"),
        ],
    )
    def test_date_line_forms(self, line):
        parts = parse_plain_text(f"제목\n{line}\n{BODY}")
        assert parts.published_on == dt.date(2022, 4, 13)
        assert line not in parts.body
        assert parts.title == "제목"

    def test_update_line_does_not_beat_the_entry_line(self):
        parts = parse_plain_text(f"제목\n수정 2022-04-20 10:00\n입력 2022-04-13 09:00\n{BODY}")
        assert parts.published_on == dt.date(2022, 4, 13)

    def test_a_date_inside_a_sentence_is_not_the_date_line(self):
        parts = parse_plain_text(f"제목\n2022년 4월 13일 센터가 문을 열었다고 시가 밝혔다.\n{BODY}")
        assert parts.published_on is None

    @pytest.mark.parametrize(
        ("byline", "author", "publisher"),
        [
            pytest.param("/홍길동 기자 someone@example.com", "홍길동", "", id="slash-name-email"),
            pytest.param("홍길동 기자", "홍길동", "", id="name-only"),
            pytest.param("홍길동·김철수 기자", "홍길동·김철수", "", id="two-reporters"),
        ],
    )
    def test_bylines(self, byline, author, publisher):
        parts = parse_plain_text(f"제목\n2022.04.13\n{BODY}\n{byline}")
        assert parts.author == author
        assert byline not in parts.body

    def test_agency_lead_byline(self):
        parts = parse_plain_text(f"제목\n2022.04.13\n(광주=연합뉴스) 홍길동 기자 = {BODY}")
        assert (parts.author, parts.publisher) == ("홍길동", "연합뉴스")
        assert parts.body.startswith("광주시는")

    def test_footer_words_inside_a_sentence_do_not_cut_the_article(self):
        text = f"제목\n2022.04.13\n{BODY}\n저작권 분쟁이 늘어 주소 이전을 검토했다.\n마지막 문장이다."
        assert read_text(text).text.endswith("마지막 문장이다.")

    def test_pasted_text(self):
        article = read_text(f"제목\n입력 2022-04-13\n{BODY}")
        assert (article.title, article.published_on) == ("제목", dt.date(2022, 4, 13))
        assert article.text == BODY


class TestHtml:
    def test_euc_kr_page_through_trafilatura(self):
        article = read_file(ARTICLES / "namdo-economy-euckr.html")
        assert article.title == "AI 반도체 시험센터 내년 상반기 개소"
        assert article.publisher == "남도경제"
        assert article.author == "이바다"
        assert article.published_on == dt.date(2023, 5, 10)
        assert article.text.startswith("남도시는 AI 반도체 시험센터 건립 공사가")
        assert "시험센터 설계는 지난 3월 마무리됐다." in article.text
        for junk in ("로그인", "많이 본 뉴스", "다른 기사 제목", "Copyright", "개인정보처리방침"):
            assert junk not in article.text

    def test_charset_from_the_http_header(self):
        page = (ARTICLES / "namdo-economy-euckr.html").read_bytes().replace(b"charset=euc-kr", b"")
        article = read_bytes(page, content_type="text/html; charset=EUC-KR", url="https://news.example/a/1")
        assert article.title == "AI 반도체 시험센터 내년 상반기 개소"
        assert article.url == "https://news.example/a/1"

    def test_date_line_in_the_text_when_the_page_has_no_date_metadata(self):
        paragraphs = f"<p>입력 2022-04-13</p><p>{BODY}</p><p>{BODY}</p>"
        page = f"<html><body><article><h1>제목</h1>{paragraphs}</article></body></html>"
        article = read_bytes(page.encode(), name="a.html")
        assert article.published_on == dt.date(2022, 4, 13)

    def test_page_without_an_article(self):
        page = b"<html><head><title>x</title></head><body><nav><a href='/'>home</a></nav></body></html>"
        with pytest.raises(NoArticleTextError, match="no article text"):
            read_bytes(page, name="empty.html")


class TestDecoding:
    def test_declared_charset_first(self):
        assert decode("한글 기사".encode("euc-kr"), declared="euc-kr") == ("한글 기사", "cp949")

    def test_meta_charset_of_html(self):
        page = '<meta charset="ks_c_5601-1987"><p>한글</p>'.encode("cp949")
        assert decode(page, html=True)[1] == "cp949"

    def test_utf8_then_cp949(self):
        assert decode("한글".encode())[1] == "utf-8"
        assert decode("똠방각하".encode("cp949"))[1] == "cp949"

    def test_wrong_declaration_falls_back(self):
        assert decode("한글".encode(), declared="ascii") == ("한글", "utf-8")
        assert decode("한글".encode(), declared="no-such-charset") == ("한글", "utf-8")

    def test_byte_order_marks(self):
        assert decode(codecs.BOM_UTF8 + "한글".encode()) == ("한글", "utf-8-sig")
        assert decode("한글 text".encode("utf-16")) == ("한글 text", "utf-16")


class TestBadInput:
    def test_empty_file(self, tmp_path):
        path = tmp_path / "empty.txt"
        path.write_bytes(b"  \n\n ")
        with pytest.raises(EmptyArticleError, match="empty"):
            read_file(path)

    def test_binary_file(self, tmp_path):
        path = tmp_path / "photo.txt"
        path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
        with pytest.raises(BinaryContentError, match="PNG image"):
            read_file(path)

    def test_nul_bytes(self):
        with pytest.raises(BinaryContentError, match="NUL bytes"):
            read_bytes(b"abc\x00def" * 20, name="a.txt")

    def test_mostly_control_characters(self):
        with pytest.raises(BinaryContentError, match="mostly not text"):
            read_bytes(bytes(range(1, 32)) * 50, name="a.txt")

    def test_twenty_megabytes(self, tmp_path):
        path = tmp_path / "huge.txt"
        with path.open("wb") as f:
            f.truncate(20 * 1024 * 1024)
        with pytest.raises(TooLargeError, match=r"20\.0 MB.*up to 5 MB"):
            read_file(path)

    def test_undecodable_bytes(self):
        data = "광주 기사 본문".encode() + b"\x80\xff\xfe\x81" * 8
        with pytest.raises(DecodeError, match=r"not valid text in utf-8, cp949.*save it as UTF-8"):
            read_bytes(data, name="broken.txt")

    def test_unsupported_file_type(self, tmp_path):
        path = tmp_path / "article.pdf"
        path.write_bytes(b"%PDF-1.7")
        with pytest.raises(UnsupportedInputError, match=r"\.pdf files cannot be imported"):
            read_file(path)

    def test_missing_file(self, tmp_path):
        with pytest.raises(ArticleError, match="no such file"):
            read(str(tmp_path / "nope.txt"))

    def test_only_menus(self):
        with pytest.raises(NoArticleTextError, match="Found no article text"):
            read_text("전체메뉴\n로그인\n핫이슈")


# --- URLs ---------------------------------------------------------------------------


class _Handler(http.server.BaseHTTPRequestHandler):
    routes: dict = {}
    seen: list = []

    def do_GET(self):
        self.seen.append(self.path)
        status, headers, body, delay = self.routes.get(self.path, (404, {}, b"not found", 0))
        if delay:
            time.sleep(delay)
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    """A real HTTP server on 127.0.0.1, recording the paths it was asked for."""

    class Handler(_Handler):
        routes = {}
        seen = []

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    httpd.routes, httpd.seen = Handler.routes, Handler.seen
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def pretend_public(host: str, port: int) -> list[str]:
    """Lets tests reach the local server as 'news.test'; every other host gets the real check."""
    return ["127.0.0.1"] if host == "news.test" else public_addresses(host, port)


class TestUrls:
    def test_loopback_is_refused_before_any_request(self, server):
        port = server.server_address[1]
        server.routes["/a.html"] = (200, {"Content-Type": "text/html"}, b"<p>hi</p>", 0)
        with pytest.raises(UnsafeURLError, match=r"127\.0\.0\.1, a loopback address"):
            read_url(f"http://127.0.0.1:{port}/a.html")
        with pytest.raises(UnsafeURLError, match="loopback"):
            read(f"http://localhost:{port}/a.html")
        assert server.seen == []

    @pytest.mark.parametrize(
        ("address", "problem"),
        [
            ("10.1.2.3", "private"),
            ("192.168.0.10", "private"),
            ("172.16.5.4", "private"),
            ("169.254.169.254", "link-local"),
            ("224.0.0.1", "multicast"),
            ("0.0.0.0", "unspecified"),
            ("240.0.0.1", "reserved"),
            ("::1", "loopback"),
            ("fe80::1", "link-local"),
            ("::ffff:127.0.0.1", "loopback"),
            ("100.64.0.1", "not a public"),
        ],
    )
    def test_non_public_addresses(self, address, problem):
        assert problem in address_problem(address)

    def test_public_address_passes(self):
        assert address_problem("93.184.216.34") is None

    @pytest.mark.parametrize("url", ["http://10.0.0.1/a", "http://[::1]/a", "http://169.254.169.254/latest"])
    def test_private_urls_are_refused_without_connecting(self, url):
        with pytest.raises(UnsafeURLError, match="Only public web addresses"):
            read_url(url)

    @pytest.mark.parametrize("url", ["ftp://news.example/a.txt", "file:///etc/passwd", "javascript:alert(1)"])
    def test_only_http_and_https(self, url):
        with pytest.raises(ArticleError):
            read(url) if "://" in url else read_url(url)

    def test_every_redirect_hop_is_checked(self, server):
        port = server.server_address[1]
        server.routes["/start"] = (302, {"Location": f"http://127.0.0.1:{port}/secret"}, b"", 0)
        server.routes["/secret"] = (200, {"Content-Type": "text/plain"}, BODY.encode(), 0)
        with pytest.raises(UnsafeURLError, match="loopback"):
            read_url(f"http://news.test:{port}/start", resolve=pretend_public)
        assert server.seen == ["/start"]

    def test_too_many_redirects(self, server):
        port = server.server_address[1]
        for n in range(10):
            server.routes[f"/r{n}"] = (302, {"Location": f"/r{n + 1}"}, b"", 0)
        with pytest.raises(FetchError, match="Gave up after 5 redirects"):
            read_url(f"http://news.test:{port}/r0", resolve=pretend_public)
        assert len(server.seen) == 6

    @pytest.mark.parametrize("announced", [True, False], ids=["content-length", "no-length"])
    def test_size_is_capped(self, server, announced):
        port = server.server_address[1]
        body = b"a" * (300 * 1024)
        headers = {"Content-Type": "text/plain", **({"Content-Length": str(len(body))} if announced else {})}
        server.routes["/big.txt"] = (200, headers, body, 0)
        with pytest.raises(TooLargeError, match="MB"):
            read_url(f"http://news.test:{port}/big.txt", resolve=pretend_public, max_bytes=100 * 1024)

    def test_time_is_capped(self, server):
        port = server.server_address[1]
        server.routes["/slow.txt"] = (200, {"Content-Type": "text/plain"}, BODY.encode(), 2)
        started = time.monotonic()
        with pytest.raises(FetchError, match=r"did not answer within 0\.3 s"):
            read_url(f"http://news.test:{port}/slow.txt", resolve=pretend_public, timeout=0.3)
        assert time.monotonic() - started < 1.5

    def test_http_error_status(self, server):
        port = server.server_address[1]
        with pytest.raises(FetchError, match="HTTP 404"):
            read_url(f"http://news.test:{port}/missing", resolve=pretend_public)

    def test_non_text_content_type(self, server):
        port = server.server_address[1]
        server.routes["/photo"] = (200, {"Content-Type": "image/png"}, b"\x89PNG....", 0)
        with pytest.raises(UnsupportedInputError, match="image/png"):
            read_url(f"http://news.test:{port}/photo", resolve=pretend_public)

    def test_fetches_a_page_with_its_charset_after_a_redirect(self, server):
        port = server.server_address[1]
        page = (ARTICLES / "namdo-economy-euckr.html").read_bytes().replace(b"charset=euc-kr", b"")
        server.routes["/old"] = (301, {"Location": "/news/1"}, b"", 0)
        server.routes["/news/1"] = (200, {"Content-Type": "text/html; charset=euc-kr"}, page, 0)
        article = read_url(f"http://news.test:{port}/old", resolve=pretend_public)
        assert article.title == "AI 반도체 시험센터 내년 상반기 개소"
        assert article.url == f"http://news.test:{port}/news/1"
        assert server.seen == ["/old", "/news/1"]

    def test_resolution_failure_is_explained(self, monkeypatch):
        def fail(*args, **kwargs):
            raise reader.socket.gaierror(-2, "Name or service not known")

        monkeypatch.setattr(reader.socket, "getaddrinfo", fail)
        with pytest.raises(FetchError, match=r"Cannot resolve the host 'news\.invalid'"):
            read_url("https://news.invalid/a")


class _Trickle(http.server.BaseHTTPRequestHandler):
    """Sends a page one byte every 0.1 s: each read is quick, the whole page takes minutes."""

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.end_headers()
        try:
            for byte in BODY.encode() * 10:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(0.1)
        except OSError:
            pass  # the client hung up, as it should

    def log_message(self, *args):
        pass


class TestHostileServers:
    def test_a_trickling_server_is_cut_off_at_the_total_time(self):
        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Trickle)
        httpd.daemon_threads = True
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        try:
            started = time.monotonic()
            with pytest.raises(FetchError, match=r"within 0\.5 s"):
                read_url(f"http://news.test:{httpd.server_address[1]}/slow.txt", resolve=pretend_public, timeout=0.5)
            assert time.monotonic() - started < 2.0
        finally:
            httpd.shutdown()
            httpd.server_close()

    def test_a_redirect_to_a_broken_address_is_a_clear_error(self, server):
        port = server.server_address[1]
        server.routes["/moved"] = (302, {"Location": "http://[::1"}, b"", 0)
        with pytest.raises(FetchError, match=r"not a valid address|Could not fetch"):
            read_url(f"http://news.test:{port}/moved", resolve=pretend_public)

    def test_a_broken_url_is_a_clear_error(self):
        with pytest.raises(FetchError, match="not a valid address"):
            read_url("http://[::1")

    def test_a_content_length_that_is_not_a_number(self, server):
        port = server.server_address[1]
        server.routes["/odd.txt"] = (200, {"Content-Type": "text/plain", "Content-Length": "²"}, BODY.encode(), 0)
        with pytest.raises(FetchError, match="malformed Content-Length"):
            read_url(f"http://news.test:{port}/odd.txt", resolve=pretend_public)


class TestPlainTextEdges:
    def test_one_paragraph_without_a_headline_is_read(self):
        text = (
            "항만공사는 오는 7월 자동화 크레인동을 착공한다고 밝혔다. 공사는 2년 동안 이어지며 총 300억원이 든다. "
            "완공 뒤에는 관제센터와 연결해 하역 시간을 줄일 계획이다."
        )
        article = read_text(text)
        assert article.title == "항만공사는 오는 7월 자동화 크레인동을 착공한다고 밝혔다."
        assert article.text == text

    @pytest.mark.parametrize(
        ("line", "day"),
        [
            ("송고시간2022-04-11 11:11", dt.date(2022, 4, 11)),
            ("작성일 : 2024-02-12 16:02", dt.date(2024, 2, 12)),
            ("기사 작성일 : 2024-05-07 15:01:19", dt.date(2024, 5, 7)),
            ("등록일자 2023.03.02", dt.date(2023, 3, 2)),
        ],
    )
    def test_labelled_date_lines(self, line, day):
        text = f"항만 크레인동 착공\n{line}\n\n항만공사는 크레인동 공사를 시작했다. 공사는 2년 걸린다."
        parts = parse_plain_text(text)
        assert (parts.title, parts.published_on) == ("항만 크레인동 착공", day)
