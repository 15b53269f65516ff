"""What the engines read aloud: checked on the phonemes of Piper's own espeak-ng data for Dutch."""

from __future__ import annotations

import pytest

from voice.tts_text import speakable


@pytest.fixture(scope="module")
def phonemes():
    from piper.phonemize_espeak import EspeakPhonemizer

    phonemizer = EspeakPhonemizer()
    return lambda text: "".join("".join(s) for s in phonemizer.phonemize("nl", text))


@pytest.mark.parametrize("word, ipa", [
    ("inbrenger", "ˈɪnbrˌɛŋər"),
    ("hulpvraag", "hɵlpvrˈaːx"),
    ("procesbegeleider", "prˈoːsɛzbˌeːɣəlˌɛɪdər"),
    ("Anna, Bram, Carla", "ˈɑnaː, brˈɑm, kˈɑrlaː"),
    ("Sjoerd, Ruud, Eline", "ʃˈurt, rˈyt, eːlˈinə"),
    ("Nog 5 minuten.", "nˈɔx vˈɛɪf mˈinytən."),
    ("Stap 10.", "stˈɑp tˈin."),
])
def test_our_words_come_out_right_as_written(phonemes, word, ipa):
    assert speakable(word) == word
    assert phonemes(word) == ipa


@pytest.mark.parametrize("text, spoken, wrong, right", [
    ("Je hebt nog 1,5 minuut.", "Je hebt nog anderhalve minuut.", "kˌɔmaː", "ˈɑndərhˌɑlvə"),
    ("Nog 5 min.", "Nog 5 minuten", "mˈɪn.", "mˈinytən"),
    ("Nog 1 min.", "Nog 1 minuut", "mˈɪn.", "mˈinyt"),
    ("De 2e ronde.", "De tweede ronde.", "ˈeː rˈɔndə", "tʋˈeːdə rˈɔndə"),
    ("Anna & Ben", "Anna en Ben", None, "ɑnaː ɛn bɛn"),  # the system's espeak-ng said English "and"
    ("Welkom bij de Case Clinic.", "Welkom bij de Kees Klinnik.", "kˈaːsə", "kˈeːs klˈɪnɪk"),
    ("Stap 2/5", "Stap 2 van 5", "slˈɛʃ", "vɑn"),
    ("ca. 10 minuten", "circa 10 minuten", "kˈaː.", "sˈɪrkaː"),
])
def test_what_came_out_wrong_is_rewritten(phonemes, text, spoken, wrong, right):
    assert speakable(text) == spoken
    if wrong is not None:
        assert wrong in phonemes(text) and wrong not in phonemes(spoken)
    assert right in phonemes(spoken)


def test_the_cache_key_follows_the_spoken_text(tmp_path):
    from voice.tts import Renderer

    r = Renderer(tmp_path)
    assert r.cache_path("Nog 5 min.") == r.cache_path("Nog 5 minuten")
    assert r.cache_path("Nog 5 min.") != r.cache_path("Nog 6 min.")
