"""The client: one service, one key, over httpx."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any
from urllib.parse import parse_qs, urlparse

import httpx

from docplatform_client.models import Job, PredictedDocument, Quotas, Submission

Source = str | Path | bytes | IO[bytes]


class ApiError(Exception):
    """An error answer of the API: its HTTP status and the body's code, message and param."""

    def __init__(self, status: int, code: str, message: str, param: str | None = None) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.param = param


class WaitTimeout(Exception):
    """The job did not finish within the time ``wait`` was given."""


def _retry_after(response: httpx.Response, default: float) -> float:
    value = response.headers.get("Retry-After", "")
    try:
        return max(0.0, float(value))
    except ValueError:
        return default


class DocPlatform:
    """The API of one service, authenticated by its key.

    ``transport`` and ``sleep`` are seams for callers that need them (a custom transport,
    a test clock); by default requests go over the network and waits really wait.
    """

    def __init__(
        self,
        base_url: str,
        *,
        api_key: str,
        service_id: str,
        timeout: float = 120.0,
        max_retries: int = 5,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.service_id = service_id
        self.max_retries = max_retries
        self._sleep = sleep
        self._http = httpx.Client(
            base_url=base_url.rstrip("/") + "/api/v1",
            headers={"x-api-key": api_key, "Accept": "application/json"},
            timeout=timeout,
            transport=transport,
        )

    def __enter__(self) -> DocPlatform:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    # --- transport -------------------------------------------------------------------------

    def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One call; 429 is retried after its ``Retry-After``, up to ``max_retries`` times."""
        for attempt in range(self.max_retries + 1):
            response = self._http.request(method, path, **kwargs)
            if response.status_code != 429 or attempt == self.max_retries:
                break
            self._sleep(_retry_after(response, 2.0**attempt))
            for value in kwargs.get("files", {}).values():
                handle = value[1] if isinstance(value, tuple) else value
                if hasattr(handle, "seek"):
                    handle.seek(0)
        if response.status_code >= 400:
            try:
                error = response.json()["error"]
            except (ValueError, KeyError, TypeError):
                error = {"code": "http_error", "message": response.text[:500]}
            raise ApiError(
                response.status_code, error["code"], error["message"], error.get("param")
            )
        return response

    def _inference(self, suffix: str = "") -> str:
        return f"/inference/service/{self.service_id}{suffix}"

    # --- calls ------------------------------------------------------------------------------

    def submit(
        self,
        source: Source,
        *,
        filename: str | None = None,
        alias: str | None = None,
        webhook_url: str | None = None,
        idempotency_key: str | None = None,
        result_ttl: int | None = None,
        ocr_language: str | None = None,
    ) -> Submission:
        """Submit a document (a path, bytes or a binary file) for asynchronous extraction.

        ``ocr_language``: Tesseract languages for this document's OCR ("deu", "eng+deu"),
        over the service's setting."""
        name, payload = _file(source, filename)
        fields = {"alias": alias, "webhook_url": webhook_url, "ocr_language": ocr_language}
        data = {k: v for k, v in fields.items() if v}
        headers = {}
        if idempotency_key is not None:
            headers["Idempotency-Key"] = idempotency_key
        if result_ttl is not None:
            headers["x-result-ttl"] = str(result_ttl)
        response = self._request(
            "POST",
            self._inference("/async-predict"),
            files={"file": (name, payload)},
            data=data,
            headers=headers,
        )
        body = response.json()
        return Submission(
            job=body["job"],
            resource=body["resource"],
            status=body.get("status", "queued"),
            replayed=response.headers.get("Idempotent-Replayed") == "true",
        )

    def job(self, job_id: str) -> Job:
        return Job.from_json(self._request("GET", self._inference(f"/jobs/{job_id}")).json())

    def wait(
        self,
        job_id: str,
        *,
        timeout: float = 600.0,
        initial_delay: float = 0.5,
        max_delay: float = 10.0,
        on_progress: Callable[[Job], None] | None = None,
    ) -> Job:
        """Poll a job until it is completed or failed; backoff doubles from ``initial_delay``
        to ``max_delay``, or follows the server's ``Retry-After``. ``on_progress`` hears of
        every change of status or pages done."""
        deadline = time.monotonic() + timeout
        delay = initial_delay
        seen: tuple[str, int] | None = None
        while True:
            response = self._request("GET", self._inference(f"/jobs/{job_id}"))
            job = Job.from_json(response.json())
            if on_progress is not None and (job.status, job.pages_done) != seen:
                seen = (job.status, job.pages_done)
                on_progress(job)
            if job.finished:
                return job
            pause = _retry_after(response, delay)
            if time.monotonic() + pause > deadline:
                raise WaitTimeout(f"job {job_id} is still {job.status} after {timeout:g} s")
            self._sleep(pause)
            delay = min(max_delay, delay * 2)

    def result(
        self,
        resource: str,
        *,
        include: Iterable[str] = (),
        details: str = "pages",
    ) -> PredictedDocument:
        """The predicted document; ``include``: ocr, service_fields, validation_errors."""
        params: dict[str, Any] = {"include": list(include), "document_details": details}
        response = self._request(
            "GET", self._inference(f"/predicted-documents/{resource}"), params=params
        )
        return PredictedDocument.from_json(response.json())

    def jobs(self, *, status: str | None = None, page_size: int = 50) -> Iterator[Job]:
        """Every job of the service, newest first, following the cursor page by page."""
        params: dict[str, Any] = {"page_size": page_size}
        if status is not None:
            params["status"] = status
        while True:
            body = self._request("GET", self._inference("/jobs"), params=params).json()
            for item in body["results"]:
                yield Job.from_json(item)
            if not body.get("next"):
                return
            cursor = parse_qs(urlparse(body["next"]).query).get("cursor", [""])[0]
            params = {**params, "cursor": cursor}

    def delete(self, resource: str) -> None:
        """Delete a document's file and extracted data now."""
        self._request("DELETE", self._inference(f"/predicted-documents/{resource}"))

    def quotas(self) -> Quotas:
        body = self._request("GET", f"/service/{self.service_id}/plan/quotas").json()
        return Quotas.from_json(body)


def _file(source: Source, filename: str | None) -> tuple[str, bytes | IO[bytes]]:
    if isinstance(source, str | Path):
        path = Path(source)
        return filename or path.name, path.read_bytes()
    if isinstance(source, bytes):
        return filename or "document", source
    return filename or Path(getattr(source, "name", "document")).name, source
