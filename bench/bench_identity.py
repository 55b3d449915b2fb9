"""Identity resolution benchmark: 100,000 generated contact records with a known truth.

People are drawn from name lists with shared companies (Zipf-sized); about 30 % of them appear
in two or three sources, each copy with realistic damage: typos (a dropped, doubled, swapped
or replaced letter), case, accents, "Last, First" order, a middle initial, a company written
another way or missing, a work or a personal e-mail or none. Some different people share a
name and a company, as in life.

Compared in one run: Salon's resolution (exact e-mail keys, then fuzzy name + organisation at
the automatic threshold) and a plain exact-key baseline (same e-mail address = same person).
Reported: seconds, and pairwise precision and recall of the merges against the truth.
Usage: python bench/bench_identity.py [--records N] [--seed S]
"""

from __future__ import annotations

import argparse
import random
import time
import unicodedata
from collections import defaultdict
from itertools import combinations

from salon.identity import AUTO_MERGE, PersonFacts, duplicate_candidates, merge_plan

FIRST = (
    "James Mary John Patricia Robert Jennifer Michael Linda William Elizabeth David Barbara "
    "Richard Susan Joseph Jessica Thomas Sarah Charles Karen Daniel Nancy Matthew Lisa Anthony "
    "Betty Mark Margaret Donald Sandra Steven Ashley Paul Kimberly Andrew Emily Joshua Donna "
    "Kenneth Michelle Kevin Carol Brian Amanda George Melissa Timothy Deborah Ronald Stephanie "
    "Jason Rebecca Edward Sharon Jeffrey Laura Ryan Cynthia Jacob Amy Gary Kathleen Nicholas "
    "Angela Eric Shirley Jonathan Brenda Stephen Emma Larry Anna Justin Pamela Scott Nicole "
    "Brandon Samantha Benjamin Katherine Samuel Christine Gregory Helen Alexander Debra Patrick "
    "Rachel Frank Carolyn Raymond Janet Jack Maria Dennis Catherine Jerry Heather Tyler Diane "
    "Aaron Olivia José Julie Adam Joyce Nathan Victoria Henry Ruth Zachary Virginia Douglas "
    "Lauren Peter Kelly Kyle Christina Noah Joan Ethan Evelyn Jeremy Judith Walter Andrea "
    "Christian Hannah Keith Megan Roger Cheryl Terry Jacqueline Austin Martha Sean Madison "
    "Gerald Teresa Carl Gloria Harold Sara Dylan Janice Arthur Ann Lawrence Kathryn Jordan "
    "Abigail Jesse Sophia Bryan Frances Billy Jean Bruce Alice Gabriel Judy Joe Isabella Logan "
    "Julia Alan Grace Juan Amber Albert Denise Willie Danielle Elijah Marilyn Wayne Beverly "
    "Randy Charlotte Vincent Natalie Mason Theresa Roy Diana Ralph Brittany Bobby Doris Russell "
    "Kayla Bradley Alexis Philip Lori Eugene Marie Kabir Ana Chen Wei Aiko Søren Zoë Björn "
    "Oluwaseun Amara Priya Arjun Mei Hiroshi Fatima Omar Leila Mateo Lucía Inés Joaquín Dmitri "
    "Aarav Vivaan Aditya Vihaan Ananya Diya Saanvi Ishaan Rohan Neha Pooja Rahul Sanjay Sunita "
    "Wen Jing Hao Yan Xiu Lei Ming Yu Fang Jun Hana Yuki Haruto Sakura Ren Kaito Yui Minato "
    "Mohammed Ahmed Ali Hassan Yusuf Aisha Maryam Khadija Zainab Ibrahim Karim Samir Nadia "
    "Rania Lukas Leon Finn Jonas Felix Lena Mia Lea Hanna Emilia Paul Elias Noah Luisa Clara "
    "Marlene Lars Nils Erik Anders Ingrid Astrid Freya Sigrid Magnus Henrik Mette Kirsten "
    "Torben Jonna Giulia Francesca Alessandro Lorenzo Matteo Chiara Giorgia Davide Marco Simone "
    "Federica Camille Léa Manon Chloé Hugo Louis Théo Jules Inès Lucas Mathis Élodie Margaux "
    "Baptiste Santiago Valentina Camila Sebastián Diego Alejandro Martina Sofía Nicolás "
    "Gabriela Andrés Kwame Kofi Ama Abena Chidi Ngozi Emeka Adaeze Tunde Folake Thabo Lerato "
    "Sipho Naledi Zanele Olga Irina Sergei Anastasia Nikolai Tatiana Pavel Yulia Maksim "
    "Ekaterina Oleksandr Daria Mehmet Ayşe Emre Elif Burak Zeynep Can Selin Cem Deniz Aylin "
    "Kerem Ozan Ebru Serkan Derya Tomasz Agnieszka Piotr Katarzyna Krzysztof Małgorzata Jakub "
    "Zofia Wojciech Magdalena"
).split()
LAST = (
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez "
    "Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White "
    "Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres "
    "Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts "
    "Gomez Phillips Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris Morales "
    "Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos "
    "Kim Cox Ward Richardson Watson Brooks Chavez Wood James Bennett Gray Mendoza Ruiz Hughes "
    "Price Alvarez Castillo Sanders Patel Myers Long Ross Foster Jimenez Powell Jenkins Perry "
    "Russell Sullivan Bell Coleman Butler Henderson Barnes Gonzales Fisher Vasquez Simmons "
    "Romero Jordan Patterson Alexander Hamilton Graham Reynolds Griffin Wallace Moreno West "
    "Cole Hayes Bryant Herrera Gibson Ellis Tran Medina Aguilar Stevens Murray Ford Castro "
    "Marshall Owens Harrison Fernandez McDonald Woods Washington Kennedy Wells Vargas Henry "
    "Chen Freeman Webb Tucker Guzman Burns Crawford Olson Simpson Porter Hunter Gordon Mendez "
    "Silva Shaw Snyder Mason Dixon Muñoz Hunt Hicks Holmes Palmer Wagner Black Robertson Boyd "
    "Rose Stone Salazar Fox Warren Mills Meyer Rice Schmidt Garza Daniels Ferguson Nichols "
    "Stephens Soto Weaver Ryan Gardner Payne Grant Dunn Kelley Spencer Hawkins Arnold Pierce "
    "Hansen Peters Santos Hart Bradley Knight Elliott Cunningham Duncan Armstrong Hudson "
    "Carroll Lane Riley Andrews Dahlgaard Mehta Okafor Nakamura Müller Kowalski Novak Jensen "
    "Lindqvist Østergaard Ødegaard Yilmaz Haddad Rossi Bianchi Dubois Lefèvre Kuznetsov Ivanova "
    "Tanaka Sato Zhang Wang Liu Sharma Verma Gupta Singh Kumar Reddy Iyer Nair Joshi Desai "
    "Kapoor Chopra Malhotra Bose Das Banerjee Chatterjee Mukherjee Rao Pillai Menon Agarwal "
    "Bhatt Trivedi Pandey Mishra Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Lin Luo Gao Zheng "
    "Liang Xie Song Tang Han Feng Suzuki Takahashi Watanabe Ito Yamamoto Kobayashi Kato Yoshida "
    "Yamada Sasaki Yamaguchi Matsumoto Inoue Kimura Hayashi Shimizu Yamazaki Mori Abe Ikeda "
    "Hashimoto Ishikawa Ogawa Park Choi Jung Kang Cho Yoon Jang Lim Shin Han Oh Seo Kwon Hwang "
    "Ahn Song Jeon Hong Schneider Fischer Weber Becker Schulz Hoffmann Koch Richter Klein Wolf "
    "Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann Hartmann Lange Schmitt Werner "
    "Krause Meier Lehmann Larsen Nielsen Pedersen Andersen Christensen Rasmussen Jørgensen "
    "Madsen Kristensen Olsen Johansson Karlsson Nilsson Eriksson Larsson Persson Svensson "
    "Gustafsson Pettersson Berg Esposito Romano Colombo Ricci Marino Greco Bruno Gallo Conti "
    "DeLuca Mancini Costa Giordano Martin Bernard Thomas Petit Robert Richard Durand Leroy "
    "Moreau Simon Laurent Michel Garnier Fernández González Rodríguez López Martínez Sánchez "
    "Pérez Gómez Díaz Álvarez Romero Navarro Okonkwo Adeyemi Mensah Boateng Owusu Nkosi Dlamini "
    "Mokoena Banda Phiri Mwangi Otieno Kamau Popov Sokolov Lebedev Kozlov Novikov Morozov "
    "Petrov Volkov Solovyov Vasiliev Zaitsev Pavlov Kaya Demir Şahin Çelik Yıldız Yıldırım "
    "Öztürk Aydın Özdemir Arslan Doğan Kılıç Aslan Nowak Wiśniewski Wójcik Kowalczyk Kamiński "
    "Lewandowski Zieliński Szymański Woźniak Dąbrowski Cohen Levi Mizrahi Peretz Biton Dahan "
    "Avraham Friedman Katz Azoulay Shapiro Goldberg Klein"
).split()
WORDS = (
    "Acme Globex Initech Umbrella Stark Wayne Hooli Vandelay Soylent Cyberdyne Tyrell Wonka "
    "Gringotts Monarch Nimbus Stratus Quantile Northwind Contoso Fabrikam Tailspin Litware "
    "Proseware Adatum Woodgrove Lucerne Margie Fourth Coffee Wingtip Alpine Blue Yonder Trey "
    "Humongous Graphic Design Relecloud Southridge Bellows Datum Orbit Vertex Apex Summit "
    "Harbor Beacon Cedar Falcon Granite Horizon Ivory Juniper Keystone Lumen Meridian Nova Onyx "
    "Pioneer"
).split()
KINDS = ("Robotics Analytics Systems Labs Health Energy Capital Logistics Media Software").split()
SUFFIXES = ("Inc.", "Ltd", "GmbH", "LLC", "AG", "SA", "")


def company_names(rng: random.Random, n: int) -> list[str]:
    """``n`` distinct names such as "Cedar Nimbus Robotics" (words × words × kinds)."""
    names: set[str] = set()
    while len(names) < n:
        first, second = rng.sample(WORDS, 2)
        names.add(f"{first} {second} {rng.choice(KINDS)}")
    ordered = sorted(names)
    rng.shuffle(ordered)
    return ordered


def typo(rng: random.Random, word: str) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    match rng.randrange(4):
        case 0:
            return word[:i] + word[i + 1 :]
        case 1:
            return word[:i] + word[i] + word[i:]
        case 2:
            return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        case _:
            return word[:i] + rng.choice("aeiourstnl") + word[i + 1 :]


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def damaged_name(rng: random.Random, first: str, last: str) -> str:
    if rng.random() < 0.3:
        if rng.random() < 0.5:
            first = typo(rng, first)
        else:
            last = typo(rng, last)
    if rng.random() < 0.1:
        first, last = strip_accents(first), strip_accents(last)
    name = (
        f"{first} {rng.choice('ABCDEFGHJKLMNPRST')}. {last}"
        if rng.random() < 0.1
        else f"{first} {last}"
    )
    if rng.random() < 0.1:
        name = f"{last}, {first}"
    if rng.random() < 0.2:
        name = name.upper() if rng.random() < 0.5 else name.lower()
    return name


def damaged_company(rng: random.Random, company: str, suffix: str) -> tuple[str, ...]:
    roll = rng.random()
    if roll < 0.05:
        return ()
    if roll < 0.15:
        return (company.upper() if rng.random() < 0.5 else f"{company}, {suffix}".strip(", "),)
    return (f"{company} {suffix}".strip(),)


def generate(n_records: int, seed: int) -> tuple[list[PersonFacts], list[int]]:
    """Records and, for each, the true person it belongs to."""
    rng = random.Random(seed)
    companies = company_names(rng, 3000)
    weights = [1 / (rank + 1) ** 0.9 for rank in range(len(companies))]
    records: list[PersonFacts] = []
    truth: list[int] = []
    person = 0
    taken: set[str] = set()
    while len(records) < n_records:
        first, last = rng.choice(FIRST), rng.choice(LAST)
        company = rng.choices(companies, weights)[0]
        suffix = rng.choice(SUFFIXES)
        domain = strip_accents("".join(company.split()[:2]).lower()) + ".example"
        login = strip_accents(f"{first}.{last}".lower().replace(" ", ""))
        work = f"{login}@{domain}"
        n = 1
        while work in taken:  # addresses are unique: a second John Smith gets john.smith2@
            n += 1
            work = f"{login}{n}@{domain}"
        taken.add(work)
        copies = 1 + (rng.random() < 0.3) + (rng.random() < 0.1)
        for copy in range(copies):
            if len(records) >= n_records:
                break
            roll = rng.random()
            emails: tuple[str, ...] = ()
            if roll < 0.5:
                emails = (work,)
            elif roll < 0.7:
                emails = (f"{login}.{person}@gmail.com",)
            name = f"{first} {last}" if copy == 0 else damaged_name(rng, first, last)
            orgs = (
                (f"{company} {suffix}".strip(),)
                if copy == 0
                else damaged_company(rng, company, suffix)
            )
            records.append(PersonFacts(len(records), name, orgs, emails))
            truth.append(person)
        person += 1
    return records, truth


class UnionFind:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        self.parent[self.find(a)] = self.find(b)


def exact_keys(records: list[PersonFacts], uf: UnionFind) -> None:
    owner: dict[str, int] = {}
    for r in records:
        for email in r.emails:
            if email in owner:
                uf.union(owner[email], r.id)
            else:
                owner[email] = r.id


def pairwise(uf: UnionFind, truth: list[int]) -> tuple[float, float, int]:
    predicted, actual = defaultdict(list), defaultdict(list)
    for i, t in enumerate(truth):
        predicted[uf.find(i)].append(i)
        actual[t].append(i)
    predicted_pairs = {p for group in predicted.values() for p in combinations(group, 2)}
    true_pairs = {p for group in actual.values() for p in combinations(group, 2)}
    hits = len(predicted_pairs & true_pairs)
    precision = hits / len(predicted_pairs) if predicted_pairs else 1.0
    recall = hits / len(true_pairs) if true_pairs else 1.0
    return precision, recall, len(predicted_pairs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    records, truth = generate(args.records, args.seed)
    true_pairs = sum(len(g) * (len(g) - 1) // 2 for g in _groups(truth).values())
    print(f"{len(records):,} records of {len(set(truth)):,} people; {true_pairs:,} true pairs")

    start = time.perf_counter()
    baseline = UnionFind(len(records))
    exact_keys(records, baseline)
    base_seconds = time.perf_counter() - start

    start = time.perf_counter()
    salon = UnionFind(len(records))
    exact_keys(records, salon)
    by_email = _email_groups(records)
    for candidate in merge_plan(by_email, duplicate_candidates(by_email, min_score=AUTO_MERGE)):
        salon.union(candidate.a, candidate.b)
    salon_seconds = time.perf_counter() - start

    print(f"{'method':34} {'seconds':>8} {'precision':>10} {'recall':>8} {'pairs':>8}")
    for label, uf, seconds in (
        ("exact keys (same e-mail)", baseline, base_seconds),
        ("salon (exact + fuzzy name/org)", salon, salon_seconds),
    ):
        precision, recall, pairs = pairwise(uf, truth)
        print(f"{label:34} {seconds:8.2f} {precision:10.4f} {recall:8.4f} {pairs:8,}")
    print("targets: under 60 s on 2 cores, precision >= 0.99, recall >= 0.9")


def _email_groups(records: list[PersonFacts]) -> list[PersonFacts]:
    """Records already joined by a shared address become one person, as in the store."""
    uf = UnionFind(len(records))
    exact_keys(records, uf)
    groups: dict[int, list[PersonFacts]] = defaultdict(list)
    for r in records:
        groups[uf.find(r.id)].append(r)
    return [
        PersonFacts(
            members[0].id,
            members[0].name,
            tuple(o for m in members for o in m.organizations),
            tuple(sorted({e for m in members for e in m.emails})),
        )
        for members in groups.values()
    ]


def _groups(truth: list[int]) -> dict[int, list[int]]:
    groups: dict[int, list[int]] = defaultdict(list)
    for i, t in enumerate(truth):
        groups[t].append(i)
    return groups


if __name__ == "__main__":
    main()
