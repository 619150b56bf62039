"""`archive serve` in a real headless browser (Debian's chromium and chromedriver, driven by
Selenium): what a colleague does with it, click by click.

ARCHIVE_SCREENSHOT=PATH saves the search page as the README shows it.
"""

from __future__ import annotations

import os
import shutil

import pytest
from test_serve import HOSTILE_TEXT, Served, served_files, served_index  # noqa: F401

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER),
                       reason="needs Debian's chromium and chromium-driver (apt-get install "
                              "chromium chromium-driver)"),
]


@pytest.fixture(scope="module")
def served(served_index):  # noqa: F811
    server = Served(served_index)
    yield server
    server.close()


@pytest.fixture(scope="module")
def browser():
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    # The driver is the one installed: Selenium must not look for one on the network.
    os.environ.setdefault("SE_OFFLINE", "true")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1200,900", "--lang=lv"):
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.implicitly_wait(5)
    yield driver
    driver.quit()


def _by():
    from selenium.webdriver.common.by import By

    return By


def test_type_filter_page_open_and_follow(browser, served):
    by = _by()
    browser.get(served.url + "/")
    box = browser.find_element(by.NAME, "q")
    box.send_keys("uzņēmējiem")
    box.submit()
    counts = browser.find_element(by.ID, "counts").text
    assert counts.startswith("12 talks")

    # Next page, then back.
    browser.find_element(by.CSS_SELECTOR, "a[rel=next]").click()
    assert len(browser.find_elements(by.CSS_SELECTOR, "article.talk")) == 2
    browser.find_element(by.CSS_SELECTOR, "a[rel=prev]").click()
    assert len(browser.find_elements(by.CSS_SELECTOR, "article.talk")) == 10

    # Another query, then the language filter, from its count.
    box = browser.find_element(by.NAME, "q")
    box.clear()
    box.send_keys("LEAN")
    box.submit()
    assert browser.find_element(by.ID, "counts").text.startswith("14 talks")
    browser.find_element(by.LINK_TEXT, "lietuvių").click()
    assert browser.find_element(by.ID, "counts").text.startswith("2 talks")
    titles = [a.text for a in browser.find_elements(by.CSS_SELECTOR, "article.talk h2 a")]
    assert titles and all(t.startswith("Bendradarbiavimas su verslu") for t in titles)

    # A talk's page, and a slide's link into it.
    browser.find_element(by.CSS_SELECTOR, "article.talk h2 a").click()
    assert browser.find_element(by.TAG_NAME, "h1").text.startswith("Bendradarbiavimas su verslu")
    assert len(browser.find_elements(by.CSS_SELECTOR, "section.slide")) == 2
    browser.back()
    browser.find_elements(by.LINK_TEXT, "slide text")[0].click()
    assert "#p" in browser.current_url
    slide = browser.find_element(by.ID, browser.current_url.rsplit("#", 1)[1])
    assert "LEAN" in slide.text

    # A PDF's page link opens the file at that page.
    browser.get(served.url + "/?q=Rotko")
    where = browser.find_elements(by.CSS_SELECTOR, "a.where")[0]
    assert where.get_attribute("href").split("#")[1].startswith("page=")


def test_hostile_slide_shows_as_text_and_runs_nothing(browser, served):
    by = _by()
    browser.get(served.url + "/?q=onerror")
    hit = browser.find_element(by.CSS_SELECTOR, "div.hit").text
    assert '"><img src=x onerror=alert(1)>' in hit
    assert browser.find_elements(by.CSS_SELECTOR, "main img, main b, main i") == []
    assert browser.find_element(by.CSS_SELECTOR, "article.talk h2").text == '<script>alert("title")</script>'
    assert browser.execute_script("return document.querySelectorAll('main script').length") == 0
    assert HOSTILE_TEXT.split(" onerror")[0] in hit


def test_readable_on_a_phone(browser, served):
    by = _by()
    browser.set_window_size(390, 844)
    try:
        browser.get(served.url + "/?q=LEAN")
        width = browser.execute_script("return document.documentElement.scrollWidth")
        assert width <= 390
        assert browser.find_element(by.NAME, "q").is_displayed()
    finally:
        browser.set_window_size(1200, 900)


def test_screenshot_of_the_corpus_search(browser, corpus_index, tmp_path):
    """The README's picture: the corpus searched for LEAN, Lithuanian slides only."""
    by = _by()
    server = Served(corpus_index)
    try:
        browser.get(server.url + "/?q=LEAN")
        browser.find_element(by.LINK_TEXT, "lietuvių").click()
        assert browser.find_element(by.ID, "counts").text.startswith("4 talks")
        shot = tmp_path / "search.png"
        assert browser.save_screenshot(str(shot)) and shot.read_bytes()[:4] == b"\x89PNG"
    finally:
        server.close()
    if os.environ.get("ARCHIVE_SCREENSHOT"):
        shutil.copy(shot, os.environ["ARCHIVE_SCREENSHOT"])
