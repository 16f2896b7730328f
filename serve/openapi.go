package serve

import (
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/agora-formation/agora/dictionary"
	"github.com/agora-formation/agora/indicators/disclosure"
)

// obj is a JSON object of the OpenAPI document.
type obj = map[string]any

// OpenAPI returns the OpenAPI 3 document of the API, built from the routes
// and the catalogue: each route's path, parameters (with the admitted values
// of every dimension) and responses.
func (s *Server) OpenAPI() map[string]any {
	paths := obj{}
	for _, rt := range s.routes {
		ops, _ := paths[rt.Pattern].(obj)
		if ops == nil {
			ops = obj{}
			paths[rt.Pattern] = ops
		}
		ops[strings.ToLower(rt.Method)] = s.operation(rt)
	}
	return obj{
		"openapi": "3.0.3",
		"info": obj{
			"title":   "API des indicateurs agora",
			"version": "1",
			"description": "Indicateurs d'insertion dans l'emploi et de financement de la formation professionnelle. " +
				"Les routes publiques appliquent le secret statistique des données ouvertes ; les routes partenaires " +
				"donnent à chaque financeur ses propres chiffres et ses résultats par dossier, avec un jeton d'accès. " +
				"Erreurs : un objet JSON {\"erreur\": message en français, \"parametres_admis\": [...]}.",
			"license": obj{"name": "Licence Ouverte 2.0", "url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"},
		},
		"servers": []any{obj{"url": "/"}},
		"paths":   paths,
		"components": obj{
			"securitySchemes": obj{
				"jeton": obj{"type": "http", "scheme": "bearer",
					"description": "Jeton remis au financeur par « agora token create --financeur CODE » ; il ne donne accès qu'aux routes de ce financeur."},
			},
			"schemas": obj{
				"Erreur": obj{
					"type":     "object",
					"required": []string{"erreur"},
					"properties": obj{
						"erreur":           obj{"type": "string", "description": "Message en français : ce qui ne va pas et comment corriger."},
						"parametre":        obj{"type": "string", "description": "Paramètre en cause."},
						"parametres_admis": obj{"type": "array", "items": obj{"type": "string"}, "description": "Paramètres admis par la route."},
					},
				},
				"Table": obj{
					"type":     "object",
					"required": []string{"date_donnees", "mode", "colonnes", "lignes"},
					"properties": obj{
						"date_donnees": obj{"type": "string"},
						"mode":         obj{"type": "string", "enum": []string{"public", "partenaire"}},
						"colonnes": obj{"type": "array",
							"description": "Les colonnes de chaque ligne, dans l'ordre : les dimensions de la ventilation (« dimension » renseignée), " +
								"puis l'indicateur, puis en mode public « secret », qui dit pourquoi des valeurs de la ligne sont masquées.",
							"items": obj{"type": "object", "properties": obj{
								"nom": obj{"type": "string"}, "libelle": obj{"type": "string"}, "type": obj{"type": "string"},
								"unite": obj{"type": "string"}, "description": obj{"type": "string"}, "dimension": obj{"type": "string"},
							}}},
						"lignes": obj{"type": "array", "items": obj{"type": "object", "additionalProperties": true,
							"description": "Une ligne : une propriété par colonne (null = manquant ou masqué, jamais zéro), dont en mode public « secret » : " +
								"vide, ou les raisons du masquage séparées par « ; » (" + strings.Join(disclosure.Reasons(), ", ") + ")."}},
					},
				},
				"Catalogue": obj{
					"type":     "object",
					"required": []string{"date_donnees", "indicateurs", "dimensions"},
					"properties": obj{
						"date_donnees": obj{"type": "string", "description": "Date des données de l'entrepôt servi : dernier mois de DSN couvert, dernière transmission."},
						"indicateurs":  obj{"type": "array", "items": obj{"type": "object"}},
						"dimensions":   obj{"type": "array", "items": obj{"type": "object"}},
					},
				},
			},
		},
	}
}

var pathParam = regexp.MustCompile(`\{([a-z_]+)\}`)

func (s *Server) operation(rt Route) obj {
	var params []any
	for _, m := range pathParam.FindAllStringSubmatch(rt.Pattern, -1) {
		params = append(params, s.pathParameter(m[1]))
	}
	for _, p := range rt.Query {
		schema := obj{"type": "string"}
		if len(p.Enum) > 0 {
			schema["enum"] = p.Enum
		}
		params = append(params, obj{"name": p.Name, "in": "query", "required": false, "description": p.Description, "schema": schema})
	}
	if rt.Dimensions {
		params = append(params, s.dimensionParameters()...)
	}
	if params == nil {
		params = []any{}
	}
	op := obj{
		"operationId": rt.OperationID,
		"summary":     rt.Summary,
		"description": rt.Description,
		"parameters":  params,
		"responses":   s.responses(rt),
	}
	if rt.Partner {
		op["security"] = []any{obj{"jeton": []string{}}}
	}
	return op
}

func (s *Server) pathParameter(name string) obj {
	p := obj{"name": name, "in": "path", "required": true}
	switch name {
	case "id":
		var ids []string
		for _, in := range s.cat.Indicators() {
			ids = append(ids, in.ID)
		}
		p["description"] = "Identifiant de l'indicateur (voir le catalogue)."
		p["schema"] = obj{"type": "string", "enum": ids}
	case "code_financeur":
		var codes []string
		for _, c := range dictionary.Financeurs.Codes {
			codes = append(codes, c.Code)
		}
		p["description"] = "Code du financeur (dictionnaire des données, liste 2.2) : celui du jeton."
		p["schema"] = obj{"type": "string", "enum": codes}
	default:
		p["schema"] = obj{"type": "string"}
	}
	return p
}

// dimensionParameters documents each dimension as a filter, with the
// indicators that admit it (x-indicateurs).
func (s *Server) dimensionParameters() []any {
	var out []any
	for _, d := range s.cat.Dimensions() {
		var users []string
		for _, in := range s.cat.Indicators() {
			if slices.Contains(in.Dimensions, d.ID) {
				users = append(users, in.ID)
			}
		}
		if len(users) == 0 {
			continue
		}
		schema := obj{"type": "string"}
		desc := "Filtre : " + d.Definition
		if len(d.Values) > 0 {
			var codes []string
			for _, v := range d.Values {
				codes = append(codes, v.Code)
			}
			schema["enum"] = codes
		} else {
			desc += " Format : " + d.Format + "."
		}
		desc += " Admis par les indicateurs : " + strings.Join(users, ", ") + "."
		out = append(out, obj{"name": d.ID, "in": "query", "required": false, "description": desc,
			"schema": schema, "x-indicateurs": users})
	}
	return out
}

func (s *Server) responses(rt Route) obj {
	errRef := obj{"application/json": obj{"schema": obj{"$ref": "#/components/schemas/Erreur"}}}
	var ok obj
	switch rt.OperationID {
	case "catalogue":
		ok = obj{"description": "Le catalogue.", "content": obj{"application/json": obj{"schema": obj{"$ref": "#/components/schemas/Catalogue"}}}}
	case "openapi":
		ok = obj{"description": "Le document OpenAPI.", "content": obj{"application/json": obj{"schema": obj{"type": "object"}}}}
	default:
		content := obj{"application/json": obj{"schema": obj{"$ref": "#/components/schemas/Table"}}}
		if rt.CSV {
			content["text/csv"] = obj{"schema": obj{"type": "string"}}
		}
		ok = obj{"description": "Les valeurs.", "content": content}
	}
	out := obj{
		"200": ok,
		"400": obj{"description": "Paramètre inconnu, répété ou invalide.", "content": errRef},
		"414": obj{"description": "Chaîne de paramètres trop longue.", "content": errRef},
	}
	if strings.Contains(rt.Pattern, "{") {
		out["404"] = obj{"description": "Indicateur inconnu.", "content": errRef}
	}
	switch rt.OperationID {
	case "openapi":
	case "catalogue":
		out["503"] = obj{"description": "Entrepôt en cours d'ouverture ou absent : pas encore de date des données (en-tête Retry-After).", "content": errRef}
	default:
		out["503"] = obj{"description": "Entrepôt indisponible ou délai dépassé.", "content": errRef}
	}
	if rt.Partner {
		out["401"] = obj{"description": "Jeton manquant, invalide ou révoqué.", "content": errRef}
		out["403"] = obj{"description": "Jeton d'un autre financeur.", "content": errRef}
		out["429"] = obj{"description": "Trop de requêtes pour ce jeton (en-tête Retry-After).", "content": errRef}
	}
	return out
}

func (s *Server) handleOpenAPI(w http.ResponseWriter, r *http.Request) {
	if _, ok := queryParams(w, r, nil, nil); !ok {
		return
	}
	s.openapi.write(w)
}
