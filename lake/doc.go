// Package lake is agora's source of truth: typed Parquet files under a data
// root, made visible only by manifests.
//
// # Layout
//
// Under the lake root (the caller passes <dataroot>/lake):
//
//	<root>/<dataset>/<key>=<value>/.../<token>-00001.parquet   data, Hive-style partitions
//	<root>/_manifests/<id>.json                                 one manifest per committed transaction
//	<root>/_tmp/                                                locks of live transactions, sort spills
//
// A dataset is any lower-case name the caller gives (dossiers, evenements,
// dsn_extrait, quarantaine, …); partitions are chosen by the caller, for
// example dsn_extrait/mois=2024-03/ or dossiers/code_financeur=FT/.
//
// # Commit protocol
//
// A transaction (Txn) writes its Parquet files under their final names
// (each written atomically: temporary name, fsync, rename, fsync of the
// directory), then Commit writes its manifest last: temporary file, fsync,
// rename, fsync of _manifests. The rename of the manifest is the commit point.
// A Parquet file that no committed manifest lists is invisible: it is a crash
// leftover or belongs to a transaction still running, and Collect removes it
// once its transaction is gone.
//
// Manifest ids are "<sequence>-<token>", the sequence zero-padded to 8 digits
// and allocated at commit under an exclusive lock on _manifests/.lock, so ids
// sort in commit order. The token is chosen when the transaction begins and
// prefixes the names of its Parquet files, so every file names its landing.
//
// A landing records its sources (file name, SHA-256, size, and rows read,
// landed and quarantined per source) and their totals. One landing may carry
// many sources (for example a folder of NEODeS declarations, one per
// establishment and month, landed as one batch), so that a delivery of many
// small files does not make as many manifests and tiny Parquet files. The
// same source (same feed and SHA-256) is never committed twice: Begin and
// Commit return an error matching ErrAlreadyLanded, also when two processes
// race to land the same file.
//
// Typical landing:
//
//	src, _ := lake.SourceOf(path)
//	txn, err := lk.Begin("dossiers", src)      // errors.Is(err, lake.ErrAlreadyLanded): "déjà chargé"
//	w, _ := lake.NewWriter[Dossier](txn, "dossiers", []lake.Partition{{Key: "code_financeur", Value: "FT"}},
//		lake.WriteOptions{SortBy: []string{"id_dossier"}})
//	w.Write(rows) … w.Close()
//	m, err := txn.Commit(lake.Summary{Rows: []lake.Rows{{Read: 10, Landed: 9, Quarantined: 1,
//		QuarantinedByRule: map[string]int64{"NIR_KEY": 1}}}, SchemaVersion: "1"})
//	// on any error: txn.Abort()
//
// # Reading
//
// Snapshot(asOf) returns the files visible after a given manifest (or the
// latest): the files of every manifest up to and including it, minus the
// files that those manifests remove (compaction, purge). Its Paths method
// gives what warehouse.MountLake expects.
//
// # Compaction and purge
//
// Compact (a manifest of kind Compaction) rewrites the small files of each
// dataset and partition into few large sorted ones and removes the old ones
// from visibility; they stay on disk for snapshots as of earlier manifests.
// PurgeDSN (kind Purge) applies the retention rule of the DSN: it rewrites
// the files holding expired rows without them, visible or not, records the
// old→new pairs as Rewrites and deletes the old files, so that no snapshot,
// even as of an earlier manifest, shows a purged row. Both work through a
// DuckDB database given by the caller.
//
// # Writing Parquet
//
// NewWriter writes typed rows of a Go struct into a transaction; CreateParquet
// does the same for any path outside the lake. Both compress with zstd, cut
// row groups of DefaultRowGroupRows rows and can sort rows on given columns
// (a sorting writer holds up to SortRunRows rows in memory: mind it when many
// partitions are written at once).
// Struct fields use parquet-go tags; the conventions agora relies on:
//
//	Name      string     `parquet:"name"`                          VARCHAR
//	Code      string     `parquet:"code,dict"`                     VARCHAR, dictionary-encoded (low cardinality)
//	Opt       *string    `parquet:"opt,optional"`                  VARCHAR, nil → NULL
//	N         int32      `parquet:"n"`                             INTEGER
//	Big       *int64     `parquet:"big,optional"`                  BIGINT, nil → NULL
//	Hours     *float64   `parquet:"hours,optional"`                DOUBLE, nil → NULL
//	Cents     int64      `parquet:"amount,decimal(2:18)"`          DECIMAL(18,2): value in cents
//	Day       lake.Date  `parquet:"day,date"`                      DATE (not time.Time: see Date)
//	MaybeDay  *lake.Date `parquet:"maybe_day,optional,date"`      DATE, nil → NULL
//	At        time.Time  `parquet:"at,timestamp(microsecond:local)"` TIMESTAMP (naive, agora stores UTC)
//	AtUTC     time.Time  `parquet:"at_utc,timestamp(microsecond)"`  TIMESTAMP WITH TIME ZONE
//	Pseudo    [16]byte   `parquet:"pseudo,uuid"`                   UUID
//	Flag      *bool      `parquet:"flag,optional"`                 BOOLEAN, nil → NULL
//
// "optional" goes on pointers only: on a value type, parquet-go writes the
// zero value as NULL, but not always (some NULLs come out as "" or 0), so the
// writers refuse it.
package lake
