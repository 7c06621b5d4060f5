"""Issue 12 item 14: a failed choice says why (votes needed, the leading option and its votes, a
tie named), has no winner, and a majority of all recipients is called "absolut flertal"."""

from __future__ import annotations

from hoering.domain.tally import tally
from hoering.domain.wording import outcome_sentence
from tests.unit.test_tally import PARTIES, answer, definition

OPTIONS = [{"key": "model-a", "label": "Model A"}, {"key": "model-b", "label": "Model B"}]


def choice(rule="majority_of_recipients", **changes):
    return definition("jyfe.yaml", kind="choice", allocation=None, options=OPTIONS, rule=rule, **changes)


def sentence(d, answers):
    result = tally(d, PARTIES, answers)
    return result, outcome_sentence(d, result, all_kommuner=True)


def test_leading_option_short_of_absolute_majority():
    answers = [answer(p.code, "model-a") for p in PARTIES[:5]] + [answer(PARTIES[5].code, "model-b")]
    result, text = sentence(choice(), answers)
    assert result.outcome == "failed" and result.winner is None
    assert result.needed == 6 and result.leading == ("model-a",) and not result.tie
    assert text == ("Ingen svarmulighed opnåede det nødvendige flertal: «Model A» fik flest stemmer (5 af 11), "
                    "men absolut flertal (over halvdelen af alle 11 hørte parter) kræver 6 stemmer.")
    assert result.to_json()["winner"] is None and result.to_json()["needed"] == 6


def test_tie_is_named():
    answers = [answer(p.code, "model-a") for p in PARTIES[:3]] + [answer(p.code, "model-b") for p in PARTIES[3:6]]
    result, text = sentence(choice("majority_of_answers"), answers)
    assert result.outcome == "failed" and result.winner is None and result.tie
    assert result.leading == ("model-a", "model-b") and result.needed == 4
    assert "stemmelighed mellem «Model A» og «Model B» med 3 stemmer hver" in text
    assert "simpelt flertal af de afgivne svar kræver 4 stemmer" in text


def test_no_votes_at_all():
    result, text = sentence(choice({"qualified": 0.67}), [])
    assert result.outcome == "failed" and result.winner is None and result.leading == ()
    assert text.endswith("der er ikke afgivet stemmer, og kvalificeret flertal på 67 % af alle 11 hørte parter "
                         "kræver 8 stemmer.")


def test_passed_choice_names_the_rule_and_keeps_its_winner():
    result, text = sentence(choice(), [answer(p.code, "model-b") for p in PARTIES[:6]])
    assert result.outcome == "passed" and result.winner == "model-b"
    assert text == ("«Model B» er valgt med 6 af 11 stemmer efter reglen om absolut flertal (over halvdelen af "
                    "alle 11 hørte parter).")


def test_failed_consent_and_allocation_have_no_winner():
    consent = definition("jyfe.yaml", kind="consent", options=None, allocation=None, rule="unanimity")
    result, text = sentence(consent, [answer(851, "enig"), answer(860, "indsigelse")])
    assert result.outcome == "failed" and result.winner is None
    assert text.endswith("; enstemmighed kræver 2.")
    pooled = tally(definition(), PARTIES, [answer(851, "udbetaling"), answer(860, "pulje")])
    assert pooled.outcome == "failed" and pooled.winner is None
