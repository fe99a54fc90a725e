package sharecard

import (
	"sync"

	"golang.org/x/sync/singleflight"
)

// Cache keeps the last card drawn for each case. Chat and social sites
// fetch a card every time someone pastes the link, and crawlers come back
// often; drawing takes milliseconds, looking a card up costs a hash of
// its inputs. An entry is keyed by the case and holds the version of the
// card it was drawn from (Card.Version), so a change to the case or to
// the numbers of its similar cases gives a new drawing, and the old one
// is replaced rather than kept. Each language of a case's card is its own
// entry, so readers of two languages sharing one case do not take turns
// redrawing it.
//
// Like the statistics answer cache, a full cache starts over, which is
// simpler than an LRU and costs one drawing per card.
type Cache struct {
	mu      sync.Mutex
	max     int
	entries map[entryKey]cached
	flight  singleflight.Group
}

// entryKey is a case and the language of its card.
type entryKey struct{ key, lang string }

type cached struct {
	version string
	png     []byte
}

// NewCache returns a cache of at most max cards.
func NewCache(max int) *Cache {
	return &Cache{max: max, entries: make(map[entryKey]cached)}
}

// PNG returns the card c of the case key in c's language, drawn now or
// earlier, and its version. Concurrent requests for the same card share
// one drawing.
func (ch *Cache) PNG(id string, c Card) (png []byte, version string, err error) {
	version = c.Version()
	key := entryKey{id, c.Lang()}
	if b, ok := ch.get(key, version); ok {
		return b, version, nil
	}
	v, err, _ := ch.flight.Do(id+"\x00"+key.lang+"\x00"+version, func() (any, error) {
		if b, ok := ch.get(key, version); ok {
			return b, nil
		}
		b, err := Render(c)
		if err != nil {
			return nil, err
		}
		ch.put(key, version, b)
		return b, nil
	})
	if err != nil {
		return nil, "", err
	}
	return v.([]byte), version, nil
}

func (ch *Cache) get(key entryKey, version string) ([]byte, bool) {
	ch.mu.Lock()
	defer ch.mu.Unlock()
	e, ok := ch.entries[key]
	if !ok || e.version != version {
		return nil, false
	}
	return e.png, true
}

func (ch *Cache) put(key entryKey, version string, b []byte) {
	ch.mu.Lock()
	defer ch.mu.Unlock()
	if _, ok := ch.entries[key]; !ok && len(ch.entries) >= ch.max {
		ch.entries = make(map[entryKey]cached)
	}
	ch.entries[key] = cached{version: version, png: b}
}

// Forget drops the cards of a case in every language, for a case that
// was deleted or hidden.
func (ch *Cache) Forget(id string) {
	ch.mu.Lock()
	defer ch.mu.Unlock()
	for k := range ch.entries {
		if k.key == id {
			delete(ch.entries, k)
		}
	}
}

// Len is the number of cards kept.
func (ch *Cache) Len() int {
	ch.mu.Lock()
	defer ch.mu.Unlock()
	return len(ch.entries)
}
