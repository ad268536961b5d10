"""Generate the bundled sample files in evalmetrics/data/ (stdlib only, deterministic, no network, no model).

Run from the repository root::

    python tools/make_samples.py

It writes ``sample_generations.jsonl`` and ``sample_choices.jsonl`` into ``evalmetrics/data/`` (the installed
package ships the files, not this generator). Every question,
passage, answer and solution below was written for this project in the style of GSM8K, MATH, TriviaQA,
SQuAD, ARC, HellaSwag, PIQA and MMLU; nothing is copied from those datasets. The predictions and
log-probabilities are synthetic: they imitate what real models output, with the surface variations that
make harness normalizations disagree chosen on purpose (see evalmetrics/data/README.md).

Running it twice gives byte-identical files: ``random.Random(SEED)`` drives every choice for the generations
file and ``random.Random(SEED + 1)`` every choice for the multiple-choice file, nothing
iterates over a set or dict whose order could change, and floats are rounded before they are written.
"""
from __future__ import annotations

import json
import math
import os
import random
import re
import sys

SEED = 20240917
HERE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "evalmetrics", "data")
GENERATIONS_FILE = "sample_generations.jsonl"
CHOICES_FILE = "sample_choices.jsonl"

ROWS_PER_TASK = {"triviaqa": 110, "gsm8k": 110, "math": 80, "squad": 100}
WRONG_RATE = 0.27  # plus the empty outputs (~3%): about 30% of rows are plainly wrong

# ---------------------------------------------------------------------------------------------------------
# TriviaQA-style pool: question, aliases (as a TriviaQA answer record lists them), an appositive used when
# the model adds extra text, and a plausible wrong answer.
# ---------------------------------------------------------------------------------------------------------
TRIVIA = [
    ("What is the name of the wrought-iron lattice tower on the Champ de Mars in Paris?",
     ["Eiffel Tower", "Tour Eiffel", "La Tour Eiffel"], "built for the 1889 World's Fair", "the Arc de Triomphe"),
    ("What is the capital of France?",
     ["Paris", "Paris, France"], "the capital of France", "Lyon"),
    ("What is the capital city of Australia?",
     ["Canberra", "Canberra, Australia", "Canberra, ACT"], "the capital of Australia since 1913", "Sydney"),
    ("Which planet in our solar system is known as the Red Planet?",
     ["Mars", "Planet Mars", "Mars (planet)"], "the fourth planet from the Sun", "Jupiter"),
    ("Who wrote the novel 'Pride and Prejudice'?",
     ["Jane Austen", "Austen", "Miss Austen"], "the English novelist who also wrote Emma", "Charlotte Brontë"),
    ("In which year did the Battle of Hastings take place?",
     ["1066", "one thousand and sixty-six"], "when William of Normandy defeated Harold II", "1086"),
    ("What is the chemical symbol for gold?",
     ["Au", "AU"], "from the Latin word aurum", "Ag"),
    ("Which British car manufacturer makes the Phantom and the Ghost?",
     ["Rolls-Royce", "Rolls-Royce Motor Cars"], "owned by BMW since 2003", "Bentley"),
    ("Which French existentialist philosopher wrote 'Being and Nothingness'?",
     ["Jean-Paul Sartre", "Sartre", "J. P. Sartre"], "who declined the 1964 Nobel Prize in Literature",
     "Albert Camus"),
    ("What is the largest ocean on Earth?",
     ["Pacific Ocean", "Pacific", "The Pacific"], "covering about a third of the planet's surface",
     "Atlantic Ocean"),
    ("Which 1968 Roman Polanski horror film starred Mia Farrow?",
     ["Rosemary's Baby", "Rosemarys Baby"], "based on the novel by Ira Levin", "Don't Look Now"),
    ("How many players are there on a rugby union team?",
     ["15", "fifteen"], "eight forwards and seven backs", "13"),
    ("Which element has the atomic number 1?",
     ["Hydrogen", "H"], "the lightest element", "Helium"),
    ("Who painted the ceiling of the Sistine Chapel?",
     ["Michelangelo", "Michelangelo Buonarroti", "Michaelangelo"], "between 1508 and 1512", "Raphael"),
    ("What is the longest river in South America?",
     ["Amazon", "Amazon River", "River Amazon", "Rio Amazonas"], "which flows into the Atlantic", "Paraná"),
    ("Which Shakespeare play features the characters Rosencrantz and Guildenstern?",
     ["Hamlet", "Hamlet, Prince of Denmark", "The Tragedy of Hamlet"], "Shakespeare's longest play", "Macbeth"),
    ("Who was the first person to walk on the Moon?",
     ["Neil Armstrong", "Neil A. Armstrong", "Armstrong"], "commander of Apollo 11", "Buzz Aldrin"),
    ("What is the currency of Japan?",
     ["Yen", "Japanese yen", "¥"], "introduced in 1871", "Won"),
    ("Which soft drink was first made by the pharmacist John Pemberton in 1886?",
     ["Coca-Cola", "Coke"], "first sold at a pharmacy in Atlanta", "Pepsi-Cola"),
    ("In which country is the ancient city of Petra?",
     ["Jordan", "Hashemite Kingdom of Jordan"], "carved into rose-red sandstone cliffs", "Egypt"),
    ("What is the hardest natural substance on Earth?",
     ["Diamond", "Diamonds"], "a form of pure carbon", "Quartz"),
    ("Which band released the album 'The Dark Side of the Moon' in 1973?",
     ["Pink Floyd", "The Pink Floyd"], "the English rock band", "Led Zeppelin"),
    ("Which Irish writer wrote the novel 'Ulysses'?",
     ["James Joyce", "Joyce", "James Augustine Aloysius Joyce"], "born in Dublin in 1882", "Samuel Beckett"),
    ("Who was the Greek goddess of wisdom?",
     ["Athena", "Athene", "Pallas Athena"], "patron goddess of Athens", "Aphrodite"),
    ("What is the square root of 144?",
     ["12", "twelve"], "since 12 times 12 is 144", "14"),
    ("Which US state is known as the Sunshine State?",
     ["Florida", "FL", "State of Florida"], "the southeasternmost US state", "California"),
    ("In which year did the RMS Titanic sink?",
     ["1912", "nineteen twelve"], "on her maiden voyage", "1915"),
    ("Who composed 'The Four Seasons'?",
     ["Antonio Vivaldi", "Vivaldi"], "the Venetian Baroque composer", "Johann Sebastian Bach"),
    ("What is the smallest prime number?",
     ["2", "two"], "the only even prime", "1"),
    ("Which gas do plants absorb from the air for photosynthesis?",
     ["Carbon dioxide", "CO2", "CO₂"], "which they turn into sugar using sunlight", "Oxygen"),
    ("Which Star Wars character famously shouts 'It's a trap!'?",
     ["Admiral Ackbar", "Ackbar"], "the Mon Calamari commander", "Lando Calrissian"),
    ("Who wrote 'The Hitchhiker's Guide to the Galaxy'?",
     ["Douglas Adams", "Douglas Noel Adams"], "the English author and radio writer", "Terry Pratchett"),
    ("Which city hosted the 2012 Summer Olympics?",
     ["London", "London, England", "London, UK"], "the first city to host the modern Games three times",
     "Beijing"),
    ("What is the nickname of the Great Bell in the clock tower of the Palace of Westminster?",
     ["Big Ben", "The Great Bell"], "cast in 1858", "Great Tom"),
    ("Which Italian city is famous for its leaning bell tower?",
     ["Pisa", "Pisa, Italy"], "in Tuscany", "Florence"),
    ("What is the boiling point of water at sea level in degrees Fahrenheit?",
     ["212", "212°F", "212 degrees"], "equal to 100 degrees Celsius", "200"),
    ("Which Irish playwright wrote 'Juno and the Paycock'?",
     ["Seán O'Casey", "Sean O'Casey", "O'Casey"], "a key playwright of Dublin's Abbey Theatre",
     "Brendan Behan"),
    ("Who was the lead singer of the rock band Queen?",
     ["Freddie Mercury", "Farrokh Bulsara"], "born in Zanzibar in 1946", "Brian May"),
    ("What is the main ingredient of guacamole?",
     ["Avocado", "Avocados", "Avocado pear"], "a fruit native to Mexico", "Lime"),
    ("In what year did the Berlin Wall fall?",
     ["1989", "nineteen eighty-nine"], "on the night of 9 November", "1991"),
    ("Which British monarch reigned from 1952 to 2022?",
     ["Elizabeth II", "Queen Elizabeth II", "Elizabeth the Second"], "the longest-reigning British monarch",
     "George VI"),
    ("What is the capital of Canada?",
     ["Ottawa", "Ottawa, Ontario"], "on the Ottawa River", "Toronto"),
    ("Which Charles Dickens story features the miser Ebenezer Scrooge?",
     ["A Christmas Carol", "Christmas Carol"], "first published in 1843", "Oliver Twist"),
    ("What is the name of the wizarding school in the Harry Potter books?",
     ["Hogwarts", "Hogwarts School of Witchcraft and Wizardry"], "in the Scottish Highlands", "Durmstrang"),
    ("How many sides does a hexagon have?",
     ["6", "six"], "like the cells of a honeycomb", "8"),
    ("Who developed the general theory of relativity?",
     ["Albert Einstein", "Einstein"], "who published it in 1915", "Isaac Newton"),
    ("Which Liverpool band recorded the album 'Abbey Road'?",
     ["The Beatles", "The Fab Four"], "who broke up in 1970", "The Rolling Stones"),
    ("Which F. Scott Fitzgerald novel is narrated by Nick Carraway?",
     ["The Great Gatsby", "Great Gatsby"], "published in 1925", "Tender Is the Night"),
    ("Amsterdam is the capital of which country?",
     ["The Netherlands", "Holland", "Kingdom of the Netherlands"], "famous for its canals", "Belgium"),
    ("Which 1993 Steven Spielberg film won the Academy Award for Best Picture?",
     ["Schindler's List", "Schindlers List"], "filmed mostly in black and white", "Saving Private Ryan"),
    ("Which Lewis Carroll character falls down a rabbit hole?",
     ["Alice", "Alice Liddell"], "the heroine of Alice's Adventures in Wonderland", "Dorothy"),
]

NUMBER_WORDS = {"1": "one", "2": "two", "6": "six", "8": "eight", "12": "twelve", "13": "thirteen",
                "14": "fourteen", "15": "fifteen", "4": "four"}
WORD_NUMBERS = {v: k for k, v in NUMBER_WORDS.items()}

# ---------------------------------------------------------------------------------------------------------
# SQuAD-style pool: title, passage, question, answer spans (1-3, each a substring of the passage, as several
# annotators would mark them), a wrong answer.
# ---------------------------------------------------------------------------------------------------------
SQUAD = [
    ("Eiffel Tower",
     "The Eiffel Tower was built as the entrance arch to the 1889 Exposition Universelle in Paris. It was "
     "designed by the engineering company of Gustave Eiffel and was at first criticized by many French artists.",
     "For which event was the Eiffel Tower built?",
     ["the 1889 Exposition Universelle", "1889 Exposition Universelle", "Exposition Universelle"], "Gustave Eiffel"),
    ("Photosynthesis",
     "Photosynthesis takes place mainly in the chloroplasts of plant cells. Chlorophyll, a green pigment, "
     "absorbs the light energy that is used to turn carbon dioxide and water into glucose and oxygen.",
     "Where does photosynthesis mainly take place?",
     ["in the chloroplasts of plant cells", "the chloroplasts", "chloroplasts"], "in the chlorophyll"),
    ("Great Wall of China",
     "Construction of the Great Wall of China spanned many dynasties, but most of the wall that survives today "
     "was built during the Ming dynasty. The Ming wall stretches for roughly 8,850 kilometers.",
     "How long is the Ming portion of the wall?",
     ["roughly 8,850 kilometers", "8,850 kilometers"], "21,196 kilometers"),
    ("Marie Curie",
     "Marie Curie was the first woman to win a Nobel Prize. She shared the 1903 Nobel Prize in Physics with "
     "Pierre Curie and Henri Becquerel, and won a second Nobel Prize, in Chemistry, in 1911.",
     "In what year did Curie win the Nobel Prize in Chemistry?",
     ["1911", "in 1911"], "1903"),
    ("Amazon rainforest",
     "The Amazon rainforest covers much of the Amazon basin of South America, an area of about seven million "
     "square kilometers. The majority of the forest, around 60 percent, lies within Brazil.",
     "Which country contains the majority of the Amazon rainforest?",
     ["Brazil"], "Peru"),
    ("Printing press",
     "Johannes Gutenberg introduced movable-type printing to Europe around 1440. His press made books far "
     "cheaper to produce and helped spread the ideas of the Renaissance and the Reformation.",
     "What did Gutenberg introduce to Europe?",
     ["movable-type printing", "movable-type printing to Europe"], "the Reformation"),
    ("Water cycle",
     "Water evaporates from oceans and lakes, condenses into clouds, and returns to the surface as "
     "precipitation. This continuous movement is known as the water cycle or the hydrologic cycle.",
     "What is another name for the water cycle?",
     ["the hydrologic cycle", "hydrologic cycle"], "precipitation"),
    ("Mount Everest",
     "Mount Everest, on the border between Nepal and the Tibet Autonomous Region of China, is Earth's highest "
     "mountain above sea level. Its summit was first reached in 1953 by Edmund Hillary and Tenzing Norgay.",
     "Who first reached the summit of Everest?",
     ["Edmund Hillary and Tenzing Norgay", "Hillary and Tenzing Norgay"], "George Mallory"),
    ("Telephone",
     "Alexander Graham Bell was awarded the first U.S. patent for the telephone in 1876. Bell's early "
     "experiments grew out of his work teaching speech to deaf students.",
     "What did Bell teach to deaf students?",
     ["speech"], "sign language"),
    ("Human heart",
     "The human heart has four chambers: two upper atria and two lower ventricles. The right ventricle pumps "
     "blood to the lungs, while the left ventricle pumps oxygen-rich blood to the rest of the body.",
     "How many chambers does the human heart have?",
     ["four", "four chambers"], "two"),
    ("Apollo 11",
     "Apollo 11 landed on the Moon on July 20, 1969. Neil Armstrong and Buzz Aldrin spent about two and a "
     "quarter hours outside the lunar module, while Michael Collins remained in orbit.",
     "Who remained in orbit during the Apollo 11 landing?",
     ["Michael Collins", "Collins"], "Buzz Aldrin"),
    ("Coffee",
     "Coffee plants are native to tropical Africa, and the drink's popularity spread through the Arabian "
     "Peninsula in the 15th century. Today, Brazil is the world's largest producer of coffee beans.",
     "Where are coffee plants native to?",
     ["tropical Africa", "Africa"], "the Arabian Peninsula"),
    ("Penicillin",
     "Alexander Fleming discovered penicillin in 1928 after noticing that a mold had killed the bacteria in one "
     "of his culture dishes. Mass production of the drug began during the Second World War.",
     "When did mass production of penicillin begin?",
     ["during the Second World War", "the Second World War", "Second World War"], "in 1928"),
    ("Silk Road",
     "The Silk Road was a network of trade routes connecting China with the Mediterranean world. Besides silk, "
     "merchants carried spices, paper, and gunpowder, and the routes also spread religions such as Buddhism.",
     "Which religion is mentioned as spreading along the Silk Road?",
     ["Buddhism"], "Islam"),
    ("Honeybee",
     "Honeybees tell each other where food is through a movement called the waggle dance. The angle of the "
     "dance relative to vertical shows the direction of the food source relative to the sun.",
     "What is the name of the movement bees use to communicate where food is?",
     ["the waggle dance", "waggle dance"], "the round dance"),
    ("Magna Carta",
     "King John of England agreed to the Magna Carta at Runnymede in June 1215. The charter limited royal "
     "power and is often cited as an early step toward constitutional government.",
     "Where did King John agree to the Magna Carta?",
     ["Runnymede", "at Runnymede"], "Windsor Castle"),
    ("Mauna Loa",
     "Mauna Loa, on the island of Hawaii, is the largest active volcano on Earth by volume. It is a shield "
     "volcano, built up by thousands of fluid lava flows.",
     "What type of volcano is Mauna Loa?",
     ["a shield volcano", "shield volcano", "shield"], "a stratovolcano"),
    ("Globe Theatre",
     "The Globe Theatre was built in 1599 by the playing company to which William Shakespeare belonged. It "
     "burned down in 1613 when a cannon fired during a performance of Henry VIII set fire to the thatched roof.",
     "What caused the Globe Theatre to burn down?",
     ["a cannon fired during a performance of Henry VIII", "a cannon"], "a lightning strike"),
    ("DNA",
     "In 1953, James Watson and Francis Crick proposed the double-helix structure of DNA. Their model relied "
     "heavily on X-ray diffraction images produced by Rosalind Franklin.",
     "Whose X-ray images did Watson and Crick's model rely on?",
     ["Rosalind Franklin", "Franklin"], "Maurice Wilkins"),
    ("Sahara",
     "The Sahara is the largest hot desert in the world, covering much of North Africa. Despite its "
     "reputation for sand dunes, much of its surface consists of stony plateaus called hamada.",
     "What are the stony plateaus of the Sahara called?",
     ["hamada"], "ergs"),
    ("Panama Canal",
     "The Panama Canal, opened in 1914, connects the Atlantic and Pacific Oceans. Ships are raised and lowered "
     "by a system of locks to cross the isthmus.",
     "What raises and lowers ships in the Panama Canal?",
     ["a system of locks", "locks"], "large pumps"),
    ("Olympic Games",
     "The modern Olympic Games were founded by Pierre de Coubertin, and the first were held in Athens in 1896. "
     "About 240 athletes from 14 nations took part.",
     "How many nations took part in the 1896 Olympics?",
     ["14", "14 nations"], "13"),
    ("Red blood cells",
     "Red blood cells carry oxygen using a protein called hemoglobin. In humans, these cells live for about "
     "120 days before they are broken down in the spleen and liver.",
     "How long do human red blood cells live?",
     ["about 120 days", "120 days"], "about 30 days"),
    ("ARPANET",
     "ARPANET, funded by the U.S. Department of Defense, sent its first message in 1969. The network adopted "
     "the TCP/IP protocols on January 1, 1983, a date often called the birth of the Internet.",
     "When did ARPANET adopt TCP/IP?",
     ["January 1, 1983", "1983"], "1969"),
    ("Rosetta Stone",
     "The Rosetta Stone, found in 1799, carries the same decree in hieroglyphic, Demotic, and ancient Greek "
     "scripts. Jean-François Champollion used it to decipher hieroglyphs in 1822.",
     "Who deciphered hieroglyphs using the Rosetta Stone?",
     ["Jean-François Champollion", "Champollion"], "Thomas Young"),
    ("Tides",
     "Ocean tides are caused mainly by the gravitational pull of the Moon, with a smaller contribution from the "
     "Sun. Most coastal areas have two high tides and two low tides each day.",
     "What mainly causes ocean tides?",
     ["the gravitational pull of the Moon", "gravitational pull of the Moon", "the Moon"], "the wind"),
    ("Beethoven",
     "Ludwig van Beethoven began to lose his hearing in his late twenties. By the time he finished his Ninth "
     "Symphony, completed in 1824, he was almost completely deaf.",
     "When was Beethoven's Ninth Symphony completed?",
     ["1824", "in 1824"], "1827"),
    ("Hubble Space Telescope",
     "The Hubble Space Telescope was launched in 1990 aboard the Space Shuttle Discovery. A flaw in its main "
     "mirror was corrected by astronauts during a servicing mission in 1993.",
     "Which shuttle carried Hubble into space?",
     ["the Space Shuttle Discovery", "Space Shuttle Discovery", "Discovery"], "Challenger"),
    ("Smallpox",
     "Edward Jenner developed the first smallpox vaccine in 1796 using material from cowpox sores. Smallpox "
     "was declared eradicated by the World Health Organization in 1980.",
     "When was smallpox declared eradicated?",
     ["1980", "in 1980"], "1796"),
    ("Tea",
     "Tea originated in southwest China, where it was first used as a medicinal drink. It became popular in "
     "Britain in the 17th century, partly through the influence of Catherine of Braganza.",
     "Who helped make tea popular in Britain?",
     ["Catherine of Braganza"], "Queen Victoria"),
    ("Pearl Street Station",
     "Thomas Edison's Pearl Street Station in Manhattan began supplying electricity in 1882. It generated "
     "direct current, which could not easily be sent over long distances.",
     "What kind of current did Pearl Street Station generate?",
     ["direct current", "direct"], "alternating current"),
    ("Mariana Trench",
     "The Mariana Trench in the western Pacific Ocean is the deepest known part of the world's oceans. Its "
     "deepest point, the Challenger Deep, lies nearly 11,000 meters below sea level.",
     "What is the deepest point of the Mariana Trench called?",
     ["the Challenger Deep", "Challenger Deep"], "the Sirena Deep"),
    ("Impressionism",
     "Impressionism began in France in the 1860s and 1870s. The movement took its name from Claude Monet's "
     "painting Impression, Sunrise, which a critic mocked in 1874.",
     "Which painting gave Impressionism its name?",
     ["Impression, Sunrise", "Claude Monet's painting Impression, Sunrise"], "Water Lilies"),
    ("Chess",
     "In chess, castling is the only move that lets a player move two pieces at once: the king and a rook. It "
     "is allowed only if neither piece has moved earlier in the game.",
     "Which two pieces move during castling?",
     ["the king and a rook", "king and a rook"], "the king and the queen"),
    ("Safety bicycle",
     "The safety bicycle, introduced in the 1880s, had two wheels of similar size and a chain drive to the rear "
     "wheel. It replaced the high-wheeled penny-farthing, which was prone to dangerous falls.",
     "Which earlier bicycle did the safety bicycle replace?",
     ["the high-wheeled penny-farthing", "penny-farthing"], "the velocipede"),
    ("Mount Vesuvius",
     "Mount Vesuvius erupted in AD 79, burying the Roman towns of Pompeii and Herculaneum under ash and pumice. "
     "The eruption was described in letters by Pliny the Younger.",
     "Who described the eruption in letters?",
     ["Pliny the Younger"], "Pliny the Elder"),
    ("Antarctica",
     "Antarctica is the coldest, driest, and windiest continent. About 98 percent of it is covered by an ice "
     "sheet averaging nearly two kilometers in thickness.",
     "What percentage of Antarctica is covered by ice?",
     ["About 98 percent", "98 percent", "98"], "about 70 percent"),
    ("Florence Cathedral",
     "Filippo Brunelleschi designed the dome of Florence Cathedral, completed in 1436. He built it without a "
     "wooden support frame, using a herringbone brick pattern to hold the structure together as it rose.",
     "What brick pattern did Brunelleschi use?",
     ["a herringbone brick pattern", "herringbone"], "a checkerboard pattern"),
    ("Pacific salmon",
     "Pacific salmon hatch in freshwater streams, migrate to the ocean, and return to their birth stream to "
     "spawn. Scientists believe they use the Earth's magnetic field and their sense of smell to find their way.",
     "Besides the magnetic field, what do salmon use to find their way home?",
     ["their sense of smell", "sense of smell", "smell"], "the position of the sun"),
    ("Paper money",
     "The first paper money was used in China during the Tang dynasty and became widespread under the Song "
     "dynasty in the 11th century. European travelers such as Marco Polo were astonished by it.",
     "Under which dynasty did paper money become widespread?",
     ["the Song dynasty", "Song dynasty", "Song"], "the Tang dynasty"),
]

# ---------------------------------------------------------------------------------------------------------
# MATH-style pool: problem, worked solution (without the final sentence), canonical answer, equivalent
# forms a model might write instead, plainly wrong answers.
# ---------------------------------------------------------------------------------------------------------
MATH = [
    (r"Compute $\dfrac{3}{4} - \dfrac{1}{4}$.",
     r"Since the fractions have the same denominator, $\dfrac{3}{4} - \dfrac{1}{4} = \dfrac{2}{4}$, which "
     r"simplifies to $\dfrac{1}{2}$.",
     r"\frac{1}{2}", [r"\frac12", r"\dfrac{1}{2}", r"\dfrac12", "1/2", "0.5", r"\tfrac{1}{2}", r"\frac{2}{4}"],
     [r"\frac{1}{4}", "1"]),
    (r"Simplify $\sqrt{12}$.",
     r"We have $\sqrt{12} = \sqrt{4 \cdot 3} = \sqrt{4} \cdot \sqrt{3} = 2\sqrt{3}$.",
     r"2\sqrt{3}", [r"2\sqrt3", r"2 \sqrt{3}", r"2\sqrt{3}", r"\sqrt{12}"], [r"3\sqrt{2}", r"4\sqrt{3}"]),
    (r"Find all $x$ such that $x^2 - 5x + 6 \le 0$. Express your answer in interval notation.",
     r"Factoring gives $(x-2)(x-3) \le 0$. The product is nonpositive exactly when $x$ lies between the roots, "
     r"inclusive, so $2 \le x \le 3$.",
     "[2,3]", ["[2, 3]", r"\left[2,3\right]", r"x \in [2,3]", r"[2,\,3]"], ["(2,3)", r"(-\infty,2]\cup[3,\infty)"]),
    (r"For which values of $x$ is $\dfrac{1}{x-4}$ positive? Express your answer in interval notation.",
     r"The fraction is positive exactly when its denominator is positive, that is, when $x - 4 > 0$, or $x > 4$.",
     r"(4,\infty)", [r"(4, \infty)", r"\left(4,\infty\right)", r"(4,\infty )", r"x > 4"],
     [r"[4,\infty)", r"(-\infty,4)"]),
    (r"A rectangle has a perimeter of 30 cm and a length of 9 cm. What is the width of the rectangle, in "
     r"centimeters?",
     r"The perimeter is $2(\ell + w) = 30$, so $\ell + w = 15$. With $\ell = 9$, we get $w = 15 - 9 = 6$.",
     "6", [r"6\text{ cm}", r"6 \text{ cm}", r"6\,\text{cm}", "6 cm", r"6\text{cm}"], ["12", "21"]),
    (r"What is $\frac{2}{3}$ of 27?",
     r"We compute $\frac{2}{3} \cdot 27 = 2 \cdot 9 = 18$.",
     "18", ["18.0", "18.00"], ["9", "81"]),
    (r"What is the sum of the roots of $2x^2 - 8x + 3 = 0$?",
     r"By Vieta's formulas, the sum of the roots of $ax^2 + bx + c = 0$ is $-\frac{b}{a}$, which here is "
     r"$-\frac{-8}{2} = 4$.",
     "4", ["4.0", r"\frac{8}{2}"], ["-4", r"\frac{3}{2}"]),
    (r"Evaluate $\log_2 64$.",
     r"Since $2^6 = 64$, we have $\log_2 64 = 6$.",
     "6", ["6.0"], ["8", "32"]),
    (r"What is the greatest common divisor of $84$ and $126$?",
     r"We have $84 = 2^2 \cdot 3 \cdot 7$ and $126 = 2 \cdot 3^2 \cdot 7$, so their greatest common divisor "
     r"is $2 \cdot 3 \cdot 7 = 42$.",
     "42", [r"\gcd(84,126) = 42"], ["21", "14"]),
    (r"Express $0.\overline{3}$ as a common fraction.",
     r"Let $x = 0.\overline{3}$. Then $10x = 3.\overline{3}$, and subtracting gives $9x = 3$, so "
     r"$x = \frac{3}{9} = \frac{1}{3}$.",
     r"\frac{1}{3}", [r"\frac13", r"\dfrac{1}{3}", "1/3", r"\frac{3}{9}"], ["0.33", r"\frac{3}{10}"]),
    (r"If $f(x) = 3x + 2$, what is $f^{-1}(11)$?",
     r"We need the $x$ with $f(x) = 11$: $3x + 2 = 11$ gives $3x = 9$, so $x = 3$.",
     "3", ["x=3", "x = 3", "3.0"], ["35", r"\frac{1}{35}"]),
    (r"How many positive divisors does $36$ have?",
     r"Since $36 = 2^2 \cdot 3^2$, it has $(2+1)(2+1) = 9$ positive divisors.",
     "9", [r"9\text{ divisors}", "9 divisors"], ["8", "6"]),
    (r"Simplify $\dfrac{x^2-9}{x-3}$ for $x \neq 3$.",
     r"Factoring the numerator, $\dfrac{(x-3)(x+3)}{x-3} = x + 3$.",
     "x+3", ["x + 3", "3+x", "(x+3)"], ["x-3", "x^2+3"]),
    (r"Compute $\dbinom{8}{3}$.",
     r"$\dbinom{8}{3} = \dfrac{8 \cdot 7 \cdot 6}{3 \cdot 2 \cdot 1} = 56$.",
     "56", ["56.0"], ["336", "24"]),
    (r"What is the slope of the line $3x - 4y = 12$?",
     r"Solving for $y$ gives $4y = 3x - 12$, so $y = \frac{3}{4}x - 3$.",
     r"\frac{3}{4}", [r"\frac34", r"\dfrac{3}{4}", "3/4", "0.75", ".75"], [r"-\frac{3}{4}", r"\frac{4}{3}"]),
    (r"Rationalize the denominator of $\dfrac{1}{\sqrt{2}}$.",
     r"Multiplying the numerator and denominator by $\sqrt{2}$ gives "
     r"$\dfrac{1}{\sqrt{2}} \cdot \dfrac{\sqrt{2}}{\sqrt{2}} = \dfrac{\sqrt{2}}{2}$.",
     r"\frac{\sqrt{2}}{2}", [r"\frac{\sqrt2}{2}", r"\dfrac{\sqrt{2}}{2}", r"\sqrt{2}/2", r"\frac{1}{2}\sqrt{2}"],
     [r"\sqrt{2}", r"\frac{1}{2}"]),
    (r"What is the degree measure of each interior angle of a regular hexagon?",
     r"The interior angles of a hexagon sum to $180(6-2) = 720$ degrees, so each of the six equal angles "
     r"measures $720/6 = 120$ degrees.",
     "120", [r"120^\circ", r"120^{\circ}", "120 degrees", "120°", r"120\text{ degrees}"], ["108", "720"]),
    (r"What is the distance between the points $(1, 2)$ and $(4, 6)$?",
     r"By the distance formula, the distance is $\sqrt{(4-1)^2 + (6-2)^2} = \sqrt{9 + 16} = \sqrt{25} = 5$.",
     "5", [r"\sqrt{25}", "5.0"], ["7", r"\sqrt{7}"]),
    (r"Solve for $x$: $2^{x+1} = 32$.",
     r"Since $32 = 2^5$, we need $x + 1 = 5$, so $x = 4$.",
     "4", ["x=4", "x = 4"], ["5", "16"]),
    (r"Find the ordered pair $(x,y)$ that satisfies $x + y = 7$ and $x - y = 1$.",
     r"Adding the two equations gives $2x = 8$, so $x = 4$, and then $y = 7 - 4 = 3$.",
     "(4,3)", ["(4, 3)", r"\left(4, 3\right)", "x=4, y=3"], ["(3,4)", "(4,-3)"]),
    (r"What is $15\%$ of $80$?",
     r"We have $15\%$ of $80$ equal to $0.15 \cdot 80 = 12$.",
     "12", ["12.0", "12.00"], ["1200", "5.33"]),
    (r"Pencils are sold at 3 for $\$0.45$. How many dollars do 12 pencils cost?",
     r"Twelve pencils make $12/3 = 4$ groups of three, so they cost $4 \cdot \$0.45 = \$1.80$.",
     r"\$1.80", ["1.80", "1.8", r"\$1.8", r"1.80\text{ dollars}"], [r"\$5.40", "0.15"]),
    (r"Find all solutions to $x^2 = 16$. Enter all the solutions, separated by commas.",
     r"Taking square roots of both sides, $x = 4$ or $x = -4$.",
     "4,-4", ["-4, 4", "4, -4", r"\pm 4", "x = 4, x = -4"], ["4", "8"]),
    (r"What is the value of $\sqrt{50} \cdot \sqrt{2}$?",
     r"We have $\sqrt{50} \cdot \sqrt{2} = \sqrt{100} = 10$.",
     "10", [r"\sqrt{100}", "10.0"], [r"5\sqrt{2}", "100"]),
    (r"Compute $i^{11}$.",
     r"Since $i^4 = 1$, we have $i^{11} = i^{8} \cdot i^{3} = i^3 = -i$.",
     "-i", ["- i", "−i"], ["i", "-1"]),
    (r"What is the area of a circle with radius $3$? Express your answer in terms of $\pi$.",
     r"The area is $\pi r^2 = \pi \cdot 3^2 = 9\pi$.",
     r"9\pi", [r"9 \pi", r"9\pi\text{ square units}", r"\pi \cdot 9"], [r"6\pi", r"3\pi"]),
    (r"Write $\frac{7}{8}$ as a decimal.",
     r"Since $\frac{7}{8} = \frac{875}{1000}$, the decimal is $0.875$.",
     "0.875", [".875", "0.8750"], ["0.78", "0.857"]),
    (r"Find $x$ if $\frac{x}{5} = \frac{12}{20}$.",
     r"Since $\frac{12}{20} = \frac{3}{5}$, we need $\frac{x}{5} = \frac{3}{5}$, so $x = 3$.",
     "3", ["x = 3", "3.0"], ["4", "2.4"]),
    (r"Solve $|x - 3| < 2$. Express your answer in interval notation.",
     r"The inequality means $-2 < x - 3 < 2$, so $1 < x < 5$.",
     "(1,5)", ["(1, 5)", r"\left(1,5\right)", "1 < x < 5"], ["[1,5]", "(-1,5)"]),
    (r"What is the remainder when $2^{10}$ is divided by $7$?",
     r"Since $2^3 = 8 \equiv 1 \pmod{7}$, we have $2^{10} = (2^3)^3 \cdot 2 \equiv 2 \pmod{7}$.",
     "2", ["2.0"], ["1", "4"]),
    (r"Evaluate $\left(\frac{1}{2}\right)^{-3}$.",
     r"A negative exponent inverts the base, so $\left(\frac{1}{2}\right)^{-3} = 2^3 = 8$.",
     "8", ["8.0"], [r"\frac{1}{8}", "-8"]),
    (r"What is the least common multiple of $12$ and $18$?",
     r"We have $12 = 2^2 \cdot 3$ and $18 = 2 \cdot 3^2$, so the least common multiple is $2^2 \cdot 3^2 = 36$.",
     "36", [r"\operatorname{lcm}(12,18)=36"], ["6", "216"]),
    (r"A square has an area of $49$ square inches. What is its perimeter, in inches?",
     r"The side length is $\sqrt{49} = 7$ inches, so the perimeter is $4 \cdot 7 = 28$ inches.",
     "28", [r"28\text{ inches}", r"28 \text{ in}", "28 in."], ["7", "196"]),
]

MATH_FINAL = [r"Therefore, the answer is $\boxed{%s}$.", r"The answer is $\boxed{%s}$.",
              r"So the answer is $\boxed{%s}$.", r"Hence the answer is $\boxed{%s}$."]


# ---------------------------------------------------------------------------------------------------------
# GSM8K-style word problems: templates whose numbers are drawn from the seeded RNG and whose answers are
# computed here. Steps carry GSM8K's calculator annotations <<expr=result>>.
# ---------------------------------------------------------------------------------------------------------
def _g_bakery(r):
    a, p, d = r.choice([24, 36, 45, 60, 72, 85, 120]), r.choice([3, 4, 5, 6]), r.choice([5, 6, 7, 14, 30])
    ad = a * d
    ans = ad * p
    return (f"A bakery bakes {a} loaves of bread every day and sells each loaf for ${p}. If it sells every loaf, "
            f"how much money does the bakery make in {d} days?",
            [f"In {d} days the bakery bakes {a} * {d} = <<{a}*{d}={ad}>>{ad} loaves.",
             f"It makes {ad} * ${p} = $<<{ad}*{p}={ans}>>{ans}."], ans, "$", ad)


def _g_reading(r):
    n, k = r.choice([240, 320, 350, 412, 500]), r.choice([18, 25, 32, 40])
    name = r.choice(["Maya", "Aiko", "Rosa"])
    t = 2 * k
    s = k + t
    return (f"{name} is reading a {n}-page book. She reads {k} pages on Monday and twice as many pages on "
            f"Tuesday. How many pages does she still have to read?",
            [f"On Tuesday she reads 2 * {k} = <<2*{k}={t}>>{t} pages.",
             f"In total she has read {k} + {t} = <<{k}+{t}={s}>>{s} pages.",
             f"She has {n} - {s} = <<{n}-{s}={n - s}>>{n - s} pages left."], n - s, "pages", s)


def _g_savings(r):
    while True:
        w, pct, k = r.choice([120, 150, 200, 240, 300]), r.choice([20, 25, 50]), r.randint(6, 20)
        if w * pct % 100 == 0:
            break
    s = w * pct // 100
    goal = s * k
    name = r.choice(["Leo", "Omar", "Dylan"])
    return (f"{name} earns ${w} a week at his part-time job and saves {pct}% of what he earns. How many weeks "
            f"will it take him to save ${goal}?",
            [f"Each week {name} saves {w} * {pct}/100 = $<<{w}*{pct}/100={s}>>{s}.",
             f"He needs {goal} / {s} = <<{goal}/{s}={k}>>{k} weeks."], k, "weeks", s)


def _g_fence(r):
    l, w, c = r.randint(12, 40), r.randint(8, 25), r.choice([7, 9, 12, 15, 18])
    p = 2 * (l + w)
    return (f"A rectangular garden is {l} meters long and {w} meters wide. Fencing costs ${c} per meter. How "
            f"much will it cost to put a fence around the whole garden?",
            [f"The perimeter of the garden is 2 * ({l} + {w}) = <<2*({l}+{w})={p}>>{p} meters.",
             f"The fence costs {p} * ${c} = $<<{p}*{c}={p * c}>>{p * c}."], p * c, "$", p)


def _g_buses(r):
    while True:
        s, b = r.randint(95, 310), r.choice([24, 30, 36, 45, 52])
        if s % b:
            break
    q = s / b
    ans = math.ceil(q)
    return (f"A school is taking {s} students on a field trip. Each bus can carry {b} students. How many buses "
            f"does the school need?",
            [f"{s} students / {b} students per bus = <<{s}/{b}={q:.2f}>>{q:.2f} buses.",
             f"A bus cannot be partly used, so the school needs {ans} buses."], ans, "buses", ans - 1)


def _g_discount(r):
    while True:
        p, d = r.choice([40, 60, 80, 120, 150, 240, 360]), r.choice([10, 15, 20, 25, 30, 40])
        if p * d % 100 == 0:
            break
    off = p * d // 100
    return (f"A winter jacket costs ${p}. This week it is on sale for {d}% off. How much does the jacket cost "
            f"during the sale?",
            [f"The discount is {p} * {d}/100 = $<<{p}*{d}/100={off}>>{off}.",
             f"The jacket costs {p} - {off} = $<<{p}-{off}={p - off}>>{p - off} during the sale."], p - off, "$", off)


def _g_eggs(r):
    h, e, wk, pr = r.choice([12, 24, 36, 48]), r.choice([4, 5, 6]), r.choice([2, 3, 4, 8]), r.choice([3, 4, 5])
    eggs = h * e * wk
    dz = eggs // 12
    return (f"Farmer Diaz has {h} hens. Each hen lays {e} eggs a week. He sells the eggs for ${pr} per dozen. How "
            f"much money does he make in {wk} weeks?",
            [f"Each week the hens lay {h} * {e} = <<{h}*{e}={h * e}>>{h * e} eggs.",
             f"In {wk} weeks they lay {h * e} * {wk} = <<{h * e}*{wk}={eggs}>>{eggs} eggs.",
             f"That is {eggs} / 12 = <<{eggs}/12={dz}>>{dz} dozen.",
             f"He makes {dz} * ${pr} = $<<{dz}*{pr}={dz * pr}>>{dz * pr}."], dz * pr, "$", dz)


def _g_drive(r):
    v, t, v2, t2 = r.choice([45, 50, 55, 60, 65]), r.choice([2, 3, 4]), r.choice([30, 35, 40, 70]), r.choice([1, 2, 3])
    a, b = v * t, v2 * t2
    hours2 = "1 hour" if t2 == 1 else f"{t2} hours"
    return (f"A family drives at {v} miles per hour for {t} hours, then at {v2} miles per hour for {hours2}. "
            f"How many miles do they drive in total?",
            [f"In the first part they drive {v} * {t} = <<{v}*{t}={a}>>{a} miles.",
             f"In the second part they drive {v2} * {t2} = <<{v2}*{t2}={b}>>{b} miles.",
             f"In total they drive {a} + {b} = <<{a}+{b}={a + b}>>{a + b} miles."], a + b, "miles", a)


def _g_salary(r):
    s, k, g = r.choice([2400, 3000, 3600, 4200, 4800, 5400]), r.choice([3, 4, 6]), r.choice([350, 420, 480, 600])
    rent = s // k
    spent = rent + g
    return (f"Priya earns ${s} a month. She spends 1/{k} of it on rent and ${g} on groceries. How much money "
            f"does she have left each month?",
            [f"Her rent is {s} / {k} = $<<{s}/{k}={rent}>>{rent}.",
             f"Rent and groceries cost {rent} + {g} = $<<{rent}+{g}={spent}>>{spent}.",
             f"She has {s} - {spent} = $<<{s}-{spent}={s - spent}>>{s - spent} left."], s - spent, "$", spent)


def _g_marbles(r):
    a, b, c, d = r.randint(40, 90), r.randint(5, 20), r.randint(2, 5), r.choice([6, 8, 10, 12])
    name = r.choice(["Tom", "Ravi", "Ben"])
    return (f"{name} has {a} marbles. He gives {b} marbles to his sister and then buys {c} bags with {d} marbles "
            f"in each bag. How many marbles does {name} have now?",
            [f"After giving some away he has {a} - {b} = <<{a}-{b}={a - b}>>{a - b} marbles.",
             f"The bags hold {c} * {d} = <<{c}*{d}={c * d}>>{c * d} marbles.",
             f"Now he has {a - b} + {c * d} = <<{a - b}+{c * d}={a - b + c * d}>>{a - b + c * d} marbles."],
            a - b + c * d, "marbles", a - b)


def _g_pizza(r):
    while True:
        n, p, s = r.choice([3, 4, 5, 6, 8]), r.choice([2, 3, 4, 5]), r.choice([8, 10, 12])
        if p * s % n == 0:
            break
    return (f"{n} friends order {p} pizzas, and each pizza is cut into {s} slices. If they share the slices "
            f"equally, how many slices does each friend get?",
            [f"There are {p} * {s} = <<{p}*{s}={p * s}>>{p * s} slices.",
             f"Each friend gets {p * s} / {n} = <<{p * s}/{n}={p * s // n}>>{p * s // n} slices."],
            p * s // n, "slices", p * s)


def _g_printer(r):
    while True:
        p, total = r.choice([20, 25, 40, 50]), r.choice([1000, 2000, 3000, 4000, 5000, 6000])
        if total % p == 0:
            break
    m = total // p
    return (f"An office printer prints {p} pages per minute. How many pages does it print if it runs without "
            f"stopping for {m} minutes?",
            [f"It prints {p} * {m} = <<{p}*{m}={total}>>{total} pages."], total, "pages", m)


def _g_age(r):
    a, k, y = r.randint(6, 14), r.choice([3, 4]), r.randint(5, 12)
    name = r.choice(["Sara", "Lena", "Nia"])
    return (f"{name} is {a} years old. Her mother is {k} times as old as she is. How old will her mother be in "
            f"{y} years?",
            [f"Her mother is {a} * {k} = <<{a}*{k}={a * k}>>{a * k} years old now.",
             f"In {y} years she will be {a * k} + {y} = <<{a * k}+{y}={a * k + y}>>{a * k + y} years old."],
            a * k + y, "years", a * k)


def _g_theater(r):
    while True:
        rows, c, p, f = r.choice([20, 25, 30, 40]), r.choice([18, 20, 24, 30]), r.choice([12, 15, 18, 25]), \
            r.choice([50, 75, 80, 90])
        if rows * c * f % 100 == 0:
            break
    seats = rows * c
    sold = seats * f // 100
    return (f"A theater has {rows} rows with {c} seats in each row. Tickets cost ${p} each. If {f}% of the seats "
            f"are sold for tonight's show, how much money does the theater take in?",
            [f"The theater has {rows} * {c} = <<{rows}*{c}={seats}>>{seats} seats.",
             f"It sells {seats} * {f}/100 = <<{seats}*{f}/100={sold}>>{sold} tickets.",
             f"It takes in {sold} * ${p} = $<<{sold}*{p}={sold * p}>>{sold * p}."], sold * p, "$", sold)


def _g_temperature(r):
    a, rise = r.randint(28, 45), r.randint(9, 24)
    b = a + rise
    return (f"At 6 a.m. the temperature was {a} degrees Fahrenheit. By 3 p.m. it was {b} degrees. By how many "
            f"degrees did the temperature rise?",
            [f"The temperature rose by {b} - {a} = <<{b}-{a}={rise}>>{rise} degrees."], rise, "degrees", b)


GSM_TEMPLATES = [_g_bakery, _g_reading, _g_savings, _g_fence, _g_buses, _g_discount, _g_eggs, _g_drive,
                 _g_salary, _g_marbles, _g_pizza, _g_printer, _g_age, _g_theater, _g_temperature]
N_GSM_ITEMS = 45

# ---------------------------------------------------------------------------------------------------------
# Surface-form helpers
# ---------------------------------------------------------------------------------------------------------
ARTICLE_RE = re.compile(r"^(the|a|an) ", re.I)
ANNOT_RE = re.compile(r"<<[^>]*>>")


def strip_annotations(s):
    return ANNOT_RE.sub("", s)


# answers that people (and models) naturally say with "the" although the gold alias has none
ARTICLE_OK = {"Eiffel Tower", "Pacific Ocean", "Atlantic Ocean", "Amazon", "Arc de Triomphe", "Yen", "Won",
              "Netherlands", "Great Bell", "Beatles", "Rolling Stones"}


def add_article(a, r):
    if a not in ARTICLE_OK:
        return None
    return r.choice(["the ", "The "]) + a


def drop_article(a):
    m = ARTICLE_RE.match(a)
    return a[m.end():] if m else None


def curly(s):
    """Typographic apostrophes, as chat models and copy-pasted text often have them."""
    return s.replace("'", "\u2019")


def strip_accents(s):
    table = {"á": "a", "é": "e", "í": "i", "ó": "o", "ú": "u", "ç": "c", "ã": "a", "ê": "e", "ë": "e",
             "Á": "A", "É": "E"}
    out = "".join(table.get(ch, ch) for ch in s)
    return out if out != s else None


def dehyphen(s, r):
    if "-" not in s:
        return None
    return s.replace("-", r.choice([" ", "\u2013", "\u2011", ""]))


def wrap_ws(s, r):
    return r.choice(["", " ", "\n", "  ", "\n\n"]) + s + r.choice(["\n", " ", "\n\n", "\n ", "  \n"])


def fmt_int(n, kind):
    """A model's rendering of the integer n."""
    if kind == "plain":
        return str(n)
    if kind == "comma":
        return f"{n:,}"
    if kind == "dot0":
        return f"{n}.0"
    if kind == "dot00":
        return f"{n:,}.00"
    if kind == "plus":
        return f"+{n}"
    if kind == "zero":
        return f"0{n}"
    if kind == "sci":
        m, e = n, 0
        while m % 10 == 0 and m:
            m //= 10
            e += 1
        if e < 3 or m > 99:
            return None
        mant = str(m) if m < 10 else f"{m / 10:g}"
        return f"{mant}e{e if m < 10 else e + 1}"
    raise ValueError(kind)


# ---------------------------------------------------------------------------------------------------------
# Generation rows
# ---------------------------------------------------------------------------------------------------------
def pick_item(r, usage, ok):
    """The least-used item for which ok(i) gives a rendering; ties broken by the RNG."""
    order = sorted(range(len(usage)), key=lambda i: (usage[i], r.random()))
    for i in order:
        out = ok(i)
        if out is not None:
            usage[i] += 1
            return i, out
    raise RuntimeError("no item fits")


def quota_list(r, quotas, n):
    """A shuffled list holding each key of quotas that many times (the counts must add up to n)."""
    plan = [k for k, c in quotas for _ in range(c)]
    assert len(plan) == n, (len(plan), n)
    r.shuffle(plan)
    return plan


def style_plan(r, quotas, n, wrong_rate):
    """n (style, wrong) pairs in random order; ~wrong_rate of all rows (never an empty one) get a wrong answer."""
    plan = quota_list(r, quotas, n)
    nonempty = [i for i, s in enumerate(plan) if s != "empty"]
    wrong = set(r.sample(nonempty, round(wrong_rate * n)))
    return [(s, i in wrong) for i, s in enumerate(plan)]


EMPTY_OUTPUTS = ["", "", " ", "\n", "\n\n"]

# (style, rows) for the 110 TriviaQA rows
TRIVIA_STYLES = [("exact", 12), ("alias", 6), ("lower", 7), ("upper", 3), ("period", 7), ("whitespace", 7),
                 ("article_add", 6), ("article_drop", 3), ("curly_quotes", 4), ("curly_apostrophe", 3),
                 ("dash_extra", 5), ("comma_extra", 5), ("paren_extra", 4), ("reasoning", 7), ("answer_prefix", 5),
                 ("think", 5), ("hyphen", 3), ("number_word", 5), ("accents", 2), ("sentence", 5), ("bold", 3),
                 ("empty", 3)]


def trivia_render(style, item, wrong, r, q):
    question, aliases, extra, wrong_ans = item
    a = wrong_ans if wrong else (aliases[0] if style != "alias" else (aliases[1] if len(aliases) > 1 else None))
    if a is None:
        return None
    if style in ("exact", "alias"):
        return a
    if style == "lower":
        return a.lower() if a.lower() != a else None
    if style == "upper":
        return a.upper() if a.upper() != a and len(a) > 2 else None
    if style == "period":
        return a + r.choice([".", ".", "!", ".\n"])
    if style == "whitespace":
        return wrap_ws(a, r)
    if style == "article_add":
        return add_article(a, r)
    if style == "article_drop":
        return drop_article(a)
    if style == "curly_quotes":
        return "\u201c" + a + "\u201d"
    if style == "curly_apostrophe":
        return curly(a) if "'" in a else None
    if style == "dash_extra":
        return f"{a} \u2014 {extra}"
    if style == "comma_extra":
        return f"{a}, {extra}"
    if style == "paren_extra":
        return f"{a} ({extra})"
    if style == "reasoning":
        return r.choice([f"I think this is {a}, {extra}. So the answer is {a}.",
                         f"Let me think. {q} That would be {a}, {extra}. So the answer is {a}.",
                         f"This refers to {a}, {extra}.\nAnswer: {a}"])
    if style == "answer_prefix":
        return r.choice(["Answer: ", "A: ", "Final answer: "]) + a
    if style == "think":
        body = (f"The question is: {q} I recall that the answer is {a}, {extra}. That matches what I know."
                if not wrong else f"The question is: {q} Hmm, I think it is {a}.")
        return f"<think>\n{body}\n</think>\n\n{a}"
    if style == "hyphen":
        return dehyphen(a, r)
    if style == "number_word":
        if a in NUMBER_WORDS:
            return NUMBER_WORDS[a]
        if a.lower() in WORD_NUMBERS:
            return WORD_NUMBERS[a.lower()]
        if a.isdigit() and len(a) == 4:
            return r.choice([f"in {a}", f"AD {a}", f"{a} AD", f"the year {a}"])
        if re.fullmatch(r"\d+", a):
            return a + r.choice([".0", " degrees", "°F"])
        return None
    if style == "accents":
        return strip_accents(a)
    if style == "sentence":
        return r.choice([f"The answer is {a}.", f"It is {a}.", f"I believe it's {a}."])
    if style == "bold":
        return f"**{a}**"
    raise ValueError(style)


# (ending, rows) and (number format, rows) for the 110 GSM8K rows; the two are drawn independently
GSM_ENDINGS = [("hash", 22), ("hash_comma", 8), ("answer_is", 18), ("so_answer", 9), ("boxed", 10), ("think", 9),
               ("bare", 10), ("continue", 6), ("in_total", 7), ("markdown", 7), ("empty", 4)]
GSM_NUMFMT = [("plain", 50), ("comma", 18), ("dollar", 9), ("dollar_comma", 5), ("dot0", 8), ("dot00", 5), ("plus", 5), ("zero", 4),
              ("sci", 6)]
GSM_PREAMBLE = ["", "", "Let's think step by step. ", "Let's solve this step by step.\n", "Sure! "]


def gsm_render(style, item, wrong, r, numfmt, all_items):
    q, steps, ans, unit, inter = item
    style = "hash" if style == "exact" else style
    cot_steps = [strip_annotations(s) for s in steps]
    val = ans
    if wrong:
        if r.random() < 0.5 and inter != ans:
            val = inter  # stops at an intermediate quantity
            cot_steps = cot_steps[:-1] if len(cot_steps) > 1 else cot_steps
        else:  # arithmetic slip in the last step
            slip = r.choice([1, -1, 2, 10, -10, 100]) if ans > 20 else r.choice([1, -1, 2])
            val = ans + slip if ans + slip > 0 else ans + 1
            last = cot_steps[-1]
            k = last.rfind(str(ans))
            if k >= 0:
                cot_steps[-1] = last[:k] + str(val) + last[k + len(str(ans)):]
    money = unit == "$"
    if numfmt == "dollar_comma":
        if not money or val < 1000:
            return None
        num = "$" + fmt_int(val, "comma")
    elif numfmt == "dollar":
        kind = "comma" if val >= 1000 and r.random() < 0.6 else "plain"
        num = ("$" + fmt_int(val, kind)) if money else fmt_int(val, kind)
    elif numfmt == "dot00" and not money:
        num = fmt_int(val, "dot0")
    elif numfmt == "sci":
        num = fmt_int(val, "sci")
        if num is None:
            return None
    else:
        num = fmt_int(val, numfmt)
    if numfmt == "comma" and val < 1000:
        return None
    cot = r.choice(GSM_PREAMBLE) + r.choice([" ", "\n"]).join(cot_steps)
    unit_word = "dollars" if money else unit
    if style == "hash":
        return f"{cot}\n#### {num}"
    if style == "hash_comma":
        return f"{cot}\n#### {fmt_int(val, 'comma')}" if val >= 1000 else None
    if style == "answer_is":
        return f"{cot}\nThe answer is {num}."
    if style == "so_answer":
        return f"{cot} So the answer is {num}."
    if style == "boxed":
        return f"{cot}\n\nTherefore, the final answer is $\\boxed{{{num.replace('$', '')}}}$."
    if style == "think":
        final = r.choice([f"The answer is {num}.", f"**{num}**", f"{num}"])
        return f"<think>\n{cot}\n</think>\n\n{final}"
    if style == "bare":
        return r.choice([num, num, f"{num} {unit_word}", wrap_ws(num, r)])
    if style == "continue":
        other = all_items[(all_items.index(item) + 7) % len(all_items)][0]
        return f"{cot}\n#### {num}\n\nQuestion: {other}\nAnswer:"
    if style == "in_total":
        return f"{cot} In total, that is {num} {unit_word}."
    if style == "markdown":
        return f"{cot}\n\n**Answer:** {num}"
    raise ValueError(style)


# (style, rows) for the 80 MATH rows
MATH_STYLES = [("minerva", 14), ("boxed", 14), ("display", 6), ("think", 8), ("bare", 8), ("dollars", 6),
               ("bold", 6), ("answer_is", 8), ("boxed_only", 6), ("empty", 4)]


def _wrong_work(work, canon, variants, v):
    """Worked solution for a wrong final answer: the last mention of the answer changed, else only the first
    sentence kept (the model went astray after it)."""
    best = None
    for form in [canon] + variants:
        k = work.rfind(form)
        if k >= 0 and not work[k + len(form):k + len(form) + 1].isalnum() and (k == 0 or work[k - 1] in " $"):
            if best is None or k > best[0]:
                best = (k, form)
    if best is not None:
        k, form = best
        return work[:k] + v + work[k + len(form):]
    first = work.split(". ")[0].rstrip(".")
    return first + "."


def math_render(style, item, wrong, r, force=None):
    problem, work, canon, variants, wrongs = item
    style = "boxed" if style == "exact" else style
    if force is not None:
        v = force
    elif wrong:
        v = r.choice(wrongs)
        work = _wrong_work(work, canon, variants, v)
    else:
        v = canon if r.random() < 0.35 else r.choice(variants)
    if style == "minerva":
        return f"{work}\nFinal Answer: The final answer is ${v}$. I hope it is correct."
    if style == "boxed":
        return f"{work} Therefore, the answer is $\\boxed{{{v}}}$."
    if style == "display":
        return f"{work}\n\n\\[\n\\boxed{{{v}}}\n\\]"
    if style == "think":
        return f"<think>\n{work}\n</think>\n\nThe answer is $\\boxed{{{v}}}$."
    if style == "bare":
        return r.choice([v, wrap_ws(v, r)])
    if style == "dollars":
        return f"${v}$"
    if style == "bold":
        return f"{work}\n\n**Answer:** ${v}$"
    if style == "answer_is":
        return f"{work} The answer is {v}."
    if style == "boxed_only":
        return f"\\boxed{{{v}}}"
    raise ValueError(style)


# (style, rows) for the 100 SQuAD rows
SQUAD_STYLES = [("exact", 20), ("short", 7), ("article_add", 6), ("article_drop", 6), ("superset", 8),
                ("sentence", 8), ("lower", 5), ("period", 5), ("whitespace", 5), ("curly_quotes", 4), ("hyphen", 3),
                ("number_word", 6), ("answer_prefix", 4), ("think", 5), ("accents", 2), ("empty", 6)]
UNANSWERABLE = ["unanswerable", "The passage does not say.", "I don't know.", "N/A"]


def _clause_after(context, span):
    """The span plus the rest of its clause (up to the next comma or period) or the sentence containing it."""
    k = context.find(span)
    if k < 0:
        return None
    end = k + len(span)
    m = re.search(r"[,.]", context[end:])
    stop = end + (m.start() if m else len(context) - end)
    out = context[k:stop].strip()
    return out if out != span else None


def _sentence_of(context, span):
    k = context.find(span)
    starts = [m.end() for m in re.finditer(r"\. ", context[:k])]
    start = starts[-1] if starts else 0
    m = re.search(r"\.( |$)", context[k + len(span):])
    end = k + len(span) + (m.start() + 1 if m else len(context) - k - len(span))
    return context[start:end]


def squad_render(style, item, wrong, r):
    title, context, question, answers, wrong_ans = item
    a = wrong_ans if wrong else answers[0]
    if style == "exact":
        return a if wrong else r.choice(answers)
    if style == "short":
        return min(answers, key=len) if not wrong and len(answers) > 1 else None
    if style == "article_add":  # only where the passage itself says "the <span>"
        if wrong or ARTICLE_RE.match(a):
            cands = [x for x in answers if not ARTICLE_RE.match(x) and ("the " + x) in context] if not wrong else []
            return ("the " + r.choice(cands)) if cands else None
        return ("the " + a) if ("the " + a) in context else None
    if style == "article_drop":
        return drop_article(a)
    if style == "superset":
        return _clause_after(context, a) if not wrong else None
    if style == "sentence":
        return _sentence_of(context, a) if not wrong else f"According to the passage, it was {a}."
    if style == "lower":
        return a.lower() if a.lower() != a else None
    if style == "period":
        return a + "."
    if style == "whitespace":
        return wrap_ws(a, r)
    if style == "curly_quotes":
        return "\u201c" + a + "\u201d" if "'" not in a else curly(a)
    if style == "hyphen":
        return dehyphen(a, r)
    if style == "number_word":
        for ans in ([a] if wrong else answers):
            head = ans.split()[0]
            if head in NUMBER_WORDS:
                return ans.replace(head, NUMBER_WORDS[head], 1)
            if head in WORD_NUMBERS:
                return ans.replace(head, WORD_NUMBERS[head], 1)
            if head.isdigit() and len(head) == 4:
                return f"in the year {ans}"
            if re.search(r"\d+ percent", ans):
                return ans.replace(" percent", "%")
            if re.fullmatch(r"[A-Z][a-z]+ \d+, \d{4}", ans):
                mo, d, y = ans.replace(",", "").split()
                return f"{d} {mo} {y}"
        return None
    if style == "answer_prefix":
        return "Answer: " + a
    if style == "think":
        return f"<think>\nThe passage says: \"{_sentence_of(context, a) if not wrong else context.split('. ')[0]}\"\n" \
               f"</think>\n\n{a}"
    if style == "accents":
        return strip_accents(a)
    raise ValueError(style)


def render_row(r, usage, style, wrong, render, empties=EMPTY_OUTPUTS):
    """Pick an item for this row and render its prediction; a style no item fits falls back to "exact"."""
    if style == "empty":
        return pick_item(r, usage, lambda i: r.choice(empties))
    try:
        return pick_item(r, usage, lambda i: render(style, i, wrong))
    except RuntimeError:
        return pick_item(r, usage, lambda i: render("exact", i, wrong))


def make_gsm_items(r):
    items, seen, k = [], set(), 0
    while len(items) < N_GSM_ITEMS:
        item = GSM_TEMPLATES[k % len(GSM_TEMPLATES)](r)
        if item[0] not in seen:  # redraw the numbers if a template repeats a question
            seen.add(item[0])
            items.append(item)
            k += 1
    return items


# Rows always present (correct answers in a fixed surface form), so that the forms the README names occur
# whatever the draws: (style, item index, forced MATH answer or None). Each replaces one planned row of
# that style.
TRIVIA_SHOWCASE = [("comma_extra", 1, None), ("article_add", 0, None)]  # "Paris, the capital of France"
MATH_SHOWCASE = [("dollars", 0, r"\frac{1}{2}"), ("boxed", 0, r"\dfrac12"), ("boxed_only", 0, "0.5"),
                 ("minerva", 4, r"6\text{ cm}"), ("boxed", 4, r"6 \text{ cm}"), ("minerva", 16, r"120^\circ"),
                 ("bare", 14, "0.75")]


def take_showcase(plan, showcase):
    """Remove one non-wrong planned row per showcase row, so the style quotas still hold."""
    for style, _, _ in showcase:
        plan.remove((style, False))
    return plan


def make_generations(r):
    rows = []
    # --- TriviaQA
    usage = [0] * len(TRIVIA)
    for style, i, _ in TRIVIA_SHOWCASE:
        usage[i] += 1
        rows.append({"id": f"triviaqa-{i:03d}-{usage[i]}", "task": "triviaqa", "question": TRIVIA[i][0],
                     "prediction": trivia_render(style, TRIVIA[i], False, r, TRIVIA[i][0]),
                     "references": list(TRIVIA[i][1])})
    plan = take_showcase(style_plan(r, TRIVIA_STYLES, ROWS_PER_TASK["triviaqa"], WRONG_RATE), TRIVIA_SHOWCASE)
    for style, wrong in plan:
        i, pred = render_row(r, usage, style, wrong,
                             lambda st, i, w: trivia_render(st, TRIVIA[i], w, r, TRIVIA[i][0]))
        q, aliases, _, _ = TRIVIA[i]
        rows.append({"id": f"triviaqa-{i:03d}-{usage[i]}", "task": "triviaqa", "question": q,
                     "prediction": pred, "references": list(aliases)})
    # --- GSM8K
    gsm_items = make_gsm_items(r)
    usage = [0] * len(gsm_items)
    numfmts = quota_list(r, GSM_NUMFMT, ROWS_PER_TASK["gsm8k"])
    for n, (style, wrong) in enumerate(style_plan(r, GSM_ENDINGS, ROWS_PER_TASK["gsm8k"], WRONG_RATE)):
        nf = numfmts[n]
        try:
            i, pred = render_row(r, usage, style, wrong,
                                 lambda st, i, w: gsm_render(st, gsm_items[i], w, r, nf, gsm_items))
        except RuntimeError:  # no item fits this number format (e.g. "1e3" needs a round answer)
            i, pred = render_row(r, usage, style, wrong,
                                 lambda st, i, w: gsm_render(st, gsm_items[i], w, r, "plain", gsm_items))
        q, steps, ans, _, _ = gsm_items[i]
        rows.append({"id": f"gsm8k-{i:03d}-{usage[i]}", "task": "gsm8k", "question": q, "prediction": pred,
                     "references": ["\n".join(steps) + f"\n#### {ans}"]})
    # --- MATH
    usage = [0] * len(MATH)
    finals = [MATH_FINAL[i % len(MATH_FINAL)] for i in range(len(MATH))]
    plan = take_showcase(style_plan(r, MATH_STYLES, ROWS_PER_TASK["math"], WRONG_RATE), MATH_SHOWCASE)
    for style, wrong, i, force in [(st, False, i, f) for st, i, f in MATH_SHOWCASE] + \
            [(st, w, None, None) for st, w in plan]:
        if i is None:
            i, pred = render_row(r, usage, style, wrong, lambda st, i, w: math_render(st, MATH[i], w, r))
        else:
            usage[i] += 1
            pred = math_render(style, MATH[i], False, r, force)
        problem, work, canon, _, _ = MATH[i]
        rows.append({"id": f"math-{i:03d}-{usage[i]}", "task": "math", "question": problem, "prediction": pred,
                     "references": [work + " " + finals[i] % canon]})
    # --- SQuAD
    usage = [0] * len(SQUAD)
    for style, wrong in style_plan(r, SQUAD_STYLES, ROWS_PER_TASK["squad"], WRONG_RATE):
        i, pred = render_row(r, usage, style, wrong, lambda st, i, w: squad_render(st, SQUAD[i], w, r),
                             EMPTY_OUTPUTS + UNANSWERABLE)
        title, context, question, answers, _ = SQUAD[i]
        rows.append({"id": f"squad-{i:03d}-{usage[i]}", "task": "squad",
                     "question": f"Title: {title}\n\nBackground: {context}\n\nQuestion: {question}",
                     "prediction": pred, "references": list(answers)})
    r.shuffle(rows)
    return rows


# ---------------------------------------------------------------------------------------------------------
# Multiple-choice pools. Gold is the first choice as written here; choices are shuffled by the RNG.
# ---------------------------------------------------------------------------------------------------------
ARC = [
    ("Which gas makes up most of Earth's atmosphere?", ["nitrogen", "oxygen", "carbon dioxide", "argon"]),
    ("Which property of a mineral can be observed just by looking at it?", ["luster", "mass", "weight", "hardness"]),
    ("A student mixes baking soda and vinegar and sees bubbles. What do the bubbles most likely show?",
     ["a gas is being produced", "the mixture is getting colder", "the baking soda is melting",
      "the vinegar is evaporating"]),
    ("Which of these is a renewable resource?", ["wind", "coal", "natural gas", "oil"]),
    ("What is the main function of the roots of a plant?",
     ["to take in water and nutrients from the soil", "to make food from sunlight", "to produce seeds",
      "to attract pollinators"]),
    ("Which tool is best for measuring the mass of a rock?",
     ["a balance", "a thermometer", "a graduated cylinder", "a meter stick"]),
    ("Why does the Moon appear to change shape during a month?",
     ["Different amounts of its sunlit half are visible from Earth.", "Clouds cover parts of the Moon.",
      "The Moon rotates on its axis.", "Earth's shadow falls on the Moon."]),
    ("Which organ pumps blood through the human body?", ["heart", "lungs", "liver", "stomach"]),
    ("Which form of energy is stored in a stretched rubber band?",
     ["elastic potential energy", "sound energy", "thermal energy", "light energy"]),
    ("A ball rolling across a flat floor slows down. Which force causes it to slow down?",
     ["friction", "magnetism", "gravity", "buoyancy"]),
    ("Which of the following is an example of a chemical change?",
     ["wood burning", "ice melting", "paper being cut", "water boiling"]),
    ("Which layer of Earth is made mostly of liquid iron and nickel?",
     ["outer core", "crust", "mantle", "inner core"]),
    ("Which is the best way to reduce the amount of trash sent to landfills?",
     ["recycling paper and plastic", "burning trash at home", "using more disposable plates",
      "burying trash in the backyard"]),
    ("What causes day and night on Earth?",
     ["Earth rotating on its axis", "Earth revolving around the Sun", "the Moon orbiting Earth",
      "the Sun rotating"]),
    ("Which animal is a mammal?", ["whale", "shark", "frog", "penguin"]),
    ("Which of these best describes a food chain?",
     ["the path of energy from one organism to another", "a list of animals that live in one area",
      "the way plants make food", "a group of animals that hunt together"]),
    ("Water vapor in the air cools and forms tiny droplets. What is this process called?",
     ["condensation", "evaporation", "precipitation", "runoff"]),
    ("Which unit is used to measure electrical resistance?", ["ohm", "volt", "ampere", "watt"]),
    ("Which planet is closest to the Sun?", ["Mercury", "Venus", "Earth", "Mars", "Jupiter"]),
    ("Which of these materials is the best conductor of electricity?", ["copper", "rubber", "glass", "wood"]),
    ("A plant on a windowsill grows toward the window. What is this response called?",
     ["phototropism", "gravitropism", "photosynthesis", "germination"]),
    ("Fossils of sea shells are found at the top of a mountain. What is the best explanation?",
     ["The area was once covered by an ocean.", "Animals carried the shells up the mountain.",
      "The shells were blown there by strong winds.", "People left the shells there long ago."]),
    ("Which part of a cell controls its activities?", ["nucleus", "cell membrane", "cytoplasm", "cell wall"]),
    ("Which simple machine is a ramp?", ["inclined plane", "lever", "pulley", "wheel and axle"]),
    ("What is the boiling point of water at sea level?",
     ["100 degrees Celsius", "0 degrees Celsius", "50 degrees Celsius", "212 degrees Celsius"]),
    ("Which body system breaks food down into nutrients?",
     ["digestive system", "nervous system", "skeletal system", "respiratory system"]),
    ("What do bees collect from flowers to make honey?", ["nectar", "pollen", "seeds"]),
    ("Which statement describes weather rather than climate?",
     ["It rained heavily this afternoon.", "The region has cold winters every year.", "Summers here are usually dry.",
      "The desert receives little rain over decades."]),
    ("A cart's speed increases from 2 m/s to 10 m/s in 4 seconds. What is its acceleration?",
     ["2 m/s²", "4 m/s²", "8 m/s²", "40 m/s²"]),
    ("Which process releases water vapor through a plant's leaves?",
     ["transpiration", "respiration", "pollination", "fermentation"]),
    ("Which of these is a producer in a forest ecosystem?", ["oak tree", "deer", "mushroom", "wolf"]),
    ("What happens to the particles of a substance when it is heated?",
     ["They move faster.", "They get smaller.", "They stop moving.", "They lose mass."]),
    ("What is the smallest unit of an element that keeps the element's properties?",
     ["atom", "molecule", "cell", "compound"]),
    ("Which characteristic is inherited rather than learned?",
     ["eye color", "riding a bike", "speaking French", "playing the piano"]),
    ("What is the main source of energy for Earth's water cycle?", ["the Sun", "the Moon", "wind", "Earth's core"]),
    ("Why does a metal spoon feel colder than a wooden spoon at the same temperature?",
     ["Metal conducts heat away from the hand faster.", "Metal is always colder than wood.",
      "Wood produces its own heat.", "Metal absorbs cold from the air."]),
    ("Which layer of the atmosphere contains the ozone layer?",
     ["stratosphere", "troposphere", "mesosphere", "thermosphere", "exosphere"]),
    ("Which two objects would a magnet attract?",
     ["an iron nail and a steel paper clip", "an aluminum can and a copper wire", "a plastic cup and a glass jar",
      "a wooden block and a rubber ball"]),
    ("What is the main purpose of a flower?", ["reproduction", "support", "water storage", "photosynthesis"]),
    ("Sound travels fastest through which material?", ["steel", "air", "water", "a vacuum"]),
]

HELLASWAG = [
    ("A woman is kneeling on a kitchen floor holding a sponge. She",
     ["dips the sponge into a bucket of soapy water and begins scrubbing the tiles in small circles.",
      "throws the sponge at the ceiling and leaves the room.",
      "eats the sponge while the dog watches from the doorway, then reads a newspaper.",
      "plays the sponge like a guitar."]),
    ("A man stands at the base of a climbing wall wearing a harness. He",
     ["clips the rope into his harness, checks the knot, and starts climbing the first holds.",
      "sits down and sings.", "takes the wall apart and loads it into a truck.",
      "swims across the wall to the other side of the gym."]),
    ("Two people sit at a table with a chessboard between them. One player",
     ["moves a pawn forward two squares and presses the clock.",
      "lifts the table and carries it outside while the other player waves.", "gets up and starts cooking pasta in the kitchen next door.",
      "puts the chess pieces into a blender and pours the mixture into cups."]),
    ("A chef slices onions on a cutting board. Next, the chef",
     ["drops the onions into a hot pan with oil and stirs them with a wooden spoon.", "wears the onions as a hat.",
      "paints the onions bright green and hangs them on the wall.", "runs outside to mow the lawn with the knife."]),
    ("A boy stands on a skateboard at the top of a ramp. He",
     ["rolls down the ramp and up the other side.", "falls asleep.",
      "folds the skateboard in half and puts it in his pocket.", "throws the ramp into the pool."]),
    ("A crew rows a long boat down a river. The coxswain",
     ["calls out the stroke rate.", "jumps into the water and swims to the shore to buy an ice cream.",
      "starts knitting a scarf and the boat flies into the sky.", "eats the oars one by one."]),
    ("A woman applies paint to a canvas with a wide brush. She",
     ["steps back to look at the colors, then adds thin lines with a smaller brush.", "licks the easel.",
      "sets the canvas on fire and walks into the ocean.", "plants the brush in a flower pot and waters it."]),
    ("A man pours flour into a large bowl. He then",
     ["adds two eggs and stirs.", "vacuums.",
      "throws the bowl out the window and starts dancing on the counter.", "pours the flour onto his cat."]),
    ("A girl holds a violin under her chin and raises the bow. She",
     ["begins to play a slow melody.", "sneezes.",
      "uses the bow to stir a pot of soup on the stove.", "hands the violin to a horse, who gallops away."]),
    ("Several kids stand in a line at the edge of a swimming pool. The instructor blows a whistle and the kids",
     ["dive into the water.", "laugh and walk back to the locker room to change for dinner.",
      "start building a sandcastle on the diving board.", "climb onto the roof and fly kites."]),
    ("A mechanic lifts the hood of a car and looks at the engine. He",
     ["checks the oil level with the dipstick and wipes it on a rag.", "closes it.",
      "pours orange juice into the radiator and smiles at the camera.",
      "takes a nap on the engine block until sunset."]),
    ("A woman ties her running shoes and stretches her legs on the sidewalk. She",
     ["starts jogging down the street.", "sits down on the curb and starts reading a long book about gardening.",
      "unties the shoes again and throws them at a passing bus.",
      "lies down on the sidewalk and paints her toenails blue."]),
    ("A man stands in a field holding a kite. The wind picks up and he",
     ["lets out more string.", "cries.",
      "ties the kite to a cow and the cow floats away.", "buries the kite in the ground and waters it."]),
    ("A person is wrapping a present on a table. They",
     ["fold the paper over the box, tape the edges, and add a ribbon on top.", "leave.",
      "unwrap it right away and give the paper to a fish.", "put the present in the oven for twenty minutes."]),
    ("A man is shaving in front of a bathroom mirror. He",
     ["rinses the razor under the tap and shaves the other side of his face.", "waves at the mirror, and the reflection waves back with the other hand.",
      "uses the razor to slice a loaf of bread in the shower.",
      "spreads shaving cream on the mirror and shaves the glass."]),
    ("A dog waits in a backyard while a man holds a frisbee. The man",
     ["throws the frisbee across the yard.", "sits.",
      "eats the frisbee and the dog applauds.", "hands the frisbee to the dog, who drives away in a car."]),
    ("A woman pulls weeds in a vegetable garden. She",
     ["drops the weeds into a bucket and moves on to the next row of tomatoes.", "sings loudly.",
      "plants the weeds in pots and sells them as houseplants at a bank.", "wears gloves made of lettuce."]),
    ("A man sits down at a piano in a concert hall. He",
     ["places his hands on the keys and plays a quiet opening chord.", "yawns.",
      "opens the piano lid and climbs inside to sleep.", "pours water on the keys to tune them."]),
    ("Two teams play volleyball on a beach. A player",
     ["jumps and spikes the ball over the net.", "bows to the crowd while the ball rolls slowly into the sea.",
      "digs a hole and buries the net.", "catches the ball and rides it like a horse along the shore."]),
    ("A woman cleans a window with a spray bottle. She",
     ["wipes the glass with a paper towel.", "smiles at the window, which opens by itself and lets in a flock of birds.",
      "sprays the bottle at the sky to make it rain.", "breaks the window and cleans the pieces one by one."]),
]

PIQA = [
    ("To keep a cut avocado from browning,",
     ["brush the cut surface with lemon juice and cover it tightly with plastic wrap.", "leave it uncovered on the counter in direct sunlight."]),
    ("How do you loosen a tight jar lid?",
     ["Run the lid under hot water for a minute, then twist it open.", "Put the jar in the freezer for an hour, then twist it open."]),
    ("To dry wet shoes quickly,",
     ["stuff them with newspaper and leave them in a warm, ventilated spot.", "put them in the fridge overnight with the laces pulled out."]),
    ("How can you remove a splinter?",
     ["Sterilize tweezers with rubbing alcohol and pull the splinter out at the angle it went in.",
      "Push it deeper into the skin with your thumb until you can no longer see it."]),
    ("To keep a paintbrush from drying out between coats,",
     ["wrap it tightly in plastic wrap.", "leave it uncovered on a sunny windowsill overnight."]),
    ("How do you sharpen a pencil without a sharpener?",
     ["Carefully shave the wood away with a utility knife.", "Soak it in a glass of water overnight until the wood softens and peels."]),
    ("To make clear ice cubes,",
     ["boil the water first, let it cool, and then freeze it slowly.", "add a spoonful of salt to each compartment of the tray before freezing."]),
    ("How do you stop a squeaky door hinge?",
     ["Apply a few drops of oil to the hinge pin.", "Paint the door a darker color and hang a towel on the handle."]),
    ("To find a small screw dropped on a carpet,",
     ["cover the vacuum nozzle with a stocking and vacuum the area.", "shake the carpet out of the window."]),
    ("How do you keep bananas fresh longer?",
     ["Wrap the stems in plastic wrap.", "Store them in a sealed bag with apples so they ripen together."]),
    ("To clean a cast iron pan,",
     ["scrub it with coarse salt and a little water, then dry it on the stove.",
      "soak it overnight in soapy water."]),
    ("How do you get the smell of garlic off your hands?",
     ["Rub your hands on a stainless steel spoon under running water.", "Rub more garlic on them."]),
    ("To warm up a cold car seat quickly,", ["turn on the seat heater.", "pour cold water on it."]),
    ("How can you tell whether an egg is fresh?",
     ["Place it in a bowl of water; fresh eggs sink and lie flat.",
      "Shake it hard next to your ear for several minutes and listen for a ringing sound."]),
    ("To open a can without a can opener,",
     ["rub the lid on a rough concrete surface until the seal thins, then squeeze the sides.",
      "hit it with a pillow."]),
    ("How do you keep a cake from sticking to the pan?",
     ["Grease the pan and dust it with flour before pouring in the batter.", "Bake it at a higher temperature for twice as long."]),
    ("To keep glasses from fogging up while wearing a mask,",
     ["pinch the mask's nose wire so it fits snugly.", "breathe faster."]),
    ("How do you fix a wobbly table?",
     ["Fold a piece of cardboard and place it under the short leg.", "Remove one of the legs so that the table stands on three."]),
    ("To soften hard brown sugar,",
     ["put a slice of bread in the container overnight.", "put it in the freezer for a week."]),
    ("How do you remove a stripped screw?",
     ["Press a wide rubber band between the screwdriver and the screw head for grip, then turn slowly.",
      "Hammer it harder."]),
]

MMLU = [
    ("Which of the following is the SI unit of force?", ["joule", "newton", "pascal", "watt"], 1),
    ("The derivative of sin(x) with respect to x is", ["cos(x)", "-cos(x)", "-sin(x)", "tan(x)"], 0),
    ("Which amendment to the U.S. Constitution abolished slavery?",
     ["First", "Fifth", "Thirteenth", "Nineteenth"], 2),
    ("In economics, the opportunity cost of a choice is",
     ["the money spent on it", "the value of the next best alternative given up", "the total cost of production",
      "the tax paid on it"], 1),
    ("Which organelle is the main site of cellular respiration?",
     ["ribosome", "Golgi apparatus", "mitochondrion", "lysosome"], 2),
    ("What is the worst-case time complexity of binary search on a sorted array of n elements?",
     ["O(1)", "O(log n)", "O(n)", "O(n log n)"], 1),
    ("Which philosopher wrote the Critique of Pure Reason?", ["Hume", "Kant", "Hegel", "Locke"], 1),
    ("A deficiency of vitamin C is most likely to cause", ["rickets", "scurvy", "beriberi", "pellagra"], 1),
    ("Which of the following numbers is prime?", ["21", "27", "29", "33"], 2),
    ("In the electrolysis of water, which gas forms at the cathode?",
     ["oxygen", "hydrogen", "chlorine", "nitrogen"], 1),
    ("In a perfectly competitive market, firms are", ["price makers", "price takers", "monopolists",
                                                       "oligopolists"], 1),
    ("Which of the following describes a Type I error?",
     ["rejecting a true null hypothesis", "failing to reject a false null hypothesis", "using the wrong test",
      "drawing a biased sample"], 0),
    ("Which planet has the shortest orbital period?", ["Mercury", "Venus", "Earth", "Mars"], 0),
    ("The treaty that ended the First World War with Germany was signed at",
     ["Paris", "Versailles", "Vienna", "Locarno"], 1),
    ("Which data structure returns items in first-in, first-out order?", ["stack", "queue", "heap", "tree"], 1),
]

CAPITALS = [
    ("France", "Paris", ["Lyon", "Marseille"]), ("Germany", "Berlin", ["Munich", "Hamburg"]),
    ("Italy", "Rome", ["Milan", "Naples"]), ("Spain", "Madrid", ["Barcelona", "Seville"]),
    ("Portugal", "Lisbon", ["Porto"]), ("Australia", "Canberra", ["Sydney", "Melbourne"]),
    ("Canada", "Ottawa", ["Toronto", "Montreal"]), ("Brazil", "Brasília", ["Rio de Janeiro", "São Paulo"]),
    ("Argentina", "Buenos Aires", ["Córdoba"]), ("Japan", "Tokyo", ["Osaka", "Kyoto"]),
    ("China", "Beijing", ["Shanghai", "Hong Kong"]), ("India", "New Delhi", ["Mumbai", "Kolkata"]),
    ("Turkey", "Ankara", ["Istanbul", "Izmir"]), ("Egypt", "Cairo", ["Alexandria"]),
    ("Kenya", "Nairobi", ["Mombasa"]), ("Nigeria", "Abuja", ["Lagos"]),
    ("South Africa", "Pretoria", ["Cape Town", "Johannesburg"]), ("Mexico", "Mexico City", ["Guadalajara"]),
    ("Peru", "Lima", ["Cusco"]), ("Chile", "Santiago", ["Valparaíso"]), ("Norway", "Oslo", ["Bergen"]),
    ("Sweden", "Stockholm", ["Gothenburg"]), ("Poland", "Warsaw", ["Kraków"]), ("Greece", "Athens", ["Thessaloniki"]),
    ("Russia", "Moscow", ["Saint Petersburg"]), ("South Korea", "Seoul", ["Busan"]),
    ("Vietnam", "Hanoi", ["Ho Chi Minh City"]), ("New Zealand", "Wellington", ["Auckland", "Christchurch"]),
    ("Switzerland", "Bern", ["Zurich", "Geneva"]), ("Morocco", "Rabat", ["Casablanca", "Marrakesh"]),
    ("Pakistan", "Islamabad", ["Karachi", "Lahore"]), ("Thailand", "Bangkok", ["Chiang Mai"]),
    ("Colombia", "Bogotá", ["Medellín"]),
]

ANTONYMS = [
    ("ancient", "modern", ["old", "antique", "historic"]), ("generous", "stingy", ["kind", "giving", "wealthy"]),
    ("expand", "contract", ["enlarge", "stretch", "inflate"]), ("fragile", "sturdy", ["delicate", "weak", "thin"]),
    ("victory", "defeat", ["triumph", "success", "battle"]), ("scarce", "abundant", ["rare", "limited", "few"]),
    ("transparent", "opaque", ["clear", "glassy", "bright"]), ("humble", "arrogant", ["modest", "meek", "quiet"]),
    ("accept", "reject", ["receive", "agree", "allow"]), ("shallow", "deep", ["thin", "narrow", "flat"]),
    ("optimistic", "pessimistic", ["hopeful", "cheerful", "confident"]),
    ("voluntary", "compulsory", ["optional", "willing", "free"]), ("rigid", "flexible", ["stiff", "firm", "hard"]),
    ("vague", "precise", ["unclear", "fuzzy", "hazy"]), ("permanent", "temporary", ["lasting", "fixed", "stable"]),
    ("ascend", "descend", ["climb", "rise", "mount"]), ("brave", "cowardly", ["bold", "daring", "heroic"]),
    ("increase", "decrease", ["grow", "raise", "expand"]),
]

SYMBOLS = [
    ("iron", "Fe", ["Ir", "In", "I"]), ("gold", "Au", ["Ag", "Go", "Gd"]), ("silver", "Ag", ["Si", "Au", "Sv"]),
    ("sodium", "Na", ["So", "Sd", "S"]), ("potassium", "K", ["P", "Po", "Pt"]), ("lead", "Pb", ["Le", "Ld", "L"]),
    ("copper", "Cu", ["Co", "Cp", "C"]), ("tin", "Sn", ["Ti", "Tn", "T"]), ("mercury", "Hg", ["Me", "Mr", "Mc"]),
    ("tungsten", "W", ["Tu", "Tg", "Ts"]), ("helium", "He", ["H", "Hl", "Hm"]), ("chlorine", "Cl", ["C", "Ch", "Co"]),
    ("magnesium", "Mg", ["Mn", "Ma", "M"]), ("zinc", "Zn", ["Z", "Zi", "Zc"]),
]


def n_tokens(text):
    """Rough BPE-like token count of ' ' + text: short words 1 token, long words more, digits in 3s."""
    n = 0
    for m in re.finditer(r"[A-Za-z]+|\d+|[^\sA-Za-z\d]", text):
        s = m.group()
        if s[0].isdigit():
            n += (len(s) + 2) // 3
        elif s[0].isalpha() and s[0].isascii():
            n += 1 if len(s) <= 6 else 1 + (len(s) - 3) // 5
        else:
            n += 1 if s.isascii() else 2
    return max(n, 1)


def build_mc_items(r):
    """(source, question, texts, gold) in file order, texts shuffled (except MMLU's fixed letters)."""
    items = []

    def shuffled(choices):
        order = list(range(len(choices)))
        r.shuffle(order)
        return [choices[j] for j in order], order.index(0)

    for q, ch in ARC:
        t, g = shuffled(ch)
        items.append(("arc", q, t, g))
    for ctx, ch in HELLASWAG:
        t, g = shuffled(ch)
        items.append(("hellaswag", ctx, t, g))
    for goal, ch in PIQA:
        t, g = shuffled(ch)
        items.append(("piqa", goal, t, g))
    for q, opts, g in MMLU:
        body = q + "\n" + "\n".join(f"{L}. {o}" for L, o in zip("ABCD", opts)) + "\nAnswer:"
        items.append(("mmlu", body, ["A", "B", "C", "D"], g))
    others = [c for _, c, _ in CAPITALS]
    for country, cap, near in CAPITALS:
        pool = [c for c in others if c != cap and c not in near]
        distract = (near + r.sample(pool, 3))[:3]
        t, g = shuffled([cap] + distract)
        items.append(("capitals", f"What is the capital of {country}?", t, g))
    for k in range(40):
        a, b = r.randint(6, 19), r.randint(6, 19)
        op = r.choice(["+", "×", "×", "-"])
        ans = a + b if op == "+" else a * b if op == "×" else a - b
        cands = [ans + d for d in (-10, -2, -1, 1, 2, 10, a, b)] + ([a * b] if op != "×" else [a + b])
        cands = [c for c in dict.fromkeys(cands) if c != ans]
        t, g = shuffled([str(ans)] + [str(c) for c in r.sample(cands, 3)])
        items.append(("arith", f"What is {a} {op} {b}?", t, g))
    for w, ant, syn in ANTONYMS:
        t, g = shuffled([ant] + syn)
        items.append(("antonyms", f"Which word means the opposite of \"{w}\"?", t, g))
    for el, sym, wrong in SYMBOLS:
        t, g = shuffled([sym] + wrong)
        items.append(("symbols", f"What is the chemical symbol for {el}?", t, g))
    return items


LETTER_PRIOR = [-1.9, -2.6, -2.8, -3.3]  # log p(" A") .. log p(" D") after "Answer:" with no question


def sample_logprobs(r, texts, tcs, gold, kind, p_know):
    """Summed log-probs, conditioned and unconditioned, from a per-token model of plausibility.

    kind: "letter" (MMLU-style A/B/C/D), "entity" (short answers) or "text" (sentence continuations). The
    model "knows" the answer with probability p_know (the gold choice is then its favourite), otherwise a
    random choice is its favourite. The first token of a choice carries most of the decision; later tokens
    are cheap in short answers (the rest of a name) and cost about 1-2 nats each in free-text continuations,
    so a long gold often loses on the summed log-prob and wins once it is divided by its length.
    """
    n = len(texts)
    letters = kind == "letter"
    fav = gold if r.random() < p_know else r.randrange(n)
    scale = r.uniform(1.5, 6.0)  # how peaked this prompt's first-token distribution is
    lp, ulp = [], []
    for i in range(n):
        if kind == "text":  # continuations: distractors are less clearly wrong
            q = r.uniform(0.6, 0.95) if i == fav else r.uniform(0.15, 0.65)
        else:
            q = r.uniform(0.7, 0.98) if i == fav else r.uniform(0.0, 0.5)
        first = -(0.05 + (1 - q) * scale * r.uniform(0.8, 1.25))
        if letters:
            lp.append(first)
            ulp.append(LETTER_PRIOR[i] + r.gauss(0, 0.25))
            continue
        base, spread, sd = (0.7, 1.5, 0.45) if kind == "text" else (0.12, 1.0, 0.3)
        rest = [min(-0.005, r.gauss(-(base + (1 - q) * spread), sd)) for _ in range(tcs[i] - 1)]
        lp.append(first + sum(rest))
        ulp.append(-r.uniform(3.5, 7.5) + sum(x - r.uniform(0.05, 0.9) for x in rest))
    return [round(x, 4) for x in lp], [round(x, 4) for x in ulp]


def _argmax(v):
    return max(range(len(v)), key=lambda i: (v[i], -i))  # first index among ties, as numpy.argmax


def picks(lp, ulp, texts, tcs):
    """The choice each normalization picks: raw sum, per character, per UTF-8 byte, per token, PMI."""
    return {"raw": _argmax(lp), "char": _argmax([x / len(t) for x, t in zip(lp, texts)]),
            "byte": _argmax([x / len(t.encode("utf-8")) for x, t in zip(lp, texts)]),
            "token": _argmax([x / c for x, c in zip(lp, tcs)]), "pmi": _argmax([x - u for x, u in zip(lp, ulp)])}


SCENARIOS = {
    "natural": lambda p, g: True,
    "norm_fixes": lambda p, g: p["raw"] != g and p["char"] == g,
    "norm_breaks": lambda p, g: p["raw"] == g and p["char"] != g,
    "pmi_fixes": lambda p, g: p["raw"] != g and p["pmi"] == g,
    "char_vs_token": lambda p, g: p["char"] != p["token"] and g in (p["char"], p["token"]),
    "char_vs_byte": lambda p, g: p["char"] != p["byte"] and g in (p["char"], p["byte"]),
    "all_wrong": lambda p, g: g not in p.values(),
}
# (scenario, records) for the 200 records; the generator redraws a record until its scenario holds
SCENARIO_PLAN = [("natural", 130), ("norm_fixes", 20), ("norm_breaks", 10), ("pmi_fixes", 10),
                 ("char_vs_token", 12), ("all_wrong", 14)]
# how often the simulated model knows the answer, per source
P_KNOW = {"arc": 0.8, "hellaswag": 0.85, "piqa": 0.85, "mmlu": 0.6, "capitals": 0.92, "arith": 0.75,
          "antonyms": 0.8, "symbols": 0.88}
N_CHAR_VS_BYTE = 4  # records with non-ASCII choice texts (Brasília, m/s²) where char and byte norms disagree


def _feasible(scen, texts, gold, letters):
    """Whether a scenario can hold for these choice texts at all (e.g. norm_breaks needs a longer distractor)."""
    n = [len(t) for t in texts]
    if scen == "natural":
        return True
    if letters:
        return scen in ("pmi_fixes", "all_wrong")
    if scen == "norm_fixes":
        return any(x < n[gold] for x in n)
    if scen == "norm_breaks":
        return any(x > n[gold] for x in n)
    if scen == "char_vs_byte":
        return any(not t.isascii() for t in texts)
    if scen == "char_vs_token":
        return len({len(t) / c for t, c in zip(texts, (n_tokens(t) for t in texts))}) > 1
    return True


def _nudge_byte(r, lp, texts):
    """Move one non-ASCII choice's log-prob into the window where it loses per character but wins per byte
    against the best other choice: between lp_j*bytes_i/chars_j and lp_j*chars_i/chars_j."""
    i = r.choice([k for k, t in enumerate(texts) if not t.isascii()])
    others = [k for k in range(len(texts)) if k != i]
    j = max(others, key=lambda k: (lp[k] / len(texts[k]), -k))
    lo = lp[j] * len(texts[i].encode("utf-8")) / len(texts[j].encode("utf-8"))
    hi = lp[j] * len(texts[i]) / len(texts[j])
    lp[i] = round(r.uniform(lo + 0.2 * (hi - lo), hi - 0.2 * (hi - lo)), 4)


MISSED = []  # (source, scenario) pairs the redraws could not reach; reported by main()


def make_choices(r):
    items = build_mc_items(r)
    # rarest scenarios first, each on random items where it can hold; the rest stay "natural"
    plan = ["natural"] * len(items)
    wanted = [("char_vs_byte", N_CHAR_VS_BYTE)] + [(s_, c) for s_, c in SCENARIO_PLAN if s_ != "natural"]
    for scen, count in wanted:
        free = [k for k, it in enumerate(items) if plan[k] == "natural"
                and _feasible(scen, it[2], it[3], it[0] == "mmlu")]
        for k in r.sample(free, min(count, len(free))):
            plan[k] = scen
    # two exact ties between the gold and an earlier distractor (first-index tie-breaking decides them)
    tie_rows = set(r.sample([k for k, it in enumerate(items) if it[0] in ("arc", "capitals") and it[3] > 0
                             and plan[k] == "natural"], 2))
    rows, counters = [], {}
    for k, (src, q, texts, gold) in enumerate(items):
        tcs = [n_tokens(t) for t in texts]
        kind = "letter" if src == "mmlu" else "text" if src in ("hellaswag", "piqa") or max(tcs) > 4 else "entity"
        scen = plan[k]
        for _ in range(5000):
            lp, ulp = sample_logprobs(r, texts, tcs, gold, kind, P_KNOW[src])
            if scen == "char_vs_byte":
                _nudge_byte(r, lp, texts)
            if SCENARIOS[scen](picks(lp, ulp, texts, tcs), gold):
                break
        else:  # not reachable under this model for these texts: keep the last draw
            MISSED.append((src, scen))
        if k in tie_rows:
            d = r.randrange(gold)
            lp[d] = lp[gold] = max(lp)
        counters[src] = counters.get(src, 0) + 1
        rows.append({"id": f"{src}-{counters[src]:03d}", "question": q, "texts": texts, "gold": gold,
                     "logprobs": lp, "token_counts": tcs, "unconditioned_logprobs": ulp})
    return rows


# ---------------------------------------------------------------------------------------------------------
# Validation and output
# ---------------------------------------------------------------------------------------------------------
TASKS = ("gsm8k", "math", "triviaqa", "squad")
GEN_KEYS = ["id", "task", "question", "prediction", "references"]
MC_KEYS = ["id", "question", "texts", "gold", "logprobs", "token_counts", "unconditioned_logprobs"]


def validate_generations(rows):
    ids = set()
    for n, row in enumerate(rows):
        where = f"{GENERATIONS_FILE} row {n}"
        assert list(row) == GEN_KEYS, (where, list(row))
        assert isinstance(row["id"], str) and row["id"] and row["id"] not in ids, where
        ids.add(row["id"])
        assert row["task"] in TASKS, where
        assert isinstance(row["question"], str) and row["question"].strip(), where
        assert isinstance(row["prediction"], str), where
        refs = row["references"]
        assert isinstance(refs, list) and refs and all(isinstance(x, str) and x.strip() for x in refs), where
        if row["task"] == "gsm8k":
            assert len(refs) == 1 and re.search(r"\n#### \d+$", refs[0]), where
            assert "<<" in refs[0], where
        elif row["task"] == "math":
            assert len(refs) == 1 and "\\boxed{" in refs[0], where
        elif row["task"] == "triviaqa":
            assert len(refs) >= 2, where
        elif row["task"] == "squad":
            assert 1 <= len(refs) <= 3, where
            ctx = row["question"].split("\n\nBackground: ", 1)[1].split("\n\nQuestion: ", 1)[0]
            assert all(x in ctx for x in refs), (where, refs)


def validate_choices(rows):
    ids = set()
    for n, row in enumerate(rows):
        where = f"{CHOICES_FILE} row {n}"
        assert list(row) == MC_KEYS, (where, list(row))
        assert isinstance(row["id"], str) and row["id"] not in ids, where
        ids.add(row["id"])
        assert isinstance(row["question"], str) and row["question"].strip(), where
        t, lp, tc, u = row["texts"], row["logprobs"], row["token_counts"], row["unconditioned_logprobs"]
        k = len(t)
        assert k >= 2 and len(lp) == len(tc) == len(u) == k, where
        assert all(isinstance(x, str) and x and not x[0].isspace() for x in t), where
        assert len(set(t)) == k, (where, t)
        assert isinstance(row["gold"], int) and not isinstance(row["gold"], bool) and 0 <= row["gold"] < k, where
        assert all(isinstance(x, float) and math.isfinite(x) and x < 0 for x in lp + u), where
        assert all(isinstance(x, int) and x >= 1 for x in tc), where


def dump(path, rows):
    data = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows).encode("utf-8")
    with open(path, "wb") as f:
        f.write(data)
    return len(data)


def summary(gens, mcs):
    tasks = {t: sum(1 for g in gens if g["task"] == t) for t in TASKS}
    empty = sum(1 for g in gens if not g["prediction"].strip())
    lines = [f"generations per task: {tasks}; blank predictions: {empty}"]
    acc = {k: 0 for k in ("raw", "char", "byte", "token", "pmi")}
    flips = {"raw!=char": 0, "char!=token": 0, "char!=byte": 0, "raw!=pmi": 0, "exact ties": 0}
    for m in mcs:
        p = picks(m["logprobs"], m["unconditioned_logprobs"], m["texts"], m["token_counts"])
        for k in acc:
            acc[k] += p[k] == m["gold"]
        flips["raw!=char"] += p["raw"] != p["char"]
        flips["char!=token"] += p["char"] != p["token"]
        flips["char!=byte"] += p["char"] != p["byte"]
        flips["raw!=pmi"] += p["raw"] != p["pmi"]
        flips["exact ties"] += len(set(m["logprobs"])) < len(m["logprobs"])
    lines.append("choices accuracy by normalization: " + ", ".join(f"{k} {v / len(mcs):.3f}" for k, v in acc.items()))
    lines.append("choices whose pick differs: " + ", ".join(f"{k} {v}" for k, v in flips.items()))
    return "\n".join(lines)


def main(argv=None):
    gens = make_generations(random.Random(SEED))
    mcs = make_choices(random.Random(SEED + 1))  # own stream: editing one file's pools leaves the other alone
    if MISSED:
        print(f"note: {len(MISSED)} multiple-choice records kept a natural draw: {MISSED}")
    validate_generations(gens)
    validate_choices(mcs)
    for name, rows in ((GENERATIONS_FILE, gens), (CHOICES_FILE, mcs)):
        size = dump(os.path.join(HERE, name), rows)
        assert size < 400_000, (name, size)
        # read back exactly as evalmetrics.io does, and validate again
        with open(os.path.join(HERE, name), encoding="utf-8") as f:
            back = [json.loads(line) for line in f if line.strip()]
        assert back == rows
        print(f"wrote {name}: {len(rows)} rows, {size} bytes")
    print(summary(gens, mcs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
