-- A test warehouse for the site: every mart of docs/marts.md, computed from a
-- synthetic table of exits (one row per exit) so that all margins add up, with
-- small cells (rare schemes in small regions) that disclosure control must hide.
-- Deterministic: pseudo-random numbers come from hash(i, tag).
-- Coverage of the DSN: 2021-01 to 2025-06, so 2024 exits are all observed at
-- M+6 and only partly at M+12.

-- Size: set the variables nb_sorties and nb_organismes before running this
-- script (SET VARIABLE nb_sorties = 60000; SET VARIABLE nb_organismes = 300).

CREATE OR REPLACE MACRO u(i, tag) AS (hash(i, tag) % 1000003) / 1000003.0;
CREATE OR REPLACE MACRO part(k, n) AS CASE WHEN n > 0 THEN k::DOUBLE / n END;
CREATE OR REPLACE MACRO taux(k, n) AS round(100 * part(k, n), 1);
CREATE OR REPLACE MACRO wilson(k, n, signe) AS
    CASE WHEN n > 0 THEN
        (part(k, n) + 1.959963984540054 ^ 2 / (2 * n)
         + signe * 1.959963984540054
           * sqrt(part(k, n) * (1 - part(k, n)) / n + 1.959963984540054 ^ 2 / (4 * n * n)))
        / (1 + 1.959963984540054 ^ 2 / n)
    END;
CREATE OR REPLACE MACRO ic_bas(k, n) AS round(100 * wilson(k, n, -1), 1);
CREATE OR REPLACE MACRO ic_haut(k, n) AS round(100 * wilson(k, n, 1), 1);

CREATE TEMP TABLE f_dispositifs(code VARCHAR, poids DOUBLE, p6 DOUBLE, financeur VARCHAR, cout_h DOUBLE, heures INTEGER);
INSERT INTO f_dispositifs VALUES
 ('CPF', 35, 0.62, 'CDC', 24, 60), ('CPF_TP', 1.5, 0.66, 'TP', 18, 900), ('PRF', 12, 0.45, 'REG', 14, 450),
 ('HSP', 2, 0.40, 'REG', 13, 350), ('AIR', 1.5, 0.50, 'REG', 16, 300), ('AIF', 8, 0.52, 'FT', 15, 380),
 ('AFC', 6, 0.48, 'FT', 12, 420), ('AFPR', 1.5, 0.82, 'FT', 11, 250), ('POEI', 3, 0.80, 'FT', 10, 300),
 ('POEC', 2, 0.56, 'OPCO', 11, 350), ('CSP', 2, 0.50, 'FT', 14, 400), ('PRO', 6, 0.72, 'OPCO', 9, 900),
 ('PROA', 1, 0.85, 'OPCO', 10, 600), ('APP', 8, 0.70, 'OPCO', 7, 1200), ('PDC', 6, 0.86, 'OPCO', 30, 35),
 ('FNE', 1, 0.85, 'ETAT', 28, 40), ('AGEFIPH', 0.5, 0.38, 'AGEFIPH', 15, 300), ('VAE', 1, 0.70, 'CDC', 40, 24),
 ('BC', 1.5, 0.72, 'CDC', 60, 24), ('PREPA', 0.5, 0.35, 'FT', 12, 200);

CREATE TEMP TABLE f_regions(code VARCHAR, poids DOUBLE);
INSERT INTO f_regions VALUES ('01', 0.38), ('02', 0.36), ('03', 0.29), ('04', 0.87), ('06', 0.31),
 ('11', 12.3), ('24', 2.6), ('27', 2.8), ('28', 3.3), ('32', 6.0), ('44', 5.6), ('52', 3.9),
 ('53', 3.4), ('75', 6.1), ('76', 6.1), ('84', 8.1), ('93', 5.1), ('94', 0.35);

CREATE TEMP TABLE f_nsf(domaine VARCHAR, libelle VARCHAR);
INSERT INTO f_nsf VALUES ('20', 'Spécialités pluritechnologiques de production'),
 ('23', 'Génie civil, construction et bois'), ('25', 'Mécanique, électricité, électronique'),
 ('31', 'Échanges et gestion'), ('32', 'Communication et information'),
 ('33', 'Services aux personnes'), ('31', 'Échanges et gestion'), ('34', 'Services à la collectivité'),
 ('22', 'Transformations'), ('33', 'Services aux personnes');

CREATE TEMP TABLE f_cum_disp AS
SELECT code, p6, financeur, cout_h, heures,
       (sum(poids) OVER (ORDER BY code ROWS UNBOUNDED PRECEDING) - poids) / sum(poids) OVER () AS lo,
       sum(poids) OVER (ORDER BY code ROWS UNBOUNDED PRECEDING) / sum(poids) OVER () AS hi
FROM f_dispositifs;
CREATE TEMP TABLE f_cum_reg AS
SELECT code,
       (sum(poids) OVER (ORDER BY code ROWS UNBOUNDED PRECEDING) - poids) / sum(poids) OVER () AS lo,
       sum(poids) OVER (ORDER BY code ROWS UNBOUNDED PRECEDING) / sum(poids) OVER () AS hi
FROM f_regions;

-- 300 training organisations, with skewed sizes and a planted effect on employment.
CREATE TEMP TABLE f_of AS
SELECT o AS id, printf('%09d%05d', 300000000 + o * 1117, 10 + o) AS siret_of,
       (u(o, 'effet') - 0.5) * 0.30 AS effet
FROM range(getvariable('nb_organismes')) t(o);

-- One row per exit.
CREATE TEMP TABLE f_sorties AS
WITH base AS (
    SELECT i,
           CASE WHEN u(i, 'an') < 0.31 THEN 2022 WHEN u(i, 'an') < 0.645 THEN 2023 ELSE 2024 END AS annee_sortie,
           1 + floor(u(i, 'mois') * 12)::INTEGER AS mois,
           u(i, 'disp') AS ud, u(i, 'reg') AS ur,
           floor(getvariable('nb_organismes') * pow(u(i, 'of'), 2.2))::INTEGER AS of_id,
           CASE WHEN u(i, 'sexe') < 0.52 THEN '2' ELSE '1' END AS sexe,
           CASE WHEN u(i, 'age') < 0.3 THEN '<26' WHEN u(i, 'age') < 0.8 THEN '26-44' ELSE '45+' END AS tranche_age,
           CASE WHEN u(i, 'sit') < 0.5 THEN 'DE' WHEN u(i, 'sit') < 0.78 THEN 'SAL' WHEN u(i, 'sit') < 0.83 THEN 'IND'
                WHEN u(i, 'sit') < 0.9 THEN 'ETU' WHEN u(i, 'sit') < 0.96 THEN 'INA' ELSE 'AUT' END AS situation_avant,
           CASE WHEN u(i, 'motif') < 0.76 THEN 'FIN' WHEN u(i, 'motif') < 0.86 THEN 'ABANDON'
                WHEN u(i, 'motif') < 0.94 THEN 'EMPLOI' WHEN u(i, 'motif') < 0.96 THEN 'EXCLUSION' ELSE 'AUTRE' END AS motif_sortie,
           u(i, 'certvise') < 0.6 AS certifiant,
           u(i, 'emp') AS ue, u(i, 'dur') AS udur, u(i, 'avant') AS uav,
           floor(u(i, 'nsf') * 10)::INTEGER + 1 AS nsf_rank
    FROM range(getvariable('nb_sorties')) t(i)
)
SELECT b.i, b.annee_sortie, make_date(b.annee_sortie, b.mois, 1) AS mois_sortie,
       (b.mois + 2) // 3 AS trimestre_sortie,
       d.code AS code_dispositif, r.code AS code_region, o.siret_of, b.sexe, b.tranche_age,
       b.situation_avant, b.motif_sortie, b.certifiant,
       CASE WHEN NOT b.certifiant THEN NULL WHEN u(b.i, 'cert') < 0.05 THEN 'INCONNU'
            WHEN u(b.i, 'cert') < 0.72 THEN 'O' ELSE 'N' END AS certification_obtenue,
       d.financeur AS type_payeur, d.cout_h, d.heures,
       greatest(1, round(d.heures * (0.5 + u(b.i, 'h'))))::INTEGER AS heures_prevues,
       n.domaine AS domaine_nsf, n.libelle AS libelle_domaine_nsf,
       -- probability of work at M+6: scheme, prior situation, organisation, year
       least(0.97, greatest(0.03, d.p6 + o.effet
           + CASE b.situation_avant WHEN 'SAL' THEN 0.12 WHEN 'DE' THEN -0.06 ELSE 0 END
           + CASE b.tranche_age WHEN '45+' THEN -0.08 ELSE 0 END
           + (b.annee_sortie - 2023) * 0.012)) AS p6,
       b.ue, b.udur, b.uav
FROM base b
JOIN f_cum_disp d ON b.ud >= d.lo AND b.ud < d.hi
JOIN f_cum_reg r ON b.ur >= r.lo AND b.ur < r.hi
JOIN f_of o ON o.id = b.of_id
JOIN (SELECT row_number() OVER () AS rk, * FROM f_nsf) n ON n.rk = b.nsf_rank;

CREATE TEMP TABLE f_etat AS
SELECT *,
       mois_sortie + INTERVAL 3 MONTH <= DATE '2025-06-01' AS obs3,
       mois_sortie + INTERVAL 6 MONTH <= DATE '2025-06-01' AS obs6,
       mois_sortie + INTERVAL 12 MONTH <= DATE '2025-06-01' AS obs12,
       ue < p6 - 0.08 AS emp3, ue < p6 AS emp6, ue < p6 + 0.04 AS emp12,
       ue < p6 - 0.08 AND udur < 0.55 AS dur3, ue < p6 AND udur < 0.62 AS dur6, ue < p6 + 0.04 AND udur < 0.68 AS dur12,
       uav < 0.97 AS obs_avant,
       uav < CASE situation_avant WHEN 'SAL' THEN 0.88 WHEN 'IND' THEN 0.3 ELSE 0.18 END AS emp_avant
FROM f_sorties;

CREATE TEMP VIEW f_comptes AS
SELECT *,
       obs3::INT AS o3, (obs3 AND emp3)::INT AS e3, (obs3 AND dur3)::INT AS d3,
       obs6::INT AS o6, (obs6 AND emp6)::INT AS e6, (obs6 AND dur6)::INT AS d6,
       obs12::INT AS o12, (obs12 AND emp12)::INT AS e12, (obs12 AND dur12)::INT AS d12
FROM f_etat;

-- bloc(...): the 28 columns of the insertion block, in the order of docs/marts.md,
-- from the group's counts; unnest() spreads the struct into columns.
CREATE OR REPLACE MACRO bloc(n, o3, e3, d3, o6, e6, d6, o12, e12, d12) AS {
  'nb_sortants': n::BIGINT,
  'nb_observes_3m': o3::BIGINT, 'nb_emploi_3m': e3::BIGINT, 'nb_emploi_durable_3m': d3::BIGINT,
  'taux_emploi_3m': taux(e3, o3), 'taux_emploi_3m_ic_bas': ic_bas(e3, o3), 'taux_emploi_3m_ic_haut': ic_haut(e3, o3),
  'taux_emploi_durable_3m': taux(d3, o3), 'taux_emploi_durable_3m_ic_bas': ic_bas(d3, o3), 'taux_emploi_durable_3m_ic_haut': ic_haut(d3, o3),
  'nb_observes_6m': o6::BIGINT, 'nb_emploi_6m': e6::BIGINT, 'nb_emploi_durable_6m': d6::BIGINT,
  'taux_emploi_6m': taux(e6, o6), 'taux_emploi_6m_ic_bas': ic_bas(e6, o6), 'taux_emploi_6m_ic_haut': ic_haut(e6, o6),
  'taux_emploi_durable_6m': taux(d6, o6), 'taux_emploi_durable_6m_ic_bas': ic_bas(d6, o6), 'taux_emploi_durable_6m_ic_haut': ic_haut(d6, o6),
  'nb_observes_12m': o12::BIGINT, 'nb_emploi_12m': e12::BIGINT, 'nb_emploi_durable_12m': d12::BIGINT,
  'taux_emploi_12m': taux(e12, o12), 'taux_emploi_12m_ic_bas': ic_bas(e12, o12), 'taux_emploi_12m_ic_haut': ic_haut(e12, o12),
  'taux_emploi_durable_12m': taux(d12, o12), 'taux_emploi_durable_12m_ic_bas': ic_bas(d12, o12), 'taux_emploi_durable_12m_ic_haut': ic_haut(d12, o12)
};

CREATE TABLE insertion_dispositif_region AS
SELECT annee_sortie::INTEGER AS annee_sortie, code_dispositif, code_region,
       unnest(bloc(count(*), sum(o3), sum(e3), sum(d3), sum(o6), sum(e6), sum(d6), sum(o12), sum(e12), sum(d12)))
FROM f_comptes
GROUP BY GROUPING SETS ((annee_sortie, code_dispositif, code_region), (annee_sortie, code_dispositif),
                        (annee_sortie, code_region), (annee_sortie))
ORDER BY ALL NULLS LAST;

CREATE TABLE insertion_trimestre AS
SELECT annee_sortie::INTEGER AS annee_sortie, trimestre_sortie::INTEGER AS trimestre_sortie, code_dispositif,
       unnest(bloc(count(*), sum(o3), sum(e3), sum(d3), sum(o6), sum(e6), sum(d6), sum(o12), sum(e12), sum(d12)))
FROM f_comptes
GROUP BY GROUPING SETS ((annee_sortie, trimestre_sortie, code_dispositif), (annee_sortie, trimestre_sortie))
ORDER BY ALL NULLS LAST;

CREATE TABLE insertion_financeur AS
SELECT annee_sortie::INTEGER AS annee_sortie, code_financeur, type_financeur,
       unnest(bloc(count(*), sum(o3), sum(e3), sum(d3), sum(o6), sum(e6), sum(d6), sum(o12), sum(e12), sum(d12)))
FROM (SELECT *, CASE type_payeur WHEN 'REG' THEN 'REG-' || code_region WHEN 'TP' THEN 'TP-' || code_region
                     WHEN 'OPCO' THEN 'OPCO-0' || (1 + i % 9) ELSE type_payeur END AS code_financeur,
             CASE type_payeur WHEN 'REG' THEN 'REGION' WHEN 'FT' THEN 'FRANCE_TRAVAIL' WHEN 'TP' THEN 'TRANSITIONS_PRO'
                  ELSE type_payeur END AS type_financeur FROM f_comptes)
GROUP BY annee_sortie, code_financeur, type_financeur ORDER BY ALL NULLS LAST;

CREATE TABLE insertion_certification AS
SELECT annee_sortie::INTEGER AS annee_sortie, code_dispositif, coalesce(certification_obtenue, 'INCONNU') AS certification_obtenue,
       unnest(bloc(count(*), sum(o3), sum(e3), sum(d3), sum(o6), sum(e6), sum(d6), sum(o12), sum(e12), sum(d12)))
FROM f_comptes
GROUP BY GROUPING SETS ((annee_sortie, code_dispositif, coalesce(certification_obtenue, 'INCONNU')),
                        (annee_sortie, coalesce(certification_obtenue, 'INCONNU')))
ORDER BY ALL NULLS LAST;

CREATE TABLE insertion_sexe_age AS
SELECT annee_sortie::INTEGER AS annee_sortie, sexe, tranche_age,
       unnest(bloc(count(*), sum(o3), sum(e3), sum(d3), sum(o6), sum(e6), sum(d6), sum(o12), sum(e12), sum(d12)))
FROM f_comptes
GROUP BY GROUPING SETS ((annee_sortie, sexe, tranche_age), (annee_sortie, sexe), (annee_sortie, tranche_age), (annee_sortie))
ORDER BY ALL NULLS LAST;

-- Expected rate: national rate of the same exit year in the stratum
-- scheme × prior situation × age band × sex, averaged over the organisation's observed exits.
CREATE TEMP TABLE f_strates AS
SELECT annee_sortie, code_dispositif, situation_avant, tranche_age, sexe, avg(e6) AS p
FROM f_comptes WHERE o6 = 1 GROUP BY ALL;

CREATE TABLE insertion_organisme AS
WITH g AS (
    SELECT c.annee_sortie, c.siret_of, count(*) AS n,
           sum(o3) AS o3, sum(e3) AS e3, sum(d3) AS d3, sum(o6) AS o6, sum(e6) AS e6, sum(d6) AS d6,
           sum(o12) AS o12, sum(e12) AS e12, sum(d12) AS d12,
           count(*) FILTER (motif_sortie = 'FIN') AS n_fin,
           count(*) FILTER (certifiant) AS n_cert, count(*) FILTER (certification_obtenue = 'O') AS n_ok,
           sum(heures_prevues) AS h, sum(heures_prevues * cout_h)::DECIMAL(18,2) AS m,
           avg(s.p) FILTER (o6 = 1) AS attendu
    FROM f_comptes c
    LEFT JOIN f_strates s USING (annee_sortie, code_dispositif, situation_avant, tranche_age, sexe)
    GROUP BY c.annee_sortie, c.siret_of
)
SELECT annee_sortie::INTEGER AS annee_sortie, siret_of,
       unnest(bloc(n, o3, e3, d3, o6, e6, d6, o12, e12, d12)),
       n_fin::BIGINT AS nb_sortants_fin, taux(n_fin, n) AS taux_achevement,
       n_cert::BIGINT AS nb_sortants_certifiants, n_ok::BIGINT AS nb_certifies, taux(n_ok, n_cert) AS taux_certification,
       h::BIGINT AS heures_prevues, m AS montant_engage, round(m::DOUBLE / h, 2) AS cout_horaire,
       round(100 * attendu, 1) AS taux_emploi_6m_attendu,
       round(100 * (part(e6, o6) - attendu), 1) AS valeur_ajoutee_6m,
       round(100 * (wilson(e6, o6, -1) - attendu), 1) AS valeur_ajoutee_6m_ic_bas,
       round(100 * (wilson(e6, o6, 1) - attendu), 1) AS valeur_ajoutee_6m_ic_haut
FROM g ORDER BY ALL NULLS LAST;

CREATE TABLE avant_apres AS
WITH g AS (
    SELECT annee_sortie, code_dispositif, code_region, count(*) AS n,
           count(*) FILTER (obs_avant AND obs6) AS o,
           count(*) FILTER (obs_avant AND obs6 AND emp_avant) AS ea,
           count(*) FILTER (obs_avant AND obs6 AND emp6) AS e6
    FROM f_etat
    GROUP BY GROUPING SETS ((annee_sortie, code_dispositif, code_region), (annee_sortie, code_dispositif),
                            (annee_sortie, code_region), (annee_sortie))
)
SELECT annee_sortie::INTEGER AS annee_sortie, code_dispositif, code_region, n::BIGINT AS nb_sortants,
       o::BIGINT AS nb_observes, ea::BIGINT AS nb_emploi_avant, e6::BIGINT AS nb_emploi_6m,
       taux(ea, o) AS taux_emploi_avant, taux(e6, o) AS taux_emploi_6m,
       round(100 * (part(e6, o) - part(ea, o)), 1) AS evolution_points
FROM g ORDER BY ALL NULLS LAST;

CREATE TABLE parcours_situations AS
SELECT annee_sortie::INTEGER AS annee_sortie, code_dispositif,
       CASE WHEN NOT obs_avant THEN 'NON_OBSERVE' WHEN emp_avant THEN 'EMPLOI' ELSE 'SANS_EMPLOI' END AS situation_avant_dsn,
       motif_sortie,
       CASE WHEN NOT obs6 THEN 'NON_OBSERVE' WHEN dur6 THEN 'EMPLOI_DURABLE' WHEN emp6 THEN 'EMPLOI_NON_DURABLE'
            ELSE 'SANS_EMPLOI' END AS situation_6m,
       count(*)::BIGINT AS nb_sortants
FROM f_etat
GROUP BY GROUPING SETS ((annee_sortie, code_dispositif, 3, 4, 5), (annee_sortie, 3, 4, 5))
ORDER BY ALL NULLS LAST;

-- Funding lines: the main funder pays the pedagogical cost; 12 % of dossiers are
-- co-financed by the Region of training (or France Travail for Region schemes).
CREATE TEMP TABLE f_lignes AS
SELECT i, annee_sortie AS annee, code_dispositif, code_region, heures_prevues, domaine_nsf, libelle_domaine_nsf,
       CASE type_payeur WHEN 'REG' THEN 'REG-' || code_region WHEN 'TP' THEN 'TP-' || code_region
            WHEN 'OPCO' THEN 'OPCO-0' || (1 + i % 9) ELSE type_payeur END AS code_financeur,
       (heures_prevues * cout_h * (0.85 + 0.3 * u(i, 'cout')))::DECIMAL(18,2) AS engage,
       CASE WHEN u(i, 'real') < 0.9 THEN (heures_prevues * cout_h * (0.7 + 0.3 * u(i, 'cout')))::DECIMAL(18,2) END AS realise
FROM f_sorties
UNION ALL
SELECT i, annee_sortie, code_dispositif, code_region, heures_prevues, domaine_nsf, libelle_domaine_nsf,
       CASE WHEN type_payeur = 'REG' THEN 'FT' ELSE 'REG-' || code_region END,
       (heures_prevues * 3.5)::DECIMAL(18,2), (heures_prevues * 3.1)::DECIMAL(18,2)
FROM f_sorties WHERE u(i, 'cofi') < 0.12;

CREATE TEMP TABLE f_types AS
SELECT code AS code_financeur, groupe AS type_financeur FROM (VALUES ('FT', 'FRANCE_TRAVAIL'), ('CDC', 'CDC'),
  ('ETAT', 'ETAT'), ('AGEFIPH', 'AGEFIPH')) v(code, groupe);

CREATE TABLE financement_dispositif AS
WITH l AS (
    SELECT l.*, count(DISTINCT code_financeur) OVER (PARTITION BY i) AS nb_payeurs,
           coalesce(t.type_financeur, CASE WHEN code_financeur LIKE 'REG-%' THEN 'REGION'
                WHEN code_financeur LIKE 'TP-%' THEN 'TRANSITIONS_PRO' ELSE 'OPCO' END) AS type_financeur
    FROM f_lignes l LEFT JOIN f_types t USING (code_financeur)
), g AS (
    SELECT annee, code_financeur, type_financeur, code_dispositif, count(DISTINCT i) AS n,
           count(DISTINCT i) FILTER (nb_payeurs >= 2) AS nc, sum(engage) AS e, coalesce(sum(realise), 0) AS r,
           sum(heures_prevues) AS h
    FROM l GROUP BY ALL
), env AS (
    SELECT code_financeur, code_dispositif, annee,
           (sum(e) * (0.8 + 0.45 * u(hash(code_financeur, code_dispositif), 'env')))::DECIMAL(18,2) AS montant
    FROM g GROUP BY code_financeur, code_dispositif, annee
)
SELECT g.annee::INTEGER AS annee, g.code_financeur, type_financeur, g.code_dispositif, n::BIGINT AS nb_dossiers,
       nc::BIGINT AS nb_dossiers_cofinances, e::DECIMAL(18,2) AS montant_engage, r::DECIMAL(18,2) AS montant_realise,
       taux(r, e) AS taux_realisation,
       CASE WHEN g.code_financeur NOT LIKE 'OPCO%' THEN env.montant END AS enveloppe,
       CASE WHEN g.code_financeur NOT LIKE 'OPCO%' THEN taux(e, env.montant) END AS taux_consommation_enveloppe,
       h::BIGINT AS heures_prevues, round(e::DOUBLE / n, 2) AS cout_par_stagiaire, round(e::DOUBLE / h, 2) AS cout_horaire
FROM g JOIN env USING (code_financeur, code_dispositif, annee)
ORDER BY ALL NULLS LAST;

CREATE TABLE cout_domaine_nsf AS
WITH l AS (
    SELECT l.*, coalesce(t.type_financeur, CASE WHEN code_financeur LIKE 'REG-%' THEN 'REGION'
                WHEN code_financeur LIKE 'TP-%' THEN 'TRANSITIONS_PRO' ELSE 'OPCO' END) AS type_financeur
    FROM f_lignes l LEFT JOIN f_types t USING (code_financeur)
), d AS (
    SELECT annee, domaine_nsf, libelle_domaine_nsf, type_financeur, i, any_value(heures_prevues) AS h, sum(engage) AS e
    FROM l GROUP BY ALL
)
SELECT annee::INTEGER AS annee, domaine_nsf, libelle_domaine_nsf, type_financeur, count(*)::BIGINT AS nb_dossiers,
       sum(e)::DECIMAL(18,2) AS montant_engage, sum(h)::BIGINT AS heures_prevues,
       round(sum(e)::DOUBLE / count(*), 2) AS cout_par_stagiaire, round(sum(e)::DOUBLE / sum(h), 2) AS cout_horaire
FROM d GROUP BY ALL ORDER BY ALL NULLS LAST;

-- Monthly flows: entry = exit month minus a duration of 1 to 12 months.
CREATE TEMP TABLE f_dates AS
SELECT code_dispositif, code_region, mois_sortie,
       (mois_sortie - to_months(1 + floor(u(i, 'duree') * 12)::INTEGER))::DATE AS mois_entree
FROM f_sorties;

CREATE TABLE flux_mensuels AS
WITH mois AS (
    SELECT m::DATE AS mois FROM range((SELECT min(mois_entree) FROM f_dates)::TIMESTAMP,
                                      (SELECT max(mois_sortie) FROM f_dates)::TIMESTAMP + INTERVAL 1 MONTH, INTERVAL 1 MONTH) t(m)
)
SELECT m.mois, d.code_dispositif, d.code_region,
       count(*) FILTER (d.mois_entree = m.mois)::BIGINT AS nb_entrees,
       count(*) FILTER (d.mois_sortie = m.mois)::BIGINT AS nb_sorties,
       count(*) FILTER (d.mois_entree <= m.mois AND d.mois_sortie > m.mois)::BIGINT AS nb_en_formation
FROM mois m JOIN f_dates d ON d.mois_entree <= m.mois AND d.mois_sortie >= m.mois OR d.mois_sortie = m.mois
GROUP BY GROUPING SETS ((m.mois, d.code_dispositif, d.code_region), (m.mois, d.code_dispositif), (m.mois))
ORDER BY ALL NULLS LAST;

CREATE TABLE coherence_formation_emploi AS
WITH c AS (SELECT *, domaine_nsf NOT IN ('20', '34') AS dans_table, u(i, 'coh') < 0.55 AS coherent
           FROM f_comptes WHERE e6 = 1)
SELECT annee_sortie::INTEGER AS annee_sortie, code_dispositif, domaine_nsf,
       count(*) FILTER (dans_table)::BIGINT AS nb_emploi_6m,
       count(*) FILTER (dans_table AND coherent)::BIGINT AS nb_coherents,
       taux(count(*) FILTER (dans_table AND coherent), count(*) FILTER (dans_table)) AS taux_coherence,
       ic_bas(count(*) FILTER (dans_table AND coherent), count(*) FILTER (dans_table)) AS taux_coherence_ic_bas,
       ic_haut(count(*) FILTER (dans_table AND coherent), count(*) FILTER (dans_table)) AS taux_coherence_ic_haut,
       count(*) FILTER (NOT dans_table)::BIGINT AS nb_emploi_6m_hors_table,
       'v1' AS version_correspondance
FROM c
GROUP BY GROUPING SETS ((annee_sortie, code_dispositif, domaine_nsf), (annee_sortie, code_dispositif),
                        (annee_sortie, domaine_nsf), (annee_sortie))
ORDER BY ALL NULLS LAST;

-- Data quality of a few partners.
CREATE TABLE qualite_rejets AS
SELECT * FROM (VALUES
  ('REG-11', 'dossiers', 'BAD_NIR', 14::BIGINT), ('REG-11', 'dossiers', 'BAD_SIRET', 3),
  ('REG-11', 'evenements', 'EXIT_BEFORE_ENTRY', 2), ('REG-11', 'evenements', 'ORPHAN_EVENT', 5),
  ('FT', 'dossiers', 'BAD_DATE', 41), ('FT', 'dossiers', 'UNKNOWN_CODE', 7), ('FT', 'financements', 'BAD_NUMBER', 12),
  ('FT', 'financements', 'ORPHAN_FUNDING', 4), ('CDC', 'dossiers', 'DUPLICATE_IN_FILE', 9),
  -- Lines no partner can be named for: DSN (employers) and a line whose sender could not be read.
  -- 40 lines of the DSN extract lack a value and hold a bad date: they count under both rules.
  ('INCONNU', 'dsn_neodes', 'BAD_DSN_LINE', 3), ('INCONNU', 'dsn_extrait', 'MISSING_VALUE', 234),
  ('INCONNU', 'dsn_extrait', 'BAD_DATE', 225), ('INCONNU', 'evenements', 'BAD_LINE', 5)
) v(code_financeur, flux, regle, nb_lignes) ORDER BY ALL;

CREATE TABLE qualite_completude AS
WITH p(code_financeur) AS (VALUES ('REG-11'), ('FT'), ('CDC'), ('REG-84')),
     c(flux, colonne) AS (VALUES ('dossiers', 'code_certification'), ('dossiers', 'formacode'),
        ('dossiers', 'heures_prevues'), ('evenements', 'motif_sortie'), ('evenements', 'certification_obtenue'),
        ('financements', 'montant_realise'))
SELECT code_financeur, flux, colonne, (1000 + hash(code_financeur) % 500)::BIGINT AS nb_lignes,
       round((1000 + hash(code_financeur) % 500) * (0.6 + 0.4 * u(hash(code_financeur, colonne), 'c')))::BIGINT AS nb_renseignes,
       taux(round((1000 + hash(code_financeur) % 500) * (0.6 + 0.4 * u(hash(code_financeur, colonne), 'c'))),
            1000 + hash(code_financeur) % 500) AS taux_completude
FROM p, c ORDER BY ALL;

CREATE TABLE qualite_partenaire AS
SELECT * FROM (VALUES
  ('CDC', 21000::BIGINT, 120::BIGINT, 9::BIGINT, 0::BIGINT, 0::BIGINT, 0::BIGINT, 41000::BIGINT, 6.0::DOUBLE, 21.0::DOUBLE, 97.2::DOUBLE, 310::BIGINT, 12::BIGINT),
  ('FT', 9800, 95, 60, 0, 0, 4, 19500, 12.0, 44.0, 81.5, 420, 64),
  ('REG-11', 2700, 30, 19, 0, 5, 0, 5300, 18.0, 75.0, 64.0, 88, 30),
  ('REG-84', 1500, 8, 0, 0, 0, 0, 2950, 9.0, 28.0, 92.1, 15, 1),
  -- As the mart has it: every quarantined code_financeur, INCONNU too. Lines, not
  -- lines by rule: 3 + 234 + 225 − 40 (both rules) = 422 lines of DSN, + 5 = 427.
  ('INCONNU', 0, 0, 427, 422, 0, 0, 0, NULL, NULL, NULL, 0, 0)
) v(code_financeur, nb_dossiers, nb_dossiers_annules, nb_lignes_rejetees, nb_lignes_rejetees_dsn, nb_evenements_orphelins,
    nb_financements_orphelins, nb_evenements, delai_transmission_median_jours, delai_transmission_p90_jours,
    part_transmis_30j, nb_corrections, nb_corrections_tardives)
ORDER BY ALL;

CREATE TABLE etat_donnees AS
SELECT DATE '2021-01-01' AS premier_mois_couvert, DATE '2025-06-01' AS dernier_mois_couvert,
       TIMESTAMP '2025-07-03 08:15:00' AS derniere_transmission,
       (SELECT count(*) FROM f_sorties)::BIGINT AS nb_dossiers, (SELECT count(*) FROM f_sorties)::BIGINT AS nb_sortants,
       'v1' AS version_correspondance_nsf_naf;

-- Private: one row per exit. Never published; the site must not read it.
CREATE TABLE resultats_dossiers AS
SELECT CASE type_payeur WHEN 'REG' THEN 'REG-' || code_region ELSE type_payeur END AS code_financeur,
       printf('DOS-%07d', i) AS id_dossier, code_dispositif, siret_of, code_region,
       (mois_sortie - INTERVAL 4 MONTH)::DATE AS date_entree, mois_sortie AS date_sortie, motif_sortie,
       certification_obtenue, obs6 AS observe_6m, CASE WHEN obs6 THEN emp6 END AS emploi_6m
FROM f_etat;
