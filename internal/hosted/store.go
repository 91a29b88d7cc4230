package hosted

import (
	"context"
	"sync"
	"time"
)

// Store is a key-value store: the worker's KV namespace, or MemoryStore.
type Store interface {
	// Get returns the value under key; found is false when there is none
	// (or it has expired).
	Get(ctx context.Context, key string) (value []byte, found bool, err error)
	// Put stores value under key, for ttl (0: for ever).
	Put(ctx context.Context, key string, value []byte, ttl time.Duration) error
}

// MemoryStore is a Store in memory, for tests and local tools.
type MemoryStore struct {
	// Now is the clock that expires values (time.Now when nil).
	Now func() time.Time

	mu   sync.Mutex
	data map[string]memoryValue
}

type memoryValue struct {
	value   []byte
	expires time.Time // zero: never
}

// Get implements Store.
func (m *MemoryStore) Get(_ context.Context, key string) ([]byte, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.data[key]
	if !ok || (!v.expires.IsZero() && !m.now().Before(v.expires)) {
		return nil, false, nil
	}
	return append([]byte(nil), v.value...), true, nil
}

// Put implements Store.
func (m *MemoryStore) Put(_ context.Context, key string, value []byte, ttl time.Duration) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.data == nil {
		m.data = map[string]memoryValue{}
	}
	v := memoryValue{value: append([]byte(nil), value...)}
	if ttl > 0 {
		v.expires = m.now().Add(ttl)
	}
	m.data[key] = v
	return nil
}

// Keys returns the stored keys, expired ones included; tests use it to
// check that a refused request stored nothing.
func (m *MemoryStore) Keys() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var keys []string
	for k := range m.data {
		keys = append(keys, k)
	}
	return keys
}

func (m *MemoryStore) now() time.Time {
	if m.Now != nil {
		return m.Now()
	}
	return time.Now()
}
