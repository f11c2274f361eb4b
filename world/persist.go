package world

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"strconv"
	"sync"
)

// The state file is an append-only log of JSON lines, each prefixed with
// the CRC-32 of its JSON: "1a2b3c4d {...}\n". The first line is usually a
// snapshot of the whole world, each further line one change. Why a log
// and not an embedded store such as bbolt: a change is one small write
// plus an fsync, the file is readable with a text editor, replay is a
// loop over lines, and it needs no new dependency; compaction rewrites
// the file as one snapshot (write a temporary file, fsync, rename, fsync
// the folder), so a crash at any point leaves either the old or the new
// file whole.
//
// A line that is torn (no newline: the process died mid-write), fails its
// checksum or does not decode is reported and skipped; the next lines
// still apply, since each change carries whole task versions.

// DefaultCompactBytes is how much a FileJournal appends (at least, and at
// least the size of its snapshot) before it rewrites the file as one
// snapshot.
const DefaultCompactBytes = 64 << 20

// FileJournal is a Journal on a state file. Record writes a change's line
// (to the kernel, not yet to the disk); Sync fsyncs. Concurrent callers
// of Sync share one fsync: whoever finds none running starts one covering
// every line written so far, and the others wait for it, or for the next
// one when theirs came too late for it (group commit).
type FileJournal struct {
	path      string
	compactAt int64
	report    func(string)
	snapshot  func() *Snapshot // called with the world locked
	fsync     func(*os.File) error

	mu      sync.Mutex
	synced  *sync.Cond // signalled when an fsync ends
	f       *os.File
	size    int64 // bytes in the file
	base    int64 // bytes of its snapshot line
	written int64 // bytes appended since Open, over every compaction
	durable int64 // how many of them are known to be on disk
	syncing bool  // an fsync is running
	broken  error // an fsync failed: nothing written since can be trusted
}

// errClosed is what changes get once the journal is closed.
var errClosed = errors.New("state file is closed")

type record struct {
	Snapshot *Snapshot `json:"snapshot,omitempty"`
	Change   *Change   `json:"change,omitempty"`
}

// Open returns a world kept in the state file at path: the fixtures, then
// whatever the file holds (a missing file is an empty one). Problems with
// the file's content are passed to report (nil: ignored) and skipped; only
// failing to read or write the file is an error. The file is compacted at
// once, then every change is appended to it.
func Open(path string, fx *Fixtures, opts Options, report func(string)) (*World, *FileJournal, error) {
	if report == nil {
		report = func(string) {}
	}
	opts.Journal = nil
	w := New(fx, opts)
	j := &FileJournal{path: path, compactAt: DefaultCompactBytes, report: report, fsync: (*os.File).Sync}
	j.synced = sync.NewCond(&j.mu)
	data, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, nil, fmt.Errorf("state file: %w", err)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	applied, skipped := replay(w, data, func(msg string) { report(fmt.Sprintf("state file %s: %s", path, msg)) })
	if len(data) > 0 {
		report(fmt.Sprintf("state file %s: %d records restored, %d skipped", path, applied, skipped))
	}
	w.resumeLocked()
	if err := j.compactLocked(w.snapshotLocked()); err != nil {
		return nil, nil, err
	}
	j.snapshot = w.snapshotLocked
	w.journal = j
	return w, j, nil
}

// replay applies every good line of data to w.
func replay(w *World, data []byte, report func(string)) (applied, skipped int) {
	for n := 1; len(data) > 0; n++ {
		line, rest, complete := bytes.Cut(data, []byte("\n"))
		data = rest
		if !complete {
			report(fmt.Sprintf("line %d is torn (%d bytes without a newline: a write was cut short); skipped", n, len(line)))
			skipped++
			break
		}
		rec, err := decodeLine(line)
		if err != nil {
			report(fmt.Sprintf("line %d: %v; skipped", n, err))
			skipped++
			continue
		}
		switch {
		case rec.Snapshot != nil:
			w.restoreLocked(rec.Snapshot)
		case rec.Change != nil:
			w.applyLocked(rec.Change)
		}
		applied++
	}
	return applied, skipped
}

func encodeLine(rec record) ([]byte, error) {
	js, err := json.Marshal(rec)
	if err != nil {
		return nil, err
	}
	line := make([]byte, 0, len(js)+10)
	line = fmt.Appendf(line, "%08x ", crc32.ChecksumIEEE(js))
	line = append(line, js...)
	return append(line, '\n'), nil
}

func decodeLine(line []byte) (record, error) {
	var rec record
	sum, js, ok := bytes.Cut(line, []byte(" "))
	if !ok || len(sum) != 8 {
		return rec, errors.New("no checksum")
	}
	want, err := strconv.ParseUint(string(sum), 16, 32)
	if err != nil {
		return rec, errors.New("no checksum")
	}
	if got := crc32.ChecksumIEEE(js); got != uint32(want) {
		return rec, fmt.Errorf("checksum %08x does not match its content (%08x): corrupt", want, got)
	}
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rec); err != nil {
		return rec, fmt.Errorf("does not decode: %v", err)
	}
	if (rec.Snapshot == nil) == (rec.Change == nil) {
		return rec, errors.New("holds neither a snapshot nor a change")
	}
	return rec, nil
}

// Record appends c; Sync makes it durable. Past the compaction size it
// rewrites the file as one snapshot, which is durable at once.
func (j *FileJournal) Record(c *Change) error {
	line, err := encodeLine(record{Change: c})
	if err != nil {
		return err
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	switch {
	case j.broken != nil:
		return j.broken
	case j.f == nil:
		return errClosed
	}
	if _, err := j.f.Write(line); err != nil {
		// Cut a partial line off, so the next record starts clean.
		_ = j.f.Truncate(j.size)
		_, _ = j.f.Seek(j.size, 0)
		return err
	}
	j.size += int64(len(line))
	j.written += int64(len(line))
	// Compact once the changes outweigh both the threshold and the
	// snapshot itself, so a large world is not rewritten on every change.
	if grown := j.size - j.base; grown > j.compactAt && grown > j.base && j.snapshot != nil {
		if err := j.compactLocked(j.snapshot()); err != nil {
			j.report(fmt.Sprintf("state file %s: compaction failed, the log goes on growing: %v", j.path, err))
		}
	}
	return nil
}

// Sync returns once every change recorded before the call is on disk.
func (j *FileJournal) Sync() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	target := j.written
	for j.durable < target {
		switch {
		case j.broken != nil:
			return j.broken
		case j.syncing:
			j.synced.Wait()
			continue
		case j.f == nil:
			return errClosed
		}
		f, upto := j.f, j.written
		j.syncing = true
		j.mu.Unlock()
		err := j.fsync(f)
		j.mu.Lock()
		j.syncing = false
		j.synced.Broadcast()
		if j.durable >= upto {
			// A compaction or Close made it durable meanwhile, and may
			// have closed f under this fsync.
			continue
		}
		if err != nil {
			// The kernel may have dropped the pages it failed to write,
			// so a later fsync succeeding would prove nothing.
			j.broken = fmt.Errorf("state file: fsync failed, changes are no longer kept: %w", err)
			j.report(j.broken.Error())
			return j.broken
		}
		j.durable = upto
	}
	return nil
}

// compactLocked replaces the file with one snapshot, atomically, and
// reopens it for appending.
func (j *FileJournal) compactLocked(s *Snapshot) error {
	line, err := encodeLine(record{Snapshot: s})
	if err != nil {
		return err
	}
	dir := filepath.Dir(j.path)
	tmp, err := os.CreateTemp(dir, filepath.Base(j.path)+".tmp*")
	if err != nil {
		return fmt.Errorf("state file: %w", err)
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	if _, err := tmp.Write(line); err != nil {
		tmp.Close()
		return fmt.Errorf("state file: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("state file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("state file: %w", err)
	}
	if err := os.Rename(tmp.Name(), j.path); err != nil {
		return fmt.Errorf("state file: %w", err)
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	f, err := os.OpenFile(j.path, os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("state file: %w", err)
	}
	if j.f != nil {
		j.f.Close()
	}
	j.f, j.size, j.base = f, int64(len(line)), int64(len(line))
	// The snapshot holds every change written so far, and is on disk.
	j.durable = j.written
	return nil
}

// Close fsyncs and closes the file; later changes fail to record.
func (j *FileJournal) Close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.f == nil {
		return nil
	}
	err := j.f.Sync()
	if err == nil {
		j.durable = j.written
	}
	if cerr := j.f.Close(); err == nil {
		err = cerr
	}
	j.f = nil
	j.synced.Broadcast()
	return err
}
