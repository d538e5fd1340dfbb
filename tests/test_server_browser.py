"""The query page in headless Chromium (Debian's chromium + chromium-driver, driven by selenium):
load it, run a canned query and an example, see rows and a chart, and keep screenshots in
tests/artifacts/. Every resource the page loads comes from the server itself."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

from amakg.api import KnowledgeGraph
from amakg.server import ServerConfig
from amakg.server.background import BackgroundServer
from amakg.server.snapshot import snapshot_of

ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,1000",
)
WAIT = 60  # seconds: an upper bound for slow machines, not a timing assertion


@pytest.fixture(scope="module")
def server(kg: KnowledgeGraph) -> Iterator[BackgroundServer]:
    snapshot = snapshot_of(kg)
    with BackgroundServer(ServerConfig(workers=2), snapshot) as running:
        yield running
    snapshot.discard()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    os.environ["SE_OFFLINE"] = "true"  # selenium must never download a driver or a browser
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium')}")
    service = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    driver = webdriver.Chrome(service=service, options=options)
    yield driver
    driver.quit()


def open_page(browser: WebDriver, url: str) -> None:
    browser.get(url)
    WebDriverWait(browser, WAIT).until(
        lambda d: d.find_element(By.ID, "app").get_attribute("data-ready") == "true"
    )


def run_example(browser: WebDriver, name: str) -> list[list[str]]:
    """Click an example in the side list; return the table's rows once they are shown."""
    browser.find_element(By.CSS_SELECTOR, f"button.example[data-name='{name}']").click()
    WebDriverWait(browser, WAIT).until(
        lambda d: (
            " in " in d.find_element(By.ID, "status").text
            or d.find_element(By.ID, "error").is_displayed()
        )
    )
    rows = browser.find_elements(By.CSS_SELECTOR, "#results table.results tbody tr")
    return [[td.text for td in row.find_elements(By.TAG_NAME, "td")] for row in rows]


def screenshot(browser: WebDriver, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    browser.save_screenshot(str(path))
    return path


def test_a_canned_query_shows_rows_and_a_chart(
    browser: WebDriver, server: BackgroundServer, kg: KnowledgeGraph
) -> None:
    open_page(browser, server.url + "/")
    rows = run_example(browser, "wins")
    expected = kg.run("wins", artist="BTS")
    assert len(rows) == len(expected.rows)
    header = [th.text for th in browser.find_elements(By.CSS_SELECTOR, "#results thead th")]
    assert header == expected.vars
    category = header.index("categoryName")
    assert [r[category] for r in rows] == [str(r["categoryName"]) for r in expected.rows]
    assert "Favorite Social Artist" in {r[category] for r in rows}
    chart = browser.find_element(By.ID, "chart")
    assert chart.is_displayed()
    assert "wins per year" in chart.text
    years = {int(str(r["year"])) for r in expected.rows}
    assert len(chart.find_elements(By.CSS_SELECTOR, "svg rect.bar")) == len(years)
    assert screenshot(browser, "query-page-wins.png").stat().st_size > 10_000


def test_an_example_runs_as_sparql_and_draws_categories(
    browser: WebDriver, server: BackgroundServer
) -> None:
    open_page(browser, server.url + "/")
    rows = run_example(browser, "nominations-per-category")
    assert rows and all(int(r[1]) >= int(r[2]) for r in rows)  # nominations >= wins
    assert "Favorite Pop Duo or Group" in {r[0] for r in rows}
    bars = browser.find_elements(By.CSS_SELECTOR, "#chart svg rect.bar")
    assert 0 < len(bars) <= 40
    screenshot(browser, "query-page-categories.png")


def test_an_edited_query_runs_and_errors_are_shown(
    browser: WebDriver, server: BackgroundServer
) -> None:
    open_page(browser, server.url + "/")
    editor = browser.find_element(By.ID, "query")
    editor.clear()
    editor.send_keys("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    browser.find_element(By.ID, "run").click()
    error = browser.find_element(By.ID, "error")
    WebDriverWait(browser, WAIT).until(lambda d: error.is_displayed())
    assert "SERVICE" in error.text and "refused" in error.text
    assert "HTTP 400" in browser.find_element(By.ID, "status").text


def test_the_page_loads_nothing_from_elsewhere(
    browser: WebDriver, server: BackgroundServer
) -> None:
    open_page(browser, server.url + "/")
    run_example(browser, "wins")
    loaded = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
    )
    assert loaded
    assert [url for url in loaded if not url.startswith(server.url + "/")] == []


def test_the_entity_page_in_a_browser(browser: WebDriver, server: BackgroundServer) -> None:
    browser.get(server.url + "/id/artist/bts")
    assert browser.find_element(By.TAG_NAME, "h1").text == "BTS"
    outcomes = browser.find_elements(By.CSS_SELECTOR, "table.nominations tbody tr")
    assert len(outcomes) >= 7  # the article's seven BTS wins, 2018-2022
    screenshot(browser, "entity-bts.png")
