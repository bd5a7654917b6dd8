"""The workbench in Norwegian bokmål, Swedish, Danish and English: Babel catalogues (``locales/
<lang>/LC_MESSAGES/messages.po``, read at start: no build step), dates and numbers per locale,
and the platform's own words (kinds, outcomes) from ``pathways.contracts.programmes``."""
import io
from datetime import date
from pathlib import Path

from babel import Locale
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

from pathways.contracts import programmes

LANGUAGES = ("nb", "sv", "da", "en")
LOCALES = {"nb": "nb_NO", "sv": "sv_SE", "da": "da_DK", "en": "en_GB"}
NAMES = {"nb": "Norsk (bokmål)", "sv": "Svenska", "da": "Dansk", "en": "English"}
HERE = Path(__file__).parent / "locales"


def catalogue(lang):
    """The language's translations (English: the source strings themselves)."""
    path = HERE / lang / "LC_MESSAGES" / "messages.po"
    if lang == "en" or not path.exists():
        return NullTranslations()
    with open(path, "rb") as f:
        catalog = read_po(f, locale=LOCALES[lang])
    out = io.BytesIO()
    write_mo(out, catalog)
    out.seek(0)
    return Translations(out)


def negotiate(asked, accept_language):
    """The language: asked for (``?lang=``, the session's), else the browser's first of ours,
    else Norwegian."""
    if asked in LANGUAGES:
        return asked
    for part in (accept_language or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        code = "nb" if code in ("no", "nn") else code
        if code in LANGUAGES:
            return code
    return "nb"


def helpers(lang):
    """What templates format with: dates, numbers and the platform's words, in ``lang``."""
    locale = Locale.parse(LOCALES[lang])

    def day(value):
        if not value:
            return "–"
        try:
            return format_date(date.fromisoformat(str(value)[:10]), "medium", locale=locale)
        except ValueError:
            return str(value)

    def number(value):
        return "–" if value is None else format_decimal(value, locale=locale)

    def word(code):
        return programmes.word(code, lang) if code in programmes.WORDS else \
            str(code or "").replace("_", " ")
    return {"day": day, "number": number, "word": word}
