"""The demo page in real headless Chromium (Debian's /usr/bin/chromium, no download).

A person opens the widget, does the screening by clicking and typing, sees the
admissions number, reloads and still sees the conversation. HTML typed into the
chat is shown as text and never runs. Screenshots: test-artifacts/.
"""

import shutil
from pathlib import Path
from typing import Any, Iterator

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.support.content import slot_defaults
from tests.support.servers import ROOT, WebServer

PHONE = slot_defaults()["admissions_phone"]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
ARTIFACTS = ROOT / "test-artifacts"
WAIT_MS = 60_000
XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def demo_page(assistant: Any) -> Iterator[str]:
    """The demo page served as `make run` serves it, on the allowed origin."""
    web = WebServer(assistant.web_port, assistant.base_url)
    web.start()
    try:
        yield web.url
    finally:
        web.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is needed for the browser test: apt-get install chromium")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    opened = context.new_page()
    dialogs: list = []
    opened.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    opened.dialogs = dialogs  # type: ignore[attr-defined]
    yield opened
    context.close()


def bot_says(page: Page, text: str) -> None:
    expect(page.locator(".rw-response", has_text=text).last).to_be_visible(timeout=WAIT_MS)


def click_reply(page: Page, title: str) -> None:
    page.locator(".rw-replies .rw-reply", has_text=title).first.click(timeout=WAIT_MS)


def type_message(page: Page, text: str, then_bot_says: str) -> None:
    count = page.locator(".rw-response").count()
    page.locator(".rw-new-message").fill(text)
    page.keyboard.press("Enter")
    expect(page.locator(".rw-response").nth(count)).to_be_visible(timeout=WAIT_MS)
    bot_says(page, then_bot_says)


def open_widget(page: Page, url: str) -> None:
    page.goto(url)
    page.locator(".rw-launcher").click(timeout=WAIT_MS)


def test_a_screening_in_the_browser_survives_a_reload(page: Page, demo_page: str) -> None:
    open_widget(page, demo_page)
    bot_says(page, "automated")  # the greeting, from initPayload
    click_reply(page, "Yes, let's start")
    bot_says(page, "muscle twitches")
    click_reply(page, "Yes")
    bot_says(page, "Where do you notice them")
    click_reply(page, "Legs")
    bot_says(page, "When do they happen most")
    type_message(page, "when im falling asleep", "How long")
    type_message(page, "like 2 weeks", "opioids")
    click_reply(page, "Yes")
    bot_says(page, "Which ones")
    type_message(page, "percs", "prescribed")
    type_message(page, "no", "dose")
    type_message(page, "yes i ran out last week", "benzodiazepines")
    type_message(page, "yes xanax", "prescribed")
    click_reply(page, "No")
    bot_says(page, "same day")
    type_message(page, "yes", "calm the twitching")
    type_message(page, "yea sometimes", "drink heavily")
    click_reply(page, "No")
    bot_says(page, PHONE)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "webchat-screening.png"), full_page=True)

    page.reload()
    launcher = page.locator(".rw-launcher")
    if page.locator(".rw-messages-container").count() == 0:
        launcher.click(timeout=WAIT_MS)
    bot_says(page, PHONE)
    expect(page.locator(".rw-client", has_text="percs")).to_be_visible()
    bot_says(page, "automated")  # from the start of the conversation
    expect(page.locator(".rw-client", has_text="yes i ran out last week")).to_be_visible()
    page.wait_for_timeout(1000)  # the widget's opening animation
    page.screenshot(path=str(ARTIFACTS / "webchat-after-reload.png"), full_page=True)
    assert page.dialogs == []  # type: ignore[attr-defined]


def test_html_typed_into_the_chat_is_shown_as_text(page: Page, demo_page: str) -> None:
    open_widget(page, demo_page)
    bot_says(page, "automated")
    page.locator(".rw-new-message").fill(XSS)
    page.keyboard.press("Enter")
    expect(page.locator(".rw-client", has_text=XSS)).to_be_visible(timeout=WAIT_MS)
    page.wait_for_timeout(1500)  # time for an onerror handler to run, if one were made
    assert page.dialogs == []  # type: ignore[attr-defined]
    assert page.locator(".rw-messages-container img[src='x']").count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "webchat-html-as-text.png"))
