// Package generate writes synthetic partner deliveries at national scale,
// exactly in the formats of the data dictionary (dictionary.md section 1), for
// demos, tests and benchmarks: real training and DSN data are confidential.
//
// # Output
//
//	DIR/dossiers/dossiers_<code_financeur>_<AAAAMMJJ>.csv        one per partner and transmission
//	DIR/evenements/evenements_<code_financeur>_<AAAAMMJJ>.csv
//	DIR/financements/financements_<code_financeur>_<AAAAMMJJ>.csv (split by the dossier's sender)
//	DIR/enveloppes/enveloppes_<code_financeur>_<AAAAMMJJ>.csv     by funder: January, and July revisions
//	DIR/dsn_extrait/dsn_extrait_<AAAAMM>.csv                      one per declared month
//	DIR/dsn/<siret>_<AAAAMM>_<n>.dsn                              NEODeS, one per declaration (n = order number)
//	DIR/truth.json                                                 the planted truth: not a delivery
//
// The date in a CSV file name is the transmission's; every row carries it as
// date_transmission. Partners send every 1 to 12 months (fewer dossiers, rarer
// files). Each partner has its habits, listed in truth.json: UTF-8 (with or
// without BOM) or Windows-1252 (then CRLF, JJ/MM/AAAA dates and ',' decimals),
// columns in another order, an unknown extra column (intitule_formation, whose
// labels need quotes), every text field quoted.
//
// # The world
//
// Persons have one to three dossiers among the 20 schemes (CPF about 37%),
// in regions weighted by population, with training organisations of skewed
// sizes (a few thousand at most). Each scheme is funded and sent by the right
// kind of funder; about 12% of dossiers are co-financed. Dossiers are
// transmitted before they start, corrected later (hours, planned end, scheme),
// sent again at the exit by some partners; events arrive over time, some late;
// funding is committed at creation and realised after the exit. About 2.4% of
// dossiers are cancelled.
//
// Each person has a career of dated contracts from 12 months before their first
// entry to 24 months after their last exit, cut at the coverage month. Whether
// a person works six months after an exit is drawn from a planted logistic
// model (scheme, situation before entry, age band, sex, region, NSF domain,
// exit reason, training organisation effect) and honoured by construction; the
// months around come from one job-search process, so M+3, M+6 and M+12 agree.
// Employees have a contract the month before entry, others none.
//
// With DSN format both, a few big establishments declare in NEODeS (from some
// month on) and everything else is in dsn_extrait: an establishment-month is
// never in both. NEODeS plans include cancel-and-replace (03), cancellation
// then the same sent again (04), two normal declarations (the later wins),
// néant (02), a mistaken declaration replaced by a néant one (05) and
// end-of-contract event reports (nature 04, to be skipped).
//
// # Defects and truth.json
//
// A share of rows (--defauts) gets a deliberate defect: a copy of a valid row
// that breaks exactly one rule, in a file where its key is absent (so it is
// never needed), or a duplicate in the same file, a truncated line, an exit
// dated before the entry in the entry's file, a line that is not a NEODeS
// rubric. truth.json lists each one (fichier, ligne with 1 = header, regle,
// colonne) under "defauts", with the planted model ("modele_emploi_6m": base
// logit by scheme, coefficients, the effect of each organisation by siret_of)
// and, by scheme (and by situation) and exit year, the exits observed at M+6,
// their expected employment rate (mean planted probability) and the realised
// one ("taux_attendus_6m"; rows without code_dispositif are national).
//
// # Determinism and scale
//
// Every draw comes from a PCG stream seeded by (seed, stream, person), so the
// bytes do not depend on the number of goroutines. Persons are drawn in order,
// generated in parallel batches and appended in order through a file set with
// a fixed memory budget: memory does not grow with the number of dossiers.
package generate
