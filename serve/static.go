package serve

import (
	"errors"
	"io/fs"
	"net/http"
	"os"
	"path"
	"strings"
)

// serveSite serves the static site from the site folder. The folder is opened
// as an os.Root at each request, so that no path (.., %2e%2e, a symbolic link)
// can reach a file outside it and a site rebuilt by replacing the folder is
// served at once. Directories are served by their index.html, never listed;
// names starting with a dot are never served.
func (s *Server) serveSite(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "méthode non admise : le site n'accepte que GET", http.StatusMethodNotAllowed)
		return
	}
	name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
	for _, seg := range strings.Split(name, "/") {
		if strings.HasPrefix(seg, ".") || strings.ContainsAny(seg, "\\\x00") {
			notFound(w)
			return
		}
	}
	if name == "" {
		name = "."
	}
	root, err := os.OpenRoot(s.cfg.SiteDir)
	if err != nil {
		http.Error(w, "site indisponible : il n'a pas encore été publié (lancez « agora report »)", http.StatusNotFound)
		return
	}
	defer root.Close()

	f, info, err := openRegular(root, name)
	if errors.Is(err, errIsDir) {
		if !strings.HasSuffix(r.URL.Path, "/") {
			http.Redirect(w, r, path.Base(r.URL.Path)+"/", http.StatusMovedPermanently)
			return
		}
		f, info, err = openRegular(root, path.Join(name, "index.html"))
	}
	if err != nil {
		notFound(w)
		return
	}
	defer f.Close()
	w.Header().Set("Cache-Control", "no-cache")
	http.ServeContent(w, r, info.Name(), info.ModTime(), f)
}

var errIsDir = errors.New("dossier")

// openRegular opens name under root if it is a regular file.
func openRegular(root *os.Root, name string) (*os.File, fs.FileInfo, error) {
	f, err := root.Open(name)
	if err != nil {
		return nil, nil, err
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	if info.IsDir() {
		f.Close()
		return nil, nil, errIsDir
	}
	if !info.Mode().IsRegular() {
		f.Close()
		return nil, nil, fs.ErrNotExist
	}
	return f, info, nil
}

func notFound(w http.ResponseWriter) {
	http.Error(w, "page introuvable", http.StatusNotFound)
}
