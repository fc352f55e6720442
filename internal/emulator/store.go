package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// The state is kept in two files side by side: the state file (Config.StatePath), a JSON
// snapshot replaced atomically, and its journal (the state file's name + ".journal"), to
// which every acknowledged write appends one record: the objects it changed, whole, and the
// state's counters. A write costs one record and one fsync, whatever the size of the state.
// The journal is folded into a new snapshot and emptied (compacted) at start and every
// compactEvery records.
//
// Crash safety: a write is acknowledged only once its record is fsynced, so a kill at any
// point leaves whole records followed at most by part of the last one, which was never
// acknowledged and is dropped when the state is read. Records set objects to their value
// or delete them, so replaying a journal that is already folded into the snapshot (a kill
// between the new snapshot's rename and the journal's truncation) gives the same state.

// compactEvery is how many records the journal holds before it is folded into the state
// file: writes stay proportional to their change, and a start replays at most this many.
const compactEvery = 1000

// objectKind is the kind of object a write changed.
type objectKind uint8

const (
	policyObject objectKind = iota + 1
	scpObject
)

// objectRef names an object a write changed, for its journal record.
type objectRef struct {
	kind objectKind
	id   string
}

func policyRef(id string) objectRef { return objectRef{policyObject, id} }
func scpRef(id string) objectRef    { return objectRef{scpObject, id} }

// journalRecord is one write: the changed objects as they are after it (nil: deleted),
// and the state's counter and root, which are small enough to carry every time.
type journalRecord struct {
	Seq      int64              `json:"seq"`
	Root     Root               `json:"root"`
	Policies map[string]*Policy `json:"policies,omitempty"`
	SCPs     map[string]*SCP    `json:"scps,omitempty"`
}

// A journal line is the CRC-32 (IEEE) of the record's JSON in 8 hex digits, a space, the
// JSON (which holds no newline) and a newline.
func encodeRecord(rec journalRecord) ([]byte, error) {
	b, err := json.Marshal(rec)
	if err != nil {
		return nil, err
	}
	line := make([]byte, 0, len(b)+10)
	line = fmt.Appendf(line, "%08x ", crc32.ChecksumIEEE(b))
	line = append(line, b...)
	return append(line, '\n'), nil
}

func decodeRecord(line []byte) (journalRecord, bool) {
	var rec journalRecord
	if len(line) < 10 || line[8] != ' ' {
		return rec, false
	}
	sum, err := strconv.ParseUint(string(line[:8]), 16, 32)
	if err != nil || uint32(sum) != crc32.ChecksumIEEE(line[9:]) {
		return rec, false
	}
	return rec, json.Unmarshal(line[9:], &rec) == nil
}

// parseJournal returns the journal's whole records. A last line cut short or damaged is a
// write that was never acknowledged and is left out; a damaged line followed by others is
// an error, since the records after it were acknowledged.
func parseJournal(b []byte) ([]journalRecord, error) {
	var recs []journalRecord
	for off := 0; off < len(b); {
		n := bytes.IndexByte(b[off:], '\n')
		if n < 0 {
			break // the last record, cut before its end
		}
		rec, ok := decodeRecord(b[off : off+n])
		if !ok {
			if off+n+1 == len(b) {
				break
			}
			return nil, fmt.Errorf("damaged record at byte %d, followed by others", off)
		}
		recs = append(recs, rec)
		off += n + 1
	}
	return recs, nil
}

func (rec journalRecord) applyTo(st *state) {
	st.Seq, st.Root = rec.Seq, rec.Root
	for id, p := range rec.Policies {
		if p == nil {
			delete(st.Policies, id)
		} else {
			st.Policies[id] = p
		}
	}
	for id, p := range rec.SCPs {
		if p == nil {
			delete(st.SCPs, id)
		} else {
			st.SCPs[id] = p
		}
	}
}

func journalPath(statePath string) string { return statePath + ".journal" }

// tempPrefix is how the names of saveState's temporary files begin; CreateTemp ends them
// with digits.
func tempPrefix(statePath string) string { return "." + filepath.Base(statePath) + ".tmp-" }

// removeTempFiles removes the temporary files a killed emulator left next to its state
// file: only regular files named like saveState's own (the prefix, then digits).
func removeTempFiles(statePath string) error {
	dir, prefix := filepath.Dir(statePath), tempPrefix(statePath)
	entries, err := os.ReadDir(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return err
	}
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), prefix)
		if !ok || rest == "" || strings.Trim(rest, "0123456789") != "" || !e.Type().IsRegular() {
			continue
		}
		if err := os.Remove(filepath.Join(dir, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}

// readState reads the state file and replays its journal; loaded is false when there is no
// state file yet.
func readState(statePath string) (*state, bool, error) {
	st, loaded, err := loadState(statePath)
	if err != nil {
		return nil, false, err
	}
	b, err := os.ReadFile(journalPath(statePath))
	if errors.Is(err, fs.ErrNotExist) {
		return st, loaded, nil
	}
	if err != nil {
		return nil, false, err
	}
	n, err := replayJournal(st, b)
	if err != nil {
		return nil, false, fmt.Errorf("journal %s: %w", journalPath(statePath), err)
	}
	if n > 0 && !loaded {
		return nil, false, fmt.Errorf("journal %s has records but there is no state file %s", journalPath(statePath), statePath)
	}
	return st, loaded, nil
}

// replayJournal applies a journal's whole records to st and returns how many there were.
func replayJournal(st *state, journal []byte) (int, error) {
	recs, err := parseJournal(journal)
	if err != nil {
		return 0, err
	}
	for _, rec := range recs {
		rec.applyTo(st)
	}
	return len(recs), nil
}

// store appends writes to the journal and compacts it.
type store struct {
	path    string
	every   int // compactEvery; tests lower it
	journal *os.File
	size    int64 // bytes of whole records in the journal
	records int   // records since the last compaction
	broken  error // the journal could not be restored after a failed append
}

// openStore writes st as the state file, empties the journal (st holds its records) and
// opens it for appending.
func openStore(statePath string, st *state) (*store, error) {
	if err := saveState(statePath, st); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(journalPath(statePath), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	if err := f.Truncate(0); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, err
	}
	if err := syncDir(filepath.Dir(statePath)); err != nil {
		f.Close()
		return nil, err
	}
	return &store{path: statePath, every: compactEvery, journal: f}, nil
}

// append records a write that changed the objects refs name, and returns once it is on
// disk.
func (s *store) append(st *state, refs []objectRef) error {
	if s.broken != nil {
		return s.broken
	}
	rec := journalRecord{Seq: st.Seq, Root: st.Root}
	for _, r := range refs {
		switch r.kind {
		case policyObject:
			if rec.Policies == nil {
				rec.Policies = map[string]*Policy{}
			}
			rec.Policies[r.id] = st.Policies[r.id]
		case scpObject:
			if rec.SCPs == nil {
				rec.SCPs = map[string]*SCP{}
			}
			rec.SCPs[r.id] = st.SCPs[r.id]
		}
	}
	line, err := encodeRecord(rec)
	if err != nil {
		return err
	}
	_, err = s.journal.Write(line)
	if err == nil {
		err = s.journal.Sync()
	}
	if err != nil {
		// Cut what was written of this record, so that later records follow whole ones.
		if terr := s.journal.Truncate(s.size); terr != nil {
			s.broken = fmt.Errorf("the journal could not be restored after a failed write: %w", terr)
		}
		return err
	}
	s.size += int64(len(line))
	s.records++
	if s.records >= s.every {
		// The write is on disk; a failed compaction is tried again at the next write.
		_ = s.compact(st)
	}
	return nil
}

// compact writes the whole state as the state file, then empties the journal.
func (s *store) compact(st *state) error {
	if s.broken != nil {
		return s.broken
	}
	if err := saveState(s.path, st); err != nil {
		return err
	}
	// A journal left as it is still replays to this state (records are idempotent).
	if err := s.journal.Truncate(0); err != nil {
		return err
	}
	if err := s.journal.Sync(); err != nil {
		return err
	}
	s.size, s.records = 0, 0
	return nil
}

func (s *store) close() error { return s.journal.Close() }

// syncDir makes a rename or a creation in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
