"""Russian: the Ministry of Defence and its reconciliation centre, TASS, RIA Novosti, Interfax
(:mod:`.lexicon`, ``actors.yaml``)."""

from truce.ingest.lang.ru.lexicon import LEXICON
from truce.ingest.lang.rules import RuleLanguage

LANGUAGE = RuleLanguage(LEXICON, __name__)
