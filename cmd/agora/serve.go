package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/agora-formation/agora/serve"
	"github.com/agora-formation/agora/serve/live"
)

func serveCmd(a *app) *cobra.Command {
	var (
		addr    string
		memory  string
		threads int
		rate    float64
		burst   int
	)
	cmd := &cobra.Command{
		Use:   "serve [--addr 127.0.0.1:8080]",
		Short: "Servir le site et l'API des indicateurs",
		Long: `Sert le site statique (<racine>/site) à la racine et l'API des indicateurs sous /api/v1/ :
catalogue (/api/v1/indicateurs), valeurs publiques soumises au secret statistique
(/api/v1/indicateurs/ID?par=dispositif,region&annee=2024&format=csv), description OpenAPI
(/api/v1/openapi.json) et, avec un jeton (agora token create), les chiffres et résultats par
dossier d'un financeur (/api/v1/partenaires/CODE/…).

L'entrepôt est ouvert en lecture seule ; une nouvelle construction (agora build) est prise
en compte sans redémarrer ni interrompre de requête. Journal d'accès JSON sur la sortie
d'erreur (sans jeton ni valeur de paramètre). Écoute par défaut sur 127.0.0.1 seulement :
pour un accès distant, placez un serveur mandataire HTTPS devant.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			host, port, err := net.SplitHostPort(addr)
			if err != nil {
				return userErrorf("--addr %q invalide : attendu hôte:port, par exemple 127.0.0.1:8080", addr)
			}
			if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
				return userErrorf("--addr %q : port « %s » invalide : un port est un nombre de 1 à 65535, par exemple 127.0.0.1:8080", addr, port)
			}
			if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
				a.log.Warn("écoute sur une adresse non locale : l'API n'est pas chiffrée, placez un mandataire HTTPS devant", "adresse", addr)
			}
			if rate < 0 || burst < 1 {
				return userErrorf("--debit doit être positif ou nul et --rafale au moins 1")
			}
			if err := checkMemory(&memory); err != nil {
				return err
			}
			access := slog.New(slog.NewJSONHandler(a.errOut, nil))
			srv, err := serve.New(serve.Config{
				SiteDir:       a.root.Site(),
				WarehousePath: a.root.Warehouse(),
				Open:          live.ReadOnly(a.root.Warehouse(), live.Options{Threads: threads, MemoryLimit: memory}),
				TokensPath:    a.root.Tokens(),
				Log:           a.log,
				AccessLog:     access,
				RatePerSecond: rateOrOff(rate),
				RateBurst:     burst,
			})
			if errors.Is(err, serve.ErrNoWarehouse) {
				return userErrorf("entrepôt introuvable : %s ; construisez-le d'abord avec « agora build » (ou lancez « agora demo »), ou indiquez la racine des données avec --data", a.root.Warehouse())
			}
			if err != nil {
				return err
			}
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return listenError(addr, host, port, err)
			}
			url := "http://" + ln.Addr().String()
			fmt.Fprintf(a.out, "agora sert %s\n  site : %s/\n  API  : %s/api/v1/indicateurs (description : %s/api/v1/openapi.json)\nCtrl-C pour arrêter.\n",
				a.root.Dir, url, url, url)
			// The API answers 503 while the public figures are computed
			// (seconds to a minute): say when it answers.
			stopped := make(chan struct{})
			var announce sync.WaitGroup
			announce.Go(func() {
				select {
				case <-srv.Opened():
					fmt.Fprintf(a.out, "API prête : %s/api/v1/indicateurs\n", url)
				case <-stopped:
				}
			})
			defer announce.Wait()
			defer close(stopped)
			err = srv.Serve(cmd.Context(), ln)
			if errors.Is(err, http.ErrServerClosed) {
				return nil
			}
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&addr, "addr", "127.0.0.1:8080", "adresse d'écoute hôte:port")
	f.StringVar(&memory, "memoire", "4GB", "mémoire maximale de DuckDB pour le serveur (ex. 8GB, 8Go, 512Mo)")
	f.IntVar(&threads, "threads", 0, "fils d'exécution de DuckDB (défaut : nombre de cœurs)")
	f.Float64Var(&rate, "debit", 10, "requêtes par seconde permises à chaque jeton (0 : pas de limite)")
	f.IntVar(&burst, "rafale", 30, "requêtes permises d'un coup à chaque jeton")
	return cmd
}

// rateOrOff maps the flag's 0 (no limit) to the server's negative rate.
func rateOrOff(rate float64) float64 {
	if rate == 0 {
		return -1
	}
	return rate
}

// listenError says in French why agora could not listen on addr, and what
// to do, for the causes a user meets: a port taken, an address that is not
// this machine's, a port reserved to the administrator, an unknown host name.
func listenError(addr, host, port string, err error) error {
	var dns *net.DNSError
	switch {
	case errors.Is(err, syscall.EADDRINUSE):
		next := 8081
		if n, err := strconv.Atoi(port); err == nil && n > 0 && n < 65535 {
			next = n + 1
		}
		return userErrorf("impossible d'écouter sur %s : le port %s est déjà pris (par un autre « agora serve » ?) ; arrêtez ce programme ou choisissez un autre port avec --addr, par exemple --addr %s", addr, port, net.JoinHostPort(host, strconv.Itoa(next)))
	case errors.Is(err, syscall.EADDRNOTAVAIL):
		return userErrorf("impossible d'écouter sur %s : %s n'est pas une adresse de cette machine ; écoutez sur 127.0.0.1 (par défaut) ou sur une adresse d'une de ses interfaces réseau", addr, host)
	case errors.Is(err, syscall.EACCES):
		return userErrorf("impossible d'écouter sur %s : les ports sous 1024 sont réservés à l'administrateur ; choisissez un port de 1024 à 65535, par exemple --addr %s", addr, net.JoinHostPort(host, "8080"))
	case errors.As(err, &dns):
		return userErrorf("impossible d'écouter sur %s : l'hôte « %s » est inconnu ; donnez une adresse IP (127.0.0.1) ou localhost", addr, host)
	}
	return userErrorf("impossible d'écouter sur %s : %v", addr, err)
}
