"""SMS text keeps accented letters GSM-7 lacks as plain letters; substance plurals match."""

from addons.channels.sms_text import to_gsm7
from storage.lexicon import load_substances


def test_sms_writes_accents_gsm7_lacks_without_them_and_keeps_the_rest() -> None:
    assert to_gsm7("Cuídese, 7 días. ¿Qué número?") == "Cuidese, 7 dias. ¿Qué numero?"
    assert to_gsm7("niño, él, pingüino") == "niño, él, pingüino"
    assert to_gsm7("ok 😀") == "ok "


def test_plurals_of_substance_names_are_matched_unless_they_name_something_else() -> None:
    lexicon = load_substances()
    by_name = {s.name: lexicon.plurals(s) for s in lexicon.substances}
    assert "oxicodonas" in by_name["oxycodone"]
    assert "xanaxes" in by_name["alprazolam"]
    assert "tramadoles" in by_name["tramadol"]
    assert not any("chivas" in plurals for plurals in by_name.values())
