"""Pinyin of people's names: the sort key, and the readings the search index holds.

Built on ``pypinyin`` (toneless ``Style.NORMAL``; ü is written ``v`` as pinyin keyboards type it:
吕 → ``lv``). pypinyin has no surname mode (mozillazg/python-pinyin#297), so the surname readings
live here: a surname often reads differently from the same character in a word (单 is ``shan``,
not ``dan``; 曾 ``zeng``, 解 ``xie``, 区 ``ou``, 仇 ``qiu``, 朴 ``piao``, 查 ``zha``), and
two-character compound surnames (欧阳, 司马, 尉迟 ``yu chi``, 万俟 ``mo qi``) have fixed readings.

- ``sort_key(name)``: one reading (the surname reading for the surname, pypinyin's common
  reading for the rest), lowercase syllables joined by spaces, e.g. ``"shan li chun"``. It fills
  ``Resident.name_pinyin`` and orders names the way people read them.
- ``readings(name)``: every reading the index should know: each reading of the surname (its
  reading as a surname and the everyday reading of the character, because a worker who does not
  know the family types ``danlichun`` as readily as ``shanlichun``) combined with the common reading
  of the given name. The first is the sort key.

pypinyin's full heteronym lists are not used for surnames: they hold archaic readings (王 ``yu``,
邓 ``shan``) that would make ``yu`` or ``shan`` find every 王 or 邓.

Characters pypinyin does not know (very rare ones) stay as they are, so nothing is lost.

``pypinyin`` is imported on first use: it decodes its phrase dictionary on import (about 200 ms),
which the window's start-up should not pay (docs/benchmarks.md, Start-up).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from itertools import islice, product

# Single-character surnames whose surname reading is not pypinyin's first reading, or which have
# several readings as a character. Value: the reading as a surname (toneless).
SURNAME_READINGS: dict[str, str] = {
    "单": "shan", "曾": "zeng", "解": "xie", "区": "ou", "仇": "qiu", "朴": "piao", "查": "zha",
    "覃": "qin", "翟": "zhai", "缪": "miao", "瞿": "qu", "乐": "yue", "尉": "wei", "长": "chang",
    "重": "chong", "种": "chong", "盖": "ge", "华": "hua", "纪": "ji", "燕": "yan", "繁": "po",
    "过": "guo", "那": "na", "粘": "nian", "藏": "zang", "都": "du", "薄": "bo", "贾": "jia",
    "盛": "sheng", "柏": "bai", "牟": "mou", "阚": "kan", "宿": "su", "秘": "bi", "冼": "xian",
    "沈": "shen", "石": "shi", "曲": "qu", "褚": "chu", "隗": "wei", "员": "yun", "贠": "yun",
    "折": "she", "佴": "nai", "六": "lu", "陆": "lu", "万": "wan", "叶": "ye", "车": "che",
    "任": "ren", "应": "ying", "占": "zhan", "和": "he", "卜": "bu", "难": "nan", "殷": "yin",
    "乜": "nie", "强": "qiang", "称": "cheng", "余": "yu", "许": "xu", "莘": "shen", "句": "gou",
    "阙": "que", "召": "shao", "郇": "huan", "洗": "xian", "訾": "zi", "逄": "pang", "厍": "she",
    "角": "jue", "炅": "gui", "眭": "sui", "翁": "weng", "系": "xi", "行": "xing",
    "祭": "zhai", "沙": "sha", "相": "xiang", "朝": "chao", "调": "diao", "传": "chuan",
    "令": "ling", "奇": "qi", "弗": "fu", "鲜": "xian", "能": "nai",
    "黑": "hei", "红": "hong", "家": "jia", "宁": "ning", "蔚": "yu", "晟": "cheng",
}

# Two-character (compound) surnames and their fixed readings.
COMPOUND_SURNAMES: dict[str, tuple[str, str]] = {
    "欧阳": ("ou", "yang"), "司马": ("si", "ma"), "上官": ("shang", "guan"), "诸葛": ("zhu", "ge"),
    "东方": ("dong", "fang"), "皇甫": ("huang", "fu"), "尉迟": ("yu", "chi"), "万俟": ("mo", "qi"),
    "单于": ("chan", "yu"), "长孙": ("zhang", "sun"), "令狐": ("ling", "hu"), "慕容": ("mu", "rong"),
    "夏侯": ("xia", "hou"), "公孙": ("gong", "sun"), "轩辕": ("xuan", "yuan"), "宇文": ("yu", "wen"),
    "端木": ("duan", "mu"), "司徒": ("si", "tu"), "司空": ("si", "kong"), "西门": ("xi", "men"),
    "南宫": ("nan", "gong"), "独孤": ("du", "gu"), "呼延": ("hu", "yan"), "申屠": ("shen", "tu"),
    "澹台": ("tan", "tai"), "淳于": ("chun", "yu"), "钟离": ("zhong", "li"), "拓跋": ("tuo", "ba"),
    "赫连": ("he", "lian"), "闻人": ("wen", "ren"), "公羊": ("gong", "yang"), "濮阳": ("pu", "yang"),
    "太叔": ("tai", "shu"), "仲孙": ("zhong", "sun"), "鲜于": ("xian", "yu"), "闾丘": ("lv", "qiu"),
    "亓官": ("qi", "guan"), "司寇": ("si", "kou"), "颛孙": ("zhuan", "sun"), "巫马": ("wu", "ma"),
    "公西": ("gong", "xi"), "漆雕": ("qi", "diao"), "乐正": ("yue", "zheng"), "公良": ("gong", "liang"),
    "百里": ("bai", "li"), "东郭": ("dong", "guo"), "南门": ("nan", "men"), "归海": ("gui", "hai"),
    "羊舌": ("yang", "she"), "微生": ("wei", "sheng"), "梁丘": ("liang", "qiu"), "左丘": ("zuo", "qiu"),
    "东门": ("dong", "men"), "第五": ("di", "wu"), "公冶": ("gong", "ye"), "宗政": ("zong", "zheng"),
    "壤驷": ("rang", "si"), "谷梁": ("gu", "liang"), "段干": ("duan", "gan"), "夹谷": ("jia", "gu"),
    "宰父": ("zai", "fu"), "完颜": ("wan", "yan"),
}


# Characters common in given names whose reading in a name often differs from the one pypinyin
# picks (it reads names as words: 长林 → "zhang lin"). Every listed reading is indexed.
GIVEN_NAME_READINGS: dict[str, tuple[str, ...]] = {
    "长": ("chang", "zhang"), "乐": ("le", "yue"), "重": ("chong", "zhong"), "朝": ("zhao", "chao"),
    "行": ("xing", "hang"), "和": ("he",), "茜": ("qian", "xi"), "尉": ("wei", "yu"),
    "会": ("hui", "kuai"), "传": ("chuan", "zhuan"), "少": ("shao",), "家": ("jia",),
    "单": ("dan", "shan"), "藏": ("zang", "cang"), "曾": ("zeng", "ceng"), "都": ("du", "dou"),
}
_MAX_GIVEN_READINGS = 4


def _is_word_char(ch: str) -> bool:
    """Letters, digits and private-use characters: what a name is made of (not "·", spaces …)."""
    return unicodedata.category(ch)[0] in "LN" or unicodedata.category(ch) == "Co"


def _pieces(text: str) -> list[str]:
    """What pypinyin cannot read, split into syllable-like pieces.

    Runs of ASCII letters and digits stay together (``John`` is one piece), any other letter is a
    piece of its own (an unknown CJK character keeps itself), separators such as "·" vanish.
    """
    out: list[str] = []
    run = ""
    for ch in text:
        if ch.isascii() and ch.isalnum():
            run += ch.lower()
            continue
        if run:
            out.append(run)
            run = ""
        if _is_word_char(ch):
            out.append(ch.lower())
    if run:
        out.append(run)
    return out


@lru_cache(maxsize=20_000)
def syllables(text: str) -> tuple[str, ...]:
    """The common toneless reading of ``text``, one item per character (pypinyin's phrase-aware
    choice), with unknown characters kept and separators dropped."""
    if not text:
        return ()
    from pypinyin import Style, lazy_pinyin

    result: list[str] = []
    for item in lazy_pinyin(text, style=Style.NORMAL, errors=_pieces):
        # With errors=callable pypinyin hands back whatever the callable returned, flattened.
        if item:
            result.append(item)
    return tuple(result)


def split_surname(name: str) -> tuple[str, str]:
    """``(surname, given name)``. Compound surnames need a given name after them (≥ 3 characters);
    a name in Latin letters (``John Smith``) has no surname part here."""
    if not name or (name[0].isascii() and name[0].isalnum()):
        return "", name
    if len(name) >= 3 and name[:2] in COMPOUND_SURNAMES:
        return name[:2], name[2:]
    return name[:1], name[1:]


@lru_cache(maxsize=8_192)
def surname_readings(surname: str) -> tuple[tuple[str, ...], ...]:
    """The readings of a surname as syllable tuples: the reading as a surname first, then the
    everyday reading of the characters when it differs (单 → ``shan``, ``dan``)."""
    if not surname:
        return ((),)
    # Each character read on its own, as someone who does not know the family would: 尉迟 wei chi.
    common = tuple(s for ch in surname for s in syllables(ch)[:1])
    if surname in COMPOUND_SURNAMES:
        fixed = COMPOUND_SURNAMES[surname]
    elif surname in SURNAME_READINGS:
        fixed = (SURNAME_READINGS[surname],)
    else:
        return (common,)
    return (fixed,) if common == fixed else (fixed, common)


@lru_cache(maxsize=20_000)
def syllable_readings(name: str) -> tuple[tuple[str, ...], ...]:
    """Every reading of ``name`` as syllable tuples: each surname reading + the given name.

    The given name is read as a phrase (pypinyin's choice) and, where that differs, character by
    character: names are not words, and 陈长林 is "chen chang lin" to most people although the
    phrase 长林 reads "zhang lin". Both are indexed; the name reading sorts.
    """
    name = name.strip()
    if not name:
        return ((),)
    surname, given = split_surname(name)
    as_phrase = syllables(given)
    givens = [as_phrase]
    if len(as_phrase) == len(given):  # one syllable per character: alternatives line up
        options = [GIVEN_NAME_READINGS.get(ch, (syl,)) for ch, syl in zip(given, as_phrase, strict=True)]
        combinations = list(islice(product(*options), _MAX_GIVEN_READINGS))
        # The name reading (first of each listed character) sorts; the phrase reading follows.
        givens = list(dict.fromkeys([*combinations[:1], as_phrase, *combinations[1:]]))
    return tuple(reading + rest for reading in surname_readings(surname) for rest in givens)


def readings(name: str) -> list[str]:
    """Every reading of ``name``, syllables joined by spaces; the first is ``sort_key(name)``."""
    return [" ".join(r) for r in syllable_readings(name)]


def sort_key(name: str) -> str:
    """Toneless lowercase pinyin, syllables joined by spaces: 单立春 → ``"shan li chun"``."""
    return " ".join(syllable_readings(name)[0])


def initials(syllables_: tuple[str, ...]) -> str:
    """``("zhang", "li", "chun")`` → ``"zlc"`` (first letter of each syllable, as people type it)."""
    return "".join(s[0] for s in syllables_ if s)


def to_pinyin_text(text: str) -> str:
    """Letters only: the common reading of every character, run together (``张l`` → ``zhangl``)."""
    return "".join(syllables(text))


_MIXED_UP_TO = 4


@lru_cache(maxsize=20_000)
def search_tokens(name: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The words the search index holds for a name: ``(pinyin words, initials words)``.

    For every reading and every syllable where a search may start (so ``lichun`` and ``chun`` find
    张立春 too): the full pinyin from there (``zhanglichun``), the full pinyin of the first syllables
    followed by the initials of the rest (``zhanglc``, ``zhanglic``: people mix the two), and the
    initials from there (``zlc``). The index answers prefix queries, so ``zhangl`` and ``zl`` match.
    """
    full: list[str] = []
    short: list[str] = []
    for reading in syllable_readings(name):
        n = len(reading)
        for start in range(n):
            # Mixed forms for ordinary names only: a long transliterated name would need dozens.
            splits = range(start + 1, n + 1) if n <= _MIXED_UP_TO else (n,)
            for split in splits:
                token = "".join(reading[start:split]) + initials(reading[split:])
                if token not in full:
                    full.append(token)
            token = initials(reading[start:])
            if token not in short:
                short.append(token)
    return tuple(full), tuple(short)
