"""A service's own OCR settings: validated when saved, the platform's defaults otherwise."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from docplatform.selectors import service_ocr_options
from docplatform.services import service_create

pytestmark = pytest.mark.django_db


def test_a_service_without_ocr_settings_uses_the_platforms(settings):
    settings.DOCPLATFORM_OCR_ENGINE = "rapidocr"
    settings.DOCPLATFORM_OCR_LANG = "eng+deu"
    service = service_create(name="Plain")
    options = service_ocr_options(service=service)
    assert (options.engine, options.language) == ("rapidocr", "eng+deu")


def test_a_services_ocr_settings_override_the_platforms():
    service = service_create(name="German scans")
    service.settings = {"ocr_engine": "tesseract", "ocr_language": "deu"}
    service.full_clean()
    options = service_ocr_options(service=service)
    assert (options.engine, options.language) == ("tesseract", "deu")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"ocr_engine": "abbyy"}, "ocr_engine must be one of rapidocr, tesseract"),
        ({"ocr_language": "klingon"}, "ocr_language must be installed languages"),
        ({"ocr_language": "eng+"}, "ocr_language must be installed languages"),
        ({"ocr_language": 7}, "ocr_language must be installed languages"),
        (["not", "an", "object"], "Give an object"),
    ],
)
def test_unknown_engines_and_languages_are_refused_with_the_installed_ones_named(value, message):
    service = service_create(name="Bad")
    service.settings = value
    with pytest.raises(ValidationError) as error:
        service.full_clean()
    assert message in " ".join(error.value.message_dict["settings"])
