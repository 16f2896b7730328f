-- Scalar macros shared by the models (created by the runner before any model).
-- Rates are percentages rounded to one decimal; NULL when the denominator is 0.
-- Three more macros are not here, for Go code states what they hold:
-- debut_fenetre_dsn(entree) and fin_fenetre_dsn(sortie), the bounds of a
-- person's window of use of the DSN, which the runner defines from the
-- retention rule of package lake, the one `agora purge` applies
-- (sql/runner/retention.go); and delai_tardif(), the delay in days beyond which
-- a transmission is late, from sql.LateDays, which the quality pages state
-- (sql/runner/macros.go).

-- mois_de(d): the first day of the month of date d, as a DATE.
CREATE OR REPLACE MACRO mois_de(d) AS date_trunc('month', d)::DATE;

-- age_revolu(naissance, jour): age in whole years on a day (birthday included).
CREATE OR REPLACE MACRO age_revolu(naissance, jour) AS
    year(jour) - year(naissance)
    - CASE WHEN month(jour) * 100 + day(jour) < month(naissance) * 100 + day(naissance) THEN 1 ELSE 0 END;

-- tranche_age(age): the age bands of the value-added strata and of insertion_sexe_age.
CREATE OR REPLACE MACRO tranche_age(age) AS
    CASE WHEN age < 26 THEN '<26' WHEN age <= 44 THEN '26-44' ELSE '45+' END;

-- part(k, n): k / n as a fraction, NULL when n = 0.
CREATE OR REPLACE MACRO part(k, n) AS
    CASE WHEN n > 0 THEN k::DOUBLE / n END;

-- taux(k, n): 100 k / n in percent with one decimal, for counts k, n ≥ 0,
-- rounded half up exactly in integers (a double would turn 41/80 = 51.25 % into
-- 51.2): tenths = ⌊(2000 k + n) / 2n⌋. Every operand is cast to HUGEINT: on
-- doubles DuckDB's // would divide without flooring.
CREATE OR REPLACE MACRO taux(k, n) AS
    CASE WHEN n > 0 THEN ((2000 * k::HUGEINT + n::HUGEINT) // (2 * n::HUGEINT)) / 10 END;

-- taux_montants(a, b): 100 a / b in percent with one decimal for amounts in
-- euros (DECIMAL(18,2), a, b ≥ 0), exactly, on cents.
CREATE OR REPLACE MACRO taux_montants(a, b) AS
    taux((a * 100)::HUGEINT, (b * 100)::HUGEINT);

-- wilson(k, n, signe): a bound of the 95 % Wilson score interval of k successes
-- out of n, as a fraction; signe = -1 for the lower bound, +1 for the upper one.
--   centre = (p + z²/2n) / (1 + z²/n)
--   demi   = z √(p(1−p)/n + z²/4n²) / (1 + z²/n)      with z = 1.959963984540054
CREATE OR REPLACE MACRO wilson(k, n, signe) AS
    CASE WHEN n > 0 THEN
        (part(k, n) + 1.959963984540054 ^ 2 / (2 * n)
         + signe * 1.959963984540054
           * sqrt(part(k, n) * (1 - part(k, n)) / n + 1.959963984540054 ^ 2 / (4 * n * n)))
        / (1 + 1.959963984540054 ^ 2 / n)
    END;

-- ic_bas(k, n), ic_haut(k, n): the Wilson bounds in percent with one decimal.
CREATE OR REPLACE MACRO ic_bas(k, n) AS round(100 * wilson(k, n, -1), 1);
CREATE OR REPLACE MACRO ic_haut(k, n) AS round(100 * wilson(k, n, 1), 1);

-- euros(x): an amount per unit rounded to the cent, as DOUBLE.
CREATE OR REPLACE MACRO euros(x) AS round(x::DOUBLE, 2);

-- version(transmission, rang, source, ligne): the order of the versions of a
-- partner row as one HUGEINT: transmission time, then landing rank (the
-- row_number of _landing), then source file within the landing (_source;
-- NULL, in lakes landed before the column, counts as 0), then line:
--   epoch_us(transmission) · 10²² + rang · 10¹⁶ + source · 10¹⁰ + ligne
-- for rang < 10⁶, source < 10⁶ and ligne < 10¹⁰; epoch_us < 7.3 · 10¹⁵ until
-- 2200, so the key stays below 7.3 · 10³⁷ < 1.7 · 10³⁸, the HUGEINT maximum.
CREATE OR REPLACE MACRO version(transmission, rang, source, ligne) AS
    epoch_us(transmission)::HUGEINT * 10000000000000000000000
    + rang::HUGEINT * 10000000000000000
    + coalesce(source, 0)::HUGEINT * 10000000000
    + ligne;

-- rang_contrat(...): the best-job order of dictionary section 4 in one HUGEINT,
-- smallest = best. The high 64 bits hold the agreed rule:
--   bits 38-39  family: 1 CDI, 2 CDD, 3 INTERIM
--   bit  37     hours unknown (unknown hours come last)
--   bits 17-36  1 048 575 − hours in hundredths (more hours first; capped at 10 485,75 h)
--   bits 0-16   days from the contract start to 2200-01-01 (more recent start first)
-- and the low 64 bits a hash of (SIRET, contract number), a reproducible last
-- tie-break between contracts equal on the rule. (It was 22 bits of that hash
-- in a BIGINT: two tied contracts had one chance in 4 million of tying again,
-- and then arg_min took whichever came first. 64 bits cost no more time.)
CREATE OR REPLACE MACRO rang_contrat(famille, heures, debut, siret, contrat) AS
    ((((CASE famille WHEN 'CDI' THEN 1 WHEN 'CDD' THEN 2 ELSE 3 END)::BIGINT << 38)
      + ((heures IS NULL)::BIGINT << 37)
      + ((1048575 - least(greatest(coalesce(round(heures * 100), 0), 0), 1048575))::BIGINT << 17)
      + least(greatest(date_diff('day', debut, DATE '2200-01-01'), 0), 131071)::BIGINT
     )::HUGEINT << 64)
    + hash(siret, contrat)::HUGEINT;

-- mois_modifie(m): whether month m is one of the months an incremental build
-- recomputes (runner.Changes). Always true here, for a full build; the runner
-- redefines it for an incremental one, as m IN (the changed months). Only a
-- model whose header declares "-- incremental:" may call it.
CREATE OR REPLACE MACRO mois_modifie(m) AS true;

-- mois_modifie_apres(m, k): whether the month k months after month m is a
-- changed month. True here, for a full build; the runner redefines it for an
-- incremental one as m IN (each changed month − k months), a list DuckDB
-- computes once per query: much cheaper per row than shifting m.
CREATE OR REPLACE MACRO mois_modifie_apres(m, k) AS true;

-- dossier_modifie(code_financeur, id_dossier): whether the dossier is named by
-- a partner file (dossiers, evenements, financements) landed since the build an
-- incremental one starts from; pseudo_modifie(pseudo): whether the person has
-- such a dossier, before or after its new version. True here, for a full build;
-- the runner redefines them for an incremental one (false for all when no
-- partner file is new). Only a model whose header declares "-- incremental:"
-- may call them.
CREATE OR REPLACE MACRO dossier_modifie(f, i) AS true;
CREATE OR REPLACE MACRO pseudo_modifie(p) AS true;

-- suivi_modifie(mois_entree, mois_sortie): whether one of the months in which
-- the DSN follows an exit is a changed month: the month before the month of
-- entry, the month of exit, and that month + 3, 6 and 12 months (the horizons
-- -1, 0, 3, 6 and 12 of int_mois_cibles). Arguments are months (first days).
CREATE OR REPLACE MACRO suivi_modifie(mois_entree, mois_sortie) AS
    mois_modifie_apres(mois_entree, -1)
    OR mois_modifie_apres(mois_sortie, 0)
    OR mois_modifie_apres(mois_sortie, 3)
    OR mois_modifie_apres(mois_sortie, 6)
    OR mois_modifie_apres(mois_sortie, 12);
