"""Decoding dumps: legacy code pages detected, UTF-16 without a BOM, mojibake reported, offsets exact.

The texts are invented for these tests, one short news item per language.
"""

from __future__ import annotations

import codecs
import io

import pytest

from reader.core.charsets import detect_legacy, sniff_utf16
from reader.core.dumps import ParseReport, check_dump, parse_bytes, parse_stream
from reader.core.textio import iter_lines, normalise, sniff_encoding

RUSSIAN = (
    "Городской совет одобрил новый бюджет\n\n"
    "Депутаты городского совета в четверг проголосовали за бюджет на следующий год, который "
    "предусматривает рост расходов на школы и ремонт дорог.\n"
    "Против выступили только трое депутатов, заявивших, что налоги для малого бизнеса растут "
    "слишком быстро.\n"
    "Мэр пообещал, что первые работы на мостах начнутся уже весной.\n"
)
ARABIC = (
    "المجلس البلدي يوافق على ميزانية جديدة\n\n"
    "وافق أعضاء المجلس البلدي يوم الخميس على ميزانية العام المقبل التي تتضمن زيادة الإنفاق على "
    "المدارس وصيانة الطرق.\n"
    "وعارض ثلاثة أعضاء فقط القرار، قائلين إن الضرائب على الشركات الصغيرة ترتفع بسرعة كبيرة.\n"
    "وتعهد رئيس البلدية بأن تبدأ أعمال الجسور في الربيع.\n"
)
POLISH = (
    "Rada miasta przyjęła nowy budżet\n\n"
    "Radni w czwartek zagłosowali za budżetem na przyszły rok, który przewiduje większe wydatki "
    "na szkoły i naprawę dróg.\n"
    "Przeciw byli tylko trzej radni, którzy twierdzili, że podatki dla małych firm rosną zbyt "
    "szybko.\n"
    "Burmistrz obiecał, że pierwsze prace na mostach ruszą już wiosną, a źródła finansowania są "
    "pewne.\n"
)
CZECH = (
    "Městská rada schválila nový rozpočet\n\n"
    "Zastupitelé ve čtvrtek hlasovali pro rozpočet na příští rok, který počítá s vyššími výdaji "
    "na školy a opravy silnic.\n"
    "Proti byli jen tři zastupitelé, kteří tvrdili, že daně pro malé podniky rostou příliš "
    "rychle.\n"
    "Starosta slíbil, že první práce na mostech začnou už na jaře.\n"
)
JAPANESE = (
    "市議会が新年度予算を可決\n\n"
    "市議会は木曜日、学校の改修と道路の補修に重点を置いた来年度の予算案を賛成多数で可決した。\n"
    "反対したのは三人の議員だけで、中小企業への課税が急に重くなりすぎると主張した。\n"
    "市長は、橋の工事を春までに始めると約束した。\n"
)
CHINESE = (
    "市议会通过新年度预算\n\n"
    "市议会周四以多数票通过了明年的预算案，重点用于学校翻新和道路维修。\n"
    "只有三名议员投了反对票，他们认为对小企业的税收增长过快。\n"
    "市长承诺，桥梁工程将在春天之前开工。\n"
)
GREEK = (
    "Το δημοτικό συμβούλιο ενέκρινε νέο προϋπολογισμό\n\n"
    "Οι δημοτικοί σύμβουλοι ψήφισαν την Πέμπτη τον προϋπολογισμό του επόμενου έτους, που "
    "προβλέπει περισσότερες δαπάνες για σχολεία και επισκευές δρόμων.\n"
    "Κατά ψήφισαν μόνο τρεις σύμβουλοι, οι οποίοι υποστήριξαν ότι οι φόροι για τις μικρές "
    "επιχειρήσεις αυξάνονται πολύ γρήγορα.\n"
    "Ο δήμαρχος υποσχέθηκε ότι οι πρώτες εργασίες στις γέφυρες θα ξεκινήσουν την άνοιξη.\n"
)
# Windows-1253 puts curly quotes in 0x80-0x9F and "Ά" elsewhere than ISO-8859-7.
GREEK_WINDOWS = GREEK + "«Άνοιξη», είπε ο δήμαρχος: “θα είμαστε έτοιμοι”.\n"
FRENCH = (
    "Les cafés lyonnais s’inquiètent de la hausse des loyers\n\n"
    "LYON: Les propriétaires de cafés ont dénoncé jeudi une hausse des loyers « brutale », la "
    "troisième cette année — et prévoient déjà des fermetures à l’été.\n"
    "« Nous avons déjà réduit nos horaires », a déclaré une gérante du quartier.\n"
)
GERMAN = (
    "Stadtrat beschließt höhere Gebühren für Müllabfuhr\n\n"
    "KÖLN: Der Stadtrat hat am Donnerstag höhere Gebühren für die Müllabfuhr beschlossen; "
    "Familien müssen künftig rund 40 Euro mehr im Jahr zahlen.\n"
    "Die Grünen stimmten dagegen und forderten größere Zuschüsse für Bürger mit geringem "
    "Einkommen.\n"
)
SPANISH = (
    "El ayuntamiento aprueba más dinero para las piscinas\n\n"
    "SEVILLA: El pleno aprobó el martes una partida de dos millones de euros para reformar las "
    "piscinas municipales, según informó la concejala de Deportes.\n"
    "¿Llegarán las obras a tiempo para el verano? La oposición lo duda y pidió más información "
    "sobre el calendario de la reforma en Triana.\n"
)

LEGACY = [
    (RUSSIAN, "cp1251", {"cp1251"}),
    (RUSSIAN, "koi8-r", {"koi8-r"}),
    (ARABIC, "cp1256", {"cp1256"}),
    (POLISH, "iso8859-2", {"iso8859-2"}),
    (CZECH, "iso8859-2", {"iso8859-2"}),
    (CZECH, "cp1250", {"cp1250"}),
    (JAPANESE, "shift_jis", {"shift_jis", "cp932"}),
    (CHINESE, "gb18030", {"gb18030"}),
    (CHINESE, "gbk", {"gbk", "gb18030"}),
    (GREEK, "iso8859-7", {"iso8859-7"}),
    (GREEK, "cp1253", {"cp1253", "iso8859-7"}),  # these bytes are the same in both
    (GREEK_WINDOWS, "cp1253", {"cp1253"}),
    (FRENCH, "cp1252", {"cp1252"}),
    (GERMAN, "cp1252", {"cp1252"}),
    (SPANISH, "cp1252", {"cp1252"}),
    (SPANISH, "latin-1", {"cp1252"}),  # the same bytes for every letter
]


def lines_of(data: bytes, chunk_size: int = 1 << 20) -> tuple[list[tuple[str, int]], ParseReport]:
    report = ParseReport()
    return list(iter_lines(io.BytesIO(data), chunk_size, report)), report


def expected_lines(text: str) -> list[str]:
    return [normalise(line) for line in text.split("\n")[:-1]]


@pytest.mark.parametrize(("text", "codec", "names"), LEGACY, ids=lambda v: str(v)[:12])
def test_legacy_code_pages_are_detected(text, codec, names):
    data = text.encode(codec)
    got, report = lines_of(data)
    assert [line for line, _ in got] == expected_lines(text)
    assert report.encoding in names
    assert report.encoding_doubt is None
    # Offsets stay byte offsets into the file.
    assert got[-1][1] == len(data)
    assert [data[:end].count(b"\n") for _, end in got] == list(range(1, len(got) + 1))


@pytest.mark.parametrize(
    ("text", "codec", "names"),
    [case for case in LEGACY if case[0] in (RUSSIAN, POLISH, CZECH, GREEK)],
    ids=lambda v: str(v)[:12],
)
def test_legacy_articles_parse_with_their_letters(text, codec, names):
    report = ParseReport()
    (article,) = parse_stream(io.BytesIO(text.encode(codec)), report=report)
    assert article.title == text.split("\n")[0]
    assert article.paragraphs == text.split("\n\n")[1].split("\n")[:-1]
    assert report.encoding in names
    assert report.warning() is None


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_legacy_with_other_line_ends_and_small_chunks(newline):
    text = RUSSIAN.replace("\n", newline)
    data = text.encode("cp1251")
    whole, report = lines_of(data)
    assert [line for line, _ in whole] == expected_lines(RUSSIAN)
    assert report.encoding == "cp1251"
    # Chunks that cut lines (and CRLFs) anywhere: the same lines and the same offsets.
    for size in (1000, 333, 97):
        assert lines_of(data, size)[0] == whole, size


def test_mixed_utf8_and_legacy_lines_each_decode_right():
    first = "Café owners cautious\n\nLYON: Owners of cafés said the rise hurt.\n"
    second = "Городской совет одобрил новый бюджет\n\nМэр пообещал, что работы начнутся весной.\n"
    data = first.encode("utf-8") + second.encode("cp1251")
    got, report = lines_of(data)
    assert [line for line, _ in got] == expected_lines(first + second)
    assert report.encoding == "utf-8 and cp1251"
    assert report.encoding_doubt is None


def test_utf8_reports_utf8_without_doubt():
    _, report = lines_of(FRENCH.encode("utf-8"))
    assert (report.encoding, report.encoding_doubt) == ("utf-8", None)
    _, report = lines_of(b"plain ascii\n")
    assert (report.encoding, report.encoding_doubt) == ("utf-8", None)


# --- UTF-16 without a byte-order mark ----------------------------------------------------------


@pytest.mark.parametrize("text", [RUSSIAN, GREEK, CHINESE, JAPANESE, ARABIC, FRENCH, GERMAN])
@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom(text, codec):
    data = text.encode(codec)
    assert sniff_encoding(data) == (codec, 0)
    got, report = lines_of(data)
    assert [line for line, _ in got] == expected_lines(text)
    assert report.encoding == codec
    assert report.encoding_doubt is None
    assert [a.title for a in parse_bytes(data)] == [
        a.title for a in parse_bytes(text.encode("utf-8"))
    ]


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_a_dump_not_a_binary(tmp_path, codec):
    path = tmp_path / "cyrillic.txt"
    path.write_bytes(RUSSIAN.encode(codec))
    check_dump(path)  # raises for a binary file


@pytest.mark.parametrize("codec", ["utf-32-le", "utf-32-be"])
def test_utf32_with_bom(codec):
    bom = codecs.BOM_UTF32_LE if codec.endswith("le") else codecs.BOM_UTF32_BE
    got, report = lines_of(bom + GREEK.encode(codec))
    assert [line for line, _ in got] == expected_lines(GREEK)
    assert report.encoding == codec


@pytest.mark.parametrize(
    "data",
    [
        b"A line of text\n\x00 with a stray NUL\nand another\x00 one\n" * 20,
        RUSSIAN.encode("cp1251") + b"\x00\x00",
        bytes(range(256)) * 16,
        b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,
    ],
)
def test_not_mistaken_for_utf16(data):
    assert sniff_utf16(data) is None


# --- mojibake is reported, never stored silently --------------------------------------------


def test_undecodable_bytes_are_reported():
    # 0x81 has no character in Windows-1252.
    data = (FRENCH + GERMAN + SPANISH).encode("cp1252") + b"Prices \x81 rose.\n"
    got, report = lines_of(data)
    assert got[-1][0] == "Prices \ufffd rose."
    assert report.encoding == "cp1252"
    assert report.encoding_doubt == "1 character could not be decoded"
    assert report.warning() == "text encoding cp1252: 1 character could not be decoded"


def test_undecodable_utf16_is_reported():
    data = codecs.BOM_UTF16_LE + "Broken \ud800 pair\n".encode("utf-16-le", "surrogatepass")
    got, report = lines_of(data)
    assert got == [("Broken \ufffd pair", len(data))]
    assert report.encoding_doubt == "1 character could not be decoded"


def test_double_encoded_utf8_is_reported():
    text = "Owners of cafés said the rise — the third this year — hurt.\n"
    garbled = text.encode("utf-8").decode("cp1252").encode("utf-8")
    _, report = lines_of(garbled)
    assert report.encoding == "utf-8"
    assert report.encoding_doubt and "encoded twice" in report.encoding_doubt
    assert "encoded twice" in report.warning()


def test_replacement_characters_already_in_utf8_are_reported():
    _, report = lines_of("Prices \ufffd\ufffd rose.\n".encode())
    assert report.encoding_doubt == "2 characters could not be decoded"


def test_unrecognisable_bytes_are_doubtful():
    codec, doubt = detect_legacy(bytes(range(0x80, 0x100)) * 8)
    assert codec
    assert doubt


def test_portuguese_capital_a_tilde_is_not_taken_for_mojibake():
    _, report = lines_of("SÃO PAULO: A prefeitura anunciou obras.\n".encode())
    assert report.encoding_doubt is None


def test_warning_combines_parse_and_encoding_doubts():
    report = ParseReport(
        merged=3, encoding="cp1251", encoding_doubt="4 characters could not be decoded"
    )
    assert report.warning() == (
        "3 articles look merged; text encoding cp1251: 4 characters could not be decoded"
    )
    assert ParseReport(encoding="utf-8").warning() is None


@pytest.mark.parametrize(
    ("text", "codec"), [(CHINESE, "gb18030"), (JAPANESE, "shift_jis"), (RUSSIAN, "cp1251")]
)
def test_a_sample_bigger_than_the_detector_s_is_cut_between_characters(text, codec):
    """The detector sees at most SAMPLE_BYTES: cut inside a two-byte character, the right code
    page would fail to decode it and be rejected."""
    from reader.core.charsets import SAMPLE_BYTES

    data = (text * (3 * SAMPLE_BYTES // len(text.encode(codec)))).encode(codec)
    got, report = lines_of(data)
    assert report.encoding in ({codec, "cp932"} if codec == "shift_jis" else {codec})
    assert report.encoding_doubt is None
    first = expected_lines(text)
    assert [line for line, _ in got[: len(first)]] == first


def test_koi8_r_and_windows_1251_told_apart_by_letter_case_in_one_sentence():
    """The two keep capitals and small letters in each other's places: read in the wrong one,
    Russian comes out in capitals, which real prose is not."""
    sentence = "Мэр пообещал, что первые работы на мостах начнутся уже весной."
    assert detect_legacy(sentence.encode("koi8-r"))[0] == "koi8-r"
    assert detect_legacy(sentence.encode("cp1251"))[0] == "cp1251"


@pytest.mark.parametrize("codec", ["cp1250", "iso8859-2"])
def test_czech_in_one_sentence_is_not_taken_for_western(codec):
    """Read as Windows-1252, Czech from Windows-1250 is clean too ("tøi" for "tři"): when the
    detector hears Czech in it, Windows-1252 loses its place at the head of the preferences."""
    sentence = "Proti byli jen tři zastupitelé, kteří tvrdili, že daně pro malé podniky rostou příliš rychle."
    assert detect_legacy(sentence.encode(codec))[0] == codec
