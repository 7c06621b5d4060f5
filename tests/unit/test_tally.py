from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from hoering.definitions import load_yaml_text, validate
from hoering.domain.hearing import HearingDefinition
from hoering.domain.tally import AnswerVersion, Party, tally
from tests.support import EXAMPLES

PARTIES = [Party(c, n, p) for c, n, p in [
    (773, "Morsø", 19700), (787, "Thisted", 43100), (810, "Brønderslev", 36300),
    (813, "Frederikshavn", 58500), (820, "Vesthimmerland", 36600), (825, "Læsø", 1700),
    (840, "Rebild", 31300), (846, "Mariagerfjord", 41800), (849, "Jammerbugt", 38400),
    (851, "Aalborg", 222600), (860, "Hjørring", 64000)]]
T0 = datetime(2014, 5, 1, tzinfo=UTC)


def definition(name="jyfe.yaml", **changes) -> HearingDefinition:
    data = load_yaml_text((EXAMPLES / name).read_text(), source=name)
    data.update(changes)
    return validate(HearingDefinition, data, source=name)


def answer(code, option, version=1, late=False, **kw):
    return AnswerVersion(code=code, version=version, option=option, late=late,
                         received_at=T0 + timedelta(hours=version), **kw)


def test_jyfe_all_pool_passes_with_everything_pooled():
    result = tally(definition(), PARTIES, [answer(p.code, "pulje") for p in PARTIES])
    assert result.outcome == "passed"
    assert result.pool == Decimal("120000.00") and result.payouts == {}
    assert result.counts == {"pulje": 11, "udbetaling": 0}


def test_two_payouts_under_equal_key_sum_to_total():
    answers = [answer(p.code, "udbetaling" if p.code in (851, 860) else "pulje") for p in PARTIES]
    result = tally(definition("jyfe-equal.yaml"), PARTIES, answers)
    assert set(result.payouts) == {851, 860}
    assert all(v in (Decimal("10909.09"), Decimal("10909.10")) for v in result.payouts.values())
    assert result.pool + sum(result.payouts.values()) == Decimal("120000.00")
    assert result.outcome == "failed"  # unanimity for pooling is broken by the two payouts


def test_population_key_weighs_aalborg_most():
    answers = [answer(p.code, "udbetaling" if p.code in (851, 825) else "pulje") for p in PARTIES]
    result = tally(definition(), PARTIES, answers)
    assert result.payouts[851] > 40 * result.payouts[825]


def test_late_answer_is_shown_but_not_counted_unless_the_hearing_says_so():
    answers = [answer(851, "pulje"), answer(851, "udbetaling", version=2, late=True)]
    ignored = tally(definition(), PARTIES, answers)
    assert ignored.answers[851] == "pulje" and ignored.late == [851]
    counted = tally(definition(late="count"), PARTIES, answers)
    assert counted.answers[851] == "udbetaling"


def test_silence_as_consent_counts_silent_kommuner_for_the_proposal():
    d = definition("jyfe.yaml", kind="consent", options=None, allocation=None, silence="enig")
    result = tally(d, PARTIES, [answer(851, "enig")])
    assert result.counts["enig"] == 11 and result.outcome == "passed"
    objected = tally(d, PARTIES, [answer(851, "indsigelse")])
    assert objected.outcome == "failed"


def test_choice_majority_of_recipients_needs_six_of_eleven():
    d = definition("jyfe.yaml", kind="choice", allocation=None, rule="majority_of_recipients")
    five = tally(d, PARTIES, [answer(p.code, "pulje") for p in PARTIES[:5]])
    six = tally(d, PARTIES, [answer(p.code, "pulje") for p in PARTIES[:6]])
    assert (five.outcome, six.outcome) == ("failed", "passed")


def test_qualified_majority_of_two_thirds():
    d = definition("jyfe.yaml", kind="choice", allocation=None, rule={"qualified": 0.67})
    seven = tally(d, PARTIES, [answer(p.code, "pulje") for p in PARTIES[:7]])
    eight = tally(d, PARTIES, [answer(p.code, "pulje") for p in PARTIES[:8]])
    assert (seven.outcome, eight.outcome) == ("failed", "passed")


def test_interest_lists_the_yes_sayers_and_submission_collects_texts():
    d = definition("jyfe.yaml", kind="interest", options=None, allocation=None)
    result = tally(d, PARTIES, [answer(851, "ja"), answer(860, "nej")])
    assert result.interested == (851,) and result.outcome is None
    s = definition("jyfe.yaml", kind="submission", options=None, allocation=None)
    result = tally(s, PARTIES, [answer(851, None, text="Vores initiativ")])
    assert result.submissions == {851: "Vores initiativ"}


versions = st.lists(
    st.tuples(st.sampled_from([p.code for p in PARTIES]), st.sampled_from(["pulje", "udbetaling"]),
              st.booleans()),
    max_size=40,
)


@given(versions=versions, key=st.sampled_from(["equal", "population"]), late=st.sampled_from(["ignore", "count"]))
def test_invariants(versions, key, late):
    d = definition("jyfe.yaml", allocation={"total": "120000.00", "key": key, "pool_option": "pulje",
                                             "payout_option": "udbetaling"}, late=late)
    numbered, seen = [], {}
    for code, option, is_late in versions:
        seen[code] = seen.get(code, 0) + 1
        numbered.append(answer(code, option, version=seen[code], late=is_late))
    result = tally(d, PARTIES, numbered)
    # shares sum to the total
    assert result.pool + sum(result.payouts.values(), Decimal(0)) == Decimal("120000.00")
    # no kommune counted twice
    assert sum(result.counts.values()) == result.answered <= len(PARTIES)
    assert len({ln.code for ln in result.lines}) == len(PARTIES)
    # the latest answer before the deadline (or the latest, when late answers count) is the one that counts
    for code, option in result.answers.items():
        eligible = [a for a in numbered if a.code == code and (late == "count" or not a.late)]
        assert option == max(eligible, key=lambda a: a.version).option
