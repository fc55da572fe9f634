"""The Content-Security-Policy holds in a real browser: the pages pass it (every browser test's
`page` fixture fails on a violation), and an injected inline script is refused and reported."""

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_injected_inline_script_is_refused_and_reported(browser, live_server):
    context = browser.new_context(locale="zh-CN", base_url=live_server.url)
    page = context.new_page()
    messages: list[str] = []
    page.on("console", lambda message: messages.append(message.text))
    page.goto("/coverage/")
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.injected = true'; document.head.appendChild(s); }"
    )
    assert page.evaluate("() => window.injected === true") is False
    assert any("Content Security Policy" in text for text in messages), messages
    context.close()


def test_pages_pass_the_policy(page):
    for path in ("/", "/coverage/", "/accounts/login/", "/activate/"):
        page.goto(path)
        assert page.locator("body").count() == 1
