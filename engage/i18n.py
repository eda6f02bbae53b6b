"""Languages: which ones Engage offers, how a request's language is chosen, and text direction.

Two ideas of "locale" live here. The *language* is what a person reads (URL code such as
``zh-Hans`` or ``hmn``); it picks the gettext catalog and the district-written content. The
*formatting locale* is the CLDR locale Babel uses for dates and numbers; for a language CLDR
lacks (Hmong) it is a fallback.
"""

from contextlib import contextmanager
from dataclasses import dataclass

from babel import support
from flask import Flask, current_app, g, request, session
from flask_babel import Domain, refresh


@dataclass(frozen=True)
class Language:
    code: str  #: URL code (BCP 47), also the key of district-written content
    catalog: str  #: folder name under translations/
    cldr: str  #: Babel locale used for formatting dates and numbers
    name: str  #: the language's own name, shown in the language menu
    english_name: str
    rtl: bool = False


KNOWN_LANGUAGES: dict[str, Language] = {
    lang.code: lang
    for lang in [
        Language("en", "en", "en", "English", "English"),
        Language("es", "es", "es", "Español", "Spanish"),
        Language("zh-Hans", "zh_Hans", "zh_Hans", "中文（简体）", "Chinese (Simplified)"),
        Language("vi", "vi", "vi", "Tiếng Việt", "Vietnamese"),
        Language("ar", "ar", "ar", "العربية", "Arabic", rtl=True),
        Language("pt-BR", "pt_BR", "pt_BR", "Português (Brasil)", "Portuguese (Brazil)"),
        Language("ht", "ht", "ht", "Kreyòl ayisyen", "Haitian Creole"),
        Language("so", "so", "so", "Soomaali", "Somali"),
        # CLDR has no Hmong data: numbers and dates are formatted as in US English.
        Language("hmn", "hmn", "en_US", "Lus Hmoob", "Hmong"),
    ]
}


def offered_languages() -> list[Language]:
    """The languages this deployment offers, in the configured order."""
    return [KNOWN_LANGUAGES[code] for code in current_app.config["LANGUAGES"]]


def language_for(code: str | None) -> Language | None:
    """The offered language with this URL code (case-insensitive), or None."""
    if not code:
        return None
    for lang in offered_languages():
        if lang.code.lower() == code.lower():
            return lang
    return None


def select_language() -> Language:
    """The language for this request: URL, then a choice made on a page, then a staff member's
    preference, then the browser's Accept-Language, then the deployment default."""
    cached = g.get("language")
    if cached is not None:
        return cached
    lang = (
        language_for(g.get("lang_code"))
        or language_for(request.args.get("lang"))
        or language_for(session.get("lang"))
        or language_for(_staff_preference())
        or _accept_language_match()
        or language_for(current_app.config["DEFAULT_LANGUAGE"])
        or offered_languages()[0]
    )
    g.language = lang
    return lang


def _staff_preference() -> str | None:
    from flask_login import current_user

    if current_user and current_user.is_authenticated:
        return current_user.preferred_language
    return None


def _accept_language_match() -> Language | None:
    codes = [lang.code for lang in offered_languages()]
    best = request.accept_languages.best_match(codes)
    if best is None:
        # Browsers send region tags (zh-CN, pt-PT); match on the primary subtag.
        by_primary = {code.split("-")[0].lower(): code for code in reversed(codes)}
        for accepted, _quality in request.accept_languages:
            best = by_primary.get(accepted.split("-")[0].lower())
            if best:
                break
    return language_for(best)


@contextmanager
def speaking(code: str):
    """Render gettext strings, dates and numbers in the language ``code`` (inside or outside a
    request): for mail to a staff member, or a flyer in a family's language."""
    had, previous = "language" in g, g.get("language")
    g.language = KNOWN_LANGUAGES.get(code) or KNOWN_LANGUAGES["en"]
    refresh()
    try:
        yield g.language
    finally:
        if had:
            g.language = previous
        else:
            g.pop("language", None)
        refresh()


def formatting_locale() -> str:
    """Locale selector for Flask-Babel: the CLDR locale for dates and numbers."""
    return select_language().cldr


class LanguageDomain(Domain):
    """Loads gettext catalogs by Engage language rather than by CLDR locale, so a language
    without CLDR data (Hmong) still gets its own catalog."""

    def get_translations(self):
        try:
            lang = select_language()
        except RuntimeError:  # outside a request
            return support.NullTranslations()
        cache_key = (lang.catalog, self.domain[0])
        if cache_key not in self.cache:
            translations = support.Translations()
            for dirname in self.translation_directories:
                catalog = support.Translations.load(dirname, [lang.catalog], self.domain[0])
                translations.merge(catalog)
                if hasattr(catalog, "plural"):
                    translations.plural = catalog.plural
            self.cache[cache_key] = translations
        return self.cache[cache_key]


def localized(texts: dict | str | None, lang: Language | None = None, default: str = "en"):
    """District-written text in the reader's language, falling back to the default language.

    Returns ``(text, shown_language_code)`` so templates can mark a fallback visibly.
    """
    if texts is None:
        return "", None
    if isinstance(texts, str):
        return texts, None
    lang = lang or select_language()
    if texts.get(lang.code):
        return texts[lang.code], lang.code
    if texts.get(default):
        return texts[default], default
    for code, text in texts.items():
        if text:
            return text, code
    return "", None


def init_app(app: Flask) -> None:
    """Language in the URL: `/<lang_code>/...` routes get it, `url_for` fills it in."""

    @app.url_value_preprocessor
    def pull_lang_code(endpoint, values):
        if values and "lang_code" in values:
            g.lang_code = values.pop("lang_code")

    @app.url_defaults
    def add_lang_code(endpoint, values):
        if "lang_code" in values or not app.url_map.is_endpoint_expecting(endpoint, "lang_code"):
            return
        values["lang_code"] = select_language().code

    @app.before_request
    def reject_unknown_language():
        from flask import abort

        code = g.get("lang_code")
        if code is not None and language_for(code) is None:
            g.lang_code = None
            abort(404)
        if "lang" in request.args and language_for(request.args["lang"]):
            session["lang"] = language_for(request.args["lang"]).code

    @app.context_processor
    def language_context():
        lang = select_language()
        return {
            "current_language": lang,
            "offered_languages": offered_languages(),
            "text_direction": "rtl" if lang.rtl else "ltr",
            "localized": localized,
            "language_url": language_url,
        }


def language_url(code: str) -> str:
    """This page in another language: the URL's language part, or `?lang=` on staff pages."""
    from flask import url_for

    endpoint = request.endpoint
    args = dict(request.view_args or {})
    if endpoint and current_app.url_map.is_endpoint_expecting(endpoint, "lang_code"):
        return url_for(endpoint, **args, lang_code=code)
    if endpoint and endpoint != "static" and request.method == "GET":
        return url_for(endpoint, **args, lang=code)
    return url_for("surveys.list_surveys", lang_code=code)


#: How a list's items are separated where it is not ", " (Arabic comma; Chinese enumeration comma).
LIST_SEPARATORS = {"ar": "، ", "zh-Hans": "、"}


def list_separator() -> str:
    return LIST_SEPARATORS.get(select_language().code, ", ")


def join_list(items) -> str:
    """Items (keywords, theme names, groups) joined as the reader's language writes a list."""
    return list_separator().join(str(item) for item in items)
