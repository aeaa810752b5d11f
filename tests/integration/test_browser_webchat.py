"""The demo page in real headless Chromium (Debian's /usr/bin/chromium, no download).

On a phone, a person does the whole screening with the keyboard alone: Tab to the
launcher and Enter, quick replies with Shift+Tab and Enter, answers typed. The
admissions number, 911 and 988 are tel:/sms: links, and a "Call admissions" button
dials; new bot messages are read out by a live region, the person's own are not.
axe-core (web/node_modules/axe-core) finds no critical or serious WCAG 2.1 AA
violation with the widget open, with buttons shown and after the screening. A
reload keeps the conversation without reading it out again. Nothing is fetched from
another site. Closing by keyboard (the header's button on a phone, the launcher on a
desktop) leaves the focus on the launcher.
HTML typed into the chat is shown as text and never runs.
With ?lang=es, the launcher, the names for screen readers and the whole screening
are in Spanish, the live region included.
Screenshots (phone and desktop): test-artifacts/.
"""

import re
import shutil
from collections import Counter
from pathlib import Path
from typing import Any, Dict, Iterator, Set
from urllib.parse import urlsplit

import phonenumbers
import pytest
from playwright.sync_api import Browser, Page, Request, expect, sync_playwright

from tests.support.content import fill, is_spanish, responses, says_in_spanish, slot_defaults
from tests.support.servers import ROOT, WEB_DIR, WebServer

PHONE = slot_defaults()["admissions_phone"]
ADMISSIONS_TEL = "tel:" + phonenumbers.format_number(
    phonenumbers.parse(PHONE, "US"), phonenumbers.PhoneNumberFormat.E164
)
# The site's settings, as the snippet in the demo page sets them.
SPANISH_LAUNCHER_TEXT, LAUNCHER_TEXT = re.findall(
    r'launcherText: spanish \? "([^"]+)" : "([^"]+)"', (WEB_DIR / "index.html").read_text()
)[0]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
PHONE_VIEW: Dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
DESKTOP_VIEW: Dict[str, Any] = {"viewport": {"width": 1280, "height": 800}}
AXE = WEB_DIR / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
BLOCKING = {"critical", "serious"}
ARTIFACTS = ROOT / "test-artifacts"
WAIT_MS = 60_000
MAX_TABS = 60
XSS = "<img src=x onerror=alert(1)>"
INPUT = ".rw-new-message"
ANNOUNCER = ".screening-chat-announcer"
SPANISH_SCREENING = [
    "utter_opening",
    "utter_ask_start",
    "utter_ask_twitching",
    "utter_ask_twitch_location",
    "utter_ask_twitch_timing",
    "utter_ask_twitch_duration",
    "utter_ask_opioid_use",
    "utter_ask_opioid_prescribed",
    "utter_ask_opioid_dose_change",
    "utter_ask_benzo_use",
    "utter_ask_alcohol_heavy",
    "utter_explain_intro",
    "utter_admissions_contact",
    "utter_offer_callback",
]
# Every English text the assistant can say on the web chat.
ENGLISH = [
    fill(variant["text"])
    for variants in responses().values()
    for variant in variants
    if "channel" not in variant and not is_spanish(variant)
]


@pytest.fixture(scope="module")
def demo_page(assistant: Any) -> Iterator[str]:
    """The demo page served as `make run` serves it, on the allowed origin.

    One screening answer over REST first: the action server's first form validation
    takes seconds (it loads its parsers), near ACTION_TIMEOUT_SECONDS on a busy machine,
    and these tests are about the page.
    """
    assistant.say("browser-test-warm-up", "hi")
    assistant.say("browser-test-warm-up", "yes")
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


def host(request: Request) -> str:
    return urlsplit(request.url).hostname or ""


def opened(browser: Browser, view: Dict[str, Any]) -> Iterator[Page]:
    context = browser.new_context(**view)
    page = context.new_page()
    dialogs: list = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.dialogs = dialogs  # type: ignore[attr-defined]
    hosts: Set[str] = set()  # those the page's Content-Security-Policy stopped never left
    page.on("requestfinished", lambda request: hosts.add(host(request)))
    page.on(
        "requestfailed",
        lambda request: "csp" in (request.failure or "") or hosts.add(host(request)),
    )
    page.hosts = hosts  # type: ignore[attr-defined]
    yield page
    context.close()


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    yield from opened(browser, PHONE_VIEW)


@pytest.fixture
def desktop(browser: Browser) -> Iterator[Page]:
    yield from opened(browser, DESKTOP_VIEW)


def animations_done(page: Page) -> None:
    """The widget's slide and fade-in are over (mid-fade, text has less contrast)."""
    page.wait_for_function(
        "document.getAnimations().every(animation => animation.playState !== 'running')",
        timeout=WAIT_MS,
    )


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    animations_done(page)
    page.screenshot(path=str(ARTIFACTS / name))


def assert_accessible(page: Page, moment: str) -> None:
    """axe-core on the whole page: no critical or serious violation."""
    animations_done(page)
    page.add_script_tag(path=str(AXE))
    # preload: false, or axe itself would fetch the stylesheets the page's CSP blocks.
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, preload: false})",
        AXE_TAGS,
    )
    counts = Counter(violation["impact"] for violation in result["violations"])
    print(f"axe-core, {moment}: {dict(counts) or 'no violations'}")
    blocking = [
        (violation["id"], violation["impact"], [node["target"] for node in violation["nodes"]])
        for violation in result["violations"]
        if violation["impact"] in BLOCKING
    ]
    assert blocking == [], moment


def bot_says(page: Page, text: str, after: int = 0) -> None:
    """Wait for a reply containing `text` among the replies from number `after` on."""
    page.wait_for_function(
        """([text, after]) => [...document.querySelectorAll(".rw-response")]
            .slice(after).some((reply) => reply.textContent.includes(text))""",
        arg=[text, after],
        timeout=WAIT_MS,
    )


def announced(page: Page) -> str:
    return page.locator(ANNOUNCER).inner_text()


def tab_to(page: Page, selector: str, name: str, backwards: bool = False) -> None:
    """Tab (or Shift+Tab) until the focus is on `selector` named `name`."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(MAX_TABS):
        page.keyboard.press(key)
        if page.evaluate(
            """([selector, name]) => {
                const element = document.activeElement;
                const label = element.getAttribute("aria-label") || element.textContent;
                return element.matches(selector) && label.trim() === name;
            }""",
            [selector, name],
        ):
            return
    raise AssertionError(f"{name!r} ({selector}) cannot be reached with {key}")


def choose(page: Page, title: str, then_bot_says: str) -> None:
    """A quick reply by keyboard, from the text box: Shift+Tab to it, Enter."""
    expect(page.locator(INPUT)).to_be_focused()
    sent = page.locator(".rw-client").count()
    replies = page.locator(".rw-response").count()
    tab_to(page, "div.rw-reply[role=button]", title, backwards=True)
    page.keyboard.press("Enter")
    expect(page.locator(".rw-client").nth(sent)).to_have_text(title)
    expect(page.locator(INPUT)).to_be_focused()  # back in the text box for the next answer
    bot_says(page, then_bot_says, after=replies)


def answer(page: Page, text: str, then_bot_says: str) -> None:
    expect(page.locator(INPUT)).to_be_focused()
    replies = page.locator(".rw-response").count()
    page.keyboard.type(text)
    page.keyboard.press("Enter")
    bot_says(page, then_bot_says, after=replies)


def test_a_whole_screening_by_keyboard_on_a_phone(phone: Page, demo_page: str) -> None:
    phone.goto(demo_page)
    launcher = phone.locator(".rw-launcher")
    expect(launcher).to_have_attribute("data-launcher-text", LAUNCHER_TEXT)
    screenshot(phone, "webchat-phone-closed.png")
    tab_to(phone, ".rw-launcher", LAUNCHER_TEXT)
    phone.keyboard.press("Enter")
    expect(phone.locator(INPUT)).to_be_focused()
    assert_accessible(phone, "widget open")

    bot_says(phone, "automated")  # the greeting, from initPayload
    expect(phone.locator("div.rw-reply", has_text="Yes, let's start")).to_be_visible()
    assert_accessible(phone, "buttons shown")
    expect(phone.locator(ANNOUNCER)).to_have_attribute("aria-live", "polite")
    expect(phone.locator(ANNOUNCER)).to_contain_text("automated")
    messages = phone.locator("#rw-messages")
    expect(messages.locator('a[href="tel:911"]').first).to_have_text("911")
    expect(messages.locator('a[href="tel:988"]').first).to_have_text("call 988")
    expect(messages.locator('a[href="sms:988"]').first).to_have_text("text 988")

    choose(phone, "Yes, let's start", "muscle twitches")
    choose(phone, "Yes", "Where do you notice them")
    choose(phone, "Legs", "When do they happen most")
    answer(phone, "when im falling asleep", "How long")
    answer(phone, "like 2 weeks", "opioids")
    expect(phone.locator(ANNOUNCER)).to_contain_text("opioids")
    expect(phone.locator(ANNOUNCER)).not_to_contain_text("like 2 weeks")  # not the person's own
    choose(phone, "Yes", "Which ones")
    answer(phone, "percs", "prescribed")
    answer(phone, "no", "dose")
    answer(phone, "yes i ran out last week", "benzodiazepines")
    answer(phone, "yes xanax", "prescribed")
    choose(phone, "No", "same day")
    answer(phone, "yes", "calm the twitching")
    answer(phone, "yea sometimes", "drink heavily")
    choose(phone, "No", PHONE)

    call = phone.locator("a.rw-reply", has_text="Call admissions now")
    expect(call).to_have_attribute("href", ADMISSIONS_TEL, timeout=WAIT_MS)
    expect(messages.locator(f'a[href="{ADMISSIONS_TEL}"]', has_text=PHONE).first).to_be_visible()
    tab_to(phone, "a.rw-reply", "Call admissions now", backwards=True)  # reachable by keyboard
    assert_accessible(phone, "after a full screening")
    screenshot(phone, "webchat-phone.png")
    tab_to(phone, ".rw-close-button", "Close the chat", backwards=True)
    phone.keyboard.press("Enter")
    expect(launcher).to_be_focused()  # not lost with the closed chat

    phone.reload()
    launcher.click(timeout=WAIT_MS)
    bot_says(phone, PHONE)
    expect(phone.locator(".rw-client", has_text="percs")).to_be_visible()
    bot_says(phone, "automated")  # from the start of the conversation
    phone.wait_for_timeout(1000)
    assert announced(phone) == ""  # the conversation so far is not read out again
    assert phone.dialogs == []  # type: ignore[attr-defined]
    assert phone.hosts == {"localhost"}  # type: ignore[attr-defined]  # no third party


def bot_text(page: Page) -> str:
    return "\n".join(page.locator(".rw-response").all_text_contents())


def test_a_whole_screening_in_spanish_on_a_phone(phone: Page, demo_page: str) -> None:
    phone.goto(demo_page + "&lang=es")
    launcher = phone.locator(".rw-launcher")
    expect(launcher).to_have_attribute("data-launcher-text", SPANISH_LAUNCHER_TEXT)
    expect(launcher).to_have_attribute("aria-label", SPANISH_LAUNCHER_TEXT)
    expect(phone.locator("#webchat")).to_have_attribute("lang", "es")
    expect(phone.locator(ANNOUNCER)).to_have_attribute("lang", "es")  # read out in Spanish
    launcher.tap()
    expect(phone.locator(INPUT)).to_be_focused()
    expect(phone.locator(INPUT)).to_have_attribute("aria-label", "Su mensaje")
    expect(phone.locator(INPUT)).to_have_attribute("placeholder", "Escriba su respuesta...")
    expect(phone.locator(".rw-send")).to_have_attribute("aria-label", "Enviar")
    expect(phone.locator(".rw-close-button")).to_have_attribute("aria-label", "Cerrar el chat")
    expect(phone.locator("#rw-messages")).to_have_attribute("aria-label", "Conversación")

    bot_says(phone, "Soy un asistente")  # the greeting, from initPayload
    expect(phone.locator("div.rw-reply", has_text="Sí, empecemos")).to_be_visible()
    assert says_in_spanish(bot_text(phone), "utter_opening")
    choose(phone, "Sí, empecemos", "sobre los espasmos")
    choose(phone, "Sí", "En qué parte los nota")
    phone.locator("div.rw-reply", has_text="Piernas").tap()  # a button, by touch
    bot_says(phone, "Cuándo le pasan")
    phone.locator(INPUT).focus()  # a tap leaves the focus on the page, not in the text box
    answer(phone, "en la noche cuando me estoy durmiendo", "Desde qué fecha")
    answer(phone, "como dos semanas", "los opioides")
    answer(phone, "si, tomo oxicodona", "le receta esos opioides")
    answer(phone, "si me la receto el doctor", "dosis")
    answer(phone, "no, igual", "benzodiacepinas")
    choose(phone, "No", "el alcohol")
    answer(phone, "no tomo", PHONE)

    messages = phone.locator("#rw-messages")
    expect(messages.locator(f'a[href="{ADMISSIONS_TEL}"]', has_text=PHONE).first).to_be_visible()
    # The call button dials admissions, titled in Spanish.
    call = phone.locator(f'a.rw-reply[href="{ADMISSIONS_TEL}"]')
    expect(call).to_have_text("Llamar a admisiones")
    expect(phone.locator("div.rw-reply", has_text="Sí, llámenme")).to_be_visible()  # offered last
    said = bot_text(phone)
    assert [response for response in SPANISH_SCREENING if not says_in_spanish(said, response)] == []
    assert [text for text in ENGLISH if text in said] == []
    screenshot(phone, "webchat-phone-spanish.png")


def test_the_desktop_view_and_closing_by_keyboard(desktop: Page, demo_page: str) -> None:
    desktop.goto(demo_page)
    launcher = desktop.locator(".rw-launcher")
    expect(launcher).to_have_attribute("aria-label", LAUNCHER_TEXT)
    launcher.click()
    expect(launcher).to_have_attribute("aria-label", "Close the chat")
    expect(launcher).to_have_attribute("aria-expanded", "true")
    bot_says(desktop, "automated")
    expect(desktop.locator("div.rw-reply", has_text="Yes, let's start")).to_be_visible()
    expect(desktop.locator(".rw-send")).to_have_attribute("aria-label", "Send")
    screenshot(desktop, "webchat-desktop.png")
    assert_accessible(desktop, "desktop, buttons shown")

    tab_to(desktop, ".rw-launcher", "Close the chat")  # on a desktop, the launcher closes
    desktop.keyboard.press("Enter")
    expect(desktop.locator("#rw-messages")).to_have_count(0)
    expect(launcher).to_be_focused()
    expect(launcher).to_have_attribute("aria-label", LAUNCHER_TEXT)


def test_html_typed_into_the_chat_is_shown_as_text(desktop: Page, demo_page: str) -> None:
    desktop.goto(demo_page)
    desktop.locator(".rw-launcher").click(timeout=WAIT_MS)
    bot_says(desktop, "automated")
    desktop.locator(INPUT).fill(XSS)
    desktop.keyboard.press("Enter")
    expect(desktop.locator(".rw-client", has_text=XSS)).to_be_visible(timeout=WAIT_MS)
    desktop.wait_for_timeout(1500)  # time for an onerror handler to run, if one were made
    assert desktop.dialogs == []  # type: ignore[attr-defined]
    assert desktop.locator(".rw-messages-container img[src='x']").count() == 0
