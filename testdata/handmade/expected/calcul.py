#!/usr/bin/env python3
"""The arithmetic of the expected marts of the hand-made set.

Inputs are hand-written facts, never the warehouse:
  faits_sortants.csv  one row per exit: attributes and the situation at each
                      horizon, derived by hand from the deliveries (README.md
                      gives the reasoning for each dossier);
  the tables FUNDING, DOSSIERS_FLUX and the quality figures below, also by hand.
This script only adds, divides and rounds (the way DuckDB does: half away from
zero), and computes the Wilson bounds with the formula of methodologie.md. It
writes expected/<mart>.csv, compared exactly with the marts by
sql/runner/handmade_test.go. Run from this folder: python3 calcul.py
"""
import csv
import math
import os

HERE = os.path.dirname(os.path.abspath(__file__))
Z = 1.959963984540054
OF = {"OF1": "41234567000019", "OF2": "52345678800018", "OF3": "63456789500020"}
FUNDER_TYPE = {"REG-84": "REGION", "FT": "FRANCE_TRAVAIL", "CDC": "CDC", "ENT": "AUTRE"}
NSF_LABEL = {"10": "Formations générales", "23": "Génie civil, construction et bois",
             "31": "Échanges et gestion", "32": "Communication et information", "33": "Services aux personnes"}
# ref_correspondance_nsf_naf (version 1) and the NAF sections of the divisions met here.
CORRESPONDANCE = {"23": {"C", "F"}, "31": {"G", "H", "K", "L", "M", "N", "O"},
                  "32": {"J", "M", "N", "R"}, "33": {"I", "N", "P", "Q", "R", "S", "T"}}
SECTION = {"41": "F", "43": "F", "47": "G", "52": "H", "56": "I", "62": "J", "63": "J",
           "78": "N", "86": "Q", "87": "Q", "88": "Q"}

# --- numbers the DuckDB way ---------------------------------------------------


def rnd(x, d):
    """round(x, d) of DuckDB on a DOUBLE: half away from zero."""
    if x is None:
        return None
    p = 10.0 ** d
    v = x * p
    return math.copysign(math.floor(abs(v) + 0.5), v) / p


def part(k, n):
    return k / n if n > 0 else None


def taux(k, n):
    """100 k / n with one decimal, rounded half up exactly: tenths = (2000 k + n) // 2n."""
    if n <= 0:
        return None
    return ((2000 * k + n) // (2 * n)) / 10


def wilson(k, n, s):
    if n <= 0:
        return None
    p = part(k, n)
    return (p + Z ** 2 / (2 * n) + s * Z * math.sqrt(p * (1 - p) / n + Z ** 2 / (4 * n * n))) / (1 + Z ** 2 / n)


def ic(k, n, s):
    w = wilson(k, n, s)
    return None if w is None else rnd(100 * w, 1)


def fmt(v):
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        s = repr(v)
        return s[:-2] if s.endswith(".0") else s
    return str(v)


def write(name, header, rows):
    with open(os.path.join(HERE, name + ".csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for r in rows:
            w.writerow([fmt(x) for x in r])


def sort_key(row, n):
    """ORDER BY the first n columns, NULLS LAST."""
    return tuple((v is None, v if v is not None else "") for v in row[:n])


# --- exits --------------------------------------------------------------------

HORIZONS = ["m0", "m3", "m6", "m12"]


def situation(code):
    """'-' not observed; 'N' observed, no job; 'E:fam:h:naf:multi' job; 'D:…' durable job."""
    if code == "-":
        return dict(observe=False, emploi=None, durable=None, famille=None, heures=None, naf=None, multi=None)
    if code == "N":
        return dict(observe=True, emploi=False, durable=False, famille=None, heures=None, naf=None, multi="N")
    kind, fam, h, naf, multi = code.split(":")
    return dict(observe=True, emploi=True, durable=kind == "D", famille=fam, heures=float(h), naf=naf, multi=multi)


EXITS = []
with open(os.path.join(HERE, "faits_sortants.csv")) as f:
    for r in csv.DictReader(f, delimiter=";"):
        r["annee_sortie"] = int(r["date_sortie"][:4])
        r["trimestre_sortie"] = (int(r["date_sortie"][5:7]) - 1) // 3 + 1
        r["siret_of"] = OF[r["of"]]
        r["certification_obtenue"] = r["certification_obtenue"] or None
        r["heures_prevues"] = int(r["heures_prevues"])
        r["avant"] = situation("N" if r["avant"] == "N" else ("-" if r["avant"] == "-" else "D:CDI:0:0000X:N"))
        for h in HORIZONS:
            r[h] = situation(r[h])
        EXITS.append(r)

BLOC = ["nb_sortants"]
for k in ["3m", "6m", "12m"]:
    BLOC += ["nb_observes_" + k, "nb_emploi_" + k, "nb_emploi_durable_" + k,
             "taux_emploi_" + k, "taux_emploi_%s_ic_bas" % k, "taux_emploi_%s_ic_haut" % k,
             "taux_emploi_durable_" + k, "taux_emploi_durable_%s_ic_bas" % k, "taux_emploi_durable_%s_ic_haut" % k]


def counts(group):
    c = {"nb_sortants": len(group)}
    for k in ["3m", "6m", "12m"]:
        h = "m" + k[:-1]
        c["nb_observes_" + k] = sum(1 for e in group if e[h]["observe"])
        c["nb_emploi_" + k] = sum(1 for e in group if e[h]["emploi"])
        c["nb_emploi_durable_" + k] = sum(1 for e in group if e[h]["durable"])
    return c


def bloc(group):
    c = counts(group)
    out = [c["nb_sortants"]]
    for k in ["3m", "6m", "12m"]:
        n, e, d = c["nb_observes_" + k], c["nb_emploi_" + k], c["nb_emploi_durable_" + k]
        out += [n, e, d, taux(e, n), ic(e, n, -1), ic(e, n, 1), taux(d, n), ic(d, n, -1), ic(d, n, 1)]
    return out


def grouping_sets(rows, sets, keys):
    """Every group of every grouping set; keys outside a set are None."""
    out = {}
    for s in sets:
        for r in rows:
            key = tuple(r[k] if k in s else None for k in keys)
            out.setdefault(key, []).append(r)
    return out


def insertion(name, keys, sets, extra=None):
    groups = grouping_sets(EXITS, sets, keys)
    rows = [list(k) + bloc(g) + (extra(k, g) if extra else []) for k, g in groups.items()]
    rows.sort(key=lambda r: sort_key(r, len(keys)))
    return rows


def main():
    A, D, R = "annee_sortie", "code_dispositif", "code_region"
    write("insertion_dispositif_region", [A, D, R] + BLOC,
          insertion("idr", [A, D, R], [{A, D, R}, {A, D}, {A, R}, {A}]))
    write("insertion_trimestre", [A, "trimestre_sortie", D] + BLOC,
          insertion("it", [A, "trimestre_sortie", D], [{A, "trimestre_sortie", D}, {A, "trimestre_sortie"}]))
    for e in EXITS:
        e["cert"] = e["certification_obtenue"] or "INCONNU"
    rows = insertion("ic", [A, D, "cert"], [{A, D, "cert"}, {A, "cert"}])
    write("insertion_certification", [A, D, "certification_obtenue"] + BLOC, rows)
    rows = insertion("isa", [A, "sexe", "tranche_age"],
                     [{A, "sexe", "tranche_age"}, {A, "sexe"}, {A, "tranche_age"}, {A}])
    write("insertion_sexe_age", [A, "sexe", "tranche_age"] + BLOC, rows)
    rows = insertion("if", [A, "code_financeur"], [{A, "code_financeur"}])
    rows = [r[:2] + [FUNDER_TYPE[r[1]]] + r[2:] for r in rows]
    write("insertion_financeur", [A, "code_financeur", "type_financeur"] + BLOC, rows)

    # Value added: national 6-month rate of each stratum (year, scheme, prior situation, age band, sex).
    strata = {}
    for e in EXITS:
        if e["m6"]["observe"]:
            key = (e[A], e[D], e["situation_avant"], e["tranche_age"], e["sexe"])
            n, k = strata.get(key, (0, 0))
            strata[key] = (n + 1, k + (1 if e["m6"]["emploi"] else 0))
    engaged = {}
    for (dossier, sender, payer, typ, eng, year, real) in FUNDING:
        engaged[dossier] = engaged.get(dossier, 0) + eng

    def organisme(key, g):
        n_fin = sum(1 for e in g if e["motif_sortie"] == "FIN")
        cert = [e for e in g if e["certifiant"] == "O"]
        n_cert = sum(1 for e in cert if e["certification_obtenue"] == "O")
        hours = sum(e["heures_prevues"] for e in g)
        amount = sum(engaged.get(e["id_dossier"], 0) for e in g)
        obs = [e for e in g if e["m6"]["observe"]]
        n = len(obs)
        k = sum(1 for e in obs if e["m6"]["emploi"])
        expected = None
        if n:
            total = 0.0
            for e in obs:
                sn, sk = strata[(e[A], e[D], e["situation_avant"], e["tranche_age"], e["sexe"])]
                total += sk / sn
            expected = total / n
        va = None if not n else rnd(100 * (part(k, n) - expected), 1)
        va_lo = None if not n else rnd(100 * (wilson(k, n, -1) - expected), 1)
        va_hi = None if not n else rnd(100 * (wilson(k, n, 1) - expected), 1)
        return [n_fin, taux(n_fin, len(g)), len(cert), n_cert, taux(n_cert, len(cert)), hours,
                "%.2f" % amount, rnd(amount / hours, 2) if hours else None,
                None if expected is None else rnd(100 * expected, 1), va, va_lo, va_hi]

    rows = insertion("io", [A, "siret_of"], [{A, "siret_of"}], organisme)
    write("insertion_organisme", [A, "siret_of"] + BLOC + [
        "nb_sortants_fin", "taux_achevement", "nb_sortants_certifiants", "nb_certifies", "taux_certification",
        "heures_prevues", "montant_engage", "cout_horaire", "taux_emploi_6m_attendu", "valeur_ajoutee_6m",
        "valeur_ajoutee_6m_ic_bas", "valeur_ajoutee_6m_ic_haut"], rows)

    # Before / after: observed both the month before entry and at M+6.
    groups = grouping_sets(EXITS, [{A, D, R}, {A, D}, {A, R}, {A}], [A, D, R])
    rows = []
    for key, g in groups.items():
        both = [e for e in g if e["avant"]["observe"] and e["m6"]["observe"]]
        n = len(both)
        before = sum(1 for e in both if e["avant"]["emploi"])
        after = sum(1 for e in both if e["m6"]["emploi"])
        evol = None if not n else rnd(100 * (part(after, n) - part(before, n)), 1)
        rows.append(list(key) + [len(g), n, before, after, taux(before, n), taux(after, n), evol])
    rows.sort(key=lambda r: sort_key(r, 3))
    write("avant_apres", [A, D, R, "nb_sortants", "nb_observes", "nb_emploi_avant", "nb_emploi_6m",
                          "taux_emploi_avant", "taux_emploi_6m", "evolution_points"], rows)

    # Sankey.
    for e in EXITS:
        e["sav"] = "NON_OBSERVE" if not e["avant"]["observe"] else ("EMPLOI" if e["avant"]["emploi"] else "SANS_EMPLOI")
        m6 = e["m6"]
        e["s6"] = ("NON_OBSERVE" if not m6["observe"] else "EMPLOI_DURABLE" if m6["durable"]
                   else "EMPLOI_NON_DURABLE" if m6["emploi"] else "SANS_EMPLOI")
    keys = [A, D, "sav", "motif_sortie", "s6"]
    groups = grouping_sets(EXITS, [set(keys), {A, "sav", "motif_sortie", "s6"}], keys)
    rows = sorted([list(k) + [len(g)] for k, g in groups.items()], key=lambda r: sort_key(r, 5))
    write("parcours_situations", [A, D, "situation_avant_dsn", "motif_sortie", "situation_6m", "nb_sortants"], rows)

    # Training ↔ job coherence at 6 months.
    employed = [e for e in EXITS if e["m6"]["emploi"]]
    for e in employed:
        e["couvert"] = e["domaine_nsf"] in CORRESPONDANCE
        e["coherent"] = e["couvert"] and SECTION[e["m6"]["naf"][:2]] in CORRESPONDANCE[e["domaine_nsf"]]
    groups = grouping_sets(employed, [{A, D, "domaine_nsf"}, {A, D}, {A, "domaine_nsf"}, {A}], [A, D, "domaine_nsf"])
    rows = []
    for key, g in groups.items():
        n = sum(1 for e in g if e["couvert"])
        k = sum(1 for e in g if e["coherent"])
        rows.append(list(key) + [n, k, taux(k, n), ic(k, n, -1), ic(k, n, 1), len(g) - n, "1"])
    rows.sort(key=lambda r: sort_key(r, 3))
    write("coherence_formation_emploi", [A, D, "domaine_nsf", "nb_emploi_6m", "nb_coherents", "taux_coherence",
                                         "taux_coherence_ic_bas", "taux_coherence_ic_haut",
                                         "nb_emploi_6m_hors_table", "version_correspondance"], rows)

    # Dossier-level outcomes.
    rows = []
    for e in sorted(EXITS, key=lambda e: (e["code_financeur"], e["id_dossier"])):
        row = [e["code_financeur"], e["id_dossier"], e[D], e["siret_of"], e[R], e["date_entree"], e["date_sortie"],
               e["motif_sortie"], e["certification_obtenue"]]
        for h in HORIZONS:
            s = e[h]
            row += [s["observe"], s["emploi"], s["durable"], s["famille"], s["heures"], s["naf"], s["multi"]]
        rows.append(row)
    header = ["code_financeur", "id_dossier", D, "siret_of", R, "date_entree", "date_sortie", "motif_sortie",
              "certification_obtenue"]
    for k in ["0m", "3m", "6m", "12m"]:
        header += [c + "_" + k for c in ["observe", "emploi", "emploi_durable", "famille_contrat", "heures",
                                         "code_naf", "multi_emploi"]]
    write("resultats_dossiers", header, rows)

    funding()
    flux()


# --- funding ------------------------------------------------------------------
# The funding lines the models must keep: latest version of each line, dossier
# known and not cancelled (PRF-D05 and the orphan AIF-999 are left out).
# dossier, dossier sender, payer, cost type, committed, year of commitment, realised
FUNDING = [
    ("PRF-D01", "REG-84", "REG-84", "PEDAGOGIQUE", 5200, 2023, 5200),  # corrected version
    ("PRF-D01", "REG-84", "FT", "REMUNERATION", 2400, 2023, 2400),
    ("PRF-D02", "REG-84", "REG-84", "PEDAGOGIQUE", 4800, 2023, 4800),
    ("PRF-D03", "REG-84", "REG-84", "PEDAGOGIQUE", 5000, 2023, None),
    ("PRF-D04", "REG-84", "REG-84", "PEDAGOGIQUE", 6000, 2024, 3000),
    ("PRF-D06", "REG-84", "REG-84", "PEDAGOGIQUE", 5500, 2024, 5500),
    ("PRF-D07", "REG-84", "REG-84", "PEDAGOGIQUE", 5500, 2024, 5500),
    ("PRF-D20", "REG-84", "REG-84", "PEDAGOGIQUE", 6000, 2024, None),
    ("PRF-D24", "REG-84", "REG-84", "PEDAGOGIQUE", 4000, 2023, 4000),
    ("PRF-D27", "REG-84", "REG-84", "PEDAGOGIQUE", 3000, 2024, 1500),
    ("AIF-D08", "FT", "FT", "PEDAGOGIQUE", 3500, 2024, 3500),
    ("AIF-D09", "FT", "FT", "PEDAGOGIQUE", 2800, 2024, 2000),
    ("AIF-D10", "FT", "FT", "PEDAGOGIQUE", 3000, 2023, 3000),
    ("AIF-D11", "FT", "FT", "PEDAGOGIQUE", 2500, 2023, 1200),
    ("AIF-D12", "FT", "FT", "PEDAGOGIQUE", 4200, 2024, 4200),
    ("AIF-D12", "FT", "REG-84", "ANNEXE", 600, 2024, None),
    ("AIF-D13", "FT", "FT", "PEDAGOGIQUE", 4000, 2024, None),
    ("AIF-D14", "FT", "FT", "PEDAGOGIQUE", 2000, 2024, 2000),
    ("AIF-D15", "FT", "FT", "PEDAGOGIQUE", 3200, 2024, None),
    ("AIF-D21", "FT", "FT", "PEDAGOGIQUE", 3000, 2024, None),
    ("AIF-D23", "FT", "FT", "PEDAGOGIQUE", 2600, 2024, 2600),
    ("AIF-D25", "FT", "FT", "PEDAGOGIQUE", 3800, 2024, 3800),
    ("AIF-D28", "FT", "FT", "PEDAGOGIQUE", 2900, 2024, 2900),
    ("AIF-D30", "FT", "FT", "PEDAGOGIQUE", 3300, 2023, 3300),
    ("CPF-D16", "CDC", "CDC", "PEDAGOGIQUE", 1500, 2024, 1500),
    ("CPF-D16", "CDC", "ENT", "PEDAGOGIQUE", 500, 2024, 500),
    ("CPF-D17", "CDC", "CDC", "PEDAGOGIQUE", 1200, 2024, 1200),
    ("CPF-D18", "CDC", "CDC", "PEDAGOGIQUE", 2000, 2023, 2000),
    ("CPF-D19", "CDC", "CDC", "PEDAGOGIQUE", 900, 2024, 900),
    ("CPF-D22", "CDC", "CDC", "PEDAGOGIQUE", 1800, 2024, 1800),
    ("CPF-D26", "CDC", "CDC", "PEDAGOGIQUE", 1600, 2024, 1600),
    ("CPF-D29", "CDC", "CDC", "PEDAGOGIQUE", 1400, 2024, 1400),
]
# Scheme, NSF domain and planned hours of the funded dossiers that are not exits.
OTHER_DOSSIERS = {"PRF-D20": ("PRF", "23", 480), "AIF-D21": ("AIF", "31", 280)}
ENVELOPES = {("REG-84", "PRF", 2023): 20000, ("REG-84", "PRF", 2024): 40000, ("FT", "AIF", 2023): 10000,
             ("FT", "AIF", 2024): 30000, ("FT", "AFC", 2024): 50000}


def dossier_info():
    info = {e["id_dossier"]: (e["code_dispositif"], e["domaine_nsf"], e["heures_prevues"]) for e in EXITS}
    info.update(OTHER_DOSSIERS)
    return info


def money(x):
    return "%.2f" % x


def funding():
    info = dossier_info()
    payers = {}
    for (dossier, _, payer, _, eng, _, _) in FUNDING:
        if eng > 0:
            payers.setdefault(dossier, set()).add(payer)
    cofin = {d for d, p in payers.items() if len(p) >= 2}
    groups = {}
    for line in FUNDING:
        dossier, _, payer, _, eng, year, real = line
        groups.setdefault((year, payer, info[dossier][0]), []).append(line)
    for key in ENVELOPES:
        groups.setdefault((key[2], key[0], key[1]), [])
    rows = []
    for (year, payer, scheme), lines in groups.items():
        dossiers = sorted({l[0] for l in lines})
        eng = sum(l[4] for l in lines)
        real = sum(l[6] or 0 for l in lines)
        hours = sum(info[d][2] for d in dossiers)
        env = ENVELOPES.get((payer, scheme, year))
        rows.append([year, payer, FUNDER_TYPE[payer], scheme, len(dossiers), sum(1 for d in dossiers if d in cofin),
                     money(eng), money(real), taux(real, eng), None if env is None else money(env),
                     None if env is None else taux(eng, env), hours,
                     rnd(eng / len(dossiers), 2) if dossiers else None, rnd(eng / hours, 2) if hours else None])
    rows.sort(key=lambda r: (r[0], r[1], r[3]))
    write("financement_dispositif", ["annee", "code_financeur", "type_financeur", "code_dispositif", "nb_dossiers",
                                     "nb_dossiers_cofinances", "montant_engage", "montant_realise", "taux_realisation",
                                     "enveloppe", "taux_consommation_enveloppe", "heures_prevues",
                                     "cout_par_stagiaire", "cout_horaire"], rows)

    groups = {}
    for line in FUNDING:
        dossier, _, payer, _, eng, year, _ = line
        groups.setdefault((year, info[dossier][1], FUNDER_TYPE[payer]), []).append(line)
    rows = []
    for (year, domain, typ), lines in groups.items():
        dossiers = sorted({l[0] for l in lines})
        eng = sum(l[4] for l in lines)
        hours = sum(info[d][2] for d in dossiers)
        rows.append([year, domain, NSF_LABEL[domain], typ, len(dossiers), money(eng), hours,
                     rnd(eng / len(dossiers), 2), rnd(eng / hours, 2)])
    rows.sort(key=lambda r: (r[0], r[1], r[3]))
    write("cout_domaine_nsf", ["annee", "domaine_nsf", "libelle_domaine_nsf", "type_financeur", "nb_dossiers",
                               "montant_engage", "heures_prevues", "cout_par_stagiaire", "cout_horaire"], rows)


# --- flows --------------------------------------------------------------------
# Dossiers entered and not cancelled: the 27 exits and PRF-D20 (entered 2024-11, still in training).
IN_TRAINING = [("PRF", "84", "2024-11", None)]


def flux():
    ds = [(e["code_dispositif"], e["code_region"], e["date_entree"][:7], e["date_sortie"][:7]) for e in EXITS]
    ds += IN_TRAINING
    first = min(d[2] for d in ds)
    last = max(max(d[2] for d in ds), max(d[3] for d in ds if d[3]))
    months = []
    y, m = int(first[:4]), int(first[5:])
    while "%04d-%02d" % (y, m) <= last:
        months.append("%04d-%02d" % (y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    levels = [lambda d: (d[0], d[1]), lambda d: (d[0], None), lambda d: (None, None)]
    rows = []
    for level in levels:
        for group in sorted({level(d) for d in ds}, key=lambda g: sort_key(list(g), 2)):
            members = [d for d in ds if level(d) == group]
            stock = 0
            for mo in months:
                entries = sum(1 for d in members if d[2] == mo)
                exits = sum(1 for d in members if d[3] == mo)
                stock += entries - exits
                rows.append([mo + "-01", group[0], group[1], entries, exits, stock])
    rows.sort(key=lambda r: sort_key(r, 3))
    write("flux_mensuels", ["mois", "code_dispositif", "code_region", "nb_entrees", "nb_sorties", "nb_en_formation"], rows)


if __name__ == "__main__":
    main()
