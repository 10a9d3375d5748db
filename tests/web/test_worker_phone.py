"""The worker's side on a cheap phone, in a real browser (Debian's chromium) at 360×640 and 390×844: a message
arrives and is read, a recommendation is accepted, an application withdrawn (after a confirmation), 我已找到工作
reported and confirmed by staff, 忘记密码 asked and done by the responsible staff member, then signing in with
the new password. On the way: no page is wider than the screen, the menu fits, tap targets are at least 44 px,
and after a search the first screen shows results. Screenshots go to tests/artifacts/worker-<size>-*.png."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.browser

SIZES = {"360x640": {"width": 360, "height": 640}, "390x844": {"width": 390, "height": 844}}

#: Every tap target of the worker's pages: buttons, button-like links, job titles, the menu.
TARGETS = "main button:visible, main a.button:visible, .job h3 a:visible, .mainnav a, header button"


def sign_in(page, base: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("header .who")).to_be_attached()


def sign_out(page) -> None:
    page.get_by_role("button", name="退出").click()
    expect(page).to_have_url(re.compile(r"/login"))


def check_fits(page, width: int) -> None:
    """Nothing wider than the screen; the whole menu visible without scrolling; tap targets ≥ 44 px high."""
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= width, f"{page.url}: page is {overflow}px wide on a {width}px screen"
    nav = page.evaluate("(() => { const n = document.querySelector('.mainnav');"
                        " return n ? [n.scrollWidth, n.clientWidth] : [0, 0]; })()")
    assert nav[0] <= nav[1], f"{page.url}: the menu needs scrolling ({nav[0]} > {nav[1]})"
    small = page.evaluate(f"""Array.from(document.querySelectorAll({TARGETS!r}.replaceAll(':visible', '')))
        .filter(e => e.offsetParent !== null)
        .map(e => [e.textContent.trim().slice(0, 12), e.getBoundingClientRect().height])
        .filter(([, h]) => h < 44)""")
    assert not small, f"{page.url}: tap targets under 44px: {small}"


@pytest.fixture
def setup(web_app, world):
    """Staff (酉阳) recommend 缝纫工 (Y1) to worker A with a note; A has applied to 电焊工 (X1); the employers
    have contact details; staff_cq has a work phone and office."""
    from app.database import get_db
    from models.actions import applications, contacts
    from models.people.employers import update_employer
    from models.people.users import get_user

    with web_app.app_context():
        db = get_db()
        staff = get_user(db, world.users["staff_cq"])
        contacts.set_own_details(db, staff, work_phone="023-75551234", office="酉阳县就业局3号窗口")
        rec = applications.recommend(db, staff, world.workers["A"], world.jobs["Y1"], note="长白班，离老乡近")
        applied = applications.apply(db, get_user(db, world.users["worker_a"]), world.jobs["X1"])
        update_employer(db, world.employers["Y"], contact_name="王经理", contact_phone="0536-6661234")
    return {"rec": rec, "applied": applied}


@pytest.mark.parametrize("size", list(SIZES))
def test_worker_flows_on_a_phone(size, browser, live_server, world, setup, encoder, shot):
    base = live_server
    viewport = SIZES[size]
    context = browser.new_context(viewport=viewport, is_mobile=True, has_touch=True, locale="zh-CN",
                                  device_scale_factor=2)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    name = f"worker-{size}"

    # 1. A message arrives: 消息 shows the unread count; reading it opens 我的投递 at the recommendation.
    sign_in(page, base, "worker_a")
    expect(page.locator(".mainnav a", has_text="消息").locator(".badge")).to_have_text("1")
    check_fits(page, viewport["width"])
    page.locator(".mainnav a", has_text="消息").click()
    message = page.locator("li.message.unread").first
    expect(message).to_contain_text("推荐了“缝纫工”")
    expect(message).to_contain_text("长白班，离老乡近")
    expect(page.locator("p.contact-line")).to_contain_text("023-75551234")
    check_fits(page, viewport["width"])
    shot(page, f"{name}-01-messages")
    message.get_by_role("button", name="去看看").click()
    expect(page).to_have_url(re.compile(rf"/me/applications#application-{setup['rec']}$"))
    expect(page.locator(".mainnav .badge")).to_have_count(0)

    # 2. Accept the recommendation (the staff note is shown with it).
    card = page.locator(f"#application-{setup['rec']}")
    expect(card.locator(".staff-said")).to_contain_text("长白班，离老乡近")
    check_fits(page, viewport["width"])
    shot(page, f"{name}-02-applications")
    card.get_by_role("button", name="接受推荐").click()
    expect(page.locator(".flash-success")).to_contain_text("已接受推荐")
    expect(page.locator(f"#application-{setup['rec']}")).to_contain_text("已投递，等待单位查看")

    # 3. Withdraw the application to 电焊工: the phone asks first; cancelling changes nothing.
    withdraw = page.locator(f"#application-{setup['applied']}").get_by_role("button", name="撤回投递")
    page.once("dialog", lambda d: d.dismiss())
    withdraw.click()
    expect(page.locator(f"#application-{setup['applied']}")).to_contain_text("已投递，等待单位查看")
    page.once("dialog", lambda d: d.accept())
    withdraw.click()
    expect(page.locator(".flash-success")).to_contain_text("已撤回")
    expect(page.locator(f"#application-{setup['applied']}")).to_contain_text("您已撤回")
    shot(page, f"{name}-03-withdrawn")

    # 4. 我已找到工作, from 我的.
    page.locator(".mainnav").get_by_role("link", name="我的", exact=True).click()
    page.get_by_role("link", name="我已找到工作").click()
    page.fill("input[name=employer_name]", "青岛某电子厂")
    page.fill("input[name=title]", "普工")
    page.fill("input[name=city]", "青岛")
    page.get_by_role("button", name="登记").click()
    expect(page.locator("article.claim")).to_contain_text("等待工作人员确认")
    check_fits(page, viewport["width"])
    shot(page, f"{name}-04-found-job")

    # 5. A search: the first screen shows results, not the form.
    page.goto(f"{base}/jobs?keywords=%E7%BC%9D%E7%BA%AB")
    first = page.locator("article.job").first
    expect(first).to_be_visible()
    assert first.bounding_box()["y"] < viewport["height"], "after a search the first result is below the fold"
    check_fits(page, viewport["width"])
    shot(page, f"{name}-05-search")
    # The job page: a back link, how far from home, and the larger-type switch (remembered).
    first.locator("h3 a").click()
    expect(page.locator("a.back")).to_be_visible()
    expect(page.locator(".job-distance")).to_contain_text("公里")
    page.locator("#type-toggle").click()
    expect(page.locator("html")).to_have_class(re.compile(r"\bbig\b"))
    page.reload()
    expect(page.locator("html")).to_have_class(re.compile(r"\bbig\b"))
    check_fits(page, viewport["width"])
    shot(page, f"{name}-06-job-big-type")
    page.locator("#type-toggle").click()
    sign_out(page)

    # 6. 忘记密码: asked without signing in.
    page.get_by_role("link", name="忘记密码？").click()
    page.fill("input[name=who]", "worker_a")
    page.get_by_role("button", name="申请重置密码").click()
    expect(page.locator("main")).to_contain_text("已收到")
    shot(page, f"{name}-07-forgot")

    # 7. The responsible staff member resets it after checking identity, and confirms 我已找到工作.
    sign_in(page, base, "staff_cq")
    page.locator(".mainnav a", has_text="求助").click()
    reset = page.locator("article[id^=reset-]", has_text="worker_a")
    reset.locator("input[name=identity_note]").fill("电话核对身份证后四位")
    reset.locator("input[name=new_password]").fill("reset-Pass-789")
    shot(page, f"{name}-08-staff-care")
    reset.get_by_role("button", name="核实无误，重置密码").click()
    expect(page.locator(".flash-success")).to_contain_text("已为")
    page.locator("article[id^=claim-]", has_text="青岛某电子厂").get_by_role("button", name="核实无误，确认就业").click()
    expect(page.locator(".flash-success")).to_contain_text("就业记录已建立")
    sign_out(page)

    # 8. The worker signs in with the new password and reads both messages.
    sign_in(page, base, "worker_a", "reset-Pass-789")
    page.goto(f"{base}/me/messages")
    expect(page.locator("main")).to_contain_text("重置登录密码")
    expect(page.locator("main")).to_contain_text("已确认您在“青岛某电子厂”就业")
    shot(page, f"{name}-09-messages-after")
    assert not errors, errors
    context.close()
