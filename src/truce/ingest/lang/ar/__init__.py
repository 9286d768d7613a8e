"""Arabic: SANA, the Syrian Observatory, the Syria Civil Defence (White Helmets), Enab Baladi and
the local networks (:mod:`.lexicon`, ``actors.yaml``)."""

from truce.ingest.lang.ar.lexicon import LEXICON
from truce.ingest.lang.rules import RuleLanguage

LANGUAGE = RuleLanguage(LEXICON, __name__)
