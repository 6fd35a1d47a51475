"""Wire headlines in the blank-line layout: a company mark in angle brackets ("<ACME> BUYS ...")
and a closing full stop do not stop a short line before a dateline lead from being a headline,
in a dump whose other articles start that way; a short sentence inside an article, with no
dateline after it, stays a paragraph."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.core.dumps import parse_bytes
from reader.core.shapes import is_candidate, is_headline_shaped, is_title_case


@dataclass(frozen=True)
class Topic:
    """One story's material: who, what the headline says of them, where, and the body."""

    name: str
    headline: str
    place: str
    lead: str
    more: tuple[str, ...]


# Each story has its own subject, as consecutive wire stories do.
TOPICS = (
    Topic(
        "Marlow Cement", "shuts kiln at Rugby works", "BIRMINGHAM",
        "Marlow Cement Plc said it had shut the older of the two kilns at its Rugby works for "
        "at least a month because demand from house builders had slowed over the winter.",
        ("About 60 kiln workers will be moved to quarry maintenance until the kiln restarts.",
         "The company said deliveries to customers would be met from its plant in Kent."),
    ),
    Topic(
        "Orvik Fisheries", "lands smaller herring catch", "BERGEN",
        "Orvik Fisheries A/S said its trawlers landed 18,400 tonnes of herring in the first "
        "quarter, down from 23,100 tonnes a year earlier, as shoals moved further north.",
        ("Prices at the quayside auctions rose by about a tenth to make up part of the shortfall.",
         "The fleet will fish for mackerel off Shetland from June."),
    ),
    Topic(
        "Tessaly Airways", "adds Athens routes for summer", "ATHENS",
        "Tessaly Airways will add daily flights from Athens to Lyon and Hamburg from May, "
        "leasing two extra jets for the season, the carrier's managing director said.",
        ("Bookings for July and August are running well ahead of last year, he told reporters.",
         "The airline carried 1.3 mln passengers in 1986."),
    ),
    Topic(
        "Quarrington Paper", "raises newsprint prices", "MONTREAL",
        "Quarrington Paper Ltd will raise the price of newsprint by 35 dlrs a tonne from June 1, "
        "citing higher pulp and energy costs at its mills in Quebec and Ontario.",
        ("Publishers' groups said they would ask other suppliers to hold their prices.",
         "The increase follows a smaller one imposed in January."),
    ),
    Topic(
        "Belcastro Motors", "recalls vans over brake fault", "TURIN",
        "Belcastro Motors SpA is recalling about 14,000 light vans built last autumn to replace a "
        "brake hose that can chafe against the front axle, the company said.",
        ("Dealers will fit the new part free of charge in under an hour.",
         "No accidents have been linked to the fault, a spokeswoman said."),
    ),
    Topic(
        "Kendrick Mining", "finds gold near Kalgoorlie", "PERTH",
        "Kendrick Mining NL said drilling at its Mount Ferris lease near Kalgoorlie had cut "
        "gold-bearing rock over 22 metres at an average grade of 6.1 grams a tonne.",
        ("Further holes will be drilled along the strike of the ore body over the next two "
         "months.",
         "The company's shares rose 14 cents to 1.62 dlrs on the Perth exchange."),
    ),
    Topic(
        "Sunderby Dairies", "cuts butter output as stocks swell", "STOCKHOLM",
        "Sunderby Dairies said it would cut butter production at its northern creameries by a "
        "quarter because cold-store stocks had reached their highest level in six years.",
        ("More milk will go into cheese and milk powder, which sell more easily abroad.",
         "Farmers' milk prices will not change, the cooperative said."),
    ),
    Topic(
        "Harrowgate Insurance", "pays storm claims faster", "EDINBURGH",
        "Harrowgate Insurance Group said it had settled nine in ten of the household claims "
        "from January's gales within four weeks, using loss adjusters hired from other firms.",
        ("The storm cost the group about 31 mln stg before reinsurance.",
         "Its chief executive said premiums for coastal homes would be reviewed."),
    ),
)
# Short sentences that sit inside stories on any subject.
SHORT = (
    "Trading was quiet.",
    "No figures were given.",
    "The decision surprised analysts.",
    "Talks will resume next week.",
    "A spokesman declined to comment.",
    "Shares closed unchanged.",
)
MONTHS = ("Jan", "March", "June", "Sept", "Nov")


@dataclass(frozen=True)
class Story:
    title: str
    dateline: str
    paragraphs: list[str]


@st.composite
def stories(draw: st.DrawFn, topic: Topic) -> Story:
    mark = draw(st.booleans())
    stop = draw(st.booleans())
    caps = draw(st.booleans())
    name = f"<{topic.name}>" if mark else topic.name
    if caps:
        name = name.upper()
    words = topic.headline.upper() if caps else topic.headline
    title = f"{name} {words}{'.' if stop else ''}"
    dateline = f"{topic.place}, {draw(st.sampled_from(MONTHS))} {draw(st.integers(1, 28))}"
    body = [topic.lead, *topic.more[: draw(st.integers(0, len(topic.more)))]]
    # Short one-sentence paragraphs anywhere after the lead, the last paragraph included.
    for short in draw(st.lists(st.sampled_from(SHORT), max_size=2, unique=True)):
        body.insert(draw(st.integers(1, len(body))), short)
    return Story(title, dateline, body)


@st.composite
def wire_dumps(draw: st.DrawFn) -> list[Story]:
    topics = draw(st.permutations(TOPICS))[: draw(st.integers(3, 6))]
    return [draw(stories(t)) for t in topics]


def _dump(stories: list[Story]) -> bytes:
    parts = []
    for s in stories:
        lead, *rest = s.paragraphs
        parts.append("\n\n".join([s.title, f"{s.dateline} - {lead}", *rest]))
    return ("\n\n".join(parts) + "\n").encode("utf-8")


@settings(
    max_examples=200,
    suppress_health_check=[HealthCheck.too_slow],
    deadline=None,
    derandomize=True,
    database=None,
)
@given(wire_dumps())
def test_wire_headlines_with_marks_and_full_stops_start_their_articles(dump):
    text = _dump(dump)
    got = parse_bytes(text)
    assert [a.title for a in got] == [s.title for s in dump], text.decode()
    for a, s in zip(got, dump):
        assert a.dateline == s.dateline
        assert a.paragraphs == s.paragraphs, text.decode()
        assert not a.title_derived


def test_the_lead_engineers_reproduction():
    """Three stories; the first headline opens with a mark, the second ends with a full stop."""
    text = (
        "<ORRIN TOOLS> BUYS FENLOW FOR UNDISCLOSED SUM\n\n"
        "NEW YORK, March 3 - Orrin Tools Inc said it had bought Fenlow, a maker of hand saws, "
        "for cash and shares.\n\n"
        "The purchase will be completed by the end of the quarter.\n\n"
        "Fenlow shares jump; board weighs sale of unit.\n\n"
        "CHICAGO, March 3 - Shares of Fenlow rose sharply after its board said it was weighing "
        "the sale of its lawn equipment unit.\n\n"
        "A spokesman declined to name any bidders.\n\n"
        "FARMERS SEE LOWER OAT CROP THIS YEAR\n\n"
        "KANSAS CITY, March 3 - Farmers in the plains expect a smaller oat harvest after a dry "
        "autumn, an industry group said.\n"
    )
    got = parse_bytes(text.encode())
    assert [a.title for a in got] == [
        "<ORRIN TOOLS> BUYS FENLOW FOR UNDISCLOSED SUM",
        "Fenlow shares jump; board weighs sale of unit.",
        "FARMERS SEE LOWER OAT CROP THIS YEAR",
    ]
    assert [len(a.paragraphs) for a in got] == [2, 2, 1]
    assert not any(a.title_derived for a in got)


def test_a_short_sentence_before_a_dateline_is_a_paragraph_where_headlines_do_not_stand_so():
    """The full stop is forgiven only where the dump's headlines stand before dateline leads:
    here none does, and the short sentence before "LONDON - " stays in its article."""
    text = (
        "Harbour board approves new ferry terminal\n\n"
        "The harbour board voted on Monday to build a ferry terminal on the east quay, ending "
        "two years of argument over where the boats should berth.\n\n"
        "Work will begin in the spring.\n\n"
        "LONDON - Ferry operators welcomed the decision, saying the old berth was too "
        "shallow for the larger boats they plan to bring into service.\n\n"
        "Council sets budget for road repairs\n\n"
        "The council agreed a budget of 4 mln for road repairs after a winter of potholes "
        "that drew hundreds of complaints from drivers and cyclists.\n\n"
        "Museum extends opening hours for summer\n\n"
        "The town museum will open until eight in the evening from June to September, its "
        "trustees said, after visitor numbers rose by a third last year.\n"
    )
    got = parse_bytes(text.encode())
    assert [a.title for a in got] == [
        "Harbour board approves new ferry terminal",
        "Council sets budget for road repairs",
        "Museum extends opening hours for summer",
    ]
    assert "Work will begin in the spring." in got[0].paragraphs


def test_a_wire_mark_opens_a_headline_but_other_angle_brackets_do_not():
    assert is_candidate("<ACME HOLDINGS> BUYS WIDGETCO FOR UNDISCLOSED SUM")
    assert is_headline_shaped("<Acme Holdings> sets quarterly payout")
    assert is_title_case("<Acme Holdings> Sets Quarterly Payout")
    assert not is_candidate("<div class='story'>")
    assert not is_candidate("<acme> buys widgetco")
    assert not is_headline_shaped("<ACME HOLDINGS>")
