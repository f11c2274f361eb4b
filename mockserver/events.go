package mockserver

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"sendaimock/world"
)

// sseKeepAlive is how often an idle event stream sends a comment, so that
// proxies and browsers keep it open. It runs on the wall clock.
const sseKeepAlive = 15 * time.Second

// streamPath serves the event stream.
const streamPath = "/_mock/events/stream"

// sseBuffer is how many events a slow stream may fall behind before it
// misses some; a missed event is still in GET /_mock/events.
const sseBuffer = 256

// sessionEvent is an event and the sandbox it happened in.
type sessionEvent struct {
	session string
	event   world.Event
}

// bus fans events out to event streams and webhooks. publish is called
// with a world locked, so nothing in it blocks: streams get a non-blocking
// send, webhooks a queue of their own.
type bus struct {
	hooks *webhooks

	mu   sync.Mutex
	subs map[*subscriber]struct{}
}

type subscriber struct {
	session string
	ch      chan world.Event
	missed  int
}

func newBus(hooks *webhooks) *bus {
	return &bus{hooks: hooks, subs: map[*subscriber]struct{}{}}
}

func (b *bus) publish(session string, e world.Event) {
	b.mu.Lock()
	for sub := range b.subs {
		if sub.session != session {
			continue
		}
		select {
		case sub.ch <- e:
		default:
			sub.missed++
		}
	}
	b.mu.Unlock()
	b.hooks.enqueue(sessionEvent{session: session, event: e})
}

func (b *bus) subscribe(session string) *subscriber {
	sub := &subscriber{session: session, ch: make(chan world.Event, sseBuffer)}
	b.mu.Lock()
	b.subs[sub] = struct{}{}
	b.mu.Unlock()
	return sub
}

func (b *bus) unsubscribe(sub *subscriber) {
	b.mu.Lock()
	delete(b.subs, sub)
	b.mu.Unlock()
}

// eventsAfter returns the events after the one whose ID is since ("" for
// all) that are of type typ ("" for any). ok is false if since is unknown.
func eventsAfter(all []world.Event, since, typ string) (out []world.Event, ok bool) {
	start := 0
	if since != "" {
		start = -1
		for i, e := range all {
			if e.ID == since {
				start = i + 1
				break
			}
		}
		if start < 0 {
			return nil, false
		}
	}
	out = []world.Event{}
	for _, e := range all[start:] {
		if typ == "" || e.Type == typ {
			out = append(out, e)
		}
	}
	return out, true
}

func unknownEventError(c *gin.Context, since string) {
	writeError(c, http.StatusBadRequest, fmt.Sprintf("Invalid request: query.since: no event has the id %q", since),
		[]FieldError{{Field: "query.since", Reason: "must be the id of an event of this world"}})
}

// listEvents answers GET /_mock/events?type=...&since=evt_...
func (s *Server) listEvents(c *gin.Context) {
	events, ok := eventsAfter(s.worldFor(c).Events(), c.Query("since"), c.Query("type"))
	if !ok {
		unknownEventError(c, c.Query("since"))
		return
	}
	writeJSON(c, http.StatusOK, events)
}

// streamEvents serves the request's events as Server-Sent Events: first
// those after since (or Last-Event-ID), if given, then each new one as it
// is published. It ends when the client goes away or the server closes.
func (s *Server) streamEvents(c *gin.Context) {
	typ := c.Query("type")
	since := c.Query("since")
	if since == "" {
		since = c.GetHeader("Last-Event-ID")
	}
	// Subscribe before reading the backlog, so nothing falls between them.
	sub := s.bus.subscribe(sessionName(c))
	defer s.bus.unsubscribe(sub)
	var backlog []world.Event
	if since != "" {
		var ok bool
		if backlog, ok = eventsAfter(s.worldFor(c).Events(), since, typ); !ok {
			unknownEventError(c, since)
			return
		}
	}
	// A stream outlives the server's write timeout.
	_ = http.NewResponseController(c.Writer).SetWriteDeadline(time.Time{})
	h := c.Writer.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	c.Status(http.StatusOK)
	fmt.Fprint(c.Writer, ": sendai-mock event stream\n\n")
	sent := map[string]bool{}
	for _, e := range backlog {
		writeSSE(c, e)
		sent[e.ID] = true
	}
	c.Writer.Flush()

	keepAlive := time.NewTicker(sseKeepAlive)
	defer keepAlive.Stop()
	for {
		select {
		case <-c.Request.Context().Done():
			return
		case <-s.closed:
			return
		case <-keepAlive.C:
			fmt.Fprint(c.Writer, ": keep-alive\n\n")
		case e := <-sub.ch:
			if sent[e.ID] || (typ != "" && e.Type != typ) {
				continue
			}
			writeSSE(c, e)
		}
		c.Writer.Flush()
	}
}

// writeSSE writes one event: its id, its type name, and its JSON body.
func writeSSE(c *gin.Context, e world.Event) {
	data, err := json.Marshal(e)
	if err != nil {
		return
	}
	fmt.Fprintf(c.Writer, "id: %s\nevent: %s\ndata: %s\n\n", e.ID, e.Type, data)
}
