"""The live server the browser tests use: requests at the same time each get a sound answer."""

from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote
from urllib.request import urlopen

import pytest
from django.db import connection

pytestmark = pytest.mark.slow

WORDS = ["데이터", "센터", "착공", "완공", "AI", "예타", "2단계", "실증", "개소", "구축", "컴퓨팅", "Data"]


def test_requests_at_the_same_time_all_get_the_page(live_server, gwangju):
    assert not (connection.vendor == "sqlite" and connection.is_in_memory_db())
    url = f"{live_server.url}/programs/{gwangju.slug}/"

    def fetch(word: str) -> tuple[int, bool]:
        with urlopen(f"{url}?q={quote(word)}", timeout=60) as response:  # a search each: no cached page
            return response.status, b'id="timeline"' in response.read()

    with ThreadPoolExecutor(max_workers=len(WORDS)) as pool:
        answers = list(pool.map(fetch, WORDS * 3))

    assert answers == [(200, True)] * len(WORDS) * 3
