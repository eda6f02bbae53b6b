"""Machine translation through a LibreTranslate-compatible HTTP API the district hosts itself.

Nothing leaves the district unless ``TRANSLATION_SERVICE`` names a service. Machine output is
only ever a draft: it is stored as machine, queued on the desk for a person to confirm or
correct, and never replaces a person's translation. Every failure (down, slow, garbage) is a
:class:`TranslationServiceError` with a message a person can act on; callers decide whether to
show it or carry on without the machine.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass

from ..themes.encoders import base_language

#: LibreTranslate's own codes where ours differ ("zh-Hans" -> "zh", "pt-BR" -> "pt").
_SERVICE_CODES = {"zh": "zh", "pt": "pt"}


class TranslationServiceError(Exception):
    """The machine service could not give a usable translation; ``str()`` says why."""


@dataclass(frozen=True)
class LibreTranslate:
    url: str
    api_key: str | None = None
    timeout: float = 10.0
    max_chars: int = 20_000

    @property
    def name(self) -> str:
        return f"libretranslate:{self.url}"

    def translate(self, text: str, source: str, target: str) -> str:
        payload = {
            "q": text,
            "source": service_code(source),
            "target": service_code(target),
            "format": "text",
        }
        if self.api_key:
            payload["api_key"] = self.api_key
        if not self.url.lower().startswith(("http://", "https://")):
            raise TranslationServiceError("the translation service address must start with http")
        request = urllib.request.Request(  # noqa: S310  (scheme checked just above)
            self.url.rstrip("/") + "/translate",
            data=json.dumps(payload).encode("utf-8"),
            headers={"Content-Type": "application/json", "Accept": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as reply:  # noqa: S310
                body = reply.read(self.max_chars * 4 + 1024)
        except urllib.error.HTTPError as error:
            raise TranslationServiceError(_http_reason(error)) from error
        except TimeoutError as error:
            raise TranslationServiceError(
                f"the translation service did not answer within {self.timeout:g} s"
            ) from error
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise TranslationServiceError(
                f"the translation service is unreachable ({reason})"
            ) from error
        return _translated_text(body, self.max_chars)


def service_code(language: str) -> str:
    base = base_language(language)
    return _SERVICE_CODES.get(base, base)


def _http_reason(error: urllib.error.HTTPError) -> str:
    try:
        detail = json.loads(error.read(4096) or b"{}").get("error")
    except (ValueError, AttributeError):
        detail = None
    detail = f": {str(detail)[:200]}" if detail else ""
    return f"the translation service answered {error.code}{detail}"


def _translated_text(body: bytes, max_chars: int) -> str:
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise TranslationServiceError(
            "the translation service answered something not JSON"
        ) from error
    text = data.get("translatedText") if isinstance(data, dict) else None
    if not isinstance(text, str) or not text.strip():
        raise TranslationServiceError("the translation service answered without a translation")
    if len(text) > max_chars:
        raise TranslationServiceError("the translation service answered an oversized text")
    return text.strip()


def service_from_config(config) -> LibreTranslate | None:
    """The configured service, or None (the default: no machine translation at all)."""
    url = (config.get("TRANSLATION_SERVICE") or "").strip()
    if not url:
        return None
    return LibreTranslate(
        url=url,
        api_key=config.get("TRANSLATION_API_KEY") or None,
        timeout=float(config.get("TRANSLATION_TIMEOUT", 10)),
    )
