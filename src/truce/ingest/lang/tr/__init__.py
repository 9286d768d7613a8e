"""Turkish: the Ministry of National Defence (MSB), Anadolu Agency, TRT, Hürriyet, Daily Sabah's
Turkish sources (:mod:`.lexicon`, ``actors.yaml``)."""

from truce.ingest.lang.rules import RuleLanguage
from truce.ingest.lang.tr.lexicon import LEXICON

LANGUAGE = RuleLanguage(LEXICON, __name__)
