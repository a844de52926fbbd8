"""Word lists for the Russian screener (п. 18), as data.

Every pattern here is matched against *normalised* Russian: lower case, ``ё`` as
``е``, look-alike letters made Cyrillic, and runs of one letter squeezed to one
(``оооочень`` -> ``очень``, but also ``ссора`` -> ``сора``). Patterns are written
in ordinary spelling; :func:`squeeze` folds their doubled letters the same way
when they are compiled, so ``расстрелять`` here matches ``растрелять`` there.

Word patterns (``OBSCENE``, ``INSULTS``, ``CONTEXT_INSULTS``) must match a whole
word; threat patterns are searched in the normalised message, words separated by
single spaces and punctuation kept.
"""

from __future__ import annotations

import re

__all__ = [
    "ADDRESS",
    "AFTER_ADDRESS",
    "AMBIGUOUS_LOOKALIKES",
    "BETWEEN_ADDRESS",
    "CONTEXT_INSULTS",
    "INSULTS",
    "INVISIBLE",
    "LATIN_OBSCENE",
    "LATIN_WHITELIST",
    "LOOKALIKES",
    "OBSCENE",
    "OFFICIALS",
    "SECOND_PERSON",
    "SYMBOL_LETTERS",
    "THREATS",
    "THREAT_ANCHORS",
    "TRANSLIT",
    "WHITELIST",
    "WORD_AFTER",
    "WORD_BEFORE",
    "squeeze",
]

_DOUBLED = re.compile(r"([а-я])\1+")


def squeeze(text: str) -> str:
    """Fold ``ё`` into ``е`` and runs of one Cyrillic letter into one, as the normaliser does."""
    return _DOUBLED.sub(r"\1", text.replace("ё", "е"))


# --- Normalisation -----------------------------------------------------------

LOOKALIKES: dict[str, str] = {
    # Latin letters that pass for Cyrillic ones, in print or in handwriting-ish fonts.
    "a": "а", "b": "в", "c": "с", "e": "е", "h": "н", "k": "к", "m": "м",
    "o": "о", "p": "р", "t": "т", "x": "х", "y": "у", "u": "и", "n": "п",
    "r": "г", "i": "и", "ë": "е",
    # Digits and signs used for letters ("6ля", "3асранец", "@").
    "0": "о", "3": "з", "4": "ч", "6": "б", "8": "в", "9": "я", "@": "а", "$": "с",
    # Ukrainian and Belarusian letters used as Russian ones.
    "і": "и", "ї": "и", "є": "е", "ў": "у",
}  # fmt: skip

SYMBOL_LETTERS: dict[str, str] = {
    # Signs that draw a Cyrillic letter ("}{уй", "п|/|здец", "}|{"), read inside a word.
    "}{": "х", "><": "х", "|/|": "и", "}|{": "ж", ">|<": "ж", "|_|": "ц",
}  # fmt: skip

INVISIBLE = (
    # Characters that show nothing, typed inside a word to part it: the soft hyphen,
    # zero-width spaces and joiners, the word joiner, the byte order mark, and
    # combining accents ("ху́йня").
    "\u00ad\u200b\u200c\u200d\u2060\ufeff\u0300-\u036f"
)

AMBIGUOUS_LOOKALIKES: dict[str, str] = {
    # Latin letters that pass for more than one Cyrillic letter in a Cyrillic word:
    # "h" for н (capital H) or х ("hуй"), "b" for в (capital B) or б, "u" for и or у,
    # "n" for п or н, "r" for г or р.
    "h": "нх", "b": "вб", "u": "иу", "n": "пн", "r": "гр",
}  # fmt: skip

TRANSLIT: tuple[tuple[str, str], ...] = (
    # Latin transliteration of whole words ("nahuy", "blyat"), longest first.
    ("shch", "щ"), ("sch", "щ"), ("sh", "ш"), ("ch", "ч"), ("zh", "ж"), ("kh", "х"),
    ("ts", "ц"), ("ya", "я"), ("yu", "ю"), ("yo", "е"), ("ye", "е"), ("ja", "я"),
    ("ju", "ю"), ("jo", "е"), ("a", "а"), ("b", "б"), ("v", "в"), ("w", "в"),
    ("g", "г"), ("d", "д"), ("e", "е"), ("z", "з"), ("i", "и"), ("j", "й"),
    ("k", "к"), ("l", "л"), ("m", "м"), ("n", "н"), ("o", "о"), ("p", "п"),
    ("r", "р"), ("s", "с"), ("t", "т"), ("u", "у"), ("f", "ф"), ("h", "х"),
    ("x", "х"), ("c", "ц"), ("q", "к"),
    # "y" is "й" after a vowel ("huy"), "ы" elsewhere ("ty"); see the screener.
)  # fmt: skip

# Where letters are spelled out one by one, a word may begin after a one-letter
# word ("и б л я т ь") and end before one ("в о р ю г и в мэрии"). Only those that
# rarely open a longer word count before one: "с е б я", "в е б и н а р" hold no "е б".
WORD_BEFORE = frozenset("аиоя")
WORD_AFTER = frozenset("авжикосуя")

LATIN_WHITELIST = (
    # Latin words that LATIN_OBSCENE would take: eBay (ебай), the surnames Eban, Huynh.
    r"ebay[a-z]*|eban|ebanks|huynh"
)

# --- Obscene language (нецензурная брань) --------------------------------------

# Prefixes that Russian verbs and nouns take in front of a root. A prefix ending
# in a consonant is joined to "еб" with ъ/ь ("съебать", "подъебнуть"), which is
# what keeps "себя", "вебинар", "себестоимость" out.
_PV = "(?:а|вы|до|за|на|надо|недо|не|ни|о|обо|ото|по|подо|пере|пре|при|про|со|у|изо|разо|взо|во)"
_PC = "(?:без|бес|в|вз|вс|воз|вос|из|ис|низ|нис|об|от|под|пред|над|раз|рас|с|сверх|через)"
_P = f"(?:{_PV}|{_PC})"
# Before "ху" no "у": "сухую", "всухую", "безухую" are с-у-хую to a prefix chain.
_P_HU = _P.replace("|у|", "|")
# Before "еб" one prefix, or two with a first that really stacks ("повыебываться",
# "понаебали"): free chains read "сваебойный" (pile-driving) as с-в-а-ебойный.
_PV_EB = "(?:вы|до|за|на|надо|недо|не|ни|о|обо|ото|по|подо|пере|пре|при|про|у|изо|разо)"
_P_EB = f"(?:по|на|раз|рас|недо|пере|за)?(?:{_PV_EB}|{_PC}[ъь])"

OBSCENE: tuple[tuple[str, str], ...] = (
    # (pattern of a whole word, what it covers). The four roots of Roskomnadzor's
    # guidance first, then the words most Russian moderators treat alike.
    (
        rf"(?:{_P_HU}){{0,3}}ху[йяеюи][а-я]*",
        "хуй: хуй, хуя, нахуй, похуй, охуеть, хуйня, хуёвый, хуило; the root must"
        " open the word after prefixes, so страхуй, психуй, хулиган stay out",
    ),
    (
        rf"(?:{_P}){{0,3}}(?:п[ие]зд|пизж|писд)[а-я]*|пздц",
        "пизда: пиздец, спиздить, спизжу, распиздяй, пездюк, писдец; пздц",
    ),
    (
        rf"(?:{_P_EB}|долбо|мозго|зло)еб[а-я]*|еб(?!ер|р|онит)[а-я]*",
        "ебать: ебать, ёбаный, заебал, съебаться, подъёб, уёбок, долбоёб, повыёбываться;"
        " not the names Ебергард, Еберхард (Eberhard), Ебро (Ebro), nor ебонит misspelt",
    ),
    (
        rf"бля(?:|ть|т|тск[а-я]*|тств[а-я]*)|(?:{_P}){{0,2}}бляд[а-я]*",
        "блядь: бля, блять, блядь, выблядок, блядский; prefixes only before бляд-, since"
        " пособлять, уподоблять, сабля end in -бля(ть); not бляха, бляшка, корабля",
    ),
    (
        rf"(?:{_P}){{0,2}}муд(?:ак|ач|ил|озвон|охат|оеб)[а-я]*",
        "мудак, мудила, мудозвон, отмудохать; not мудрый, мудрёный",
    ),
    (
        r"манд(?:а|ы|е|у|ой|ою|еж[а-я]*|авош[а-я]*)",
        "манда, мандёж, мандавошка; not мандарин, мандат, мандолина",
    ),
    (r"залуп[а-я]*", "залупа, залупаться"),
    (r"пид[оа]р[а-я]*|пидр[а-я]*", "пидор, пидорас, пидарас, пидрила; not скипидар"),
    (
        rf"(?:{_P}){{0,2}}хер(?:|а|у|ом|ы|ов|ь|ня[а-я]*|ов[а-я]*|ач[а-я]*|е(?:ть|л|ю|ш|в)[а-я]*)",
        "хер: херня, нахер, похер, херовый, охереть, херачить; not херес, херувим, Херсон,"
        " nor the verb (по)херить, 'to cross out', which is coarse but not obscene",
    ),
)

LATIN_OBSCENE: tuple[tuple[str, str], ...] = (
    # Words typed in Latin letters ("nahuy", "blyat") are transliterated and
    # matched here, more narrowly than OBSCENE: foreign words transliterate to
    # Russian roots too ("other" is от-хер, "job" is ёб, "jobless" ебл-).
    (r"(?:на|по|ни|до|за|о|а)?ху(?:й|я|ю|е[вмл])[а-я]*", "nahuy, pohuy, huya, ohuel"),
    (r"(?:с|рас|от|за|вы)?п[ие]зд[а-я]*", "pizdec, spizdili, pizda"),
    (
        r"(?:за|на|по|вы|от|раз|долбо)еб[а-я]*"
        r"|еб(?:ать|ал|ала|али|ало|ан|аный|аная|аное|аные|анат|анутый|ет|ут|у|ись|ля|ло|нуть|нул)",
        "zaebal, naebali, dolboeb; bare only ebat, ebal, eban... (not EBADF, eyeballs)",
    ),
    (r"бля(?:|д[а-я]*|ть?)", "blya, blyat, blyad"),
    (r"муд(?:ак|ил)[а-я]*", "mudak, mudila"),
    (r"пид[оа]р[а-я]*", "pidor, pidaras"),
)

WHITELIST: dict[str, str] = {
    # Ordinary words that the patterns above would take; each with the reason.
    "ебург": "colloquial name of Yekaterinburg",
    "ебурга": "colloquial name of Yekaterinburg",
    "ебургом": "colloquial name of Yekaterinburg",
    "ебурге": "colloquial name of Yekaterinburg",
    "ебургу": "colloquial name of Yekaterinburg",
}

# --- Insults (оскорбительные выражения) ------------------------------------------

# Endings, to write nouns once: masculine animate (идиот), feminine in -а (дура),
# feminine in -ь (тварь), masculine with a fleeting о (придурок, придурка),
# masculine in -ец (засранец).
_M = "(?:|а|у|ом|е|ы|ов|ам|ами|ах)"
_F = "(?:|а|ы|е|у|ой|ою|ам|ами|ах)"
_FK = "(?:|а|и|е|у|ой|ою|ам|ами|ах)"  # after г, к, х (ворюги, шлюхи)
_FS = "(?:ь|и|ью|ей|ям|ями|ях|ам|ами|ах)"
_OK = "(?:ок|ка|ку|ком|ке|ки|ков|кам|ками|ках)"
_EC = "(?:ец|ца|цу|цем|це|цы|цев|цам|цами|цах)"
_MS = "(?:ь|я|ю|ем|е|и|ей|ям|ями|ях)"  # masculine in -ь (упырь)
_MJ = "(?:й|я|ю|ем|е|и|ев|ям|ями|ях)"  # masculine in -й (холуй)

INSULTS: tuple[tuple[str, str], ...] = (
    # Nouns that insult a person whatever the context; adjectives ("идиотский",
    # "тупой") and abstract nouns ("идиотизм") are left out on purpose.
    (rf"идиот{_M}|идиотк{_FK}|идиоток", "идиот, идиотка"),
    (rf"дебил{_M}|дебилк{_FK}|дебилок|дебилоид{_M}", "дебил, дебилка, дебилоид"),
    (rf"кретин{_M}|кретинк{_FK}", "кретин"),
    (rf"имбецил{_M}|олигофрен{_M}|дегенерат{_M}", "medical words used as insults"),
    (rf"урод{_M}|уродин{_F}|уродк{_FK}|уродок", "урод, уродина; not урожай, уродился"),
    (rf"ублюд{_OK}|вырод{_OK}|подон{_OK}|отмороз{_OK}|недоум{_OK}|придур{_OK}", "-ок nouns"),
    (rf"дурак{_M}|дурачье|дур{_F}", "дурак, дура, дурачьё"),
    (rf"тупиц{_F}|тупорыл[а-я]{{1,3}}|бездар{_FS}", "тупица, тупорылый, бездарь"),
    (rf"твар{_FS}|мраз{_FS}|мразот{_F}|мразин{_F}|сволоч{_FS}|сволот{_F}", "тварь, мразь"),
    (rf"гнид{_F}|падл{_F}|паскуд{_F}|гадин{_F}|гаденыш{_M}|козлин(?:а|у)", "гнида, падла"),
    (rf"сучар{_F}|сучон{_OK}|сукин|сукина|сукины|сукиных", "сучара, сукин сын"),
    (rf"шлюх{_FK}|шалав{_F}|гондон{_M}|гандон{_M}", "шлюха, гондон"),
    (rf"чмо|чмошник{_M}|чмошниц{_F}|быдл(?:о|а|у|ом|е)|лошар{_F}", "чмо, быдло, лошара"),
    (rf"говнюк{_M}|засран{_EC}|засранк{_FK}", "говнюк, засранец"),
    (rf"подл{_EC}|мерзав{_EC}|мерзавк{_FK}|негодя{_MJ}|холу{_MJ}", "подлец, негодяй, холуй"),
    (rf"ничтожеств(?:о|а|у|ом|е)|упыр{_MS}|нелюд{_FS}", "ничтожество, упырь, нелюдь"),
    (rf"кровопийц{_F}|ворюг{_FK}|ворье", "said of officials: кровопийцы, ворюги, ворьё"),
    (rf"педик{_M}|педераст{_M}|педрил{_F}", "homophobic slurs"),
    (
        rf"хач(?:|и|ей|ам|ами|ах)|хачик{_M}|жид(?:|ы|а|у|ом|ов|ам|ами|ах)|жидовк{_FK}",
        "ethnic slurs",
    ),
    (r"черномаз(?:ый|ая|ое|ые|ого|ой|ому|ым|ых|ыми)", "racist slur"),
)

CONTEXT_INSULTS: tuple[tuple[str, str], ...] = (
    # Words that insult only when said of a person: an animal, a thing or a
    # profession otherwise. They count only next to an address (ADDRESS before,
    # AFTER_ADDRESS after) or with an exclamation mark ("Козлы!").
    (r"козел|козлы|козлов", "goats"),
    (r"свинья|свиньи", "pigs"),
    (r"баран|бараны|баранов", "rams"),
    (r"скотина|скоты", "cattle"),
    (r"гад|гады|гадов", "reptiles; морские гады"),
    (r"шакал|шакалы|шакалов", "jackals"),
    (r"сука|суки|сучка|сучки", "a bitch (dog), common in stray-dog complaints"),
    (r"клоун|клоуны|клоунов", "clowns at a festival"),
    (r"ослы|ослов", "donkeys; осёл is left out: with ё folded it is осел, 'settled'"),
    (r"даун|дауны|даунов", "Down syndrome"),
    (r"лох|лохи|лохов", "a shrub (Elaeagnus)"),
    (r"кровосос|кровососы|кровососов", "mosquitoes, ticks"),
    (r"чурка|чурки|чурок", "wooden blocks; otherwise an ethnic slur"),
    (r"дрянь", "junk"),
    (r"овца|овцы", "sheep"),
    (r"обезьяна|обезьяны", "monkeys"),
    (r"дятел|дятлы", "woodpeckers"),
    (r"чучело", "a scarecrow, a stuffed animal"),
)

ADDRESS = (
    # A word that points a context insult at a person: "вы козлы", "этот баран",
    # "мэр — клоун", "эй, сука".
    # Nouns in the nominative only: "у соседей свиньи" says nothing of the neighbours.
    r"ты|вы|он|она|они|вас|тебя|этот|эта|это|эти|этих|этого|тот|та|те|тех|такой|такая|такие"
    r"|таких|какой|какая|какие|каких|вот|эй|сам|сама|сами|мэр|мэрия|чиновник|чиновники"
    r"|чиновница|депутат|депутаты|глава|начальник|начальники|начальница|начальство|директор"
    r"|администрация|власть|власти|сосед|соседи|соседка|губернатор"
)
AFTER_ADDRESS = r"ты|вы|он|она|они"  # "козёл ты"
BETWEEN_ADDRESS = (
    # What may stand between an address and a context insult: "вы же козлы",
    # "ну вы и лохи", "ты тупой баран" (and any adjective).
    r"и|же|ведь|все|просто|еще|тут|там|опять|снова|реально|самые|самый|самая|[а-я]+(?:ой|ый|ий"
    r"|ая|яя|ое|ее|ые|ие|ых|их)"
)

# --- Threats (угрозы) and intent to harm (намерение причинить вред) ---------------

_G = r"[\s,\-—–]+"  # between two words of a phrase
_W = r"[а-я]+"  # any word
_W2 = (  # a word that keeps the intent: not "надо перестать убивать", "стоит ли убивать"
    r"(?!(?:не|ни|ли|чтобы|чтоб|можно|нельзя|как|если|перестать|прекратить|хватит)\b)[а-я]+"
)

_FAMILY = (
    # Who is an official's family (п. 18 «членов его семьи»): spouse, children,
    # parents, brothers and sisters, grandparents and grandchildren, relatives.
    r"(?:семь(?:я|и|ю|ей|е|ям|ями|ях)|семейств[а-я]*|дет(?:и|ей|ям|ьми|ях)|деток|детк[а-я]*"
    r"|детишек|детишк[а-я]*|жен[аеуы]|жену|женой|муж[а-я]*|супруг[а-я]*|доч[а-я]*|сын[а-я]*"
    r"|мам[а-я]*|мать|матер[а-я]*|пап(?:а|у|е|ой|ы|ам)|папочк[а-я]*|отц[а-я]*|отец"
    r"|брат(?:|а|у|ом|е|ья|ьев|ьям|ьями|ьях)|братишк[а-я]*|сестр(?:а|у|ы|е|ой|ам|ами|ах)"
    r"|сестер|сестренк[а-я]*|дед(?:|а|у|ом|е|ы|ов)|дедушк[а-я]*|бабушк[а-я]*|бабул[а-я]*"
    r"|внук[а-я]*|внуч[а-я]*|родн[а-я]*|родственник[а-я]*|близк[а-я]*|родител[а-я]*"
    r"|ребен[а-я]*)"
)
_OFFICIAL_NOUNS = (
    r"(?:мэр[а-я]*|чиновник[а-я]*|депутат[а-я]*|глав(?:а|ы|е|у|ой)|губернатор[а-я]*"
    r"|начальник[а-я]*|администраци[а-я]*|мэри[а-я]*)"
)
_PERSON_NOUN = (
    rf"(?:{_FAMILY}|{_OFFICIAL_NOUNS}|сосед[а-я]*|люд[еия][а-я]*|человек[а-я]*|твар[а-я]*"
    r"|мраз[а-я]*|сук[аиу]|урод[а-я]*|гад[а-я]*|козл[а-я]*|ублюд[а-я]*)"
)
_DET = r"(?:ваш[а-я]*|тво[а-я]*|его|ее|их|этих|этого|эту|этот|эти|всех|всю|каждого|любого)"
_PRON = r"(?:тебя|тебе|вас|вам|его|ее|их|им|ему|ей|всех|всем|каждого)"
# A person beyond doubt: no "его", "её", "их", which may stand for a thing.
_PERSON_STRICT = rf"(?:тебя|вас|всех|каждого|(?:{_DET}{_G})?{_PERSON_NOUN})"
_PERSON = rf"(?:{_PRON}|(?:{_DET}{_G})?{_PERSON_NOUN})"
_PROPERTY_NOUN = (
    # In the accusative only: "на даче сожгу листву" names no target.
    r"(?:дом|машину|машины|тачку|тачки|авто|автомобиль|квартиру|квартиры|дачу|дачи|офис"
    r"|кабинет|администрацию|мэрию|здание|гараж|гаражи|хату|имущество|контору|управу|дверь)"
)
_PROPERTY = rf"(?:(?:{_DET}{_G})?{_PROPERTY_NOUN}|все(?!{_G}[а-я])|тебя|вас)"
# One of someone's family, beyond doubt: "твоим детям", "детям мэра", "сыну твоему"; not
# "детям", "мы с детьми", which may be one's own.
_KIN = rf"(?:{_DET}{_G}{_FAMILY}|{_FAMILY}{_G}(?:{_DET}{_G})?{_OFFICIAL_NOUNS}|{_FAMILY}{_G}{_DET})"
# Whose body, in a body threat.
_OWNER = rf"(?:{_KIN}|тебе|вам|ему|ей|им|тво[а-я]*|ваш[а-я]*|его|ее|их)"

_KILL = (
    r"убью|убьем|пристрелю|пристрелим|застрелю|застрелим|перестреляю|перестреляем|расстреляю"
    r"|расстреляем|зарежу|зарежем|прирежу|прирежем|задушу|задушим|придушу|придушим|урою|уроем"
    r"|прикончу|прикончим|покалечу|покалечим|искалечу|искалечим|изувечу|изувечим|изобью"
    r"|изобьем|сгною|сгноим|пришибу|пришибем|укокошу|укокошим|удавлю|удавим|отомщу|отомстим"
)
_KILL_AMBIGUOUS = (
    # Also said of things: "прибью полку", "закопаем траншею", "повесим объявление".
    r"прибью|прибьем|вырежу|вырежем|перережу|перережем|порежу|порежем|закопаю|закопаем|замочу"
    r"|замочим|отравлю|отравим|утоплю|утопим|повешу|повесим|уничтожу|уничтожим|размажу"
    r"|размажем|грохну|грохнем|уложу|уложим"
    r"|побью|побьем|поколочу|поколотим|прострелю|прострелим|раздавлю|раздавим|разорву"
    r"|разорвем|порву|порвем|растопчу|растопчем|закатаю|закатаем|расправлюсь|расправимся"
    r"|поквитаюсь|поквитаемся"
)
_FIND = r"найду|найдем|вычислю|вычислим|выслежу|выследим|отыщу|отыщем|достану|достанем"
# Whom one threatens to find: "найду тебя", "найду вашу семью"; not "всех пропавших найдём".
_FOUND = rf"(?:тебя|вас|(?:{_DET}{_G})?{_FAMILY})"
_HEAD = r"(?:голову|башку|бошку|черепушку|шею|хребет|яйца|кадык)"
_HEAD_VERB = r"(?:оторву|оторвем|сверну|свернем|откручу|открутим|отрежу|отрежем|снесу|снесем)"
_LIMB = (
    r"(?:голову|башку|руки|руку|ноги|ногу|ребра|зубы|кости|челюсть|нос|пальцы|колени|лицо"
    r"|глаза|уши)"
)
_LIMB_VERB = (
    r"(?:переломаю|переломаем|поломаю|поломаем|сломаю|сломаем|вырву|вырвем|выбью|выбьем"
    r"|пересчитаю|пересчитаем|отрублю|отрубим|оторву|оторвем|разобью|разобьем|пробью|пробьем"
    r"|проломлю|проломим|выколю|выколем|отрежу|отрежем)"
)
_FACE = r"(?:морду|морды|рожу|рыло|харю|хлебало|ебало|ебальник|табло|лицо|физиономию|пятак)"
_FACE_VERB = (
    r"(?:набью|набьем|начищу|начистим|расквашу|расквасим|разукрашу|разукрасим|подправлю"
    r"|подправим|сверну|свернем)"
)
_FACE_SLANG = r"(?:морду|рожу|рыло|харю|хлебало|ебало|ебальник|табло)"
_FIRE = r"(?:сожгу|сожжем|спалю|спалим|подожгу|подожжем|взорву|взорвем|подорву|подорвем)"
_WRECK = r"(?:разобью|разобьем|разнесу|разнесем|раздолбаю|раздолбаем|разгромлю|разгромим)"
_MODAL = (
    r"(?:хочу|хочется|хотим|хотелось|надо|нужно|пора|следует|стоит|готов|готова|готовы"
    r"|буду|будем|собираюсь|собираемся|мечтаю|бы)"
)
_KILL_INF = (
    r"(?:убить|пристрелить|застрелить|расстрелять|перестрелять|зарезать|прирезать|задушить"
    r"|придушить|прикончить|покалечить|искалечить|изувечить|избить|перевешать|грохнуть|урыть"
    r"|удавить|четвертовать|линчевать|казнить|убивать|отомстить)"
)
_KILL_INF_AMBIGUOUS = (
    r"(?:повесить|сжечь|спалить|поджечь|взорвать|утопить|отравить|закопать|уничтожить|замочить"
    r"|порезать|прибить|побить|пристукнуть)"
)
_EXECUTE = r"(?:расстрелять|перестрелять|перевешать|к стенке|на кол|на фонарь)"
_DOOM = (
    r"(?:конец|крышка|хана|капец|кранты|пиздец|не жить|не поздоровится|несдобровать"
    r"|мало не покажется|не жилец|не жильцы)"
)
# "Вам конец" ends its clause; "вам конец месяца", "вам крышка от люка" go on.
_CLAUSE_END = (
    r"(?=\s*(?:[.!?,;:…)\n]|$|(?:если|когда|и|а|но|ну|ты|вы|всем|вам|тебе|им|скоро|теперь|за"
    r"|тогда|точно|понял|поняли|ясно)\b))"
)

THREATS: tuple[tuple[str, str, str | None], ...] = (
    # (pattern, what it is, a pattern the matched phrase must also contain or None).
    (
        rf"\b(?:{_PERSON}{_G}){{0,2}}(?:{_KILL})\b(?:{_G}{_PERSON}\b)?",
        "a verb of killing or maiming in the first person: убью, зарежу, отомщу",
        None,
    ),
    (
        rf"\b{_PERSON_STRICT}{_G}(?:{_W}{_G})?(?:{_KILL_AMBIGUOUS})\b"
        rf"|\b(?:{_KILL_AMBIGUOUS}){_G}{_PERSON_STRICT}\b",
        "a verb also said of things, with a person: прибью тебя, тебя и прибью",
        None,
    ),
    (
        rf"\b{_FOUND}{_G}(?:{_FIND})\b|\b(?:{_FIND}){_G}{_FOUND}\b",
        "finding someone: найду тебя, вашу семью найду; not найду на вас управу",
        None,
    ),
    (
        rf"\b(?:{_OWNER}{_G})?(?:{_HEAD_VERB}{_G}(?:{_W}{_G})?{_HEAD}"
        rf"|{_HEAD}{_G}(?:{_W}{_G})?{_HEAD_VERB})\b",
        "голову оторву, шею сверну",
        None,
    ),
    (
        rf"\b(?:{_OWNER}{_G})?(?:{_LIMB_VERB}{_G}(?:{_W}{_G})?{_LIMB}"
        rf"|{_LIMB}{_G}(?:{_W}{_G})?{_LIMB_VERB})\b(?:{_G}{_OWNER}\b)?",
        "ноги переломаю, зубы выбью: only with whose (тебе, вам, твои), since people"
        " also say they will break their own legs on an icy street",
        rf"\b{_OWNER}\b",
    ),
    (
        rf"\b(?:{_OWNER}{_G})?(?:{_FACE_VERB}{_G}(?:{_W}{_G})?{_FACE}|{_FACE}{_G}(?:{_W}{_G})?"
        rf"{_FACE_VERB}|разобью{_G}(?:{_W}{_G})?{_FACE_SLANG}|{_FACE_SLANG}{_G}(?:{_W}{_G})?"
        r"разобью)\b",
        "морду набью, рожу разобью",
        None,
    ),
    (
        rf"\b(?:вам|тебе|вас|тебя|{_OFFICIAL_NOUNS})(?:{_G}(?:всем|точно|скоро|теперь|тогда))?"
        rf"{_G}{_DOOM}\b{_CLAUSE_END}",
        "вам конец, тебе не жить, мэру не жить; not вам конец месяца, вам крышка от люка",
        None,
    ),
    (
        rf"\b{_KIN}(?:{_G}(?:всем|точно|скоро|теперь|тогда))?{_G}{_DOOM}\b{_CLAUSE_END}",
        "doom to someone's family: твоим детям не жить, семье мэра конец; not моей семье конец",
        None,
    ),
    (
        rf"\b{_KIN}{_G}(?:(?:еще|очень|сильно|горько|об этом){_G}){{0,3}}(?<!не )"
        r"(?:пожалеет|пожалеют)\b",
        "твоя жена пожалеет, дети мэра ещё пожалеют",
        None,
    ),
    (
        rf"\b(?:доберусь|доберемся)(?:{_G}(?:и|еще|я|мы))?{_G}до{_G}(?:тебя|{_KIN}"
        rf"|(?:{_DET}{_G})?{_FAMILY})\b",
        "доберусь до твоих детей; not доберусь до мэра, до вас: a citizen gets to an"
        " official with a complaint",
        None,
    ),
    (
        r"\bмало не покажется\b|\bкровью умо(?:етесь|ешься)\b|\bживыми? не уйд(?:ешь|ете)\b"
        r"|\b(?:ваши|твои) дни сочтены\b|\bв порошок сотр(?:у|ем)\b"
        r"|\bпо (?:стенке|стене|асфальту) размаж(?:у|ем)\b"
        r"|\bразмаж(?:у|ем) по (?:стенке|стене|асфальту)\b"
        r"|\bна (?:куски|части|ремни) (?:порву|порвем|разорву|разорвем|порежу|порежем)\b"
        r"|\bходи(?:те)? и оглядывай(?:ся|тесь)\b"
        rf"|\b(?:пущу|пустим|всажу|всадим)(?:{_G}{_W})?{_G}пулю\b",
        "set phrases of threat",
        None,
    ),
    (
        rf"\b(?:(?:ты|вы){_G}(?:(?:еще|очень|сильно|горько|об этом){_G}){{0,3}})?(?<!не )"
        r"(?:пожалеешь|пожалеете)\b",
        "ты пожалеешь, вы ещё пожалеете; not вы не пожалеете",
        None,
    ),
    (
        rf"(?<!не )\b(?:знаю|знаем|узнаю|узнаем|найду|найдем|выясню|выясним|вычислю|вычислим)"
        rf"{_G}(?:где|в{_G}как(?:ую|ой|ом){_G}(?:школ[а-я]*|сад[а-я]*|детсад[а-я]*))"
        rf"{_G}(?:(?:ты|вы){_G})?(?:живешь|живете|ночуешь|ночуете"
        rf"|(?:живет|живут|учится|учатся|гуляют|ходит|ходят){_G}(?:{_KIN}"
        rf"|(?:тво|ваш)[а-я]*(?:{_G}{_W})?|{_OFFICIAL_NOUNS}))\b",
        "знаю, где ты живёшь; найду, где живут ваши дети; узнаю, где живёт мэр; знаю, в какую"
        " школу ходят дети мэра",
        None,
    ),
    (
        rf"\b{_MODAL}(?:{_G}{_W2}){{0,3}}{_G}{_KILL_INF}\b(?:{_G}{_PERSON}\b)?",
        "an intent to kill or maim: хочу убить, надо бы их всех пристрелить",
        None,
    ),
    (
        rf"\b{_MODAL}(?:{_G}{_W2}){{0,3}}{_G}{_KILL_INF_AMBIGUOUS}{_G}{_PERSON_STRICT}\b"
        rf"|\b{_MODAL}(?:{_G}{_W2}){{0,2}}{_G}{_PERSON_STRICT}(?:{_G}{_W2})?{_G}"
        rf"{_KILL_INF_AMBIGUOUS}\b",
        "the same with a verb also said of things: надо всех чиновников повесить",
        None,
    ),
    (
        rf"\b(?:всех|таких|(?:{_DET}{_G})?{_OFFICIAL_NOUNS}){_G}{_EXECUTE}\b"
        rf"|\b{_EXECUTE}{_G}(?:всех|таких|этих|(?:{_DET}{_G})?{_OFFICIAL_NOUNS})\b",
        "a call to execute: всех чиновников расстрелять, к стенке их всех",
        None,
    ),
    (
        rf"\bчтоб(?:ы)?{_G}(?:вы|ты|все|вы все|(?:{_DET}{_G})?{_PERSON_NOUN}){_G}(?:{_W}{_G})?"
        r"сдох(?:ли|ла|)\b|\bсдохн(?:и|ите|ешь|ете)\b",
        "a wish of death: чтоб вы сдохли, сдохни",
        None,
    ),
    (
        rf"\bпричин(?:ю|им)(?:{_G}{_PRON})?{_G}(?:вред|боль|увечья)\b",
        "причиню вред",
        None,
    ),
    (
        rf"\b{_PROPERTY}{_G}(?:{_W}{_G})?{_FIRE}\b|\b{_FIRE}{_G}(?:{_W}{_G})?{_PROPERTY}",
        "arson and explosions, with what is burnt: сожгу вашу машину, дом спалю",
        None,
    ),
    (
        rf"\b{_WRECK}{_G}(?:{_DET}{_G}){_PROPERTY_NOUN}\b",
        "wrecking someone's property: разнесу вашу контору (not разобью машину on a pothole)",
        None,
    ),
)

THREAT_ANCHORS = "|".join(
    # One of these words is in every phrase THREATS can match; a message with
    # none of them is not searched for threats at all.
    f"(?:{words})"
    for words in (
        _KILL, _KILL_AMBIGUOUS, _FIND, _HEAD_VERB, _LIMB_VERB, _FACE_VERB, _FIRE, _WRECK, _KILL_INF,
        _KILL_INF_AMBIGUOUS,
        r"конец|крышка|хана|капец|кранты|пиздец|жить|поздоровится|несдобровать|покажется"
        r"|жилец|жильцы|умоетесь|умоешься|уйдешь|уйдете|сочтены|сотру|сотрем|размажу|размажем"
        r"|порву|порвем|разорву|разорвем|порежу|порежем|оглядывайся|оглядывайтесь|пущу|пустим"
        r"|всажу|всадим|пожалеешь|пожалеете|живешь|живете|живет|ночуешь|ночуете|живут|учатся"
        r"|гуляют|знаю|знаем|узнаю|узнаем|выясню|выясним|пожалеет|пожалеют|доберусь|доберемся"
        r"|расстрелять|перестрелять|перевешать|стенке|кол|фонарь|сдох|сдохли|сдохла"
        r"|сдохни|сдохните|сдохнешь|сдохнете|причиню|причиним",
    )
)  # fmt: skip

OFFICIALS = (
    # Who makes a threat one against an official (п. 18): the officials, the
    # administration, and the family of the one addressed ("ваши дети").
    rf"\b(?:мэр(?:|а|у|ом|е|ы|ов)|вицемэр[а-я]*|мэри(?:я|и|ю|ей)|чиновн[а-я]*"
    r"|глав(?:а|ы|е|у|ой|ою)|замглав[а-я]*|депутат[а-я]*|администраци[а-я]*|губернатор[а-я]*"
    r"|градоначальник[а-я]*|начальств[а-я]*|начальник[а-я]*|власт(?:ь|и|ей|ям|ями|ях|ью)"
    r"|префект[а-я]*|министр[а-я]*|должностн[а-я]*|руководител[а-я]*)\b"
    rf"|\bслуг[а-я]*{_G}народа\b|\bваш[а-я]*{_G}{_FAMILY}\b|\b{_FAMILY}{_G}ваш[а-я]*\b"
)

SECOND_PERSON = (
    # A threat in the second person in a message that names officials is taken
    # as addressed to them.
    r"\b(?:вы|вас|вам|вами|ваш[а-я]*|ты|тебя|тебе|тобой|тво[а-я]*)\b"
    r"|\b[а-я]+(?:ешь|ете|етесь|ешься)\b"
)
