#!/usr/bin/env python3
"""Writes the hand-made partner deliveries of testdata/handmade/livraisons/.

The tables below are the hand-written specification of the 30 dossiers, their
events, funding lines, envelopes and DSN contracts (README.md explains each
case). This script only writes them out in the exact delivery formats
(dictionary.md section 1): CSV per partner and feed, with each partner's own
habits (encoding, line endings, date and decimal formats), and NEODeS files.
It computes no indicator: the expected marts are in expected/, worked out
from the hand-derived facts of expected/faits_*.csv.

Run from this folder: python3 livraisons.py
"""
import datetime as dt
import os

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "livraisons")

# --- identifiers ------------------------------------------------------------


def luhn_ok(s):
    total = 0
    for i, c in enumerate(reversed(s)):
        d = int(c)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def siret(siren8, nic4):
    """A Luhn-valid SIRET from 8 SIREN digits and 4 NIC digits (check digits added)."""
    for a in range(10):
        siren = siren8 + str(a)
        if luhn_ok(siren):
            break
    for b in range(10):
        s = siren + nic4 + str(b)
        if luhn_ok(s):
            return s
    raise ValueError


def nir(body):
    """body: 13 characters; returns body + key (97 - n mod 97, 2A -> 19, 2B -> 18)."""
    digits = body
    if body[5:7] == "2A":
        digits = body[:5] + "19" + body[7:]
    elif body[5:7] == "2B":
        digits = body[:5] + "18" + body[7:]
    return body + "%02d" % (97 - int(digits) % 97)


OF = {"OF1": siret("41234567", "0001"), "OF2": siret("52345678", "0001"), "OF3": siret("63456789", "0002")}
EMP = {  # employer establishments: SIRET, NAF
    "E_BTP1": (siret("70000001", "0001"), "4120A"),
    "E_BTP2": (siret("70000002", "0001"), "4321A"),
    "E_BTP3": (siret("70000003", "0001"), "4399C"),
    "E_BTP4": (siret("70000004", "0001"), "4332A"),
    "E_HOP": (siret("70000005", "0001"), "8610Z"),
    "E_INT": (siret("70000006", "0001"), "7820Z"),
    "E_SHOP1": (siret("70000007", "0001"), "4711D"),
    "E_SHOP2": (siret("70000008", "0001"), "4711D"),
    "E_SHOP3": (siret("70000009", "0001"), "4719B"),
    "E_TRANS": (siret("70000010", "0001"), "5210B"),
    "E_REST": (siret("70000011", "0001"), "5610A"),
    "E_SOC": (siret("70000012", "0001"), "8810A"),
    "E_EHPAD2": (siret("70000013", "0001"), "8710A"),
    "E_INFO1": (siret("70000014", "0001"), "6201Z"),
    "E_INFO2": (siret("70000015", "0001"), "6202A"),
    "E_INFO3": (siret("70000016", "0001"), "6311Z"),
    "E1": (siret("80000001", "0001"), "8710A"),  # declares in NEODeS
}

# Persons: sex, birth date, NIR body without key (sex, yy, mm, dept, commune, order).
PERSONS = {
    "P01": ("1", "1993-06-15", "1930669123001"),
    "P02": ("2", "1999-11-20", "2991169123002"),
    "P03": ("1", "1978-02-10", "178022A004012"),
    "P04": ("2", "1988-07-01", "2880769123004"),
    "P05": ("2", "1971-12-03", "2711269123005"),
    "P06": ("1", "2001-08-30", "1010869123006"),
    "P07": ("2", "1983-05-05", "2830569123007"),
    "P08": ("1", "1995-10-10", "1951069123008"),
    "P09": ("2", "1992-04-01", "2920475123009"),
    "P10": ("1", "1964-09-09", "1640975123010"),
    "P11": ("2", "1995-12-24", "2951275123011"),
    "P12": ("1", "1979-06-30", "1790669123012"),
    "P13": ("2", "1999-01-15", "2990169123013"),
    "P14": ("2", "1976-03-03", "2760369123014"),
    "P15": ("1", "1988-02-29", "1880269123015"),
    "P16": ("1", "1990-10-01", "1901075123016"),
    "P17": ("2", "1994-08-08", "2940875123017"),
    "P18": ("1", "1973-01-20", "1730169123018"),
    "P19": ("1", "1986-04-04", "1860469123019"),
    "P20": ("2", "2001-02-02", "2010275123020"),
    "P21": ("1", "1982-11-11", "1821175123021"),
    "P22": ("1", "2005-01-10", "1050175123022"),
    "P23": ("2", "1990-07-07", "2900769123023"),
    "P24": ("1", "1998-03-11", "1980369123024"),
    "P25": ("2", "1998-05-20", "2980569123025"),
    "P26": ("1", "1992-12-12", "1921269123026"),
    "P27": ("2", "1987-09-19", "2870975123027"),
    "P28": ("1", "1984-06-06", "1840675123028"),
    "P29": ("2", "1993-03-03", "2930369123029"),
}
NIR = {p: nir(v[2]) for p, v in PERSONS.items()}

# --- dossiers ---------------------------------------------------------------
# id, sender, person, situation, scheme, OF, formacode, NSF, certification,
# region, planned hours, planned start, planned end
DOSSIERS = [
    ("PRF-D01", "REG-84", "P01", "DE", "PRF", "OF1", "22435", "233", "RNCP35001", "84", 420, "2023-09-04", "2024-01-31"),
    ("PRF-D02", "REG-84", "P02", "DE", "PRF", "OF1", "22435", "233", "RNCP35001", "84", 380, "2023-10-02", "2024-02-29"),
    ("PRF-D03", "REG-84", "P03", "SAL", "PRF", "OF1", "22454", "233", "RNCP35002", "84", 400, "2023-11-06", "2024-03-29"),
    ("PRF-D04", "REG-84", "P04", "DE", "PRF", "OF2", "43441", "331", "RNCP36004", "84", 500, "2024-01-08", "2024-06-28"),
    ("PRF-D05", "REG-84", "P05", "INA", "PRF", "OF2", "43441", "331", "RNCP36004", "84", 350, "2024-01-08", "2024-05-31"),
    ("PRF-D06", "REG-84", "P06", "DE", "PRF", "OF2", "43448", "331", "RNCP36005", "84", 450, "2024-02-05", "2024-07-31"),
    ("PRF-D07", "REG-84", "P07", "DE", "PRF", "OF2", "43448", "331", "RNCP36005", "84", 450, "2024-01-15", "2024-06-28"),
    ("PRF-D20", "REG-84", "P19", "DE", "PRF", "OF1", "22435", "233", "RNCP35001", "84", 480, "2024-11-04", "2025-04-30"),
    ("PRF-D24", "REG-84", "P23", "DE", "PRF", "OF2", "43441", "331", "RNCP36004", "84", 360, "2023-09-11", "2024-02-23"),
    ("PRF-D27", "REG-84", "P26", "DE", "PRF", "OF1", "22454", "233", "RNCP35002", "84", 300, "2024-01-08", "2024-05-31"),
    ("AIF-D08", "FT", "P08", "DE", "AIF", "OF3", "34566", "311", "RNCP37008", "84", 300, "2024-03-04", "2024-08-30"),
    ("AIF-D09", "FT", "P09", "DE", "AIF", "OF3", "34566", "311", "RNCP37008", "11", 250, "2024-01-08", "2024-05-31"),
    ("AIF-D10", "FT", "P10", "DE", "AIF", "OF3", "31854", "311", "RNCP37010", "11", 280, "2023-03-06", "2023-06-30"),
    ("AIF-D11", "FT", "P11", "ETU", "AIF", "OF3", "15061", "100", "", "11", 240, "2023-02-06", "2023-06-30"),
    ("AIF-D12", "FT", "P12", "DE", "AIF", "OF1", "22435", "233", "RNCP35001", "84", 350, "2024-02-12", "2024-06-14"),
    ("AIF-D13", "FT", "P13", "DE", "AIF", "OF1", "22435", "233", "RNCP35001", "84", 420, "2024-04-02", "2024-10-31"),
    ("AIF-D14", "FT", "P14", "SAL", "AIF", "OF2", "43448", "331", "RNCP36005", "84", 150, "2024-01-22", "2024-03-29"),
    ("AIF-D15", "FT", "P15", "DE", "AIF", "OF2", "43448", "331", "RNCP36005", "84", 300, "2024-09-02", "2024-12-20"),
    ("AIF-D21", "FT", "P20", "DE", "AIF", "OF3", "34566", "311", "RNCP37008", "11", 280, "2024-09-02", "2024-12-20"),
    ("AIF-D23", "FT", "P22", "DE", "AIF", "OF3", "34566", "311", "", "11", 260, "2024-02-05", "2024-05-31"),
    ("AIF-D25", "FT", "P24", "DE", "AIF", "OF1", "22454", "233", "RNCP35002", "84", 320, "2024-03-11", "2024-07-12"),
    ("AIF-D28", "FT", "P27", "DE", "AIF", "OF3", "34566", "311", "RNCP37008", "11", 290, "2024-02-19", "2024-06-21"),
    ("AIF-D30", "FT", "P29", "DE", "AIF", "OF2", "43441", "331", "RNCP36004", "84", 330, "2023-05-02", "2023-11-30"),
    ("CPF-D16", "CDC", "P16", "SAL", "CPF", "OF3", "31054", "326", "RS5678", "11", 35, "2024-01-15", "2024-02-16"),
    ("CPF-D17", "CDC", "P17", "SAL", "CPF", "OF3", "31054", "326", "RNCP37016", "11", 40, "2024-03-04", "2024-03-29"),
    ("CPF-D18", "CDC", "P18", "SAL", "CPF", "OF1", "22454", "233", "RNCP35002", "84", 120, "2023-04-03", "2023-09-29"),
    ("CPF-D19", "CDC", "P01", "SAL", "CPF", "OF1", "22454", "233", "RNCP35002", "84", 21, "2024-09-02", "2024-09-27"),
    ("CPF-D22", "CDC", "P21", "SAL", "CPF", "OF3", "31054", "326", "RNCP37016", "11", 70, "2024-05-06", "2024-06-28"),
    ("CPF-D26", "CDC", "P25", "SAL", "CPF", "OF1", "22454", "233", "RNCP35002", "84", 60, "2024-05-13", "2024-07-05"),
    ("CPF-D29", "CDC", "P28", "SAL", "CPF", "OF3", "31054", "326", "RNCP37016", "11", 28, "2024-02-05", "2024-03-15"),
]
# PRF-D02 is first sent with the wrong organisation and region, corrected 15 days later.
D02_FIRST = {"OF": "OF2", "region": "11"}
# A dossier with an invalid NIR key: quarantined (BAD_NIR) in FT's file.
BAD_NIR_DOSSIER = ("AIF-D31", "FT", "P31", "DE", "AIF", "OF3", "34566", "311", "RNCP37008", "11", 200, "2024-06-03", "2024-09-27")
BAD_NIR = "1850575123031" + "00"  # the right key is not 00

# Lines with several faults. A rejected line is one quarantined row in `agora land`, whatever
# the number of its faults, and counts once under each rule it breaks (qualite_partenaire,
# qualite_rejets), however many of its columns break it.
# The exit of PRF-D06 typed again carelessly, appended to REG-84's events (file 05, line 26):
# four faults, two rules: type, motif and certification in lower case (UNKNOWN_CODE, three
# columns) and a 32nd of July (BAD_DATE). One rejected line of REG-84: UNKNOWN_CODE 1, BAD_DATE 1.
MANY_FAULTS_EVENT = ["PRF-D06", "REG-84", "sortie", "2024-07-32", "fin", "o", "2024-08-10T08:00:00"]
# A contract-month of P06 appended to the DSN extract (file 16, last line): NIR key wrong
# (BAD_NIR), month 13 (BAD_DATE), contract nature 99 (UNKNOWN_CODE). The DSN names no funder:
# one rejected line of INCONNU, a DSN line: BAD_NIR 1, BAD_DATE 1, UNKNOWN_CODE 1.
MANY_FAULTS_DSN = [PERSONS["P06"][2] + "00", "2024-13", EMP["E1"][0], EMP["E1"][1], "99", "2024-09-16", "", "",
                   "151.67", "E1-006"]  # a key is 97 - n mod 97, from 1 to 97: never 00

# --- events -------------------------------------------------------------------
# id, type, date, motif, certification obtained
EVENTS = {
    "REG-84": [
        ("PRF-D01", "ENTREE", "2023-09-04", "", ""), ("PRF-D01", "SORTIE", "2024-01-31", "FIN", "O"),
        ("PRF-D02", "ENTREE", "2023-10-02", "", ""), ("PRF-D02", "SORTIE", "2024-02-29", "FIN", "O"),
        ("PRF-D03", "ENTREE", "2023-11-06", "", ""), ("PRF-D03", "SORTIE", "2024-03-29", "ABANDON", "N"),
        ("PRF-D04", "ENTREE", "2024-01-08", "", ""), ("PRF-D04", "INTERRUPTION", "2024-02-05", "", ""),
        ("PRF-D04", "REPRISE", "2024-02-19", "", ""), ("PRF-D04", "SORTIE", "2024-03-01", "ABANDON", ""),
        ("PRF-D04", "REPRISE", "2024-03-18", "", ""), ("PRF-D04", "SORTIE", "2024-06-28", "FIN", "O"),
        ("PRF-D05", "ENTREE", "2024-01-08", "", ""), ("PRF-D05", "ANNULATION", "2024-01-20", "", ""),
        ("PRF-D06", "ENTREE", "2024-02-05", "", ""), ("PRF-D06", "SORTIE", "2024-07-31", "FIN", "O"),
        ("PRF-D07", "ENTREE", "2024-01-15", "", ""), ("PRF-D07", "SORTIE", "2024-06-28", "FIN", "O"),
        ("PRF-D20", "ENTREE", "2024-11-04", "", ""),
        ("PRF-D24", "ENTREE", "2023-09-11", "", ""), ("PRF-D24", "SORTIE", "2024-02-23", "FIN", "O"),
        ("PRF-D27", "ENTREE", "2024-01-08", "", ""), ("PRF-D27", "SORTIE", "2024-04-26", "EXCLUSION", "N"),
        ("PRF-X99", "ENTREE", "2024-03-04", "", ""),  # orphan: no such dossier
    ],
    "FT": [
        ("AIF-D08", "ENTREE", "2024-03-04", "", ""), ("AIF-D08", "SORTIE", "2024-08-30", "FIN", "N"),
        ("AIF-D09", "ENTREE", "2024-01-08", "", ""), ("AIF-D09", "SORTIE", "2024-04-30", "EMPLOI", ""),
        ("AIF-D10", "ENTREE", "2023-03-06", "", ""), ("AIF-D10", "SORTIE", "2023-06-30", "FIN", "O"),
        ("AIF-D11", "ENTREE", "2023-02-06", "", ""), ("AIF-D11", "SORTIE", "2023-05-31", "ABANDON", "N"),
        ("AIF-D12", "ENTREE", "2024-02-12", "", ""), ("AIF-D12", "SORTIE", "2024-06-14", "FIN", "O"),
        ("AIF-D13", "ENTREE", "2024-04-02", "", ""), ("AIF-D13", "SORTIE", "2024-10-31", "FIN", "O"),
        ("AIF-D14", "ENTREE", "2024-01-22", "", ""), ("AIF-D14", "SORTIE", "2024-03-29", "FIN", "O"),
        ("AIF-D15", "ENTREE", "2024-09-02", "", ""), ("AIF-D15", "SORTIE", "2024-12-20", "FIN", "O"),
        ("AIF-D23", "ENTREE", "2024-02-05", "", ""), ("AIF-D23", "SORTIE", "2024-05-31", "FIN", "N"),
        ("AIF-D25", "ENTREE", "2024-03-11", "", ""), ("AIF-D25", "SORTIE", "2024-07-12", "FIN", "O"),
        ("AIF-D28", "ENTREE", "2024-02-19", "", ""), ("AIF-D28", "SORTIE", "2024-06-21", "FIN", "O"),
        ("AIF-D30", "ENTREE", "2023-05-02", "", ""), ("AIF-D30", "SORTIE", "2023-11-30", "FIN", "O"),
    ],
    "CDC": [
        ("CPF-D16", "ENTREE", "2024-01-15", "", ""), ("CPF-D16", "SORTIE", "2024-02-16", "FIN", "O"),
        ("CPF-D17", "ENTREE", "2024-03-04", "", ""), ("CPF-D17", "SORTIE", "2024-03-29", "FIN", "O"),
        ("CPF-D18", "ENTREE", "2023-04-03", "", ""), ("CPF-D18", "SORTIE", "2023-09-29", "FIN", "O"),
        ("CPF-D19", "ENTREE", "2024-09-02", "", ""), ("CPF-D19", "SORTIE", "2024-09-27", "FIN", "O"),
        ("CPF-D22", "ENTREE", "2024-05-06", "", ""), ("CPF-D22", "SORTIE", "2024-06-28", "FIN", "O"),
        ("CPF-D26", "ENTREE", "2024-05-13", "", ""), ("CPF-D26", "SORTIE", "2024-07-05", "FIN", "O"),
        ("CPF-D29", "ENTREE", "2024-02-05", "", ""), ("CPF-D29", "SORTIE", "2024-03-15", "FIN", "O"),
        ("CPF-D29", "SORTIE", "2024-03-16", "FINI", "O"),  # unknown exit reason: quarantined (UNKNOWN_CODE)
    ],
}
# Days between an event and its transmission, per partner; exceptions by (id, type, date).
DELAY = {"REG-84": 10, "FT": 20, "CDC": 3}
DELAY_EXCEPT = {("PRF-D05", "ANNULATION", "2024-01-20"): 45, ("AIF-D15", "SORTIE", "2024-12-20"): 40}
# PRF-D03's exit is corrected (motif FIN instead of ABANDON) on 2024-06-10, 63 days after its first transmission.
D03_CORRECTION = ("PRF-D03", "SORTIE", "2024-03-29", "FIN", "N", "2024-06-10T08:00:00")

# --- funding ------------------------------------------------------------------
# dossier, dossier sender, payer, cost type, committed, commitment date, realised, realisation date
FUNDING = {
    "REG-84": [
        ("PRF-D01", "REG-84", "REG-84", "PEDAGOGIQUE", "5000.00", "2023-09-01", "", ""),  # corrected below
        ("PRF-D01", "REG-84", "FT", "REMUNERATION", "2400.00", "2023-09-01", "2400.00", "2024-02-05"),
        ("PRF-D02", "REG-84", "REG-84", "PEDAGOGIQUE", "4800.00", "2023-10-02", "4800.00", "2024-03-15"),
        ("PRF-D03", "REG-84", "REG-84", "PEDAGOGIQUE", "5000.00", "2023-11-06", "", ""),
        ("PRF-D04", "REG-84", "REG-84", "PEDAGOGIQUE", "6000.00", "2024-01-08", "3000.00", "2024-04-01"),
        ("PRF-D05", "REG-84", "REG-84", "PEDAGOGIQUE", "4500.00", "2024-01-08", "", ""),
        ("PRF-D06", "REG-84", "REG-84", "PEDAGOGIQUE", "5500.00", "2024-02-05", "5500.00", "2024-08-30"),
        ("PRF-D07", "REG-84", "REG-84", "PEDAGOGIQUE", "5500.00", "2024-01-15", "5500.00", "2024-07-15"),
        ("PRF-D20", "REG-84", "REG-84", "PEDAGOGIQUE", "6000.00", "2024-11-04", "", ""),
        ("PRF-D24", "REG-84", "REG-84", "PEDAGOGIQUE", "4000.00", "2023-09-11", "4000.00", "2024-03-01"),
        ("PRF-D27", "REG-84", "REG-84", "PEDAGOGIQUE", "3000.00", "2024-01-08", "1500.00", "2024-05-15"),
    ],
    "FT": [
        ("AIF-D08", "FT", "FT", "PEDAGOGIQUE", "3500,00", "2024-03-04", "3500,00", "2024-09-15"),
        ("AIF-D09", "FT", "FT", "PEDAGOGIQUE", "2800,00", "2024-01-08", "2000,00", "2024-05-10"),
        ("AIF-D10", "FT", "FT", "PEDAGOGIQUE", "3000,00", "2023-03-06", "3000,00", "2023-07-20"),
        ("AIF-D11", "FT", "FT", "PEDAGOGIQUE", "2500,00", "2023-02-06", "1200,00", "2023-06-15"),
        ("AIF-D12", "FT", "FT", "PEDAGOGIQUE", "4200,00", "2024-02-12", "4200,00", "2024-07-01"),
        ("AIF-D12", "FT", "REG-84", "ANNEXE", "600,00", "2024-02-12", "", ""),
        ("AIF-D13", "FT", "FT", "PEDAGOGIQUE", "4000,00", "2024-04-02", "", ""),
        ("AIF-D14", "FT", "FT", "PEDAGOGIQUE", "2000,00", "2024-01-22", "2000,00", "2024-04-15"),
        ("AIF-D15", "FT", "FT", "PEDAGOGIQUE", "3200,00", "2024-09-02", "", ""),
        ("AIF-D21", "FT", "FT", "PEDAGOGIQUE", "3000,00", "2024-08-20", "", ""),
        ("AIF-D23", "FT", "FT", "PEDAGOGIQUE", "2600,00", "2024-02-05", "2600,00", "2024-06-20"),
        ("AIF-D25", "FT", "FT", "PEDAGOGIQUE", "3800,00", "2024-03-11", "3800,00", "2024-08-01"),
        ("AIF-D28", "FT", "FT", "PEDAGOGIQUE", "2900,00", "2024-02-19", "2900,00", "2024-07-10"),
        ("AIF-D30", "FT", "FT", "PEDAGOGIQUE", "3300,00", "2023-05-02", "3300,00", "2023-12-20"),
        ("AIF-999", "FT", "FT", "PEDAGOGIQUE", "1000,00", "2024-03-01", "", ""),  # orphan: no such dossier
    ],
    "CDC": [
        ("CPF-D16", "CDC", "CDC", "PEDAGOGIQUE", "1500.00", "2024-01-15", "1500.00", "2024-02-20"),
        ("CPF-D16", "CDC", "ENT", "PEDAGOGIQUE", "500.00", "2024-01-15", "500.00", "2024-02-20"),
        ("CPF-D17", "CDC", "CDC", "PEDAGOGIQUE", "1200.00", "2024-03-04", "1200.00", "2024-04-02"),
        ("CPF-D18", "CDC", "CDC", "PEDAGOGIQUE", "2000.00", "2023-04-03", "2000.00", "2023-10-05"),
        ("CPF-D19", "CDC", "CDC", "PEDAGOGIQUE", "900.00", "2024-09-02", "900.00", "2024-10-01"),
        ("CPF-D22", "CDC", "CDC", "PEDAGOGIQUE", "1800.00", "2024-05-06", "1800.00", "2024-07-05"),
        ("CPF-D26", "CDC", "CDC", "PEDAGOGIQUE", "1600.00", "2024-05-13", "1600.00", "2024-07-12"),
        ("CPF-D29", "CDC", "CDC", "PEDAGOGIQUE", "1400.00", "2024-02-05", "1400.00", "2024-03-20"),
    ],
}
# PRF-D01's pedagogical line is corrected on 2024-02-15 (committed 5200, realised 5200).
D01_CORRECTION = ("PRF-D01", "REG-84", "REG-84", "PEDAGOGIQUE", "5200.00", "2023-09-01", "5200.00", "2024-02-10")

# --- envelopes ----------------------------------------------------------------
ENVELOPES_REG = [("REG-84", "PRF", 2023, "20000.00"), ("REG-84", "PRF", 2024, "40000.00")]
ENVELOPES_FT_1 = [("FT", "AIF", 2023, "10000,00"), ("FT", "AIF", 2024, "25000,00"), ("FT", "AFC", 2024, "50000,00")]
ENVELOPES_FT_2 = [("FT", "AIF", 2024, "30000,00")]  # supersedes 25000

# --- DSN contracts -------------------------------------------------------------
# person, employer, nature, id, start, planned end, actual end, hours per month
CONTRACTS = [
    ("P01", "E_BTP1", "01", "C01", "2024-03-15", "", "", "151.67"),
    ("P02", "E_BTP1", "02", "C02", "2024-04-01", "2024-08-31", "", "151.67"),   # CDD of 5 months
    ("P03", "E_BTP2", "01", "C03A", "2015-05-01", "", "2023-10-31", "151.67"),
    ("P03", "E_BTP1", "02", "C03B", "2024-05-01", "2024-10-31", "", "151.67"),  # CDD of 6 months
    ("P04", "E_HOP", "02", "C04A", "2024-10-01", "2025-03-31", "", "80"),
    ("P04", "E_INT", "03", "C04B", "2024-09-02", "2024-09-27", "2024-09-27", "140"),
    ("P04", "E_INT", "03", "C04C", "2024-12-02", "2024-12-20", "2024-12-20", "120"),  # two jobs in 2024-12
    ("P05", "E_HOP", "01", "C05", "2010-01-01", "", "", "151.67"),  # cancelled dossier: never used
    ("P06", "E1", "01", "E1-006", "2024-09-16", "", "", "151.67"),   # 2024-09..11 in NEODeS, then tabular
    ("P07", "E1", "02", "E1-007", "2024-09-02", "2025-02-28", "", "151.67"),  # 6 months minus a day
    ("P08", "E_SHOP1", "01", "C08", "2025-01-06", "", "", "151.67"),
    ("P09", "E_SHOP2", "01", "C09", "2024-04-22", "", "", "151.67"),
    ("P10", "E_INT", "03", "C10A", "2023-09-04", "2023-09-29", "2023-09-29", "140"),
    ("P10", "E_TRANS", "02", "C10B", "2024-05-02", "2025-05-01", "", "151.67"),
    ("P11", "E_REST", "02", "C11", "2023-07-03", "2023-12-31", "", "120"),
    ("P12", "E_SHOP2", "01", "C12", "2024-09-02", "", "", "151.67"),
    ("P13", "E_BTP1", "02", "C13", "2025-01-06", "2025-03-07", "", "151.67"),
    ("P14", "E_SOC", "01", "C14", "2019-09-01", "", "", "120"),
    ("P16", "E_INFO1", "01", "C16", "2018-02-01", "", "", "151.67"),
    ("P17", "E_INFO2", "01", "C17A", "2020-06-01", "", "2024-05-31", "151.67"),
    ("P17", "E_INT", "03", "C17B", "2024-09-09", "2025-04-30", "", "151.67"),  # mission of 7 months: durable
    ("P18", "E_BTP2", "01", "C18", "2012-01-01", "", "", "151.67"),
    ("P21", "E_INFO1", "01", "C21", "2024-09-02", "", "", "151.67"),
    ("P23", "E_EHPAD2", "02", "C23", "2024-04-02", "2024-12-31", "", "120"),
    ("P24", "E_BTP1", "02", "C24", "2024-10-01", "2024-12-20", "", "151.67"),
    ("P25", "E_REST", "01", "C25", "2021-09-01", "", "", "151.67"),
    ("P27", "E_SHOP1", "02", "C27A", "2024-08-01", "2024-12-31", "", "60"),
    ("P27", "E_SHOP3", "02", "C27B", "2024-09-01", "2024-11-30", "", "90"),
    ("P28", "E_INFO1", "01", "C28A", "2021-01-04", "", "", "75.83"),
    ("P28", "E_INFO3", "01", "C28B", "2024-05-06", "", "", "75.83"),  # same hours, more recent start
    ("P29", "E_SOC", "01", "C29", "2024-01-08", "", "", "120"),
]
# Rows of the tabular extract sent again, each in a later file of its own, with
# corrected hours: same key (person, month, employer, contract, start), so the
# later landing wins. (person, contract id, month, corrected hours, file)
DSN_CORRECTIONS = [("P09", "C09", "2024-10", "120", "22_dsn_extrait_rectificatif_p09.csv"),
                   ("P14", "C14", "2024-09", "100", "23_dsn_extrait_rectificatif_p14.csv")]
FIRST_MONTH, LAST_MONTH = "2022-12", "2025-03"  # the DSN delivered covers these months
NEODES_MONTHS = {"2024-09", "2024-10", "2024-11"}  # E1 declares these months in NEODeS


def months(a, b):
    y, m = int(a[:4]), int(a[5:7])
    while "%04d-%02d" % (y, m) <= b:
        yield "%04d-%02d" % (y, m)
        m += 1
        if m == 13:
            y, m = y + 1, 1


def contract_months(c):
    start = c[4][:7]
    end = (c[6] or c[5] or "9999-12")[:7]
    return [m for m in months(max(start, FIRST_MONTH), min(end, LAST_MONTH))]


# --- writing ------------------------------------------------------------------


def iso_to_fr(d):
    return d[8:10] + "/" + d[5:7] + "/" + d[0:4] if d else ""


def write(name, header, rows, encoding="utf-8", newline="\n", bom=False):
    path = os.path.join(OUT, name)
    text = newline.join([";".join(header)] + [";".join(str(x) for x in r) for r in rows]) + newline
    data = text.encode(encoding)
    if bom:
        data = b"\xef\xbb\xbf" + data
    with open(path, "wb") as f:
        f.write(data)


def ts(date, days=0, hour="09:00:00"):
    d = dt.date.fromisoformat(date) + dt.timedelta(days=days)
    return d.isoformat() + "T" + hour


DOSSIER_HEADER = ["id_dossier", "code_financeur", "nir", "sexe", "date_naissance", "situation_avant",
                  "code_dispositif", "siret_of", "formacode", "code_nsf", "code_certification",
                  "region_formation", "heures_prevues", "date_debut_prevue", "date_fin_prevue", "date_transmission"]


def dossier_row(d, fr=False, override=None, nir_value=None, person=None):
    (ident, sender, p, situ, scheme, of, formacode, nsf, cert, region, hours, start, end) = d
    if override:
        of, region = override["OF"], override["region"]
    sex, birth, _ = PERSONS[p] if p in PERSONS else ("1", "1985-05-05", "")
    conv = iso_to_fr if fr else (lambda x: x)
    return [ident, sender, nir_value or NIR[p], sex, conv(birth), situ, scheme, OF[of], formacode, nsf, cert,
            region, hours, conv(start), conv(end), ts(start, -20)]


def main():
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        os.remove(os.path.join(OUT, f))
    by = lambda s: [d for d in DOSSIERS if d[1] == s]

    # dossiers: REG-84 (UTF-8, LF) in two transmissions; FT (Windows-1252, CRLF, JJ/MM/AAAA, an
    # extra column); CDC (UTF-8 with BOM, CRLF).
    reg = by("REG-84")
    v1 = [dossier_row(d, override=D02_FIRST if d[0] == "PRF-D02" else None) for d in reg if d[0] != "PRF-D20"]
    write("01_dossiers_reg84_2023-12.csv", DOSSIER_HEADER, v1)
    d02 = next(d for d in reg if d[0] == "PRF-D02")
    d20 = next(d for d in reg if d[0] == "PRF-D20")
    r02 = dossier_row(d02)
    r02[-1] = ts(d02[11], -5)  # 15 days after the first transmission
    write("02_dossiers_reg84_2024-10.csv", DOSSIER_HEADER, [r02, dossier_row(d20)])
    ft_rows = [dossier_row(d, fr=True) + ["Formation réalisée en région"] for d in by("FT")]
    bad = list(dossier_row(BAD_NIR_DOSSIER, fr=True, nir_value=BAD_NIR)) + ["NIR mal saisi à l'accueil"]
    ft_rows.insert(5, bad)
    write("03_dossiers_ft.csv", DOSSIER_HEADER + ["commentaire"], ft_rows, encoding="cp1252", newline="\r\n")
    write("04_dossiers_cdc.csv", DOSSIER_HEADER, [dossier_row(d) for d in by("CDC")], newline="\r\n", bom=True)

    # events: one row per event, transmitted DELAY days later at 08:00.
    ev_header = ["id_dossier", "code_financeur", "type_evenement", "date_evenement", "motif_sortie",
                 "certification_obtenue", "date_transmission"]
    for n, (sender, fname, fr, enc, nl) in enumerate([
            ("REG-84", "05_evenements_reg84.csv", False, "utf-8", "\n"),
            ("FT", "06_evenements_ft.csv", True, "cp1252", "\r\n"),
            ("CDC", "07_evenements_cdc.csv", False, "utf-8", "\n")]):
        rows = []
        for (ident, typ, date, motif, cert) in EVENTS[sender]:
            delay = DELAY_EXCEPT.get((ident, typ, date), DELAY[sender])
            rows.append([ident, sender, typ, iso_to_fr(date) if fr else date, motif, cert, ts(date, delay, "08:00:00")])
        if sender == "REG-84":
            rows.append(MANY_FAULTS_EVENT)
        write(fname, ev_header, rows, encoding=enc, newline=nl)
    c = D03_CORRECTION
    write("08_evenements_reg84_correction.csv", ev_header, [[c[0], "REG-84", c[1], c[2], c[3], c[4], c[5]]])

    # funding
    fin_header = ["id_dossier", "code_financeur_dossier", "code_financeur", "type_cout", "montant_engage",
                  "date_engagement", "montant_realise", "date_realisation", "date_transmission"]
    for sender, fname, fr, enc, nl in [("REG-84", "09_financements_reg84.csv", False, "utf-8", "\n"),
                                       ("FT", "10_financements_ft.csv", True, "cp1252", "\r\n"),
                                       ("CDC", "11_financements_cdc.csv", False, "utf-8", "\n")]:
        rows = []
        for (ident, ds, payer, typ, eng, deng, real, dreal) in FUNDING[sender]:
            conv = iso_to_fr if fr else (lambda x: x)
            rows.append([ident, ds, payer, typ, eng, conv(deng), real, conv(dreal), ts(deng, 9, "10:00:00")])
        write(fname, fin_header, rows, encoding=enc, newline=nl)
    c = D01_CORRECTION
    write("12_financements_reg84_correction.csv", fin_header, [list(c) + ["2024-02-15T10:00:00"]])

    # envelopes
    env_header = ["code_financeur", "code_dispositif", "annee", "montant", "date_transmission"]
    write("13_enveloppes_reg84.csv", env_header, [list(e) + ["2023-01-15T12:00:00"] for e in ENVELOPES_REG])
    write("14_enveloppes_ft.csv", env_header, [list(e) + ["2023-01-20T12:00:00"] for e in ENVELOPES_FT_1],
          encoding="cp1252", newline="\r\n")
    write("15_enveloppes_ft_rectificatif.csv", env_header, [list(e) + ["2024-06-30T12:00:00"] for e in ENVELOPES_FT_2],
          encoding="cp1252", newline="\r\n")

    # DSN, tabular extract: every month of every contract between FIRST_MONTH and LAST_MONTH,
    # except E1's months declared in NEODeS.
    dsn_header = ["nir", "mois", "siret_employeur", "code_naf", "nature_contrat", "date_debut_contrat",
                  "date_fin_prevue", "date_fin_reelle", "heures_mois", "id_contrat"]
    rows = []
    for c in CONTRACTS:
        p, emp, nature, ident, start, pend, aend, hours = c
        s, naf = EMP[emp]
        for m in contract_months(c):
            if emp == "E1" and m in NEODES_MONTHS:
                continue
            rows.append([NIR[p], m, s, naf, nature, start, pend, aend, hours, ident])
    rows.sort(key=lambda r: (r[1], r[2], r[9]))
    write("16_dsn_extrait.csv", dsn_header, rows + [MANY_FAULTS_DSN])
    for (p, ident, month, hours, fname) in DSN_CORRECTIONS:
        row = next(r for r in rows if r[0] == NIR[p] and r[9] == ident and r[1] == month)
        write(fname, dsn_header, [row[:8] + [hours, ident]])

    # DSN in NEODeS: establishment E1, months 2024-09 (a normal declaration, then one that
    # cancels and replaces it), 2024-10 (normal), 2024-11 (normal, then cancelled).
    e1, naf = EMP["E1"]
    p06, p07, p08 = NIR["P06"], NIR["P07"], NIR["P08"]
    emp06 = lambda h: [(p06, "JEAN", "01", "16092024", "", "E1-006", h)]
    emp07 = lambda h: [(p07, "MARTIN", "02", "02092024", "28022025", "E1-007", h)]
    emp08 = [(p08, "DURAND", "02", "04112024", "29112024", "E1-008", "100.00")]
    neodes("17_dsn_e1_2024-09_normale.dsn", e1, naf, "01", "1", "01092024", "05102024", emp06("60.00"))
    neodes("18_dsn_e1_2024-09_annule_remplace.dsn", e1, naf, "03", "2", "01092024", "18102024",
           emp06("70.00") + emp07("120.00"))
    neodes("19_dsn_e1_2024-10_normale.dsn", e1, naf, "01", "1", "01102024", "05112024",
           emp06("151.67") + emp07("151.67"))
    neodes("20_dsn_e1_2024-11_normale.dsn", e1, naf, "01", "1", "01112024", "05122024",
           emp06("151.67") + emp07("151.67") + emp08)
    neodes("21_dsn_e1_2024-11_annulation.dsn", e1, naf, "04", "2", "01112024", "10122024", [])


def neodes(name, siret_, naf, typ, order, month, filedate, employees):
    """One NEODeS declaration: Windows-1252, CRLF, one rubric per line."""
    lines = [
        "S10.G00.00.001,'Logiciel de paie'",
        "S10.G00.00.002,'Éditeur Créatif'",
        "S20.G00.05.001,'01'",
        "S20.G00.05.002,'%s'" % typ,
        "S20.G00.05.004,'%s'" % order,
        "S20.G00.05.005,'%s'" % month,
        "S20.G00.05.007,'%s'" % filedate,
        "S21.G00.06.001,'%s'" % siret_[:9],
        "S21.G00.06.003,'%s'" % naf,
        "S21.G00.11.001,'%s'" % siret_[9:],
        "S21.G00.11.002,'%s'" % naf,
    ]
    for (nir_, surname, nature, start, pend, ident, hours) in employees:
        lines += [
            "S21.G00.30.001,'%s'" % nir_,
            "S21.G00.30.002,'%s'" % surname,
            "S21.G00.40.001,'%s'" % start,
            "S21.G00.40.007,'%s'" % nature,
            "S21.G00.40.009,'%s'" % ident,
        ]
        if pend:
            lines.append("S21.G00.40.010,'%s'" % pend)
        lines += [
            "S21.G00.40.013,'100.00'",
            "S21.G00.51.001,'%s'" % month,
            "S21.G00.51.010,'%s'" % ident,
            "S21.G00.51.012,'%s'" % hours,
        ]
    lines.append("S90.G00.90.001,'%d'" % (len(lines) + 1))
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(("\r\n".join(lines) + "\r\n").encode("cp1252"))


if __name__ == "__main__":
    main()
