"""The review UI in a real browser: Debian's Chromium driven by Playwright against a live
server, with documents processed by a real worker and read back through the API."""

from __future__ import annotations

import json
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
# Where the reviewer has scrolled: the window, and the side panel (its own scroll box when
# wide).
SCROLLED = "[window.scrollX, window.scrollY, document.querySelector('.side').scrollTop]"


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
    ServiceMembership.objects.create(
        user=user, service=service, role=ServiceMembership.Role.MANAGER
    )
    base = f"{live_server.url}/api/v1/inference/service/{service.public_id}"
    aws = submit(base, key, corpus_dir / "AmazonWebServices.pdf")
    coolblue = submit(base, key, corpus_dir / "coolblue1.pdf")
    for ids in (aws, coolblue):
        wait_completed(base, key, ids["job"])
    return {
        "base": base,
        "key": key,
        "service": service,
        "aws": aws["resource"],
        "coolblue": coolblue["resource"],
    }


def assert_fits_the_width(page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    if overflow > 0:
        shoot(page, "overflow")
        wide = page.evaluate(
            """() => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                .filter(e => ['absolute', 'fixed'].includes(getComputedStyle(e).position))
                .slice(0, 5).map(e => e.tagName + '.' + e.className + '<' +
                    (e.offsetParent ? e.offsetParent.tagName + '.' + e.offsetParent.className : '')
                    + ' ' + Math.round(e.getBoundingClientRect().right))"""
        )
        raise AssertionError(f"{page.url} scrolls sideways by {overflow}px: {wide}")


def shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def current_field(page) -> str | None:
    return page.locator("[data-field-row].is-current").get_attribute("data-field")


def sign_in(page, base: str) -> None:
    page.goto(f"{base}/review/")
    assert "/accounts/login/" in page.url
    page.fill("#id_username", "rita")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/review/")


def saved(page, text: str) -> None:
    """Wait for an in-place save to report ``text`` (no page load happens)."""
    try:
        # The text, and htmx done with the swap (focus is set when it has settled).
        page.wait_for_function(
            "t => (document.getElementById('flash') || {}).textContent === t"
            " && !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')",
            arg=text,
        )
    except Exception:
        shown = page.evaluate("(document.getElementById('flash') || {}).textContent")
        errors = page.locator("[data-correction-error]").all_inner_texts()
        raise AssertionError(f"expected {text!r}, the page says {shown!r} {errors}") from None


def no_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    return errors


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=list(VIEWPORTS))
def test_a_member_reviews_an_invoice_with_the_keyboard_and_the_api_sees_it(
    live_server, browser, invoices, viewport
):
    width, height = VIEWPORTS[viewport]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors = no_errors(page)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))

    sign_in(page, live_server.url)
    assert page.locator("table.queue tbody tr").count() == 2
    # The counts agree with the list, and the key fields are columns.
    assert page.locator('[data-count="all"]').inner_text() == "2"
    aws_row = page.locator(f'tr[data-document="{invoices["aws"]}"]')
    assert "42183017" in aws_row.locator('[data-label="Number"]').inner_text()
    assert aws_row.locator('[data-label="Total"]').inner_text().strip() != ""
    # Why review is required is said in the queue.
    assert "under the confidence threshold" in page.locator("table.queue").inner_text()
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
    # Boxes say which field they are.
    assert number_box.locator(".box-label").inner_text() == "Invoice number"
    frame = page.locator("figure#page-1 .page-frame").bounding_box()
    box = number_box.bounding_box()
    # The box sits in the top right of the page, where the invoice number is printed.
    assert frame["x"] + frame["width"] * 0.8 < box["x"] < frame["x"] + frame["width"]
    assert frame["y"] < box["y"] < frame["y"] + frame["height"] * 0.25
    assert_fits_the_width(page)
    # The reasons for review are on the document.
    assert page.locator("[data-reasons] li").count() >= 1

    # Clicking a box selects its field in the list; the total and the currency share a box,
    # and clicking it again moves from one to the other.
    page.locator('[data-box="invoice_date"]').click()
    assert current_field(page) == "invoice_date"
    page.locator('[data-box="currency"]').click()
    assert current_field(page) == "currency"
    page.locator('[data-box="currency"]').click()
    assert current_field(page) == "total_amount"
    page.goto(page.url.split("#")[0])

    # Keyboard only: move to the invoice number, edit it, save in place.
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
    url_before = page.url
    page.evaluate("window.stillHere = true")
    where = page.evaluate(SCROLLED)
    number_at = page.locator('[data-field="invoice_number"]').bounding_box()["y"]
    page.keyboard.press("Enter")
    saved(page, "Saved Invoice number: 42183017-B.")
    # Saved in place: no page load, nothing scrolled or moved, and the field is in view.
    assert page.evaluate("window.stillHere") is True
    assert page.evaluate(SCROLLED) == where
    assert page.locator('[data-field="invoice_number"]').bounding_box()["y"] == number_at
    assert page.url == url_before.split("#")[0] + "#field-invoice_number"
    row = page.locator('[data-field="invoice_number"]').bounding_box()
    assert row["y"] >= 0 and row["y"] + row["height"] / 2 <= height
    assert field_input.input_value() == "42183017-B"
    assert current_field(page) == "invoice_number"
    assert "changed invoice_number from 42183017 to 42183017-B" in " ".join(
        page.locator(".history").inner_text().split()
    )
    # The keyboard goes on from the saved field.
    page.keyboard.press("j")
    assert current_field(page) == "invoice_date"
    shoot(page, f"review-document-{viewport}")

    # An unsaved edit is not lost silently: approving asks first, by key and by mouse.
    page.keyboard.press("Enter")
    page.keyboard.type(" draft")
    page.keyboard.press("Escape")
    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    page.keyboard.press("a")
    assert questions == ["A field has unsaved changes. Leave without saving them?"]
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    page.locator('[data-action="approve"]').click()
    assert len(questions) == 2
    assert f"/review/documents/{invoices['aws']}/" in page.url
    # Put it back as it was: nothing is unsaved any more.
    page.locator('[data-field="invoice_date"] [data-field-input]').evaluate(
        "el => { el.value = el.defaultValue; }"
    )

    # Zoom in and out; the original file opens and downloads.
    page.locator('[data-zoom="in"]').click()
    assert page.locator("[data-zoom-level]").inner_text() == "125%"
    page.keyboard.press("0")
    assert page.locator("[data-zoom-level]").inner_text() == "100%"
    with page.expect_download() as download:
        page.locator("text=Download").click()
    assert download.value.suggested_filename == "AmazonWebServices.pdf"

    # Approve and open the next document waiting for review.
    page.locator("body").focus()
    with page.expect_navigation():
        page.keyboard.press("a")
    assert f"/review/documents/{invoices['coolblue']}/" in page.url
    assert "coolblue1.pdf" in page.locator("h1").inner_text()
    assert "Approved AmazonWebServices.pdf." in page.locator(".messages").inner_text()

    # A correction that is not a value of the field's type is refused at the field.
    date_row = page.locator('[data-field="invoice_date"]')
    date_row.locator("[data-field-input]").fill("31/02/2024")
    date_row.locator("button[type=submit]").click()
    date_row.locator("[data-correction-error]").wait_for()
    assert "is not a date" in date_row.locator("[data-correction-error]").inner_text()
    assert date_row.locator("[data-field-input]").input_value() == "31/02/2024"
    assert date_row.locator("[data-field-input]").evaluate("el => el === document.activeElement")
    assert_fits_the_width(page)
    shoot(page, f"review-invalid-correction-{viewport}")
    # A refused value still counts as unsaved; a real date is stored normalised.
    date_row.locator("[data-field-input]").fill("29/02/2024")
    date_row.locator("button[type=submit]").click()
    saved(page, "Saved Invoice date: 2024-02-29.")

    page.goto(f"{live_server.url}/review/dashboard/")
    numbers = page.locator(".numbers").inner_text()
    assert "Processed\n2" in numbers and "Approved\n1" in numbers
    assert page.locator("svg.chart rect").count() >= 1
    # The chart has values on its axis and above its bars.
    assert page.locator("svg.chart .tick-y").count() == 5
    assert page.locator("svg.chart .bar-value").first.text_content() == "2"
    assert_fits_the_width(page)
    shoot(page, f"review-dashboard-{viewport}")
    page.click("text=Waiting for review")
    assert page.locator("table.queue tbody tr").count() == 1
    assert errors == []
    assert all(r.startswith(live_server.url) for r in requests), "a request left the site"
    context.close()

    reply = request(
        "GET",
        f"{invoices['base']}/predicted-documents/{invoices['aws']}?document_details=summary",
        headers={"x-api-key": invoices["key"]},
    )
    body = reply.json()
    assert body["document"]["revision_status"] == "approved"
    assert body["document"]["reviewed_by"] == "rita"
    assert body["document"]["reviewed_at"] is not None
    number = body["document_summary"]["entities"]["invoice_number"]
    assert number["text"] == number["value"] == "42183017-B"
    assert number["predicted_value"] == "42183017"
    assert number["corrected"] is True


def open_document(page, base: str, resource: str) -> None:
    page.goto(f"{base}/review/documents/{resource}/")
    page.wait_for_function("() => document.querySelector('figure#page-1 img').naturalWidth > 0")


def drag(page, locator, start: tuple[float, float], end: tuple[float, float]) -> None:
    """Drag the mouse across ``locator`` from one fraction of its box to another."""
    box = locator.bounding_box()
    page.mouse.move(box["x"] + box["width"] * start[0], box["y"] + box["height"] * start[1])
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * end[0], box["y"] + box["height"] * end[1], steps=4)
    page.mouse.up()


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=list(VIEWPORTS))
def test_a_reviewer_fixes_line_items_reads_a_missing_value_from_the_page_and_rejects_with_a_reason(
    live_server, browser, invoices, viewport
):
    width, height = VIEWPORTS[viewport]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors = no_errors(page)
    sign_in(page, live_server.url)
    open_document(page, live_server.url, invoices["coolblue"])

    # Line items are one table, not a card per cell.
    table = page.locator("#table-line_items")
    rows = table.locator("tbody tr[data-row]")
    count = rows.count()
    assert count >= 3
    assert table.locator("thead th").all_inner_texts()[1:5] == [
        "Description",
        "Quantity",
        "Unit price",
        "Amount",
    ]
    assert page.locator(".field[data-field^='line_items']").count() == 0

    # Add a row and fill it, in place.
    page.evaluate("window.stillHere = true")
    table.locator('[data-action="row-add"]').click()
    page.wait_for_function(
        "n => document.querySelectorAll('#table-line_items tbody tr[data-row]').length === n",
        arg=count + 1,
    )
    # The new row's first cell has the focus, ready for typing.
    page.wait_for_function(
        "name => document.activeElement.matches('[data-field-input]')"
        " && document.activeElement.closest('[data-field-row]').dataset.field === name",
        arg=f"line_items[{count}].description",
    )
    page.keyboard.type("Shipping")
    page.keyboard.press("Enter")
    saved(page, f"Saved Line items {count + 1} · description: Shipping.")

    # Delete a spurious row, after a confirmation.
    page.once("dialog", lambda dialog: dialog.accept())
    rows.nth(0).locator('[data-action="row-delete"]').click()
    page.wait_for_function(
        "n => document.querySelectorAll('#table-line_items tbody tr[data-row]').length === n",
        arg=count,
    )
    # Its boxes leave the page with it.
    page.wait_for_function(
        "() => !document.querySelector('[data-box^=\"line_items[0].\"]')", timeout=5_000
    )
    history = " ".join(page.locator(".history").inner_text().split())
    assert f"added the row line_items[{count}]" in history
    assert "deleted the row line_items[0]" in history
    assert page.evaluate("window.stillHere") is True
    assert_fits_the_width(page)
    shoot(page, f"review-line-items-{viewport}")

    # A field the extraction did not find is read from a box drawn on the page.
    page.locator('[data-field="due_date"] .field-label').click()
    page.keyboard.press("d")
    assert page.locator("[data-draw]").get_attribute("aria-pressed") == "true"
    date_box = page.locator('[data-box="invoice_date"]')
    date_box.scroll_into_view_if_needed()
    drag(page, date_box, (-0.1, -0.3), (1.1, 1.3))
    due = page.locator('[data-field="due_date"] [data-field-input]')
    page.wait_for_function(
        "() => document.querySelector('[data-field=\"due_date\"] [data-field-input]').value"
    )
    assert due.input_value() == "19 april 2014"
    due.press("Enter")
    saved(page, "Saved Due date: 2014-04-19.")

    # Zoom into the page and back.
    page.locator('[data-zoom="in"]').click()
    page.locator('[data-zoom="in"]').click()
    assert page.locator("[data-zoom-level]").inner_text() == "156%"
    frame = page.locator("figure#page-1").bounding_box()
    pages = page.locator("[data-pages]").bounding_box()
    assert frame["width"] > pages["width"]
    assert_fits_the_width(page)
    shoot(page, f"review-zoomed-{viewport}")
    page.locator('[data-zoom="fit"]').click()

    # A note, then a rejection that asks why; both are in the history and the API. Sending
    # the note asks nothing (the note is what was typed), and it is saved in place: no page
    # load, the page and the side panel stay where the reviewer scrolled them.
    questions: list[str] = []
    page.on("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    page.locator("#note-text").scroll_into_view_if_needed()
    page.evaluate("window.scrollBy(0, 40); document.querySelector('.side').scrollTop += 40")
    where = page.evaluate(SCROLLED)
    page.fill("#note-text", "Credit note expected")
    page.locator(".note-form button").click()
    saved(page, "Note added.")
    assert questions == []
    assert page.evaluate("window.stillHere") is True
    assert page.evaluate(SCROLLED) == where
    assert "noted: Credit note expected" in " ".join(page.locator(".history").inner_text().split())
    # The note field is empty again, keeps the focus, and nothing counts as unsaved.
    note = page.locator("#note-text")
    assert note.input_value() == ""
    assert note.evaluate("el => el === document.activeElement")
    # An empty note is refused at the note field, in place.
    page.keyboard.type("   ")
    page.keyboard.press("Control+Enter")
    page.locator("#note-error").wait_for()
    assert "Write the note first" in page.locator("#note-error").inner_text()

    # Approve (without opening the next document) is taken in place too: the status in the
    # header and the history change, the page stays.
    page.locator('[data-action="approve"]').click()
    saved(page, "Approved coolblue1.pdf.")
    assert page.locator("#doc-header .status").inner_text() == "Approved"
    assert "set the status to Approved" in " ".join(page.locator(".history").inner_text().split())
    assert page.evaluate("window.stillHere") is True
    assert questions == []
    # The keyboard goes on from the Approve button.
    assert page.evaluate("document.activeElement.dataset.action") == "approve"
    page.keyboard.press("r")
    reason = page.locator("#reject-reason")
    assert reason.evaluate("el => el === document.activeElement")
    page.keyboard.type("Not our order")
    with page.expect_navigation():
        page.keyboard.press("Control+Enter")
    assert "Rejected coolblue1.pdf." in page.locator(".messages").inner_text()
    assert errors == []
    context.close()

    # Without JavaScript every form still works, as a page of its own.
    context = browser.new_context(
        viewport={"width": width, "height": height}, java_script_enabled=False
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/review/documents/{invoices['aws']}/")
    number = page.locator('[data-field="invoice_number"]')
    number.locator("[data-field-input]").fill("42183017-C")
    with page.expect_navigation():
        number.locator("button[type=submit]").click()
    assert page.url.endswith("#field-invoice_number")
    assert "Saved Invoice number: 42183017-C." in page.locator(".messages").inner_text()
    page.fill("#note-text", "Checked without scripts")
    with page.expect_navigation():
        page.locator(".note-form button").click()
    assert "noted: Checked without scripts" in " ".join(
        page.locator(".history").inner_text().split()
    )
    with page.expect_navigation():
        page.locator('[data-action="approve"]').click()
    assert "Approved AmazonWebServices.pdf." in page.locator(".messages").inner_text()
    context.close()
    body = request(
        "GET",
        f"{invoices['base']}/predicted-documents/{invoices['coolblue']}"
        "?document_details=summary&include=service_fields",
        headers={"x-api-key": invoices["key"]},
    ).json()
    assert body["document"]["revision_status"] == "not_approved"
    assert body["document"]["decision_reason"] == "Not our order"
    assert body["document"]["notes"][0]["text"] == "Credit note expected"
    assert body["document_summary"]["entities"]["due_date"]["value"] == "2014-04-19"
    # The row added in the browser is among the line items in force.
    assert '"Shipping"' in json.dumps(body)


DROP_FILES = """([selector, files]) => {
    const transfer = new DataTransfer();
    for (const [name, type, base64] of files) {
        const bytes = Uint8Array.from(atob(base64), c => c.charCodeAt(0));
        transfer.items.add(new File([bytes], name, { type }));
    }
    const zone = document.querySelector(selector);
    zone.dispatchEvent(new DragEvent("dragenter", { dataTransfer: transfer, bubbles: true }));
    zone.dispatchEvent(new DragEvent("drop", { dataTransfer: transfer, bubbles: true }));
}"""


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=list(VIEWPORTS))
def test_a_manager_searches_decides_in_bulk_uploads_and_a_viewer_only_reads(
    live_server, browser, invoices, viewport
):
    import base64

    from tests import documents

    width, height = VIEWPORTS[viewport]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors = no_errors(page)
    sign_in(page, live_server.url)

    # The search reads the text of the documents, not only their names.
    page.fill('input[name="q"]', "tabletcenter")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("table.queue tbody tr").count() == 1
    assert "coolblue1.pdf" in page.locator("table.queue").inner_text()
    page.fill('input[name="q"]', "")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # Select both, approve them at once after a confirmation.
    page.locator("[data-select-all]").check()
    assert page.locator("[data-selected-count]").inner_text() == "2 selected"
    with page.expect_navigation():
        page.locator('.bulk-bar button[value="approve"]').click()
    assert page.locator("[data-confirm-list] li").count() == 2
    assert_fits_the_width(page)
    with page.expect_navigation():
        page.locator('[data-action="bulk-confirm"]').click()
    assert "Approved 2 documents." in page.locator(".messages").inner_text()
    assert page.locator('[data-count="approved"]').inner_text() == "2"
    assert page.locator('[data-count="waiting"]').inner_text() == "0"

    # Drop two files on the upload page and watch them finish.
    page.goto(f"{live_server.url}/review/upload/")
    usage = page.locator("[data-usage]").inner_text()
    assert "2 documents" in usage
    two_pages = documents.text_pdf(["Invoice 77 page one"], ["Total 12.00 on page two"])
    files = [
        ["two-pages.pdf", "application/pdf", base64.b64encode(two_pages).decode()],
        ["notes.txt", "text/plain", base64.b64encode(b"not a document").decode()],
    ]
    with page.expect_navigation():
        page.evaluate(DROP_FILES, ["[data-drop]", files])
    assert "notes.txt: Unsupported file type" in page.locator(".messages").inner_text()
    page.locator('[data-upload-status="completed"]').wait_for(timeout=90_000)
    assert_fits_the_width(page)
    shoot(page, f"review-upload-{viewport}")

    # A long document has page thumbnails.
    page.click("text=two-pages.pdf")
    page.locator("[data-thumb]").first.wait_for()
    assert page.locator("[data-thumb]").count() == 2
    page.locator('[data-thumb="2"]').click()
    assert page.url.endswith("#page-2")
    assert errors == []
    context.close()

    # A viewer reads the document but cannot change it.
    ServiceMembership.objects.filter(user__username="rita").update(
        role=ServiceMembership.Role.VIEWER
    )
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/review/documents/{invoices['aws']}/")
    assert page.locator("[data-field-row]").count() >= 5
    assert page.locator("[data-field-input]").count() == 0
    assert page.locator('[data-action="approve"]').count() == 0
    assert page.locator("text=Upload").count() == 0
    shoot(page, f"review-viewer-{viewport}")
    context.close()


def test_the_admin_lists_fit_a_1440_pixel_screen(live_server, browser, invoices):
    User.objects.filter(username="rita").update(is_staff=True, is_superuser=True)
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    sign_in(page, live_server.url)
    for path in (
        "/admin/docplatform/service/",
        "/admin/docplatform/usageplan/",
        "/admin/docplatform/apikey/",
        "/admin/review/servicemembership/",
    ):
        page.goto(f"{live_server.url}{path}")
        assert "Document platform administration" in page.locator("#site-name").inner_text()
        assert_fits_the_width(page)
    page.goto(f"{live_server.url}/admin/docplatform/service/{invoices['service'].pk}/change/")
    assert_fits_the_width(page)
    shoot(page, "admin-service-1440")
    context.close()


def test_an_untouched_multi_line_text_leaves_without_a_question_and_an_edit_never_silently(
    live_server, browser, complete_document
):
    from tests.review.conftest import field

    service = service_create(name="Letters", kind=Service.Kind.TEXT)
    user = User.objects.create_user("rita", password=PASSWORD)
    ServiceMembership.objects.create(user=user, service=service)
    text = "Dear customer,\nyour order 4711\nhas shipped."
    first = complete_document(service, fields={"text": field(text, 1.0)}, filename="a.pdf")
    complete_document(service, fields={"text": field("Second letter", 1.0)}, filename="b.pdf")
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/review/documents/{first.pk}/")
    editor = page.locator('[data-field="text"] textarea[data-field-input]')
    assert editor.input_value() == text
    questions: list[str] = []
    page.on("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    # Nothing was touched: approving asks nothing and opens the next document.
    page.locator("body").focus()
    with page.expect_navigation():
        page.keyboard.press("a")
    assert questions == []
    assert "b.pdf" in page.locator("h1").inner_text()
    # An edit is guarded against a link too.
    page.locator('[data-field="text"] [data-field-input]').fill("Second letter, edited")
    page.locator("text=← Queue").click()
    assert questions == ["A field has unsaved changes. Leave without saving them?"]
    assert "/review/documents/" in page.url
    context.close()
