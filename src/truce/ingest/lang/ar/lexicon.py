"""Arabic words for events, dates, casualties, sources and places.

Before matching, the text is normalised one character for one (offsets stay valid): Arabic-Indic
and Persian digits to ASCII, the hamza forms of alef (أ إ آ) to ا, alef maqsura ى to ي, so that
"إدلب" and "ادلب", "أكثر" and "اكثر" are one word; patterns are written in the normalised forms.
Proclitics (و "and", ب "by/in", ل "for", ف) are allowed before the words that take them. Months
have both the Levantine names Syrian outlets use (آذار) and the Egyptian/Gulf ones (مارس); Hijri
months are read with a Hijri year ("١٥ رمضان ١٤٤٠ هـ").
"""

from __future__ import annotations

import re

from truce.ingest.lang.rules import Lexicon
from truce.model.vocab import EventType

_E = EventType
_P = r"(?:[وفبل]|وب|ول|فب)?"  # proclitics
_H = "[\u064b-\u0652]*"  # short vowels and tanween, rarely written, allowed inside key words


def _voweled(pattern: str) -> str:
    """``pattern`` with optional short vowels after each Arabic letter ("قُتل" is "قتل")."""
    out, in_class, escaped = [], False, False
    for i, ch in enumerate(pattern):
        out.append(ch)
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == "[":
            in_class = True
        elif ch == "]":
            in_class = False
        elif not in_class and "\u0621" <= ch <= "\u064a" and pattern[i + 1 : i + 2] not in "*+?{":
            out.append(_H)
    return "".join(out)


#: a letter, or a short vowel, shadda or sukun written on one ("معرّة"): names keep their marks
_AR = r"[\u0621-\u064a\u064b-\u0652\u0670]"
_MARKS = re.compile(r"[\u064b-\u0652\u0670]")
#: words that end a place name: prepositions, "countryside", directions, place nouns
_STOP = (
    r"(?:في|من|على|الى|عن|مع|بعد|قبل|يوم|ما|بين|منذ|عند|خلال|قرب|بالقرب|بريف|وريف|ريف|للنازحين"
    r"|النازحين|مدين\w*|بلد\w*|قري\w*|محافظ\w*|منطق\w*|حيث|التي|الذي"
    r"|اثر|جراء|ضمن|نحو|بينهم|امس|اليوم|الواقع\w*)(?!\w)"
)


def variants(name: str) -> list[str]:
    """The name without a proclitic (بسراقب → سراقب) and without its article (السرمدا → سرمدا)."""
    bare = _MARKS.sub("", name)
    out = [bare] if bare != name else []
    name = bare
    if (len(name) > 4 and name[0] in "وبلف" and name[1:3] != "ال") or (
        len(name) > 5 and name[0] in "وبلف"
    ):
        out.append(name[1:])
    for v in [name, *out]:
        if v.startswith("ال") and len(v) > 4:
            out.append(v[2:])
    return list(dict.fromkeys(out))


LEXICON = Lexicon(
    code="ar",
    triggers=(
        (
            _P
            + r"(?:هجوم|قصف|غاز)\w* (?:بال)?(?:كيماوي|كيميائي|كلور|سارين)\w*|"
            + _P
            + r"غازات? سام\w*",
            _E.EXPLOSIONS,
            "Chemical weapon",
            9,
            "chemical",
        ),
        (
            _P + r"(?:هجوم|تفجير)\w* انتحاري\w*|" + _P + r"انتحاري\w*|سيار\w* مفخخ\w*",
            _E.EXPLOSIONS,
            "Suicide bomb",
            9,
            "suicide bomb",
        ),
        (
            _P
            + r"عبو\w* ناسف\w*|"
            + _P
            + r"لغم|"
            + _P
            + r"الغام|"
            + _P
            + r"انفجار\w*|"
            + _P
            + r"تفجير\w*"
            r"|" + _P + r"مفخخ\w*",
            _E.EXPLOSIONS,
            "Remote explosive/landmine/IED",
            8,
            "explosive device",
        ),
        (
            _P
            + r"(?:ال)?طائر\w* (?:ال)?مسير\w*|"
            + _P
            + r"(?:ال)?مسيرات?|"
            + _P
            + r"(?:ال)?طائر\w* (?:ال)?درون"
            r"|" + _P + r"(?:ال)?درون",
            _E.EXPLOSIONS,
            "Air/drone strike",
            8,
            "drone",
        ),
        (
            _P
            + r"(?:ال)?غار(?:ة|ات|تين)\w*|"
            + _P
            + r"(?:ال)?قصف (?:ال)?جوي\w*|"
            + _P
            + r"(?:ال)?طيران (?:ال)?حربي"
            r"|"
            + _P
            + r"(?:ال)?طائرات? (?:\S+ ){0,2}?(?:ال)?حربي\w*|"
            # "قصف طائرات النظام", "قصف لطائرات حربية": the bombardment is the aircraft's
            + _P
            + r"(?:ال)?قصف (?:\S+ ){0,2}?(?:ل|ب)?(?:ال)?(?:طائرات?|طيران|مقاتلات)|"
            + _P
            + r"(?:ال)?براميل (?:ال)?متفجر\w*|"
            + _P
            + r"(?:ال)?طيران",
            _E.EXPLOSIONS,
            "Air/drone strike",
            7,
            "air",
        ),
        (
            _P
            + r"(?:ال)?قصف\w*(?: (?:ال)?(?:مدفعي|صاروخي|بري)\w*)?|"
            + _P
            + r"قذائف\w*|"
            + _P
            + r"قذيف\w*"
            r"|"
            + _P
            + r"(?:ال)?صواريخ|"
            + _P
            + r"صاروخ\w*|"
            + _P
            + r"(?:ال)?مدفعي\w*|"
            + _P
            + r"(?:ال)?هاون"
            r"|" + _P + r"راجمات?\w*|" + _P + r"قصفت",
            _E.EXPLOSIONS,
            "Shelling/artillery/missile attack",
            6,
            "artillery",
        ),
        (
            _P + r"استهدفت?\w*|" + _P + r"(?:ال)?استهداف\w*",
            _E.EXPLOSIONS,
            "Shelling/artillery/missile attack",
            2,
            "strike (weapon not named)",
        ),
        (
            _P
            + r"(?:ال)?اشتباك\w*|"
            + _P
            + r"(?:ال)?معارك|"
            + _P
            + r"(?:ال)?مواجهات|"
            + _P
            + r"تسلل\w*"
            r"|" + _P + r"محاول\w* تسلل\w*|" + _P + r"هجوم\w*|" + _P + r"كمين\w*",
            _E.BATTLES,
            "Armed clash",
            5,
            "",
        ),
        (
            _P + r"(?:استعاد|استعادة|سيطرت? (?:ال)?قوات (?:ال)?نظام)\w*",
            _E.BATTLES,
            "Government regains territory",
            6,
            "",
        ),
        (_P + r"(?:سيطر|سيطرة|تقدم)\w*", _E.BATTLES, "Non-state actor overtakes territory", 5, ""),
        (
            _P + r"(?:اختطاف|خطف|اختطف)\w*",
            _E.VIOLENCE_AGAINST_CIVILIANS,
            "Abduction/forced disappearance",
            6,
            "",
        ),
        (_P + r"(?:اعدام|اعدم|مجزر)\w*", _E.VIOLENCE_AGAINST_CIVILIANS, "Attack", 5, ""),
        (_P + r"(?:اعتقال|اعتقل|احتجاز)\w*", _E.STRATEGIC, "Arrests", 5, ""),
        (_P + r"(?:مظاهر|احتجاج|وقف\w* احتجاجي)\w*", _E.PROTESTS, "Peaceful protest", 5, ""),
        (
            _P + r"(?:اسقاط|اسقط|اسقطت|تصدت?|التصدي|احبط|احباط|اعترض|اعتراض)\w*",
            _E.STRATEGIC,
            "Disrupted weapons use",
            6,
            "",
        ),
        (
            _P
            + r"(?:توقيع|وقع|وقعت) (?:\w+\s+){0,2}?(?:اتفاق|مذكر|بروتوكول)\w*|"
            + _P
            + r"(?:التوصل) (?:الى )?اتفاق\w*",
            _E.STRATEGIC,
            "Agreement",
            6,
            "",
        ),
        (
            _P
            + r"(?:اعلان|اعلن|اعلنت|دخول|دخل) (?:\w+\s+){0,2}?(?:وقف (?:ا|إ)طلاق (?:ال)?نار|هدن)\w*",
            _E.STRATEGIC,
            "Ceasefire declared",
            7,
            "",
        ),
        (_P + r"(?:ال)?دوري\w*|" + _P + r"(?:ال)?دوريات", _E.STRATEGIC, "Patrol", 6, ""),
        (
            _P + r"(?:سحب|انسحاب) (?:ال)?(?:اسلح|سلاح)\w* (?:ال)?ثقيل\w*",
            _E.STRATEGIC,
            "Weapons withdrawal",
            7,
            "",
        ),
        (
            _P + r"(?:ال)?تعزيزات|" + _P + r"رتل\w*|" + _P + r"(?:ال)?ارتال|" + _P + r"(?:ال)?حشود",
            _E.STRATEGIC,
            "Military deployment",
            5,
            "",
        ),
        (_P + r"(?:خرق|خروق|انتهاك|انتهاكات|خروقات)\w*", _E.STRATEGIC, "Other", 3, "violation"),
    ),
    planned=_P
    + r"(?:سوف|ست\w+|تخطط|يخطط|تعتزم|يعتزم|تنوي|ينوي|تستعد|يستعد|تحضير|التحضير|المقرر|المزمع)",
    foiled=_P
    + r"(?:احبط|احباط|اسقاط|اسقط|اسقطت|تصدت|تصدى|التصدي|افشال|افشل|محاول\w*|اعتراض|اعترضت)",
    denied=_P + r"(?:نفى|نفت|ينفي|تنفي|نفي|كذب|تكذيب|عار عن الصحة|لا صحة|مزاعم كاذبة)",
    alleged=_P + r"(?:زعم|زعمت|مزاعم|ادعاء|ادعت|ادعى|اتهم|اتهمت|اتهام|المزعوم\w*)",
    announced=_P + r"(?:اعلن|اعلنت|اعلان)",
    future=_P + r"(?:سوف|غدا|الاسبوع المقبل|المقبل|المقبلة|القادم|القادمة|تخطط|يخطط|المقرر)",
    foil_link=_P + r"(?:احبط|افشل)\w*\s+(?:\w+\s+){0,2}?(?:مخطط|محاول|هجوم)\w*",
    months={
        "كانون الثاني": 1,
        "يناير": 1,
        "شباط": 2,
        "فبراير": 2,
        "اذار": 3,
        "مارس": 3,
        "نيسان": 4,
        "ابريل": 4,
        "افريل": 4,
        "ايار": 5,
        "مايو": 5,
        "حزيران": 6,
        "يونيو": 6,
        "تموز": 7,
        "يوليو": 7,
        "اب": 8,
        "اغسطس": 8,
        "ايلول": 9,
        "سبتمبر": 9,
        "تشرين الاول": 10,
        "اكتوبر": 10,
        "تشرين الثاني": 11,
        "نوفمبر": 11,
        "كانون الاول": 12,
        "ديسمبر": 12,
    },
    hijri_months={
        "محرم": 1,
        "صفر": 2,
        "ربيع الاول": 3,
        "ربيع الثاني": 4,
        "ربيع الاخر": 4,
        "جمادى الاولى": 5,
        "جمادي الاولي": 5,
        "جمادي الاولى": 5,
        "جمادى الاخرة": 6,
        "جمادي الاخرة": 6,
        "جمادي الثانية": 6,
        "رجب": 7,
        "شعبان": 8,
        "رمضان": 9,
        "شوال": 10,
        "ذو القعدة": 11,
        "ذي القعدة": 11,
        "ذو الحجة": 12,
        "ذي الحجة": 12,
    },
    weekdays={
        "الاثنين": 0,
        "الثلاثاء": 1,
        "الاربعاء": 2,
        "الخميس": 3,
        "الجمعة": 4,
        "السبت": 5,
        "الاحد": 6,
    },
    yesterday=_P + r"امس|" + _P + r"البارحة",
    day_before_yesterday=r"اول امس|اول من امس",
    today=_P + r"اليوم|صباح اليوم|مساء اليوم",
    night=r"ليل\w* امس|الليلة الماضية|منتصف الليل|خلال (?:ال)?(?:ساعات|الساعات) (?:ال)?(?:24|اربع وعشرين) (?:ال)?ماضية|خلال (?:ال)?24 ساعة (?:ال)?ماضية",
    last_week=r"الاسبوع الماضي|الاسبوع الفائت",
    last_weekday=r"(?!x)x",
    ago=r"منذ\s+(?P<n>\d+|\w+)\s+(?P<unit>ايام|يوم|يومين|اسابيع|اسبوع|اشهر|شهر)",
    units={"ي": "day", "ا": "week", "اسب": "week", "اش": "month", "ش": "month"},
    numbers={
        "واحد": 1,
        "اثنان": 2,
        "اثنين": 2,
        "ثلاثة": 3,
        "ثلاث": 3,
        "اربعة": 4,
        "اربع": 4,
        "خمسة": 5,
        "خمس": 5,
        "ستة": 6,
        "ست": 6,
        "سبعة": 7,
        "سبع": 7,
        "ثمانية": 8,
        "ثماني": 8,
        "تسعة": 9,
        "تسع": 9,
        "عشرة": 10,
        "عشر": 10,
        "عشرين": 20,
        "عشرون": 20,
        "ثلاثين": 30,
        "ثلاثون": 30,
        "اربعين": 40,
        "اربعون": 40,
        "خمسين": 50,
        "خمسون": 50,
        "مئة": 100,
        "مائة": 100,
    },
    at_least=r"ما لا يقل عن|لا يقل عن|على الاقل",
    more_than=r"اكثر من|ما يزيد عن|ما يزيد على|اكثر من",
    about=r"نحو|حوالي|قرابة|زهاء",
    up_to=r"(?!x)x",
    nearly=r"قرابة|ما يقارب",
    vague={"عدد من": 2, "عشرات": 24, "مئات": 200},
    civilians=_voweled(
        _P + r"(?:مدني\w*|اطفال|طفل\w*|نساء|امراة|امراتين|سيد\w*|مواطن\w*|اشخاص|شخص\w*|مسعف\w*"
        r"|متطوع\w*|عامل\w*|طفلة|طفلين)"
    ),
    combatants=_voweled(
        _P + r"(?:عناصر|عنصر\w*|جنود|جندي\w*|مقاتل\w*|عسكري\w*|ارهابي\w*|مسلح\w*|ضابط\w*)"
    ),
    people=_P + r"(?:اشخاص|شخص\w*)",
    others=_P + r"(?:اخرين|اخرون)",
    adjectives=r"من|(?:ال)?مدنيين|سوريين|اتراك|روس",
    killed=_voweled(
        _P
        + r"(?:مقتل|قتل|قتلى|قتيل|استشهاد|استشهد|شهداء|شهيد|وفاة|مصرع|لقي\w* حتف\w*|لقوا مصرعهم|مات|قضى|قضوا)"
    ),
    injured=_voweled(_P + r"(?:اصابة|اصابات|اصيب\w*|جرح|جرحى|جريح\w*|مصاب\w*)"),
    attribution=(
        (r"(?:بحسب|حسب|وفقا ل|وفق|نقلا عن|طبقا ل)\s*", "after"),
        (
            _P + r"(?:قال|قالت|افاد|افادت|ذكر|ذكرت|اعلن|اعلنت|اكد|اكدت|وثق|وثقت|رصد|رصدت|نشر|نشرت"
            r"|اشار|اشارت|اوضح|اوضحت|نفى|نفت|زعم|زعمت|افاد\w*)\s+",
            "after",
        ),
    ),
    witnesses=r"مصادر\w*|ناشط\w*|شهود|مراسل\w*|الاهالي|اهالي|سكان",
    anaphors=r"المرصد|الوزارة|المصدر",
    not_a_source=r"ما|ان|انه|انها|الى",
    name=r"(?!" + _STOP + r")" + _AR + r"{2,}(?:\s+(?!" + _STOP + r")" + _AR + r"{2,}){0,2}",
    locative=r"(?:في|قرب|بالقرب من|بلد\w*|قري\w*|مدين\w*|منطق\w*|محيط|اطراف|على|مخيم|حي|مدينتي|بلدتي|قريتي)"
    r"(?:\s+(?:بلد\w*|قري\w*|مدين\w*|منطق\w*))?",
    after_name=r"(?!x)x",
    regions=(
        (
            r"(?:ال)?ريف (?P<gov>\w+)(?: (?:ال)?(?:جنوبي|شمالي|شرقي|غربي|الشمالي الغربي|الجنوبي الشرقي|الجنوبي الغربي|الشمالي الشرقي))?",
            "",
        ),
        (r"محافظ\w* (?P<gov>\w+)", ""),
        # "جنوب إدلب", "شمالي حماة": a part of a governorate, not its capital
        *(
            (word + r"(?:ي)? (?P<gov>(?:ال)?(?:ادلب|حماة|حماه|حلب|اللاذقية))(?!\w)", direction)
            for word, direction in (
                ("جنوب", "southern"),
                ("شمال", "northern"),
                ("شرق", "eastern"),
                ("غرب", "western"),
            )
        ),
        (r"منطق\w* (?:خفض|تخفيف) (?:ال)?تصعيد(?: في)? (?P<gov>\w+)", ""),
    ),
    governorates={
        _P + r"(?:ادلب|إدلب)": "Idlib",
        _P + r"(?:حماة|حماه)": "Hama",
        _P + r"حلب": "Aleppo",
        _P + r"(?:اللاذقية)": "Latakia",
    },
    not_places=frozenset(
        "سوريا تركيا روسيا دمشق انقرة موسكو النظام قوات الروسية التركية السوري المرصد الدفاع المدني"
        " اليوم امس الماضي الجمعة السبت الاحد الاثنين الثلاثاء الاربعاء الخميس ذلك هذا هذه التي الذي"
        " اطار اثر اعقاب حين وقت ظل اطار حصيلة ريف في من على الى عن مع بعد قبل يوم ما بين منذ عند خلال"
        " حيث بينهم ضمن نحو جراء شمال جنوب شرق غرب البلاد المنطقة المحافظة".split()
    ),
    abbreviations=frozenset(),
    translate={ord("أ"): "ا", ord("إ"): "ا", ord("آ"): "ا", ord("ى"): "ي", ord("ـ"): "ـ"},
    variants=variants,
    city_words=r"مدين\w*|[وب]?مدين\w*",
    clause_break=r"[;:؛]|،\s*(?:لكن|بينما|في حين)",
    subject_after=12,
)
