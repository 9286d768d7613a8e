"""Turkish words for events, dates, casualties, sources and places.

Turkish joins case endings to names, after an apostrophe for proper names ("13 Mart'ta",
"İdlib'in güneyinde", "Serakib'e", "MSB'nin açıklamasına göre"): patterns take a name and leave
its suffix; a name without an apostrophe before a place noun ("Serakib ilçesinde", "Cisr
eş-Şuğur kırsalında") is read likewise. :func:`variants` gives romanisations of Turkish spellings
of Arabic names ("Han Şeyhun" → "Khan Shaykhun", "Cisr" → "Jisr") for the gazetteer.
"""

from __future__ import annotations

from truce.ingest.lang.rules import Lexicon
from truce.model.vocab import EventType

_E = EventType

_LOWER = "a-zçğıöşüâîû"
_UPPER = "A-ZÇĞİÖŞÜÂÎ"


def variants(name: str) -> list[str]:
    """English-style spellings of a Turkish rendering of an Arabic place name."""
    base = name.replace("İ", "I").replace("ı", "i")
    english = (
        base.replace("Ş", "Sh")
        .replace("ş", "sh")
        .replace("Ç", "Ch")
        .replace("ç", "ch")
        .replace("Ğ", "Gh")
        .replace("ğ", "")
        .replace("ü", "u")
        .replace("Ü", "U")
        .replace("ö", "o")
        .replace("Ö", "O")
        .replace("â", "a")
        .replace("î", "i")
    )
    out = [base, english]
    if english.startswith("Han "):
        out.append("Khan " + english[4:])
    if english.startswith("C"):
        out.append("J" + english[1:])
    if english.startswith("Cisr"):
        out.append("Jisr al-Shughur")
    out.append(english.replace("c", "j"))
    return list(dict.fromkeys(v for v in out if v != name))


LEXICON = Lexicon(
    code="tr",
    triggers=(
        (
            r"kimyasal (?:silah\w*|saldırı\w*)|klor\w*|sarin\w*|zehirli gaz\w*",
            _E.EXPLOSIONS,
            "Chemical weapon",
            9,
            "chemical",
        ),
        (
            r"intihar (?:saldırı\w*|eylem\w*|bombacı\w*)|bombalı araç\w*",
            _E.EXPLOSIONS,
            "Suicide bomb",
            9,
            "suicide bomb",
        ),
        (
            # "patlama yaşandı": a blast, its device not named (as English "explosion")
            r"patlama\w*|infilak\w*",
            _E.EXPLOSIONS,
            "Remote explosive/landmine/IED",
            3,
            "explosion (device not named)",
        ),
        (
            r"el yapımı patlayıcı\w*|EYP|mayın\w*|bomba yüklü\w*|patlayıcı\w*|bombalı saldırı\w*",
            _E.EXPLOSIONS,
            "Remote explosive/landmine/IED",
            8,
            "explosive device",
        ),
        (
            r"(?:S?İHA|SİHA|İHA|insansız hava aracı\w*|dron\w*|drone\w*)\s*(?:ile\s+)?(?:saldırı\w*|vur\w*)?"
            r"|kamikaze (?:İHA|dron)\w*",
            _E.EXPLOSIONS,
            "Air/drone strike",
            8,
            "drone",
        ),
        (
            r"hava (?:saldırı\w*|harekât\w*|harekat\w*|bombardıman\w*|akın\w*)|savaş uçak\w*"
            r"|(?:uçak\w*|uçakları)\s+(?:\w+\s+){0,2}?(?:bombaladı|vurdu|saldırdı)|bombaladı\w*"
            r"|bombalandı\w*|varil bomba\w*",
            _E.EXPLOSIONS,
            "Air/drone strike",
            7,
            "air",
        ),
        (
            r"topçu (?:atış\w*|saldırı\w*|ateş\w*)|top atış\w*|obüs\w*|havan (?:topu|mermi\w*|atış\w*)?"
            r"|roket\w*|füze\w*|bombardıman\w*|ağır silah\w* (?:ile\s+)?(?:saldırı\w*|ateş\w*)"
            r"|ateş aç\w*|top ateşi\w*|obüs atış\w*",
            _E.EXPLOSIONS,
            "Shelling/artillery/missile attack",
            6,
            "artillery",
        ),
        (
            r"saldırı düzenle\w*|saldırdı\w*|vurdu\w*|hedef al\w*",
            _E.EXPLOSIONS,
            "Shelling/artillery/missile attack",
            2,
            "strike (weapon not named)",
        ),
        (
            r"çatışma\w*|çatıştı\w*|sızma girişim\w*|sızma\w*|taciz ateşi\w*|karşılık ver\w*|pusu\w*"
            r"|muharebe\w*",
            _E.BATTLES,
            "Armed clash",
            5,
            "",
        ),
        (r"etkisiz hale getiril\w*|etkisiz hâle getiril\w*", _E.BATTLES, "Armed clash", 5, ""),
        (
            r"geri al\w*|kontrolü(?:nü)? yeniden\w*",
            _E.BATTLES,
            "Government regains territory",
            6,
            "",
        ),
        (
            r"ele geçir\w*|kontrol altına al\w*",
            _E.BATTLES,
            "Non-state actor overtakes territory",
            5,
            "",
        ),
        (
            r"kaçırıl\w*|kaçırdı\w*",
            _E.VIOLENCE_AGAINST_CIVILIANS,
            "Abduction/forced disappearance",
            6,
            "",
        ),
        (r"infaz\w*|katliam\w*", _E.VIOLENCE_AGAINST_CIVILIANS, "Attack", 5, ""),
        (r"gözaltı\w*|tutuklan\w*|yakalan\w*", _E.STRATEGIC, "Arrests", 5, ""),
        (r"protesto\w*|gösteri\w*", _E.PROTESTS, "Peaceful protest", 5, ""),
        (
            r"düşürül\w*|düşürdü\w*|imha edil\w*|önlendi\w*|engellendi\w*|püskürtül\w*|bertaraf edil\w*",
            _E.STRATEGIC,
            "Disrupted weapons use",
            6,
            "",
        ),
        (
            r"(?:mutabakat\w*|anlaşma\w*|protokol\w*|muta?bakat zaptı\w*)\s+(?:\w+\s+){0,2}?(?:imzala\w*|varıl\w*)",
            _E.STRATEGIC,
            "Agreement",
            6,
            "",
        ),
        (
            r"ateşkes\w* (?:\w+\s+){0,2}?(?:ilan edil\w*|yürürlüğe gir\w*|başla\w*|sağlan\w*)",
            _E.STRATEGIC,
            "Ceasefire declared",
            7,
            "",
        ),
        (r"(?:birleşik |ortak )?(?:kara )?devriye\w*", _E.STRATEGIC, "Patrol", 6, ""),
        (
            r"ağır silah\w* (?:\w+\s+){0,2}?(?:çekil\w*|geri çek\w*)",
            _E.STRATEGIC,
            "Weapons withdrawal",
            7,
            "",
        ),
        (
            r"sevkiyat\w*|takviye\w*|konuşlandır\w*|askeri konvoy\w*|konvoy\w*",
            _E.STRATEGIC,
            "Military deployment",
            5,
            "",
        ),
        (
            r"(?:gözlem noktası|üs)\w* (?:\w+\s+){0,2}?(?:kur\w*|inşa\w*)",
            _E.STRATEGIC,
            "Headquarters or base established",
            6,
            "",
        ),
        (r"ateşkes\w* ihlal\w*|ihlal\w*|ihlal et\w*", _E.STRATEGIC, "Other", 3, "violation"),
    ),
    planned=r"\w+(?:ecek|acak|eceğ|acağ)\w*|planl\w*|hazırlı\w*|hazırlan\w*|niyet\w*|yapacak\w*|düzenleyecek\w*|edecek\w*|olacak\w*"
    r"|başlayacak\w*|amaçla\w*|gerçekleştirilecek\w*",
    foiled=r"önlendi\w*|önledi\w*|engellendi\w*|engelledi\w*|düşürül\w*|püskürtül\w*|girişim\w*"
    r"|bertaraf\w*|akamete uğrat\w*|imha edil\w*",
    denied=r"yalanla\w*|reddet\w*|doğru değil\w*|asılsız\w*|gerçeği yansıtmıyor\w*|düzenlemedi\w*",
    alleged=r"iddia\w*|iddiaya göre|öne sür\w*|suçla\w*|ileri sür\w*",
    announced=r"duyurdu\w*|ilan et\w*|açıkladı\w*",
    future=r"\w+(?:ecek|acak|eceğ|acağ)\w*|yarın|gelecek hafta|önümüzdeki\w*|yapacak\w*|edecek\w*|olacak\w*|planl\w*",
    foil_link=r"(?:plan\w*|girişim\w*|saldırı\w*)\s+(?:\w+\s+){0,2}?(?:önlendi|engellendi|akamete uğratıldı)",
    months={
        "ocak": 1,
        "şubat": 2,
        "mart": 3,
        "nisan": 4,
        "mayıs": 5,
        "haziran": 6,
        "temmuz": 7,
        "ağustos": 8,
        "eylül": 9,
        "ekim": 10,
        "kasım": 11,
        "aralık": 12,
    },
    weekdays={
        "pazartesi": 0,
        "salı": 1,
        "çarşamba": 2,
        "perşembe": 3,
        "cuma": 4,
        "cumartesi": 5,
        "pazar": 6,
    },
    yesterday=r"dün",
    day_before_yesterday=r"evvelsi gün|önceki gün",
    today=r"bugün|bu sabah|bu akşam",
    night=r"dün gece|gece saatlerinde|dün akşam|son 24 saatte|son 24 saat içinde",
    last_week=r"geçen hafta|geçtiğimiz hafta",
    last_weekday=r"geçen|geçtiğimiz",
    ago=r"(?P<n>\d+|\w+)\s+(?P<unit>gün|hafta|ay)\s+önce",
    units={"gün": "day", "hafta": "week", "ay": "month"},
    numbers={
        "bir": 1,
        "iki": 2,
        "üç": 3,
        "dört": 4,
        "beş": 5,
        "altı": 6,
        "yedi": 7,
        "sekiz": 8,
        "dokuz": 9,
        "on": 10,
        "yirmi": 20,
        "otuz": 30,
        "kırk": 40,
        "elli": 50,
        "altmış": 60,
        "yetmiş": 70,
        "seksen": 80,
        "doksan": 90,
        "yüz": 100,
    },
    at_least=r"en az|en azından",
    more_than=r"(?!x)x",
    more_than_after=r"['’]?(?:den|dan|ten|tan)\s+fazla",
    about=r"yaklaşık|civarında|tahminen",
    up_to=r"(?!x)x",
    nearly=r"neredeyse|yaklaşık olarak",
    vague={"birkaç": 2, "çok sayıda": 2, "onlarca": 24, "yüzlerce": 200},
    civilians=r"sivil\w*|çocuk\w*|kadın\w*|kişi\w*|vatandaş\w*|masum\w*|sakin\w*|gönüllü\w*",
    combatants=r"asker\w*|terörist\w*|militan\w*|mensub\w*|savaşçı\w*|rejim unsur\w*|unsur\w*|mehmetçik\w*",
    people=r"kişi\w*|insan\w*",
    others=r"kişi daha|diğer\w*",
    adjectives=r"sivil|suriyeli|türk|rus|yerel|masum|rejim|terörist|PKK/YPG'li|HTŞ'li|\w+['’]li",
    killed=r"öldü\w*|ölü\w*|öldürül\w*|hayatını kaybe[dt]\w*|yaşamını kaybe[dt]\w*|yaşamını yitir\w*|can verdi\w*|şehit\w*|ölmüş\w*",
    injured=r"yaralan\w*|yaralı\w*|yaraladı\w*",
    attribution=(
        (
            r"(?:yaptığı |yapılan |yazılı |resmi )?(?:açıklama\w*|bilgi\w*|verilere|verilerine|aktardığına)\s+göre"
            r"|(?:e|a|ye|ya|ne|na|'e|'a|'ye|'ya|'ne|'na|’e|’a)?\s*göre",
            "before",
        ),
        (
            r"(?:açıkladı|bildirdi|duyurdu|belirtti|kaydetti|aktardı|ifade etti|paylaştı|açıklamasında|açıklamada"
            r"|doğruladı|söyledi|yalanladı|öne sürdü|öne sürmüştü|iddia etti)",
            "before",
        ),
        (r"(?:bildiren|açıklayan|aktaran)", "before"),
        (
            # the passive: "MSB tarafından açıklandı", "Bakanlık'ça ... duyuruldu" (by X ... it
            # was announced); the agent is a source only when the sentence's verb is one of
            # saying (the agent of "tarafından yapılan saldırı" is the attacker, not a source)
            r"(?:tarafından|['’]?n?[cç][ae])(?=\s[^.;]{0,200}?(?<!\w)(?:açıklan|bildiril|duyurul"
            r"|belirtil|kaydedil|aktarıl|ifade edil|doğrulan|yalanlan)\w*)",
            "before",
        ),
        (
            r"['’]?(?:dan|den|ndan|nden|tan|ten)\s+(?:yapılan\s+(?:yazılı\s+)?açıklama\w*|geldi|alınan bilgi\w*)",
            "before",
        ),
    ),
    witnesses=r"yerel kaynak\w*|bölge kaynak\w*|görgü tanık\w*|aktivist\w*|kaynaklar\w*|yerel halk\w*",
    anaphors=r"bakanlık\w*|açıklama\w*|kurum\w*",
    not_a_source=r"buna|bu|şu|o|habere|bilgiye|ayrıca",
    name=r"["
    + _UPPER
    + r"]["
    + _LOWER
    + r"]+(?:[-\s](?:el|eş|en|es|er|ez|et|ed|ül|ün|el)-?["
    + _UPPER
    + r"]?["
    + _LOWER
    + r"]+|\s["
    + _UPPER
    + r"]["
    + _LOWER
    + r"]+){0,2}",
    locative=r"(?!x)x",
    after_name=r"ile|arasında\w*|yakın\w*|çevresi\w*|civarı\w*|köy\w*|ilçe\w*|belde\w*|kasaba\w*|kent\w*|şehr\w*|bölge\w*|kırsal\w*|il\b|ili\w*"
    r"|mahalle\w*|beldesi\w*|yerleşim\w*|hava üss\w*|gözlem noktas\w*",
    regions=(
        *(
            (
                r"(?P<gov>["
                + _UPPER
                + r"]\w+)(?:['’]?(?:in|ın|nin|nın))?\s+(?:kentinin\s+)?"
                + word
                + r"\w*\s+kırsal\w*",
                direction,
            )
            for word, direction in (
                ("kuzey", "northern"),
                ("güney", "southern"),
                ("doğu", "eastern"),
                ("batı", "western"),
            )
        ),
        (r"(?P<gov>[" + _UPPER + r"]\w+)['’]?(?:in|ın|un|ün|nin|nın)\s+(?:güney\w*)", "southern"),
        (r"(?P<gov>[" + _UPPER + r"]\w+)['’]?(?:in|ın|un|ün|nin|nın)\s+(?:kuzey\w*)", "northern"),
        (r"(?P<gov>[" + _UPPER + r"]\w+)['’]?(?:in|ın|un|ün|nin|nın)\s+(?:doğu\w*)", "eastern"),
        (r"(?P<gov>[" + _UPPER + r"]\w+)['’]?(?:in|ın|un|ün|nin|nın)\s+(?:batı\w*)", "western"),
        (
            r"(?P<gov>[" + _UPPER + r"]\w+)\s+(?:ili\w*|vilayet\w*|gerginliği azaltma bölgesi\w*"
            r"|Gerginliği Azaltma Bölgesi\w*|kırsalı\w*)",
            "",
        ),
    ),
    governorates={
        r"İdlib|Idlib|İdleb": "Idlib",
        r"Hama": "Hama",
        r"Halep": "Aleppo",
        r"Lazkiye": "Latakia",
    },
    not_places=frozenset(
        "türkiye rusya suriye ankara moskova şam msb tsk anadolu ajansı bakanlığı milli savunma"
        " bakanlık hts htş pkk ypg sdg deaş ab bm abd ocak şubat mart nisan mayıs haziran temmuz"
        " ağustos eylül ekim kasım aralık pazartesi salı çarşamba perşembe cuma cumartesi pazar"
        " rejim esad sivil".split()
    ),
    abbreviations=frozenset(["vb", "vs", "dr", "prof", "yrd", "doç", "av"]),
    variants=variants,
    city_words=r"kent\w*|şehr\w*|şehir\w*|merkez\w*",
    clause_break=r"[;:]|,\s*(?:ancak|ama|fakat|oysa)\b",
    verb_first_figures=False,
    source_before=150,
)
