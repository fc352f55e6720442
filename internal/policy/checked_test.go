package policy

import (
	"fmt"
	"sync"
	"testing"
)

// TestCheckTextReadsATextOnce: a text read lately for a purpose is not parsed or checked
// again (the provider's validate, plan and read calls share the work); another purpose is
// another reading.
func TestCheckTextReadsATextOnce(t *testing.T) {
	text := []byte(`{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ims:images:list"],"Resource":["*"],"Sid":"TestCheckTextReadsATextOnce"}]}`)
	first := CheckText(text, Identity)
	parsed, checked := Counts()
	if again := CheckText(text, Identity); again != first {
		t.Error("the same text and purpose gave another reading")
	}
	if p, c := Counts(); p != parsed || c != checked {
		t.Errorf("the text was parsed %d and checked %d more times", p-parsed, c-checked)
	}
	if scp := CheckText(text, SCP); scp == first || scp.Purpose() != SCP {
		t.Error("the text as an SCP was not read as one")
	}
}

// TestCheckedCacheIsBounded: the cache holds at most its bound of text, the oldest texts
// leaving first, and a text over the bound is not kept.
func TestCheckedCacheIsBounded(t *testing.T) {
	c := &checkedCache{entries: map[cacheKey]*Checked{}, max: 100}
	key := func(i int) cacheKey { return cacheKey{text: fmt.Sprintf("%040d", i)} }
	for i := range 10 {
		c.put(key(i), &Checked{})
		if c.bytes > c.max || len(c.entries) != len(c.order) {
			t.Fatalf("after %d texts: %d bytes, %d entries, %d in order", i+1, c.bytes, len(c.entries), len(c.order))
		}
	}
	for i := range 10 {
		if _, ok := c.get(key(i)); ok != (i >= 8) {
			t.Errorf("text %d kept: %v; want only the last two", i, ok)
		}
	}
	c.put(cacheKey{text: string(make([]byte, 101))}, &Checked{})
	if len(c.entries) != 2 {
		t.Errorf("a text over the bound was kept: %d entries", len(c.entries))
	}
}

// TestCheckTextConcurrently: callers on several goroutines (the framework serves calls
// concurrently) get the checker's reading of their text; run with -race.
func TestCheckTextConcurrently(t *testing.T) {
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				n := (g*7 + i) % 50
				text := fmt.Sprintf(`{"Version":"5.0","Statement":[{"Sid":"C%d","Effect":"Allow","Action":["ims:images:list"],"Resource":["*"]}]}`, n)
				c := CheckText([]byte(text), Identity)
				if d := c.Document(); d == nil || d.Statements[0].Sid.Value != fmt.Sprintf("C%d", n) {
					t.Errorf("text %d read as %+v", n, c)
					return
				}
			}
		})
	}
	wg.Wait()
}
