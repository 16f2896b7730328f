package dictionary

// The lake's datasets: what landing writes and the SQL models read. Each CSV feed
// lands into the dataset of the same name, with the same columns typed, except that
// the NIR is replaced by its pseudonym. Every dataset also carries lineage columns.

// LakeColumn is one column of a lake dataset with its DuckDB type.
type LakeColumn struct {
	Name string `json:"name"`
	Type string `json:"type"`
	Doc  string `json:"doc"`
}

// sourceColumn numbers the files of a landing: with _landing and _ligne it
// orders the versions of a row landed in one transaction (two files of one
// run, e.g. an extract and its correction).
var sourceColumn = LakeColumn{Name: "_source", Type: "BIGINT", Doc: "Fichier source dans son chargement : rang (1, 2, …) du fichier parmi les sources du manifeste, dans l'ordre lexical des chemins (fichiers donnés ou trouvés dans les dossiers) ; un partenaire qui nomme sa correction après l'original (dsn_extrait_2025-11.csv puis dsn_extrait_2025-11_rectif.csv) la fait passer après. À date de transmission égale (et toujours pour dsn_extrait, qui n'en a pas), la version retenue est celle du dernier chargement, puis du dernier fichier, puis de la dernière ligne. Vide (NULL) pour les lignes chargées avant l'ajout de la colonne"}

// Lineage columns present in every dataset written by landing.
var lineage = []LakeColumn{
	{Name: "_landing", Type: "VARCHAR", Doc: "Chargement d'origine : début du chargement (UTC) et jeton de la transaction, triable dans l'ordre des chargements ; le jeton termine l'identifiant du manifeste"},
	sourceColumn,
	{Name: "_ligne", Type: "BIGINT", Doc: "Ligne du fichier source (1 = en-tête pour un CSV)"},
}

// PseudoColumn is the name of the pseudonym column that replaces the NIR in the lake.
const PseudoColumn = "pseudo"

// LakeType returns the DuckDB type a column of that kind is stored with.
func LakeType(k Kind) string {
	switch k {
	case NIR:
		return "UUID"
	case Date, Month:
		return "DATE"
	case Timestamp:
		return "TIMESTAMP"
	case Integer:
		return "BIGINT"
	case Amount:
		return "DECIMAL(18,2)"
	case Decimal:
		return "DOUBLE"
	}
	return "VARCHAR"
}

// LakeColumns returns the columns of the feed's lake dataset, in order.
func (f *Feed) LakeColumns() []LakeColumn {
	var cs []LakeColumn
	for _, c := range f.Columns {
		name := c.Name
		doc := c.Doc
		if c.Kind == NIR {
			name = PseudoColumn
			doc = "Pseudonyme du NIR (HMAC-SHA256 à clé, 128 bits) ; le NIR n'est jamais stocké"
		}
		cs = append(cs, LakeColumn{Name: name, Type: LakeType(c.Kind), Doc: doc})
	}
	if f == DSNExtrait {
		cs = append(cs, LakeColumn{Name: "declaration_id", Type: "VARCHAR", Doc: "Déclaration NEODeS d'origine (vide pour le flux tabulaire)"})
	}
	return append(cs, lineage...)
}

// DSNDeclarations is the lake dataset of NEODeS declarations, one row per file:
// the staging models keep, for each establishment and month, only the latest
// declaration (by date_fichier then numero_ordre); a cancellation (type 04)
// leaves the establishment-month without data.
var DSNDeclarations = []LakeColumn{
	{Name: "declaration_id", Type: "VARCHAR", Doc: "Identifiant de la déclaration (empreinte SHA-256 du fichier)"},
	{Name: "siret", Type: "VARCHAR", Doc: "SIRET de l'établissement déclarant (SIREN S21.G00.06.001 + NIC S21.G00.11.001)"},
	{Name: "mois", Type: "DATE", Doc: "Mois principal déclaré (S20.G00.05.005)"},
	{Name: "nature", Type: "VARCHAR", Doc: "Nature de la déclaration (S20.G00.05.001) ; seule 01 est lue"},
	{Name: "type_declaration", Type: "VARCHAR", Doc: "01 normale, 02 néant, 03 annule et remplace, 04 annule, 05 annule et remplace néant"},
	{Name: "numero_ordre", Type: "BIGINT", Doc: "Numéro d'ordre (S20.G00.05.004)"},
	{Name: "date_fichier", Type: "DATE", Doc: "Date de constitution du fichier (S20.G00.05.007)"},
	{Name: "nb_lignes", Type: "BIGINT", Doc: "Nombre de lignes dsn_extrait produites"},
	{Name: "_landing", Type: "VARCHAR", Doc: "Chargement d'origine : début du chargement (UTC) et jeton de la transaction, triable dans l'ordre des chargements ; le jeton termine l'identifiant du manifeste"},
	sourceColumn,
}

// Quarantine is the lake dataset of rejected rows.
var Quarantine = []LakeColumn{
	{Name: "feed", Type: "VARCHAR", Doc: "Flux du fichier"},
	{Name: "fichier", Type: "VARCHAR", Doc: "Nom du fichier source"},
	{Name: "ligne", Type: "BIGINT", Doc: "Numéro de ligne dans le fichier (0 = le fichier entier)"},
	{Name: "regle", Type: "VARCHAR", Doc: "Code de la règle enfreinte"},
	{Name: "colonne", Type: "VARCHAR", Doc: "Colonne en cause"},
	{Name: "valeur", Type: "VARCHAR", Doc: "Valeur en cause (NIR masqué)"},
	{Name: "code_financeur", Type: "VARCHAR", Doc: "Partenaire émetteur quand il est lisible"},
	{Name: "_landing", Type: "VARCHAR", Doc: "Chargement d'origine : début du chargement (UTC) et jeton de la transaction, triable dans l'ordre des chargements ; le jeton termine l'identifiant du manifeste"},
	sourceColumn,
}

// LakeSchemas returns every lake dataset with its columns.
func LakeSchemas() map[string][]LakeColumn {
	m := map[string][]LakeColumn{
		"dsn_declarations": DSNDeclarations,
		"quarantaine":      Quarantine,
	}
	for _, f := range Feeds() {
		m[f.Name] = f.LakeColumns()
	}
	return m
}
