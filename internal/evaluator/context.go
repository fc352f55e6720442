package evaluator

import (
	"sync"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/condition"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/wildcard"
)

// Context holds a request's condition key values, whose keys ignore case (ASCII, as the
// vendor's keys are), each value read once: as its key's catalog type, or, for a key the
// catalog does not know, as every type an operator may compare it as
// (condition.ReadRequest).
// The zero Context has no keys. A key given with no values is present, and empty.
type Context struct {
	// keys are the distinct keys: a request gives a few, and scanning them costs no
	// more than hashing. Building a Context costs two allocations whatever their number.
	keys []contextKey
}

type contextKey struct {
	key    string // as the request first spells it
	values []contextValue
}

type contextValue struct {
	value condition.Value
	types condition.Types // the types value could be read as
}

// NewContext returns a Context of the given values.
func NewContext(values map[string][]string) Context {
	entries := make([]ContextEntry, 0, len(values))
	for k, vs := range values {
		entries = append(entries, ContextEntry{Key: k, Values: vs})
	}
	return newContext(entries, nil, nil)
}

// contextRoom is the memory of a Context that lives for one call only (Simulate's):
// taken from and given back to contextRooms, so that a warm Simulate reads a request's
// context without allocating. The keys and values are a few hundred bytes of pointerful
// structs, whose allocation and collection cost more than the evaluation itself.
type contextRoom struct {
	keys   []contextKey
	values []contextValue
}

var contextRooms sync.Pool

// takeRoom returns a room from contextRooms, or a new one.
func takeRoom() *contextRoom {
	if r, ok := contextRooms.Get().(*contextRoom); ok {
		return r
	}
	return new(contextRoom)
}

// release clears what the room holds (the caller's strings) and gives it back.
func (r *contextRoom) release() {
	clear(r.keys[:cap(r.keys)])
	clear(r.values[:cap(r.values)])
	contextRooms.Put(r)
}

// take returns n keys and m values, from the room when it is large enough (room may be
// nil: a Context the caller keeps has memory of its own).
func (r *contextRoom) take(n, m int) ([]contextKey, []contextValue) {
	if r == nil {
		return make([]contextKey, n), make([]contextValue, m)
	}
	if cap(r.keys) < n {
		r.keys = make([]contextKey, n)
	}
	if cap(r.values) < m {
		r.values = make([]contextValue, m)
	}
	return r.keys[:n], r.values[:m]
}

// newContext reads the entries' values, adding up those of a key given twice, and
// tells read, when not nil, what each value could be read as. The Context lives in room
// when it is not nil.
func newContext(entries []ContextEntry, read func(entry int, value string, types condition.Types, reader condition.Reader), room *contextRoom) Context {
	if len(entries) == 0 {
		return Context{}
	}
	// Number the distinct keys: slot[i] is entry i's.
	var slotBuf [16]int
	slot := slotBuf[:0]
	if len(entries) > len(slotBuf) {
		slot = make([]int, 0, len(entries))
	}
	var firsts []int // the entry that first gives each distinct key
	var firstBuf [16]int
	firsts = firstBuf[:0]
	valueCount := 0
	for i, e := range entries {
		j := 0
		for j < len(firsts) && !wildcard.EqualFold(entries[firsts[j]].Key, e.Key) {
			j++
		}
		if j == len(firsts) {
			firsts = append(firsts, i)
		}
		slot = append(slot, j)
		valueCount += len(e.Values)
	}

	keys, all := room.take(len(firsts), valueCount)
	c := Context{keys: keys}
	for j, i := range firsts {
		c.keys[j].key = entries[i].Key
	}
	// One array for every value, each key's values side by side.
	var countBuf [16]int
	counts := countBuf[:0]
	if len(firsts) > len(countBuf) {
		counts = make([]int, 0, len(firsts))
	}
	counts = counts[:len(firsts)]
	for i, e := range entries {
		counts[slot[i]] += len(e.Values)
	}
	start := 0
	for j := range c.keys {
		c.keys[j].values = all[start : start : start+counts[j]]
		start += counts[j]
	}
	for i, e := range entries {
		k := &c.keys[slot[i]]
		reader := condition.KeyReader(e.Key) // the key looked up once for its values
		for _, v := range e.Values {
			k.values = k.values[:len(k.values)+1]
			cv := &k.values[len(k.values)-1]
			types, _ := reader.ReadInto(&cv.value, v) // the caller's read reports errors
			cv.types = types
			if read != nil {
				read(i, v, types, reader)
			}
		}
	}
	return c
}

// lookup returns the values of a key, and whether it is present.
func (c Context) lookup(key string) ([]contextValue, bool) {
	// Policies and requests mostly spell a key alike: look for that first.
	for i := range c.keys {
		if c.keys[i].key == key {
			return c.keys[i].values, true
		}
	}
	for i := range c.keys {
		if wildcard.EqualFold(c.keys[i].key, key) { // the case rule of keys
			return c.keys[i].values, true
		}
	}
	return nil, false
}

// has reports whether the context gives the key, ignoring case.
func (c Context) has(key string) bool {
	_, ok := c.lookup(key)
	return ok
}

// Fragment is one key and its values, read once, for assembling many Contexts from the
// same keys without reading the values again (the analyser's representative requests).
type Fragment struct{ key contextKey }

// NewFragment reads a key's values; no values is a key given with no values.
func NewFragment(key string, values []string) Fragment {
	f := Fragment{key: contextKey{key: key, values: make([]contextValue, 0, len(values))}}
	reader := condition.KeyReader(key)
	for _, v := range values {
		value, types, _ := reader.Read(v)
		f.key.values = append(f.key.values, contextValue{value: value, types: types})
	}
	return f
}

// Reset empties the context, keeping its room.
func (c *Context) Reset() { c.keys = c.keys[:0] }

// Add gives the context the fragment's key and values; the key must not be in it yet.
func (c *Context) Add(f Fragment) { c.keys = append(c.keys, f.key) }
