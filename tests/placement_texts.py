"""Original news text for the placement and section-operation tests (written for these tests).

Each story is (expected default section, dump text). ``dump(stories)`` joins them into a dump file
in the format the parser reads: headline, optional "- " summary lines, lead with a dateline, then
paragraphs; a blank line between articles.
"""

from __future__ import annotations

from pathlib import Path

DEFAULT_STORIES: list[tuple[str, str]] = [
    (
        "Sport",
        """Harriers snatch late winner to stay top of the league
- Substitute striker scores in the 89th minute against Dunmore Rovers
HALSTEAD (AP) — A header from substitute striker Tomas Reyes in the 89th minute gave Halstead Harriers a 2-1 win over Dunmore Rovers on Saturday and kept them three points clear at the top of the league table.
Rovers had equalised early in the second half through a penalty after their captain was brought down in the box, and the home crowd grew restless as chance after chance went wide.
"We never stopped believing," Harriers manager Colm Dwyer said after the match. "The players showed what this season is about."
The Harriers travel to second-placed Ashby next weekend in a game that could decide the title.""",
    ),
    (
        "Business",
        """Shares in Norvik Foods slide after second profit warning
- Supermarket supplier blames higher costs and weaker sales
LONDON, Mar 12 (Reuters) - Shares in Norvik Foods fell 18 percent on Wednesday after the supplier of chilled meals to supermarkets cut its annual profit forecast for the second time this year.
The company said revenue in the quarter to February was 6 percent lower than a year earlier as shoppers traded down to cheaper own-brand products, while energy and packaging costs kept rising.
Analysts said the warning raised questions about the company's debt, and two brokers lowered their target price for the stock.
Chief executive Martina Holm told investors the group would close one factory and cut 300 jobs to save money.""",
    ),
    (
        "Technology",
        """Chipmaker unveils smartphone processor with built-in AI engine
SAN JOSE: The chipmaker Veltrix on Tuesday unveiled a processor for smartphones that runs artificial intelligence models on the device instead of in the cloud, a move it said would make apps faster and keep users' data private.
The chip pairs eight processor cores with a dedicated engine for machine learning and will ship in phones from three manufacturers later this year.
Software developers will be able to use the engine through an update to the company's developer tools, Veltrix said.
Rivals are racing to add similar features as demand for AI on laptops and phones grows.""",
    ),
    (
        "Health",
        """Hospital waiting lists grow as flu cases rise
- Doctors warn emergency departments are close to capacity
MANCHESTER: Hospitals in the north of England are postponing planned operations as a rise in flu cases fills beds, doctors said on Thursday.
The number of patients admitted with flu doubled in a fortnight, and some emergency departments reported waits of more than twelve hours.
Health officials urged older people and those with long-term illnesses to get their vaccine, saying it was not too late to be protected.
Nurses said staff sickness was adding to the pressure on wards.""",
    ),
    (
        "Science",
        """Astronomers find water vapour in the atmosphere of a distant planet
GENEVA: Astronomers using a space telescope have detected water vapour in the atmosphere of a planet orbiting a small star about 120 light years from Earth, a study published on Wednesday said.
The planet, roughly twice the size of Earth, passes in front of its star every eleven days, letting researchers study starlight filtered through its atmosphere.
The team said the finding did not mean the planet could support life, but it made the world one of the most interesting targets for future observations.
The results were published in the journal Nature Astronomy.""",
    ),
    (
        "Culture",
        """Debut novel wins book prize as film rights are sold
DUBLIN: A debut novel about three sisters running a seaside hotel won the Harland Prize for fiction on Thursday, hours after its author sold the film rights to a production company.
The judges called the book "funny, sad and entirely original", and sales have tripled since it made the shortlist in the summer.
The novelist, a former teacher, said she wrote most of it on her phone during her commute.
The film adaptation will be directed by an award-winning director whose last feature opened the Venice film festival.""",
    ),
    (
        "Politics",
        """Parliament passes budget after late-night vote
- Opposition parties vote against tax rises
OSLO: Lawmakers approved the government's budget by 87 votes to 80 shortly after midnight on Friday, ending weeks of negotiations between the coalition parties.
The finance minister said the tax rises on tobacco and alcohol were needed to pay for more teachers and nurses, while the opposition called the budget a burden on families.
The prime minister thanked the smaller coalition partner for its support and said the government would now turn to its election promises on housing.
The bill now goes to the upper house for a final reading.""",
    ),
    (
        "World",
        """Russian drones strike power plants across Ukraine
KYIV (AP) — Russia launched dozens of drones and missiles at power plants across Ukraine overnight, cutting electricity to hundreds of thousands of homes, Ukrainian officials said on Sunday.
Ukraine's air force said it shot down most of the drones, but several struck energy facilities in the west of the country.
President Volodymyr Zelenskyy called on Western allies to send more air defence systems before winter.
The Kremlin did not comment on the strikes.""",
    ),
]

# Stories a reader who follows the region would move to a new "Middle East" section.
MIDDLE_EAST_TAUGHT: list[str] = [
    """Aid convoy reaches northern Gaza after weeks of delays
DEIR AL-BALAH: A convoy of thirty aid trucks reached northern Gaza on Monday, the first in more than three weeks, UN agencies said, as Israel allowed the crossing at Erez to reopen.
Palestinians queued for flour and water in Gaza City, where aid workers described severe shortages of food and medicine.
The Israeli military said it had inspected the trucks and would allow more through if the crossing remained calm.
Hamas accused Israel of using aid as a weapon in the war.""",
    """Hezbollah and Israel exchange fire across Lebanon border
BEIRUT: Hezbollah fired rockets at Israeli army positions on Tuesday and Israel answered with air strikes on villages in southern Lebanon, in the heaviest exchange on the border in a month.
Lebanon's health ministry said four people were killed near the town of Nabatieh.
The Israeli military said it had struck Hezbollah launch sites and a weapons store.
Families in northern Israel were told to stay close to shelters.""",
    """Iran says nuclear talks with Washington will resume in Oman
TEHRAN: Iran will take part in a new round of indirect talks with the United States over its nuclear programme in Muscat next week, the foreign ministry in Tehran said on Wednesday.
The talks, mediated by Oman, stalled in the spring over the level of uranium enrichment Iran would accept.
Israel has warned that it will not allow Iran to build a nuclear weapon.
Diplomats in the Gulf said expectations were low.""",
    """West Bank raid leaves three Palestinians dead
JENIN: Israeli forces killed three Palestinians during a raid on the Jenin refugee camp in the occupied West Bank on Thursday, the Palestinian health ministry said.
The Israeli army said its troops had come under fire while arresting suspected militants from Hamas and Islamic Jihad.
Bulldozers tore up roads in the camp, and residents said water and power were cut.
The Palestinian Authority condemned the raid.""",
    """Israeli cabinet divided over Gaza hostage deal
JERUSALEM: Israel's war cabinet met late into the night on Saturday to discuss a proposal for a truce in Gaza and the release of hostages held by Hamas, officials said.
Egypt and Qatar, which have mediated between Israel and Hamas, said a deal was within reach.
Families of hostages protested outside the prime minister's office in Jerusalem.
Far-right ministers threatened to leave the government if the war was stopped.""",
]

# New stories like those: after the lesson they belong in "Middle East".
MIDDLE_EAST_NEW: list[str] = [
    """Gaza truce talks stall as Israel expands strikes
CAIRO: Talks on a truce in Gaza stalled on Monday after Israel widened its air strikes on Khan Younis, Egyptian officials said, and Hamas said it would not send negotiators back to Cairo this week.
Palestinians in Gaza said the strikes hit homes and a school used as a shelter.
Qatar urged both sides to return to the talks and to agree on the release of hostages.""",
    """Israeli strikes hit Hezbollah positions in southern Lebanon
TYRE: Israeli jets struck what the army called Hezbollah command posts in southern Lebanon on Friday, and the group fired rockets at northern Israel in response.
Lebanon's health ministry said two people were killed near the border.
UN peacekeepers called on Israel and Hezbollah to stop the fire.""",
]

# New stories unrelated to the lesson: they keep their default section.
UNRELATED_NEW: list[tuple[str, str]] = [
    (
        "World",
        """Ukraine and Russia swap prisoners of war
KYIV: Ukraine and Russia exchanged more than a hundred prisoners of war on Wednesday in a swap brokered by the United Arab Emirates, Ukrainian officials said.
President Volodymyr Zelenskyy said the soldiers had come home after months in Russian captivity, and the Kremlin said Russian troops had been returned to Moscow.
It was the fifth exchange this year between Kyiv and Moscow.""",
    ),
    (
        "Sport",
        """Ashby hold Harriers to a draw in title race
ASHBY: Ashby held league leaders Halstead Harriers to a goalless draw on Saturday, keeping the title race open with four matches of the season left.
Ashby's goalkeeper made three fine saves in the second half, and the Harriers striker hit the post in stoppage time.
The Harriers stay three points clear at the top of the table.""",
    ),
]


def dump(texts: list[str], path: Path) -> Path:
    path.write_text("\n\n".join(texts) + "\n", encoding="utf-8")
    return path


# Science stories a reader would rather keep in a new "Climate" section.
CLIMATE_TAUGHT: list[str] = [
    """Arctic summer sea ice shrinks to one of its smallest extents
BOULDER: Sea ice in the Arctic Ocean shrank this summer to the third-smallest extent since satellite records began, scientists at a national snow and ice data centre said on Tuesday.
Warmer air and ocean temperatures melted the ice from below and above, and large areas of open water appeared north of Alaska.
Researchers said the loss of ice was a clear sign of global warming driven by greenhouse gas emissions.""",
    """Record ocean temperatures bleach coral reefs across three oceans
SYDNEY: Marine heatwaves have bleached coral reefs in the Pacific, Indian and Atlantic oceans this year, scientists said on Monday, as ocean temperatures reached record highs.
Corals turn white when warm water forces them to expel the algae that feed them, and many die if the heat lasts for weeks.
Climate scientists said rising carbon emissions made such heatwaves in the ocean longer and more frequent.""",
    """Alpine glaciers lose a record share of their ice
ZURICH: Glaciers in the Alps lost about 4 percent of their remaining ice this year after a winter with little snow and a hot summer, glaciologists said on Thursday.
Some smaller glaciers have disappeared altogether, and meltwater is changing rivers in the valleys below.
The scientists said the melting would continue for decades even if greenhouse gas emissions fell quickly, because of the warming already under way.""",
    """Carbon dioxide in the atmosphere rises at a record pace
HONOLULU: The amount of carbon dioxide in the atmosphere rose by a record amount last year, measurements from an observatory on a Hawaiian volcano showed on Wednesday.
Scientists blamed continued burning of fossil fuels, along with wildfires and drought that weakened the ability of forests to absorb carbon.
The concentration is now about half as high again as before the industrial era, driving global warming.""",
]

CLIMATE_NEW: list[str] = [
    """Greenland ice sheet loses mass for another year as melting spreads
COPENHAGEN: The Greenland ice sheet lost more ice than it gained for the 28th year in a row, polar scientists said on Friday, as melting spread to high parts of the ice that rarely thaw.
The meltwater adds to rising sea levels, and researchers said global warming from greenhouse gas emissions was the main cause.""",
    """Marine heatwaves grow longer as ocean temperatures climb
LISBON: Heatwaves in the ocean now last almost twice as long as they did forty years ago, a study of satellite measurements of sea temperatures found, with harm to coral reefs, fish and sea grass.
The scientists said the rise in ocean temperatures followed the warming of the climate caused by carbon emissions.""",
]
