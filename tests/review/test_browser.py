"""The review UI in a real browser: Debian's Chromium driven by Playwright against a live
server, with documents processed by a real worker and read back through the API."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from docplatform.models import Service
from docplatform.services import api_key_create, service_create
from review.models import ServiceMembership
from tests.http import request
from tests.review.conftest import PASSWORD

pytestmark = pytest.mark.e2e

CHROMIUM = os.environ.get("DOCPLATFORM_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
VIEWPORTS = {"wide": (1280, 800), "narrow": (390, 844)}


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is missing at {CHROMIUM} (apt-get install chromium)")
    # Playwright's sync API runs an asyncio loop in this thread; Django then refuses the test's
    # own ORM calls as "async unsafe". Nothing here shares a connection across threads: the
    # live server answers the browser from its own thread.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


def submit(base: str, key: str, path: Path) -> dict:
    reply = request(
        "POST",
        f"{base}/async-predict",
        headers={"x-api-key": key},
        files={"file": (path.name, path.read_bytes())},
    )
    assert reply.status == 200, reply.body
    return reply.json()


def wait_completed(base: str, key: str, job: str, *, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while True:
        body = request("GET", f"{base}/jobs/{job}", headers={"x-api-key": key}).json()
        if body["status"] in ("completed", "failed"):
            assert body["status"] == "completed", body
            return
        assert time.monotonic() < deadline, f"job {job} still {body['status']}"
        time.sleep(0.3)


@pytest.fixture
def invoices(live_server, worker, corpus_dir) -> dict:
    """An invoice service with a member, and two corpus invoices processed by the worker."""
    service: Service = service_create(name="Supplier invoices", kind=Service.Kind.INVOICE)
    _, key = api_key_create(service=service, name="erp")
    user = User.objects.create_user("rita", password=PASSWORD)
    ServiceMembership.objects.create(user=user, service=service)
    base = f"{live_server.url}/api/v1/inference/service/{service.public_id}"
    aws = submit(base, key, corpus_dir / "AmazonWebServices.pdf")
    flipkart = submit(base, key, corpus_dir / "FlipkartInvoice.pdf")
    for ids in (aws, flipkart):
        wait_completed(base, key, ids["job"])
    return {"base": base, "key": key, "aws": aws["resource"], "flipkart": flipkart["resource"]}


def assert_fits_the_width(page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"


def shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def current_field(page) -> str | None:
    return page.locator("[data-field-row].is-current").get_attribute("data-field")


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=list(VIEWPORTS))
def test_a_member_reviews_an_invoice_with_the_keyboard_and_the_api_sees_it(
    live_server, browser, invoices, viewport
):
    width, height = VIEWPORTS[viewport]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(15_000)

    page.goto(f"{live_server.url}/review/")
    assert "/accounts/login/" in page.url
    page.fill("#id_username", "rita")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/review/")
    assert page.locator("table.queue tbody tr").count() == 2
    assert_fits_the_width(page)
    shoot(page, f"review-queue-{viewport}")

    page.click("text=AmazonWebServices.pdf")
    page.wait_for_url(f"**/review/documents/{invoices['aws']}/**")
    image = page.locator("figure#page-1 img")
    image.wait_for()
    page.wait_for_function("() => document.querySelector('figure#page-1 img').naturalWidth > 0")
    boxes = page.locator("[data-box]")
    assert boxes.count() >= 5
    number_box = page.locator('[data-box="invoice_number"]')
    assert number_box.is_visible()
    frame = page.locator("figure#page-1 .page-frame").bounding_box()
    box = number_box.bounding_box()
    # The box sits in the top right of the page, where the invoice number is printed.
    assert frame["x"] + frame["width"] * 0.8 < box["x"] < frame["x"] + frame["width"]
    assert frame["y"] < box["y"] < frame["y"] + frame["height"] * 0.25
    assert_fits_the_width(page)

    # Clicking a box selects its field in the list; the total and the currency share a box,
    # and clicking it again moves from one to the other.
    page.locator('[data-box="invoice_date"]').click()
    assert current_field(page) == "invoice_date"
    page.locator('[data-box="currency"]').click()
    assert current_field(page) == "currency"
    page.locator('[data-box="currency"]').click()
    assert current_field(page) == "total_amount"
    page.goto(page.url.split("#")[0])

    # Keyboard only: move to the invoice number, edit it, save.
    page.locator("body").focus()
    page.keyboard.press("j")
    assert current_field(page) == "issuer"
    page.keyboard.press("j")
    assert current_field(page) == "invoice_number"
    assert "is-current" in number_box.get_attribute("class")
    page.keyboard.press("k")
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    field_input = page.locator('[data-field="invoice_number"] [data-field-input]')
    assert field_input.evaluate("el => el === document.activeElement")
    assert field_input.input_value() == "42183017"
    page.keyboard.press("Control+A")
    page.keyboard.type("42183017-B")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator(".message-success").inner_text() == "Saved Invoice number: 42183017-B."
    assert field_input.input_value() == "42183017-B"
    assert current_field(page) == "invoice_number"
    assert "changed invoice_number from 42183017 to 42183017-B" in " ".join(
        page.locator(".history").inner_text().split()
    )
    shoot(page, f"review-document-{viewport}")

    # An unsaved edit is not lost silently: approving asks first.
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    page.keyboard.type(" draft")
    page.keyboard.press("Escape")
    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    page.keyboard.press("a")
    assert questions == ["A field has unsaved changes. Leave without saving them?"]
    assert f"/review/documents/{invoices['aws']}/" in page.url
    page.goto(page.url.split("#")[0])

    # Approve and open the next document waiting for review.
    page.locator("body").focus()
    with page.expect_navigation():
        page.keyboard.press("a")
    assert f"/review/documents/{invoices['flipkart']}/" in page.url
    assert "FlipkartInvoice.pdf" in page.locator("h1").inner_text()
    assert "Approved AmazonWebServices.pdf." in page.locator(".messages").inner_text()

    page.goto(f"{live_server.url}/review/dashboard/")
    numbers = page.locator(".numbers").inner_text()
    assert "Processed\n2" in numbers and "Approved\n1" in numbers
    assert page.locator("svg.chart rect").count() >= 1
    assert_fits_the_width(page)
    shoot(page, f"review-dashboard-{viewport}")
    context.close()

    reply = request(
        "GET",
        f"{invoices['base']}/predicted-documents/{invoices['aws']}?include=service_fields",
        headers={"x-api-key": invoices["key"]},
    )
    body = reply.json()
    assert body["revision_status"] == "approved"
    assert body["reviewed_by"] == "rita"
    assert body["reviewed_at"] is not None
    number = body["service_fields"]["invoice_number"]
    assert number["value"] == "42183017-B"
    assert number["predicted_value"] == "42183017"
    assert number["corrected"] is True
